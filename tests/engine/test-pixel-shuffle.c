/* test-pixel-shuffle.c — PixelShuffle in PyTorch's and TensorFlow's
 * channel orders: gradients by finite differences, PyTorch's numbers
 * (tests/fixtures/layers/gen_torch_decoder.py → pixel-shuffle.json), where
 * each value lands, sizes and the messages for inputs it cannot take, and
 * ONNX export then import giving back the same layer and numbers. */
#include "engine-test-util.h"
#include "graph.h"
#include "layer-check.h"

static void
check_gradient (nn_shape in, int batch, guint64 seed, const char *factor, const char *order)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "pixel_shuffle", factor, order, NULL);
  r = layer_run_new (&d, &in, 1, batch, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient (void)
{
  check_gradient (nn_shape_3d (8, 2, 3), 2, 21, "factor=2", "order=crd");
  check_gradient (nn_shape_3d (18, 2, 1), 1, 22, "factor=3", "order=crd");
  check_gradient (nn_shape_3d (8, 3, 2), 2, 23, "factor=2", "order=dcr");
  check_gradient (nn_shape_3d (9, 1, 2), 2, 24, "factor=3", "order=dcr");
}

static void
test_torch (void)
{
  layer_check_torch ("pixel-shuffle", 1e-6);
}

/* Channel k holds the value k everywhere: each output pixel shows which
 * channel it came from, in each order. Two output channels, factor 2. */
static void
test_where_values_land (void)
{
  static const float crd[2][4] = { { 0, 1, 2, 3 }, { 4, 5, 6, 7 } };
  static const float dcr[2][4] = { { 0, 2, 4, 6 }, { 1, 3, 5, 7 } };
  nn_shape in = nn_shape_3d (8, 1, 1);

  for (int order = 0; order < 2; order++)
    {
      nn_layer_desc d;
      layer_run *r;

      layer_desc_make (&d, "pixel_shuffle", "factor=2", order ? "order=dcr" : "order=crd", NULL);
      r = layer_run_new (&d, &in, 1, 1, 5);
      for (int k = 0; k < 8; k++)
        r->in[0][k] = (float) k;
      layer_run_forward (r);
      /* output 2 × 2 × 2: channel c, then the 2×2 block row by row */
      for (int c = 0; c < 2; c++)
        for (int p = 0; p < 4; p++)
          g_assert_cmpfloat (r->out[c * 4 + p], ==, order ? dcr[c][p] : crd[c][p]);
      layer_run_free (r);
    }
}

static void
test_shapes_and_errors (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (12, 5, 7), out, vector = nn_shape_1d (16), odd = nn_shape_3d (6, 4, 4),
           huge = nn_shape_3d (4, 4, 40000);

  layer_desc_make (&d, "pixel_shuffle", "factor=2", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 3);
  g_assert_cmpint (out.dim[0], ==, 3);
  g_assert_cmpint (out.dim[1], ==, 10);
  g_assert_cmpint (out.dim[2], ==, 14);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 3.0 * 10 * 14);
  /* PyTorch's order unless told otherwise, as nn.PixelShuffle */
  g_assert_cmpfloat (nn_layer_desc_get (&d, "order"), ==, 0);
  layer_check_infer_error (&d, &odd, 1, "multiple of 4");
  layer_check_infer_error (&d, &huge, 1, "too large");
  layer_check_infer_error (&d, &vector, 1, "image");
}

static void
check_onnx_round_trip (const char *factor, const char *order)
{
  nn_layer_desc want, got;

  layer_desc_make (&want, "pixel_shuffle", factor, order, NULL);
  test_onnx_round_trip_layer (&want, 18, 3, 4, &got);
  for (int i = 0; i < want.ops->n_params; i++)
    g_assert_cmpfloat (got.p[i], ==, want.p[i]);
}

static void
test_onnx_round_trip (void)
{
  check_onnx_round_trip ("factor=3", "order=crd");
  check_onnx_round_trip ("factor=3", "order=dcr");
  check_onnx_round_trip ("factor=1", "order=dcr");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/pixel-shuffle/gradient", test_gradient);
  g_test_add_func ("/engine/pixel-shuffle/torch", test_torch);
  g_test_add_func ("/engine/pixel-shuffle/where-values-land", test_where_values_land);
  g_test_add_func ("/engine/pixel-shuffle/shapes-and-errors", test_shapes_and_errors);
  g_test_add_func ("/engine/pixel-shuffle/onnx-round-trip", test_onnx_round_trip);
  return g_test_run ();
}
