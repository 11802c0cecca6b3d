/* onnx-import-ops.c — ONNX operators → Layerlab layers, one function per
 * operator: here the activations, Dropout, Identity, Constant, Gemm, MatMul
 * and Add, and the table that dispatches every operator to its function
 * (the others in onnx-import-shape.c, -image.c, -pool.c, -resize.c,
 * -recurrent.c and -patterns.c). Each checks every attribute it cannot
 * honour and names it in an NN_ERROR_UNSUPPORTED message rather than
 * importing something that would compute other numbers. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

#define LAYER(id) nn_layer_lookup (id)

/* Short names for the shared error helpers (onnx-import-values.c). */
#define unsupported     _onnx_unsupported
#define unsupported_use _onnx_unsupported_use

/* axis as an index among rank axes when ONNX counts it from the end
 * (negative). */
int
_onnx_norm_axis (gint64 axis, int rank)
{
  return (int) (axis < 0 ? axis + rank : axis);
}

onnx_value *
_onnx_define_like (onnx_importer *im, int node_id, const onnx_value *like)
{
  return _onnx_define (im, 0, node_id, like->rank, like->dims, like->batch_axis);
}

/* --- Activations and elementwise ------------------------------------------ */

static gboolean
map_activation (onnx_importer *im, const char *kind, const char *param, double value,
                GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  const char *ids[] = { param, NULL };
  int id;

  if (x == NULL)
    return FALSE;
  id = _onnx_add_layer (im, LAYER (kind), &x->node_id, 1, param ? ids : NULL, &value, error);
  if (id < 0)
    return FALSE;
  _onnx_define_like (im, id, x);
  return TRUE;
}

static gboolean
map_relu (onnx_importer *im, GError **error)
{
  return map_activation (im, "relu", NULL, 0, error);
}

static gboolean
map_sigmoid (onnx_importer *im, GError **error)
{
  return map_activation (im, "sigmoid", NULL, 0, error);
}

static gboolean
map_tanh (onnx_importer *im, GError **error)
{
  return map_activation (im, "tanh", NULL, 0, error);
}

static gboolean
map_leaky_relu (onnx_importer *im, GError **error)
{
  return map_activation (im, "leaky_relu", "slope", _onnx_attr_float (im, "alpha", 0.01f), error);
}

static gboolean
map_elu (onnx_importer *im, GError **error)
{
  return map_activation (im, "elu", "alpha", _onnx_attr_float (im, "alpha", 1.0f), error);
}

static gboolean
map_softmax (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  int axis, id;

  if (x == NULL)
    return FALSE;
  axis = _onnx_norm_axis (_onnx_attr_int (im, "axis", im->opset >= 13 ? -1 : 1), x->rank);
  if (axis == x->rank - 1 && x->batch_axis != axis)
    {
      /* over the last axis: ours does the same on its last axis */
      id = _onnx_use (im, x, error);
    }
  else if (im->opset < 13 && axis == 1 && x->batch_axis == 0)
    {
      /* before opset 13, every axis from `axis` on is one softmax */
      id = _onnx_use (im, x, error);
      if (id >= 0 && x->rank > 2)
        id = _onnx_add_layer (im, LAYER ("flatten"), &id, 1, NULL, NULL, error);
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("axis=%d", axis);
      return unsupported (im, error, what,
                          _ ("Layerlab's Softmax runs over the last axis of each sample"));
    }
  if (id < 0)
    return FALSE;
  id = _onnx_add_layer (im, LAYER ("softmax"), &id, 1, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  _onnx_define_like (im, id, x);
  return TRUE;
}

static gboolean
map_dropout (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  onnx_value *ratio = _onnx_input (im, 1), *training = _onnx_input (im, 2);
  static const char *const ids[] = { "rate", NULL };
  double rate = _onnx_attr_float (im, "ratio", 0.5f);
  int id;

  if (x == NULL)
    return FALSE;
  if (im->opset >= 12 && ratio != NULL)
    {
      if (!ratio->is_const || ratio->value == NULL || ratio->value->size != 1)
        return unsupported (im, error, "ratio", _ ("the rate must be a constant number"));
      rate = ratio->value->data[0];
    }
  if (training != NULL)
    {
      /* training_mode is a bool tensor: a constant false is the only inference we can know */
      if (!training->is_const || training->value == NULL || training->value->data[0] != 0.0f)
        return unsupported (im, error, "training_mode",
                            _ ("only inference (no dropout applied) is imported"));
    }
  if (_onnx_output_used (im, 1))
    return unsupported_use (im, error, _ ("the mask output"),
                            _ ("the dropout mask output cannot be produced"));
  rate = CLAMP (rate, 0.0, 0.95);
  id = _onnx_add_layer (im, LAYER ("dropout"), &x->node_id, 1, ids, &rate, error);
  if (id < 0)
    return FALSE;
  _onnx_define_like (im, id, x);
  return TRUE;
}

static gboolean
map_identity (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_input (im, 0);

  if (x == NULL)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("input 1 is missing"));
      return FALSE;
    }
  if (x->is_const)
    {
      nn_onnx_tensor *copy = NULL;
      gint64 *ints = NULL;

      if (x->value)
        {
          copy =
            nn_onnx_tensor_new (_onnx_output_name (im, 0), x->value->rank, x->value->dims, error);
          if (copy == NULL)
            return FALSE;
          memcpy (copy->data, x->value->data, x->value->size * sizeof (float));
        }
      if (x->ints)
        ints = g_memdup2 (x->ints, sizeof (gint64) * MAX (x->n_ints, 1));
      _onnx_define_const (im, 0, copy, ints, x->n_ints);
      return TRUE;
    }
  _onnx_define_like (im, x->node_id, x);
  return TRUE;
}

