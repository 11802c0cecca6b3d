/* pixel_shuffle.c — PixelShuffle: channels become space, C·r² channels of
 * H×W into C channels of rH×rW (PyTorch's nn.PixelShuffle, TensorFlow's
 * depth_to_space, ONNX's DepthToSpace): the sub-pixel convolution of
 * super-resolution, a Conv2D with r² times the filters followed by this.
 *
 * Output pixel (c, h·r + i, w·r + j) is input pixel (h, w) of one channel:
 * in PyTorch's order (ONNX's CRD) channel c·r² + i·r + j, each output
 * channel's r² sources side by side; in TensorFlow's order (ONNX's DCR,
 * its default) channel (i·r + j)·C + c. Every input value lands in exactly
 * one place, so the gradient is the same mapping backwards. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_FACTOR,
  P_ORDER
};

enum
{
  ORDER_CRD,
  ORDER_DCR
};

static const char *const order_choices[] = { "crd", "dcr", NULL };
static const char *const order_labels[] = { N_ ("PyTorch"), N_ ("TensorFlow"), NULL };

static const nn_param_spec pixel_shuffle_params[] = {
  [P_FACTOR] = { "factor", N_ ("Factor"),
                 N_ ("How many times taller and wider the image gets; the channels must be a "
                     "multiple of its square"),
                 NN_PARAM_INT, 1, 16, 2 },
  [P_ORDER] = { "order", N_ ("Channel order"),
                N_ ("Which input channels fill an output pixel's block: PyTorch's PixelShuffle "
                    "(ONNX CRD) or TensorFlow's depth_to_space (ONNX DCR)"),
                NN_PARAM_ENUM, 0, 1, ORDER_CRD, order_choices, order_labels, TRUE },
};

static gboolean
pixel_shuffle_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                     GError **error)
{
  const int r = nn_param_int (d, P_FACTOR), rr = r * r;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  if (in->dim[0] % rr != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%d channels cannot be shared out into %d×%d blocks — give the layer "
                      "before a multiple of %d channels, or change the factor"),
                   in->dim[0], r, r, rr);
      return FALSE;
    }
  if ((gint64) in->dim[1] * r > 65536 || (gint64) in->dim[2] * r > 65536)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("enlarging %d×%d by %d gives an image too large to hold — use a smaller "
                      "factor"),
                   in->dim[1], in->dim[2], r);
      return FALSE;
    }
  *out = nn_shape_3d (in->dim[0] / rr, in->dim[1] * r, in->dim[2] * r);
  return TRUE;
}

/* What the index of a source value depends on, read once per pass. */
typedef struct
{
  int r, order, channels, h, w;
} shuffle_geom;

static shuffle_geom
shuffle_geom_of (const nn_layer_ctx *c)
{
  return (shuffle_geom){ nn_param_int (c->desc, P_FACTOR), nn_param_int (c->desc, P_ORDER),
                         c->out_shape->dim[0], c->in_shape[0].dim[1], c->in_shape[0].dim[2] };
}

/* Where output pixel (ch, oy, ox) comes from in its sample's input:
 * channel by the order, then pixel (oy / r, ox / r). */
static long
source_index (const shuffle_geom *s, int ch, int oy, int ox)
{
  const int r = s->r, i = oy % r, j = ox % r;
  const long src =
    s->order == ORDER_CRD ? ((long) ch * r + i) * r + j : (long) (i * r + j) * s->channels + ch;

  return (src * s->h + oy / r) * s->w + ox / r;
}

/* One job per output channel of a sample: each reads (or, backward, adds
 * into) r² input planes no other job touches. */
static void
pixel_shuffle_forward (nn_layer_ctx *c)
{
  const shuffle_geom s = shuffle_geom_of (c);
  const int oh = c->out_shape->dim[1], ow = c->out_shape->dim[2];
  const long in_size = nn_shape_size (&c->in_shape[0]), plane = (long) oh * ow;
  const long jobs = (long) c->batch * s.channels;

#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const float *x = c->in[0] + job / s.channels * in_size;
      const int ch = (int) (job % s.channels);
      float *y = c->out + job * plane;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          y[(long) oy * ow + ox] = x[source_index (&s, ch, oy, ox)];
    }
}

static void
pixel_shuffle_backward (nn_layer_ctx *c)
{
  const shuffle_geom s = shuffle_geom_of (c);
  const int oh = c->out_shape->dim[1], ow = c->out_shape->dim[2];
  const long in_size = nn_shape_size (&c->in_shape[0]), plane = (long) oh * ow;
  const long jobs = (long) c->batch * s.channels;

  if (c->d_in[0] == NULL)
    return;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      float *dx = c->d_in[0] + job / s.channels * in_size;
      const int ch = (int) (job % s.channels);
      const float *dy = c->d_out + job * plane;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          dx[source_index (&s, ch, oy, ox)] += dy[(long) oy * ow + ox];
    }
}

static double
pixel_shuffle_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_pixel_shuffle_ops = {
  .id = "pixel_shuffle",
  .name = N_ ("PixelShuffle"),
  .summary = N_ ("Turns channels into pixels: a sharper, larger image from a Conv2D's many "
                 "channels"),
  .group = NN_GROUP_CONVOLUTION,
  .params = pixel_shuffle_params,
  .n_params = G_N_ELEMENTS (pixel_shuffle_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = pixel_shuffle_infer,
  .forward = pixel_shuffle_forward,
  .backward = pixel_shuffle_backward,
  .flops = pixel_shuffle_flops,
};
