/* pooling.c — MaxPool2D, AvgPool2D and GlobalAvgPool2D over C×H×W images.
 *
 * Windows never pad: a window that would leave the image is not used (the
 * rows/columns past the last full window are dropped, as PyTorch does by
 * default). Every (sample, channel) plane is independent, so planes are
 * shared out between threads and results do not depend on their count.
 * MaxPool keeps the index of each window's maximum in scratch for backward;
 * ties go to the first maximum in row order, as in PyTorch. */
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
  P_STRIDE
};

static const nn_param_spec pool_params[] = {
  [P_SIZE] = { "size", N_ ("Window size"), N_ ("Width and height of each pooling window"),
               NN_PARAM_INT, 1, 64, 2 },
  [P_STRIDE] = { "stride", N_ ("Stride"),
                 N_ ("Step between windows; 0 uses the window size, so windows do not overlap"),
                 NN_PARAM_INT, 0, 64, 0 },
};

typedef struct
{
  int c, h, w, k, s, oh, ow;
} pool_geom;

static void
pool_geometry (const nn_layer_desc *d, const nn_shape *in, pool_geom *g)
{
  g->c = in->dim[0];
  g->h = in->dim[1];
  g->w = in->dim[2];
  g->k = nn_param_int (d, P_SIZE);
  g->s = nn_param_int (d, P_STRIDE) > 0 ? nn_param_int (d, P_STRIDE) : g->k;
  g->oh = g->h >= g->k ? (g->h - g->k) / g->s + 1 : 0;
  g->ow = g->w >= g->k ? (g->w - g->k) / g->s + 1 : 0;
}

static gboolean
pool_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  pool_geom g;

  if (!nn_require_image (&in[0], error))
    return FALSE;
  pool_geometry (d, &in[0], &g);
  if (g.oh <= 0 || g.ow <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("a %d×%d window does not fit its %d×%d input — use a smaller window, or "
                      "remove a pooling layer or strided convolution before it"),
                   g.k, g.k, g.h, g.w);
      return FALSE;
    }
  *out = nn_shape_3d (g.c, g.oh, g.ow);
  return TRUE;
}

static double
pool_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (in);
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

  pool_geometry (c->desc, &c->in_shape[0], &g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * g.h * g.w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      const float *x = c->in[0] + pl * g.h * g.w;
      float *y = c->out + pl * g.oh * g.ow;
      int32_t *am = argmax + pl * g.oh * g.ow;

      if (g.k == 2 && g.s == 2)
        {
          for (int oy = 0; oy < g.oh; oy++)
            maxpool_row_2x2 (x + 2 * oy * g.w, x + (2 * oy + 1) * g.w, y + oy * g.ow,
                             am + oy * g.ow, g.ow, 2 * oy * g.w, g.w);
          continue;
        }
      for (int oy = 0; oy < g.oh; oy++)
        for (int ox = 0; ox < g.ow; ox++)
          {
            int best = oy * g.s * g.w + ox * g.s;
            for (int i = 0; i < g.k; i++)
              for (int j = 0; j < g.k; j++)
                {
                  const int at = (oy * g.s + i) * g.w + ox * g.s + j;
                  if (x[at] > x[best])
                    best = at;
                }
            y[oy * g.ow + ox] = x[best];
            am[oy * g.ow + ox] = best;
          }
    }
}

static void
maxpool_backward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;
  const int32_t *argmax = (const int32_t *) c->scratch;

  if (c->d_in[0] == NULL)
    return;
  pool_geometry (c->desc, &c->in_shape[0], &g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * g.h * g.w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      float *dx = c->d_in[0] + pl * g.h * g.w;
      const float *dy = c->d_out + pl * g.oh * g.ow;
      const int32_t *am = argmax + pl * g.oh * g.ow;

      for (int o = 0; o < g.oh * g.ow; o++)
        dx[am[o]] += dy[o];
    }
}

const nn_layer_ops nn_maxpool2d_ops = {
  .id = "maxpool2d",
  .name = N_ ("MaxPool2D"),
  .summary = N_ ("Keeps the largest value of each window: a smaller image"),
  .group = NN_GROUP_POOLING,
  .params = pool_params,
  .n_params = G_N_ELEMENTS (pool_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = pool_infer,
  .scratch_size = maxpool_scratch_size,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .flops = pool_flops,
};

/* AvgPool2D */

static void
avgpool_forward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;

  pool_geometry (c->desc, &c->in_shape[0], &g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * g.h * g.w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      const float *x = c->in[0] + pl * g.h * g.w;
      float *y = c->out + pl * g.oh * g.ow;
      const float scale = 1.0f / (g.k * g.k);

      for (int oy = 0; oy < g.oh; oy++)
        for (int ox = 0; ox < g.ow; ox++)
          {
            float sum = 0.0f;
            for (int i = 0; i < g.k; i++)
              for (int j = 0; j < g.k; j++)
                sum += x[(oy * g.s + i) * g.w + ox * g.s + j];
            y[oy * g.ow + ox] = sum * scale;
          }
    }
}

static void
avgpool_backward (nn_layer_ctx *c)
{
  pool_geom g;
  long planes;

  if (c->d_in[0] == NULL)
    return;
  pool_geometry (c->desc, &c->in_shape[0], &g);
  planes = (long) c->batch * g.c;
#pragma omp parallel for num_threads(nn_threads_get()) if (planes * g.h * g.w > NN_PARALLEL_MIN)
  for (long pl = 0; pl < planes; pl++)
    {
      float *dx = c->d_in[0] + pl * g.h * g.w;
      const float *dy = c->d_out + pl * g.oh * g.ow;
      const float scale = 1.0f / (g.k * g.k);

      for (int oy = 0; oy < g.oh; oy++)
        for (int ox = 0; ox < g.ow; ox++)
          {
            const float v = dy[oy * g.ow + ox] * scale;
            for (int i = 0; i < g.k; i++)
              for (int j = 0; j < g.k; j++)
                dx[(oy * g.s + i) * g.w + ox * g.s + j] += v;
          }
    }
}

const nn_layer_ops nn_avgpool2d_ops = {
  .id = "avgpool2d",
  .name = N_ ("AvgPool2D"),
  .summary = N_ ("Averages each window: a smaller, smoother image"),
  .group = NN_GROUP_POOLING,
  .params = pool_params,
  .n_params = G_N_ELEMENTS (pool_params),
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
  .flops = pool_flops,
};
