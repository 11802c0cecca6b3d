/* dense.c — the fully connected layer: y = x · Wᵀ + b, through nn_gemm. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "init.h"
#include "kernels/gemm.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_UNITS,
  P_USE_BIAS
};

static const nn_param_spec dense_params[] = {
  [P_UNITS] = { "units", N_ ("Units"),
                N_ ("Output values; an input of any shape is flattened into one vector first"),
                NN_PARAM_INT, 1, 1 << 20, 64 },
  [P_USE_BIAS] = { "use_bias", N_ ("Use bias"), N_ ("Add a learnt offset to every output"),
                   NN_PARAM_BOOL, 0, 1, 1 },
};

static gboolean
dense_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  if (nn_shape_size (&in[0]) == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("the input has no values"));
      return FALSE;
    }
  *out = nn_shape_1d (nn_param_int (d, P_UNITS));
  return TRUE;
}

static int
dense_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
               nn_weight_info *info)
{
  const int units = out->dim[0], features = (int) nn_shape_size (in);

  info[0] = (nn_weight_info){ "weight", nn_shape_2d (units, features), TRUE };
  if (!nn_param_bool (d, P_USE_BIAS))
    return 1;
  info[1] = (nn_weight_info){ "bias", nn_shape_1d (units), FALSE };
  return 2;
}

static void
dense_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
            float *w, float *state, nn_rng *rng)
{
  const int units = out->dim[0], features = (int) nn_shape_size (in);

  nn_init_fill (init, w, (gsize) units * features, features, units, rng);
  if (nn_param_bool (d, P_USE_BIAS))
    memset (w + (gsize) units * features, 0, sizeof (float) * units);
}

static void
dense_forward (nn_layer_ctx *c)
{
  const int units = c->out_shape->dim[0], features = (int) nn_shape_size (&c->in_shape[0]);
  const gboolean bias = nn_param_bool (c->desc, P_USE_BIAS);

  /* Start from the bias and let the GEMM accumulate onto it. */
  if (bias)
    {
      const float *b = c->w + (gsize) units * features;
      for (int n = 0; n < c->batch; n++)
        memcpy (c->out + (gsize) n * units, b, sizeof (float) * units);
    }
  nn_gemm (FALSE, TRUE, c->batch, units, features, 1.0f, c->in[0], features, c->w, features,
           bias ? 1.0f : 0.0f, c->out, units);
}

static void
dense_backward (nn_layer_ctx *c)
{
  const int units = c->out_shape->dim[0], features = (int) nn_shape_size (&c->in_shape[0]);

  /* dW = dYᵀ · X */
  nn_gemm (TRUE, FALSE, units, features, c->batch, 1.0f, c->d_out, units, c->in[0], features, 0.0f,
           c->dw, features);
  if (nn_param_bool (c->desc, P_USE_BIAS))
    {
      float *db = c->dw + (gsize) units * features;
      memset (db, 0, sizeof (float) * units);
      for (int n = 0; n < c->batch; n++)
        for (int j = 0; j < units; j++)
          db[j] += c->d_out[(gsize) n * units + j];
    }
  /* dX += dY · W */
  if (c->d_in[0] != NULL)
    nn_gemm (FALSE, FALSE, c->batch, features, units, 1.0f, c->d_out, units, c->w, features, 1.0f,
             c->d_in[0], features);
}

static double
dense_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return 2.0 * (double) nn_shape_size (in) * out->dim[0];
}

const nn_layer_ops nn_dense_ops = {
  .id = "dense",
  .name = N_ ("Dense"),
  .summary = N_ ("Every output connected to every input: a learnt linear map"),
  .group = NN_GROUP_CORE,
  .params = dense_params,
  .n_params = G_N_ELEMENTS (dense_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = dense_infer,
  .weights = dense_weights,
  .init = dense_init,
  .forward = dense_forward,
  .backward = dense_backward,
  .flops = dense_flops,
};
