/* test-data-page.c — end to end: the Data tab of the real window loads a
 * built-in set off the main thread, shows its samples, class balance and
 * quality report, cleans a table, and answers a broken file with a dialog. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "app-run.h"
#include "lab-class-balance.h"
#include "lab-data-page.h"
#include "lab-sample-gallery.h"
#include "widget-png.h"

static gboolean changed;

static void
on_dataset_changed (LabDataPage *page, gpointer user_data)
{
  changed = TRUE;
}

static LabDataPage *
show_data_page (GtkWindow *window)
{
  LabDataPage *page = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));

  g_assert_nonnull (page);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("data"));
  g_signal_connect (page, "dataset-changed", G_CALLBACK (on_dataset_changed), NULL);
  changed = FALSE;
  return page;
}

static void
check_builtin (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = show_data_page (window);
  GtkWidget *gallery = app_find_type (GTK_WIDGET (page), LAB_TYPE_SAMPLE_GALLERY);
  nn_dataset *ds;

  /* The same action a click on the row activates. */
  gtk_widget_activate_action (GTK_WIDGET (page), "data.use-builtin", "s", "spiral");
  g_assert_true (app_wait_for (&changed, 20000));
  ds = lab_data_page_get_dataset (page);
  g_assert_nonnull (ds);
  g_assert_cmpstr (ds->spec, ==, "spiral");
  g_assert_cmpint (lab_sample_gallery_get_n_shown (LAB_SAMPLE_GALLERY (gallery)), ==,
                   ds->n_samples);
  g_assert_true (gtk_widget_get_mapped (app_find_type (GTK_WIDGET (page), LAB_TYPE_CLASS_BALANCE)));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "data-spiral.png");
}

static void
test_builtin (void)
{
  app_run (check_builtin);
}

static void
check_fashion_mnist (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = show_data_page (window);
  GtkWidget *row = app_find_named (GTK_WIDGET (page), "fashion-mnist");

  if (!gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)))
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  g_signal_emit_by_name (row, "activate");
  g_assert_true (app_wait_for (&changed, 30000));
  g_assert_cmpint (lab_data_page_get_dataset (page)->n_samples, ==, 70000);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "data-fashion-mnist.png");
}

static void
test_fashion_mnist (void)
{
  app_run (check_fashion_mnist);
}

/* Cancelling a load is what the user asked for: no error dialog. */
static void
check_cancel (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = show_data_page (window);
  GtkWidget *row = app_find_named (GTK_WIDGET (page), "fashion-mnist");
  gboolean never = FALSE;

  if (!gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)))
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  g_signal_emit_by_name (row, "activate");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "data.cancel", NULL));
  app_wait_for (&never, 3000);
  g_assert_null (lab_data_page_get_dataset (page));
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    g_assert_false (ADW_IS_MESSAGE_DIALOG (l->data));
}

static void
test_cancel (void)
{
  app_run (check_cancel);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "data", name, NULL);
}

static void
check_bad_file (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = show_data_page (window);
  g_autofree char *path = fixture ("csv/ragged.csv");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;
  g_autofree char *body = NULL;

  lab_data_page_open_file (page, file);
  dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "ragged.csv"));
  g_assert_false (changed);
  g_assert_null (lab_data_page_get_dataset (page));
  gtk_window_destroy (dialog);
}

static void
test_bad_file (void)
{
  app_run (check_bad_file);
}

static void
check_cleaning (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *page = show_data_page (window);
  g_autofree char *path = fixture ("csv/quality.csv");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  nn_dataset *ds;

  lab_data_page_open_file (page, file);
  g_assert_true (app_wait_for (&changed, 20000));
  ds = lab_data_page_get_dataset (page);
  g_assert_cmpint (ds->quality.missing_values, >, 0);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "data-quality.png");

  changed = FALSE;
  gtk_widget_activate_action (GTK_WIDGET (page), "data.impute", "s", "mean");
  g_assert_true (changed);
  g_assert_cmpint (lab_data_page_get_dataset (page)->quality.missing_values, ==, 0);
  if (lab_data_page_get_dataset (page)->quality.duplicates > 0)
    {
      changed = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (page), "data.drop-duplicates", NULL);
      g_assert_true (changed);
      g_assert_cmpint (lab_data_page_get_dataset (page)->quality.duplicates, ==, 0);
    }
}

static void
test_cleaning (void)
{
  app_run (check_cleaning);
}

static void
test_spec_for_path (void)
{
  g_autofree char *csv = lab_data_page_spec_for_path ("/tmp/Iris.CSV");
  g_autofree char *idx = lab_data_page_spec_for_path ("/tmp/train-images-idx3-ubyte.gz");
  g_autofree char *txt = lab_data_page_spec_for_path ("/tmp/reviews.txt");

  g_assert_cmpstr (csv, ==, "csv:/tmp/Iris.CSV");
  g_assert_cmpstr (idx, ==, "idx:/tmp/train-images-idx3-ubyte.gz");
  g_assert_cmpstr (txt, ==, "text:/tmp/reviews.txt");
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/data-page/spec-for-path", test_spec_for_path);
  g_test_add_func ("/app/data-page/builtin", test_builtin);
  g_test_add_func ("/app/data-page/fashion-mnist", test_fashion_mnist);
  g_test_add_func ("/app/data-page/cancel", test_cancel);
  g_test_add_func ("/app/data-page/bad-file", test_bad_file);
  g_test_add_func ("/app/data-page/cleaning", test_cleaning);
  return g_test_run ();
}
