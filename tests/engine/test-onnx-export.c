/* test-onnx-export.c — ONNX export: small graphs of every layer kind are
 * exported, read back with protobuf-c and checked node by node (operators,
 * attributes, initializer shapes and values, the graph's input and output).
 * When Debian's python3-onnx is installed every file also goes through
 * onnx.checker.check_model(full_check=True), which runs ONNX's shape
 * inference over the whole graph. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/onnx-export.h"
#include "io/project.h"
#include "onnx.pb-c.h"

/* --- Building graphs -------------------------------------------------- */

/* Adds a node of kind with "name=value" parameters, fed by the nodes in
 * inputs (-1 terminated). */
static int
add (nn_graph *g, const char *kind, const char *params, const int *inputs)
{
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));
  g_auto (GStrv) pairs = g_strsplit (params, " ", -1);

  g_assert_cmpint (id, >=, 0);
  for (int i = 0; pairs[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (pairs[i], "=", 2);
      g_autoptr (GError) error = NULL;

      if (kv[0][0] == '\0')
        continue;
      nn_graph_set_param (g, id, kv[0], g_ascii_strtod (kv[1], NULL), &error);
      g_assert_no_error (error);
    }
  for (int i = 0; inputs != NULL && inputs[i] >= 0; i++)
    g_assert_true (nn_graph_connect (g, inputs[i], id, -1, NULL));
  return id;
}

/* A chain: the Input (its params) then each "kind params" in turn. */
static nn_graph *
chain (const char *input, ...)
{
  nn_graph *g = nn_graph_new ();
  int prev = add (g, "input", input, NULL);
  const char *layer;
  va_list args;

  va_start (args, input);
  while ((layer = va_arg (args, const char *)) != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (layer, " ", 2);
      const int in[] = { prev, -1 };

      prev = add (g, parts[0], parts[1] != NULL ? parts[1] : "", in);
    }
  va_end (args);
  return g;
}

/* --- Reading back ----------------------------------------------------- */

typedef struct
{
  guint8 *data;
  gsize length;
  Onnx__ModelProto *model;
  char *path;
} exported;

static void
exported_free (exported *e)
{
  if (e->model != NULL)
    onnx__model_proto__free_unpacked (e->model, NULL);
  g_free (e->path);
  g_free (e->data);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (exported, exported_free)

/* Every file exported by the tests before it, for /io/onnx-export/checker. */
static GPtrArray *exported_paths;

/* onnx.checker.check_model (full_check) over every exported file in one
 * Python process (importing onnx takes a second); skipped without
 * python3-onnx. */
static void
test_checker (void)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;
  const char *probe[] = { "/usr/bin/python3", "-c", "import onnx", NULL };

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ||
      !g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("python3-onnx is not installed");
      return;
    }
  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, "import sys, onnx\n"
                         "for path in sys.argv[1:]:\n"
                         "    onnx.checker.check_model(onnx.load(path), full_check=True)\n");
  g_assert_cmpuint (exported_paths->len, >, 0);
  for (guint i = 0; i < exported_paths->len; i++)
    g_ptr_array_add (argv, exported_paths->pdata[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("onnx.checker: %s", err);
      g_test_fail ();
    }
}

static exported *
export_project (const nn_project *p)
{
  exported *e = g_new0 (exported, 1);
  g_autoptr (GError) error = NULL;
  int fd;

  fd = g_file_open_tmp ("layerlab-XXXXXX.onnx", &e->path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (nn_onnx_export (p, e->path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (e->path, (char **) &e->data, &e->length, &error));
  e->model = onnx__model_proto__unpack (NULL, e->length, e->data);
  g_assert_nonnull (e->model);
  g_assert_nonnull (e->model->graph);
  g_ptr_array_add (exported_paths, g_strdup (e->path));
  return e;
}

static exported *
export_graph (nn_graph *g)
{
  g_autoptr (nn_project) p = nn_project_new (g);

  return export_project (p);
}

/* The operators in order, joined by spaces. */
static char *
op_list (const exported *e)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < e->model->graph->n_node; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " " : "", e->model->graph->node[i]->op_type);
  return g_string_free (s, FALSE);
}

