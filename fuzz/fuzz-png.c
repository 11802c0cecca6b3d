/* fuzz-png.c — PNG images: the header reader and the decoder on the
 * input, then a folder of images (two classes holding it) through the
 * dataset loader, which resamples and skips what it cannot read. */
#include "data/dataset-private.h"
#include "fuzz-dataset.h"
#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write ("one/a/input.png", data, size);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *root = g_path_get_dirname (folder);
  g_autofree char *spec = g_strconcat ("images:", root, NULL);
  g_autoptr (GError) error = NULL;
  nn_png_image img = { 0 };
  nn_data_options o = { 0 };
  int width, height;
  gboolean grey, ok;

  /* The second class holds the same bytes: a folder loader needs two classes. */
  g_free (fuzz_write ("one/b/input.png", data, size));
  ok = nn_png_read_info (path, &width, &height, &grey, &error);
  fuzz_check_result (ok, error);
  g_clear_error (&error);
  ok = nn_png_read (path, &img, &error);
  fuzz_check_result (ok, error);
  if (ok && (img.width < 1 || img.height < 1 || (img.channels != 1 && img.channels != 3) ||
             img.pixels == NULL))
    {
      g_printerr ("decoded an impossible image: %d×%d×%d\n", img.width, img.height, img.channels);
      __builtin_trap ();
    }
  nn_png_image_clear (&img);
  fuzz_open_dataset (spec, &o);
  return 0;
}
