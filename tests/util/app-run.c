/* app-run.c — see app-run.h. */
#include "app-run.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "lab-application.h"
#include "lab-data-page.h"
#include "widget-png.h"

typedef struct
{
  AppRunCheck check;
  gboolean ran;
} RunData;

GtkWidget *
app_find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
app_find_type (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_find_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every toplevel, not only the application's: the shortcuts window and
 * dialogs are not always added to the application. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

GtkWindow *
app_wait_for_window (GType type)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GtkWindow *window;

  while ((window = find_toplevel (type)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  return window;
}

gboolean
app_wait_for (const gboolean *done, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  return *done;
}

static void
on_loaded (LabDataPage *page, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

void
app_load_data (GtkWindow *window, const char *spec)
{
  LabDataPage *page = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  gboolean loaded = FALSE;
  gulong handler = g_signal_connect (page, "dataset-changed", G_CALLBACK (on_loaded), &loaded);

  lab_data_page_load_spec (page, spec);
  g_assert_true (app_wait_for (&loaded, 20000));
  g_signal_handler_disconnect (page, handler);
}

gboolean
app_wait_action (GtkWindow *window, const char *action, gboolean enabled, guint timeout_ms)
{
  GActionGroup *group = G_ACTION_GROUP (window);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_action_group_get_action_enabled (group, action) != enabled &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  return g_action_group_get_action_enabled (group, action) == enabled;
}

void
app_screenshot (GtkWidget *widget, const char *name)
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
  /* Destroyed, not closed: a test's unsaved changes must not wait for an
   * answer. Destroying a window stops its work as closing does. */
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (window);
  g_application_quit (app);
}

static char *home_dir;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_remove (path);
}

static void
remove_home (void)
{
  remove_tree (home_dir);
}

void
app_private_home (void)
{
  g_autofree char *state = NULL, *data = NULL;

  if (home_dir != NULL || g_getenv ("XDG_STATE_HOME") != NULL)
    return;
  home_dir = g_dir_make_tmp ("layerlab-test-home-XXXXXX", NULL);
  g_assert_nonnull (home_dir);
  state = g_build_filename (home_dir, "state", NULL);
  data = g_build_filename (home_dir, "data", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  atexit (remove_home);
}

void
app_run (AppRunCheck check)
{
  g_autoptr (LabApplication) app = NULL;
  RunData data = { check, FALSE };
  int status;

  app_private_home ();
  app = lab_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &data);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (data.ran);
}
