/* test-idx.c — IDX files: every element type, gzip, channels-last images,
 * feature rows, and every kind of damaged file. */
#include <math.h>

#include "data-test-util.h"

static void
test_u8 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds =
    open_fixture ("idx", "idx/u8-images.idx:idx/u8-labels.idx", NULL, &error);
  int idx[] = { 1 };
  float x[4];
  gint32 label;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 3);
  g_assert_cmpint (ds->n_train, ==, 3);
  g_assert_cmpint (ds->store, ==, NN_STORE_U8);
  g_assert_cmpint (ds->input_shape.rank, ==, 3);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 1);
  g_assert_cmpint (ds->input_shape.dim[1], ==, 2);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[2], ==, "2");
  nn_dataset_gather (ds, idx, 1, x, &label, NULL);
  g_assert_cmpint (label, ==, 0);
  g_assert_cmpfloat_with_epsilon (x[2], 12.0f / 255.0f, 1e-6);
}

static void
test_element_types (void)
{
  static const struct
  {
    const char *file;
    float first, last;
  } cases[] = {
    { "idx/i8.idx:idx/two-labels.idx", -1, 100 },
    { "idx/i16.idx:idx/two-labels.idx", -300, 30000 },
    { "idx/i32.idx:idx/two-labels.idx", -100000, 10000000 },
    { "idx/f32.idx:idx/two-labels.idx", -1.5f, 100 },
    { "idx/f64.idx:idx/two-labels.idx", -1.5f, 100 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_dataset) ds = open_fixture ("idx", cases[i].file, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (ds->store, ==, NN_STORE_F32);
      g_assert_cmpint (ds->n_samples, ==, 2);
      g_assert_cmpfloat (ds->f32[0], ==, cases[i].first);
      g_assert_cmpfloat (ds->f32[7], ==, cases[i].last);
      g_assert_cmpint (ds->labels[1], ==, 1);
    }
}

static void
test_gzip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) plain =
    open_fixture ("idx", "idx/u8-images.idx:idx/u8-labels.idx", NULL, &error);
  g_autoptr (nn_dataset) gz =
    open_fixture ("idx", "idx/images.idx.gz:idx/labels.idx.gz", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gz->n_samples, ==, plain->n_samples);
  g_assert_cmpmem (gz->u8, 12, plain->u8, 12);
  g_assert_cmpmem (gz->labels, 3 * sizeof (gint32), plain->labels, 3 * sizeof (gint32));
}

static void
test_channels_last (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("idx", "idx/nhwc.idx", NULL, &error);
  static const guint8 planes[] = { 1, 4, 2, 5, 3, 6 };

  g_assert_no_error (error);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 3);
  g_assert_cmpint (ds->input_shape.dim[1], ==, 1);
  g_assert_cmpint (ds->input_shape.dim[2], ==, 2);
  g_assert_cmpmem (ds->u8, 6, planes, 6);
}

static void
test_rows_without_labels (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("idx", "idx/rows.idx", NULL, &error);
  int idx[] = { 2 };
  float x[4], y[4];

  g_assert_no_error (error);
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESS);
  g_assert_cmpint (ds->input_shape.rank, ==, 1);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 4);
  g_assert_cmpint (ds->target_size, ==, 4);
  g_assert_cmpstr (ds->feature_names[3], ==, "feature 4");
  nn_dataset_gather (ds, idx, 1, x, NULL, y);
  g_assert_cmpfloat (x[0], ==, 8);
  g_assert_cmpmem (x, sizeof x, y, sizeof y);
  g_assert_cmpint (ds->quality.n_columns, ==, 4);
}

static void
test_i32_labels (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds =
    open_fixture ("idx", "idx/u8-images.idx:idx/i32-labels.idx", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpint (ds->quality.class_counts[1], ==, 2);
}

static void
test_bad_files (void)
{
  assert_open_fails ("idx", "idx/empty.idx", "empty.idx", "is empty", "expected an IDX file");
  assert_open_fails ("idx", "idx/truncated.idx", "truncated.idx", "truncated", "12 bytes",
                     "holds 5");
  assert_open_fails ("idx", "idx/bad-magic.idx", "bad-magic.idx", "not an IDX file", "expected");
  assert_open_fails ("idx", "idx/bad-type.idx", "bad-type.idx", "0x07", "expected 0x08");
  assert_open_fails ("idx", "idx/overflow.idx", "overflow.idx", "overflows");
  assert_open_fails ("idx", "idx/lying-size.idx", "lying-size.idx", "47040000 bytes", "holds 10");
  assert_open_fails ("idx", "idx/lying-size.idx.gz", "lying-size.idx.gz", "47040000 bytes",
                     "holds 10");
  assert_open_fails ("idx", "idx/corrupt.idx.gz", "corrupt.idx.gz", "not a valid gzip file");
  assert_open_fails ("idx", "idx/truncated.idx.gz", "truncated.idx.gz", "expected");
  assert_open_fails ("idx", "idx/no-such-file.idx", "no-such-file.idx");
}

static void
test_label_count_mismatch (void)
{
  assert_open_fails ("idx", "idx/u8-images.idx:idx/two-labels.idx", "two-labels.idx",
                     "u8-images.idx", "2 labels", "3 images", "one label per image");
}

static void
test_labels_not_labels (void)
{
  assert_open_fails ("idx", "idx/u8-images.idx:idx/f32.idx", "f32.idx", "not a labels file",
                     "whole numbers");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/idx/u8", test_u8);
  g_test_add_func ("/data/idx/element-types", test_element_types);
  g_test_add_func ("/data/idx/gzip", test_gzip);
  g_test_add_func ("/data/idx/channels-last", test_channels_last);
  g_test_add_func ("/data/idx/rows-without-labels", test_rows_without_labels);
  g_test_add_func ("/data/idx/i32-labels", test_i32_labels);
  g_test_add_func ("/data/idx/bad-files", test_bad_files);
  g_test_add_func ("/data/idx/label-count-mismatch", test_label_count_mismatch);
  g_test_add_func ("/data/idx/labels-not-labels", test_labels_not_labels);
  return g_test_run ();
}
