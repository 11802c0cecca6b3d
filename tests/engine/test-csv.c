/* test-csv.c — CSV and TSV tables: quoting, CRLF, BOM, missing values,
 * header detection, label columns, regression, and malformed files. */
#include <math.h>

#include "data-test-util.h"

static void
test_quoted (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/quoted.csv", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFY);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 2);
  g_assert_cmpstr (ds->feature_names[1], ==, "height, in cm");
  g_assert_cmpint (ds->n_classes, ==, 3);
  /* sorted names; the quote escape and the newline survive */
  g_assert_cmpstr (ds->class_names[0], ==, "multi\nline");
  g_assert_cmpstr (ds->class_names[1], ==, "setosa");
  g_assert_cmpstr (ds->class_names[2], ==, "versi\"color");
  g_assert_cmpfloat (ds->f32[2], ==, 2.5f);
  /* NaN, ?, null and an empty field are all missing */
  g_assert_cmpint (ds->quality.missing_values, ==, 4);
  g_assert_cmpint (ds->quality.columns[1].missing, ==, 4);
  g_assert_true (isnan (ds->f32[3]));
}

static void
test_bom_crlf (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/bom-crlf.csv", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 3);
  g_assert_cmpstr (ds->feature_names[0], ==, "a");
  g_assert_cmpstr (ds->class_names[1], ==, "yes");
  g_assert_cmpint (ds->quality.missing_values, ==, 1);
}

static void
test_tsv (void)
{
  const char *files[] = { "csv/tabs.tsv", "csv/sniffed.txt" };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_dataset) ds = open_fixture ("csv", files[i], NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (ds->n_samples, ==, 2);
      g_assert_cmpint (ds->input_shape.dim[0], ==, 2);
      g_assert_cmpfloat (ds->f32[3], ==, 4.0f);
    }
}

static void
test_regression (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/regression.csv", NULL, &error);
  int idx[] = { 2 };
  float y;

  g_assert_no_error (error);
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESS);
  g_assert_cmpint (ds->target_size, ==, 1);
  g_assert_null (ds->quality.class_counts);
  nn_dataset_gather (ds, idx, 1, NULL, NULL, &y);
  g_assert_cmpfloat (y, ==, 30.125f);
}

static void
test_no_header (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("csv", "csv/no-header.csv", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 4);
  g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFY);
  g_assert_cmpstr (ds->class_names[1], ==, "1");
  g_assert_cmpstr (ds->feature_names[0], ==, "column 1");
}

static void
test_label_option (void)
{
  nn_data_options o = { .label = "kind" };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) by_name = open_fixture ("csv", "csv/label-first.csv", &o, &error);
  g_autoptr (nn_dataset) by_number = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (by_name->class_names[1], ==, "y");
  g_assert_cmpstr (by_name->feature_names[0], ==, "a");
  o.label = "1";
  by_number = open_fixture ("csv", "csv/label-first.csv", &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_number->class_names[0], ==, "x");
  o.label = "colour";
  g_assert_null (open_fixture ("csv", "csv/label-first.csv", &o, &error));
  assert_error_mentions (error, "label-first.csv", "colour", "kind, a, b", NULL);
}

static void
test_bad_files (void)
{
  assert_open_fails ("csv", "csv/empty.csv", "empty.csv", "is empty", "expected");
  assert_open_fails ("csv", "csv/ragged.csv", "ragged.csv", "line 3", "expected 3 fields",
                     "found 2");
  assert_open_fails ("csv", "csv/text-in-number.csv", "text-in-number.csv", "line 3", "column 2",
                     "expected a number", "four");
  assert_open_fails ("csv", "csv/unterminated.csv", "unterminated.csv", "line 3", "never closed");
  assert_open_fails ("csv", "csv/binary.csv", "binary.csv", "not a text file", "expected");
  assert_open_fails ("csv", "csv/header-only.csv", "header-only.csv", "header but no rows");
  assert_open_fails ("csv", "csv/no-such.csv", "no-such.csv");
}

static void
test_unknown_spec (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nn_dataset_open ("mnist-please", NULL, NULL, NULL, NULL, &error));
  assert_error_mentions (error, "mnist-please", "fashion-mnist", "csv:FILE", "images:DIR", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/csv/quoted", test_quoted);
  g_test_add_func ("/data/csv/bom-crlf", test_bom_crlf);
  g_test_add_func ("/data/csv/tsv", test_tsv);
  g_test_add_func ("/data/csv/regression", test_regression);
  g_test_add_func ("/data/csv/no-header", test_no_header);
  g_test_add_func ("/data/csv/label-option", test_label_option);
  g_test_add_func ("/data/csv/bad-files", test_bad_files);
  g_test_add_func ("/data/csv/unknown-spec", test_unknown_spec);
  return g_test_run ();
}
