/* inside-paint.c — what every Inside view shares (style, colour maps, text,
 * images from float arrays) and the dispatch by view: measure, paint, PNG. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inside-paint-private.h"

#define RGB(hex)                                                                          \
  {                                                                                       \
    ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) &0xff) / 255.0, 1.0 \
  }

/* Class colours that stay apart for colour-blind eyes (Okabe–Ito first,
 * then GNOME palette hues). */
static const LabInsideColor light_classes[LAB_INSIDE_N_CLASS_COLORS] = {
  RGB (0x1c71d8), RGB (0xe66100), RGB (0x26a269), RGB (0x9141ac), RGB (0xc01c28),
  RGB (0x865e3c), RGB (0x0f8b8d), RGB (0xc64600), RGB (0x5e5c64), RGB (0xb5835a),
};
static const LabInsideColor dark_classes[LAB_INSIDE_N_CLASS_COLORS] = {
  RGB (0x62a0ea), RGB (0xffa348), RGB (0x57e389), RGB (0xc061cb), RGB (0xf66151),
  RGB (0xcdab8f), RGB (0x5bc8af), RGB (0xf8e45c), RGB (0xc0bfbc), RGB (0xdeddda),
};

void
lab_inside_style_init (LabInsideStyle *style, gboolean dark)
{
  double fg = dark ? 1.0 : 0.0;
  double bg = dark ? 0x24 / 255.0 : 0xfa / 255.0;

  *style = (LabInsideStyle){ 0 };
  style->dark = dark;
  style->background = (LabInsideColor){ bg, bg, bg, 1 };
  style->foreground = (LabInsideColor){ fg, fg, fg, dark ? 1.0 : 0.8 };
  style->dim = (LabInsideColor){ fg, fg, fg, 0.55 };
  style->grid = (LabInsideColor){ fg, fg, fg, dark ? 0.15 : 0.12 };
  style->panel = dark ? (LabInsideColor) RGB (0x303030) : (LabInsideColor) RGB (0xffffff);
  style->accent = dark ? (LabInsideColor) RGB (0x78aeed) : (LabInsideColor) RGB (0x1c71d8);
  style->good = dark ? (LabInsideColor) RGB (0x57e389) : (LabInsideColor) RGB (0x26a269);
  style->bad = dark ? (LabInsideColor) RGB (0xff7b63) : (LabInsideColor) RGB (0xc01c28);
  for (int i = 0; i < LAB_INSIDE_N_CLASS_COLORS; i++)
    style->classes[i] = dark ? dark_classes[i] : light_classes[i];
  g_strlcpy (style->font_family, "Cantarell", sizeof style->font_family);
  style->font_size = 13;
}

/* Viridis (van der Walt and Smith, matplotlib) sampled at nine points;
 * linear interpolation between them stays within a shade of the original. */
static const double viridis[9][3] = {
  { 0x44, 0x01, 0x54 }, { 0x48, 0x28, 0x78 }, { 0x3e, 0x49, 0x89 },
  { 0x31, 0x68, 0x8e }, { 0x26, 0x82, 0x8e }, { 0x1f, 0x9e, 0x89 },
  { 0x35, 0xb7, 0x79 }, { 0x6e, 0xce, 0x58 }, { 0xfd, 0xe7, 0x25 },
};

void
lab_inside_viridis (double t, double *r, double *g, double *b)
{
  double f;
  int i;

  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) : 0.0;
  f = t * 8.0;
  i = MIN ((int) f, 7);
  f -= i;
  *r = (viridis[i][0] + f * (viridis[i + 1][0] - viridis[i][0])) / 255.0;
  *g = (viridis[i][1] + f * (viridis[i + 1][1] - viridis[i][1])) / 255.0;
  *b = (viridis[i][2] + f * (viridis[i + 1][2] - viridis[i][2])) / 255.0;
}

