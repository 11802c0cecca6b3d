/* test-onnx-import.c — nn_onnx_import: a good tiny model gives the right
 * layers, weights and numbers (PyTorch's, from make-fixtures.py); every
 * malformed fixture gives its own clear message; export → import gives
 * the same outputs for every template and for GELU, Embedding and a fitted
 * normalisation (the chains the exporter writes); torch.onnx's GELU and
 * nn.Embedding import as those layers. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "layer.h"
#include "templates.h"

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
  /* square kernels and windows keep the width settings at their "as the
   * height" defaults, as the builder makes them, so cards do not list them */
  g_assert_cmpfloat (nn_layer_desc_get (&conv->desc, "kernel_width"), ==, 0);
  g_assert_cmpfloat (nn_layer_desc_get (&conv->desc, "stride_width"), ==, 0);
  g_assert_cmpfloat (nn_layer_desc_get (&conv->desc, "pad_width"), ==, -1);
  {
    const nn_node *pool = nn_graph_nth_node (p->graph, 3);

    g_assert_cmpfloat (nn_layer_desc_get (&pool->desc, "size_width"), ==, 0);
    g_assert_cmpfloat (nn_layer_desc_get (&pool->desc, "stride_width"), ==, 0);
    g_assert_cmpfloat (nn_layer_desc_get (&pool->desc, "pad_width"), ==, -1);
  }
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
  { "gemm-transa.onnx", NN_ERROR_UNSUPPORTED,
    "node 4 'fc' (Gemm): attribute transA=1 is not supported" },
  { "gelu-tanh.onnx", NN_ERROR_UNSUPPORTED,
    "GELU's tanh approximation (approximate='tanh') is not supported" },
  { "gelu-wrong-constant.onnx", NN_ERROR_UNSUPPORTED,
    "node 0 'div' (Div): Div is not supported: Layerlab reads it only inside GELU" },
  { "erf-alone.onnx", NN_ERROR_UNSUPPORTED,
    "node 0 'erf' (Erf): Erf is not supported: Layerlab reads it only inside GELU" },
  { "identity-only.onnx", NN_ERROR_UNSUPPORTED,
    "identity-only.onnx: the output 'y' is the input as it is: Layerlab models have at least "
    "one layer" },
  { "depth-to-space-channels.onnx", NN_ERROR_UNSUPPORTED,
    "PixelShuffle 'd2s': 6 channels cannot be shared out into 2×2 blocks" },
  { "depth-to-space-blocksize.onnx", NN_ERROR_UNSUPPORTED,
    "node 0 'd2s' (DepthToSpace): attribute blocksize is not supported" },
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

/* A graph with GELU on vectors and on images, the chain the exporter
 * writes through Erf. */
static nn_graph *
gelu_graph (void)
{
  nn_graph *g = nn_graph_new ();
  static const char *const in_ids[] = { "channels", "height", "width", NULL };
  static const char *const conv_ids[] = { "filters", "kernel", "padding", NULL };
  static const char *const dense_ids[] = { "units", NULL };
  const double in[] = { 1, 6, 6 }, conv[] = { 3, 3, 1 }, hidden[] = { 8 }, out[] = { 3 };
  int id;

  id = add (g, "input", -1, in_ids, in);
  id = add (g, "conv2d", id, conv_ids, conv);
  id = add (g, "gelu", id, NULL, NULL);
  id = add (g, "flatten", id, NULL, NULL);
  id = add (g, "dense", id, dense_ids, hidden);
  id = add (g, "gelu", id, NULL, NULL);
  add (g, "dense", id, dense_ids, out);
  return g;
}

/* Embedding straight from the token ids, then Dense on the sequence. */
static nn_graph *
embedding_graph (void)
{
  nn_graph *g = nn_graph_new ();
  static const char *const in_ids[] = { "channels", "height", "width", NULL };
  static const char *const emb_ids[] = { "input_dim", "output_dim", NULL };
  static const char *const dense_ids[] = { "units", NULL };
  const double in[] = { 1, 0, 7 }, emb[] = { 12, 5 }, dense[] = { 4 };
  int id;

  id = add (g, "input", -1, in_ids, in);
  id = add (g, "embedding", id, emb_ids, emb);
  id = add (g, "flatten", id, NULL, NULL);
  add (g, "dense", id, dense_ids, dense);
  return g;
}

static int
count_kind (const nn_graph *g, const char *kind)
{
  int n = 0;

  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    n += g_str_equal (nn_graph_nth_node (g, i)->desc.ops->id, kind);
  return n;
}

/* Random inputs: token ids (in the table, outside it, negative and not
 * whole) when the model starts with an Embedding, else values in −1…1. */
