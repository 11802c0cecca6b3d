/* pytorch-export.c — a project as a standalone PyTorch script (see
 * pytorch-export.h).
 *
 * The script has two parts: constants and the Model class, generated here
 * node by node from the graph; then fixed code (weights, data, training,
 * evaluation, in pytorch-runtime.inc) that reads those constants. The weights go to a JSON file
 * keyed by PyTorch's state_dict names. The data split is always written by
 * Layerlab, because it is drawn from Layerlab's own generator; the samples
 * are read from Debian's files for Fashion-MNIST and written as prepared
 * arrays for every other source, which is what keeps the test set exactly
 * Layerlab's (CSV cleaning, PNG resizing, tokenisation and generated sets
 * would otherwise need a second implementation that could drift). */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "data/system-data.h"
#include "error.h"
#include "pytorch-export.h"

/* One graph node as the script names and shapes it. */
typedef struct
{
  const nn_node *node;
  char *ident; /* Python name of its module and of its output */
  char *label; /* "Dense 'dense1'", for messages and comments */
  int n_in;
  nn_shape in[NN_MAX_INPUTS];
  nn_shape out;
} ex_node;

typedef struct
{
  const nn_project *p;
  GPtrArray *order;  /* of ex_node *, inputs before their consumers */
  GHashTable *by_id; /* node id → ex_node * */
  ex_node *input, *output;
  gboolean final_softmax; /* the output node is a Softmax */
  gboolean uses_embedding, uses_classic_gru, has_batchnorm, uses_resize;
  GPtrArray *decayed; /* torch keys of parameters Layerlab decays */
} exporter;

static void
ex_node_free (gpointer data)
{
  ex_node *x = data;

  g_free (x->ident);
  g_free (x->label);
  g_free (x);
}

/* Names a Python reader would not want shadowed, or that nn.Module uses. */
static const char *const reserved[] = {
  "False",   "None",     "True",       "and",       "as",      "assert",     "async",  "await",
  "break",   "class",    "continue",   "def",       "del",     "elif",       "else",   "except",
  "finally", "for",      "from",       "global",    "if",      "import",     "in",     "is",
  "lambda",  "nonlocal", "not",        "or",        "pass",    "raise",      "return", "try",
  "while",   "with",     "yield",      "self",      "torch",   "nn",         "F",      "math",
  "logits",  "x",        "training",   "forward",   "eval",    "train",      "to",     "cpu",
  "cuda",    "apply",    "modules",    "children",  "buffers", "parameters", "float",  "double",
  "half",    "type",     "state_dict", "zero_grad", "DECAYED", "super",      "print",
};

static gboolean
is_reserved (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strcmp (s, reserved[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A Python identifier from a node's name ("conv 1" → conv_1), made unique
 * with the node's id when it clashes. */
static char *
make_ident (const nn_node *node, GHashTable *used)
{
  GString *s = g_string_new (NULL);

  for (const char *c = node->name; *c != '\0'; c++)
    g_string_append_c (s, g_ascii_isalnum (*c) ? *c : '_');
  if (s->len == 0 || g_ascii_isdigit (s->str[0]))
    g_string_prepend (s, "layer_");
  if (is_reserved (s->str) || g_hash_table_contains (used, s->str))
    g_string_append_printf (s, "_%d", node->id);
  g_hash_table_add (used, g_strdup (s->str));
  return g_string_free (s, FALSE);
}

/* Shortest text that reads back as v, so the script shows 0.1, not
 * 0.10000000000000001. */
static void
append_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%g", v);
  if (g_ascii_strtod (buf, NULL) != v)
    g_ascii_dtostr (buf, sizeof buf, v);
  g_string_append (s, buf);
}

/* A Python string literal in single quotes. */
static void
append_py_string (GString *s, const char *text)
{
  g_string_append_c (s, '\'');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '\\' || *c == '\'')
        g_string_append_c (s, '\\');
      if ((guchar) *c < 0x20)
        g_string_append_printf (s, "\\x%02x", (guchar) *c);
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '\'');
}

static void
append_shape_tuple (GString *s, const nn_shape *shape)
{
  g_string_append_c (s, '(');
  for (int i = 0; i < shape->rank; i++)
    g_string_append_printf (s, i ? ", %d" : "%d", shape->dim[i]);
  g_string_append (s, shape->rank == 1 ? ",)" : ")");
}

/* --- Graph ------------------------------------------------------------- */

/* Checks the graph and puts its nodes in an order where every node comes
 * after its inputs (insertion order among the ready ones, so the script
 * reads like the builder's canvas from top to bottom). */
