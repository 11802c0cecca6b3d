/* conv2d_transpose.c — transposed 2-D convolution (Keras's Conv2DTranspose,
 * PyTorch's ConvTranspose2d): the way up in a decoder or a generator, each
 * input pixel stamping a learnt F×k×k patch into a larger output.
 *
 * It is the adjoint of a Conv2D that would take the output back to the
 * input, so it reuses that convolution's geometry: forward is one GEMM
 * (Wᵀ · x, the columns) and col2im; backward is im2col of the output
 * gradient and two GEMMs. Weights are PyTorch's layout [C_in, F, kh, kw].
 *
 * Sizes are Keras's: padding "valid" gives (in − 1)·stride + kernel;
 * "same" gives in·stride, cropping the full result by kernel − stride
 * pixels with the odd one at the bottom/right (as TensorFlow). PyTorch has
 * no padding setting for the odd case: its full output, cropped, matches.
 * "explicit" is PyTorch's: (in − 1)·stride − 2·pad + (kernel − 1)·dilation
 * + 1 + output_padding, the last adding rows/columns at the bottom/right.
 * Kernel and stride may differ across (kernel_width, stride_width).
 *
 * Scratch: the input as [C_in × N·H·W] (kept for dW, reused for dx) and
 * the columns [F·kh·kw × N·H·W]. */
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
  P_USE_BIAS,
  P_KERNEL_W,
  P_STRIDE_W,
  P_PAD,
  P_PAD_W,
  P_OUTPUT_PADDING,
  P_DILATION
};

/* Stride 2 and same padding by default: the usual use is to double an
 * image's size in a decoder. */
