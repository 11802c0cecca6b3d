/* test-conv2d.c — Conv2D: gradients, PyTorch agreement, padding, shapes. */
#include <math.h>

#include "layer-check.h"

static void
check_config (const char *filters, const char *kernel, const char *stride, const char *padding,
              const char *bias, nn_shape in, int batch, guint64 seed)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "conv2d", filters, kernel, stride, padding, bias, NULL);
  r = layer_run_new (&d, &in, 1, batch, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient (void)
{
  check_config ("filters=3", "kernel=3", "stride=1", "padding=valid", "use_bias=true",
                nn_shape_3d (2, 5, 5), 2, 1);
  check_config ("filters=2", "kernel=3", "stride=2", "padding=same", "use_bias=true",
                nn_shape_3d (2, 6, 7), 2, 2);
  check_config ("filters=2", "kernel=2", "stride=1", "padding=same", "use_bias=false",
                nn_shape_3d (1, 4, 4), 3, 3);
  check_config ("filters=4", "kernel=1", "stride=1", "padding=valid", "use_bias=true",
                nn_shape_3d (3, 3, 3), 2, 4);
}

static void
test_torch (void)
{
  layer_check_torch ("conv2d", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape small = nn_shape_3d (1, 3, 3), vec = nn_shape_1d (784);

  layer_desc_make (&d, "conv2d", "kernel=5", NULL);
  layer_check_infer_error (&d, &small, 1, "a 5×5 kernel does not fit its 3×3 input");
  layer_check_infer_error (&d, &vec, 1,
                           "needs an image (channels × height × width), got a vector of 784 "
                           "values — add a Reshape");
}

/* Same padding keeps ceil(in / stride); valid shrinks by kernel − 1. */
static void
test_output_shapes (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (3, 28, 27), out;

  layer_desc_make (&d, "conv2d", "filters=8", "kernel=3", "padding=same", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[0], ==, 8);
  g_assert_cmpint (out.dim[1], ==, 28);
  g_assert_cmpint (out.dim[2], ==, 27);
  layer_desc_make (&d, "conv2d", "filters=8", "kernel=3", "stride=2", "padding=same", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 14);
  g_assert_cmpint (out.dim[2], ==, 14);
  layer_desc_make (&d, "conv2d", "filters=8", "kernel=5", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 24);
  g_assert_cmpint (out.dim[2], ==, 23);
  /* 2 × MACs: 8 filters × 24 × 23 positions × 3·5·5 taps. */
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 2.0 * 8 * 24 * 23 * 75);
}

/* Weights are [F, C, k, k] then bias; He uniform stays within √(6/(C·k·k)). */
static void
test_weights_and_init (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 6, 6), out;
  nn_weight_info info[NN_MAX_WEIGHTS];
  float w[4 * 2 * 9 + 4];
  nn_rng rng;

  layer_desc_make (&d, "conv2d", "filters=4", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 2);
  g_assert_cmpint (info[0].shape.rank, ==, 4);
  g_assert_cmpint (info[0].shape.dim[0], ==, 4);
  g_assert_cmpint (info[0].shape.dim[1], ==, 2);
  g_assert_cmpint (info[0].shape.dim[2], ==, 3);
  g_assert_cmpint (info[0].shape.dim[3], ==, 3);
  g_assert_cmpint (info[1].shape.dim[0], ==, 4);
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
  g_test_add_func ("/engine/conv2d/gradient", test_gradient);
  g_test_add_func ("/engine/conv2d/torch", test_torch);
  g_test_add_func ("/engine/conv2d/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/conv2d/output-shapes", test_output_shapes);
  g_test_add_func ("/engine/conv2d/weights-and-init", test_weights_and_init);
  return g_test_run ();
}