static float *
random_inputs (const nn_graph *g, gsize n)
{
  float *x = g_new (float, n);
  double vocab = 0;
  nn_rng rng;

  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    if (g_str_equal (nn_graph_nth_node (g, i)->desc.ops->id, "embedding"))
      vocab = nn_layer_desc_get (&nn_graph_nth_node (g, i)->desc, "input_dim");
  nn_rng_seed (&rng, 3, 0);
  for (gsize i = 0; i < n; i++)
    x[i] = vocab > 0 ? floorf (nn_rng_uniform (&rng) * (float) (vocab + 4)) - 2.0f +
                         (i % 5 == 0 ? 0.3f : 0.0f)
                     : nn_rng_uniform (&rng) * 2.0f - 1.0f;
  return x;
}

/* The input a model reads: the project's normalisation applied. */
static float *
prepared (const nn_project *p, const float *x, gsize in_size, int batch)
{
  float *y = g_memdup2 (x, sizeof (float) * in_size * batch);

  if (p->norm_size > 0)
    {
      g_assert_cmpuint ((gsize) p->norm_size, ==, in_size);
      for (int b = 0; b < batch; b++)
        for (gsize k = 0; k < in_size; k++)
          y[b * in_size + k] = (y[b * in_size + k] - p->norm_mean[k]) * p->norm_inv_std[k];
    }
  return y;
}

/* Exports p, imports the file and checks that both compute the same
 * outputs (max abs diff ≤ 1e-6) on random inputs, with the same layers
 * and the same normalisation. */
static void
check_round_trip_project (nn_project *p)
{
  static const char *const kinds[] = { "gelu",      "embedding",  "dense",  "lstm",
                                       "gru",       "simple_rnn", "conv2d", "conv2d_transpose",
                                       "batchnorm", "softmax" };
  g_autoptr (nn_project) back = NULL;
  g_autoptr (nn_model) m = NULL, m2 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree float *x = NULL, *x1 = NULL, *x2 = NULL;
  GError *error = NULL;
  gsize length, in_size;
  gsize n_state;
  float *state;
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
  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_assert_cmpint (count_kind (back->graph, kinds[k]), ==, count_kind (p->graph, kinds[k]));
  g_assert_cmpint (back->norm_size, ==, p->norm_size);
  if (p->norm_size > 0)
    {
      g_assert_cmpmem (back->norm_mean, sizeof (float) * p->norm_size, p->norm_mean,
                       sizeof (float) * p->norm_size);
      g_assert_cmpmem (back->norm_inv_std, sizeof (float) * p->norm_size, p->norm_inv_std,
                       sizeof (float) * p->norm_size);
    }
  m2 = nn_model_compile (back->graph, batch, 1, &error);
  g_assert_no_error (error);
  g_assert_true (nn_project_apply_weights (back, m2, &error));
  g_assert_no_error (error);

  in_size = nn_model_input_size (m);
  g_assert_cmpuint (nn_model_input_size (m2), ==, in_size);
  g_assert_cmpuint (nn_model_output_size (m2), ==, nn_model_output_size (m));
  x = random_inputs (p->graph, in_size * batch);
  x1 = prepared (p, x, in_size, batch);
  x2 = prepared (back, x, in_size, batch);
  nn_model_forward (m, x1, batch, FALSE, NULL);
  nn_model_forward (m2, x2, batch, FALSE, NULL);
  for (gsize i = 0; i < nn_model_output_size (m) * batch; i++)
    g_assert_cmpfloat (fabsf (nn_model_output (m)[i] - nn_model_output (m2)[i]), <=, 1e-6f);
}

