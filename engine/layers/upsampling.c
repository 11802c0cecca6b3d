/* upsampling.c — UpSampling2D: enlargement of an image by whole factors
 * (one for the height, one for the width), the cheap way up in a decoder.
 *
 * Nearest copies each input pixel into an fh × fw block (usually followed by
 * a Conv2D that smooths the blocks), so the gradient of an input pixel is the
 * sum over its block. Bilinear blends the four nearest input pixels exactly as
 * PyTorch's F.interpolate (mode='bilinear'): with align_corners off (PyTorch's
 * and Keras's default, ONNX's half_pixel) output pixel centres map to
 * (o + ½)/f − ½ in the input, clamped at 0; with align_corners on the corner
 * pixels of input and output line up and o maps to o·(in − 1)/(out − 1). The
 * gradient spreads each output gradient back over the same four pixels with
 * the same weights. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_SIZE,
  P_SIZE_W,
  P_INTERPOLATION,
  P_ALIGN_CORNERS
};

enum
{
  INTERP_NEAREST,
  INTERP_BILINEAR
};

static const char *const interpolation_choices[] = { "nearest", "bilinear", NULL };
static const char *const interpolation_labels[] = { N_ ("Nearest"), N_ ("Bilinear"), NULL };

static const nn_param_spec upsampling_params[] = {
  [P_SIZE] = { "size", N_ ("Factor"),
               N_ ("Each pixel becomes this many rows, and as many columns unless Factor across "
                   "is set; 2 doubles the size"),
               NN_PARAM_INT, 1, 16, 2 },
  [P_SIZE_W] = { "size_width", N_ ("Factor across"),
                 N_ ("How many times wider the image gets; 0 uses Factor"), NN_PARAM_INT, 0, 16, 0,
                 NULL, NULL, TRUE },
  [P_INTERPOLATION] = { "interpolation", N_ ("Interpolation"),
                        N_ ("Nearest repeats each pixel in blocks; bilinear blends the four "
                            "nearest pixels into smooth ramps"),
                        NN_PARAM_ENUM, 0, 1, INTERP_NEAREST, interpolation_choices,
                        interpolation_labels, TRUE },
  [P_ALIGN_CORNERS] = { "align_corners", N_ ("Align corners"),
                        N_ ("Bilinear only: the corner pixels of the input and output line up "
                            "exactly (PyTorch's align_corners=True)"),
                        NN_PARAM_BOOL, 0, 1, 0, NULL, NULL, TRUE },
};

static int
factor_width (const nn_layer_desc *d)
{
  return nn_param_int_or (d, P_SIZE_W, nn_param_int (d, P_SIZE));
}

static gboolean
upsampling_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                  GError **error)
{
  const int sh = nn_param_int (d, P_SIZE), sw = factor_width (d);

  if (!nn_require_image (&in[0], error))
    return FALSE;
  if ((gint64) in->dim[1] * sh > 65536 || (gint64) in->dim[2] * sw > 65536)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("enlarging %d×%d by %d×%d gives an image too large to hold — use a smaller "
                      "factor"),
                   in->dim[1], in->dim[2], sh, sw);
      return FALSE;
    }
  *out = nn_shape_3d (in->dim[0], in->dim[1] * sh, in->dim[2] * sw);
  return TRUE;
}

/* Where output row/column o falls in an input of n pixels enlarged to
 * n·f: the first of the two pixels blended, whether a second one exists
 * (not past the edge), and the weight of the second. The arithmetic is
 * PyTorch's (area_pixel_compute_source_index), in float as PyTorch's CPU
 * kernel does it, so results agree to the last bits. */
typedef struct
{
  int i0, step;
  float l1;
} bilinear_tap;

static inline bilinear_tap
bilinear_source (int o, int n, int f, gboolean align)
{
  bilinear_tap t;
  float src;

  if (align)
    {
      const int out = n * f;
      const float scale = out > 1 ? (float) (n - 1) / (float) (out - 1) : 0.0f;
      src = scale * (float) o;
    }
  else
    {
      const float scale = 1.0f / (float) f;
      src = scale * ((float) o + 0.5f) - 0.5f;
      if (src < 0.0f)
        src = 0.0f;
    }
  t.i0 = (int) src;
  if (t.i0 > n - 1)
    t.i0 = n - 1;
  t.step = t.i0 < n - 1 ? 1 : 0;
  t.l1 = src - (float) t.i0;
  return t;
}

static void
nearest_forward (const float *src, float *dst, int h, int w, int sh, int sw)
{
  const int ow = w * sw;

  for (int y = 0; y < h * sh; y++)
    {
      const float *row = src + (long) (y / sh) * w;
      float *o = dst + (long) y * ow;
      for (int x = 0; x < ow; x++)
        o[x] = row[x / sw];
    }
}

