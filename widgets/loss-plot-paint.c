/* loss-plot-paint.c — the training plot drawn with Cairo and Pango, no GTK:
 * legend, loss and accuracy panels on one step axis, nice ticks, decimated
 * traces, epoch markers and the hover crosshair. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "error.h"
#include "loss-plot-paint.h"

#define MAX_TICKS 32

typedef struct
{
  LabPlotRect rect;
  int run; /* run index, or -1 for a key of line styles */
  LabPlotSplit split;
  char *text;
} LegendItem;

typedef struct
{
  cairo_t *cr;
  PangoLayout *layout;
  const LabPlotData *data;
  const LabPlotView *view;
  const LabPlotStyle *style;
  double fs; /* font size in pixels */
  int width, height;
  LabPlotLayout lay;
  GArray *legend; /* LegendItem */
  gboolean has_accuracy;
  gboolean split_used[LAB_PLOT_N_SPLITS];
  double y_lo[LAB_PLOT_N_METRICS], y_hi[LAB_PLOT_N_METRICS];
  gboolean y_log[LAB_PLOT_N_METRICS];
} Painter;

static const LabPlotColor light_runs[LAB_PLOT_N_COLORS] = {
  { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0, 1 }, /* blue 4 */
  { 0xe6 / 255.0, 0x61 / 255.0, 0x00 / 255.0, 1 }, /* orange 4 */
  { 0x26 / 255.0, 0xa2 / 255.0, 0x69 / 255.0, 1 }, /* green 5 */
  { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0, 1 }, /* purple 3 */
  { 0xc0 / 255.0, 0x1c / 255.0, 0x28 / 255.0, 1 }, /* red 4 */
  { 0x86 / 255.0, 0x5e / 255.0, 0x3c / 255.0, 1 }, /* brown 3 */
};

static const LabPlotColor dark_runs[LAB_PLOT_N_COLORS] = {
  { 0x62 / 255.0, 0xa0 / 255.0, 0xea / 255.0, 1 }, /* blue 2 */
  { 0xff / 255.0, 0xa3 / 255.0, 0x48 / 255.0, 1 }, /* orange 2 */
  { 0x57 / 255.0, 0xe3 / 255.0, 0x89 / 255.0, 1 }, /* green 2 */
  { 0xc0 / 255.0, 0x61 / 255.0, 0xcb / 255.0, 1 }, /* purple 2 */
  { 0xf6 / 255.0, 0x61 / 255.0, 0x51 / 255.0, 1 }, /* red 1 */
  { 0xcd / 255.0, 0xab / 255.0, 0x8f / 255.0, 1 }, /* brown 1 */
};

void
lab_plot_style_init (LabPlotStyle *style, gboolean dark)
{
  double fg = dark ? 1.0 : 0.0;
  double bg = dark ? 0x24 / 255.0 : 0xfa / 255.0;

  *style = (LabPlotStyle){ 0 };
  style->background = (LabPlotColor){ bg, bg, bg, 1 };
  style->foreground = (LabPlotColor){ fg, fg, fg, dark ? 1.0 : 0.8 };
  style->grid = (LabPlotColor){ fg, fg, fg, dark ? 0.13 : 0.1 };
  style->panel = dark ? (LabPlotColor){ 0x1e / 255.0, 0x1e / 255.0, 0x1e / 255.0, 1 }
                      : (LabPlotColor){ 1, 1, 1, 1 };
  for (int i = 0; i < LAB_PLOT_N_COLORS; i++)
    style->runs[i] = dark ? dark_runs[i] : light_runs[i];
  style->font_family = "Cantarell";
  style->font_size = 15;
  style->line_width = 2.5;
  style->empty_text = NULL;
}

void
lab_plot_view_init (LabPlotView *view)
{
  *view = (LabPlotView){ 0 };
  view->smoothing = 0.8;
}

/* ---- ticks ------------------------------------------------------------- */

