/* onnx-import-image.c — ONNX's image operators → Layerlab's 2-D layers:
 * Conv and ConvTranspose (groups, dilations, per-axis kernels, strides and
 * pads), MaxPool/AveragePool, GlobalAveragePool, BatchNormalization and
 * Upsample/Resize. A 1-D operator over N×C×L becomes the 2-D layer with a
 * k×1 window on a C×L×1 image (a pool: a 1×k window on a C×1×L image). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

static gboolean
ints_all (onnx_importer *im, const char *name, gint64 value)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  for (gsize i = 0; a && i < a->n_ints; i++)
    if (a->ints[i] != value)
      return FALSE;
  return TRUE;
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
use_as_image_along (onnx_importer *im, onnx_value *x, gboolean along_width, GError **error)
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
  rp[1] = along_width ? 1 : (double) x->dims[2];
  rp[2] = along_width ? (double) x->dims[2] : 1;
  return _onnx_add_layer (im, nn_layer_lookup ("reshape"), &in, 1, reshape_ids, rp, error);
}

static int
use_as_image (onnx_importer *im, onnx_value *x, GError **error)
{
  return use_as_image_along (im, x, FALSE, error);
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
 * cell at the end (begin ≤ end); 'same_lower' swaps the two. */
static void
pool_axis_same (const onnx_pool_axis *a, int *begin, int *end)
{
  const int total = MAX (((a->in + a->s - 1) / a->s - 1) * a->s + (a->k - 1) * a->d + 1 - a->in, 0);

  *begin = total / 2;
  *end = total - total / 2;
}