static gboolean
order_graph (exporter *e, GError **error)
{
  const nn_graph *g = e->p->graph;
  nn_graph_report report;
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = nn_graph_n_nodes (g);
  gboolean progress = TRUE;

  if (!nn_graph_infer (g, &report))
    {
      nn_graph_report_to_error (&report, error);
      nn_graph_report_clear (&report);
      return FALSE;
    }
  while (progress && (int) e->order->len < n)
    {
      progress = FALSE;
      for (int i = 0; i < n; i++)
        {
          const nn_node *node = nn_graph_nth_node (g, i);
          gboolean ready = !g_hash_table_contains (e->by_id, GINT_TO_POINTER (node->id));
          ex_node *x;

          for (int k = 0; ready && k < node->n_inputs; k++)
            ready = g_hash_table_contains (e->by_id, GINT_TO_POINTER (node->inputs[k]));
          if (!ready)
            continue;
          x = g_new0 (ex_node, 1);
          x->node = node;
          x->ident = make_ident (node, used);
          x->label = nn_graph_node_label (node);
          x->out = nn_graph_report_node (&report, node->id)->out_shape;
          x->n_in = node->n_inputs;
          for (int k = 0; k < node->n_inputs; k++)
            x->in[k] = nn_graph_report_node (&report, node->inputs[k])->out_shape;
          g_ptr_array_add (e->order, x);
          g_hash_table_insert (e->by_id, GINT_TO_POINTER (node->id), x);
          if (node->id == report.input_id)
            e->input = x;
          if (node->id == report.output_id)
            e->output = x;
          progress = TRUE;
        }
    }
  nn_graph_report_clear (&report);
  /* infer() already refuses graphs without one input and one output */
  g_return_val_if_fail (e->input != NULL && e->output != NULL, FALSE);
  e->final_softmax = strcmp (e->output->node->desc.ops->id, "softmax") == 0;
  return TRUE;
}

static ex_node *
input_of (exporter *e, ex_node *x, int k)
{
  return g_hash_table_lookup (e->by_id, GINT_TO_POINTER (x->node->inputs[k]));
}

static gboolean
is_kind (const ex_node *x, const char *id)
{
  return strcmp (x->node->desc.ops->id, id) == 0;
}

static gboolean
is_recurrent (const ex_node *x)
{
  return is_kind (x, "simple_rnn") || is_kind (x, "lstm") || is_kind (x, "gru");
}

static int
param_int (const ex_node *x, const char *id)
{
  return (int) nn_layer_desc_get (&x->node->desc, id);
}

/* A MaxPool2D/AvgPool2D window as pooling.c reads its parameters: sizes,
 * strides and the padding before (pb) and after (pe) the image, per axis
 * (0 rows, 1 columns); pf is the padding after the image that gives torch's
 * unpadded, floor-mode pool the layer's number of outputs. */
typedef struct
{
  int k[2], s[2], pb[2], pe[2], pf[2], dilation, padding;
  gboolean count_pad;
} pool_window;

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
static gboolean
pool_pads_in_forward (const ex_node *x, pool_window *w)
{
  pool_window_of (x, w);
  return w->pb[0] > w->k[0] / 2 || w->pb[1] > w->k[1] / 2 ||
         (w->padding == 3 && (w->pb[0] != w->pe[0] || w->pb[1] != w->pe[1]));
}

static void
append_pair (GString *m, const char *name, const int v[2])
{
  g_string_append_printf (m, v[0] == v[1] ? "%s%d" : "%s(%d, %d)", name, v[0], v[1]);
}

/* A Conv2D/Conv2DTranspose as conv2d.c and conv2d_transpose.c read their
 * parameters, per axis (0 rows, 1 columns): kernel, stride, the extent of
 * the dilated kernel, and where the layer's output sits in what torch's
 * module computes: for Conv2D the padding before (pb) and after (pe) the
 * image; for Conv2DTranspose the full (unpadded) output and its crop pb
 * at the start. `module_pad` is TRUE when the module's symmetric padding
 * (plus output_padding) gives the layer's output exactly. */
typedef struct
{
  int k[2], s[2], ek[2], pb[2], pe[2], full[2];
  int dilation, groups, output_padding;
  gboolean module_pad;
} conv_form;

static void
conv_form_of (const ex_node *x, conv_form *c)
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

