/* engine-test-util.h — helpers shared by the engine test executables. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a committed fixture under tests/fixtures/. Free with g_free(). */
char *test_fixture_path (const char *name);

G_END_DECLS
