/* activations-paint.c — the views of what flows through a model for one
 * sample: every layer's activations, the first layer's filters, and the
 * saliency of the input. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "inside-paint-private.h"

/* Feature maps beyond this many per layer are left out (a note says so). */
#define MAX_TILES 256

typedef enum
{
  BOX_IMAGE,    /* the input picture */
  BOX_TILES,    /* one viridis tile per channel */
  BOX_STRIP,    /* a vector as a row (or rows) of cells */
  BOX_BARS,     /* class probabilities */
  BOX_SEQUENCE, /* states over time: units × steps, diverging around 0 */
} BoxKind;

typedef struct
{
  BoxKind kind;
  double y;      /* top of the title row */
  double body_y; /* top of the content */
  double body_h;
  int c, h, w;           /* tiles/image: maps of h × w; strip: w units */
  int shown;             /* tiles drawn */
  double tile_w, tile_h; /* one tile, or one strip cell */
  int cols, rows;        /* tiles or strip cells per row, and rows */
  double label_w, bar_w; /* bars */
  /* sequence: steps × units values (row t is step t), from the node's
   * output or its states over time, and their symmetric limit */
  const float *seq;
  int steps, units;
  double limit;
  gboolean seq_labels; /* a row of tokens or step numbers under the map */
} Box;

/* Sequences at most this tall, whatever their units. */
#define SEQUENCE_HEIGHT 260

static void
node_dims (const nn_node_output *o, int *c, int *h, int *w)
{
  *c = 1, *h = 1, *w = 1;
  if (o->shape.rank == 3)
    *c = o->shape.dim[0], *h = o->shape.dim[1], *w = o->shape.dim[2];
  else if (o->shape.rank == 2)
    *h = o->shape.dim[0], *w = o->shape.dim[1];
  else if (o->shape.rank == 1)
    *w = o->shape.dim[0];
}

/* Lays node k out from y; returns the y after it. */
static double
layout_box (const nn_activations *a, int k, int width, const LabInsideStyle *s, double y, Box *b)
{
  const nn_node_output *o = &a->nodes[k];
  double m = LAB_INSIDE_MARGIN (s), gap = LAB_INSIDE_GAP (s), line = LAB_INSIDE_LINE (s);
  double avail = MAX (width - 2 * m, 16);

  *b = (Box){ 0 };
  b->y = y;
  b->body_y = y + line + gap;
  node_dims (o, &b->c, &b->h, &b->w);

  if (k == a->n_nodes - 1 && a->n_classes > 0)
    {
      b->kind = BOX_BARS;
      b->rows = a->n_classes;
      b->label_w = MIN (avail * 0.3, s->font_size * 12);
      b->bar_w = MAX (avail - b->label_w - s->font_size * 5, 16);
      b->body_h = b->rows * line;
    }
  else if (o->shape.rank == 2 || o->steps != NULL)
    {
      double cell_w;

      b->kind = BOX_SEQUENCE;
      b->seq = o->steps != NULL ? o->steps : o->values;
      b->steps = o->steps != NULL ? o->n_steps : o->shape.dim[0];
      b->units = o->steps != NULL ? (int) nn_shape_size (&o->shape) : o->shape.dim[1];
      b->limit = o->steps != NULL ? MAX (fabs (o->steps_min), fabs (o->steps_max))
                                  : MAX (fabs (o->min), fabs (o->max));
      cell_w = CLAMP (floor (avail / MAX (b->steps, 1)), 1, 32);
      b->tile_w = cell_w;
      b->tile_h = CLAMP (floor (SEQUENCE_HEIGHT / MAX (b->units, 1)), 1, 14);
      b->seq_labels = TRUE;
      b->body_h = b->units * b->tile_h + (b->seq_labels ? line : 0);
    }
  else if (o->shape.rank == 1)
    {
      double cell = CLAMP (floor (avail / b->w), 4, 28);

      b->kind = BOX_STRIP;
      b->tile_w = cell;
      b->tile_h = CLAMP (cell, 8, 22);
      b->cols = MAX (1, (int) (avail / cell));
      b->rows = (b->w + b->cols - 1) / b->cols;
      b->body_h = b->rows * b->tile_h;
    }
  else
    {
      gboolean picture = k == 0 && (b->c == 1 || b->c == 3);
      int dim = MAX (b->h, b->w);
      double scale = CLAMP (floor ((picture ? 112.0 : 72.0) / dim), 1, 12);

      b->kind = picture ? BOX_IMAGE : BOX_TILES;
      if (b->w * scale > avail)
        scale = avail / b->w;
      b->tile_w = b->w * scale;
      b->tile_h = b->h * scale;
      b->shown = picture ? 1 : MIN (b->c, MAX_TILES);
      b->cols = MAX (1, (int) ((avail + gap) / (b->tile_w + gap)));
      b->cols = MIN (b->cols, b->shown);
      b->rows = (b->shown + b->cols - 1) / b->cols;
      b->body_h = b->rows * (b->tile_h + gap) - gap;
    }
  return b->body_y + b->body_h + m;
}

