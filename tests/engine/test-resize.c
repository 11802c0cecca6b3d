/* test-resize.c — Resize2D: gradients by finite differences for every
 * interpolation and coordinate mode, enlarging and shrinking, by size and
 * by fractional scale; PyTorch's numbers (tests/fixtures/layers/
 * gen_torch_resize.py → resize.json); sizes and infer's messages; and ONNX
 * export then import giving back the same layer and numbers. */
#include <math.h>

#include "engine-test-util.h"
#include "graph.h"
#include "kernels/threads.h"
#include "layer-check.h"

/* Up to five "id=value" settings; a NULL ends them early. */
static void
check_gradient (nn_shape in, int batch, guint64 seed, const char *a, const char *b, const char *c,
                const char *d, const char *e)
{
  nn_layer_desc desc;
  layer_run *r;

  layer_desc_make (&desc, "resize2d", a, b, c, d, e, NULL);
  r = layer_run_new (&desc, &in, 1, batch, seed);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_gradient_nearest (void)
{
  static const char *const roundings[] = { "nearest_rounding=round_prefer_floor",
                                           "nearest_rounding=round_prefer_ceil",
                                           "nearest_rounding=floor", "nearest_rounding=ceil" };

  for (gsize i = 0; i < G_N_ELEMENTS (roundings); i++)
    {
      check_gradient (nn_shape_3d (2, 3, 4), 2, 21 + i, "interpolation=nearest", "height=7",
                      "width=5", roundings[i], NULL);
      check_gradient (nn_shape_3d (1, 6, 5), 2, 31 + i, "interpolation=nearest", "height=4",
                      "width=2", roundings[i], "coordinates=asymmetric");
    }
}

static void
test_gradient_bilinear (void)
{
  check_gradient (nn_shape_3d (2, 3, 4), 2, 41, "interpolation=bilinear", "height=7", "width=5",
                  NULL, NULL);
  check_gradient (nn_shape_3d (2, 7, 6), 1, 42, "interpolation=bilinear", "height=3", "width=4",
                  "coordinates=align_corners", NULL);
  check_gradient (nn_shape_3d (1, 4, 4), 2, 43, "interpolation=bilinear", "scale=1.6",
                  "scale_width=0.7", NULL, NULL);
}

static void
test_gradient_bicubic (void)
{
  check_gradient (nn_shape_3d (2, 3, 4), 2, 51, "interpolation=bicubic", "height=7", "width=6",
                  NULL, NULL);
  check_gradient (nn_shape_3d (1, 8, 7), 2, 52, "interpolation=bicubic", "height=3", "width=5",
                  "coordinates=align_corners", NULL);
  check_gradient (nn_shape_3d (1, 5, 4), 1, 53, "interpolation=bicubic", "scale=0.6",
                  "scale_width=1.5", "cubic_a=-0.5", "exclude_outside=true");
  check_gradient (nn_shape_3d (2, 2, 3), 1, 54, "interpolation=bicubic", "height=5", "width=1",
                  "exclude_outside=true", NULL);
}

/* Each coordinate mode of ONNX, with the two smooth interpolations. */
static void
test_gradient_coordinates (void)
{
  static const char *const modes[] = { "coordinates=half_pixel", "coordinates=align_corners",
                                       "coordinates=asymmetric", "coordinates=pytorch_half_pixel",
                                       "coordinates=tf_half_pixel_for_nn" };

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      check_gradient (nn_shape_3d (1, 3, 5), 2, 61 + i, "interpolation=bilinear", "scale=1.5",
                      "scale_width=0.8", modes[i], NULL);
      check_gradient (nn_shape_3d (1, 4, 3), 1, 71 + i, "interpolation=bicubic", "height=6",
                      "width=1", modes[i], NULL);
    }
}

static void
test_torch (void)
{
  layer_check_torch ("resize", 1e-4);
}

static void
test_output_shapes (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (3, 10, 7), out;

  /* the defaults: a 32×32 bilinear resize, PyTorch's and Keras's centres */
  layer_desc_make (&d, "resize2d", NULL);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "interpolation"), ==, 1);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "coordinates"), ==, 0);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 3);
  g_assert_cmpint (out.dim[0], ==, 3);
  g_assert_cmpint (out.dim[1], ==, 32);
  g_assert_cmpint (out.dim[2], ==, 32);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 12.0 * 3 * 32 * 32);

  layer_desc_make (&d, "resize2d", "height=5", "width=9", "interpolation=nearest", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 5);
  g_assert_cmpint (out.dim[2], ==, 9);
  g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 3.0 * 5 * 9);

  /* a scale wins over the size and rounds down; the width follows it */
  layer_desc_make (&d, "resize2d", "height=5", "scale=0.45", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 4);
  g_assert_cmpint (out.dim[2], ==, 3);
  layer_desc_make (&d, "resize2d", "scale=1.5", "scale_width=2.5", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.dim[1], ==, 15);
  g_assert_cmpint (out.dim[2], ==, 17);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (2, 10, 7), wide = nn_shape_3d (1, 4, 20000), flat = nn_shape_1d (8);

  layer_desc_make (&d, "resize2d", "scale=0.1", NULL);
  layer_check_infer_error (&d, &in, 1, "leaves no pixel");
  layer_desc_make (&d, "resize2d", "scale=1", "scale_width=4", NULL);
  layer_check_infer_error (&d, &wide, 1, "too large");
  layer_desc_make (&d, "resize2d", NULL);
  layer_check_infer_error (&d, &flat, 1, "image");
}

