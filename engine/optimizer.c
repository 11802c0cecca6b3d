/* optimizer.c — SGD, Adam, AdamW and RMSprop over flat arenas, written to
 * follow torch.optim's update order so fixtures from PyTorch match. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "error.h"
#include "kernels/threads.h"
#include "optimizer.h"
#include "tensor.h"

static const nn_optimizer_info optimizers[] = {
  { NN_OPTIMIZER_ADAM, "adam", N_ ("Adam"),
    N_ ("Adapts the step for every weight; a good first choice"), 0.001 },
  { NN_OPTIMIZER_ADAMW, "adamw", N_ ("AdamW"),
    N_ ("Adam with weight decay kept apart from the gradient; good for larger models"), 0.001 },
  { NN_OPTIMIZER_SGD, "sgd", N_ ("SGD"),
    N_ ("Plain gradient descent, with optional momentum; simple and predictable"), 0.01 },
  { NN_OPTIMIZER_RMSPROP, "rmsprop", N_ ("RMSprop"),
    N_ ("Scales steps by recent gradient size; steady on noisy problems"), 0.01 },
};

const nn_optimizer_info *
nn_optimizers (int *n)
{
  *n = G_N_ELEMENTS (optimizers);
  return optimizers;
}

const char *
nn_optimizer_id (nn_optimizer_kind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (optimizers[i].kind == kind)
      return optimizers[i].id;
  return NULL;
}

gboolean
nn_optimizer_from_id (const char *id, nn_optimizer_kind *kind, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (id != NULL && g_str_equal (optimizers[i].id, id))
      {
        *kind = optimizers[i].kind;
        return TRUE;
      }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _ ("Unknown optimizer “%s”: use sgd, adam, adamw or rmsprop"), id ? id : "");
  return FALSE;
}

void
nn_optimizer_config_init (nn_optimizer_config *c, nn_optimizer_kind kind)
{
  *c = (nn_optimizer_config){
    .kind = kind,
    .beta1 = 0.9,
    .beta2 = 0.999,
    .alpha = 0.99,
    .eps = 1e-8,
    .weight_decay = kind == NN_OPTIMIZER_ADAMW ? 0.01 : 0.0,
  };
}

struct nn_optimizer
{
  nn_optimizer_config c;
  gsize n;
  guint8 *decay; /* NULL: everywhere */
  float *m;      /* sgd/rmsprop momentum buffer, adam first moment */
  float *v;      /* adam second moment, rmsprop square average */
  gint64 steps;
};

static gboolean
check_setting (double value, double min, double max, const char *what, GError **error)
{
  if (!isfinite (value) || value < min || value >= max)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The optimizer's %s must be at least %g and below %g, not %g"), what, min,
                   max, value);
      return FALSE;
    }
  return TRUE;
}

nn_optimizer *
nn_optimizer_new (const nn_optimizer_config *c, gsize n, const guint8 *decay, GError **error)
{
  nn_optimizer *o;
  gboolean need_m, need_v;

  if (!check_setting (c->momentum, 0, 1, _ ("momentum"), error) ||
      !check_setting (c->weight_decay, 0, G_MAXDOUBLE, _ ("weight decay"), error) ||
      !check_setting (c->beta1, 0, 1, _ ("beta1"), error) ||
      !check_setting (c->beta2, 0, 1, _ ("beta2"), error) ||
      !check_setting (c->alpha, 0, 1, _ ("alpha"), error) ||
      !check_setting (c->eps, 0, G_MAXDOUBLE, _ ("epsilon"), error))
    return NULL;
  if (c->kind == NN_OPTIMIZER_SGD && c->nesterov && c->momentum <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("Nesterov momentum needs a momentum above 0, e.g. 0.9"));
      return NULL;
    }

  o = g_new0 (nn_optimizer, 1);
  o->c = *c;
  o->n = n;
  if (decay != NULL)
    o->decay = g_memdup2 (decay, n ? n : 1);
  need_m = c->kind == NN_OPTIMIZER_ADAM || c->kind == NN_OPTIMIZER_ADAMW || c->momentum > 0;
  need_v = c->kind != NN_OPTIMIZER_SGD;
  if (need_m)
    o->m = nn_alloc_floats (n);
  if (need_v)
    o->v = nn_alloc_floats (n);
  if ((need_m && o->m == NULL) || (need_v && o->v == NULL))
    {
      nn_optimizer_free (o);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory for the optimizer's state of %lu weights"),
                   (unsigned long) n);
      return NULL;
    }
  nn_optimizer_reset (o);
  return o;
}

