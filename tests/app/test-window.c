/* test-window.c — end to end: start the real application, look at its
 * window, drive it through its actions and quit. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "app-run.h"
#include "lab-application.h"
#include "lab-data-page.h"
#include "lab-model-page.h"
#include "lab-window.h"
#include "widget-png.h"

static void
check_regions (GtkApplication *app, GtkWindow *window)
{
  static const char *regions[] = {
    "palette", "canvas", "properties", "data", "training", "inside"
  };

  for (gsize i = 0; i < G_N_ELEMENTS (regions); i++)
    g_assert_nonnull (app_find_named (GTK_WIDGET (window), regions[i]));
  g_assert_true (gtk_widget_get_mapped (app_find_named (GTK_WIDGET (window), "canvas")));
  app_screenshot (GTK_WIDGET (window), "window.png");
}

static void
test_regions (void)
{
  app_run (check_regions);
}

static void
check_pages (GtkApplication *app, GtkWindow *window)
{
  static const char *pages[] = { "data", "training", "inside", "model" };

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *shot = g_strdup_printf ("window-%s.png", pages[i]);

      g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                      g_variant_new_string (pages[i]));
      g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
      g_assert_true (g_str_equal (pages[i], "model") ||
                     gtk_widget_get_mapped (app_find_named (GTK_WIDGET (window), pages[i])));
      app_screenshot (GTK_WIDGET (window), shot);
    }
}

static void
test_pages (void)
{
  app_run (check_pages);
}

static void
check_about (GtkApplication *app, GtkWindow *window)
{
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = app_wait_for_window (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (about), 5000));
  app_screenshot (GTK_WIDGET (about), "about.png");
  gtk_window_close (about);
}

static void
test_about (void)
{
  app_run (check_about);
}

static void
check_shortcuts (GtkApplication *app, GtkWindow *window)
{
  GtkWindow *shortcuts = NULL;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  shortcuts = app_wait_for_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (shortcuts), 5000));
  app_screenshot (GTK_WIDGET (shortcuts), "shortcuts.png");
  gtk_window_close (shortcuts);
}

static void
test_shortcuts (void)
{
  app_run (check_shortcuts);
}

static double
luminance_at_centre (GtkWidget *widget)
{
  g_autoptr (GdkTexture) texture = widget_png_render (widget);
  guint8 rgba[4];

  g_assert_nonnull (texture);
  widget_png_pixel (texture, gdk_texture_get_width (texture) / 2,
                    gdk_texture_get_height (texture) - 60, rgba);
  return 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2];
}

static void
check_dark (GtkApplication *app, GtkWindow *window)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  double light, dark;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  light = luminance_at_centre (GTK_WIDGET (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  dark = luminance_at_centre (GTK_WIDGET (window));
  app_screenshot (GTK_WIDGET (window), "window-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_cmpfloat (light, >, 200);
  g_assert_cmpfloat (dark, <, 80);
}

static void
test_dark (void)
{
  app_run (check_dark);
}

static void
check_size_remembered (GtkApplication *app, GtkWindow *window)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);

  /* on_activate asked for 1280×800; the setting follows the window. */
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1280);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("inside"));
  g_assert_cmpstr (g_settings_get_string (settings, "last-page"), ==, "inside");
  g_settings_set_string (settings, "last-page", "model");
}

static void
test_size_remembered (void)
{
  app_run (check_size_remembered);
}

static gboolean demo_loaded;

static void
on_demo_loaded (LabDataPage *page, gpointer user_data)
{
  demo_loaded = TRUE;
}

/* What `layerlab --template seed-cnn --data fashion-mnist` (the README's
 * demo) does: the data loads, then the model is built for it. */
static void
check_demo (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *data = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  LabModelPage *model = LAB_MODEL_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE));
  char *why = NULL;
  const char *spec =
    nn_builtin_datasets (&(int){ 0 })[0].available (&why) ? "fashion-mnist" : "moons";
  nn_graph_report report = { 0 };

  g_free (why);
  g_signal_connect (data, "dataset-changed", G_CALLBACK (on_demo_loaded), NULL);
  lab_window_start (LAB_WINDOW (window), "seed-cnn", spec, FALSE);
  g_assert_true (app_wait_for (&demo_loaded, 30000));
  g_assert_cmpstr (lab_data_page_get_dataset (data)->spec, ==, spec);
  nn_graph_infer (lab_model_page_get_graph (model), &report);
  g_assert_cmpint (report.n_nodes, ==, 12);
  nn_graph_report_clear (&report);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "demo.png");
}

static void
test_demo (void)
{
  app_run (check_demo);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAYERLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/window/regions", test_regions);
  g_test_add_func ("/app/window/pages", test_pages);
  g_test_add_func ("/app/window/about", test_about);
  g_test_add_func ("/app/window/shortcuts", test_shortcuts);
  g_test_add_func ("/app/window/dark-mode", test_dark);
  g_test_add_func ("/app/window/size-remembered", test_size_remembered);
  g_test_add_func ("/app/window/demo", test_demo);
  return g_test_run ();
}