int
lab_plot_nice_ticks (double lo, double hi, int max_ticks, double *ticks, double *step_out)
{
  static const double mults[] = { 1, 2, 5 };
  double mag, step = 0;
  double first = 0;
  int count = 0;

  if (max_ticks < 1 || !isfinite (lo) || !isfinite (hi))
    return 0;
  if (!(hi > lo))
    {
      ticks[0] = lo;
      if (step_out != NULL)
        *step_out = 0;
      return 1;
    }
  mag = pow (10, floor (log10 ((hi - lo) / max_ticks)));
  for (int e = 0; e < 4 && count == 0; e++)
    for (int m = 0; m < 3; m++)
      {
        double n;
        step = mults[m] * mag * pow (10, e);
        first = ceil (lo / step - 1e-9);
        n = floor (hi / step + 1e-9) - first + 1;
        if (n <= max_ticks)
          {
            count = (int) MAX (n, 0);
            break;
          }
      }
  /* Multiples of the step rather than repeated adding keep 0.3 exactly 0.3. */
  for (int i = 0; i < count; i++)
    ticks[i] = (first + i) * step;
  if (step_out != NULL)
    *step_out = step;
  return count;
}

int
lab_plot_log_ticks (double lo, double hi, int max_ticks, double *ticks)
{
  static const double mults[] = { 1, 2, 5 };
  double a, b;
  int d0, d1, decades, count = 0;

  if (!(lo > 0) || !(hi > lo) || max_ticks < 1)
    return 0;
  a = log10 (lo);
  b = log10 (hi);
  d0 = (int) ceil (a - 1e-9);
  d1 = (int) floor (b + 1e-9);
  decades = d1 - d0 + 1;
  if (decades >= 2 && decades * 3 > max_ticks)
    {
      int every = (decades + max_ticks - 1) / max_ticks;
      for (int k = d0; k <= d1 && count < max_ticks; k++)
        if (((k % every) + every) % every == 0)
          ticks[count++] = pow (10, k);
      return count;
    }
  for (int k = (int) floor (a); k <= (int) ceil (b) && count < max_ticks; k++)
    for (int m = 0; m < 3 && count < max_ticks; m++)
      {
        double v = mults[m] * pow (10, k);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
          ticks[count++] = v;
      }
  if (count >= 2)
    return count;
  /* Less than a decade between two 1-2-5 values: linear ticks read better. */
  return lab_plot_nice_ticks (lo, hi, max_ticks, ticks, NULL);
}

static void
format_tick (char *buf, gsize size, double v, double step, gboolean percent, gboolean log)
{
  const char *suffix = "";
  int decimals;

  if (log)
    {
      double e = floor (log10 (v) + 1e-9);
      if (e < -3 || e > 4)
        g_snprintf (buf, size, "%.0fe%.0f", v / pow (10, e), e);
      else
        g_snprintf (buf, size, "%.*f", (int) MAX (0, -e), v);
      return;
    }
  if (percent)
    {
      v *= 100;
      step *= 100;
      suffix = "%";
    }
  else if (step >= 1000 && fabs (v) >= 10000)
    {
      v /= 1000;
      step /= 1000;
      suffix = "k";
    }
  decimals = step > 0 ? (int) CLAMP (ceil (-log10 (step) - 1e-9), 0, 6) : 2;
  if (fabs (v) < fabs (step) * 1e-6)
    v = 0;
  g_snprintf (buf, size, "%.*f%s", decimals, v, suffix);
}

static void
format_value (char *buf, gsize size, double v, LabPlotMetric metric)
{
  if (metric == LAB_PLOT_ACCURACY)
    g_snprintf (buf, size, "%.2f%%", v * 100);
  else
    g_snprintf (buf, size, "%.4g", v);
}

/* ---- text -------------------------------------------------------------- */

