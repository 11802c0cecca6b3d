/* trainer-private.h — the trainer's state, shared by trainer.c (the loop,
 * supervised and autoencoder steps), trainer-worker.c (the thread) and
 * trainer-gan.c (the GAN's setup and batch). Not public API. */
#pragma once

#include "trainer.h"

G_BEGIN_DECLS

struct nn_trainer
{
  nn_trainer_config c;
  nn_dataset *ds;  /* borrowed */
  nn_model *model; /* gan: the generator */
  nn_optimizer *opt;
  nn_split split;
  int *order; /* training indices, reshuffled every epoch */
  int n_train;
  nn_rng shuffle_rng, dropout_rng, augment_rng;
  nn_schedule schedule;
  gboolean fused;  /* cross-entropy on a final Softmax's input */
  int k;           /* floats per sample the loss sees */
  float threshold; /* single-output classification */

  /* planned once */
  float *x, *y, *d_out;
  gint32 *labels;

  /* the last batch, for nn_trainer_last_batch */
  int last_start, last_n;
  double last_loss;

  /* progress */
  int epoch, batch, batches_per_epoch;
  gint64 step;
  double lr;
  nn_metrics train_metrics;
  gint64 epoch_start, run_time; /* µs; run_time excludes pauses */
  gint done;                    /* atomic: the window asks from the main thread */
  nn_done_reason reason;

  /* divergence guard and early stopping */
  float *good, *best;
  double best_val;
  int bad_epochs;

  /* gan (trainer-gan.c) */
  nn_model *disc; /* batches of real then generated samples; input gradient on */
  nn_optimizer *disc_opt;
  int latent;
  float *z;      /* batch × latent */
  float *disc_x; /* 2·batch × input size: real, then generated */
  float *disc_y; /* 2·batch targets: the real label, then 0 */
  float *ones;   /* batch targets of the generator's step */
  float *disc_d; /* 2·batch: the discriminator's output gradient */
  nn_rng noise_rng;
  double d_sum, g_sum; /* over the epoch's batches */

  /* worker */
  GThread *thread;
  GAsyncQueue *commands;
  GMutex lock;        /* the model: held by the worker for a whole batch */
  GMutex events_lock; /* the event queue: held only to add or swap */
  GPtrArray *events;
  nn_notify_func notify;
  gpointer notify_data;
  gint paused; /* atomic */
  gint running;
};

/* Zero counters and NaN for every number (values that do not apply stay NaN). */
void _nn_trainer_event_init (nn_train_event *e, nn_event_kind kind);
/* The parts of a trainer every mode has: the config checked and copied,
 * the threads set, locks and queues. NULL with the message for a bad config. */
nn_trainer *_nn_trainer_alloc (nn_dataset *ds, const nn_trainer_config *c, GError **error);
/* After the model exists: the split, the shuffle order, normalisation, the
 * schedule, the random streams, the optimizer over `model` and the buffers of
 * the divergence guard. */
gboolean _nn_trainer_prepare (nn_trainer *t, double val_fraction, GError **error);
/* Ends the run: evaluates the test part (unless evaluate_test is FALSE)
 * and reports done with message, which it takes. */
void _nn_trainer_finish (nn_trainer *t, nn_done_reason reason, char *message,
                         gboolean evaluate_test, nn_train_callback cb, gpointer user_data);
/* Stops the worker, if one runs, without evaluating: for nn_trainer_free. */
void _nn_trainer_abort_worker (nn_trainer *t);

/* trainer-gan.c: one GAN batch on the samples idx[0..n), leaving the two
 * losses (not finite: the run diverged). */
void _nn_trainer_gan_batch (nn_trainer *t, const int *idx, int n, double *d_loss, double *g_loss);
void _nn_trainer_gan_clear (nn_trainer *t);

G_END_DECLS
