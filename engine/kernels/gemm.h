/* gemm.h — the engine's one door to matrix multiplication.
 *
 * Every dense product in Layerlab (Dense, Conv2D through im2col, their
 * gradients) goes through nn_gemm, so there is one place to tune and one
 * place to measure. Matrices are row-major float32.
 *
 *   C[m×n] = alpha · op(A) · op(B) + beta · C
 *
 * op(A) is m×k: A itself (trans_a == 0, lda ≥ k) or the transpose of a k×m
 * matrix (trans_a != 0, lda ≥ m); likewise op(B) is k×n (ldb ≥ n, or ≥ k when
 * transposed). beta == 0 overwrites C (its old contents may be garbage);
 * beta == 1 accumulates. Large products are shared out between the
 * engine's threads (threads.h); each element of C is summed by one thread. */
#pragma once

void nn_gemm (int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc);
