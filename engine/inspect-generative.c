/* inspect-generative.c — looking inside models that make inputs rather
 * than label them: an autoencoder's reconstructions and its bottleneck,
 * and a GAN generator's samples from fixed noise. See inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inspect-private.h"
#include "rng.h"
#include "tensor.h"

#define MAX_IMAGES 256

static gboolean
check_indices (const nn_dataset *ds, const int *idx, int n, GError **error)
{
  for (int i = 0; i < n; i++)
    if (!_nn_inspect_check_sample (ds, idx[i], error))
      return FALSE;
  return TRUE;
}

/* --- Reconstructions ------------------------------------------------------ */

nn_reconstructions *
nn_inspect_reconstructions (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                            nn_loss_kind loss, GError **error)
{
  gsize size = nn_dataset_input_size (ds);
  int batch = nn_model_batch (m);
  nn_reconstructions *r;
  double sum = 0;

  if (!_nn_inspect_check_model_fits (m, ds, error) || !check_indices (ds, idx, n, error))
    return NULL;
  if (nn_model_output_size (m) != size)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The model’s output holds %zu"
                      " values but its input %zu"
                      ": only a model that rebuilds its input (an autoencoder) has "
                      "reconstructions"),
                   nn_model_output_size (m), size);
      return NULL;
    }
  if (n < 1)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("There are no samples to rebuild"));
      return NULL;
    }
  n = MIN (n, MAX_IMAGES);
  r = g_new0 (nn_reconstructions, 1);
  r->n = n;
  r->shape = ds->input_shape;
  r->samples = g_memdup2 (idx, sizeof (int) * n);
  r->inputs = g_new (float, (gsize) n *size);
  r->outputs = g_new (float, (gsize) n *size);
  nn_dataset_gather (ds, idx, n, r->inputs, NULL, NULL);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      float *dst = r->outputs + (gsize) start * size;

      nn_model_forward (m, r->inputs + (gsize) start * size, b, FALSE, NULL);
      memcpy (dst, nn_model_output (m), sizeof (float) * b * size);
      if (loss == NN_LOSS_BCE)
        for (gsize i = 0; i < (gsize) b * size; i++)
          dst[i] = 1.0f / (1.0f + expf (-dst[i]));
    }
  for (gsize i = 0; i < (gsize) n * size; i++)
    {
      double d = r->outputs[i] - r->inputs[i];
      sum += d * d;
    }
  r->mse = sum / ((double) n * size);
  return r;
}

void
nn_reconstructions_free (nn_reconstructions *r)
{
  if (r == NULL)
    return;
  g_free (r->samples);
  g_free (r->inputs);
  g_free (r->outputs);
  nn_latent_free (r->latent);
  g_free (r);
}

/* --- Bottleneck ----------------------------------------------------------- */

/* Position of the hidden vector layer with the fewest units, or -1. */
static int
bottleneck (const nn_model *m)
{
  int best = -1;
  gsize best_size = G_MAXSIZE;

  for (int k = 1; k < nn_model_n_nodes (m) - 1; k++)
    {
      nn_shape shape;

      nn_model_activation (m, nn_model_nth_node (m, k)->id, &shape);
      if (shape.rank == 1 && nn_shape_size (&shape) < best_size)
        {
          best = k;
          best_size = nn_shape_size (&shape);
        }
    }
  return best;
}

