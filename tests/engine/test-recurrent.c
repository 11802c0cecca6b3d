/* test-recurrent.c — SimpleRNN, LSTM and GRU: PyTorch agreement (alone and
 * stacked), gradients through time, shapes, weights, and learning a task
 * that needs memory. */
#include <json-glib/json-glib.h>
#include <math.h>

#include "data-test-util.h"
#include "error.h"
#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "kernels/threads.h"
#include "layer-check.h"
#include "loss.h"
#include "optimizer.h"
#include "templates.h"

static const char *const kinds[] = { "simple_rnn", "lstm", "gru" };

static void
test_torch (void)
{
  layer_check_torch ("recurrent", 1e-4);
}

static void
test_gradient (void)
{
  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int seq = 0; seq < 2; seq++)
      {
        nn_layer_desc d;
        nn_shape in = nn_shape_2d (4, 3);
        layer_run *r;

        g_test_message ("%s, return_sequences %d", kinds[k], seq);
        layer_desc_make (&d, kinds[k], "units=5", seq ? "return_sequences=true" : NULL, NULL);
        r = layer_run_new (&d, &in, 1, 2, 31 + k);
        layer_check_gradients (r, 1e-2, 1e-2);
        layer_run_free (r);
      }
}

/* GRU with reset_after off, the original cell (ONNX's default): against a
 * step-by-step torch reference (PyTorch has no module for it), by finite
 * differences, and the same numbers on two threads. */
static void
test_gru_classic_torch (void)
{
  layer_check_torch ("recurrent-gru-classic", 1e-4);
}

static void
test_gru_classic_gradient (void)
{
  for (int seq = 0; seq < 2; seq++)
    {
      nn_layer_desc d;
      nn_shape in = nn_shape_2d (4, 3);
      layer_run *r;

      g_test_message ("classic GRU, return_sequences %d", seq);
      layer_desc_make (&d, "gru", "units=5", "reset_after=false",
                       seq ? "return_sequences=true" : NULL, NULL);
      r = layer_run_new (&d, &in, 1, 2, 37 + seq);
      layer_check_gradients (r, 1e-2, 1e-2);
      layer_run_free (r);
    }
}

/* The parameter defaults to PyTorch's cell, and switching it changes the
 * numbers but not the weights. */
static void
test_gru_reset_after (void)
{
  const nn_layer_ops *gru = nn_layer_lookup ("gru");
  const int i = nn_layer_param_index (gru, "reset_after");
  nn_layer_desc d;
  nn_shape in = nn_shape_2d (5, 3);
  layer_run *r;
  g_autofree float *after = NULL;
  double most = 0.0;

  g_assert_cmpint (i, >=, 0);
  g_assert_true (gru->params[i].advanced);
  g_assert_cmpint (nn_layer_param_index (nn_layer_lookup ("lstm"), "reset_after"), ==, -1);
  layer_desc_make (&d, "gru", "units=4", NULL);
  g_assert_cmpfloat (nn_layer_desc_get (&d, "reset_after"), ==, 1.0);

  r = layer_run_new (&d, &in, 1, 3, 43);
  layer_run_forward (r);
  after = g_memdup2 (r->out, sizeof (float) * r->out_len);
  g_assert_true (nn_layer_desc_set (&r->desc, "reset_after", 0.0, NULL));
  g_assert_cmpuint (nn_layer_weight_count (&r->desc, &in, &r->out_shape), ==, r->w_len);
  layer_run_forward (r);
  for (gsize k = 0; k < r->out_len; k++)
    most = MAX (most, fabs (r->out[k] - after[k]));
  g_assert_cmpfloat (most, >, 1e-3);
  layer_run_free (r);
}

/* Input → classic GRU (return_sequences) → classic GRU through ONNX and
 * back: linear_before_reset = 0 both ways, and the same numbers. */