static void
append_conv_args (GString *m, const conv_form *c)
{
  const int op[2] = { c->output_padding, c->output_padding };

  append_pair (m, ", kernel_size=", c->k);
  if (c->s[0] != 1 || c->s[1] != 1)
    append_pair (m, ", stride=", c->s);
  if (c->module_pad && (c->pb[0] != 0 || c->pb[1] != 0))
    append_pair (m, ", padding=", c->pb);
  if (c->output_padding != 0)
    append_pair (m, ", output_padding=", op);
  if (c->dilation != 1)
    g_string_append_printf (m, ", dilation=%d", c->dilation);
  if (c->groups != 1)
    g_string_append_printf (m, ", groups=%d", c->groups);
}

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
      append_number (m, sh);
      g_string_append (m, ", ");
      append_number (m, sw);
      g_string_append_printf (m, "), '%s', '%s', '%s', ", modes[interpolation], coordinates[coord],
                              roundings[rounding]);
      append_number (m, nn_layer_desc_get (d, "cubic_a"));
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
      append_number (m, sh);
      g_string_append (m, ", ");
      append_number (m, sw);
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
static gboolean
module_of (exporter *e, ex_node *x, GString *m, gboolean *supported)
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
      append_number (m, nn_layer_desc_get (d, "rate"));
      g_string_append (m, ")");
    }
  else if (is_kind (x, "conv2d") || is_kind (x, "conv2d_transpose"))
    {
      conv_form c;

      /* Symmetric padding goes into the module; otherwise forward pads or
       * crops (see forward_of). */
      conv_form_of (x, &c);
      g_string_append_printf (m, "nn.%s(%d, %d",
                              is_kind (x, "conv2d") ? "Conv2d" : "ConvTranspose2d", in->dim[0],
                              param_int (x, "filters"));
      append_conv_args (m, &c);
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
  else if (is_kind (x, "maxpool2d") || is_kind (x, "avgpool2d"))
    {
      const gboolean max = is_kind (x, "maxpool2d");
      const int none[2] = { 0, 0 };
      pool_window w;
      const gboolean in_forward = pool_pads_in_forward (x, &w);
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
      append_pair (m, "", w.k);
      if (w.s[0] != w.k[0] || w.s[1] != w.k[1])
        append_pair (m, ", stride=", w.s);
      if (pad[0] != 0 || pad[1] != 0)
        append_pair (m, ", padding=", pad);
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
      append_number (m, nn_layer_desc_get (d, "eps"));
      g_string_append (m, ", momentum=");
      append_number (m, nn_layer_desc_get (d, "momentum"));
      g_string_append (m, ")");
      e->has_batchnorm = TRUE;
    }
  else if (is_kind (x, "relu"))
    g_string_append (m, "nn.ReLU()");
  else if (is_kind (x, "leaky_relu"))
    {
      g_string_append (m, "nn.LeakyReLU(");
      append_number (m, nn_layer_desc_get (d, "slope"));
      g_string_append (m, ")");
    }
  else if (is_kind (x, "elu"))
    {
      g_string_append (m, "nn.ELU(alpha=");
      append_number (m, nn_layer_desc_get (d, "alpha"));
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
           (conv_form_of (x, &conv), !conv.module_pad))
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
  else if (is_kind (x, "maxpool2d") && pool_pads_in_forward (x, &pool))
    g_string_append_printf (f, "self.%s(F.pad(%s, (%d, %d, %d, %d), value=float('-inf')))",
                            x->ident, a, pool.pb[1], pool.pf[1], pool.pb[0], pool.pf[0]);
  else if (is_kind (x, "avgpool2d") && pool_pads_in_forward (x, &pool))
    {
      /* the mask covers what the layer counts, then pads or crops to what
       * the windows read */
      const int cb[2] = { pool.count_pad ? pool.pb[0] : 0, pool.count_pad ? pool.pb[1] : 0 };
      const int ce[2] = { pool.count_pad ? pool.pe[0] : 0, pool.count_pad ? pool.pe[1] : 0 };

      g_string_append_printf (f, "self.%s(F.pad(%s, (%d, %d, %d, %d))) / ", x->ident, a,
                              pool.pb[1], pool.pf[1], pool.pb[0], pool.pf[0]);
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

/* Torch's name for one of Layerlab's weight tensors of node x. */
static char *
torch_key (const ex_node *x, const char *name)
{
  if (is_kind (x, "batchnorm"))
    return g_strdup_printf ("%s.%s", x->ident,
                            strcmp (name, "gamma") == 0  ? "weight"
                            : strcmp (name, "beta") == 0 ? "bias"
                                                         : name);
  if (is_recurrent (x))
    return g_strdup_printf ("%s.%s_l0", x->ident, name);
  return g_strdup_printf ("%s.%s", x->ident, name);
}

/* The Model class. */
static gboolean
write_model (exporter *e, GString *s, GError **error)
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
      if (module_of (e, x, line, &supported))
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
          g_ptr_array_add (e->decayed, torch_key (x, info[k].name));

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

  if (e->uses_embedding)
    g_string_append (s, "\n\nclass TokenEmbedding(nn.Embedding):\n"
                        "    \"\"\"nn.Embedding reading token ids given as floats, as Layerlab's "
                        "Embedding does:\n"
                        "    ids outside the table read the unknown token (1).\"\"\"\n\n"
                        "    def forward(self, x):\n"
                        "        ids = torch.round(x).long()\n"
                        "        known = (ids >= 0) & (ids < self.num_embeddings)\n"
                        "        return super().forward(torch.where(known, ids, "
                        "torch.ones_like(ids)))\n");
  if (e->uses_classic_gru)
    g_string_append (
      s, "\n\nclass ClassicGRU(nn.Module):\n"
         "    \"\"\"The original GRU (Cho et al. 2014, ONNX's default), Layerlab's GRU with\n"
         "    \"Reset after product\" off, which torch.nn does not have: the reset gate\n"
         "    scales the state before its product with W_hn. Same tensors, state_dict\n"
         "    names, start and calling convention as nn.GRU(batch_first=True).\"\"\"\n\n"
         "    def __init__(self, input_size, hidden_size):\n"
         "        super().__init__()\n"
         "        self.hidden_size = hidden_size\n"
         "        self.weight_ih_l0 = nn.Parameter(torch.empty(3 * hidden_size, input_size))\n"
         "        self.weight_hh_l0 = nn.Parameter(torch.empty(3 * hidden_size, hidden_size))\n"
         "        self.bias_ih_l0 = nn.Parameter(torch.empty(3 * hidden_size))\n"
         "        self.bias_hh_l0 = nn.Parameter(torch.empty(3 * hidden_size))\n"
         "        for p in self.parameters():\n"
         "            nn.init.uniform_(p, -hidden_size ** -0.5, hidden_size ** -0.5)\n\n"
         "    def forward(self, x):\n"
         "        \"\"\"x [N, T, F] → (every h [N, T, H], the last h [1, N, H]).\"\"\"\n"
         "        units = self.hidden_size\n"
         "        w_rz, w_n = self.weight_hh_l0.split([2 * units, units])\n"
         "        b_rz, b_n = self.bias_hh_l0.split([2 * units, units])\n"
         "        inputs = F.linear(x, self.weight_ih_l0, self.bias_ih_l0)  # all steps at once\n"
         "        h = x.new_zeros(x.shape[0], units)\n"
         "        steps = []\n"
         "        for t in range(x.shape[1]):\n"
         "            i_r, i_z, i_n = inputs[:, t].split(units, 1)\n"
         "            h_r, h_z = F.linear(h, w_rz, b_rz).split(units, 1)\n"
         "            r = torch.sigmoid(i_r + h_r)\n"
         "            z = torch.sigmoid(i_z + h_z)\n"
         "            n = torch.tanh(i_n + F.linear(r * h, w_n, b_n))\n"
         "            h = (1 - z) * n + z * h\n"
         "            steps.append(h)\n"
         "        return torch.stack(steps, 1), h.unsqueeze(0)\n");
  if (e->uses_resize)
    g_string_append (
      s, "\n\nclass Resize2d(nn.Module):\n"
         "    \"\"\"Layerlab's Resize2D in the forms F.interpolate does not have (ONNX's other\n"
         "    coordinate modes and roundings, another cubic coefficient, exclude_outside):\n"
         "    the interpolation weights of each axis as a matrix, applied to the rows and\n"
         "    the columns. A scale of 0 means the size alone places the pixels.\"\"\"\n\n"
         "    def __init__(self, in_size, out_size, scales, mode, coordinates, rounding, a,\n"
         "                 exclude_outside):\n"
         "        super().__init__()\n"
         "        for name, n, m, s in zip(('rows', 'cols'), in_size, out_size, scales):\n"
         "            weights = self.weights(n, m, s, mode, coordinates, rounding, a,\n"
         "                                   exclude_outside)\n"
         "            self.register_buffer(name, weights, persistent=False)\n\n"
         "    @staticmethod\n"
         "    def position(o, n, m, s, coordinates):\n"
         "        \"\"\"Where output index o of m falls in an input of n.\"\"\"\n"
         "        c = o + 0.5\n"
         "        if coordinates == 'align_corners':\n"
         "            length = n * s if s else m\n"
         "            return o * (n - 1) / (length - 1) if length > 1 else 0.0\n"
         "        if coordinates == 'asymmetric':\n"
         "            return o / s if s else o * n / m\n"
         "        if coordinates == 'tf_half_pixel_for_nn':\n"
         "            return c / s if s else c * n / m\n"
         "        if coordinates == 'pytorch_half_pixel' and m <= 1:\n"
         "            return 0.0\n"
         "        return c / s - 0.5 if s else c * n / m - 0.5\n\n"
         "    @classmethod\n"
         "    def weights(cls, n, m, s, mode, coordinates, rounding, a, exclude_outside):\n"
         "        w = torch.zeros(m, n, dtype=torch.float64)\n"
         "        for o in range(m):\n"
         "            x = cls.position(o, n, m, s, coordinates)\n"
         "            f = math.floor(x)\n"
         "            r = x - f\n"
         "            if mode == 'nearest':\n"
         "                i = {'round_prefer_floor': f + (r > 0.5), 'round_prefer_ceil': f + (r >= "
         "0.5),\n"
         "                     'floor': f, 'ceil': math.ceil(x)}[rounding]\n"
         "                taps = [(i, 1.0)]\n"
         "            elif mode == 'bilinear':\n"
         "                taps = [(f, 1.0 - r), (f + 1, r)]\n"
         "            else:\n"
         "                t = 1.0 - r\n"
         "                k = [((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,\n"
         "                     ((a + 2) * r - (a + 3)) * r * r + 1,\n"
         "                     ((a + 2) * t - (a + 3)) * t * t + 1,\n"
         "                     ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a]\n"
         "                if exclude_outside:\n"
         "                    k = [v if 0 <= f - 1 + j < n else 0.0 for j, v in enumerate(k)]\n"
         "                    total = sum(k)\n"
         "                    k = [v / total for v in k] if total else k\n"
         "                taps = [(f - 1 + j, v) for j, v in enumerate(k)]\n"
         "            for i, v in taps:  # the border repeats\n"
         "                w[o, min(max(i, 0), n - 1)] += v\n"
         "        return w.float()\n\n"
         "    def forward(self, x):\n"
         "        return torch.einsum('oh,nchw,pw->ncop', self.rows, x, self.cols)\n");
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
      append_py_string (s, g_ptr_array_index (e->decayed, i));
    }
  g_string_append (s, e->decayed->len == 0 ? "}  # none\n" : "}\n");
  g_string_append_printf (s, "\n    def __init__(self):\n        super().__init__()\n%s",
                          init->str);
  g_string_append_printf (s, "\n    def forward(self, %s%s):\n%s        return %s\n",
                          e->input->ident, e->final_softmax ? ", logits=False" : "", forward->str,
                          e->output->ident);
  return TRUE;
}

