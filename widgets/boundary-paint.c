/* boundary-paint.c — the decision boundary of a model on 2-D data, in the
 * manner of TensorFlow Playground: the plane coloured by the predicted
 * class, the points on top, and a small map of every hidden unit. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "inside-paint-private.h"

typedef struct
{
  double plot_x, plot_y, plot; /* the square plane */
  double hx, hw;               /* the hidden units' area, right of the plane */
  double thumb;                /* side of one unit's map; 0 when there is no room */
  int rows_max;                /* thumbnails stacked per sub-column */
} BoundaryLayout;

static void
layout_boundary (const nn_boundary *b, int width, int height, const LabInsideStyle *s,
                 BoundaryLayout *l)
{
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  double avail = MAX (width - 2 * m, 32);

  *l = (BoundaryLayout){ 0 };
  l->plot_x = m + s->font_size * 3;
  l->plot_y = m + 2 * line + gap;
  l->plot = floor (MIN ((avail - s->font_size * 3) * (b->n_layers > 0 ? 0.6 : 1.0), 520));
  if (height > 0)
    l->plot = MIN (l->plot, floor (height - l->plot_y - 2 * line - m));
  l->plot = MAX (l->plot, 16);
  l->hx = l->plot_x + l->plot + 2 * m;
  l->hw = width - m - l->hx;
  if (b->n_layers == 0 || l->hw < 40)
    return;
  /* the largest thumbnails with which every layer fits beside the plane */
  for (double ts = 72; ts >= 10; ts -= 2)
    {
      int rows = MAX (1, (int) ((l->plot - line + gap) / (ts + gap)));
      double need = 0;

      for (int i = 0; i < b->n_layers; i++)
        need += ((b->layers[i].units + rows - 1) / rows) * (ts + gap) + (i ? m : 0);
      if (need <= l->hw)
        {
          l->thumb = ts;
          l->rows_max = rows;
          return;
        }
    }
}

int
_lab_boundary_measure (const nn_boundary *b, int width, const LabInsideStyle *s)
{
  BoundaryLayout l;

  layout_boundary (b, width, 0, s, &l);
  return (int) ceil (l.plot_y + l.plot + 2 * LAB_INSIDE_LINE (s) + LAB_INSIDE_MARGIN (s));
}

/* Blends the class colours by probability, then lets the background show
 * through where the model is unsure. */
