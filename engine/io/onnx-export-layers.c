/* onnx-export-layers.c — one Layerlab layer as one or a few ONNX nodes;
 * the image layers are in onnx-export-image.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "onnx-export-private.h"

double
_onnx_write_param (const onnx_layer *l, const char *id)
{
  return nn_layer_desc_get (&l->node->desc, id);
}

const char *
_onnx_write_tmp_name (onnx_exporter *ex, const onnx_layer *l, const char *what)
{
  return _onnx_write_printf (ex, "%s/%s", l->node->name, what);
}

static void
export_dense (onnx_exporter *ex, const onnx_layer *l)
{
  const char *x = l->in[0];
  const char *w = _onnx_write_weight (ex, l->node, "weight");
  const char *b = _onnx_write_weight (ex, l->node, "bias");
  Onnx__NodeProto *n;

  /* Dense reads any input as one vector per sample; Gemm needs [N, F]. */
  if (l->in_shape[0].rank != 1)
    {
      const char *flat = _onnx_write_tmp_name (ex, l, "flatten");
      n = _onnx_write_op (ex, "Flatten", flat, (const char *[]){ x, NULL }, flat);
      _onnx_write_attr_int (ex, n, "axis", 1);
      x = flat;
    }
  n = _onnx_write_op (ex, "Gemm", l->node->name, (const char *[]){ x, w, b, NULL }, l->out);
  _onnx_write_attr_int (ex, n, "transB", 1);
}

static void
export_flatten (onnx_exporter *ex, const onnx_layer *l, const char *name, const char *x)
{
  Onnx__NodeProto *n = _onnx_write_op (ex, "Flatten", name, (const char *[]){ x, NULL }, l->out);

  _onnx_write_attr_int (ex, n, "axis", 1);
}

static void
export_reshape (onnx_exporter *ex, const onnx_layer *l)
{
  gint64 shape[NN_MAX_DIMS + 1] = { -1 };
  const char *target;

  for (int i = 0; i < l->out_shape->rank; i++)
    shape[1 + i] = l->out_shape->dim[i];
  target = _onnx_write_ints (ex, _onnx_write_kept_printf (ex, "%s.shape", l->node->name), shape,
                             1 + l->out_shape->rank);
  _onnx_write_op (ex, "Reshape", l->node->name, (const char *[]){ l->in[0], target, NULL }, l->out);
}

static void
export_batchnorm (onnx_exporter *ex, const onnx_layer *l)
{
  const int ch = l->in_shape[0].dim[0];
  const gint64 dims[] = { ch };
  gsize n_state;
  const float *state = nn_model_node_state (ex->model, l->node->id, &n_state);
  g_autofree char *mean_name = g_strdup_printf ("%s.running_mean", l->node->name);
  g_autofree char *var_name = g_strdup_printf ("%s.running_var", l->node->name);
  const char *gamma = _onnx_write_weight (ex, l->node, "gamma");
  const char *beta = _onnx_write_weight (ex, l->node, "beta");
  const char *mean = _onnx_write_floats (ex, mean_name, dims, 1, state);
  const char *var = _onnx_write_floats (ex, var_name, dims, 1, state + ch);
  Onnx__NodeProto *n =
    _onnx_write_op (ex, "BatchNormalization", l->node->name,
                    (const char *[]){ l->in[0], gamma, beta, mean, var, NULL }, l->out);

  g_assert (n_state == 2 * (gsize) ch);
  _onnx_write_attr_float (ex, n, "epsilon", (float) _onnx_write_param (l, "eps"));
}