/* --- Weights ----------------------------------------------------------- */

static char *
floats_base64 (const float *v, gsize n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &v[i], sizeof bits);
      le[i] = GUINT32_TO_LE (bits);
    }
  return g_base64_encode ((const guchar *) le, n * sizeof (guint32));
}

static void
add_tensor (JsonBuilder *b, const char *key, const nn_shape *shape, const float *data)
{
  g_autofree char *text = floats_base64 (data, nn_shape_size (shape));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  for (int i = 0; i < shape->rank; i++)
    json_builder_add_int_value (b, shape->dim[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
}

/* Every weight tensor under its torch key, checked against the shape the
 * layer has now (a graph edited after training no longer fits them). */
static JsonNode *
weights_json (exporter *e, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const GPtrArray *state = e->p->state;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "layerlab-pytorch-weights");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "tensors");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->p->weights->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (e->p->weights, i);
      ex_node *x = g_hash_table_lookup (e->by_id, GINT_TO_POINTER (t->node_id));
      nn_weight_info info[NN_MAX_WEIGHTS];
      int n = 0, k;
      g_autofree char *key = NULL;

      if (x != NULL && x->node->desc.ops->weights != NULL)
        n = x->node->desc.ops->weights (&x->node->desc, x->in, &x->out, info);
      for (k = 0; k < n && strcmp (info[k].name, t->name) != 0; k++)
        ;
      if (k == n || !nn_shape_equal (&info[k].shape, &t->shape))
        {
          g_autofree char *got = nn_shape_to_string (&t->shape);

          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("The trained weight “%s” (%s) of node %d does not fit the model any "
                          "more: train the project again before exporting it"),
                       t->name, got, t->node_id);
          return NULL;
        }
      key = torch_key (x, t->name);
      add_tensor (b, key, &t->shape, t->data);
    }
  for (guint i = 0; state != NULL && i < state->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (state, i);
      ex_node *x = g_hash_table_lookup (e->by_id, GINT_TO_POINTER (t->node_id));
      nn_shape half;
      g_autofree char *mean_key = NULL, *var_key = NULL;

      /* BatchNorm's state is its running mean followed by its running
       * variance; no other layer keeps state. */
      if (x == NULL || !is_kind (x, "batchnorm") || t->shape.rank != 1 ||
          t->shape.dim[0] != 2 * x->in[0].dim[0])
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("The saved state of node %d does not fit the model any more: train "
                          "the project again before exporting it"),
                       t->node_id);
          return NULL;
        }
      half = nn_shape_1d (t->shape.dim[0] / 2);
      mean_key = g_strdup_printf ("%s.running_mean", x->ident);
      var_key = g_strdup_printf ("%s.running_var", x->ident);
      add_tensor (b, mean_key, &half, t->data);
      add_tensor (b, var_key, &half, t->data + half.dim[0]);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- Data -------------------------------------------------------------- */

