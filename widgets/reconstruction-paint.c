/* reconstruction-paint.c — the views of models that make inputs: an
 * autoencoder's reconstructions beside their inputs with a map of its 2-D
 * latent space, and a GAN's samples. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "inside-paint-private.h"
#include "io/image-grid.h"

/* A latent map no bigger than this, so it fits a window beside its legend. */
#define LATENT_SIZE 360
/* Points drawn on the latent map, at most. */
#define MAX_POINTS 2000

/* --- Reconstructions ------------------------------------------------------ */

typedef struct
{
  nn_image_grid image; /* c, h, w of one picture */
  double scale;        /* screen pixels per image pixel */
  double tile;         /* one picture's side */
  double pair_w, pair_h, pair_gap;
  int cols, rows;
  double grid_y; /* top of the first pair */
  double latent_y;
  double plot; /* the latent map's side, 0 without one */
  double height;
} ReconLayout;

static gboolean
has_map (const nn_reconstructions *r)
{
  return r->latent != NULL && r->latent->dim == 2 && r->latent->n > 0;
}

static void
layout_reconstructions (const nn_reconstructions *r, int width, const LabInsideStyle *s,
                        ReconLayout *l)
{
  double m = LAB_INSIDE_MARGIN (s), gap = LAB_INSIDE_GAP (s), line = LAB_INSIDE_LINE (s);
  double avail = MAX (width - 2 * m, 32);
  int dim;

  *l = (ReconLayout){ 0 };
  if (!nn_image_grid_layout (&r->shape, MAX (r->n, 1), 1, &l->image, NULL))
    {
      /* not a picture: each sample as a strip of its values */
      l->image.c = 1;
      l->image.h = 1;
      l->image.w = (int) nn_shape_size (&r->shape);
    }
  dim = MAX (l->image.h, l->image.w);
  l->scale = CLAMP (floor (64.0 / dim), 1, 8);
  if (l->image.h == 1)
    l->scale = MAX (160.0 / l->image.w, 0.25);
  l->tile = dim * l->scale;
  l->pair_w = l->image.w * l->scale * 2 + 2;
  l->pair_h = l->image.h == 1 ? MAX (l->scale, 12) : l->tile;
  if (l->pair_w > avail)
    {
      l->scale *= avail / l->pair_w;
      l->pair_w = avail;
    }
  l->pair_gap = 3 * gap;
  l->cols = MAX (1, (int) ((avail + l->pair_gap) / (l->pair_w + l->pair_gap)));
  l->cols = MIN (l->cols, MAX (r->n, 1));
  l->rows = (r->n + l->cols - 1) / l->cols;
  l->grid_y = m + 2 * line + gap;
  l->height = l->grid_y + l->rows * (l->pair_h + l->pair_gap) - l->pair_gap + m;
  if (has_map (r))
    {
      l->latent_y = l->height + m;
      l->plot = MIN (LATENT_SIZE, avail * 0.6);
      l->height = l->latent_y + line + gap + l->plot + line + m;
    }
}

int
_lab_reconstructions_measure (const nn_reconstructions *r, int width, const LabInsideStyle *s)
{
  ReconLayout l;

  layout_reconstructions (r, width, s, &l);
  return (int) ceil (l.height);
}

/* One sample: a picture, or its values as a strip when it is no picture. */
static void
paint_sample (cairo_t *cr, const ReconLayout *l, const float *v, double x, double y)
{
  if (l->image.h == 1)
    _lab_inside_heat (cr, v, 1, l->image.w, 0, 1, lab_inside_viridis, x, y, l->image.w * l->scale,
                      l->pair_h);
  else
    _lab_inside_image (cr, v, l->image.c, l->image.h, l->image.w, 0, 1, x, y, l->image.w * l->scale,
                       l->image.h * l->scale);
}