static const Onnx__TensorProto *
initializer (const exported *e, const char *name)
{
  for (gsize i = 0; i < e->model->graph->n_initializer; i++)
    if (g_str_equal (e->model->graph->initializer[i]->name, name))
      return e->model->graph->initializer[i];
  g_test_message ("no initializer %s", name);
  g_assert_not_reached ();
}

/* Checks an initializer's dims (n of them) and its byte count. */
static void
assert_dims (const Onnx__TensorProto *t, int n, const gint64 *dims, gsize elem)
{
  gsize count = 1;

  g_assert_cmpint (t->n_dims, ==, n);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpint (t->dims[i], ==, dims[i]);
      count *= dims[i];
    }
  g_assert_true (t->has_raw_data);
  g_assert_cmpuint (t->raw_data.len, ==, count * elem);
}

static const Onnx__NodeProto *
node_named (const exported *e, const char *name)
{
  for (gsize i = 0; i < e->model->graph->n_node; i++)
    if (g_str_equal (e->model->graph->node[i]->name, name))
      return e->model->graph->node[i];
  g_test_message ("no node %s", name);
  g_assert_not_reached ();
}

static const Onnx__AttributeProto *
attribute (const Onnx__NodeProto *n, const char *name)
{
  for (gsize i = 0; i < n->n_attribute; i++)
    if (g_str_equal (n->attribute[i]->name, name))
      return n->attribute[i];
  return NULL;
}

static void
assert_ints (const Onnx__NodeProto *n, const char *name, int count, const gint64 *values)
{
  const Onnx__AttributeProto *a = attribute (n, name);

  g_assert_nonnull (a);
  g_assert_cmpint (a->n_ints, ==, count);
  g_assert_cmpmem (a->ints, sizeof (gint64) * count, values, sizeof (gint64) * count);
}

/* The floats of the model weight `name` of node `layer`, from a model
 * compiled as the exporter compiles an untrained project. */
static float *
model_weight (const nn_graph *g, const char *layer, const char *name, gsize *n)
{
  g_autoptr (nn_model) m = nn_model_compile (g, 1, 0, NULL);
  int n_ranges;
  const nn_weight_range *r = nn_model_weight_ranges (m, &n_ranges);
  const float *w = nn_model_weights (m, NULL);

  for (int i = 0; i < n_ranges; i++)
    if (g_str_equal (r[i].node_name, layer) && g_str_equal (r[i].info.name, name))
      {
        *n = r[i].size;
        return g_memdup2 (w + r[i].offset, sizeof (float) * r[i].size);
      }
  g_assert_not_reached ();
}

/* --- Tests ------------------------------------------------------------ */

