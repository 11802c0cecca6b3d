/* test-png-folder.c — folders of PNG images: every colour type, bit depth
 * and interlacing, grey versus colour, resizing, and damaged files skipped
 * with a warning that names them. */
#include <glib/gstdio.h>

#include "data-test-util.h"
#include "data/dataset-private.h"

static void
test_grey (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("images", "png/grey", NULL, &error);
  gsize per;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 8);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "dark");
  g_assert_cmpint (ds->input_shape.dim[0], ==, 1);
  g_assert_cmpint (ds->input_shape.dim[1], ==, 4);
  g_assert_cmpint (ds->input_shape.dim[2], ==, 4);
  for (char **w = ds->quality.warnings; *w != NULL; w++)
    g_assert_null (strstr (*w, "Skipped"));
  per = nn_dataset_sample_bytes (ds);
  /* every grey depth reaches 8 bits: the corner pixels are black and white */
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpint (ds->u8[per * i], ==, 0);
      g_assert_cmpint (ds->u8[per * i + 15], ==, 255);
    }
  /* grey-alpha8 (light, first): transparent half composited on white */
  g_assert_cmpint (ds->u8[per * 5], ==, 200);
  g_assert_cmpint (ds->u8[per * 5 + 3], ==, 255);
  /* grey16-8x8 was resized to 4×4 and keeps its ramp */
  g_assert_cmpint (ds->u8[per * 6], <, ds->u8[per * 6 + 15]);
}

static void
test_colour (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("images", "png/colour", NULL, &error);
  gsize per;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 11);
  g_assert_cmpint (ds->input_shape.dim[0], ==, 3);
  per = nn_dataset_sample_bytes (ds);
  for (int i = 0; i < ds->n_samples; i++)
    {
      const guint8 *px = ds->u8 + per * i;
      if (ds->labels[i] == 1) /* red: every format gives pure red */
        {
          g_assert_cmpint (px[0], ==, 255);
          g_assert_cmpint (px[16], ==, 0);
          g_assert_cmpint (px[32], ==, 0);
        }
    }
  /* blue/grey-among-colour (first in blue): grey copied into all three */
  g_assert_cmpint (ds->u8[15], ==, ds->u8[16 + 15]);
  /* blue/palette-trns (second): index 0 is transparent, so white */
  g_assert_cmpint (ds->u8[per * 1 + 0], ==, 255);
  g_assert_cmpint (ds->u8[per * 1 + 16], ==, 255);
  /* blue/palette1 (third): index 0 is (0, 0, 255) */
  g_assert_cmpint (ds->u8[per * 2 + 0], ==, 0);
  g_assert_cmpint (ds->u8[per * 2 + 32], ==, 255);
}

static void
test_image_size (void)
{
  nn_data_options o = { .image_size = 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("images", "png/grey", &o, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->input_shape.dim[1], ==, 2);
  g_assert_cmpint (ds->input_shape.dim[2], ==, 2);
}

static void
test_bad_files (void)
{
  static const struct
  {
    const char *name, *expect;
  } cases[] = {
    { "truncated.png", "damaged" },
    { "bad-crc.png", "damaged" },
    { "not-a-png.png", "not a PNG image" },
    { "huge.png", "1000000×1000000" },
    { "empty.png", "is empty" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rel = g_build_filename ("data", "png", "bad", cases[i].name, NULL);
      g_autofree char *path = test_fixture_path (rel);
      g_autoptr (GError) error = NULL;
      nn_png_image img;

      g_assert_false (nn_png_read (path, &img, &error));
      assert_error_mentions (error, cases[i].name, cases[i].expect, "expected", NULL);
    }
}

static void
test_mixed_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = open_fixture ("images", "png/mixed", NULL, &error);
  const char *bad[] = { "truncated.png", "bad-crc.png", "not-a-png.png", "huge.png", "empty.png" };

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 6);
  g_assert_cmpint (ds->quality.class_counts[0], ==, 3);
  for (gsize b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      gboolean named = FALSE;
      for (char **w = ds->quality.warnings; *w != NULL; w++)
        named |= strstr (*w, bad[b]) != NULL;
      g_assert_true (named);
    }
}

static void
test_all_bad (void)
{
  assert_open_fails ("images", "png/allbad", "allbad", "None of the 5 PNG images",
                     "expected valid PNG");
}

static void
test_empty_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-empty-XXXXXX", &error);
  g_autofree char *spec = g_strconcat ("images:", dir, NULL);

  g_assert_no_error (error);
  g_assert_null (nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error));
  assert_error_mentions (error, dir, "no PNG images", "expected one sub-folder", NULL);
  g_rmdir (dir);
  g_clear_error (&error);
  g_assert_null (nn_dataset_open ("images:/nonexistent/folder", NULL, NULL, NULL, NULL, &error));
  assert_error_mentions (error, "/nonexistent/folder", NULL);
}

static void
cancel_halfway (double fraction, gpointer user_data)
{
  if (fraction >= 0.5)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", dir, NULL);

  g_assert_null (nn_dataset_open (spec, NULL, cancellable, cancel_halfway, cancellable, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/png-folder/grey", test_grey);
  g_test_add_func ("/data/png-folder/colour", test_colour);
  g_test_add_func ("/data/png-folder/image-size", test_image_size);
  g_test_add_func ("/data/png-folder/bad-files", test_bad_files);
  g_test_add_func ("/data/png-folder/mixed-folder", test_mixed_folder);
  g_test_add_func ("/data/png-folder/all-bad", test_all_bad);
  g_test_add_func ("/data/png-folder/empty-folder", test_empty_folder);
  g_test_add_func ("/data/png-folder/cancel", test_cancel);
  return g_test_run ();
}
