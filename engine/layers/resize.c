/* resize.c — Resize2D: an image brought to any size, larger or smaller, by
 * nearest, bilinear or bicubic interpolation (Keras's Resizing, PyTorch's
 * F.interpolate, ONNX's Resize).
 *
 * Each output pixel is a weighted sum of at most 4×4 input pixels, and the
 * weights factor into one row weight and one column weight. So each axis
 * gets a table of taps: for every output index the input indices (clamped to
 * the edge, as ONNX and PyTorch repeat the border) and their weights. Output
 * row o maps to a real position x in the input by ONNX's
 * coordinate_transformation_mode; interpolation then picks the taps around
 * x: nearest one pixel (rounded by nearest_mode), bilinear two, bicubic four
 * (Keys' kernel with coefficient a, optionally dropping the taps that fall
 * outside and renormalising, ONNX's exclude_outside).
 *
 * The map is linear, so backward is its transpose: each output gradient goes
 * back to the same taps with the same weights. One plane per job and a fixed
 * order within a plane keep the numbers independent of the thread count. The
 * tap tables live in scratch, rebuilt by each forward and backward. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_HEIGHT,
  P_WIDTH,
  P_SCALE,
  P_SCALE_W,
  P_INTERPOLATION,
  P_COORDINATES,
  P_ROUNDING,
  P_CUBIC_A,
  P_EXCLUDE_OUTSIDE
};

enum
{
  INTERP_NEAREST,
  INTERP_BILINEAR,
  INTERP_BICUBIC
};

enum
{
  COORD_HALF_PIXEL,
  COORD_ALIGN_CORNERS,
  COORD_ASYMMETRIC,
  COORD_PYTORCH_HALF_PIXEL,
  COORD_TF_HALF_PIXEL_FOR_NN
};

enum
{
  ROUND_PREFER_FLOOR,
  ROUND_PREFER_CEIL,
  ROUND_FLOOR,
  ROUND_CEIL
};

#define MAX_SIDE 65536
#define MAX_TAPS 4

static const char *const interpolation_choices[] = { "nearest", "bilinear", "bicubic", NULL };
/* short labels: the dropdowns sit in a narrow panel, the help says more */
static const char *const interpolation_labels[] = { N_ ("Nearest"), N_ ("Bilinear"), N_ ("Bicubic"),
                                                    NULL };

static const char *const coordinate_choices[] = { "half_pixel",           "align_corners",
                                                  "asymmetric",           "pytorch_half_pixel",
                                                  "tf_half_pixel_for_nn", NULL };
static const char *const coordinate_labels[] = { N_ ("Pixel centres"), N_ ("Corners"),
                                                 N_ ("Top-left"),      N_ ("PyTorch centres"),
                                                 N_ ("TF nearest"),    NULL };

static const char *const rounding_choices[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
                                                "ceil", NULL };
static const char *const rounding_labels[] = { N_ ("Half down"), N_ ("Half up"), N_ ("Down"),
                                               N_ ("Up"), NULL };

