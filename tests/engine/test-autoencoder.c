/* test-autoencoder.c — training with the input as the target: the loss
 * falls, the test loss is the reconstruction error the window's
 * reconstructions show, runs repeat, and mistakes are explained. Data:
 * tests/fixtures/generative/bars-images.idx (make-bars.py). */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "templates.h"
#include "trainer.h"

static nn_dataset *
bars (void)
{
  g_autofree char *path = test_fixture_path ("generative/bars-images.idx");
  g_autofree char *spec = g_strconcat ("idx:", path, NULL);
  g_autoptr (GError) error = NULL;
  nn_data_options o = { 0 };
  nn_dataset *ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

/* 1×8×8 → 16 → 64 values → the image's shape again */
static nn_graph *
small_autoencoder (int out_units)
{
  nn_graph *g = nn_graph_new ();
  const char *kinds[] = { "input", "flatten", "dense", "relu", "dense", "sigmoid" };
  int prev = -1;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      int id = nn_graph_add_node (g, nn_layer_lookup (kinds[i]));
      if (prev >= 0)
        g_assert_true (nn_graph_connect (g, prev, id, -1, NULL));
      prev = id;
    }
  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "input1")->id, "height", 8, NULL));
  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "input1")->id, "width", 8, NULL));
  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "dense1")->id, "units", 16, NULL));
  g_assert_true (
    nn_graph_set_param (g, nn_graph_lookup_name (g, "dense2")->id, "units", out_units, NULL));
  return g;
}

static void
config (nn_trainer_config *c)
{
  nn_trainer_config_init (c);
  c->mode = NN_MODE_AUTOENCODER;
  c->loss = NN_LOSS_MSE;
  c->lr = 0.01;
  c->batch = 16;
  c->epochs = 30;
  c->seed = 4;
  c->threads = 1;
}

typedef struct
{
  GArray *losses; /* epoch training losses */
  double val_loss, test_loss, test_accuracy, test_mae, batch_accuracy;
} Run;

static void
collect (const nn_train_event *e, gpointer data)
{
  Run *r = data;

  if (e->kind == NN_EVENT_BATCH)
    r->batch_accuracy = e->accuracy;
  else if (e->kind == NN_EVENT_EPOCH)
    {
      g_array_append_val (r->losses, e->loss);
      r->val_loss = e->val_loss;
      g_assert_true (isnan (e->accuracy));
      g_assert_true (isnan (e->d_loss));
    }
  else if (e->kind == NN_EVENT_DONE)
    {
      r->test_loss = e->test_loss;
      r->test_accuracy = e->test_accuracy;
      r->test_mae = e->test_mae;
      g_assert_cmpint (e->n_classes, ==, 0);
    }
}

static nn_trainer *
train (nn_dataset *ds, nn_graph *g, Run *r)
{
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  nn_trainer *t;

  config (&c);
  r->losses = g_array_new (FALSE, FALSE, sizeof (double));
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t, collect, r, NULL, &error));
  g_assert_no_error (error);
  return t;
}

/* The reconstruction error falls well below what an untrained model
 * makes, on training, validation and test samples alike. */
static void
test_loss_falls (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = small_autoencoder (64);
  g_autoptr (nn_trainer) t = NULL;
  Run r = { 0 };
  double first, last;

  t = train (ds, g, &r);
  first = g_array_index (r.losses, double, 0);
  last = g_array_index (r.losses, double, r.losses->len - 1);
  g_test_message ("loss %g → %g, val %g, test %g", first, last, r.val_loss, r.test_loss);
  g_assert_cmpfloat (last, <, 0.5 * first);
  g_assert_cmpfloat (r.val_loss, <, 0.5 * first);
  g_assert_cmpfloat (r.test_loss, <, 0.5 * first);
  g_assert_true (isnan (r.test_accuracy));
  g_assert_true (isnan (r.batch_accuracy));
  g_assert_true (isfinite (r.test_mae));
  g_array_unref (r.losses);
}

/* nn_trainer_reconstruct shows what the test loss measured: the MSE of
 * the reconstructions against the images is the done event's test loss. */
static void
test_reconstruct_matches_test_loss (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = small_autoencoder (64);
  g_autoptr (nn_trainer) t = NULL;
  const nn_split *split;
  Run r = { 0 };
  g_autofree float *x = NULL, *out = NULL;
  double sum = 0.0;
  gsize size = nn_dataset_input_size (ds), values;

  t = train (ds, g, &r);
  split = nn_trainer_get_split (t);
  g_assert_cmpint (split->n_test, >, 0);
  values = size * split->n_test;
  x = g_new (float, values);
  out = g_new (float, values);
  nn_dataset_gather (ds, split->test, split->n_test, x, NULL, NULL);
  g_assert_true (nn_trainer_reconstruct (t, split->test, split->n_test, out));
  for (gsize i = 0; i < values; i++)
    {
      g_assert_cmpfloat (out[i], >=, 0.0f);
      g_assert_cmpfloat (out[i], <=, 1.0f);
      sum += (out[i] - x[i]) * (out[i] - x[i]);
    }
  g_assert_cmpfloat_with_epsilon (sum / values, r.test_loss, 1e-6);
  g_array_unref (r.losses);
}

