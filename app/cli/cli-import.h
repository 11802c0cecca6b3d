/* cli-import.h — `layerlab-cli import`; see the command's --help. */
#pragma once

/* Exit codes as in cli-common.h: 0, 1 (one line on stderr), 2 (usage). */
int cli_import (int argc, char **argv);
