/* onnx-import-ops.c — ONNX operators → Layerlab layers, one function per
 * operator. Each checks every attribute it cannot honour and names it in
 * an NN_ERROR_UNSUPPORTED message rather than importing something that
 * would compute other numbers. Operators that only move values (Flatten,
 * Reshape, Squeeze, Transpose of the batch axis) keep ONNX's dims on the
 * value and let the next layer add a Reshape only when it needs one. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

#define LAYER(id) nn_layer_lookup (id)

/* Short names for the shared error helpers (onnx-import.c). */
#define unsupported     _onnx_unsupported
#define unsupported_use _onnx_unsupported_use

/* TRUE when the ints attribute is absent or every element equals value. */
static int
norm_axis (gint64 axis, int rank)
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
  axis = norm_axis (_onnx_attr_int (im, "axis", im->opset >= 13 ? -1 : 1), x->rank);
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

/* --- Shape plumbing ---------------------------------------------------------- */

static gboolean
map_flatten (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  int axis, id;
  gint64 out_dims[2];

  if (x == NULL)
    return FALSE;
  axis = norm_axis (_onnx_attr_int (im, "axis", 1), x->rank);
  if (axis != 1 || x->batch_axis != 0)
    {
      g_autofree char *what = g_strdup_printf ("axis=%d", axis);
      return unsupported (im, error, what,
                          _ ("only axis 1, which keeps each sample apart, is supported"));
    }
  id = _onnx_add_layer (im, LAYER ("flatten"), &x->node_id, 1, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = 1;
  for (int i = 1; i < x->rank; i++)
    out_dims[1] *= x->dims[i];
  _onnx_define (im, 0, id, 2, out_dims, 0);
  return TRUE;
}

static gboolean
map_reshape (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *sv = _onnx_input (im, 1);
  const Onnx__AttributeProto *a = _onnx_attr (im, "shape");
  const gboolean allow_zero = _onnx_attr_int (im, "allowzero", 0) != 0;
  const gint64 *target;
  gsize n;
  gint64 dims[NN_ONNX_MAX_RANK], known = 1, sample = 1;
  int free_axis = -1, id;
  onnx_value *v;

  if (x == NULL)
    return FALSE;
  if (sv && sv->is_const && sv->ints)
    target = sv->ints, n = sv->n_ints;
  else if (a && im->opset < 5)
    target = a->ints, n = a->n_ints;
  else
    return unsupported (im, error, "shape", _ ("the new shape must be a constant"));
  if (x->batch_axis != 0 || n < 1 || n > NN_ONNX_MAX_RANK)
    return unsupported (im, error, "shape", _ ("the batch must stay the first axis"));
  for (int i = 1; i < x->rank; i++)
    sample *= x->dims[i];
  for (gsize i = 0; i < n; i++)
    {
      dims[i] = target[i];
      if (dims[i] == 0 && allow_zero)
        return unsupported (im, error, "allowzero", _ ("axes of size 0 hold no values"));
      if (dims[i] == 0)
        {
          if ((int) i >= x->rank)
            return unsupported (im, error, "shape", _ ("0 copies an axis the input lacks"));
          dims[i] = x->dims[i];
        }
      if (dims[i] == -1)
        {
          if (free_axis >= 0)
            return unsupported (im, error, "shape", _ ("more than one −1"));
          free_axis = (int) i;
        }
      else if (dims[i] < 0)
        return unsupported (im, error, "shape", _ ("negative sizes"));
      else if (i > 0)
        known *= dims[i];
    }
  /* the batch stays: the first axis is the batch, the rest one sample */
  if (free_axis == 0 && known != sample)
    return unsupported (im, error, "shape", _ ("it moves values from one sample to another"));
  if (free_axis == 0)
    dims[0] = x->dims[0];
  else if (dims[0] != x->dims[0] && x->dims[0] > 0)
    return unsupported (im, error, "shape", _ ("the batch must stay the first axis"));
  if (free_axis > 0)
    {
      if (known == 0 || sample % known != 0)
        return unsupported (im, error, "shape", _ ("the sizes do not divide the sample"));
      dims[free_axis] = sample / known;
      known = sample;
    }
  if (known != sample)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("the new shape holds %" PRId64 " values per sample, the input "
                           "%" PRId64 ": values would move between samples"),
                        known, sample);
      return FALSE;
    }
  v = _onnx_define (im, 0, x->node_id, (int) n, dims, 0);
  if (v == NULL)
    return TRUE;
  /* a visible layer on the canvas, so the user sees where the shape changes */
  id = _onnx_use (im, v, error);
  if (id < 0)
    return FALSE;
  if (id == x->node_id)
    {
      static const char *const ids[] = { "channels", "height", "width", NULL };
      nn_shape s;
      double p[3];

      _onnx_sample_shape (v, &s);
      p[0] = s.rank == 3 ? s.dim[0] : s.rank == 2 ? 0 : 1;
      p[1] = s.rank == 3 ? s.dim[1] : s.rank == 2 ? s.dim[0] : 0;
      p[2] = s.dim[s.rank - 1];
      id = _onnx_add_layer (im, LAYER ("reshape"), &x->node_id, 1, ids, p, error);
      if (id < 0)
        return FALSE;
      v->node_id = id;
    }
  return TRUE;
}

