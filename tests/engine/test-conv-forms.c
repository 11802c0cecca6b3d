/* test-conv-forms.c — Conv2D and Conv2DTranspose beyond square kernels and
 * valid/same padding: kh×kw kernels and strides, explicit padding (rows ≠
 * columns), dilation, groups and depthwise. PyTorch's numbers for these
 * forms are in fixtures/layers/conv2d.json and decoder-layers.json (checked
 * by test-conv2d and test-decoder-layers); here: finite differences,
 * output sizes, weight layout, the errors a user can make, and a model of
 * every form through ONNX export and import, and through the PyTorch
 * script (when /usr/bin/python3 has torch), giving the same numbers. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "io/pytorch-export.h"
#include "kernels/threads.h"
#include "layer-check.h"
#include "trainer.h"

static void
check_gradient (const nn_layer_desc *d, nn_shape in, guint64 seed)
{
  layer_run *r = layer_run_new (d, &in, 1, 2, seed);

  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient_conv (void)
{
  nn_layer_desc d;

  layer_desc_make (&d, "conv2d", "filters=3", "kernel=2", "kernel_width=3", "stride=2",
                   "stride_width=1", NULL);
  check_gradient (&d, nn_shape_3d (2, 6, 5), 1);
  layer_desc_make (&d, "conv2d", "filters=2", "kernel=3", "padding=explicit", "pad=2",
                   "pad_width=1", "stride=2", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 2);
  layer_desc_make (&d, "conv2d", "filters=2", "kernel=3", "dilation=2", "padding=same", NULL);
  check_gradient (&d, nn_shape_3d (2, 7, 6), 3);
  layer_desc_make (&d, "conv2d", "filters=4", "kernel=3", "groups=2", "use_bias=false", NULL);
  check_gradient (&d, nn_shape_3d (4, 5, 5), 4);
  /* depthwise with a channel multiplier of 2 */
  layer_desc_make (&d, "conv2d", "filters=6", "kernel=3", "groups=3", "padding=explicit", "pad=1",
                   NULL);
  check_gradient (&d, nn_shape_3d (3, 4, 5), 5);
  /* depthwise, dilated and strided with kh≠kw, sh≠sw, ph≠pw: every offset
   * the direct depthwise path computes */
  layer_desc_make (&d, "conv2d", "filters=2", "groups=2", "kernel=3", "kernel_width=2",
                   "dilation=2", "stride=2", "stride_width=3", "padding=explicit", "pad=1",
                   "pad_width=2", NULL);
  check_gradient (&d, nn_shape_3d (2, 9, 8), 10);
  /* depthwise where the last rows and columns are read by no output */
  layer_desc_make (&d, "conv2d", "filters=4", "groups=2", "kernel=2", "stride=3", "padding=valid",
                   NULL);
  check_gradient (&d, nn_shape_3d (2, 7, 9), 12);
  layer_desc_make (&d, "conv2d", "filters=2", "kernel=3", "kernel_width=1", "dilation=2",
                   "stride=2", "padding=explicit", "pad=1", "pad_width=0", NULL);
  check_gradient (&d, nn_shape_3d (1, 9, 4), 6);
}

static void
test_gradient_transpose (void)
{
  nn_layer_desc d;

  layer_desc_make (&d, "conv2d_transpose", "filters=2", "kernel=3", "kernel_width=2", "stride=3",
                   "stride_width=2", "padding=valid", NULL);
  check_gradient (&d, nn_shape_3d (2, 3, 3), 7);
  layer_desc_make (&d, "conv2d_transpose", "filters=3", "kernel=3", "stride=3", "stride_width=2",
                   "padding=explicit", "pad=1", "pad_width=0", "output_padding=1", NULL);
  check_gradient (&d, nn_shape_3d (2, 3, 4), 8);
  layer_desc_make (&d, "conv2d_transpose", "filters=2", "kernel=2", "stride=1", "dilation=2",
                   "padding=valid", NULL);
  check_gradient (&d, nn_shape_3d (1, 3, 3), 9);
}

