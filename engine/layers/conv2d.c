/* conv2d.c — 2-D convolution (cross-correlation, as PyTorch) through
 * im2col and one GEMM per group over the whole batch.
 *
 * Padding "valid" uses none. Padding "same" gives out = ceil(in / stride):
 * for stride 1 that is PyTorch's padding='same'; for larger strides it is
 * TensorFlow's SAME. The total padding (out − 1)·stride + kernel − in is
 * split with the odd pixel at the bottom/right, as both libraries do.
 * Padding "explicit" is PyTorch's padding=(ph, pw): that many zeros on each
 * side. The kernel may be kh×kw, the stride sh×sw; dilation spreads the
 * taps (the kernel covers (k − 1)·d + 1 pixels).
 *
 * Groups split the C input channels and F filters into G slices, filter
 * slice g seeing only channel slice g (depthwise: G = C). The weights are
 * PyTorch's [F, C/G, kh, kw]; im2col rows are ordered by channel, so each
 * group's rows are one contiguous block and each group is one GEMM.
 *
 * Scratch: the column matrix [C·kh·kw × N·OH·OW] (kept for dW, then reused
 * for dcols) and the product [F × N·OH·OW] before it is laid out as NCHW.
 *
 * Depthwise layers (one input channel per group, as in MobileNet) skip all
 * that for kernels/depthwise.h, which needs no scratch. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "init.h"
#include "kernels/depthwise.h"
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
  P_USE_BIAS,
  P_KERNEL_W,
  P_STRIDE_W,
  P_PAD,
  P_PAD_W,
  P_DILATION,
  P_GROUPS
};

static const nn_param_spec conv2d_params[] = {
  [P_FILTERS] = { "filters", N_ ("Filters"), N_ ("Output channels: one learnt pattern each"),
                  NN_PARAM_INT, 1, 4096, 32 },
  [P_KERNEL] = { "kernel", N_ ("Kernel size"),
                 N_ ("Height of each filter in pixels, and its width unless Kernel width is set"),
                 NN_PARAM_INT, 1, 31, 3 },
  [P_STRIDE] = { "stride", N_ ("Stride"), N_ ("Step between filter positions; 2 halves the size"),
                 NN_PARAM_INT, 1, 16, 1 },
  [P_PADDING] = { "padding", N_ ("Padding"),
                  N_ ("Valid shrinks the image; same keeps its size (divided by the stride); "
                      "explicit pads by the amounts under More options"),
                  NN_PARAM_ENUM, 0, 2, NN_PAD_VALID, nn_padding_choices, nn_padding_labels },
  [P_USE_BIAS] = { "use_bias", N_ ("Use bias"), N_ ("Add a learnt offset to every filter"),
                   NN_PARAM_BOOL, 0, 1, 1 },
  [P_KERNEL_W] = { "kernel_width", N_ ("Kernel width"),
                   N_ ("Width of each filter in pixels; 0 keeps the kernel square"), NN_PARAM_INT,
                   0, 31, 0, NULL, NULL, TRUE },
  [P_STRIDE_W] = { "stride_width", N_ ("Stride across"),
                   N_ ("Horizontal step between filter positions; 0 uses Stride"), NN_PARAM_INT, 0,
                   16, 0, NULL, NULL, TRUE },
  [P_PAD] = { "pad", N_ ("Padding rows"),
              N_ ("Explicit padding: rows of zeros added above and below the image"), NN_PARAM_INT,
              0, 31, 0, NULL, NULL, TRUE },
  [P_PAD_W] = { "pad_width", N_ ("Padding columns"),
                N_ ("Explicit padding: columns of zeros added left and right; −1 uses Padding "
                    "rows"),
                NN_PARAM_INT, -1, 31, -1, NULL, NULL, TRUE },
  [P_DILATION] = { "dilation", N_ ("Dilation"),
                   N_ ("Distance between the kernel's taps: 2 sees a wider area with the same "
                       "weights"),
                   NN_PARAM_INT, 1, 16, 1, NULL, NULL, TRUE },
  [P_GROUPS] = { "groups", N_ ("Groups"),
                 N_ ("Split channels and filters into this many independent slices; as many as "
                     "input channels makes a depthwise convolution"),
                 NN_PARAM_INT, 1, 4096, 1, NULL, NULL, TRUE },
};

static int
kernel_w (const nn_layer_desc *d)
{
  return nn_param_int_or (d, P_KERNEL_W, nn_param_int (d, P_KERNEL));
}

static int
stride_w (const nn_layer_desc *d)
{
  return nn_param_int_or (d, P_STRIDE_W, nn_param_int (d, P_STRIDE));
}

/* Output size along one axis; pad is the zeros before, *pad set for "same". */
static int
axis_out (int padding, int in, int k, int s, int *pad)
{
  switch (padding)
    {
      case NN_PAD_SAME:
        {
          const int out = (in + s - 1) / s;
          *pad = MAX ((out - 1) * s + k - in, 0) / 2;
          return out;
        }
      case NN_PAD_EXPLICIT:
        return in + 2 * *pad >= k ? (in + 2 * *pad - k) / s + 1 : 0;
      default:
        *pad = 0;
        return in >= k ? (in - k) / s + 1 : 0;
    }
}

