/* test-pooling.c — MaxPool2D, AvgPool2D, GlobalAvgPool2D. */
#include "layer-check.h"

static void
check (const char *kind, const char *size, const char *stride, nn_shape in, guint64 seed)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, kind, size, stride, NULL);
  r = layer_run_new (&d, &in, 1, 2, seed);
  layer_check_gradients (r, 1e-3, 1e-2);
  layer_run_free (r);
}

static void
test_gradient (void)
{
  check ("maxpool2d", "size=2", "stride=0", nn_shape_3d (2, 4, 5), 1);
  check ("maxpool2d", "size=3", "stride=1", nn_shape_3d (1, 5, 5), 2);
  check ("avgpool2d", "size=2", "stride=0", nn_shape_3d (2, 4, 4), 3);
  check ("avgpool2d", "size=3", "stride=2", nn_shape_3d (1, 7, 6), 4);
  check ("globalavgpool2d", NULL, NULL, nn_shape_3d (3, 4, 2), 5);
}

static void
test_torch (void)
{
  layer_check_torch ("pooling", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape small = nn_shape_3d (4, 2, 2), seq = nn_shape_2d (10, 8);

  layer_desc_make (&d, "maxpool2d", "size=3", NULL);
  layer_check_infer_error (&d, &small, 1, "a 3×3 window does not fit its 2×2 input");
  layer_check_infer_error (&d, &seq, 1, "got a sequence of 10×8 values");
  layer_desc_make (&d, "avgpool2d", "size=4", NULL);
  layer_check_infer_error (&d, &small, 1, "window does not fit");
  layer_desc_make (&d, "globalavgpool2d", NULL);
  layer_check_infer_error (&d, &seq, 1, "needs an image");
}

/* Stride 0 means "the window size": 13×13 from 26×26 with a 2×2 window. */
static void
test_default_stride (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (32, 27, 26), out;

  layer_desc_make (&d, "maxpool2d", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[0], ==, 32);
  g_assert_cmpint (out.dim[1], ==, 13);
  g_assert_cmpint (out.dim[2], ==, 13);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/pooling/gradient", test_gradient);
  g_test_add_func ("/engine/pooling/torch", test_torch);
  g_test_add_func ("/engine/pooling/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/pooling/default-stride", test_default_stride);
  return g_test_run ();
}
