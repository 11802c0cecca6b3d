/* onnx-import-pool.c — ONNX's pools → Layerlab's 2-D pooling layers:
 * MaxPool and AveragePool (per-axis windows, strides, dilations, pads,
 * ceil_mode, count_include_pad, auto_pad) and GlobalAveragePool. A 1-D pool
 * over N×C×L becomes a 1×k window on a C×1×L image. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

/* TRUE when every value of the ints attribute name is value (or it is
 * absent). */
static gboolean
ints_all (onnx_importer *im, const char *name, gint64 value)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  for (gsize i = 0; a && i < a->n_ints; i++)
    if (a->ints[i] != value)
      return FALSE;
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

/* An average with count_include_pad divides by its cells up to the end
 * padding, and Layerlab pads the end as much as the start: the two agree
 * when the paddings are equal or no window reaches past the shorter one
 * (as Layerlab's exporter writes PyTorch's ceil_mode rule). */
static gboolean
pool_axis_counts_alike (const onnx_pool_axis *a, int out)
{
  return a->begin == a->end ||
         (out - 1) * a->s - a->begin + (a->k - 1) * a->d + 1 <= a->in + MIN (a->begin, a->end);
}

/* MaxPool and AveragePool over N×C×H×W, or N×C×L as a 1×k window over a
 * C×1×L image (a row: an image's width may be far longer than its height,
 * and a pool has no weights to lay out as Conv's k×1 kernels). Windows
 * start at o·s − begin whatever the padding, so ONNX's pads map onto
 * Layerlab's explicit padding (begin less than the window's span) with
 * ceil_mode chosen to give ONNX's number of outputs: padding past the image
 * never wins a max nor counts in an average without count_include_pad. With
 * count_include_pad the end padding must equal the begin padding, as in
 * PyTorch, or both reach past the last window; otherwise Layerlab's 'same'
 * or 'same_lower' (SAME_UPPER and SAME_LOWER) takes what explicit cannot. */
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

  if (x == NULL || !_onnx_require_image_1d_2d (im, x, error))
    return FALSE;
  n = x->rank - 2;
  first = 2 - n; /* ONNX's spatial axis j is Layerlab's first + j */
  if (!max && !ints_all (im, "dilations", 1))
    return _onnx_unsupported (im, error, "dilations", _ ("dilated averages are not supported"));
  if (_onnx_attr (im, "kernel_shape") == NULL)
    return _onnx_unsupported (im, error, "kernel_shape", _ ("the window size is required"));
  if (!_onnx_spatial_ints (im, "kernel_shape", n, 1, 1, 256, k, error) ||
      !_onnx_spatial_ints (im, "strides", n, 1, 1, 256, s, error) ||
      !_onnx_spatial_ints (im, "dilations", n, 1, 1, 16, d, error))
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
           !_onnx_spatial_ints (im, "pads", 2 * n, 0, 0, 256, pads, error))
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
      (!count_pad ||
       (pool_axis_counts_alike (&ax[0], out[0]) && pool_axis_counts_alike (&ax[1], out[1]))))
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
  /* the width's settings at their "as the height" defaults when they are
   * the same, as a layer made in the builder has them */
  p[0] = ax[0].k;
  p[1] = ax[1].k != ax[0].k ? ax[1].k : 0;
  p[2] = ax[0].s;
  p[3] = ax[1].s != ax[0].s ? ax[1].s : 0;
  p[4] = mode;
  p[5] = mode == 2 ? ax[0].begin : 0;
  p[6] = mode == 2 && ax[1].begin != ax[0].begin ? ax[1].begin : -1;
  p[7] = use_ceil;
  p[8] = max ? dilation : count_pad;
  in = _onnx_use_as_image_along (im, x, TRUE, error);
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

  if (x == NULL || !_onnx_require_image (im, x, error))
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
