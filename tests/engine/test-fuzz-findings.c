/* test-fuzz-findings.c — every input the fuzz targets (fuzz/) found a bug
 * with, kept as a fixture and checked here so the bug stays fixed. One
 * case per finding: the input, and what the loader must say instead. */
#include <string.h>

#include "data/dataset.h"
#include "engine-test-util.h"
#include "error.h"
#include "io/onnx-import.h"

/* A byte of a multi-byte character after a closing quote was quoted alone
 * in the message, which made the message invalid UTF-8 (GTK cannot show
 * it). The whole character is quoted now. Found by fuzz-csv. */
static void
test_csv_quote_utf8 (void)
{
  g_autofree char *path = test_fixture_path ("data/csv/fuzz-quote-utf8.csv");
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);

  g_assert_null (ds);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "line 1"));
  g_assert_nonnull (strstr (error->message, "“\xEF\xBB\xBF”"));
}

/* A name freed with its value stayed a key of the importer's table of
 * defined tensors (a heap use-after-free, seen under ASan). Found by
 * fuzz-onnx in the importer as it was being written. */
static void
test_onnx_use_after_free (void)
{
  g_autofree char *path = test_fixture_path ("onnx/fuzz-use-after-free.onnx");
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_onnx_import (path, &error);

  if (p == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == NN_ERROR);
      g_test_message ("%s", error->message);
    }
  else
    g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/fuzz-findings/csv-quote-utf8", test_csv_quote_utf8);
  g_test_add_func ("/data/fuzz-findings/onnx-use-after-free", test_onnx_use_after_free);
  return g_test_run ();
}
