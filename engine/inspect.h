/* inspect.h — looking inside a trained model: the numbers behind the
 * window's Inside tab and `layerlab-cli render`, with no drawing.
 *
 * Every function takes a compiled model that already holds the weights to
 * look at (a trainer's model between runs, or one compiled from a project
 * with nn_project_apply_weights) and the dataset it was trained on, with
 * its normalisation fitted (the trainer does that; a project stores it).
 * They run forward (and backward) passes on the model in inference mode, in
 * chunks of its batch size, so the model's last activations and gradients
 * are replaced: never call them while a trainer's worker uses the model.
 * Results are plain structs of copies that outlive the model and the data;
 * free each with its _free function.
 *
 * Sample indices are indices into the dataset (0 .. n_samples-1). Where a
 * list of samples is taken (idx, n), pass a split part — typically the
 * test part, nn_trainer_get_split (t)->test.
 *
 * Probabilities: a model that ends in Softmax gives them directly; one that
 * ends in logits gets a softmax applied here; a single output (binary, BCE)
 * is a logit p = sigmoid (out) of class 1 and 1 − p of class 0. */
#pragma once

#include <glib.h>

#include "data/dataset.h"
#include "graph.h"
#include "loss.h"

G_BEGIN_DECLS

/* Class probabilities of one sample's k outputs as described above, into
 * probs (max (k, 2) floats); returns the number of classes written. */
int nn_inspect_probabilities (const nn_model *m, const float *out, int k, float *probs);

/* --- Activations of one sample ------------------------------------------ */

typedef struct
{
  int id;
  char *name;              /* "conv1" */
  const nn_layer_ops *ops; /* kind: ops->id "conv2d", _(ops->name) for people */
  nn_shape shape;          /* per sample: C×H×W for feature maps, F for vectors */
  float *values;           /* nn_shape_size (&shape) floats */
  float min, max;          /* over values */
  /* A recurrent layer that returns only its last state: every state it
   * went through, n_steps × units (row t is h after step t; the last row
   * is `values`), so its memory can be seen over time; else NULL, 0.
   * Layers that return sequences already have a T × units shape. */
  int n_steps;
  float *steps;
  float steps_min, steps_max;
} nn_node_output;

typedef struct
{
  int sample;            /* dataset index */
  int n_nodes;           /* every node, topological order, the Input first */
  nn_node_output *nodes; /* the last one is the model's output */
  /* Classification (NN_TASK_CLASSIFY), else n_classes == 0: */
  int n_classes;
  char **class_names; /* NULL-terminated copy */
  float *probs;       /* [n_classes] */
  int true_class;     /* the label */
  int predicted;      /* argmax of probs */
  /* Text (token) input: the sample's tokens as text, one per time step
   * ("" for padding), NULL-terminated; NULL for other data. */
  char **tokens;
} nn_activations;

/* Runs sample `sample` through m. NN_ERROR_INVALID when the index is out of
 * range or the model's input size does not match the data's. */
nn_activations *nn_inspect_activations (nn_model *m, const nn_dataset *ds, int sample,
                                        GError **error);
void nn_activations_free (nn_activations *a);

/* --- Confusion matrix ---------------------------------------------------- */

typedef struct
{
  int n_classes;
  char **class_names;         /* NULL-terminated copy */
  gint64 *counts;             /* [n_classes × n_classes]: rows true, columns predicted */
  double *precision, *recall; /* [n_classes]; NaN where 0/0 (show "—") */
  gint64 total;
  double accuracy;
  double loss; /* mean over the samples */
} nn_confusion;

/* Evaluates samples idx[0..n) with nn_model_evaluate. NN_ERROR_INVALID for
 * regression data (there are no classes) and when n == 0. */
nn_confusion *nn_inspect_confusion (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                                    nn_loss_kind loss, GError **error);
void nn_confusion_free (nn_confusion *c);

/* --- Misclassified samples ---------------------------------------------- */

typedef struct
{
  int index; /* dataset index */
  int true_class;
  int predicted;
  float confidence; /* probability given to the predicted (wrong) class */
  float true_prob;  /* probability given to the true class */
} nn_mistake;

typedef struct
{
  int n_classes;
  char **class_names; /* NULL-terminated copy */
  int examined;       /* samples looked at */
  int wrong;          /* of which misclassified (may exceed n_items) */
  int n_items;
  nn_mistake *items; /* the most confident mistakes first */
} nn_mistakes;

