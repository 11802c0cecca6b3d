/* cli-onnx-test.h — `layerlab-cli onnx-test`; see the command's --help. */
#pragma once

/* Exit codes as in cli-common.h: 0 when nothing failed, 1 when a test
 * failed (or the folder cannot be read), 2 (usage). */
int cli_onnx_test (int argc, char **argv);
