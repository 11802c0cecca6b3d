/* fuzz-project.c — project files (.layerlab JSON). A document that loads
 * must save and load again: what Layerlab accepts it can also write. */
#include "fuzz-util.h"
#include "io/project.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p =
    nn_project_from_data ((const char *) data, size, "fuzz.layerlab", &error);
  g_autoptr (nn_project) again = NULL;
  g_autofree char *saved = NULL;
  gsize length;

  fuzz_check_result (p != NULL, error);
  if (p == NULL)
    return 0;
  saved = nn_project_to_data (p, &length);
  again = nn_project_from_data (saved, length, "saved.layerlab", &error);
  if (again == NULL)
    {
      g_printerr ("a loaded project does not load after saving: %s\n", error->message);
      __builtin_trap ();
    }
  return 0;
}
