/* trainer.h — one training run: a compiled private copy of a graph, a data
 * split, an optimizer, and the loop that drives them.
 *
 * Two layers (as ggml does it):
 *   nn_trainer_step()  one mini-batch: gather into planned buffers, forward,
 *                      loss, backward, clip, optimizer step; at the end of an
 *                      epoch it also validates; when the run ends it evaluates
 *                      the test part. Events go to a callback.
 *   nn_trainer_fit()   the synchronous loop on top, for the CLI and tests.
 * and a worker-thread API for the window (nn_trainer_start … _stop) whose
 * events are queued and drained with nn_trainer_pop_events().
 *
 * A run is deterministic: weights from nn_rng stream 0 of the seed, the
 * per-epoch shuffle from stream 1, dropout from stream 2 — the same seed
 * and thread count give the same numbers.
 *
 * Safety: a NaN or infinite loss stops the run, restores the last good
 * weights (kept every few batches and at each epoch end) and finishes with
 * reason NN_DONE_DIVERGED and advice. Early stopping (patience > 0) watches
 * the validation loss and restores the best weights when it stops.
 *
 * Three modes (nn_trainer_config.mode):
 *   supervised   the dataset's targets: classifiers and regressors.
 *   autoencoder  the target is the input itself, as the model sees it
 *                (images in [0, 1], so a final sigmoid with MSE fits; BCE
 *                takes logits). Losses, validation and test losses are
 *                reconstruction losses; accuracy is NaN.
 *                nn_trainer_reconstruct() shows what the model makes.
 *   gan          nn_trainer_new_gan(): a generator and a discriminator,
 *                updated in turn on every batch (the discriminator on real
 *                then generated images, then the generator through it), with
 *                BCE on the discriminator's logit and Adam with β1 = 0.5 as
 *                in DCGAN. Real images are scaled to [−1, 1], so the
 *                generator should end in tanh. Events carry both losses;
 *                nn_trainer_generate() draws samples from fixed noise. */
#pragma once

#include <gio/gio.h>

#include "data/dataset.h"
#include "graph.h"
#include "loss.h"
#include "metrics.h"
#include "optimizer.h"

G_BEGIN_DECLS

typedef enum
{
  NN_MODE_SUPERVISED,
  NN_MODE_AUTOENCODER,
  NN_MODE_GAN, /* only through nn_trainer_new_gan */
} nn_train_mode;

typedef struct
{
  nn_train_mode mode;
  nn_loss_kind loss; /* gan: ignored (BCE on the discriminator's logit) */
  nn_optimizer_kind optimizer;
  double lr;
  double momentum;   /* sgd, rmsprop */
  gboolean nesterov; /* sgd */
  double weight_decay;
  nn_schedule_kind schedule;
  int step_size; /* step schedule: epochs between decays */
  double gamma;  /* step schedule: factor */
  int batch;
  int epochs;
  double val_fraction;  /* of what remains for training */
  double test_fraction; /* when the source has no test part of its own */
  guint64 seed;
  int threads;            /* 0 = every core */
  double clip_norm;       /* 0 = no clipping */
  int patience;           /* early stopping in epochs; 0 = off */
  int limit;              /* train on at most this many samples per epoch, drawn afresh
                             each epoch from the training part; 0 = all */
  double label_smoothing; /* gan: the discriminator learns real = 1 − this (e.g. 0.1) */
  nn_augment augment;     /* random flips, shifts and noise on training batches; none by default */
} nn_trainer_config;

/* Defaults a user wants: supervised, cross-entropy, Adam at 0.001, batch 32, 10 epochs,
 * validation 10 %, test 20 %, seed 0, constant schedule (step: 10 epochs ×
 * 0.1), no clipping, no early stopping, all samples, all cores. */
void nn_trainer_config_init (nn_trainer_config *c);

typedef enum
{
  NN_EVENT_BATCH,
  NN_EVENT_EPOCH,
  NN_EVENT_DONE,
  NN_EVENT_ERROR, /* a failure the run cannot go on from (message); every failure the
                     engine knows of today ends in a done event instead */
} nn_event_kind;