static void
paint_latent (LabInsideText *t, const nn_reconstructions *r, const ReconLayout *l, int width)
{
  const LabInsideStyle *s = t->style;
  const nn_latent *lat = r->latent;
  double m = LAB_INSIDE_MARGIN (s), gap = LAB_INSIDE_GAP (s), line = LAB_INSIDE_LINE (s);
  double x0 = m + line, y0 = l->latent_y + line + gap, size = l->plot;
  double span[2], lo[2];
  int step = MAX (1, lat->n / MAX_POINTS);
  g_autofree char *title = NULL;

  title = g_strdup_printf (
    /* Translators: the latent map's title: the bottleneck layer, how many samples */
    _ ("Latent space · the 2 units of %s for %d test samples"), lat->node_name, lat->n);
  _lab_inside_text (t, title, m, l->latent_y, 0, width - 2 * m, 1.0, TRUE, &s->foreground);
  for (int d = 0; d < 2; d++)
    {
      /* a 5 % margin so no point sits on the frame */
      double extent = MAX (lat->max[d] - lat->min[d], 1e-6);

      lo[d] = lat->min[d] - 0.05 * extent;
      span[d] = 1.1 * extent;
    }
  _lab_inside_set_color (t->cr, &s->panel);
  cairo_rectangle (t->cr, x0, y0, size, size);
  cairo_fill (t->cr);
  _lab_inside_set_color (t->cr, &s->grid);
  cairo_set_line_width (t->cr, 1);
  for (int i = 1; i < 4; i++)
    {
      cairo_move_to (t->cr, round (x0 + size * i / 4) + 0.5, y0);
      cairo_line_to (t->cr, round (x0 + size * i / 4) + 0.5, y0 + size);
      cairo_move_to (t->cr, x0, round (y0 + size * i / 4) + 0.5);
      cairo_line_to (t->cr, x0 + size, round (y0 + size * i / 4) + 0.5);
    }
  cairo_rectangle (t->cr, x0 + 0.5, y0 + 0.5, size - 1, size - 1);
  cairo_stroke (t->cr);

  for (int i = 0; i < lat->n; i += step)
    {
      const float *p = lat->values + (gsize) i * lat->dim;
      double px = x0 + (p[0] - lo[0]) / span[0] * size;
      double py = y0 + size - (p[1] - lo[1]) / span[1] * size;
      const LabInsideColor *c =
        lat->labels != NULL ? &s->classes[lat->labels[i] % LAB_INSIDE_N_CLASS_COLORS] : &s->accent;

      cairo_set_source_rgba (t->cr, c->r, c->g, c->b, 0.75);
      cairo_arc (t->cr, px, py, 2.5, 0, 2 * G_PI);
      cairo_fill (t->cr);
    }

  /* the axes: each unit's range */
  {
    g_autofree char *x_lo = _lab_inside_format_value (lat->min[0]);
    g_autofree char *x_hi = _lab_inside_format_value (lat->max[0]);
    g_autofree char *y_lo = _lab_inside_format_value (lat->min[1]);
    g_autofree char *y_hi = _lab_inside_format_value (lat->max[1]);

    _lab_inside_text (t, x_lo, x0, y0 + size + 2, 0, 0, 0.8, FALSE, &s->dim);
    _lab_inside_text (t, _ ("unit 1 →"), x0 + size / 2, y0 + size + 2, 0.5, 0, 0.8, FALSE, &s->dim);
    _lab_inside_text (t, x_hi, x0 + size, y0 + size + 2, 1, 0, 0.8, FALSE, &s->dim);
    _lab_inside_text (t, y_hi, x0 - 4, y0, 1, 0, 0.8, FALSE, &s->dim);
    _lab_inside_text (t, y_lo, x0 - 4, y0 + size - line * 0.8, 1, 0, 0.8, FALSE, &s->dim);
    cairo_save (t->cr);
    cairo_translate (t->cr, x0 - line * 0.9, y0 + size / 2);
    cairo_rotate (t->cr, -G_PI / 2);
    _lab_inside_text (t, _ ("unit 2 →"), 0, 0, 0.5, 0, 0.8, FALSE, &s->dim);
    cairo_restore (t->cr);
  }

  /* the legend beside the map */
  if (lat->labels != NULL)
    for (int k = 0; k < lat->n_classes && lat->class_names != NULL && lat->class_names[k]; k++)
      {
        double lx = x0 + size + 2 * m, ly = y0 + k * line;
        const LabInsideColor *c = &s->classes[k % LAB_INSIDE_N_CLASS_COLORS];

        if (ly + line > y0 + size + line)
          break;
        _lab_inside_set_color (t->cr, c);
        cairo_arc (t->cr, lx + 5, ly + line / 2 - 1, 5, 0, 2 * G_PI);
        cairo_fill (t->cr);
        _lab_inside_text (t, lat->class_names[k], lx + 16, ly + line * 0.12, 0, width - lx - 16 - m,
                          0.9, FALSE, &s->foreground);
      }
}

