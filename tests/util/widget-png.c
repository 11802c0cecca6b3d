/* widget-png.c — render any widget to a PNG through its own renderer.
 * GtkWidgetPaintable snapshots the widget as it is drawn on screen, and the
 * window's GskRenderer turns that into a texture, so the picture is exactly
 * what a user would see. */
#include "widget-png.h"

#include <string.h>

GdkTexture *
widget_png_render (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer;

  if (width <= 0 || height <= 0 || native == NULL)
    return NULL;
  renderer = gtk_native_get_renderer (native);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

gboolean
widget_png_save (GtkWidget *widget, const char *path, GError **error)
{
  g_autoptr (GdkTexture) texture = widget_png_render (widget);

  if (texture == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s has no size to render",
                   G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

static void
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(int *) user_data)++;
  return G_SOURCE_CONTINUE;
}

gboolean
widget_png_wait_for_frame (GtkWidget *widget, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  int frames = 0;
  guint timeout = g_timeout_add_once (timeout_ms, on_timeout, &timed_out);
  guint tick = gtk_widget_add_tick_callback (widget, on_tick, &frames, NULL);

  /* Two frames: the first lays out, the second has drawn what the first laid out. */
  while (!timed_out && frames < 2)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, tick);
  if (!timed_out)
    g_source_remove (timeout);
  return frames >= 2 && gtk_widget_get_mapped (widget);
}

guint8 *
widget_png_download (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  guint8 *pixels = g_malloc (stride * height);

  /* Downloads are premultiplied BGRA in memory order on little-endian machines
   * (CAIRO_FORMAT_ARGB32); the widgets we check are opaque, so no unpremultiply. */
  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    {
      guint8 blue = pixels[i];
      pixels[i] = pixels[i + 2];
      pixels[i + 2] = blue;
    }
  return pixels;
}

void
widget_png_pixel (GdkTexture *texture, int x, int y, guint8 rgba[4])
{
  g_autofree guint8 *pixels = widget_png_download (texture);

  memcpy (rgba, pixels + ((gsize) y * gdk_texture_get_width (texture) + x) * 4, 4);
}

char *
widget_png_output_path (const char *name)
{
  const char *dir = g_getenv ("LAYERLAB_SCREENSHOT_DIR");

  if (dir == NULL)
    dir = g_getenv ("G_TEST_BUILDDIR");
  if (dir == NULL)
    dir = ".";
  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}
