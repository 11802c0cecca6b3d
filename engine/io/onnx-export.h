/* onnx-export.h — a project's model as an ONNX file (opset 13, IR version 7),
 * for runtimes and tools outside Layerlab.
 *
 * The file holds one graph: input "input" of shape [N, <Input's shape>] and
 * output "output" of shape [N, <output shape>], float32, N a symbolic batch
 * dimension. Images are NCHW, sequences [N, T, F], as in the engine. The
 * weights are initializers named "<layer>.<weight>" ("dense1.weight"). The
 * exported graph computes what the engine computes in inference mode
 * (Dropout is the identity, BatchNorm uses its running statistics).
 *
 * Weights come from p->weights and p->state. An untrained project (no
 * weights) exports the initial weights a fresh nn_model_compile() of
 * p->graph with seed p->config.seed gives — the weights training would start
 * from.
 *
 * When the project holds a normalisation fitted on its training data
 * (p->norm_mean, p->norm_inv_std), it is part of the file, so the model takes
 * raw features as the dataset stores them: "input" goes through
 * Sub("input", "input.mean") then Mul(·, "input.inv_std"), both initializers
 * of the Input's per-sample shape, before the first layer.
 *
 * How each layer is written (an importer can recognise the patterns):
 *   Dense          Flatten(axis 1) when its input is not a vector, then
 *                  Gemm(x, W [units, in], b) with transB = 1 (no C without bias)
 *   Conv2D         Conv with kernel_shape, strides, pads (same: the odd pixel
 *                  at the bottom/right)
 *   Conv2DTranspose  ConvTranspose, W [C_in, F, k, k]; same padding is pads
 *                  (k > stride) or output_padding (k < stride)
 *   MaxPool2D, AvgPool2D  MaxPool / AveragePool with kernel_shape and strides
 *   GlobalAvgPool2D  GlobalAveragePool then Flatten(axis 1)
 *   Flatten        Flatten(axis 1)
 *   Reshape        Reshape with an int64 initializer [-1, dims…]
 *   Dropout        Identity
 *   BatchNorm      BatchNormalization(x, gamma, beta, running mean, running var)
 *   ReLU, Sigmoid, Tanh  Relu, Sigmoid, Tanh
 *   Leaky ReLU, ELU  LeakyRelu / Elu with alpha
 *   GELU           x · 0.5 · (1 + Erf(x / √2)): Div, Erf, Add, Mul, Mul
 *   Softmax        Softmax(axis −1)
 *   Add            Add for two inputs, Sum for more
 *   Concatenate    Concat (axis 1 for images and vectors, 2 for sequences)
 *   Embedding      ids rounded, ids outside the table replaced by 1 (the
 *                  unknown token): Round, GreaterOrEqual, Less, And, Where,
 *                  Cast(int64), then Gather(W, ids, axis 0)
 *   SimpleRNN, LSTM, GRU  Transpose([1,0,2]) to [T, N, F], RNN / LSTM / GRU
 *                  (hidden_size; GRU linear_before_reset from reset_after) with W, R and B
 *                  in ONNX's gate order (LSTM i,o,f,c; GRU z,r,h), then
 *                  Squeeze(Y_h, [0]) for the last state, or Squeeze(Y, [1])
 *                  and Transpose([1,0,2]) for return_sequences
 *   UpSampling2D   Resize(x, "", scales [1,1,s,s]) nearest, asymmetric, floor
 *   Resize2D       Resize(x, "", scales [1,1,s,sw]) when Scale is set, else
 *                  Resize(x, "", "", sizes) with sizes = Concat(Gather(Shape(x),
 *                  [0,1]), [H,W]) so the batch stays free; mode nearest, linear
 *                  or cubic, coordinate_transformation_mode, nearest_mode,
 *                  cubic_coeff_a and exclude_outside as the layer's settings
 */
#pragma once

#include <glib.h>

#include "io/project.h"

G_BEGIN_DECLS

/* Writes p's model to path atomically (a temporary file renamed over path).
 * FALSE with NN_ERROR_SHAPE / NN_ERROR_INVALID when the graph does not
 * compile, NN_ERROR_SHAPE when the weights do not fit it, NN_ERROR_IO when
 * the file cannot be written. */
gboolean nn_onnx_export (const nn_project *p, const char *path, GError **error);

/* The same document in memory (free with g_free), for tests and callers
 * that write elsewhere. */
guint8 *nn_onnx_export_to_data (const nn_project *p, gsize *length, GError **error);

G_END_DECLS
