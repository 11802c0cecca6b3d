/* loss-plot-paint-hover.c — what the pointer over the loss plot adds: a
 * crosshair snapped to the nearest recorded step, a dot on each series
 * there, and a label listing their values. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "loss-plot-paint-private.h"

static void
format_value (char *buf, gsize size, double v, LabPlotMetric metric)
{
  if (metric == LAB_PLOT_ACCURACY)
    g_snprintf (buf, size, "%.2f%%", v * 100);
  else
    g_snprintf (buf, size, "%.4g", v);
}

typedef struct
{
  guint run;
  LabPlotMetric metric;
  LabPlotSplit split;
  LabPlotGrain grain;
  double x, y, raw;
  int epoch;
} HoverRow;

/* The crosshair snaps to the nearest recorded step of any visible series
 * and lists each series' value there. */
void
_lab_plot_draw_hover (Painter *p)
{
  cairo_t *cr = p->cr;
  const LabPlotRect *top = &p->lay.loss;
  double bottom =
    p->lay.accuracy.height > 0 ? p->lay.accuracy.y + p->lay.accuracy.height : top->y + top->height;
  double hx = p->view->hover_x, hy = p->view->hover_y;
  double target, best = G_MAXDOUBLE, snap = 0;
  double smoothing = CLAMP (p->view->smoothing, 0, 0.99);
  guint n = lab_plot_data_get_n_runs (p->data);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (HoverRow));
  g_autoptr (GString) text = g_string_new (NULL);
  double box_w = 0, box_h, row_h, bx, by, pad = p->fs * 0.6;
  char value[64], raw[64];
  LabPlotMetric pointed;

  if (hx < top->x || hx > top->x + top->width || hy < top->y || hy > bottom)
    return;
  target = _lab_plot_unmap_x (p, hx);
  for (guint r = 0; r < n; r++)
    for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
      for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
        for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
          {
            const LabPlotSeries *series;
            gssize k;
            double d;

            if (!_lab_plot_series_drawn (p->data, r, m, s, g))
              continue;
            series = lab_plot_data_get_series (p->data, r, m, s, g);
            k = lab_plot_series_nearest (series, target);
            d = fabs (lab_plot_series_get_points (series)[k].x - target);
            if (d < best)
              {
                best = d;
                snap = lab_plot_series_get_points (series)[k].x;
              }
          }
  if (best == G_MAXDOUBLE || snap < p->lay.x_min || snap > p->lay.x_max)
    return;

  /* One row per run, metric and split: the per-batch value where there is
   * one (smoothed, with the raw value), else the epoch value at this step. */
  for (guint r = 0; r < n; r++)
    for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
      for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
        for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
          {
            const LabPlotSeries *series;
            const LabPlotPoint *pts;
            gssize k;
            HoverRow row = { r, m, s, g, 0, 0, 0, 0 };

            if (!_lab_plot_series_drawn (p->data, r, m, s, g))
              continue;
            if (g == LAB_PLOT_PER_EPOCH &&
                _lab_plot_series_drawn (p->data, r, m, s, LAB_PLOT_PER_BATCH))
              continue;
            series = lab_plot_data_get_series (p->data, r, m, s, g);
            pts = lab_plot_series_get_points (series);
            k = lab_plot_series_nearest (series, snap);
            if (g == LAB_PLOT_PER_BATCH && pts[k].x != snap)
              continue;
            if (g == LAB_PLOT_PER_EPOCH && pts[k].x > snap && k > 0)
              k--;
            if (g == LAB_PLOT_PER_EPOCH && pts[k].x > snap)
              continue;
            row.x = pts[k].x;
            row.raw = pts[k].y;
            row.y = g == LAB_PLOT_PER_BATCH && smoothing > 0
                      ? lab_plot_series_smoothed (series, smoothing)[k]
                      : pts[k].y;
            row.epoch = (int) k + 1;
            g_array_append_val (rows, row);
          }

  cairo_set_line_width (cr, 1);
  _lab_plot_set_color (cr, &p->style->foreground, 0.55);
  cairo_move_to (cr, round (_lab_plot_map_x (p, snap)) + 0.5, top->y);
  cairo_line_to (cr, round (_lab_plot_map_x (p, snap)) + 0.5, bottom);
  cairo_stroke (cr);

  for (guint i = 0; i < rows->len; i++)
    {
      HoverRow *row = &g_array_index (rows, HoverRow, i);
      const LabPlotRect *r = _lab_plot_panel_rect (p, row->metric);
      if (r->height <= 0 || !isfinite (row->y))
        continue;
      cairo_save (cr);
      cairo_rectangle (cr, r->x, r->y, r->width, r->height);
      cairo_clip (cr);
      _lab_plot_set_color (cr, _lab_plot_run_color (p, row->run), 1);
      _lab_plot_dot (p, row->metric, row->x, row->y, p->fs * 0.3, FALSE);
      cairo_restore (cr);
    }

  /* The label lists the panel under the pointer only: with several runs,
   * both panels' values make a box that hides the curves it describes. */
  pointed = p->lay.accuracy.height > 0 && hy >= p->lay.accuracy.y - p->fs * 0.6 ? LAB_PLOT_ACCURACY
                                                                                : LAB_PLOT_LOSS;
  for (guint i = rows->len; i-- > 0;)
    if (g_array_index (rows, HoverRow, i).metric != pointed)
      g_array_remove_index (rows, i);

  /* The label: the step, then one line per row. */
  _lab_plot_set_font (p, 0.95, FALSE);
  row_h = p->fs * 1.45;
  g_snprintf (value, sizeof value, "%.0f", snap);
  g_string_printf (text, _ ("Step %s"), value);
  box_w = _lab_plot_text_width (p, text->str);
  for (guint i = 0; i < rows->len; i++)
    {
      HoverRow *row = &g_array_index (rows, HoverRow, i);
      const char *what;

      if (row->metric == LAB_PLOT_LOSS)
        what = row->split == LAB_PLOT_TRAIN ? _ ("training loss") : _ ("validation loss");
      else
        what = row->split == LAB_PLOT_TRAIN ? _ ("training accuracy") : _ ("validation accuracy");
      format_value (value, sizeof value, row->y, row->metric);
      g_string_append_c (text, '\n');
      if (row->grain == LAB_PLOT_PER_BATCH && smoothing > 0)
        {
          format_value (raw, sizeof raw, row->raw, row->metric);
          /* Translators: run name, series, smoothed value, raw value. */
          g_string_append_printf (text, _ ("%s · %s %s (raw %s)"),
                                  lab_plot_data_get_run_label (p->data, row->run), what, value,
                                  raw);
        }
      else if (row->grain == LAB_PLOT_PER_EPOCH)
        /* Translators: run name, series, value, epoch number. */
        g_string_append_printf (text, _ ("%s · %s %s (epoch %d)"),
                                lab_plot_data_get_run_label (p->data, row->run), what, value,
                                row->epoch);
      else
        g_string_append_printf (text, "%s · %s %s", lab_plot_data_get_run_label (p->data, row->run),
                                what, value);
    }

  /* Measure and draw line by line so each row gets its run's swatch. */
  {
    g_auto (GStrv) lines = g_strsplit (text->str, "\n", -1);
    guint count = g_strv_length (lines);
    double swatch = p->fs * 0.9;

    for (guint i = 0; i < count; i++)
      box_w = MAX (box_w, _lab_plot_text_width (p, lines[i]) + (i > 0 ? swatch + pad * 0.6 : 0));
    box_w += 2 * pad;
    box_h = count * row_h + 2 * pad - (row_h - p->fs * 1.2);
    bx = hx + p->fs;
    by = hy + p->fs;
    if (bx + box_w > p->width - 2)
      bx = hx - p->fs - box_w;
    if (by + box_h > p->height - 2)
      by = MAX (2, p->height - 2 - box_h);
    bx = MAX (bx, 2);

    cairo_rectangle (cr, round (bx) + 0.5, round (by) + 0.5, round (box_w), round (box_h));
    _lab_plot_set_color (cr, &p->style->panel, 1);
    cairo_fill_preserve (cr);
    _lab_plot_set_color (cr, &p->style->foreground, 0.35);
    cairo_stroke (cr);
    for (guint i = 0; i < count; i++)
      {
        double ty = by + pad + i * row_h;
        double tx = bx + pad;
        if (i > 0)
          {
            HoverRow *row = &g_array_index (rows, HoverRow, i - 1);
            _lab_plot_set_color (cr, _lab_plot_run_color (p, row->run), 1);
            cairo_rectangle (cr, tx, ty + p->fs * 0.2, swatch, swatch);
            cairo_fill (cr);
            tx += swatch + pad * 0.6;
          }
        _lab_plot_set_font (p, 0.95, i == 0);
        _lab_plot_set_color (cr, &p->style->foreground, 1);
        _lab_plot_draw_text (p, lines[i], tx, ty, 0, 0);
      }
  }
}

void
lab_loss_plot_paint_hover (cairo_t *cr, const LabPlotData *data, const LabPlotView *view, int width,
                           int height, const LabPlotStyle *style)
{
  LabPlotStyle fallback;
  Painter p;

  if (!view->hover)
    return;
  if (style == NULL)
    {
      lab_plot_style_init (&fallback, FALSE);
      style = &fallback;
    }
  cairo_save (cr);
  _lab_plot_painter_init (&p, cr, data, view, width, height, style);
  if (p.lay.has_data)
    _lab_plot_draw_hover (&p);
  _lab_plot_painter_clear (&p);
  cairo_restore (cr);
}
