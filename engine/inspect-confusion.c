/* inspect-confusion.c — how a classifier errs over a set of samples: the
 * confusion matrix with per-class precision and recall, and the
 * misclassified samples it was most sure of. See inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "inspect-private.h"
#include "metrics.h"
#include "trainer.h"

/* --- Confusion matrix ----------------------------------------------------- */

static float
threshold_for (nn_loss_kind loss)
{
  /* a single BCE output is a logit; anything else a probability */
  return loss == NN_LOSS_BCE ? 0.0f : 0.5f;
}

nn_confusion *
nn_inspect_confusion (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
                      GError **error)
{
  nn_metrics mt;
  nn_confusion *c;
  int K;

  if (!_nn_inspect_check_classes (
        ds, _ ("A confusion matrix needs data with classes; “%s” has regression targets"), error) ||
      !_nn_inspect_check_model_fits (m, ds, error))
    return NULL;
  if (n <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("There are no samples to build a confusion matrix from"));
      return NULL;
    }
  if (!nn_loss_check (loss, ds->task, ds->n_classes, ds->target_size, nn_model_output_size (m),
                      error))
    return NULL;

  K = ds->n_classes;
  nn_metrics_init (&mt, ds->task, K, threshold_for (loss));
  c = g_new0 (nn_confusion, 1);
  c->loss = nn_model_evaluate (m, ds, idx, n, loss, &mt);
  c->n_classes = K;
  c->class_names = g_strdupv (ds->class_names);
  c->counts = g_memdup2 (mt.confusion, (gsize) K * K * sizeof (gint64));
  c->precision = g_new (double, K);
  c->recall = g_new (double, K);
  for (int i = 0; i < K; i++)
    {
      gboolean p_def, r_def;
      double p = nn_metrics_precision (&mt, i, &p_def);
      double r = nn_metrics_recall (&mt, i, &r_def);

      c->precision[i] = p_def ? p : NAN;
      c->recall[i] = r_def ? r : NAN;
    }
  c->total = mt.samples;
  c->accuracy = nn_metrics_accuracy (&mt);
  nn_metrics_clear (&mt);
  return c;
}

void
nn_confusion_free (nn_confusion *c)
{
  if (c == NULL)
    return;
  g_strfreev (c->class_names);
  g_free (c->counts);
  g_free (c->precision);
  g_free (c->recall);
  g_free (c);
}

/* --- Misclassified -------------------------------------------------------- */

static int
by_confidence (gconstpointer a, gconstpointer b)
{
  const nn_mistake *x = a, *y = b;

  if (x->confidence != y->confidence)
    return x->confidence > y->confidence ? -1 : 1;
  return x->index - y->index; /* stable order for equal confidence */
}

nn_mistakes *
nn_inspect_misclassified (nn_model *m, const nn_dataset *ds, const int *idx, int n, int max,
                          GError **error)
{
  int batch = nn_model_batch (m);
  int k = (int) nn_model_output_size (m);
  gsize in_size = nn_model_input_size (m);
  g_autoptr (GArray) found = NULL;
  g_autofree float *probs = NULL;
  float *x;
  nn_mistakes *mk;

  if (!_nn_inspect_check_classes (
        ds, _ ("Misclassified samples need data with classes; “%s” has regression targets"),
        error) ||
      !_nn_inspect_check_model_fits (m, ds, error))
    return NULL;

  found = g_array_new (FALSE, FALSE, sizeof (nn_mistake));
  probs = g_new0 (float, MAX (k, 2));
  x = nn_alloc_floats (in_size * (gsize) batch);
  mk = g_new0 (nn_mistakes, 1);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      const float *out;

      nn_dataset_gather (ds, idx + start, b, x, NULL, NULL);
      nn_model_forward (m, x, b, FALSE, NULL);
      out = nn_model_output (m);
      for (int i = 0; i < b; i++)
        {
          int K = nn_inspect_probabilities (m, out + (gsize) i * k, k, probs);
          int truth = ds->labels[idx[start + i]];
          int pred;

          K = MIN (K, ds->n_classes);
          pred = _nn_inspect_argmax (probs, K);
          mk->examined++;
          if (pred == truth)
            continue;
          mk->wrong++;
          g_array_append_val (found, ((nn_mistake){
                                       .index = idx[start + i],
                                       .true_class = truth,
                                       .predicted = pred,
                                       .confidence = probs[pred],
                                       .true_prob = truth < K ? probs[truth] : 0.0f,
                                     }));
        }
    }
  nn_free_floats (x);

  g_array_sort (found, by_confidence);
  mk->n_classes = ds->n_classes;
  mk->class_names = g_strdupv (ds->class_names);
  mk->n_items = MIN ((int) found->len, MAX (max, 0));
  mk->items = g_memdup2 (found->data, (gsize) mk->n_items * sizeof (nn_mistake));
  return mk;
}

void
nn_mistakes_free (nn_mistakes *mk)
{
  if (mk == NULL)
    return;
  g_strfreev (mk->class_names);
  g_free (mk->items);
  g_free (mk);
}
