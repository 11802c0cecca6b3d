/* onnx-import-patterns.c — the chains of small ONNX operators that stand
 * for one Layerlab layer or step: GELU (x/√2 → Erf → +1 → ×x → ×½),
 * Embedding (Layerlab's id clamping, then Gather of the table) and the
 * normalisation of the model's input by constants (Sub, then Mul or Div).
 * On their own those operators are refused with the chain they belong to. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

/* --- Patterns: GELU, Embedding, input normalisation ---------------------------- */

/* Layerlab's exporter writes these three as chains of small operators
 * (and torch.onnx writes GELU and nn.Embedding alike); each is recognised
 * from its first node by following the only reader of every step, and
 * becomes one layer (or, for the normalisation, the project's data
 * preparation). The chain's other nodes are marked mapped. */

static const char *
out0 (const Onnx__NodeProto *node)
{
  return node && node->n_output > 0 ? node->output[0] : "";
}

static gboolean
near (float value, double want)
{
  return fabs (value - want) <= 1e-6 * fabs (want);
}

/* A scalar constant input of a two-input node whose other input is `name`. */
static gboolean
scalar_beside (onnx_importer *im, const Onnx__NodeProto *node, const char *name, double want)
{
  float c;

  return node && _onnx_scalar (im, _onnx_other_input (node, name), &c) && near (c, want);
}

/* Adds a layer named as the node at index: a chain's last node carries
 * the name of the layer it was exported from. */
static int
add_layer_as (onnx_importer *im, int index, const nn_layer_ops *ops, const int *inputs,
              const char *const *ids, const double *values, GError **error)
{
  const Onnx__NodeProto *node = im->node;
  const int node_index = im->node_index;
  int id;

  im->node = im->proto->node[index];
  im->node_index = index;
  id = _onnx_add_layer (im, ops, inputs, 1, ids, values, error);
  im->node = node;
  im->node_index = node_index;
  return id;
}

/* GELU's exact form, x·½(1 + erf(x/√2)), as written before opset 20:
 * Div(x, √2) (or Mul by 1/√2) → Erf → Add 1 → Mul x → Mul ½. *matched
 * says whether the current node starts it; FALSE with an error only when
 * it does and the layer cannot be added. */