static const nn_param_spec resize_params[] = {
  [P_HEIGHT] = { "height", N_ ("Height"),
                 N_ ("Rows of the resized image, and columns too unless Width is set"),
                 NN_PARAM_INT, 1, MAX_SIDE, 32 },
  [P_WIDTH] = { "width", N_ ("Width"), N_ ("Columns of the resized image; 0 uses Height"),
                NN_PARAM_INT, 0, MAX_SIDE, 0 },
  [P_SCALE] = { "scale", N_ ("Scale"),
                N_ ("When above 0, the image is scaled by this factor instead of taking Height "
                    "and Width (rounded down), and the factor places the pixels, as PyTorch's "
                    "scale_factor"),
                NN_PARAM_FLOAT, 0, 1024, 0, NULL, NULL, TRUE },
  [P_SCALE_W] = { "scale_width", N_ ("Scale across"),
                  N_ ("With Scale set, the factor for the width when it differs; 0 uses Scale"),
                  NN_PARAM_FLOAT, 0, 1024, 0, NULL, NULL, TRUE },
  [P_INTERPOLATION] = { "interpolation", N_ ("Interpolation"),
                        N_ ("Nearest copies the closest pixel; bilinear blends the 2×2 nearest "
                            "pixels; bicubic fits a smooth curve through the 4×4 nearest"),
                        NN_PARAM_ENUM, 0, 2, INTERP_BILINEAR, interpolation_choices,
                        interpolation_labels },
  [P_COORDINATES] = { "coordinates", N_ ("Coordinates"),
                      N_ ("Where output pixels fall in the input: pixel centres line up "
                          "(PyTorch's align_corners=False, Keras), the corner pixels line up, "
                          "or ONNX's other coordinate_transformation_mode formulas"),
                      NN_PARAM_ENUM, 0, 4, COORD_HALF_PIXEL, coordinate_choices, coordinate_labels,
                      TRUE },
  [P_ROUNDING] = { "nearest_rounding", N_ ("Nearest rounding"),
                   N_ ("Nearest only: how a position between two pixels picks one; halves up "
                       "with pixel centres is PyTorch's nearest-exact and Keras's nearest, down "
                       "with asymmetric is PyTorch's nearest"),
                   NN_PARAM_ENUM, 0, 3, ROUND_PREFER_CEIL, rounding_choices, rounding_labels,
                   TRUE },
  [P_CUBIC_A] = { "cubic_a", N_ ("Cubic coefficient"),
                  N_ ("Bicubic only: the kernel's a; −0.75 is PyTorch's and ONNX's, −0.5 "
                      "TensorFlow's"),
                  NN_PARAM_FLOAT, -4, 4, -0.75, NULL, NULL, TRUE },
  [P_EXCLUDE_OUTSIDE] = { "exclude_outside", N_ ("Exclude outside"),
                          N_ ("Bicubic only: taps beyond the border get no weight and the "
                              "others are scaled up to sum to 1, instead of repeating the edge"),
                          NN_PARAM_BOOL, 0, 1, 0, NULL, NULL, TRUE },
};

/* The factor of an axis when one is set, else 0. A width factor alone does
 * not count: the size is either given or scaled, never half and half (ONNX
 * cannot say that). */
static double
axis_scale (const nn_layer_desc *d, int axis)
{
  if (d->p[P_SCALE] <= 0.0)
    return 0.0;
  return axis == 1 && d->p[P_SCALE_W] > 0.0 ? d->p[P_SCALE_W] : d->p[P_SCALE];
}

/* Output pixels along an axis of n, as a 64-bit count so that a huge factor
 * cannot overflow before infer refuses it. */
static gint64
axis_size (const nn_layer_desc *d, int axis, int n)
{
  const double s = axis_scale (d, axis);

  if (s > 0.0)
    return (gint64) floor ((double) n * s);
  if (axis == 1)
    return nn_param_int_or (d, P_WIDTH, nn_param_int (d, P_HEIGHT));
  return nn_param_int (d, P_HEIGHT);
}

static gboolean
resize_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  gint64 oh, ow;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  oh = axis_size (d, 0, in->dim[1]);
  ow = axis_size (d, 1, in->dim[2]);
  if (oh < 1 || ow < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("scaling %d×%d by %g×%g leaves no pixel — use a larger scale (at least "
                      "1/%d×1/%d)"),
                   in->dim[1], in->dim[2], axis_scale (d, 0), axis_scale (d, 1), in->dim[1],
                   in->dim[2]);
      return FALSE;
    }
  if (oh > MAX_SIDE || ow > MAX_SIDE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("resizing %d×%d to %" PRId64 "×%" PRId64
                      " gives an image too large to hold — at most %d pixels a side"),
                   in->dim[1], in->dim[2], oh, ow, MAX_SIDE);
      return FALSE;
    }
  *out = nn_shape_3d (in->dim[0], (int) oh, (int) ow);
  return TRUE;
}

/* The taps of one output index: input indices and weights, n of them. */
typedef struct
{
  int idx[MAX_TAPS];
  float w[MAX_TAPS];
} taps;

static int
taps_per_axis (const nn_layer_desc *d)
{
  static const int n[] = { [INTERP_NEAREST] = 1, [INTERP_BILINEAR] = 2, [INTERP_BICUBIC] = 4 };

  return n[nn_param_int (d, P_INTERPOLATION)];
}

