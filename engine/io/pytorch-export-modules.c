/* pytorch-export-modules.c — the torch.nn module of each kind of layer, as
 * the Model's __init__ builds it (see pytorch-export-private.h). */
#include "config.h"

#include "io/pytorch-export-private.h"

/* A GRU with "Reset after product" off: torch.nn has no module for it. */
static gboolean
is_classic_gru (const ex_node *x)
{
  return is_kind (x, "gru") && param_int (x, "reset_after") == 0;
}

/* Resize2D (see resize.c) as nn.Upsample where PyTorch computes the same:
 * nearest is asymmetric rounding down, nearest-exact pixel centres rounding
 * halves up; bilinear and bicubic (a = −0.75, the border repeated) with
 * pixel centres (ONNX's pytorch_half_pixel too, but for an output of one
 * pixel) or with the corners lined up. A factor goes as scale_factor, which
 * then places the pixels as Layerlab does, except with the corners lined up,
 * where PyTorch divides by the rounded size: only factors that give whole
 * sizes go, as sizes. Every other form is the script's Resize2d module,
 * the same interpolation weights as one matrix per axis. */
static void
append_resize (exporter *e, const ex_node *x, GString *m)
{
  static const char *const modes[] = { "nearest", "bilinear", "bicubic" };
  static const char *const coordinates[] = { "half_pixel", "align_corners", "asymmetric",
                                             "pytorch_half_pixel", "tf_half_pixel_for_nn" };
  static const char *const roundings[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
                                           "ceil" };
  const nn_layer_desc *d = &x->node->desc;
  const int interpolation = param_int (x, "interpolation");
  const int coord = param_int (x, "coordinates"), rounding = param_int (x, "nearest_rounding");
  const int h = x->in[0].dim[1], w = x->in[0].dim[2], oh = x->out.dim[1], ow = x->out.dim[2];
  const double s = nn_layer_desc_get (d, "scale");
  const double sh = s > 0 ? s : 0;
  const double sw =
    s > 0 && nn_layer_desc_get (d, "scale_width") > 0 ? nn_layer_desc_get (d, "scale_width") : sh;
  const gboolean plain_cubic =
    nn_layer_desc_get (d, "cubic_a") == -0.75 && nn_layer_desc_get (d, "exclude_outside") == 0;
  const char *mode = NULL;
  gboolean align = FALSE, by_size = sh == 0;

  if (interpolation == 0 && coord == 2 && rounding == 2)
    mode = "nearest";
  else if (interpolation == 0 && coord == 0 && rounding == 1)
    mode = "nearest-exact";
  else if (interpolation == 1 || (interpolation == 2 && plain_cubic))
    {
      if (coord == 0 || (coord == 3 && oh > 1 && ow > 1))
        mode = modes[interpolation];
      else if (coord == 1 && (sh == 0 || (h * sh == oh && w * sw == ow)))
        {
          mode = modes[interpolation];
          align = by_size = TRUE;
        }
    }

  if (mode == NULL)
    {
      g_string_append_printf (m, "Resize2d((%d, %d), (%d, %d), (", h, w, oh, ow);
      _pytorch_append_number (m, sh);
      g_string_append (m, ", ");
      _pytorch_append_number (m, sw);
      g_string_append_printf (m, "), '%s', '%s', '%s', ", modes[interpolation], coordinates[coord],
                              roundings[rounding]);
      _pytorch_append_number (m, nn_layer_desc_get (d, "cubic_a"));
      g_string_append_printf (m, ", %s)",
                              nn_layer_desc_get (d, "exclude_outside") != 0 ? "True" : "False");
      e->uses_resize = TRUE;
      return;
    }
  if (by_size)
    g_string_append_printf (m, "nn.Upsample(size=(%d, %d)", oh, ow);
  else
    {
      g_string_append (m, "nn.Upsample(scale_factor=(");
      _pytorch_append_number (m, sh);
      g_string_append (m, ", ");
      _pytorch_append_number (m, sw);
      g_string_append (m, ")");
    }
  g_string_append_printf (m, ", mode='%s'", mode);
  /* PyTorch refuses align_corners for nearest */
  if (interpolation != 0)
    g_string_append_printf (m, ", align_corners=%s", align ? "True" : "False");
  g_string_append (m, ")");
}

/* The PyTorch module of a node for __init__, or FALSE when the node is
 * computed inline in forward (Input, Reshape, Add, Concatenate). Sets
 * *supported to FALSE for a kind this exporter does not know. */