typedef enum
{
  NN_DONE_FINISHED,
  NN_DONE_STOPPED,
  NN_DONE_EARLY_STOPPED,
  NN_DONE_DIVERGED,
} nn_done_reason;

/* Everything in an event is a copy: it outlives the trainer. Values that do
 * not apply are NaN (accuracy for regression, validation without a
 * validation part). */
typedef struct
{
  nn_event_kind kind;
  int epoch; /* 1-based */
  int batch; /* 0-based within the epoch (batch events) */
  int batches_per_epoch;
  gint64 step;           /* global step, 1-based, after this batch */
  double loss, accuracy; /* batch: this batch; epoch: training mean over the epoch */
  double val_loss, val_accuracy;
  double samples_per_s; /* batch: over the run so far; epoch: over the epoch; done: run */
  double eta_s;         /* batch: time left for the whole run */
  double seconds;       /* epoch: its duration; done: the whole run */
  double lr;            /* batch, epoch: the rate used */
  /* gan (batch: this batch; epoch: means over the epoch); NaN otherwise.
   * `loss` is then the discriminator's. */
  double d_loss, g_loss;
  /* done */
  nn_done_reason reason;
  double test_loss, test_accuracy;
  double test_mae;            /* regression */
  int n_classes;              /* classification: size of the arrays below */
  gint64 *confusion;          /* [n_classes × n_classes], rows true, columns predicted */
  double *precision, *recall; /* [n_classes]; NaN where 0/0 */
  /* done (why it stopped, for people) and error */
  char *message;
} nn_train_event;

nn_train_event *nn_train_event_copy (const nn_train_event *e);
void nn_train_event_free (nn_train_event *e);

typedef void (*nn_train_callback) (const nn_train_event *e, gpointer user_data);

typedef struct nn_trainer nn_trainer;

/* Compiles a private copy of graph (later edits to graph do not reach the
 * run), sets the engine's thread count (nn_threads_set (c->threads)), checks the model against the
 * data (input size, loss vs outputs and task), makes the split (nn_split_make), fits normalisation
 * on the training part only (so `ds` is modified and must outlive the trainer) and sets up the
 * optimizer. NULL with the graph's or the data's message. */
nn_trainer *nn_trainer_new (const nn_graph *graph, nn_dataset *ds, const nn_trainer_config *c,
                            GError **error);
/* A GAN run (config mode is taken as NN_MODE_GAN; loss and validation
 * fraction are not used: every training sample trains, and a test part is
 * held out but not evaluated). The generator's Input is the latent vector (its size is the
 * latent size); its output and the discriminator's Input must hold as many
 * values as a sample of ds, and the discriminator must end in one logit.
 * nn_trainer_get_model() is the generator. NULL with a message naming what
 * does not fit. */
nn_trainer *nn_trainer_new_gan (const nn_graph *generator, const nn_graph *discriminator,
                                nn_dataset *ds, const nn_trainer_config *c, GError **error);
/* Stops and joins a running worker first, without evaluating the test part
 * (so closing a window is quick); no done event is delivered. */
void nn_trainer_free (nn_trainer *t);

const nn_trainer_config *nn_trainer_get_config (const nn_trainer *t);
const nn_split *nn_trainer_get_split (const nn_trainer *t);
/* The trained model (weights in the graph's compiled layout); use it only
 * while no worker runs. Before the first step its weights may be replaced
 * (e.g. with a project's saved weights) to continue training them. */
nn_model *nn_trainer_get_model (nn_trainer *t);
/* GAN: the trained discriminator (same rules as nn_trainer_get_model);
 * NULL in another mode. */
nn_model *nn_trainer_get_discriminator (nn_trainer *t);
/* The optimizer of the model (the generator's in a GAN) and, in a GAN, of
 * the discriminator (NULL in another mode): same rules as the models.
 * Read its state after a run to keep it; set it before the first step
 * (nn_optimizer_set_state, with the weights it was trained with) to go on
 * exactly where a saved run stopped. */
nn_optimizer *nn_trainer_get_optimizer (nn_trainer *t);
nn_optimizer *nn_trainer_get_discriminator_optimizer (nn_trainer *t);
gboolean nn_trainer_is_done (const nn_trainer *t);

/* --- Synchronous -------------------------------------------------------- */