/* Squeeze/Unsqueeze only add or drop axes of size 1: no value moves. */
static gboolean
map_squeeze (onnx_importer *im, GError **error)
{
  gboolean un = g_str_equal (im->node->op_type, "Unsqueeze");
  onnx_value *x = _onnx_input (im, 0), *av = _onnx_input (im, 1);
  const Onnx__AttributeProto *a = _onnx_attr (im, "axes");
  gint64 dims[NN_ONNX_MAX_RANK];
  gboolean mark[NN_ONNX_MAX_RANK * 2] = { 0 };
  const gint64 *axes = NULL;
  gsize n_axes = 0;
  int rank, batch = -1, k = 0;

  if (x != NULL && x->is_const && x->ints)
    {
      /* shape arithmetic (PyTorch's start states): the values stay as they are */
      _onnx_define_const (im, 0, NULL, g_memdup2 (x->ints, sizeof (gint64) * MAX (x->n_ints, 1)),
                          x->n_ints);
      return TRUE;
    }
  if (x != NULL && x->is_const && x->zeros)
    {
      _onnx_define_const (im, 0, NULL, NULL, 0);
      ((onnx_value *) g_hash_table_lookup (im->values, _onnx_output_name (im, 0)))->zeros = TRUE;
      return TRUE;
    }
  x = _onnx_runtime_input (im, 0, error);
  if (x == NULL)
    return FALSE;
  if (av && av->is_const && av->ints)
    axes = av->ints, n_axes = av->n_ints;
  else if (a)
    axes = a->ints, n_axes = a->n_ints;
  if (axes == NULL)
    return unsupported (im, error, "axes", _ ("the axes must be given as constants"));
  rank = un ? x->rank + (int) n_axes : x->rank;
  if (rank > NN_ONNX_MAX_RANK)
    return unsupported (im, error, "axes", _ ("too many axes"));
  for (gsize i = 0; i < n_axes; i++)
    {
      int ax = norm_axis (axes[i], rank);

      if (ax < 0 || ax >= rank || (!un && (x->dims[ax] != 1 || ax == x->batch_axis)))
        return unsupported (im, error, "axes",
                            _ ("only axes of size 1 other than the batch can be dropped"));
      mark[ax] = TRUE;
    }
  if (un)
    for (int i = 0, src = 0; i < rank; i++)
      {
        if (mark[i])
          dims[i] = 1;
        else
          {
            if (src == x->batch_axis)
              batch = i;
            dims[i] = x->dims[src++];
          }
      }
  else
    for (int i = 0; i < x->rank; i++)
      if (!mark[i])
        {
          if (i == x->batch_axis)
            batch = k;
          dims[k++] = x->dims[i];
        }
  _onnx_define (im, 0, x->node_id, un ? rank : k, dims, batch);
  return TRUE;
}

