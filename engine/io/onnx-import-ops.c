/* onnx-import-ops.c — ONNX operators → Layerlab layers, one function per
 * operator. Each checks every attribute it cannot honour and names it in
 * an NN_ERROR_UNSUPPORTED message rather than importing something that
 * would compute other numbers. Operators that only move values (Flatten,
 * Reshape, Squeeze, Transpose of the batch axis) keep ONNX's dims on the
 * value and let the next layer add a Reshape only when it needs one. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

#define LAYER(id) nn_layer_lookup (id)

/* Short names for the shared error helpers (onnx-import.c). */
#define unsupported     _onnx_unsupported
#define unsupported_use _onnx_unsupported_use

/* TRUE when the ints attribute is absent or every element equals value. */
static gboolean
ints_all (onnx_importer *im, const char *name, gint64 value)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  for (gsize i = 0; a && i < a->n_ints; i++)
    if (a->ints[i] != value)
      return FALSE;
  return TRUE;
}

static int
norm_axis (gint64 axis, int rank)
{
  return (int) (axis < 0 ? axis + rank : axis);
}

static onnx_value *
define_like (onnx_importer *im, int node_id, const onnx_value *like)
{
  return _onnx_define (im, 0, node_id, like->rank, like->dims, like->batch_axis);
}

static gboolean
require_image (onnx_importer *im, const onnx_value *x, GError **error)
{
  if (x->rank != 4 || x->batch_axis != 0)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("only 2-D images (N×C×H×W tensors) are supported; '%s' has %d axes"),
                        x->name, x->rank);
      return FALSE;
    }
  return TRUE;
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
  define_like (im, id, x);
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
  define_like (im, id, x);
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
  define_like (im, id, x);
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
  define_like (im, x->node_id, x);
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
      nn_shape shape;

      if (node == NULL || node->desc.ops != LAYER ("dense") ||
          nn_layer_desc_get (&node->desc, "use_bias") != 0 || x->consumers != 1 ||
          c->value == NULL || c->value->size != (gsize) units)
        return unsupported_use (im, error, _ ("a constant input"),
                                _ ("adding a constant is supported only as the bias of a "
                                   "preceding MatMul"));
      if (!nn_graph_set_param (im->graph, x->node_id, "use_bias", 1, error))
        return FALSE;
      shape = nn_shape_1d ((int) units);
      _onnx_add_weight (im, x->node_id, "bias", &shape, c->value->data);
      define_like (im, x->node_id, x);
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
  define_like (im, id, a);
  return TRUE;
}

/* --- Convolution and pooling ------------------------------------------------ */

/* Layerlab's paddings: valid (none) and same (out = ceil(in / stride), the
 * odd pixel at the bottom/right). Returns 0 valid, 1 same, -1 neither. */
static int
match_padding (int in, int k, int s, int pad_begin, int out)
{
  int out_same = (in + s - 1) / s;
  int pad_same = MAX ((out_same - 1) * s + k - in, 0) / 2;

  if (pad_begin == 0 && in >= k && out == (in - k) / s + 1)
    return 0;
  if (pad_begin == pad_same && out == out_same)
    return 1;
  return -1;
}

/* The node id of x as Layerlab's image: N×C×H×W as it is, N×C×L as a
 * C×L×1 image (a 1-D layer is its 2-D form over one column), or -1 with an
 * error for other ranks. */
static gboolean
require_image_1d_2d (onnx_importer *im, const onnx_value *x, GError **error)
{
  if (x->batch_axis != 0 || (x->rank != 3 && x->rank != 4))
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("only 1-D and 2-D images (N×C×L and N×C×H×W tensors) are supported; "
                           "'%s' has %d axes"),
                        x->name, x->rank);
      return FALSE;
    }
  return TRUE;
}

static int
use_as_image (onnx_importer *im, onnx_value *x, GError **error)
{
  static const char *const reshape_ids[] = { "channels", "height", "width", NULL };
  double rp[3];
  int in;

  if (!require_image_1d_2d (im, x, error))
    return -1;
  in = _onnx_use (im, x, error);
  if (in < 0 || x->rank == 4)
    return in;
  rp[0] = (double) x->dims[1];
  rp[1] = (double) x->dims[2];
  rp[2] = 1;
  return _onnx_add_layer (im, LAYER ("reshape"), &in, 1, reshape_ids, rp, error);
}

/* An ints attribute of a window or kernel with one value per spatial axis
 * (n of them, n × per for pads), each in lo..hi; def for every value when
 * absent. */
static gboolean
spatial_ints (onnx_importer *im, const char *name, int n, int def, int lo, int hi, int *v,
              GError **error)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  for (int i = 0; i < n; i++)
    v[i] = def;
  if (a == NULL || a->n_ints == 0)
    return TRUE;
  if (a->n_ints != (gsize) n)
    {
      g_autofree char *why = g_strdup_printf (_ ("expected %d values"), n);
      return unsupported (im, error, name, why);
    }
  for (int i = 0; i < n; i++)
    {
      if (a->ints[i] < lo || a->ints[i] > hi)
        {
          g_autofree char *why =
            g_strdup_printf (_ ("Layerlab takes values from %d to %d"), lo, hi);
          return unsupported (im, error, name, why);
        }
      v[i] = (int) a->ints[i];
    }
  return TRUE;
}

