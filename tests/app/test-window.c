/* test-window.c — end to end: start the real application, look at its
 * window, drive it through its actions and quit. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lab-application.h"
#include "lab-window.h"
#include "widget-png.h"

typedef void (*WindowCheck) (GtkApplication *app, GtkWindow *window);

typedef struct
{
  WindowCheck check;
  gboolean ran;
} RunData;

static GtkWidget *
find_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every toplevel, not only the application's: the shortcuts window is not
 * added to the application. */
static GtkWindow *
find_window_of_type (GType type)
{
  g_autoptr (GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }
  return NULL;
}

static void
spin_until_window (GtkApplication *app, GType type, GtkWindow **out)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while ((*out = find_window_of_type (type)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  g_autofree char *path = widget_png_output_path (name);
  g_autoptr (GError) error = NULL;

  g_assert_true (widget_png_save (widget, path, &error));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
on_activate (GApplication *app, gpointer user_data)
{
  RunData *data = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  gtk_window_set_default_size (window, 1280, 800);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 10000));
  data->check (GTK_APPLICATION (app), window);
  data->ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
run_app (WindowCheck check)
{
  g_autoptr (LabApplication) app = lab_application_new ();
  RunData data = { check, FALSE };
  int status;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &data);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (data.ran);
}

static void
check_regions (GtkApplication *app, GtkWindow *window)
{
  static const char *regions[] = {
    "palette", "canvas", "properties", "data", "training", "inside"
  };

  for (gsize i = 0; i < G_N_ELEMENTS (regions); i++)
    g_assert_nonnull (find_named (GTK_WIDGET (window), regions[i]));
  g_assert_true (gtk_widget_get_mapped (find_named (GTK_WIDGET (window), "canvas")));
  save_screenshot (GTK_WIDGET (window), "window.png");
}

static void
test_regions (void)
{
  run_app (check_regions);
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
                     gtk_widget_get_mapped (find_named (GTK_WIDGET (window), pages[i])));
      save_screenshot (GTK_WIDGET (window), shot);
    }
}

static void
test_pages (void)
{
  run_app (check_pages);
}

static void
check_about (GtkApplication *app, GtkWindow *window)
{
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  spin_until_window (app, ADW_TYPE_ABOUT_WINDOW, &about);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (about), 5000));
  save_screenshot (GTK_WIDGET (about), "about.png");
  gtk_window_close (about);
}

static void
test_about (void)
{
  run_app (check_about);
}

static void
check_shortcuts (GtkApplication *app, GtkWindow *window)
{
  GtkWindow *shortcuts = NULL;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  spin_until_window (app, GTK_TYPE_SHORTCUTS_WINDOW, &shortcuts);
  g_assert_nonnull (shortcuts);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (shortcuts), 5000));
  save_screenshot (GTK_WIDGET (shortcuts), "shortcuts.png");
  gtk_window_close (shortcuts);
}

static void
test_shortcuts (void)
{
  run_app (check_shortcuts);
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
  save_screenshot (GTK_WIDGET (window), "window-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_cmpfloat (light, >, 200);
  g_assert_cmpfloat (dark, <, 80);
}

static void
test_dark (void)
{
  run_app (check_dark);
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
  run_app (check_size_remembered);
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
  return g_test_run ();
}
