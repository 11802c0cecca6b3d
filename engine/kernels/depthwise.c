/* depthwise.c — depthwise convolution by direct taps; see depthwise.h. */
#include "depthwise.h"

#include <glib.h>
#include <string.h>

#include "reduce.h"
#include "threads.h"

/* Outputs are made eight at a time, their sums held in two SSE registers
 * while every tap is added: a loop per tap over rows only 28 or 14 wide
 * would be mostly start-up cost. */
typedef float dw_v4 __attribute__ ((vector_size (16)));
typedef float dw_v4u __attribute__ ((vector_size (16), aligned (4), may_alias));
enum
{
  DW_BLOCK = 8
};
/* The three loops below are written once, always inlined, and compiled
 * twice: as is, and for AVX2 with FMA, where each tap is one fused
 * multiply-add per register (bench/README.md). The CPU's features pick one
 * at run time by a plain test: an ifunc (target_clones) would be resolved
 * before a ThreadSanitizer build's runtime is up, and crash it. */
#define DW_BODY static inline __attribute__ ((always_inline)) void
#define DW_TWICE(name, params, args)                                  \
  static __attribute__ ((target ("avx2,fma"))) void name##_fma params \
  {                                                                   \
    name##_body args;                                                 \
  }                                                                   \
  static void name##_base params                                      \
  {                                                                   \
    name##_body args;                                                 \
  }                                                                   \
  static void name params                                             \
  {                                                                   \
    if (dw_has_fma ())                                                \
      name##_fma args;                                                \
    else                                                              \
      name##_base args;                                               \
  }

static gboolean
dw_has_fma (void)
{
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
}

/* Four floats from s, s + stride, …, unaligned. */
static inline dw_v4
dw_load (const float *s, int stride)
{
  if (stride == 1)
    return *(const dw_v4u *) s;
  return (dw_v4){ s[0], s[stride], s[2 * stride], s[3 * stride] };
}

static inline void
dw_store (float *d, dw_v4 v)
{
  *(dw_v4u *) d = v;
}

/* The planes with their padding made real. The input: every tap of every
 * output, rows rounded up to whole blocks, reads inside it; the same shape
 * gathers dX. dy: rows rounded up to whole blocks, zero past their end. */
typedef struct
{
  int h, w; /* the padded input plane */
  int owb;  /* outputs per row rounded up to whole blocks */
} dw_pad;

static void
dw_pad_geom (const nn_conv_geom *g, dw_pad *p)
{
  p->owb = (g->ow + DW_BLOCK - 1) / DW_BLOCK * DW_BLOCK;
  p->h = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
  p->w = (p->owb - 1) * g->sw + (g->kw - 1) * g->dw + 1;
}

static gsize
dw_pad_size (const dw_pad *pg)
{
  return (gsize) pg->h * pg->w;
}

/* How many of the image's first rows and columns lie on the padded plane
 * (the last ones may be read by no output). */
static void
dw_pad_span (const nn_conv_geom *g, const dw_pad *pg, int *rows, int *cols)
{
  *rows = CLAMP (pg->h - g->pt, 0, g->h);
  *cols = CLAMP (pg->w - g->pl, 0, g->w);
}

/* The input plane x (H×W) into its place in p, whose border stays zero
 * from when it was allocated: the same part is written every time. */
static void
dw_pad_plane (const nn_conv_geom *g, const dw_pad *pg, const float *x, float *p)
{
  int rows, cols;

  dw_pad_span (g, pg, &rows, &cols);
  for (int r = 0; r < rows; r++)
    memcpy (p + (long) (r + g->pt) * pg->w + g->pl, x + (long) r * g->w, sizeof (float) * cols);
}

/* dy (OH×OW) into d (OH×owb), whose row ends stay zero. */
static void
dw_pad_dy (const nn_conv_geom *g, const dw_pad *pg, const float *dy, float *d)
{
  for (int oy = 0; oy < g->oh; oy++)
    memcpy (d + (long) oy * pg->owb, dy + (long) oy * g->ow, sizeof (float) * g->ow);
}

