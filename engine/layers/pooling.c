/* pooling.c — MaxPool2D, AvgPool2D and GlobalAvgPool2D over C×H×W images.
 *
 * Windows are kh×kw with strides sh×sw, as PyTorch's nn.MaxPool2d and
 * nn.AvgPool2d. By default (valid) windows never pad: the rows/columns past
 * the last full window are dropped. 'same' pads as Keras does (out =
 * ceil(in / stride), the odd padded cell at the bottom/right); 'same_lower'
 * is ONNX's SAME_LOWER, the same amounts with the odd cell at the top/left;
 * 'explicit' pads the same amount on both sides, as PyTorch does, but up
 * to the window's span less one as ONNX allows (PyTorch stops at half the
 * window), so that the first window still reads a cell of the image.
 * Padded cells never win a max; an average counts them only with explicit
 * padding and "Count padding" (PyTorch's count_include_pad) — so 'same'
 * averages as Keras does. ceil_mode keeps partial windows at the
 * bottom/right edge with PyTorch's rule (the last window starts inside the
 * image or its top/left padding). With padding below the span every
 * window reaches the image, and the ceil_mode rule keeps the last one from
 * starting past it; only dilation can make a window's taps step over the
 * image, and such a window (which ONNX leaves undefined) is refused when
 * the shape is inferred.
 *
 * Every (sample, channel) plane is independent, so planes are shared out
 * between threads and results do not depend on their count. MaxPool keeps
 * the index of each window's maximum in scratch for backward; ties go to the
 * first maximum in row order, as in PyTorch. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdint.h>

#include "error.h"
#include "kernels/reduce.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_SIZE,
  P_STRIDE,
  P_SIZE_W,
  P_STRIDE_W,
  P_PADDING,
  P_PAD,
  P_PAD_W,
  P_CEIL,
  P_EXTRA /* MaxPool2D: dilation; AvgPool2D: count_pad */
};

/* The padding choices: Conv2D's three (layer-util.h, same ids and values,
 * so saved projects read back unchanged) and ONNX's SAME_LOWER, which only
 * the pooling windows take. */
enum
{
  POOL_PAD_SAME_LOWER = NN_PAD_EXPLICIT + 1
};

static const char *const pool_padding_choices[] = { "valid", "same", "explicit", "same_lower",
                                                    NULL };
static const char *const pool_padding_labels[] = { N_ ("Valid"), N_ ("Same"), N_ ("Explicit"),
                                                   N_ ("Same, extra first"), NULL };

/* The parameters both windows share, in the order of the enum above;
 * laid out by hand because clang-format splits a macro's fields apart. */
// clang-format off
#define POOL_COMMON_PARAMS                                                                      \
  [P_SIZE] = { "size", N_ ("Window size"),                                                       \
               N_ ("Height of each pooling window, and its width unless Window width is set"),  \
               NN_PARAM_INT, 1, 256, 2 },                                                        \
  [P_STRIDE] = { "stride", N_ ("Stride"),                                                        \
                 N_ ("Step between windows; 0 uses the window size, so windows do not "         \
                     "overlap"),                                                                 \
                 NN_PARAM_INT, 0, 256, 0 },                                                      \
  [P_SIZE_W] = { "size_width", N_ ("Window width"),                                              \
                 N_ ("Width of each pooling window; 0 keeps the window square"),                \
                 NN_PARAM_INT, 0, 256, 0, NULL, NULL, TRUE },                                    \
  [P_STRIDE_W] = { "stride_width", N_ ("Stride across"),                                         \
                   N_ ("Horizontal step between windows; 0 uses Stride"),                       \
                   NN_PARAM_INT, 0, 256, 0, NULL, NULL, TRUE },                                  \
  [P_PADDING] = { "padding", N_ ("Padding"),                                                     \
                  N_ ("Valid drops the edge no whole window covers; same keeps the size "       \
                      "(divided by the stride), the odd padded cell at the bottom/right, or "   \
                      "at the top/left as ONNX's SAME_LOWER; explicit pads by the amounts "     \
                      "below. Padding never wins a maximum"),                                    \
                  NN_PARAM_ENUM, 0, 3, NN_PAD_VALID, pool_padding_choices,                       \
                  pool_padding_labels, TRUE },                                                   \
  [P_PAD] = { "pad", N_ ("Padding rows"),                                                        \
              N_ ("Explicit padding: rows added above and below, fewer than the rows the "      \
                  "window spans, so every window reads the image"),                             \
              NN_PARAM_INT, 0, 256, 0, NULL, NULL, TRUE },                                       \
  [P_PAD_W] = { "pad_width", N_ ("Padding columns"),                                             \
                N_ ("Explicit padding: columns added left and right; −1 uses Padding rows"),    \
                NN_PARAM_INT, -1, 256, -1, NULL, NULL, TRUE },                                   \
  [P_CEIL] = { "ceil_mode", N_ ("Keep partial windows"),                                         \
               N_ ("Also pool the windows that run past the bottom/right edge (PyTorch's "      \
                   "ceil_mode)"),                                                                \
               NN_PARAM_BOOL, 0, 1, 0, NULL, NULL, TRUE }
