/* trainer.c — one training run: the mini-batch step and the synchronous
 * fit loop on top of it. The worker thread the window drives is in
 * trainer-worker.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "kernels/threads.h"
#include "trainer-private.h"

/* How often, in batches, the divergence guard keeps a copy of good weights
 * (besides every epoch end): often enough to lose little work, rarely
 * enough to cost nothing. */
#define GOOD_EVERY 50

void
nn_trainer_config_init (nn_trainer_config *c)
{
  *c = (nn_trainer_config){
    .loss = NN_LOSS_CROSS_ENTROPY,
    .optimizer = NN_OPTIMIZER_ADAM,
    .lr = 0.001,
    .schedule = NN_SCHEDULE_CONSTANT,
    .step_size = 10,
    .gamma = 0.1,
    .batch = 32,
    .epochs = 10,
    .val_fraction = 0.1,
    .test_fraction = 0.2,
  };
}

/* --- Events ------------------------------------------------------------- */

void
_nn_trainer_event_init (nn_train_event *e, nn_event_kind kind)
{
  *e = (nn_train_event){
    .kind = kind,
    .loss = NAN,
    .accuracy = NAN,
    .val_loss = NAN,
    .val_accuracy = NAN,
    .samples_per_s = NAN,
    .eta_s = NAN,
    .seconds = NAN,
    .lr = NAN,
    .test_loss = NAN,
    .test_accuracy = NAN,
    .test_mae = NAN,
    .d_loss = NAN,
    .g_loss = NAN,
  };
}

static void
event_clear (nn_train_event *e)
{
  g_clear_pointer (&e->confusion, g_free);
  g_clear_pointer (&e->precision, g_free);
  g_clear_pointer (&e->recall, g_free);
  g_clear_pointer (&e->message, g_free);
}

nn_train_event *
nn_train_event_copy (const nn_train_event *e)
{
  nn_train_event *copy = g_memdup2 (e, sizeof *e);
  gsize k = (gsize) MAX (e->n_classes, 0);

  copy->confusion = e->confusion ? g_memdup2 (e->confusion, k * k * sizeof (gint64)) : NULL;
  copy->precision = e->precision ? g_memdup2 (e->precision, k * sizeof (double)) : NULL;
  copy->recall = e->recall ? g_memdup2 (e->recall, k * sizeof (double)) : NULL;
  copy->message = g_strdup (e->message);
  return copy;
}

void
nn_train_event_free (nn_train_event *e)
{
  if (e == NULL)
    return;
  event_clear (e);
  g_free (e);
}

/* --- Setting up --------------------------------------------------------- */

static gboolean
check_config (const nn_trainer_config *c, GError **error)
{
  const char *what = NULL;

  if (c->batch < 1)
    what = _ ("The batch size must be at least 1");
  else if (c->epochs < 1)
    what = _ ("Train for at least 1 epoch");
  else if (!isfinite (c->lr) || c->lr <= 0)
    what = _ ("The learning rate must be a number above 0, e.g. 0.001");
  else if (!(c->val_fraction >= 0 && c->val_fraction < 1 && c->test_fraction >= 0 &&
             c->test_fraction < 1))
    what = _ ("The validation and test fractions must be between 0 and 1");
  else if (!isfinite (c->clip_norm) || c->clip_norm < 0)
    what = _ ("The gradient clipping norm must be 0 (off) or above");
  else if (c->patience < 0 || c->limit < 0 || c->threads < 0)
    what = _ ("Patience, limit and threads cannot be negative");
  else if (c->schedule == NN_SCHEDULE_STEP && (c->step_size < 1 || !(c->gamma > 0)))
    what = _ ("A step schedule needs a step size of at least 1 epoch and a factor above 0");
  if (what == NULL)
    return TRUE;
  g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID, what);
  return FALSE;
}

