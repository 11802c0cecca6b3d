/* pytorch-export-model.c — the script's Model class: the modules in
 * __init__, the node's lines in forward, and the parameters that take
 * weight decay (see pytorch-export-private.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "io/pytorch-export-private.h"

/* The right-hand side of the node's line in forward. */
static void
forward_of (exporter *e, ex_node *x, GString *f)
{
  const char *a = input_of (e, x, 0)->ident;
  const nn_shape *in = &x->in[0];
  pool_window pool;
  conv_form conv;

  if (is_kind (x, "reshape"))
    {
      g_string_append_printf (f, "%s.reshape(%s.shape[0], ", a, a);
      for (int i = 0; i < x->out.rank; i++)
        g_string_append_printf (f, i ? ", %d" : "%d", x->out.dim[i]);
      g_string_append (f, ")");
    }
  else if (is_kind (x, "add") || is_kind (x, "concatenate"))
    {
      gboolean add = is_kind (x, "add");

      if (!add)
        g_string_append (f, "torch.cat((");
      for (int k = 0; k < x->n_in; k++)
        g_string_append_printf (f, "%s%s",
                                k == 0 ? ""
                                : add  ? " + "
                                       : ", ",
                                input_of (e, x, k)->ident);
      /* Layerlab joins images on channels, vectors and sequences on features */
      if (!add)
        g_string_append_printf (f, "%s), dim=%d)", x->n_in == 1 ? "," : "",
                                in->rank == 3 ? 1 : in->rank);
    }
  else if (is_kind (x, "dense") && in->rank > 1)
    g_string_append_printf (f, "self.%s(torch.flatten(%s, 1))", x->ident, a);
  else if ((is_kind (x, "conv2d") || is_kind (x, "conv2d_transpose")) &&
           (_pytorch_conv_form_of (x, &conv), !conv.module_pad))
    {
      /* Layerlab puts the odd pixel of "same" padding after the image;
       * a transposed one crops (negative padding) or pads its full output */
      if (is_kind (x, "conv2d"))
        g_string_append_printf (f, "self.%s(F.pad(%s, (%d, %d, %d, %d)))", x->ident, a, conv.pb[1],
                                conv.pe[1], conv.pb[0], conv.pe[0]);
      else
        g_string_append_printf (f, "F.pad(self.%s(%s), (%d, %d, %d, %d))", x->ident, a, -conv.pb[1],
                                -conv.pe[1], -conv.pb[0], -conv.pe[0]);
    }
  else if (is_kind (x, "maxpool2d") && _pytorch_pool_pads_in_forward (x, &pool))
    g_string_append_printf (f, "self.%s(F.pad(%s, (%d, %d, %d, %d), value=float('-inf')))",
                            x->ident, a, pool.pb[1], pool.pf[1], pool.pb[0], pool.pf[0]);
  else if (is_kind (x, "avgpool2d") && _pytorch_pool_pads_in_forward (x, &pool))
    {
      /* the mask covers what the layer counts, then pads or crops to what
       * the windows read */
      const int cb[2] = { pool.count_pad ? pool.pb[0] : 0, pool.count_pad ? pool.pb[1] : 0 };
      const int ce[2] = { pool.count_pad ? pool.pe[0] : 0, pool.count_pad ? pool.pe[1] : 0 };

      g_string_append_printf (f, "self.%s(F.pad(%s, (%d, %d, %d, %d))) / ", x->ident, a, pool.pb[1],
                              pool.pf[1], pool.pb[0], pool.pf[0]);
      g_string_append_printf (f, "self.%s(F.pad(%s.new_ones(1, 1, %d, %d), (%d, %d, %d, %d)))",
                              x->ident, a, in->dim[1] + cb[0] + ce[0], in->dim[2] + cb[1] + ce[1],
                              pool.pb[1] - cb[1], pool.pf[1] - ce[1], pool.pb[0] - cb[0],
                              pool.pf[0] - ce[0]);
    }
  else if (is_recurrent (x))
    g_string_append_printf (f, "self.%s(%s)[0]%s", x->ident, a,
                            param_int (x, "return_sequences") ? "" : "[:, -1]");
  else
    g_string_append_printf (f, "self.%s(%s)", x->ident, a);
}
/* The Model class. */
gboolean
_pytorch_write_model (exporter *e, GString *s, GError **error)
{
  g_autoptr (GString) init = g_string_new (NULL);
  g_autoptr (GString) forward = g_string_new (NULL);
  g_autoptr (GString) line = g_string_new (NULL);

  for (guint i = 0; i < e->order->len; i++)
    {
      ex_node *x = g_ptr_array_index (e->order, i);
      g_autofree char *shape = nn_shape_to_string (&x->out);
      nn_weight_info info[NN_MAX_WEIGHTS];
      int n_weights = 0;
      gboolean supported;

      g_string_truncate (line, 0);
      if (_pytorch_module_of (e, x, line, &supported))
        g_string_append_printf (init, "        self.%s = %s  # %s\n", x->ident, line->str,
                                x->label);
      else if (!supported)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                       _ ("%s cannot be exported to PyTorch: the script has no counterpart for "
                          "its kind"),
                       x->label);
          return FALSE;
        }
      if (x->node->desc.ops->weights != NULL)
        n_weights = x->node->desc.ops->weights (&x->node->desc, x->in, &x->out, info);
      for (int k = 0; k < n_weights; k++)
        if (info[k].decay)
          g_ptr_array_add (e->decayed, _pytorch_torch_key (x, info[k].name));

      if (x == e->input)
        {
          g_string_append_printf (forward, "        # %s: %s per sample\n", x->label, shape);
          continue;
        }
      if (x == e->output && e->final_softmax)
        g_string_append_printf (forward,
                                "        if logits:  # cross-entropy takes the Softmax's input\n"
                                "            return %s\n",
                                input_of (e, x, 0)->ident);
      g_string_truncate (line, 0);
      forward_of (e, x, line);
      g_string_append_printf (forward, "        %s = %s  # %s: %s\n", x->ident, line->str, x->label,
                              shape);
    }

  _pytorch_append_classes (e, s);
  g_string_append (s, "\n\nclass Model(nn.Module):\n"
                      "    \"\"\"The project's graph, one layer per line; the comments give each "
                      "layer's\n"
                      "    output shape per sample, as Layerlab shows it.\"\"\"\n\n"
                      "    # Parameters that take weight decay (weights, not biases, BatchNorm "
                      "or embeddings)\n"
                      "    DECAYED = {");
  for (guint i = 0; i < e->decayed->len; i++)
    {
      g_string_append (s, i ? ", " : "");
      _pytorch_append_py_string (s, g_ptr_array_index (e->decayed, i));
    }
  g_string_append (s, e->decayed->len == 0 ? "}  # none\n" : "}\n");
  g_string_append_printf (s, "\n    def __init__(self):\n        super().__init__()\n%s",
                          init->str);
  g_string_append_printf (s, "\n    def forward(self, %s%s):\n%s        return %s\n",
                          e->input->ident, e->final_softmax ? ", logits=False" : "", forward->str,
                          e->output->ident);
  return TRUE;
}
