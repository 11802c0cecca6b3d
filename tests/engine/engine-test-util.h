/* engine-test-util.h — helpers shared by the engine test executables. */
#pragma once

#include <glib.h>

#include "layer.h"

G_BEGIN_DECLS

/* Path of a committed fixture under tests/fixtures/. Free with g_free(). */
char *test_fixture_path (const char *name);

/* Debian's Python, which has python3-torch when it is installed (a
 * python3 earlier on PATH may be another one without it). */
#define TEST_PYTHON "/usr/bin/python3"

/* TRUE when TEST_PYTHON can import torch: the tests that run an exported
 * PyTorch script skip without it. */
gboolean test_have_torch (void);

/* Exports Input (c×h×w) → one layer as want describes it to ONNX, imports
 * the file back and checks that both compute the same outputs (within
 * 1e-6) for a batch of 2; *got receives the imported layer's settings. */
void test_onnx_round_trip_layer (const nn_layer_desc *want, int c, int h, int w,
                                 nn_layer_desc *got);

G_END_DECLS
