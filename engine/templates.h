/* templates.h — built-in models a user starts from.
 *
 * A template's Input is adapted to a dataset's input shape and its last
 * Dense layer to the dataset's classes (or regression targets); without a
 * dataset it is built for 1×28×28 images and 10 classes. Nodes are placed
 * in a column (x = 0, y = 120·i).
 *
 *   mlp       [Flatten] → Dense 128 ReLU → Dense classes
 *   seed-cnn  Conv2D 32 3×3 ReLU → MaxPool 2 → Conv2D 64 3×3 ReLU → MaxPool 2
 *             → Flatten → Dense 128 ReLU → Dense classes → Softmax
 *             (225,034 parameters on 1×28×28 with 10 classes)
 *   lenet     LeNet-5 with ReLU: Conv2D 6 5×5 same → MaxPool 2 → Conv2D 16
 *             5×5 valid → MaxPool 2 → Flatten → Dense 120 → Dense 84 → Dense classes
 *   tiny-mlp  Dense 16 tanh → Dense 16 tanh → Dense classes (2-D playground sets) */
#pragma once

#include <glib.h>

#include "data/dataset.h"
#include "graph.h"
#include "trainer.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;          /* stable: "mlp", "seed-cnn", "lenet", "tiny-mlp" */
  const char *title;       /* N_() */
  const char *description; /* N_() */
  nn_loss_kind loss;       /* for classification; regression uses MSE */
  nn_optimizer_kind optimizer;
  double lr;
  int batch;
  int epochs;
} nn_template;

const nn_template *nn_templates (int *n);
const nn_template *nn_template_lookup (const char *id);

/* Builds the template for ds (may be NULL). NN_ERROR_INVALID naming the
 * known templates for an unknown id. Whether the result fits the data is
 * for nn_graph_infer / nn_model_compile to say (a CNN on 2-D points does
 * not). */
nn_graph *nn_template_build (const char *id, const nn_dataset *ds, GError **error);

/* Fills the template's recommended loss (MSE for a regression ds),
 * optimizer, learning rate, batch and epochs into c, leaving the rest. */
void nn_template_apply_config (const nn_template *t, const nn_dataset *ds, nn_trainer_config *c);

G_END_DECLS