static void
check_round_trip (nn_graph *graph)
{
  g_autoptr (nn_project) p = nn_project_new (graph);

  check_round_trip_project (p);
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

static void
test_round_trip_gelu (void)
{
  check_round_trip (gelu_graph ());
}

static void
test_round_trip_embedding (void)
{
  check_round_trip (embedding_graph ());
}

/* Every template as built without a dataset; a GAN's two models. */
static void
test_round_trip_template (gconstpointer data)
{
  const nn_template *t = data;
  GError *error = NULL;

  if (t->mode == NN_MODE_GAN)
    {
      nn_graph *generator = NULL, *discriminator = NULL;

      g_assert_true (nn_template_build_gan (t->id, NULL, &generator, &discriminator, &error));
      g_assert_no_error (error);
      check_round_trip (generator);
      check_round_trip (discriminator);
    }
  else
    {
      nn_graph *g = nn_template_build (t->id, NULL, &error);

      g_assert_no_error (error);
      check_round_trip (g);
    }
}

/* A project with a fitted normalisation: it becomes the exported file's
 * Sub and Mul, and importing gives the project's normalisation back; the
 * imported model run on the file's raw input gives the original's output. */
static void
test_round_trip_normalisation (void)
{
  const char *const ids[] = { "mlp", "lenet" };

  for (gsize t = 0; t < G_N_ELEMENTS (ids); t++)
    {
      GError *error = NULL;
      g_autoptr (nn_project) p = nn_project_new (nn_template_build (ids[t], NULL, &error));
      g_autoptr (nn_project) back = NULL;
      g_autoptr (nn_model) m = NULL;
      g_autoptr (nn_onnx_tensor) x = NULL, y = NULL;
      g_autofree guint8 *data = NULL;
      g_autofree float *mean = NULL, *inv_std = NULL, *x1 = NULL;
      const gint64 dims[] = { 2, 1, 28, 28 };
      const int n = 28 * 28;
      gsize length;
      nn_onnx_io io;
      nn_rng rng;

      g_assert_no_error (error);
      nn_rng_seed (&rng, 5, 0);
      mean = g_new (float, n);
      inv_std = g_new (float, n);
      for (int i = 0; i < n; i++)
        {
          mean[i] = nn_rng_uniform (&rng) - 0.5f;
          inv_std[i] = 0.5f + 2.0f * nn_rng_uniform (&rng);
        }
      nn_project_set_normalisation (p, mean, inv_std, n);
      check_round_trip_project (p);

      /* through the file's own layout, as `layerlab-cli onnx-test` runs it */
      data = nn_onnx_export_to_data (p, &length, &error);
      g_assert_no_error (error);
      back = nn_onnx_import_data (data, length, "exported.onnx", NULL, &io, &error);
      g_assert_no_error (error);
      x = nn_onnx_tensor_new ("input", 4, dims, &error);
      g_assert_no_error (error);
      for (gsize i = 0; i < x->size; i++)
        x->data[i] = nn_rng_uniform (&rng);
      y = nn_onnx_run (back, &io, x, &error);
      g_assert_no_error (error);
      m = nn_model_compile (p->graph, 2, 1, &error);
      g_assert_no_error (error);
      g_assert_true (nn_project_apply_weights (p, m, &error));
      x1 = prepared (p, x->data, n, 2);
      nn_model_forward (m, x1, 2, FALSE, NULL);
      g_assert_cmpuint (y->size, ==, nn_model_output_size (m) * 2);
      for (gsize i = 0; i < y->size; i++)
        g_assert_cmpfloat (fabsf (y->data[i] - nn_model_output (m)[i]), <=, 1e-6f);
      nn_onnx_io_clear (&io);
    }
}

/* torch.onnx's forms: GELU through Erf (opsets 13 and 17), nn.Embedding
 * as a Gather of a constant table by an int64 input, and (x − mean) / std
 * per channel before the first layer, which becomes the project's
 * normalisation (3 channels of 4×4), as does x + shift (4 features). */
static void
test_pytorch_forms (void)
{
  static const struct
  {
    const char *dir, *kind;
    int norm_size;
  } cases[] = {
    { "test_gelu", "gelu", 0 },
    { "test_gelu_opset17", "gelu", 0 },
    { "test_embedding", "embedding", 0 },
    { "test_normalise", "conv2d", 3 * 4 * 4 },
    { "test_shift", "dense", 4 },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *model = g_strdup_printf ("onnx/pytorch/%s/model.onnx", cases[c].dir);
      g_autofree char *in =
        g_strdup_printf ("onnx/pytorch/%s/test_data_set_0/input_0.pb", cases[c].dir);
      g_autofree char *out =
        g_strdup_printf ("onnx/pytorch/%s/test_data_set_0/output_0.pb", cases[c].dir);
      g_autofree char *path = test_fixture_path (model);
      g_autofree char *bytes = NULL;
      g_autoptr (nn_project) p = NULL;
      g_autoptr (nn_onnx_tensor) x = load_fixture_tensor (in);
      g_autoptr (nn_onnx_tensor) want = load_fixture_tensor (out);
      g_autoptr (nn_onnx_tensor) y = NULL;
      GError *error = NULL;
      gsize length;
      nn_onnx_io io;

      g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
      p = nn_onnx_import_data ((const guint8 *) bytes, length, "model.onnx", NULL, &io, &error);
      g_assert_no_error (error);
      g_assert_cmpint (count_kind (p->graph, cases[c].kind), ==, 1);
      g_assert_cmpint (p->norm_size, ==, cases[c].norm_size);
      y = nn_onnx_run (p, &io, x, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (y->size, ==, want->size);
      for (gsize i = 0; i < y->size; i++)
        g_assert_cmpfloat_with_epsilon (y->data[i], want->data[i],
                                        1e-5 + 1e-4 * fabs (want->data[i]));
      nn_onnx_io_clear (&io);
    }
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
  g_test_add_func ("/io/onnx-import/export-round-trip/gelu", test_round_trip_gelu);
  g_test_add_func ("/io/onnx-import/export-round-trip/embedding", test_round_trip_embedding);
  g_test_add_func ("/io/onnx-import/export-round-trip/normalisation",
                   test_round_trip_normalisation);
  {
    int n;
    const nn_template *t = nn_templates (&n);

    for (int i = 0; i < n; i++)
      {
        g_autofree char *path =
          g_strconcat ("/io/onnx-import/export-round-trip/template/", t[i].id, NULL);

        g_test_add_data_func (path, &t[i], test_round_trip_template);
      }
  }
  g_test_add_func ("/io/onnx-import/pytorch-forms", test_pytorch_forms);
  return g_test_run ();
}