static void
assert_out (const nn_layer_desc *d, nn_shape in, int c, int h, int w)
{
  nn_shape out;
  g_autoptr (GError) error = NULL;

  g_assert_true (d->ops->infer (d, &in, 1, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.dim[0], ==, c);
  g_assert_cmpint (out.dim[1], ==, h);
  g_assert_cmpint (out.dim[2], ==, w);
}

/* The sizes PyTorch gives for the same settings. */
static void
test_output_shapes (void)
{
  nn_layer_desc d;

  /* (7 + 2·1 − 3) / 2 + 1 = 4 rows, (5 − 3) / 2 + 1 = 2 columns */
  layer_desc_make (&d, "conv2d", "filters=1", "kernel=3", "stride=2", "padding=explicit", "pad=1",
                   "pad_width=0", NULL);
  assert_out (&d, nn_shape_3d (1, 7, 5), 1, 4, 2);
  /* a 3-tap kernel at dilation 2 spans 5 */
  layer_desc_make (&d, "conv2d", "filters=4", "kernel=3", "dilation=2", NULL);
  assert_out (&d, nn_shape_3d (2, 9, 8), 4, 5, 4);
  layer_desc_make (&d, "conv2d", "filters=4", "kernel=1", "kernel_width=5", "stride_width=2", NULL);
  assert_out (&d, nn_shape_3d (2, 3, 9), 4, 3, 3);
  /* PyTorch's ConvTranspose2d(3, 4, 3, stride=(3, 2), padding=1, output_padding=1) */
  layer_desc_make (&d, "conv2d_transpose", "filters=4", "kernel=3", "stride=3", "stride_width=2",
                   "padding=explicit", "pad=1", "output_padding=1", NULL);
  assert_out (&d, nn_shape_3d (3, 7, 6), 4, 20, 12);
  layer_desc_make (&d, "conv2d_transpose", "filters=1", "kernel=2", "stride=1", "dilation=2",
                   "padding=valid", NULL);
  assert_out (&d, nn_shape_3d (1, 3, 3), 1, 5, 5);
}

/* Weights are PyTorch's [F, C/G, kh, kw]; flops count C/G taps per output. */
static void
test_groups_layout (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (6, 8, 8), out;
  nn_weight_info info[NN_MAX_WEIGHTS];

  layer_desc_make (&d, "conv2d", "filters=12", "kernel=3", "kernel_width=5", "groups=3", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 2);
  g_assert_cmpint (info[0].shape.dim[0], ==, 12);
  g_assert_cmpint (info[0].shape.dim[1], ==, 2);
  g_assert_cmpint (info[0].shape.dim[2], ==, 3);
  g_assert_cmpint (info[0].shape.dim[3], ==, 5);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 2.0 * 12 * 6 * 4 * 2 * 15);
}

/* A depthwise 3×3 filter of ones on ones sums its 9 (or fewer at the
 * border) neighbours within its own channel only. */
static void
test_depthwise_values (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 3, 3);
  layer_run *r;

  layer_desc_make (&d, "conv2d", "filters=2", "kernel=3", "groups=2", "padding=same",
                   "use_bias=false", NULL);
  r = layer_run_new (&d, &in, 1, 1, 1);
  for (gsize i = 0; i < r->in_len[0]; i++)
    r->in[0][i] = i < 9 ? 1.0f : 2.0f;
  for (gsize i = 0; i < r->w_len; i++)
    r->w[i] = 1.0f;
  layer_run_forward (r);
  g_assert_cmpfloat (r->out[4], ==, 9.0f);
  g_assert_cmpfloat (r->out[0], ==, 4.0f);
  g_assert_cmpfloat (r->out[9 + 4], ==, 18.0f);
  g_assert_cmpfloat (r->out[9 + 1], ==, 12.0f);
  layer_run_free (r);
}

/* The direct depthwise path sums every output, dW and dX element on one
 * thread in a fixed order: two threads give the bits of one. The layer is
 * big enough for its loops to go parallel (NN_PARALLEL_MIN). */
