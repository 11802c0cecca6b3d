/* fuzz-util.h — what every fuzz target shares: a private scratch folder
 * for the loaders that read files, and the checks every loader owes its
 * caller whatever the bytes (a failure sets an error; a message is UTF-8).
 *
 * A target defines LLVMFuzzerTestOneInput, writes the input with
 * fuzz_write() and hands the path to the loader; fuzz_check_result()
 * traps, so libFuzzer records the input, when the contract is broken. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Writes data to name inside the scratch folder (sub-folders are created)
 * and returns the full path; aborts when the scratch folder is unusable,
 * which is the machine's fault, not the input's. */
char *fuzz_write (const char *name, const uint8_t *data, size_t size);
/* The scratch folder, created on first use and removed at exit. */
const char *fuzz_dir (void);

/* ok is what the loader returned; a failure must come with an NN_ERROR whose
 * message is valid UTF-8 (the window shows it), success without one. */
void fuzz_check_result (gboolean ok, const GError *error);

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

G_END_DECLS