/* The data as the trainer saw it: opened from the project's spec and
 * options, cleaned by the project's preparation steps, missing values left
 * after them imputed by the mean as layerlab-cli does, split
 * with the project's fractions and seed, normalised with the project's
 * statistics (or, untrained, fitted on the training part as the trainer
 * would). */
static nn_dataset *
open_data (exporter *e, nn_split *split, GError **error)
{
  const nn_project *p = e->p;
  g_autoptr (nn_dataset) ds = NULL;
  gsize size;

  if (p->data_spec == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("The project has no dataset: choose one and train it before exporting it "
                      "to PyTorch"));
      return NULL;
    }
  ds = nn_dataset_open (p->data_spec, &p->data_options, NULL, NULL, NULL, error);
  if (ds == NULL)
    return NULL;
  /* the project's own cleaning first, then what the CLI does with gaps left */
  if (!nn_project_prepare (p, ds, NULL, error))
    return NULL;
  if (ds->quality.missing_values > 0)
    g_free (nn_dataset_impute (ds, NN_IMPUTE_MEAN));
  size = nn_dataset_input_size (ds);
  if (size != nn_shape_size (&e->input->out))
    {
      g_autofree char *model = nn_shape_to_string (&e->input->out);
      g_autofree char *data = nn_shape_to_string (&ds->input_shape);

      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%s takes %s values per sample, but the samples of %s are %s"),
                   e->input->label, model, p->data_spec, data);
      return NULL;
    }
  if (!nn_split_make (ds, p->config.val_fraction, p->config.test_fraction, p->config.seed, split,
                      error))
    return NULL;
  if (ds->store == NN_STORE_F32)
    {
      if (p->norm_size == (int) size)
        {
          g_free (ds->mean);
          g_free (ds->inv_std);
          ds->mean = g_memdup2 (p->norm_mean, sizeof (float) * size);
          ds->inv_std = g_memdup2 (p->norm_inv_std, sizeof (float) * size);
        }
      else
        nn_dataset_fit_normalisation (ds, split->train, split->n_train);
    }
  return g_steal_pointer (&ds);
}

