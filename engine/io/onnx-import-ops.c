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

static gboolean
unsupported (onnx_importer *im, GError **error, const char *attr, const char *why)
{
  _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, _ ("attribute %s is not supported: %s"), attr,
                    why);
  return FALSE;
}

/* For what is not an attribute: an input, an output, a combination. */
static gboolean
unsupported_use (onnx_importer *im, GError **error, const char *what, const char *why)
{
  _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, _ ("%s is not supported: %s"), what, why);
  return FALSE;
}

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

/* A square pair from an ints attribute ([k, k]); def when absent. */
static gboolean
square_pair (onnx_importer *im, const char *name, int def, int *value, GError **error)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  *value = def;
  if (a == NULL || a->n_ints == 0)
    return TRUE;
  if (a->n_ints != 2 || a->ints[0] != a->ints[1] || a->ints[0] < 1 || a->ints[0] > 64)
    {
      g_autofree char *what = NULL;
      GString *list = g_string_new (name);

      for (gsize i = 0; i < a->n_ints; i++)
        g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i ? ", " : "=[", a->ints[i]);
      g_string_append (list, "]");
      what = g_string_free (list, FALSE);
      return unsupported (im, error, what,
                          _ ("Layerlab's 2-D layers use the same size (1 to 64) in both "
                             "directions"));
    }
  *value = (int) a->ints[0];
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

/* Pads (begin h, begin w, end h, end w) from pads or auto_pad for a forward
 * window of k with stride s over in_h × in_w. */
static gboolean
window_pads (onnx_importer *im, int in_h, int in_w, int k, int s, int pads[4], GError **error)
{
  g_autofree char *auto_pad = _onnx_attr_string (im, "auto_pad", "NOTSET");
  const Onnx__AttributeProto *a = _onnx_attr (im, "pads");

  memset (pads, 0, sizeof (int) * 4);
  if (g_str_equal (auto_pad, "SAME_UPPER") || g_str_equal (auto_pad, "SAME_LOWER"))
    {
      int in[2] = { in_h, in_w };

      for (int i = 0; i < 2; i++)
        {
          int out = (in[i] + s - 1) / s, total = MAX ((out - 1) * s + k - in[i], 0);
          int small = total / 2;

          pads[i] = g_str_equal (auto_pad, "SAME_UPPER") ? small : total - small;
          pads[i + 2] = total - pads[i];
        }
      return TRUE;
    }
  if (!g_str_equal (auto_pad, "NOTSET") && !g_str_equal (auto_pad, "VALID"))
    return unsupported (im, error, "auto_pad", auto_pad);
  if (a && g_str_equal (auto_pad, "NOTSET"))
    {
      if (a->n_ints != 4)
        return unsupported (im, error, "pads", _ ("expected 4 values for a 2-D window"));
      for (int i = 0; i < 4; i++)
        {
          if (a->ints[i] < 0 || a->ints[i] > 64)
            return unsupported (im, error, "pads", _ ("values must be between 0 and 64"));
          pads[i] = (int) a->ints[i];
        }
    }
  return TRUE;
}

/* What Conv and ConvTranspose share: one group, weights laid out for the
 * input's channels (F×C×k×k, or C×F×k×k when transposed), no dilation. */
static gboolean
conv_weights_fit (onnx_importer *im, const onnx_value *x, const onnx_value *w, gboolean transposed,
                  GError **error)
{
  if (_onnx_attr_int (im, "group", 1) != 1)
    return unsupported (im, error, "group", _ ("grouped convolutions are not supported"));
  if (w->value->rank != 4 || w->value->dims[transposed ? 0 : 1] != x->dims[1])
    {
      _onnx_node_error (im, error, NN_ERROR_DATA,
                        transposed
                          ? _ ("the weights must be C×F×k×k for the input's %" PRId64 " channels")
                          : _ ("the weights must be F×C×k×k for the input's %" PRId64 " channels"),
                        x->dims[1]);
      return FALSE;
    }
  if (!ints_all (im, "dilations", 1))
    return unsupported (im, error, "dilations", _ ("dilated convolutions are not supported"));
  return TRUE;
}

