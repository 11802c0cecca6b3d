/* test-onnx-import.c — nn_onnx_import: a good tiny model gives the right
 * layers, weights and numbers (PyTorch's, from make-fixtures.py); every
 * malformed fixture gives its own clear message; export → import gives
 * the same outputs. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "layer.h"

static nn_onnx_tensor *
load_fixture_tensor (const char *name)
{
  g_autofree char *path = test_fixture_path (name);
  GError *error = NULL;
  nn_onnx_tensor *t = nn_onnx_tensor_load (path, &error);

  g_assert_no_error (error);
  return t;
}

static void
test_good (void)
{
  g_autofree char *path = test_fixture_path ("onnx/good.onnx");
  g_autofree char *data = NULL;
  gsize length;
  GError *error = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (nn_onnx_tensor) x = load_fixture_tensor ("onnx/good-input.pb");
  g_autoptr (nn_onnx_tensor) want = load_fixture_tensor ("onnx/good-output.pb");
  g_autoptr (nn_onnx_tensor) y = NULL;
  static const char *const kinds[] = { "input",   "conv2d", "relu",   "maxpool2d",
                                       "flatten", "dense",  "softmax" };
  const nn_node *conv;
  gboolean found = FALSE;
  nn_onnx_io io;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  p = nn_onnx_import_data ((const guint8 *) data, length, "good.onnx", NULL, &io, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_graph_n_nodes (p->graph), ==, G_N_ELEMENTS (kinds));
  for (int i = 0; i < nn_graph_n_nodes (p->graph); i++)
    g_assert_cmpstr (nn_graph_nth_node (p->graph, i)->desc.ops->id, ==, kinds[i]);

  conv = nn_graph_lookup_name (p->graph, "conv1");
  g_assert_nonnull (conv);
  g_assert_cmpfloat (nn_layer_desc_get (&conv->desc, "filters"), ==, 2);
  g_assert_cmpfloat (nn_layer_desc_get (&conv->desc, "kernel"), ==, 3);
  g_assert_cmpint ((int) nn_layer_desc_get (&conv->desc, "padding"), ==, 1); /* same */
  for (guint i = 0; i < p->weights->len; i++)
    {
      const nn_project_tensor *t = p->weights->pdata[i];

      if (t->node_id == conv->id && g_str_equal (t->name, "weight"))
        {
          nn_shape want_shape = { 4, { 2, 1, 3, 3 } };
          g_assert_true (nn_shape_equal (&t->shape, &want_shape));
          found = TRUE;
        }
    }
  g_assert_true (found);
  /* the layout goes top to bottom */
  g_assert_cmpfloat (nn_graph_nth_node (p->graph, 0)->y, <, nn_graph_nth_node (p->graph, 6)->y);

  y = nn_onnx_run (p, &io, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (y->size, ==, want->size);
  for (gsize i = 0; i < y->size; i++)
    g_assert_cmpfloat_with_epsilon (y->data[i], want->data[i], 1e-5 + 1e-4 * fabs (want->data[i]));
  nn_onnx_io_clear (&io);
}

typedef struct
{
  const char *file;
  int code;
  const char *message;
} bad_case;

static const bad_case bad_cases[] = {
  { "truncated.onnx", NN_ERROR_DATA, "truncated.onnx: not an ONNX model, or a truncated" },
  { "wrong-type.onnx", NN_ERROR_UNSUPPORTED, "tensor 'conv.W' holds int32 values" },
  { "overflow-dims.onnx", NN_ERROR_DATA, "tensor 'fc.W': its dimensions are negative or overflow" },
  { "cyclic.onnx", NN_ERROR_DATA, "node 1 'relu1' (Relu): the graph has a cycle" },
  { "missing-initializer.onnx", NN_ERROR_DATA, "node 4 'fc' (Gemm): input 'fc.W' is not defined" },
  { "duplicate-initializer.onnx", NN_ERROR_DATA, "initializer 'fc.B' is defined a second time" },
  { "future-opset.onnx", NN_ERROR_UNSUPPORTED, "uses ONNX operator set 99" },
  { "unsupported-op.onnx", NN_ERROR_UNSUPPORTED,
    "unsupported-op.onnx: node 1 'conv3' (Celu): the operator Celu has no Layerlab layer" },
  { "unsupported-attribute.onnx", NN_ERROR_UNSUPPORTED,
    "node 0 'conv1' (Conv): attribute dilations is not supported" },
};

static void
test_bad (gconstpointer data)
{
  const bad_case *c = data;
  g_autofree char *name = g_strconcat ("onnx/", c->file, NULL);
  g_autofree char *path = test_fixture_path (name);
  g_autoptr (GError) error = NULL;
  nn_project *p = nn_onnx_import (path, &error);

  g_assert_null (p);
  g_assert_error (error, NN_ERROR, c->code);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, c->message);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nn_onnx_import ("/nonexistent/model.onnx", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
}