void
_lab_inside_grey (double t, double *r, double *g, double *b)
{
  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) : 0.0;
  *r = *g = *b = t;
}

void
_lab_inside_diverging (double t, double *r, double *g, double *b)
{
  /* #0877bd (negative) … #e8eaeb … #f59322 (positive), as in the Playground */
  static const double lo[3] = { 0x08, 0x77, 0xbd }, mid[3] = { 0xe8, 0xea, 0xeb },
                      hi[3] = { 0xf5, 0x93, 0x22 };
  const double *a, *c;
  double f;

  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) : 0.5;
  if (t < 0.5)
    a = lo, c = mid, f = t * 2.0;
  else
    a = mid, c = hi, f = (t - 0.5) * 2.0;
  *r = (a[0] + f * (c[0] - a[0])) / 255.0;
  *g = (a[1] + f * (c[1] - a[1])) / 255.0;
  *b = (a[2] + f * (c[2] - a[2])) / 255.0;
}

static const char *const view_ids[LAB_INSIDE_N_VIEWS] = {
  "activations", "filters",  "histograms",      "confusion", "misclassified",
  "saliency",    "boundary", "reconstructions", "samples",
};

const char *
lab_inside_view_id (LabInsideView view)
{
  g_return_val_if_fail (view < LAB_INSIDE_N_VIEWS, NULL);
  return view_ids[view];
}

gboolean
lab_inside_view_from_id (const char *id, LabInsideView *view)
{
  for (int i = 0; i < LAB_INSIDE_N_VIEWS; i++)
    if (g_str_equal (id, view_ids[i]))
      {
        *view = (LabInsideView) i;
        return TRUE;
      }
  return FALSE;
}

/* --- Text ----------------------------------------------------------------- */

void
_lab_inside_text_init (LabInsideText *t, cairo_t *cr, const LabInsideStyle *style)
{
  t->cr = cr;
  t->style = style;
  t->layout = pango_cairo_create_layout (cr);
}

void
_lab_inside_text_clear (LabInsideText *t)
{
  g_clear_object (&t->layout);
}

