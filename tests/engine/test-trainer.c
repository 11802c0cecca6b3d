/* test-trainer.c — training runs: events, determinism, the divergence
 * guard, early stopping, and the worker thread's state machine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "templates.h"
#include "trainer.h"

static nn_dataset *
xor_data (int samples)
{
  nn_data_options o = { .samples = samples, .noise = -1, .seed = 3 };
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

typedef struct
{
  int batches, epochs, done;
  nn_done_reason reason;
  double last_loss;
  GArray *val_losses; /* double */
  GArray *train_losses;
  gint64 confusion_total;
  double test_mae, test_accuracy;
  char *message;
} Tally;

static void
tally_init (Tally *t)
{
  memset (t, 0, sizeof *t);
  t->val_losses = g_array_new (FALSE, FALSE, sizeof (double));
  t->train_losses = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
tally_clear (Tally *t)
{
  g_array_unref (t->val_losses);
  g_array_unref (t->train_losses);
  g_free (t->message);
}

static void
count (const nn_train_event *e, gpointer data)
{
  Tally *t = data;

  switch (e->kind)
    {
      case NN_EVENT_BATCH:
        t->batches++;
        t->last_loss = e->loss;
        g_assert_cmpint (e->batch, <, e->batches_per_epoch);
        g_assert_true (isfinite (e->eta_s));
        break;
      case NN_EVENT_EPOCH:
        t->epochs++;
        g_assert_cmpint (e->epoch, ==, t->epochs);
        g_array_append_val (t->val_losses, e->val_loss);
        g_array_append_val (t->train_losses, e->loss);
        break;
      case NN_EVENT_DONE:
        t->done++;
        t->reason = e->reason;
        g_free (t->message);
        t->message = g_strdup (e->message);
        t->test_mae = e->test_mae;
        t->test_accuracy = e->test_accuracy;
        t->confusion_total = 0;
        for (int i = 0; i < e->n_classes * e->n_classes; i++)
          t->confusion_total += e->confusion[i];
        break;
      case NN_EVENT_ERROR:
        g_assert_not_reached ();
    }
}

static void
config (nn_trainer_config *c, const char *template, const nn_dataset *ds)
{
  nn_trainer_config_init (c);
  nn_template_apply_config (nn_template_lookup (template), ds, c);
  c->threads = 1;
}

static void
test_fit_events (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  const nn_split *split;
  Tally tally;

  config (&c, "tiny-mlp", ds);
  c.epochs = 3;
  c.batch = 16;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  split = nn_trainer_get_split (t);
  g_assert_cmpint (split->n_train + split->n_val + split->n_test, ==, 200);
  g_assert_cmpint (abs (split->n_test - 40), <=, 1);
  tally_init (&tally);
  g_assert_true (nn_trainer_fit (t, count, &tally, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tally.batches, ==, 3 * ((split->n_train + 15) / 16));
  g_assert_cmpint (tally.epochs, ==, 3);
  g_assert_cmpint (tally.done, ==, 1);
  g_assert_cmpint (tally.reason, ==, NN_DONE_FINISHED);
  g_assert_cmpint (tally.confusion_total, ==, split->n_test);
  g_assert_true (nn_trainer_is_done (t));
  g_assert_false (nn_trainer_step (t, count, &tally));
  tally_clear (&tally);
}

/* Same seed and threads: the same numbers, bit for bit. */
static void
test_deterministic (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  const nn_node *relu = nn_graph_lookup_name (g, "relu1");
  const nn_node *head = nn_graph_lookup_name (g, "dense2");
  int drop = nn_graph_add_node (g, nn_layer_lookup ("dropout"));
  nn_trainer_config c;
  float *w[3];
  gsize n[3];
  double loss[3];

  /* relu1 → dropout1 → dense2, so the dropout stream matters too */
  g_assert_true (nn_graph_disconnect (g, relu->id, head->id));
  g_assert_true (nn_graph_connect (g, relu->id, drop, -1, NULL));
  g_assert_true (nn_graph_connect (g, drop, head->id, -1, NULL));
  config (&c, "mlp", ds);
  c.epochs = 2;
  c.batch = 10;
  for (int run = 0; run < 3; run++)
    {
      g_autoptr (nn_trainer) t = NULL;
      Tally tally;

      c.seed = run < 2 ? 11 : 12;
      t = nn_trainer_new (g, ds, &c, NULL);
      tally_init (&tally);
      nn_trainer_fit (t, count, &tally, NULL, NULL);
      loss[run] = tally.last_loss;
      w[run] = nn_trainer_snapshot_weights (t, &n[run]);
      tally_clear (&tally);
    }
  g_assert_cmpfloat (loss[0], ==, loss[1]);
  g_assert_cmpmem (w[0], n[0] * sizeof (float), w[1], n[1] * sizeof (float));
  g_assert_true (memcmp (w[0], w[2], n[0] * sizeof (float)) != 0);
  for (int i = 0; i < 3; i++)
    nn_free_floats (w[i]);
}

static gboolean
all_finite (nn_model *m)
{
  gsize n;
  float *w = nn_model_weights (m, &n);

  for (gsize i = 0; i < n; i++)
    if (!isfinite (w[i]))
      return FALSE;
  return TRUE;
}

static void
test_diverged (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  Tally tally;

  config (&c, "mlp", ds);
  c.optimizer = NN_OPTIMIZER_SGD;
  c.lr = 1e6;
  c.epochs = 20;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  tally_init (&tally);
  g_assert_false (nn_trainer_fit (t, count, &tally, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DIVERGED);
  g_assert_cmpint (tally.reason, ==, NN_DONE_DIVERGED);
  g_assert_cmpint (tally.done, ==, 1);
  g_test_message ("%s", tally.message);
  g_assert_nonnull (strstr (tally.message, "learning rate"));
  g_assert_nonnull (strstr (tally.message, "100000"));
  g_assert_true (all_finite (nn_trainer_get_model (t)));
  tally_clear (&tally);
}

static void
test_early_stopping (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  nn_trainer_config c;
  const nn_split *split;
  nn_metrics m;
  double best = INFINITY, now;
  Tally tally;

  config (&c, "mlp", ds);
  c.epochs = 500;
  c.lr = 0.05;
  c.patience = 3;
  c.val_fraction = 0.3;
  t = nn_trainer_new (g, ds, &c, NULL);
  tally_init (&tally);
  g_assert_true (nn_trainer_fit (t, count, &tally, NULL, NULL));
  g_assert_cmpint (tally.reason, ==, NN_DONE_EARLY_STOPPED);
  g_assert_cmpint (tally.epochs, <, 500);
  for (guint i = 0; i < tally.val_losses->len; i++)
    best = MIN (best, g_array_index (tally.val_losses, double, i));
  /* the best epoch's weights are back */
  split = nn_trainer_get_split (t);
  nn_metrics_init (&m, ds->task, ds->n_classes, 0);
  now = nn_model_evaluate (nn_trainer_get_model (t), ds, split->val, split->n_val, c.loss, &m);
  g_assert_cmpfloat_with_epsilon (now, best, 1e-9);
  nn_metrics_clear (&m);
  tally_clear (&tally);
}

static void
test_input_mismatch (void)
{
  g_autoptr (nn_dataset) ds = xor_data (100);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", NULL, NULL);
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;

  config (&c, "mlp", ds);
  g_assert_null (nn_trainer_new (g, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Input"));
  g_clear_error (&error);

  c.lr = -1;
  g_clear_pointer (&g, nn_graph_free);
  g = nn_template_build ("mlp", ds, NULL);
  g_assert_null (nn_trainer_new (g, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

/* y = 2·a − b + 0.5 on 300 points: a regression set built by hand. */
static nn_dataset *
linear_data (void)
{
  nn_dataset *ds = g_new0 (nn_dataset, 1);
  nn_rng rng;

  ds->spec = g_strdup ("linear");
  ds->name = g_strdup ("linear");
  ds->source = g_strdup ("test-trainer.c");
  ds->task = NN_TASK_REGRESS;
  ds->store = NN_STORE_F32;
  ds->input_shape = nn_shape_1d (2);
  ds->n_samples = ds->n_train = 300;
  ds->target_size = 1;
  ds->f32 = g_new (float, 600);
  ds->targets = g_new (float, 300);
  nn_rng_seed (&rng, 5, 0);
  for (int i = 0; i < 300; i++)
    {
      float a = nn_rng_uniform (&rng) * 4 - 2, b = nn_rng_uniform (&rng) * 4 - 2;
      ds->f32[2 * i] = a;
      ds->f32[2 * i + 1] = b;
      ds->targets[i] = 2 * a - b + 0.5f;
    }
  return ds;
}

static void
test_regression (void)
{
  g_autoptr (nn_dataset) ds = linear_data ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, &error);
  g_autoptr (nn_trainer) t = NULL;
  nn_trainer_config c;
  Tally tally;

  g_assert_no_error (error);
  config (&c, "mlp", ds);
  g_assert_cmpint (c.loss, ==, NN_LOSS_MSE);
  c.epochs = 40;
  c.lr = 0.01;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  tally_init (&tally);
  g_assert_true (nn_trainer_fit (t, count, &tally, NULL, &error));
  g_test_message ("test MAE %g", tally.test_mae);
  g_assert_cmpfloat (tally.test_mae, <, 0.1);
  g_assert_true (isnan (tally.test_accuracy));
  g_assert_cmpint (tally.confusion_total, ==, 0);
  tally_clear (&tally);

  /* cross-entropy makes no sense for numbers: said before training */
  c.loss = NN_LOSS_CROSS_ENTROPY;
  g_clear_pointer (&t, nn_trainer_free);
  g_assert_null (nn_trainer_new (g, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

/* --- Worker thread ------------------------------------------------------ */

typedef struct
{
  gint notified;
} Notify;

static void
on_notify (gpointer data)
{
  Notify *n = data;

  g_atomic_int_inc (&n->notified);
}

/* Drains events into the tally until `pred` holds or 10 s pass. */
static gboolean
drain_until (nn_trainer *t, Tally *tally, gboolean (*pred) (Tally *, int), int arg)
{
  for (int i = 0; i < 1000; i++)
    {
      g_autoptr (GPtrArray) events = nn_trainer_pop_events (t);
      for (guint k = 0; k < events->len; k++)
        count (events->pdata[k], tally);
      if (pred (tally, arg))
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

static gboolean
batches_at_least (Tally *t, int n)
{
  return t->batches >= n;
}

static void
test_thread (void)
{
  g_autoptr (nn_dataset) ds = xor_data (400);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  nn_trainer_config c;
  Notify notify = { 0 };
  Tally tally;
  float *snap;
  gsize n;
  int seen;

  config (&c, "mlp", ds);
  c.epochs = 100000; /* only stop ends it */
  c.batch = 4;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  tally_init (&tally);

  g_assert_true (nn_trainer_start (t, TRUE, on_notify, &notify, &error));
  g_assert_no_error (error);
  g_assert_false (nn_trainer_start (t, FALSE, NULL, NULL, NULL));
  g_assert_true (nn_trainer_is_running (t));
  g_assert_true (nn_trainer_is_paused (t));

  /* paused: nothing happens until a single step */
  g_usleep (50000);
  events = nn_trainer_pop_events (t);
  g_assert_cmpuint (events->len, ==, 0);
  nn_trainer_step_paused (t);
  g_assert_true (drain_until (t, &tally, batches_at_least, 1));
  g_usleep (50000);
  drain_until (t, &tally, batches_at_least, 1);
  g_assert_cmpint (tally.batches, ==, 1);
  g_assert_cmpint (g_atomic_int_get (&notify.notified), >=, 1);

  /* resume: batches flow; snapshots can be taken meanwhile */
  nn_trainer_resume (t);
  g_assert_false (nn_trainer_is_paused (t));
  g_assert_true (drain_until (t, &tally, batches_at_least, 20));
  snap = nn_trainer_snapshot_weights (t, &n);
  g_assert_nonnull (snap);
  g_assert_cmpuint (n, ==, nn_model_snapshot_size (nn_trainer_get_model (t)));
  nn_free_floats (snap);

  /* pause takes effect within the batch in progress, and holds */
  nn_trainer_pause (t);
  drain_until (t, &tally, batches_at_least, 0);
  seen = tally.batches;
  g_usleep (200000);
  drain_until (t, &tally, batches_at_least, 0);
  g_assert_cmpint (tally.batches, <=, seen + 1);
  g_assert_true (nn_trainer_is_paused (t));

  /* stop: joins, and a done event says so */
  nn_trainer_resume (t);
  nn_trainer_stop (t);
  g_assert_false (nn_trainer_is_running (t));
  drain_until (t, &tally, batches_at_least, 0);
  g_assert_cmpint (tally.done, ==, 1);
  g_assert_cmpint (tally.reason, ==, NN_DONE_STOPPED);
  g_assert_true (nn_trainer_is_done (t));
  nn_trainer_stop (t);
  tally_clear (&tally);
}

/* Freeing a running trainer stops and joins it. */
static void
test_free_while_running (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  nn_trainer *t;
  nn_trainer_config c;

  config (&c, "mlp", ds);
  c.epochs = 100000;
  t = nn_trainer_new (g, ds, &c, NULL);
  g_assert_true (nn_trainer_start (t, FALSE, NULL, NULL, NULL));
  g_usleep (20000);
  nn_trainer_free (t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/trainer/fit-events", test_fit_events);
  g_test_add_func ("/engine/trainer/deterministic", test_deterministic);
  g_test_add_func ("/engine/trainer/diverged", test_diverged);
  g_test_add_func ("/engine/trainer/early-stopping", test_early_stopping);
  g_test_add_func ("/engine/trainer/input-mismatch", test_input_mismatch);
  g_test_add_func ("/engine/trainer/regression", test_regression);
  g_test_add_func ("/engine/trainer/thread-state-machine", test_thread);
  g_test_add_func ("/engine/trainer/free-while-running", test_free_while_running);
  return g_test_run ();
}