static void
add_indices (JsonBuilder *b, const char *name, const int *idx, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_int_value (b, idx[i]);
  json_builder_end_array (b);
}

/* Appends one array (little-endian) to bin and describes it in b. */
static void
add_array (JsonBuilder *b, GByteArray *bin, const char *name, const char *dtype, const void *data,
           gsize count, gsize item)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dtype");
  json_builder_add_string_value (b, dtype);
  json_builder_set_member_name (b, "offset");
  json_builder_add_int_value (b, bin->len);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) count);
  json_builder_end_object (b);
  for (gsize i = 0; i < count; i++)
    {
      guint8 v[4];
      memcpy (v, (const guint8 *) data + i * item, item);
#if G_BYTE_ORDER == G_BIG_ENDIAN
      for (gsize k = 0; k < item / 2; k++)
        {
          guint8 tmp = v[k];
          v[k] = v[item - 1 - k];
          v[item - 1 - k] = tmp;
        }
#endif
      g_byte_array_append (bin, v, item);
    }
}

/* The data description (and, for sources other than Fashion-MNIST, the
 * samples in bin). */
static JsonNode *
data_json (exporter *e, const nn_dataset *ds, const nn_split *split, const char *bin_name,
           GByteArray *bin)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  /* The whole of Fashion-MNIST the script reads from Debian's files; a
   * limited one is a seeded sample of them, written out like other data. */
  gboolean fashion = strcmp (ds->spec, "fashion-mnist") == 0 && e->p->data_options.limit <= 0;
  gsize size = nn_dataset_input_size (ds), n = (gsize) ds->n_samples;
  static const char *const stores[] = {
    [NN_STORE_U8] = "u8",
    [NN_STORE_F32] = "f32",
    [NN_STORE_TOKENS] = "tokens",
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "layerlab-pytorch-data");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "spec");
  json_builder_add_string_value (b, ds->spec);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ds->name);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, ds->task == NN_TASK_CLASSIFY ? "classify" : "regress");
  json_builder_set_member_name (b, "store");
  json_builder_add_string_value (b, stores[ds->store]);
  json_builder_set_member_name (b, "input_shape");
  json_builder_begin_array (b);
  for (int i = 0; i < ds->input_shape.rank; i++)
    json_builder_add_int_value (b, ds->input_shape.dim[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "n_samples");
  json_builder_add_int_value (b, ds->n_samples);
  if (ds->class_names != NULL)
    {
      json_builder_set_member_name (b, "class_names");
      json_builder_begin_array (b);
      for (int i = 0; ds->class_names[i] != NULL; i++)
        json_builder_add_string_value (b, ds->class_names[i]);
      json_builder_end_array (b);
    }
  if (ds->vocab != NULL)
    {
      /* so that a user can encode new text the way the model learnt it */
      json_builder_set_member_name (b, "vocab");
      json_builder_begin_array (b);
      for (int i = 0; ds->vocab[i] != NULL; i++)
        json_builder_add_string_value (b, ds->vocab[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "normalisation");
  if (ds->store == NN_STORE_F32 && ds->mean != NULL)
    {
      g_autofree char *mean = floats_base64 (ds->mean, size);
      g_autofree char *inv_std = floats_base64 (ds->inv_std, size);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "mean");
      json_builder_add_string_value (b, mean);
      json_builder_set_member_name (b, "inv_std");
      json_builder_add_string_value (b, inv_std);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "source");
  if (fashion)
    {
      json_builder_add_string_value (b, "fashion-mnist");
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, nn_fashion_mnist_dir ());
    }
  else
    {
      json_builder_add_string_value (b, "arrays");
      json_builder_set_member_name (b, "arrays");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, bin_name);
      if (ds->store == NN_STORE_U8)
        add_array (b, bin, "inputs", "uint8", ds->u8, n * size, 1);
      else if (ds->store == NN_STORE_F32)
        add_array (b, bin, "inputs", "float32", ds->f32, n * size, 4);
      else
        add_array (b, bin, "inputs", "int32", ds->tokens, n * size, 4);
      if (ds->task == NN_TASK_CLASSIFY)
        add_array (b, bin, "labels", "int32", ds->labels, n, 4);
      else if (ds->targets != NULL)
        add_array (b, bin, "targets", "float32", ds->targets, n * ds->target_size, 4);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "split");
  json_builder_begin_object (b);
  add_indices (b, "train", split->train, split->n_train);
  add_indices (b, "validation", split->val, split->n_val);
  add_indices (b, "test", split->test, split->n_test);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- The script -------------------------------------------------------- */

