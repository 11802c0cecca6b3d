/* test-project.c — .layerlab files: a save/load round trip keeps the graph
 * and the weights bit for bit, and every broken file is refused with a
 * message naming the field (fixtures from tests/fixtures/project/make-fixtures.py). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"

/* seed-cnn (convolutions, pooling, a final Softmax) plus a branch-free
 * BatchNorm net, so both weights and state go through the file. */
static nn_graph *
batchnorm_graph (void)
{
  nn_graph *g = nn_graph_new ();
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int d1 = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  int bn = nn_graph_add_node (g, nn_layer_lookup ("batchnorm"));
  int act = nn_graph_add_node (g, nn_layer_lookup ("tanh"));
  int d2 = nn_graph_add_node (g, nn_layer_lookup ("dense"));

  g_assert_true (nn_graph_set_param (g, in, "height", 0, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 5, NULL));
  g_assert_true (nn_graph_set_param (g, d1, "units", 7, NULL));
  g_assert_true (nn_graph_set_param (g, bn, "momentum", 0.3, NULL));
  g_assert_true (nn_graph_set_param (g, d2, "units", 3, NULL));
  g_assert_true (nn_graph_set_param (g, d2, "use_bias", 0, NULL));
  g_assert_true (nn_graph_connect (g, in, d1, -1, NULL));
  g_assert_true (nn_graph_connect (g, d1, bn, -1, NULL));
  g_assert_true (nn_graph_connect (g, bn, act, -1, NULL));
  g_assert_true (nn_graph_connect (g, act, d2, -1, NULL));
  g_assert_true (nn_graph_set_init (g, d2, NN_INIT_GLOROT_NORMAL));
  g_assert_true (nn_graph_set_position (g, act, 12.5, -3.25));
  return g;
}

static void
assert_graphs_equal (const nn_graph *a, const nn_graph *b)
{
  g_assert_cmpint (nn_graph_n_nodes (a), ==, nn_graph_n_nodes (b));
  for (int i = 0; i < nn_graph_n_nodes (a); i++)
    {
      const nn_node *x = nn_graph_nth_node (a, i);
      const nn_node *y = nn_graph_nth_node (b, i);

      g_assert_cmpint (x->id, ==, y->id);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_true (x->desc.ops == y->desc.ops);
      g_assert_cmpmem (x->desc.p, sizeof x->desc.p, y->desc.p, sizeof y->desc.p);
      g_assert_cmpint (x->n_inputs, ==, y->n_inputs);
      g_assert_cmpmem (x->inputs, x->n_inputs * sizeof (int), y->inputs,
                       y->n_inputs * sizeof (int));
      g_assert_cmpfloat (x->x, ==, y->x);
      g_assert_cmpfloat (x->y, ==, y->y);
      g_assert_cmpint (x->init, ==, y->init);
    }
}

static void
assert_same_double (double a, double b)
{
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
}

