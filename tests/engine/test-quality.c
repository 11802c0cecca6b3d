/* test-quality.c — the quality report on a table with known duplicates,
 * conflicts, missing values and a constant column; the cleanings; the text
 * and JSON forms; normalisation and the NaN guard of gather. */
#include <math.h>

#include "data-test-util.h"
#include "data/quality.h"

static nn_dataset *
open_quality (void)
{
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = open_fixture ("csv", "csv/quality.csv", NULL, &error);

  g_assert_no_error (error);
  return ds;
}

static void
test_report (void)
{
  g_autoptr (nn_dataset) ds = open_quality ();
  const nn_quality *q = &ds->quality;

  g_assert_cmpint (q->samples, ==, 7);
  g_assert_cmpint (q->class_counts[0], ==, 4);
  g_assert_cmpint (q->class_counts[1], ==, 3);
  g_assert_cmpint (q->duplicates, ==, 2);
  g_assert_cmpint (q->conflicts, ==, 1);
  g_assert_cmpint (q->missing_values, ==, 2);
  g_assert_cmpint (q->rows_with_missing, ==, 2);
  g_assert_cmpint (q->n_columns, ==, 3);
  g_assert_cmpstr (q->columns[1].name, ==, "f2");
  g_assert_cmpint (q->columns[1].missing, ==, 2);
  g_assert_false (q->columns[0].constant);
  g_assert_true (q->columns[2].constant);
  g_assert_cmpint (g_strv_length (q->warnings), ==, 4);
}

static float
f2 (const nn_dataset *ds, int row)
{
  return ds->f32[row * 3 + 1];
}

static void
test_impute (void)
{
  static const struct
  {
    nn_impute how;
    float value;
  } cases[] = { { NN_IMPUTE_MEAN, 3.2f }, { NN_IMPUTE_MEDIAN, 2 }, { NN_IMPUTE_MOST_FREQUENT, 2 } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (nn_dataset) ds = open_quality ();
      g_autofree char *said = nn_dataset_impute (ds, cases[i].how);

      g_assert_nonnull (strstr (said, "Filled 2 missing values"));
      g_assert_cmpfloat_with_epsilon (f2 (ds, 3), cases[i].value, 1e-6);
      g_assert_cmpfloat_with_epsilon (f2 (ds, 6), cases[i].value, 1e-6);
      g_assert_cmpint (ds->quality.missing_values, ==, 0);
    }
}

static void
test_drop_missing (void)
{
  g_autoptr (nn_dataset) ds = open_quality ();
  g_autofree char *said = nn_dataset_impute (ds, NN_IMPUTE_DROP);

  g_assert_cmpstr (said, ==, "Dropped 2 rows with missing values");
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->n_train, ==, 5);
  g_assert_cmpint (ds->quality.rows_with_missing, ==, 0);
  g_assert_cmpfloat (ds->f32[4 * 3], ==, 4.0f);
}

static void
test_drop_duplicates (void)
{
  g_autoptr (nn_dataset) ds = open_quality ();
  g_autofree char *said = nn_dataset_drop_duplicates (ds);

  g_assert_cmpstr (said, ==, "Dropped 2 duplicate samples");
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->quality.duplicates, ==, 0);
  g_assert_cmpint (ds->quality.conflicts, ==, 1);
  g_assert_cmpint (ds->labels[1], ==, 1);
}

static void
test_json_and_text (void)
{
  g_autoptr (nn_dataset) ds = open_quality ();
  g_autoptr (JsonNode) node = nn_quality_to_json (ds);
  JsonObject *o = json_node_get_object (node);
  g_autofree char *text = nn_quality_to_text (ds);

  g_assert_cmpint (json_object_get_int_member (o, "samples"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (o, "duplicates"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "missing_values"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "task"), ==, "classify");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "classes"), 1),
                   ==, "b");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (o, "class_counts"), 0),
                   ==, 4);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (o, "input_shape"), 0),
                   ==, 3);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "columns")), ==, 3);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "warnings")), ==, 4);
  g_assert_nonnull (strstr (text, "Duplicates: 2"));
  g_assert_nonnull (strstr (text, "quality.csv"));
}

static void
test_normalise_and_guard (void)
{
  g_autoptr (nn_dataset) ds = open_quality ();
  int all[7] = { 0, 1, 2, 3, 4, 5, 6 };
  float x[7 * 3];
  double mean = 0;

  nn_dataset_fit_normalisation (ds, all, 7);
  nn_dataset_gather (ds, all, 7, x, NULL, NULL);
  for (int i = 0; i < 7 * 3; i++)
    g_assert_false (isnan (x[i]));
  for (int i = 0; i < 7; i++)
    mean += x[i * 3];
  g_assert_cmpfloat (fabs (mean), <, 1e-5);
  g_assert_cmpfloat (x[3 * 3 + 1], ==, 0.0f); /* missing: the mean after normalising */
  g_assert_cmpfloat (x[2], ==, 0.0f);         /* a constant column is centred, not blown up */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/quality/report", test_report);
  g_test_add_func ("/data/quality/impute", test_impute);
  g_test_add_func ("/data/quality/drop-missing", test_drop_missing);
  g_test_add_func ("/data/quality/drop-duplicates", test_drop_duplicates);
  g_test_add_func ("/data/quality/json-and-text", test_json_and_text);
  g_test_add_func ("/data/quality/normalise-and-guard", test_normalise_and_guard);
  return g_test_run ();
}