/* Where output index o of m falls in an input of n pixels. With a factor
 * set, ONNX and PyTorch divide by it (and ONNX's align_corners uses the
 * unrounded n·s as the output length); without, the ratio m/n is kept as
 * the exact fraction so that positions that are whole numbers come out
 * whole, and nearest rounds them as the reference implementations do. */
static double
source_position (int coordinates, int o, int n, int m, double s)
{
  const double oc = (double) o + 0.5;

  switch (coordinates)
    {
      case COORD_ALIGN_CORNERS:
        {
          const double length = s > 0.0 ? (double) n * s : (double) m;
          return length > 1.0 ? (double) o * (double) (n - 1) / (length - 1.0) : 0.0;
        }
      case COORD_ASYMMETRIC:
        return s > 0.0 ? (double) o / s : (double) o * n / m;
      case COORD_PYTORCH_HALF_PIXEL:
        if (m <= 1)
          return 0.0;
        return s > 0.0 ? oc / s - 0.5 : oc * n / m - 0.5;
      case COORD_TF_HALF_PIXEL_FOR_NN:
        return s > 0.0 ? oc / s : oc * n / m;
      case COORD_HALF_PIXEL:
      default:
        return s > 0.0 ? oc / s - 0.5 : oc * n / m - 0.5;
    }
}

static int
round_nearest (int rounding, double x)
{
  const double f = floor (x), r = x - f;

  switch (rounding)
    {
      case ROUND_PREFER_FLOOR:
        return (int) f + (r > 0.5);
      case ROUND_PREFER_CEIL:
        return (int) f + (r >= 0.5);
      case ROUND_CEIL:
        return (int) ceil (x);
      case ROUND_FLOOR:
      default:
        return (int) f;
    }
}

/* Keys' cubic kernel at distances 1 + r, r, 1 − r, 2 − r from x, for the
 * pixels floor(x) − 1 … floor(x) + 2, written as ONNX's and PyTorch's
 * reference code writes it. */
static void
cubic_weights (double r, double a, double *c)
{
  const double s = 1.0 - r;

  c[0] = ((a * (r + 1.0) - 5.0 * a) * (r + 1.0) + 8.0 * a) * (r + 1.0) - 4.0 * a;
  c[1] = ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0;
  c[2] = ((a + 2.0) * s - (a + 3.0)) * s * s + 1.0;
  c[3] = ((a * (s + 1.0) - 5.0 * a) * (s + 1.0) + 8.0 * a) * (s + 1.0) - 4.0 * a;
}

/* The tap table of one axis: m entries for an input of n pixels. */
static void
build_taps (const nn_layer_desc *d, int axis, int n, int m, taps *t)
{
  const int interpolation = nn_param_int (d, P_INTERPOLATION);
  const int coordinates = nn_param_int (d, P_COORDINATES);
  const int rounding = nn_param_int (d, P_ROUNDING);
  const double s = axis_scale (d, axis), a = d->p[P_CUBIC_A];
  const gboolean exclude = nn_param_bool (d, P_EXCLUDE_OUTSIDE);

  for (int o = 0; o < m; o++)
    {
      const double x = source_position (coordinates, o, n, m, s);
      const int f = (int) floor (x);
      const double r = x - f;

      if (interpolation == INTERP_NEAREST)
        {
          t[o].idx[0] = CLAMP (round_nearest (rounding, x), 0, n - 1);
          t[o].w[0] = 1.0f;
        }
      else if (interpolation == INTERP_BILINEAR)
        {
          t[o].idx[0] = CLAMP (f, 0, n - 1);
          t[o].idx[1] = CLAMP (f + 1, 0, n - 1);
          t[o].w[0] = (float) (1.0 - r);
          t[o].w[1] = (float) r;
        }
      else
        {
          double c[MAX_TAPS], sum = 0.0;

          cubic_weights (r, a, c);
          for (int k = 0; k < MAX_TAPS; k++)
            {
              const int i = f - 1 + k;
              if (exclude && (i < 0 || i >= n))
                c[k] = 0.0;
              sum += c[k];
              t[o].idx[k] = CLAMP (i, 0, n - 1);
            }
          for (int k = 0; k < MAX_TAPS; k++)
            t[o].w[k] = (float) (exclude && sum != 0.0 ? c[k] / sum : c[k]);
        }
    }
}

