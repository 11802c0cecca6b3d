/* engine-test-util.c — helpers shared by the engine test executables. */
#include "engine-test-util.h"

char *
test_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}
