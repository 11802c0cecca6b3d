/* cli-inspect.h — `layerlab-cli inspect --data SPEC [--label COL]
 * [--limit N] [--json]`: what is in a dataset and what is wrong with it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "inspect". Prints the summary and quality report as text, or
 * with --json one JSON object (see nn_quality_to_json in data/quality.h).
 * Returns 0, 1 on a failure (one line on stderr) or 2 on a usage error. */
int cli_inspect (int argc, char **argv);

G_END_DECLS
