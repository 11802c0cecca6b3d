/* tensor.h — shapes and float32 tensors.
 *
 * A shape is per sample: it never includes the batch axis. Images are C×H×W
 * (so a batch is NCHW), sequences T×F, feature vectors F. A tensor is a batch
 * of samples of one shape, contiguous and row-major. Whoever creates a tensor
 * frees it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_MAX_DIMS 4

typedef struct
{
  int rank; /* 0 means "no shape yet" */
  int dim[NN_MAX_DIMS];
} nn_shape;

nn_shape nn_shape_1d (int a);
nn_shape nn_shape_2d (int a, int b);
nn_shape nn_shape_3d (int a, int b, int c);
/* Number of floats in one sample; 0 for a rank-0 shape. */
gsize nn_shape_size (const nn_shape *s);
gboolean nn_shape_equal (const nn_shape *a, const nn_shape *b);
/* "32×13×13" — for messages and the canvas. Free with g_free(). */
char *nn_shape_to_string (const nn_shape *s);

typedef struct
{
  int batch;
  nn_shape shape;
  float *data; /* batch × nn_shape_size(shape) floats, 64-byte aligned */
} nn_tensor;

/* Zero-filled. Returns NULL (and sets error) when the size overflows or the
 * memory cannot be had: a user-made model can be absurdly large. */
nn_tensor *nn_tensor_new (int batch, const nn_shape *shape, GError **error);
void nn_tensor_free (nn_tensor *t);
gsize nn_tensor_size (const nn_tensor *t);

/* Aligned float buffers for arenas; NULL on overflow or out of memory. */
float *nn_alloc_floats (gsize n);
void nn_free_floats (float *p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_tensor, nn_tensor_free)

G_END_DECLS
