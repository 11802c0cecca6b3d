/* test-optimizer.c — optimizer steps, schedules and clipping against
 * PyTorch (fixture tests/fixtures/core/optimizer-steps.json, made by
 * gen_torch_steps.py): same initial weights, same batch, a few steps. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "graph.h"
#include "loss.h"
#include "optimizer.h"

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

static nn_graph *
tiny_mlp (void)
{
  nn_graph *g = nn_graph_new ();
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int d1 = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  int r = nn_graph_add_node (g, nn_layer_lookup ("relu"));
  int d2 = nn_graph_add_node (g, nn_layer_lookup ("dense"));

  g_assert_true (nn_graph_set_param (g, in, "height", 0, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 4, NULL));
  g_assert_true (nn_graph_set_param (g, d1, "units", 5, NULL));
  g_assert_true (nn_graph_set_param (g, d2, "units", 3, NULL));
  g_assert_true (nn_graph_connect (g, in, d1, -1, NULL));
  g_assert_true (nn_graph_connect (g, d1, r, -1, NULL));
  g_assert_true (nn_graph_connect (g, r, d2, -1, NULL));
  return g;
}

static void
test_torch_steps (void)
{
  g_autofree char *path = test_fixture_path ("core/optimizer-steps.json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = tiny_mlp ();
  JsonObject *root;
  JsonArray *cases;
  g_autofree float *x = NULL, *init = NULL;
  gint32 labels[6];
  guint n_init;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  x = floats (root, "x", NULL);
  init = floats (root, "init", &n_init);
  for (int i = 0; i < 6; i++)
    labels[i] =
      (gint32) json_array_get_int_element (json_object_get_array_member (root, "labels"), i);
  cases = json_object_get_array_member (root, "cases");

  for (guint c = 0; c < json_array_get_length (cases); c++)
    {
      JsonObject *tc = json_array_get_object_element (cases, c);
      const char *name = json_object_get_string_member (tc, "name");
      g_autoptr (nn_model) m = nn_model_compile (g, 6, 0, &error);
      g_autoptr (nn_optimizer) opt = NULL;
      g_autofree float *want = NULL, *losses = NULL;
      nn_optimizer_config oc;
      nn_optimizer_kind kind;
      nn_schedule sched = { NN_SCHEDULE_CONSTANT };
      float d_out[6 * 3];
      int steps = (int) json_object_get_int_member (tc, "steps");
      double lr = json_object_get_double_member (tc, "lr");
      double clip = json_object_get_double_member_with_default (tc, "clip", 0);
      gsize n;
      float *w, *grad;

      g_test_message ("case %s", name);
      g_assert_no_error (error);
      w = nn_model_weights (m, &n);
      grad = nn_model_grads (m, NULL);
      g_assert_cmpuint (n, ==, n_init);
      memcpy (w, init, n * sizeof (float));

      g_assert_true (
        nn_optimizer_from_id (json_object_get_string_member (tc, "optimizer"), &kind, NULL));
      nn_optimizer_config_init (&oc, kind);
      oc.momentum = json_object_get_double_member_with_default (tc, "momentum", 0);
      oc.nesterov = json_object_get_boolean_member_with_default (tc, "nesterov", FALSE);
      oc.weight_decay = json_object_get_double_member_with_default (tc, "weight_decay", 0);
      opt = nn_optimizer_new (&oc, n, nn_model_decay_mask (m), &error);
      g_assert_no_error (error);
      if (json_object_has_member (tc, "schedule"))
        g_assert_true (
          nn_schedule_from_id (json_object_get_string_member (tc, "schedule"), &sched.kind, NULL));
      sched.step_size = (int) json_object_get_int_member_with_default (tc, "step_size", 10);
      sched.gamma = json_object_get_double_member_with_default (tc, "gamma", 0.1);
      sched.total = steps;

      losses = floats (tc, "losses", NULL);
      for (int s = 0; s < steps; s++)
        {
          double loss;
          nn_model_forward (m, x, 6, TRUE, NULL);
          loss =
            nn_loss_compute (NN_LOSS_CROSS_ENTROPY, nn_model_output (m), 6, 3, labels, NULL, d_out);
          g_assert_cmpfloat_with_epsilon (loss, losses[s], 1e-5 * fmax (1, fabs (losses[s])));
          nn_model_backward (m, d_out, 6, FALSE);
          if (clip > 0)
            nn_clip_grad_norm (grad, n, clip);
          nn_optimizer_step (opt, w, grad, nn_schedule_lr (&sched, lr, s));
        }
      g_assert_cmpint (nn_optimizer_steps (opt), ==, steps);
      want = floats (tc, "weights", NULL);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (w[i], want[i], 1e-5 + 1e-4 * fabs (want[i]));
    }
}

static void
test_clip (void)
{
  float g[2] = { 3.0f, 4.0f };

  g_assert_cmpfloat_with_epsilon (nn_clip_grad_norm (g, 2, 10.0), 5.0, 1e-9);
  g_assert_cmpfloat (g[0], ==, 3.0f);
  g_assert_cmpfloat_with_epsilon (nn_clip_grad_norm (g, 2, 1.0), 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (g[0], 0.6, 1e-6);
  g_assert_cmpfloat_with_epsilon (g[1], 0.8, 1e-6);
}

static void
test_schedules (void)
{
  nn_schedule step = { NN_SCHEDULE_STEP, .step_size = 3, .gamma = 0.5 };
  nn_schedule cosine = { NN_SCHEDULE_COSINE, .total = 10 };
  nn_schedule constant = { NN_SCHEDULE_CONSTANT };

  g_assert_cmpfloat (nn_schedule_lr (&constant, 0.1, 7), ==, 0.1);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&step, 1.0, 2), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&step, 1.0, 3), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&step, 1.0, 7), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&cosine, 1.0, 0), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&cosine, 1.0, 5), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_schedule_lr (&cosine, 1.0, 10), 0.0, 1e-12);
}

static void
test_bad_settings (void)
{
  nn_optimizer_config c;
  g_autoptr (GError) error = NULL;
  nn_optimizer_kind kind;

  nn_optimizer_config_init (&c, NN_OPTIMIZER_SGD);
  c.nesterov = TRUE;
  g_assert_null (nn_optimizer_new (&c, 4, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "momentum"));
  g_clear_error (&error);
  nn_optimizer_config_init (&c, NN_OPTIMIZER_ADAM);
  c.beta2 = 1.5;
  g_assert_null (nn_optimizer_new (&c, 4, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (nn_optimizer_from_id ("lion", &kind, &error));
  g_assert_nonnull (strstr (error->message, "lion"));
}

/* Weight decay touches only weights the mask marks. */
static void
test_decay_mask (void)
{
  nn_optimizer_config c;
  guint8 mask[2] = { 1, 0 };
  float w[2] = { 1.0f, 1.0f }, g[2] = { 0.0f, 0.0f };
  g_autoptr (nn_optimizer) o = NULL;

  nn_optimizer_config_init (&c, NN_OPTIMIZER_SGD);
  c.weight_decay = 0.5;
  o = nn_optimizer_new (&c, 2, mask, NULL);
  nn_optimizer_step (o, w, g, 1.0);
  g_assert_cmpfloat_with_epsilon (w[0], 0.5, 1e-7);
  g_assert_cmpfloat (w[1], ==, 1.0f);
}