/* Runs one mini-batch, calling cb (may be NULL) with a batch event, then an
 * epoch event at an epoch's end, then a done event when the run ends.
 * Returns TRUE while the run goes on. Not while a worker runs. */
gboolean nn_trainer_step (nn_trainer *t, nn_train_callback cb, gpointer user_data);

/* The mini-batch the last supervised or autoencoder step trained on, for
 * showing a step as it happened: its samples (dataset indices), their
 * inputs as the model saw them (augmented, n × input size), the labels
 * (classification, else NULL) or targets (else NULL, n × k), and the loss's
 * gradient at the output (n × k; the Softmax's input when from_logits).
 * FALSE before the first such step. Valid until the next step. */
typedef struct
{
  int n, k;
  const int *idx;
  const float *x;
  const gint32 *labels;
  const float *y;
  const float *d_out;
  gboolean from_logits;
  double loss;
} nn_trainer_batch;
gboolean nn_trainer_last_batch (const nn_trainer *t, nn_trainer_batch *b);
/* Steps until done or until cancellable is cancelled (reason STOPPED).
 * FALSE with NN_ERROR_DIVERGED when the loss diverged (after the done
 * event and with the weights restored), TRUE otherwise. */
gboolean nn_trainer_fit (nn_trainer *t, nn_train_callback cb, gpointer user_data,
                         GCancellable *cancellable, GError **error);

/* --- Worker thread ------------------------------------------------------ */

/* Called FROM THE WORKER THREAD each time events were queued: do nothing
 * there but schedule one coalesced idle on the main loop that calls
 * nn_trainer_pop_events(). */
typedef void (*nn_notify_func) (gpointer user_data);

/* Starts the worker (running, or paused when `paused`). FALSE when already
 * started or done. */
gboolean nn_trainer_start (nn_trainer *t, gboolean paused, nn_notify_func notify,
                           gpointer user_data, GError **error);
/* Commands are queued and applied between batches. */
void nn_trainer_pause (nn_trainer *t);
void nn_trainer_resume (nn_trainer *t);
/* While paused: run exactly one batch, then stay paused. */
void nn_trainer_step_paused (nn_trainer *t);
/* Takes effect within one batch (a done event, reason STOPPED, is queued,
 * with test metrics), then joins the worker. Safe to call when not started
 * or already finished. */
void nn_trainer_stop (nn_trainer *t);
gboolean nn_trainer_is_running (nn_trainer *t);
gboolean nn_trainer_is_paused (nn_trainer *t);
/* Events queued since the last call, oldest first: a GPtrArray of
 * nn_train_event* that frees them; empty when there are none. Any thread. */
GPtrArray *nn_trainer_pop_events (nn_trainer *t);
/* A copy of weights then state (nn_model_snapshot_size floats), taken
 * between batches (so it may wait for the batch in progress); free with
 * nn_free_floats(). Any thread. */
float *nn_trainer_snapshot_weights (nn_trainer *t, gsize *n);

/* Autoencoder: the model's reconstructions of samples idx[0..n) of the
 * dataset, n × input size floats into out, in inference mode and as
 * images are shown ([0, 1]: a sigmoid is applied under BCE). Waits for the
 * batch in progress; any thread. FALSE (out untouched) in another mode. */
gboolean nn_trainer_reconstruct (nn_trainer *t, const int *idx, int n, float *out);
/* GAN: n generated samples (n × input size of the dataset, in [0, 1]) from
 * fixed noise: sample i always comes from the same noise in a run, so a
 * grid shows the generator learning. Inference mode; waits for the batch in
 * progress; any thread. FALSE in another mode. */
gboolean nn_trainer_generate (nn_trainer *t, int n, float *out);

/* --- Evaluation --------------------------------------------------------- */

/* Adds the samples idx[0..n) to metrics (initialised for the dataset's
 * task), in batches of the model's batch size, inference mode. Returns the
 * mean loss (NaN when n == 0). */
double nn_model_evaluate (nn_model *model, const nn_dataset *ds, const int *idx, int n,
                          nn_loss_kind loss, nn_metrics *metrics);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_trainer, nn_trainer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_train_event, nn_train_event_free)

G_END_DECLS
