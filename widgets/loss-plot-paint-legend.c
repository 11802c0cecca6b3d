/* loss-plot-paint-legend.c — the loss plot's legend: a wrapping row of
 * runs (hidden ones included, to click back on) and the key of line
 * styles, laid out, drawn, and hit-tested for clicks. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "loss-plot-paint-private.h"

static gboolean
run_has_points (const LabPlotData *data, guint run)
{
  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
      for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
        if (lab_plot_series_get_n (lab_plot_data_get_series (data, run, m, s, g)) > 0)
          return TRUE;
  return FALSE;
}

void
_lab_plot_legend_clear (gpointer item)
{
  g_free (((LegendItem *) item)->text);
}

/* The legend is a row (wrapping if needed) of runs with data, hidden ones
 * included so they can be clicked back on, then the key of line styles. */
double
_lab_plot_layout_legend (Painter *p, double x0, double y0, double right)
{
  double x = x0, y = y0, row = p->fs * 1.9;
  double swatch = p->fs * 2.2, gap = p->fs * 1.2;
  guint n = lab_plot_data_get_n_runs (p->data);

  _lab_plot_set_font (p, 1.0, FALSE);
  for (guint i = 0; i <= n + LAB_PLOT_N_SPLITS; i++)
    {
      LegendItem item = { { 0 } };
      double w;

      if (i < n)
        {
          if (!run_has_points (p->data, i))
            continue;
          item.run = (int) i;
          item.text = g_strdup (lab_plot_data_get_run_label (p->data, i));
        }
      else if (i > n)
        {
          LabPlotSplit s = i - n - 1;
          if (!p->split_used[s])
            continue;
          item.run = -1;
          item.split = s;
          item.text = g_strdup (s == LAB_PLOT_TRAIN ? _ ("training") : _ ("validation"));
        }
      else
        continue;
      w = swatch + p->fs * 0.5 + _lab_plot_text_width (p, item.text);
      if (x > x0 && x + w > right)
        {
          x = x0;
          y += row;
        }
      item.rect = (LabPlotRect){ x, y, w, row };
      g_array_append_val (p->legend, item);
      x += w + gap;
    }
  return p->legend->len > 0 ? y + row - y0 : 0;
}

int
lab_loss_plot_legend_run_at (const LabPlotData *data, const LabPlotView *view, int width,
                             int height, const LabPlotStyle *style, double x, double y)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  LabPlotStyle fallback;
  Painter p;
  int run = -1;

  if (style == NULL)
    {
      lab_plot_style_init (&fallback, FALSE);
      style = &fallback;
    }
  _lab_plot_painter_init (&p, cr, data, view, width, height, style);
  for (guint i = 0; i < p.legend->len; i++)
    {
      LegendItem *item = &g_array_index (p.legend, LegendItem, i);
      if (item->run >= 0 && x >= item->rect.x && x < item->rect.x + item->rect.width &&
          y >= item->rect.y && y < item->rect.y + item->rect.height)
        run = item->run;
    }
  _lab_plot_painter_clear (&p);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return run;
}

void
_lab_plot_draw_legend (Painter *p)
{
  cairo_t *cr = p->cr;
  double lw = p->style->line_width > 0 ? p->style->line_width : 2.5;
  double dashes[] = { lw * 3, lw * 2 };

  _lab_plot_set_font (p, 1.0, FALSE);
  for (guint i = 0; i < p->legend->len; i++)
    {
      LegendItem *item = &g_array_index (p->legend, LegendItem, i);
      double cy = item->rect.y + item->rect.height / 2;
      double x = item->rect.x, w = p->fs * 2.2;
      gboolean visible = item->run < 0 || lab_plot_data_get_run_visible (p->data, item->run);

      if (item->run >= 0)
        {
          /* A run: a filled swatch when shown, an outline when hidden. */
          cairo_rectangle (cr, x + 1, cy - p->fs * 0.45, w - 2, p->fs * 0.9);
          _lab_plot_set_color (cr, _lab_plot_run_color (p, item->run), 1);
          if (visible)
            cairo_fill (cr);
          else
            {
              cairo_set_line_width (cr, 1.5);
              cairo_stroke (cr);
            }
        }
      else
        {
          _lab_plot_set_color (cr, &p->style->foreground, 0.8);
          cairo_set_line_width (cr, lw);
          cairo_set_dash (cr, item->split == LAB_PLOT_VAL ? dashes : NULL,
                          item->split == LAB_PLOT_VAL ? 2 : 0, 0);
          cairo_move_to (cr, x + lw, cy);
          cairo_line_to (cr, x + w - lw, cy);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          if (item->split == LAB_PLOT_VAL)
            {
              cairo_arc (cr, x + w / 2, cy, lw * 1.6, 0, 2 * G_PI);
              cairo_fill (cr);
            }
        }
      _lab_plot_set_color (cr, &p->style->foreground, visible ? 1 : 0.45);
      _lab_plot_draw_text (p, item->text, x + w + p->fs * 0.5, cy, 0, 0.5);
    }
}
