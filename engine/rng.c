/* rng.c — PCG32 (O'Neill, 2014): small, fast, and the same on every machine,
 * which is what reproducible runs need. */
#include <math.h>

#include "rng.h"

void
nn_rng_seed (nn_rng *r, guint64 seed, guint64 stream)
{
  r->state = 0;
  r->inc = (stream << 1u) | 1u;
  nn_rng_u32 (r);
  r->state += seed;
  nn_rng_u32 (r);
}

guint32
nn_rng_u32 (nn_rng *r)
{
  guint64 old = r->state;
  guint32 xorshifted, rot;

  r->state = old * 6364136223846793005ULL + r->inc;
  xorshifted = (guint32) (((old >> 18u) ^ old) >> 27u);
  rot = (guint32) (old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

float
nn_rng_uniform (nn_rng *r)
{
  /* 24 bits: every value is exactly representable and strictly below 1. */
  return (float) (nn_rng_u32 (r) >> 8) * (1.0f / 16777216.0f);
}

float
nn_rng_normal (nn_rng *r)
{
  /* Box–Muller without the cached second value, so the stream position
   * depends only on how many normals were drawn. */
  double u1 = ((double) nn_rng_u32 (r) + 1.0) / 4294967297.0;
  double u2 = (double) nn_rng_u32 (r) / 4294967296.0;

  return (float) (sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
}

guint32
nn_rng_below (nn_rng *r, guint32 n)
{
  /* Lemire's rejection keeps the result unbiased for any n. */
  guint32 threshold, x;

  if (n <= 1)
    return 0;
  threshold = (-n) % n;
  do
    x = nn_rng_u32 (r);
  while (x < threshold);
  return x % n;
}