/* GELU has no operator before opset 20: its exact form through Erf. */
static void
export_gelu (onnx_exporter *ex, const onnx_layer *l)
{
  const char *x = l->in[0];
  const char *scaled = _onnx_write_tmp_name (ex, l, "div");
  const char *erf = _onnx_write_tmp_name (ex, l, "erf");
  const char *plus = _onnx_write_tmp_name (ex, l, "add");
  const char *times = _onnx_write_tmp_name (ex, l, "mul");

  _onnx_write_op (ex, "Div", scaled,
                  (const char *[]){ x, _onnx_write_scalar (ex, (float) G_SQRT2), NULL }, scaled);
  _onnx_write_op (ex, "Erf", erf, (const char *[]){ scaled, NULL }, erf);
  _onnx_write_op (ex, "Add", plus, (const char *[]){ erf, _onnx_write_scalar (ex, 1.0f), NULL },
                  plus);
  _onnx_write_op (ex, "Mul", times, (const char *[]){ x, plus, NULL }, times);
  _onnx_write_op (ex, "Mul", l->node->name,
                  (const char *[]){ times, _onnx_write_scalar (ex, 0.5f), NULL }, l->out);
}

/* As embedding.c: ids are rounded and an id outside the table reads the
 * unknown token's row 1, so any input gives an output, as in the engine. */
