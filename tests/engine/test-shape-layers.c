/* test-shape-layers.c — Flatten and Reshape. */
#include "layer-check.h"

static void
test_gradient (void)
{
  nn_shape img = nn_shape_3d (2, 3, 2), vec = nn_shape_1d (12);
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "flatten", NULL);
  r = layer_run_new (&d, &img, 1, 2, 1);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
  layer_desc_make (&d, "reshape", "channels=3", "height=-1", "width=2", NULL);
  r = layer_run_new (&d, &vec, 1, 2, 2);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_torch (void)
{
  layer_check_torch ("shape-layers", 1e-6);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape vec = nn_shape_1d (784), none = { 0 };

  layer_desc_make (&d, "reshape", "channels=3", NULL);
  layer_check_infer_error (&d, &vec, 1,
                           "cannot reshape a vector of 784 values into 3×28×28: that needs 2352 "
                           "values, the input has 784");
  layer_desc_make (&d, "reshape", "channels=-1", "height=-1", NULL);
  layer_check_infer_error (&d, &vec, 1, "only one of channels, height and width can be −1");
  layer_desc_make (&d, "reshape", "channels=-1", "height=5", "width=5", NULL);
  layer_check_infer_error (&d, &vec, 1, "784 values cannot be split into groups of 25");
  layer_desc_make (&d, "reshape", "channels=0", "height=4", "width=0", NULL);
  layer_check_infer_error (&d, &vec, 1, "width must be at least 1");
  layer_desc_make (&d, "flatten", NULL);
  layer_check_infer_error (&d, &none, 1, "no values");
}

/* Height 0 makes a vector (channels unused), channels 0 a sequence. */
static void
test_reshape_conventions (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (1, 28, 28), out;

  layer_desc_make (&d, "reshape", "channels=7", "height=0", "width=-1", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 1);
  g_assert_cmpint (out.dim[0], ==, 784);
  layer_desc_make (&d, "reshape", "channels=0", "height=-1", "width=16", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 2);
  g_assert_cmpint (out.dim[0], ==, 49);
  g_assert_cmpint (out.dim[1], ==, 16);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/shape-layers/gradient", test_gradient);
  g_test_add_func ("/engine/shape-layers/torch", test_torch);
  g_test_add_func ("/engine/shape-layers/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/shape-layers/reshape-conventions", test_reshape_conventions);
  return g_test_run ();
}
