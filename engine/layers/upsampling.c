/* upsampling.c — UpSampling2D: nearest-neighbour enlargement of an image by
 * an integer factor, the cheap way up in a decoder (usually followed by a
 * Conv2D that smooths the blocks). Each input pixel becomes a size × size
 * block, so the gradient of an input pixel is the sum over its block. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_SIZE
};

static const nn_param_spec upsampling_params[] = {
  [P_SIZE] = { "size", N_ ("Factor"),
               N_ ("Each pixel becomes a square of this many pixels a side; 2 doubles the size"),
               NN_PARAM_INT, 1, 16, 2 },
};

static gboolean
upsampling_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                  GError **error)
{
  const int s = nn_param_int (d, P_SIZE);

  if (!nn_require_image (&in[0], error))
    return FALSE;
  if ((gint64) in->dim[1] * s > 65536 || (gint64) in->dim[2] * s > 65536)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("enlarging %d×%d by %d gives an image too large to hold — use a smaller "
                      "factor"),
                   in->dim[1], in->dim[2], s);
      return FALSE;
    }
  *out = nn_shape_3d (in->dim[0], in->dim[1] * s, in->dim[2] * s);
  return TRUE;
}

static void
upsampling_forward (nn_layer_ctx *c)
{
  const int s = nn_param_int (c->desc, P_SIZE);
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const int ow = w * s;
  const long planes = (long) c->batch * c->in_shape[0].dim[0];

#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w * s * s > NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    {
      const float *src = c->in[0] + p * h * w;
      float *dst = c->out + p * (long) h * w * s * s;

      for (int y = 0; y < h * s; y++)
        {
          const float *row = src + (long) (y / s) * w;
          float *o = dst + (long) y * ow;
          for (int x = 0; x < ow; x++)
            o[x] = row[x / s];
        }
    }
}

static void
upsampling_backward (nn_layer_ctx *c)
{
  const int s = nn_param_int (c->desc, P_SIZE);
  const int h = c->in_shape[0].dim[1], w = c->in_shape[0].dim[2];
  const int ow = w * s;
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  float *dx = c->d_in[0];

  if (dx == NULL)
    return;
    /* one plane per job and each block read by the pixel it came from, so
     * the sums do not depend on the thread count */
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w * s * s > NN_PARALLEL_MIN)
  for (long p = 0; p < planes; p++)
    {
      const float *g = c->d_out + p * (long) h * w * s * s;
      float *d = dx + p * h * w;

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            float sum = 0.0f;
            for (int i = 0; i < s; i++)
              for (int j = 0; j < s; j++)
                sum += g[(long) (y * s + i) * ow + x * s + j];
            d[(long) y * w + x] += sum;
          }
    }
}

static double
upsampling_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_upsampling2d_ops = {
  .id = "upsampling2d",
  .name = N_ ("UpSampling2D"),
  .summary = N_ ("Enlarges an image by repeating each pixel: the simple way up in a decoder"),
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
