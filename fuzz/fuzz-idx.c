/* fuzz-idx.c — IDX files, plain or gzip: the input as an images file
 * alone (an autoencoder's data), and as both images and labels. */
#include "fuzz-dataset.h"
#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write ("input.idx", data, size);
  g_autofree char *alone = g_strconcat ("idx:", path, NULL);
  g_autofree char *paired = g_strconcat ("idx:", path, ":", path, NULL);
  nn_data_options o = { 0 };

  fuzz_open_dataset (alone, &o);
  fuzz_open_dataset (paired, &o);
  return 0;
}
