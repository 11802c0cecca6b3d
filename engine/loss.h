/* loss.h — loss functions: the number training minimises and its gradient.
 *
 * All are means over the batch, like PyTorch's defaults (MSE and MAE also
 * over the values of each sample). nn_loss_compute() returns the loss and
 * writes d_out = ∂loss/∂out, already divided by the batch, so the model's
 * backward can take it as is.
 *
 *   mse            mean of (out − y)²
 *   mae            mean of |out − y|            (gradient 0 at out == y)
 *   bce            binary cross-entropy on logits, stable form
 *                  max(x,0) − x·y + log1p(exp(−|x|)); the model ends without
 *                  a sigmoid (PyTorch's BCEWithLogitsLoss)
 *   cross_entropy  softmax fused with cross-entropy on logits (PyTorch's
 *                  CrossEntropyLoss); integer labels or soft / one-hot
 *                  targets. A model ending in a Softmax layer is accepted:
 *                  the trainer feeds this loss the Softmax's input (see
 *                  nn_model_logits) and skips the Softmax in backward.
 *
 * Targets: `labels` (one class index per sample) or `y` (n × k floats).
 * With labels, MSE/MAE/BCE compare against one-hot rows — except when
 * k == 1, where the label itself (0 or 1) is the target. */
#pragma once

#include <glib.h>

#include "data/dataset.h"

G_BEGIN_DECLS

typedef enum
{
  NN_LOSS_MSE,
  NN_LOSS_MAE,
  NN_LOSS_BCE,
  NN_LOSS_CROSS_ENTROPY,
} nn_loss_kind;

typedef struct
{
  nn_loss_kind kind;
  const char *id;          /* stable: "mse", "mae", "bce", "cross_entropy" */
  const char *title;       /* N_() */
  const char *description; /* N_(): one line, when to use it */
} nn_loss_info;

/* Every loss, in the order a menu shows them. */
const nn_loss_info *nn_losses (int *n);
const char *nn_loss_id (nn_loss_kind kind);
/* FALSE with NN_ERROR_INVALID naming the valid ids when unknown. */
gboolean nn_loss_from_id (const char *id, nn_loss_kind *kind, GError **error);

/* Can this loss train a model with `out_size` outputs on this task? FALSE
 * with a message saying what to change, e.g. "Cross-entropy needs one output
 * per class: the model has 1, the data has 3 classes — set the last Dense
 * layer's units to 3". */
gboolean nn_loss_check (nn_loss_kind kind, nn_task task, int n_classes, int target_size,
                        gsize out_size, GError **error);

/* Loss over n samples of k outputs each. Exactly one of labels / y is
 * non-NULL. d_out (n × k, may be NULL) is overwritten with the gradient.
 * Labels outside [0, k) are a programming error (the dataset checks them). */
double nn_loss_compute (nn_loss_kind kind, const float *out, int n, int k, const gint32 *labels,
                        const float *y, float *d_out);

G_END_DECLS