/* The same seed gives the same run. */
static void
test_deterministic (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = small_autoencoder (64);
  g_autoptr (nn_trainer) a = NULL, b = NULL;
  Run ra = { 0 }, rb = { 0 };

  a = train (ds, g, &ra);
  b = train (ds, g, &rb);
  g_assert_cmpfloat (ra.test_loss, ==, rb.test_loss);
  g_assert_cmpfloat (g_array_index (ra.losses, double, 0), ==,
                     g_array_index (rb.losses, double, 0));
  g_array_unref (ra.losses);
  g_array_unref (rb.losses);
}

static void
test_mistakes_explained (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) wrong_size = small_autoencoder (10);
  g_autoptr (nn_graph) g = small_autoencoder (64);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_trainer) supervised = NULL;
  nn_trainer_config c;
  float out[64];
  int idx = 0;

  config (&c);
  g_assert_null (nn_trainer_new (wrong_size, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "has 10 outputs"));
  g_assert_nonnull (strstr (error->message, "set the last layer to 64 units"));
  g_clear_error (&error);

  c.loss = NN_LOSS_CROSS_ENTROPY;
  g_assert_null (nn_trainer_new (g, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not cross-entropy"));
  g_clear_error (&error);

  /* reconstructions are an autoencoder's only */
  config (&c);
  c.mode = NN_MODE_SUPERVISED;
  supervised = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  g_assert_false (nn_trainer_reconstruct (supervised, &idx, 1, out));
}

/* The templates rebuild the data's shape and ask for autoencoder mode and
 * MSE, whatever the data's task. */
static void
test_templates (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  nn_trainer_config c;
  const char *ids[] = { "autoencoder", "conv-autoencoder" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_graph) g = nn_template_build (ids[i], ds, &error);
      g_autoptr (nn_model) m = NULL;

      g_assert_no_error (error);
      m = nn_model_compile (g, 2, 0, &error);
      g_assert_no_error (error);
      g_assert_true (nn_shape_equal (nn_model_output_shape (m), &ds->input_shape));
      nn_trainer_config_init (&c);
      nn_template_apply_config (nn_template_lookup (ids[i]), ds, &c);
      g_assert_cmpint (c.mode, ==, NN_MODE_AUTOENCODER);
      g_assert_cmpint (c.loss, ==, NN_LOSS_MSE);
    }
  {
    /* 784-256-64-256-784 */
    g_autoptr (nn_graph) g = nn_template_build ("autoencoder", NULL, NULL);
    nn_graph_report r;

    g_assert_true (nn_graph_infer (g, &r));
    g_assert_cmpuint (r.total_params, ==,
                      784 * 256 + 256 + 256 * 64 + 64 + 64 * 256 + 256 + 256 * 784 + 784);
    nn_graph_report_clear (&r);
  }
}

/* Augmented batches are seeded too: the same seed gives the same weights,
 * and augmenting changes what is learnt. */
static void
test_augmentation (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = small_autoencoder (64);
  float *w[3];
  gsize n[3];

  for (int run = 0; run < 3; run++)
    {
      g_autoptr (nn_trainer) t = NULL;
      nn_trainer_config c;

      nn_trainer_config_init (&c);
      c.mode = NN_MODE_AUTOENCODER;
      c.loss = NN_LOSS_MSE;
      c.epochs = 2;
      c.batch = 16;
      c.threads = 1;
      if (run < 2)
        c.augment = (nn_augment){ .flip = TRUE, .shift = 1, .noise = 0.05 };
      t = nn_trainer_new (g, ds, &c, NULL);
      g_assert_nonnull (t);
      g_assert_true (nn_trainer_fit (t, NULL, NULL, NULL, NULL));
      w[run] = nn_trainer_snapshot_weights (t, &n[run]);
    }
  g_assert_cmpmem (w[0], n[0] * sizeof (float), w[1], n[1] * sizeof (float));
  g_assert_true (memcmp (w[0], w[2], n[0] * sizeof (float)) != 0);
  for (int i = 0; i < 3; i++)
    nn_free_floats (w[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/autoencoder/loss-falls", test_loss_falls);
  g_test_add_func ("/engine/autoencoder/reconstruct-matches-test-loss",
                   test_reconstruct_matches_test_loss);
  g_test_add_func ("/engine/autoencoder/deterministic", test_deterministic);
  g_test_add_func ("/engine/autoencoder/mistakes-explained", test_mistakes_explained);
  g_test_add_func ("/engine/autoencoder/templates", test_templates);
  g_test_add_func ("/engine/autoencoder/augmentation", test_augmentation);
  return g_test_run ();
}