static gboolean
check_data (nn_trainer *t, GError **error)
{
  const nn_dataset *ds = t->ds;
  gsize model_in = nn_model_input_size (t->model), data_in = nn_dataset_input_size (ds);

  /* a NaN in the input would surface later as a "diverged" run */
  if (ds->quality.missing_values > 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s has %d missing value: fill it in or drop its row before "
                                "training",
                                "%s has %d missing values: fill them in or drop their rows "
                                "before training",
                                ds->quality.missing_values),
                   ds->name, ds->quality.missing_values);
      return FALSE;
    }
  if (model_in != data_in)
    {
      g_autofree char *ms = nn_shape_to_string (nn_model_input_shape (t->model));
      g_autofree char *dsh = nn_shape_to_string (&ds->input_shape);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The model's input is %s (%lu values) but the samples of "
                      "%s are %s (%lu values): set the Input layer to %s"),
                   ms, (unsigned long) model_in, ds->name, dsh, (unsigned long) data_in, dsh);
      return FALSE;
    }
  if (t->c.mode == NN_MODE_AUTOENCODER)
    {
      if (t->c.loss == NN_LOSS_CROSS_ENTROPY)
        {
          g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                               _ ("An autoencoder compares its output with its input: train it "
                                  "with MSE, MAE or binary cross-entropy, not cross-entropy"));
          return FALSE;
        }
      if ((gsize) t->k != data_in)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("An autoencoder rebuilds its input, so it needs one output per input "
                          "value: the model has %d outputs, the samples of %s have %lu values — "
                          "set the last layer to %lu units"),
                       t->k, ds->name, (unsigned long) data_in, (unsigned long) data_in);
          return FALSE;
        }
      return TRUE;
    }
  return nn_loss_check (t->c.loss, ds->task, ds->n_classes, ds->target_size, (gsize) t->k, error);
}

nn_trainer *
_nn_trainer_alloc (nn_dataset *ds, const nn_trainer_config *c, GError **error)
{
  nn_trainer *t;

  if (!check_config (c, error))
    return NULL;

  nn_threads_set (c->threads);
  t = g_new0 (nn_trainer, 1);
  t->c = *c;
  t->ds = ds;
  g_mutex_init (&t->lock);
  g_mutex_init (&t->events_lock);
  t->commands = g_async_queue_new ();
  t->events = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_train_event_free);
  /* an autoencoder's or a GAN's targets are values, whatever the data's task */
  nn_metrics_init (&t->train_metrics, c->mode == NN_MODE_SUPERVISED ? ds->task : NN_TASK_REGRESS,
                   ds->n_classes, 0.0f);
  return t;
}

gboolean
_nn_trainer_prepare (nn_trainer *t, double val_fraction, GError **error)
{
  const nn_trainer_config *c = &t->c;
  nn_dataset *ds = t->ds;
  nn_optimizer_config oc;
  gsize n_weights, snap;

  if (!nn_split_make (ds, val_fraction, c->test_fraction, c->seed, &t->split, error))
    return FALSE;
  t->n_train = c->limit > 0 ? MIN (c->limit, t->split.n_train) : t->split.n_train;
  t->order = g_memdup2 (t->split.train, sizeof (int) * MAX (t->split.n_train, 1));
  nn_dataset_fit_normalisation (ds, t->split.train, t->split.n_train);

  nn_optimizer_config_init (&oc, c->optimizer);
  oc.momentum = c->momentum;
  oc.nesterov = c->nesterov;
  oc.weight_decay = c->weight_decay;
  /* DCGAN's setting: the default 0.9 makes the two nets oscillate */
  if (c->mode == NN_MODE_GAN)
    oc.beta1 = 0.5;
  nn_model_weights (t->model, &n_weights);
  t->opt = nn_optimizer_new (&oc, n_weights, nn_model_decay_mask (t->model), error);
  if (t->opt == NULL)
    return FALSE;

  t->schedule = (nn_schedule){
    .kind = c->schedule,
    .step_size = c->step_size,
    .gamma = c->gamma,
    .total = c->epochs,
  };
  nn_rng_seed (&t->shuffle_rng, c->seed, 1);
  nn_rng_seed (&t->dropout_rng, c->seed, 2);
  nn_rng_seed (&t->augment_rng, c->seed, 3);

  snap = nn_model_snapshot_size (t->model);
  t->good = nn_alloc_floats (snap);
  t->best = c->patience > 0 ? nn_alloc_floats (snap) : NULL;
  if (t->good == NULL || (c->patience > 0 && t->best == NULL))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory to train with batches of %d samples"), c->batch);
      return FALSE;
    }
  t->batches_per_epoch = (t->n_train + c->batch - 1) / c->batch;
  t->best_val = INFINITY;
  return TRUE;
}

