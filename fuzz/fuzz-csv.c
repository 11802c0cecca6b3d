/* fuzz-csv.c — CSV and TSV tables: the input under both names (the
 * extension decides the delimiter before sniffing), label column found by
 * the loader's own rules. */
#include "fuzz-dataset.h"
#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = { "input.csv", "input.tsv" };
  nn_data_options o = { 0 };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = fuzz_write (names[i], data, size);
      g_autofree char *spec = g_strconcat ("csv:", path, NULL);
      fuzz_open_dataset (spec, &o);
    }
  return 0;
}