static gboolean
transpose_const (onnx_importer *im, onnx_value *x, const gint64 *perm, GError **error)
{
  const nn_onnx_tensor *t = x->value;
  gint64 dims[NN_ONNX_MAX_RANK], stride[NN_ONNX_MAX_RANK], idx[NN_ONNX_MAX_RANK] = { 0 };
  nn_onnx_tensor *out;

  if (t == NULL)
    return unsupported (im, error, "perm", _ ("only float constants can be transposed"));
  for (int i = t->rank - 1, s = 1; i >= 0; s *= (int) t->dims[i], i--)
    stride[i] = s;
  for (int i = 0; i < t->rank; i++)
    dims[i] = t->dims[perm[i]];
  out = nn_onnx_tensor_new (_onnx_output_name (im, 0), t->rank, dims, error);
  if (out == NULL)
    return FALSE;
  for (gsize o = 0; o < out->size; o++)
    {
      gsize src = 0;

      for (int i = 0; i < t->rank; i++)
        src += idx[i] * stride[perm[i]];
      out->data[o] = t->data[src];
      for (int i = t->rank - 1; i >= 0; i--)
        if (++idx[i] < dims[i])
          break;
        else
          idx[i] = 0;
    }
  _onnx_define_const (im, 0, out, NULL, 0);
  return TRUE;
}

/* A Transpose of a computed value is allowed when it only moves the batch
 * axis (the [N,T,F] ↔ [T,N,F] plumbing around recurrent layers). */
static gboolean
map_transpose (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_input (im, 0);
  const Onnx__AttributeProto *a = _onnx_attr (im, "perm");
  gint64 perm[NN_ONNX_MAX_RANK], dims[NN_ONNX_MAX_RANK];
  gboolean seen[NN_ONNX_MAX_RANK] = { 0 };
  int rank, batch = -1, last = -1;

  if (x == NULL)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("input 1 is missing"));
      return FALSE;
    }
  rank = x->is_const ? (x->value ? x->value->rank : 0) : x->rank;
  if (a && (int) a->n_ints != rank)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("perm has %zu values for %d axes"), a->n_ints,
                        rank);
      return FALSE;
    }
  for (int i = 0; i < rank; i++)
    {
      perm[i] = a ? a->ints[i] : rank - 1 - i;
      if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]])
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("perm is not a permutation"));
          return FALSE;
        }
      seen[perm[i]] = TRUE;
    }
  if (x->is_const)
    return transpose_const (im, x, perm, error);
  for (int i = 0; i < rank; i++)
    {
      dims[i] = x->dims[perm[i]];
      if (perm[i] == x->batch_axis)
        batch = i;
      else if (perm[i] < last)
        return unsupported (im, error, "perm",
                            _ ("it reorders the values inside a sample; only moving the batch "
                               "axis is supported"));
      else
        last = (int) perm[i];
    }
  _onnx_define (im, 0, x->node_id, rank, dims, batch);
  return TRUE;
}

