/* inspect-histograms.c — the distribution of each weight tensor and, after
 * one backward pass over a batch, of its gradient: ranges, norms, mean,
 * spread and binned counts. See inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "inspect-private.h"

static void
bin_values (const float *v, gsize n, int n_bins, double lo, double hi, int *bins)
{
  double scale = hi > lo ? n_bins / (hi - lo) : 0.0;

  for (gsize i = 0; i < n; i++)
    {
      int j = hi > lo ? (int) ((v[i] - lo) * scale) : n_bins / 2;

      bins[CLAMP (j, 0, n_bins - 1)]++;
    }
}

static void
range_and_norm (const float *v, gsize n, double *lo, double *hi, double *norm)
{
  double sq = 0.0;

  *lo = n ? v[0] : 0.0;
  *hi = *lo;
  for (gsize i = 0; i < n; i++)
    {
      *lo = MIN (*lo, v[i]);
      *hi = MAX (*hi, v[i]);
      sq += (double) v[i] * v[i];
    }
  *norm = sqrt (sq);
}

/* One backward over the first samples of idx, gradients left in the model's
 * gradient arena; returns the batch's loss. */
static gboolean
one_backward (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
              double *batch_loss, GError **error)
{
  int b = MIN (n, nn_model_batch (m));
  int k = (int) nn_model_output_size (m);
  gboolean fused = loss == NN_LOSS_CROSS_ENTROPY && nn_model_has_final_softmax (m);
  gboolean classify = ds->task == NN_TASK_CLASSIFY;
  float *x, *y = NULL, *d;
  g_autofree gint32 *labels = NULL;

  if (!nn_loss_check (loss, ds->task, ds->n_classes, ds->target_size, (gsize) k, error))
    return FALSE;
  x = nn_alloc_floats (nn_model_input_size (m) * (gsize) b);
  d = nn_alloc_floats ((gsize) k * b);
  labels = g_new0 (gint32, b);
  if (!classify)
    y = nn_alloc_floats ((gsize) ds->target_size * b);
  nn_dataset_gather (ds, idx, b, x, labels, y);
  nn_model_forward (m, x, b, FALSE, NULL);
  *batch_loss = nn_loss_compute (loss, fused ? nn_model_logits (m) : nn_model_output (m), b, k,
                                 classify ? labels : NULL, classify ? NULL : y, d);
  nn_model_backward (m, d, b, fused);
  nn_free_floats (x);
  nn_free_floats (y);
  nn_free_floats (d);
  return TRUE;
}

nn_histograms *
nn_inspect_histograms (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
                       int n_bins, GError **error)
{
  const nn_weight_range *ranges;
  const float *w, *g = NULL;
  double batch_loss = NAN;
  nn_histograms *h;
  int n_ranges;

  if (n_bins < 2 || n_bins > 512)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("A histogram needs 2 to 512 bins, not %d"),
                   n_bins);
      return NULL;
    }
  if (n > 0)
    {
      if (!_nn_inspect_check_model_fits (m, ds, error) ||
          !one_backward (m, ds, idx, n, loss, &batch_loss, error))
        return NULL;
      g = nn_model_grads (m, NULL);
    }
  w = nn_model_weights (m, NULL);
  ranges = nn_model_weight_ranges (m, &n_ranges);

  h = g_new0 (nn_histograms, 1);
  h->n_bins = n_bins;
  h->n_tensors = n_ranges;
  h->tensors = g_new0 (nn_weight_stats, MAX (n_ranges, 1));
  h->has_grads = g != NULL;
  h->batch_loss = batch_loss;
  for (int r = 0; r < n_ranges; r++)
    {
      const nn_weight_range *range = &ranges[r];
      nn_weight_stats *t = &h->tensors[r];
      const float *v = w + range->offset;
      double sum = 0.0, sq = 0.0;

      t->node_id = range->node_id;
      t->node_name = g_strdup (range->node_name);
      t->weight_name = g_strdup (range->info.name);
      t->shape = range->info.shape;
      t->size = range->size;
      range_and_norm (v, range->size, &t->w_min, &t->w_max, &t->w_norm);
      for (gsize i = 0; i < range->size; i++)
        {
          sum += v[i];
          sq += (double) v[i] * v[i];
        }
      if (range->size > 0)
        {
          t->w_mean = sum / range->size;
          t->w_std = sqrt (MAX (sq / range->size - t->w_mean * t->w_mean, 0.0));
        }
      t->w_bins = g_new0 (int, n_bins);
      bin_values (v, range->size, n_bins, t->w_min, t->w_max, t->w_bins);
      if (g != NULL)
        {
          const float *gv = g + range->offset;

          range_and_norm (gv, range->size, &t->g_min, &t->g_max, &t->g_norm);
          t->g_bins = g_new0 (int, n_bins);
          bin_values (gv, range->size, n_bins, t->g_min, t->g_max, t->g_bins);
        }
    }
  return h;
}

void
nn_histograms_free (nn_histograms *h)
{
  if (h == NULL)
    return;
  for (int r = 0; r < h->n_tensors; r++)
    {
      g_free (h->tensors[r].node_name);
      g_free (h->tensors[r].weight_name);
      g_free (h->tensors[r].w_bins);
      g_free (h->tensors[r].g_bins);
    }
  g_free (h->tensors);
  g_free (h);
}
