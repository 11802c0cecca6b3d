/* dropout.c — inverted dropout: while training, each value is zeroed with
 * probability `rate` and the survivors scaled by 1/(1 − rate), so inference
 * is the identity and needs no rescaling. The mask (0 or the scale) is kept
 * in scratch for backward. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

static const nn_param_spec dropout_params[] = {
  { "rate", N_ ("Rate"), N_ ("Fraction of values zeroed at random while training"), NN_PARAM_FLOAT,
    0.0, 0.95, 0.5 },
};

static gboolean
dropout_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  if (nn_shape_size (&in[0]) == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("the input has no values"));
      return FALSE;
    }
  *out = in[0];
  return TRUE;
}

static gsize
dropout_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                      int batch)
{
  return (gsize) batch * nn_shape_size (out);
}

static gboolean
dropout_active (const nn_layer_ctx *c)
{
  return c->training && c->desc->p[0] > 0.0;
}

static void
dropout_forward (nn_layer_ctx *c)
{
  const gsize n = (gsize) c->batch * nn_shape_size (c->out_shape);
  const float rate = (float) c->desc->p[0], scale = 1.0f / (1.0f - rate);
  const float *x = c->in[0];

  if (!dropout_active (c))
    {
      memcpy (c->out, x, sizeof (float) * n);
      return;
    }
  /* One draw per value in order, so the same seed gives the same mask
   * whatever the thread count. */
  for (gsize i = 0; i < n; i++)
    {
      c->scratch[i] = nn_rng_uniform (c->rng) >= rate ? scale : 0.0f;
      c->out[i] = x[i] * c->scratch[i];
    }
}

static void
dropout_backward (nn_layer_ctx *c)
{
  const long n = (long) c->batch * nn_shape_size (c->out_shape);
  const gboolean active = dropout_active (c);
  float *dx = c->d_in[0];

  if (dx == NULL)
    return;
#pragma omp parallel for num_threads(nn_threads_get()) if (n > NN_PARALLEL_MIN)
  for (long i = 0; i < n; i++)
    dx[i] += active ? c->d_out[i] * c->scratch[i] : c->d_out[i];
}

static double
dropout_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_dropout_ops = {
  .id = "dropout",
  .name = N_ ("Dropout"),
  .summary = N_ ("Zeroes random values while training, so the model cannot rely on any one"),
  .group = NN_GROUP_CORE,
  .params = dropout_params,
  .n_params = G_N_ELEMENTS (dropout_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = dropout_infer,
  .scratch_size = dropout_scratch_size,
  .forward = dropout_forward,
  .backward = dropout_backward,
  .flops = dropout_flops,
};