static void
test_gru_classic_onnx (void)
{
  enum
  {
    BATCH = 2,
    STEPS = 5,
    FEATURES = 3,
    UNITS = 4
  };
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = NULL, q = NULL;
  g_autofree guint8 *data = NULL;
  const gint64 dims[] = { BATCH, STEPS, FEATURES };
  nn_onnx_tensor *x, *y;
  nn_onnx_io io = { 0 };
  nn_model *m;
  nn_rng rng;
  gsize length;
  int input, first, second, grus = 0;

  input = nn_graph_add_node (g, nn_layer_lookup ("input"));
  first = nn_graph_add_node (g, nn_layer_lookup ("gru"));
  second = nn_graph_add_node (g, nn_layer_lookup ("gru"));
  g_assert_true (nn_graph_set_param (g, input, "channels", 0, &error));
  g_assert_true (nn_graph_set_param (g, input, "height", STEPS, &error));
  g_assert_true (nn_graph_set_param (g, input, "width", FEATURES, &error));
  g_assert_true (nn_graph_set_param (g, first, "units", UNITS, &error));
  g_assert_true (nn_graph_set_param (g, first, "return_sequences", 1, &error));
  g_assert_true (nn_graph_set_param (g, first, "reset_after", 0, &error));
  g_assert_true (nn_graph_set_param (g, second, "units", UNITS, &error));
  g_assert_true (nn_graph_set_param (g, second, "reset_after", 0, &error));
  g_assert_true (nn_graph_connect (g, input, first, -1, &error));
  g_assert_true (nn_graph_connect (g, first, second, -1, &error));
  m = nn_model_compile (g, BATCH, 9, &error);
  g_assert_no_error (error);
  p = nn_project_new (nn_graph_copy (g));
  nn_project_take_weights (p, m);

  data = nn_onnx_export_to_data (p, &length, &error);
  g_assert_no_error (error);
  q = nn_onnx_import_data (data, length, "gru.onnx", NULL, &io, &error);
  g_assert_no_error (error);
  for (int i = 0; i < nn_graph_n_nodes (q->graph); i++)
    {
      const nn_node *node = nn_graph_nth_node (q->graph, i);
      if (g_str_equal (node->desc.ops->id, "gru"))
        {
          g_assert_cmpfloat (nn_layer_desc_get (&node->desc, "reset_after"), ==, 0.0);
          grus++;
        }
    }
  g_assert_cmpint (grus, ==, 2);

  x = nn_onnx_tensor_new ("x", 3, dims, &error);
  g_assert_no_error (error);
  nn_rng_seed (&rng, 3, 0);
  for (gsize i = 0; i < x->size; i++)
    x->data[i] = 2.0f * nn_rng_uniform (&rng) - 1.0f;
  nn_model_forward (m, x->data, BATCH, FALSE, NULL);
  y = nn_onnx_run (q, &io, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (y->size, ==, BATCH * UNITS);
  for (gsize i = 0; i < y->size; i++)
    g_assert_cmpfloat_with_epsilon (y->data[i], nn_model_output (m)[i], 1e-5);
  nn_onnx_tensor_free (x);
  nn_onnx_tensor_free (y);
  nn_onnx_io_clear (&io);
  nn_model_free (m);
}

static void
read_json_floats (JsonObject *o, const char *member, float *dst, gsize n)
{
  JsonArray *a = json_object_get_array_member (o, member);

  g_assert_cmpuint (json_array_get_length (a), ==, n);
  for (gsize i = 0; i < n; i++)
    dst[i] = (float) json_array_get_double_element (a, i);
}

static void
assert_close (JsonObject *o, const char *member, const float *got, gsize n)
{
  JsonArray *a = json_object_get_array_member (o, member);
  double scale = 1e-3;

  g_assert_cmpuint (json_array_get_length (a), ==, n);
  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (json_array_get_double_element (a, i)));
  for (gsize i = 0; i < n; i++)
    {
      const double want = json_array_get_double_element (a, i);
      if (fabs (want - got[i]) > 1e-4 * scale)
        g_error ("%s[%" G_GSIZE_FORMAT "]: PyTorch %.7g, Layerlab %.7g", member, i, want, got[i]);
    }
}

/* Input → LSTM (return_sequences) → LSTM as a compiled model, against a
 * two-layer nn.LSTM: the gradient flows back through both layers' time
 * steps to the input. */
