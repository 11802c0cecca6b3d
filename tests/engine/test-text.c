/* test-text.c — labelled text: label<TAB>text files, folders per class,
 * character and word tokens, the vocabulary, and malformed files. */
#include "data-test-util.h"
#include "data/dataset-private.h"

static const char *
token (const nn_dataset *ds, int sample, int t)
{
  return ds->vocab[ds->tokens[(gsize) sample * ds->input_shape.dim[0] + t]];
}

static void
test_lines (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("text", "text/lines.txt", NULL, &error);
  int idx[] = { 0 };
  float x[32];

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 4);
  g_assert_cmpint (ds->store, ==, NN_STORE_TOKENS);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "de");
  g_assert_cmpint (ds->labels[0], ==, 1);
  /* the longest line, "guten Morgen" or "good morning", sets the length */
  g_assert_cmpint (ds->input_shape.dim[0], ==, 12);
  g_assert_cmpstr (ds->vocab[0], ==, "<pad>");
  g_assert_cmpstr (ds->vocab[1], ==, "<unk>");
  g_assert_cmpstr (token (ds, 0, 0), ==, "h");
  g_assert_cmpstr (token (ds, 1, 8), ==, "g"); /* "guten Tag" without the \r */
  g_assert_cmpint (ds->tokens[1 * 12 + 9], ==, 0);
  nn_dataset_gather (ds, idx, 1, x, NULL, NULL);
  g_assert_cmpfloat (x[0], ==, (float) ds->tokens[0]);
}

static void
test_words_and_caps (void)
{
  nn_data_options o = { .words = TRUE, .vocab_size = 4, .max_length = 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("text", "text/lines.txt", &o, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 3);
  g_assert_cmpint (ds->vocab_size, ==, 4);
  /* "guten" appears twice: the most frequent word comes first */
  g_assert_cmpstr (ds->vocab[2], ==, "guten");
  /* "hello" is beyond the cap: unknown */
  g_assert_cmpint (ds->tokens[0], ==, 1);
}

static void
test_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("text", "text/folder", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "negative");
  g_assert_cmpstr (ds->class_names[1], ==, "neutral");
  g_assert_cmpstr (ds->class_names[2], ==, "positive");
  g_assert_cmpint (ds->quality.class_counts[1], ==, 2);
}

static void
test_bad_files (void)
{
  assert_open_fails ("text", "text/no-label.txt", "no-label.txt", "line 2", "no label",
                     "expected a label");
  assert_open_fails ("text", "text/bad-utf8.txt", "bad-utf8.txt", "line 2", "byte 15", "UTF-8");
  assert_open_fails ("text", "text/empty.txt", "empty.txt", "is empty", "expected");
  assert_open_fails ("text", "text/none.txt", "none.txt");
}

static void
test_tokenize (void)
{
  g_autoptr (GPtrArray) chars = nn_text_tokenize ("Grüße!", FALSE);
  g_autoptr (GPtrArray) words = nn_text_tokenize ("Hello, wide  World!", TRUE);

  g_assert_cmpint (chars->len, ==, 6);
  g_assert_cmpstr (chars->pdata[2], ==, "ü");
  g_assert_cmpint (words->len, ==, 5);
  g_assert_cmpstr (words->pdata[0], ==, "hello");
  g_assert_cmpstr (words->pdata[1], ==, ",");
  g_assert_cmpstr (words->pdata[3], ==, "world");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/text/lines", test_lines);
  g_test_add_func ("/data/text/words-and-caps", test_words_and_caps);
  g_test_add_func ("/data/text/folder", test_folder);
  g_test_add_func ("/data/text/bad-files", test_bad_files);
  g_test_add_func ("/data/text/tokenize", test_tokenize);
  return g_test_run ();
}