int
_lab_activations_measure (const nn_activations *a, int width, const LabInsideStyle *s)
{
  double y = LAB_INSIDE_MARGIN (s);
  Box b;

  for (int k = 0; k < a->n_nodes; k++)
    y = layout_box (a, k, width, s, y, &b);
  return (int) ceil (y);
}

static void
paint_title (LabInsideText *t, const nn_activations *a, int k, const Box *b, int width)
{
  const LabInsideStyle *s = t->style;
  const nn_node_output *o = &a->nodes[k];
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s);
  g_autofree char *shape = nn_shape_to_string (&o->shape);
  g_autofree char *title = NULL;
  double scale_w = b->kind == BOX_TILES || b->kind == BOX_STRIP || b->kind == BOX_SEQUENCE
                     ? MIN (220, width * 0.35)
                     : 0;
  double x = m;

  x += _lab_inside_text (t, o->name, x, b->y, 0, 0, 1.0, TRUE, &s->foreground);
  if (b->kind == BOX_BARS && a->predicted >= 0)
    /* Translators: after a layer's name: its kind, then what the model predicted */
    title = g_strdup_printf (_ ("  %s · predicts %s (%.0f %%), true class %s"), _ (o->ops->name),
                             a->class_names[a->predicted], 100.0 * a->probs[a->predicted],
                             a->class_names[a->true_class]);
  else if (b->kind == BOX_SEQUENCE && o->steps != NULL)
    /* Translators: a recurrent layer's kind, its output shape, its states over time */
    title = g_strdup_printf (_ ("  %s · %s, its state over %d steps (units ↓, time →)"),
                             _ (o->ops->name), shape, b->steps);
  else if (b->kind == BOX_SEQUENCE)
    title = g_strdup_printf (_ ("  %s · %s (units ↓, time →)"), _ (o->ops->name), shape);
  else if (b->kind == BOX_TILES && b->shown < b->c)
    title = g_strdup_printf (_ ("  %s · %s (first %d maps)"), _ (o->ops->name), shape, b->shown);
  else
    title = g_strdup_printf ("  %s · %s", _ (o->ops->name), shape);
  _lab_inside_text (t, title, x, b->y, 0, width - x - m - scale_w - 8, 1.0, FALSE, &s->dim);
  if (b->kind == BOX_SEQUENCE)
    _lab_inside_scale_bar (t, _lab_inside_diverging, -b->limit, b->limit, width - m - scale_w,
                           b->y + line * 0.2, scale_w, line * 0.55);
  else if (scale_w > 0)
    _lab_inside_scale_bar (t, lab_inside_viridis, o->min, o->max, width - m - scale_w,
                           b->y + line * 0.2, scale_w, line * 0.55);
}

/* Time runs to the right, one column per step, each unit a row, blue
 * below 0 and orange above as the Playground draws signed values; under
 * it the tokens the model read, or step numbers. */