static void
test_stacked (void)
{
  g_autofree char *path = test_fixture_path ("layers/recurrent-stacked.json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_graph_new ();
  nn_model *m;
  JsonObject *o;
  int batch, steps, features, units, input, first, second;
  gsize n_weights;
  g_autofree float *x = NULL, *d_out = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  batch = (int) json_object_get_int_member (o, "batch");
  steps = (int) json_object_get_int_member (o, "steps");
  features = (int) json_object_get_int_member (o, "features");
  units = (int) json_object_get_int_member (o, "units");

  input = nn_graph_add_node (g, nn_layer_lookup ("input"));
  first = nn_graph_add_node (g, nn_layer_lookup ("lstm"));
  second = nn_graph_add_node (g, nn_layer_lookup ("lstm"));
  g_assert_true (nn_graph_set_param (g, input, "channels", 0, &error));
  g_assert_true (nn_graph_set_param (g, input, "height", steps, &error));
  g_assert_true (nn_graph_set_param (g, input, "width", features, &error));
  g_assert_true (nn_graph_set_param (g, first, "units", units, &error));
  g_assert_true (nn_graph_set_param (g, first, "return_sequences", 1, &error));
  g_assert_true (nn_graph_set_param (g, second, "units", units, &error));
  g_assert_true (nn_graph_connect (g, input, first, -1, &error));
  g_assert_true (nn_graph_connect (g, first, second, -1, &error));
  g_assert_no_error (error);

  m = nn_model_compile (g, batch, 0, &error);
  g_assert_no_error (error);
  g_assert_true (nn_model_set_input_gradient (m, TRUE, &error));
  g_assert_cmpuint (nn_model_output_size (m), ==, units);

  x = g_new (float, batch *steps *features);
  d_out = g_new (float, batch *units);
  read_json_floats (o, "input", x, batch * steps * features);
  read_json_floats (o, "grad_output", d_out, batch * units);
  nn_model_weights (m, &n_weights);
  read_json_floats (o, "weights", nn_model_weights (m, NULL), n_weights);

  nn_model_forward (m, x, batch, TRUE, NULL);
  assert_close (o, "output", nn_model_output (m), batch * units);
  nn_model_zero_grads (m);
  nn_model_backward (m, d_out, batch, FALSE);
  assert_close (o, "grad_input", nn_model_input_gradient (m), batch * steps * features);
  assert_close (o, "grad_weights", nn_model_grads (m, NULL), n_weights);
  nn_model_free (m);
}

static void
test_infer_errors (void)
{
  nn_shape vec = nn_shape_1d (16), img = nn_shape_3d (1, 8, 8);

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      nn_layer_desc d;

      layer_desc_make (&d, kinds[k], NULL);
      layer_check_infer_error (&d, &vec, 1, "needs a sequence (steps × features), got a vector");
      layer_check_infer_error (&d, &img, 1, "an image of 1×8×8 values");
      layer_check_infer_error (&d, &vec, 1, "Embedding");
    }
}

/* PyTorch's tensors in its order and shapes; its U(±1/√H) start. */
static void
test_weights_and_init (void)
{
  const int gates[] = { 1, 4, 3 };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int seq = 0; seq < 2; seq++)
      {
        nn_layer_desc d;
        nn_shape in = nn_shape_2d (7, 5), out;
        nn_weight_info info[NN_MAX_WEIGHTS];
        const int gh = gates[k] * 16;
        const gsize n = (gsize) gh * (5 + 16 + 2);
        g_autofree float *w = g_new (float, n);
        nn_rng rng;
        float most = 0.0f;

        layer_desc_make (&d, kinds[k], "units=16", seq ? "return_sequences=true" : NULL, NULL);
        g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
        if (seq)
          {
            g_assert_cmpint (out.rank, ==, 2);
            g_assert_cmpint (out.dim[0], ==, 7);
            g_assert_cmpint (out.dim[1], ==, 16);
          }
        else
          {
            g_assert_cmpint (out.rank, ==, 1);
            g_assert_cmpint (out.dim[0], ==, 16);
          }
        g_assert_cmpint (d.ops->group, ==, NN_GROUP_RECURRENT);
        g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 4);
        g_assert_cmpstr (info[0].name, ==, "weight_ih");
        g_assert_cmpint (info[0].shape.dim[0], ==, gh);
        g_assert_cmpint (info[0].shape.dim[1], ==, 5);
        g_assert_cmpstr (info[1].name, ==, "weight_hh");
        g_assert_cmpint (info[1].shape.dim[0], ==, gh);
        g_assert_cmpint (info[1].shape.dim[1], ==, 16);
        g_assert_cmpstr (info[2].name, ==, "bias_ih");
        g_assert_cmpstr (info[3].name, ==, "bias_hh");
        g_assert_cmpint (info[3].shape.dim[0], ==, gh);
        g_assert_true (info[0].decay && info[1].decay && !info[2].decay && !info[3].decay);
        g_assert_cmpuint (nn_layer_weight_count (&d, &in, &out), ==, n);
        g_assert_cmpfloat (d.ops->flops (&d, &in, 1, &out), ==, 2.0 * 7 * gh * (5 + 16));

        nn_rng_seed (&rng, 4, 0);
        d.ops->init (&d, &in, &out, NN_INIT_HE_NORMAL, w, NULL, &rng);
        for (gsize i = 0; i < n; i++)
          most = MAX (most, fabsf (w[i]));
        g_assert_cmpfloat (most, <=, 0.25f);
        g_assert_cmpfloat (most, >, 0.2f);
      }
}

