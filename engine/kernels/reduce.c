/* reduce.c — sums over float arrays. */
#include "reduce.h"

#define LANES 16

float
nn_sum_floats (const float *x, long n)
{
  float lane[LANES] = { 0 };
  double total = 0.0;
  long i = 0;

  /* Partial sums of at most a few thousand values each keep float's
   * rounding below what a double running sum would notice. */
  for (; i + LANES <= n; i += LANES)
    for (int k = 0; k < LANES; k++)
      lane[k] += x[i + k];
  for (int k = 0; k < LANES; k++)
    total += lane[k];
  for (; i < n; i++)
    total += x[i];
  return (float) total;
}
