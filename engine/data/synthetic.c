/* synthetic.c — the generated 2-D sets of TensorFlow Playground (spiral,
 * circles, XOR, Gaussian blobs) and scikit-learn's moons: two features,
 * two classes (blobs three), the same points for the same seed. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dataset-private.h"
#include "rng.h"

/* The data's own random stream, apart from weights and shuffling. */
#define SYNTHETIC_STREAM 5

static float
uniform (nn_rng *r, float lo, float hi)
{
  return lo + (hi - lo) * nn_rng_uniform (r);
}

/* Playground's spiral: two arms half a turn apart, noise scaled to ±1. */
static void
spiral (nn_rng *r, int n, double noise, float *xy, gint32 *label)
{
  int half = n / 2;

  for (int i = 0; i < n; i++)
    {
      int arm = i < half ? 0 : 1;
      int j = arm == 0 ? i : i - half, count = arm == 0 ? half : n - half;
      double t = (double) j / MAX (count, 1);
      double radius = 5 * t, angle = 1.75 * t * 2 * G_PI + arm * G_PI;

      xy[2 * i] = (float) (radius * sin (angle)) + uniform (r, -1, 1) * (float) noise;
      xy[2 * i + 1] = (float) (radius * cos (angle)) + uniform (r, -1, 1) * (float) noise;
      label[i] = arm;
    }
}

/* Playground's circles: a disc of radius 2.5 inside a ring from 3.5 to 5. */
static void
circles (nn_rng *r, int n, double noise, float *xy, gint32 *label)
{
  const float radius = 5;

  for (int i = 0; i < n; i++)
    {
      int inner = i < n / 2;
      float rr = inner ? uniform (r, 0, radius * 0.5f) : uniform (r, radius * 0.7f, radius);
      float angle = uniform (r, 0, 2 * G_PI);

      xy[2 * i] = rr * sinf (angle) + uniform (r, -radius, radius) * (float) noise;
      xy[2 * i + 1] = rr * cosf (angle) + uniform (r, -radius, radius) * (float) noise;
      label[i] = inner ? 0 : 1;
    }
}

/* Playground's XOR: points away from the axes, the class the sign of x·y. */
static void xor
  (nn_rng * r, int n, double noise, float *xy, gint32 *label) {
    const float padding = 0.3f;

    for (int i = 0; i < n; i++)
      {
        float x = uniform (r, -5, 5), y = uniform (r, -5, 5);
        x += x > 0 ? padding : -padding;
        y += y > 0 ? padding : -padding;
        label[i] = x * y >= 0 ? 0 : 1;
        xy[2 * i] = x + uniform (r, -5, 5) * (float) noise;
        xy[2 * i + 1] = y + uniform (r, -5, 5) * (float) noise;
      }
  }

  /* Three Gaussian clusters on a circle; noise widens them. */
  static void blobs (nn_rng *r, int n, double noise, float *xy, gint32 *label)
{
  double spread = 0.6 + 4 * noise;

  for (int i = 0; i < n; i++)
    {
      int c = i % 3;
      double angle = c * 2 * G_PI / 3 + G_PI / 2;

      xy[2 * i] = (float) (3 * cos (angle) + spread * nn_rng_normal (r));
      xy[2 * i + 1] = (float) (3 * sin (angle) + spread * nn_rng_normal (r));
      label[i] = c;
    }
}

/* scikit-learn's make_moons: two interlocking half circles, Gaussian noise. */
static void
moons (nn_rng *r, int n, double noise, float *xy, gint32 *label)
{
  int half = n / 2;

  for (int i = 0; i < n; i++)
    {
      int lower = i >= half;
      int j = lower ? i - half : i, count = lower ? n - half : half;
      double t = G_PI * j / MAX (count - 1, 1);

      xy[2 * i] = (float) (lower ? 1 - cos (t) : cos (t)) + (float) noise * nn_rng_normal (r);
      xy[2 * i + 1] = (float) (lower ? 0.5 - sin (t) : sin (t)) + (float) noise * nn_rng_normal (r);
      label[i] = lower;
    }
}

static const struct
{
  const char *id;
  const char *name;
  int n_classes;
  void (*make) (nn_rng *r, int n, double noise, float *xy, gint32 *label);
} kinds[] = {
  { "spiral", N_ ("Spiral"), 2, spiral }, { "circles", N_ ("Circles"), 2, circles },
  { "xor", N_ ("XOR"), 2, xor},           { "blobs", N_ ("Blobs"), 3, blobs },
  { "moons", N_ ("Moons"), 2, moons },
};

nn_dataset *
nn_load_synthetic (const nn_load_ctx *ctx, const char *kind, GError **error)
{
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *source = NULL;
  nn_rng rng;
  gsize k = 0;

  while (k < G_N_ELEMENTS (kinds) && strcmp (kinds[k].id, kind) != 0)
    k++;
  if (k == G_N_ELEMENTS (kinds) || ctx->o.samples > 10000000)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("Cannot generate %d samples of “%s”: expected at most 10,000,000 of "
                      "spiral, circles, xor, blobs or moons"),
                   ctx->o.samples, kind);
      return NULL;
    }
  source = g_strdup_printf (_ ("generated (seed %llu)"), (unsigned long long) ctx->o.seed);
  ds = nn_dataset_new_empty (ctx->spec, _ (kinds[k].name), source);
  ds->task = NN_TASK_CLASSIFY;
  ds->store = NN_STORE_F32;
  ds->input_shape = nn_shape_1d (2);
  ds->n_samples = ds->n_train = ctx->o.samples;
  if (!nn_dataset_alloc (ds, error))
    return NULL;
  ds->n_classes = kinds[k].n_classes;
  ds->class_names = g_new0 (char *, ds->n_classes + 1);
  for (int c = 0; c < ds->n_classes; c++)
    ds->class_names[c] = g_strdup_printf ("%d", c);
  ds->feature_names = g_strdupv ((char *[]){ "x1", "x2", NULL });
  nn_rng_seed (&rng, ctx->o.seed, SYNTHETIC_STREAM);
  kinds[k].make (&rng, ds->n_samples, ctx->o.noise, ds->f32, ds->labels);
  return g_steal_pointer (&ds);
}