nn_trainer *
nn_trainer_new (const nn_graph *graph, nn_dataset *ds, const nn_trainer_config *c, GError **error)
{
  g_autoptr (nn_trainer) t = NULL;
  gsize in_size = nn_dataset_input_size (ds);
  gboolean autoencode = c->mode == NN_MODE_AUTOENCODER;

  if (c->mode == NN_MODE_GAN)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("A GAN trains two models, a generator and a discriminator: "
                              "start it as a GAN"));
      return NULL;
    }
  t = _nn_trainer_alloc (ds, c, error);
  if (t == NULL)
    return NULL;

  t->model = nn_model_compile (graph, c->batch, c->seed, error);
  if (t->model == NULL)
    return NULL;
  t->fused = c->loss == NN_LOSS_CROSS_ENTROPY && nn_model_has_final_softmax (t->model);
  t->k = (int) nn_model_output_size (t->model);
  /* a single output is a logit under BCE, else (MSE on 0/1) a probability */
  t->threshold = c->loss == NN_LOSS_BCE ? 0.0f : 0.5f;
  t->train_metrics.threshold = t->threshold;
  if (!check_data (t, error))
    return NULL;
  if (!_nn_trainer_prepare (t, c->val_fraction, error))
    return NULL;

  t->x = nn_alloc_floats (in_size * (gsize) c->batch);
  t->y = autoencode                    ? nn_alloc_floats (in_size * (gsize) c->batch)
         : ds->task == NN_TASK_REGRESS ? nn_alloc_floats ((gsize) ds->target_size * c->batch)
                                       : NULL;
  t->d_out = nn_alloc_floats ((gsize) t->k * c->batch);
  t->labels = g_new0 (gint32, c->batch);
  if (t->x == NULL || t->d_out == NULL ||
      ((autoencode || ds->task == NN_TASK_REGRESS) && t->y == NULL))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory to train with batches of %d samples"), c->batch);
      return NULL;
    }
  return g_steal_pointer (&t);
}

void
nn_trainer_free (nn_trainer *t)
{
  if (t == NULL)
    return;
  _nn_trainer_abort_worker (t);
  nn_model_free (t->model);
  nn_optimizer_free (t->opt);
  nn_split_clear (&t->split);
  g_free (t->order);
  nn_free_floats (t->x);
  nn_free_floats (t->y);
  nn_free_floats (t->d_out);
  g_free (t->labels);
  nn_free_floats (t->good);
  nn_free_floats (t->best);
  nn_metrics_clear (&t->train_metrics);
  _nn_trainer_gan_clear (t);
  g_async_queue_unref (t->commands);
  g_ptr_array_unref (t->events);
  g_mutex_clear (&t->lock);
  g_mutex_clear (&t->events_lock);
  g_free (t);
}

const nn_trainer_config *
nn_trainer_get_config (const nn_trainer *t)
{
  return &t->c;
}

const nn_split *
nn_trainer_get_split (const nn_trainer *t)
{
  return &t->split;
}

nn_model *
nn_trainer_get_model (nn_trainer *t)
{
  return t->model;
}

nn_optimizer *
nn_trainer_get_optimizer (nn_trainer *t)
{
  return t->opt;
}

nn_optimizer *
nn_trainer_get_discriminator_optimizer (nn_trainer *t)
{
  return t->c.mode == NN_MODE_GAN ? t->disc_opt : NULL;
}

gboolean
nn_trainer_is_done (const nn_trainer *t)
{
  return g_atomic_int_get (&t->done);
}

/* --- Evaluation --------------------------------------------------------- */

/* Loss and metrics over samples, in batches of the model's size, using the
 * buffers given (the trainer's, or nn_model_evaluate's own). An autoencoder
 * (autoencode) is scored against its input: y must then hold inputs. */
static double
evaluate (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
          nn_metrics *metrics, float *x, gint32 *labels, float *y, gboolean autoencode)
{
  gboolean classify = ds->task == NN_TASK_CLASSIFY && !autoencode;
  int batch = nn_model_batch (m);
  gboolean fused = loss == NN_LOSS_CROSS_ENTROPY && nn_model_has_final_softmax (m);
  int k = (int) nn_model_output_size (m);
  double sum = 0.0;

  if (n <= 0)
    return NAN;
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      const float *out;
      double l;

      nn_dataset_gather (ds, idx + start, b, x, labels, y);
      if (autoencode)
        memcpy (y, x, sizeof (float) * b * k);
      nn_model_forward (m, x, b, FALSE, NULL);
      out = fused ? nn_model_logits (m) : nn_model_output (m);
      l = nn_loss_compute (loss, out, b, k, classify ? labels : NULL, classify ? NULL : y, NULL);
      sum += l * b;
      if (metrics)
        nn_metrics_add (metrics, out, b, k, labels, y, l);
    }
  return sum / n;
}