/* n weights and a gradient that changes with the step, so moments differ
 * from weight to weight and step to step. */
#define STATE_N 7

static void
fake_grad (float *g, int step)
{
  for (int i = 0; i < STATE_N; i++)
    g[i] = (float) sin (0.7 * i + 1.3 * step) * (float) (i + 1);
}

/* An optimizer stopped after 3 steps and another set to its state make the
 * same next steps as one that never stopped, for every kind. */
static void
test_state_resumes (void)
{
  const nn_optimizer_kind kinds[] = { NN_OPTIMIZER_SGD, NN_OPTIMIZER_ADAM, NN_OPTIMIZER_ADAMW,
                                      NN_OPTIMIZER_RMSPROP };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_optimizer) a = NULL, b = NULL;
      nn_optimizer_config c;
      nn_optimizer_state s;
      float wa[STATE_N], wb[STATE_N], g[STATE_N];

      nn_optimizer_config_init (&c, kinds[k]);
      c.momentum = kinds[k] == NN_OPTIMIZER_ADAM || kinds[k] == NN_OPTIMIZER_ADAMW ? 0.0 : 0.9;
      a = nn_optimizer_new (&c, STATE_N, NULL, &error);
      b = nn_optimizer_new (&c, STATE_N, NULL, &error);
      g_assert_no_error (error);
      for (int i = 0; i < STATE_N; i++)
        wa[i] = (float) i / 3.0f - 1.0f;
      for (int step = 0; step < 3; step++)
        {
          fake_grad (g, step);
          nn_optimizer_step (a, wa, g, 0.01);
        }
      nn_optimizer_get_state (a, &s);
      g_assert_cmpint (s.kind, ==, kinds[k]);
      g_assert_cmpint (s.steps, ==, 3);
      g_assert_cmpuint (s.n, ==, STATE_N);
      g_assert_nonnull (s.m);
      g_assert_true ((s.v != NULL) == (kinds[k] != NN_OPTIMIZER_SGD));
      g_assert_true (nn_optimizer_set_state (b, &s, &error));
      g_assert_no_error (error);
      g_assert_cmpint (nn_optimizer_steps (b), ==, 3);
      memcpy (wb, wa, sizeof wa);
      for (int step = 3; step < 6; step++)
        {
          fake_grad (g, step);
          nn_optimizer_step (a, wa, g, 0.01);
          nn_optimizer_step (b, wb, g, 0.01);
        }
      g_assert_cmpmem (wa, sizeof wa, wb, sizeof wb);
    }
}