static void
paint_sequence (LabInsideText *t, const nn_activations *a, const Box *b)
{
  const LabInsideStyle *s = t->style;
  double m = LAB_INSIDE_MARGIN (s);
  double map_h = b->units * b->tile_h;
  g_autofree float *transposed = g_new (float, (gsize) b->units * b->steps);
  gboolean tokens = a->tokens != NULL && (int) g_strv_length (a->tokens) == b->steps;
  int every;

  for (int step = 0; step < b->steps; step++)
    for (int u = 0; u < b->units; u++)
      transposed[(gsize) u * b->steps + step] = b->seq[(gsize) step * b->units + u];
  _lab_inside_heat (t->cr, transposed, b->units, b->steps, -b->limit, b->limit,
                    _lab_inside_diverging, m, b->body_y, b->steps * b->tile_w, map_h);
  _lab_inside_set_color (t->cr, &s->grid);
  cairo_set_line_width (t->cr, 1);
  cairo_rectangle (t->cr, m - 0.5, b->body_y - 0.5, b->steps * b->tile_w + 1, map_h + 1);
  cairo_stroke (t->cr);
  if (!b->seq_labels)
    return;
  /* Tokens when each has room, else every few steps' numbers. */
  if (tokens && b->tile_w >= s->font_size * 0.75)
    {
      for (int step = 0; step < b->steps; step++)
        _lab_inside_text (t, a->tokens[step], m + (step + 0.5) * b->tile_w, b->body_y + map_h + 2,
                          0.5, b->tile_w, 0.85, FALSE, &s->dim);
      return;
    }
  every = MAX (1, (int) ceil (s->font_size * 3 / b->tile_w));
  for (int step = 0; step < b->steps; step += every)
    {
      char label[16];

      g_snprintf (label, sizeof label, "%d", step + 1);
      _lab_inside_text (t, label, m + (step + 0.5) * b->tile_w, b->body_y + map_h + 2, 0.5, 0, 0.8,
                        FALSE, &s->dim);
    }
}

/* A text model's input is token ids: each cell says which token it is,
 * in black on the light end of the colour map and white elsewhere. */
static void
paint_input_tokens (LabInsideText *t, const nn_activations *a, const Box *b)
{
  const nn_node_output *o = &a->nodes[0];
  const LabInsideColor white = { 1, 1, 1, 0.95 }, black = { 0, 0, 0, 0.85 };
  double m = LAB_INSIDE_MARGIN (t->style);

  if (a->tokens == NULL || (int) g_strv_length (a->tokens) != b->w ||
      b->tile_w < t->style->font_size * 0.75)
    return;
  for (int i = 0; i < b->w; i++)
    {
      double v = o->max > o->min ? (o->values[i] - o->min) / (o->max - o->min) : 0;
      double y = b->body_y + (i / b->cols) * b->tile_h;

      _lab_inside_text (t, a->tokens[i], m + (i % b->cols + 0.5) * b->tile_w,
                        y + (b->tile_h - 1 - t->style->font_size * 1.2 * 0.85) / 2, 0.5, b->tile_w,
                        0.85, TRUE, v > 0.7 ? &black : &white);
    }
}

static void
paint_bars (LabInsideText *t, const nn_activations *a, const Box *b)
{
  const LabInsideStyle *s = t->style;
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s);
  double bar_x = m + b->label_w + 8;

  for (int i = 0; i < a->n_classes; i++)
    {
      double y = b->body_y + i * line;
      const LabInsideColor *c =
        i == a->predicted ? (i == a->true_class ? &s->good : &s->bad) : &s->accent;
      g_autofree char *pct = g_strdup_printf ("%.1f %%", 100.0 * a->probs[i]);

      _lab_inside_text (t, a->class_names[i], m + b->label_w, y + line * 0.12, 1.0, b->label_w, 1.0,
                        i == a->true_class, i == a->true_class ? &s->foreground : &s->dim);
      _lab_inside_set_color (t->cr, &s->panel);
      cairo_rectangle (t->cr, bar_x, y + line * 0.18, b->bar_w, line * 0.64);
      cairo_fill (t->cr);
      _lab_inside_set_color (t->cr, c);
      cairo_rectangle (t->cr, bar_x, y + line * 0.18, b->bar_w * CLAMP (a->probs[i], 0, 1),
                       line * 0.64);
      cairo_fill (t->cr);
      _lab_inside_text (t, pct, bar_x + b->bar_w + 6, y + line * 0.12, 0, 0, 0.9, FALSE, &s->dim);
    }
}