/* Two threads take a band of the batch each through the whole sequence;
 * the numbers are those of one thread. */
static void
test_threads (void)
{
  /* the last pass is the classic GRU */
  for (gsize k = 0; k <= G_N_ELEMENTS (kinds); k++)
    {
      nn_layer_desc d;
      nn_shape in = nn_shape_2d (6, 4);
      layer_run *r;
      g_autofree float *out = NULL, *d_in = NULL, *dw = NULL;

      if (k < G_N_ELEMENTS (kinds))
        layer_desc_make (&d, kinds[k], "units=32", "return_sequences=true", NULL);
      else
        layer_desc_make (&d, "gru", "units=32", "return_sequences=true", "reset_after=false", NULL);
      r = layer_run_new (&d, &in, 1, 15, 41);
      nn_threads_set (1);
      layer_run_forward (r);
      layer_run_backward (r);
      out = g_memdup2 (r->out, sizeof (float) * r->out_len);
      d_in = g_memdup2 (r->d_in[0], sizeof (float) * r->in_len[0]);
      dw = g_memdup2 (r->dw, sizeof (float) * r->w_len);

      nn_threads_set (2);
      layer_run_forward (r);
      layer_run_backward (r);
      for (gsize i = 0; i < r->out_len; i++)
        g_assert_cmpfloat_with_epsilon (r->out[i], out[i], 1e-5);
      for (gsize i = 0; i < r->in_len[0]; i++)
        g_assert_cmpfloat_with_epsilon (r->d_in[0][i], d_in[i], 1e-4 * (1 + fabsf (d_in[i])));
      for (gsize i = 0; i < r->w_len; i++)
        g_assert_cmpfloat_with_epsilon (r->dw[i], dw[i], 1e-4 * (1 + fabsf (dw[i])));
      layer_run_free (r);
    }
  nn_threads_set (0);
}

/* The text templates read token ids: the Input takes the dataset's length
 * and the Embedding its vocabulary (16 ids of 64 without a dataset). */
static void
check_char_template (const char *id, const nn_dataset *ds, int steps, int vocab, int classes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build (id, ds, &error);
  nn_model *m;

  g_assert_no_error (error);
  m = nn_model_compile (g, 4, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_model_input_shape (m)->rank, ==, 1);
  g_assert_cmpint (nn_model_input_shape (m)->dim[0], ==, steps);
  g_assert_cmpuint (nn_model_output_size (m), ==, classes);
  g_assert_cmpfloat (nn_layer_desc_get (&nn_graph_nth_node (g, 1)->desc, "input_dim"), ==, vocab);
  nn_model_free (m);
}