static void
round_trip (nn_graph *graph)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (graph);
  g_autoptr (nn_project) q = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (nn_model) fresh = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-project-XXXXXX", &error);
  g_autofree char *path = NULL;
  nn_data_options opt = { .label = "species", .samples = 300, .noise = 0.25, .seed = 9 };
  nn_epoch_record r1 = { 0.7, 0.5, 0.69, 0.55, 1e-3, 0.125 };
  nn_epoch_record r2 = { 0.1 / 3, NAN, NAN, 1.0 / 3, 1e-4, 2.0 };
  float *w, *w2;
  gsize n, n2;

  g_assert_no_error (error);
  path = g_build_filename (dir, "model.layerlab", NULL);
  m = nn_model_compile (p->graph, 4, 3, &error);
  g_assert_no_error (error);
  /* Run forward in training mode once so BatchNorm state is not its initial value. */
  {
    g_autofree float *x = g_new0 (float, 4 * nn_model_input_size (m));
    nn_rng rng;

    nn_rng_seed (&rng, 1, 2);
    for (gsize i = 0; i < 4 * nn_model_input_size (m); i++)
      x[i] = nn_rng_normal (&rng);
    nn_model_forward (m, x, 4, TRUE, &rng);
  }
  nn_project_take_weights (p, m);
  nn_project_set_data (p, "csv:iris.csv", &opt);
  {
    const float mean[3] = { 1.0f / 3, -2.5f, 1e-30f }, inv_std[3] = { 0.1f, 7.0f, 1e30f };

    nn_project_set_normalisation (p, mean, inv_std, 3);
  }
  p->config.lr = 0.05;
  p->config.optimizer = NN_OPTIMIZER_SGD;
  p->config.momentum = 0.9;
  p->config.nesterov = TRUE;
  p->config.seed = G_GUINT64_CONSTANT (0x8000000000000005);
  g_array_append_val (p->history, r1);
  g_array_append_val (p->history, r2);

  g_assert_true (nn_project_save (p, path, &error));
  g_assert_no_error (error);
  q = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);

  assert_graphs_equal (p->graph, q->graph);
  g_assert_cmpstr (q->data_spec, ==, "csv:iris.csv");
  g_assert_cmpstr (q->data_options.label, ==, "species");
  g_assert_cmpint (q->data_options.samples, ==, 300);
  g_assert_cmpfloat (q->data_options.noise, ==, 0.25);
  g_assert_cmpuint (q->data_options.seed, ==, 9);
  g_assert_cmpmem (&p->config, sizeof p->config, &q->config, sizeof q->config);
  g_assert_cmpint (q->norm_size, ==, 3);
  g_assert_cmpmem (p->norm_mean, 3 * sizeof (float), q->norm_mean, 3 * sizeof (float));
  g_assert_cmpmem (p->norm_inv_std, 3 * sizeof (float), q->norm_inv_std, 3 * sizeof (float));
  g_assert_cmpuint (q->history->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      nn_epoch_record *a = &g_array_index (p->history, nn_epoch_record, i);
      nn_epoch_record *b = &g_array_index (q->history, nn_epoch_record, i);

      assert_same_double (a->loss, b->loss);
      assert_same_double (a->accuracy, b->accuracy);
      assert_same_double (a->val_loss, b->val_loss);
      assert_same_double (a->val_accuracy, b->val_accuracy);
      assert_same_double (a->lr, b->lr);
      assert_same_double (a->seconds, b->seconds);
    }

  /* A model compiled with another seed, given the saved weights, is the
   * trained one again, bit for bit. */
  fresh = nn_model_compile (q->graph, 2, 12345, &error);
  g_assert_no_error (error);
  g_assert_true (nn_project_apply_weights (q, fresh, &error));
  g_assert_no_error (error);
  w = nn_model_weights (m, &n);
  w2 = nn_model_weights (fresh, &n2);
  g_assert_cmpuint (n, ==, n2);
  g_assert_cmpmem (w, n * sizeof (float), w2, n2 * sizeof (float));
  w = nn_model_state (m, &n);
  w2 = nn_model_state (fresh, &n2);
  g_assert_cmpuint (n, ==, n2);
  if (n > 0)
    g_assert_cmpmem (w, n * sizeof (float), w2, n2 * sizeof (float));

  /* Saving over the file replaces it and leaves no temporary file behind. */
  g_assert_true (nn_project_save (q, path, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    int files = 0;

    while (g_dir_read_name (d) != NULL)
      files++;
    g_assert_cmpint (files, ==, 1);
  }
  g_remove (path);
  g_rmdir (dir);
}

static void
test_round_trip_cnn (void)
{
  g_autoptr (GError) error = NULL;
  nn_graph *g = nn_template_build ("seed-cnn", NULL, &error);

  g_assert_no_error (error);
  round_trip (g);
}

static void
test_round_trip_state (void)
{
  round_trip (batchnorm_graph ());
}

static void
test_good_fixture (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("project/good.layerlab");
  g_autoptr (nn_project) p = nn_project_load (path, &error);
  const nn_node *dense2;
  const nn_project_tensor *t;
  nn_epoch_record *r;

  g_assert_no_error (error);
  g_assert_cmpint (nn_graph_n_nodes (p->graph), ==, 4);
  dense2 = nn_graph_lookup_name (p->graph, "dense2");
  g_assert_nonnull (dense2);
  g_assert_cmpfloat (nn_layer_desc_get (&dense2->desc, "units"), ==, 2);
  /* Left out of the file: the default. */
  g_assert_cmpfloat (nn_layer_desc_get (&dense2->desc, "use_bias"), ==, 1);
  g_assert_cmpint (dense2->inputs[0], ==, 2);
  g_assert_cmpstr (p->data_spec, ==, "xor");
  g_assert_null (p->data_options.label);
  g_assert_cmpint (p->config.batch, ==, 16);
  g_assert_cmpuint (p->config.seed, ==, 7);
  g_assert_cmpuint (p->history->len, ==, 2);
  r = &g_array_index (p->history, nn_epoch_record, 1);
  g_assert_cmpfloat (r->accuracy, ==, 0.75);
  g_assert_true (isnan (r->val_loss));
  g_assert_cmpint (p->norm_size, ==, 2);
  g_assert_cmpfloat (p->norm_mean[1], ==, -0.25f);
  g_assert_cmpfloat (p->norm_inv_std[0], ==, 2.0f);
  g_assert_cmpuint (p->weights->len, ==, 4);
  t = g_ptr_array_index (p->weights, 0);
  g_assert_cmpint (t->node_id, ==, 1);
  g_assert_cmpstr (t->name, ==, "weight");
  g_assert_cmpfloat (t->data[0], ==, 0.5f);
  g_assert_cmpfloat (t->data[1], ==, -0.25f);
  g_assert_cmpfloat (t->data[5], ==, 0.125f);
}

