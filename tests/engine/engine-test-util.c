/* engine-test-util.c — helpers shared by the engine test executables. */
#include "engine-test-util.h"

char *
test_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

gboolean
test_have_torch (void)
{
  const char *argv[] = { TEST_PYTHON, "-c", "import torch", NULL };
  int status = -1;

  return g_file_test (TEST_PYTHON, G_FILE_TEST_IS_EXECUTABLE) &&
         g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                       NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}