static void
test_mlp (void)
{
  g_autoptr (nn_graph) g = chain ("height=0 width=4", "dense units=3", "relu",
                                  "dense units=2 use_bias=0", "softmax", NULL);
  g_autoptr (exported) e = export_graph (nn_graph_copy (g));
  const Onnx__GraphProto *graph = e->model->graph;
  const Onnx__TypeProto__Tensor *in, *out;
  g_autofree char *ops = op_list (e);
  g_autofree float *w = NULL;
  gsize n;
  const gint64 w1[] = { 3, 4 }, b1[] = { 3 }, w2[] = { 2, 3 };

  g_assert_cmpint (e->model->ir_version, ==, 7);
  g_assert_cmpint (e->model->n_opset_import, ==, 1);
  g_assert_cmpint (e->model->opset_import[0]->version, ==, 13);
  g_assert_cmpstr (ops, ==, "Gemm Relu Gemm Softmax");

  g_assert_cmpint (graph->n_input, ==, 1);
  g_assert_cmpstr (graph->input[0]->name, ==, "input");
  in = graph->input[0]->type->tensor_type;
  g_assert_cmpint (in->elem_type, ==, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
  g_assert_cmpint (in->shape->n_dim, ==, 2);
  g_assert_cmpstr (in->shape->dim[0]->dim_param, ==, "N");
  g_assert_cmpint (in->shape->dim[1]->dim_value, ==, 4);
  g_assert_cmpstr (graph->output[0]->name, ==, "output");
  out = graph->output[0]->type->tensor_type;
  g_assert_cmpint (out->shape->dim[1]->dim_value, ==, 2);
  g_assert_cmpstr (graph->node[3]->output[0], ==, "output");

  assert_dims (initializer (e, "dense1.weight"), 2, w1, 4);
  assert_dims (initializer (e, "dense1.bias"), 1, b1, 4);
  assert_dims (initializer (e, "dense2.weight"), 2, w2, 4);
  g_assert_cmpint (attribute (graph->node[0], "transB")->i, ==, 1);
  /* without a bias Gemm has no C */
  g_assert_cmpint (graph->node[2]->n_input, ==, 2);
  g_assert_cmpint (attribute (graph->node[3], "axis")->i, ==, -1);

  /* the file is the document in memory, and exporting again gives the same bytes */
  {
    g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
    g_autoptr (GError) error = NULL;
    gsize length = 0;
    g_autofree guint8 *again = nn_onnx_export_to_data (p, &length, &error);

    g_assert_no_error (error);
    g_assert_cmpmem (again, length, e->data, e->length);
  }

  /* untrained: the weights a model compiled with the project's seed has */
  w = model_weight (g, "dense1", "weight", &n);
  g_assert_cmpmem (initializer (e, "dense1.weight")->raw_data.data, n * 4, w, n * 4);
}

/* Trained weights and BatchNorm's running statistics come from the project. */
static void
test_trained (void)
{
  g_autoptr (nn_graph) g = chain ("height=0 width=3", "dense units=2", "batchnorm eps=0.001", NULL);
  g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_model) m = nn_model_compile (g, 1, 7, NULL);
  g_autoptr (exported) e = NULL;
  gsize n, n_state;
  float *w = nn_model_weights (m, &n);
  float *state = nn_model_state (m, &n_state);
  const Onnx__NodeProto *bn;
  const float expect_var[] = { 2.5f, 3.5f };

  for (gsize i = 0; i < n; i++)
    w[i] = 0.25f * (float) i;
  for (gsize i = 0; i < n_state; i++)
    state[i] = 0.5f + (float) i;
  nn_project_take_weights (p, m);
  e = export_project (p);

  g_assert_cmpfloat (((const float *) initializer (e, "dense1.weight")->raw_data.data)[5], ==,
                     1.25f);
  g_assert_cmpmem (initializer (e, "batchnorm1.running_var")->raw_data.data, 8, expect_var, 8);
  bn = node_named (e, "batchnorm1");
  g_assert_cmpstr (bn->op_type, ==, "BatchNormalization");
  g_assert_cmpint (bn->n_input, ==, 5);
  g_assert_cmpfloat_with_epsilon (attribute (bn, "epsilon")->f, 0.001, 1e-9);
}

static void
test_conv (void)
{
  g_autoptr (exported) e = export_graph (
    chain ("channels=2 height=9 width=9", "conv2d filters=4 kernel=4 stride=2 padding=1",
           "maxpool2d size=2", "avgpool2d size=2 stride=1", "conv2d filters=3 kernel=1",
           "globalavgpool2d", "dense units=5", NULL));
  g_autofree char *ops = op_list (e);
  const Onnx__NodeProto *conv = node_named (e, "conv2d1");
  const gint64 w[] = { 4, 2, 4, 4 }, pads[] = { 1, 1, 2, 2 }, k[] = { 4, 4 }, s[] = { 2, 2 };
  const gint64 pool[] = { 2, 2 }, one[] = { 1, 1 };

  g_assert_cmpstr (ops, ==, "Conv MaxPool AveragePool Conv GlobalAveragePool Flatten Gemm");
  assert_dims (initializer (e, "conv2d1.weight"), 4, w, 4);
  /* same, stride 2 on 9: 5 outputs need (5 − 1)·2 + 4 − 9 = 3 pixels of padding */
  assert_ints (conv, "pads", 4, pads);
  assert_ints (conv, "kernel_shape", 2, k);
  assert_ints (conv, "strides", 2, s);
  g_assert_null (attribute (node_named (e, "conv2d2"), "pads"));
  assert_ints (node_named (e, "maxpool2d1"), "strides", 2, pool);
  assert_ints (node_named (e, "avgpool2d1"), "strides", 2, one);
}