/* The `max` mistakes among idx[0..n) the model was most sure of. An empty
 * list (n_items 0) when it makes none. NN_ERROR_INVALID for regression. */
nn_mistakes *nn_inspect_misclassified (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                                       int max, GError **error);
void nn_mistakes_free (nn_mistakes *mk);

/* --- Saliency ------------------------------------------------------------ */

typedef struct
{
  int sample;
  int true_class, predicted;        /* -1 true_class for regression */
  float confidence;                 /* probability of the predicted class */
  char *true_name, *predicted_name; /* NULL for regression */
  nn_shape shape;                   /* the input's, per sample */
  float *input;                     /* the gathered (normalised) input */
  float *gradient;                  /* |∂ score / ∂ input|, same shape */
  char **feature_names;             /* tables: NULL-terminated copy; else NULL */
  /* One value per pixel: the maximum over channels for images (H×W); for
   * any other input the gradient itself as 1×size. Scaled to [0, 1]. */
  int map_height, map_width;
  float *map;
  float max_gradient; /* before scaling; 0 when the gradient vanished */
} nn_saliency;

/* Gradient of the predicted class's score (its logit: the input of a final
 * Softmax, else the output) with respect to the input for one sample. For
 * regression, of the first output. NN_ERROR_INVALID for a bad index and for
 * token inputs (text: ids have no gradient). */
nn_saliency *nn_inspect_saliency (nn_model *m, const nn_dataset *ds, int sample, GError **error);
void nn_saliency_free (nn_saliency *s);

/* --- Decision boundary of 2-D data -------------------------------------- */

typedef struct
{
  int id;
  char *name;
  int units;
  float *values; /* units × height × width, each unit's output over the grid */
  float min, max;
} nn_boundary_layer;

typedef struct
{
  int width, height; /* grid cells */
  /* The plane shown, in the data's own units (before normalisation); a cell
   * (i, j) (row i from the TOP, column j) is centred at
   * x = x_min + (j + 0.5) / width × (x_max − x_min),
   * y = y_max − (i + 0.5) / height × (y_max − y_min). */
  double x_min, x_max, y_min, y_max;
  char *x_name, *y_name; /* feature names, or "x₁", "x₂" */
  int n_classes;
  char **class_names; /* NULL-terminated copy */
  float *probs;       /* height × width × n_classes */
  int n_points;
  float *points;  /* n_points × 2, data units */
  gint32 *labels; /* n_points */
  /* Hidden layers with a vector output (Dense and the activations after
   * them, but not the output layer) — at most 64 units in all, the first
   * layers first — for the TensorFlow Playground thumbnails. */
  int n_layers;
  nn_boundary_layer *layers;
} nn_boundary;

/* The model's class probabilities over a width × height grid covering the
 * points idx[0..n) with a 10 % margin, and those points. Needs
 * classification data with 2 input features: NN_ERROR_INVALID otherwise,
 * saying so. */
nn_boundary *nn_inspect_boundary (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                                  int width, int height, GError **error);
void nn_boundary_free (nn_boundary *b);

/* --- Weights and gradients ---------------------------------------------- */

typedef struct
{
  int node_id;
  char *node_name;   /* "dense1" */
  char *weight_name; /* "weight", "bias" … */
  nn_shape shape;
  gsize size;
  /* weights */
  double w_min, w_max, w_mean, w_std, w_norm; /* w_norm: L2 */
  int *w_bins;                                /* [n_bins] over [w_min, w_max] */
  /* gradients of one batch (all 0 / NULL bins when no batch was given) */
  double g_min, g_max, g_norm;
  int *g_bins; /* [n_bins] over [g_min, g_max]; NULL without gradients */
} nn_weight_stats;

typedef struct
{
  int n_bins;
  int n_tensors;
  nn_weight_stats *tensors; /* in the model's weight order */
  gboolean has_grads;
  double batch_loss; /* of the batch the gradients come from; NaN without */
} nn_histograms;

/* Histograms of every weight tensor, and of its gradient from one backward
 * pass (inference mode, no update) over the first min (n, batch) samples of
 * idx with `loss`. n == 0 (idx may be NULL) gives weights only. n_bins in
 * [2, 512]. NN_ERROR_INVALID when the loss does not suit the model and data. */
