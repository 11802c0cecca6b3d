/* fuzz-onnx.c — ONNX models: the importer on the bytes (the describer
 * onnx-test uses too). A model that imports must save and load as a
 * project: an import that yields an unloadable project loses the user's work. */
#include "fuzz-util.h"
#include "io/onnx-import.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) operators = NULL;
  g_auto (GStrv) inputs = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (nn_project) again = NULL;
  g_autofree char *saved = NULL;
  nn_onnx_io io = { 0 };
  gsize length;
  gboolean ok;

  ok = nn_onnx_describe (data, size, "fuzz.onnx", &operators, &inputs, &error);
  fuzz_check_result (ok, error);
  g_clear_error (&error);
  p = nn_onnx_import_data (data, size, "fuzz.onnx", NULL, &io, &error);
  fuzz_check_result (p != NULL, error);
  nn_onnx_io_clear (&io);
  if (p == NULL)
    return 0;
  saved = nn_project_to_data (p, &length);
  again = nn_project_from_data (saved, length, "imported.layerlab", &error);
  if (again == NULL)
    {
      g_printerr ("an imported model does not load after saving: %s\n", error->message);
      __builtin_trap ();
    }
  return 0;
}