// clang-format on

static const nn_param_spec maxpool_params[] = {
  POOL_COMMON_PARAMS,
  [P_EXTRA] = { "dilation", N_ ("Dilation"),
                N_ ("Spacing between the cells of a window; 1 uses neighbouring cells"),
                NN_PARAM_INT, 1, 16, 1, NULL, NULL, TRUE },
};

static const nn_param_spec avgpool_params[] = {
  POOL_COMMON_PARAMS,
  [P_EXTRA] = { "count_pad", N_ ("Count padding"),
                N_ ("With explicit padding, padded zeros count in the average (PyTorch's "
                    "count_include_pad); same padding never counts them"),
                NN_PARAM_BOOL, 0, 1, 1, NULL, NULL, TRUE },
};

/* One axis of the windows: output o reads cells o·s − pb + i·d, i < k;
 * pe is the padding after the image (the extent an average may count). */
typedef struct
{
  int in, k, s, d, pb, pe, out;
} pool_axis;

typedef struct
{
  int c;
  pool_axis y, x;
  gboolean max, count_pad;
} pool_geom;

static void
pool_axis_setup (pool_axis *a, int in, int k, int s, int d, int mode, int pad, gboolean ceil)
{
  const int span = (k - 1) * d + 1;

  a->in = in;
  a->k = k;
  a->s = s;
  a->d = d;
  if (mode == NN_PAD_SAME || mode == POOL_PAD_SAME_LOWER)
    {
      const int total = MAX (((in + s - 1) / s - 1) * s + span - in, 0);
      const int odd_first = mode == POOL_PAD_SAME_LOWER ? total % 2 : 0;

      a->out = (in + s - 1) / s;
      a->pb = total / 2 + odd_first;
      a->pe = total - a->pb;
      return;
    }
  a->pb = a->pe = mode == NN_PAD_EXPLICIT ? pad : 0;
  if (in + 2 * a->pb < span)
    {
      a->out = 0;
      return;
    }
  a->out = (ceil ? (in + 2 * a->pb - span + s - 1) / s : (in + 2 * a->pb - span) / s) + 1;
  if (ceil && (a->out - 1) * s >= in + a->pb)
    a->out--;
}

static void
pool_geometry (const nn_layer_desc *d, const nn_shape *in, pool_geom *g)
{
  const int kh = nn_param_int (d, P_SIZE);
  const int kw = nn_param_int_or (d, P_SIZE_W, kh);
  const int sh = nn_param_int_or (d, P_STRIDE, kh);
  const int sw = nn_param_int_or (d, P_STRIDE_W, nn_param_int_or (d, P_STRIDE, kw));
  const int mode = nn_param_int (d, P_PADDING), pad = nn_param_int (d, P_PAD);
  const int pad_w = nn_param_int (d, P_PAD_W) >= 0 ? nn_param_int (d, P_PAD_W) : pad;
  const gboolean ceil = nn_param_bool (d, P_CEIL);

  g->max = d->ops == &nn_maxpool2d_ops;
  g->count_pad = !g->max && nn_param_bool (d, P_EXTRA) && mode == NN_PAD_EXPLICIT;
  g->c = in->dim[0];
  pool_axis_setup (&g->y, in->dim[1], kh, sh, g->max ? nn_param_int (d, P_EXTRA) : 1, mode, pad,
                   ceil);
  pool_axis_setup (&g->x, in->dim[2], kw, sw, g->max ? nn_param_int (d, P_EXTRA) : 1, mode, pad_w,
                   ceil);
}

