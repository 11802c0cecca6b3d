/* test-model-page.c — end to end: build the seed CNN in the real window
 * the way a user does (drop an Input, add layers from the palette, edit
 * their parameters), and get exactly the template's model; undo and redo
 * every step; refuse a connection that would make a loop; refuse edits
 * while the model trains. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "app-run.h"
#include "lab-layer-palette.h"
#include "lab-model-canvas.h"
#include "lab-model-page.h"
#include "lab-property-editor.h"
#include "templates.h"
#include "widget-png.h"

typedef struct
{
  const char *kind;
  const char *param[2];
  double value[2];
} Step;

static const Step seed_cnn[] = {
  { "conv2d", { "filters", "kernel" }, { 32, 3 } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "conv2d", { "filters", "kernel" }, { 64, 3 } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "flatten" },
  { "dense", { "units" }, { 128 } },
  { "relu" },
  { "dense", { "units" }, { 10 } },
  { "softmax" },
};

static LabModelPage *
model_page (GtkWindow *window)
{
  GtkWidget *page = app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE);

  g_assert_nonnull (page);
  return LAB_MODEL_PAGE (page);
}

static void
build_by_hand (LabModelPage *page)
{
  GtkWidget *canvas = app_find_type (GTK_WIDGET (page), LAB_TYPE_MODEL_CANVAS);
  GtkWidget *palette = app_find_type (GTK_WIDGET (page), LAB_TYPE_LAYER_PALETTE);
  GtkWidget *properties = app_find_type (GTK_WIDGET (page), LAB_TYPE_PROPERTY_EDITOR);

  /* What dropping the Input from the palette onto the empty board reports. */
  g_signal_emit_by_name (canvas, "layer-dropped", "input", 0.0, 0.0, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (seed_cnn); i++)
    {
      /* Double-click in the palette: appended after the selected layer,
       * which becomes the new layer. */
      g_signal_emit_by_name (palette, "layer-activated", seed_cnn[i].kind);
      for (int p = 0; p < 2 && seed_cnn[i].param[p] != NULL; p++)
        g_signal_emit_by_name (properties, "param-changed", seed_cnn[i].param[p],
                               seed_cnn[i].value[p]);
    }
}

/* Same layers in the same chain with the same parameters. */
static void
assert_same_model (const nn_graph *a, const nn_graph *b)
{
  nn_graph_report ra = { 0 }, rb = { 0 };

  g_assert_cmpint (nn_graph_n_nodes (a), ==, nn_graph_n_nodes (b));
  g_assert_true (nn_graph_infer (a, &ra));
  g_assert_true (nn_graph_infer (b, &rb));
  g_assert_cmpuint (ra.total_params, ==, rb.total_params);
  for (int ia = ra.input_id, ib = rb.input_id; ia >= 0 && ib >= 0;)
    {
      const nn_node *na = nn_graph_lookup (a, ia), *nb = nn_graph_lookup (b, ib);
      int next_a = -1, next_b = -1;

      g_assert_cmpstr (na->desc.ops->id, ==, nb->desc.ops->id);
      for (int p = 0; p < na->desc.ops->n_params; p++)
        g_assert_cmpfloat (na->desc.p[p], ==, nb->desc.p[p]);
      g_assert_cmpint (nn_graph_consumers (a, ia, &next_a, 1), ==,
                       nn_graph_consumers (b, ib, &next_b, 1));
      ia = next_a;
      ib = next_b;
    }
  nn_graph_report_clear (&ra);
  nn_graph_report_clear (&rb);
}

/* A label whose text contains `text`. */
static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
check_build_seed_cnn (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *page = model_page (window);
  g_autoptr (nn_graph) template = nn_template_build ("seed-cnn", NULL, NULL);
  g_autoptr (nn_graph) built = NULL;
  nn_graph_report report = { 0 };
  GtkWindow *summary;
  int undos = 0;

  build_by_hand (page);
  assert_same_model (lab_model_page_get_graph (page), template);
  nn_graph_infer (lab_model_page_get_graph (page), &report);
  g_assert_cmpuint (report.total_params, ==, 225034);
  nn_graph_report_clear (&report);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "model-seed-cnn.png");

  /* The summary lists every layer and the total. */
  gtk_widget_activate_action (GTK_WIDGET (page), "model.summary", NULL);
  summary = app_wait_for_window (ADW_TYPE_WINDOW);
  g_assert_nonnull (summary);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (summary), 5000));
  app_screenshot (GTK_WIDGET (summary), "model-summary.png");
  g_assert_nonnull (find_label (GTK_WIDGET (summary), "225,034"));
  g_assert_nonnull (find_label (GTK_WIDGET (summary), "conv2d1 (Conv2D)"));
  gtk_window_destroy (summary);

  /* Undo every step back to the empty board, then redo them all. */
  built = nn_graph_copy (lab_model_page_get_graph (page));
  while (nn_graph_n_nodes (lab_model_page_get_graph (page)) > 0 && undos < 100)
    {
      gtk_widget_activate_action (GTK_WIDGET (page), "model.undo", NULL);
      undos++;
    }
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (page)), ==, 0);
  for (int i = 0; i < undos; i++)
    gtk_widget_activate_action (GTK_WIDGET (page), "model.redo", NULL);
  assert_same_model (lab_model_page_get_graph (page), built);
}

static void
test_build_seed_cnn (void)
{
  app_run (check_build_seed_cnn);
}

static void
check_loop_refused (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *page = model_page (window);
  GtkWidget *canvas = app_find_type (GTK_WIDGET (page), LAB_TYPE_MODEL_CANVAS);
  const nn_graph *graph;
  guint64 revision;
  int first, last;

  g_assert_true (lab_model_page_use_template (page, "mlp", NULL));
  graph = lab_model_page_get_graph (page);
  revision = nn_graph_revision (graph);
  first = nn_graph_nth_node (graph, 1)->id;
  last = nn_graph_nth_node (graph, nn_graph_n_nodes (graph) - 1)->id;
  g_signal_emit_by_name (canvas, "connect-requested", last, first);
  g_assert_cmpuint (nn_graph_revision (lab_model_page_get_graph (page)), ==, revision);
}

static void
test_loop_refused (void)
{
  app_run (check_loop_refused);
}

static void
check_read_only (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *page = model_page (window);
  GtkWidget *palette = app_find_type (GTK_WIDGET (page), LAB_TYPE_LAYER_PALETTE);
  int n;

  g_assert_true (lab_model_page_use_template (page, "mlp", NULL));
  n = nn_graph_n_nodes (lab_model_page_get_graph (page));
  lab_model_page_set_read_only (page, TRUE);
  g_signal_emit_by_name (palette, "layer-activated", "dense");
  gtk_widget_activate_action (GTK_WIDGET (page), "model.undo", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (page)), ==, n);
  g_assert_false (lab_model_page_use_template (page, "lenet", NULL));
  lab_model_page_set_read_only (page, FALSE);
  g_signal_emit_by_name (palette, "layer-activated", "dense");
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (page)), ==, n + 1);
}

static void
test_read_only (void)
{
  app_run (check_read_only);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/model-page/build-seed-cnn", test_build_seed_cnn);
  g_test_add_func ("/app/model-page/loop-refused", test_loop_refused);
  g_test_add_func ("/app/model-page/read-only", test_read_only);
  return g_test_run ();
}
