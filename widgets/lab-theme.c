/* lab-theme.c — see lab-theme.h. GTK 4.8 has no gtk_widget_get_color(); the
 * style context is the way there. */
#include "lab-theme.h"

void
lab_theme_foreground (GtkWidget *widget, GdkRGBA *colour)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), colour);
}

void
lab_theme_named (GtkWidget *widget, const char *name, const char *fallback, GdkRGBA *colour)
{
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, colour))
    gdk_rgba_parse (colour, fallback);
}

char *
lab_theme_font (GtkWidget *widget)
{
  PangoFontDescription *font =
    pango_context_get_font_description (gtk_widget_get_pango_context (widget));

  return pango_font_description_to_string (font);
}
