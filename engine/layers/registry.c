/* registry.c — every layer kind, in the order the palette shows them. */
#include "layers.h"

static const nn_layer_ops *const kinds[] = {
  /* Core */
  &nn_input_ops,
  &nn_embedding_ops,
  &nn_dense_ops,
  &nn_flatten_ops,
  &nn_reshape_ops,
  &nn_dropout_ops,
  /* Convolution */
  &nn_conv2d_ops,
  &nn_conv2d_transpose_ops,
  &nn_upsampling2d_ops,
  &nn_resize2d_ops,
  &nn_pixel_shuffle_ops,
  /* Pooling */
  &nn_maxpool2d_ops,
  &nn_avgpool2d_ops,
  &nn_globalavgpool2d_ops,
  /* Recurrent */
  &nn_simple_rnn_ops,
  &nn_lstm_ops,
  &nn_gru_ops,
  /* Normalisation */
  &nn_batchnorm_ops,
  /* Merge */
  &nn_add_ops,
  &nn_concatenate_ops,
  /* Activation */
  &nn_relu_ops,
  &nn_leaky_relu_ops,
  &nn_elu_ops,
  &nn_gelu_ops,
  &nn_sigmoid_ops,
  &nn_tanh_ops,
  &nn_softmax_ops,
};

const nn_layer_ops *const *
nn_layer_kinds (int *n)
{
  *n = G_N_ELEMENTS (kinds);
  return kinds;
}

const nn_layer_ops *
nn_layer_lookup (const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i]->id, id))
      return kinds[i];
  return NULL;
}
