/* test-kernels.c — nn_gemm and im2col/col2im against naive loops, and the
 * thread count policy. */
#include <math.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/im2col.h"
#include "kernels/threads.h"
#include "layer-check.h"
#include "rng.h"

static void
fill (float *x, int n, nn_rng *rng)
{
  for (int i = 0; i < n; i++)
    x[i] = nn_rng_normal (rng);
}

/* Every transpose combination, leading dimensions wider than the matrices,
 * beta 0 (overwrite garbage) and beta 1 (accumulate); small products run
 * on one thread, large ones are split by columns (wide C) or rows (tall C)
 * into bands, also uneven ones (3 threads). */
static void
test_gemm (void)
{
  const int sizes[][3] = { { 7, 5, 9 }, { 40, 300, 64 }, { 300, 20, 100 } };
  const int pad = 3;
  nn_rng rng;

  nn_rng_seed (&rng, 1, 0);
  for (int threads = 2; threads <= 3; threads++)
    for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
          for (int acc = 0; acc < 2; acc++)
            {
              const int m = sizes[s][0], n = sizes[s][1], k = sizes[s][2];
              const int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
              float *a = g_new (float, (ta ? k : m) * lda);
              float *b = g_new (float, (tb ? n : k) * ldb);
              float *c = g_new (float, m *ldc), *c0 = g_new (float, m *ldc);

              nn_threads_set (threads);
              fill (a, (ta ? k : m) * lda, &rng);
              fill (b, (tb ? n : k) * ldb, &rng);
              fill (c0, m * ldc, &rng);
              memcpy (c, c0, sizeof (float) * m * ldc);
              nn_gemm (ta, tb, m, n, k, 0.5f, a, lda, b, ldb, acc ? 1.0f : 0.0f, c, ldc);
              for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                  {
                    double want = acc ? c0[i * ldc + j] : 0.0;
                    for (int p = 0; p < k; p++)
                      want += 0.5 * (ta ? a[p * lda + i] : a[i * lda + p]) *
                              (tb ? b[j * ldb + p] : b[p * ldb + j]);
                    g_assert_cmpfloat_with_epsilon (c[i * ldc + j], want, 1e-3);
                  }
              /* Padding columns of C are left alone. */
              for (int i = 0; i < m; i++)
                for (int j = n; j < ldc; j++)
                  g_assert_cmpfloat (c[i * ldc + j], ==, c0[i * ldc + j]);
              g_free (a);
              g_free (b);
              g_free (c);
              g_free (c0);
            }
  nn_threads_set (0);
}

/* k = 0 is a valid empty product. */
static void
test_gemm_empty (void)
{
  float c[4] = { 1, 2, 3, 4 };

  nn_gemm (FALSE, FALSE, 2, 2, 0, 1.0f, NULL, 1, NULL, 2, 2.0f, c, 2);
  g_assert_cmpfloat (c[3], ==, 8.0f);
  nn_gemm (FALSE, FALSE, 2, 2, 0, 1.0f, NULL, 1, NULL, 2, 0.0f, c, 2);
  g_assert_cmpfloat (c[0], ==, 0.0f);
}

static float
naive_at (const nn_conv_geom *g, const float *im, int s, int ci, int y, int x, int ki, int kj)
{
  const int iy = y * g->sh - g->pt + ki, ix = x * g->sw - g->pl + kj;

  if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w)
    return 0.0f;
  return im[((s * g->c + ci) * g->h + iy) * g->w + ix];
}

/* im2col against its definition; col2im as its adjoint:
 * ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩, and col2im adds to what is there. */