static const nn_param_spec conv2d_transpose_params[] = {
  [P_FILTERS] = { "filters", N_ ("Filters"), N_ ("Output channels: one learnt pattern each"),
                  NN_PARAM_INT, 1, 4096, 32 },
  [P_KERNEL] = { "kernel", N_ ("Kernel size"),
                 N_ ("Height of the patch each input pixel stamps, and its width unless Kernel "
                     "width is set"),
                 NN_PARAM_INT, 1, 31, 3 },
  [P_STRIDE] = { "stride", N_ ("Stride"), N_ ("Step between stamped patches; 2 doubles the size"),
                 NN_PARAM_INT, 1, 16, 2 },
  [P_PADDING] = { "padding", N_ ("Padding"),
                  N_ ("Same multiplies the size by the stride; valid also grows it by the kernel "
                      "minus one; explicit crops the amounts given under More options"),
                  NN_PARAM_ENUM, 0, 2, NN_PAD_SAME, nn_padding_choices, nn_padding_labels },
  [P_USE_BIAS] = { "use_bias", N_ ("Use bias"), N_ ("Add a learnt offset to every filter"),
                   NN_PARAM_BOOL, 0, 1, 1 },
  [P_KERNEL_W] = { "kernel_width", N_ ("Kernel width"),
                   N_ ("Width of the stamped patch in pixels; 0 keeps the kernel square"),
                   NN_PARAM_INT, 0, 31, 0, NULL, NULL, TRUE },
  [P_STRIDE_W] = { "stride_width", N_ ("Stride across"),
                   N_ ("Horizontal step between stamped patches; 0 uses Stride"), NN_PARAM_INT, 0,
                   16, 0, NULL, NULL, TRUE },
  [P_PAD] = { "pad", N_ ("Padding rows"),
              N_ ("Explicit padding: rows cropped from the top and bottom of the full result"),
              NN_PARAM_INT, 0, 31, 0, NULL, NULL, TRUE },
  [P_PAD_W] = { "pad_width", N_ ("Padding columns"),
                N_ ("Explicit padding: columns cropped left and right; −1 uses Padding rows"),
                NN_PARAM_INT, -1, 31, -1, NULL, NULL, TRUE },
  [P_OUTPUT_PADDING] = { "output_padding", N_ ("Output padding"),
                         N_ ("Explicit padding: extra rows and columns at the bottom/right, "
                             "smaller than the stride"),
                         NN_PARAM_INT, 0, 15, 0, NULL, NULL, TRUE },
  [P_DILATION] = { "dilation", N_ ("Dilation"),
                   N_ ("Distance between the patch's taps: 2 spreads it over a wider area"),
                   NN_PARAM_INT, 1, 16, 1, NULL, NULL, TRUE },
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

/* Output size along one axis for input size in, kernel extent ek (dilated);
 * *pad is the crop at the start, set here unless explicit. */
static gint64
axis_out (int padding, int in, int ek, int s, int out_pad, int *pad)
{
  switch (padding)
    {
      case NN_PAD_SAME:
        *pad = MAX (ek - s, 0) / 2;
        return (gint64) in * s;
      case NN_PAD_EXPLICIT:
        return (gint64) (in - 1) * s - 2 * *pad + ek + out_pad;
      default:
        *pad = 0;
        return (gint64) (in - 1) * s + ek;
    }
}

/* The geometry of the Conv2D going from this layer's output (F × OH × OW)
 * back to its input (C × H × W); FALSE when the output would be empty or
 * too large to hold (then g's sizes are not to be used). */
static gboolean
transpose_geom (const nn_layer_desc *d, const nn_shape *in, nn_conv_geom *g)
{
  const int padding = nn_param_int (d, P_PADDING), dil = nn_param_int (d, P_DILATION);
  const int pad = nn_param_int (d, P_PAD), pad_w = nn_param_int (d, P_PAD_W);
  const int op = padding == NN_PAD_EXPLICIT ? nn_param_int (d, P_OUTPUT_PADDING) : 0;
  gint64 oh, ow;

  *g = (nn_conv_geom){ .c = nn_param_int (d, P_FILTERS),
                       .kh = nn_param_int (d, P_KERNEL),
                       .kw = kernel_w (d),
                       .sh = nn_param_int (d, P_STRIDE),
                       .sw = stride_w (d),
                       .pt = pad,
                       .pl = pad_w >= 0 ? pad_w : pad,
                       .oh = in->dim[1],
                       .ow = in->dim[2],
                       .dh = dil,
                       .dw = dil };
  oh = axis_out (padding, in->dim[1], (g->kh - 1) * dil + 1, g->sh, op, &g->pt);
  ow = axis_out (padding, in->dim[2], (g->kw - 1) * dil + 1, g->sw, op, &g->pl);
  g->h = (int) CLAMP (oh, 0, 65537);
  g->w = (int) CLAMP (ow, 0, 65537);
  return oh > 0 && ow > 0 && oh <= 65536 && ow <= 65536;
}

static gboolean
conv2d_transpose_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                        GError **error)
{
  const int op = nn_param_int (d, P_OUTPUT_PADDING), dil = nn_param_int (d, P_DILATION);
  nn_conv_geom g;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  if (nn_param_int (d, P_PADDING) == NN_PAD_EXPLICIT && op > 0 &&
      (op >= MAX (nn_param_int (d, P_STRIDE), dil) || op >= MAX (stride_w (d), dil)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("an output padding of %d must be smaller than the stride (or the "
                      "dilation) — lower Output padding"),
                   op);
      return FALSE;
    }
  if (!transpose_geom (d, &in[0], &g))
    {
      if (g.h > 65536 || g.w > 65536)
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                     _ ("a stride of %d×%d makes the %d×%d input an image too large to hold — "
                        "use a smaller stride, or shrink the image before it"),
                     g.sh, g.sw, in->dim[1], in->dim[2]);
      else
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                     _ ("padding of %d×%d crops the whole %d×%d result away — use less "
                        "padding"),
                     g.pt, g.pl, in->dim[1], in->dim[2]);
      return FALSE;
    }
  *out = nn_shape_3d (g.c, g.h, g.w);
  return TRUE;
}

static int
conv2d_transpose_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                          nn_weight_info *info)
{
  const int f = nn_param_int (d, P_FILTERS), kh = nn_param_int (d, P_KERNEL);

  info[0] = (nn_weight_info){ "weight", { 4, { in->dim[0], f, kh, kernel_w (d) } }, TRUE };
  if (!nn_param_bool (d, P_USE_BIAS))
    return 1;
  info[1] = (nn_weight_info){ "bias", nn_shape_1d (f), FALSE };
  return 2;
}

static gsize
conv2d_transpose_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in,
                               const nn_shape *out, int batch)
{
  nn_conv_geom g;

  transpose_geom (d, &in[0], &g);
  return ((gsize) nn_conv_geom_rows (&g) + in->dim[0]) * batch * in->dim[1] * in->dim[2];
}

static void
conv2d_transpose_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                       nn_init_kind init, float *w, float *state, nn_rng *rng)
{
  const int f = nn_param_int (d, P_FILTERS), kk = nn_param_int (d, P_KERNEL) * kernel_w (d);
  const int c = in->dim[0];
  const gsize n = (gsize) c * f * kk;

  /* each output pixel of a stride-1 layer sums C·kh·kw products, as a Conv2D */
  nn_init_fill (init, w, n, c * kk, f * kk, rng);
  if (nn_param_bool (d, P_USE_BIAS))
    memset (w + n, 0, sizeof (float) * f);
}

