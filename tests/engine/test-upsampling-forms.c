/* test-upsampling-forms.c — UpSampling2D beyond the square nearest case:
 * separate height and width factors, bilinear with and without
 * align_corners. Gradients by finite differences, PyTorch's numbers
 * (tests/fixtures/layers/gen_torch_decoder.py → upsampling-forms.json),
 * sizes, projects saved before the new settings existed, and ONNX export
 * then import giving back the same layer and numbers. */
#include <math.h>

#include "engine-test-util.h"
#include "graph.h"
#include "layer-check.h"

static void
check_gradient (nn_shape in, int batch, guint64 seed, const char *size, const char *size_w,
                const char *interpolation, const char *align)
{
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "upsampling2d", size, size_w, interpolation, align, NULL);
  r = layer_run_new (&d, &in, 1, batch, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient_nearest_non_square (void)
{
  check_gradient (nn_shape_3d (2, 3, 4), 2, 11, "size=2", "size_width=3", "interpolation=nearest",
                  "align_corners=false");
  check_gradient (nn_shape_3d (1, 2, 3), 3, 12, "size=3", "size_width=1", "interpolation=nearest",
                  "align_corners=false");
}

static void
test_gradient_bilinear (void)
{
  check_gradient (nn_shape_3d (2, 3, 4), 2, 13, "size=2", "size_width=0", "interpolation=bilinear",
                  "align_corners=false");
  check_gradient (nn_shape_3d (2, 4, 3), 2, 14, "size=3", "size_width=2", "interpolation=bilinear",
                  "align_corners=false");
  check_gradient (nn_shape_3d (1, 1, 3), 2, 15, "size=1", "size_width=4", "interpolation=bilinear",
                  "align_corners=false");
}

static void
test_gradient_bilinear_align_corners (void)
{
  check_gradient (nn_shape_3d (2, 3, 4), 2, 16, "size=2", "size_width=0", "interpolation=bilinear",
                  "align_corners=true");
  check_gradient (nn_shape_3d (1, 3, 2), 2, 17, "size=4", "size_width=3", "interpolation=bilinear",
                  "align_corners=true");
  check_gradient (nn_shape_3d (2, 1, 4), 1, 18, "size=2", "size_width=3", "interpolation=bilinear",
                  "align_corners=true");
}

static void
test_torch (void)
{
  layer_check_torch ("upsampling-forms", 1e-4);
}

/* A project from before these settings names only "size": the layer must
 * stay the square nearest enlargement it was. */
static void
test_defaults_keep_old_behaviour (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (3, 5, 7), out;

  layer_desc_make (&d, "upsampling2d", "size=3", NULL);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "size_width"), ==, 0);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "interpolation"), ==, 0);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "align_corners"), ==, 0);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[0], ==, 3);
  g_assert_cmpint (out.dim[1], ==, 15);
  g_assert_cmpint (out.dim[2], ==, 21);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 3.0 * 15 * 21);
}

static void
test_output_shapes (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 5, 7), out, wide = nn_shape_3d (1, 4, 20000);

  layer_desc_make (&d, "upsampling2d", "size=2", "size_width=3", "interpolation=bilinear", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 10);
  g_assert_cmpint (out.dim[2], ==, 21);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 8.0 * 2 * 10 * 21);
  /* only the width factor makes this one too wide */
  layer_desc_make (&d, "upsampling2d", "size=1", "size_width=4", NULL);
  layer_check_infer_error (&d, &wide, 1, "too large");
  layer_desc_make (&d, "upsampling2d", "size=4", "size_width=1", NULL);
  g_assert_true (d.ops->infer (&d, &wide, 1, &out, NULL));
}

/* Bilinear with align_corners keeps the input's corner values exactly and
 * blends linearly between them: a ramp stays a ramp. */
static void
test_align_corners_ramp (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (1, 2, 3);
  layer_run *r;

  layer_desc_make (&d, "upsampling2d", "size=2", "interpolation=bilinear", "align_corners=true",
                   NULL);
  r = layer_run_new (&d, &in, 1, 1, 3);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++)
      r->in[0][y * 3 + x] = (float) (10 * y + x);
  layer_run_forward (r);
  /* 4 × 6 output: row y maps to y/3 and column x to 2x/5 */
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 6; x++)
      g_assert_cmpfloat_with_epsilon (r->out[y * 6 + x], 10.0 * y / 3.0 + 2.0 * x / 5.0, 1e-5);
  layer_run_free (r);
}

/* Export writes Resize with per-axis scales and the mode; import must read
 * back the same settings, and both models compute the same outputs. */
static void
check_onnx_round_trip (const char *size, const char *size_w, const char *interpolation,
                       const char *align)
{
  nn_layer_desc want, got;

  layer_desc_make (&want, "upsampling2d", size, size_w, interpolation, align, NULL);
  test_onnx_round_trip_layer (&want, 2, 3, 4, &got);
  for (int i = 0; i < want.ops->n_params; i++)
    g_assert_cmpfloat (got.p[i], ==, want.p[i]);
}

static void
test_onnx_round_trip (void)
{
  check_onnx_round_trip ("size=2", "size_width=0", "interpolation=nearest", "align_corners=false");
  check_onnx_round_trip ("size=2", "size_width=3", "interpolation=nearest", "align_corners=false");
  check_onnx_round_trip ("size=3", "size_width=2", "interpolation=bilinear", "align_corners=false");
  check_onnx_round_trip ("size=1", "size_width=4", "interpolation=bilinear", "align_corners=true");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/upsampling2d/gradient-nearest-non-square",
                   test_gradient_nearest_non_square);
  g_test_add_func ("/engine/upsampling2d/gradient-bilinear", test_gradient_bilinear);
  g_test_add_func ("/engine/upsampling2d/gradient-bilinear-align-corners",
                   test_gradient_bilinear_align_corners);
  g_test_add_func ("/engine/upsampling2d/torch", test_torch);
  g_test_add_func ("/engine/upsampling2d/defaults-keep-old-behaviour",
                   test_defaults_keep_old_behaviour);
  g_test_add_func ("/engine/upsampling2d/output-shapes", test_output_shapes);
  g_test_add_func ("/engine/upsampling2d/align-corners-ramp", test_align_corners_ramp);
  g_test_add_func ("/engine/upsampling2d/onnx-round-trip", test_onnx_round_trip);
  return g_test_run ();
}
