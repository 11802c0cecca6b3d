/* test-merge.c — Add and Concatenate. */
#include "layer-check.h"

static void
check (const char *kind, const nn_shape *in, int n_in, guint64 seed)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, kind, NULL);
  r = layer_run_new (&d, in, n_in, 2, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient (void)
{
  nn_shape same[3] = { nn_shape_3d (2, 2, 3), nn_shape_3d (2, 2, 3), nn_shape_3d (2, 2, 3) };
  nn_shape images[2] = { nn_shape_3d (1, 2, 3), nn_shape_3d (3, 2, 3) };
  nn_shape vectors[3] = { nn_shape_1d (3), nn_shape_1d (1), nn_shape_1d (4) };
  nn_shape seqs[2] = { nn_shape_2d (3, 2), nn_shape_2d (3, 1) };

  check ("add", same, 3, 1);
  check ("concatenate", images, 2, 2);
  check ("concatenate", vectors, 3, 3);
  check ("concatenate", seqs, 2, 4);
}

static void
test_torch (void)
{
  layer_check_torch ("merge", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape a[2] = { nn_shape_3d (32, 13, 13), nn_shape_3d (64, 13, 13) };
  nn_shape b[2] = { nn_shape_3d (32, 13, 13), nn_shape_3d (32, 12, 13) };
  nn_shape c[2] = { nn_shape_3d (2, 2, 2), nn_shape_1d (8) };
  nn_shape s[2] = { nn_shape_2d (4, 2), nn_shape_2d (5, 2) };

  layer_desc_make (&d, "add", NULL);
  layer_check_infer_error (&d, a, 2, "inputs have different shapes 32×13×13 and 64×13×13");
  layer_desc_make (&d, "concatenate", NULL);
  layer_check_infer_error (&d, b, 2, "32×13×13 and 32×12×13 differ in height or width");
  layer_check_infer_error (&d, c, 2, "cannot join an image of 2×2×2 values and a vector of 8");
  layer_check_infer_error (&d, s, 2, "4×2 and 5×2 differ in length");
}

static void
test_concatenate_shape (void)
{
  nn_layer_desc d;
  nn_shape in[3] = { nn_shape_3d (16, 7, 7), nn_shape_3d (8, 7, 7), nn_shape_3d (1, 7, 7) }, out;

  layer_desc_make (&d, "concatenate", NULL);
  g_assert_true (d.ops->infer (&d, in, 3, &out, NULL));
  g_assert_cmpint (out.rank, ==, 3);
  g_assert_cmpint (out.dim[0], ==, 25);
  g_assert_cmpint (out.dim[1], ==, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/merge/gradient", test_gradient);
  g_test_add_func ("/engine/merge/torch", test_torch);
  g_test_add_func ("/engine/merge/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/merge/concatenate-shape", test_concatenate_shape);
  return g_test_run ();
}
