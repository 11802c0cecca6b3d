/* pytorch-export-padding.c — the pooling windows and convolution forms of
 * the PyTorch exporter: a MaxPool2D/AvgPool2D or Conv2D/Conv2DTranspose as
 * torch's module takes it, and whether forward has to pad or crop around
 * the module to give the layer's output (see pytorch-export-private.h). */
#include "config.h"

#include "io/pytorch-export-private.h"

static void
pool_window_of (const ex_node *x, pool_window *w)
{
  const int stride = param_int (x, "stride");

  w->k[0] = param_int (x, "size");
  w->k[1] = param_int (x, "size_width") > 0 ? param_int (x, "size_width") : w->k[0];
  w->s[0] = stride > 0 ? stride : w->k[0];
  w->s[1] = param_int (x, "stride_width") > 0 ? param_int (x, "stride_width")
            : stride > 0                      ? stride
                                              : w->k[1];
  w->dilation = is_kind (x, "maxpool2d") ? param_int (x, "dilation") : 1;
  w->padding = param_int (x, "padding");
  w->count_pad = is_kind (x, "avgpool2d") && w->padding == 2 && param_int (x, "count_pad") != 0;
  for (int a = 0; a < 2; a++)
    {
      const int span = (w->k[a] - 1) * w->dilation + 1;
      const int total = MAX ((x->out.dim[1 + a] - 1) * w->s[a] + span - x->in[0].dim[1 + a], 0);

      /* 1 'same': the odd cell after the image; 3 'same_lower': before */
      if (w->padding == 1 || w->padding == 3)
        {
          w->pb[a] = w->padding == 1 ? total / 2 : total - total / 2;
          w->pe[a] = total - w->pb[a];
        }
      else if (w->padding == 2)
        w->pb[a] = w->pe[a] = a == 0 || param_int (x, "pad_width") < 0 ? param_int (x, "pad")
                                                                       : param_int (x, "pad_width");
      else
        w->pb[a] = w->pe[a] = 0;
      w->pf[a] = MAX (total - w->pb[a], 0);
    }
}

/* Fills w for a pooling node x; TRUE when torch's modules cannot take its
 * padding: more than half the window (ONNX's large pads, or the 'same' of
 * a dilated MaxPool2D), or 'same_lower' with the odd cell before the image.
 * Forward then pads: with −inf for a max, which never wins; with zeros for
 * an average, divided by the same pool of a mask of ones over the cells the
 * layer counts (the image, and its padding with count_pad). */
gboolean
_pytorch_pool_pads_in_forward (const ex_node *x, pool_window *w)
{
  pool_window_of (x, w);
  return w->pb[0] > w->k[0] / 2 || w->pb[1] > w->k[1] / 2 ||
         (w->padding == 3 && (w->pb[0] != w->pe[0] || w->pb[1] != w->pe[1]));
}

void
_pytorch_append_pair (GString *m, const char *name, const int v[2])
{
  g_string_append_printf (m, v[0] == v[1] ? "%s%d" : "%s(%d, %d)", name, v[0], v[1]);
}

void
_pytorch_conv_form_of (const ex_node *x, conv_form *c)
{
  const gboolean transpose = is_kind (x, "conv2d_transpose");
  const int padding = param_int (x, "padding");
  const int pad[2] = { param_int (x, "pad"), param_int (x, "pad_width") >= 0
                                               ? param_int (x, "pad_width")
                                               : param_int (x, "pad") };

  c->k[0] = param_int (x, "kernel");
  c->k[1] = param_int (x, "kernel_width") > 0 ? param_int (x, "kernel_width") : c->k[0];
  c->s[0] = param_int (x, "stride");
  c->s[1] = param_int (x, "stride_width") > 0 ? param_int (x, "stride_width") : c->s[0];
  c->dilation = param_int (x, "dilation");
  c->groups = transpose ? 1 : param_int (x, "groups");
  c->output_padding = transpose && padding == 2 ? param_int (x, "output_padding") : 0;
  c->module_pad = TRUE;
  for (int a = 0; a < 2; a++)
    {
      const int in = x->in[0].dim[1 + a], out = x->out.dim[1 + a];

      c->ek[a] = (c->k[a] - 1) * c->dilation + 1;
      c->full[a] = (in - 1) * c->s[a] + c->ek[a];
      if (padding == 2)
        c->pb[a] = c->pe[a] = pad[a];
      else if (padding == 1 && !transpose)
        {
          const int total = MAX ((out - 1) * c->s[a] + c->ek[a] - in, 0);
          c->pb[a] = total / 2;
          c->pe[a] = total - total / 2;
        }
      else if (padding == 1)
        {
          c->pb[a] = MAX (c->ek[a] - c->s[a], 0) / 2;
          c->pe[a] = c->full[a] - c->pb[a] - out;
        }
      else
        c->pb[a] = c->pe[a] = 0;
      if (padding != 2 && c->pb[a] != c->pe[a])
        c->module_pad = FALSE;
    }
}

void
_pytorch_append_conv_args (GString *m, const conv_form *c)
{
  const int op[2] = { c->output_padding, c->output_padding };

  _pytorch_append_pair (m, ", kernel_size=", c->k);
  if (c->s[0] != 1 || c->s[1] != 1)
    _pytorch_append_pair (m, ", stride=", c->s);
  if (c->module_pad && (c->pb[0] != 0 || c->pb[1] != 0))
    _pytorch_append_pair (m, ", padding=", c->pb);
  if (c->output_padding != 0)
    _pytorch_append_pair (m, ", output_padding=", op);
  if (c->dilation != 1)
    g_string_append_printf (m, ", dilation=%d", c->dilation);
  if (c->groups != 1)
    g_string_append_printf (m, ", groups=%d", c->groups);
}
