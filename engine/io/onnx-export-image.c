/* onnx-export-image.c — the image layers as ONNX: Conv2D, Conv2DTranspose,
 * the windowed pools, UpSampling2D, Resize2D and PixelShuffle. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "onnx-export-private.h"

/* Conv2D/Conv2DTranspose as conv2d.c and conv2d_transpose.c read their
 * parameters: kh×kw kernels, sh×sw strides, dilation, groups (Conv2D),
 * 'same' with the odd pixel at the end, 'explicit' as PyTorch's padding. */
void
_onnx_write_conv (onnx_exporter *ex, const onnx_layer *l, gboolean transpose)
{
  const int kh = (int) _onnx_write_param (l, "kernel"), sh = (int) _onnx_write_param (l, "stride");
  const int kw =
    _onnx_write_param (l, "kernel_width") > 0 ? (int) _onnx_write_param (l, "kernel_width") : kh;
  const int sw =
    _onnx_write_param (l, "stride_width") > 0 ? (int) _onnx_write_param (l, "stride_width") : sh;
  const int padding = (int) _onnx_write_param (l, "padding"),
            dilation = (int) _onnx_write_param (l, "dilation");
  const int groups = transpose ? 1 : (int) _onnx_write_param (l, "groups");
  const int ph = (int) _onnx_write_param (l, "pad");
  const int pw =
    _onnx_write_param (l, "pad_width") >= 0 ? (int) _onnx_write_param (l, "pad_width") : ph;
  const int k[] = { kh, kw }, s[] = { sh, sw };
  const gint64 kernel[] = { kh, kw }, strides[] = { sh, sw }, dilations[] = { dilation, dilation };
  const char *w = _onnx_write_weight (ex, l->node, "weight");
  const char *b = _onnx_write_weight (ex, l->node, "bias");
  Onnx__NodeProto *n;
  gint64 pads[4] = { 0 }, extra[2] = { 0 };

  n = _onnx_write_op (ex, transpose ? "ConvTranspose" : "Conv", l->node->name,
                      (const char *[]){ l->in[0], w, b, NULL }, l->out);
  _onnx_write_attr_ints (ex, n, "kernel_shape", kernel, 2);
  _onnx_write_attr_ints (ex, n, "strides", strides, 2);
  if (dilation != 1)
    _onnx_write_attr_ints (ex, n, "dilations", dilations, 2);
  if (groups != 1)
    _onnx_write_attr_int (ex, n, "group", groups);
  for (int axis = 0; axis < 2; axis++)
    {
      const int ek = (k[axis] - 1) * dilation + 1;

      if (padding == 2)
        {
          pads[axis] = pads[2 + axis] = axis == 0 ? ph : pw;
          if (transpose)
            extra[axis] = (gint64) _onnx_write_param (l, "output_padding");
        }
      else if (padding == 1 && !transpose)
        {
          /* as conv2d.c: out = ceil(in / stride), the odd pixel at the end */
          const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
          const int total = MAX ((out - 1) * s[axis] + ek - in, 0);
          pads[axis] = total / 2;
          pads[2 + axis] = total - total / 2;
        }
      else if (padding == 1 && ek >= s[axis])
        {
          /* as conv2d_transpose.c: the full output cropped by k − s pixels */
          pads[axis] = (ek - s[axis]) / 2;
          pads[2 + axis] = (ek - s[axis]) - (ek - s[axis]) / 2;
        }
      else if (padding == 1)
        /* the full output is s − k pixels short of in × s: bias only there */
        extra[axis] = s[axis] - ek;
    }
  if (pads[0] || pads[1] || pads[2] || pads[3])
    _onnx_write_attr_ints (ex, n, "pads", pads, 4);
  if (extra[0] || extra[1])
    _onnx_write_attr_ints (ex, n, "output_padding", extra, 2);
}

/* MaxPool2D/AvgPool2D as pooling.c reads its parameters: a kh×kw window,
 * sh×sw strides, 'same' padding with the odd cell at the end (ONNX's
 * SAME_UPPER) or, for 'same_lower' (3), at the start (SAME_LOWER), both
 * written as pads; explicit padding the same on both sides.
 *
 * ceil_mode is written only where floor mode cannot give the same windows:
 * ONNX's shape inference before 1.16 (and so onnx.checker) keeps a last
 * window that starts in the end padding, which pooling.c drops as PyTorch
 * does. When the rule drops that window, floor mode counts the same
 * windows; a partial window Layerlab keeps is written in floor mode with
 * the end padding grown to hold it, which changes nothing for a max or an
 * average of image cells. An average that counts padding divides a partial
 * window by its cells up to the end padding, which only ceil_mode gives;
 * it keeps ceil_mode, and where ONNX would then add the dropped window the
 * end padding shrinks to where the last window ends — impossible when that
 * is inside the image, which is refused. */
