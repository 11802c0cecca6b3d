/* test-words.c — the language-of-a-word demo over the system word lists:
 * sizes, the stratified test part, tokens, the seed, and missing lists. */
#include "data-test-util.h"

static gboolean
available (void)
{
  int n;
  const nn_builtin_dataset *all = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    if (g_str_equal (all[i].id, "words"))
      return all[i].available (NULL);
  return FALSE;
}

static void
test_sizes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  int test_counts[5] = { 0 };

  if (!available ())
    {
      g_test_skip ("the word lists are not installed");
      return;
    }
  ds = nn_dataset_open ("words", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_classes, ==, 5);
  g_assert_cmpstr (ds->class_names[0], ==, "English");
  g_assert_cmpint (ds->n_samples, ==, 40000);
  g_assert_cmpint (ds->n_train, ==, 32000);
  g_assert_cmpint (ds->store, ==, NN_STORE_TOKENS);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 16);
  for (int i = ds->n_train; i < ds->n_samples; i++)
    test_counts[ds->labels[i]]++;
  for (int c = 0; c < 5; c++)
    g_assert_cmpint (test_counts[c], ==, 1600);
  for (gsize k = 0; k < (gsize) ds->n_samples * 16; k++)
    g_assert_true (ds->tokens[k] >= 0 && ds->tokens[k] < ds->vocab_size);
  /* every word has 2 to 16 letters: the first two tokens are never padding */
  for (int i = 0; i < ds->n_samples; i++)
    g_assert_cmpint (ds->tokens[(gsize) i * 16 + 1], !=, 0);
}

static void
test_seed (void)
{
  nn_data_options o = { .seed = 7 };
  g_autoptr (nn_dataset) a = NULL;
  g_autoptr (nn_dataset) b = NULL;

  if (!available ())
    {
      g_test_skip ("the word lists are not installed");
      return;
    }
  a = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  b = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  g_assert_cmpmem (a->tokens, 40000 * 16 * sizeof (gint32), b->tokens,
                   40000 * 16 * sizeof (gint32));
}

/* tests/fixtures/data/dict: a dozen words per language, some of which the
 * demo must leave out (capitals, apostrophes, one letter, over 16). */
static void
test_filtering (void)
{
  static const int expected[5] = { 10, 11, 11, 11, 11 };
  g_autofree char *dict = test_fixture_path ("data/dict");
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;

  g_setenv ("LAYERLAB_DICT_DIR", dict, TRUE);
  ds = nn_dataset_open ("words", NULL, NULL, NULL, NULL, &error);
  g_unsetenv ("LAYERLAB_DICT_DIR");
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 54);
  g_assert_cmpint (ds->n_train, ==, 44);
  for (int c = 0; c < 5; c++)
    g_assert_cmpint (ds->quality.class_counts[c], ==, expected[c]);
  for (int v = 2; v < ds->vocab_size; v++)
    {
      gunichar ch = g_utf8_get_char (ds->vocab[v]);
      g_assert_true (g_unichar_islower (ch));
    }
  /* "casa", "campo" and "monte" are Spanish and Italian */
  g_assert_cmpint (ds->quality.conflicts, ==, 3);
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;

  g_setenv ("LAYERLAB_DICT_DIR", "/nonexistent/dict", TRUE);
  g_assert_null (nn_dataset_open ("words", NULL, NULL, NULL, NULL, &error));
  g_unsetenv ("LAYERLAB_DICT_DIR");
  assert_error_mentions (error, "wamerican", "witalian", "install", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/words/sizes", test_sizes);
  g_test_add_func ("/data/words/seed", test_seed);
  g_test_add_func ("/data/words/filtering", test_filtering);
  g_test_add_func ("/data/words/missing-lists", test_missing);
  return g_test_run ();
}
