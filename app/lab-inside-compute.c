/* lab-inside-compute.c — the Inside page's computations: its copy of the
 * run's samples, and the jobs that compute a view on a worker thread from
 * the page's own model copy (see lab-inside-page-private.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "error.h"
#include "lab-inside-page-private.h"

/* Mistakes shown in the gallery, at most. */
#define MAX_MISTAKES   48
#define BOUNDARY_CELLS 120
#define HISTOGRAM_BINS 40

static void
inspector_clear (Inspector *insp)
{
  nn_model_free (insp->model);
  nn_dataset_free (insp->ds);
  g_free (insp->test);
  g_free (insp->points);
}

void
_lab_inside_inspector_unref (Inspector *insp)
{
  g_atomic_rc_box_release_full (insp, (GDestroyNotify) inspector_clear);
}

nn_dataset *
_lab_inside_copy_samples (const nn_dataset *ds, const int *idx, int n, int extra)
{
  nn_dataset *c = g_new0 (nn_dataset, 1);
  gsize size = nn_dataset_input_size (ds);
  gsize element = ds->store == NN_STORE_U8 ? 1 : ds->store == NN_STORE_F32 ? 4 : 4;
  const guint8 *src = ds->store == NN_STORE_U8    ? (const guint8 *) ds->u8
                      : ds->store == NN_STORE_F32 ? (const guint8 *) ds->f32
                                                  : (const guint8 *) ds->tokens;
  guint8 *dst;
  int total = n + extra;

  c->spec = g_strdup (ds->spec);
  c->name = g_strdup (ds->name);
  c->source = g_strdup (ds->source);
  c->task = ds->task;
  c->store = ds->store;
  c->input_shape = ds->input_shape;
  c->n_samples = c->n_train = total;
  c->n_classes = ds->n_classes;
  c->class_names = g_strdupv (ds->class_names);
  c->target_size = ds->target_size;
  c->feature_names = g_strdupv (ds->feature_names);
  c->vocab = g_strdupv (ds->vocab);
  c->vocab_size = ds->vocab_size;

  dst = g_malloc0 ((gsize) total * size * element);
  for (int i = 0; i < n; i++)
    memcpy (dst + (gsize) i * size * element, src + (gsize) idx[i] * size * element,
            size * element);
  if (ds->store == NN_STORE_U8)
    c->u8 = dst;
  else if (ds->store == NN_STORE_F32)
    c->f32 = (float *) dst;
  else
    c->tokens = (gint32 *) dst;

  if (ds->labels != NULL)
    {
      c->labels = g_new0 (gint32, total);
      for (int i = 0; i < n; i++)
        c->labels[i] = ds->labels[idx[i]];
    }
  if (ds->targets != NULL)
    {
      c->targets = g_new0 (float, (gsize) total * ds->target_size);
      for (int i = 0; i < n; i++)
        memcpy (c->targets + (gsize) i * ds->target_size,
                ds->targets + (gsize) idx[i] * ds->target_size, sizeof (float) * ds->target_size);
    }
  if (ds->mean != NULL)
    {
      c->mean = g_memdup2 (ds->mean, sizeof (float) * size);
      c->inv_std = g_memdup2 (ds->inv_std, sizeof (float) * size);
    }
  return c;
}

/* ---- jobs -------------------------------------------------------------- */

void
_lab_inside_job_free (InsideJob *job)
{
  for (int k = 0; k < 2; k++)
    {
      if (job->data[k] != NULL)
        job->free_func[k](job->data[k]);
      g_free (job->message[k]);
    }
  g_clear_pointer (&job->insp, _lab_inside_inspector_unref);
  g_free (job->weights);
  g_free (job->drawing);
  g_free (job);
}

static void
job_put (InsideJob *job, int k, gpointer data, GDestroyNotify free_func, GError *error)
{
  job->data[k] = data;
  job->free_func[k] = free_func;
  if (data == NULL)
    job->message[k] = g_strdup (error != NULL ? error->message : "");
}

/* The test samples of one confusion cell, most confident first, in the
 * shape of a mistakes list so the gallery can show them. */
static nn_mistakes *
cell_samples (Inspector *insp, int true_class, int predicted)
{
  nn_model *m = insp->model;
  int batch = nn_model_batch (m), k = (int) nn_model_output_size (m);
  gsize in = nn_model_input_size (m);
  g_autofree float *x = g_new (float, (gsize) batch *in);
  g_autofree float *probs = g_new (float, MAX (k, 2));
  g_autofree gint32 *labels = g_new (gint32, batch);
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (nn_mistake));
  nn_mistakes *mk = g_new0 (nn_mistakes, 1);

  for (int start = 0; start < insp->n_test; start += batch)
    {
      int n = MIN (batch, insp->n_test - start);
      const float *out;

      nn_dataset_gather (insp->ds, insp->test + start, n, x, labels, NULL);
      nn_model_forward (m, x, n, FALSE, NULL);
      out = nn_model_output (m);
      for (int s = 0; s < n; s++)
        {
          int classes = nn_inspect_probabilities (m, out + (gsize) s * k, k, probs);
          int best = 0;

          for (int c = 1; c < classes; c++)
            if (probs[c] > probs[best])
              best = c;
          if (labels[s] == true_class && best == predicted)
            {
              nn_mistake item = { insp->test[start + s], true_class, predicted, probs[predicted],
                                  probs[true_class] };
              g_array_append_val (items, item);
            }
        }
      mk->examined += n;
    }

  mk->n_classes = insp->ds->n_classes;
  mk->class_names = g_strdupv (insp->ds->class_names);
  mk->wrong = (int) items->len;
  mk->n_items = MIN ((int) items->len, MAX_MISTAKES);
  /* Most confident first, as the mistakes gallery orders them. */
  for (guint i = 1; i < items->len; i++)
    for (guint j = i; j > 0 && g_array_index (items, nn_mistake, j).confidence >
                                 g_array_index (items, nn_mistake, j - 1).confidence;
         j--)
      {
        nn_mistake t = g_array_index (items, nn_mistake, j);
        g_array_index (items, nn_mistake, j) = g_array_index (items, nn_mistake, j - 1);
        g_array_index (items, nn_mistake, j - 1) = t;
      }
  mk->items = g_memdup2 (items->data, sizeof (nn_mistake) * mk->n_items);
  return mk;
}

