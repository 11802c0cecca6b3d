/* layers.h — the ops tables of every layer kind, for the registry. */
#pragma once

#include "layer.h"

G_BEGIN_DECLS

extern const nn_layer_ops nn_input_ops;
extern const nn_layer_ops nn_embedding_ops;
extern const nn_layer_ops nn_dense_ops;
extern const nn_layer_ops nn_flatten_ops;
extern const nn_layer_ops nn_reshape_ops;
extern const nn_layer_ops nn_dropout_ops;
extern const nn_layer_ops nn_conv2d_ops;
extern const nn_layer_ops nn_conv2d_transpose_ops;
extern const nn_layer_ops nn_upsampling2d_ops;
extern const nn_layer_ops nn_resize2d_ops;
extern const nn_layer_ops nn_pixel_shuffle_ops;
extern const nn_layer_ops nn_maxpool2d_ops;
extern const nn_layer_ops nn_avgpool2d_ops;
extern const nn_layer_ops nn_globalavgpool2d_ops;
extern const nn_layer_ops nn_simple_rnn_ops;
extern const nn_layer_ops nn_lstm_ops;
extern const nn_layer_ops nn_gru_ops;
extern const nn_layer_ops nn_batchnorm_ops;
extern const nn_layer_ops nn_add_ops;
extern const nn_layer_ops nn_concatenate_ops;
extern const nn_layer_ops nn_relu_ops;
extern const nn_layer_ops nn_leaky_relu_ops;
extern const nn_layer_ops nn_elu_ops;
extern const nn_layer_ops nn_gelu_ops;
extern const nn_layer_ops nn_sigmoid_ops;
extern const nn_layer_ops nn_tanh_ops;
extern const nn_layer_ops nn_softmax_ops;

G_END_DECLS
