/* test-project-preparation.c — the data's preparation in a project: its
 * steps go through the file, broken ones are refused naming the field, and
 * applied in order they change the data as each says. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include <json-glib/json-glib.h>

static const nn_prep_step prep_steps[] = {
  { NN_PREP_IMPUTE, NN_IMPUTE_MEDIAN },        { NN_PREP_DROP_DUPLICATES, 0 },
  { NN_PREP_IMPUTE, NN_IMPUTE_MOST_FREQUENT }, { NN_PREP_IMPUTE, NN_IMPUTE_DROP },
  { NN_PREP_IMPUTE, NN_IMPUTE_MEAN },
};

/* A project on a CSV with prep_steps, as JSON text. */
static char *
prepared_document (void)
{
  g_autoptr (nn_project) p = nn_project_new (nn_graph_new ());
  nn_data_options o = { .label = "label" };

  nn_project_set_data (p, "csv:/data/quality.csv", &o);
  nn_project_set_preparation (p, prep_steps, G_N_ELEMENTS (prep_steps));
  return nn_project_to_data (p, NULL);
}

static void
test_preparation_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = prepared_document ();
  g_autoptr (nn_project) back = nn_project_from_data (text, strlen (text), "p.layerlab", &error);
  g_autoptr (JsonNode) root = json_from_string (text, NULL);
  g_autofree char *old = NULL;
  g_autoptr (nn_project) old_p = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (back->preparation->len, ==, G_N_ELEMENTS (prep_steps));
  for (guint i = 0; i < G_N_ELEMENTS (prep_steps); i++)
    {
      const nn_prep_step *s = &g_array_index (back->preparation, nn_prep_step, i);

      g_assert_cmpint (s->kind, ==, prep_steps[i].kind);
      if (s->kind == NN_PREP_IMPUTE)
        g_assert_cmpint (s->how, ==, prep_steps[i].how);
    }
  g_assert_nonnull (strstr (text, "\"how\" : \"most_frequent\""));
  g_assert_cmpstr (back->data_label, ==, "label");

  /* A file written before preparation existed reads as none. */
  json_object_remove_member (json_object_get_object_member (json_node_get_object (root), "dataset"),
                             "preparation");
  old = json_to_string (root, FALSE);
  old_p = nn_project_from_data (old, strlen (old), "old.layerlab", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old_p->preparation->len, ==, 0);
  g_assert_cmpstr (old_p->data_spec, ==, "csv:/data/quality.csv");
}

typedef struct
{
  const char *value; /* JSON of "preparation" */
  const char *message;
} prep_case;

static const prep_case prep_cases[] = {
  { "[{\"step\": \"impute\", \"how\": \"mean\"}, {\"step\": \"shuffle\"}]",
    "p.layerlab: dataset.preparation[1].step: expected one of impute, drop_duplicates, not "
    "“shuffle”" },
  { "[{\"step\": \"impute\", \"how\": \"mode\"}]",
    "p.layerlab: dataset.preparation[0].how: expected one of drop, mean, median, most_frequent, "
    "not “mode”" },
  { "[{\"step\": \"impute\"}]", "p.layerlab: dataset.preparation[0].how: missing" },
  { "[{\"how\": \"mean\"}]", "p.layerlab: dataset.preparation[0].step: missing" },
  { "[{\"step\": 2}]", "p.layerlab: dataset.preparation[0].step: expected a string" },
  { "[\"impute\"]", "p.layerlab: dataset.preparation[0]: expected an object" },
  { "{}", "p.layerlab: dataset.preparation: expected a list" },
};

static void
test_preparation_bad (gconstpointer data)
{
  const prep_case *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = prepared_document ();
  g_autoptr (JsonNode) root = json_from_string (text, NULL);
  g_autofree char *broken = NULL;
  g_autoptr (nn_project) p = NULL;

  json_object_set_member (json_object_get_object_member (json_node_get_object (root), "dataset"),
                          "preparation", json_from_string (c->value, NULL));
  broken = json_to_string (root, FALSE);
  p = nn_project_from_data (broken, strlen (broken), "p.layerlab", &error);
  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_cmpstr (error->message, ==, c->message);
}

static nn_dataset *
open_quality_csv (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("data/csv/quality.csv");
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  nn_dataset *ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  /* the fixture: 7 rows, 2 with a missing value, 2 duplicates */
  g_assert_cmpint (ds->n_samples, ==, 7);
  g_assert_cmpint (ds->quality.rows_with_missing, ==, 2);
  g_assert_cmpint (ds->quality.duplicates, ==, 2);
  return ds;
}

/* Order matters: filling first keeps both rows with a gap, dropping them
 * first leaves fewer samples. */
static void
test_preparation_apply (void)
{
  static const nn_prep_step fill_then_dedup[] = { { NN_PREP_IMPUTE, NN_IMPUTE_MEAN },
                                                  { NN_PREP_DROP_DUPLICATES, 0 } };
  static const nn_prep_step drop_then_dedup[] = { { NN_PREP_IMPUTE, NN_IMPUTE_DROP },
                                                  { NN_PREP_DROP_DUPLICATES, 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (nn_graph_new ());
  nn_dataset *ds = open_quality_csv ();
  g_autofree char *report = NULL;
  g_auto (GStrv) lines = NULL;
  gsize size = nn_dataset_input_size (ds);

  nn_project_set_preparation (p, fill_then_dedup, G_N_ELEMENTS (fill_then_dedup));
  g_assert_true (nn_project_prepare (p, ds, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  g_assert_cmpint (ds->quality.duplicates, ==, 0);
  for (gsize k = 0; k < (gsize) ds->n_samples * size; k++)
    g_assert_false (isnan (ds->f32[k]));
  lines = g_strsplit (report, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "2"));
  g_assert_nonnull (strstr (lines[1], "2"));
  nn_dataset_free (ds);

  ds = open_quality_csv ();
  nn_project_set_preparation (p, drop_then_dedup, G_N_ELEMENTS (drop_then_dedup));
  g_assert_true (nn_project_prepare (p, ds, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 3);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  nn_dataset_free (ds);

  /* no steps: nothing changes, nothing to report */
  ds = open_quality_csv ();
  nn_project_set_preparation (p, NULL, 0);
  g_clear_pointer (&report, g_free);
  g_assert_true (nn_project_prepare (p, ds, &report, &error));
  g_assert_null (report);
  g_assert_cmpint (ds->n_samples, ==, 7);
  nn_dataset_free (ds);
}

/* A step that empties the data is refused, naming it. */
static void
test_preparation_empties (void)
{
  static const nn_prep_step drop[] = { { NN_PREP_IMPUTE, NN_IMPUTE_DROP } };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-prep-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gaps.csv", NULL);
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  nn_dataset *ds;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "a,b,label\n1,,x\n,2,y\n3,,x\n", -1, &error));
  ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (nn_prep_apply (drop, 1, ds, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "gaps.csv"));
  g_assert_nonnull (strstr (error->message, "impute (drop)"));
  nn_dataset_free (ds);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/preparation/round-trip", test_preparation_round_trip);
  g_test_add_func ("/io/project/preparation/apply", test_preparation_apply);
  g_test_add_func ("/io/project/preparation/empties", test_preparation_empties);
  for (gsize i = 0; i < G_N_ELEMENTS (prep_cases); i++)
    {
      g_autofree char *test = g_strdup_printf ("/io/project/preparation/bad/%" G_GSIZE_FORMAT, i);

      g_test_add_data_func (test, &prep_cases[i], test_preparation_bad);
    }
  return g_test_run ();
}
