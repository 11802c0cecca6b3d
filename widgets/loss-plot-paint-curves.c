/* loss-plot-paint-curves.c — the loss plot's traces: one run's series in
 * a panel as a faint raw band or line under the smoothed line, dashed for
 * validation, with dots for the per-epoch points. */
#include "config.h"

#include <math.h>

#include "loss-plot-paint-private.h"

static void
stroke_points (Painter *p, LabPlotMetric m, const LabPlotPoint *pts, gsize n)
{
  cairo_t *cr = p->cr;
  gboolean pen = FALSE;

  for (gsize k = 0; k < n; k++)
    {
      if (p->y_log[m] && !(pts[k].y > 0))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, _lab_plot_map_x (p, pts[k].x), _lab_plot_map_y (p, m, pts[k].y));
      else
        cairo_move_to (cr, _lab_plot_map_x (p, pts[k].x), _lab_plot_map_y (p, m, pts[k].y));
      pen = TRUE;
    }
  cairo_stroke (cr);
}

/* Dense raw data as a filled band between each pixel column's extremes:
 * one fill of two vertices per column costs far less than stroking a
 * zig-zag through every extreme and looks the same at a faint alpha.
 * Returns FALSE when the points are too sparse for a band to read right. */
static gboolean
fill_band (Painter *p, LabPlotMetric m, const LabPlotPoint *pts, gsize n)
{
  cairo_t *cr = p->cr;
  const LabPlotRect *r = _lab_plot_panel_rect (p, m);
  int columns = _lab_plot_panel_columns (p);
  g_autofree double *top = NULL;
  g_autofree double *bottom = NULL;
  gboolean first = TRUE;
  double scale = columns / (p->lay.x_max - p->lay.x_min);
  double step = r->width / columns;

  if (n < (gsize) columns * 3 / 2)
    return FALSE;
  top = g_new (double, columns);
  bottom = g_new (double, columns);
  for (int c = 0; c < columns; c++)
    {
      top[c] = G_MAXDOUBLE;
      bottom[c] = -G_MAXDOUBLE;
    }
  for (gsize k = 0; k < n; k++)
    {
      int c;
      double y;

      if (p->y_log[m] && !(pts[k].y > 0))
        continue;
      /* The decimation's own buckets, so each column holds all of one
       * bucket's extremes (pixel columns would split some of them). */
      c = CLAMP ((int) floor ((pts[k].x - p->lay.x_min) * scale), 0, columns - 1);
      y = _lab_plot_map_y (p, m, pts[k].y);
      top[c] = MIN (top[c], y);
      bottom[c] = MAX (bottom[c], y);
    }
  for (int c = 0; c < columns; c++)
    if (top[c] <= bottom[c])
      {
        /* At least a pixel thick, so calm stretches still show. */
        double mid = (top[c] + bottom[c]) / 2;
        top[c] = MIN (top[c], mid - 0.6);
        bottom[c] = MAX (bottom[c], mid + 0.6);
        /* Through column centres: steps would add zero-width slivers that
         * some renderers show as seams. */
        if (first)
          cairo_move_to (cr, r->x + (c + 0.5) * step, top[c]);
        else
          cairo_line_to (cr, r->x + (c + 0.5) * step, top[c]);
        first = FALSE;
      }
  for (int c = columns - 1; c >= 0; c--)
    if (top[c] <= bottom[c])
      cairo_line_to (cr, r->x + (c + 0.5) * step, bottom[c]);
  cairo_close_path (cr);
  cairo_fill (cr);
  return TRUE;
}

void
_lab_plot_dot (Painter *p, LabPlotMetric m, double x, double y, double radius, gboolean filled)
{
  cairo_t *cr = p->cr;

  if (p->y_log[m] && !(y > 0))
    return;
  cairo_new_sub_path (cr);
  cairo_arc (cr, _lab_plot_map_x (p, x), _lab_plot_map_y (p, m, y), radius, 0, 2 * G_PI);
  if (filled)
    cairo_fill (cr);
  else
    {
      cairo_save (cr);
      _lab_plot_set_color (cr, &p->style->panel, 1);
      cairo_fill_preserve (cr);
      cairo_restore (cr);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

void
_lab_plot_draw_series (Painter *p, guint run, LabPlotMetric m)
{
  cairo_t *cr = p->cr;
  const LabPlotColor *c = _lab_plot_run_color (p, run);
  double lw = p->style->line_width > 0 ? p->style->line_width : 2.5;
  double dashes[] = { lw * 3, lw * 2 };
  int columns = _lab_plot_panel_columns (p);
  double smoothing = CLAMP (p->view->smoothing, 0, 0.99);

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
    {
      const LabPlotSeries *batch =
        lab_plot_data_get_series (p->data, run, m, s, LAB_PLOT_PER_BATCH);
      const LabPlotSeries *epoch =
        lab_plot_data_get_series (p->data, run, m, s, LAB_PLOT_PER_EPOCH);
      const LabPlotPoint *pts;
      gsize n;

      cairo_set_dash (cr, s == LAB_PLOT_VAL ? dashes : NULL, s == LAB_PLOT_VAL ? 2 : 0, 0);
      if (lab_plot_series_get_n (batch) > 0)
        {
          pts = lab_plot_series_decimate (batch, -1, p->lay.x_min, p->lay.x_max, columns, &n);
          _lab_plot_set_color (cr, c, smoothing > 0 ? 0.25 : 1);
          cairo_set_line_width (cr, smoothing > 0 ? 1 : lw);
          if (smoothing == 0 || s == LAB_PLOT_VAL || !fill_band (p, m, pts, n))
            stroke_points (p, m, pts, n);
          if (smoothing > 0)
            {
              pts = lab_plot_series_decimate (batch, smoothing, p->lay.x_min, p->lay.x_max, columns,
                                              &n);
              _lab_plot_set_color (cr, c, 1);
              cairo_set_line_width (cr, lw);
              stroke_points (p, m, pts, n);
            }
        }
      if (lab_plot_series_get_n (epoch) > 0)
        {
          /* Epoch points are few: draw them all, each visible as a dot. */
          const LabPlotPoint *all = lab_plot_series_get_points (epoch);
          gsize count = lab_plot_series_get_n (epoch);
          gboolean line = lab_plot_series_get_n (batch) == 0;

          _lab_plot_set_color (cr, c, 1);
          if (line)
            {
              cairo_set_line_width (cr, lw * (s == LAB_PLOT_VAL ? 0.9 : 1));
              pts = lab_plot_series_decimate (epoch, -1, p->lay.x_min, p->lay.x_max, columns, &n);
              stroke_points (p, m, pts, n);
            }
          cairo_set_dash (cr, NULL, 0, 0);
          if (count <= (gsize) columns / 4)
            for (gsize k = 0; k < count; k++)
              if (all[k].x >= p->lay.x_min && all[k].x <= p->lay.x_max && isfinite (all[k].y))
                {
                  _lab_plot_set_color (cr, c, 1);
                  _lab_plot_dot (p, m, all[k].x, all[k].y, lw * 1.6, s == LAB_PLOT_VAL || line);
                }
        }
      cairo_set_dash (cr, NULL, 0, 0);
    }
}