static gboolean
map_constant (onnx_importer *im, GError **error)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, "value");
  nn_onnx_tensor *value = NULL;
  gint64 *ints = NULL;
  gsize n_ints = 0;
  g_autoptr (GError) local = NULL;

  if (a == NULL || a->t == NULL)
    return unsupported (im, error, "value_*", _ ("only a tensor in 'value' is supported"));
  if (!_onnx_tensor_from_proto (a->t, &value, &ints, &n_ints, &local))
    {
      _onnx_node_error (im, error, local->code, "%s", local->message);
      return FALSE;
    }
  _onnx_define_const (im, 0, value, ints, n_ints);
  return TRUE;
}

/* --- Dense ------------------------------------------------------------------ */

static int
add_dense (onnx_importer *im, onnx_value *a, int units, gboolean bias, GError **error)
{
  static const char *const ids[] = { "units", "use_bias", NULL };
  double p[] = { units, bias };
  int in;

  if (a->rank != 2 || a->batch_axis != 0)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("only a matrix with one row per sample is supported as '%s'"), a->name);
      return -1;
    }
  in = _onnx_use (im, a, error);
  return in < 0 ? -1 : _onnx_add_layer (im, LAYER ("dense"), &in, 1, ids, p, error);
}

static gboolean
map_gemm (onnx_importer *im, GError **error)
{
  onnx_value *a = _onnx_runtime_input (im, 0, error), *b, *c = _onnx_input (im, 2);
  const float alpha = _onnx_attr_float (im, "alpha", 1.0f),
              beta = _onnx_attr_float (im, "beta", 1.0f);
  const gboolean trans_b = _onnx_attr_int (im, "transB", 0) != 0;
  g_autofree float *w = NULL;
  g_autofree float *bias = NULL;
  gint64 k, n, out_dims[2];
  nn_shape shape;
  int id;

  if (a == NULL || (b = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (_onnx_attr_int (im, "transA", 0) != 0)
    return unsupported (im, error, "transA=1", _ ("the first input must hold one sample per row"));
  if (b->value->rank != 2)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("B must be a matrix"));
      return FALSE;
    }
  k = trans_b ? b->value->dims[1] : b->value->dims[0];
  n = trans_b ? b->value->dims[0] : b->value->dims[1];
  if (a->rank != 2 || a->dims[1] != k)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA,
                        _ ("A has %" PRId64 " columns but B has %" PRId64 " rows"),
                        a->rank == 2 ? a->dims[1] : -1, k);
      return FALSE;
    }
  if (c != NULL)
    {
      if (!c->is_const || c->value == NULL)
        return unsupported_use (im, error, _ ("the bias input C"),
                                _ ("the bias must be a constant"));
      if (c->value->size != 1 &&
          !(c->value->size == (gsize) n &&
            (c->value->rank == 1 || (c->value->rank == 2 && c->value->dims[0] == 1))))
        return unsupported_use (im, error, _ ("the bias input C"),
                                _ ("a bias with one row per sample; Layerlab's bias is one row"));
    }
  w = g_new (float, k *n);
  for (gint64 i = 0; i < n; i++)
    for (gint64 j = 0; j < k; j++)
      w[i * k + j] = alpha * (trans_b ? b->value->data[i * k + j] : b->value->data[j * n + i]);
  id = add_dense (im, a, (int) n, c != NULL, error);
  if (id < 0)
    return FALSE;
  shape = nn_shape_2d ((int) n, (int) k);
  _onnx_add_weight (im, id, "weight", &shape, w);
  if (c != NULL)
    {
      bias = g_new (float, n);
      for (gint64 i = 0; i < n; i++)
        bias[i] = beta * c->value->data[c->value->size == 1 ? 0 : i];
      shape = nn_shape_1d ((int) n);
      _onnx_add_weight (im, id, "bias", &shape, bias);
    }
  out_dims[0] = a->dims[0];
  out_dims[1] = n;
  _onnx_define (im, 0, id, 2, out_dims, 0);
  return TRUE;
}