void
nn_optimizer_free (nn_optimizer *o)
{
  if (o == NULL)
    return;
  nn_free_floats (o->m);
  nn_free_floats (o->v);
  g_free (o->decay);
  g_free (o);
}

void
nn_optimizer_reset (nn_optimizer *o)
{
  if (o->m)
    memset (o->m, 0, o->n * sizeof (float));
  if (o->v)
    memset (o->v, 0, o->n * sizeof (float));
  o->steps = 0;
}

gint64
nn_optimizer_steps (const nn_optimizer *o)
{
  return o->steps;
}

void
nn_optimizer_get_state (const nn_optimizer *o, nn_optimizer_state *s)
{
  *s = (nn_optimizer_state){
    .kind = o->c.kind,
    .steps = o->steps,
    .n = o->n,
    .m = o->m,
    .v = o->v,
  };
}

/* dst (n floats, may be NULL) from src, or zeros without src. */
static void
copy_state (float *dst, const float *src, gsize n)
{
  if (dst == NULL)
    return;
  if (src != NULL)
    memcpy (dst, src, n * sizeof (float));
  else
    memset (dst, 0, n * sizeof (float));
}

gboolean
nn_optimizer_set_state (nn_optimizer *o, const nn_optimizer_state *s, GError **error)
{
  if (s->n != o->n || s->steps < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The saved optimizer state is for %lu weights after %lld steps; the model "
                      "has %lu weights"),
                   (unsigned long) s->n, (long long) s->steps, (unsigned long) o->n);
      return FALSE;
    }
  /* Adam's moments mean nothing to SGD: the new kind starts as it would. */
  if (s->kind != o->c.kind)
    {
      nn_optimizer_reset (o);
      return TRUE;
    }
  copy_state (o->m, s->m, o->n);
  copy_state (o->v, s->v, o->n);
  o->steps = s->steps;
  return TRUE;
}

/* The weight decay of weight i: wd, or 0 where the mask exempts it
 * (biases, BatchNorm's scale and shift). The loops below are written over
 * restrict-qualified locals with every branch loop-invariant or a select,
 * so the compiler vectorises them: the update touches every weight on
 * every step, and for small models it is a large share of the step. */
static inline float
decay_at (const guint8 *restrict mask, gsize i, float wd)
{
  return mask == NULL || mask[i] ? wd : 0.0f;
}

static void
step_sgd (nn_optimizer *o, float *restrict w, const float *restrict g, float lr, gsize from,
          gsize to)
{
  const float mu = (float) o->c.momentum, wd = (float) o->c.weight_decay;
  const gboolean first = o->steps == 1, nesterov = o->c.nesterov;
  const guint8 *restrict mask = o->decay;
  float *restrict m = o->m;

  if (mu <= 0)
    {
      for (gsize i = from; i < to; i++)
        w[i] -= lr * (g[i] + decay_at (mask, i, wd) * w[i]);
      return;
    }
  for (gsize i = from; i < to; i++)
    {
      const float d = g[i] + decay_at (mask, i, wd) * w[i];
      const float b = first ? d : mu * m[i] + d;
      m[i] = b;
      w[i] -= lr * (nesterov ? d + mu * b : b);
    }
}

static void
step_adam (nn_optimizer *o, float *restrict w, const float *restrict g, float lr,
           gboolean decoupled, gsize from, gsize to)
{
  const float b1 = (float) o->c.beta1, b2 = (float) o->c.beta2, eps = (float) o->c.eps;
  const float wd = (float) o->c.weight_decay;
  const double bc1 = 1.0 - pow (o->c.beta1, (double) o->steps);
  const double bc2 = 1.0 - pow (o->c.beta2, (double) o->steps);
  const float step_size = (float) (lr / bc1), bc2_sqrt = (float) sqrt (bc2);
  /* AdamW shrinks the weight itself; Adam adds the decay to the gradient. */
  const float shrink = decoupled ? lr * wd : 0.0f, l2 = decoupled ? 0.0f : wd;
  const guint8 *restrict mask = o->decay;
  float *restrict m = o->m, *restrict v = o->v;

  for (gsize i = from; i < to; i++)
    {
      const float wi = w[i] * (1.0f - decay_at (mask, i, shrink));
      const float d = g[i] + decay_at (mask, i, l2) * w[i];
      const float mi = m[i] + (1.0f - b1) * (d - m[i]);
      const float vi = b2 * v[i] + (1.0f - b2) * d * d;

      m[i] = mi;
      v[i] = vi;
      w[i] = wi - step_size * mi / (sqrtf (vi) / bc2_sqrt + eps);
    }
}