static void
test_char_templates (void)
{
  nn_data_options o = { .max_length = 12 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("text", "text/lines.txt", &o, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->vocab_size, >, 2);
  for (int i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "char-lstm" : "char-gru";
      g_assert_cmpint (nn_template_lookup (id)->batch, ==, 64);
      check_char_template (id, NULL, 16, 64, 10);
      check_char_template (id, ds, ds->input_shape.dim[0], ds->vocab_size, ds->n_classes);
    }
}

/* Embedding → recurrent → Dense must learn whether a sequence of 8 tokens
 * started with an even one: the answer has to be carried through 7 steps
 * of other tokens. */
static double
learn_first_token (const char *kind, gboolean classic)
{
  enum
  {
    STEPS = 8,
    BATCH = 32,
    TRAIN_STEPS = 300,
    TEST = 256
  };
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (GError) error = NULL;
  nn_optimizer_config oc;
  nn_optimizer *opt;
  nn_model *m;
  nn_rng data;
  float x[TEST * STEPS], d_out[BATCH * 2];
  gint32 labels[TEST];
  gsize n_weights;
  int input, emb, rnn, dense, right = 0;

  input = nn_graph_add_node (g, nn_layer_lookup ("input"));
  emb = nn_graph_add_node (g, nn_layer_lookup ("embedding"));
  rnn = nn_graph_add_node (g, nn_layer_lookup (kind));
  dense = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  nn_graph_set_param (g, input, "height", 0, &error);
  nn_graph_set_param (g, input, "width", STEPS, &error);
  nn_graph_set_param (g, emb, "input_dim", 12, &error);
  nn_graph_set_param (g, emb, "output_dim", 8, &error);
  nn_graph_set_param (g, rnn, "units", 16, &error);
  if (classic)
    nn_graph_set_param (g, rnn, "reset_after", 0, &error);
  nn_graph_set_param (g, dense, "units", 2, &error);
  nn_graph_connect (g, input, emb, -1, &error);
  nn_graph_connect (g, emb, rnn, -1, &error);
  nn_graph_connect (g, rnn, dense, -1, &error);
  g_assert_no_error (error);
  m = nn_model_compile (g, TEST, 1, &error);
  g_assert_no_error (error);
  nn_model_weights (m, &n_weights);
  nn_optimizer_config_init (&oc, NN_OPTIMIZER_ADAM);
  opt = nn_optimizer_new (&oc, n_weights, NULL, &error);
  g_assert_no_error (error);

  nn_rng_seed (&data, 77, 0);
  for (int step = 0; step < TRAIN_STEPS + 1; step++)
    {
      const int n = step < TRAIN_STEPS ? BATCH : TEST;
      for (int i = 0; i < n; i++)
        {
          for (int t = 0; t < STEPS; t++)
            x[i * STEPS + t] = 2 + nn_rng_below (&data, 10);
          labels[i] = (int) x[i * STEPS] % 2 == 0;
        }
      nn_model_forward (m, x, n, step < TRAIN_STEPS, NULL);
      if (step == TRAIN_STEPS)
        break;
      nn_loss_compute (NN_LOSS_CROSS_ENTROPY, nn_model_output (m), n, 2, labels, NULL, d_out);
      nn_model_backward (m, d_out, n, FALSE);
      nn_optimizer_step (opt, nn_model_weights (m, NULL), nn_model_grads (m, NULL), 0.01);
    }
  for (int i = 0; i < TEST; i++)
    {
      const float *o = nn_model_output (m) + 2 * i;
      right += (o[1] > o[0]) == labels[i];
    }
  nn_optimizer_free (opt);
  nn_model_free (m);
  g_test_message ("%s%s: %d of %d right", kind, classic ? " (classic)" : "", right, TEST);
  return (double) right / TEST;
}

static void
test_learns (void)
{
  /* one thread: a small model's steps are quicker than waking a second */
  nn_threads_set (1);
  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_assert_cmpfloat (learn_first_token (kinds[k], FALSE), >=, 0.95);
  g_assert_cmpfloat (learn_first_token ("gru", TRUE), >=, 0.95);
  nn_threads_set (0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/recurrent/torch", test_torch);
  g_test_add_func ("/engine/recurrent/gradient", test_gradient);
  g_test_add_func ("/engine/recurrent/gru-classic/torch", test_gru_classic_torch);
  g_test_add_func ("/engine/recurrent/gru-classic/gradient", test_gru_classic_gradient);
  g_test_add_func ("/engine/recurrent/gru-classic/reset-after", test_gru_reset_after);
  g_test_add_func ("/engine/recurrent/gru-classic/onnx", test_gru_classic_onnx);
  g_test_add_func ("/engine/recurrent/stacked", test_stacked);
  g_test_add_func ("/engine/recurrent/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/recurrent/weights-and-init", test_weights_and_init);
  g_test_add_func ("/engine/recurrent/threads", test_threads);
  g_test_add_func ("/engine/recurrent/char-templates", test_char_templates);
  g_test_add_func ("/engine/recurrent/learns", test_learns);
  return g_test_run ();
}
