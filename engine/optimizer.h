/* optimizer.h — optimizers, learning-rate schedules and gradient clipping.
 *
 * The formulas are PyTorch's (torch.optim 1.13), so a run can be compared
 * step by step with a PyTorch script:
 *
 *   sgd      g += wd·w; v = μ·v + g (v = g on the first step);
 *            g = nesterov ? g + μ·v : v (when μ > 0); w −= lr·g
 *   adam     g += wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 *            w −= lr·(m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 *   adamw    w −= lr·wd·w (decoupled), then Adam without the L2 term
 *   rmsprop  g += wd·w; v = α·v + (1−α)·g²; with μ > 0: b = μ·b + g/(√v+ε),
 *            w −= lr·b; else w −= lr·g/(√v+ε)
 *
 * Weight decay applies only where the decay mask says so (weights, not
 * biases or BatchNorm parameters: nn_weight_info.decay). A step is one loop
 * over the flat weight and gradient arenas and allocates nothing. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NN_OPTIMIZER_SGD,
  NN_OPTIMIZER_ADAM,
  NN_OPTIMIZER_ADAMW,
  NN_OPTIMIZER_RMSPROP,
} nn_optimizer_kind;

typedef struct
{
  nn_optimizer_kind kind;
  const char *id;          /* stable: "sgd", "adam", "adamw", "rmsprop" */
  const char *title;       /* N_() */
  const char *description; /* N_() */
  double default_lr;       /* PyTorch's default / a good start */
} nn_optimizer_info;

const nn_optimizer_info *nn_optimizers (int *n);
const char *nn_optimizer_id (nn_optimizer_kind kind);
gboolean nn_optimizer_from_id (const char *id, nn_optimizer_kind *kind, GError **error);

typedef struct
{
  nn_optimizer_kind kind;
  double momentum;     /* sgd, rmsprop: μ (default 0) */
  gboolean nesterov;   /* sgd: needs momentum > 0 */
  double weight_decay; /* L2 (sgd, adam, rmsprop) or decoupled (adamw) */
  double beta1, beta2; /* adam, adamw: 0.9, 0.999 */
  double alpha;        /* rmsprop: 0.99 */
  double eps;          /* adam, adamw, rmsprop: 1e-8 */
} nn_optimizer_config;

/* PyTorch's defaults for this kind (AdamW: weight decay 0.01; others 0). */
void nn_optimizer_config_init (nn_optimizer_config *c, nn_optimizer_kind kind);

typedef struct nn_optimizer nn_optimizer;

/* State for n weights. decay is n bytes (1 = apply weight decay), copied;
 * NULL means decay everywhere. FALSE cases: a negative or non-finite
 * setting, Nesterov without momentum, betas outside [0, 1). */
nn_optimizer *nn_optimizer_new (const nn_optimizer_config *c, gsize n, const guint8 *decay,
                                GError **error);
void nn_optimizer_free (nn_optimizer *o);
/* Forgets momentum and moment estimates and the step count. */
void nn_optimizer_reset (nn_optimizer *o);
/* One update of w (n floats) from g with learning rate lr. */
void nn_optimizer_step (nn_optimizer *o, float *w, const float *g, double lr);
gint64 nn_optimizer_steps (const nn_optimizer *o);

/* What an optimizer has learnt, so a run can stop and go on exactly (a
 * project keeps it beside the weights). m is SGD's or RMSprop's momentum
 * buffer and Adam's first moment; v is Adam's second moment and RMSprop's
 * square average; each is n floats, or NULL where the kind and settings
 * keep none (SGD keeps no v; SGD and RMSprop keep m only with momentum). */
typedef struct
{
  nn_optimizer_kind kind;
  gint64 steps; /* updates made: Adam's bias correction goes on from here */
  gsize n;
  const float *m, *v;
} nn_optimizer_state;

/* The state of o; the arrays point into o and change with each step. */
void nn_optimizer_get_state (const nn_optimizer *o, nn_optimizer_state *s);
/* Goes on from s: its step count and arrays are copied in (an array o
 * needs and s lacks starts at zero, as a fresh buffer does). State of
 * another kind (a run trained with Adam resumed with SGD) cannot go on:
 * o starts fresh, silently, and TRUE is returned all the same. FALSE with
 * NN_ERROR_SHAPE when s holds state for a different number of weights or
 * a negative step count; o is unchanged then. */
gboolean nn_optimizer_set_state (nn_optimizer *o, const nn_optimizer_state *s, GError **error);

/* Like torch.nn.utils.clip_grad_norm_: when the global L2 norm of g exceeds
 * max_norm, scales g by max_norm / (norm + 1e-6). Returns the norm before
 * clipping. max_norm <= 0 only measures. */
double nn_clip_grad_norm (float *g, gsize n, double max_norm);

/* --- Learning-rate schedules (per epoch) -------------------------------- */

typedef enum
{
  NN_SCHEDULE_CONSTANT,
  NN_SCHEDULE_STEP,   /* lr·gammaᵏ with k = epoch / step_size (StepLR) */
  NN_SCHEDULE_COSINE, /* min_lr + (lr − min_lr)·(1 + cos(π·epoch/total))/2 (CosineAnnealingLR) */
} nn_schedule_kind;

typedef struct
{
  nn_schedule_kind kind;
  int step_size; /* step: epochs between decays (default 10) */
  double gamma;  /* step: factor (default 0.1) */
  int total;     /* cosine: epochs to anneal over (the run's epochs) */
  double min_lr; /* cosine: final rate (default 0) */
} nn_schedule;

const char *nn_schedule_id (nn_schedule_kind kind); /* "constant", "step", "cosine" */
gboolean nn_schedule_from_id (const char *id, nn_schedule_kind *kind, GError **error);
/* Learning rate for the 0-based epoch. */
double nn_schedule_lr (const nn_schedule *s, double base_lr, int epoch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_optimizer, nn_optimizer_free)

G_END_DECLS