static gboolean
match_gelu (onnx_importer *im, gboolean *matched, GError **error)
{
  const Onnx__NodeProto *n0 = im->node, *erf, *plus, *times, *half;
  const char *x_name = NULL, *other;
  int i_erf, i_plus, i_times, i_half, id;
  onnx_value *x;
  float c;

  *matched = FALSE;
  if (n0->n_input != 2)
    return TRUE;
  if (g_str_equal (n0->op_type, "Div") && _onnx_scalar (im, n0->input[1], &c) && near (c, G_SQRT2))
    x_name = n0->input[0];
  else if (g_str_equal (n0->op_type, "Mul"))
    for (int i = 0; i < 2 && x_name == NULL; i++)
      if (_onnx_scalar (im, n0->input[1 - i], &c) && near (c, 1.0 / G_SQRT2))
        x_name = n0->input[i];
  if (x_name == NULL)
    return TRUE;
  erf = _onnx_sole_reader (im, out0 (n0), "Erf", &i_erf);
  plus = erf ? _onnx_sole_reader (im, out0 (erf), "Add", &i_plus) : NULL;
  if (!scalar_beside (im, plus, out0 (erf), 1.0))
    return TRUE;
  times = _onnx_sole_reader (im, out0 (plus), "Mul", &i_times);
  other = times ? _onnx_other_input (times, out0 (plus)) : NULL;
  if (other == NULL || !g_str_equal (other, x_name))
    return TRUE;
  half = _onnx_sole_reader (im, out0 (times), "Mul", &i_half);
  if (!scalar_beside (im, half, out0 (times), 0.5))
    return TRUE;

  *matched = TRUE;
  x = _onnx_runtime_input (im, x_name == n0->input[0] ? 0 : 1, error);
  if (x == NULL)
    return FALSE;
  id = add_layer_as (im, i_half, nn_layer_lookup ("gelu"), &x->node_id, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  _onnx_mark_done (im, i_erf);
  _onnx_mark_done (im, i_plus);
  _onnx_mark_done (im, i_times);
  _onnx_define_at (im, i_half, id, x->rank, x->dims, x->batch_axis);
  return TRUE;
}

/* torch.onnx's GELU(approximate='tanh'): Mul(x, x) → Mul x → Mul 0.044715 … */
static gboolean
is_tanh_gelu (onnx_importer *im)
{
  const Onnx__NodeProto *n0 = im->node, *cube, *scaled;
  const char *other;
  int index;

  if (n0->n_input != 2 || !g_str_equal (n0->input[0], n0->input[1]))
    return FALSE;
  cube = _onnx_sole_reader (im, out0 (n0), "Mul", &index);
  other = cube ? _onnx_other_input (cube, out0 (n0)) : NULL;
  if (other == NULL || !g_str_equal (other, n0->input[0]))
    return FALSE;
  scaled = _onnx_sole_reader (im, out0 (cube), "Mul", &index);
  return scalar_beside (im, scaled, out0 (cube), 0.044715);
}

/* An Embedding of the table w ([vocab, dim], a constant) reading the ids
 * ids (one vector of token ids per sample); its output is defined as the
 * output of the node at index (the Gather). */
gboolean
_onnx_add_embedding (onnx_importer *im, onnx_value *ids, const onnx_value *w, int index,
                     GError **error)
{
  static const char *const param_ids[] = { "input_dim", "output_dim", NULL };
  gint64 dims[NN_ONNX_MAX_RANK];
  double p[2];
  nn_shape sample, table;
  int in, id;

  if (w->value->rank != 2 || w->value->dims[0] < 2 || w->value->dims[0] > (1 << 22) ||
      w->value->dims[1] < 1 || w->value->dims[1] > (1 << 16))
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("the table '%s' must be a matrix of 2 to 4194304 rows of 1 to 65536 "
                           "values (an Embedding's)"),
                        w->name);
      return FALSE;
    }
  if (!_onnx_sample_shape (ids, &sample) || sample.rank != 1 || ids->rank >= NN_ONNX_MAX_RANK)
    return _onnx_unsupported_use (im, error, _ ("these indices"),
                                  _ ("an Embedding reads one vector of token ids per sample"));
  p[0] = (double) w->value->dims[0];
  p[1] = (double) w->value->dims[1];
  in = _onnx_use (im, ids, error);
  id =
    in < 0 ? -1 : add_layer_as (im, index, nn_layer_lookup ("embedding"), &in, param_ids, p, error);
  if (id < 0)
    return FALSE;
  table = nn_shape_2d ((int) p[0], (int) p[1]);
  _onnx_add_weight (im, id, "weight", &table, w->value->data);
  memcpy (dims, ids->dims, sizeof (gint64) * ids->rank);
  dims[ids->rank] = w->value->dims[1];
  _onnx_define_at (im, index, id, ids->rank + 1, dims, ids->batch_axis);
  return TRUE;
}

/* Layerlab's Embedding as its exporter writes it: ids rounded, those
 * outside the table replaced by the unknown token 1, then a Gather:
 * Round → GreaterOrEqual 0, Less vocab → And → Where(·, ids, 1) → Cast to
 * int64 → Gather(table, ·). */
