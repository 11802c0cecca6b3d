/* test-synthetic.c — the generated 2-D sets: sizes, classes, and the same
 * points for the same seed. */
#include <math.h>

#include "data-test-util.h"

static void
test_kinds (void)
{
  static const struct
  {
    const char *spec;
    int classes;
  } kinds[] = { { "spiral", 2 }, { "circles", 2 }, { "xor", 2 }, { "blobs", 3 }, { "moons", 2 } };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_dataset) ds = nn_dataset_open (kinds[k].spec, NULL, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (ds->n_samples, ==, 1000);
      g_assert_cmpint (ds->n_train, ==, 1000);
      g_assert_cmpint (ds->input_shape.rank, ==, 1);
      g_assert_cmpint (ds->input_shape.dim[0], ==, 2);
      g_assert_cmpint (ds->n_classes, ==, kinds[k].classes);
      for (int c = 0; c < ds->n_classes; c++)
        g_assert_cmpint (ds->quality.class_counts[c], >=, 800 / kinds[k].classes);
      for (int i = 0; i < 2000; i++)
        g_assert_true (isfinite (ds->f32[i]));
      g_assert_cmpstr (ds->source, ==, "generated (seed 0)");
    }
}

static void
test_seed (void)
{
  nn_data_options o = { .seed = 42, .samples = 300 };
  g_autoptr (nn_dataset) a = nn_dataset_open ("spiral", &o, NULL, NULL, NULL, NULL);
  g_autoptr (nn_dataset) b = nn_dataset_open ("spiral", &o, NULL, NULL, NULL, NULL);
  g_autoptr (nn_dataset) c = NULL;

  o.seed = 43;
  c = nn_dataset_open ("spiral", &o, NULL, NULL, NULL, NULL);
  g_assert_cmpint (a->n_samples, ==, 300);
  g_assert_cmpmem (a->f32, 600 * sizeof (float), b->f32, 600 * sizeof (float));
  g_assert_cmpmem (a->labels, 300 * sizeof (gint32), b->labels, 300 * sizeof (gint32));
  g_assert_true (memcmp (a->f32, c->f32, 600 * sizeof (float)) != 0);
}

static void
test_no_noise (void)
{
  nn_data_options o = { .noise = -1 };
  g_autoptr (nn_dataset) ds = nn_dataset_open ("circles", &o, NULL, NULL, NULL, NULL);

  for (int i = 0; i < ds->n_samples; i++)
    {
      double r = hypot (ds->f32[2 * i], ds->f32[2 * i + 1]);
      if (ds->labels[i] == 0)
        g_assert_cmpfloat (r, <=, 2.5001);
      else
        g_assert_cmpfloat (r, >=, 3.4999);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/synthetic/kinds", test_kinds);
  g_test_add_func ("/data/synthetic/seed", test_seed);
  g_test_add_func ("/data/synthetic/no-noise", test_no_noise);
  return g_test_run ();
}
