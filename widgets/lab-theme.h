/* lab-theme.h — colours and fonts of the current theme for custom-drawn
 * widgets, so that they follow light and dark styles and the user's font;
 * and projector mode, the classroom's large, high-contrast look.
 *
 * Projector mode is one application-wide switch (lab_theme_set_projector).
 * While it is on, lab_theme_foreground() and lab_theme_named() answer with
 * a black-on-white, saturated palette and lab_theme_scale() says by how much
 * to widen lines (fonts grow through the window's CSS, which the window
 * sets). A custom widget follows it in two lines: multiply its line widths
 * by lab_theme_scale () where it builds its style, and redraw on
 *
 *   g_signal_connect_object (lab_theme_get_default (), "changed",
 *                            G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_THEME (lab_theme_get_type ())
G_DECLARE_FINAL_TYPE (LabTheme, lab_theme, LAB, THEME, GObject)

/* How much larger text and lines are in projector mode. */
#define LAB_THEME_PROJECTOR_SCALE 1.6

/* The one theme object; emits ::changed () after projector mode is switched. */
LabTheme *lab_theme_get_default (void);

void lab_theme_set_projector (gboolean projector);
gboolean lab_theme_get_projector (void);
/* 1.0, or LAB_THEME_PROJECTOR_SCALE in projector mode: multiply line widths by it. */
double lab_theme_scale (void);

/* The widget's foreground (text) colour; black in projector mode. */
void lab_theme_foreground (GtkWidget *widget, GdkRGBA *colour);

/* A named colour of the theme (libadwaita's "accent_bg_color",
 * "error_color", "card_bg_color" ...), or fallback (a CSS colour) when the
 * theme does not define it. In projector mode the high-contrast palette's
 * colour of that name, when it has one. */
void lab_theme_named (GtkWidget *widget, const char *name, const char *fallback, GdkRGBA *colour);

/* The widget's font as a Pango description string; free with g_free(). */
char *lab_theme_font (GtkWidget *widget);

G_END_DECLS