double
nn_model_evaluate (nn_model *model, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
                   nn_metrics *metrics)
{
  int batch = nn_model_batch (model);
  float *x = nn_alloc_floats (nn_dataset_input_size (ds) * (gsize) batch);
  float *y = nn_alloc_floats ((gsize) MAX (ds->target_size, 1) * batch);
  gint32 *labels = g_new0 (gint32, batch);
  double result = NAN;

  if (x != NULL && y != NULL)
    result = evaluate (model, ds, idx, n, loss, metrics, x, labels,
                       ds->task == NN_TASK_REGRESS ? y : NULL, FALSE);
  nn_free_floats (x);
  nn_free_floats (y);
  g_free (labels);
  return result;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static gboolean
weights_finite (nn_model *m)
{
  gsize n;
  const float *w = nn_model_weights (m, &n);

  for (gsize i = 0; i < n; i++)
    if (!isfinite (w[i]))
      return FALSE;
  return TRUE;
}

static void
keep_good_weights (nn_trainer *t)
{
  if (weights_finite (t->model))
    nn_model_copy_weights_to (t->model, t->good);
}

void
_nn_trainer_finish (nn_trainer *t, nn_done_reason reason, char *message, gboolean evaluate_test,
                    nn_train_callback cb, gpointer user_data)
{
  nn_train_event e;
  nn_metrics m;
  const nn_dataset *ds = t->ds;

  g_atomic_int_set (&t->done, TRUE);
  t->reason = reason;
  _nn_trainer_event_init (&e, NN_EVENT_DONE);
  e.reason = reason;
  e.message = message;
  e.epoch = t->epoch + (t->batch > 0 ? 1 : 0);
  e.step = t->step;
  e.batches_per_epoch = t->batches_per_epoch;

  nn_metrics_init (&m, t->train_metrics.task, ds->n_classes, t->threshold);
  /* a GAN has nothing to test against: its samples are for people to judge */
  if (evaluate_test && t->c.mode != NN_MODE_GAN)
    e.test_loss = evaluate (t->model, ds, t->split.test, t->split.n_test, t->c.loss, &m, t->x,
                            t->labels, t->y, t->c.mode == NN_MODE_AUTOENCODER);
  e.test_accuracy = nn_metrics_accuracy (&m);
  e.test_mae = nn_metrics_mae (&m);
  if (m.task == NN_TASK_CLASSIFY && ds->n_classes > 0)
    {
      int k = ds->n_classes;
      e.n_classes = k;
      e.confusion = g_memdup2 (m.confusion, (gsize) k * k * sizeof (gint64));
      e.precision = g_new (double, k);
      e.recall = g_new (double, k);
      for (int i = 0; i < k; i++)
        {
          gboolean defined;
          e.precision[i] = nn_metrics_precision (&m, i, &defined);
          if (!defined)
            e.precision[i] = NAN;
          e.recall[i] = nn_metrics_recall (&m, i, &defined);
          if (!defined)
            e.recall[i] = NAN;
        }
    }
  nn_metrics_clear (&m);
  e.seconds = t->run_time / 1e6;
  e.samples_per_s = e.seconds > 0 ? (double) t->step * t->c.batch / e.seconds : NAN;
  if (cb)
    cb (&e, user_data);
  event_clear (&e);
}

static void
end_epoch (nn_trainer *t, nn_train_callback cb, gpointer user_data)
{
  nn_train_event e;
  double seconds = seconds_since (t->epoch_start);

  _nn_trainer_event_init (&e, NN_EVENT_EPOCH);
  e.epoch = t->epoch + 1;
  e.batch = t->batches_per_epoch - 1;
  e.batches_per_epoch = t->batches_per_epoch;
  e.step = t->step;
  e.loss = nn_metrics_loss (&t->train_metrics);
  e.accuracy = nn_metrics_accuracy (&t->train_metrics);
  e.seconds = seconds;
  e.samples_per_s = seconds > 0 ? t->n_train / seconds : NAN;
  e.lr = t->lr;
  if (t->c.mode == NN_MODE_GAN)
    {
      e.d_loss = t->d_sum / t->batches_per_epoch;
      e.g_loss = t->g_sum / t->batches_per_epoch;
      e.loss = e.d_loss;
    }
  if (t->split.n_val > 0 && t->c.mode != NN_MODE_GAN)
    {
      nn_metrics m;
      nn_metrics_init (&m, t->train_metrics.task, t->ds->n_classes, t->threshold);
      e.val_loss = evaluate (t->model, t->ds, t->split.val, t->split.n_val, t->c.loss, &m, t->x,
                             t->labels, t->y, t->c.mode == NN_MODE_AUTOENCODER);
      e.val_accuracy = nn_metrics_accuracy (&m);
      nn_metrics_clear (&m);
    }
  keep_good_weights (t);
  if (cb)
    cb (&e, user_data);

  t->epoch++;
  t->batch = 0;
  if (t->c.patience > 0 && t->split.n_val > 0 && isfinite (e.val_loss))
    {
      if (e.val_loss < t->best_val)
        {
          t->best_val = e.val_loss;
          t->bad_epochs = 0;
          nn_model_copy_weights_to (t->model, t->best);
        }
      else if (++t->bad_epochs >= t->c.patience)
        {
          nn_model_copy_weights_from (t->model, t->best);
          _nn_trainer_finish (
            t, NN_DONE_EARLY_STOPPED,
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Stopped early: the validation loss did not "
                                          "improve for %d epoch. The weights of epoch %d, "
                                          "the best, were kept.",
                                          "Stopped early: the validation loss did not "
                                          "improve for %d epochs. The weights of epoch %d, "
                                          "the best, were kept.",
                                          t->c.patience),
                             t->c.patience, t->epoch - t->bad_epochs),
            TRUE, cb, user_data);
          return;
        }
    }
  if (t->epoch >= t->c.epochs)
    _nn_trainer_finish (t, NN_DONE_FINISHED,
                        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Finished %d epoch.",
                                                      "Finished %d epochs.", t->c.epochs),
                                         t->c.epochs),
                        TRUE, cb, user_data);
}