/* y (OH×OW) = b + the kh×kw taps w slid over the padded plane p. */
DW_BODY
depthwise_plane_forward_body (const nn_conv_geom *g, const dw_pad *pg, const float *w, float b,
                              const float *restrict p, float *restrict y)
{
  const int sw = g->sw;

  for (int oy = 0; oy < g->oh; oy++)
    for (int x0 = 0; x0 < g->ow; x0 += DW_BLOCK)
      {
        dw_v4 a0 = { b, b, b, b }, a1 = a0;

        for (int ki = 0; ki < g->kh; ki++)
          {
            const float *row = p + (long) (oy * g->sh + ki * g->dh) * pg->w + (long) x0 * sw;

            for (int kj = 0; kj < g->kw; kj++)
              {
                const float wt = w[ki * g->kw + kj], *s = row + kj * g->dw;

                a0 += wt * dw_load (s, sw);
                a1 += wt * dw_load (s + 4 * sw, sw);
              }
          }
        if (x0 + DW_BLOCK <= g->ow)
          {
            dw_store (y + (long) oy * g->ow + x0, a0);
            dw_store (y + (long) oy * g->ow + x0 + 4, a1);
          }
        else
          {
            float t[DW_BLOCK];

            dw_store (t, a0);
            dw_store (t + 4, a1);
            memcpy (y + (long) oy * g->ow + x0, t, sizeof (float) * (g->ow - x0));
          }
      }
}

DW_TWICE (depthwise_plane_forward,
          (const nn_conv_geom *g, const dw_pad *pg, const float *w, float b,
           const float *restrict p, float *restrict y),
          (g, pg, w, b, p, y))

void
nn_depthwise_forward (const nn_conv_geom *g, int n, int f, const float *x, const float *w,
                      const float *bias, float *y)
{
  const int fg = f / g->c;
  const long kk = (long) g->kh * g->kw, plane = (long) g->oh * g->ow;
  const long in_plane = (long) g->h * g->w, jobs = (long) n * f;
  dw_pad pg;

  dw_pad_geom (g, &pg);
#pragma omp parallel num_threads(nn_threads_get()) if (jobs * plane * kk > NN_PARALLEL_MIN)
  {
    float *p = g_new0 (float, dw_pad_size (&pg));

#pragma omp for
    for (long job = 0; job < jobs; job++)
      {
        const long s = job / f, fi = job % f;

        dw_pad_plane (g, &pg, x + (s * g->c + fi / fg) * in_plane, p);
        depthwise_plane_forward (g, &pg, w + fi * kk, bias ? bias[fi] : 0.0f, p, y + job * plane);
      }
    g_free (p);
  }
}

/* acc[2·tap], acc[2·tap + 1] += lane by lane, the padded dy d times the
 * pixels of the padded plane p the tap reads: the lanes are summed once at
 * the end, so that the inner loop is a plain multiply-add. */
DW_BODY
depthwise_plane_grad_body (const nn_conv_geom *g, const dw_pad *pg, const float *restrict p,
                           const float *restrict d, dw_v4 *restrict acc)
{
  const int sw = g->sw;

  for (int ki = 0; ki < g->kh; ki++)
    for (int kj = 0; kj < g->kw; kj++)
      {
        dw_v4 a0 = { 0 }, a1 = { 0 };

        for (int oy = 0; oy < g->oh; oy++)
          {
            const float *src = p + (long) (oy * g->sh + ki * g->dh) * pg->w + kj * g->dw;
            const float *drow = d + (long) oy * pg->owb;

            for (int x0 = 0; x0 < pg->owb; x0 += DW_BLOCK)
              {
                a0 += dw_load (drow + x0, 1) * dw_load (src + (long) x0 * sw, sw);
                a1 += dw_load (drow + x0 + 4, 1) * dw_load (src + (long) (x0 + 4) * sw, sw);
              }
          }
        acc[2 * (ki * g->kw + kj)] += a0;
        acc[2 * (ki * g->kw + kj) + 1] += a1;
      }
}

/* The padded plane q += the taps w spread back from the padded dy d, the
 * adjoint of the forward. */
