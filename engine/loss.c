/* loss.c — MSE, MAE, binary and categorical cross-entropy with their
 * gradients, in double accumulation so a batch's loss does not depend on
 * float rounding order more than it must. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "loss.h"

static const nn_loss_info losses[] = {
  { NN_LOSS_CROSS_ENTROPY, "cross_entropy", N_ ("Cross-entropy"),
    N_ ("For classes: softmax and log-loss over one output per class") },
  { NN_LOSS_BCE, "bce", N_ ("Binary cross-entropy"),
    N_ ("For yes/no answers: one output (a logit) per question, no final sigmoid") },
  { NN_LOSS_MSE, "mse", N_ ("Mean squared error"), N_ ("For numbers: punishes large errors most") },
  { NN_LOSS_MAE, "mae", N_ ("Mean absolute error"),
    N_ ("For numbers: robust to a few wild targets") },
};

const nn_loss_info *
nn_losses (int *n)
{
  *n = G_N_ELEMENTS (losses);
  return losses;
}

const char *
nn_loss_id (nn_loss_kind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (losses); i++)
    if (losses[i].kind == kind)
      return losses[i].id;
  return NULL;
}

gboolean
nn_loss_from_id (const char *id, nn_loss_kind *kind, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (losses); i++)
    if (id != NULL && g_str_equal (losses[i].id, id))
      {
        *kind = losses[i].kind;
        return TRUE;
      }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _ ("Unknown loss “%s”: use cross_entropy, bce, mse or mae"), id ? id : "");
  return FALSE;
}

gboolean
nn_loss_check (nn_loss_kind kind, nn_task task, int n_classes, int target_size, gsize out_size,
               GError **error)
{
  if (task == NN_TASK_REGRESS)
    {
      if (kind == NN_LOSS_CROSS_ENTROPY || kind == NN_LOSS_BCE)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                       _ ("The data has numbers to predict, not classes: use the mse or mae "
                          "loss instead of %s"),
                       nn_loss_id (kind));
          return FALSE;
        }
      if (out_size != (gsize) target_size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("The model has %lu outputs but the data has %d "
                          "values to predict — set the last Dense layer's units to %d"),
                       (unsigned long) out_size, target_size, target_size);
          return FALSE;
        }
      return TRUE;
    }

  if (kind == NN_LOSS_BCE && out_size == 1)
    {
      if (n_classes != 2)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("Binary cross-entropy with one output needs 2 classes, the data has "
                          "%d — use cross_entropy with %d outputs"),
                       n_classes, n_classes);
          return FALSE;
        }
      return TRUE;
    }
  if (out_size != (gsize) n_classes)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The model has %lu outputs but the data has %d classes — "
                      "set the last Dense layer's units to %d"),
                   (unsigned long) out_size, n_classes, n_classes);
      return FALSE;
    }
  return TRUE;
}

/* The target of output j of sample i, whichever way targets were given. */
static inline double
target_at (const gint32 *labels, const float *y, int i, int j, int k)
{
  if (y != NULL)
    return y[(gsize) i * k + j];
  if (k == 1)
    return labels[i];
  return labels[i] == j ? 1.0 : 0.0;
}

static double
loss_mse (const float *out, int n, int k, const gint32 *labels, const float *y, float *d)
{
  double sum = 0.0, scale = 2.0 / ((double) n * k);

  for (int i = 0; i < n; i++)
    for (int j = 0; j < k; j++)
      {
        gsize at = (gsize) i * k + j;
        double e = out[at] - target_at (labels, y, i, j, k);
        sum += e * e;
        if (d)
          d[at] = (float) (scale * e);
      }
  return sum / ((double) n * k);
}

static double
loss_mae (const float *out, int n, int k, const gint32 *labels, const float *y, float *d)
{
  double sum = 0.0, scale = 1.0 / ((double) n * k);

  for (int i = 0; i < n; i++)
    for (int j = 0; j < k; j++)
      {
        gsize at = (gsize) i * k + j;
        double e = out[at] - target_at (labels, y, i, j, k);
        sum += fabs (e);
        if (d)
          d[at] = (float) (e > 0 ? scale : e < 0 ? -scale : 0.0);
      }
  return sum / ((double) n * k);
}

/* Mean over every value, as BCEWithLogitsLoss does with reduction "mean". */
static double
loss_bce (const float *out, int n, int k, const gint32 *labels, const float *y, float *d)
{
  double sum = 0.0, scale = 1.0 / ((double) n * k);

  for (int i = 0; i < n; i++)
    for (int j = 0; j < k; j++)
      {
        gsize at = (gsize) i * k + j;
        double x = out[at], t = target_at (labels, y, i, j, k);
        sum += fmax (x, 0.0) - x * t + log1p (exp (-fabs (x)));
        if (d)
          {
            /* sigmoid without overflow for either sign */
            double s = x >= 0 ? 1.0 / (1.0 + exp (-x)) : exp (x) / (1.0 + exp (x));
            d[at] = (float) (scale * (s - t));
          }
      }
  return sum * scale;
}

static double
loss_cross_entropy (const float *out, int n, int k, const gint32 *labels, const float *y, float *d)
{
  double total = 0.0, scale = 1.0 / n;

  for (int i = 0; i < n; i++)
    {
      const float *x = out + (gsize) i * k;
      double max = x[0], sum = 0.0, log_z;

      for (int j = 1; j < k; j++)
        max = fmax (max, x[j]);
      for (int j = 0; j < k; j++)
        sum += exp (x[j] - max);
      log_z = max + log (sum);

      if (y == NULL)
        total += log_z - x[labels[i]];
      else
        {
          double tsum = 0.0;
          for (int j = 0; j < k; j++)
            {
              double t = y[(gsize) i * k + j];
              total += t * (log_z - x[j]);
              tsum += t;
            }
          /* soft targets that do not sum to 1: the gradient is p·Σt − t */
          if (d)
            for (int j = 0; j < k; j++)
              d[(gsize) i * k + j] =
                (float) (scale * (exp (x[j] - log_z) * tsum - y[(gsize) i * k + j]));
          continue;
        }
      if (d)
        for (int j = 0; j < k; j++)
          d[(gsize) i * k + j] =
            (float) (scale * (exp (x[j] - log_z) - (labels[i] == j ? 1.0 : 0.0)));
    }
  return total * scale;
}

double
nn_loss_compute (nn_loss_kind kind, const float *out, int n, int k, const gint32 *labels,
                 const float *y, float *d_out)
{
  g_return_val_if_fail ((labels == NULL) != (y == NULL), NAN);
  if (n <= 0 || k <= 0)
    return NAN;
  switch (kind)
    {
      case NN_LOSS_MSE:
        return loss_mse (out, n, k, labels, y, d_out);
      case NN_LOSS_MAE:
        return loss_mae (out, n, k, labels, y, d_out);
      case NN_LOSS_BCE:
        return loss_bce (out, n, k, labels, y, d_out);
      case NN_LOSS_CROSS_ENTROPY:
        return loss_cross_entropy (out, n, k, labels, y, d_out);
    }
  return NAN;
}