static void
diverged (nn_trainer *t, nn_train_callback cb, gpointer user_data)
{
  char lr[G_ASCII_DTOSTR_BUF_SIZE], lower[G_ASCII_DTOSTR_BUF_SIZE];

  nn_model_copy_weights_from (t->model, t->good);
  g_ascii_formatd (lr, sizeof lr, "%g", t->lr);
  g_ascii_formatd (lower, sizeof lower, "%g", t->c.lr / 10);
  _nn_trainer_finish (
    t, NN_DONE_DIVERGED,
    g_strdup_printf (_ ("Training diverged at epoch %d, batch %d: the loss is no longer a "
                        "number. The last good weights were restored. The learning rate "
                        "(%s) is probably too high: lower it, e.g. to %s, or turn on "
                        "gradient clipping."),
                     t->epoch + 1, t->batch + 1, lr, lower),
    TRUE, cb, user_data);
}

gboolean
nn_trainer_step (nn_trainer *t, nn_train_callback cb, gpointer user_data)
{
  const nn_dataset *ds = t->ds;
  gboolean classify = ds->task == NN_TASK_CLASSIFY && t->c.mode == NN_MODE_SUPERVISED;
  int start, n;
  const float *out;
  double loss;
  gsize n_weights;
  float *w, *g;
  nn_train_event e;
  gint64 now;

  if (t->done)
    return FALSE;
  now = g_get_monotonic_time ();
  /* the caller may have loaded saved weights since nn_trainer_new */
  if (t->step == 0 && t->batch == 0 && t->epoch == 0)
    nn_model_copy_weights_to (t->model, t->good);
  if (t->batch == 0)
    {
      /* Fisher–Yates over the whole training part, then the first n_train
       * (the limit) are this epoch's samples */
      for (int i = t->split.n_train - 1; i > 0; i--)
        {
          int j = (int) nn_rng_below (&t->shuffle_rng, (guint32) i + 1);
          int tmp = t->order[i];
          t->order[i] = t->order[j];
          t->order[j] = tmp;
        }
      t->lr = nn_schedule_lr (&t->schedule, t->c.lr, t->epoch);
      nn_metrics_reset (&t->train_metrics);
      t->d_sum = t->g_sum = 0.0;
      t->epoch_start = now;
    }

  start = t->batch * t->c.batch;
  n = MIN (t->c.batch, t->n_train - start);
  _nn_trainer_event_init (&e, NN_EVENT_BATCH);
  if (t->c.mode == NN_MODE_GAN)
    {
      _nn_trainer_gan_batch (t, t->order + start, n, &e.d_loss, &e.g_loss);
      if (!isfinite (e.d_loss) || !isfinite (e.g_loss))
        {
          t->run_time += g_get_monotonic_time () - now;
          diverged (t, cb, user_data);
          return FALSE;
        }
      t->d_sum += e.d_loss;
      t->g_sum += e.g_loss;
      e.loss = e.d_loss;
    }
  else
    {
      nn_dataset_gather (ds, t->order + start, n, t->x, t->labels, t->y);
      nn_augment_apply (ds, &t->c.augment, t->x, n, &t->augment_rng);
      /* the autoencoder's target is its input, as the model sees it */
      if (t->c.mode == NN_MODE_AUTOENCODER)
        memcpy (t->y, t->x, sizeof (float) * n * t->k);
      nn_model_forward (t->model, t->x, n, TRUE, &t->dropout_rng);
      out = t->fused ? nn_model_logits (t->model) : nn_model_output (t->model);
      loss = nn_loss_compute (t->c.loss, out, n, t->k, classify ? t->labels : NULL,
                              classify ? NULL : t->y, t->d_out);
      if (!isfinite (loss))
        {
          t->run_time += g_get_monotonic_time () - now;
          diverged (t, cb, user_data);
          return FALSE;
        }
      nn_metrics_add (&t->train_metrics, out, n, t->k, t->labels, t->y, loss);

      e.loss = loss;
      if (classify)
        {
          int correct = 0;
          for (int i = 0; i < n; i++)
            correct +=
              nn_predict_class (out + (gsize) i * t->k, t->k, t->threshold) == t->labels[i];
          e.accuracy = (double) correct / n;
        }

      t->last_start = start;
      t->last_n = n;
      t->last_loss = loss;
      nn_model_backward (t->model, t->d_out, n, t->fused);
      w = nn_model_weights (t->model, &n_weights);
      g = nn_model_grads (t->model, NULL);
      if (t->c.clip_norm > 0)
        nn_clip_grad_norm (g, n_weights, t->c.clip_norm);
      nn_optimizer_step (t->opt, w, g, t->lr);
    }

  t->step++;
  t->run_time += g_get_monotonic_time () - now;
  if (t->step % GOOD_EVERY == 0)
    keep_good_weights (t);

  e.epoch = t->epoch + 1;
  e.batch = t->batch;
  e.batches_per_epoch = t->batches_per_epoch;
  e.step = t->step;
  e.lr = t->lr;
  {
    double run_s = t->run_time / 1e6;
    gint64 total = (gint64) t->batches_per_epoch * t->c.epochs;
    double per_batch = run_s / t->step;
    e.samples_per_s = run_s > 0 ? (double) t->step * t->c.batch / run_s : NAN;
    e.eta_s = per_batch * (double) (total - t->step);
  }
  if (cb)
    cb (&e, user_data);

  t->batch++;
  if (t->batch >= t->batches_per_epoch)
    {
      gint64 before = g_get_monotonic_time ();
      end_epoch (t, cb, user_data);
      t->run_time += g_get_monotonic_time () - before;
    }
  return !t->done;
}

