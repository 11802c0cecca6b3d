/* test-graph.c — graph editing, live checking and its messages, and the
 * compiled model's forward/backward against PyTorch
 * (tests/fixtures/core/cnn-forward-backward.json from gen_torch_steps.py). */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "graph.h"
#include "loss.h"

static int
add (nn_graph *g, const char *kind)
{
  const nn_layer_ops *ops = nn_layer_lookup (kind);

  g_assert_nonnull (ops);
  return nn_graph_add_node (g, ops);
}

static void
set (nn_graph *g, int id, const char *param, double v)
{
  g_autoptr (GError) error = NULL;

  nn_graph_set_param (g, id, param, v, &error);
  g_assert_no_error (error);
}

static void
connect (nn_graph *g, int from, int to)
{
  g_autoptr (GError) error = NULL;

  nn_graph_connect (g, from, to, -1, &error);
  g_assert_no_error (error);
}

static int
input (nn_graph *g, int c, int h, int w)
{
  int id = add (g, "input");

  set (g, id, "channels", c);
  set (g, id, "height", h);
  set (g, id, "width", w);
  return id;
}

static void
test_edit (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (nn_graph) copy = NULL;
  g_autoptr (GError) error = NULL;
  int in, d1, d2, d3;
  guint64 rev;

  in = input (g, 1, 0, 4);
  d1 = add (g, "dense");
  d2 = add (g, "dense");
  g_assert_cmpstr (nn_graph_lookup (g, d1)->name, ==, "dense1");
  g_assert_cmpstr (nn_graph_lookup (g, d2)->name, ==, "dense2");
  g_assert_cmpint (nn_graph_lookup_name (g, "input1")->id, ==, in);
  connect (g, in, d1);
  connect (g, d1, d2);

  /* ids are never reused, even after a removal */
  g_assert_true (nn_graph_remove_node (g, d2));
  g_assert_null (nn_graph_lookup (g, d2));
  d3 = add (g, "dense");
  g_assert_cmpint (d3, >, d2);
  g_assert_cmpstr (nn_graph_lookup (g, d3)->name, ==, "dense2");

  /* rename keeps names unique */
  g_assert_false (nn_graph_rename (g, d3, "dense1", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (nn_graph_rename (g, d3, "head", NULL));
  g_assert_cmpstr (nn_graph_lookup_name (g, "head")->name, ==, "head");

  /* edits bump the revision; canvas moves do not */
  rev = nn_graph_revision (g);
  nn_graph_set_position (g, d3, 10, 20);
  g_assert_cmpuint (nn_graph_revision (g), ==, rev);
  connect (g, d1, d3);
  g_assert_cmpuint (nn_graph_revision (g), >, rev);

  /* a parameter out of range names the node */
  g_assert_false (nn_graph_set_param (g, d1, "units", -3, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Dense 'dense1': "));
  g_clear_error (&error);

  /* removing a node removes its edges */
  g_assert_true (nn_graph_remove_node (g, d1));
  g_assert_cmpint (nn_graph_lookup (g, d3)->n_inputs, ==, 0);

  /* a copy is deep and keeps ids */
  copy = nn_graph_copy (g);
  g_assert_cmpint (nn_graph_n_nodes (copy), ==, 2);
  g_assert_cmpstr (nn_graph_lookup (copy, d3)->name, ==, "head");
  nn_graph_rename (g, d3, "changed", NULL);
  g_assert_cmpstr (nn_graph_lookup (copy, d3)->name, ==, "head");
  g_assert_cmpint (nn_graph_add_node (copy, nn_layer_lookup ("relu")), ==, d3 + 1);

  /* project files restore ids and names */
  g_assert_cmpint (nn_graph_add_node_full (g, 40, nn_layer_lookup ("relu"), "act", NULL), ==, 40);
  g_assert_cmpint (nn_graph_add_node_full (g, 40, nn_layer_lookup ("relu"), "b", &error), ==, -1);
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_cmpint (nn_graph_add_node (g, nn_layer_lookup ("relu")), ==, 41);
}

static void
test_cycle_refused (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (GError) error = NULL;
  int in = input (g, 1, 0, 4), sum = add (g, "add"), a = add (g, "dense"), b = add (g, "relu");
  guint64 rev;

  connect (g, in, sum);
  connect (g, sum, a);
  connect (g, a, b);
  rev = nn_graph_revision (g);
  /* add1 → dense1 → relu1 → add1 would be a loop */
  g_assert_false (nn_graph_connect (g, b, sum, -1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "loop"));
  g_assert_cmpuint (nn_graph_revision (g), ==, rev);
  g_assert_cmpint (nn_graph_lookup (g, sum)->n_inputs, ==, 1);
  g_clear_error (&error);
  g_assert_false (nn_graph_connect (g, b, b, -1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_clear_error (&error);
  /* a Dense takes one input only */
  g_assert_false (nn_graph_connect (g, in, a, -1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
}

/* The message of the first node with an error, or of the first problem. */
static char *
first_message (const nn_graph *g, gboolean *ok)
{
  nn_graph_report r;
  g_autoptr (GError) error = NULL;
  char *msg;

  *ok = nn_graph_infer (g, &r);
  nn_graph_report_to_error (&r, &error);
  msg = g_strdup (error ? error->message : "");
  nn_graph_report_clear (&r);
  return msg;
}

static void
test_messages (void)
{
  gboolean ok;

  /* a kernel larger than its input */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    int in = input (g, 1, 3, 3), conv = add (g, "conv2d");
    g_autofree char *msg = NULL;
    nn_graph_report r;

    set (g, conv, "kernel", 5);
    connect (g, in, conv);
    msg = first_message (g, &ok);
    g_assert_false (ok);
    g_test_message ("%s", msg);
    g_assert_true (g_str_has_prefix (msg, "Conv2D 'conv2d1': "));
    g_assert_nonnull (strstr (msg, "5×5"));
    g_assert_nonnull (strstr (msg, "3×3"));
    nn_graph_infer (g, &r);
    g_assert_nonnull (nn_graph_report_node (&r, conv)->error);
    g_assert_null (nn_graph_report_node (&r, in)->error);
    g_assert_cmpint (nn_graph_report_node (&r, conv)->out_shape.rank, ==, 0);
    nn_graph_report_clear (&r);
  }
  /* Add with different shapes */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    int in = input (g, 1, 0, 4), a = add (g, "dense"), b = add (g, "dense"), sum = add (g, "add");
    g_autofree char *msg = NULL;

    set (g, a, "units", 3);
    set (g, b, "units", 5);
    connect (g, in, a);
    connect (g, in, b);
    connect (g, a, sum);
    connect (g, b, sum);
    msg = first_message (g, &ok);
    g_test_message ("%s", msg);
    g_assert_false (ok);
    g_assert_true (g_str_has_prefix (msg, "Add 'add1': "));
  }
  /* no Input */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    g_autofree char *msg = NULL;
    nn_graph_report r;

    add (g, "dense");
    nn_graph_infer (g, &r);
    g_assert_false (r.ok);
    g_assert_nonnull (r.problems[0]);
    g_assert_nonnull (strstr (r.problems[0], "no Input"));
    g_assert_cmpint (r.input_id, ==, -1);
    nn_graph_report_clear (&r);
  }
  /* a layer with a missing input, and two outputs */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    int in = input (g, 1, 0, 4), a = add (g, "dense"), b = add (g, "dense");
    nn_graph_report r;

    connect (g, in, a);
    nn_graph_infer (g, &r);
    g_assert_false (r.ok);
    g_assert_nonnull (strstr (nn_graph_report_node (&r, b)->error, "dense2"));
    g_assert_nonnull (strstr (r.problems[0], "more than one output"));
    nn_graph_report_clear (&r);
  }
  /* an Add with one input, and a layer connected to nothing */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    int in = input (g, 1, 0, 4), sum = add (g, "add"), lone = add (g, "relu");
    nn_graph_report r;

    connect (g, in, sum);
    nn_graph_infer (g, &r);
    g_test_message ("%s", nn_graph_report_node (&r, sum)->error);
    g_assert_nonnull (strstr (nn_graph_report_node (&r, sum)->error, "at least 2 inputs"));
    g_test_message ("%s", nn_graph_report_node (&r, lone)->error);
    g_assert_nonnull (strstr (nn_graph_report_node (&r, lone)->error, "not connected"));
    nn_graph_report_clear (&r);
  }
  /* totals of a valid graph */
  {
    g_autoptr (nn_graph) g = nn_graph_new ();
    int in = input (g, 1, 0, 4), a = add (g, "dense");
    nn_graph_report r;

    set (g, a, "units", 3);
    connect (g, in, a);
    g_assert_true (nn_graph_infer (g, &r));
    g_assert_cmpuint (r.total_params, ==, 4 * 3 + 3);
    g_assert_cmpuint (r.weight_bytes, ==, 15 * 4);
    g_assert_cmpint (r.input_id, ==, in);
    g_assert_cmpint (r.output_id, ==, a);
    g_assert_cmpfloat (r.flops, >, 0);
    g_assert_cmpint (nn_graph_report_node (&r, a)->out_shape.dim[0], ==, 3);
    nn_graph_report_clear (&r);
  }
}

static void
test_compile_refuses_invalid (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (GError) error = NULL;
  int in = input (g, 1, 3, 3), conv = add (g, "conv2d");

  set (g, conv, "kernel", 5);
  connect (g, in, conv);
  g_assert_null (nn_model_compile (g, 4, 0, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_true (g_str_has_prefix (error->message, "Conv2D 'conv2d1'"));
}

static float *
floats (JsonObject *o, const char *member, guint *n)
{
  JsonArray *a = json_object_get_array_member (o, member);
  guint len = json_array_get_length (a);
  float *v = g_new (float, MAX (len, 1));

  for (guint i = 0; i < len; i++)
    v[i] = (float) json_array_get_double_element (a, i);
  if (n)
    *n = len;
  return v;
}

/* 2×6×6 → Conv 3 3×3 same → ReLU → Conv 3 3×3 same → Add(relu, conv2) →
 * MaxPool 2 → Flatten → Dense 4 → Softmax, cross-entropy fused. */
static nn_graph *
residual_cnn (void)
{
  nn_graph *g = nn_graph_new ();
  int in = input (g, 2, 6, 6), c1 = add (g, "conv2d"), r = add (g, "relu");
  int c2 = add (g, "conv2d"), sum = add (g, "add"), pool = add (g, "maxpool2d");
  int flat = add (g, "flatten"), d = add (g, "dense"), sm = add (g, "softmax");

  set (g, c1, "filters", 3);
  set (g, c1, "kernel", 3);
  set (g, c1, "padding", 1);
  set (g, c2, "filters", 3);
  set (g, c2, "kernel", 3);
  set (g, c2, "padding", 1);
  set (g, pool, "size", 2);
  set (g, d, "units", 4);
  connect (g, in, c1);
  connect (g, c1, r);
  connect (g, r, c2);
  connect (g, r, sum);
  connect (g, c2, sum);
  connect (g, sum, pool);
  connect (g, pool, flat);
  connect (g, flat, d);
  connect (g, d, sm);
  return g;
}

static void
test_torch_cnn (void)
{
  g_autofree char *path = test_fixture_path ("core/cnn-forward-backward.json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = residual_cnn ();
  g_autoptr (nn_model) m = NULL;
  g_autofree float *x = NULL, *w0 = NULL, *want_out = NULL, *want_grads = NULL;
  JsonObject *root;
  JsonArray *labels_json;
  gint32 labels[3];
  float d_logits[3 * 4];
  const float *out;
  float *w, *grads;
  guint n_w;
  gsize n;
  double loss;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  x = floats (root, "x", NULL);
  w0 = floats (root, "weights", &n_w);
  want_out = floats (root, "output", NULL);
  want_grads = floats (root, "grads", NULL);
  labels_json = json_object_get_array_member (root, "labels");
  for (int i = 0; i < 3; i++)
    labels[i] = (gint32) json_array_get_int_element (labels_json, i);

  /* compiled for 5, run with 3: a partial batch */
  m = nn_model_compile (g, 5, 0, &error);
  g_assert_no_error (error);
  g_assert_true (nn_model_has_final_softmax (m));
  w = nn_model_weights (m, &n);
  g_assert_cmpuint (n, ==, n_w);
  memcpy (w, w0, n * sizeof (float));

  nn_model_forward (m, x, 3, TRUE, NULL);
  out = nn_model_output (m);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat_with_epsilon (out[i], want_out[i], 1e-5);
  loss = nn_loss_compute (NN_LOSS_CROSS_ENTROPY, nn_model_logits (m), 3, 4, labels, NULL, d_logits);
  g_assert_cmpfloat_with_epsilon (loss, json_object_get_double_member (root, "loss"), 1e-5);
  nn_model_backward (m, d_logits, 3, TRUE);
  grads = nn_model_grads (m, NULL);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (grads[i], want_grads[i], 1e-5 + 1e-4 * fabs (want_grads[i]));
}

static void
test_model_layout (void)
{
  g_autoptr (nn_graph) g = residual_cnn ();
  g_autoptr (nn_model) a = nn_model_compile (g, 2, 7, NULL);
  g_autoptr (nn_model) b = nn_model_compile (g, 8, 7, NULL);
  g_autoptr (nn_model) c = nn_model_compile (g, 2, 8, NULL);
  const nn_weight_range *ranges;
  const guint8 *mask;
  gsize n, n_b, snap;
  g_autofree float *copy = NULL;
  float *w;
  int n_ranges;
  nn_shape shape;

  ranges = nn_model_weight_ranges (a, &n_ranges);
  g_assert_cmpint (n_ranges, ==, 6);
  g_assert_cmpstr (ranges[0].node_name, ==, "conv2d1");
  g_assert_cmpstr (ranges[0].info.name, ==, "weight");
  g_assert_cmpint (ranges[0].info.shape.rank, ==, 4);
  g_assert_cmpuint (ranges[1].offset, ==, 3 * 2 * 3 * 3);
  g_assert_cmpstr (ranges[5].node_name, ==, "dense1");
  mask = nn_model_decay_mask (a);
  g_assert_cmpint (mask[0], ==, 1);
  g_assert_cmpint (mask[ranges[1].offset], ==, 0);

  /* same seed, same weights whatever the batch; another seed differs */
  w = nn_model_weights (a, &n);
  g_assert_cmpmem (w, n * sizeof (float), nn_model_weights (b, &n_b), n_b * sizeof (float));
  g_assert_true (memcmp (w, nn_model_weights (c, NULL), n * sizeof (float)) != 0);

  /* snapshots round-trip, and re-planning keeps the weights */
  snap = nn_model_snapshot_size (a);
  g_assert_cmpuint (snap, >=, n);
  copy = g_new (float, snap);
  nn_model_copy_weights_to (a, copy);
  g_assert_true (nn_model_set_batch (a, 16, NULL));
  g_assert_cmpint (nn_model_batch (a), ==, 16);
  g_assert_cmpmem (nn_model_weights (a, NULL), n * sizeof (float), copy, n * sizeof (float));
  nn_model_copy_weights_from (c, copy);
  g_assert_cmpmem (nn_model_weights (c, NULL), n * sizeof (float), copy, n * sizeof (float));

  g_assert_nonnull (nn_model_activation (a, ranges[0].node_id, &shape));
  g_assert_cmpint (shape.dim[0], ==, 3);
  g_assert_cmpuint (nn_model_input_size (a), ==, 72);
  g_assert_cmpuint (nn_model_output_size (a), ==, 4);
}

/* AUTO is He before a ReLU, Glorot otherwise: with 100 inputs and 100
 * units, He uniform reaches ±0.245, Glorot uniform only ±0.173. */
static void
test_auto_init (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  int in = input (g, 1, 0, 100), a = add (g, "dense"), r = add (g, "relu"), b = add (g, "dense");
  g_autoptr (nn_model) m = NULL;
  const nn_weight_range *ranges;
  const float *w;
  float max_a = 0, max_b = 0;
  int n;

  set (g, a, "units", 100);
  set (g, b, "units", 100);
  connect (g, in, a);
  connect (g, a, r);
  connect (g, r, b);
  m = nn_model_compile (g, 1, 3, NULL);
  ranges = nn_model_weight_ranges (m, &n);
  w = nn_model_weights (m, NULL);
  for (gsize i = 0; i < ranges[0].size; i++)
    max_a = fmaxf (max_a, fabsf (w[ranges[0].offset + i]));
  for (gsize i = 0; i < ranges[2].size; i++)
    max_b = fmaxf (max_b, fabsf (w[ranges[2].offset + i]));
  g_assert_cmpfloat (max_a, >, 0.2f);
  g_assert_cmpfloat (max_a, <=, 0.245f);
  g_assert_cmpfloat (max_b, <=, 0.174f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/graph/edit", test_edit);
  g_test_add_func ("/engine/graph/cycle-refused", test_cycle_refused);
  g_test_add_func ("/engine/graph/messages", test_messages);
  g_test_add_func ("/engine/graph/compile-refuses-invalid", test_compile_refuses_invalid);
  g_test_add_func ("/engine/graph/torch-cnn", test_torch_cnn);
  g_test_add_func ("/engine/graph/model-layout", test_model_layout);
  g_test_add_func ("/engine/graph/auto-init", test_auto_init);
  return g_test_run ();
}