static gboolean
map_matmul (onnx_importer *im, GError **error)
{
  onnx_value *a = _onnx_runtime_input (im, 0, error), *b;
  g_autofree float *w = NULL;
  gint64 k, n, out_dims[2];
  nn_shape shape;
  int id;

  if (a == NULL || (b = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (b->value->rank != 2 || a->rank != 2 || a->dims[1] != b->value->dims[0])
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("only a matrix of samples times a constant matrix is supported"));
      return FALSE;
    }
  k = b->value->dims[0];
  n = b->value->dims[1];
  w = g_new (float, k *n);
  for (gint64 i = 0; i < n; i++)
    for (gint64 j = 0; j < k; j++)
      w[i * k + j] = b->value->data[j * n + i];
  id = add_dense (im, a, (int) n, FALSE, error);
  if (id < 0)
    return FALSE;
  shape = nn_shape_2d ((int) n, (int) k);
  _onnx_add_weight (im, id, "weight", &shape, w);
  out_dims[0] = a->dims[0];
  out_dims[1] = n;
  _onnx_define (im, 0, id, 2, out_dims, 0);
  return TRUE;
}

static gboolean
map_add (onnx_importer *im, GError **error)
{
  onnx_value *a = _onnx_input (im, 0), *b = _onnx_input (im, 1);
  int in[2], id;

  if (a == NULL || b == NULL)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("Add needs two inputs"));
      return FALSE;
    }
  if (a->is_const && b->is_const)
    return unsupported_use (im, error, _ ("this mix of inputs"),
                            _ ("adding two constants computes nothing"));
  if (a->is_const || b->is_const)
    {
      /* MatMul + Add is how exporters write a Dense with bias */
      onnx_value *x = a->is_const ? b : a, *c = a->is_const ? a : b;
      const nn_node *node = nn_graph_lookup (im->graph, x->node_id);
      gint64 units = x->dims[x->rank - 1];
      gboolean normalises;
      nn_shape shape;

      if (!_onnx_match_normalisation (im, &normalises, error) || normalises)
        return normalises;
      if (node == NULL || node->desc.ops != LAYER ("dense") ||
          nn_layer_desc_get (&node->desc, "use_bias") != 0 || x->consumers != 1 ||
          c->value == NULL || c->value->size != (gsize) units)
        return unsupported_use (im, error, _ ("a constant input"),
                                _ ("adding a constant is supported as the bias of a "
                                   "preceding MatMul, or to the model's input as a "
                                   "normalisation"));
      if (!nn_graph_set_param (im->graph, x->node_id, "use_bias", 1, error))
        return FALSE;
      shape = nn_shape_1d ((int) units);
      _onnx_add_weight (im, x->node_id, "bias", &shape, c->value->data);
      _onnx_define_like (im, x->node_id, x);
      return TRUE;
    }
  if (a->rank != b->rank || memcmp (a->dims, b->dims, sizeof (gint64) * a->rank) != 0 ||
      a->batch_axis != b->batch_axis)
    return unsupported_use (im, error, _ ("broadcasting"),
                            _ ("Layerlab's Add takes two tensors of the same shape"));
  in[0] = _onnx_use (im, a, error);
  in[1] = in[0] < 0 ? -1 : _onnx_use (im, b, error);
  if (in[1] < 0)
    return FALSE;
  id = _onnx_add_layer (im, LAYER ("add"), in, 2, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  _onnx_define_like (im, id, a);
  return TRUE;
}

/* --- Dispatch ----------------------------------------------------------------- */

typedef gboolean (*map_fn) (onnx_importer *im, GError **error);