gboolean
nn_trainer_last_batch (const nn_trainer *t, nn_trainer_batch *b)
{
  const gboolean classify = t->ds->task == NN_TASK_CLASSIFY && t->c.mode == NN_MODE_SUPERVISED;

  *b = (nn_trainer_batch){ 0 };
  if (t->last_n == 0)
    return FALSE;
  b->n = t->last_n;
  b->k = t->k;
  b->idx = t->order + t->last_start;
  b->x = t->x;
  b->labels = classify ? t->labels : NULL;
  b->y = classify ? NULL : t->y;
  b->d_out = t->d_out;
  b->from_logits = t->fused;
  b->loss = t->last_loss;
  return TRUE;
}

gboolean
nn_trainer_fit (nn_trainer *t, nn_train_callback cb, gpointer user_data, GCancellable *cancellable,
                GError **error)
{
  while (!t->done)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          _nn_trainer_finish (t, NN_DONE_STOPPED, g_strdup (_ ("Stopped.")), TRUE, cb, user_data);
          break;
        }
      nn_trainer_step (t, cb, user_data);
    }
  if (t->reason == NN_DONE_DIVERGED)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DIVERGED,
                   _ ("Training diverged: the loss is no longer a number. Lower the learning "
                      "rate (now %g), e.g. to %g, or turn on gradient clipping."),
                   t->c.lr, t->c.lr / 10);
      return FALSE;
    }
  return TRUE;
}