/* Nearest rounds a point halfway between two pixels as asked: shrinking by
 * 2 with pixel centres puts every output pixel exactly between two. */
static void
test_nearest_ties (void)
{
  static const struct
  {
    const char *rounding;
    float want[3];
  } cases[] = {
    { "nearest_rounding=round_prefer_floor", { 0, 2, 4 } },
    { "nearest_rounding=round_prefer_ceil", { 1, 3, 5 } },
    { "nearest_rounding=floor", { 0, 2, 4 } },
    { "nearest_rounding=ceil", { 1, 3, 5 } },
  };
  nn_shape in = nn_shape_3d (1, 1, 6);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_layer_desc d;
      layer_run *r;

      layer_desc_make (&d, "resize2d", "interpolation=nearest", "height=1", "width=3",
                       cases[i].rounding, NULL);
      r = layer_run_new (&d, &in, 1, 1, 1);
      for (int x = 0; x < 6; x++)
        r->in[0][x] = (float) x;
      layer_run_forward (r);
      for (int x = 0; x < 3; x++)
        g_assert_cmpfloat (r->out[x], ==, cases[i].want[x]);
      layer_run_free (r);
    }
}

/* One plane per job and a fixed order inside it: one thread and two give
 * the same bits, forward and backward, on a batch large enough to be
 * shared out. */
static void
test_threads_same_numbers (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (3, 20, 17);
  layer_run *one, *two;

  layer_desc_make (&d, "resize2d", "height=45", "width=31", "interpolation=bicubic", NULL);
  one = layer_run_new (&d, &in, 1, 8, 5);
  two = layer_run_new (&d, &in, 1, 8, 5);
  nn_threads_set (1);
  layer_run_forward (one);
  layer_run_backward (one);
  nn_threads_set (2);
  layer_run_forward (two);
  layer_run_backward (two);
  nn_threads_set (0);
  g_assert_cmpmem (one->out, one->out_len * sizeof (float), two->out,
                   two->out_len * sizeof (float));
  g_assert_cmpmem (one->d_in[0], one->in_len[0] * sizeof (float), two->d_in[0],
                   two->in_len[0] * sizeof (float));
  layer_run_free (one);
  layer_run_free (two);
}

/* Export writes Resize with sizes or scales and the attributes; import
 * reads back a Resize2D computing the same outputs (with a scale set, the
 * unused height and width need not come back). */
static void
check_onnx_round_trip (const char *a, const char *b, const char *c, const char *e)
{
  nn_layer_desc want, got;

  layer_desc_make (&want, "resize2d", a, b, c, e, NULL);
  test_onnx_round_trip_layer (&want, 2, 5, 4, &got);
}

static void
test_onnx_round_trip (void)
{
  check_onnx_round_trip ("height=7", "width=3", "interpolation=bilinear", NULL);
  check_onnx_round_trip ("height=3", "interpolation=nearest", "coordinates=asymmetric",
                         "nearest_rounding=ceil");
  check_onnx_round_trip ("scale=0.6", "scale_width=1.7", "interpolation=bicubic",
                         "exclude_outside=true");
  check_onnx_round_trip ("height=9", "width=2", "interpolation=bicubic",
                         "coordinates=align_corners");
  check_onnx_round_trip ("scale=2.5", "interpolation=nearest", "coordinates=tf_half_pixel_for_nn",
                         "nearest_rounding=round_prefer_floor");
  check_onnx_round_trip ("height=4", "width=6", "cubic_a=-0.5", "coordinates=pytorch_half_pixel");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/resize2d/gradient-nearest", test_gradient_nearest);
  g_test_add_func ("/engine/resize2d/gradient-bilinear", test_gradient_bilinear);
  g_test_add_func ("/engine/resize2d/gradient-bicubic", test_gradient_bicubic);
  g_test_add_func ("/engine/resize2d/gradient-coordinates", test_gradient_coordinates);
  g_test_add_func ("/engine/resize2d/torch", test_torch);
  g_test_add_func ("/engine/resize2d/output-shapes", test_output_shapes);
  g_test_add_func ("/engine/resize2d/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/resize2d/nearest-ties", test_nearest_ties);
  g_test_add_func ("/engine/resize2d/threads-same-numbers", test_threads_same_numbers);
  g_test_add_func ("/engine/resize2d/onnx-round-trip", test_onnx_round_trip);
  return g_test_run ();
}
