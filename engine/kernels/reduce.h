/* reduce.h — sums over float arrays, for bias gradients and averages. */
#pragma once

/* The sum of x[0..n): sixteen float lanes (so the loop vectorises) whose
 * totals are added in double. Always the same order for the same n, so
 * results do not depend on the thread count. */
float nn_sum_floats (const float *x, long n);