gboolean
_onnx_write_pool (onnx_exporter *ex, const onnx_layer *l, const char *op, GError **error)
{
  const gboolean max = g_str_equal (op, "MaxPool");
  const int kh = (int) _onnx_write_param (l, "size");
  const int kw =
    _onnx_write_param (l, "size_width") > 0 ? (int) _onnx_write_param (l, "size_width") : kh;
  const int stride = (int) _onnx_write_param (l, "stride");
  const int sh = stride > 0 ? stride : kh;
  const int sw = _onnx_write_param (l, "stride_width") > 0
                   ? (int) _onnx_write_param (l, "stride_width")
                 : stride > 0 ? stride
                              : kw;
  const int padding = (int) _onnx_write_param (l, "padding"),
            dilation = max ? (int) _onnx_write_param (l, "dilation") : 1;
  const gint64 kernel[] = { kh, kw }, strides[] = { sh, sw }, dilations[] = { dilation, dilation };
  gint64 pads[4] = { 0 };
  int room[2] = { 0 }, reach[2] = { 0 };
  gboolean partial[2] = { FALSE }, counted, ceil = FALSE;
  Onnx__NodeProto *n;

  if (padding == 1 || padding == 3)
    for (int axis = 0; axis < 2; axis++)
      {
        const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
        const int span = ((axis ? kw : kh) - 1) * dilation + 1;
        const int total = MAX ((out - 1) * (axis ? sw : sh) + span - in, 0);

        pads[axis] = padding == 1 ? total / 2 : total - total / 2;
        pads[2 + axis] = total - pads[axis];
      }
  else if (padding == 2)
    {
      pads[0] = pads[2] = (int) _onnx_write_param (l, "pad");
      pads[1] = pads[3] = _onnx_write_param (l, "pad_width") >= 0
                            ? (int) _onnx_write_param (l, "pad_width")
                            : pads[0];
    }
  /* ONNX's default is 0; PyTorch's and Layerlab's explicit padding count */
  counted = !max && padding == 2 && _onnx_write_param (l, "count_pad") != 0 && (pads[0] || pads[1]);
  /* 'same' windows all fit once padded: ceil_mode changes nothing there */
  if (padding != 1 && padding != 3 && _onnx_write_param (l, "ceil_mode") != 0)
    for (int axis = 0; axis < 2; axis++)
      {
        const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
        const int span = ((axis ? kw : kh) - 1) * dilation + 1, s = axis ? sw : sh;

        room[axis] = in + (int) pads[axis] + (int) pads[2 + axis] - span;
        /* the padding after the image that the last window reaches */
        reach[axis] = (out - 1) * s + span - in - (int) pads[axis];
        partial[axis] = room[axis] / s + 1 < out;
        ceil = ceil || (counted && partial[axis]);
      }
  for (int axis = 0; axis < 2; axis++)
    {
      const int out = l->out_shape->dim[1 + axis], s = axis ? sw : sh;

      if (!ceil && partial[axis])
        pads[2 + axis] = reach[axis];
      else if (ceil && (room[axis] + s - 1) / s + 1 > out)
        {
          if (reach[axis] < 0)
            {
              g_autofree char *label = nn_graph_node_label (l->node);

              g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                           axis ? _ ("%s cannot be written as ONNX: an AveragePool that counts "
                                     "padding cannot keep the partial windows at the bottom and "
                                     "leave out the last window at the right, which starts past "
                                     "the image — turn off Count padding or Keep partial windows")
                                : _ ("%s cannot be written as ONNX: an AveragePool that counts "
                                     "padding cannot keep the partial windows at the right and "
                                     "leave out the last window at the bottom, which starts past "
                                     "the image — turn off Count padding or Keep partial windows"),
                           label);
              return FALSE;
            }
          pads[2 + axis] = reach[axis];
        }
    }
  n = _onnx_write_op (ex, op, l->node->name, (const char *[]){ l->in[0], NULL }, l->out);
  _onnx_write_attr_ints (ex, n, "kernel_shape", kernel, 2);
  _onnx_write_attr_ints (ex, n, "strides", strides, 2);
  if (pads[0] || pads[1] || pads[2] || pads[3])
    _onnx_write_attr_ints (ex, n, "pads", pads, 4);
  if (ceil)
    _onnx_write_attr_int (ex, n, "ceil_mode", 1);
  if (dilation > 1)
    _onnx_write_attr_ints (ex, n, "dilations", dilations, 2);
  if (counted)
    _onnx_write_attr_int (ex, n, "count_include_pad", 1);
  return TRUE;
}