static void
step_rmsprop (nn_optimizer *o, float *restrict w, const float *restrict g, float lr, gsize from,
              gsize to)
{
  const float alpha = (float) o->c.alpha, eps = (float) o->c.eps, mu = (float) o->c.momentum;
  const float wd = (float) o->c.weight_decay;
  const guint8 *restrict mask = o->decay;
  float *restrict m = o->m, *restrict v = o->v;

  for (gsize i = from; i < to; i++)
    {
      const float d = g[i] + decay_at (mask, i, wd) * w[i];
      const float vi = alpha * v[i] + (1.0f - alpha) * d * d;
      const float avg = sqrtf (vi) + eps;

      v[i] = vi;
      if (mu > 0)
        {
          m[i] = mu * m[i] + d / avg;
          w[i] -= lr * m[i];
        }
      else
        w[i] -= lr * d / avg;
    }
}

/* The weights [from, to). */
static void
step_range (nn_optimizer *o, float *w, const float *g, float lr, gsize from, gsize to)
{
  switch (o->c.kind)
    {
      case NN_OPTIMIZER_SGD:
        step_sgd (o, w, g, lr, from, to);
        break;
      case NN_OPTIMIZER_ADAM:
        step_adam (o, w, g, lr, FALSE, from, to);
        break;
      case NN_OPTIMIZER_ADAMW:
        step_adam (o, w, g, lr, TRUE, from, to);
        break;
      case NN_OPTIMIZER_RMSPROP:
        step_rmsprop (o, w, g, lr, from, to);
        break;
    }
}

void
nn_optimizer_step (nn_optimizer *o, float *w, const float *g, double lr)
{
  const gsize n = o->n;
  const int threads = n > NN_PARALLEL_MIN ? nn_threads_get () : 1;

  o->steps++;
  if (threads <= 1)
    {
      step_range (o, w, g, (float) lr, 0, n);
      return;
    }
    /* Every weight's update is its own, so bands give the same numbers as
     * one pass; bands of 16 floats keep vector loads aligned. */
#pragma omp parallel num_threads(threads)
  {
    const gsize parts = (gsize) omp_get_num_threads (), k = (gsize) omp_get_thread_num ();
    const gsize band = ((n + parts - 1) / parts + 15) / 16 * 16;
    const gsize from = MIN (k * band, n), to = MIN (from + band, n);

    step_range (o, w, g, (float) lr, from, to);
  }
}

double
nn_clip_grad_norm (float *g, gsize n, double max_norm)
{
  double sum = 0.0, norm;

  for (gsize i = 0; i < n; i++)
    sum += (double) g[i] * g[i];
  norm = sqrt (sum);
  if (max_norm > 0 && isfinite (norm))
    {
      double coef = max_norm / (norm + 1e-6);
      if (coef < 1.0)
        for (gsize i = 0; i < n; i++)
          g[i] = (float) (g[i] * coef);
    }
  return norm;
}

static const char *const schedule_ids[] = { "constant", "step", "cosine" };

const char *
nn_schedule_id (nn_schedule_kind kind)
{
  if ((gsize) kind < G_N_ELEMENTS (schedule_ids))
    return schedule_ids[kind];
  return NULL;
}

gboolean
nn_schedule_from_id (const char *id, nn_schedule_kind *kind, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (schedule_ids); i++)
    if (id != NULL && g_str_equal (schedule_ids[i], id))
      {
        *kind = (nn_schedule_kind) i;
        return TRUE;
      }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _ ("Unknown learning-rate schedule “%s”: use constant, step or cosine"),
               id ? id : "");
  return FALSE;
}

double
nn_schedule_lr (const nn_schedule *s, double base_lr, int epoch)
{
  switch (s->kind)
    {
      case NN_SCHEDULE_CONSTANT:
        return base_lr;
      case NN_SCHEDULE_STEP:
        {
          int size = s->step_size > 0 ? s->step_size : 10;
          double gamma = s->gamma > 0 ? s->gamma : 0.1;
          return base_lr * pow (gamma, epoch / size);
        }
      case NN_SCHEDULE_COSINE:
        {
          int total = s->total > 0 ? s->total : 1;
          int t = MIN (epoch, total);
          return s->min_lr + (base_lr - s->min_lr) * (1.0 + cos (G_PI * t / total)) / 2.0;
        }
    }
  return base_lr;
}