static const struct
{
  const char *op;
  map_fn map;
  nn_onnx_op_use use;
} operators[] = {
  { "Add", map_add, NN_ONNX_OP_LAYER },
  { "And", _onnx_map_embedding_part, NN_ONNX_OP_CHAIN },
  { "AveragePool", _onnx_map_avgpool, NN_ONNX_OP_LAYER },
  { "BatchNormalization", _onnx_map_batchnorm, NN_ONNX_OP_LAYER },
  { "Cast", _onnx_map_embedding_part, NN_ONNX_OP_CHAIN },
  { "Concat", _onnx_map_concat, NN_ONNX_OP_LAYER },
  { "Constant", map_constant, NN_ONNX_OP_CHAIN },
  { "ConstantOfShape", _onnx_map_constant_of_shape, NN_ONNX_OP_CHAIN },
  { "Conv", _onnx_map_conv, NN_ONNX_OP_LAYER },
  { "ConvTranspose", _onnx_map_conv_transpose, NN_ONNX_OP_LAYER },
  { "DepthToSpace", _onnx_map_depth_to_space, NN_ONNX_OP_LAYER },
  { "Div", _onnx_map_arithmetic, NN_ONNX_OP_CHAIN },
  { "Dropout", map_dropout, NN_ONNX_OP_LAYER },
  { "Elu", map_elu, NN_ONNX_OP_LAYER },
  { "Erf", _onnx_map_erf, NN_ONNX_OP_CHAIN },
  { "Flatten", _onnx_map_flatten, NN_ONNX_OP_LAYER },
  { "GRU", _onnx_map_recurrent, NN_ONNX_OP_LAYER },
  { "Gather", _onnx_map_gather, NN_ONNX_OP_LAYER },
  { "Gemm", map_gemm, NN_ONNX_OP_LAYER },
  { "GlobalAveragePool", _onnx_map_global_avgpool, NN_ONNX_OP_LAYER },
  { "GreaterOrEqual", _onnx_map_embedding_part, NN_ONNX_OP_CHAIN },
  { "Identity", map_identity, NN_ONNX_OP_LAYER },
  { "LSTM", _onnx_map_recurrent, NN_ONNX_OP_LAYER },
  { "LeakyRelu", map_leaky_relu, NN_ONNX_OP_LAYER },
  { "Less", _onnx_map_embedding_part, NN_ONNX_OP_CHAIN },
  { "MatMul", map_matmul, NN_ONNX_OP_LAYER },
  { "MaxPool", _onnx_map_maxpool, NN_ONNX_OP_LAYER },
  { "Mul", _onnx_map_arithmetic, NN_ONNX_OP_CHAIN },
  { "RNN", _onnx_map_recurrent, NN_ONNX_OP_LAYER },
  { "Relu", map_relu, NN_ONNX_OP_LAYER },
  { "Reshape", _onnx_map_reshape, NN_ONNX_OP_LAYER },
  { "Resize", _onnx_map_upsample, NN_ONNX_OP_LAYER },
  { "Round", _onnx_map_round, NN_ONNX_OP_CHAIN },
  { "Shape", _onnx_map_shape, NN_ONNX_OP_CHAIN },
  { "Sigmoid", map_sigmoid, NN_ONNX_OP_LAYER },
  { "Softmax", map_softmax, NN_ONNX_OP_LAYER },
  { "Squeeze", _onnx_map_squeeze, NN_ONNX_OP_LAYER },
  { "Sub", _onnx_map_arithmetic, NN_ONNX_OP_CHAIN },
  { "Tanh", map_tanh, NN_ONNX_OP_LAYER },
  { "Transpose", _onnx_map_transpose, NN_ONNX_OP_LAYER },
  { "Unsqueeze", _onnx_map_squeeze, NN_ONNX_OP_LAYER },
  { "Upsample", _onnx_map_upsample, NN_ONNX_OP_LAYER },
  { "Where", _onnx_map_embedding_part, NN_ONNX_OP_CHAIN },
};

gboolean
_onnx_map_node (onnx_importer *im, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (operators); i++)
    if (g_str_equal (operators[i].op, im->node->op_type))
      return operators[i].map (im, error);
  _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, _ ("the operator %s has no Layerlab layer"),
                    im->node->op_type);
  return FALSE;
}

nn_onnx_op_use
nn_onnx_operator_use (const char *op)
{
  for (gsize i = 0; i < G_N_ELEMENTS (operators); i++)
    if (g_str_equal (operators[i].op, op))
      return operators[i].use;
  return NN_ONNX_OP_UNMAPPED;
}
