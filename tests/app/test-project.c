/* test-project.c — end to end: a trained project saved from the real
 * window and opened again brings back the model, the data, the settings
 * and the curves; the title marks unsaved changes; New asks before
 * unsaved work is lost; unsaved work is autosaved and offered back after
 * a crash; Open Recent lists and opens saved projects; a GAN's two models
 * are saved and opened together; the data's cleaning is saved and redone.
 * The state and data folders are private to the run (XDG_STATE_HOME,
 * XDG_DATA_HOME) and the autosave interval is one second. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The Data page's cleaning is part of the project: reopening it cleans the
 * freshly loaded data the same way, in the same order. */
static void
check_preparation (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *csv =
    g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "data", "csv", "quality.csv", NULL);
  g_autofree char *spec = g_strconcat ("csv:", csv, NULL);
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cleaned.layerlab", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (nn_project) saved = NULL;
  g_autoptr (GError) error = NULL;
  nn_dataset *ds;

  g_signal_connect (window->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), NULL);
  lab_data_page_load_spec (window->data_page, spec);
  wait_for_data (window);
  g_assert_cmpint (lab_data_page_get_dataset (window->data_page)->n_samples, ==, 7);
  gtk_widget_activate_action (GTK_WIDGET (window->data_page), "data.impute", "s", "mean");
  gtk_widget_activate_action (GTK_WIDGET (window->data_page), "data.drop-duplicates", NULL);
  ds = lab_data_page_get_dataset (window->data_page);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  g_assert_cmpuint (lab_data_page_get_preparation (window->data_page)->len, ==, 2);
  g_assert_true (_lab_window_save_project (window, file));

  saved = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->preparation->len, ==, 2);
  g_assert_cmpint (g_array_index (saved->preparation, nn_prep_step, 0).kind, ==, NN_PREP_IMPUTE);
  g_assert_cmpint (g_array_index (saved->preparation, nn_prep_step, 0).how, ==, NN_IMPUTE_MEAN);
  g_assert_cmpint (g_array_index (saved->preparation, nn_prep_step, 1).kind, ==,
                   NN_PREP_DROP_DUPLICATES);

  /* New data forgets the cleaning of the old. */
  lab_data_page_load_spec (window->data_page, spec);
  wait_for_data (window);
  g_assert_cmpint (lab_data_page_get_dataset (window->data_page)->n_samples, ==, 7);
  g_assert_cmpuint (lab_data_page_get_preparation (window->data_page)->len, ==, 0);

  _lab_window_open_project (window, file);
  wait_for_data (window);
  ds = lab_data_page_get_dataset (window->data_page);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  g_assert_cmpint (ds->quality.duplicates, ==, 0);
  g_assert_cmpuint (lab_data_page_get_preparation (window->data_page)->len, ==, 2);
  g_assert_false (window->modified);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_preparation (void)
{
  app_run (check_preparation);
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
  /* the answer is acted on once the dialog has gone */
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)) > 0 &&
       g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, TRUE);
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

static gboolean
on_poll (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until path exists (or no longer does), 10 s at most. */
static gboolean
wait_file (const char *path, gboolean exists)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_file_test (path, G_FILE_TEST_EXISTS) != exists)
    {
      gboolean tick = FALSE;

      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_timeout_add (50, on_poll, &tick);
      while (!tick)
        g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static char *
autosave_path (const char *name)
{
  return g_build_filename (g_get_user_state_dir (), "layerlab", "autosave", name, NULL);
}

static void
check_autosave (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *name =
    g_strdup_printf ("%d-%u.layerlab", (int) getpid (),
                     gtk_application_window_get_id (GTK_APPLICATION_WINDOW (window)));
  g_autofree char *path = autosave_path (name);
  g_autofree char *pid_path = g_strndup (path, strlen (path) - strlen (".layerlab"));
  g_autofree char *pid_file = g_strconcat (pid_path, ".pid", NULL);
  g_autofree char *pid_text = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, "mlp.layerlab", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (saved);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) copy = NULL;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (lab_model_page_use_template (window->model_page, "mlp", NULL));
  g_assert_true (window->modified);
  /* The interval is one second here. */
  g_assert_true (wait_file (path, TRUE));
  copy = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_graph_n_nodes (copy->graph), ==,
                   nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)));
  /* Its owner is this process, so no other Layerlab offers it. */
  g_assert_true (g_file_get_contents (pid_file, &pid_text, NULL, NULL));
  g_assert_cmpint (atoi (pid_text), ==, getpid ());

  g_assert_true (_lab_window_save_project (window, file));
  g_assert_true (wait_file (path, FALSE));
  g_assert_false (g_file_test (pid_file, G_FILE_TEST_EXISTS));

  g_unlink (saved);
  g_rmdir (dir);
}

static void
test_autosave (void)
{
  app_run (check_autosave);
}

static char *owned_path;

