/* conv2d.c — 2-D convolution (cross-correlation, as PyTorch) through
 * im2col and one GEMM over the whole batch.
 *
 * Padding "valid" uses none. Padding "same" gives out = ceil(in / stride):
 * for stride 1 that is PyTorch's padding='same'; for larger strides it is
 * TensorFlow's SAME. The total padding (out − 1)·stride + kernel − in is
 * split with the odd pixel at the bottom/right, as both libraries do.
 *
 * Scratch: the column matrix [C·k·k × N·OH·OW] (kept for dW, then reused for
 * dcols) and the product [F × N·OH·OW] before it is laid out as NCHW. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "init.h"
#include "kernels/gemm.h"
#include "kernels/im2col.h"
#include "kernels/reduce.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_FILTERS,
  P_KERNEL,
  P_STRIDE,
  P_PADDING,
  P_USE_BIAS
};
enum
{
  PAD_VALID,
  PAD_SAME
};

static const char *const padding_choices[] = { "valid", "same", NULL };
static const char *const padding_labels[] = { N_ ("Valid (no padding)"),
                                              N_ ("Same (keep the size)"), NULL };

static const nn_param_spec conv2d_params[] = {
  [P_FILTERS] = { "filters", N_ ("Filters"), N_ ("Output channels: one learnt pattern each"),
                  NN_PARAM_INT, 1, 4096, 32 },
  [P_KERNEL] = { "kernel", N_ ("Kernel size"), N_ ("Width and height of each filter in pixels"),
                 NN_PARAM_INT, 1, 31, 3 },
  [P_STRIDE] = { "stride", N_ ("Stride"), N_ ("Step between filter positions; 2 halves the size"),
                 NN_PARAM_INT, 1, 16, 1 },
  [P_PADDING] = { "padding", N_ ("Padding"),
                  N_ ("Valid shrinks the image by the kernel; same keeps it (divided by the "
                      "stride)"),
                  NN_PARAM_ENUM, 0, 1, PAD_VALID, padding_choices, padding_labels },
  [P_USE_BIAS] = { "use_bias", N_ ("Use bias"), N_ ("Add a learnt offset to every filter"),
                   NN_PARAM_BOOL, 0, 1, 1 },
};

static void
conv_geom (const nn_layer_desc *d, const nn_shape *in, nn_conv_geom *g)
{
  const int k = nn_param_int (d, P_KERNEL), s = nn_param_int (d, P_STRIDE);

  *g = (nn_conv_geom){
    .c = in->dim[0], .h = in->dim[1], .w = in->dim[2], .kh = k, .kw = k, .sh = s, .sw = s
  };
  if (nn_param_int (d, P_PADDING) == PAD_SAME)
    {
      g->oh = (g->h + s - 1) / s;
      g->ow = (g->w + s - 1) / s;
      g->pt = MAX ((g->oh - 1) * s + k - g->h, 0) / 2;
      g->pl = MAX ((g->ow - 1) * s + k - g->w, 0) / 2;
    }
  else
    {
      g->oh = g->h >= k ? (g->h - k) / s + 1 : 0;
      g->ow = g->w >= k ? (g->w - k) / s + 1 : 0;
    }
}

static gboolean
conv2d_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  nn_conv_geom g;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  conv_geom (d, &in[0], &g);
  if (g.oh <= 0 || g.ow <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("a %d×%d kernel does not fit its %d×%d input — use a smaller kernel, "
                      "'same' padding, or remove a pooling layer before it"),
                   g.kh, g.kw, g.h, g.w);
      return FALSE;
    }
  *out = nn_shape_3d (nn_param_int (d, P_FILTERS), g.oh, g.ow);
  return TRUE;
}

static int
conv2d_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                nn_weight_info *info)
{
  const int f = nn_param_int (d, P_FILTERS), k = nn_param_int (d, P_KERNEL);

  info[0] = (nn_weight_info){ "weight", { 4, { f, in->dim[0], k, k } }, TRUE };
  if (!nn_param_bool (d, P_USE_BIAS))
    return 1;
  info[1] = (nn_weight_info){ "bias", nn_shape_1d (f), FALSE };
  return 2;
}

static gsize
conv2d_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                     int batch)
{
  nn_conv_geom g;

  conv_geom (d, &in[0], &g);
  return ((gsize) nn_conv_geom_rows (&g) + nn_param_int (d, P_FILTERS)) * batch * g.oh * g.ow;
}

static void
conv2d_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
             float *w, float *state, nn_rng *rng)
{
  const int f = nn_param_int (d, P_FILTERS), k = nn_param_int (d, P_KERNEL);
  const gsize n = (gsize) f * in->dim[0] * k * k;

  nn_init_fill (init, w, n, in->dim[0] * k * k, f * k * k, rng);
  if (nn_param_bool (d, P_USE_BIAS))
    memset (w + n, 0, sizeof (float) * f);
}

static void
conv2d_forward (nn_layer_ctx *c)
{
  const int f = nn_param_int (c->desc, P_FILTERS);
  const gboolean use_bias = nn_param_bool (c->desc, P_USE_BIAS);
  nn_conv_geom g;
  long rows, plane, cols, jobs;
  float *col = c->scratch, *prod;
  const float *bias;

  conv_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  plane = (long) g.oh * g.ow;
  cols = plane * c->batch;
  prod = col + rows * cols;
  bias = c->w + (gsize) f * rows;

  nn_im2col (&g, c->batch, c->in[0], col);
  nn_gemm (FALSE, FALSE, f, (int) cols, (int) rows, 1.0f, c->w, (int) rows, col, (int) cols, 0.0f,
           prod, (int) cols);

  /* [F × N·P] → N × F × P, adding the bias on the way. */
  jobs = (long) c->batch * f;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const long n = job / f, fi = job % f;
      const float *src = prod + fi * cols + n * plane;
      float *dst = c->out + job * plane;
      const float b = use_bias ? bias[fi] : 0.0f;

      for (long p = 0; p < plane; p++)
        dst[p] = src[p] + b;
    }
}