static void
conv_geom (const nn_layer_desc *d, const nn_shape *in, nn_conv_geom *g)
{
  const int padding = nn_param_int (d, P_PADDING), dil = nn_param_int (d, P_DILATION);
  const int pad = nn_param_int (d, P_PAD), pad_w = nn_param_int (d, P_PAD_W);

  *g = (nn_conv_geom){ .c = in->dim[0],
                       .h = in->dim[1],
                       .w = in->dim[2],
                       .kh = nn_param_int (d, P_KERNEL),
                       .kw = kernel_w (d),
                       .sh = nn_param_int (d, P_STRIDE),
                       .sw = stride_w (d),
                       .pt = pad,
                       .pl = pad_w >= 0 ? pad_w : pad,
                       .dh = dil,
                       .dw = dil };
  /* the extent a dilated kernel covers */
  g->oh = axis_out (padding, g->h, (g->kh - 1) * dil + 1, g->sh, &g->pt);
  g->ow = axis_out (padding, g->w, (g->kw - 1) * dil + 1, g->sw, &g->pl);
}

/* Each filter sees a single input channel of several: the direct path
 * applies. One channel and one group is left to the GEMM, which for many
 * filters sharing that channel is the faster of the two. */
static gboolean
is_depthwise (const nn_layer_desc *d, const nn_shape *in)
{
  const int groups = nn_param_int (d, P_GROUPS);

  return groups > 1 && in->dim[0] == groups;
}

static gboolean
conv2d_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  const int groups = nn_param_int (d, P_GROUPS), f = nn_param_int (d, P_FILTERS);
  nn_conv_geom g;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  if (in[0].dim[0] % groups != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%d input channels do not split into %d groups — make Groups a divisor "
                      "of the channels"),
                   in[0].dim[0], groups);
      return FALSE;
    }
  if (f % groups != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%d filters do not split into %d groups — make Filters a multiple of "
                      "Groups"),
                   f, groups);
      return FALSE;
    }
  conv_geom (d, &in[0], &g);
  if (g.oh <= 0 || g.ow <= 0)
    {
      const int dil = nn_param_int (d, P_DILATION);

      if (dil > 1)
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                     _ ("a %d×%d kernel with dilation %d spans %d×%d pixels and does not fit "
                        "its %d×%d input — use a smaller kernel or dilation, or more padding"),
                     g.kh, g.kw, dil, (g.kh - 1) * dil + 1, (g.kw - 1) * dil + 1, g.h, g.w);
      else
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
  const int f = nn_param_int (d, P_FILTERS), kh = nn_param_int (d, P_KERNEL);

  info[0] = (nn_weight_info){
    "weight", { 4, { f, in->dim[0] / nn_param_int (d, P_GROUPS), kh, kernel_w (d) } }, TRUE
  };
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

  if (is_depthwise (d, &in[0]))
    return 0;
  conv_geom (d, &in[0], &g);
  return ((gsize) nn_conv_geom_rows (&g) + nn_param_int (d, P_FILTERS)) * batch * g.oh * g.ow;
}