static void
test_im2col (void)
{
  const nn_conv_geom geoms[] = {
    { .c = 2,
      .h = 5,
      .w = 6,
      .kh = 3,
      .kw = 3,
      .sh = 1,
      .sw = 1,
      .pt = 1,
      .pl = 1,
      .oh = 5,
      .ow = 6 },
    { .c = 3,
      .h = 7,
      .w = 6,
      .kh = 3,
      .kw = 2,
      .sh = 2,
      .sw = 2,
      .pt = 1,
      .pl = 0,
      .oh = 4,
      .ow = 3 },
    { .c = 1,
      .h = 4,
      .w = 4,
      .kh = 2,
      .kw = 2,
      .sh = 1,
      .sw = 1,
      .pt = 0,
      .pl = 0,
      .oh = 4,
      .ow = 4 },
    { .c = 2,
      .h = 3,
      .w = 3,
      .kh = 3,
      .kw = 3,
      .sh = 1,
      .sw = 1,
      .pt = 0,
      .pl = 0,
      .oh = 1,
      .ow = 1 },
  };
  nn_rng rng;

  nn_rng_seed (&rng, 2, 0);
  for (gsize t = 0; t < G_N_ELEMENTS (geoms); t++)
    {
      const nn_conv_geom *g = &geoms[t];
      const int n = 3, im_len = n * g->c * g->h * g->w;
      const long rows = nn_conv_geom_rows (g), cols = (long) n * g->oh * g->ow;
      float *im = g_new (float, im_len), *back = g_new (float, im_len);
      float *col = g_new (float, rows *cols), *y = g_new (float, rows *cols);
      double lhs = 0.0, rhs = 0.0;

      fill (im, im_len, &rng);
      fill (y, rows * cols, &rng);
      nn_im2col (g, n, im, col);
      for (int ci = 0; ci < g->c; ci++)
        for (int ki = 0; ki < g->kh; ki++)
          for (int kj = 0; kj < g->kw; kj++)
            for (int s = 0; s < n; s++)
              for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++)
                  {
                    const long r = (ci * g->kh + ki) * g->kw + kj;
                    const long cc = ((long) s * g->oh + oy) * g->ow + ox;
                    g_assert_cmpfloat (col[r * cols + cc], ==,
                                       naive_at (g, im, s, ci, oy, ox, ki, kj));
                  }

      for (int i = 0; i < im_len; i++)
        back[i] = 1.0f;
      nn_col2im (g, n, y, back);
      for (long i = 0; i < rows * cols; i++)
        lhs += (double) col[i] * y[i];
      for (int i = 0; i < im_len; i++)
        rhs += (double) im[i] * (back[i] - 1.0f);
      g_assert_cmpfloat_with_epsilon (lhs, rhs, 1e-3 * (1.0 + fabs (lhs)));

      g_free (im);
      g_free (back);
      g_free (col);
      g_free (y);
    }
}

/* The engine's own loops give identical results for any thread count. */
static void
test_threads (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (8, 20, 20);
  layer_run *r;
  float *first;

  nn_threads_set (3);
  g_assert_cmpint (nn_threads_get (), ==, 3);
  nn_threads_set (0);
  g_assert_cmpint (nn_threads_get (), ==, nn_threads_online ());

  layer_desc_make (&d, "maxpool2d", NULL);
  r = layer_run_new (&d, &in, 1, 64, 1);
  nn_threads_set (1);
  layer_run_forward (r);
  layer_run_backward (r);
  first = g_memdup2 (r->d_in[0], r->in_len[0] * sizeof (float));
  nn_threads_set (2);
  layer_run_forward (r);
  layer_run_backward (r);
  g_assert_cmpmem (first, r->in_len[0] * sizeof (float), r->d_in[0], r->in_len[0] * sizeof (float));
  g_free (first);
  layer_run_free (r);
  nn_threads_set (0);
}

/* The same thread count gives the same numbers, run after run, through
 * the split GEMMs as well (DESIGN.md: determinism). */
static void
test_repeatable (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (16, 13, 13);
  layer_run *r;
  float *out, *dx, *dw;

  nn_threads_set (2);
  layer_desc_make (&d, "conv2d", "filters=32", "padding=same", NULL);
  r = layer_run_new (&d, &in, 1, 32, 1);
  layer_run_forward (r);
  layer_run_backward (r);
  out = g_memdup2 (r->out, r->out_len * sizeof (float));
  dx = g_memdup2 (r->d_in[0], r->in_len[0] * sizeof (float));
  dw = g_memdup2 (r->dw, r->w_len * sizeof (float));
  layer_run_forward (r);
  layer_run_backward (r);
  g_assert_cmpmem (out, r->out_len * sizeof (float), r->out, r->out_len * sizeof (float));
  g_assert_cmpmem (dx, r->in_len[0] * sizeof (float), r->d_in[0], r->in_len[0] * sizeof (float));
  g_assert_cmpmem (dw, r->w_len * sizeof (float), r->dw, r->w_len * sizeof (float));
  g_free (out);
  g_free (dx);
  g_free (dw);
  layer_run_free (r);
  nn_threads_set (0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/kernels/gemm", test_gemm);
  g_test_add_func ("/engine/kernels/gemm-empty", test_gemm_empty);
  g_test_add_func ("/engine/kernels/im2col", test_im2col);
  g_test_add_func ("/engine/kernels/threads", test_threads);
  g_test_add_func ("/engine/kernels/repeatable", test_repeatable);
  return g_test_run ();
}