void
lab_activations_paint (cairo_t *cr, const nn_activations *a, int width, int height,
                       const LabInsideStyle *style)
{
  LabInsideStyle light;
  LabInsideText t;
  double y;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  _lab_inside_fill_background (cr, width, height, style);
  _lab_inside_text_init (&t, cr, style);
  y = LAB_INSIDE_MARGIN (style);
  for (int k = 0; k < a->n_nodes && y < height; k++)
    {
      const nn_node_output *o = &a->nodes[k];
      double m = LAB_INSIDE_MARGIN (style), gap = LAB_INSIDE_GAP (style);
      gsize plane;
      Box b;

      y = layout_box (a, k, width, style, y, &b);
      paint_title (&t, a, k, &b, width);
      plane = (gsize) b.h * b.w;
      switch (b.kind)
        {
          case BOX_BARS:
            paint_bars (&t, a, &b);
            break;
          case BOX_SEQUENCE:
            paint_sequence (&t, a, &b);
            break;
          case BOX_IMAGE:
            /* images are gathered into [0, 1] */
            _lab_inside_image (cr, o->values, b.c, b.h, b.w, MIN (o->min, 0.0f), MAX (o->max, 1.0f),
                               m, b.body_y, b.tile_w, b.tile_h);
            break;
          case BOX_TILES:
            for (int i = 0; i < b.shown; i++)
              _lab_inside_heat (cr, o->values + i * plane, b.h, b.w, o->min, o->max,
                                lab_inside_viridis, m + (i % b.cols) * (b.tile_w + gap),
                                b.body_y + (i / b.cols) * (b.tile_h + gap), b.tile_w, b.tile_h);
            break;
          case BOX_STRIP:
            for (int r = 0; r < b.rows; r++)
              {
                int n = MIN (b.cols, b.w - r * b.cols);

                _lab_inside_heat (cr, o->values + (gsize) r * b.cols, 1, n, o->min, o->max,
                                  lab_inside_viridis, m, b.body_y + r * b.tile_h, n * b.tile_w,
                                  b.tile_h - 1);
              }
            if (k == 0)
              paint_input_tokens (&t, a, &b);
            break;
        }
    }
  _lab_inside_text_clear (&t);
}

