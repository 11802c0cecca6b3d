/* onnx-import.h — reading ONNX models into Layerlab projects.
 *
 * nn_onnx_import() reads a .onnx file (size-capped, validated: known opset,
 * every tensor defined before use, initializer sizes that do not overflow,
 * no cycles), maps its operators to Layerlab layers, copies the weights
 * (converting layouts and gate orders) and lays the nodes out on the canvas.
 * The result is a project with a graph and weights but no dataset.
 *
 * Every ONNX tensor keeps one axis as the batch: axis 0 for images (NCHW)
 * and vectors, axis 1 for the sequence tensors of ONNX's LSTM, GRU and RNN
 * ([T, N, F]). A Layerlab tensor holds the same values with that axis moved
 * to the front; Transpose nodes that only move the batch axis (the plumbing
 * around recurrent layers in PyTorch exports) become no layer at all.
 *
 * Errors: NN_ERROR_IO (unreadable), NN_ERROR_DATA (malformed: truncated,
 * wrong types, overflowing dimensions, cycles, undefined tensors),
 * NN_ERROR_UNSUPPORTED (a newer opset, or an operator or attribute Layerlab
 * has no layer for). Messages name the file and the node:
 * "model.onnx: node 7 'conv3' (ConvInteger): …". */
#pragma once

#include "io/project.h"

G_BEGIN_DECLS

/* The highest version of the default ONNX operator set understood. */
#define NN_ONNX_MAX_OPSET 17
/* Files larger than this are refused before parsing. */
#define NN_ONNX_MAX_BYTES ((gsize) 1 << 30)
#define NN_ONNX_MAX_RANK  8

/* A float tensor as ONNX lays it out (row-major over dims). */
typedef struct
{
  char *name; /* may be "" */
  int rank;
  gint64 dims[NN_ONNX_MAX_RANK];
  gsize size; /* product of dims */
  float *data;
  gint64 *ints; /* an int64 tensor's exact values (data holds them as floats); else NULL */
} nn_onnx_tensor;

nn_onnx_tensor *nn_onnx_tensor_new (const char *name, int rank, const gint64 *dims, GError **error);
void nn_onnx_tensor_free (nn_onnx_tensor *t);
/* Reads a serialised TensorProto (float, bool or int64; raw_data or the
 * typed field), as ONNX's test folders store inputs and expected outputs. */
nn_onnx_tensor *nn_onnx_tensor_load (const char *path, GError **error);

/* How the one input and the one output of an imported model sit in ONNX's
 * layout: names, dims (the batch axis as in the file) and batch axis. */
typedef struct
{
  char *input_name, *output_name;
  int input_rank, output_rank;
  gint64 input_dims[NN_ONNX_MAX_RANK], output_dims[NN_ONNX_MAX_RANK];
  int input_batch_axis, output_batch_axis;
} nn_onnx_io;

void nn_onnx_io_clear (nn_onnx_io *io);

nn_project *nn_onnx_import (const char *path, GError **error);

/* As nn_onnx_import, from bytes; `name` prefixes messages. constants (may
 * be NULL) binds graph inputs other than the first by name to fixed values,
 * as ONNX's operator tests feed weights as inputs; io (may be NULL)
 * receives the layout of the model's input and output. */
nn_project *nn_onnx_import_data (const guint8 *data, gsize length, const char *name,
                                 GPtrArray *constants, nn_onnx_io *io, GError **error);

/* Runs an imported project in inference mode on x (laid out as io's input,
 * any batch size along its batch axis) and returns the output in ONNX's
 * layout. NN_ERROR_SHAPE when x does not fit. */
nn_onnx_tensor *nn_onnx_run (const nn_project *p, const nn_onnx_io *io, const nn_onnx_tensor *x,
                             GError **error);

/* What onnx-test needs before importing: the operator types of a model's
 * nodes (in file order, repeats included) and the names of its graph
 * inputs that are not initializers (in order). Free with g_strfreev. */
gboolean nn_onnx_describe (const guint8 *data, gsize length, const char *name, char ***operators,
                           char ***inputs, GError **error);

/* What the importer makes of an ONNX operator type: nothing; a layer (or
 * part of one, in the forms its messages describe); or only a step of a
 * chain it recognises as a whole (Erf inside GELU, Cast inside an
 * Embedding's id clamping) or a value it computes while importing (Shape,
 * Constant) — an operator of that kind alone is not a Layerlab model. */
typedef enum
{
  NN_ONNX_OP_UNMAPPED,
  NN_ONNX_OP_LAYER,
  NN_ONNX_OP_CHAIN,
} nn_onnx_op_use;

nn_onnx_op_use nn_onnx_operator_use (const char *op);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_onnx_tensor, nn_onnx_tensor_free)

G_END_DECLS
