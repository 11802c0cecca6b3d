/* engine-test-util.h — helpers shared by the engine test executables. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a committed fixture under tests/fixtures/. Free with g_free(). */
char *test_fixture_path (const char *name);

/* Debian's Python, which has python3-torch when it is installed (a
 * python3 earlier on PATH may be another one without it). */
#define TEST_PYTHON "/usr/bin/python3"

/* TRUE when TEST_PYTHON can import torch: the tests that run an exported
 * PyTorch script skip without it. */
gboolean test_have_torch (void);

G_END_DECLS