nn_latent *
nn_inspect_latent (nn_model *m, const nn_dataset *ds, const int *idx, int n, GError **error)
{
  int k, batch = nn_model_batch (m);
  gsize size = nn_dataset_input_size (ds);
  const nn_node *node;
  float *x;
  nn_latent *l;
  nn_shape shape;

  if (!_nn_inspect_check_model_fits (m, ds, error) || !check_indices (ds, idx, n, error))
    return NULL;
  k = bottleneck (m);
  if (k < 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("The model has no hidden layer of single numbers (a Dense layer) "
                              "to read a latent code from"));
      return NULL;
    }
  node = nn_model_nth_node (m, k);
  nn_model_activation (m, node->id, &shape);

  l = g_new0 (nn_latent, 1);
  l->node_id = node->id;
  l->node_name = g_strdup (node->name);
  l->dim = (int) nn_shape_size (&shape);
  l->n = n;
  l->values = g_new (float, (gsize) MAX (n, 1) * l->dim);
  x = nn_alloc_floats ((gsize) batch * size);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);

      nn_dataset_gather (ds, idx + start, b, x, NULL, NULL);
      nn_model_forward (m, x, b, FALSE, NULL);
      memcpy (l->values + (gsize) start * l->dim, nn_model_activation (m, node->id, &shape),
              sizeof (float) * b * l->dim);
    }
  nn_free_floats (x);
  for (int d = 0; d < MIN (l->dim, 2); d++)
    {
      l->min[d] = l->max[d] = n > 0 ? l->values[d] : 0.0f;
      for (int i = 1; i < n; i++)
        {
          l->min[d] = MIN (l->min[d], l->values[(gsize) i * l->dim + d]);
          l->max[d] = MAX (l->max[d], l->values[(gsize) i * l->dim + d]);
        }
    }
  if (ds->task == NN_TASK_CLASSIFY && ds->labels != NULL)
    {
      l->labels = g_new (gint32, MAX (n, 1));
      for (int i = 0; i < n; i++)
        l->labels[i] = ds->labels[idx[i]];
      l->n_classes = ds->n_classes;
      l->class_names = g_strdupv (ds->class_names);
    }
  return l;
}

void
nn_latent_free (nn_latent *l)
{
  if (l == NULL)
    return;
  g_free (l->node_name);
  g_free (l->values);
  g_free (l->labels);
  g_strfreev (l->class_names);
  g_free (l);
}

/* --- GAN samples ---------------------------------------------------------- */

nn_samples *
nn_samples_new (const nn_shape *shape, int n, const float *images)
{
  nn_samples *s = g_new0 (nn_samples, 1);

  s->n = n;
  s->shape = *shape;
  s->images = g_memdup2 (images, sizeof (float) * (gsize) n * nn_shape_size (shape));
  return s;
}

nn_samples *
nn_inspect_generate (nn_model *m, const nn_shape *shape, int n, guint64 seed, GError **error)
{
  gsize size = nn_shape_size (shape), latent = nn_model_input_size (m);
  int batch = nn_model_batch (m);
  nn_samples *s;
  float *z;
  nn_rng rng;

  if (nn_model_output_size (m) != size)
    {
      g_autofree char *want = nn_shape_to_string (shape);

      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The generator makes %zu values per sample, but a sample "
                      "of the data (%s) has %zu"),
                   nn_model_output_size (m), want, size);
      return NULL;
    }
  n = CLAMP (n, 1, MAX_IMAGES);
  s = g_new0 (nn_samples, 1);
  s->n = n;
  s->shape = *shape;
  s->images = g_new (float, (gsize) n *size);
  z = nn_alloc_floats ((gsize) batch * latent);
  nn_rng_seed (&rng, seed, 0);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      const float *g;
      float *dst = s->images + (gsize) start * size;

      for (gsize i = 0; i < (gsize) b * latent; i++)
        z[i] = nn_rng_normal (&rng);
      nn_model_forward (m, z, b, FALSE, NULL);
      g = nn_model_output (m);
      for (gsize i = 0; i < (gsize) b * size; i++)
        dst[i] = isfinite (g[i]) ? CLAMP (0.5f * (g[i] + 1.0f), 0.0f, 1.0f) : 0.0f;
    }
  nn_free_floats (z);
  return s;
}

void
nn_samples_free (nn_samples *s)
{
  if (s == NULL)
    return;
  g_free (s->images);
  g_free (s);
}
