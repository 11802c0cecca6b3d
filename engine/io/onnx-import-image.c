/* onnx-import-image.c — ONNX's convolutions and BatchNormalization →
 * Layerlab's 2-D layers: Conv and ConvTranspose (groups, dilations,
 * per-axis kernels, strides and pads) and BatchNormalization; and what the
 * image operators share (onnx-import-pool.c, onnx-import-resize.c): images
 * required, 1-D tensors as images, per-axis attributes. A 1-D operator over
 * N×C×L becomes the 2-D layer with a k×1 window on a C×L×1 image (a pool: a
 * 1×k window on a C×1×L image). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

gboolean
_onnx_require_image (onnx_importer *im, const onnx_value *x, GError **error)
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

gboolean
_onnx_require_image_1d_2d (onnx_importer *im, const onnx_value *x, GError **error)
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

/* The node id of x as Layerlab's image: N×C×H×W as it is, N×C×L as a
 * C×L×1 image (a 1-D layer is its 2-D form over one column; along_width, a
 * C×1×L one), or -1 with an error for other ranks. */
int
_onnx_use_as_image_along (onnx_importer *im, onnx_value *x, gboolean along_width, GError **error)
{
  static const char *const reshape_ids[] = { "channels", "height", "width", NULL };
  double rp[3];
  int in;

  if (!_onnx_require_image_1d_2d (im, x, error))
    return -1;
  in = _onnx_use (im, x, error);
  if (in < 0 || x->rank == 4)
    return in;
  rp[0] = (double) x->dims[1];
  rp[1] = along_width ? 1 : (double) x->dims[2];
  rp[2] = along_width ? (double) x->dims[2] : 1;
  return _onnx_add_layer (im, nn_layer_lookup ("reshape"), &in, 1, reshape_ids, rp, error);
}

static int
use_as_image (onnx_importer *im, onnx_value *x, GError **error)
{
  return _onnx_use_as_image_along (im, x, FALSE, error);
}

/* An ints attribute of a window or kernel with one value per spatial axis
 * (n of them, n × per for pads), each in lo..hi; def for every value when
 * absent. */