static void
conv2d_transpose_forward (nn_layer_ctx *c)
{
  const int ch = c->in_shape[0].dim[0];
  const gboolean use_bias = nn_param_bool (c->desc, P_USE_BIAS);
  nn_conv_geom g;
  long rows, plane, cols, out_plane, jobs;
  float *xr = c->scratch, *col;

  transpose_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  plane = (long) g.oh * g.ow;
  cols = plane * c->batch;
  col = xr + ch * cols;
  out_plane = (long) g.h * g.w;

  /* N × C × P → [C × N·P] */
  jobs = (long) c->batch * ch;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const long n = job / ch, ci = job % ch;
      memcpy (xr + ci * cols + n * plane, c->in[0] + job * plane, sizeof (float) * plane);
    }

  /* columns = Wᵀ · x: [F·k·k × C] · [C × N·P] */
  nn_gemm (TRUE, FALSE, (int) rows, (int) cols, ch, 1.0f, c->w, (int) rows, xr, (int) cols, 0.0f,
           col, (int) cols);
  memset (c->out, 0, sizeof (float) * c->batch * g.c * out_plane);
  nn_col2im (&g, c->batch, col, c->out);

  if (use_bias)
    {
      const float *bias = c->w + (gsize) ch * rows;
      jobs = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * out_plane > NN_PARALLEL_MIN)
      for (long job = 0; job < jobs; job++)
        {
          const float b = bias[job % g.c];
          float *dst = c->out + job * out_plane;
          for (long p = 0; p < out_plane; p++)
            dst[p] += b;
        }
    }
}

static void
conv2d_transpose_backward (nn_layer_ctx *c)
{
  const int ch = c->in_shape[0].dim[0];
  nn_conv_geom g;
  long rows, plane, cols, out_plane, jobs;
  float *xr = c->scratch, *col;

  transpose_geom (c->desc, &c->in_shape[0], &g);
  rows = nn_conv_geom_rows (&g);
  plane = (long) g.oh * g.ow;
  cols = plane * c->batch;
  col = xr + ch * cols;
  out_plane = (long) g.h * g.w;

  nn_im2col (&g, c->batch, c->d_out, col);
  /* dW = x · columnsᵀ: [C × N·P] · [N·P × F·k·k] */
  nn_gemm (FALSE, TRUE, ch, (int) rows, (int) cols, 1.0f, xr, (int) cols, col, (int) cols, 0.0f,
           c->dw, (int) rows);
  if (nn_param_bool (c->desc, P_USE_BIAS))
    {
      float *db = c->dw + (gsize) ch * rows;
#pragma omp parallel for num_threads(nn_threads_get()) if (c->batch * g.c * out_plane > \
                                                           NN_PARALLEL_MIN)
      for (int fi = 0; fi < g.c; fi++)
        {
          double sum = 0.0;
          for (int n = 0; n < c->batch; n++)
            sum += nn_sum_floats (c->d_out + ((long) n * g.c + fi) * out_plane, out_plane);
          db[fi] = (float) sum;
        }
    }
  if (c->d_in[0] == NULL)
    return;
  /* dx = W · columns, into the input's place (no longer needed), then laid
   * out as NCHW and accumulated */
  nn_gemm (FALSE, FALSE, ch, (int) cols, (int) rows, 1.0f, c->w, (int) rows, col, (int) cols, 0.0f,
           xr, (int) cols);
  jobs = (long) c->batch * ch;
#pragma omp parallel for num_threads(nn_threads_get()) if (jobs * plane > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const long n = job / ch, ci = job % ch;
      const float *src = xr + ci * cols + n * plane;
      float *dst = c->d_in[0] + job * plane;
      for (long p = 0; p < plane; p++)
        dst[p] += src[p];
    }
}

static double
conv2d_transpose_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  const int kk = nn_param_int (d, P_KERNEL) * kernel_w (d);

  return 2.0 * (double) nn_shape_size (in) * nn_param_int (d, P_FILTERS) * kk;
}

const nn_layer_ops nn_conv2d_transpose_ops = {
  .id = "conv2d_transpose",
  .name = N_ ("Conv2DTranspose"),
  .summary = N_ ("Enlarges an image with learnt filters: the way up in a decoder or generator"),
  .group = NN_GROUP_CONVOLUTION,
  .params = conv2d_transpose_params,
  .n_params = G_N_ELEMENTS (conv2d_transpose_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = conv2d_transpose_infer,
  .weights = conv2d_transpose_weights,
  .scratch_size = conv2d_transpose_scratch_size,
  .init = conv2d_transpose_init,
  .forward = conv2d_transpose_forward,
  .backward = conv2d_transpose_backward,
  .flops = conv2d_transpose_flops,
};
