/* widget-png.h — render any widget to a PNG, so tests and people can look at it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Lays out a realized, mapped widget's current contents and renders them with
 * the widget's own renderer. Returns the texture (NULL if the widget has no
 * size yet). */
GdkTexture *widget_png_render (GtkWidget *widget);

/* Renders and saves to path; returns FALSE with a message on failure. */
gboolean widget_png_save (GtkWidget *widget, const char *path, GError **error);

/* Spins the main loop until the widget is mapped and has drawn a frame, or
 * timeout_ms passes. */
gboolean widget_png_wait_for_frame (GtkWidget *widget, guint timeout_ms);

/* RGBA of one pixel of a texture, for checking a few colours. It downloads
 * the whole texture: to scan many pixels, download once instead. */
void widget_png_pixel (GdkTexture *texture, int x, int y, guint8 rgba[4]);

/* All pixels as RGBA bytes, row after row, width × 4 bytes a row. Free with g_free(). */
guint8 *widget_png_download (GdkTexture *texture);

/* Where a test writes the pictures it makes: $LAYERLAB_SCREENSHOT_DIR, or the
 * build folder. Free with g_free(). */
char *widget_png_output_path (const char *name);

G_END_DECLS