static void
test_depthwise_threads (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (6, 20, 20);
  layer_run *r;
  g_autofree float *out = NULL, *d_in = NULL, *dw = NULL;

  layer_desc_make (&d, "conv2d", "filters=12", "kernel=3", "groups=6", "stride=2", "dilation=2",
                   "padding=same", NULL);
  r = layer_run_new (&d, &in, 1, 4, 11);
  nn_threads_set (1);
  layer_run_forward (r);
  layer_run_backward (r);
  out = g_memdup2 (r->out, r->out_len * sizeof (float));
  d_in = g_memdup2 (r->d_in[0], r->in_len[0] * sizeof (float));
  dw = g_memdup2 (r->dw, r->w_len * sizeof (float));
  nn_threads_set (2);
  layer_run_forward (r);
  layer_run_backward (r);
  nn_threads_set (0);
  g_assert_cmpmem (r->out, r->out_len * sizeof (float), out, r->out_len * sizeof (float));
  g_assert_cmpmem (r->d_in[0], r->in_len[0] * sizeof (float), d_in, r->in_len[0] * sizeof (float));
  g_assert_cmpmem (r->dw, r->w_len * sizeof (float), dw, r->w_len * sizeof (float));
  layer_run_free (r);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (3, 8, 8), small = nn_shape_3d (1, 4, 4);

  layer_desc_make (&d, "conv2d", "filters=4", "groups=2", NULL);
  layer_check_infer_error (&d, &in, 1, "3 input channels do not split into 2 groups");
  layer_desc_make (&d, "conv2d", "filters=5", "groups=3", NULL);
  layer_check_infer_error (&d, &in, 1, "5 filters do not split into 3 groups");
  layer_desc_make (&d, "conv2d", "kernel=3", "dilation=2", NULL);
  layer_check_infer_error (&d, &small, 1, "with dilation 2 spans 5×5 pixels");
  layer_desc_make (&d, "conv2d_transpose", "stride=2", "padding=explicit", "output_padding=2",
                   NULL);
  layer_check_infer_error (&d, &in, 1, "output padding of 2 must be smaller than the stride");
  layer_desc_make (&d, "conv2d_transpose", "kernel=1", "stride=1", "padding=explicit", "pad=5",
                   NULL);
  layer_check_infer_error (&d, &small, 1, "crops the whole 4×4 result away");
}

static int
append (nn_graph *g, int prev, const nn_layer_desc *d)
{
  int id = nn_graph_add_node (g, d->ops);

  g_assert_true (nn_graph_set_desc (g, id, d, NULL));
  if (prev >= 0)
    g_assert_true (nn_graph_connect (g, prev, id, -1, NULL));
  return id;
}

/* Every form on a C×12×10 input: kh×kw kernel with sh×sw stride and
 * explicit ph≠pw padding, groups with dilation, a depthwise stride-2 'same'
 * (its odd pixel after the image), and two transposed convolutions: kh×kw
 * with sh×sw, explicit padding and output padding; dilation. With `head`,
 * GlobalAvgPool and a 2-class Dense + Softmax follow. */
static nn_graph *
forms_graph (int channels, int height, int width, gboolean head)
{
  nn_graph *g = nn_graph_new ();
  g_autofree char *c = g_strdup_printf ("channels=%d", channels);
  g_autofree char *h = g_strdup_printf ("height=%d", height);
  g_autofree char *w = g_strdup_printf ("width=%d", width);
  nn_layer_desc d;
  int id;

  layer_desc_make (&d, "input", c, h, w, NULL);
  id = append (g, -1, &d);
  layer_desc_make (&d, "conv2d", "filters=4", "kernel=3", "kernel_width=5", "stride=2",
                   "stride_width=1", "padding=explicit", "pad=1", "pad_width=2", NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "conv2d", "filters=8", "groups=4", "dilation=2", "padding=same", NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "conv2d", "filters=8", "groups=8", "stride=2", "padding=same", NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "conv2d_transpose", "filters=3", "kernel=3", "kernel_width=2", "stride=2",
                   "stride_width=3", "padding=explicit", "pad=1", "pad_width=0", "output_padding=1",
                   NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "conv2d_transpose", "filters=2", "kernel=2", "stride=1", "dilation=2",
                   "padding=valid", NULL);
  id = append (g, id, &d);
  if (!head)
    return g;
  layer_desc_make (&d, "globalavgpool2d", NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "dense", "units=2", NULL);
  id = append (g, id, &d);
  layer_desc_make (&d, "softmax", NULL);
  append (g, id, &d);
  return g;
}

/* Exported attributes (kernel_shape, strides, pads, output_padding,
 * dilations, group) read back into the same layers: both projects give
 * the same output for the same input. */