/* The taps i (first..last−1) of output o that fall inside the image. */
static inline void
pool_taps (const pool_axis *a, int o, int *first, int *last)
{
  const int start = o * a->s - a->pb;

  *first = start < 0 ? (-start + a->d - 1) / a->d : 0;
  *last = start > a->in - 1 ? 0 : MIN (a->k, (a->in - 1 - start) / a->d + 1);
}

/* TRUE when every window of the axis reads at least one cell of the image;
 * dilation with padding can make an edge window read only padding. */
static gboolean
pool_axis_covered (const pool_axis *a)
{
  for (int o = 0; o < a->out; o++)
    {
      int first, last;

      pool_taps (a, o, &first, &last);
      if (first >= last)
        return FALSE;
    }
  return TRUE;
}

static gboolean
pool_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  pool_geom g;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  pool_geometry (d, &in[0], &g);
  /* the first window's last tap, at span − 1 − pb, must be in the image */
  if (g.y.pb > (g.y.k - 1) * g.y.d || g.x.pb > (g.x.k - 1) * g.x.d)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("padding of %d×%d leaves the first %d×%d window wholly in padding — pad at "
                      "most %d×%d (the window's span less one), or make the window larger"),
                   g.y.pb, g.x.pb, (g.y.k - 1) * g.y.d + 1, (g.x.k - 1) * g.x.d + 1,
                   (g.y.k - 1) * g.y.d, (g.x.k - 1) * g.x.d);
      return FALSE;
    }
  if (g.y.out <= 0 || g.x.out <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("a %d×%d window does not fit its %d×%d input — use a smaller window, "
                      "'same' padding, or remove a pooling layer or strided convolution before "
                      "it"),
                   (g.y.k - 1) * g.y.d + 1, (g.x.k - 1) * g.x.d + 1, g.y.in, g.x.in);
      return FALSE;
    }
  if (!pool_axis_covered (&g.y) || !pool_axis_covered (&g.x))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("with this padding and dilation a window at the edge of the %d×%d input "
                      "covers only padding — use less padding or a smaller dilation"),
                   g.y.in, g.x.in);
      return FALSE;
    }
  *out = nn_shape_3d (g.c, g.y.out, g.x.out);
  return TRUE;
}

/* One comparison or addition per window cell. */
static double
pool_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  pool_geom g;

  pool_geometry (d, &in[0], &g);
  return (double) nn_shape_size (out) * g.y.k * g.x.k;
}

/* No padding, no dilation and every window whole (the default layer, and
 * any valid window and stride): the loops that need no edge checks. */
static gboolean
pool_plain (const pool_geom *g)
{
  return g->y.pb == 0 && g->x.pb == 0 && g->y.d == 1 && g->x.d == 1 &&
         (g->y.out - 1) * g->y.s + g->y.k <= g->y.in && (g->x.out - 1) * g->x.s + g->x.k <= g->x.in;
}

/* MaxPool2D */

static gsize
maxpool_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                      int batch)
{
  G_STATIC_ASSERT (sizeof (int32_t) == sizeof (float));
  return (gsize) batch * nn_shape_size (out);
}

/* The usual 2×2 window with stride 2, one output row at a time: selects
 * instead of branches so the loop vectorises. Ties keep the first maximum
 * in row-major order, as the general loop below does. */
static void
maxpool_row_2x2 (const float *restrict r0, const float *restrict r1, float *restrict y,
                 int32_t *restrict am, int ow, int32_t at0, int32_t w)
{
  for (int ox = 0; ox < ow; ox++)
    {
      const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
      const int32_t i = at0 + 2 * ox;
      float best = a;
      int32_t at = i;

      at = b > best ? i + 1 : at;
      best = b > best ? b : best;
      at = c > best ? i + w : at;
      best = c > best ? c : best;
      at = d > best ? i + w + 1 : at;
      best = d > best ? d : best;
      y[ox] = best;
      am[ox] = at;
    }
}

