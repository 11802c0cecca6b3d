/* network-paint.c — see network-paint.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "network-paint.h"

#define MARGIN      16.0
#define TITLE_GAP   10.0
#define LEGEND_SIZE 28.0

void
lab_network_style_init (LabNetworkStyle *style, gboolean dark)
{
  const double light_fg[4] = { 0.12, 0.12, 0.14, 1 }, dark_fg[4] = { 0.94, 0.94, 0.96, 1 };

  *style = (LabNetworkStyle){
    .pos = { 0.11, 0.44, 0.85, 1 }, /* GNOME blue 4 */
    .neg = { 0.90, 0.38, 0.0, 1 },  /* GNOME orange 4 */
    .accent = { 0.15, 0.64, 0.41, 1 },
    .font = "Cantarell 10",
    .line_scale = 1.0,
  };
  for (int i = 0; i < 4; i++)
    style->fg[i] = dark ? dark_fg[i] : light_fg[i];
  for (int i = 0; i < 3; i++)
    style->tint[i] = style->fg[i];
  style->tint[3] = 0.06;
}

static void
set_colour (cairo_t *cr, const double c[4], double alpha)
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3] * alpha);
}

static double
max_abs (const float *x, gsize n)
{
  double m = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]))
      m = MAX (m, fabs (x[i]));
  return m > 0 ? m : 1;
}

/* The centre of neuron i of column c; `width` is what the columns share,
 * after the room kept for the output's labels. */
static void
neuron_at (const LabNetworkView *v, int c, int i, double width, double top, double body, double *x,
           double *y)
{
  const double span = width - 2 * MARGIN;
  const double step = body / v->units[c];

  *x = MARGIN + span * (c + 0.5) / v->n_columns;
  *y = top + step * (i + 0.5);
}

/* What is written right of output neuron i. */
static char *
output_label (const LabNetworkView *v, int i)
{
  GString *s = g_string_new (NULL);

  if (v->out_names != NULL && v->out_names[i] != NULL)
    g_string_append (s, v->out_names[i]);
  if (v->out_probs != NULL)
    g_string_append_printf (s, s->len ? "  p = %.2f" : "p = %.2f", v->out_probs[i]);
  if (v->target == i)
    g_string_append_printf (s, s->len ? "  %s" : "%s", _ ("✓ target"));
  if (v->out_grad != NULL)
    g_string_append_printf (s, s->len ? "\n∂L/∂z = %+.3f" : "∂L/∂z = %+.3f", v->out_grad[i]);
  return g_string_free (s, FALSE);
}

static void
show_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y, double align)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - align * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
paint_edges (cairo_t *cr, const LabNetworkView *v, int c, double width, double top, double body,
             const LabNetworkStyle *style)
{
  const int rows = v->units[c], cols = v->units[c - 1];
  const float *w = v->weights[c], *g = v->grads[c];
  const double wmax = max_abs (w, (gsize) rows * cols);
  const double gmax = g != NULL ? max_abs (g, (gsize) rows * cols) : 1;

  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        const float wij = w[i * cols + j];
        const double strength = isfinite (wij) ? fabs (wij) / wmax : 0;
        const double thick = g != NULL ? fabs (g[i * cols + j]) / gmax : strength;
        double x0, y0, x1, y1;

        neuron_at (v, c - 1, j, width, top, body, &x0, &y0);
        neuron_at (v, c, i, width, top, body, &x1, &y1);
        set_colour (cr, wij >= 0 ? style->pos : style->neg, 0.15 + 0.75 * strength);
        cairo_set_line_width (cr, style->line_scale * (0.4 + 4.5 * thick));
        cairo_move_to (cr, x0, y0);
        cairo_line_to (cr, x1, y1);
        cairo_stroke (cr);
      }
}