nn_histograms *nn_inspect_histograms (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                                      nn_loss_kind loss, int n_bins, GError **error);
void nn_histograms_free (nn_histograms *h);

/* --- First-layer filters ------------------------------------------------- */

typedef struct
{
  int node_id;
  char *node_name;
  /* n_filters images of channels × height × width floats each; channels is
   * 1 (greyscale) or 3 (RGB) or more (shown channel by channel) */
  int n_filters;
  int channels, height, width;
  float *values;
  float min, max;      /* over all values */
  gboolean from_dense; /* a Dense layer's rows reshaped to the input image */
} nn_filters;

/* The kernels of the first Conv2D layer; when there is none and the first
 * Dense layer reads an image (through Flatten), its weight rows reshaped to
 * the image (at most 64). NN_ERROR_INVALID when there is neither. */
nn_filters *nn_inspect_filters (nn_model *m, GError **error);
void nn_filters_free (nn_filters *f);

/* --- Autoencoders -------------------------------------------------------- */

typedef struct
{
  int node_id;
  char *node_name; /* the bottleneck: "dense2" */
  int dim;         /* its units */
  int n;
  float *values;        /* n × dim */
  float min[2], max[2]; /* of the first two units */
  /* classification data: each sample's class, else NULL and 0 */
  gint32 *labels;
  int n_classes;
  char **class_names; /* NULL-terminated copy */
} nn_latent;

/* The bottleneck's activations for samples idx[0..n): the hidden layer
 * with the fewest outputs (vectors only; the first of them on a tie),
 * the layer an autoencoder squeezes its input through. NN_ERROR_INVALID
 * when the model has no hidden vector layer or does not fit the data. */
nn_latent *nn_inspect_latent (nn_model *m, const nn_dataset *ds, const int *idx, int n,
                              GError **error);
void nn_latent_free (nn_latent *l);

typedef struct
{
  int n;
  nn_shape shape; /* per sample: the data's input shape */
  int *samples;   /* dataset indices */
  float *inputs;  /* n × size, as the model sees them (images in [0, 1]) */
  float *outputs; /* n × size: the model's rebuilt inputs */
  double mse;     /* mean squared error over them */
  /* The bottleneck of the test samples the page looks at when it has 2
   * units (a map of the latent space), else NULL. */
  nn_latent *latent;
} nn_reconstructions;

/* The model's reconstructions of samples idx[0..n) (at most 256), as
 * nn_trainer_reconstruct makes them: a sigmoid is applied to the outputs
 * under BCE (the model then ends in logits). NN_ERROR_INVALID when the
 * model's output is not the size of its input, or it does not fit the
 * data. The latent map is left for nn_inspect_latent. */
nn_reconstructions *nn_inspect_reconstructions (nn_model *m, const nn_dataset *ds, const int *idx,
                                                int n, nn_loss_kind loss, GError **error);
void nn_reconstructions_free (nn_reconstructions *r);

/* --- GAN samples --------------------------------------------------------- */

typedef struct
{
  int n;
  nn_shape shape; /* per sample: the data's input shape */
  float *images;  /* n × size in [0, 1] */
} nn_samples;

/* n (1 … 256) samples of a GAN's generator m from fixed noise (normal,
 * nn_rng `seed`, so the same seed draws the same noise every time: a grid
 * shows the generator learning), its tanh outputs mapped from [−1, 1] to
 * [0, 1] as nn_trainer_generate does. `shape` is the data's input shape.
 * NN_ERROR_INVALID when the generator's output does not hold shape. */
nn_samples *nn_inspect_generate (nn_model *m, const nn_shape *shape, int n, guint64 seed,
                                 GError **error);
/* Wraps n images (n × nn_shape_size (shape) floats in [0, 1], copied),
 * e.g. from nn_trainer_generate, for the painters. */
nn_samples *nn_samples_new (const nn_shape *shape, int n, const float *images);
void nn_samples_free (nn_samples *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_activations, nn_activations_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_latent, nn_latent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_reconstructions, nn_reconstructions_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_samples, nn_samples_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_confusion, nn_confusion_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_mistakes, nn_mistakes_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_saliency, nn_saliency_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_boundary, nn_boundary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_histograms, nn_histograms_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_filters, nn_filters_free)

G_END_DECLS