gboolean
_onnx_map_round (onnx_importer *im, GError **error)
{
  const char *r = out0 (im->node);
  const Onnx__NodeProto *ge, *lt, *and, *where, *cast, *gather;
  int i_ge, i_lt, i_and, i_where, i_cast, i_gather;
  onnx_value *x = _onnx_runtime_input (im, 0, error), *rv = g_hash_table_lookup (im->values, r), *w;
  float vocab, fallback;

  if (x == NULL)
    return FALSE;
  ge = _onnx_reader (im, r, "GreaterOrEqual", &i_ge);
  lt = _onnx_reader (im, r, "Less", &i_lt);
  where = _onnx_reader (im, r, "Where", &i_where);
  and = ge && lt ? _onnx_sole_reader (im, out0 (ge), "And", &i_and) : NULL;
  cast = where ? _onnx_sole_reader (im, out0 (where), "Cast", &i_cast) : NULL;
  gather = cast ? _onnx_sole_reader (im, out0 (cast), "Gather", &i_gather) : NULL;
  w = gather && gather->n_input == 2 ? g_hash_table_lookup (im->values, gather->input[0]) : NULL;
  if (and == NULL || gather == NULL || rv == NULL || rv->consumers != 3 || w == NULL ||
      !w->is_const || w->value == NULL || w->value->rank != 2 || !g_str_equal (ge->input[0], r) ||
      !scalar_beside (im, ge, r, 0.0) || !g_str_equal (lt->input[0], r) ||
      !_onnx_scalar (im, _onnx_other_input (lt, r), &vocab) || vocab != (float) w->value->dims[0] ||
      _onnx_other_input (and, out0 (ge)) == NULL ||
      !g_str_equal (_onnx_other_input (and, out0 (ge)), out0 (lt)) || where->n_input != 3 ||
      !g_str_equal (where->input[0], out0 (and)) || !g_str_equal (where->input[1], r) ||
      !_onnx_scalar (im, where->input[2], &fallback) || fallback != 1.0f ||
      !g_str_equal (gather->input[1], out0 (cast)))
    return _onnx_unsupported_use (
      im, error, _ ("Round"),
      _ ("Layerlab reads it only as the start of an Embedding's id "
         "clamping (Round → GreaterOrEqual, Less → And → Where → Cast → "
         "Gather), as its exporter writes it"));
  {
    const Onnx__NodeProto *node = im->node;
    const int node_index = im->node_index;
    gboolean ok;

    /* the Cast and Gather attributes are checked as theirs */
    im->node = cast;
    im->node_index = i_cast;
    ok = _onnx_attr_int (im, "to", 0) == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
         _onnx_attr_int (im, "to", 0) == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    if (!ok)
      _onnx_unsupported (im, error, "to", _ ("an Embedding's ids are cast to integers"));
    im->node = gather;
    im->node_index = i_gather;
    if (ok && _onnx_attr_int (im, "axis", 0) != 0)
      ok = _onnx_unsupported (im, error, "axis", _ ("an Embedding picks rows (axis 0)"));
    im->node = node;
    im->node_index = node_index;
    if (!ok)
      return FALSE;
  }
  _onnx_mark_done (im, i_ge);
  _onnx_mark_done (im, i_lt);
  _onnx_mark_done (im, i_and);
  _onnx_mark_done (im, i_where);
  _onnx_mark_done (im, i_cast);
  return _onnx_add_embedding (im, x, w, i_gather, error);
}

/* A constant broadcast over the sample of x (x's dims without its batch
 * axis, in order): FALSE when its shape does not broadcast that way. */
static gboolean
broadcast_sample (const onnx_value *x, const nn_onnx_tensor *c, float *out, gsize sample)
{
  int cdim[NN_ONNX_MAX_RANK];
  gsize stride[NN_ONNX_MAX_RANK], s = 1;

  if (c->rank > x->rank)
    return FALSE;
  /* c's dims aligned to x's from the right; 1 (or absent) repeats */
  for (int i = x->rank - 1; i >= 0; i--)
    {
      const int ci = i - (x->rank - c->rank);
      const gint64 d = ci >= 0 ? c->dims[ci] : 1;

      if (d != 1 && (d != x->dims[i] || i == x->batch_axis))
        return FALSE;
      cdim[i] = (int) d;
      stride[i] = s;
      s *= (gsize) d;
    }
  for (gsize k = 0; k < sample; k++)
    {
      gsize rest = k, at = 0;

      /* k's index along each non-batch axis, last axis fastest */
      for (int i = x->rank - 1; i >= 0; i--)
        if (i != x->batch_axis)
          {
            const gsize idx = rest % (gsize) x->dims[i];

            rest /= (gsize) x->dims[i];
            if (cdim[i] != 1)
              at += idx * stride[i];
          }
      out[k] = c->data[at];
    }
  return TRUE;
}

/* Sub, Add, Mul or Div of the model's input by a constant — a fitted
 * normalisation, (x − mean)·inv_std, as Layerlab's exporter writes it —
 * becomes the project's normalisation (its data preparation) and no layer.
 * Sub or Add may be followed by a Mul or Div. *matched as in match_gelu. */
