/* test-augment.c — flips, shifts and noise on gathered batches: what they
 * do to an image, what they leave alone, and the same result per seed. */
#include <math.h>

#include "data-test-util.h"

static nn_dataset *
open_images (void)
{
  g_autoptr (GError) error = NULL;
  /* 3 images 1×2×2: pixel k of image i is 10·i + k */
  nn_dataset *ds = open_fixture ("idx", "idx/u8-images.idx:idx/u8-labels.idx", NULL, &error);

  g_assert_no_error (error);
  return ds;
}

static void
test_flip (void)
{
  g_autoptr (nn_dataset) ds = open_images ();
  nn_augment a = { .flip = TRUE };
  int idx[64], flipped = 0, kept = 0;
  float x[64 * 4];
  nn_rng rng;

  for (int i = 0; i < 64; i++)
    idx[i] = 2;
  nn_dataset_gather (ds, idx, 64, x, NULL, NULL);
  nn_rng_seed (&rng, 1, 0);
  nn_augment_apply (ds, &a, x, 64, &rng);
  for (int i = 0; i < 64; i++)
    {
      const float *p = x + 4 * i;
      if (p[0] * 255 > 20.5f) /* 21, 20, 23, 22 */
        {
          flipped++;
          g_assert_cmpfloat_with_epsilon (p[1] * 255, 20, 1e-3);
          g_assert_cmpfloat_with_epsilon (p[2] * 255, 23, 1e-3);
        }
      else
        kept++;
    }
  g_assert_cmpint (flipped, >, 10);
  g_assert_cmpint (kept, >, 10);
}

static void
test_shift (void)
{
  g_autoptr (nn_dataset) ds = open_images ();
  nn_augment a = { .shift = 1 };
  int idx[32];
  float x[32 * 4];
  gboolean moved = FALSE;
  nn_rng rng;

  for (int i = 0; i < 32; i++)
    idx[i] = 1;
  nn_dataset_gather (ds, idx, 32, x, NULL, NULL);
  nn_rng_seed (&rng, 2, 0);
  nn_augment_apply (ds, &a, x, 32, &rng);
  for (int i = 0; i < 32 * 4; i++)
    {
      float v = x[i] * 255;
      /* a pixel is uncovered (0) or one of the image's own */
      g_assert_true (v < 1e-3 || (v > 9.5f && v < 13.5f));
      moved |= v < 1e-3;
    }
  g_assert_true (moved);
}

static void
test_noise_and_seed (void)
{
  g_autoptr (nn_dataset) ds = nn_dataset_open ("circles", NULL, NULL, NULL, NULL, NULL);
  nn_augment a = { .flip = TRUE, .shift = 3, .noise = 0.5 };
  int idx[1000];
  g_autofree float *x = g_new (float, 2000);
  g_autofree float *y = g_new (float, 2000);
  g_autofree float *clean = g_new (float, 2000);
  double sum = 0, sq = 0;
  nn_rng r1, r2;

  for (int i = 0; i < 1000; i++)
    idx[i] = i;
  nn_dataset_gather (ds, idx, 1000, clean, NULL, NULL);
  memcpy (x, clean, sizeof (float) * 2000);
  memcpy (y, clean, sizeof (float) * 2000);
  nn_rng_seed (&r1, 9, 0);
  nn_rng_seed (&r2, 9, 0);
  nn_augment_apply (ds, &a, x, 1000, &r1);
  nn_augment_apply (ds, &a, y, 1000, &r2);
  g_assert_cmpmem (x, sizeof (float) * 2000, y, sizeof (float) * 2000);
  /* a table is not an image: only the noise applies */
  for (int k = 0; k < 2000; k++)
    {
      double d = x[k] - clean[k];
      sum += d;
      sq += d * d;
    }
  g_assert_cmpfloat (fabs (sum / 2000), <, 0.05);
  g_assert_cmpfloat (fabs (sqrt (sq / 2000) - 0.5), <, 0.05);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/augment/flip", test_flip);
  g_test_add_func ("/data/augment/shift", test_shift);
  g_test_add_func ("/data/augment/noise-and-seed", test_noise_and_seed);
  return g_test_run ();
}