/* Adam's state cannot go on as SGD's: SGD starts fresh. State for another
 * number of weights is refused and changes nothing. */
static void
test_state_mismatch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_optimizer) adam = NULL, sgd = NULL, small = NULL;
  nn_optimizer_config c;
  nn_optimizer_state s;
  float w[STATE_N] = { 0 }, g[STATE_N];

  nn_optimizer_config_init (&c, NN_OPTIMIZER_ADAM);
  adam = nn_optimizer_new (&c, STATE_N, NULL, &error);
  small = nn_optimizer_new (&c, STATE_N - 1, NULL, &error);
  nn_optimizer_config_init (&c, NN_OPTIMIZER_SGD);
  c.momentum = 0.9;
  sgd = nn_optimizer_new (&c, STATE_N, NULL, &error);
  g_assert_no_error (error);
  fake_grad (g, 0);
  nn_optimizer_step (adam, w, g, 0.1);
  nn_optimizer_step (sgd, w, g, 0.1);
  nn_optimizer_step (small, w, g, 0.1);

  nn_optimizer_get_state (adam, &s);
  g_assert_true (nn_optimizer_set_state (sgd, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_optimizer_steps (sgd), ==, 0);
  nn_optimizer_get_state (sgd, &s);
  for (int i = 0; i < STATE_N; i++)
    g_assert_cmpfloat (s.m[i], ==, 0.0f);

  nn_optimizer_get_state (adam, &s);
  g_assert_false (nn_optimizer_set_state (small, &s, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_cmpint (nn_optimizer_steps (small), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/optimizer/torch-steps", test_torch_steps);
  g_test_add_func ("/engine/optimizer/clip-grad-norm", test_clip);
  g_test_add_func ("/engine/optimizer/schedules", test_schedules);
  g_test_add_func ("/engine/optimizer/bad-settings", test_bad_settings);
  g_test_add_func ("/engine/optimizer/decay-mask", test_decay_mask);
  g_test_add_func ("/engine/optimizer/state-resumes", test_state_resumes);
  g_test_add_func ("/engine/optimizer/state-mismatch", test_state_mismatch);
  return g_test_run ();
}