static void
test_decoder (void)
{
  g_autoptr (exported) e = export_graph (
    chain ("channels=3 height=4 width=4", "conv2d_transpose filters=2 kernel=3 stride=2",
           "conv2d_transpose filters=2 kernel=1 stride=2", "upsampling2d size=3",
           "conv2d_transpose filters=1 kernel=3 stride=1 padding=0", NULL));
  g_autofree char *ops = op_list (e);
  const gint64 w[] = { 3, 2, 3, 3 }, pads[] = { 0, 0, 1, 1 }, extra[] = { 1, 1 };
  const gint64 scales_dims[] = { 4 };
  const Onnx__TensorProto *scales;
  const Onnx__NodeProto *resize = node_named (e, "upsampling2d1");

  g_assert_cmpstr (ops, ==, "ConvTranspose ConvTranspose Resize ConvTranspose");
  assert_dims (initializer (e, "conv2d_transpose1.weight"), 4, w, 4);
  /* same: the full 9×9 output cropped to 8×8, the odd pixel at the end */
  assert_ints (node_named (e, "conv2d_transpose1"), "pads", 4, pads);
  /* kernel 1, stride 2: 15 full pixels, one more of bias only */
  assert_ints (node_named (e, "conv2d_transpose2"), "output_padding", 2, extra);
  g_assert_null (attribute (node_named (e, "conv2d_transpose3"), "pads"));

  g_assert_cmpint (resize->n_input, ==, 3);
  g_assert_cmpstr (resize->input[1], ==, "");
  scales = initializer (e, resize->input[2]);
  assert_dims (scales, 1, scales_dims, 4);
  g_assert_cmpfloat (((const float *) scales->raw_data.data)[3], ==, 3.0f);
  g_assert_cmpmem (attribute (resize, "mode")->s.data, 7, "nearest", 7);
}

/* Resize2D: sizes from the input's own batch and channels (the batch is N)
 * joined with the size, or scales when a scale is set; ONNX's attributes. */
static void
test_resize (void)
{
  g_autoptr (exported) e = export_graph (chain (
    "channels=2 height=5 width=4",
    "resize2d height=7 width=3 interpolation=2 coordinates=1 cubic_a=-0.5 exclude_outside=1",
    "resize2d scale=0.5 scale_width=1.5 interpolation=0 coordinates=2 nearest_rounding=3", NULL));
  g_autofree char *ops = op_list (e);
  const Onnx__NodeProto *sized = node_named (e, "resize2d1");
  const Onnx__NodeProto *scaled = node_named (e, "resize2d2");
  const gint64 four[] = { 4 }, two[] = { 2 }, size[] = { 7, 3 };
  const float scales[] = { 1, 1, 0.5f, 1.5f };

  g_assert_cmpstr (ops, ==, "Shape Gather Concat Resize Resize");
  g_assert_cmpint (sized->n_input, ==, 4);
  g_assert_cmpstr (sized->input[2], ==, "");
  assert_dims (initializer (e, "resize2d1.size"), 1, two, 8);
  g_assert_cmpmem (initializer (e, "resize2d1.size")->raw_data.data, 16, size, 16);
  g_assert_cmpmem (attribute (sized, "mode")->s.data, 5, "cubic", 5);
  g_assert_cmpmem (attribute (sized, "coordinate_transformation_mode")->s.data, 13,
                   "align_corners", 13);
  g_assert_cmpfloat (attribute (sized, "cubic_coeff_a")->f, ==, -0.5f);
  g_assert_cmpint (attribute (sized, "exclude_outside")->i, ==, 1);
  g_assert_null (attribute (sized, "nearest_mode"));

  g_assert_cmpint (scaled->n_input, ==, 3);
  assert_dims (initializer (e, scaled->input[2]), 1, four, 4);
  g_assert_cmpmem (initializer (e, scaled->input[2])->raw_data.data, 16, scales, 16);
  g_assert_cmpmem (attribute (scaled, "nearest_mode")->s.data, 4, "ceil", 4);
  g_assert_cmpmem (attribute (scaled, "coordinate_transformation_mode")->s.data, 10,
                   "asymmetric", 10);
  g_assert_null (attribute (scaled, "cubic_coeff_a"));
}