void
_onnx_write_upsampling (onnx_exporter *ex, const onnx_layer *l)
{
  const float sh = (float) _onnx_write_param (l, "size");
  const float sw =
    _onnx_write_param (l, "size_width") > 0 ? (float) _onnx_write_param (l, "size_width") : sh;
  const gboolean bilinear = _onnx_write_param (l, "interpolation") != 0.0;
  const float scales[] = { 1.0f, 1.0f, sh, sw };
  const gint64 dims[] = { 4 };
  const char *sc = _onnx_write_floats (ex, _onnx_write_kept_printf (ex, "%s.scales", l->node->name),
                                       dims, 1, scales);
  Onnx__NodeProto *n = _onnx_write_op (ex, "Resize", l->node->name,
                                       (const char *[]){ l->in[0], "", sc, NULL }, l->out);

  if (bilinear)
    {
      /* PyTorch's bilinear: pixel centres at (o + ½)/f − ½, or corners
       * lined up */
      _onnx_write_attr_string (ex, n, "mode", "linear");
      _onnx_write_attr_string (ex, n, "coordinate_transformation_mode",
                               _onnx_write_param (l, "align_corners") != 0.0 ? "align_corners"
                                                                             : "half_pixel");
    }
  else
    {
      /* source pixel = floor(y / f): each pixel becomes an fh × fw block */
      _onnx_write_attr_string (ex, n, "mode", "nearest");
      _onnx_write_attr_string (ex, n, "coordinate_transformation_mode", "asymmetric");
      _onnx_write_attr_string (ex, n, "nearest_mode", "floor");
    }
}

/* Resize2D as resize.c computes it: ONNX's own modes, so the parameters
 * become attributes one for one. A scale goes out as scales (it places the
 * pixels too), otherwise the size as sizes. Resize-13's roi input is left
 * out (only tf_crop_and_resize reads it). */
void
_onnx_write_resize (onnx_exporter *ex, const onnx_layer *l)
{
  static const char *const modes[] = { "nearest", "linear", "cubic" };
  static const char *const coordinates[] = { "half_pixel", "align_corners", "asymmetric",
                                             "pytorch_half_pixel", "tf_half_pixel_for_nn" };
  static const char *const roundings[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
                                           "ceil" };
  const int interpolation = (int) _onnx_write_param (l, "interpolation");
  const double scale = _onnx_write_param (l, "scale");
  const gint64 dims[] = { 4 };
  Onnx__NodeProto *n;

  if (scale > 0.0)
    {
      const double scale_w =
        _onnx_write_param (l, "scale_width") > 0.0 ? _onnx_write_param (l, "scale_width") : scale;
      const float scales[] = { 1.0f, 1.0f, (float) scale, (float) scale_w };
      const char *sc = _onnx_write_floats (
        ex, _onnx_write_kept_printf (ex, "%s.scales", l->node->name), dims, 1, scales);

      n = _onnx_write_op (ex, "Resize", l->node->name, (const char *[]){ l->in[0], "", sc, NULL },
                          l->out);
    }
  else
    {
      /* sizes name the batch too, which is N in the graph: the input's own
       * batch and channels (Shape, Gather [0, 1]) joined with the size */
      const gint64 first_two[] = { 0, 1 };
      const gint64 size[] = { l->out_shape->dim[1], l->out_shape->dim[2] };
      const char *shape = _onnx_write_tmp_name (ex, l, "shape"),
                 *nc = _onnx_write_tmp_name (ex, l, "batch_channels");
      const char *sizes = _onnx_write_tmp_name (ex, l, "sizes");
      const char *idx = _onnx_write_ints (
        ex, _onnx_write_kept_printf (ex, "%s.batch_channel_axes", l->node->name), first_two, 2);
      const char *hw =
        _onnx_write_ints (ex, _onnx_write_kept_printf (ex, "%s.size", l->node->name), size, 2);

      _onnx_write_op (ex, "Shape", shape, (const char *[]){ l->in[0], NULL }, shape);
      n = _onnx_write_op (ex, "Gather", nc, (const char *[]){ shape, idx, NULL }, nc);
      _onnx_write_attr_int (ex, n, "axis", 0);
      n = _onnx_write_op (ex, "Concat", sizes, (const char *[]){ nc, hw, NULL }, sizes);
      _onnx_write_attr_int (ex, n, "axis", 0);
      n = _onnx_write_op (ex, "Resize", l->node->name,
                          (const char *[]){ l->in[0], "", "", sizes, NULL }, l->out);
    }
  _onnx_write_attr_string (ex, n, "mode", modes[interpolation]);
  _onnx_write_attr_string (ex, n, "coordinate_transformation_mode",
                           coordinates[(int) _onnx_write_param (l, "coordinates")]);
  if (interpolation == 0)
    _onnx_write_attr_string (ex, n, "nearest_mode",
                             roundings[(int) _onnx_write_param (l, "nearest_rounding")]);
  if (interpolation == 2)
    {
      _onnx_write_attr_float (ex, n, "cubic_coeff_a", (float) _onnx_write_param (l, "cubic_a"));
      _onnx_write_attr_int (ex, n, "exclude_outside",
                            _onnx_write_param (l, "exclude_outside") != 0.0);
    }
}

/* PixelShuffle is DepthToSpace, its channel order ONNX's mode. */
void
_onnx_write_pixel_shuffle (onnx_exporter *ex, const onnx_layer *l)
{
  Onnx__NodeProto *n =
    _onnx_write_op (ex, "DepthToSpace", l->node->name, (const char *[]){ l->in[0], NULL }, l->out);

  _onnx_write_attr_int (ex, n, "blocksize", (gint64) _onnx_write_param (l, "factor"));
  _onnx_write_attr_string (ex, n, "mode", _onnx_write_param (l, "order") != 0 ? "DCR" : "CRD");
}