gboolean
lab_activations_hit (const nn_activations *a, int width, const LabInsideStyle *style, double x,
                     double y, LabActivationHit *hit)
{
  LabInsideStyle light;
  double top;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  top = LAB_INSIDE_MARGIN (style);
  for (int k = 0; k < a->n_nodes; k++)
    {
      double m = LAB_INSIDE_MARGIN (style), gap = LAB_INSIDE_GAP (style);
      double line = LAB_INSIDE_LINE (style);
      const nn_node_output *o = &a->nodes[k];
      Box b;
      int i, col, row;

      top = layout_box (a, k, width, style, top, &b);
      if (y < b.body_y || y >= b.body_y + b.body_h || x < m)
        continue;
      *hit = (LabActivationHit){ .node = k, .step = -1 };
      switch (b.kind)
        {
          case BOX_SEQUENCE:
            col = (int) ((x - m) / b.tile_w);
            row = (int) ((y - b.body_y) / b.tile_h);
            if (col >= b.steps || row >= b.units)
              return FALSE;
            hit->step = col;
            hit->col = row;
            hit->index = col * b.units + row;
            hit->over_time = o->steps != NULL;
            hit->value = b.seq[hit->index];
            return TRUE;
          case BOX_BARS:
            i = (int) ((y - b.body_y) / line);
            if (i < 0 || i >= a->n_classes)
              return FALSE;
            hit->col = hit->index = i;
            hit->value = a->probs[i];
            return TRUE;
          case BOX_STRIP:
            col = (int) ((x - m) / b.tile_w);
            row = (int) ((y - b.body_y) / b.tile_h);
            i = row * b.cols + col;
            if (col >= b.cols || i >= b.w)
              return FALSE;
            hit->col = hit->index = i;
            hit->value = o->values[i];
            return TRUE;
          case BOX_IMAGE:
          case BOX_TILES:
            col = (int) ((x - m) / (b.tile_w + gap));
            row = (int) ((y - b.body_y) / (b.tile_h + gap));
            i = row * b.cols + col;
            if (col >= b.cols || i >= b.shown)
              return FALSE;
            {
              double px = x - m - col * (b.tile_w + gap),
                     py = y - b.body_y - row * (b.tile_h + gap);

              if (px >= b.tile_w || py >= b.tile_h)
                return FALSE;
              hit->channel = b.kind == BOX_IMAGE ? 0 : i;
              hit->row = (int) (py / b.tile_h * b.h);
              hit->col = (int) (px / b.tile_w * b.w);
              hit->index = hit->channel * b.h * b.w + hit->row * b.w + hit->col;
              hit->value = o->values[hit->index];
            }
            return TRUE;
        }
    }
  return FALSE;
}

/* --- Filters -------------------------------------------------------------- */

typedef struct
{
  int per_filter; /* tiles per filter: 1 (grey or RGB) or one per channel */
  double tile;    /* pixel size of one kernel pixel */
  double cell_w, cell_h;
  int cols, rows;
} FilterLayout;

static double
layout_filters (const nn_filters *f, int width, const LabInsideStyle *s, FilterLayout *l)
{
  double m = LAB_INSIDE_MARGIN (s), gap = LAB_INSIDE_GAP (s), line = LAB_INSIDE_LINE (s);
  double avail = MAX (width - 2 * m, 16);
  int dim = MAX (f->height, f->width);

  l->per_filter = f->channels == 1 || f->channels == 3 ? 1 : MIN (f->channels, 8);
  l->tile = CLAMP (floor (56.0 / dim), 1, 16);
  l->cell_w = l->per_filter * (f->width * l->tile + 2) + 2 * gap;
  if (l->cell_w > avail)
    {
      l->tile = MAX ((avail - 2 * gap) / l->per_filter / f->width - 2, 0.5);
      l->cell_w = avail;
    }
  l->cell_h = f->height * l->tile + line;
  l->cols = MAX (1, (int) (avail / l->cell_w));
  l->rows = (f->n_filters + l->cols - 1) / l->cols;
  return m + line + gap + l->rows * l->cell_h + m;
}

int
_lab_filters_measure (const nn_filters *f, int width, const LabInsideStyle *s)
{
  FilterLayout l;

  return (int) ceil (layout_filters (f, width, s, &l));
}