static void
check_recovery (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *path = autosave_path ("999-1.layerlab");
  g_autofree char *body = NULL;
  GtkWindow *dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (dialog);
  g_object_get (dialog, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "Recover the unsaved project from"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "recover");

  /* The planted lenet came back, as an unsaved project. */
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), >, 6);
  g_assert_true (window->modified);
  g_assert_null (window->file);
  g_assert_nonnull (strstr (gtk_window_get_title (gtk_window), "Recovered Project"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* One whose owner still runs is left alone. */
  g_assert_true (g_file_test (owned_path, G_FILE_TEST_EXISTS));
}

/* Plants what a crashed Layerlab (a PID that cannot run) leaves, and one
 * that this running process owns. */
static void
test_recovery (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (nn_template_build ("lenet", NULL, &error));
  g_autofree char *dir = autosave_path (NULL);
  g_autofree char *path = autosave_path ("999-1.layerlab");
  g_autofree char *pid = autosave_path ("999-1.pid");
  g_autofree char *own_name = g_strdup_printf ("%d-99.layerlab", (int) getpid ());
  g_autofree char *own_pid_name = g_strdup_printf ("%d-99.pid", (int) getpid ());
  g_autofree char *own_pid = autosave_path (own_pid_name);
  g_autofree char *own_text = g_strdup_printf ("%d\n", (int) getpid ());

  g_assert_no_error (error);
  owned_path = autosave_path (own_name);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (nn_project_save (p, path, &error));
  g_assert_true (g_file_set_contents (pid, "2147483646\n", -1, NULL));
  g_assert_true (nn_project_save (p, owned_path, &error));
  g_assert_true (g_file_set_contents (own_pid, own_text, -1, NULL));

  app_run (check_recovery);

  g_assert_false (g_file_test (pid, G_FILE_TEST_EXISTS));
  g_unlink (owned_path);
  g_unlink (own_pid);
  g_clear_pointer (&owned_path, g_free);
}

static gboolean
recent_lists (LabWindow *window, const char *uri)
{
  GMenuModel *menu = G_MENU_MODEL (window->recent_section);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GVariant) target =
        g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET, NULL);

      if (target != NULL && g_str_equal (g_variant_get_string (target, NULL), uri))
        return TRUE;
    }
  return FALSE;
}

static void
check_open_recent (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "recent.layerlab", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *label = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int nodes;

  g_assert_true (lab_model_page_use_template (window->model_page, "tiny-mlp", NULL));
  nodes = nn_graph_n_nodes (lab_model_page_get_graph (window->model_page));
  g_assert_true (_lab_window_save_project (window, file));
  /* GTK adds to its list in the background. */
  while (!recent_lists (window, uri) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (recent_lists (window, uri));
  g_assert_true (g_menu_model_get_item_attribute (G_MENU_MODEL (window->recent_section), 0,
                                                  G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_true (g_str_has_prefix (label, "recent.layerlab — "));

  g_action_group_activate_action (G_ACTION_GROUP (window), "new", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-recent",
                                  g_variant_new_string (uri));
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, nodes);
  g_assert_true (g_file_equal (window->file, file));
  g_assert_false (window->modified);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_open_recent (void)
{
  app_run (check_open_recent);
}

static void
check_gan (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "gan.layerlab", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) saved = NULL;
  int gen_nodes, disc_nodes;

  g_assert_true (lab_model_page_use_template (window->model_page, "gan", &error));
  g_assert_no_error (error);
  g_assert_nonnull (lab_model_page_get_discriminator (window->model_page));
  gen_nodes = nn_graph_n_nodes (lab_model_page_get_graph (window->model_page));
  disc_nodes = nn_graph_n_nodes (lab_model_page_get_discriminator (window->model_page));
  g_assert_true (_lab_window_save_project (window, file));
  saved = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved->discriminator);
  g_assert_cmpint (saved->config.mode, ==, NN_MODE_GAN);

  g_action_group_activate_action (G_ACTION_GROUP (window), "new", NULL);
  g_assert_null (lab_model_page_get_discriminator (window->model_page));
  lab_window_open_file (window, file);
  g_assert_nonnull (lab_model_page_get_discriminator (window->model_page));
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==, gen_nodes);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_discriminator (window->model_page)), ==,
                   disc_nodes);
  g_assert_false (window->modified);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_gan (void)
{
  app_run (check_gan);
}

int
main (int argc, char *argv[])
{
  /* before GLib reads them: autosaves and the recent list stay private */
  app_private_home ();
  g_setenv ("LAYERLAB_AUTOSAVE_SECONDS", "1", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/project/round-trip", test_round_trip);
  g_test_add_func ("/app/project/unsaved-question", test_unsaved_question);
  g_test_add_func ("/app/project/bad-file", test_bad_file);
  g_test_add_func ("/app/project/autosave", test_autosave);
  g_test_add_func ("/app/project/recovery", test_recovery);
  g_test_add_func ("/app/project/open-recent", test_open_recent);
  g_test_add_func ("/app/project/gan", test_gan);
  g_test_add_func ("/app/project/preparation", test_preparation);
  return g_test_run ();
}