void
lab_reconstructions_paint (cairo_t *cr, const nn_reconstructions *r, int width, int height,
                           const LabInsideStyle *style)
{
  LabInsideStyle light;
  LabInsideText t;
  ReconLayout l;
  g_autofree char *error = NULL;
  g_autofree char *title = NULL;
  double m, line;
  gsize size = nn_shape_size (&r->shape);

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  m = LAB_INSIDE_MARGIN (style), line = LAB_INSIDE_LINE (style);
  _lab_inside_fill_background (cr, width, height, style);
  _lab_inside_text_init (&t, cr, style);
  layout_reconstructions (r, width, style, &l);

  error = _lab_inside_format_value (r->mse);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d test sample beside its reconstruction",
                                        "%d test samples beside their reconstructions", r->n),
                           r->n);
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE, &style->foreground);
  {
    /* Translators: under the reconstructions' title */
    g_autofree char *note = g_strdup_printf (
      _ ("In each pair the input is on the left, what the model rebuilt on the right · mean "
         "squared error %s"),
      error);
    _lab_inside_text (&t, note, m, m + line, 0, width - 2 * m, 0.9, FALSE, &style->dim);
  }

  for (int i = 0; i < r->n; i++)
    {
      double x = m + (i % l.cols) * (l.pair_w + l.pair_gap);
      double y = l.grid_y + (i / l.cols) * (l.pair_h + l.pair_gap);
      double half = l.image.w * l.scale;

      if (y > height)
        break;
      _lab_inside_set_color (cr, &style->grid);
      cairo_rectangle (cr, x - 1, y - 1, l.pair_w + 2, l.pair_h + 2);
      cairo_fill (cr);
      paint_sample (cr, &l, r->inputs + (gsize) i * size, x, y);
      paint_sample (cr, &l, r->outputs + (gsize) i * size, x + half + 2, y);
    }
  if (has_map (r))
    paint_latent (&t, r, &l, width);
  _lab_inside_text_clear (&t);
}

int
lab_reconstructions_hit (const nn_reconstructions *r, int width, const LabInsideStyle *style,
                         double x, double y)
{
  LabInsideStyle light;
  ReconLayout l;
  double m;
  int col, row, i;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  m = LAB_INSIDE_MARGIN (style);
  layout_reconstructions (r, width, style, &l);
  if (x < m || y < l.grid_y)
    return -1;
  col = (int) ((x - m) / (l.pair_w + l.pair_gap));
  row = (int) ((y - l.grid_y) / (l.pair_h + l.pair_gap));
  i = row * l.cols + col;
  if (col >= l.cols || i >= r->n || x - m - col * (l.pair_w + l.pair_gap) >= l.pair_w ||
      y - l.grid_y - row * (l.pair_h + l.pair_gap) >= l.pair_h)
    return -1;
  return i;
}

/* --- GAN samples ---------------------------------------------------------- */

