/* metrics.c — loss, accuracy, confusion matrix, precision and recall, and
 * regression errors accumulated over batches. */
#include <math.h>
#include <string.h>

#include "metrics.h"

void
nn_metrics_init (nn_metrics *m, nn_task task, int n_classes, float threshold)
{
  *m = (nn_metrics){ .task = task, .n_classes = n_classes, .threshold = threshold };
  if (task == NN_TASK_CLASSIFY && n_classes > 0)
    m->confusion = g_new0 (gint64, (gsize) n_classes * n_classes);
}

void
nn_metrics_clear (nn_metrics *m)
{
  g_clear_pointer (&m->confusion, g_free);
}

void
nn_metrics_reset (nn_metrics *m)
{
  m->loss_sum = 0;
  m->samples = 0;
  m->correct = 0;
  m->abs_err_sum = 0;
  m->sq_err_sum = 0;
  m->values = 0;
  if (m->confusion)
    memset (m->confusion, 0, (gsize) m->n_classes * m->n_classes * sizeof (gint64));
}

int
nn_predict_class (const float *out, int k, float threshold)
{
  int best = 0;

  if (k == 1)
    return out[0] > threshold ? 1 : 0;
  for (int j = 1; j < k; j++)
    if (out[j] > out[best])
      best = j;
  return best;
}

void
nn_metrics_add (nn_metrics *m, const float *out, int n, int k, const gint32 *labels, const float *y,
                double mean_loss)
{
  m->loss_sum += mean_loss * n;
  m->samples += n;
  if (m->task == NN_TASK_CLASSIFY)
    {
      for (int i = 0; i < n; i++)
        {
          int p = nn_predict_class (out + (gsize) i * k, k, m->threshold);
          int t = labels[i];
          if (p == t)
            m->correct++;
          if (m->confusion && t >= 0 && t < m->n_classes && p < m->n_classes)
            m->confusion[(gsize) t * m->n_classes + p]++;
        }
      return;
    }
  for (gsize i = 0; i < (gsize) n * k; i++)
    {
      double e = (double) out[i] - y[i];
      m->abs_err_sum += fabs (e);
      m->sq_err_sum += e * e;
    }
  m->values += (gint64) n * k;
}

double
nn_metrics_loss (const nn_metrics *m)
{
  return m->samples ? m->loss_sum / m->samples : NAN;
}

double
nn_metrics_accuracy (const nn_metrics *m)
{
  if (m->task != NN_TASK_CLASSIFY || m->samples == 0)
    return NAN;
  return (double) m->correct / m->samples;
}

double
nn_metrics_mae (const nn_metrics *m)
{
  return m->values ? m->abs_err_sum / m->values : NAN;
}

double
nn_metrics_mse (const nn_metrics *m)
{
  return m->values ? m->sq_err_sum / m->values : NAN;
}

static double
ratio (gint64 num, gint64 den, gboolean *defined)
{
  if (defined)
    *defined = den > 0;
  return den > 0 ? (double) num / den : 0.0;
}

double
nn_metrics_precision (const nn_metrics *m, int cls, gboolean *defined)
{
  gint64 predicted = 0;
  int k = m->n_classes;

  if (m->confusion == NULL || cls < 0 || cls >= k)
    return ratio (0, 0, defined);
  for (int t = 0; t < k; t++)
    predicted += m->confusion[(gsize) t * k + cls];
  return ratio (m->confusion[(gsize) cls * k + cls], predicted, defined);
}

double
nn_metrics_recall (const nn_metrics *m, int cls, gboolean *defined)
{
  gint64 actual = 0;
  int k = m->n_classes;

  if (m->confusion == NULL || cls < 0 || cls >= k)
    return ratio (0, 0, defined);
  for (int p = 0; p < k; p++)
    actual += m->confusion[(gsize) cls * k + p];
  return ratio (m->confusion[(gsize) cls * k + cls], actual, defined);
}
