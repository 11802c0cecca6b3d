/* quality.h — a dataset's summary and quality report for people (text) and
 * programs (JSON): `layerlab-cli inspect` prints these, the window shows the
 * same numbers. */
#pragma once

#include <json-glib/json-glib.h>

#include "dataset.h"

G_BEGIN_DECLS

/* Several lines: name, source, samples and parts, input shape, task and
 * classes with their counts, then the quality report and its warnings.
 * Free with g_free(). */
char *nn_quality_to_text (const nn_dataset *ds);

/* One JSON object with: name, spec, source, task ("classify" or "regress"),
 * samples, n_train, input_shape (array of ints), classes (names),
 * class_counts, target_size, columns ([{name, missing, constant}]),
 * missing_values, rows_with_missing, duplicates, conflicts, warnings.
 * Free with json_node_unref(). */
JsonNode *nn_quality_to_json (const nn_dataset *ds);

G_END_DECLS
