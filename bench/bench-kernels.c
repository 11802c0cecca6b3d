/* bench-kernels.c — how fast the engine's hot paths run on this machine:
 * nn_gemm at 2048³, and forward + backward of the seed CNN's two Conv2D
 * layers at batch 32 (1→32 and 32→64 filters, 3×3, on 28×28 and 13×13).
 * Usage: bench-kernels [THREADS]   (0 or nothing: one per online CPU) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "layer.h"
#include "tensor.h"

static float *
random_floats (gsize n, nn_rng *rng)
{
  float *p = nn_alloc_floats (n);

  if (p == NULL)
    {
      fprintf (stderr, "bench-kernels: out of memory\n");
      exit (1);
    }
  for (gsize i = 0; i < n; i++)
    p[i] = nn_rng_normal (rng);
  return p;
}

static void
bench_gemm (nn_rng *rng)
{
  const int n = 2048, reps = 3;
  float *a = random_floats ((gsize) n * n, rng), *b = random_floats ((gsize) n * n, rng);
  float *c = random_floats ((gsize) n * n, rng);
  double best = 1e30;

  nn_gemm (FALSE, FALSE, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      nn_gemm (FALSE, FALSE, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e6);
    }
  printf ("gemm 2048³: %.1f GFLOP/s (best of %d: %.3f s)\n", 2.0 * n * n * n / best / 1e9, reps,
          best);
  nn_free_floats (a);
  nn_free_floats (b);
  nn_free_floats (c);
}

static void
bench_conv (const char *label, int channels, int size, int filters, int batch, nn_rng *rng)
{
  const nn_layer_ops *ops = nn_layer_lookup ("conv2d");
  const int reps = 50;
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (channels, size, size), out;
  gsize in_len, out_len, w_len, scratch_len;
  float *x, *dx, *y, *dy, *w, *dw, *scratch;
  double fwd = 0.0, bwd = 0.0, flops;

  nn_layer_desc_init (&d, ops);
  nn_layer_desc_set (&d, "filters", filters, NULL);
  if (!ops->infer (&d, &in, 1, &out, NULL))
    return;
  in_len = (gsize) batch * nn_shape_size (&in);
  out_len = (gsize) batch * nn_shape_size (&out);
  w_len = nn_layer_weight_count (&d, &in, &out);
  scratch_len = ops->scratch_size (&d, &in, 1, &out, batch);
  x = random_floats (in_len, rng);
  dx = random_floats (in_len, rng);
  y = random_floats (out_len, rng);
  dy = random_floats (out_len, rng);
  w = random_floats (w_len, rng);
  dw = random_floats (w_len, rng);
  scratch = random_floats (scratch_len, rng);

  const float *ins[] = { x };
  float *const d_ins[] = { dx };
  nn_layer_ctx c = { .desc = &d,
                     .batch = batch,
                     .n_in = 1,
                     .in_shape = &in,
                     .out_shape = &out,
                     .in = ins,
                     .out = y,
                     .d_in = d_ins,
                     .d_out = dy,
                     .w = w,
                     .dw = dw,
                     .scratch = scratch,
                     .training = TRUE,
                     .rng = rng };

  for (int r = -5; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time (), t1;
      ops->forward (&c);
      t1 = g_get_monotonic_time ();
      ops->backward (&c);
      if (r >= 0)
        {
          fwd += (t1 - t0) / 1e6;
          bwd += (g_get_monotonic_time () - t1) / 1e6;
        }
    }
  fwd /= reps;
  bwd /= reps;
  flops = ops->flops (&d, &in, 1, &out) * batch;
  printf ("conv2d %s, batch %d: forward %.3f ms (%.1f GFLOP/s), backward %.3f ms "
          "(%.1f GFLOP/s)\n",
          label, batch, fwd * 1e3, flops / fwd / 1e9, bwd * 1e3, 2.0 * flops / bwd / 1e9);
  nn_free_floats (x);
  nn_free_floats (dx);
  nn_free_floats (y);
  nn_free_floats (dy);
  nn_free_floats (w);
  nn_free_floats (dw);
  nn_free_floats (scratch);
}

int
main (int argc, char **argv)
{
  const char *coretype = getenv ("OPENBLAS_CORETYPE");
  nn_rng rng;

  nn_threads_set (argc > 1 ? atoi (argv[1]) : 0);
  printf ("threads: %d; OPENBLAS_CORETYPE=%s; OpenBLAS core: %s\n", nn_threads_get (),
          coretype ? coretype : "(unset)", openblas_get_corename ());
  nn_rng_seed (&rng, 1, 0);
  bench_gemm (&rng);
  bench_conv ("1→32 3×3 on 28×28", 1, 28, 32, 32, &rng);
  bench_conv ("32→64 3×3 on 13×13", 32, 13, 64, 32, &rng);
  return 0;
}