void
lab_filters_paint (cairo_t *cr, const nn_filters *f, int width, int height,
                   const LabInsideStyle *style)
{
  LabInsideStyle light;
  LabInsideText t;
  FilterLayout l;
  g_autofree char *title = NULL;
  double m, gap, line, top;
  gsize per;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  m = LAB_INSIDE_MARGIN (style), gap = LAB_INSIDE_GAP (style), line = LAB_INSIDE_LINE (style);
  _lab_inside_fill_background (cr, width, height, style);
  _lab_inside_text_init (&t, cr, style);
  layout_filters (f, width, style, &l);

  if (f->from_dense)
    title = g_strdup_printf (
      /* Translators: a Dense layer's weights shown as pictures of the input */
      _ ("%s · the weights of its first %d units, as %d×%d×%d images"), f->node_name, f->n_filters,
      f->channels, f->height, f->width);
  else
    title = g_strdup_printf (_ ("%s · %d filters of %d×%d×%d (grey is 0)"), f->node_name,
                             f->n_filters, f->channels, f->height, f->width);
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE, &style->foreground);
  top = m + line + gap;
  per = (gsize) f->channels * f->height * f->width;
  for (int i = 0; i < f->n_filters; i++)
    {
      const float *v = f->values + i * per;
      double x = m + (i % l.cols) * l.cell_w + gap, y = top + (i / l.cols) * l.cell_h;
      double tw = f->width * l.tile, th = f->height * l.tile;
      double peak = 0;
      char label[16];

      /* each filter on its own symmetric scale: the pattern matters, not
       * how strong it is next to the others */
      for (gsize j = 0; j < per; j++)
        peak = MAX (peak, fabs (v[j]));
      if (peak == 0)
        peak = 1;
      for (int c = 0; c < l.per_filter; c++)
        {
          double cx = x + c * (tw + 2);

          _lab_inside_set_color (cr, &style->grid);
          cairo_rectangle (cr, cx - 1, y - 1, tw + 2, th + 2);
          cairo_fill (cr);
          if (l.per_filter == 1)
            _lab_inside_image (cr, v, f->channels, f->height, f->width, -peak, peak, cx, y, tw, th);
          else
            _lab_inside_heat (cr, v + (gsize) c * f->height * f->width, f->height, f->width, -peak,
                              peak, _lab_inside_grey, cx, y, tw, th);
        }
      g_snprintf (label, sizeof label, "%d", i);
      _lab_inside_text (&t, label, x + (l.per_filter * (tw + 2)) / 2, y + th + 2, 0.5, 0, 0.8,
                        FALSE, &style->dim);
    }
  _lab_inside_text_clear (&t);
}

/* --- Saliency ------------------------------------------------------------- */

static gboolean
saliency_is_image (const nn_saliency *s)
{
  return s->shape.rank == 3;
}

static double
saliency_panel (const nn_saliency *s, int width, const LabInsideStyle *st)
{
  double m = LAB_INSIDE_MARGIN (st), gap = LAB_INSIDE_GAP (st);

  (void) s;
  return MIN (floor ((width - 2 * m - 4 * gap) / 3), 280);
}

int
_lab_saliency_measure (const nn_saliency *s, int width, const LabInsideStyle *st)
{
  double m = LAB_INSIDE_MARGIN (st), line = LAB_INSIDE_LINE (st), gap = LAB_INSIDE_GAP (st);

  if (saliency_is_image (s))
    return (int) ceil (m + 2 * line + gap + saliency_panel (s, width, st) + m);
  return (int) ceil (m + 2 * line + gap + MIN (s->map_width, 64) * line + m);
}

/* The input in grey with the map on top in warm colours whose opacity
 * follows the saliency, so the unimportant parts of the image stay
 * visible. */
static void
paint_overlay (cairo_t *cr, const nn_saliency *s, double x, double y, double size)
{
  int h = s->map_height, w = s->map_width;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  guint8 *data;
  int stride;

  int channels = s->shape.dim[0];
  g_autofree float *grey = g_new0 (float, (gsize) h *w);

  /* the picture in grey (the mean of its channels), so the colours are the map's */
  for (int c = 0; c < channels; c++)
    for (gsize p = 0; p < (gsize) h * w; p++)
      grey[p] += s->input[(gsize) c * h * w + p] / channels;
  _lab_inside_image (cr, grey, 1, h, w, 0, 1, x, y, size, size);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int i = 0; i < h; i++)
    for (int j = 0; j < w; j++)
      {
        double v = CLAMP (s->map[i * w + j], 0, 1);
        double a = v * 0.85;
        double r = 1.0, g = 0.15 + 0.85 * v, b = 0.05;

        /* premultiplied ARGB */
        ((guint32 *) (data + (gsize) i * stride))[j] =
          (guint32) lround (a * 255) << 24 | (guint32) lround (r * a * 255) << 16 |
          (guint32) lround (g * a * 255) << 8 | (guint32) lround (b * a * 255);
      }
  cairo_surface_mark_dirty (surface);
  cairo_save (cr);
  cairo_rectangle (cr, x, y, size, size);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, size / w, size / h);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