gboolean
_onnx_spatial_ints (onnx_importer *im, const char *name, int n, int def, int lo, int hi, int *v,
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
      return _onnx_unsupported (im, error, name, why);
    }
  for (int i = 0; i < n; i++)
    {
      if (a->ints[i] < lo || a->ints[i] > hi)
        {
          g_autofree char *why =
            g_strdup_printf (_ ("Layerlab takes values from %d to %d"), lo, hi);
          return _onnx_unsupported (im, error, name, why);
        }
      v[i] = (int) a->ints[i];
    }
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
    return _onnx_unsupported (im, error, "group",
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
        return _onnx_unsupported (im, error, "kernel_shape",
                                  _ ("Layerlab's kernels are 1 to 31 pixels in each direction"));
    }
  if (!_onnx_spatial_ints (im, "strides", n, 1, 1, 16, s, error) ||
      !_onnx_spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
    return FALSE;
  if (n == 2 && d[0] != d[1] && k[0] > 1 && k[1] > 1)
    return _onnx_unsupported (im, error, "dilations",
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
      if (!_onnx_spatial_ints (im, "output_shape", n, 1, 1, 65536, shape, error))
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
    return _onnx_unsupported (im, error, "auto_pad", auto_pad);
  else if (g_str_equal (auto_pad, "NOTSET") &&
           !_onnx_spatial_ints (im, "pads", 2 * n, 0, 0, 31, pads, error))
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
    return _onnx_unsupported_use (im, error, _ ("the bias input B"),
                                  _ ("the bias must be a constant with one value per filter"));
  return TRUE;
}

/* The layer of kind over x with params p, its weight (w0 × w1 × kernel,
 * PyTorch's layout: F × C/groups for Conv2D, C × F for the transpose) and
 * bias, and the node's output: N × F × the axes' output sizes. */
static gboolean
add_conv_layer (onnx_importer *im, const char *kind, onnx_value *x, const char *const *ids,
                const double *p, int w0, int w1, const onnx_value *w, const onnx_value *b,
                const onnx_conv_axis *ax, GError **error)
{
  const int f = (int) p[0];
  int in = use_as_image (im, x, error), id;
  nn_shape shape;
  gint64 out_dims[4];

  id = in < 0 ? -1 : _onnx_add_layer (im, nn_layer_lookup (kind), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  shape = (nn_shape){ 4, { w0, w1, ax[0].k, ax[1].k } };
  _onnx_add_weight (im, id, "weight", &shape, w->value->data);
  if (b != NULL)
    {
      shape = nn_shape_1d (f);
      _onnx_add_weight (im, id, "bias", &shape, b->value->data);
    }
  out_dims[0] = x->dims[0];
  out_dims[1] = f;
  out_dims[2] = ax[0].out;
  out_dims[3] = ax[1].out;
  _onnx_define (im, 0, id, x->rank, out_dims, 0);
  return TRUE;
}

/* Conv over N×C×H×W, or N×C×L as an image C×L×1 with a k×1 kernel. ONNX's
 * pads map onto Layerlab's valid, same (odd pixel at the end) or explicit
 * padding (the same amount before and after; an end pad the last window
 * never reaches counts as equal). */
gboolean
_onnx_map_conv (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters",   "kernel",       "stride",       "padding",
                                     "use_bias",  "kernel_width", "stride_width", "pad",
                                     "pad_width", "dilation",     "groups",       NULL };
  const int groups = (int) CLAMP (_onnx_attr_int (im, "group", 1), 0, 4097);
  onnx_conv_axis ax[2];
  int dilation, mode = 0;
  gboolean valid = TRUE, same = TRUE, explicit = TRUE;
  gint64 f;
  double p[G_N_ELEMENTS (ids) - 1];

  if (x == NULL || !_onnx_require_image_1d_2d (im, x, error) ||
      (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (groups < 1 || groups > 4096)
    return _onnx_unsupported (im, error, "group", _ ("Layerlab takes 1 to 4096 groups"));
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
    return _onnx_unsupported (im, error, "pads",
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
  /* the width's settings at their "as the height" defaults when they are
   * the same, as a layer made in the builder has them: the card shows less */
  p[5] = ax[1].k != ax[0].k ? ax[1].k : 0;
  p[6] = ax[1].s != ax[0].s ? ax[1].s : 0;
  p[7] = mode == 2 ? ax[0].begin : 0;
  p[8] = mode == 2 && ax[1].begin != ax[0].begin ? ax[1].begin : -1;
  p[9] = dilation;
  p[10] = groups;
  return add_conv_layer (im, "conv2d", x, ids, p, (int) f, (int) x->dims[1] / groups, w, b, ax,
                         error);
}

/* ConvTranspose over N×C×H×W or N×C×L: ONNX crops `begin` from the start
 * of the full result and makes it (in − 1)·s + ek + output_padding − begin
 * − end long. Layerlab's explicit padding crops `pad` at the start and
 * makes it (in − 1)·s + ek − 2·pad + output_padding', so an uneven end
 * becomes a different output_padding (one for both axes, below the
 * stride); valid and same are Layerlab's own. */
gboolean
_onnx_map_conv_transpose (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *b = _onnx_input (im, 2);
  static const char *const ids[] = { "filters",   "kernel",       "stride",         "padding",
                                     "use_bias",  "kernel_width", "stride_width",   "pad",
                                     "pad_width", "dilation",     "output_padding", NULL };
  const int n = x ? x->rank - 2 : 0;
  onnx_conv_axis ax[2];
  int dilation, out_pad[2] = { 0, 0 }, op = -1;
  gboolean valid = TRUE, same = TRUE, explicit = TRUE;
  gint64 f;
  double p[G_N_ELEMENTS (ids) - 1];

  if (x == NULL || !_onnx_require_image_1d_2d (im, x, error) ||
      (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (_onnx_attr_int (im, "group", 1) != 1)
    return _onnx_unsupported (im, error, "group",
                              _ ("grouped transposed convolutions are not supported"));
  if (!conv_weights_fit (im, x, w, TRUE, 1, ax, &dilation, error) ||
      !_onnx_spatial_ints (im, "output_padding", n, 0, 0, 15, out_pad, error))
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
    return _onnx_unsupported (im, error, "pads",
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
  p[5] = ax[1].k != ax[0].k ? ax[1].k : 0;
  p[6] = ax[1].s != ax[0].s ? ax[1].s : 0;
  p[7] = p[3] == 2 ? ax[0].begin : 0;
  p[8] = p[3] == 2 && ax[1].begin != ax[0].begin ? ax[1].begin : -1;
  p[9] = dilation;
  p[10] = p[3] == 2 ? op : 0;
  return add_conv_layer (im, "conv2d_transpose", x, ids, p, (int) x->dims[1], (int) f, w, b, ax,
                         error);
}

gboolean
_onnx_map_batchnorm (onnx_importer *im, GError **error)
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
    return _onnx_unsupported (im, error, "training_mode",
                              _ ("only inference with the running statistics is imported"));
  if (_onnx_attr_int (im, "spatial", 1) != 1)
    return _onnx_unsupported (im, error, "spatial=0", _ ("statistics per value are not supported"));
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
      in = _onnx_add_layer (im, nn_layer_lookup ("reshape"), &in, 1, reshape_ids, rp, error);
    }
  id = in < 0 ? -1 : _onnx_add_layer (im, nn_layer_lookup ("batchnorm"), &in, 1, ids, p, error);
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
  _onnx_define_like (im, id, x);
  return TRUE;
}