static void
paint_column (cairo_t *cr, PangoLayout *layout, const LabNetworkView *v, int c, double width,
              double top, double body, double radius, const LabNetworkStyle *style)
{
  const float *values = v->values[c];
  const double vmax = values != NULL ? max_abs (values, v->units[c]) : 1;
  const gboolean last = c == v->n_columns - 1;

  for (int i = 0; i < v->units[c]; i++)
    {
      double x, y;
      char text[32];

      neuron_at (v, c, i, width, top, body, &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
      /* a white-ish disc under the colour keeps crossing edges out of it */
      cairo_set_source_rgba (cr, 1 - style->fg[0], 1 - style->fg[1], 1 - style->fg[2], 1);
      cairo_fill_preserve (cr);
      if (values != NULL && isfinite (values[i]))
        {
          set_colour (cr, values[i] >= 0 ? style->pos : style->neg, fabs (values[i]) / vmax);
          cairo_fill_preserve (cr);
        }
      set_colour (cr, last && v->target == i ? style->accent : style->fg, 1);
      cairo_set_line_width (cr, style->line_scale * (last && v->target == i ? 3.0 : 1.2));
      cairo_stroke (cr);

      if (values != NULL && radius >= 6)
        {
          set_colour (cr, style->fg, 1);
          g_snprintf (text, sizeof text, "%.2f", values[i]);
          show_text (cr, layout, text, x - radius - 4, y, 1.0);
        }
      if (last)
        {
          g_autofree char *right = output_label (v, i);

          set_colour (cr, v->out_grad != NULL || v->target == i ? style->accent : style->fg, 1);
          show_text (cr, layout, right, x + radius + 6, y, 0.0);
        }
    }
}

void
lab_network_paint (cairo_t *cr, const LabNetworkView *v, int width, int height,
                   const LabNetworkStyle *style)
{
  PangoLayout *layout;
  PangoFontDescription *font;
  double top, body, radius, title_h = 0;
  const int full_width = width;
  int label_w = 0;
  int most = 1, h;

  if (v->n_columns <= 0)
    return;
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string (style->font);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  for (int c = 0; c < v->n_columns; c++)
    {
      most = MAX (most, v->units[c]);
      if (v->titles[c] != NULL)
        {
          pango_layout_set_text (layout, v->titles[c], -1);
          pango_layout_get_pixel_size (layout, NULL, &h);
          title_h = MAX (title_h, h);
        }
    }
  /* keep room right of the last column for its labels */
  for (int i = 0; i < v->units[v->n_columns - 1]; i++)
    {
      g_autofree char *text = output_label (v, i);
      int w;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &w, NULL);
      label_w = MAX (label_w, w);
    }
  width = MAX (1, width - label_w);
  top = MARGIN + title_h + TITLE_GAP;
  body = MAX (1.0, height - top - MARGIN - LEGEND_SIZE * style->line_scale);
  radius = CLAMP (body / most * 0.32, 3.0, 16.0 * style->line_scale);

  if (v->highlight >= 0 && v->highlight < v->n_columns)
    {
      const double span = (width - 2 * MARGIN) / v->n_columns;
      set_colour (cr, style->tint, 1);
      cairo_rectangle (cr, MARGIN + span * v->highlight, MARGIN - 6, span,
                       body + top - MARGIN + 12);
      cairo_fill (cr);
    }
  if (v->highlight_edges)
    {
      set_colour (cr, style->tint, 1);
      cairo_rectangle (cr, MARGIN, top - 4, width - 2 * MARGIN, body + 8);
      cairo_fill (cr);
    }

  for (int c = 1; c < v->n_columns; c++)
    if (v->weights[c] != NULL)
      paint_edges (cr, v, c, width, top, body, style);

  for (int c = 0; c < v->n_columns; c++)
    {
      double x, y;

      neuron_at (v, c, 0, width, top, body, &x, &y);
      if (v->titles[c] != NULL)
        {
          set_colour (cr, style->fg, 1);
          show_text (cr, layout, v->titles[c], x, MARGIN + title_h / 2, 0.5);
        }
      paint_column (cr, layout, v, c, width, top, body, radius, style);
    }

  /* The legend says how to read the picture. */
  set_colour (cr, style->fg, 0.75);
  show_text (cr, layout,
             v->grads[v->n_columns - 1] != NULL
               ? _ ("Blue: positive, orange: negative · line thickness: size of the gradient")
               : _ ("Blue: positive, orange: negative · line thickness: size of the weight"),
             full_width / 2.0, height - MARGIN - LEGEND_SIZE * style->line_scale / 2, 0.5);
  g_object_unref (layout);
}