gboolean
_pytorch_module_of (exporter *e, ex_node *x, GString *m, gboolean *supported)
{
  const nn_layer_desc *d = &x->node->desc;
  const nn_shape *in = &x->in[0];

  *supported = TRUE;
  if (is_kind (x, "input") || is_kind (x, "reshape") || is_kind (x, "add") ||
      is_kind (x, "concatenate"))
    return FALSE;
  if (is_kind (x, "dense"))
    g_string_append_printf (m, "nn.Linear(%zu, %d%s)", (size_t) nn_shape_size (in),
                            param_int (x, "units"),
                            nn_layer_desc_get (d, "use_bias") != 0 ? "" : ", bias=False");
  else if (is_kind (x, "embedding"))
    {
      g_string_append_printf (m, "TokenEmbedding(%d, %d)", param_int (x, "input_dim"),
                              param_int (x, "output_dim"));
      e->uses_embedding = TRUE;
    }
  else if (is_kind (x, "flatten"))
    g_string_append (m, "nn.Flatten()");
  else if (is_kind (x, "dropout"))
    {
      g_string_append (m, "nn.Dropout(p=");
      _pytorch_append_number (m, nn_layer_desc_get (d, "rate"));
      g_string_append (m, ")");
    }
  else if (is_kind (x, "conv2d") || is_kind (x, "conv2d_transpose"))
    {
      conv_form c;

      /* Symmetric padding goes into the module; otherwise forward pads or
       * crops (see forward_of). */
      _pytorch_conv_form_of (x, &c);
      g_string_append_printf (m, "nn.%s(%d, %d",
                              is_kind (x, "conv2d") ? "Conv2d" : "ConvTranspose2d", in->dim[0],
                              param_int (x, "filters"));
      _pytorch_append_conv_args (m, &c);
      g_string_append_printf (m, "%s)", param_int (x, "use_bias") ? "" : ", bias=False");
    }
  else if (is_kind (x, "upsampling2d"))
    {
      const int fh = param_int (x, "size");
      const int fw = param_int (x, "size_width") > 0 ? param_int (x, "size_width") : fh;

      if (fw == fh)
        g_string_append_printf (m, "nn.Upsample(scale_factor=%d", fh);
      else
        g_string_append_printf (m, "nn.Upsample(scale_factor=(%d, %d)", fh, fw);
      /* PyTorch refuses align_corners for nearest, so it goes with bilinear only */
      if (param_int (x, "interpolation") != 0)
        g_string_append_printf (m, ", mode='bilinear', align_corners=%s)",
                                param_int (x, "align_corners") ? "True" : "False");
      else
        g_string_append (m, ", mode='nearest')");
    }
  else if (is_kind (x, "resize2d"))
    append_resize (e, x, m);
  else if (is_kind (x, "pixel_shuffle"))
    {
      /* torch's PixelShuffle has PyTorch's channel order only */
      const gboolean tensorflow = param_int (x, "order") != 0;

      g_string_append_printf (m, "%s(%d)", tensorflow ? "DepthToSpace" : "nn.PixelShuffle",
                              param_int (x, "factor"));
      e->uses_depth_to_space |= tensorflow;
    }
  else if (is_kind (x, "maxpool2d") || is_kind (x, "avgpool2d"))
    {
      const gboolean max = is_kind (x, "maxpool2d");
      const int none[2] = { 0, 0 };
      pool_window w;
      const gboolean in_forward = _pytorch_pool_pads_in_forward (x, &w);
      const gboolean same = w.padding == 1 || w.padding == 3;
      gboolean ceil;
      const int *pad;

      /* 'same' as torch's padding of the smaller (top/left) amount, with
       * ceil_mode for the odd cell after the image: the last window runs
       * one cell past torch's padding, which is never counted or wins.
       * Padded in forward, the module pads nothing and every window fits. */
      pad = in_forward ? none : w.pb;
      ceil = in_forward ? FALSE
             : same     ? w.pe[0] != w.pb[0] || w.pe[1] != w.pb[1]
                        : param_int (x, "ceil_mode") != 0;
      g_string_append_printf (m, "nn.%s(", max ? "MaxPool2d" : "AvgPool2d");
      _pytorch_append_pair (m, "", w.k);
      if (w.s[0] != w.k[0] || w.s[1] != w.k[1])
        _pytorch_append_pair (m, ", stride=", w.s);
      if (pad[0] != 0 || pad[1] != 0)
        _pytorch_append_pair (m, ", padding=", pad);
      if (w.dilation != 1)
        g_string_append_printf (m, ", dilation=%d", w.dilation);
      if (ceil)
        g_string_append (m, ", ceil_mode=True");
      if (!max && (pad[0] != 0 || pad[1] != 0) && !w.count_pad)
        g_string_append (m, ", count_include_pad=False");
      g_string_append (m, ")");
    }
  else if (is_kind (x, "globalavgpool2d"))
    g_string_append (m, "nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())");
  else if (is_classic_gru (x))
    {
      g_string_append_printf (m, "ClassicGRU(%d, %d)", in->dim[1], param_int (x, "units"));
      e->uses_classic_gru = TRUE;
    }
  else if (is_recurrent (x))
    g_string_append_printf (m, "nn.%s(%d, %d, batch_first=True)",
                            is_kind (x, "lstm")  ? "LSTM"
                            : is_kind (x, "gru") ? "GRU"
                                                 : "RNN",
                            in->dim[1], param_int (x, "units"));
  else if (is_kind (x, "batchnorm"))
    {
      g_string_append_printf (m, "nn.BatchNorm%dd(%d, eps=", in->rank == 3 ? 2 : 1, in->dim[0]);
      _pytorch_append_number (m, nn_layer_desc_get (d, "eps"));
      g_string_append (m, ", momentum=");
      _pytorch_append_number (m, nn_layer_desc_get (d, "momentum"));
      g_string_append (m, ")");
      e->has_batchnorm = TRUE;
    }
  else if (is_kind (x, "relu"))
    g_string_append (m, "nn.ReLU()");
  else if (is_kind (x, "leaky_relu"))
    {
      g_string_append (m, "nn.LeakyReLU(");
      _pytorch_append_number (m, nn_layer_desc_get (d, "slope"));
      g_string_append (m, ")");
    }
  else if (is_kind (x, "elu"))
    {
      g_string_append (m, "nn.ELU(alpha=");
      _pytorch_append_number (m, nn_layer_desc_get (d, "alpha"));
      g_string_append (m, ")");
    }
  else if (is_kind (x, "gelu"))
    g_string_append (m, "nn.GELU()");
  else if (is_kind (x, "sigmoid"))
    g_string_append (m, "nn.Sigmoid()");
  else if (is_kind (x, "tanh"))
    g_string_append (m, "nn.Tanh()");
  else if (is_kind (x, "softmax"))
    g_string_append (m, "nn.Softmax(dim=-1)");
  else
    *supported = FALSE;
  return *supported;
}
