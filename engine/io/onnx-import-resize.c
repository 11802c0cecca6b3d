/* onnx-import-resize.c — ONNX's Upsample and Resize → Layerlab's
 * UpSampling2D where its whole factors compute the same, Resize2D for
 * every other mode, coordinate formula and rounding; DepthToSpace →
 * PixelShuffle. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "io/onnx-import-private.h"

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

  if (x == NULL || !_onnx_require_image (im, x, error))
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

/* DepthToSpace: PixelShuffle with the same block size and channel order
 * (CRD is PyTorch's, DCR TensorFlow's and ONNX's default). */
gboolean
_onnx_map_depth_to_space (onnx_importer *im, GError **error)
{
  static const char *const ids[] = { "factor", "order", NULL };
  onnx_value *x = _onnx_runtime_input (im, 0, error);
  const gint64 r = _onnx_attr_int (im, "blocksize", 0);
  g_autofree char *mode = _onnx_attr_string (im, "mode", "DCR");
  gint64 dims[4];
  double p[2];
  int in, id;

  if (x == NULL || !_onnx_require_image (im, x, error))
    return FALSE;
  if (r < 1 || r > 16)
    return _onnx_unsupported (im, error, "blocksize", _ ("PixelShuffle's factor is 1 to 16"));
  if (!g_str_equal (mode, "CRD") && !g_str_equal (mode, "DCR"))
    return _onnx_unsupported (im, error, "mode", _ ("the modes are CRD and DCR"));
  p[0] = (double) r;
  p[1] = g_str_equal (mode, "DCR");
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1 : _onnx_add_layer (im, nn_layer_lookup ("pixel_shuffle"), &in, 1, ids, p, error);
  if (id < 0)
    return FALSE;
  dims[0] = x->dims[0];
  dims[1] = x->dims[1] / (r * r);
  dims[2] = x->dims[2] * r;
  dims[3] = x->dims[3] * r;
  _onnx_define (im, 0, id, 4, dims, 0);
  return TRUE;
}