static void
maxpool_forward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;
  int32_t *argmax = (int32_t *) c->scratch;
  int h, w, oh, ow;
  gboolean fast;

  pool_geometry (c->desc, &c->in_shape[0], &g);
  h = g.y.in, w = g.x.in, oh = g.y.out, ow = g.x.out;
  fast = pool_plain (&g) && g.y.k == 2 && g.x.k == 2 && g.y.s == 2 && g.x.s == 2;
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      const float *x = c->in[0] + pl * h * w;
      float *y = c->out + pl * oh * ow;
      int32_t *am = argmax + pl * oh * ow;

      if (fast)
        {
          for (int oy = 0; oy < oh; oy++)
            maxpool_row_2x2 (x + 2 * oy * w, x + (2 * oy + 1) * w, y + oy * ow, am + oy * ow, ow,
                             2 * oy * w, w);
          continue;
        }
      for (int oy = 0; oy < oh; oy++)
        {
          const int y0 = oy * g.y.s - g.y.pb;
          int i0, i1;

          pool_taps (&g.y, oy, &i0, &i1);
          for (int ox = 0; ox < ow; ox++)
            {
              const int x0 = ox * g.x.s - g.x.pb;
              int j0, j1, best;

              pool_taps (&g.x, ox, &j0, &j1);
              best = (y0 + i0 * g.y.d) * w + x0 + j0 * g.x.d;
              for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++)
                  {
                    const int at = (y0 + i * g.y.d) * w + x0 + j * g.x.d;
                    if (x[at] > x[best])
                      best = at;
                  }
              y[oy * ow + ox] = x[best];
              am[oy * ow + ox] = best;
            }
        }
    }
}

static void
maxpool_backward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;
  const int32_t *argmax = (const int32_t *) c->scratch;
  int hw, ohw;

  if (c->d_in[0] == NULL)
    return;
  pool_geometry (c->desc, &c->in_shape[0], &g);
  hw = g.y.in * g.x.in;
  ohw = g.y.out * g.x.out;
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * hw > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      float *dx = c->d_in[0] + pl * hw;
      const float *dy = c->d_out + pl * ohw;
      const int32_t *am = argmax + pl * ohw;

      for (int o = 0; o < ohw; o++)
        dx[am[o]] += dy[o];
    }
}

const nn_layer_ops nn_maxpool2d_ops = {
  .id = "maxpool2d",
  .name = N_ ("MaxPool2D"),
  .summary = N_ ("Keeps the largest value of each window: a smaller image"),
  .group = NN_GROUP_POOLING,
  .params = maxpool_params,
  .n_params = G_N_ELEMENTS (maxpool_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = pool_infer,
  .scratch_size = maxpool_scratch_size,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .flops = pool_flops,
};

/* AvgPool2D */

/* The divisor of output (oy, ox) whose taps are i0..i1 × j0..j1: the cells
 * inside the image, or with count_pad also the padding up to pe past the
 * image (PyTorch: a partial window of ceil_mode counts no further). */
static inline float
avgpool_scale (const pool_geom *g, int oy, int ox, int i0, int i1, int j0, int j1)
{
  int n;

  if (g->count_pad)
    {
      const int y0 = oy * g->y.s - g->y.pb, x0 = ox * g->x.s - g->x.pb;
      const int rows = MIN (y0 + g->y.k, g->y.in + g->y.pe) - y0;
      const int cols = MIN (x0 + g->x.k, g->x.in + g->x.pe) - x0;

      n = rows * cols;
    }
  else
    n = (i1 - i0) * (j1 - j0);
  return 1.0f / n;
}

/* The default windows (see pool_plain): every window whole, one scale. */
static void
avgpool_plane_plain (const pool_geom *g, const float *x, float *y)
{
  const int w = g->x.in;
  const float scale = 1.0f / (g->y.k * g->x.k);

  for (int oy = 0; oy < g->y.out; oy++)
    for (int ox = 0; ox < g->x.out; ox++)
      {
        const float *at = x + oy * g->y.s * w + ox * g->x.s;
        float sum = 0.0f;

        for (int i = 0; i < g->y.k; i++)
          for (int j = 0; j < g->x.k; j++)
            sum += at[i * w + j];
        y[oy * g->x.out + ox] = sum * scale;
      }
}

static void
avgpool_plane_plain_backward (const pool_geom *g, float *dx, const float *dy)
{
  const int w = g->x.in;
  const float scale = 1.0f / (g->y.k * g->x.k);

  for (int oy = 0; oy < g->y.out; oy++)
    for (int ox = 0; ox < g->x.out; ox++)
      {
        float *at = dx + oy * g->y.s * w + ox * g->x.s;
        const float v = dy[oy * g->x.out + ox] * scale;

        for (int i = 0; i < g->y.k; i++)
          for (int j = 0; j < g->x.k; j++)
            at[i * w + j] += v;
      }
}

static void
avgpool_forward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;
  int h, w, oh, ow;
  gboolean plain;

  pool_geometry (c->desc, &c->in_shape[0], &g);
  h = g.y.in, w = g.x.in, oh = g.y.out, ow = g.x.out;
  plain = pool_plain (&g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      const float *x = c->in[0] + pl * h * w;
      float *y = c->out + pl * oh * ow;

      if (plain)
        {
          avgpool_plane_plain (&g, x, y);
          continue;
        }
      for (int oy = 0; oy < oh; oy++)
        {
          const int y0 = oy * g.y.s - g.y.pb;
          int i0, i1;

          pool_taps (&g.y, oy, &i0, &i1);
          for (int ox = 0; ox < ow; ox++)
            {
              const int x0 = ox * g.x.s - g.x.pb;
              float sum = 0.0f;
              int j0, j1;

              pool_taps (&g.x, ox, &j0, &j1);
              for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++)
                  sum += x[(y0 + i) * w + x0 + j];
              y[oy * ow + ox] = sum * avgpool_scale (&g, oy, ox, i0, i1, j0, j1);
            }
        }
    }
}

