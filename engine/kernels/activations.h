/* activations.h — element-wise activation functions and their gradients.
 *
 * Forward writes y = f(x). Backward ADDS dy · f'(x) into dx, because a
 * tensor feeding two layers receives the sum of both gradients; it reads x
 * and y (whichever is cheaper for the function). Definitions follow
 * PyTorch's defaults: GELU is the exact erf form, ReLU's gradient at 0 is 0,
 * ELU's gradient for x ≤ 0 is alpha·eˣ.
 *
 * x, y, dy and dx never overlap (the layers keep separate buffers).
 *
 * Softmax works on rows: `rows` vectors of `cols` values each. */
#pragma once

#include <stddef.h>

typedef enum
{
  NN_ACT_RELU,
  NN_ACT_LEAKY_RELU, /* alpha: slope below 0 */
  NN_ACT_ELU,        /* alpha: the value approached as x → −∞ is −alpha */
  NN_ACT_GELU,
  NN_ACT_SIGMOID,
  NN_ACT_TANH,
} nn_act;

void nn_act_forward (nn_act act, float alpha, const float *x, float *y, size_t n);
void nn_act_backward (nn_act act, float alpha, const float *x, const float *y, const float *dy,
                      float *dx, size_t n);

/* Numerically stable: subtracts each row's maximum first. */
void nn_softmax_forward (const float *x, float *y, size_t rows, size_t cols);
/* dx += y ⊙ (dy − ⟨dy, y⟩) per row: the full Jacobian–vector product. */
void nn_softmax_backward (const float *y, const float *dy, float *dx, size_t rows, size_t cols);