/* One axis of an ONNX pooling window, and how many outputs ONNX makes
 * (PyTorch's rule for ceil_mode: the last window starts inside the image
 * or its leading padding). */
typedef struct
{
  int in, k, s, d, begin, end;
} onnx_pool_axis;

static int
pool_axis_out (const onnx_pool_axis *a, int begin, int end, gboolean ceil)
{
  const int span = (a->k - 1) * a->d + 1, room = a->in + begin + end - span;
  int out;

  if (room < 0)
    return 0;
  out = (ceil ? (room + a->s - 1) / a->s : room / a->s) + 1;
  if (ceil && (out - 1) * a->s >= a->in + begin)
    out--;
  return out;
}

/* Layerlab's 'same' padding of an axis: out = ceil(in / s), the odd padded
 * cell at the end. */
static void
pool_axis_same (const onnx_pool_axis *a, int *begin, int *end)
{
  const int total = MAX (((a->in + a->s - 1) / a->s - 1) * a->s + (a->k - 1) * a->d + 1 - a->in, 0);

  *begin = total / 2;
  *end = total - total / 2;
}

/* MaxPool and AveragePool over N×C×H×W, or N×C×L as a k×1 window. Windows
 * start at o·s − begin whatever the padding, so ONNX's pads map onto
 * Layerlab's explicit padding (begin ≤ half the window) with ceil_mode
 * chosen to give ONNX's number of outputs: padding past the image never
 * wins a max nor counts in an average without count_include_pad. With
 * count_include_pad the end padding must equal the begin padding, as in
 * PyTorch; otherwise Layerlab's 'same' takes what explicit cannot. */
