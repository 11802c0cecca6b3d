/* cli-eval.h — `layerlab-cli eval`; see the command's --help. */
#pragma once

/* Exit codes as in cli-common.h: 0, 1 (one line on stderr), 2 (usage). */
int cli_eval (int argc, char **argv);