static void
test_onnx_round_trip (void)
{
  nn_graph *g = forms_graph (2, 12, 10, FALSE);
  g_autoptr (nn_project) p = nn_project_new (g);
  g_autoptr (nn_project) back = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = NULL;
  const gint64 dims[] = { 2, 2, 12, 10 };
  nn_onnx_tensor *x, *want, *got;
  nn_onnx_io io = { 0 };
  gsize length;
  nn_rng rng;

  m = nn_model_compile (g, 1, 3, &error);
  g_assert_no_error (error);
  nn_project_take_weights (p, m);
  data = nn_onnx_export_to_data (p, &length, &error);
  g_assert_no_error (error);
  back = nn_onnx_import_data (data, length, "round-trip", NULL, &io, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_graph_n_nodes (back->graph), ==, nn_graph_n_nodes (g));

  x = nn_onnx_tensor_new ("x", 4, dims, &error);
  g_assert_no_error (error);
  nn_rng_seed (&rng, 4, 0);
  for (gsize i = 0; i < x->size; i++)
    x->data[i] = nn_rng_uniform (&rng) * 2.0f - 1.0f;
  want = nn_onnx_run (p, &io, x, &error);
  g_assert_no_error (error);
  got = nn_onnx_run (back, &io, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->size, ==, want->size);
  g_assert_cmpuint (want->size, ==, 2 * 2 * 8 * 17);
  for (gsize i = 0; i < want->size; i++)
    g_assert_cmpfloat_with_epsilon (got->data[i], want->data[i], 1e-5);
  nn_onnx_tensor_free (x);
  nn_onnx_tensor_free (want);
  nn_onnx_tensor_free (got);
  nn_onnx_io_clear (&io);
}

static void
on_done (const nn_train_event *e, gpointer user_data)
{
  if (e->kind == NN_EVENT_DONE)
    *(double *) user_data = e->test_loss;
}

/* The script builds nn.Conv2d/nn.ConvTranspose2d with kernel_size=(kh, kw),
 * stride, padding=(ph, pw), output_padding, dilation and groups, and its
 * test loss is Layerlab's after an epoch on colour images scaled to 12×12. */
static void
test_pytorch_script (void)
{
  g_autofree char *images = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", images, NULL);
  g_autofree char *dir = g_dir_make_tmp ("conv-forms-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "forms.py", NULL);
  g_autofree char *text = NULL, *out = NULL, *err = NULL;
  nn_data_options o = { .image_size = 12 };
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *argv[] = { TEST_PYTHON, script, "--device", "cpu", NULL };
  const char *expected[] = {
    "nn.Conv2d(3, 4, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2))",
    "nn.Conv2d(4, 8, kernel_size=3, padding=2, dilation=2, groups=4)",
    "nn.Conv2d(8, 8, kernel_size=3, stride=2, groups=8)",
    "nn.ConvTranspose2d(8, 3, kernel_size=(3, 2), stride=(2, 3), padding=(1, 0), "
    "output_padding=1)",
    "nn.ConvTranspose2d(3, 2, kernel_size=2, dilation=2)",
  };
  double loss = NAN;
  char **lines;
  int status;

  ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  p = nn_project_new (
    forms_graph (ds->input_shape.dim[0], ds->input_shape.dim[1], ds->input_shape.dim[2], TRUE));
  p->config.epochs = 1;
  p->config.batch = 4;
  p->config.seed = 5;
  t = nn_trainer_new (p->graph, ds, &p->config, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t, on_done, &loss, NULL, &error));
  g_assert_no_error (error);
  nn_project_set_data (p, spec, &o);
  nn_project_set_normalisation (p, ds->mean, ds->inv_std, (int) nn_dataset_input_size (ds));
  nn_project_take_weights (p, nn_trainer_get_model (t));
  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("the script lacks “%s”:\n%s", expected[i], text);
  if (!test_have_torch ())
    {
      g_test_skip (TEST_PYTHON " cannot import torch");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the script failed:\n%s", err);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_true (json_parser_load_from_data (parser, lines[g_strv_length (lines) - 1], -1, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)),
                                   "test_loss"),
    loss, 1e-4 * MAX (1.0, fabs (loss)));
  g_strfreev (lines);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/conv-forms/gradient-conv", test_gradient_conv);
  g_test_add_func ("/engine/conv-forms/gradient-transpose", test_gradient_transpose);
  g_test_add_func ("/engine/conv-forms/output-shapes", test_output_shapes);
  g_test_add_func ("/engine/conv-forms/groups-layout", test_groups_layout);
  g_test_add_func ("/engine/conv-forms/depthwise-values", test_depthwise_values);
  g_test_add_func ("/engine/conv-forms/depthwise-threads", test_depthwise_threads);
  g_test_add_func ("/engine/conv-forms/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/conv-forms/onnx-round-trip", test_onnx_round_trip);
  g_test_add_func ("/engine/conv-forms/pytorch-script", test_pytorch_script);
  return g_test_run ();
}
