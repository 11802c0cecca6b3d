/* trainer-gan.c — training a generative adversarial network: the run's
 * setup (two compiled models, two optimizers) and one batch of alternating
 * updates. The loop, events, worker and divergence guard are trainer.c's.
 *
 * One batch, as PyTorch's DCGAN example does it:
 *   1. the generator turns fresh noise into n samples (training mode);
 *   2. the discriminator sees n real then the n generated samples in one
 *      batch and learns real → 1 − label_smoothing, generated → 0;
 *   3. it sees the generated samples again, now updated, and the generator
 *      learns from the gradient of "call them real" with respect to its
 *      samples (the discriminator's input gradient).
 * Real images are scaled from [0, 1] to [−1, 1], the range of a tanh. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "trainer-private.h"

/* Noise streams of the run's seed (0–2 are the trainer's). */
enum
{
  STREAM_FIXED_NOISE = 3,
  STREAM_NOISE = 4
};

static gboolean
check_sizes (nn_trainer *t, GError **error)
{
  const nn_dataset *ds = t->ds;
  gsize data_in = nn_dataset_input_size (ds);
  g_autofree char *dsh = nn_shape_to_string (&ds->input_shape);

  if (ds->store != NN_STORE_U8)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("A GAN here learns to draw images, and %s is not a set of images"), ds->name);
      return FALSE;
    }
  if (nn_model_output_size (t->model) != data_in)
    {
      g_autofree char *ms = nn_shape_to_string (nn_model_output_shape (t->model));
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The generator makes %s (%lu values) but the images of %s are %s (%lu "
                      "values): make its last layer produce %s"),
                   ms, (unsigned long) nn_model_output_size (t->model), ds->name, dsh,
                   (unsigned long) data_in, dsh);
      return FALSE;
    }
  if (nn_model_input_size (t->disc) != data_in)
    {
      g_autofree char *ms = nn_shape_to_string (nn_model_input_shape (t->disc));
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The discriminator reads %s (%lu values) but the images of %s are %s (%lu "
                      "values): set its Input layer to %s"),
                   ms, (unsigned long) nn_model_input_size (t->disc), ds->name, dsh,
                   (unsigned long) data_in, dsh);
      return FALSE;
    }
  if (nn_model_output_size (t->disc) != 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The discriminator must end in one value, its score of “real” before any "
                      "sigmoid; it has %lu — set its last Dense layer to 1 unit"),
                   (unsigned long) nn_model_output_size (t->disc));
      return FALSE;
    }
  return TRUE;
}

nn_trainer *
nn_trainer_new_gan (const nn_graph *generator, const nn_graph *discriminator, nn_dataset *ds,
                    const nn_trainer_config *c, GError **error)
{
  g_autoptr (nn_trainer) t = NULL;
  nn_trainer_config gc = *c;
  nn_optimizer_config oc;
  gsize in_size = nn_dataset_input_size (ds), n_disc;
  int batch = c->batch;

  gc.mode = NN_MODE_GAN;
  gc.loss = NN_LOSS_BCE;
  if (!(c->label_smoothing >= 0 && c->label_smoothing < 0.5))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("Label smoothing must be at least 0 and below 0.5, e.g. 0.1"));
      return NULL;
    }
  t = _nn_trainer_alloc (ds, &gc, error);
  if (t == NULL)
    return NULL;

  t->model = nn_model_compile (generator, batch, c->seed, error);
  if (t->model == NULL)
    {
      g_prefix_error (error, _ ("The generator: "));
      return NULL;
    }
  /* twice the batch: real and generated samples go through together */
  t->disc = nn_model_compile (discriminator, 2 * batch, c->seed, error);
  if (t->disc == NULL)
    {
      g_prefix_error (error, _ ("The discriminator: "));
      return NULL;
    }
  if (!check_sizes (t, error) || !nn_model_set_input_gradient (t->disc, TRUE, error))
    return NULL;
  t->latent = (int) nn_model_input_size (t->model);
  t->k = 1;
  t->threshold = 0.0f;
  /* nothing to validate against: every training sample trains */
  if (!_nn_trainer_prepare (t, 0.0, error))
    return NULL;

  nn_optimizer_config_init (&oc, c->optimizer);
  oc.momentum = c->momentum;
  oc.nesterov = c->nesterov;
  oc.weight_decay = c->weight_decay;
  oc.beta1 = 0.5;
  nn_model_weights (t->disc, &n_disc);
  t->disc_opt = nn_optimizer_new (&oc, n_disc, nn_model_decay_mask (t->disc), error);
  if (t->disc_opt == NULL)
    return NULL;

  t->z = nn_alloc_floats ((gsize) t->latent * batch);
  t->disc_x = nn_alloc_floats (in_size * 2 * batch);
  t->disc_y = nn_alloc_floats (2 * (gsize) batch);
  t->disc_d = nn_alloc_floats (2 * (gsize) batch);
  t->ones = nn_alloc_floats (batch);
  if (t->z == NULL || t->disc_x == NULL || t->disc_y == NULL || t->disc_d == NULL ||
      t->ones == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory to train with batches of %d samples"), batch);
      return NULL;
    }
  for (int i = 0; i < batch; i++)
    t->ones[i] = 1.0f;
  nn_rng_seed (&t->noise_rng, c->seed, STREAM_NOISE);
  return g_steal_pointer (&t);
}

