/* test-dense.c — the Dense layer: gradients, PyTorch agreement, shapes. */
#include <math.h>

#include "layer-check.h"

static void
test_gradient (void)
{
  nn_layer_desc d;
  nn_shape vec = nn_shape_1d (6), img = nn_shape_3d (2, 3, 3);
  layer_run *r;

  layer_desc_make (&d, "dense", "units=4", NULL);
  r = layer_run_new (&d, &vec, 1, 3, 11);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);

  layer_desc_make (&d, "dense", "units=5", "use_bias=false", NULL);
  r = layer_run_new (&d, &img, 1, 2, 12);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_torch (void)
{
  layer_check_torch ("dense", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape none = { 0 };

  layer_desc_make (&d, "dense", NULL);
  layer_check_infer_error (&d, &none, 1, "no values");
}

/* Weights in PyTorch's order and shapes; Glorot bounds; zero bias. */
static void
test_weights_and_init (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 4, 4), out;
  nn_weight_info info[NN_MAX_WEIGHTS];
  float w[32 * 10 + 10];
  nn_rng rng;
  const double limit = sqrt (6.0 / (32 + 10));

  layer_desc_make (&d, "dense", "units=10", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 1);
  g_assert_cmpint (out.dim[0], ==, 10);
  g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 2);
  g_assert_cmpstr (info[0].name, ==, "weight");
  g_assert_cmpint (info[0].shape.dim[0], ==, 10);
  g_assert_cmpint (info[0].shape.dim[1], ==, 32);
  g_assert_true (info[0].decay);
  g_assert_cmpstr (info[1].name, ==, "bias");
  g_assert_false (info[1].decay);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 2.0 * 32 * 10);

  nn_rng_seed (&rng, 5, 0);
  d.ops->init (&d, &in, &out, NN_INIT_GLOROT_UNIFORM, w, NULL, &rng);
  for (int i = 0; i < 320; i++)
    g_assert_cmpfloat (fabs (w[i]), <=, limit);
  for (int i = 320; i < 330; i++)
    g_assert_cmpfloat (w[i], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/dense/gradient", test_gradient);
  g_test_add_func ("/engine/dense/torch", test_torch);
  g_test_add_func ("/engine/dense/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/dense/weights-and-init", test_weights_and_init);
  return g_test_run ();
}