gboolean
_onnx_match_normalisation (onnx_importer *im, gboolean *matched, GError **error)
{
  const Onnx__NodeProto *n0 = im->node, *n1 = NULL;
  const gboolean add = g_str_equal (n0->op_type, "Add");
  const gboolean sub = add || g_str_equal (n0->op_type, "Sub");
  const gboolean div = g_str_equal (n0->op_type, "Div");
  onnx_value *x = NULL, *c = NULL, *c1 = NULL;
  const nn_node *in;
  g_autofree float *mean = NULL, *scale = NULL;
  gsize sample = 1;
  int i_n1 = -1, last;

  *matched = FALSE;
  if (n0->n_input != 2 || im->norm_size > 0)
    return TRUE;
  for (int i = 0; i < 2 && x == NULL; i++)
    {
      onnx_value *a = _onnx_input (im, i), *b = _onnx_input (im, 1 - i);

      /* Sub and Div take the input first */
      if (i == 1 && ((sub && !add) || div))
        break;
      if (a && b && !a->is_const && a->node_id >= 0 && !a->ids && b->is_const && b->value)
        x = a, c = b;
    }
  in = x ? nn_graph_lookup (im->graph, x->node_id) : NULL;
  if (in == NULL || in->desc.ops != nn_layer_lookup ("input") || x->consumers != 1)
    return TRUE;
  for (int i = 0; i < x->rank; i++)
    if (i != x->batch_axis)
      sample *= (gsize) x->dims[i];
  if (sub && ((n1 = _onnx_sole_reader (im, out0 (n0), "Mul", &i_n1)) ||
              (n1 = _onnx_sole_reader (im, out0 (n0), "Div", &i_n1))))
    {
      const char *other = _onnx_other_input (n1, out0 (n0));

      c1 = other ? g_hash_table_lookup (im->values, other) : NULL;
      if (c1 == NULL || !c1->is_const || c1->value == NULL ||
          (g_str_equal (n1->op_type, "Div") && !g_str_equal (n1->input[0], out0 (n0))))
        n1 = NULL, c1 = NULL;
    }
  mean = g_new0 (float, sample);
  scale = g_new (float, sample);
  if (!broadcast_sample (x, c->value, sub ? mean : scale, sample) ||
      (c1 && !broadcast_sample (x, c1->value, scale, sample)))
    return TRUE;
  if (sub && c1 == NULL)
    for (gsize k = 0; k < sample; k++)
      scale[k] = 1.0f;
  if (add) /* x + c = x − (−c) */
    for (gsize k = 0; k < sample; k++)
      mean[k] = -mean[k];
  if (div || (n1 && g_str_equal (n1->op_type, "Div")))
    for (gsize k = 0; k < sample; k++)
      scale[k] = 1.0f / scale[k];
  if (sample > G_MAXINT)
    return TRUE;

  *matched = TRUE;
  im->norm_mean = g_steal_pointer (&mean);
  im->norm_inv_std = g_steal_pointer (&scale);
  im->norm_size = (int) sample;
  last = n1 ? i_n1 : im->node_index;
  _onnx_define_at (im, last, x->node_id, x->rank, x->dims, x->batch_axis);
  return TRUE;
}

static const char *const arithmetic_use =
  N_ ("Layerlab reads it only inside GELU (x/√2 → Erf → +1 → ×x → ×½) or as a normalisation of "
      "the model's input by constants ((x − mean)·scale)");

/* Sub, Mul, Div: GELU or the input's normalisation, nothing else. */
gboolean
_onnx_map_arithmetic (onnx_importer *im, GError **error)
{
  gboolean matched;

  if (!match_gelu (im, &matched, error) || matched)
    return matched;
  if (!_onnx_match_normalisation (im, &matched, error) || matched)
    return matched;
  if (g_str_equal (im->node->op_type, "Mul") && is_tanh_gelu (im))
    return _onnx_unsupported_use (im, error, _ ("GELU's tanh approximation (approximate='tanh')"),
                                  _ ("Layerlab's GELU is the exact form with erf; export the model "
                                     "with approximate='none'"));
  return _onnx_unsupported_use (im, error, im->node->op_type, _ (arithmetic_use));
}

gboolean
_onnx_map_erf (onnx_importer *im, GError **error)
{
  return _onnx_unsupported_use (im, error, "Erf",
                                _ ("Layerlab reads it only inside GELU's exact form "
                                   "(x/√2 → Erf → +1 → ×x → ×½)"));
}

/* GreaterOrEqual, Less, And, Where, Cast: met on their own (the chain
 * starting at Round maps them with it). */
gboolean
_onnx_map_embedding_part (onnx_importer *im, GError **error)
{
  return _onnx_unsupported_use (
    im, error, im->node->op_type,
    _ ("Layerlab reads it only inside an Embedding's id clamping "
       "(Round → GreaterOrEqual, Less → And → Where → Cast → Gather), as "
       "its exporter writes it"));
}
