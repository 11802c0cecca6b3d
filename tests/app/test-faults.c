/* test-faults.c — end to end: quitting the application (app.quit, as
 * Ctrl+Q does) while a dataset loads on its thread and while a model trains
 * on the worker. Each runs in a child process, which must take the quit,
 * close its window within seconds and exit cleanly: no hang waiting for a
 * thread, no crash from a thread outliving the window, no failed check. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "app-run.h"
#include "lab-data-page.h"
#include "lab-window.h"

static gboolean
window_open (GtkApplication *app)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (LAB_IS_WINDOW (l->data))
      return TRUE;
  return FALSE;
}

/* Quits through the application's action and answers "Discard" if the
 * window asks about unsaved changes, as a user who wants out would. */
static void
quit_and_wait (GtkApplication *app)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 10 * G_USEC_PER_SEC;

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  while (window_open (app) && g_get_monotonic_time () < deadline)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          /* Borrowed: the list holds it, and answering may destroy it with its window. */
          GObject *w = g_list_model_get_item (toplevels, i);

          g_object_unref (w);
          if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
            {
              adw_message_dialog_response (ADW_MESSAGE_DIALOG (w), "discard");
              break;
            }
        }
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_false (window_open (app));
  g_test_message ("the window closed %.2f s after app.quit",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
check_quit_while_loading (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));

  /* 70,000 images: long enough to be mid-load when the quit comes. */
  lab_data_page_load_spec (page, "fashion-mnist");
  spin (50);
  quit_and_wait (app);
}

static void
check_quit_while_training (GtkApplication *app, GtkWindow *window)
{
  app_load_data (window, "spiral");
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "stop"));
  spin (300);
  quit_and_wait (app);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

/* The check in a child process: the exit itself is under test. */
static void
run_in_child (AppRunCheck check)
{
  if (g_test_subprocess ())
    {
      app_run (check);
      return;
    }
  {
    /* The child's autosave and settings go to a folder of its own: a run
     * that fails must not leave a recovery question for the next one. */
    g_autofree char *home = g_dir_make_tmp ("layerlab-app-faults-XXXXXX", NULL);
    static const char *const vars[] = { "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                        "XDG_CACHE_HOME" };

    g_assert_nonnull (home);
    for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
      g_setenv (vars[i], home, TRUE);
    g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    remove_tree (home);
  }
  g_test_trap_assert_passed ();
}

static void
test_quit_while_loading (void)
{
  run_in_child (check_quit_while_loading);
}

static void
test_quit_while_training (void)
{
  run_in_child (check_quit_while_training);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/faults/quit-while-loading", test_quit_while_loading);
  g_test_add_func ("/app/faults/quit-while-training", test_quit_while_training);
  return g_test_run ();
}