/* Weights saved for one graph do not go into another. */
static void
test_apply_mismatch (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("project/good.layerlab");
  g_autoptr (nn_project) p = nn_project_load (path, &error);
  g_autoptr (nn_model) m = NULL;
  g_autofree float *before = NULL;
  float *w;
  gsize n;

  g_assert_no_error (error);
  g_assert_true (nn_graph_set_param (p->graph, 1, "units", 4, NULL));
  m = nn_model_compile (p->graph, 1, 0, &error);
  g_assert_no_error (error);
  w = nn_model_weights (m, &n);
  before = g_memdup2 (w, n * sizeof (float));
  g_assert_false (nn_project_apply_weights (p, m, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "dense1"));
  g_assert_cmpmem (before, n * sizeof (float), w, n * sizeof (float));
}

static void
test_save_unwritable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (batchnorm_graph ());

  g_assert_false (nn_project_save (p, "/nonexistent-layerlab/dir/x.layerlab", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "x.layerlab"));
}

typedef struct
{
  const char *file;
  int code;
  const char *message; /* a part of the message that must appear */
} bad_case;

static const bad_case bad_cases[] = {
  { "wrong-format", NN_ERROR_DATA, "wrong-format.layerlab: not a Layerlab project" },
  { "newer-version", NN_ERROR_UNSUPPORTED, "file version 2" },
  { "missing-graph", NN_ERROR_DATA, ": graph: missing" },
  { "missing-kind", NN_ERROR_DATA, "graph.nodes[1].kind: missing" },
  { "unknown-kind", NN_ERROR_DATA, "graph.nodes[2].kind: unknown layer kind “transformer”" },
  { "param-out-of-range", NN_ERROR_DATA,
    "graph.nodes[1].params.units: expected a whole number between 1 and" },
  { "param-wrong-type", NN_ERROR_DATA, "graph.nodes[1].params.units: expected a whole number" },
  { "unknown-param", NN_ERROR_DATA, "graph.nodes[1].params.kernel: " },
  { "bad-input", NN_ERROR_DATA, "graph.nodes[3].inputs[0]: no node has the id 9" },
  { "duplicate-id", NN_ERROR_DATA, "graph.nodes[3]: " },
  { "weight-shape", NN_ERROR_DATA, "weights[0]: “weight” of" },
  { "bad-base64", NN_ERROR_DATA, "weights[1].data: not valid base64" },
  { "short-weights", NN_ERROR_DATA, "weights[2].data: expected 6 values" },
  { "missing-weight", NN_ERROR_DATA, "weights: missing “bias”" },
  { "weight-unknown-node", NN_ERROR_DATA, "weights[0]: " },
  { "history-length", NN_ERROR_DATA, "history.accuracy: expected 3 values" },
  { "normalisation-size", NN_ERROR_DATA, "normalisation.mean: expected 3 values" },
  { "bad-optimizer", NN_ERROR_DATA, "training.optimizer: " },
  { "missing-training-field", NN_ERROR_DATA, "training.batch: missing" },
  { "truncated", NN_ERROR_DATA, "truncated.layerlab: not a Layerlab project: broken JSON at line" },
  { "not-json", NN_ERROR_DATA, "not-json.layerlab: not a Layerlab project: broken JSON at line 1" },
  { "empty", NN_ERROR_DATA, "empty.layerlab: the file is empty" },
};

static void
test_bad (gconstpointer data)
{
  const bad_case *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("project/%s.layerlab", c->file);
  g_autofree char *path = test_fixture_path (name);
  g_autoptr (nn_project) p = nn_project_load (path, &error);

  g_assert_null (p);
  g_assert_error (error, NN_ERROR, c->code);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->message);
  /* One line: the CLI prints it as is. */
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_load ("/nonexistent-layerlab/none.layerlab", &error);

  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "none.layerlab"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/round-trip/seed-cnn", test_round_trip_cnn);
  g_test_add_func ("/io/project/round-trip/batchnorm-state", test_round_trip_state);
  g_test_add_func ("/io/project/good-fixture", test_good_fixture);
  g_test_add_func ("/io/project/apply-mismatch", test_apply_mismatch);
  g_test_add_func ("/io/project/save-unwritable", test_save_unwritable);
  g_test_add_func ("/io/project/missing-file", test_missing_file);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *test = g_strdup_printf ("/io/project/bad/%s", bad_cases[i].file);

      g_test_add_data_func (test, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