/* --- Export → import ---------------------------------------------------- */

static int
add (nn_graph *g, const char *kind, int from, const char *const *ids, const double *values)
{
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));

  for (int i = 0; ids && ids[i]; i++)
    g_assert_true (nn_graph_set_param (g, id, ids[i], values[i], NULL));
  if (from >= 0)
    g_assert_true (nn_graph_connect (g, from, id, -1, NULL));
  return id;
}

static nn_graph *
cnn_graph (void)
{
  nn_graph *g = nn_graph_new ();
  static const char *const in_ids[] = { "channels", "height", "width", NULL };
  static const char *const conv_ids[] = { "filters", "kernel", "stride", "padding", NULL };
  static const char *const pool_ids[] = { "size", NULL };
  static const char *const dense_ids[] = { "units", NULL };
  const double in[] = { 2, 8, 8 }, conv[] = { 4, 3, 1, 1 }, pool[] = { 2 }, dense[] = { 5 };
  int id;

  id = add (g, "input", -1, in_ids, in);
  id = add (g, "conv2d", id, conv_ids, conv);
  id = add (g, "batchnorm", id, NULL, NULL);
  id = add (g, "relu", id, NULL, NULL);
  id = add (g, "maxpool2d", id, pool_ids, pool);
  id = add (g, "flatten", id, NULL, NULL);
  id = add (g, "dense", id, dense_ids, dense);
  add (g, "softmax", id, NULL, NULL);
  return g;
}

static nn_graph *
rnn_graph (void)
{
  nn_graph *g = nn_graph_new ();
  static const char *const in_ids[] = { "channels", "height", "width", NULL };
  static const char *const rec_ids[] = { "units", "return_sequences", NULL };
  static const char *const dense_ids[] = { "units", NULL };
  const double in[] = { 0, 5, 3 }, seq[] = { 4, 1 }, last[] = { 6, 0 }, dense[] = { 2 };
  int id;

  id = add (g, "input", -1, in_ids, in);
  id = add (g, "lstm", id, rec_ids, seq);
  id = add (g, "gru", id, rec_ids, last);
  id = add (g, "dense", id, dense_ids, dense);
  add (g, "tanh", id, NULL, NULL);
  return g;
}

static void
check_round_trip (nn_graph *graph)
{
  g_autoptr (nn_project) p = nn_project_new (graph);
  g_autoptr (nn_project) back = NULL;
  g_autoptr (nn_model) m = NULL, m2 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree float *x = NULL;
  GError *error = NULL;
  gsize length, in_size;
  gsize n_state;
  float *state;
  nn_rng rng;
  const int batch = 3;

  m = nn_model_compile (p->graph, batch, 42, &error);
  g_assert_no_error (error);
  /* running statistics other than 0 and 1, so BatchNorm's are tested */
  state = nn_model_state (m, &n_state);
  for (gsize i = 0; i < n_state; i++)
    state[i] = 0.5f + 0.1f * (float) (i % 7);
  nn_project_take_weights (p, m);

  data = nn_onnx_export_to_data (p, &length, &error);
  g_assert_no_error (error);
  back = nn_onnx_import_data (data, length, "exported.onnx", NULL, NULL, &error);
  g_assert_no_error (error);
  m2 = nn_model_compile (back->graph, batch, 1, &error);
  g_assert_no_error (error);
  g_assert_true (nn_project_apply_weights (back, m2, &error));
  g_assert_no_error (error);

  in_size = nn_model_input_size (m);
  g_assert_cmpuint (nn_model_input_size (m2), ==, in_size);
  g_assert_cmpuint (nn_model_output_size (m2), ==, nn_model_output_size (m));
  x = g_new (float, in_size *batch);
  nn_rng_seed (&rng, 3, 0);
  for (gsize i = 0; i < in_size * batch; i++)
    x[i] = nn_rng_uniform (&rng) * 2.0f - 1.0f;
  nn_model_forward (m, x, batch, FALSE, NULL);
  nn_model_forward (m2, x, batch, FALSE, NULL);
  for (gsize i = 0; i < nn_model_output_size (m) * batch; i++)
    g_assert_cmpfloat (nn_model_output (m)[i], ==, nn_model_output (m2)[i]);
}

static void
test_round_trip_cnn (void)
{
  check_round_trip (cnn_graph ());
}

static void
test_round_trip_rnn (void)
{
  check_round_trip (rnn_graph ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/onnx-import/good-model", test_good);
  g_test_add_func ("/io/onnx-import/missing-file", test_missing_file);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strndup (bad_cases[i].file, strlen (bad_cases[i].file) - 5);
      g_autofree char *path = g_strconcat ("/io/onnx-import/", name, NULL);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/io/onnx-import/export-round-trip/cnn", test_round_trip_cnn);
  g_test_add_func ("/io/onnx-import/export-round-trip/rnn", test_round_trip_rnn);
  return g_test_run ();
}
