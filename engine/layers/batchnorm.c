/* batchnorm.c — batch normalisation, as PyTorch's BatchNorm1d/2d.
 *
 * Images (C×H×W) are normalised per channel over batch, height and width;
 * vectors (F) per feature over the batch. Training uses the batch's mean and
 * (biased) variance and moves the running statistics towards them by
 * `momentum`, with the unbiased variance as PyTorch does; inference uses the
 * running statistics. Weights: gamma (starts at 1) and beta (0), never
 * decayed. State: running mean (0) and running variance (1).
 * Scratch: the normalised input x̂ and each channel's 1/σ, for backward.
 * Each channel is reduced by one thread in a fixed order. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_MOMENTUM,
  P_EPS
};

static const nn_param_spec batchnorm_params[] = {
  [P_MOMENTUM] = { "momentum", N_ ("Momentum"),
                   N_ ("How fast the running statistics used for inference follow each batch"),
                   NN_PARAM_FLOAT, 0.0, 1.0, 0.1 },
  [P_EPS] = { "eps", N_ ("Epsilon"), N_ ("Added to the variance so that it is never zero"),
              NN_PARAM_FLOAT, 1e-12, 1.0, 1e-5 },
};

/* Channels, and values per channel in one sample. */
static void
bn_layout (const nn_shape *s, long *channels, long *area)
{
  *channels = s->dim[0];
  *area = s->rank == 3 ? (long) s->dim[1] * s->dim[2] : 1;
}

static gboolean
batchnorm_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                 GError **error)
{
  if (in[0].rank != 1 && in[0].rank != 3)
    {
      g_autofree char *got = nn_describe_shape (&in[0]);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("normalises images (per channel) or vectors (per feature), got %s — "
                      "put it after a Dense or Conv2D layer, or add a Flatten before it"),
                   got);
      return FALSE;
    }
  *out = in[0];
  return TRUE;
}

static int
batchnorm_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                   nn_weight_info *info)
{
  info[0] = (nn_weight_info){ "gamma", nn_shape_1d (in->dim[0]), FALSE };
  info[1] = (nn_weight_info){ "beta", nn_shape_1d (in->dim[0]), FALSE };
  return 2;
}

static gsize
batchnorm_state_size (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out)
{
  return 2 * (gsize) in->dim[0];
}

static gsize
batchnorm_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                        int batch)
{
  return (gsize) batch * nn_shape_size (in) + in->dim[0];
}

static void
batchnorm_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
                float *w, float *state, nn_rng *rng)
{
  const int ch = in->dim[0];

  for (int i = 0; i < ch; i++)
    {
      w[i] = 1.0f;
      w[ch + i] = 0.0f;
      state[i] = 0.0f;
      state[ch + i] = 1.0f;
    }
}

static void
batchnorm_forward (nn_layer_ctx *c)
{
  const double momentum = c->desc->p[P_MOMENTUM], eps = c->desc->p[P_EPS];
  long ch, area;

  bn_layout (&c->in_shape[0], &ch, &area);
  const long count = area * c->batch, sample = ch * area;
  const float *gamma = c->w, *beta = c->w + ch;
  float *run_mean = c->state, *run_var = c->state + ch;
  float *xhat = c->scratch, *inv_std = c->scratch + sample * c->batch;

#pragma omp parallel for num_threads(nn_threads_get()) if (count * ch > NN_PARALLEL_MIN)
  for (long k = 0; k < ch; k++)
    {
      double mean, var;

      if (c->training)
        {
          double sum = 0.0, sq = 0.0;
          for (int n = 0; n < c->batch; n++)
            {
              const float *x = c->in[0] + n * sample + k * area;
              for (long i = 0; i < area; i++)
                sum += x[i];
            }
          mean = sum / count;
          for (int n = 0; n < c->batch; n++)
            {
              const float *x = c->in[0] + n * sample + k * area;
              for (long i = 0; i < area; i++)
                sq += (x[i] - mean) * (x[i] - mean);
            }
          var = sq / count;
          run_mean[k] = (float) ((1.0 - momentum) * run_mean[k] + momentum * mean);
          run_var[k] = (float) ((1.0 - momentum) * run_var[k] +
                                momentum * (count > 1 ? sq / (count - 1) : var));
        }
      else
        {
          mean = run_mean[k];
          var = run_var[k];
        }

      const float is = (float) (1.0 / sqrt (var + eps)), m = (float) mean;
      inv_std[k] = is;
      for (int n = 0; n < c->batch; n++)
        {
          const long off = n * sample + k * area;
          const float *x = c->in[0] + off;
          float *xh = xhat + off, *y = c->out + off;
          for (long i = 0; i < area; i++)
            {
              xh[i] = (x[i] - m) * is;
              y[i] = gamma[k] * xh[i] + beta[k];
            }
        }
    }
}

/* Training: dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), because the batch
 * statistics depend on x. Inference: the statistics are constants, so
 * dx = γ/σ · dy. */
static void
batchnorm_backward (nn_layer_ctx *c)
{
  long ch, area;

  bn_layout (&c->in_shape[0], &ch, &area);
  const long count = area * c->batch, sample = ch * area;
  const float *gamma = c->w;
  const float *xhat = c->scratch, *inv_std = c->scratch + sample * c->batch;
  float *dgamma = c->dw, *dbeta = c->dw + ch, *dx_all = c->d_in[0];

#pragma omp parallel for num_threads(nn_threads_get()) if (count * ch > NN_PARALLEL_MIN)
  for (long k = 0; k < ch; k++)
    {
      double sum_dy = 0.0, sum_dy_xh = 0.0;

      for (int n = 0; n < c->batch; n++)
        {
          const long off = n * sample + k * area;
          for (long i = 0; i < area; i++)
            {
              sum_dy += c->d_out[off + i];
              sum_dy_xh += (double) c->d_out[off + i] * xhat[off + i];
            }
        }
      dgamma[k] = (float) sum_dy_xh;
      dbeta[k] = (float) sum_dy;
      if (dx_all == NULL)
        continue;

      const float scale = gamma[k] * inv_std[k];
      const float mean_dy = c->training ? (float) (sum_dy / count) : 0.0f;
      const float mean_dy_xh = c->training ? (float) (sum_dy_xh / count) : 0.0f;
      for (int n = 0; n < c->batch; n++)
        {
          const long off = n * sample + k * area;
          for (long i = 0; i < area; i++)
            dx_all[off + i] += scale * (c->d_out[off + i] - mean_dy - xhat[off + i] * mean_dy_xh);
        }
    }
}

static double
batchnorm_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_batchnorm_ops = {
  .id = "batchnorm",
  .name = N_ ("BatchNorm"),
  .summary = N_ ("Rescales each channel to zero mean and unit variance: steadier training"),
  .group = NN_GROUP_NORMALISATION,
  .params = batchnorm_params,
  .n_params = G_N_ELEMENTS (batchnorm_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = batchnorm_infer,
  .weights = batchnorm_weights,
  .state_size = batchnorm_state_size,
  .scratch_size = batchnorm_scratch_size,
  .init = batchnorm_init,
  .forward = batchnorm_forward,
  .backward = batchnorm_backward,
  .flops = batchnorm_flops,
};
