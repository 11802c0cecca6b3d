/* test-interop.c — end to end: the window's Export as ONNX writes the
 * window's model (a file ONNX's protobuf reads back, with the model's
 * layers), a failed export says why in a dialog naming the file, and
 * Import ONNX turns the exported file back into the window's model as a new
 * unsaved project, as opening or dropping the file does. The window's
 * actions are there and enabled. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "app-run.h"
#include "lab-window-private.h"
#include "model-diagram-graph.h"
#include "onnx.pb-c.h"
#include "widget-png.h"

static void
on_graph_changed (LabModelPage *page, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Answers the unsaved-changes question with Discard as a click would and
 * waits until the dialog is hidden, so that the next question is a new
 * dialog. */
static void
discard_changes (void)
{
  g_autoptr (GtkWindow) dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  /* what clicking the button does: the response, then the dialog closes */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
  gtk_window_close (dialog);
  while (gtk_widget_get_visible (GTK_WIDGET (dialog)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
}

/* The imported model's cards, as the builder draws them, do not overlap. */
static void
assert_no_overlap (const nn_graph *graph)
{
  g_autoptr (LabDiagram) diagram = lab_diagram_new_for_graph (graph, NULL);

  for (guint i = 0; i < lab_diagram_n_nodes (diagram); i++)
    for (guint j = i + 1; j < lab_diagram_n_nodes (diagram); j++)
      {
        LabDiagramRect a, b;

        lab_diagram_node_rect (lab_diagram_get_node (diagram, i), &a);
        lab_diagram_node_rect (lab_diagram_get_node (diagram, j), &b);
        g_assert_false (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height &&
                        b.y < a.y + a.height);
      }
}

static void
check_export_import (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mlp.onnx", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *data = NULL;
  gsize length = 0;
  Onnx__ModelProto *model;
  int nodes, imported;
  gboolean changed = FALSE;
  gulong handler;

  for (const char *const *a =
         (const char *const[]){ "export-onnx", "export-pytorch", "import-onnx", NULL };
       *a != NULL; a++)
    {
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), *a));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), *a));
    }

  g_assert_true (lab_model_page_use_template (window->model_page, "tiny-mlp", NULL));
  nodes = nn_graph_n_nodes (lab_model_page_get_graph (window->model_page));
  g_assert_true (_lab_window_export_onnx_to (window, file));
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  model = onnx__model_proto__unpack (NULL, length, (const guint8 *) data);
  g_assert_nonnull (model);
  g_assert_cmpstr (model->graph->input[0]->name, ==, "input");
  g_assert_cmpstr (model->graph->output[0]->name, ==, "output");
  /* every layer but the Input is one ONNX node or more */
  g_assert_cmpint (model->graph->n_node, >=, nodes - 1);
  onnx__model_proto__free_unpacked (model, NULL);

  /* Import: the window is modified (a template was used), so it asks first. */
  handler =
    g_signal_connect (window->model_page, "graph-changed", G_CALLBACK (on_graph_changed), &changed);
  _lab_window_import_onnx_from (window, file);
  discard_changes ();
  g_assert_true (app_wait_for (&changed, 20000));
  imported = nn_graph_n_nodes (lab_model_page_get_graph (window->model_page));
  g_assert_cmpint (imported, >, 1);
  assert_no_overlap (lab_model_page_get_graph (window->model_page));
  g_assert_true (window->modified);
  g_assert_null (window->file);

  /* Opening or dropping an .onnx file imports it too (it is no dataset),
   * whatever the case of its name. */
  {
    g_autofree char *upper = g_build_filename (dir, "MLP.ONNX", NULL);
    g_autoptr (GFile) upper_file = g_file_new_for_path (upper);

    g_assert_cmpint (g_rename (path, upper), ==, 0);
    changed = FALSE;
    lab_window_open_file (window, upper_file);
    discard_changes ();
    g_assert_true (app_wait_for (&changed, 20000));
    g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (window->model_page)), ==,
                     imported);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->stack), ==, "model");
    /* for people: the imported model as the builder shows it */
    {
      g_autofree char *png = widget_png_output_path ("interop-imported.png");

      gtk_window_set_default_size (gtk_window, 1280, 800);
      g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 10000));
      g_assert_true (widget_png_save (GTK_WIDGET (window), png, NULL));
    }
    g_assert_cmpint (g_rename (upper, path), ==, 0);
  }
  g_signal_handler_disconnect (window->model_page, handler);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_export_import (void)
{
  app_run (check_export_import);
}

static void
check_export_error (GtkApplication *app, GtkWindow *gtk_window)
{
  LabWindow *window = LAB_WINDOW (gtk_window);
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent/folder/model.onnx");
  g_autofree char *body = NULL;
  GtkWindow *dialog;

  g_assert_true (lab_model_page_use_template (window->model_page, "tiny-mlp", NULL));
  g_assert_false (_lab_window_export_onnx_to (window, file));
  dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "model.onnx"));
  gtk_window_destroy (dialog);
}

static void
test_export_error (void)
{
  app_run (check_export_error);
}

int
main (int argc, char *argv[])
{
  /* Before GLib reads them: no autosave of another run is offered back,
   * and the user's recent list stays as it was. */
  app_private_home ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/interop/export-import-onnx", test_export_import);
  g_test_add_func ("/app/interop/export-error", test_export_error);
  return g_test_run ();
}
