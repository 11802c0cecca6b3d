/* im2col.c — im2col/col2im over a whole NCHW batch. */
#include "im2col.h"

#include <glib.h>
#include <string.h>

#include "threads.h"

static inline int
dil (int d)
{
  return d > 0 ? d : 1;
}

long
nn_conv_geom_rows (const nn_conv_geom *g)
{
  return (long) g->c * g->kh * g->kw;
}

/* Each row of the column matrix is independent, so rows are shared out
 * between threads. */
void
nn_im2col (const nn_conv_geom *g, int n, const float *im, float *col)
{
  const long rows = nn_conv_geom_rows (g);
  const long plane = (long) g->oh * g->ow;
  const long ld = plane * n;
  const long work = rows * ld;
  const int dh = dil (g->dh), dw = dil (g->dw);

#pragma omp parallel for num_threads(nn_threads_get()) if (work > NN_PARALLEL_MIN)
  for (long r = 0; r < rows; r++)
    {
      /* tap offsets: the kernel index times the dilation */
      const int kj = (int) (r % g->kw) * dw;
      const int ki = (int) ((r / g->kw) % g->kh) * dh;
      const int ci = (int) (r / ((long) g->kw * g->kh));

      for (int s = 0; s < n; s++)
        {
          const float *src = im + ((long) s * g->c + ci) * g->h * g->w;
          float *dst = col + r * ld + s * plane;

          for (int y = 0; y < g->oh; y++)
            {
              const int iy = y * g->sh - g->pt + ki;
              float *d = dst + (long) y * g->ow;

              if (iy < 0 || iy >= g->h)
                {
                  memset (d, 0, sizeof (float) * g->ow);
                  continue;
                }
              const float *srow = src + (long) iy * g->w;
              if (g->sw == 1)
                {
                  /* The common case: a contiguous run with zero margins. */
                  int x0 = g->pl - kj, x1 = g->w + g->pl - kj;
                  if (x0 < 0)
                    x0 = 0;
                  if (x1 > g->ow)
                    x1 = g->ow;
                  if (x1 < x0)
                    x1 = x0;
                  for (int x = 0; x < x0; x++)
                    d[x] = 0.0f;
                  if (x1 > x0)
                    memcpy (d + x0, srow + x0 - g->pl + kj, sizeof (float) * (x1 - x0));
                  for (int x = x1; x < g->ow; x++)
                    d[x] = 0.0f;
                }
              else
                for (int x = 0; x < g->ow; x++)
                  {
                    const int ix = x * g->sw - g->pl + kj;
                    d[x] = ix >= 0 && ix < g->w ? srow[ix] : 0.0f;
                  }
            }
        }
    }
}

static inline void
add_run (float *restrict dst, const float *restrict src, int n)
{
  for (int i = 0; i < n; i++)
    dst[i] += src[i];
}

/* Rows of one channel all land in that channel's planes, so threads take
 * whole channels of a sample: no two threads write the same pixel, and each
 * pixel sums its contributions in the same (row) order whatever the count. */
void
nn_col2im (const nn_conv_geom *g, int n, const float *col, float *im)
{
  const long plane = (long) g->oh * g->ow;
  const long ld = plane * n;
  const long kk = (long) g->kh * g->kw;
  const long work = nn_conv_geom_rows (g) * ld;
  const long jobs = (long) n * g->c;
  const int dh = dil (g->dh), dw = dil (g->dw);

#pragma omp parallel for num_threads(nn_threads_get()) if (work > NN_PARALLEL_MIN)
  for (long job = 0; job < jobs; job++)
    {
      const int s = (int) (job / g->c);
      const int ci = (int) (job % g->c);
      float *dst = im + ((long) s * g->c + ci) * g->h * g->w;

      for (long q = 0; q < kk; q++)
        {
          const int ki = (int) (q / g->kw) * dh, kj = (int) (q % g->kw) * dw;
          const float *src = col + ((long) ci * kk + q) * ld + s * plane;

          for (int y = 0; y < g->oh; y++)
            {
              const int iy = y * g->sh - g->pt + ki;
              if (iy < 0 || iy >= g->h)
                continue;
              float *drow = dst + (long) iy * g->w;
              const float *srow = src + (long) y * g->ow;
              if (g->sw == 1)
                {
                  /* The positions that land inside the row, added as one run. */
                  const int x0 = MAX (0, g->pl - kj), x1 = MIN (g->ow, g->w + g->pl - kj);
                  if (x1 > x0)
                    add_run (drow + x0 - g->pl + kj, srow + x0, x1 - x0);
                  continue;
                }
              /* Strided: only the positions that land inside the row. */
              const int off = kj - g->pl, sw = g->sw;
              const int x0 = off >= 0 ? 0 : (sw - 1 - off) / sw;
              const int x1 = g->w > off ? MIN (g->ow, (g->w - off + sw - 1) / sw) : 0;
              for (int x = x0; x < x1; x++)
                drow[x * sw + off] += srow[x];
            }
        }
    }
}
