/* fuzz-text.c — text datasets: the input as a label<TAB>text file, read
 * as characters and as words. */
#include "fuzz-dataset.h"
#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write ("input.txt", data, size);
  g_autofree char *spec = g_strconcat ("text:", path, NULL);
  nn_data_options chars = { 0 }, words = { .words = TRUE };

  fuzz_open_dataset (spec, &chars);
  fuzz_open_dataset (spec, &words);
  return 0;
}
