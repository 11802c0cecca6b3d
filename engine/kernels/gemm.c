/* gemm.c — nn_gemm on OpenBLAS's cblas_sgemm, shared out between the
 * engine's OpenMP threads (see threads.h for why OpenBLAS runs serial). */
#include "gemm.h"

#include <cblas.h>

#include "threads.h"

/* Multiply-adds below which one thread is faster than two. */
#define GEMM_PARALLEL_MIN (1L << 19)

static void
sgemm (int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
       const float *b, int ldb, float beta, float *c, int ldc)
{
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void
nn_gemm (int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
         const float *b, int ldb, float beta, float *c, int ldc)
{
  const int threads = nn_threads_get ();

  if (m <= 0 || n <= 0)
    return;
  /* An empty inner dimension is a valid product (all zeros) that BLAS
   * implementations reject through their lda checks. */
  if (k <= 0)
    {
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
          c[(long) i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[(long) i * ldc + j];
      return;
    }
  if (threads <= 1 || (long) m * n * k < GEMM_PARALLEL_MIN || (m < 2 && n < 32))
    {
      sgemm (trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }

  /* Each thread takes a band of C's columns (or rows, when C is tall) with
   * the whole inner dimension, so every element is one thread's sum. Column
   * bands are multiples of 16 to keep vector loads aligned. */
  if (n >= m)
    {
      const int band = ((n + threads - 1) / threads + 15) / 16 * 16;
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int t = 0; t < threads; t++)
        {
          const int j0 = t * band, j1 = j0 + band < n ? j0 + band : n;
          if (j0 < j1)
            sgemm (trans_a, trans_b, m, j1 - j0, k, alpha, a, lda,
                   trans_b ? b + (long) j0 * ldb : b + j0, ldb, beta, c + j0, ldc);
        }
    }
  else
    {
      const int band = (m + threads - 1) / threads;
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int t = 0; t < threads; t++)
        {
          const int i0 = t * band, i1 = i0 + band < m ? i0 + band : m;
          if (i0 < i1)
            sgemm (trans_a, trans_b, i1 - i0, n, k, alpha, trans_a ? a + i0 : a + (long) i0 * lda,
                   lda, b, ldb, beta, c + (long) i0 * ldc, ldc);
        }
    }
}