/* Everything after the Model class; it reads the constants written above
 * it (CONFIG, INPUT_SHAPE, MODE, CLASSIFY, LOSS, THRESHOLD, FUSED,
 * HAS_BATCHNORM, HERE, WEIGHTS, DATA). */
static const char runtime[] =
#include "pytorch-runtime.inc"
  ;

static void
write_header (exporter *e, GString *s, const char *script, const char *weights, const char *data,
              const char *bin, const nn_dataset *ds)
{
  const nn_trainer_config *c = &e->p->config;
  gboolean classify = c->mode == NN_MODE_SUPERVISED && ds->task == NN_TASK_CLASSIFY;
  g_autoptr (GString) files = g_string_new (NULL);
  int width;

  /* a column of names, then what each holds */
  width = (int) MAX (strlen (data), MAX (weights ? strlen (weights) : 0, bin ? strlen (bin) : 0));
  if (weights != NULL)
    g_string_append_printf (
      files, "\n    %-*s  the trained weights, keyed as in model.state_dict()", width, weights);
  g_string_append_printf (files, "\n    %-*s  the data (%s) and Layerlab's split of it", width,
                          data, ds->spec);
  if (bin != NULL)
    g_string_append_printf (files, "\n    %-*s  the samples, prepared as Layerlab reads them",
                            width, bin);

  g_string_append_printf (s,
                          "#!/usr/bin/env python3\n"
                          "\"\"\"%s — a Layerlab model rebuilt in PyTorch.\n"
                          "\n"
                          "Layerlab exported it with these files beside it:%s\n"
                          "\n"
                          "It trains and tests on the same training, validation and test\n"
                          "parts as Layerlab did. Only Python 3 and torch are needed:\n"
                          "\n"
                          "    python3 %s                  # evaluate on the test part\n"
                          "    python3 %s --epochs 5       # train 5 more epochs, then evaluate\n"
                          "    python3 %s --device cuda --batch 256 --lr 0.0005 --save trained.pt\n"
                          "\n"
                          "Training prints one JSON line per epoch; the last line is always\n"
                          "{\"test_loss\": ..., \"test_accuracy\": ...}.\n"
                          "\"\"\"\n"
                          "import argparse\n"
                          "import array\n"
                          "import base64\n"
                          "import copy\n"
                          "import gzip\n"
                          "import json\n"
                          "import math\n"
                          "import os\n"
                          "import struct\n"
                          "import sys\n"
                          "\n"
                          "import torch\n"
                          "import torch.nn as nn\n"
                          "import torch.nn.functional as F\n"
                          "\n"
                          "HERE = os.path.dirname(os.path.abspath(__file__))\n",
                          script, files->str, script, script, script);
  if (weights != NULL)
    {
      g_string_append (s, "WEIGHTS = os.path.join(HERE, ");
      append_py_string (s, weights);
      g_string_append (s, ")\n");
    }
  else
    g_string_append (s, "WEIGHTS = None  # the project was exported before training\n");
  g_string_append (s, "DATA = os.path.join(HERE, ");
  append_py_string (s, data);
  g_string_append (s, ")\n\n# The project's training settings; --lr and --batch override them.\n"
                      "CONFIG = {\n    'optimizer': ");
  append_py_string (s, nn_optimizer_id (c->optimizer));
  g_string_append (s, ", 'lr': ");
  append_number (s, c->lr);
  g_string_append (s, ", 'momentum': ");
  append_number (s, c->momentum);
  g_string_append_printf (
    s, ", 'nesterov': %s,\n    'weight_decay': ", c->nesterov ? "True" : "False");
  append_number (s, c->weight_decay);
  g_string_append (s, ", 'schedule': ");
  append_py_string (s, nn_schedule_id (c->schedule));
  g_string_append_printf (s, ", 'step_size': %d, 'gamma': ", c->step_size);
  append_number (s, c->gamma);
  g_string_append_printf (s, ",\n    'batch': %d, 'clip_norm': ", c->batch);
  append_number (s, c->clip_norm);
  g_string_append_printf (s,
                          ", 'patience': %d, 'seed': %" PRIu64 ",\n"
                          "    'samples_per_epoch': %d,  # 0: every training sample each epoch\n"
                          "}\n",
                          c->patience, c->seed, c->limit);
  g_string_append (s, "LOSS = ");
  append_py_string (s, nn_loss_id (c->loss));
  g_string_append_printf (
    s,
    "\nMODE = '%s'  # supervised: the data's targets; autoencoder: the input itself\n"
    "CLASSIFY = %s  # targets are class indices (else values)\n"
    "THRESHOLD = %s  # a single output means class 1 above this\n"
    "FUSED = %s  # the loss reads the logits under the final Softmax\n"
    "HAS_BATCHNORM = %s\n"
    "INPUT_SHAPE = ",
    c->mode == NN_MODE_AUTOENCODER ? "autoencoder" : "supervised", classify ? "True" : "False",
    c->loss == NN_LOSS_BCE ? "0.0" : "0.5",
    e->final_softmax && c->loss == NN_LOSS_CROSS_ENTROPY ? "True" : "False",
    e->has_batchnorm ? "True" : "False");
  append_shape_tuple (s, &e->input->out);
  g_string_append (s, "  # one sample as the Input layer takes it\n");
}

