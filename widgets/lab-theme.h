/* lab-theme.h — colours and fonts of the current theme for custom-drawn
 * widgets, so that they follow light and dark styles and the user's font. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The widget's foreground (text) colour. */
void lab_theme_foreground (GtkWidget *widget, GdkRGBA *colour);

/* A named colour of the theme (libadwaita's "accent_bg_color",
 * "error_color", "card_bg_color" ...), or fallback (a CSS colour) when the
 * theme does not define it. */
void lab_theme_named (GtkWidget *widget, const char *name, const char *fallback, GdkRGBA *colour);

/* The widget's font as a Pango description string; free with g_free(). */
char *lab_theme_font (GtkWidget *widget);

G_END_DECLS
