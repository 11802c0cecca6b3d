/* activations.c — element-wise activations, forward next to backward. */
#include "activations.h"

#include <math.h>

#include "threads.h"

#define INV_SQRT2    0.70710678118654752440f
#define INV_SQRT_2PI 0.39894228040143267794f

void
nn_act_forward (nn_act act, float alpha, const float *x, float *y, size_t n)
{
  const long len = (long) n;

  switch (act)
    {
      case NN_ACT_RELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
      case NN_ACT_LEAKY_RELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          y[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
        break;
      case NN_ACT_ELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          y[i] = x[i] > 0.0f ? x[i] : alpha * expm1f (x[i]);
        break;
      case NN_ACT_GELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          y[i] = 0.5f * x[i] * (1.0f + erff (x[i] * INV_SQRT2));
        break;
      case NN_ACT_SIGMOID:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          {
            /* Two branches keep expf from overflowing for large |x|. */
            if (x[i] >= 0.0f)
              y[i] = 1.0f / (1.0f + expf (-x[i]));
            else
              {
                const float e = expf (x[i]);
                y[i] = e / (1.0f + e);
              }
          }
        break;
      case NN_ACT_TANH:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          y[i] = tanhf (x[i]);
        break;
    }
}

void
nn_act_backward (nn_act act, float alpha, const float *x, const float *y, const float *dy,
                 float *dx, size_t n)
{
  const long len = (long) n;

  switch (act)
    {
      case NN_ACT_RELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
        break;
      case NN_ACT_LEAKY_RELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          dx[i] += x[i] > 0.0f ? dy[i] : alpha * dy[i];
        break;
      case NN_ACT_ELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          dx[i] += x[i] > 0.0f ? dy[i] : dy[i] * (y[i] + alpha);
        break;
      case NN_ACT_GELU:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          {
            const float cdf = 0.5f * (1.0f + erff (x[i] * INV_SQRT2));
            const float pdf = INV_SQRT_2PI * expf (-0.5f * x[i] * x[i]);
            dx[i] += dy[i] * (cdf + x[i] * pdf);
          }
        break;
      case NN_ACT_SIGMOID:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          dx[i] += dy[i] * y[i] * (1.0f - y[i]);
        break;
      case NN_ACT_TANH:
#pragma omp parallel for num_threads(nn_threads_get()) if (len > NN_PARALLEL_MIN)
        for (long i = 0; i < len; i++)
          dx[i] += dy[i] * (1.0f - y[i] * y[i]);
        break;
    }
}

void
nn_softmax_forward (const float *x, float *y, size_t rows, size_t cols)
{
  const long nr = (long) rows;

#pragma omp parallel for num_threads(nn_threads_get()) if (nr * (long) cols > NN_PARALLEL_MIN)
  for (long r = 0; r < nr; r++)
    {
      const float *xr = x + r * cols;
      float *yr = y + r * cols;
      float max = xr[0], sum = 0.0f;

      for (size_t j = 1; j < cols; j++)
        if (xr[j] > max)
          max = xr[j];
      for (size_t j = 0; j < cols; j++)
        {
          yr[j] = expf (xr[j] - max);
          sum += yr[j];
        }
      for (size_t j = 0; j < cols; j++)
        yr[j] /= sum;
    }
}

void
nn_softmax_backward (const float *y, const float *dy, float *dx, size_t rows, size_t cols)
{
  const long nr = (long) rows;

#pragma omp parallel for num_threads(nn_threads_get()) if (nr * (long) cols > NN_PARALLEL_MIN)
  for (long r = 0; r < nr; r++)
    {
      const float *yr = y + r * cols, *dyr = dy + r * cols;
      float *dxr = dx + r * cols;
      float dot = 0.0f;

      for (size_t j = 0; j < cols; j++)
        dot += dyr[j] * yr[j];
      for (size_t j = 0; j < cols; j++)
        dxr[j] += yr[j] * (dyr[j] - dot);
    }
}
