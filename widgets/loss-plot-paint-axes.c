/* loss-plot-paint-axes.c — the loss plot's axes: nice and logarithmic
 * tick values and their labels, each panel's frame, grid, tick labels and
 * axis titles, and the dashed markers at the end of each epoch. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "loss-plot-paint-private.h"

#define MAX_TICKS 32

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

void
_lab_plot_draw_panel_frame (Painter *p, LabPlotMetric m)
{
  cairo_t *cr = p->cr;
  const LabPlotRect *r = _lab_plot_panel_rect (p, m);
  double ticks[MAX_TICKS], step = 0;
  int max_ticks = CLAMP ((int) (r->height / (p->fs * 2.2)), 2, 10);
  int n;
  char buf[64];
  const char *title;
  gboolean bottom_panel = m == LAB_PLOT_ACCURACY || p->lay.accuracy.height <= 0;

  _lab_plot_set_color (cr, &p->style->panel, 1);
  cairo_rectangle (cr, r->x, r->y, r->width, r->height);
  cairo_fill (cr);

  if (p->y_log[m])
    n = lab_plot_log_ticks (p->y_lo[m], p->y_hi[m], max_ticks, ticks);
  else
    n = lab_plot_nice_ticks (p->y_lo[m], p->y_hi[m], max_ticks, ticks, &step);
  _lab_plot_set_font (p, 0.9, FALSE);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n; i++)
    {
      double y = round (_lab_plot_map_y (p, m, ticks[i])) + 0.5;
      if (y < r->y - 0.5 || y > r->y + r->height + 0.5)
        continue;
      _lab_plot_set_color (cr, &p->style->grid, 1);
      cairo_move_to (cr, r->x, y);
      cairo_line_to (cr, r->x + r->width, y);
      cairo_stroke (cr);
      format_tick (buf, sizeof buf, ticks[i], step, m == LAB_PLOT_ACCURACY, p->y_log[m]);
      _lab_plot_set_color (cr, &p->style->foreground, 0.75);
      _lab_plot_draw_text (p, buf, r->x - p->fs * 0.5, y, 1, 0.5);
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
      double x = round (_lab_plot_map_x (p, ticks[i])) + 0.5;
      _lab_plot_set_color (cr, &p->style->grid, 1);
      cairo_move_to (cr, x, r->y);
      cairo_line_to (cr, x, r->y + r->height);
      cairo_stroke (cr);
      if (!bottom_panel)
        continue;
      format_tick (buf, sizeof buf, ticks[i], step, FALSE, FALSE);
      _lab_plot_set_color (cr, &p->style->foreground, 0.75);
      _lab_plot_draw_text (p, buf, x, r->y + r->height + p->fs * 0.3, 0.5, 0);
    }
  if (bottom_panel)
    {
      _lab_plot_set_font (p, 1.0, FALSE);
      _lab_plot_set_color (cr, &p->style->foreground, 1);
      _lab_plot_draw_text (p, _ ("Step"), r->x + r->width / 2, r->y + r->height + p->fs * 1.6, 0.5,
                           0);
    }

  /* The axis title, turned to read upwards. */
  if (m == LAB_PLOT_LOSS)
    title = p->y_log[m] ? _ ("Loss (log scale)") : _ ("Loss");
  else
    title = _ ("Accuracy");
  _lab_plot_set_font (p, 1.0, TRUE);
  _lab_plot_set_color (cr, &p->style->foreground, 1);
  cairo_save (cr);
  cairo_translate (cr, p->fs * 0.3, r->y + r->height / 2);
  cairo_rotate (cr, -G_PI / 2);
  _lab_plot_draw_text (p, title, 0, 0, 0.5, 0);
  cairo_restore (cr);

  _lab_plot_set_color (cr, &p->style->foreground, 0.35);
  cairo_rectangle (cr, r->x + 0.5, r->y + 0.5, r->width - 1, r->height - 1);
  cairo_stroke (cr);
}

void
_lab_plot_draw_epoch_markers (Painter *p)
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
  _lab_plot_set_font (p, 0.8, FALSE);
  cairo_set_line_width (cr, 1);
  for (gsize i = 0; i < n; i++)
    {
      double x;
      char buf[64];

      if (steps[i] < p->lay.x_min || steps[i] > p->lay.x_max)
        continue;
      x = round (_lab_plot_map_x (p, steps[i])) + 0.5;
      _lab_plot_set_color (cr, &p->style->foreground, 0.3);
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
      _lab_plot_set_color (cr, &p->style->foreground, 0.6);
      _lab_plot_draw_text (p, buf, x - p->fs * 0.3, top->y + p->fs * 0.2, 1, 0);
      last_label = x;
    }
}