/* The kernel size k of k×k weights; Layerlab's kernels are square. */
static gboolean
square_kernel (onnx_importer *im, const onnx_value *w, int *k, GError **error)
{
  if (w->value->dims[2] != w->value->dims[3] || w->value->dims[2] > 31)
    return unsupported (im, error, "kernel_shape",
                        _ ("Layerlab's kernels are square, at most 31×31"));
  *k = (int) w->value->dims[2];
  return TRUE;
}

static gboolean
map_conv (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters", "kernel", "stride", "padding", "use_bias", NULL };
  int k, s, pads[4], h, wd, oh, ow, ph, pw, id, in;
  gint64 f, out_dims[4];
  double p[5];
  nn_shape shape;

  if (x == NULL || !require_image (im, x, error) || (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (!conv_weights_fit (im, x, w, FALSE, error) || !square_kernel (im, w, &k, error))
    return FALSE;
  if (!square_pair (im, "strides", 1, &s, error))
    return FALSE;
  h = (int) x->dims[2];
  wd = (int) x->dims[3];
  if (!window_pads (im, h, wd, k, s, pads, error))
    return FALSE;
  oh = (h + pads[0] + pads[2] - k) / s + 1;
  ow = (wd + pads[1] + pads[3] - k) / s + 1;
  ph = match_padding (h, k, s, pads[0], oh);
  pw = match_padding (wd, k, s, pads[1], ow);
  if (ph < 0 || ph != pw || s > 16)
    return unsupported (im, error, "pads",
                        _ ("this padding and stride are neither Layerlab's valid nor its same "
                           "padding"));
  f = w->value->dims[0];
  if (b != NULL && (!b->is_const || b->value == NULL || b->value->size != (gsize) f))
    return unsupported_use (im, error, _ ("the bias input B"),
                            _ ("the bias must be a constant with one value per filter"));
  p[0] = (double) f;
  p[1] = k;
  p[2] = s;
  p[3] = ph;
  p[4] = b != NULL;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("conv2d"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = (nn_shape){ 4, { (int) f, (int) x->dims[1], k, k } };
  _onnx_add_weight (im, id, "weight", &shape, w->value->data);
  if (b != NULL)
    {
      shape = nn_shape_1d ((int) f);
      _onnx_add_weight (im, id, "bias", &shape, b->value->data);
    }
  out_dims[0] = x->dims[0];
  out_dims[1] = f;
  out_dims[2] = oh;
  out_dims[3] = ow;
  _onnx_define (im, 0, id, 4, out_dims, 0);
  return TRUE;
}

static gboolean
map_conv_transpose (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters", "kernel", "stride", "padding", "use_bias", NULL };
  g_autofree char *auto_pad = _onnx_attr_string (im, "auto_pad", "NOTSET");
  const Onnx__AttributeProto *pads_attr = _onnx_attr (im, "pads");
  int k, s, pad, id, in;
  gint64 f, out_dims[4];
  double p[5];
  nn_shape shape;
  gboolean zero_pads = TRUE, same_pads = TRUE;

  if (x == NULL || !require_image (im, x, error) || (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (!conv_weights_fit (im, x, w, TRUE, error))
    return FALSE;
  if (_onnx_attr (im, "output_shape"))
    return unsupported (im, error, "output_shape",
                        _ ("give the padding instead of the output shape"));
  if (!square_kernel (im, w, &k, error))
    return FALSE;
  if (!square_pair (im, "strides", 1, &s, error))
    return FALSE;
  pad = MAX (k - s, 0);
  /* with a kernel smaller than the stride, same padding is written as
   * output_padding (stride − kernel) to reach in × stride */
  if (!ints_all (im, "output_padding", 0) &&
      !(k < s && ints_all (im, "output_padding", s - k) && !_onnx_attr (im, "pads")))
    return unsupported (im, error, "output_padding",
                        _ ("extra output rows are supported only to give same padding when the "
                           "kernel is smaller than the stride"));
  if (g_str_equal (auto_pad, "SAME_UPPER") || g_str_equal (auto_pad, "SAME_LOWER"))
    zero_pads = pad == 0, same_pads = g_str_equal (auto_pad, "SAME_UPPER") || pad % 2 == 0;
  else if (!g_str_equal (auto_pad, "NOTSET") && !g_str_equal (auto_pad, "VALID"))
    return unsupported (im, error, "auto_pad", auto_pad);
  else if (pads_attr && g_str_equal (auto_pad, "NOTSET"))
    {
      if (pads_attr->n_ints != 4)
        return unsupported (im, error, "pads", _ ("expected 4 values for a 2-D window"));
      for (int i = 0; i < 4; i++)
        {
          zero_pads = zero_pads && pads_attr->ints[i] == 0;
          same_pads = same_pads && pads_attr->ints[i] == (i < 2 ? pad / 2 : pad - pad / 2);
        }
    }
  else
    same_pads = pad == 0;
  if (!ints_all (im, "output_padding", 0))
    zero_pads = FALSE, same_pads = TRUE;
  if (!zero_pads && !same_pads)
    return unsupported (im, error, "pads",
                        _ ("this padding and stride are neither Layerlab's valid nor its same "
                           "padding"));
  f = w->value->dims[1];
  if (b != NULL && (!b->is_const || b->value == NULL || b->value->size != (gsize) f))
    return unsupported_use (im, error, _ ("the bias input B"),
                            _ ("the bias must be a constant with one value per filter"));
  p[0] = (double) f;
  p[1] = k;
  p[2] = s;
  p[3] = zero_pads ? 0 : 1;
  p[4] = b != NULL;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("conv2d_transpose"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = (nn_shape){ 4, { (int) x->dims[1], (int) f, k, k } };
  _onnx_add_weight (im, id, "weight", &shape, w->value->data);
  if (b != NULL)
    {
      shape = nn_shape_1d ((int) f);
      _onnx_add_weight (im, id, "bias", &shape, b->value->data);
    }
  out_dims[0] = x->dims[0];
  out_dims[1] = f;
  for (int i = 2; i < 4; i++)
    out_dims[i] = zero_pads ? (x->dims[i] - 1) * s + k : x->dims[i] * s;
  _onnx_define (im, 0, id, 4, out_dims, 0);
  return TRUE;
}

static gboolean
map_pool (onnx_importer *im, const char *kind, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  static const char *const ids[] = { "size", "stride", NULL };
  int k, s, pads[4], oh, ow, id, in;
  gint64 out_dims[4];
  double p[2];

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  if (_onnx_attr (im, "kernel_shape") == NULL)
    return unsupported (im, error, "kernel_shape", _ ("the window size is required"));
  if (!square_pair (im, "kernel_shape", 1, &k, error) || !square_pair (im, "strides", 1, &s, error))
    return FALSE;
  if (!ints_all (im, "dilations", 1))
    return unsupported (im, error, "dilations", _ ("dilated windows are not supported"));
  if (!window_pads (im, (int) x->dims[2], (int) x->dims[3], k, s, pads, error))
    return FALSE;
  for (int i = 0; i < 4; i++)
    if (pads[i] != 0)
      return unsupported (im, error, "pads", _ ("Layerlab's pooling windows never pad"));
  if (x->dims[2] < k || x->dims[3] < k)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the window is larger than the image"));
      return FALSE;
    }
  oh = (int) (x->dims[2] - k) / s + 1;
  ow = (int) (x->dims[3] - k) / s + 1;
  if (_onnx_attr_int (im, "ceil_mode", 0) != 0 &&
      ((x->dims[2] - k) % s != 0 || (x->dims[3] - k) % s != 0))
    return unsupported (im, error, "ceil_mode=1",
                        _ ("partial windows at the edge are not supported"));
  if (_onnx_output_used (im, 1))
    return unsupported_use (im, error, _ ("the Indices output"),
                            _ ("the indices output cannot be produced"));
  p[0] = k;
  p[1] = s;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER (kind), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = oh;
  out_dims[3] = ow;
  _onnx_define (im, 0, id, 4, out_dims, 0);
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

static gboolean
map_upsample (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  g_autofree char *mode = _onnx_attr_string (im, "mode", "nearest");
  g_autofree char *coord = _onnx_attr_string (im, "coordinate_transformation_mode",
                                              im->opset >= 11 ? "half_pixel" : "asymmetric");
  g_autofree char *nearest = _onnx_attr_string (im, "nearest_mode", "round_prefer_floor");
  gboolean resize = g_str_equal (im->node->op_type, "Resize");
  const float *scales = NULL;
  double factor = 0;
  gint64 out_dims[4];
  static const char *const ids[] = { "size", NULL };
  int id, in;

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  if (!g_str_equal (mode, "nearest"))
    return unsupported (im, error, "mode", mode);
  if (resize && im->opset >= 11)
    {
      gboolean half =
        g_str_equal (coord, "half_pixel") || g_str_equal (coord, "pytorch_half_pixel");
      gboolean floor_ok = g_str_equal (coord, "asymmetric") && g_str_equal (nearest, "floor");
      gboolean round_ok = half && g_str_has_prefix (nearest, "round_prefer");

      if (!floor_ok && !round_ok)
        {
          g_autofree char *what = g_strdup_printf ("coordinate_transformation_mode=%s with "
                                                   "nearest_mode=%s",
                                                   coord, nearest);
          return unsupported (im, error, what,
                              _ ("only pixel copies (each pixel becomes a square) are supported"));
        }
    }
  {
    const Onnx__AttributeProto *a = _onnx_attr (im, "scales");
    onnx_value *sv = _onnx_input (im, resize && im->opset >= 11 ? 2 : 1);
    onnx_value *sizes = resize && im->opset >= 11 ? _onnx_input (im, 3) : NULL;

    if (a && a->n_floats == 4)
      scales = a->floats;
    else if (sv && sv->is_const && sv->value && sv->value->size == 4)
      scales = sv->value->data;
    else if (sizes && sizes->is_const && sizes->ints && sizes->n_ints == 4 &&
             sizes->ints[2] % x->dims[2] == 0 && sizes->ints[3] % x->dims[3] == 0 &&
             sizes->ints[0] == x->dims[0] && sizes->ints[1] == x->dims[1] &&
             sizes->ints[2] / x->dims[2] == sizes->ints[3] / x->dims[3])
      factor = (double) (sizes->ints[2] / x->dims[2]);
    if (scales)
      {
        if (scales[0] != 1.0f || scales[1] != 1.0f || scales[2] != scales[3] ||
            scales[2] != floorf (scales[2]))
          return unsupported (im, error, "scales",
                              _ ("only the same whole factor for height and width is supported"));
        factor = scales[2];
      }
    if (factor < 1 || factor > 16)
      return unsupported (im, error, "scales",
                          _ ("only constant whole factors from 1 to 16 for height and width are "
                             "supported"));
  }
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, LAYER ("upsampling2d"), &in, 1, ids, &factor, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = x->dims[2] * (gint64) factor;
  out_dims[3] = x->dims[3] * (gint64) factor;
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

  if (data == NULL || !data->is_const || data->ints == NULL || idx == NULL || !idx->is_const ||
      idx->ints == NULL || _onnx_attr_int (im, "axis", 0) != 0)
    return unsupported_use (im, error, _ ("a computed data input"),
                            _ ("only picking values out of a constant shape is supported"));
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

/* --- Recurrent ----------------------------------------------------------------- */

static gboolean
default_activations (onnx_importer *im, const char *const *expected)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, "activations");

  if (a == NULL)
    return TRUE;
  if (a->n_strings != g_strv_length ((char **) expected))
    return FALSE;
  for (gsize i = 0; i < a->n_strings; i++)
    if (g_ascii_strncasecmp ((const char *) a->strings[i].data, expected[i], a->strings[i].len) !=
          0 ||
        strlen (expected[i]) != a->strings[i].len)
      return FALSE;
  return TRUE;
}

static gboolean
map_recurrent (onnx_importer *im, GError **error)
{
  const char *op = im->node->op_type;
  const gboolean lstm = g_str_equal (op, "LSTM"), gru = g_str_equal (op, "GRU");
  static const int lstm_gates[] = { 0, 2, 3, 1 }; /* ours i f g o ← ONNX i o f c */
  static const int gru_gates[] = { 1, 0, 2 };     /* ours r z n ← ONNX z r h */
  static const int rnn_gates[] = { 0 };
  static const char *const lstm_act[] = { "Sigmoid", "Tanh", "Tanh", NULL };
  static const char *const gru_act[] = { "Sigmoid", "Tanh", NULL };
  static const char *const rnn_act[] = { "Tanh", NULL };
  static const char *const ids[] = { "units", "return_sequences", NULL };
  const int *gates = lstm ? lstm_gates : gru ? gru_gates : rnn_gates;
  const int G = lstm ? 4 : gru ? 3 : 1;
  const int layout = (int) _onnx_attr_int (im, "layout", 0);
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *r, *b = _onnx_input (im, 3);
  g_autofree char *direction = _onnx_attr_string (im, "direction", "forward");
  g_autofree float *wih = NULL, *whh = NULL, *bih = NULL, *bhh = NULL;
  gboolean want_y = _onnx_output_used (im, 0), want_h = _onnx_output_used (im, 1);
  gint64 H, F, T, dims[4];
  double p[2];
  nn_shape shape;
  int id, in;

  if (x == NULL || (w = _onnx_const_input (im, 1, error)) == NULL ||
      (r = _onnx_const_input (im, 2, error)) == NULL)
    return FALSE;
  if (!g_str_equal (direction, "forward"))
    return unsupported (im, error, "direction", direction);
  for (int i = 4; i < 8; i++)
    if (_onnx_input (im, i) && !((i == 5 || i == 6) && _onnx_input (im, i)->zeros))
      {
        static const char *const names[] = { N_ ("the sequence_lens input"),
                                             N_ ("the initial_h input"), N_ ("the initial_c input"),
                                             N_ ("the P (peephole) input") };
        return unsupported_use (im, error, _ (names[i - 4]),
                                _ ("sequences start from zero state, all of the same length"));
      }
  if (_onnx_attr (im, "clip"))
    return unsupported (im, error, "clip", _ ("cell clipping is not supported"));
  if (_onnx_attr (im, "activation_alpha") || _onnx_attr (im, "activation_beta") ||
      !default_activations (im, lstm  ? lstm_act
                                : gru ? gru_act
                                      : rnn_act))
    return unsupported (im, error, "activations", _ ("only the default activations are supported"));
  if (lstm && _onnx_attr_int (im, "input_forget", 0) != 0)
    return unsupported (im, error, "input_forget", _ ("coupled gates are not supported"));
  if (gru && _onnx_attr_int (im, "linear_before_reset", 0) != 1)
    return unsupported (im, error, "linear_before_reset=0",
                        _ ("Layerlab's GRU is PyTorch's, which applies the reset gate after the "
                           "recurrent product (linear_before_reset=1)"));
  if (lstm && _onnx_output_used (im, 2))
    return unsupported_use (im, error, _ ("the Y_c output"),
                            _ ("the cell state output cannot be produced"));
  if (want_y && want_h)
    return unsupported_use (im, error, _ ("using both Y and Y_h"),
                            _ ("a recurrent layer gives either every step or the last one"));
  if (layout != 0 && layout != 1)
    return unsupported (im, error, "layout", _ ("expected 0 or 1"));
  if (x->rank != 3 || x->batch_axis != (layout == 0 ? 1 : 0))
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("X must be a sequence with the batch on axis %d"), layout == 0 ? 1 : 0);
      return FALSE;
    }
  T = x->dims[layout == 0 ? 0 : 1];
  F = x->dims[2];
  H = r->value->rank == 3 ? r->value->dims[2] : 0;
  if (w->value->rank != 3 || w->value->dims[0] != 1 || w->value->dims[1] != G * H ||
      w->value->dims[2] != F || r->value->dims[0] != 1 || r->value->dims[1] != G * H ||
      (b && (!b->is_const || b->value == NULL || b->value->size != (gsize) (2 * G * H))) ||
      _onnx_attr_int (im, "hidden_size", H) != H || H < 1)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA,
                        _ ("W, R and B do not have the shapes of one direction of %d gates"), G);
      return FALSE;
    }
  wih = g_new0 (float, G *H *F);
  whh = g_new0 (float, G *H *H);
  bih = g_new0 (float, G *H);
  bhh = g_new0 (float, G *H);
  for (int g = 0; g < G; g++)
    {
      memcpy (wih + g * H * F, w->value->data + gates[g] * H * F, sizeof (float) * H * F);
      memcpy (whh + g * H * H, r->value->data + gates[g] * H * H, sizeof (float) * H * H);
      if (b)
        {
          memcpy (bih + g * H, b->value->data + gates[g] * H, sizeof (float) * H);
          memcpy (bhh + g * H, b->value->data + (G + gates[g]) * H, sizeof (float) * H);
        }
    }
  p[0] = (double) H;
  p[1] = want_y;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1
              : _onnx_add_layer (im,
                                 LAYER (lstm  ? "lstm"
                                        : gru ? "gru"
                                              : "simple_rnn"),
                                 &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = nn_shape_2d (G * (int) H, (int) F);
  _onnx_add_weight (im, id, "weight_ih", &shape, wih);
  shape = nn_shape_2d (G * (int) H, (int) H);
  _onnx_add_weight (im, id, "weight_hh", &shape, whh);
  shape = nn_shape_1d (G * (int) H);
  _onnx_add_weight (im, id, "bias_ih", &shape, bih);
  _onnx_add_weight (im, id, "bias_hh", &shape, bhh);
  if (want_y)
    {
      /* Y: [T, 1, N, H] (layout 0) or [N, T, 1, H] */
      const gint64 n = x->dims[x->batch_axis];
      gint64 y0[4] = { T, 1, n, H }, y1[4] = { n, T, 1, H };

      memcpy (dims, layout == 0 ? y0 : y1, sizeof dims);
      _onnx_define (im, 0, id, 4, dims, layout == 0 ? 2 : 0);
    }
  else
    {
      /* Y_h: [1, N, H] (layout 0) or [N, 1, H] */
      const gint64 n = x->dims[x->batch_axis];

      dims[0] = layout == 0 ? 1 : n;
      dims[1] = layout == 0 ? n : 1;
      dims[2] = H;
      _onnx_define (im, 1, id, 3, dims, layout == 0 ? 1 : 0);
    }
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
  { "AveragePool", map_avgpool },
  { "BatchNormalization", map_batchnorm },
  { "Concat", map_concat },
  { "Constant", map_constant },
  { "ConstantOfShape", map_constant_of_shape },
  { "Conv", map_conv },
  { "ConvTranspose", map_conv_transpose },
  { "Dropout", map_dropout },
  { "Elu", map_elu },
  { "Flatten", map_flatten },
  { "GRU", map_recurrent },
  { "Gather", map_gather },
  { "Gemm", map_gemm },
  { "GlobalAveragePool", map_global_avgpool },
  { "Identity", map_identity },
  { "LSTM", map_recurrent },
  { "LeakyRelu", map_leaky_relu },
  { "MatMul", map_matmul },
  { "MaxPool", map_maxpool },
  { "RNN", map_recurrent },
  { "Relu", map_relu },
  { "Reshape", map_reshape },
  { "Resize", map_upsample },
  { "Shape", map_shape },
  { "Sigmoid", map_sigmoid },
  { "Softmax", map_softmax },
  { "Squeeze", map_squeeze },
  { "Tanh", map_tanh },
  { "Transpose", map_transpose },
  { "Unsqueeze", map_squeeze },
  { "Upsample", map_upsample },
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