typedef struct
{
  nn_image_grid grid;
  gboolean ok;
  double scale;
  double x, y; /* the grid's top-left */
  double height;
} SampleLayout;

static void
layout_samples (const nn_samples *s, int width, const LabInsideStyle *st, SampleLayout *l)
{
  double m = LAB_INSIDE_MARGIN (st), line = LAB_INSIDE_LINE (st), gap = LAB_INSIDE_GAP (st);
  double avail = MAX (width - 2 * m, 32);

  *l = (SampleLayout){ 0 };
  l->ok = nn_image_grid_layout (&s->shape, s->n, 0, &l->grid, NULL);
  l->x = m;
  l->y = m + line + gap;
  if (!l->ok)
    {
      l->height = l->y + line + m;
      return;
    }
  /* whole screen pixels per image pixel keep the samples sharp; no taller
   * than a window */
  l->scale = MAX (1, floor (MIN (avail / l->grid.width, 720.0 / l->grid.height)));
  if (l->grid.width * l->scale > avail)
    l->scale = avail / l->grid.width;
  l->height = l->y + l->grid.height * l->scale + m;
}

int
_lab_samples_measure (const nn_samples *s, int width, const LabInsideStyle *st)
{
  SampleLayout l;

  layout_samples (s, width, st, &l);
  return (int) ceil (l.height);
}

void
lab_samples_paint (cairo_t *cr, const nn_samples *s, int width, int height,
                   const LabInsideStyle *style)
{
  LabInsideStyle light;
  LabInsideText t;
  SampleLayout l;
  g_autofree char *title = NULL;
  gsize size = nn_shape_size (&s->shape);
  double m;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  m = LAB_INSIDE_MARGIN (style);
  _lab_inside_fill_background (cr, width, height, style);
  _lab_inside_text_init (&t, cr, style);
  layout_samples (s, width, style, &l);
  title = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%d sample of the generator, from the same noise every time",
                 "%d samples of the generator, each from the same noise "
                 "every time",
                 s->n),
    s->n);
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE, &style->foreground);
  if (!l.ok)
    {
      g_autofree char *shape = nn_shape_to_string (&s->shape);
      g_autofree char *why =
        g_strdup_printf (_ ("Samples of shape %s cannot be shown as pictures"), shape);

      _lab_inside_text (&t, why, m, l.y, 0, width - 2 * m, 1.0, FALSE, &style->dim);
      _lab_inside_text_clear (&t);
      return;
    }
  /* the gaps in the grid's black, as the CLI's PNG has them */
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, l.x, l.y, l.grid.width * l.scale, l.grid.height * l.scale);
  cairo_fill (cr);
  for (int i = 0; i < s->n; i++)
    {
      int gx = l.grid.gap + (i % l.grid.cols) * (l.grid.w + l.grid.gap);
      int gy = l.grid.gap + (i / l.grid.cols) * (l.grid.h + l.grid.gap);

      _lab_inside_image (cr, s->images + (gsize) i * size, l.grid.c, l.grid.h, l.grid.w, 0, 1,
                         l.x + gx * l.scale, l.y + gy * l.scale, l.grid.w * l.scale,
                         l.grid.h * l.scale);
    }
  _lab_inside_text_clear (&t);
}

int
lab_samples_hit (const nn_samples *s, int width, const LabInsideStyle *style, double x, double y)
{
  LabInsideStyle light;
  SampleLayout l;
  double cell_w, cell_h;
  int col, row, i;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  layout_samples (s, width, style, &l);
  if (!l.ok || x < l.x || y < l.y)
    return -1;
  cell_w = (l.grid.w + l.grid.gap) * l.scale;
  cell_h = (l.grid.h + l.grid.gap) * l.scale;
  col = (int) ((x - l.x) / cell_w);
  row = (int) ((y - l.y) / cell_h);
  i = row * l.grid.cols + col;
  if (col >= l.grid.cols || i >= s->n)
    return -1;
  return i;
}