static gboolean
map_concat (onnx_importer *im, GError **error)
{
  onnx_value *first = _onnx_input (im, 0);
  int in[NN_MAX_INPUTS], n = (int) im->node->n_input, axis, sample_axis, our_axis, id;
  gint64 dims[NN_ONNX_MAX_RANK];

  if (first != NULL && first->is_const && first->ints)
    {
      /* a shape being put together (1-D int64, axis 0) */
      GArray *ints = g_array_new (FALSE, FALSE, sizeof (gint64));
      gsize len;

      for (int i = 0; i < n; i++)
        {
          onnx_value *v = _onnx_input (im, i);

          if (v == NULL || !v->is_const || v->ints == NULL)
            {
              g_array_unref (ints);
              return unsupported_use (
                im, error, _ ("this mix of inputs"),
                _ ("joining constants with computed tensors is not supported"));
            }
          g_array_append_vals (ints, v->ints, v->n_ints);
        }
      len = ints->len;
      _onnx_define_const (im, 0, NULL, (gint64 *) g_array_free (ints, FALSE), len);
      return TRUE;
    }
  first = _onnx_runtime_input (im, 0, error);
  if (first == NULL)
    return FALSE;
  if (n > NN_MAX_INPUTS)
    return unsupported_use (im, error, _ ("this mix of inputs"),
                            _ ("at most 8 tensors can be joined"));
  axis = norm_axis (_onnx_attr_int (im, "axis", 1), first->rank);
  if (axis == first->batch_axis || axis < 0 || axis >= first->rank)
    {
      g_autofree char *what = g_strdup_printf ("axis=%d", axis);
      return unsupported (im, error, what, _ ("joining along the batch is not supported"));
    }
  sample_axis = axis - (axis > first->batch_axis);
  our_axis = first->rank - 1 == 3 ? 0 : first->rank - 2;
  if (sample_axis != our_axis)
    {
      g_autofree char *what = g_strdup_printf ("axis=%d", axis);
      return unsupported (im, error, what,
                          _ ("Layerlab joins images along channels and sequences and vectors "
                             "along their last axis"));
    }
  memcpy (dims, first->dims, sizeof dims);
  dims[axis] = 0;
  for (int i = 0; i < n; i++)
    {
      onnx_value *v = _onnx_runtime_input (im, i, error);

      if (v == NULL)
        return FALSE;
      if (v->rank != first->rank || v->batch_axis != first->batch_axis)
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the inputs have different ranks"));
          return FALSE;
        }
      dims[axis] += v->dims[axis];
      if ((in[i] = _onnx_use (im, v, error)) < 0)
        return FALSE;
    }
  id = _onnx_add_layer (im, LAYER ("concatenate"), in, n, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  _onnx_define (im, 0, id, first->rank, dims, first->batch_axis);
  return TRUE;
}

/* --- Shape arithmetic -------------------------------------------------------
 * PyTorch writes a recurrent layer's zero start state as
 * ConstantOfShape(Concat(1, Gather(Shape(x), 0), H)): followed far enough
 * to know it is zeros. */

static gboolean
map_shape (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  gint64 start, end, *ints;

  if (x == NULL)
    return FALSE;
  /* opset 15's slice of the shape: negative ends count from the back and
   * both clamp to the axes there are */
  start = _onnx_attr_int (im, "start", 0);
  end = _onnx_attr_int (im, "end", x->rank);
  if (start < 0)
    start += x->rank;
  if (end < 0)
    end += x->rank;
  start = CLAMP (start, 0, (gint64) x->rank);
  end = CLAMP (end, start, (gint64) x->rank);
  ints = g_new (gint64, MAX (end - start, 1));
  memcpy (ints, x->dims + start, sizeof (gint64) * (end - start));
  _onnx_define_const (im, 0, NULL, ints, (gsize) (end - start));
  return TRUE;
}

static gboolean
map_gather (onnx_importer *im, GError **error)
{
  onnx_value *data = _onnx_input (im, 0), *idx = _onnx_input (im, 1);
  gint64 *ints;

  /* torch.onnx's nn.Embedding: rows of a constant table picked by the
   * model's integer input */
  if (data && data->is_const && data->value && idx && idx->ids && idx->node_id >= 0)
    {
      if (_onnx_attr_int (im, "axis", 0) != 0)
        return unsupported (im, error, "axis", _ ("an Embedding picks rows (axis 0)"));
      return _onnx_add_embedding (im, idx, data, im->node_index, error);
    }

  if (data == NULL || !data->is_const || data->ints == NULL || idx == NULL || !idx->is_const ||
      idx->ints == NULL || _onnx_attr_int (im, "axis", 0) != 0)
    return unsupported_use (im, error, _ ("this Gather"),
                            _ ("Layerlab reads a Gather of rows of a constant table by the "
                               "model's integer input (an Embedding), or of values of a constant "
                               "shape"));
  ints = g_new (gint64, MAX (idx->n_ints, 1));
  for (gsize i = 0; i < idx->n_ints; i++)
    {
      gint64 k = idx->ints[i] < 0 ? idx->ints[i] + (gint64) data->n_ints : idx->ints[i];

      if (k < 0 || k >= (gint64) data->n_ints)
        {
          g_free (ints);
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("index %" PRId64 " is out of range"),
                            idx->ints[i]);
          return FALSE;
        }
      ints[i] = data->ints[k];
    }
  _onnx_define_const (im, 0, NULL, ints, idx->n_ints);
  return TRUE;
}