void
_nn_trainer_gan_clear (nn_trainer *t)
{
  g_clear_pointer (&t->disc, nn_model_free);
  g_clear_pointer (&t->disc_opt, nn_optimizer_free);
  g_clear_pointer (&t->z, nn_free_floats);
  g_clear_pointer (&t->disc_x, nn_free_floats);
  g_clear_pointer (&t->disc_y, nn_free_floats);
  g_clear_pointer (&t->disc_d, nn_free_floats);
  g_clear_pointer (&t->ones, nn_free_floats);
}

static void
update (nn_trainer *t, nn_model *m, nn_optimizer *opt)
{
  gsize n;
  float *w = nn_model_weights (m, &n);
  float *g = nn_model_grads (m, NULL);

  if (t->c.clip_norm > 0)
    nn_clip_grad_norm (g, n, t->c.clip_norm);
  nn_optimizer_step (opt, w, g, t->lr);
}

void
_nn_trainer_gan_batch (nn_trainer *t, const int *idx, int n, double *d_loss, double *g_loss)
{
  const gsize in_size = nn_dataset_input_size (t->ds);
  float *real = t->disc_x, *fake = t->disc_x + (gsize) n * in_size;
  double loss;

  /* 1. real samples in [−1, 1]; generated ones from fresh noise */
  nn_dataset_gather (t->ds, idx, n, real, NULL, NULL);
  for (gsize i = 0; i < (gsize) n * in_size; i++)
    real[i] = 2.0f * real[i] - 1.0f;
  for (gsize i = 0; i < (gsize) n * t->latent; i++)
    t->z[i] = nn_rng_normal (&t->noise_rng);
  nn_model_forward (t->model, t->z, n, TRUE, &t->dropout_rng);
  memcpy (fake, nn_model_output (t->model), sizeof (float) * n * in_size);

  /* 2. the discriminator learns real → the real label, generated → 0 */
  for (int i = 0; i < n; i++)
    {
      t->disc_y[i] = (float) (1.0 - t->c.label_smoothing);
      t->disc_y[n + i] = 0.0f;
    }
  nn_model_forward (t->disc, t->disc_x, 2 * n, TRUE, &t->dropout_rng);
  loss =
    nn_loss_compute (NN_LOSS_BCE, nn_model_output (t->disc), 2 * n, 1, NULL, t->disc_y, t->disc_d);
  /* PyTorch's DCGAN adds the real and the generated batch's mean losses:
   * twice the mean over both */
  *d_loss = 2.0 * loss;
  for (int i = 0; i < 2 * n; i++)
    t->disc_d[i] *= 2.0f;
  nn_model_backward (t->disc, t->disc_d, 2 * n, FALSE);
  update (t, t->disc, t->disc_opt);

  /* 3. the generator, through the updated discriminator */
  nn_model_forward (t->disc, fake, n, TRUE, &t->dropout_rng);
  *g_loss =
    nn_loss_compute (NN_LOSS_BCE, nn_model_output (t->disc), n, 1, NULL, t->ones, t->disc_d);
  nn_model_backward (t->disc, t->disc_d, n, FALSE);
  nn_model_backward (t->model, nn_model_input_gradient (t->disc), n, FALSE);
  update (t, t->model, t->opt);
}

gboolean
nn_trainer_generate (nn_trainer *t, int n, float *out)
{
  const gsize in_size = nn_dataset_input_size (t->ds);
  const int batch = nn_model_batch (t->model);
  float *z;
  nn_rng rng;

  if (t->c.mode != NN_MODE_GAN)
    return FALSE;
  z = nn_alloc_floats ((gsize) t->latent * batch);
  if (z == NULL)
    return FALSE;
  nn_rng_seed (&rng, t->c.seed, STREAM_FIXED_NOISE);
  g_mutex_lock (&t->lock);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      const float *g;
      float *dst = out + (gsize) start * in_size;

      for (gsize i = 0; i < (gsize) b * t->latent; i++)
        z[i] = nn_rng_normal (&rng);
      nn_model_forward (t->model, z, b, FALSE, NULL);
      g = nn_model_output (t->model);
      for (gsize i = 0; i < (gsize) b * in_size; i++)
        dst[i] = CLAMP (0.5f * (g[i] + 1.0f), 0.0f, 1.0f);
    }
  g_mutex_unlock (&t->lock);
  nn_free_floats (z);
  return TRUE;
}

nn_model *
nn_trainer_get_discriminator (nn_trainer *t)
{
  return t->c.mode == NN_MODE_GAN ? t->disc : NULL;
}
