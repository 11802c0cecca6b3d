/* test-split.c — training, validation and test parts: stratified, seeded,
 * disjoint, the source's own test part, and the errors. */
#include "data-test-util.h"

static void
assert_partition (const nn_dataset *ds, const nn_split *s)
{
  g_autofree int *seen = g_new0 (int, ds->n_samples);

  for (int i = 0; i < s->n_train; i++)
    seen[s->train[i]]++;
  for (int i = 0; i < s->n_val; i++)
    seen[s->val[i]]++;
  for (int i = 0; i < s->n_test; i++)
    seen[s->test[i]]++;
  for (int i = 0; i < ds->n_samples; i++)
    g_assert_cmpint (seen[i], ==, 1);
}

static void
test_stratified (void)
{
  g_autoptr (nn_dataset) ds = nn_dataset_open ("spiral", NULL, NULL, NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;
  nn_split s;
  int test_classes[2] = { 0 }, val_classes[2] = { 0 };

  g_assert_true (nn_split_make (ds, 0.1, 0.2, 1, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s.n_test, ==, 200);
  g_assert_cmpint (s.n_val, ==, 80);
  g_assert_cmpint (s.n_train, ==, 720);
  assert_partition (ds, &s);
  for (int i = 0; i < s.n_test; i++)
    test_classes[ds->labels[s.test[i]]]++;
  for (int i = 0; i < s.n_val; i++)
    val_classes[ds->labels[s.val[i]]]++;
  g_assert_cmpint (test_classes[0], ==, 100);
  g_assert_cmpint (val_classes[1], ==, 40);
  for (int i = 1; i < s.n_train; i++)
    g_assert_cmpint (s.train[i - 1], <, s.train[i]);
  nn_split_clear (&s);
}

static void
test_seeded (void)
{
  g_autoptr (nn_dataset) ds = nn_dataset_open ("moons", NULL, NULL, NULL, NULL, NULL);
  nn_split a, b, c;

  g_assert_true (nn_split_make (ds, 0.2, 0.2, 5, &a, NULL));
  g_assert_true (nn_split_make (ds, 0.2, 0.2, 5, &b, NULL));
  g_assert_true (nn_split_make (ds, 0.2, 0.2, 6, &c, NULL));
  g_assert_cmpint (a.n_test, ==, b.n_test);
  g_assert_cmpmem (a.test, a.n_test * sizeof (int), b.test, b.n_test * sizeof (int));
  g_assert_cmpmem (a.val, a.n_val * sizeof (int), b.val, b.n_val * sizeof (int));
  g_assert_true (memcmp (a.test, c.test, a.n_test * sizeof (int)) != 0);
  nn_split_clear (&a);
  nn_split_clear (&b);
  nn_split_clear (&c);
}

static void
test_own_test_part (void)
{
  g_autoptr (nn_dataset) ds = nn_dataset_open ("xor", NULL, NULL, NULL, NULL, NULL);
  nn_split s;

  ds->n_train = 800;
  g_assert_true (nn_split_make (ds, 0.25, 0.5, 0, &s, NULL));
  g_assert_cmpint (s.n_test, ==, 200);
  g_assert_cmpint (s.test[0], ==, 800);
  g_assert_cmpint (s.n_val + s.n_train, ==, 800);
  g_assert_cmpint (s.n_val, >=, 198);
  g_assert_cmpint (s.n_val, <=, 202);
  assert_partition (ds, &s);
  nn_split_clear (&s);
}

static void
test_single_class (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/single-class.csv", NULL, &error);
  nn_split s;

  g_assert_no_error (error);
  g_assert_false (nn_split_make (ds, 0.1, 0.2, 0, &s, &error));
  assert_error_mentions (error, "single-class.csv", "only one class", "cat", "at least two", NULL);
  g_assert_null (s.train);
}

static void
test_too_few (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/regression.csv", NULL, &error);
  nn_split s;

  g_assert_no_error (error);
  g_assert_false (nn_split_make (ds, 0.1, 0.1, 0, &s, &error));
  assert_error_mentions (error, "regression.csv", "only 4 samples", "too few", NULL);
  g_clear_error (&error);
  g_assert_false (nn_split_make (ds, 0.1, 1.5, 0, &s, &error));
  assert_error_mentions (error, "between 0 and 1", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/split/stratified", test_stratified);
  g_test_add_func ("/data/split/seeded", test_seeded);
  g_test_add_func ("/data/split/own-test-part", test_own_test_part);
  g_test_add_func ("/data/split/single-class", test_single_class);
  g_test_add_func ("/data/split/too-few", test_too_few);
  return g_test_run ();
}