static gboolean
map_constant_of_shape (onnx_importer *im, GError **error)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, "value");
  onnx_value *shape = _onnx_input (im, 0);

  if (shape == NULL || !shape->is_const || shape->ints == NULL)
    return unsupported_use (im, error, _ ("a computed shape input"), _ ("the shape must be known"));
  if (a && a->t)
    {
      g_autoptr (GError) local = NULL;
      nn_onnx_tensor *value = NULL;
      gint64 *ints = NULL;
      gsize n_ints = 0;
      gboolean zero;

      if (!_onnx_tensor_from_proto (a->t, &value, &ints, &n_ints, &local))
        {
          _onnx_node_error (im, error, local->code, "%s", local->message);
          return FALSE;
        }
      zero = value ? value->size == 1 && value->data[0] == 0.0f : n_ints == 1 && ints[0] == 0;
      nn_onnx_tensor_free (value);
      g_free (ints);
      if (!zero)
        return unsupported (im, error, "value", _ ("only tensors of zeros are supported"));
    }
  _onnx_define_const (im, 0, NULL, NULL, 0);
  ((onnx_value *) g_hash_table_lookup (im->values, _onnx_output_name (im, 0)))->zeros = TRUE;
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
  { "Concat", map_concat, NN_ONNX_OP_LAYER },
  { "Constant", map_constant, NN_ONNX_OP_CHAIN },
  { "ConstantOfShape", map_constant_of_shape, NN_ONNX_OP_CHAIN },
  { "Conv", _onnx_map_conv, NN_ONNX_OP_LAYER },
  { "ConvTranspose", _onnx_map_conv_transpose, NN_ONNX_OP_LAYER },
  { "Div", _onnx_map_arithmetic, NN_ONNX_OP_CHAIN },
  { "Dropout", map_dropout, NN_ONNX_OP_LAYER },
  { "Elu", map_elu, NN_ONNX_OP_LAYER },
  { "Erf", _onnx_map_erf, NN_ONNX_OP_CHAIN },
  { "Flatten", map_flatten, NN_ONNX_OP_LAYER },
  { "GRU", _onnx_map_recurrent, NN_ONNX_OP_LAYER },
  { "Gather", map_gather, NN_ONNX_OP_LAYER },
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
  { "Reshape", map_reshape, NN_ONNX_OP_LAYER },
  { "Resize", _onnx_map_upsample, NN_ONNX_OP_LAYER },
  { "Round", _onnx_map_round, NN_ONNX_OP_CHAIN },
  { "Shape", map_shape, NN_ONNX_OP_CHAIN },
  { "Sigmoid", map_sigmoid, NN_ONNX_OP_LAYER },
  { "Softmax", map_softmax, NN_ONNX_OP_LAYER },
  { "Squeeze", map_squeeze, NN_ONNX_OP_LAYER },
  { "Sub", _onnx_map_arithmetic, NN_ONNX_OP_CHAIN },
  { "Tanh", map_tanh, NN_ONNX_OP_LAYER },
  { "Transpose", map_transpose, NN_ONNX_OP_LAYER },
  { "Unsqueeze", map_squeeze, NN_ONNX_OP_LAYER },
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