static void
set_font (Painter *p, double scale, gboolean bold)
{
  PangoFontDescription *font = pango_font_description_from_string (
    p->style->font_family != NULL ? p->style->font_family : "Sans");

  pango_font_description_set_absolute_size (font, p->fs * scale * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (p->layout, font);
  pango_font_description_free (font);
}

static double
text_width (Painter *p, const char *text)
{
  int w, h;

  pango_layout_set_text (p->layout, text, -1);
  pango_layout_get_pixel_size (p->layout, &w, &h);
  return w;
}

/* Draws text with its box aligned at (x, y): ax, ay are 0 (left/top),
 * 0.5 (centre) or 1 (right/bottom). */
static void
draw_text (Painter *p, const char *text, double x, double y, double ax, double ay)
{
  int w, h;

  pango_layout_set_text (p->layout, text, -1);
  pango_layout_get_pixel_size (p->layout, &w, &h);
  cairo_move_to (p->cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (p->cr, p->layout);
}

static void
set_color (cairo_t *cr, const LabPlotColor *c, double alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

static const LabPlotColor *
run_color (Painter *p, guint run)
{
  return &p->style->runs[run % LAB_PLOT_N_COLORS];
}

/* ---- layout ------------------------------------------------------------ */

static gboolean
series_drawn (const LabPlotData *data, guint run, LabPlotMetric m, LabPlotSplit s, LabPlotGrain g)
{
  return lab_plot_data_get_run_visible (data, run) &&
         lab_plot_series_get_n (lab_plot_data_get_series (data, run, m, s, g)) > 0;
}

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

static void
legend_clear (gpointer item)
{
  g_free (((LegendItem *) item)->text);
}

/* The legend is a row (wrapping if needed) of runs with data, hidden ones
 * included so they can be clicked back on, then the key of line styles. */
static double
layout_legend (Painter *p, double x0, double y0, double right)
{
  double x = x0, y = y0, row = p->fs * 1.9;
  double swatch = p->fs * 2.2, gap = p->fs * 1.2;
  guint n = lab_plot_data_get_n_runs (p->data);

  set_font (p, 1.0, FALSE);
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
      w = swatch + p->fs * 0.5 + text_width (p, item.text);
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

static void
padded_range (double lo, double hi, gboolean log, double *out_lo, double *out_hi)
{
  double pad;

  if (log)
    {
      lo = log10 (lo);
      hi = log10 (hi);
    }
  if (hi - lo < 1e-12)
    {
      double half = log ? 0.5 : MAX (fabs (lo) * 0.1, 0.05);
      lo -= half;
      hi += half;
    }
  pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  *out_lo = log ? pow (10, lo) : lo;
  *out_hi = log ? pow (10, hi) : hi;
}

static int
panel_columns (const Painter *p)
{
  return MAX (1, (int) ceil (p->lay.loss.width));
}

/* Y ranges from what will be drawn: the decimated points in the shown step
 * range (the raw trace, so spikes stay on screen, and the epoch points). */
static void
compute_y_ranges (Painter *p)
{
  guint n = lab_plot_data_get_n_runs (p->data);

  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    {
      gboolean any = FALSE;
      double lo = 0, hi = 0;
      gboolean log = m == LAB_PLOT_LOSS && p->view->log_scale;

      for (guint r = 0; r < n; r++)
        for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
          for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
            {
              const LabPlotPoint *pts;
              gsize count;

              if (!series_drawn (p->data, r, m, s, g))
                continue;
              pts =
                lab_plot_series_decimate (lab_plot_data_get_series (p->data, r, m, s, g), -1,
                                          p->lay.x_min, p->lay.x_max, panel_columns (p), &count);
              for (gsize k = 0; k < count; k++)
                {
                  if (pts[k].x < p->lay.x_min || pts[k].x > p->lay.x_max)
                    continue;
                  if (log && !(pts[k].y > 0))
                    continue;
                  lo = any ? MIN (lo, pts[k].y) : pts[k].y;
                  hi = any ? MAX (hi, pts[k].y) : pts[k].y;
                  any = TRUE;
                }
            }
      if (!any)
        {
          lo = log ? 0.1 : 0;
          hi = 1;
        }
      padded_range (lo, hi, log, &p->y_lo[m], &p->y_hi[m]);
      if (m == LAB_PLOT_ACCURACY)
        {
          /* Accuracy lives in [0, 1]: never show impossible values. */
          double margin = (p->y_hi[m] - p->y_lo[m]) * 0.04;
          p->y_lo[m] = MAX (p->y_lo[m], -margin);
          p->y_hi[m] = MIN (p->y_hi[m], 1 + margin);
        }
      else if (!log && lo >= 0 && p->y_lo[m] < 0)
        p->y_lo[m] = 0;
      p->y_log[m] = log;
    }
}

static void
painter_init (Painter *p, cairo_t *cr, const LabPlotData *data, const LabPlotView *view, int width,
              int height, const LabPlotStyle *style)
{
  guint n = lab_plot_data_get_n_runs (data);
  double left, right, top, bottom, avail;
  double data_lo, data_hi;

  *p = (Painter){ 0 };
  p->cr = cr;
  p->layout = pango_cairo_create_layout (cr);
  p->data = data;
  p->view = view;
  p->style = style;
  p->width = width;
  p->height = height;
  p->fs = style->font_size > 0 ? style->font_size : 15;
  p->legend = g_array_new (FALSE, TRUE, sizeof (LegendItem));
  g_array_set_clear_func (p->legend, legend_clear);

  for (guint r = 0; r < n; r++)
    for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
      for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
        {
          if (series_drawn (data, r, LAB_PLOT_ACCURACY, s, g))
            p->has_accuracy = TRUE;
          if (series_drawn (data, r, LAB_PLOT_LOSS, s, g) ||
              series_drawn (data, r, LAB_PLOT_ACCURACY, s, g))
            p->split_used[s] = TRUE;
        }

  p->lay.has_data = lab_plot_data_get_x_range (data, &data_lo, &data_hi);
  if (view->zoomed && view->x_max > view->x_min)
    {
      p->lay.x_min = view->x_min;
      p->lay.x_max = view->x_max;
    }
  else if (p->lay.has_data)
    {
      /* Steps count from 0 or 1: start the axis at 0 rather than at the
       * first point, and leave a little room after the last so the newest
       * epoch dot is not cut in half. */
      double span = MAX (data_hi - data_lo, 1);
      p->lay.x_min = data_lo >= 0 && data_lo < span * 0.1 ? 0 : data_lo;
      p->lay.x_max = data_hi + (data_hi - p->lay.x_min) * 0.015;
      if (p->lay.x_max <= p->lay.x_min)
        p->lay.x_max = p->lay.x_min + 1;
    }
  else
    {
      p->lay.x_min = 0;
      p->lay.x_max = 1;
    }

  /* Margins from the font size only: tick labels change while training,
   * and a plot whose edges move with them is hard to read. */
  left = p->fs * 1.8 + p->fs * 3.6;
  right = p->fs * 1.4;
  top = p->fs * 0.6;
  top += layout_legend (p, left, top, width - right) + p->fs * 0.5;
  bottom = p->fs * 1.4 + p->fs * 1.9 + p->fs * 0.4;
  avail = MAX (height - top - bottom, 1);
  if (p->has_accuracy)
    {
      double gap = p->fs * 1.2;
      double loss_h = MAX ((avail - gap) * 0.58, 1);
      p->lay.loss = (LabPlotRect){ left, top, MAX (width - left - right, 1), loss_h };
      p->lay.accuracy =
        (LabPlotRect){ left, top + loss_h + gap, p->lay.loss.width, MAX (avail - gap - loss_h, 1) };
    }
  else
    {
      p->lay.loss = (LabPlotRect){ left, top, MAX (width - left - right, 1), avail };
      p->lay.accuracy = (LabPlotRect){ left, top + avail, p->lay.loss.width, 0 };
    }
  compute_y_ranges (p);
}

static void
painter_clear (Painter *p)
{
  g_clear_object (&p->layout);
  g_clear_pointer (&p->legend, g_array_unref);
}

void
lab_loss_plot_get_layout (const LabPlotData *data, const LabPlotView *view, int width, int height,
                          const LabPlotStyle *style, LabPlotLayout *layout)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);
  LabPlotStyle fallback;
  Painter p;

  if (style == NULL)
    {
      lab_plot_style_init (&fallback, FALSE);
      style = &fallback;
    }
  painter_init (&p, cr, data, view, width, height, style);
  *layout = p.lay;
  painter_clear (&p);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
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
  painter_init (&p, cr, data, view, width, height, style);
  for (guint i = 0; i < p.legend->len; i++)
    {
      LegendItem *item = &g_array_index (p.legend, LegendItem, i);
      if (item->run >= 0 && x >= item->rect.x && x < item->rect.x + item->rect.width &&
          y >= item->rect.y && y < item->rect.y + item->rect.height)
        run = item->run;
    }
  painter_clear (&p);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return run;
}

/* ---- mapping ----------------------------------------------------------- */

static double
map_x (const Painter *p, double x)
{
  const LabPlotRect *r = &p->lay.loss;
  return r->x + (x - p->lay.x_min) / (p->lay.x_max - p->lay.x_min) * r->width;
}

static double
unmap_x (const Painter *p, double px)
{
  const LabPlotRect *r = &p->lay.loss;
  return p->lay.x_min + (px - r->x) / r->width * (p->lay.x_max - p->lay.x_min);
}

static const LabPlotRect *
panel_rect (const Painter *p, LabPlotMetric m)
{
  return m == LAB_PLOT_LOSS ? &p->lay.loss : &p->lay.accuracy;
}

static double
map_y (const Painter *p, LabPlotMetric m, double y)
{
  const LabPlotRect *r = panel_rect (p, m);
  double t;

  if (p->y_log[m])
    t = (log10 (y) - log10 (p->y_lo[m])) / (log10 (p->y_hi[m]) - log10 (p->y_lo[m]));
  else
    t = (y - p->y_lo[m]) / (p->y_hi[m] - p->y_lo[m]);
  return r->y + r->height * (1 - t);
}

/* ---- drawing ----------------------------------------------------------- */

static void
draw_panel_frame (Painter *p, LabPlotMetric m)
{
  cairo_t *cr = p->cr;
  const LabPlotRect *r = panel_rect (p, m);
  double ticks[MAX_TICKS], step = 0;
  int max_ticks = CLAMP ((int) (r->height / (p->fs * 2.2)), 2, 10);
  int n;
  char buf[64];
  const char *title;
  gboolean bottom_panel = m == LAB_PLOT_ACCURACY || p->lay.accuracy.height <= 0;

  set_color (cr, &p->style->panel, 1);
  cairo_rectangle (cr, r->x, r->y, r->width, r->height);
  cairo_fill (cr);

  if (p->y_log[m])
    n = lab_plot_log_ticks (p->y_lo[m], p->y_hi[m], max_ticks, ticks);
  else
    n = lab_plot_nice_ticks (p->y_lo[m], p->y_hi[m], max_ticks, ticks, &step);
  set_font (p, 0.9, FALSE);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n; i++)
    {
      double y = round (map_y (p, m, ticks[i])) + 0.5;
      if (y < r->y - 0.5 || y > r->y + r->height + 0.5)
        continue;
      set_color (cr, &p->style->grid, 1);
      cairo_move_to (cr, r->x, y);
      cairo_line_to (cr, r->x + r->width, y);
      cairo_stroke (cr);
      format_tick (buf, sizeof buf, ticks[i], step, m == LAB_PLOT_ACCURACY, p->y_log[m]);
      set_color (cr, &p->style->foreground, 0.75);
      draw_text (p, buf, r->x - p->fs * 0.5, y, 1, 0.5);
    }

  /* Vertical grid at the step ticks. */
  n = lab_plot_nice_ticks (p->lay.x_min, p->lay.x_max,
                           CLAMP ((int) (r->width / (p->fs * 6)), 2, 12), ticks, &step);
  if (step > 0 && step < 1)
    n =
      lab_plot_nice_ticks (p->lay.x_min, p->lay.x_max,
                           CLAMP ((int) (p->lay.x_max - p->lay.x_min), 1, MAX_TICKS), ticks, &step);
  for (int i = 0; i < n; i++)
    {
      double x = round (map_x (p, ticks[i])) + 0.5;
      set_color (cr, &p->style->grid, 1);
      cairo_move_to (cr, x, r->y);
      cairo_line_to (cr, x, r->y + r->height);
      cairo_stroke (cr);
      if (!bottom_panel)
        continue;
      format_tick (buf, sizeof buf, ticks[i], step, FALSE, FALSE);
      set_color (cr, &p->style->foreground, 0.75);
      draw_text (p, buf, x, r->y + r->height + p->fs * 0.3, 0.5, 0);
    }
  if (bottom_panel)
    {
      set_font (p, 1.0, FALSE);
      set_color (cr, &p->style->foreground, 1);
      draw_text (p, _ ("Step"), r->x + r->width / 2, r->y + r->height + p->fs * 1.6, 0.5, 0);
    }

  /* The axis title, turned to read upwards. */
  if (m == LAB_PLOT_LOSS)
    title = p->y_log[m] ? _ ("Loss (log scale)") : _ ("Loss");
  else
    title = _ ("Accuracy");
  set_font (p, 1.0, TRUE);
  set_color (cr, &p->style->foreground, 1);
  cairo_save (cr);
  cairo_translate (cr, p->fs * 0.3, r->y + r->height / 2);
  cairo_rotate (cr, -G_PI / 2);
  draw_text (p, title, 0, 0, 0.5, 0);
  cairo_restore (cr);

  set_color (cr, &p->style->foreground, 0.35);
  cairo_rectangle (cr, r->x + 0.5, r->y + 0.5, r->width - 1, r->height - 1);
  cairo_stroke (cr);
}

static void
draw_epoch_markers (Painter *p)
{
  cairo_t *cr = p->cr;
  const LabPlotRect *top = &p->lay.loss;
  double bottom =
    p->lay.accuracy.height > 0 ? p->lay.accuracy.y + p->lay.accuracy.height : top->y + top->height;
  double dashes[] = { 4, 4 };
  double last_label = -G_MAXDOUBLE;
  const double *steps = NULL;
  gsize n = 0;

  /* Markers of the newest visible run only: other runs may have other
   * epoch lengths, and a thicket of lines helps nobody. */
  for (guint r = lab_plot_data_get_n_runs (p->data); r-- > 0;)
    if (lab_plot_data_get_run_visible (p->data, r))
      {
        steps = lab_plot_data_get_epoch_steps (p->data, r, &n);
        break;
      }
  set_font (p, 0.8, FALSE);
  cairo_set_line_width (cr, 1);
  for (gsize i = 0; i < n; i++)
    {
      double x;
      char buf[64];

      if (steps[i] < p->lay.x_min || steps[i] > p->lay.x_max)
        continue;
      x = round (map_x (p, steps[i])) + 0.5;
      set_color (cr, &p->style->foreground, 0.3);
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_move_to (cr, x, top->y);
      cairo_line_to (cr, x, top->y + top->height);
      if (p->lay.accuracy.height > 0)
        {
          cairo_move_to (cr, x, p->lay.accuracy.y);
          cairo_line_to (cr, x, bottom);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (x - last_label < p->fs * 5)
        continue;
      /* Translators: a marker at the end of an epoch, "epoch 3". */
      g_snprintf (buf, sizeof buf, _ ("epoch %d"), (int) i + 1);
      set_color (cr, &p->style->foreground, 0.6);
      draw_text (p, buf, x - p->fs * 0.3, top->y + p->fs * 0.2, 1, 0);
      last_label = x;
    }
}

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
        cairo_line_to (cr, map_x (p, pts[k].x), map_y (p, m, pts[k].y));
      else
        cairo_move_to (cr, map_x (p, pts[k].x), map_y (p, m, pts[k].y));
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
  const LabPlotRect *r = panel_rect (p, m);
  int columns = panel_columns (p);
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
      y = map_y (p, m, pts[k].y);
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

static void
dot (Painter *p, LabPlotMetric m, double x, double y, double radius, gboolean filled)
{
  cairo_t *cr = p->cr;

  if (p->y_log[m] && !(y > 0))
    return;
  cairo_new_sub_path (cr);
  cairo_arc (cr, map_x (p, x), map_y (p, m, y), radius, 0, 2 * G_PI);
  if (filled)
    cairo_fill (cr);
  else
    {
      cairo_save (cr);
      set_color (cr, &p->style->panel, 1);
      cairo_fill_preserve (cr);
      cairo_restore (cr);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

static void
draw_series (Painter *p, guint run, LabPlotMetric m)
{
  cairo_t *cr = p->cr;
  const LabPlotColor *c = run_color (p, run);
  double lw = p->style->line_width > 0 ? p->style->line_width : 2.5;
  double dashes[] = { lw * 3, lw * 2 };
  int columns = panel_columns (p);
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
          set_color (cr, c, smoothing > 0 ? 0.25 : 1);
          cairo_set_line_width (cr, smoothing > 0 ? 1 : lw);
          if (smoothing == 0 || s == LAB_PLOT_VAL || !fill_band (p, m, pts, n))
            stroke_points (p, m, pts, n);
          if (smoothing > 0)
            {
              pts = lab_plot_series_decimate (batch, smoothing, p->lay.x_min, p->lay.x_max, columns,
                                              &n);
              set_color (cr, c, 1);
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

          set_color (cr, c, 1);
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
                  set_color (cr, c, 1);
                  dot (p, m, all[k].x, all[k].y, lw * 1.6, s == LAB_PLOT_VAL || line);
                }
        }
      cairo_set_dash (cr, NULL, 0, 0);
    }
}

static void
draw_legend (Painter *p)
{
  cairo_t *cr = p->cr;
  double lw = p->style->line_width > 0 ? p->style->line_width : 2.5;
  double dashes[] = { lw * 3, lw * 2 };

  set_font (p, 1.0, FALSE);
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
          set_color (cr, run_color (p, item->run), 1);
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
          set_color (cr, &p->style->foreground, 0.8);
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
      set_color (cr, &p->style->foreground, visible ? 1 : 0.45);
      draw_text (p, item->text, x + w + p->fs * 0.5, cy, 0, 0.5);
    }
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
static void
draw_hover (Painter *p)
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
  target = unmap_x (p, hx);
  for (guint r = 0; r < n; r++)
    for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
      for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
        for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
          {
            const LabPlotSeries *series;
            gssize k;
            double d;

            if (!series_drawn (p->data, r, m, s, g))
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

            if (!series_drawn (p->data, r, m, s, g))
              continue;
            if (g == LAB_PLOT_PER_EPOCH && series_drawn (p->data, r, m, s, LAB_PLOT_PER_BATCH))
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
  set_color (cr, &p->style->foreground, 0.55);
  cairo_move_to (cr, round (map_x (p, snap)) + 0.5, top->y);
  cairo_line_to (cr, round (map_x (p, snap)) + 0.5, bottom);
  cairo_stroke (cr);

  for (guint i = 0; i < rows->len; i++)
    {
      HoverRow *row = &g_array_index (rows, HoverRow, i);
      const LabPlotRect *r = panel_rect (p, row->metric);
      if (r->height <= 0 || !isfinite (row->y))
        continue;
      cairo_save (cr);
      cairo_rectangle (cr, r->x, r->y, r->width, r->height);
      cairo_clip (cr);
      set_color (cr, run_color (p, row->run), 1);
      dot (p, row->metric, row->x, row->y, p->fs * 0.3, FALSE);
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
  set_font (p, 0.95, FALSE);
  row_h = p->fs * 1.45;
  g_snprintf (value, sizeof value, "%.0f", snap);
  g_string_printf (text, _ ("Step %s"), value);
  box_w = text_width (p, text->str);
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
      box_w = MAX (box_w, text_width (p, lines[i]) + (i > 0 ? swatch + pad * 0.6 : 0));
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
    set_color (cr, &p->style->panel, 1);
    cairo_fill_preserve (cr);
    set_color (cr, &p->style->foreground, 0.35);
    cairo_stroke (cr);
    for (guint i = 0; i < count; i++)
      {
        double ty = by + pad + i * row_h;
        double tx = bx + pad;
        if (i > 0)
          {
            HoverRow *row = &g_array_index (rows, HoverRow, i - 1);
            set_color (cr, run_color (p, row->run), 1);
            cairo_rectangle (cr, tx, ty + p->fs * 0.2, swatch, swatch);
            cairo_fill (cr);
            tx += swatch + pad * 0.6;
          }
        set_font (p, 0.95, i == 0);
        set_color (cr, &p->style->foreground, 1);
        draw_text (p, lines[i], tx, ty, 0, 0);
      }
  }
}

void
lab_loss_plot_paint (cairo_t *cr, const LabPlotData *data, const LabPlotView *view, int width,
                     int height, const LabPlotStyle *style)
{
  LabPlotStyle fallback;
  Painter p;
  guint n;

  if (style == NULL)
    {
      lab_plot_style_init (&fallback, FALSE);
      style = &fallback;
    }
  cairo_save (cr);
  if (style->background.a > 0)
    {
      set_color (cr, &style->background, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  painter_init (&p, cr, data, view, width, height, style);
  n = lab_plot_data_get_n_runs (data);

  if (!p.lay.has_data)
    {
      const char *text = style->empty_text;
      if (text == NULL)
        text = n > 0 && lab_plot_data_get_n_points (data) > 0
                 ? _ ("All runs are hidden: click one in the legend to show it")
                 : _ ("Train a model to see its loss here");
      draw_legend (&p);
      set_font (&p, 1.3, FALSE);
      pango_layout_set_width (p.layout, (int) (width * 0.8 * PANGO_SCALE));
      pango_layout_set_alignment (p.layout, PANGO_ALIGN_CENTER);
      set_color (cr, &style->foreground, 0.6);
      draw_text (&p, text, width / 2.0, height / 2.0, 0.5, 0.5);
      painter_clear (&p);
      cairo_restore (cr);
      return;
    }

  draw_legend (&p);
  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    {
      const LabPlotRect *r = panel_rect (&p, m);
      if (r->height <= 0)
        continue;
      draw_panel_frame (&p, m);
      cairo_save (cr);
      cairo_rectangle (cr, r->x, r->y, r->width, r->height);
      cairo_clip (cr);
      for (guint run = 0; run < n; run++)
        if (lab_plot_data_get_run_visible (data, run))
          draw_series (&p, run, m);
      cairo_restore (cr);
    }
  draw_epoch_markers (&p);
  if (view->hover)
    draw_hover (&p);
  painter_clear (&p);
  cairo_restore (cr);
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
  painter_init (&p, cr, data, view, width, height, style);
  if (p.lay.has_data)
    draw_hover (&p);
  painter_clear (&p);
  cairo_restore (cr);
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
lab_loss_plot_render_png (const LabPlotData *data, const LabPlotView *view, int width, int height,
                          const LabPlotStyle *style, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  GByteArray *bytes;

  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    {
      g_set_error (
        error, NN_ERROR, NN_ERROR_INVALID,
        _ ("A plot picture must be between 1 and 16384 pixels on each side, not %d × %d"), width,
        height);
      return NULL;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  lab_loss_plot_paint (cr, data, view, width, height, style);
  cairo_destroy (cr);
  bytes = g_byte_array_new ();
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (bytes);
      g_set_error (
        error, NN_ERROR, status == CAIRO_STATUS_NO_MEMORY ? NN_ERROR_MEMORY : NN_ERROR_IO,
        _ ("Could not draw the plot as a PNG picture: %s"), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (bytes);
}

gboolean
lab_loss_plot_write_png (const LabPlotData *data, const LabPlotView *view, int width, int height,
                         const LabPlotStyle *style, const char *path, GError **error)
{
  g_autoptr (GBytes) png = lab_loss_plot_render_png (data, view, width, height, style, error);
  g_autoptr (GError) local = NULL;
  gsize size;
  const char *bytes;

  if (png == NULL)
    return FALSE;
  bytes = g_bytes_get_data (png, &size);
  if (!g_file_set_contents (path, bytes, size, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not save the plot to “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