/* MaxPool and AveragePool over N×C×H×W, or N×C×L as a 1×k window over a
 * C×1×L image (a row: an image's width may be far longer than its height,
 * and a pool has no weights to lay out as Conv's k×1 kernels). Windows
 * start at o·s − begin whatever the padding, so ONNX's pads map onto
 * Layerlab's explicit padding (begin less than the window's span) with
 * ceil_mode chosen to give ONNX's number of outputs: padding past the image
 * never wins a max nor counts in an average without count_include_pad. With
 * count_include_pad the end padding must equal the begin padding, as in
 * PyTorch; otherwise Layerlab's 'same' or 'same_lower' (SAME_UPPER and
 * SAME_LOWER) takes what explicit cannot. */
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
  int n, first, k[2], s[2], d[2] = { 1, 1 }, pads[4] = { 0 }, mode = -1, out[2], dilation, id, in;
  gboolean use_ceil = ceil, padded = FALSE;
  gint64 out_dims[4];
  double p[G_N_ELEMENTS (ids)];

  if (x == NULL || !require_image_1d_2d (im, x, error))
    return FALSE;
  n = x->rank - 2;
  first = 2 - n; /* ONNX's spatial axis j is Layerlab's first + j */
  if (!max && !ints_all (im, "dilations", 1))
    return _onnx_unsupported (im, error, "dilations", _ ("dilated averages are not supported"));
  if (_onnx_attr (im, "kernel_shape") == NULL)
    return _onnx_unsupported (im, error, "kernel_shape", _ ("the window size is required"));
  if (!spatial_ints (im, "kernel_shape", n, 1, 1, 256, k, error) ||
      !spatial_ints (im, "strides", n, 1, 1, 256, s, error) ||
      !spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
    return FALSE;
  if (n == 2 && d[0] != d[1] && k[0] > 1 && k[1] > 1)
    return _onnx_unsupported (im, error, "dilations",
                              _ ("Layerlab's windows are dilated the same in both directions"));
  /* a window one cell long is the same at any dilation */
  dilation = n == 2 && k[0] == 1 ? d[1] : d[0];
  for (int i = 0; i < 2; i++)
    {
      ax[i].in = i >= first ? (int) x->dims[2 + i - first] : 1;
      ax[i].k = i >= first ? k[i - first] : 1;
      ax[i].s = i >= first ? s[i - first] : 1;
      ax[i].d = dilation;
    }
  if (g_str_equal (auto_pad, "SAME_UPPER") || g_str_equal (auto_pad, "SAME_LOWER"))
    for (int j = 0; j < n; j++)
      {
        int small, large;

        pool_axis_same (&ax[first + j], &small, &large);
        pads[j] = g_str_equal (auto_pad, "SAME_UPPER") ? small : large;
        pads[n + j] = small + large - pads[j];
      }
  else if (!g_str_equal (auto_pad, "NOTSET") && !g_str_equal (auto_pad, "VALID"))
    return _onnx_unsupported (im, error, "auto_pad", auto_pad);
  else if (g_str_equal (auto_pad, "NOTSET") &&
           !spatial_ints (im, "pads", 2 * n, 0, 0, 256, pads, error))
    return FALSE;
  for (int i = 0; i < 2; i++)
    {
      ax[i].begin = i >= first ? pads[i - first] : 0;
      ax[i].end = i >= first ? pads[n + i - first] : 0;
      out[i] = pool_axis_out (&ax[i], ax[i].begin, ax[i].end, ceil);
      padded = padded || ax[i].begin > 0 || ax[i].end > 0;
      if (out[i] <= 0)
        {
          _onnx_node_error (im, error, NN_ERROR_DATA, _ ("the window is larger than the image"));
          return FALSE;
        }
    }
  /* explicit (valid when unpadded), with ceil_mode as given or as needed */
  if (ax[0].begin <= (ax[0].k - 1) * ax[0].d && ax[1].begin <= (ax[1].k - 1) * ax[1].d &&
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
      gboolean upper = TRUE, lower = TRUE;

      for (int i = 0; i < 2; i++)
        {
          const gboolean fits = out[i] == (ax[i].in + ax[i].s - 1) / ax[i].s;
          int b, e;

          pool_axis_same (&ax[i], &b, &e);
          upper = upper && fits && b == ax[i].begin;
          lower = lower && fits && e == ax[i].begin;
        }
      mode = upper ? 1 : lower ? 3 : -1;
      use_ceil = FALSE;
    }
  if (mode < 0)
    return _onnx_unsupported (im, error, "pads",
                              count_pad
                                ? _ ("with count_include_pad the padding must be the same "
                                     "before and after the image, less than the window's span")
                                : _ ("the padding before the image must be less than the "
                                     "window's span, or Layerlab's same padding"));
  if (_onnx_output_used (im, 1))
    return _onnx_unsupported_use (im, error, _ ("the Indices output"),
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
  in = use_as_image_along (im, x, TRUE, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, nn_layer_lookup (kind), &in, 1, param_ids, p, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = out[first];
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
  if (!spatial_ints (im, "strides", n, 1, 1, 16, s, error) ||
      !spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
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
    return _onnx_unsupported (im, error, "auto_pad", auto_pad);
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

  if (x == NULL || !require_image_1d_2d (im, x, error) ||
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
  p[5] = ax[1].k;
  p[6] = ax[1].s;
  p[7] = mode == 2 ? ax[0].begin : 0;
  p[8] = mode == 2 ? ax[1].begin : -1;
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

  if (x == NULL || !require_image_1d_2d (im, x, error) ||
      (w = _onnx_const_input (im, 1, error)) == NULL)
    return FALSE;
  if (_onnx_attr_int (im, "group", 1) != 1)
    return _onnx_unsupported (im, error, "group",
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
  p[5] = ax[1].k;
  p[6] = ax[1].s;
  p[7] = p[3] == 2 ? ax[0].begin : 0;
  p[8] = p[3] == 2 ? ax[1].begin : -1;
  p[9] = dilation;
  p[10] = p[3] == 2 ? op : 0;
  return add_conv_layer (im, "conv2d_transpose", x, ids, p, (int) x->dims[1], (int) f, w, b, ax,
                         error);
}

gboolean
_onnx_map_maxpool (onnx_importer *im, GError **error)
{
  if (_onnx_attr_int (im, "storage_order", 0) != 0 && _onnx_output_used (im, 1))
    return _onnx_unsupported (im, error, "storage_order",
                              _ ("the indices output cannot be produced"));
  return map_pool (im, "maxpool2d", error);
}

gboolean
_onnx_map_avgpool (onnx_importer *im, GError **error)
{
  return map_pool (im, "avgpool2d", error);
}

gboolean
_onnx_map_global_avgpool (onnx_importer *im, GError **error)
{
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  gint64 out_dims[4];
  int id, in;

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  in = _onnx_use (im, x, error);
  id = in < 0
         ? -1
         : _onnx_add_layer (im, nn_layer_lookup ("globalavgpool2d"), &in, 1, NULL, NULL, error);
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = out_dims[3] = 1;
  _onnx_define (im, 0, id, 4, out_dims, 0);
  return TRUE;
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

/* Upsample and Resize. Whole factors 1–16 per axis that UpSampling2D
 * computes stay an UpSampling2D: nearest pixel copies, which every
 * coordinate mode that rounds o/f down reaches, and linear as PyTorch
 * computes it, which ONNX calls half_pixel (pytorch_half_pixel differs only
 * for an output of one pixel, which whole factors reach only from one
 * pixel, where both give 0) or align_corners. Everything else becomes a
 * Resize2D, which has ONNX's modes, coordinate formulas and roundings
 * themselves: the scales (which also place the pixels) or the sizes. */

/* Index of s in a NULL-terminated list, or -1. */
static int
choice_index (const char *const *choices, const char *s)
{
  for (int i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], s))
      return i;
  return -1;
}

/* The height and width factors as UpSampling2D's, or FALSE when they are
 * not whole factors from 1 to 16 whose output is in × f. */
static gboolean
whole_factors (const onnx_value *x, const float *scales, const gint64 *out, int *factor)
{
  for (int i = 0; i < 2; i++)
    {
      const gint64 in = x->dims[2 + i];

      if (out[i] % in != 0 || out[i] / in < 1 || out[i] / in > 16)
        return FALSE;
      if (scales != NULL && scales[2 + i] != (float) (out[i] / in))
        return FALSE;
      factor[i] = (int) (out[i] / in);
    }
  return TRUE;
}

/* The UpSampling2D's node id, or -1. */
static int
add_upsampling (onnx_importer *im, onnx_value *x, const int *factor, gboolean bilinear,
                gboolean align, GError **error)
{
  static const char *const ids[] = { "size", "size_width", "interpolation", "align_corners", NULL };
  double p[4] = { factor[0], factor[1] == factor[0] ? 0 : factor[1], bilinear, align };
  int in = _onnx_use (im, x, error);

  return in < 0 ? -1
                : _onnx_add_layer (im, nn_layer_lookup ("upsampling2d"), &in, 1, ids, p, error);
}

gboolean
_onnx_map_upsample (onnx_importer *im, GError **error)
{
  static const char *const modes[] = { "nearest", "linear", "cubic", NULL };
  static const char *const coordinates[] = { "half_pixel",           "align_corners",
                                             "asymmetric",           "pytorch_half_pixel",
                                             "tf_half_pixel_for_nn", NULL };
  static const char *const roundings[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
                                           "ceil", NULL };
  static const char *const ids[] = {
    "height",           "width",   "scale",           "scale_width", "interpolation", "coordinates",
    "nearest_rounding", "cubic_a", "exclude_outside", NULL
  };
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  gboolean resize = g_str_equal (im->node->op_type, "Resize");
  /* Upsample and Resize-10 place source pixels at o/f */
  gboolean legacy = !resize || im->opset < 11;
  g_autofree char *mode = _onnx_attr_string (im, "mode", "nearest");
  g_autofree char *coord =
    _onnx_attr_string (im, "coordinate_transformation_mode", legacy ? "asymmetric" : "half_pixel");
  g_autofree char *nearest = _onnx_attr_string (im, "nearest_mode", "round_prefer_floor");
  g_autofree char *aspect = _onnx_attr_string (im, "keep_aspect_ratio_policy", "stretch");
  const Onnx__AttributeProto *scales_attr = _onnx_attr (im, "scales");
  onnx_value *sv = _onnx_input (im, legacy ? 1 : 2);
  onnx_value *sizes = legacy ? NULL : _onnx_input (im, 3);
  const float *scales = NULL;
  int interpolation = choice_index (modes, mode);
  int coordinate = choice_index (coordinates, coord);
  int rounding = choice_index (roundings, nearest);
  gboolean upsampling;
  int factor[2];
  gint64 out[2], out_dims[4];
  double p[9];
  int id, in;

  if (x == NULL || !require_image (im, x, error))
    return FALSE;
  if (interpolation < 0 || (legacy && interpolation == 2))
    return _onnx_unsupported (im, error, "mode", mode);
  if (coordinate < 0)
    {
      g_autofree char *what = g_strdup_printf ("coordinate_transformation_mode=%s", coord);
      return _onnx_unsupported (im, error, what,
                                g_str_equal (coord, "tf_crop_and_resize")
                                  ? _ ("it crops a region of interest, which Resize2D does not do")
                                  : _ ("not a mode Layerlab knows"));
    }
  if (interpolation == 0 && rounding < 0)
    return _onnx_unsupported (im, error, "nearest_mode", nearest);
  if (_onnx_attr_int (im, "antialias", 0) != 0)
    return _onnx_unsupported (im, error, "antialias",
                              _ ("shrinking with an antialiasing filter is not supported"));
  if (_onnx_attr (im, "axes") != NULL)
    return _onnx_unsupported (im, error, "axes", _ ("only all four axes at once are supported"));
  if (!g_str_equal (aspect, "stretch"))
    return _onnx_unsupported (im, error, "keep_aspect_ratio_policy", aspect);

  if (scales_attr && scales_attr->n_floats == 4)
    scales = scales_attr->floats;
  else if (sv && sv->is_const && sv->value && sv->value->size == 4)
    scales = sv->value->data;
  if (scales)
    {
      if (scales[0] != 1.0f || scales[1] != 1.0f)
        return _onnx_unsupported (im, error, "scales",
                                  _ ("the batch and channel axes must keep their size"));
      for (int i = 0; i < 2; i++)
        {
          if (!(scales[2 + i] > 0.0f))
            return _onnx_unsupported (im, error, "scales", _ ("scales must be above 0"));
          out[i] = (gint64) floor ((double) x->dims[2 + i] * (double) scales[2 + i]);
        }
    }
  else if (sizes && sizes->is_const && sizes->ints && sizes->n_ints == 4)
    {
      if (sizes->ints[0] != x->dims[0] || sizes->ints[1] != x->dims[1])
        return _onnx_unsupported (im, error, "sizes",
                                  _ ("the batch and channel axes must keep their size"));
      out[0] = sizes->ints[2];
      out[1] = sizes->ints[3];
    }
  else
    return _onnx_unsupported (im, error, "scales",
                              _ ("only constant scales or sizes for all four axes are supported"));
  for (int i = 0; i < 2; i++)
    if (out[i] < 1 || out[i] > 65536)
      return _onnx_unsupported (im, error, scales ? "scales" : "sizes",
                                _ ("the output must have from 1 to 65536 rows and columns"));

  if (legacy && interpolation == 0)
    {
      /* as onnxruntime: rounded down when enlarging, up when shrinking */
      const gboolean shrink_h = out[0] < x->dims[2], shrink_w = out[1] < x->dims[3];

      if (shrink_h != shrink_w && out[0] != x->dims[2] && out[1] != x->dims[3])
        return _onnx_unsupported (
          im, error, "scales",
          _ ("nearest before opset 11 rounds differently along an axis that shrinks and one "
             "that grows"));
      rounding = shrink_h || shrink_w ? 3 : 2;
    }

  {
    const gboolean half = coordinate == 0 || coordinate == 3;
    const gboolean copies = interpolation == 0 && ((coordinate == 2 && rounding == 2) ||
                                                   (half && (rounding == 0 || rounding == 1)));

    upsampling = whole_factors (x, scales, out, factor) &&
                 (copies || (interpolation == 1 && (half || coordinate == 1)));
  }
  if (upsampling)
    id = add_upsampling (im, x, factor, interpolation == 1, coordinate == 1, error);
  else
    {
      p[0] = (double) out[0];
      p[1] = out[1] == out[0] ? 0 : (double) out[1];
      p[2] = scales ? scales[2] : 0;
      p[3] = scales && scales[3] != scales[2] ? scales[3] : 0;
      p[4] = interpolation;
      p[5] = coordinate;
      p[6] = interpolation == 0 ? rounding : 1;
      p[7] = _onnx_attr_float (im, "cubic_coeff_a", -0.75f);
      p[8] = _onnx_attr_int (im, "exclude_outside", 0) != 0;
      in = _onnx_use (im, x, error);
      id = in < 0 ? -1 : _onnx_add_layer (im, nn_layer_lookup ("resize2d"), &in, 1, ids, p, error);
    }
  if (id < 0)
    return FALSE;
  out_dims[0] = x->dims[0];
  out_dims[1] = x->dims[1];
  out_dims[2] = out[0];
  out_dims[3] = out[1];
  _onnx_define (im, 0, id, 4, out_dims, 0);
  return TRUE;
}