static void
conv2d_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
             float *w, float *state, nn_rng *rng)
{
  const int f = nn_param_int (d, P_FILTERS), kk = nn_param_int (d, P_KERNEL) * kernel_w (d);
  const int cg = in->dim[0] / nn_param_int (d, P_GROUPS);
  const gsize n = (gsize) f * cg * kk;

  /* fans as PyTorch counts them: a filter sees C/G channels */
  nn_init_fill (init, w, n, cg * kk, f * kk, rng);
  if (nn_param_bool (d, P_USE_BIAS))
    memset (w + n, 0, sizeof (float) * f);
}

static void
conv2d_forward (nn_layer_ctx *c)
{
  const int f = nn_param_int (c->desc, P_FILTERS), groups = nn_param_int (c->desc, P_GROUPS);
  const int fg = f / groups;
  const gboolean use_bias = nn_param_bool (c->desc, P_USE_BIAS);
  nn_conv_geom g;
  long rows, rg, plane, cols, jobs;
  float *col = c->scratch, *prod;
  const float *bias;

  conv_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  rg = rows / groups;
  bias = c->w + (gsize) f * rg;
  if (is_depthwise (c->desc, &c->in_shape[0]))
    {
      nn_depthwise_forward (&g, c->batch, f, c->in[0], c->w, use_bias ? bias : NULL, c->out);
      return;
    }
  plane = (long) g.oh * g.ow;
  cols = plane * c->batch;
  prod = col + rows * cols;

  nn_im2col (&g, c->batch, c->in[0], col);
  for (int gi = 0; gi < groups; gi++)
    nn_gemm (FALSE, FALSE, fg, (int) cols, (int) rg, 1.0f, c->w + gi * fg * rg, (int) rg,
             col + gi * rg * cols, (int) cols, 0.0f, prod + gi * fg * cols, (int) cols);

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
  const int f = nn_param_int (c->desc, P_FILTERS), groups = nn_param_int (c->desc, P_GROUPS);
  const int fg = f / groups;
  nn_conv_geom g;
  long rows, rg, plane, cols, jobs;
  float *col = c->scratch, *dprod;

  conv_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  rg = rows / groups;
  if (is_depthwise (c->desc, &c->in_shape[0]))
    {
      nn_depthwise_backward (&g, c->batch, f, c->in[0], c->w, c->d_out, c->dw,
                             nn_param_bool (c->desc, P_USE_BIAS) ? c->dw + f * rg : NULL,
                             c->d_in[0]);
      return;
    }
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

  /* dW = dY · colsᵀ, group by group */
  for (int gi = 0; gi < groups; gi++)
    nn_gemm (FALSE, TRUE, fg, (int) rg, (int) cols, 1.0f, dprod + gi * fg * cols, (int) cols,
             col + gi * rg * cols, (int) cols, 0.0f, c->dw + gi * fg * rg, (int) rg);
  if (nn_param_bool (c->desc, P_USE_BIAS))
    {
      float *db = c->dw + (gsize) f * rg;
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
  for (int gi = 0; gi < groups; gi++)
    nn_gemm (TRUE, FALSE, (int) rg, (int) cols, fg, 1.0f, c->w + gi * fg * rg, (int) rg,
             dprod + gi * fg * cols, (int) cols, 0.0f, col + gi * rg * cols, (int) cols);
  nn_col2im (&g, c->batch, col, c->d_in[0]);
}

static double
conv2d_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  const int kk = nn_param_int (d, P_KERNEL) * kernel_w (d);

  return 2.0 * (double) nn_shape_size (out) * (in->dim[0] / nn_param_int (d, P_GROUPS)) * kk;
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
