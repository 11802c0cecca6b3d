/* metrics.h — how well a model does, accumulated over batches.
 *
 * Init once for a task, reset at the start of each pass, add every batch
 * (no allocation), then read. Classification: the predicted class is the
 * argmax of the outputs; with a single output (binary, BCE on a logit) it is
 * out > threshold (0 for logits, 0.5 for probabilities). The confusion
 * matrix has rows = true class, columns = predicted class.
 *
 * Precision of a class nobody predicted, and recall of a class absent from
 * the data, are 0/0: the functions return 0 and set *defined to FALSE, so
 * a table can show "—" instead. */
#pragma once

#include <glib.h>

#include "data/dataset.h"

G_BEGIN_DECLS

typedef struct
{
  nn_task task;
  int n_classes;
  float threshold;
  /* accumulated */
  double loss_sum; /* Σ batch mean loss × batch size */
  gint64 samples;
  gint64 correct;
  gint64 *confusion;              /* [n_classes × n_classes], classification only */
  double abs_err_sum, sq_err_sum; /* regression */
  gint64 values;                  /* regression: samples × outputs */
} nn_metrics;

void nn_metrics_init (nn_metrics *m, nn_task task, int n_classes, float threshold);
void nn_metrics_clear (nn_metrics *m); /* frees; init again to reuse */
void nn_metrics_reset (nn_metrics *m); /* zeroes the counts */

/* Adds n samples with k outputs each: out (n × k), their true labels
 * (classification) or targets y (regression, n × k), and the batch's mean
 * loss. */
void nn_metrics_add (nn_metrics *m, const float *out, int n, int k, const gint32 *labels,
                     const float *y, double mean_loss);

double nn_metrics_loss (const nn_metrics *m);     /* mean per sample; NaN when empty */
double nn_metrics_accuracy (const nn_metrics *m); /* in [0, 1]; NaN when empty or regression */
double nn_metrics_mae (const nn_metrics *m);      /* regression; NaN otherwise */
double nn_metrics_mse (const nn_metrics *m);
double nn_metrics_precision (const nn_metrics *m, int cls, gboolean *defined);
double nn_metrics_recall (const nn_metrics *m, int cls, gboolean *defined);

/* Predicted class of one sample's k outputs, as nn_metrics_add decides it. */
int nn_predict_class (const float *out, int k, float threshold);

G_END_DECLS