static void
export_embedding (onnx_exporter *ex, const onnx_layer *l)
{
  const float vocab = (float) _onnx_write_param (l, "input_dim");
  const char *w = _onnx_write_weight (ex, l->node, "weight");
  const char *round = _onnx_write_tmp_name (ex, l, "round");
  const char *ge = _onnx_write_tmp_name (ex, l, "ge");
  const char *lt = _onnx_write_tmp_name (ex, l, "lt");
  const char *ok = _onnx_write_tmp_name (ex, l, "in_table");
  const char *ids = _onnx_write_tmp_name (ex, l, "ids");
  const char *ids64 = _onnx_write_tmp_name (ex, l, "ids_int64");
  Onnx__NodeProto *n;

  _onnx_write_op (ex, "Round", round, (const char *[]){ l->in[0], NULL }, round);
  _onnx_write_op (ex, "GreaterOrEqual", ge,
                  (const char *[]){ round, _onnx_write_scalar (ex, 0.0f), NULL }, ge);
  _onnx_write_op (ex, "Less", lt, (const char *[]){ round, _onnx_write_scalar (ex, vocab), NULL },
                  lt);
  _onnx_write_op (ex, "And", ok, (const char *[]){ ge, lt, NULL }, ok);
  _onnx_write_op (ex, "Where", ids,
                  (const char *[]){ ok, round, _onnx_write_scalar (ex, 1.0f), NULL }, ids);
  n = _onnx_write_op (ex, "Cast", ids64, (const char *[]){ ids, NULL }, ids64);
  _onnx_write_attr_int (ex, n, "to", ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
  n = _onnx_write_op (ex, "Gather", l->node->name, (const char *[]){ w, ids64, NULL }, l->out);
  _onnx_write_attr_int (ex, n, "axis", 0);
}

/* Blocks of H rows of a [G·H, cols] matrix (or [G·H] vector, cols 1) from
 * PyTorch's gate order into ONNX's: dst block i = src block order[i]. */
static void
reorder_gates (float *dst, const float *src, const int *order, int G, int H, int cols)
{
  const gsize block = (gsize) H * cols;

  for (int i = 0; i < G; i++)
    memcpy (dst + i * block, src + order[i] * block, sizeof (float) * block);
}

static void
export_recurrent (onnx_exporter *ex, const onnx_layer *l, const char *op, int G)
{
  /* ONNX stacks LSTM gates i, o, f, c and GRU gates z, r, h; PyTorch (and
   * recurrent.c) i, f, g, o and r, z, n. */
  static const int lstm_order[] = { 0, 3, 1, 2 }, gru_order[] = { 1, 0, 2 }, rnn_order[] = { 0 };
  const int *order = G == 4 ? lstm_order : G == 3 ? gru_order : rnn_order;
  const int F = l->in_shape[0].dim[1];
  const int H = (int) _onnx_write_param (l, "units"), GH = G * H;
  const gboolean seq = _onnx_write_param (l, "return_sequences") != 0.0;
  const float *w_ih = _onnx_write_node_weight (ex, l->node, "weight_ih", NULL);
  const float *w_hh = _onnx_write_node_weight (ex, l->node, "weight_hh", NULL);
  const float *b_ih = _onnx_write_node_weight (ex, l->node, "bias_ih", NULL);
  const float *b_hh = _onnx_write_node_weight (ex, l->node, "bias_hh", NULL);
  g_autofree float *W = g_new (float, (gsize) GH *F);
  g_autofree float *R = g_new (float, (gsize) GH *H);
  g_autofree float *B = g_new (float, (gsize) 2 * GH);
  const gint64 w_dims[] = { 1, GH, F }, r_dims[] = { 1, GH, H }, b_dims[] = { 1, 2 * GH };
  const gint64 perm[] = { 1, 0, 2 };
  const char *x_t = _onnx_write_tmp_name (ex, l, "seq_major");
  const char *y = _onnx_write_tmp_name (ex, l, "Y");
  const char *y_h = _onnx_write_tmp_name (ex, l, "Y_h");
  const char *w, *r, *b;
  Onnx__NodeProto *n;

  reorder_gates (W, w_ih, order, G, H, F);
  reorder_gates (R, w_hh, order, G, H, H);
  reorder_gates (B, b_ih, order, G, H, 1);
  reorder_gates (B + GH, b_hh, order, G, H, 1);
  w = _onnx_write_floats (ex, _onnx_write_kept_printf (ex, "%s.W", l->node->name), w_dims, 3, W);
  r = _onnx_write_floats (ex, _onnx_write_kept_printf (ex, "%s.R", l->node->name), r_dims, 3, R);
  b = _onnx_write_floats (ex, _onnx_write_kept_printf (ex, "%s.B", l->node->name), b_dims, 2, B);

  /* The engine's sequences are batch-major, ONNX's recurrent operators
   * (before opset 14's layout) sequence-major. */
  n = _onnx_write_op (ex, "Transpose", x_t, (const char *[]){ l->in[0], NULL }, x_t);
  _onnx_write_attr_ints (ex, n, "perm", perm, 3);
  n = _onnx_write_node (ex, op, l->node->name, (const char *[]){ x_t, w, r, b, NULL },
                        (const char *[]){ seq ? y : "", seq ? "" : y_h, NULL });
  _onnx_write_attr_int (ex, n, "hidden_size", H);
  /* 0, the original GRU, is ONNX's default, but runtimes differ on
   * whether they support it, so it is written either way */
  if (G == 3)
    _onnx_write_attr_int (ex, n, "linear_before_reset",
                          _onnx_write_param (l, "reset_after") != 0.0);

  if (seq)
    {
      const gint64 axis[] = { 1 };
      const char *squeezed = _onnx_write_tmp_name (ex, l, "squeeze");
      const char *axes = _onnx_write_ints (
        ex, _onnx_write_kept_printf (ex, "%s.squeeze_axes", l->node->name), axis, 1);

      /* Y is [T, directions, N, H] */
      _onnx_write_op (ex, "Squeeze", squeezed, (const char *[]){ y, axes, NULL }, squeezed);
      n = _onnx_write_op (ex, "Transpose", _onnx_write_tmp_name (ex, l, "batch_major"),
                          (const char *[]){ squeezed, NULL }, l->out);
      _onnx_write_attr_ints (ex, n, "perm", perm, 3);
    }
  else
    {
      const gint64 axis[] = { 0 };
      const char *axes = _onnx_write_ints (
        ex, _onnx_write_kept_printf (ex, "%s.squeeze_axes", l->node->name), axis, 1);

      /* Y_h is [directions, N, H] */
      _onnx_write_op (ex, "Squeeze", _onnx_write_tmp_name (ex, l, "last"),
                      (const char *[]){ y_h, axes, NULL }, l->out);
    }
}

gboolean
_onnx_write_layer (onnx_exporter *ex, const onnx_layer *l, GError **error)
{
  const char *id = l->node->desc.ops->id;
  const char *name = l->node->name;
  const char *const *in = l->in;
  Onnx__NodeProto *n;

  if (g_str_equal (id, "dense"))
    export_dense (ex, l);
  else if (g_str_equal (id, "conv2d"))
    _onnx_write_conv (ex, l, FALSE);
  else if (g_str_equal (id, "conv2d_transpose"))
    _onnx_write_conv (ex, l, TRUE);
  else if (g_str_equal (id, "maxpool2d"))
    return _onnx_write_pool (ex, l, "MaxPool", error);
  else if (g_str_equal (id, "avgpool2d"))
    return _onnx_write_pool (ex, l, "AveragePool", error);
  else if (g_str_equal (id, "globalavgpool2d"))
    {
      const char *pooled = _onnx_write_tmp_name (ex, l, "pool");

      _onnx_write_op (ex, "GlobalAveragePool", pooled, (const char *[]){ in[0], NULL }, pooled);
      export_flatten (ex, l, name, pooled);
    }
  else if (g_str_equal (id, "flatten"))
    export_flatten (ex, l, name, in[0]);
  else if (g_str_equal (id, "reshape"))
    export_reshape (ex, l);
  else if (g_str_equal (id, "dropout"))
    _onnx_write_op (ex, "Identity", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "batchnorm"))
    export_batchnorm (ex, l);
  else if (g_str_equal (id, "relu"))
    _onnx_write_op (ex, "Relu", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "sigmoid"))
    _onnx_write_op (ex, "Sigmoid", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "tanh"))
    _onnx_write_op (ex, "Tanh", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "leaky_relu"))
    {
      n = _onnx_write_op (ex, "LeakyRelu", name, (const char *[]){ in[0], NULL }, l->out);
      _onnx_write_attr_float (ex, n, "alpha", (float) _onnx_write_param (l, "slope"));
    }
  else if (g_str_equal (id, "elu"))
    {
      n = _onnx_write_op (ex, "Elu", name, (const char *[]){ in[0], NULL }, l->out);
      _onnx_write_attr_float (ex, n, "alpha", (float) _onnx_write_param (l, "alpha"));
    }
  else if (g_str_equal (id, "gelu"))
    export_gelu (ex, l);
  else if (g_str_equal (id, "softmax"))
    {
      n = _onnx_write_op (ex, "Softmax", name, (const char *[]){ in[0], NULL }, l->out);
      _onnx_write_attr_int (ex, n, "axis", -1);
    }
  else if (g_str_equal (id, "add"))
    _onnx_write_op (ex, l->node->n_inputs == 2 ? "Add" : "Sum", name, in, l->out);
  else if (g_str_equal (id, "concatenate"))
    {
      /* as merge.c: channels of an image, the last axis otherwise */
      const nn_shape *s = &l->in_shape[0];
      n = _onnx_write_op (ex, "Concat", name, in, l->out);
      _onnx_write_attr_int (ex, n, "axis", s->rank == 3 ? 1 : s->rank);
    }
  else if (g_str_equal (id, "embedding"))
    export_embedding (ex, l);
  else if (g_str_equal (id, "simple_rnn"))
    export_recurrent (ex, l, "RNN", 1);
  else if (g_str_equal (id, "lstm"))
    export_recurrent (ex, l, "LSTM", 4);
  else if (g_str_equal (id, "gru"))
    export_recurrent (ex, l, "GRU", 3);
  else if (g_str_equal (id, "upsampling2d"))
    _onnx_write_upsampling (ex, l);
  else if (g_str_equal (id, "resize2d"))
    _onnx_write_resize (ex, l);
  else if (g_str_equal (id, "pixel_shuffle"))
    _onnx_write_pixel_shuffle (ex, l);
  else
    {
      g_autofree char *label = nn_graph_node_label (l->node);
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s cannot be written as ONNX: Layerlab knows no ONNX operator for it"),
                   label);
      return FALSE;
    }
  return TRUE;
}