/* The first test samples beside what the model makes of them, and the
 * map of the latent space when the bottleneck has two units. */
static nn_reconstructions *
reconstructions (Inspector *insp, GError **error)
{
  nn_reconstructions *r;
  nn_latent *latent;

  if (insp->n_test == 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_DATA,
                           _ ("The data has no test samples to rebuild."));
      return NULL;
    }
  r = nn_inspect_reconstructions (insp->model, insp->ds, insp->test,
                                  MIN (insp->n_test, INSIDE_RECONSTRUCTIONS), insp->loss, error);
  if (r == NULL)
    return NULL;
  latent = nn_inspect_latent (insp->model, insp->ds, insp->test,
                              MIN (insp->n_test, INSIDE_LATENT_POINTS), NULL);
  if (latent != NULL && latent->dim == 2)
    r->latent = latent;
  else
    nn_latent_free (latent);
  return r;
}

static void
write_drawing (Inspector *insp, const float *image)
{
  gsize size = nn_dataset_input_size (insp->ds);
  guint8 *slot = insp->ds->u8 + (gsize) insp->drawing * size;

  for (gsize i = 0; i < size; i++)
    slot[i] = (guint8) (CLAMP (image[i], 0, 1) * 255 + 0.5f);
}

void
_lab_inside_job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  InsideJob *job = task_data;
  Inspector *insp = job->insp;
  g_autoptr (GError) e0 = NULL;
  g_autoptr (GError) e1 = NULL;
  gpointer r0 = NULL, r1 = NULL;
  GDestroyNotify f0 = NULL, f1 = NULL;

  if (job->weights != NULL)
    nn_model_copy_weights_from (insp->model, job->weights);
  switch (job->page)
    {
      case PAGE_ACTIVATIONS:
        r0 = nn_inspect_activations (insp->model, insp->ds, job->sample, &e0);
        f0 = (GDestroyNotify) nn_activations_free;
        break;
      case PAGE_FILTERS:
        r0 = nn_inspect_filters (insp->model, &e0);
        f0 = (GDestroyNotify) nn_filters_free;
        r1 = nn_inspect_histograms (insp->model, insp->ds, insp->test, insp->n_test, insp->loss,
                                    HISTOGRAM_BINS, &e1);
        f1 = (GDestroyNotify) nn_histograms_free;
        break;
      case PAGE_CONFUSION:
        r0 =
          nn_inspect_confusion (insp->model, insp->ds, insp->test, insp->n_test, insp->loss, &e0);
        f0 = (GDestroyNotify) nn_confusion_free;
        break;
      case PAGE_MISTAKES:
        if (job->cell_true >= 0)
          r0 = cell_samples (insp, job->cell_true, job->cell_predicted);
        else
          r0 = nn_inspect_misclassified (insp->model, insp->ds, insp->test, insp->n_test,
                                         MAX_MISTAKES, &e0);
        f0 = (GDestroyNotify) nn_mistakes_free;
        break;
      case PAGE_SALIENCY:
        r0 = nn_inspect_saliency (insp->model, insp->ds, job->sample, &e0);
        f0 = (GDestroyNotify) nn_saliency_free;
        break;
      case PAGE_BOUNDARY:
        r0 = nn_inspect_boundary (insp->model, insp->ds, insp->points, insp->n_points,
                                  BOUNDARY_CELLS, BOUNDARY_CELLS, &e0);
        f0 = (GDestroyNotify) nn_boundary_free;
        break;
      case PAGE_RECONSTRUCTIONS:
        r0 = reconstructions (insp, &e0);
        f0 = (GDestroyNotify) nn_reconstructions_free;
        break;
      case PAGE_SAMPLES:
        r0 = nn_inspect_generate (insp->model, &insp->ds->input_shape, INSIDE_SAMPLES,
                                  INSIDE_NOISE_SEED, &e0);
        f0 = (GDestroyNotify) nn_samples_free;
        break;
      case PAGE_DRAW:
        write_drawing (insp, job->drawing);
        r0 = nn_inspect_activations (insp->model, insp->ds, insp->drawing, &e0);
        f0 = (GDestroyNotify) nn_activations_free;
        break;
      case N_PAGES:
        g_assert_not_reached ();
    }
  job_put (job, 0, r0, f0, e0);
  if (job->page == PAGE_FILTERS)
    job_put (job, 1, r1, f1, e1);
  g_task_return_boolean (task, TRUE);
}
