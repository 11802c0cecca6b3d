/* class-balance-paint.c — see class-balance-paint.h. */
#include "class-balance-paint.h"

#include <pango/pangocairo.h>

#define ROW_GAP       6
#define BAR_HEIGHT_EM 0.55

static PangoLayout *
make_layout (cairo_t *cr, const LabClassBalanceStyle *style)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (style->font);

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

static int
line_height (const LabClassBalanceStyle *style)
{
  PangoFontDescription *font = pango_font_description_from_string (style->font);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  pango_font_description_free (font);
  /* Font sizes in points at 96 dpi, plus line spacing. */
  return (int) (size * 96.0 / 72.0 * 1.5 + 0.5);
}

int
lab_class_balance_height (int n_classes, const LabClassBalanceStyle *style)
{
  return n_classes * (line_height (style) + ROW_GAP);
}

static void
set_colour (cairo_t *cr, const double c[4])
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3]);
}

void
lab_class_balance_paint (cairo_t *cr, const char *const *names, const int *counts, int n, int width,
                         int height, const LabClassBalanceStyle *style)
{
  PangoLayout *layout = make_layout (cr, style);
  int row = line_height (style) + ROW_GAP;
  int max = 1, label_width = 0, count_width = 0;
  double bar_height = row * BAR_HEIGHT_EM;

  for (int i = 0; i < n; i++)
    {
      char text[32];
      int w;

      max = MAX (max, counts[i]);
      pango_layout_set_text (layout, names[i], -1);
      pango_layout_get_pixel_size (layout, &w, NULL);
      label_width = MAX (label_width, w);
      g_snprintf (text, sizeof text, "%'d", counts[i]);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &w, NULL);
      count_width = MAX (count_width, w);
    }
  /* Long class names must not squeeze the bars away. */
  label_width = MIN (label_width, width / 3);

  for (int i = 0; i < n && (i + 1) * row <= height + ROW_GAP; i++)
    {
      char text[32];
      double y = i * row;
      double x0 = label_width + 12;
      double track = MAX (0, width - x0 - count_width - 12);
      int lh;

      set_colour (cr, style->fg);
      pango_layout_set_text (layout, names[i], -1);
      pango_layout_set_width (layout, label_width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, NULL, &lh);
      cairo_move_to (cr, 0, y + (row - ROW_GAP - lh) / 2.0);
      pango_cairo_show_layout (cr, layout);
      pango_layout_set_width (layout, -1);

      set_colour (cr, style->track);
      cairo_rectangle (cr, x0, y + (row - ROW_GAP - bar_height) / 2.0, track, bar_height);
      cairo_fill (cr);
      set_colour (cr, style->bar);
      cairo_rectangle (cr, x0, y + (row - ROW_GAP - bar_height) / 2.0,
                       track * counts[i] / (double) max, bar_height);
      cairo_fill (cr);

      set_colour (cr, style->fg);
      g_snprintf (text, sizeof text, "%'d", counts[i]);
      pango_layout_set_text (layout, text, -1);
      cairo_move_to (cr, x0 + track + 12, y + (row - ROW_GAP - lh) / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  g_object_unref (layout);
}
