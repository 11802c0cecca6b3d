/* model-parallel.c — forward and backward split between the threads by
 * samples: each thread runs every layer, single-threaded, on its own share
 * of the batch. A small model's layers are too small to share out one by
 * one (each shared layer costs the threads a meeting, LeNet has dozens a
 * step), while a share of the samples keeps every thread busy from the
 * first layer to the last with two meetings a step.
 *
 * Activations and their gradients are laid out sample after sample, so a
 * thread's share is a slice of the model's own buffers. Scratch is laid out
 * however the layer likes, and each layer overwrites its weight gradients,
 * so every thread beyond the first has its own scratch and gradient arena
 * (an nn_replica); the first uses the model's. The gradients are then
 * summed in thread order, element by element, so a seed and a thread count
 * give the same numbers every run; they differ from one thread's only by
 * the rounding of that sum and of the smaller products.
 *
 * Only layers that treat samples independently can be split: BatchNorm
 * while training (batch statistics) cannot, and a layer kind this file does
 * not know is not split either. Dropout draws one number per value in
 * sample order; each thread draws its share from a copy of the stream
 * moved ahead to its first value, so the masks are the layer-by-layer
 * pass's, whatever the thread count. */
#include <omp.h>
#include <string.h>

#include "kernels/threads.h"
#include "model-private.h"

/* Layer kinds whose forward and backward touch sample i only through the
 * i-th slices of their inputs and outputs, and draw no random numbers
 * (Dropout is handled apart). */
static const char *const independent_ids[] = {
  "input",      "dense",       "conv2d",       "conv2d_transpose", "embedding",
  "add",        "concatenate", "maxpool2d",    "avgpool2d",        "globalavgpool2d",
  "flatten",    "reshape",     "upsampling2d", "softmax",          "relu",
  "leaky_relu", "elu",         "gelu",         "sigmoid",          "tanh",
  "simple_rnn", "lstm",        "gru",          "resize2d",         "pixel_shuffle",
};

/* PCG32's multiplier (rng.c). */
#define PCG_MULT 6364136223846793005ULL

/* Moves r `delta` draws ahead in O(log delta) (Brown, "Random Number
 * Generation with Arbitrary Strides", 1994), as PCG's pcg32_advance does. */
static void
rng_advance (nn_rng *r, guint64 delta)
{
  guint64 cur_mult = PCG_MULT, cur_plus = r->inc, acc_mult = 1, acc_plus = 0;

  while (delta > 0)
    {
      if (delta & 1)
        {
          acc_mult *= cur_mult;
          acc_plus = acc_plus * cur_mult + cur_plus;
        }
      cur_plus = (cur_mult + 1) * cur_plus;
      cur_mult *= cur_mult;
      delta >>= 1;
    }
  r->state = acc_mult * r->state + acc_plus;
}

static gboolean
is_dropout (const mnode *mn)
{
  return g_str_equal (mn->node->desc.ops->id, "dropout");
}

/* Values drawn per sample by node k's forward: Dropout's rule (training and
 * a rate above 0: one draw per value). */
static gsize
draws_per_sample (const mnode *mn, gboolean training)
{
  return is_dropout (mn) && training && mn->node->desc.p[0] > 0.0 ? mn->out_size : 0;
}

static gboolean
splittable (const nn_model *m, gboolean training)
{
  for (int k = 0; k < m->n; k++)
    {
      const char *id = m->nodes[k].node->desc.ops->id;
      gboolean known = is_dropout (&m->nodes[k]) || (!training && g_str_equal (id, "batchnorm"));

      for (gsize i = 0; !known && i < G_N_ELEMENTS (independent_ids); i++)
        known = g_str_equal (id, independent_ids[i]);
      if (!known)
        return FALSE;
    }
  return TRUE;
}

/* Thread i's share of n samples: n / t each, the remainder to the first. */
static void
share (int n, int t, int i, int *first, int *count)
{
  const int each = n / t, extra = n % t;

  *first = i == 0 ? 0 : each * i + extra;
  *count = i == 0 ? each + extra : each;
}

void
_nn_model_free_replicas (nn_model *m)
{
  for (int r = 0; r < m->n_replicas; r++)
    {
      /* a plan that ran out of memory leaves later replicas empty */
      for (int k = 0; m->replicas[r].scratch != NULL && k < m->n; k++)
        nn_free_floats (m->replicas[r].scratch[k]);
      g_free (m->replicas[r].scratch);
      nn_free_floats (m->replicas[r].grads);
    }
  g_clear_pointer (&m->replicas, g_free);
  m->n_replicas = 0;
  m->split_threads = 0;
}

/* Buffers for threads - 1 extra threads, each taking at most batch / threads
 * samples (the first thread, which takes the remainder, has the model's);
 * a share of a shorter batch split between fewer threads is no larger. */
