/* onnx-import-shape.c — ONNX's operators on shapes → Layerlab layers:
 * Flatten, Reshape, Squeeze/Unsqueeze, Transpose and Concat, and the shape
 * arithmetic (Shape, Gather, ConstantOfShape) of a recurrent layer's zero
 * start state; a Gather of rows from a constant table is an Embedding.
 * Operators that only move values (Flatten, Reshape, Squeeze, Transpose of
 * the batch axis) keep ONNX's dims on the value and let the next layer add
 * a Reshape only when it needs one. */
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

gboolean
_onnx_map_flatten (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  int axis, id;
  gint64 out_dims[2];

  if (x == NULL)
    return FALSE;
  axis = _onnx_norm_axis (_onnx_attr_int (im, "axis", 1), x->rank);
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

gboolean
_onnx_map_reshape (onnx_importer *im, GError **error)
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
gboolean
_onnx_map_squeeze (onnx_importer *im, GError **error)
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
      int ax = _onnx_norm_axis (axes[i], rank);

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
gboolean
_onnx_map_transpose (onnx_importer *im, GError **error)
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

gboolean
_onnx_map_concat (onnx_importer *im, GError **error)
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
  axis = _onnx_norm_axis (_onnx_attr_int (im, "axis", 1), first->rank);
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

gboolean
_onnx_map_shape (onnx_importer *im, GError **error)
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

gboolean
_onnx_map_gather (onnx_importer *im, GError **error)
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

gboolean
_onnx_map_constant_of_shape (onnx_importer *im, GError **error)
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