static void
set_font (LabInsideText *t, double factor, gboolean bold)
{
  PangoFontDescription *font =
    pango_font_description_from_string (t->style->font_family[0] ? t->style->font_family : "Sans");

  pango_font_description_set_absolute_size (font, t->style->font_size * factor * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (t->layout, font);
  pango_font_description_free (font);
}

double
_lab_inside_text_width (LabInsideText *t, const char *text, double factor, gboolean bold)
{
  int w, h;

  set_font (t, factor, bold);
  pango_layout_set_width (t->layout, -1);
  pango_layout_set_text (t->layout, text, -1);
  pango_layout_get_pixel_size (t->layout, &w, &h);
  return w;
}

double
_lab_inside_text (LabInsideText *t, const char *text, double x, double y, double align,
                  double max_width, double factor, gboolean bold, const LabInsideColor *color)
{
  int w, h;

  set_font (t, factor, bold);
  pango_layout_set_text (t->layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (t->layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (t->layout, PANGO_ELLIPSIZE_END);
    }
  else
    {
      pango_layout_set_width (t->layout, -1);
      pango_layout_set_ellipsize (t->layout, PANGO_ELLIPSIZE_NONE);
    }
  pango_layout_get_pixel_size (t->layout, &w, &h);
  _lab_inside_set_color (t->cr, color);
  cairo_move_to (t->cr, round (x - align * w), round (y));
  pango_cairo_show_layout (t->cr, t->layout);
  return w;
}

void
_lab_inside_set_color (cairo_t *cr, const LabInsideColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

void
_lab_inside_fill_background (cairo_t *cr, int width, int height, const LabInsideStyle *style)
{
  if (style->background.a <= 0)
    return;
  _lab_inside_set_color (cr, &style->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

char *
_lab_inside_format_value (double v)
{
  double a = fabs (v);

  if (!isfinite (v))
    return g_strdup ("—");
  if (a == 0.0)
    return g_strdup ("0");
  if (a >= 1e4 || a < 1e-3)
    return g_strdup_printf ("%.1e", v);
  if (a >= 100)
    return g_strdup_printf ("%.0f", v);
  if (a >= 10)
    return g_strdup_printf ("%.1f", v);
  return g_strdup_printf ("%.3g", v);
}

/* --- Images --------------------------------------------------------------- */

/* Sharp upscaling of a w × h surface into w_px × h_px at (x, y). */
/* A w×h surface to fill row by row through *data (rows *stride bytes
 * apart), then give to paint_surface. */
static cairo_surface_t *
rgb_surface_new (int w, int h, guint8 **data, int *stride)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);

  cairo_surface_flush (surface);
  *data = cairo_image_surface_get_data (surface);
  *stride = cairo_image_surface_get_stride (surface);
  return surface;
}

/* Paints the filled surface (taken) scaled to w_px × h_px at (x, y),
 * its pixels kept sharp. */
static void
paint_surface (cairo_t *cr, cairo_surface_t *surface, int w, int h, double x, double y, double w_px,
               double h_px)
{
  cairo_surface_mark_dirty (surface);
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w_px, h_px);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, w_px / w, h_px / h);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

static guint32
pack (double r, double g, double b)
{
  return 0xff000000u | (guint32) lround (r * 255) << 16 | (guint32) lround (g * 255) << 8 |
         (guint32) lround (b * 255);
}

void
_lab_inside_heat (cairo_t *cr, const float *v, int h, int w, double lo, double hi, LabColorMap map,
                  double x, double y, double w_px, double h_px)
{
  cairo_surface_t *surface;
  double scale = hi > lo ? 1.0 / (hi - lo) : 0.0;
  guint8 *data;
  int stride;

  if (w <= 0 || h <= 0)
    return;
  surface = rgb_surface_new (w, h, &data, &stride);
  for (int i = 0; i < h; i++)
    {
      guint32 *row = (guint32 *) (data + (gsize) i * stride);

      for (int j = 0; j < w; j++)
        {
          double r, g, b;

          map (hi > lo ? (v[(gsize) i * w + j] - lo) * scale : 0.5, &r, &g, &b);
          row[j] = pack (r, g, b);
        }
    }
  paint_surface (cr, surface, w, h, x, y, w_px, h_px);
}

void
_lab_inside_image (cairo_t *cr, const float *chw, int c, int h, int w, double lo, double hi,
                   double x, double y, double w_px, double h_px)
{
  cairo_surface_t *surface;
  double scale = hi > lo ? 1.0 / (hi - lo) : 0.0;
  gsize plane = (gsize) h * w;
  guint8 *data;
  int stride;

  if (c != 3)
    {
      _lab_inside_heat (cr, chw, h, w, lo, hi, _lab_inside_grey, x, y, w_px, h_px);
      return;
    }
  surface = rgb_surface_new (w, h, &data, &stride);
  for (int i = 0; i < h; i++)
    {
      guint32 *row = (guint32 *) (data + (gsize) i * stride);

      for (int j = 0; j < w; j++)
        {
          gsize p = (gsize) i * w + j;

          row[j] =
            pack (CLAMP ((chw[p] - lo) * scale, 0, 1), CLAMP ((chw[plane + p] - lo) * scale, 0, 1),
                  CLAMP ((chw[2 * plane + p] - lo) * scale, 0, 1));
        }
    }
  paint_surface (cr, surface, w, h, x, y, w_px, h_px);
}

void
_lab_inside_scale_bar (LabInsideText *t, LabColorMap map, double lo, double hi, double x, double y,
                       double w, double h)
{
  float ramp[64];
  g_autofree char *lo_text = _lab_inside_format_value (lo);
  g_autofree char *hi_text = _lab_inside_format_value (hi);
  double fs = 0.85;

  double lw = _lab_inside_text_width (t, lo_text, fs, FALSE);
  double hw = _lab_inside_text_width (t, hi_text, fs, FALSE);
  double ramp_x = x + lw + 4, ramp_w = MAX (w - lw - hw - 8, 8);
  double text_y = y + (h - t->style->font_size * 1.2 * fs) / 2;

  for (int i = 0; i < 64; i++)
    ramp[i] = i / 63.0f;
  _lab_inside_text (t, lo_text, x, text_y, 0, 0, fs, FALSE, &t->style->dim);
  _lab_inside_heat (t->cr, ramp, 1, 64, 0, 1, map, ramp_x, y, ramp_w, h);
  _lab_inside_text (t, hi_text, ramp_x + ramp_w + 4, text_y, 0, 0, fs, FALSE, &t->style->dim);
}

/* --- Dispatch ------------------------------------------------------------- */

int
lab_inside_measure (LabInsideView view, gconstpointer data, const nn_dataset *ds, int width,
                    const LabInsideStyle *style)
{
  LabInsideStyle light;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  switch (view)
    {
      case LAB_INSIDE_ACTIVATIONS:
        return _lab_activations_measure (data, width, style);
      case LAB_INSIDE_FILTERS:
        return _lab_filters_measure (data, width, style);
      case LAB_INSIDE_HISTOGRAMS:
        return _lab_histograms_measure (data, width, style);
      case LAB_INSIDE_CONFUSION:
        return _lab_confusion_measure (data, width, style);
      case LAB_INSIDE_MISCLASSIFIED:
        return _lab_misclassified_measure (data, ds, width, style);
      case LAB_INSIDE_SALIENCY:
        return _lab_saliency_measure (data, width, style);
      case LAB_INSIDE_BOUNDARY:
        return _lab_boundary_measure (data, width, style);
      case LAB_INSIDE_RECONSTRUCTIONS:
        return _lab_reconstructions_measure (data, width, style);
      case LAB_INSIDE_SAMPLES:
        return _lab_samples_measure (data, width, style);
      case LAB_INSIDE_N_VIEWS:
      default:
        break;
    }
  g_return_val_if_reached (0);
}

void
lab_inside_paint (cairo_t *cr, LabInsideView view, gconstpointer data, const nn_dataset *ds,
                  int width, int height, const LabInsideStyle *style)
{
  switch (view)
    {
      case LAB_INSIDE_ACTIVATIONS:
        lab_activations_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_FILTERS:
        lab_filters_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_HISTOGRAMS:
        lab_histograms_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_CONFUSION:
        lab_confusion_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_MISCLASSIFIED:
        lab_misclassified_paint (cr, data, ds, width, height, style);
        break;
      case LAB_INSIDE_SALIENCY:
        lab_saliency_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_BOUNDARY:
        lab_boundary_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_RECONSTRUCTIONS:
        lab_reconstructions_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_SAMPLES:
        lab_samples_paint (cr, data, width, height, style);
        break;
      case LAB_INSIDE_N_VIEWS:
      default:
        g_return_if_reached ();
    }
}

gboolean
lab_inside_write_png (LabInsideView view, gconstpointer data, const nn_dataset *ds, int width,
                      int height, const LabInsideStyle *style, const char *path, GError **error)
{
  LabInsideStyle light;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (style == NULL)
    {
      lab_inside_style_init (&light, FALSE);
      style = &light;
    }
  if (width <= 0)
    width = 800;
  if (height <= 0)
    height = lab_inside_measure (view, data, ds, width, style);
  if (width > 16384 || height > 16384 || height <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("A picture must be between 1 and 16384 pixels on each side, not %d × %d"),
                   width, height);
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  lab_inside_paint (cr, view, data, ds, width, height, style);
  cairo_destroy (cr);
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not save the picture to “%s”: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
