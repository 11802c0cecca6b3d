/* fuzz-dataset.h — opening a dataset spec from a fuzz target and using
 * what comes back the way the trainer would, so a loader that returns an
 * inconsistent dataset (a store shorter than its shape says, a label out
 * of range) is caught here rather than in a training run. */
#pragma once

#include "data/dataset.h"

G_BEGIN_DECLS

/* Opens spec with options, checks the result (fuzz_check_result), gathers
 * a few samples and frees everything. */
void fuzz_open_dataset (const char *spec, const nn_data_options *options);

G_END_DECLS
