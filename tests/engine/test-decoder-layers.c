/* test-decoder-layers.c — UpSampling2D and Conv2DTranspose: gradients,
 * PyTorch agreement (tests/fixtures/layers/gen_torch_decoder.py), Keras's
 * output sizes, weight layout and the errors a user can cause. */
#include <math.h>

#include "layer-check.h"

static void
check_transpose (const char *filters, const char *kernel, const char *stride, const char *padding,
                 const char *bias, nn_shape in, int batch, guint64 seed)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "conv2d_transpose", filters, kernel, stride, padding, bias, NULL);
  r = layer_run_new (&d, &in, 1, batch, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_transpose_gradient (void)
{
  check_transpose ("filters=3", "kernel=3", "stride=1", "padding=valid", "use_bias=true",
                   nn_shape_3d (2, 4, 4), 2, 1);
  check_transpose ("filters=2", "kernel=3", "stride=2", "padding=same", "use_bias=true",
                   nn_shape_3d (2, 3, 4), 2, 2);
  check_transpose ("filters=2", "kernel=4", "stride=2", "padding=same", "use_bias=false",
                   nn_shape_3d (3, 3, 3), 3, 3);
  check_transpose ("filters=2", "kernel=2", "stride=3", "padding=valid", "use_bias=true",
                   nn_shape_3d (1, 3, 2), 2, 4);
}

static void
test_upsampling_gradient (void)
{
  nn_layer_desc d;
  layer_run *r;
  nn_shape in = nn_shape_3d (2, 3, 4);

  layer_desc_make (&d, "upsampling2d", "size=3", NULL);
  r = layer_run_new (&d, &in, 1, 2, 5);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_torch (void)
{
  layer_check_torch ("decoder-layers", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape vec = nn_shape_1d (64), huge = nn_shape_3d (1, 40000, 4);

  layer_desc_make (&d, "conv2d_transpose", NULL);
  layer_check_infer_error (&d, &vec, 1,
                           "needs an image (channels × height × width), got a vector of 64 "
                           "values — add a Reshape");
  layer_check_infer_error (&d, &huge, 1, "too large");
  layer_desc_make (&d, "upsampling2d", NULL);
  layer_check_infer_error (&d, &vec, 1, "add a Reshape");
  layer_check_infer_error (&d, &huge, 1, "too large");
}

/* Keras's sizes: same multiplies by the stride, valid adds kernel − stride. */
static void
test_output_shapes (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (8, 7, 5), out;

  layer_desc_make (&d, "conv2d_transpose", "filters=4", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[0], ==, 4);
  g_assert_cmpint (out.dim[1], ==, 14);
  g_assert_cmpint (out.dim[2], ==, 10);
  layer_desc_make (&d, "conv2d_transpose", "filters=4", "kernel=5", "stride=2", "padding=valid",
                   NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 17);
  g_assert_cmpint (out.dim[2], ==, 13);
  /* 2 × MACs: every input value stamps F·k·k products */
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 2.0 * 8 * 7 * 5 * 4 * 25);

  layer_desc_make (&d, "upsampling2d", "size=4", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[0], ==, 8);
  g_assert_cmpint (out.dim[1], ==, 28);
  g_assert_cmpint (out.dim[2], ==, 20);
}

/* Weights are [C_in, F, k, k] (PyTorch's ConvTranspose2d) then bias. */
static void
test_weights_and_init (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 6, 6), out;
  nn_weight_info info[NN_MAX_WEIGHTS];
  float w[2 * 4 * 9 + 4];
  nn_rng rng;

  layer_desc_make (&d, "conv2d_transpose", "filters=4", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 2);
  g_assert_cmpint (info[0].shape.rank, ==, 4);
  g_assert_cmpint (info[0].shape.dim[0], ==, 2);
  g_assert_cmpint (info[0].shape.dim[1], ==, 4);
  g_assert_cmpint (info[0].shape.dim[2], ==, 3);
  g_assert_cmpint (info[0].shape.dim[3], ==, 3);
  g_assert_true (info[0].decay);
  g_assert_cmpint (info[1].shape.dim[0], ==, 4);
  g_assert_false (info[1].decay);
  nn_rng_seed (&rng, 9, 0);
  d.ops->init (&d, &in, &out, NN_INIT_HE_UNIFORM, w, NULL, &rng);
  for (int i = 0; i < 72; i++)
    g_assert_cmpfloat (fabs (w[i]), <=, sqrt (6.0 / 18));
  for (int i = 72; i < 76; i++)
    g_assert_cmpfloat (w[i], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/conv2d-transpose/gradient", test_transpose_gradient);
  g_test_add_func ("/engine/upsampling2d/gradient", test_upsampling_gradient);
  g_test_add_func ("/engine/decoder-layers/torch", test_torch);
  g_test_add_func ("/engine/decoder-layers/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/decoder-layers/output-shapes", test_output_shapes);
  g_test_add_func ("/engine/conv2d-transpose/weights-and-init", test_weights_and_init);
  return g_test_run ();
}