static void
bilinear_forward (const float *src, float *dst, int h, int w, int sh, int sw, gboolean align)
{
  const int ow = w * sw;

  for (int y = 0; y < h * sh; y++)
    {
      const bilinear_tap ty = bilinear_source (y, h, sh, align);
      const float *r0 = src + (long) ty.i0 * w;
      const float *r1 = r0 + (long) ty.step * w;
      const float h1 = ty.l1, h0 = 1.0f - ty.l1;
      float *o = dst + (long) y * ow;

      for (int x = 0; x < ow; x++)
        {
          const bilinear_tap tx = bilinear_source (x, w, sw, align);
          const float w1 = tx.l1, w0 = 1.0f - tx.l1;
          const int a = tx.i0, b = tx.i0 + tx.step;

          o[x] = h0 * (w0 * r0[a] + w1 * r0[b]) + h1 * (w0 * r1[a] + w1 * r1[b]);
        }
    }
}

static void
upsampling_forward (nn_layer_ctx *c)
{
  const int sh = nn_param_int (c->desc, P_SIZE), sw = factor_width (c->desc);
  const gboolean bilinear = nn_param_int (c->desc, P_INTERPOLATION) == INTERP_BILINEAR;
  const gboolean align = nn_param_bool (c->desc, P_ALIGN_CORNERS);
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const long planes = (long) c->batch * c->in_shape[0].dim[0];

#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w * sh * sw > \
                                                           NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    {
      const float *src = c->in[0] + p * h * w;
      float *dst = c->out + p * (long) h * w * sh * sw;

      if (bilinear)
        bilinear_forward (src, dst, h, w, sh, sw, align);
      else
        nearest_forward (src, dst, h, w, sh, sw);
    }
}

static void
nearest_backward (const float *g, float *d, int h, int w, int sh, int sw)
{
  const int ow = w * sw;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float sum = 0.0f;
        for (int i = 0; i < sh; i++)
          for (int j = 0; j < sw; j++)
            sum += g[(long) (y * sh + i) * ow + x * sw + j];
        d[(long) y * w + x] += sum;
      }
}

static void
bilinear_backward (const float *g, float *d, int h, int w, int sh, int sw, gboolean align)
{
  const int ow = w * sw;

  for (int y = 0; y < h * sh; y++)
    {
      const bilinear_tap ty = bilinear_source (y, h, sh, align);
      float *r0 = d + (long) ty.i0 * w;
      float *r1 = r0 + (long) ty.step * w;
      const float h1 = ty.l1, h0 = 1.0f - ty.l1;
      const float *go = g + (long) y * ow;

      for (int x = 0; x < ow; x++)
        {
          const bilinear_tap tx = bilinear_source (x, w, sw, align);
          const float w1 = tx.l1, w0 = 1.0f - tx.l1;
          const int a = tx.i0, b = tx.i0 + tx.step;

          r0[a] += h0 * w0 * go[x];
          r0[b] += h0 * w1 * go[x];
          r1[a] += h1 * w0 * go[x];
          r1[b] += h1 * w1 * go[x];
        }
    }
}

static void
upsampling_backward (nn_layer_ctx *c)
{
  const int sh = nn_param_int (c->desc, P_SIZE), sw = factor_width (c->desc);
  const gboolean bilinear = nn_param_int (c->desc, P_INTERPOLATION) == INTERP_BILINEAR;
  const gboolean align = nn_param_bool (c->desc, P_ALIGN_CORNERS);
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  float *dx = c->d_in[0];

  if (dx == NULL)
    return;
    /* one plane per job, and within a plane a fixed order, so the sums do
     * not depend on the thread count */
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w * sh * sw > \
                                                           NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    {
      const float *g = c->d_out + p * (long) h * w * sh * sw;
      float *d = dx + p * h * w;

      if (bilinear)
        bilinear_backward (g, d, h, w, sh, sw, align);
      else
        nearest_backward (g, d, h, w, sh, sw);
    }
}

static double
upsampling_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  /* bilinear: four multiply-adds per output value; nearest only copies */
  if (nn_param_int (d, P_INTERPOLATION) == INTERP_BILINEAR)
    return 8.0 * nn_shape_size (out);
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_upsampling2d_ops = {
  .id = "upsampling2d",
  .name = N_ ("UpSampling2D"),
  .summary = N_ ("Enlarges an image by repeating or blending pixels: the simple way up in a "
                 "decoder"),
  .group = NN_GROUP_CONVOLUTION,
  .params = upsampling_params,
  .n_params = G_N_ELEMENTS (upsampling_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = upsampling_infer,
  .forward = upsampling_forward,
  .backward = upsampling_backward,
  .flops = upsampling_flops,
};
