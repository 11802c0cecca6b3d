/* test-dataset.c — what nn_dataset_open does for every source after loading:
 * the `limit` option keeps a sample spread over each part, chosen by the
 * seed and stratified by class, not the first N of a sorted source. */
#include "data-test-util.h"
#include "data/dataset-private.h"

static gboolean
builtin_available (const char *id)
{
  int n;
  const nn_builtin_dataset *all = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    if (g_str_equal (all[i].id, id))
      return all[i].available (NULL);
  return FALSE;
}

/* Classes with at least one sample in [from, to). */
static int
classes_in (const nn_dataset *ds, int from, int to, int *counts)
{
  int present = 0;

  memset (counts, 0, sizeof (int) * ds->n_classes);
  for (int i = from; i < to; i++)
    counts[ds->labels[i]]++;
  for (int c = 0; c < ds->n_classes; c++)
    present += counts[c] > 0;
  return present;
}

static void
test_words (void)
{
  nn_data_options o = { .limit = 300 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree int *counts = NULL;

  if (!builtin_available ("words"))
    {
      g_test_skip ("the word lists are not installed");
      return;
    }
  ds = nn_dataset_open ("words", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_train, ==, 300);
  g_assert_cmpint (ds->n_samples, ==, 600);
  counts = g_new (int, ds->n_classes);
  /* the lists are sorted by language: the first 300 were all English */
  g_assert_cmpint (classes_in (ds, 0, ds->n_train, counts), ==, ds->n_classes);
  for (int c = 0; c < ds->n_classes; c++)
    g_assert_cmpint (counts[c], ==, 300 / ds->n_classes);
  g_assert_cmpint (classes_in (ds, ds->n_train, ds->n_samples, counts), ==, ds->n_classes);
  for (int c = 0; c < ds->n_classes; c++)
    g_assert_cmpint (ds->quality.class_counts[c], ==, 600 / ds->n_classes);
}

static void
test_seed (void)
{
  nn_data_options o = { .limit = 300, .seed = 3 };
  g_autoptr (nn_dataset) a = NULL;
  g_autoptr (nn_dataset) b = NULL;
  g_autoptr (nn_dataset) c = NULL;
  gsize bytes;

  if (!builtin_available ("words"))
    {
      g_test_skip ("the word lists are not installed");
      return;
    }
  a = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  b = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  o.seed = 4;
  c = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (c);
  bytes = nn_dataset_input_size (a) * sizeof (gint32) * a->n_samples;
  g_assert_cmpint (a->n_samples, ==, b->n_samples);
  g_assert_cmpmem (a->tokens, bytes, b->tokens, bytes);
  g_assert_cmpmem (a->labels, sizeof (gint32) * a->n_samples, b->labels,
                   sizeof (gint32) * b->n_samples);
  g_assert_cmpint (c->n_samples, ==, a->n_samples);
  g_assert_true (memcmp (a->tokens, c->tokens, bytes) != 0);
}

/* x is the row number and the rows are sorted by class: a limit keeps both
 * classes, in the file's order, and the seed picks the same rows again. */
static void
test_sorted_csv (void)
{
  nn_data_options o = { .limit = 4, .seed = 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/sorted.csv", &o, &error);
  g_autoptr (nn_dataset) again = NULL;
  int counts[2];

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 4);
  g_assert_cmpint (ds->n_train, ==, 4);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpint (classes_in (ds, 0, ds->n_samples, counts), ==, 2);
  g_assert_cmpint (counts[0], ==, 2);
  g_assert_cmpint (counts[1], ==, 2);
  for (int i = 1; i < ds->n_samples; i++)
    g_assert_cmpfloat (ds->f32[i], >, ds->f32[i - 1]);

  again = open_fixture ("csv", "csv/sorted.csv", &o, NULL);
  g_assert_nonnull (again);
  g_assert_cmpmem (ds->f32, sizeof (float) * 4, again->f32, sizeof (float) * 4);
}

/* A limit larger than the data keeps everything. */
static void
test_above_size (void)
{
  nn_data_options o = { .limit = 50 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/sorted.csv", &o, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 10);
  for (int i = 0; i < ds->n_samples; i++)
    g_assert_cmpfloat (ds->f32[i], ==, i + 1);
}

/* A limit below the number of classes still takes one of as many classes
 * as it can rather than several of one. */
static void
test_fewer_than_classes (void)
{
  nn_data_options o = { .limit = 2, .samples = 500 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open ("blobs", &o, NULL, NULL, NULL, &error);
  g_autofree int *counts = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 2);
  counts = g_new (int, ds->n_classes);
  g_assert_cmpint (classes_in (ds, 0, ds->n_samples, counts), ==, 2);
}

/* A folder of PNGs picks before decoding: the same images, in the same
 * order, as limiting the whole folder after loading it. */
static void
test_png_folder (void)
{
  nn_data_options o = { .limit = 4, .seed = 5 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) all = open_fixture ("images", "png/grey", NULL, &error);
  g_autoptr (nn_dataset) some = NULL;
  g_autofree gboolean *keep = NULL;
  gsize per;
  int counts[2], k = 0;

  g_assert_no_error (error);
  some = open_fixture ("images", "png/grey", &o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (all->n_samples, ==, 8);
  g_assert_cmpint (some->n_samples, ==, 4);
  g_assert_cmpint (classes_in (some, 0, some->n_samples, counts), ==, 2);
  g_assert_true (nn_shape_equal (&all->input_shape, &some->input_shape));

  keep = nn_limit_choose (all->labels, all->n_classes, all->n_samples, all->n_train, 4, 5);
  g_assert_nonnull (keep);
  per = nn_dataset_sample_bytes (all);
  for (int i = 0; i < all->n_samples; i++)
    if (keep[i])
      {
        g_assert_cmpint (some->labels[k], ==, all->labels[i]);
        g_assert_cmpmem (some->u8 + per * k, per, all->u8 + per * i, per);
        k++;
      }
  g_assert_cmpint (k, ==, 4);
}

/* Fashion-MNIST keeps its own test part: each part is limited on its own. */
static void
test_fashion_mnist (void)
{
  nn_data_options o = { .limit = 100 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  int counts[10];

  if (!builtin_available ("fashion-mnist"))
    {
      g_test_skip ("dataset-fashion-mnist is not installed");
      return;
    }
  ds = nn_dataset_open ("fashion-mnist", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_train, ==, 100);
  g_assert_cmpint (ds->n_samples, ==, 200);
  g_assert_cmpint (classes_in (ds, 0, 100, counts), ==, 10);
  for (int c = 0; c < 10; c++)
    g_assert_cmpint (counts[c], ==, 10);
  g_assert_cmpint (classes_in (ds, 100, 200, counts), ==, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/limit/words-several-classes", test_words);
  g_test_add_func ("/data/limit/same-seed-same-samples", test_seed);
  g_test_add_func ("/data/limit/sorted-csv", test_sorted_csv);
  g_test_add_func ("/data/limit/above-size", test_above_size);
  g_test_add_func ("/data/limit/fewer-than-classes", test_fewer_than_classes);
  g_test_add_func ("/data/limit/png-folder-before-decoding", test_png_folder);
  g_test_add_func ("/data/limit/fashion-mnist", test_fashion_mnist);
  return g_test_run ();
}