static void
conv2d_backward (nn_layer_ctx *c)
{
  const int f = nn_param_int (c->desc, P_FILTERS);
  nn_conv_geom g;
  long rows, plane, cols, jobs;
  float *col = c->scratch, *dprod;

  conv_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  plane = (long) g.oh * g.ow;
  cols = plane * c->batch;
  dprod = col + rows * cols;

  /* N × F × P → [F × N·P], the layout the GEMMs need. */
  jobs = (long) c->batch * f;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const long n = job / f, fi = job % f;
      memcpy (dprod + fi * cols + n * plane, c->d_out + job * plane, sizeof (float) * plane);
    }

  /* dW = dY · colsᵀ */
  nn_gemm (FALSE, TRUE, f, (int) rows, (int) cols, 1.0f, dprod, (int) cols, col, (int) cols, 0.0f,
           c->dw, (int) rows);
  if (nn_param_bool (c->desc, P_USE_BIAS))
    {
      float *db = c->dw + (gsize) f * rows;
#pragma omp parallel for num_threads(nn_threads_get()) if (f * cols > NN_PARALLEL_MIN)
      for (int fi = 0; fi < f; fi++)
        {
          db[fi] = nn_sum_floats (dprod + fi * cols, cols);
        }
    }
  if (c->d_in[0] == NULL)
    return;
  /* dcols = Wᵀ · dY, into the columns' place (they are no longer needed),
   * then folded back onto the image. */
  nn_gemm (TRUE, FALSE, (int) rows, (int) cols, f, 1.0f, c->w, (int) rows, dprod, (int) cols, 0.0f,
           col, (int) cols);
  nn_col2im (&g, c->batch, col, c->d_in[0]);
}

static double
conv2d_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  const int k = nn_param_int (d, P_KERNEL);

  return 2.0 * (double) nn_shape_size (out) * in->dim[0] * k * k;
}

const nn_layer_ops nn_conv2d_ops = {
  .id = "conv2d",
  .name = N_ ("Conv2D"),
  .summary = N_ ("Slides learnt filters over an image to detect local patterns"),
  .group = NN_GROUP_CONVOLUTION,
  .params = conv2d_params,
  .n_params = G_N_ELEMENTS (conv2d_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = conv2d_infer,
  .weights = conv2d_weights,
  .scratch_size = conv2d_scratch_size,
  .init = conv2d_init,
  .forward = conv2d_forward,
  .backward = conv2d_backward,
  .flops = conv2d_flops,
};