static gsize
resize_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                     int batch)
{
  return (gsize) (out->dim[1] + out->dim[2]) * (sizeof (taps) / sizeof (float));
}

/* Row taps then column taps, rebuilt from the parameters. */
static taps *
tap_tables (const nn_layer_ctx *c)
{
  taps *t = (taps *) c->scratch;

  build_taps (c->desc, 0, c->in_shape[0].dim[1], c->out_shape->dim[1], t);
  build_taps (c->desc, 1, c->in_shape[0].dim[2], c->out_shape->dim[2], t + c->out_shape->dim[1]);
  return t;
}

/* For each of the row taps, the columns are blended first and the row
 * results after, in that order, as ONNX's reference and PyTorch do. */
static void
plane_forward (const float *src, float *dst, int w, int oh, int ow, int nt, const taps *ty,
               const taps *tx)
{
  for (int y = 0; y < oh; y++)
    {
      float *o = dst + (long) y * ow;
      for (int x = 0; x < ow; x++)
        {
          float acc = 0.0f;
          for (int i = 0; i < nt; i++)
            {
              const float *row = src + (long) ty[y].idx[i] * w;
              float v = 0.0f;
              for (int j = 0; j < nt; j++)
                v += tx[x].w[j] * row[tx[x].idx[j]];
              acc += ty[y].w[i] * v;
            }
          o[x] = acc;
        }
    }
}

static void
plane_backward (const float *g, float *d, int w, int oh, int ow, int nt, const taps *ty,
                const taps *tx)
{
  for (int y = 0; y < oh; y++)
    {
      const float *go = g + (long) y * ow;
      for (int x = 0; x < ow; x++)
        for (int i = 0; i < nt; i++)
          {
            float *row = d + (long) ty[y].idx[i] * w;
            const float gy = ty[y].w[i] * go[x];
            for (int j = 0; j < nt; j++)
              row[tx[x].idx[j]] += tx[x].w[j] * gy;
          }
    }
}

static void
resize_forward (nn_layer_ctx *c)
{
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const int oh = c->out_shape->dim[1], ow = c->out_shape->dim[2];
  const int nt = taps_per_axis (c->desc);
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  const taps *t = tap_tables (c);

#pragma omp parallel for num_threads(nn_threads_get()) if (planes * oh * ow * nt > NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    plane_forward (c->in[0] + p * h * w, c->out + p * oh * ow, w, oh, ow, nt, t, t + oh);
}

static void
resize_backward (nn_layer_ctx *c)
{
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const int oh = c->out_shape->dim[1], ow = c->out_shape->dim[2];
  const int nt = taps_per_axis (c->desc);
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  float *dx = c->d_in[0];
  const taps *t;

  if (dx == NULL)
    return;
  t = tap_tables (c);
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * oh * ow * nt > NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    plane_backward (c->d_out + p * oh * ow, dx + p * h * w, w, oh, ow, nt, t, t + oh);
}

static double
resize_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  const int nt = taps_per_axis (d);

  /* nearest only copies; the others make nt·(nt + 1) multiply-adds a value */
  if (nt == 1)
    return (double) nn_shape_size (out);
  return 2.0 * nt * (nt + 1) * nn_shape_size (out);
}

const nn_layer_ops nn_resize2d_ops = {
  .id = "resize2d",
  .name = N_ ("Resize2D"),
  .summary = N_ ("Brings an image to any size, larger or smaller, by nearest, bilinear or "
                 "bicubic interpolation"),
  .group = NN_GROUP_CONVOLUTION,
  .params = resize_params,
  .n_params = G_N_ELEMENTS (resize_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = resize_infer,
  .scratch_size = resize_scratch_size,
  .forward = resize_forward,
  .backward = resize_backward,
  .flops = resize_flops,
};