static void
test_shapes_and_activations (void)
{
  g_autoptr (exported) e = export_graph (
    chain ("channels=1 height=4 width=6", "flatten", "reshape channels=2 height=3 width=-1", "gelu",
           "leaky_relu slope=0.2", "elu alpha=0.5", "sigmoid", "tanh", "dropout rate=0.3",
           "reshape channels=0 height=4 width=6", "softmax", NULL));
  g_autofree char *ops = op_list (e);
  const gint64 shape_dims[] = { 4 }, seq_dims[] = { 3 };
  const gint64 target[] = { -1, 2, 3, 4 };

  g_assert_cmpstr (ops, ==,
                   "Flatten Reshape Div Erf Add Mul Mul LeakyRelu Elu Sigmoid Tanh Identity "
                   "Reshape Softmax");
  assert_dims (initializer (e, "reshape1.shape"), 1, shape_dims, 8);
  g_assert_cmpmem (initializer (e, "reshape1.shape")->raw_data.data, 32, target, 32);
  assert_dims (initializer (e, "reshape2.shape"), 1, seq_dims, 8);
  g_assert_cmpfloat_with_epsilon (attribute (node_named (e, "leaky_relu1"), "alpha")->f, 0.2, 1e-7);
  g_assert_cmpfloat_with_epsilon (attribute (node_named (e, "elu1"), "alpha")->f, 0.5, 1e-7);
}

static void
test_merge (void)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", "channels=2 height=3 width=3", NULL);
  int a = add (g, "conv2d", "filters=2 kernel=1", (const int[]){ in, -1 });
  int b = add (g, "relu", "", (const int[]){ in, -1 });
  int sum2 = add (g, "add", "", (const int[]){ a, b, -1 });
  int sum3 = add (g, "add", "", (const int[]){ a, b, sum2, -1 });
  int cat = add (g, "concatenate", "", (const int[]){ sum3, a, -1 });
  g_autoptr (exported) e = NULL;
  const Onnx__NodeProto *concat;

  add (g, "flatten", "", (const int[]){ cat, -1 });
  e = export_graph (g);
  g_assert_cmpstr (node_named (e, "add1")->op_type, ==, "Add");
  g_assert_cmpstr (node_named (e, "add2")->op_type, ==, "Sum");
  g_assert_cmpint (node_named (e, "add2")->n_input, ==, 3);
  concat = node_named (e, "concatenate1");
  g_assert_cmpstr (concat->op_type, ==, "Concat");
  g_assert_cmpint (attribute (concat, "axis")->i, ==, 1);
  g_assert_cmpstr (concat->input[0], ==, "add2");
  g_assert_cmpstr (concat->input[1], ==, "conv2d1");
}

/* LSTM and GRU gates go from PyTorch's order to ONNX's, the biases are
 * stacked as [W_b, R_b], and the sequences move between batch-major and
 * sequence-major. */
