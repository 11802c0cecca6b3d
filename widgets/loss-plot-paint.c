/* loss-plot-paint.c — the training plot drawn with Cairo and Pango, no GTK:
 * the styles, the painter's layout (margins, panels, step and value
 * ranges), mapping data to pixels, text helpers, and the public entry
 * points that paint the whole plot or render it as PNG. What it paints
 * lives in siblings: axes and grid (loss-plot-paint-axes.c), the traces
 * (-curves.c), the legend (-legend.c) and the hover crosshair (-hover.c). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "loss-plot-paint-private.h"

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

/* ---- text -------------------------------------------------------------- */

void
_lab_plot_set_font (Painter *p, double scale, gboolean bold)
{
  PangoFontDescription *font = pango_font_description_from_string (
    p->style->font_family != NULL ? p->style->font_family : "Sans");

  pango_font_description_set_absolute_size (font, p->fs * scale * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (p->layout, font);
  pango_font_description_free (font);
}

double
_lab_plot_text_width (Painter *p, const char *text)
{
  int w, h;

  pango_layout_set_text (p->layout, text, -1);
  pango_layout_get_pixel_size (p->layout, &w, &h);
  return w;
}

/* Draws text with its box aligned at (x, y): ax, ay are 0 (left/top),
 * 0.5 (centre) or 1 (right/bottom). */
void
_lab_plot_draw_text (Painter *p, const char *text, double x, double y, double ax, double ay)
{
  int w, h;

  pango_layout_set_text (p->layout, text, -1);
  pango_layout_get_pixel_size (p->layout, &w, &h);
  cairo_move_to (p->cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (p->cr, p->layout);
}

void
_lab_plot_set_color (cairo_t *cr, const LabPlotColor *c, double alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

const LabPlotColor *
_lab_plot_run_color (Painter *p, guint run)
{
  return &p->style->runs[run % LAB_PLOT_N_COLORS];
}

/* ---- layout ------------------------------------------------------------ */

gboolean
_lab_plot_series_drawn (const LabPlotData *data, guint run, LabPlotMetric m, LabPlotSplit s,
                        LabPlotGrain g)
{
  return lab_plot_data_get_run_visible (data, run) &&
         lab_plot_series_get_n (lab_plot_data_get_series (data, run, m, s, g)) > 0;
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

int
_lab_plot_panel_columns (const Painter *p)
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

              if (!_lab_plot_series_drawn (p->data, r, m, s, g))
                continue;
              pts = lab_plot_series_decimate (lab_plot_data_get_series (p->data, r, m, s, g), -1,
                                              p->lay.x_min, p->lay.x_max,
                                              _lab_plot_panel_columns (p), &count);
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

void
_lab_plot_painter_init (Painter *p, cairo_t *cr, const LabPlotData *data, const LabPlotView *view,
                        int width, int height, const LabPlotStyle *style)
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
  g_array_set_clear_func (p->legend, _lab_plot_legend_clear);

  for (guint r = 0; r < n; r++)
    for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
      for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
        {
          if (_lab_plot_series_drawn (data, r, LAB_PLOT_ACCURACY, s, g))
            p->has_accuracy = TRUE;
          if (_lab_plot_series_drawn (data, r, LAB_PLOT_LOSS, s, g) ||
              _lab_plot_series_drawn (data, r, LAB_PLOT_ACCURACY, s, g))
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
  top += _lab_plot_layout_legend (p, left, top, width - right) + p->fs * 0.5;
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

void
_lab_plot_painter_clear (Painter *p)
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
  _lab_plot_painter_init (&p, cr, data, view, width, height, style);
  *layout = p.lay;
  _lab_plot_painter_clear (&p);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- mapping ----------------------------------------------------------- */

double
_lab_plot_map_x (const Painter *p, double x)
{
  const LabPlotRect *r = &p->lay.loss;
  return r->x + (x - p->lay.x_min) / (p->lay.x_max - p->lay.x_min) * r->width;
}

double
_lab_plot_unmap_x (const Painter *p, double px)
{
  const LabPlotRect *r = &p->lay.loss;
  return p->lay.x_min + (px - r->x) / r->width * (p->lay.x_max - p->lay.x_min);
}

const LabPlotRect *
_lab_plot_panel_rect (const Painter *p, LabPlotMetric m)
{
  return m == LAB_PLOT_LOSS ? &p->lay.loss : &p->lay.accuracy;
}

double
_lab_plot_map_y (const Painter *p, LabPlotMetric m, double y)
{
  const LabPlotRect *r = _lab_plot_panel_rect (p, m);
  double t;

  if (p->y_log[m])
    t = (log10 (y) - log10 (p->y_lo[m])) / (log10 (p->y_hi[m]) - log10 (p->y_lo[m]));
  else
    t = (y - p->y_lo[m]) / (p->y_hi[m] - p->y_lo[m]);
  return r->y + r->height * (1 - t);
}

/* ---- the whole plot, on a surface or as PNG ---------------------------- */

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
      _lab_plot_set_color (cr, &style->background, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  _lab_plot_painter_init (&p, cr, data, view, width, height, style);
  n = lab_plot_data_get_n_runs (data);

  if (!p.lay.has_data)
    {
      const char *text = style->empty_text;
      if (text == NULL)
        text = n > 0 && lab_plot_data_get_n_points (data) > 0
                 ? _ ("All runs are hidden: click one in the legend to show it")
                 : _ ("Train a model to see its loss here");
      _lab_plot_draw_legend (&p);
      _lab_plot_set_font (&p, 1.3, FALSE);
      pango_layout_set_width (p.layout, (int) (width * 0.8 * PANGO_SCALE));
      pango_layout_set_alignment (p.layout, PANGO_ALIGN_CENTER);
      _lab_plot_set_color (cr, &style->foreground, 0.6);
      _lab_plot_draw_text (&p, text, width / 2.0, height / 2.0, 0.5, 0.5);
      _lab_plot_painter_clear (&p);
      cairo_restore (cr);
      return;
    }

  _lab_plot_draw_legend (&p);
  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    {
      const LabPlotRect *r = _lab_plot_panel_rect (&p, m);
      if (r->height <= 0)
        continue;
      _lab_plot_draw_panel_frame (&p, m);
      cairo_save (cr);
      cairo_rectangle (cr, r->x, r->y, r->width, r->height);
      cairo_clip (cr);
      for (guint run = 0; run < n; run++)
        if (lab_plot_data_get_run_visible (data, run))
          _lab_plot_draw_series (&p, run, m);
      cairo_restore (cr);
    }
  _lab_plot_draw_epoch_markers (&p);
  if (view->hover)
    _lab_plot_draw_hover (&p);
  _lab_plot_painter_clear (&p);
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
