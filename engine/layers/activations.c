/* activations.c — the activation layers: ReLU, Leaky ReLU, ELU, GELU,
 * Sigmoid, Tanh and Softmax. Each keeps its input's shape; the arithmetic is
 * in kernels/activations.c. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "kernels/activations.h"
#include "layer-util.h"
#include "layers.h"

static const nn_param_spec leaky_relu_params[] = {
  { "slope", N_ ("Negative slope"), N_ ("How much of a negative input passes through"),
    NN_PARAM_FLOAT, 0.0, 1.0, 0.01 },
};

static const nn_param_spec elu_params[] = {
  { "alpha", N_ ("Alpha"), N_ ("How far below zero the output can go for negative inputs"),
    NN_PARAM_FLOAT, 0.0, 10.0, 1.0 },
};

static gboolean
activation_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                  GError **error)
{
  if (nn_shape_size (&in[0]) == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("the input has no values"));
      return FALSE;
    }
  *out = in[0];
  return TRUE;
}

static double
activation_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

/* The kernel for a layer, from its ops table: one table per function keeps
 * ids stable and lets the palette list them separately. */
static nn_act
activation_kind (const nn_layer_desc *d, float *alpha)
{
  *alpha = d->ops->n_params > 0 ? (float) d->p[0] : 0.0f;
  if (d->ops == &nn_leaky_relu_ops)
    return NN_ACT_LEAKY_RELU;
  if (d->ops == &nn_elu_ops)
    return NN_ACT_ELU;
  if (d->ops == &nn_gelu_ops)
    return NN_ACT_GELU;
  if (d->ops == &nn_sigmoid_ops)
    return NN_ACT_SIGMOID;
  if (d->ops == &nn_tanh_ops)
    return NN_ACT_TANH;
  return NN_ACT_RELU;
}

static void
activation_forward (nn_layer_ctx *c)
{
  float alpha;
  nn_act act = activation_kind (c->desc, &alpha);

  nn_act_forward (act, alpha, c->in[0], c->out, (size_t) c->batch * nn_shape_size (c->out_shape));
}

static void
activation_backward (nn_layer_ctx *c)
{
  float alpha;
  nn_act act = activation_kind (c->desc, &alpha);

  if (c->d_in[0] == NULL)
    return;
  nn_act_backward (act, alpha, c->in[0], c->out, c->d_out, c->d_in[0],
                   (size_t) c->batch * nn_shape_size (c->out_shape));
}

/* Softmax normalises along the last axis: the features of a vector, the
 * features of each step of a sequence, the columns of each image row. */
static void
softmax_rows (const nn_layer_ctx *c, size_t *rows, size_t *cols)
{
  const nn_shape *s = c->out_shape;

  *cols = (size_t) s->dim[s->rank - 1];
  *rows = (size_t) c->batch * (nn_shape_size (s) / *cols);
}

static void
softmax_forward (nn_layer_ctx *c)
{
  size_t rows, cols;

  softmax_rows (c, &rows, &cols);
  nn_softmax_forward (c->in[0], c->out, rows, cols);
}

static void
softmax_backward (nn_layer_ctx *c)
{
  size_t rows, cols;

  if (c->d_in[0] == NULL)
    return;
  softmax_rows (c, &rows, &cols);
  nn_softmax_backward (c->out, c->d_out, c->d_in[0], rows, cols);
}

#define ACTIVATION_OPS(var, id_, name_, summary_, params_, n_params_) \
  const nn_layer_ops var = {                                          \
    .id = id_,                                                        \
    .name = name_,                                                    \
    .summary = summary_,                                              \
    .group = NN_GROUP_ACTIVATION,                                     \
    .params = params_,                                                \
    .n_params = n_params_,                                            \
    .min_inputs = 1,                                                  \
    .max_inputs = 1,                                                  \
    .infer = activation_infer,                                        \
    .forward = activation_forward,                                    \
    .backward = activation_backward,                                  \
    .flops = activation_flops,                                        \
  }

ACTIVATION_OPS (nn_relu_ops, "relu", N_ ("ReLU"), N_ ("Keeps positive values, zeroes the rest"),
                NULL, 0);
ACTIVATION_OPS (nn_leaky_relu_ops, "leaky_relu", N_ ("Leaky ReLU"),
                N_ ("Like ReLU, but lets a small fraction of negative values through"),
                leaky_relu_params, G_N_ELEMENTS (leaky_relu_params));
ACTIVATION_OPS (nn_elu_ops, "elu", N_ ("ELU"),
                N_ ("Like ReLU, with a smooth exponential curve below zero"), elu_params,
                G_N_ELEMENTS (elu_params));
ACTIVATION_OPS (nn_gelu_ops, "gelu", N_ ("GELU"),
                N_ ("A smooth ReLU weighted by the normal distribution, as in transformers"), NULL,
                0);
ACTIVATION_OPS (nn_sigmoid_ops, "sigmoid", N_ ("Sigmoid"),
                N_ ("Squashes values into 0…1, e.g. for yes/no outputs"), NULL, 0);
ACTIVATION_OPS (nn_tanh_ops, "tanh", N_ ("Tanh"), N_ ("Squashes values into −1…1"), NULL, 0);

const nn_layer_ops nn_softmax_ops = {
  .id = "softmax",
  .name = N_ ("Softmax"),
  .summary = N_ ("Turns scores into probabilities that add up to 1 along the last axis"),
  .group = NN_GROUP_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = activation_infer,
  .forward = softmax_forward,
  .backward = softmax_backward,
  .flops = activation_flops,
};
