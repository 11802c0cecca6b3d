/* test-widget-png.c — the render-to-PNG helper every widget test uses. */
#include <adwaita.h>

#include "widget-png.h"

static void
test_render_colour (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = widget_png_output_path ("widget-png.png");
  guint8 rgba[4];

  gtk_css_provider_load_from_data (css, ".probe { background: rgb(200, 40, 10); }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_add_css_class (box, "probe");
  gtk_widget_set_size_request (box, 64, 48);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (widget_png_wait_for_frame (box, 5000));

  texture = widget_png_render (box);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 64);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 48);
  widget_png_pixel (texture, 32, 24, rgba);
  g_assert_cmpuint (rgba[0], ==, 200);
  g_assert_cmpuint (rgba[1], ==, 40);
  g_assert_cmpuint (rgba[2], ==, 10);
  g_assert_true (widget_png_save (box, path, NULL));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/widgets/png/render-colour", test_render_colour);
  return g_test_run ();
}
