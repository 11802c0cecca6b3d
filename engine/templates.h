/* templates.h — built-in models a user starts from.
 *
 * A template's Input is adapted to a dataset's input shape and its last
 * Dense layer to the dataset's classes (or regression targets); without a
 * dataset it is built for 1×28×28 images and 10 classes (the text
 * templates: 16 token ids of a vocabulary of 64). Nodes are placed
 * in a column (x = 0, y = 120·i).
 *
 *   mlp       [Flatten] → Dense 128 ReLU → Dense classes
 *   seed-cnn  Conv2D 32 3×3 ReLU → MaxPool 2 → Conv2D 64 3×3 ReLU → MaxPool 2
 *             → Flatten → Dense 128 ReLU → Dense classes → Softmax
 *             (225,034 parameters on 1×28×28 with 10 classes)
 *   lenet     LeNet-5 with ReLU: Conv2D 6 5×5 same → MaxPool 2 → Conv2D 16
 *             5×5 valid → MaxPool 2 → Flatten → Dense 120 → Dense 84 → Dense classes
 *   tiny-mlp  Dense 16 tanh → Dense 16 tanh → Dense classes (2-D playground sets)
 *   char-lstm Embedding (the dataset's vocabulary) 32 → LSTM 128 → Dense classes
 *             (token sequences such as the words demo; Adam 1e-3, batch 64)
 *   char-gru  the same with a GRU 128
 *
 * Generative templates (their mode says how to train them):
 *   autoencoder       Flatten → Dense 256 → 64 → 256 (ReLU) → Dense input size →
 *                     Sigmoid → Reshape to the input's shape; MSE
 *   conv-autoencoder  Conv2D 16 → MaxPool → Conv2D 8 → MaxPool → Conv2DTranspose 8
 *                     → UpSampling2D → Conv2D 16 → Conv2D channels → Sigmoid (same
 *                     padding, ReLU inside; images whose sides divide by 4); MSE
 *   gan               generator: noise 100 → Dense 256 → Dense 512 (BatchNorm),
 *                     LeakyReLU 0.2 → Dense input size → tanh → Reshape;
 *                     discriminator: Flatten → Dense 512 → 256 (LeakyReLU 0.2) → Dense 1
 *   dcgan             generator: noise 100 → Dense 128·7·7 → BatchNorm → ReLU →
 *                     Reshape → Conv2DTranspose 64 4×4 /2 → BatchNorm → ReLU →
 *                     Conv2DTranspose channels 4×4 /2 → tanh (28×28 images);
 *                     discriminator: Conv2D 64, 128 4×4 /2 (LeakyReLU 0.2) → Dense 1
 * The GANs use Adam at 2e-4 (β1 = 0.5, set by the trainer). */
#pragma once

#include <glib.h>

#include "data/dataset.h"
#include "graph.h"
#include "trainer.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;          /* stable: "mlp", "seed-cnn", "lenet", "tiny-mlp", "char-lstm" … */
  const char *title;       /* N_() */
  const char *description; /* N_() */
  nn_loss_kind loss;       /* for classification; regression uses MSE */
  nn_optimizer_kind optimizer;
  double lr;
  int batch;
  int epochs;
  nn_train_mode mode; /* supervised, autoencoder or gan */
} nn_template;

const nn_template *nn_templates (int *n);
const nn_template *nn_template_lookup (const char *id);

/* Builds the template for ds (may be NULL); for a GAN, its generator. NN_ERROR_INVALID naming the
 * known templates for an unknown id. Whether the result fits the data is
 * for nn_graph_infer / nn_model_compile to say (a CNN on 2-D points does
 * not). */
nn_graph *nn_template_build (const char *id, const nn_dataset *ds, GError **error);

/* A GAN template's two models for ds (may be NULL): the generator (noise
 * to a sample of ds) and the discriminator (a sample to one logit); free
 * both with nn_graph_free. FALSE with NN_ERROR_INVALID for an unknown id or
 * a template that is not a GAN. */
gboolean nn_template_build_gan (const char *id, const nn_dataset *ds, nn_graph **generator,
                                nn_graph **discriminator, GError **error);

/* Fills the template's mode, recommended loss (MSE for a regression ds),
 * optimizer, learning rate, batch and epochs into c, leaving the rest. */
void nn_template_apply_config (const nn_template *t, const nn_dataset *ds, nn_trainer_config *c);

G_END_DECLS
