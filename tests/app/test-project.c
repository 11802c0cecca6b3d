/* test-project.c — end to end: a trained project saved from the real
 * window and opened again brings back the model, the data, the settings
 * and the curves; the title marks unsaved changes; New asks before
 * unsaved work is lost. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "app-run.h"
#include "lab-window-private.h"

static gboolean changed;

static void
on_dataset_changed (LabDataPage *page, gpointer user_data)
{
  changed = TRUE;
}

static void
wait_for_data (LabWindow *window)
{
  changed = FALSE;
  g_assert_true (app_wait_for (&changed, 20000));
}

static void
check_round_trip (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "xor.layerlab", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  int nodes;
  guint epochs;

  g_signal_connect (window->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), NULL);
  lab_data_page_load_spec (window->data_page, "xor");
  wait_for_data (window);
  g_assert_true (window->modified);
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (app_wait_action (gtk_window, "stop", FALSE, 120000));
  epochs = window->history->len;
  g_assert_cmpuint (epochs, >, 0);
  nodes = nn_graph_n_nodes (lab_model_page_get_graph (window->model_page));

  g_assert_true (_lab_window_save_project (window, file));
  g_assert_false (window->modified);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* New: nothing unsaved, so no question. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "new", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, 0);
  g_assert_null (window->file);

  /* As `layerlab FILE.layerlab` and dropping the file do. */
  lab_window_open_file (window, file);
  wait_for_data (window);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, nodes);
  g_assert_cmpuint (window->history->len, ==, epochs);
  g_assert_cmpstr (lab_data_page_get_dataset (window->data_page)->spec, ==, "xor");
  g_assert_false (window->modified);
  g_assert_true (g_file_equal (window->file, file));
  /* The trained weights come back, and training would go on from them. */
  g_assert_nonnull (_lab_window_resume_weights (window));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_round_trip (void)
{
  app_run (check_round_trip);
}

static void
check_unsaved_question (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  GtkWindow *dialog;

  g_assert_true (lab_model_page_use_template (window->model_page, "mlp", NULL));
  g_assert_true (window->modified);
  g_action_group_activate_action (G_ACTION_GROUP (window), "new", NULL);
  dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  /* Nothing is lost before the user answers. */
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), >, 0);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, 0);
  g_assert_false (window->modified);
}

static void
test_unsaved_question (void)
{
  app_run (check_unsaved_question);
}

static void
check_bad_file (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *path =
    g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "data", "csv", "binary.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;
  g_autofree char *body = NULL;

  _lab_window_open_project (window, file);
  dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "binary.csv"));
  gtk_window_destroy (dialog);
}

static void
test_bad_file (void)
{
  app_run (check_bad_file);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/project/round-trip", test_round_trip);
  g_test_add_func ("/app/project/unsaved-question", test_unsaved_question);
  g_test_add_func ("/app/project/bad-file", test_bad_file);
  return g_test_run ();
}