static gboolean
map_pool (onnx_importer *im, const char *kind, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  /* ids[8], dilation or count_pad, is set below */
  static const char *const ids[] = {
    "size", "size_width", "stride",    "stride_width", "padding",
    "pad",  "pad_width",  "ceil_mode", NULL,           NULL,
  };
  const char *param_ids[G_N_ELEMENTS (ids)];
  const gboolean max = g_str_equal (kind, "maxpool2d");
  g_autofree char *auto_pad = _onnx_attr_string (im, "auto_pad", "NOTSET");
  const gboolean ceil = _onnx_attr_int (im, "ceil_mode", 0) != 0;
  const gboolean count_pad = !max && _onnx_attr_int (im, "count_include_pad", 0) != 0;
  onnx_pool_axis ax[2];
  int n, k[2], s[2], d[2] = { 1, 1 }, pads[4] = { 0 }, mode = -1, out[2], dilation, id, in;
  gboolean use_ceil = ceil, padded = FALSE;
  gint64 out_dims[4];
  double p[G_N_ELEMENTS (ids)];

  if (x == NULL || !require_image_1d_2d (im, x, error))
    return FALSE;
  n = x->rank - 2;
  if (!max && !ints_all (im, "dilations", 1))
    return unsupported (im, error, "dilations", _ ("dilated averages are not supported"));
  if (_onnx_attr (im, "kernel_shape") == NULL)
    return unsupported (im, error, "kernel_shape", _ ("the window size is required"));
  if (!spatial_ints (im, "kernel_shape", n, 1, 1, 64, k, error) ||
      !spatial_ints (im, "strides", n, 1, 1, 64, s, error) ||
      !spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
    return FALSE;
  if (n == 2 && d[0] != d[1] && k[0] > 1 && k[1] > 1)
    return unsupported (im, error, "dilations",
                        _ ("Layerlab's windows are dilated the same in both directions"));
  /* a window one cell long is the same at any dilation */
  dilation = n == 2 && k[0] == 1 ? d[1] : d[0];
  for (int i = 0; i < 2; i++)
    {
      ax[i].in = i < n ? (int) x->dims[2 + i] : 1;
      ax[i].k = i < n ? k[i] : 1;
      ax[i].s = i < n ? s[i] : 1;
      ax[i].d = dilation;
    }
  if (g_str_equal (auto_pad, "SAME_UPPER") || g_str_equal (auto_pad, "SAME_LOWER"))
    for (int i = 0; i < n; i++)
      {
        int small, large;

        pool_axis_same (&ax[i], &small, &large);
        pads[i] = g_str_equal (auto_pad, "SAME_UPPER") ? small : large;
        pads[n + i] = small + large - pads[i];
      }
  else if (!g_str_equal (auto_pad, "NOTSET") && !g_str_equal (auto_pad, "VALID"))
    return unsupported (im, error, "auto_pad", auto_pad);
  else if (g_str_equal (auto_pad, "NOTSET") &&
           !spatial_ints (im, "pads", 2 * n, 0, 0, 64, pads, error))
    return FALSE;
  for (int i = 0; i < 2; i++)
    {
      ax[i].begin = i < n ? pads[i] : 0;
      ax[i].end = i < n ? pads[n + i] : 0;
      out[i] = pool_axis_out (&ax[i], ax[i].begin, ax[i].end, ceil);
      padded = padded || ax[i].begin > 0 || ax[i].end > 0;
      if (out[i] <= 0)
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the window is larger than the image"));
          return FALSE;
        }
    }
  /* explicit (valid when unpadded), with ceil_mode as given or as needed */
  if (ax[0].begin <= ax[0].k / 2 && ax[1].begin <= ax[1].k / 2 &&
      (!count_pad || (ax[0].begin == ax[0].end && ax[1].begin == ax[1].end)))
    for (int c = 0; c < 2 && mode < 0; c++)
      {
        use_ceil = c == 0 ? ceil : !ceil;
        if (pool_axis_out (&ax[0], ax[0].begin, ax[0].begin, use_ceil) == out[0] &&
            pool_axis_out (&ax[1], ax[1].begin, ax[1].begin, use_ceil) == out[1])
          mode = ax[0].begin > 0 || ax[1].begin > 0 ? 2 : 0;
      }
  if (mode < 0 && !(count_pad && padded))
    {
      gboolean same = TRUE;

      for (int i = 0; i < 2; i++)
        {
          int b, e;

          pool_axis_same (&ax[i], &b, &e);
          same = same && b == ax[i].begin && out[i] == (ax[i].in + ax[i].s - 1) / ax[i].s;
        }
      mode = same ? 1 : -1;
      use_ceil = FALSE;
    }
  if (mode < 0)
    return unsupported (im, error, "pads",
                        count_pad ? _ ("with count_include_pad the padding must be the same "
                                       "before and after the image, at most half the window")
                                  : _ ("the padding before the image must be at most half the "
                                       "window, or Layerlab's same padding"));
  if (_onnx_output_used (im, 1))
    return unsupported_use (im, error, _ ("the Indices output"),
                            _ ("the indices output cannot be produced"));
  memcpy (param_ids, ids, sizeof ids);
  param_ids[8] = max ? "dilation" : "count_pad";
  p[0] = ax[0].k;
  p[1] = ax[1].k;
  p[2] = ax[0].s;
  p[3] = ax[1].s;
  p[4] = mode;
  p[5] = mode == 2 ? ax[0].begin : 0;
  p[6] = mode == 2 ? ax[1].begin : 0;
  p[7] = use_ceil;
  p[8] = max ? dilation : count_pad;
  in = use_as_image (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER (kind), &in, 1, param_ids, p, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = out[0];
  out_dims[3] = out[1];
  _onnx_define (im, 0, id, x->rank, out_dims, 0);
  return TRUE;
}

/* One spatial axis of an ONNX convolution (rows, then columns; a 1-D
 * convolution's second axis is 1 long with a kernel of 1). */
typedef struct
{
  int in, k, s, begin, end, out_pad, out;
} onnx_conv_axis;

/* Weights, kernel, strides and dilation of Conv/ConvTranspose over N×C×L
 * or N×C×H×W: W is F×C/group×k… (C×F×k… when transposed); Layerlab dilates
 * both axes alike, which a kernel one tap long does not notice. */
static gboolean
conv_weights_fit (onnx_importer *im, const onnx_value *x, const onnx_value *w, gboolean transposed,
                  int groups, onnx_conv_axis ax[2], int *dilation, GError **error)
{
  const int n = x->rank - 2;
  int k[2] = { 1, 1 }, s[2] = { 1, 1 }, d[2] = { 1, 1 };
  gint64 want_c = transposed ? x->dims[1] : x->dims[1] / groups;

  if (x->dims[1] % groups != 0 || (!transposed && w->value->dims[0] % groups != 0))
    return unsupported (im, error, "group",
                        _ ("the channels and filters must divide by the number of groups"));
  if (w->value->rank != x->rank || w->value->dims[transposed ? 0 : 1] != want_c)
    {
      _onnx_node_error (
        im, error, NN_ERROR_DATA,
        transposed ? _ ("the weights must be C×F×k… for the input's %" PRId64 " channels")
                   : _ ("the weights must be F×C/group×k… for the input's %" PRId64 " channels"),
        x->dims[1]);
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      k[i] = (int) w->value->dims[2 + i];
      if (k[i] < 1 || k[i] > 31)
        return unsupported (im, error, "kernel_shape",
                            _ ("Layerlab's kernels are 1 to 31 pixels in each direction"));
    }
  if (!spatial_ints (im, "strides", n, 1, 1, 16, s, error) ||
      !spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
    return FALSE;
  if (n == 2 && d[0] != d[1] && k[0] > 1 && k[1] > 1)
    return unsupported (im, error, "dilations",
                        _ ("Layerlab dilates a kernel the same in both directions"));
  *dilation = n == 2 && k[0] == 1 ? d[1] : d[0];
  for (int i = 0; i < 2; i++)
    ax[i] = (onnx_conv_axis){ .in = i < n ? (int) x->dims[2 + i] : 1, .k = k[i], .s = s[i] };
  return TRUE;
}

/* x / 2 rounded down, also below 0 */
static int
half_down (int x)
{
  return x >= 0 ? x / 2 : -((1 - x) / 2);
}

/* begin/end pads of each axis from auto_pad or pads; SAME splits the total
 * that gives ceil(in / stride) outputs (in × stride when transposed). A
 * transposed convolution may give its output_shape instead (out_pad: its
 * output_padding): the pads follow from it as ONNX says, and may be
 * negative (rows added after the full result). */
static gboolean
conv_pads (onnx_importer *im, int n, gboolean transposed, int dilation, const int *out_pad,
           onnx_conv_axis ax[2], GError **error)
{
  g_autofree char *auto_pad = _onnx_attr_string (im, "auto_pad", "NOTSET");
  int pads[4] = { 0 }, shape[2];

  if (transposed && _onnx_attr (im, "output_shape"))
    {
      if (!spatial_ints (im, "output_shape", n, 1, 1, 65536, shape, error))
        return FALSE;
      for (int i = 0; i < n; i++)
        {
          const int ek = (ax[i].k - 1) * dilation + 1;
          const int total = (ax[i].in - 1) * ax[i].s + out_pad[i] + ek - shape[i];

          pads[i] =
            g_str_equal (auto_pad, "SAME_UPPER") ? half_down (total) : total - half_down (total);
          pads[n + i] = total - pads[i];
        }
    }
  else if (g_str_equal (auto_pad, "SAME_UPPER") || g_str_equal (auto_pad, "SAME_LOWER"))
    for (int i = 0; i < n; i++)
      {
        const int ek = (ax[i].k - 1) * dilation + 1;
        const int total =
          transposed ? MAX (ek - ax[i].s, 0)
                     : MAX (((ax[i].in + ax[i].s - 1) / ax[i].s - 1) * ax[i].s + ek - ax[i].in, 0);
        pads[i] = g_str_equal (auto_pad, "SAME_UPPER") ? total / 2 : total - total / 2;
        pads[n + i] = total - pads[i];
      }
  else if (!g_str_equal (auto_pad, "NOTSET") && !g_str_equal (auto_pad, "VALID"))
    return unsupported (im, error, "auto_pad", auto_pad);
  else if (g_str_equal (auto_pad, "NOTSET") &&
           !spatial_ints (im, "pads", 2 * n, 0, 0, 31, pads, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      ax[i].begin = pads[i];
      ax[i].end = pads[n + i];
    }
  return TRUE;
}

/* A constant bias of one value per filter, or no bias. */
static gboolean
conv_bias_fits (onnx_importer *im, const onnx_value *b, gint64 f, GError **error)
{
  if (b != NULL && (!b->is_const || b->value == NULL || b->value->size != (gsize) f))
    return unsupported_use (im, error, _ ("the bias input B"),
                            _ ("the bias must be a constant with one value per filter"));
  return TRUE;
}

/* Conv over N×C×H×W, or N×C×L as an image C×L×1 with a k×1 kernel. ONNX's
 * pads map onto Layerlab's valid, same (odd pixel at the end) or explicit
 * padding (the same amount before and after; an end pad the last window
 * never reaches counts as equal). */
static gboolean
map_conv (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters",   "kernel",       "stride",       "padding",
                                     "use_bias",  "kernel_width", "stride_width", "pad",
                                     "pad_width", "dilation",     "groups",       NULL };
  const int groups = (int) CLAMP (_onnx_attr_int (im, "group", 1), 0, 4097);
  onnx_conv_axis ax[2];
  int dilation, mode = 0, id, in;
  gboolean valid = TRUE, same = TRUE, explicit = TRUE;
  gint64 f, out_dims[4];
  double p[G_N_ELEMENTS (ids) - 1];
  nn_shape shape;

  if (x == NULL || !require_image_1d_2d (im, x, error) ||
      (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (groups < 1 || groups > 4096)
    return unsupported (im, error, "group", _ ("Layerlab takes 1 to 4096 groups"));
  if (!conv_weights_fit (im, x, w, FALSE, groups, ax, &dilation, error) ||
      !conv_pads (im, x->rank - 2, FALSE, dilation, NULL, ax, error))
    return FALSE;
  for (int i = 0; i < 2; i++)
    {
      onnx_conv_axis *a = &ax[i];
      const int ek = (a->k - 1) * dilation + 1, room = a->in + a->begin + a->end - ek;

      if (room < 0)
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the kernel is larger than the image"));
          return FALSE;
        }
      a->out = room / a->s + 1;
      valid = valid && a->begin == 0 && match_padding (a->in, ek, a->s, 0, a->out) == 0;
      same = same && match_padding (a->in, ek, a->s, a->begin, a->out) == 1;
      explicit =
        explicit && a->in + 2 * a->begin >= ek && (a->in + 2 * a->begin - ek) / a->s + 1 == a->out;
    }
  mode = valid ? 0 : same ? 1 : explicit ? 2 : -1;
  if (mode < 0)
    return unsupported (im, error, "pads",
                        _ ("the padding after the image must match the padding before it, or "
                           "be Layerlab's same padding"));
  f = w->value->dims[0];
  if (!conv_bias_fits (im, b, f, error))
    return FALSE;
  p[0] = (double) f;
  p[1] = ax[0].k;
  p[2] = ax[0].s;
  p[3] = mode;
  p[4] = b != NULL;
  p[5] = ax[1].k;
  p[6] = ax[1].s;
  p[7] = mode == 2 ? ax[0].begin : 0;
  p[8] = mode == 2 ? ax[1].begin : -1;
  p[9] = dilation;
  p[10] = groups;
  in = use_as_image (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("conv2d"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = (nn_shape){ 4, { (int) f, (int) x->dims[1] / groups, ax[0].k, ax[1].k } };
  _onnx_add_weight (im, id, "weight", &shape, w->value->data);
  if (b != NULL)
    {
      shape = nn_shape_1d ((int) f);
      _onnx_add_weight (im, id, "bias", &shape, b->value->data);
    }
  out_dims[0] = x->dims[0];
  out_dims[1] = f;
  out_dims[2] = ax[0].out;
  out_dims[3] = ax[1].out;
  _onnx_define (im, 0, id, x->rank, out_dims, 0);
  return TRUE;
}

/* ConvTranspose over N×C×H×W or N×C×L: ONNX crops `begin` from the start
 * of the full result and makes it (in − 1)·s + ek + output_padding − begin
 * − end long. Layerlab's explicit padding crops `pad` at the start and
 * makes it (in − 1)·s + ek − 2·pad + output_padding', so an uneven end
 * becomes a different output_padding (one for both axes, below the
 * stride); valid and same are Layerlab's own. */
static gboolean
map_conv_transpose (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters",   "kernel",       "stride",         "padding",
                                     "use_bias",  "kernel_width", "stride_width",   "pad",
                                     "pad_width", "dilation",     "output_padding", NULL };
  const int n = x ? x->rank - 2 : 0;
  onnx_conv_axis ax[2];
  int dilation, out_pad[2] = { 0, 0 }, op = -1, id, in;
  gboolean valid = TRUE, same = TRUE, explicit = TRUE;
  gint64 f, out_dims[4];
  double p[G_N_ELEMENTS (ids) - 1];
  nn_shape shape;

  if (x == NULL || !require_image_1d_2d (im, x, error) ||
      (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (_onnx_attr_int (im, "group", 1) != 1)
    return unsupported (im, error, "group",
                        _ ("grouped transposed convolutions are not supported"));
  if (!conv_weights_fit (im, x, w, TRUE, 1, ax, &dilation, error) ||
      !spatial_ints (im, "output_padding", n, 0, 0, 15, out_pad, error))
    return FALSE;
  if (!conv_pads (im, n, TRUE, dilation, out_pad, ax, error))
    return FALSE;
  for (int i = 0; i < 2; i++)
    {
      onnx_conv_axis *a = &ax[i];
      const int ek = (a->k - 1) * dilation + 1, full = (a->in - 1) * a->s + ek;
      const int this_op = (i < n ? out_pad[i] : 0) + a->begin - a->end;

      a->out = full + (i < n ? out_pad[i] : 0) - a->begin - a->end;
      if (a->out <= 0)
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the padding crops the whole output"));
          return FALSE;
        }
      valid = valid && a->begin == 0 && a->out == full;
      same = same && a->begin == MAX (ek - a->s, 0) / 2 && a->out == a->in * a->s;
      /* Layerlab's one output padding also lengthens a 1-D convolution's
       * second, 1-long axis: there it must be 0 */
      explicit = explicit && a->begin >= 0 && this_op >= 0 && this_op < MAX (a->s, dilation) &&
                 (op < 0 || op == this_op);
      op = this_op;
    }
  if (!valid && !same && !explicit)
    return unsupported (im, error, "pads",
                        _ ("Layerlab's transposed convolutions add the same output padding "
                           "(below the stride) in both directions"));
  f = w->value->dims[1];
  if (!conv_bias_fits (im, b, f, error))
    return FALSE;
  p[0] = (double) f;
  p[1] = ax[0].k;
  p[2] = ax[0].s;
  p[3] = valid ? 0 : same ? 1 : 2;
  p[4] = b != NULL;
  p[5] = ax[1].k;
  p[6] = ax[1].s;
  p[7] = p[3] == 2 ? ax[0].begin : 0;
  p[8] = p[3] == 2 ? ax[1].begin : -1;
  p[9] = dilation;
  p[10] = p[3] == 2 ? op : 0;
  in = use_as_image (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("conv2d_transpose"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = (nn_shape){ 4, { (int) x->dims[1], (int) f, ax[0].k, ax[1].k } };
  _onnx_add_weight (im, id, "weight", &shape, w->value->data);
  if (b != NULL)
    {
      shape = nn_shape_1d ((int) f);
      _onnx_add_weight (im, id, "bias", &shape, b->value->data);
    }
  out_dims[0] = x->dims[0];
  out_dims[1] = f;
  out_dims[2] = ax[0].out;
  out_dims[3] = ax[1].out;
  _onnx_define (im, 0, id, x->rank, out_dims, 0);
  return TRUE;
}

static gboolean
map_maxpool (onnx_importer *im, GError **error)
{
  if (_onnx_attr_int (im, "storage_order", 0) != 0 && _onnx_output_used (im, 1))
    return unsupported (im, error, "storage_order", _ ("the indices output cannot be produced"));
  return map_pool (im, "maxpool2d", error);
}

static gboolean
map_avgpool (onnx_importer *im, GError **error)
{
  return map_pool (im, "avgpool2d", error);
}

static gboolean
map_global_avgpool (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  gint64 out_dims[4];
  int id, in;

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("globalavgpool2d"), &in, 1, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = out_dims[3] = 1;
  _onnx_define (im, 0, id, 4, out_dims, 0);
  return TRUE;
}

static gboolean
map_batchnorm (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *c[4];
  static const char *const ids[] = { "eps", "momentum", NULL };
  static const char *const reshape_ids[] = { "channels", "height", "width", NULL };
  const float momentum = _onnx_attr_float (im, "momentum", 0.9f);
  double p[2];
  g_autofree float *stats = NULL;
  nn_shape shape;
  gint64 ch;
  int id, in;

  if (x == NULL)
    return FALSE;
  for (int i = 0; i < 4; i++)
    if ((c[i] = _onnx_const_input (im, i + 1, error)) == NULL)
      return FALSE;
  if (_onnx_attr_int (im, "training_mode", 0) != 0 || _onnx_output_used (im, 1) ||
      _onnx_output_used (im, 2))
    return unsupported (im, error, "training_mode",
                        _ ("only inference with the running statistics is imported"));
  if (_onnx_attr_int (im, "spatial", 1) != 1)
    return unsupported (im, error, "spatial=0", _ ("statistics per value are not supported"));
  if (x->batch_axis != 0 || x->rank < 2 || x->rank > 4)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("only N×C, N×C×L and N×C×H×W tensors are supported"));
      return FALSE;
    }
  ch = x->dims[1];
  for (int i = 0; i < 4; i++)
    if (c[i]->value->size != (gsize) ch)
      {
        _onnx_node_error (im, error, NN_ERROR_DATA,
                          _ ("input %d has %zu values, expected one per channel (%" PRId64 ")"),
                          i + 2, c[i]->value->size, ch);
        return FALSE;
      }
  p[0] = _onnx_attr_float (im, "epsilon", 1e-5f);
  p[1] = momentum >= 0.0f && momentum <= 1.0f ? 1.0 - momentum : 0.1;
  in = _onnx_use (im, x, error);
  if (in >= 0 && x->rank == 3)
    {
      /* N×C×L: one channel per row, as an image C×L×1 */
      double rp[3] = { (double) ch, (double) x->dims[2], 1 };
      in = _onnx_add_layer (im, LAYER ("reshape"), &in, 1, reshape_ids, rp, error);
    }
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("batchnorm"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = nn_shape_1d ((int) ch);
  _onnx_add_weight (im, id, "gamma", &shape, c[0]->value->data);
  _onnx_add_weight (im, id, "beta", &shape, c[1]->value->data);
  stats = g_new (float, 2 * ch);
  memcpy (stats, c[2]->value->data, ch * sizeof (float));
  memcpy (stats + ch, c[3]->value->data, ch * sizeof (float));
  shape = nn_shape_1d (2 * (int) ch);
  _onnx_add_state (im, id, &shape, stats);
  define_like (im, id, x);
  return TRUE;
}

/* Upsample and Resize as UpSampling2D: whole factors 1–16 per axis, from
 * scales or sizes. Nearest copies pixels, which every coordinate mode that
 * rounds o/f down reaches; linear is bilinear as PyTorch computes it, which
 * ONNX calls half_pixel (pytorch_half_pixel differs only for an output of
 * one pixel, which whole factors reach only from one pixel, where both give
 * 0) or, with the corners lined up, align_corners. */
static gboolean
map_upsample (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  g_autofree char *mode = _onnx_attr_string (im, "mode", "nearest");
  gboolean resize = g_str_equal (im->node->op_type, "Resize");
  /* Upsample and Resize-10 place source pixels at o/f */
  g_autofree char *coord = _onnx_attr_string (
    im, "coordinate_transformation_mode", resize && im->opset >= 11 ? "half_pixel" : "asymmetric");
  g_autofree char *nearest = _onnx_attr_string (im, "nearest_mode", "round_prefer_floor");
  gboolean half = g_str_equal (coord, "half_pixel") || g_str_equal (coord, "pytorch_half_pixel");
  gboolean bilinear = g_str_equal (mode, "linear");
  gboolean align = FALSE;
  double factor[2] = { 0, 0 };
  gint64 out_dims[4];
  static const char *const ids[] = { "size", "size_width", "interpolation", "align_corners", NULL };
  double p[4];
  int id, in;

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  if (!bilinear && !g_str_equal (mode, "nearest"))
    return unsupported (im, error, "mode", mode);
  if (bilinear)
    {
      align = g_str_equal (coord, "align_corners");
      if (!half && !align)
        {
          g_autofree char *what = g_strdup_printf ("coordinate_transformation_mode=%s", coord);
          return unsupported (im, error, what,
                              _ ("linear resizing is supported with half_pixel, "
                                 "pytorch_half_pixel or align_corners, as PyTorch computes it"));
        }
    }
  else if (resize && im->opset >= 11)
    {
      gboolean floor_ok = g_str_equal (coord, "asymmetric") && g_str_equal (nearest, "floor");
      gboolean round_ok = half && g_str_has_prefix (nearest, "round_prefer");

      if (!floor_ok && !round_ok)
        {
          g_autofree char *what = g_strdup_printf ("coordinate_transformation_mode=%s with "
                                                   "nearest_mode=%s",
                                                   coord, nearest);
          return unsupported (im, error, what,
                              _ ("only pixel copies (each pixel becomes a block) are supported"));
        }
    }
  {
    const Onnx__AttributeProto *a = _onnx_attr (im, "scales");
    onnx_value *sv = _onnx_input (im, resize && im->opset >= 11 ? 2 : 1);
    onnx_value *sizes = resize && im->opset >= 11 ? _onnx_input (im, 3) : NULL;
    const float *scales = NULL;

    if (a && a->n_floats == 4)
      scales = a->floats;
    else if (sv && sv->is_const && sv->value && sv->value->size == 4)
      scales = sv->value->data;
    if (scales)
      {
        if (scales[0] != 1.0f || scales[1] != 1.0f)
          return unsupported (im, error, "scales",
                              _ ("the batch and channel axes must keep their size"));
        for (int i = 0; i < 2; i++)
          {
            if (scales[2 + i] < 1.0f)
              return unsupported (im, error, "scales",
                                  _ ("only enlarging is supported, not shrinking"));
            if (scales[2 + i] != floorf (scales[2 + i]))
              return unsupported (im, error, "scales",
                                  _ ("only whole factors are supported, not fractions"));
            factor[i] = scales[2 + i];
          }
      }
    else if (sizes && sizes->is_const && sizes->ints && sizes->n_ints == 4)
      {
        if (sizes->ints[0] != x->dims[0] || sizes->ints[1] != x->dims[1])
          return unsupported (im, error, "sizes",
                              _ ("the batch and channel axes must keep their size"));
        for (int i = 0; i < 2; i++)
          {
            if (sizes->ints[2 + i] < x->dims[2 + i])
              return unsupported (im, error, "sizes",
                                  _ ("only enlarging is supported, not shrinking"));
            if (sizes->ints[2 + i] % x->dims[2 + i] != 0)
              return unsupported (im, error, "sizes",
                                  _ ("only whole factors are supported, not fractions"));
            factor[i] = (double) (sizes->ints[2 + i] / x->dims[2 + i]);
          }
      }
    for (int i = 0; i < 2; i++)
      if (factor[i] < 1 || factor[i] > 16)
        return unsupported (im, error, "scales",
                            _ ("only constant whole factors from 1 to 16 for height and width are "
                               "supported"));
  }
  p[0] = factor[0];
  p[1] = factor[1] == factor[0] ? 0 : factor[1];
  p[2] = bilinear ? 1 : 0;
  p[3] = align ? 1 : 0;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("upsampling2d"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = x->dims[2] * (gint64) factor[0];
  out_dims[3] = x->dims[3] * (gint64) factor[1];
  _onnx_define (im, 0, id, 4, out_dims, 0);
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
  id = add_layer_as (im, i_half, LAYER ("gelu"), &x->node_id, NULL, NULL, error);
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
static gboolean
add_embedding (onnx_importer *im, onnx_value *ids, const onnx_value *w, int index, GError **error)
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
    return unsupported_use (im, error, _ ("these indices"),
                            _ ("an Embedding reads one vector of token ids per sample"));
  p[0] = (double) w->value->dims[0];
  p[1] = (double) w->value->dims[1];
  in = _onnx_use (im, ids, error);
  id = in < 0 ? -1 : add_layer_as (im, index, LAYER ("embedding"), &in, param_ids, p, error);
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
static gboolean
map_round (onnx_importer *im, GError **error)
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
    return unsupported_use (im, error, _ ("Round"),
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
      unsupported (im, error, "to", _ ("an Embedding's ids are cast to integers"));
    im->node = gather;
    im->node_index = i_gather;
    if (ok && _onnx_attr_int (im, "axis", 0) != 0)
      ok = unsupported (im, error, "axis", _ ("an Embedding picks rows (axis 0)"));
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
  return add_embedding (im, x, w, i_gather, error);
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

/* Sub, Mul or Div of the model's input by a constant — a fitted
 * normalisation, (x − mean)·inv_std, as Layerlab's exporter writes it —
 * becomes the project's normalisation (its data preparation) and no layer.
 * Sub may be followed by a Mul or Div. *matched as in match_gelu. */
static gboolean
match_normalisation (onnx_importer *im, gboolean *matched, GError **error)
{
  const Onnx__NodeProto *n0 = im->node, *n1 = NULL;
  const gboolean sub = g_str_equal (n0->op_type, "Sub"), div = g_str_equal (n0->op_type, "Div");
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
      if (i == 1 && (sub || div))
        break;
      if (a && b && !a->is_const && a->node_id >= 0 && !a->ids && b->is_const && b->value)
        x = a, c = b;
    }
  in = x ? nn_graph_lookup (im->graph, x->node_id) : NULL;
  if (in == NULL || in->desc.ops != LAYER ("input") || x->consumers != 1)
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
static gboolean
map_arithmetic (onnx_importer *im, GError **error)
{
  gboolean matched;

  if (!match_gelu (im, &matched, error) || matched)
    return matched;
  if (!match_normalisation (im, &matched, error) || matched)
    return matched;
  if (g_str_equal (im->node->op_type, "Mul") && is_tanh_gelu (im))
    return unsupported_use (im, error, _ ("GELU's tanh approximation (approximate='tanh')"),
                            _ ("Layerlab's GELU is the exact form with erf; export the model "
                               "with approximate='none'"));
  return unsupported_use (im, error, im->node->op_type, _ (arithmetic_use));
}

static gboolean
map_erf (onnx_importer *im, GError **error)
{
  return unsupported_use (im, error, "Erf",
                          _ ("Layerlab reads it only inside GELU's exact form "
                             "(x/√2 → Erf → +1 → ×x → ×½)"));
}

/* GreaterOrEqual, Less, And, Where, Cast: met on their own (the chain
 * starting at Round maps them with it). */
static gboolean
map_embedding_part (onnx_importer *im, GError **error)
{
  return unsupported_use (im, error, im->node->op_type,
                          _ ("Layerlab reads it only inside an Embedding's id clamping "
                             "(Round → GreaterOrEqual, Less → And → Where → Cast → Gather), as "
                             "its exporter writes it"));
}

/* --- Shape arithmetic -------------------------------------------------------
 * PyTorch writes a recurrent layer's zero start state as
 * ConstantOfShape(Concat(1, Gather(Shape(x), 0), H)): followed far enough
 * to know it is zeros. */

static gboolean
map_shape (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  gint64 *ints;

  if (x == NULL)
    return FALSE;
  if (_onnx_attr (im, "start") || _onnx_attr (im, "end"))
    return unsupported (im, error, _onnx_attr (im, "start") ? "start" : "end",
                        _ ("only the whole shape is supported"));
  ints = g_new (gint64, MAX (x->rank, 1));
  memcpy (ints, x->dims, sizeof (gint64) * x->rank);
  _onnx_define_const (im, 0, NULL, ints, x->rank);
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
      return add_embedding (im, idx, data, im->node_index, error);
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
} operators[] = {
  { "Add", map_add },
  { "And", map_embedding_part },
  { "AveragePool", map_avgpool },
  { "BatchNormalization", map_batchnorm },
  { "Cast", map_embedding_part },
  { "Concat", map_concat },
  { "Constant", map_constant },
  { "ConstantOfShape", map_constant_of_shape },
  { "Conv", map_conv },
  { "ConvTranspose", map_conv_transpose },
  { "Div", map_arithmetic },
  { "Dropout", map_dropout },
  { "Elu", map_elu },
  { "Erf", map_erf },
  { "Flatten", map_flatten },
  { "GRU", _onnx_map_recurrent },
  { "Gather", map_gather },
  { "Gemm", map_gemm },
  { "GlobalAveragePool", map_global_avgpool },
  { "GreaterOrEqual", map_embedding_part },
  { "Identity", map_identity },
  { "LSTM", _onnx_map_recurrent },
  { "LeakyRelu", map_leaky_relu },
  { "Less", map_embedding_part },
  { "MatMul", map_matmul },
  { "MaxPool", map_maxpool },
  { "Mul", map_arithmetic },
  { "RNN", _onnx_map_recurrent },
  { "Relu", map_relu },
  { "Reshape", map_reshape },
  { "Resize", map_upsample },
  { "Round", map_round },
  { "Shape", map_shape },
  { "Sigmoid", map_sigmoid },
  { "Softmax", map_softmax },
  { "Squeeze", map_squeeze },
  { "Sub", map_arithmetic },
  { "Tanh", map_tanh },
  { "Transpose", map_transpose },
  { "Unsqueeze", map_squeeze },
  { "Upsample", map_upsample },
  { "Where", map_embedding_part },
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

const char *const *
nn_onnx_supported_operators (int *n)
{
  static const char *names[G_N_ELEMENTS (operators) + 1];
  static gsize filled = 0;

  if (g_once_init_enter (&filled))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (operators); i++)
        names[i] = operators[i].op;
      g_once_init_leave (&filled, 1);
    }
  *n = G_N_ELEMENTS (operators);
  return names;
}
