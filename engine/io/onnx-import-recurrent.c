/* onnx-import-recurrent.c — ONNX's RNN, GRU and LSTM operators → Layerlab's
 * simple_rnn, gru and lstm layers: reorders the gates into PyTorch's order
 * and refuses every attribute (direction, clip, peepholes, custom
 * activations) whose numbers Layerlab's layers would not reproduce. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

static gboolean
default_activations (onnx_importer *im, const char *const *expected)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, "activations");

  if (a == NULL)
    return TRUE;
  if (a->n_strings != g_strv_length ((char **) expected))
    return FALSE;
  for (gsize i = 0; i < a->n_strings; i++)
    if (g_ascii_strncasecmp ((const char *) a->strings[i].data, expected[i], a->strings[i].len) !=
          0 ||
        strlen (expected[i]) != a->strings[i].len)
      return FALSE;
  return TRUE;
}

gboolean
_onnx_map_recurrent (onnx_importer *im, GError **error)
{
  const char *op = im->node->op_type;
  const gboolean lstm = g_str_equal (op, "LSTM"), gru = g_str_equal (op, "GRU");
  static const int lstm_gates[] = { 0, 2, 3, 1 }; /* ours i f g o ← ONNX i o f c */
  static const int gru_gates[] = { 1, 0, 2 };     /* ours r z n ← ONNX z r h */
  static const int rnn_gates[] = { 0 };
  static const char *const lstm_act[] = { "Sigmoid", "Tanh", "Tanh", NULL };
  static const char *const gru_act[] = { "Sigmoid", "Tanh", NULL };
  static const char *const rnn_act[] = { "Tanh", NULL };
  static const char *const ids[] = { "units", "return_sequences", NULL };
  static const char *const gru_ids[] = { "units", "return_sequences", "reset_after", NULL };
  const gint64 lbr = gru ? _onnx_attr_int (im, "linear_before_reset", 0) : 1;
  const int *gates = lstm ? lstm_gates : gru ? gru_gates : rnn_gates;
  const int G = lstm ? 4 : gru ? 3 : 1;
  const int layout = (int) _onnx_attr_int (im, "layout", 0);
  onnx_value *x = _onnx_runtime_input (im, 0, error), *w, *r, *b = _onnx_input (im, 3);
  g_autofree char *direction = _onnx_attr_string (im, "direction", "forward");
  g_autofree float *wih = NULL, *whh = NULL, *bih = NULL, *bhh = NULL;
  gboolean want_y = _onnx_output_used (im, 0), want_h = _onnx_output_used (im, 1);
  gint64 H, F, T, dims[4];
  double p[3];
  nn_shape shape;
  int id, in;

  if (x == NULL || (w = _onnx_const_input (im, 1, error)) == NULL ||
      (r = _onnx_const_input (im, 2, error)) == NULL)
    return FALSE;
  if (!g_str_equal (direction, "forward"))
    return _onnx_unsupported (im, error, "direction", direction);
  for (int i = 4; i < 8; i++)
    if (_onnx_input (im, i) && !((i == 5 || i == 6) && _onnx_input (im, i)->zeros))
      {
        static const char *const names[] = { N_ ("the sequence_lens input"),
                                             N_ ("the initial_h input"), N_ ("the initial_c input"),
                                             N_ ("the P (peephole) input") };
        return _onnx_unsupported_use (
          im, error, _ (names[i - 4]),
          _ ("sequences start from zero state, all of the same length"));
      }
  if (_onnx_attr (im, "clip"))
    return _onnx_unsupported (im, error, "clip", _ ("cell clipping is not supported"));
  if (_onnx_attr (im, "activation_alpha") || _onnx_attr (im, "activation_beta") ||
      !default_activations (im, lstm  ? lstm_act
                                : gru ? gru_act
                                      : rnn_act))
    return _onnx_unsupported (im, error, "activations",
                              _ ("only the default activations are supported"));
  if (lstm && _onnx_attr_int (im, "input_forget", 0) != 0)
    return _onnx_unsupported (im, error, "input_forget", _ ("coupled gates are not supported"));
  /* 0, ONNX's default, is the original GRU: Layerlab's reset_after off */
  if (lbr != 0 && lbr != 1)
    return _onnx_unsupported (im, error, "linear_before_reset", _ ("expected 0 or 1"));
  if (lstm && _onnx_output_used (im, 2))
    return _onnx_unsupported_use (im, error, _ ("the Y_c output"),
                                  _ ("the cell state output cannot be produced"));
  if (want_y && want_h)
    return _onnx_unsupported_use (im, error, _ ("using both Y and Y_h"),
                                  _ ("a recurrent layer gives either every step or the last one"));
  if (layout != 0 && layout != 1)
    return _onnx_unsupported (im, error, "layout", _ ("expected 0 or 1"));
  if (x->rank != 3 || x->batch_axis != (layout == 0 ? 1 : 0))
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("X must be a sequence with the batch on axis %d"), layout == 0 ? 1 : 0);
      return FALSE;
    }
  T = x->dims[layout == 0 ? 0 : 1];
  F = x->dims[2];
  H = r->value->rank == 3 ? r->value->dims[2] : 0;
  if (w->value->rank != 3 || w->value->dims[0] != 1 || w->value->dims[1] != G * H ||
      w->value->dims[2] != F || r->value->dims[0] != 1 || r->value->dims[1] != G * H ||
      (b && (!b->is_const || b->value == NULL || b->value->size != (gsize) (2 * G * H))) ||
      _onnx_attr_int (im, "hidden_size", H) != H || H < 1)
    {
      _onnx_node_error (im, error, NN_ERROR_DATA,
                        _ ("W, R and B do not have the shapes of one direction of %d gates"), G);
      return FALSE;
    }
  wih = g_new0 (float, G *H *F);
  whh = g_new0 (float, G *H *H);
  bih = g_new0 (float, G *H);
  bhh = g_new0 (float, G *H);
  for (int g = 0; g < G; g++)
    {
      memcpy (wih + g * H * F, w->value->data + gates[g] * H * F, sizeof (float) * H * F);
      memcpy (whh + g * H * H, r->value->data + gates[g] * H * H, sizeof (float) * H * H);
      if (b)
        {
          memcpy (bih + g * H, b->value->data + gates[g] * H, sizeof (float) * H);
          memcpy (bhh + g * H, b->value->data + (G + gates[g]) * H, sizeof (float) * H);
        }
    }
  p[0] = (double) H;
  p[1] = want_y;
  p[2] = (double) lbr;
  in = _onnx_use (im, x, error);
  id = in < 0 ? -1
              : _onnx_add_layer (im,
                                 nn_layer_lookup (lstm  ? "lstm"
                                                  : gru ? "gru"
                                                        : "simple_rnn"),
                                 &in, 1, gru ? gru_ids : ids, p, error);
  if (id < 0)
    return FALSE;
  shape = nn_shape_2d (G * (int) H, (int) F);
  _onnx_add_weight (im, id, "weight_ih", &shape, wih);
  shape = nn_shape_2d (G * (int) H, (int) H);
  _onnx_add_weight (im, id, "weight_hh", &shape, whh);
  shape = nn_shape_1d (G * (int) H);
  _onnx_add_weight (im, id, "bias_ih", &shape, bih);
  _onnx_add_weight (im, id, "bias_hh", &shape, bhh);
  if (want_y)
    {
      /* Y: [T, 1, N, H] (layout 0) or [N, T, 1, H] */
      const gint64 n = x->dims[x->batch_axis];
      gint64 y0[4] = { T, 1, n, H }, y1[4] = { n, T, 1, H };

      memcpy (dims, layout == 0 ? y0 : y1, sizeof dims);
      _onnx_define (im, 0, id, 4, dims, layout == 0 ? 2 : 0);
    }
  else
    {
      /* Y_h: [1, N, H] (layout 0) or [N, 1, H] */
      const gint64 n = x->dims[x->batch_axis];

      dims[0] = layout == 0 ? 1 : n;
      dims[1] = layout == 0 ? n : 1;
      dims[2] = H;
      _onnx_define (im, 1, id, 3, dims, layout == 0 ? 1 : 0);
    }
  return TRUE;
}