static void
avgpool_backward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;
  int h, w, oh, ow;
  gboolean plain;

  if (c->d_in[0] == NULL)
    return;
  pool_geometry (c->desc, &c->in_shape[0], &g);
  h = g.y.in, w = g.x.in, oh = g.y.out, ow = g.x.out;
  plain = pool_plain (&g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * h * w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      float *dx = c->d_in[0] + pl * h * w;
      const float *dy = c->d_out + pl * oh * ow;

      if (plain)
        {
          avgpool_plane_plain_backward (&g, dx, dy);
          continue;
        }
      for (int oy = 0; oy < oh; oy++)
        {
          const int y0 = oy * g.y.s - g.y.pb;
          int i0, i1;

          pool_taps (&g.y, oy, &i0, &i1);
          for (int ox = 0; ox < ow; ox++)
            {
              const int x0 = ox * g.x.s - g.x.pb;
              int j0, j1;
              float v;

              pool_taps (&g.x, ox, &j0, &j1);
              v = dy[oy * ow + ox] * avgpool_scale (&g, oy, ox, i0, i1, j0, j1);
              for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++)
                  dx[(y0 + i) * w + x0 + j] += v;
            }
        }
    }
}

const nn_layer_ops nn_avgpool2d_ops = {
  .id = "avgpool2d",
  .name = N_ ("AvgPool2D"),
  .summary = N_ ("Averages each window: a smaller, smoother image"),
  .group = NN_GROUP_POOLING,
  .params = avgpool_params,
  .n_params = G_N_ELEMENTS (avgpool_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = pool_infer,
  .forward = avgpool_forward,
  .backward = avgpool_backward,
  .flops = pool_flops,
};

/* GlobalAvgPool2D: C×H×W → C, the mean of each channel. */

static gboolean
gap_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  if (!nn_require_image (&in[0], error))
    return FALSE;
  *out = nn_shape_1d (in[0].dim[0]);
  return TRUE;
}

static void
gap_forward (nn_layer_ctx *c)
{
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  const long area = (long) c->in_shape[0].dim[1] * c->in_shape[0].dim[2];

#pragma omp parallel for num_threads(nn_threads_get()) if (planes * area > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      c->out[pl] = nn_sum_floats (c->in[0] + pl * area, area) / (float) area;
    }
}

static void
gap_backward (nn_layer_ctx *c)
{
  const long planes = (long) c->batch * c->in_shape[0].dim[0];
  const long area = (long) c->in_shape[0].dim[1] * c->in_shape[0].dim[2];

  if (c->d_in[0] == NULL)
    return;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * area > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      float *dx = c->d_in[0] + pl * area;
      const float v = c->d_out[pl] / area;
      for (long i = 0; i < area; i++)
        dx[i] += v;
    }
}

/* One addition per input value. */
static double
gap_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (&in[0]);
}

const nn_layer_ops nn_globalavgpool2d_ops = {
  .id = "globalavgpool2d",
  .name = N_ ("GlobalAvgPool2D"),
  .summary = N_ ("Averages each channel over the whole image: one value per channel"),
  .group = NN_GROUP_POOLING,
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = gap_infer,
  .forward = gap_forward,
  .backward = gap_backward,
  .flops = gap_flops,
};