static void
test_recurrent (void)
{
  g_autoptr (nn_graph) g = chain ("channels=0 height=5 width=3", "lstm units=2 return_sequences=1",
                                  "gru units=4", "dense units=1", NULL);
  g_autoptr (exported) e = export_graph (nn_graph_copy (g));
  g_autofree char *ops = op_list (e);
  g_autofree float *w_ih = NULL, *b_hh = NULL, *gru_ih = NULL;
  const gint64 lstm_w[] = { 1, 8, 3 }, lstm_r[] = { 1, 8, 2 }, lstm_b[] = { 1, 16 };
  const gint64 gru_w[] = { 1, 12, 2 }, perm[] = { 1, 0, 2 };
  const float *W, *B, *GW;
  const Onnx__NodeProto *lstm = node_named (e, "lstm1"), *gru = node_named (e, "gru1");
  gsize n;

  g_assert_cmpstr (ops, ==, "Transpose LSTM Squeeze Transpose Transpose GRU Squeeze Gemm");
  assert_ints (e->model->graph->node[0], "perm", 3, perm);
  assert_dims (initializer (e, "lstm1.W"), 3, lstm_w, 4);
  assert_dims (initializer (e, "lstm1.R"), 3, lstm_r, 4);
  assert_dims (initializer (e, "lstm1.B"), 2, lstm_b, 4);
  assert_dims (initializer (e, "gru1.W"), 3, gru_w, 4);
  g_assert_cmpint (attribute (lstm, "hidden_size")->i, ==, 2);
  g_assert_cmpint (attribute (gru, "linear_before_reset")->i, ==, 1);
  /* the LSTM returns Y, the GRU only Y_h */
  g_assert_cmpstr (lstm->output[0], !=, "");
  g_assert_cmpstr (gru->output[0], ==, "");
  g_assert_cmpstr (gru->output[1], !=, "");

  /* ONNX's LSTM blocks i, o, f, c are PyTorch's 0, 3, 1, 2 (H = 2 rows
   * of F = 3 each) */
  w_ih = model_weight (g, "lstm1", "weight_ih", &n);
  b_hh = model_weight (g, "lstm1", "bias_hh", &n);
  W = (const float *) initializer (e, "lstm1.W")->raw_data.data;
  B = (const float *) initializer (e, "lstm1.B")->raw_data.data;
  g_assert_cmpmem (W + 0 * 6, 24, w_ih + 0 * 6, 24);
  g_assert_cmpmem (W + 1 * 6, 24, w_ih + 3 * 6, 24);
  g_assert_cmpmem (W + 2 * 6, 24, w_ih + 1 * 6, 24);
  g_assert_cmpmem (W + 3 * 6, 24, w_ih + 2 * 6, 24);
  g_assert_cmpmem (B + 8 + 2 * 2, 8, b_hh + 1 * 2, 8);
  /* GRU z, r, h are PyTorch's 1, 0, 2 (H = 4 rows of F = 2) */
  gru_ih = model_weight (g, "gru1", "weight_ih", &n);
  GW = (const float *) initializer (e, "gru1.W")->raw_data.data;
  g_assert_cmpmem (GW, 32, gru_ih + 8, 32);
  g_assert_cmpmem (GW + 8, 32, gru_ih, 32);
}

