/* layer-util.h — small helpers shared by the layer files (not public API):
 * describing a shape in a user's words for infer() messages, and reading
 * typed parameters from a descriptor. */
#pragma once

#include <glib.h>

#include "layer.h"

G_BEGIN_DECLS

/* "a vector of 784 values", "a sequence of 20×8 values",
 * "an image of 3×28×28 values". Free with g_free(). */
char *nn_describe_shape (const nn_shape *s);

/* TRUE when s is C×H×W; otherwise FALSE with an NN_ERROR_SHAPE that says
 * what was given and suggests a Reshape. */
gboolean nn_require_image (const nn_shape *s, GError **error);

/* The padding choices of Conv2D, Conv2DTranspose and the pooling windows:
 * none, Keras's 'same' (out = ⌈in / stride⌉) or amounts given (PyTorch's
 * padding=). Stable ids for files; labels (N_()) for Conv2D and pooling. */
enum
{
  NN_PAD_VALID,
  NN_PAD_SAME,
  NN_PAD_EXPLICIT
};
extern const char *const nn_padding_choices[];
extern const char *const nn_padding_labels[];

static inline int
nn_param_int (const nn_layer_desc *d, int i)
{
  return (int) d->p[i];
}

/* Parameter i, or `otherwise` when it is 0: a width that follows the
 * height unless it is set ("kernel_width" 0 keeps the kernel square). */
static inline int
nn_param_int_or (const nn_layer_desc *d, int i, int otherwise)
{
  return d->p[i] > 0.0 ? (int) d->p[i] : otherwise;
}

static inline gboolean
nn_param_bool (const nn_layer_desc *d, int i)
{
  return d->p[i] != 0.0;
}

G_END_DECLS