void
lab_saliency_paint (cairo_t *cr, const nn_saliency *s, int width, int height,
                    const LabInsideStyle *style)
{
  LabInsideStyle light;
  LabInsideText t;
  g_autofree char *title = NULL;
  double m, line, gap, top;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  m = LAB_INSIDE_MARGIN (style), line = LAB_INSIDE_LINE (style), gap = LAB_INSIDE_GAP (style);
  _lab_inside_fill_background (cr, width, height, style);
  _lab_inside_text_init (&t, cr, style);

  if (s->true_name != NULL)
    title = g_strdup_printf (_ ("Sample %d · true class %s · predicted %s (%.0f %%)"), s->sample,
                             s->true_name, s->predicted_name, 100.0 * s->confidence);
  else
    {
      g_autofree char *value = _lab_inside_format_value (s->confidence);

      title = g_strdup_printf (_ ("Sample %d · output %s"), s->sample, value);
    }
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE,
                    s->true_name && s->true_class != s->predicted ? &style->bad
                                                                  : &style->foreground);
  top = m + line;

  if (saliency_is_image (s))
    {
      double size = saliency_panel (s, width, style);
      const char *captions[3] = { _ ("Input"), _ ("Saliency over the input"),
                                  _ ("|∂ score / ∂ input|") };
      int c = s->shape.dim[0];

      for (int i = 0; i < 3; i++)
        _lab_inside_text (&t, captions[i], m + i * (size + 2 * gap), top, 0, size, 0.9, FALSE,
                          &style->dim);
      top += line + gap;
      _lab_inside_image (cr, s->input, c, s->map_height, s->map_width, 0, 1, m, top, size, size);
      paint_overlay (cr, s, m + size + 2 * gap, top, size);
      _lab_inside_heat (cr, s->map, s->map_height, s->map_width, 0, 1, lab_inside_viridis,
                        m + 2 * (size + 2 * gap), top, size, size);
    }
  else
    {
      int n = MIN (s->map_width, 64);
      double label_w = MIN ((width - 2 * m) * 0.3, style->font_size * 12);
      double bar_x = m + label_w + 8;
      double bar_w = MAX (width - 2 * m - label_w - 8 - style->font_size * 12, 16);

      _lab_inside_text (&t, _ ("|∂ score / ∂ input| per feature, largest = 1"), m, top, 0,
                        width - 2 * m, 0.9, FALSE, &style->dim);
      top += line + gap;
      for (int i = 0; i < n; i++)
        {
          double y = top + i * line;
          g_autofree char *name = s->feature_names && i < (int) g_strv_length (s->feature_names)
                                    ? g_strdup (s->feature_names[i])
                                    : g_strdup_printf (_ ("feature %d"), i + 1);
          g_autofree char *value = _lab_inside_format_value (s->input[i]);
          g_autofree char *note = g_strdup_printf (_ ("input %s"), value);

          _lab_inside_text (&t, name, m + label_w, y + line * 0.12, 1.0, label_w, 1.0, FALSE,
                            &style->foreground);
          _lab_inside_set_color (cr, &style->panel);
          cairo_rectangle (cr, bar_x, y + line * 0.18, bar_w, line * 0.64);
          cairo_fill (cr);
          _lab_inside_set_color (cr, &style->accent);
          cairo_rectangle (cr, bar_x, y + line * 0.18, bar_w * CLAMP (s->map[i], 0, 1),
                           line * 0.64);
          cairo_fill (cr);
          _lab_inside_text (&t, note, bar_x + bar_w + 6, y + line * 0.12, 0, 0, 0.9, FALSE,
                            &style->dim);
        }
    }
  _lab_inside_text_clear (&t);
}