static void
paint_plane (cairo_t *cr, const nn_boundary *b, const LabInsideStyle *s, const BoundaryLayout *l)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, b->width, b->height);
  int K = b->n_classes;
  guint8 *data;
  int stride;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int i = 0; i < b->height; i++)
    for (int j = 0; j < b->width; j++)
      {
        const float *p = b->probs + ((gsize) i * b->width + j) * K;
        double r = 0, g = 0, bl = 0, top = 0, sure, t;

        for (int k = 0; k < K; k++)
          {
            const LabInsideColor *c = &s->classes[k % LAB_INSIDE_N_CLASS_COLORS];

            r += p[k] * c->r, g += p[k] * c->g, bl += p[k] * c->b;
            top = MAX (top, p[k]);
          }
        sure = K > 1 ? (top - 1.0 / K) / (1.0 - 1.0 / K) : 1.0;
        t = 0.15 + 0.4 * CLAMP (sure, 0, 1);
        r = s->panel.r * (1 - t) + r * t;
        g = s->panel.g * (1 - t) + g * t;
        bl = s->panel.b * (1 - t) + bl * t;
        ((guint32 *) (data + (gsize) i * stride))[j] =
          0xff000000u | (guint32) lround (CLAMP (r, 0, 1) * 255) << 16 |
          (guint32) lround (CLAMP (g, 0, 1) * 255) << 8 | (guint32) lround (CLAMP (bl, 0, 1) * 255);
      }
  cairo_surface_mark_dirty (surface);
  cairo_save (cr);
  cairo_rectangle (cr, l->plot_x, l->plot_y, l->plot, l->plot);
  cairo_clip (cr);
  cairo_translate (cr, l->plot_x, l->plot_y);
  cairo_scale (cr, l->plot / b->width, l->plot / b->height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

static void
paint_points (cairo_t *cr, const nn_boundary *b, const LabInsideStyle *s, const BoundaryLayout *l)
{
  double radius = CLAMP (l->plot / 110, 2.0, 4.0);

  cairo_save (cr);
  cairo_rectangle (cr, l->plot_x, l->plot_y, l->plot, l->plot);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.0);
  for (int i = 0; i < b->n_points; i++)
    {
      double x = b->points[2 * i], y = b->points[2 * i + 1];
      double px = l->plot_x + (x - b->x_min) / (b->x_max - b->x_min) * l->plot;
      double py = l->plot_y + (b->y_max - y) / (b->y_max - b->y_min) * l->plot;

      if (!isfinite (px) || !isfinite (py))
        continue;
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
      _lab_inside_set_color (cr, &s->classes[b->labels[i] % LAB_INSIDE_N_CLASS_COLORS]);
      cairo_fill_preserve (cr);
      _lab_inside_set_color (cr, &s->panel);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
paint_axes (LabInsideText *t, const nn_boundary *b, const BoundaryLayout *l)
{
  const LabInsideStyle *s = t->style;
  g_autofree char *x0 = _lab_inside_format_value (b->x_min);
  g_autofree char *x1 = _lab_inside_format_value (b->x_max);
  g_autofree char *y0 = _lab_inside_format_value (b->y_min);
  g_autofree char *y1 = _lab_inside_format_value (b->y_max);
  double bottom = l->plot_y + l->plot;

  _lab_inside_set_color (t->cr, &s->grid);
  cairo_set_line_width (t->cr, 1);
  cairo_rectangle (t->cr, l->plot_x - 0.5, l->plot_y - 0.5, l->plot + 1, l->plot + 1);
  cairo_stroke (t->cr);
  _lab_inside_text (t, x0, l->plot_x, bottom + 2, 0, 0, 0.8, FALSE, &s->dim);
  _lab_inside_text (t, x1, l->plot_x + l->plot, bottom + 2, 1.0, 0, 0.8, FALSE, &s->dim);
  _lab_inside_text (t, b->x_name, l->plot_x + l->plot / 2, bottom + 2, 0.5, l->plot / 2, 0.9, TRUE,
                    &s->foreground);
  _lab_inside_text (t, y1, l->plot_x - 4, l->plot_y, 1.0, 0, 0.8, FALSE, &s->dim);
  _lab_inside_text (t, y0, l->plot_x - 4, bottom - s->font_size, 1.0, 0, 0.8, FALSE, &s->dim);
  _lab_inside_text (t, b->y_name, l->plot_x - 4, l->plot_y + l->plot / 2 - s->font_size / 2, 1.0,
                    s->font_size * 3, 0.9, TRUE, &s->foreground);
}

static void
paint_hidden (LabInsideText *t, const nn_boundary *b, const BoundaryLayout *l)
{
  const LabInsideStyle *s = t->style;
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  double x = l->hx;

  if (l->thumb <= 0)
    return;
  _lab_inside_text (t, _ ("Hidden units (blue < 0 < orange)"), l->hx, l->plot_y - line, 0, l->hw,
                    0.85, FALSE, &s->dim);
  for (int i = 0; i < b->n_layers; i++)
    {
      const nn_boundary_layer *layer = &b->layers[i];
      int cols = (layer->units + l->rows_max - 1) / l->rows_max;
      double peak = MAX (fabs (layer->min), fabs (layer->max));
      gsize cells = (gsize) b->width * b->height;

      if (peak == 0 || !isfinite (peak))
        peak = 1;
      _lab_inside_text (t, layer->name, x, l->plot_y, 0, cols * (l->thumb + gap), 0.85, TRUE,
                        &s->foreground);
      for (int u = 0; u < layer->units; u++)
        {
          double tx = x + (u / l->rows_max) * (l->thumb + gap);
          double ty = l->plot_y + line + (u % l->rows_max) * (l->thumb + gap);

          _lab_inside_heat (t->cr, layer->values + u * cells, b->height, b->width, -peak, peak,
                            _lab_inside_diverging, tx, ty, l->thumb, l->thumb);
          _lab_inside_set_color (t->cr, &s->grid);
          cairo_set_line_width (t->cr, 1);
          cairo_rectangle (t->cr, tx + 0.5, ty + 0.5, l->thumb - 1, l->thumb - 1);
          cairo_stroke (t->cr);
        }
      x += cols * (l->thumb + gap) + m;
    }
}

void
lab_boundary_paint (cairo_t *cr, const nn_boundary *b, int width, int height,
                    const LabInsideStyle *style)
{
  LabInsideStyle light;
  const LabInsideStyle *s = style;
  BoundaryLayout l;
  LabInsideText t;
  double m, x;

  if (s == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      s = &light;
    }
  m = LAB_INSIDE_MARGIN (s);
  _lab_inside_fill_background (cr, width, height, s);
  _lab_inside_text_init (&t, cr, s);
  layout_boundary (b, width, height, s, &l);

  x = m + _lab_inside_text (&t, _ ("Decision boundary"), m, m, 0, 0, 1.0, TRUE, &s->foreground);
  /* the legend: one dot per class */
  for (int k = 0; k < b->n_classes && x < width - m; k++)
    {
      x += s->font_size;
      cairo_arc (cr, x + 4, m + s->font_size * 0.7, 4.5, 0, 2 * G_PI);
      _lab_inside_set_color (cr, &s->classes[k % LAB_INSIDE_N_CLASS_COLORS]);
      cairo_fill (cr);
      x += 12 + _lab_inside_text (&t, b->class_names[k], x + 12, m, 0, 0, 0.9, FALSE, &s->dim);
    }
  paint_plane (cr, b, s, &l);
  paint_points (cr, b, s, &l);
  paint_axes (&t, b, &l);
  paint_hidden (&t, b, &l);
  _lab_inside_text_clear (&t);
}