DW_BODY
depthwise_plane_backward_body (const nn_conv_geom *g, const dw_pad *pg, const float *w,
                               const float *restrict d, float *restrict q)
{
  const int sw = g->sw;

  for (int oy = 0; oy < g->oh; oy++)
    for (int x0 = 0; x0 < pg->owb; x0 += DW_BLOCK)
      {
        const dw_v4 d0 = dw_load (d + (long) oy * pg->owb + x0, 1);
        const dw_v4 d1 = dw_load (d + (long) oy * pg->owb + x0 + 4, 1);

        for (int ki = 0; ki < g->kh; ki++)
          {
            float *row = q + (long) (oy * g->sh + ki * g->dh) * pg->w + (long) x0 * sw;

            for (int kj = 0; kj < g->kw; kj++)
              {
                const float wt = w[ki * g->kw + kj];
                float *t = row + kj * g->dw;

                if (sw == 1)
                  {
                    dw_store (t, dw_load (t, 1) + wt * d0);
                    dw_store (t + 4, dw_load (t + 4, 1) + wt * d1);
                  }
                else
                  for (int v = 0; v < 4; v++)
                    {
                      t[v * sw] += wt * d0[v];
                      t[(v + 4) * sw] += wt * d1[v];
                    }
              }
          }
      }
}

/* dx (H×W) += the part of the padded plane q that lies on the image. */
static void
dw_unpad_plane (const nn_conv_geom *g, const dw_pad *pg, const float *q, float *dx)
{
  int rows, cols;

  dw_pad_span (g, pg, &rows, &cols);
  for (int r = 0; r < rows; r++)
    {
      const float *restrict src = q + (long) (r + g->pt) * pg->w + g->pl;
      float *restrict dst = dx + (long) r * g->w;

      for (int col = 0; col < cols; col++)
        dst[col] += src[col];
    }
}

DW_TWICE (depthwise_plane_grad,
          (const nn_conv_geom *g, const dw_pad *pg, const float *restrict p,
           const float *restrict d, dw_v4 *restrict acc),
          (g, pg, p, d, acc))
DW_TWICE (depthwise_plane_backward,
          (const nn_conv_geom *g, const dw_pad *pg, const float *w, const float *restrict d,
           float *restrict q),
          (g, pg, w, d, q))

/* Every sum has one owner thread and a fixed order: dW and dbias per
 * filter, samples in turn; dX per input plane, its filters in turn. */
void
nn_depthwise_backward (const nn_conv_geom *g, int n, int f, const float *x, const float *w,
                       const float *dy, float *dw, float *db, float *dx)
{
  const int fg = f / g->c;
  const long kk = (long) g->kh * g->kw, plane = (long) g->oh * g->ow;
  const long in_plane = (long) g->h * g->w, work = (long) n * f * plane * kk;
  dw_pad pg;

  dw_pad_geom (g, &pg);
#pragma omp parallel num_threads(nn_threads_get()) if (work > NN_PARALLEL_MIN)
  {
    float *p = g_new0 (float, dw_pad_size (&pg));
    float *d = g_new0 (float, (gsize) g->oh *pg.owb);
    dw_v4 *acc = g_new (dw_v4, 2 * kk);

#pragma omp for
    for (int fi = 0; fi < f; fi++)
      {
        const float *xf = x + (long) (fi / fg) * in_plane;
        const float *dyf = dy + fi * plane;
        const long x_step = (long) g->c * in_plane, dy_step = (long) f * plane;

        memset (acc, 0, sizeof (dw_v4) * 2 * kk);
        for (int s = 0; s < n; s++)
          {
            dw_pad_plane (g, &pg, xf + s * x_step, p);
            dw_pad_dy (g, &pg, dyf + s * dy_step, d);
            depthwise_plane_grad (g, &pg, p, d, acc);
          }
        for (long t = 0; t < kk; t++)
          dw[fi * kk + t] = nn_sum_floats ((const float *) &acc[2 * t], DW_BLOCK);
        if (db)
          {
            double sum = 0.0;

            for (int s = 0; s < n; s++)
              sum += nn_sum_floats (dyf + s * dy_step, plane);
            db[fi] = (float) sum;
          }
      }
    if (dx != NULL)
      {
        const long jobs = (long) n * g->c;

        /* p, its border no longer needed zero, now gathers dX. */
#pragma omp for
        for (long job = 0; job < jobs; job++)
          {
            const long s = job / g->c, ci = job % g->c;

            memset (p, 0, sizeof (float) * dw_pad_size (&pg));
            for (int j = 0; j < fg; j++)
              {
                const long fi = ci * fg + j;

                dw_pad_dy (g, &pg, dy + (s * f + fi) * plane, d);
                depthwise_plane_backward (g, &pg, w + fi * kk, d, p);
              }
            dw_unpad_plane (g, &pg, p, dx + job * in_plane);
          }
      }
    g_free (acc);
    g_free (d);
    g_free (p);
  }
}