static void
test_embedding (void)
{
  g_autoptr (exported) e =
    export_graph (chain ("height=0 width=6", "embedding input_dim=10 output_dim=4",
                         "simple_rnn units=3", "dense units=2", NULL));
  g_autofree char *ops = op_list (e);
  const gint64 w[] = { 10, 4 }, rnn_b[] = { 1, 6 };
  const Onnx__NodeProto *gather = node_named (e, "embedding1");

  g_assert_cmpstr (ops, ==,
                   "Round GreaterOrEqual Less And Where Cast Gather Transpose RNN Squeeze Gemm");
  assert_dims (initializer (e, "embedding1.weight"), 2, w, 4);
  assert_dims (initializer (e, "simple_rnn1.B"), 2, rnn_b, 4);
  g_assert_cmpstr (gather->input[0], ==, "embedding1.weight");
  g_assert_cmpint (attribute (node_named (e, "embedding1/ids_int64"), "to")->i, ==,
                   ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
}

/* A fitted normalisation is part of the file: raw features go in. */
static void
test_normalisation (void)
{
  g_autoptr (nn_project) p = nn_project_new (chain ("height=0 width=2", "dense units=1", NULL));
  const float mean[] = { 1.0f, -2.0f }, inv_std[] = { 0.5f, 4.0f };
  const gint64 dims[] = { 2 };
  g_autoptr (exported) e = NULL;
  g_autofree char *ops = NULL;

  nn_project_set_normalisation (p, mean, inv_std, 2);
  e = export_project (p);
  ops = op_list (e);
  g_assert_cmpstr (ops, ==, "Sub Mul Gemm");
  g_assert_cmpstr (e->model->graph->node[0]->input[0], ==, "input");
  assert_dims (initializer (e, "input.mean"), 1, dims, 4);
  g_assert_cmpmem (initializer (e, "input.inv_std")->raw_data.data, 8, inv_std, 8);
  g_assert_cmpstr (e->model->graph->node[2]->input[0], ==, e->model->graph->node[1]->output[0]);
}

/* Layer names that collide with the graph's own names get tensors of
 * their own. */
static void
test_names (void)
{
  nn_graph *g = chain ("height=0 width=2", "dense units=2", "relu", NULL);
  g_autoptr (exported) e = NULL;

  g_assert_true (nn_graph_rename (g, nn_graph_nth_node (g, 1)->id, "output", NULL));
  g_assert_true (nn_graph_rename (g, nn_graph_nth_node (g, 2)->id, "input", NULL));
  e = export_graph (g);
  g_assert_cmpstr (e->model->graph->node[0]->output[0], !=, "output");
  g_assert_cmpstr (e->model->graph->node[1]->input[0], ==, e->model->graph->node[0]->output[0]);
  g_assert_cmpstr (e->model->graph->node[1]->output[0], ==, "output");
}

static void
test_errors (void)
{
  g_autoptr (nn_project) broken = nn_project_new (chain ("height=0 width=2", NULL));
  g_autoptr (nn_graph) small = chain ("height=0 width=2", "dense units=2", NULL);
  g_autoptr (nn_graph) large = chain ("height=0 width=2", "dense units=3", NULL);
  g_autoptr (nn_project) mismatch = nn_project_new (nn_graph_copy (small));
  g_autoptr (nn_model) m = nn_model_compile (large, 1, 0, NULL);
  g_autoptr (nn_project) fine = nn_project_new (nn_graph_copy (small));
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "model.onnx", NULL);

  /* two outputs: the graph does not compile */
  add (broken->graph, "dense", "units=1", (const int[]){ 0, -1 });
  add (broken->graph, "dense", "units=1", (const int[]){ 0, -1 });
  g_assert_false (nn_onnx_export (broken, missing, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == NN_ERROR);
  g_clear_error (&error);

  /* weights of another graph */
  nn_project_take_weights (mismatch, m);
  g_assert_false (nn_onnx_export (mismatch, missing, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "dense1"));
  g_clear_error (&error);

  g_assert_false (nn_onnx_export (fine, missing, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "model.onnx"));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  exported_paths = g_ptr_array_new_with_free_func (g_free);
  g_test_add_func ("/io/onnx-export/mlp", test_mlp);
  g_test_add_func ("/io/onnx-export/trained-weights", test_trained);
  g_test_add_func ("/io/onnx-export/conv-pool", test_conv);
  g_test_add_func ("/io/onnx-export/decoder", test_decoder);
  g_test_add_func ("/io/onnx-export/resize", test_resize);
  g_test_add_func ("/io/onnx-export/shapes-activations", test_shapes_and_activations);
  g_test_add_func ("/io/onnx-export/merge", test_merge);
  g_test_add_func ("/io/onnx-export/recurrent", test_recurrent);
  g_test_add_func ("/io/onnx-export/embedding", test_embedding);
  g_test_add_func ("/io/onnx-export/normalisation", test_normalisation);
  g_test_add_func ("/io/onnx-export/names", test_names);
  g_test_add_func ("/io/onnx-export/errors", test_errors);
  /* last: it checks the files of every test above */
  g_test_add_func ("/io/onnx-export/checker", test_checker);
  status = g_test_run ();
  for (guint i = 0; i < exported_paths->len; i++)
    g_unlink (exported_paths->pdata[i]);
  g_ptr_array_unref (exported_paths);
  return status;
}
