/* test-fashion-mnist.c — the built-in Fashion-MNIST from Debian's
 * dataset-fashion-mnist: sizes, classes, speed, and what a missing package
 * or a cancel says. Skipped where the package is not installed. */
#include "data-test-util.h"

static gboolean
available (void)
{
  int n;
  const nn_builtin_dataset *all = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    if (g_str_equal (all[i].id, "fashion-mnist"))
      return all[i].available (NULL);
  return FALSE;
}

static void
on_progress (double fraction, gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
test_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();
  double last = 0;

  if (!available ())
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  ds = nn_dataset_open ("fashion-mnist", NULL, NULL, on_progress, &last, &error);
  g_test_message ("loaded in %.3f s", g_timer_elapsed (timer, NULL));
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 70000);
  g_assert_cmpint (ds->n_train, ==, 60000);
  g_assert_cmpint (ds->store, ==, NN_STORE_U8);
  g_assert_cmpint (ds->input_shape.dim[1], ==, 28);
  g_assert_cmpint (ds->n_classes, ==, 10);
  g_assert_cmpstr (ds->class_names[9], ==, "Ankle boot");
  g_assert_cmpint (ds->quality.class_counts[0], ==, 7000);
  g_assert_cmpfloat (last, ==, 1.0);
}

static void
test_limit (void)
{
  nn_data_options o = { .limit = 100 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;

  if (!available ())
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  ds = nn_dataset_open ("fashion-mnist", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 200);
  g_assert_cmpint (ds->n_train, ==, 100);
}

static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  if (!available ())
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  g_cancellable_cancel (cancellable);
  g_assert_null (nn_dataset_open ("fashion-mnist", NULL, cancellable, NULL, NULL, &error));
  g_assert_true (g_error_matches (error, NN_ERROR, NN_ERROR_CANCELLED) ||
                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;

  g_setenv ("LAYERLAB_FASHION_MNIST_DIR", "/nonexistent/fashion", TRUE);
  g_assert_null (nn_dataset_open ("fashion-mnist", NULL, NULL, NULL, NULL, &error));
  g_unsetenv ("LAYERLAB_FASHION_MNIST_DIR");
  assert_error_mentions (error, "/nonexistent/fashion", "dataset-fashion-mnist", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/fashion-mnist/load", test_load);
  g_test_add_func ("/data/fashion-mnist/limit", test_limit);
  g_test_add_func ("/data/fashion-mnist/cancelled", test_cancelled);
  g_test_add_func ("/data/fashion-mnist/missing-package", test_missing);
  return g_test_run ();
}