static gboolean
write_file (const char *path, const char *data, gsize length, int mode, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot write %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_json (const char *path, JsonNode *root, GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  return write_file (path, text, length, 0644, error);
}

gboolean
nn_pytorch_export (const nn_project *p, const char *script_path, GError **error)
{
  exporter e = { .p = p };
  g_autofree char *dir = g_path_get_dirname (script_path);
  g_autofree char *script = g_path_get_basename (script_path);
  g_autofree char *stem =
    g_str_has_suffix (script, ".py") ? g_strndup (script, strlen (script) - 3) : g_strdup (script);
  g_autofree char *weights_name = g_strconcat (stem, ".weights.json", NULL);
  g_autofree char *data_name = g_strconcat (stem, ".data.json", NULL);
  g_autofree char *bin_name = g_strconcat (stem, ".data.bin", NULL);
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (JsonNode) weights = NULL;
  g_autoptr (JsonNode) data = NULL;
  nn_split split = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (p != NULL && script_path != NULL, FALSE);

  e.order = g_ptr_array_new_with_free_func (ex_node_free);
  e.by_id = g_hash_table_new (NULL, NULL);
  e.decayed = g_ptr_array_new_with_free_func (g_free);

  if (p->config.mode == NN_MODE_GAN)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("A GAN cannot be exported to PyTorch: only supervised models and "
                      "autoencoders can"));
      goto out;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO,
                   _ ("Cannot write %s: the folder %s does not exist"), script_path, dir);
      goto out;
    }
  if (!order_graph (&e, error))
    goto out;
  /* the model first: an unsupported layer is the likelier problem, and
   * finding it costs nothing while the data may take seconds to load */
  if (!write_model (&e, s, error))
    goto out;
  if (p->weights != NULL && (weights = weights_json (&e, error)) == NULL)
    goto out;
  if ((ds = open_data (&e, &split, error)) == NULL)
    goto out;
  data = data_json (&e, ds, &split, bin_name, bin);

  {
    g_autoptr (GString) whole = g_string_new (NULL);
    g_autofree char *weights_path = g_build_filename (dir, weights_name, NULL);
    g_autofree char *data_path = g_build_filename (dir, data_name, NULL);
    g_autofree char *bin_path = g_build_filename (dir, bin_name, NULL);

    write_header (&e, whole, script, weights != NULL ? weights_name : NULL, data_name,
                  bin->len > 0 ? bin_name : NULL, ds);
    g_string_append (whole, s->str);
    g_string_append (whole, runtime);
    ok =
      (weights == NULL || write_json (weights_path, weights, error)) &&
      write_json (data_path, data, error) &&
      (bin->len == 0 || write_file (bin_path, (const char *) bin->data, bin->len, 0644, error)) &&
      write_file (script_path, whole->str, whole->len, 0755, error);
  }

out:
  nn_split_clear (&split);
  g_ptr_array_unref (e.decayed);
  g_hash_table_unref (e.by_id);
  g_ptr_array_unref (e.order);
  return ok;
}