static gboolean
plan_replicas (nn_model *m, int threads)
{
  const int most = m->batch / threads;

  _nn_model_free_replicas (m);
  m->replicas = g_new0 (nn_replica, threads - 1);
  m->n_replicas = threads - 1;
  for (int r = 0; r < m->n_replicas; r++)
    {
      nn_replica *rep = &m->replicas[r];

      rep->scratch = g_new0 (float *, m->n);
      rep->grads = nn_alloc_floats (MAX (m->n_weights, 1));
      if (rep->grads == NULL)
        goto fail;
      for (int k = 1; k < m->n; k++)
        {
          const mnode *mn = &m->nodes[k];
          const nn_layer_ops *ops = mn->node->desc.ops;
          gsize size = ops->scratch_size ? ops->scratch_size (&mn->node->desc, mn->in_shape,
                                                              mn->n_in, &mn->out_shape, most)
                                         : 0;

          if (size == 0)
            continue;
          rep->scratch[k] = nn_alloc_floats (size);
          if (rep->scratch[k] == NULL)
            goto fail;
          memset (rep->scratch[k], 0, size * sizeof (float));
        }
    }
  return TRUE;

fail:
  /* The layer-by-layer passes need none of this: the model keeps to them
   * rather than trying again every step. */
  _nn_model_free_replicas (m);
  m->can_split[0] = m->can_split[1] = -1;
  return FALSE;
}

static float *
thread_scratch (nn_model *m, int i, int k)
{
  return i == 0 ? m->nodes[k].scratch : m->replicas[i - 1].scratch[k];
}

static float *
thread_grads (nn_model *m, int i)
{
  return i == 0 ? m->grads : m->replicas[i - 1].grads;
}

gboolean
_nn_model_forward_split (nn_model *m, const float *x, int n, gboolean training, nn_rng *rng)
{
  /* planned for full batches; a short one may leave some threads out */
  const int planned = MIN (nn_threads_get (), m->batch), threads = MIN (planned, n);
  const gsize in_size = m->nodes[0].out_size;
  guint64 drawn = 0;
  gint8 *can = &m->can_split[training ? 1 : 0];

  if (*can == 0)
    *can = splittable (m, training) ? 1 : -1;
  if (threads < 2 || *can < 0 || omp_in_parallel ())
    return FALSE;
  if (m->n_replicas != planned - 1 && !plan_replicas (m, planned))
    return FALSE;

  for (int k = 1; k < m->n; k++)
    drawn += (guint64) draws_per_sample (&m->nodes[k], training) * (guint64) n;
  if (drawn > 0 && rng == NULL)
    return FALSE;

  m->split_threads = threads;
  /* OpenMP may grant fewer threads than asked for: a thread then takes
   * more than one share, each with the share's own buffers, so the numbers
   * do not depend on it. */
#pragma omp parallel num_threads(threads)
  for (int i = omp_get_thread_num (); i < threads; i += omp_get_num_threads ())
    {
      guint64 before = 0; /* draws of the Dropouts above, over the whole batch */
      int first, count;

      share (n, threads, i, &first, &count);
      memcpy (m->nodes[0].out + (gsize) first * in_size, x + (gsize) first * in_size,
              (gsize) count * in_size * sizeof (float));
      for (int k = 1; k < m->n; k++)
        {
          const float *in[NN_MAX_INPUTS];
          float *d_in[NN_MAX_INPUTS];
          gsize per_sample = draws_per_sample (&m->nodes[k], training);
          nn_rng own;
          nn_layer_ctx c;

          if (per_sample > 0)
            {
              /* where the layer-by-layer pass would be at this share */
              own = *rng;
              rng_advance (&own, before + (guint64) first * per_sample);
              before += (guint64) n * per_sample;
            }
          _nn_model_fill_ctx (m, k, first, count, training, per_sample > 0 ? &own : NULL,
                              thread_scratch (m, i, k), thread_grads (m, i), in, d_in, &c);
          m->nodes[k].node->desc.ops->forward (&c);
        }
    }
  if (drawn > 0)
    rng_advance (rng, drawn);
  return TRUE;
}

void
_nn_model_backward_split (nn_model *m, const float *d_out, int n, int start)
{
  const int threads = m->split_threads;
  /* weights are laid out in the passes' order: those of the nodes up to
   * `start` come first, and only they get gradients */
  const long n_weights = start > 0 ? (long) (m->nodes[start].w_off + m->nodes[start].w_size) : 0;

#pragma omp parallel num_threads(threads)
  {
    /* one share or more per thread, as in the forward pass */
    for (int i = omp_get_thread_num (); i < threads; i += omp_get_num_threads ())
      {
        int first, count;

        share (n, threads, i, &first, &count);
        /* accumulated into below `start`; its own is copied in, above it unread */
        for (int k = m->input_grad ? 0 : 1; k < MAX (start, 1); k++)
          memset (m->nodes[k].grad + (gsize) first * m->nodes[k].out_size, 0,
                  (gsize) count * m->nodes[k].out_size * sizeof (float));
        if (start > 0)
          {
            const gsize size = m->nodes[start].out_size;

            memcpy (m->nodes[start].grad + (gsize) first * size, d_out + (gsize) first * size,
                    (gsize) count * size * sizeof (float));
          }
        for (int k = start; k >= 1; k--)
          {
            const float *in[NN_MAX_INPUTS];
            float *d_in[NN_MAX_INPUTS];
            nn_layer_ctx c;

            _nn_model_fill_ctx (m, k, first, count, m->training, NULL, thread_scratch (m, i, k),
                                thread_grads (m, i), in, d_in, &c);
            m->nodes[k].node->desc.ops->backward (&c);
          }
      }
      /* every share's gradients are complete before any is summed */
#pragma omp barrier
    /* In share order, element by element. A static schedule gives each
     * thread the same elements in every loop, so no meeting is needed
     * between them. */
    for (int r = 0; r < threads - 1; r++)
      {
        const float *add = m->replicas[r].grads;

#pragma omp for schedule(static) nowait
        for (long j = 0; j < n_weights; j++)
          m->grads[j] += add[j];
      }
  }
}
