/* dataset-private.h — what the loaders in engine/data share with each other
 * and with the tests: the loading context, a dataset under construction, the
 * IDX and PNG readers, and keeping a subset of the samples. Not for the
 * window or the CLI: they use dataset.h. */
#pragma once

#include "dataset.h"
#include "error.h"

G_BEGIN_DECLS

/* Largest PNG side and pixel count accepted: checked from the header before
 * anything is allocated. */
#define NN_PNG_MAX_SIDE   16384
#define NN_PNG_MAX_PIXELS (64 * 1024 * 1024)

/* One nn_dataset_open() call: the spec, the part after "kind:", the options
 * with defaults filled in, and how to report progress and notice a cancel. */
typedef struct
{
  const char *spec;
  const char *arg;
  nn_data_options o;
  GCancellable *cancellable;
  nn_progress_func progress;
  gpointer user_data;
} nn_load_ctx;

/* FALSE with the error set when the user cancelled. */
gboolean nn_load_check_cancel (const nn_load_ctx *ctx, GError **error);
void nn_load_progress (const nn_load_ctx *ctx, double fraction);

/* FALSE with an error naming path when it does not exist, or is not a
 * folder (want_dir) or not a file (!want_dir). */
gboolean nn_load_check_path (const char *path, gboolean want_dir, GError **error);

/* Sorted names (byte order, so classes come out the same in every locale)
 * of a folder's entries, hidden ones left out; free with g_ptr_array_unref. */
GPtrArray *nn_load_list_folder (const char *path, GError **error);
/* strcmp for g_ptr_array_sort on arrays of strings. */
int nn_compare_strings (gconstpointer a, gconstpointer b);

/* A dataset with spec, name and source set and nothing else. */
nn_dataset *nn_dataset_new_empty (const char *spec, const char *name, const char *source);
/* Allocates the store and the targets for ds->n_samples samples of
 * ds->input_shape (store, task, target_size set before); zero-filled. */
gboolean nn_dataset_alloc (nn_dataset *ds, GError **error);
/* Keeps the samples whose keep[i] is TRUE, in order; n_train follows. */
void nn_dataset_keep (nn_dataset *ds, const gboolean *keep);
/* options->limit: which samples to keep so that each part (training
 * [0, n_train), test [n_train, n_samples)) has at most `limit`, spread over
 * the part by a seeded shuffle and, given labels, stratified by class (every
 * class present while the limit allows). NULL when nothing need go; else
 * free with g_free. nn_dataset_open applies it after loading; a loader that
 * knows its labels before decoding (PNG folders) applies it first, so it
 * decodes only what is kept, and the same samples come out either way. */
gboolean *nn_limit_choose (const gint32 *labels, int n_classes, int n_samples, int n_train,
                           int limit, guint64 seed);
/* Bytes of one stored input sample. */
gsize nn_dataset_sample_bytes (const nn_dataset *ds);
const void *nn_dataset_sample_ptr (const nn_dataset *ds, int i);

/* The loaders, one per spec kind. */
nn_dataset *nn_load_fashion_mnist (const nn_load_ctx *ctx, GError **error);
nn_dataset *nn_load_idx (const nn_load_ctx *ctx, GError **error);
nn_dataset *nn_load_synthetic (const nn_load_ctx *ctx, const char *kind, GError **error);
nn_dataset *nn_load_words (const nn_load_ctx *ctx, GError **error);
nn_dataset *nn_load_csv (const nn_load_ctx *ctx, GError **error);
nn_dataset *nn_load_png_folder (const nn_load_ctx *ctx, GError **error);
nn_dataset *nn_load_text (const nn_load_ctx *ctx, GError **error);

/* IDX element types, as in the file's third byte. */
typedef enum
{
  NN_IDX_U8 = 0x08,
  NN_IDX_I8 = 0x09,
  NN_IDX_I16 = 0x0B,
  NN_IDX_I32 = 0x0C,
  NN_IDX_F32 = 0x0D,
  NN_IDX_F64 = 0x0E,
} nn_idx_type;

/* One IDX file, plain or gzip, read whole: data holds dims[0] × … elements
 * in the file's byte order (big-endian). The header is validated against
 * the file's real length before the payload is allocated. */
typedef struct
{
  nn_idx_type type;
  int n_dims;
  guint32 dims[NN_MAX_DIMS];
  gsize n_elements;
  guint8 *data;
} nn_idx_file;

gboolean nn_idx_read (const char *path, const nn_load_ctx *ctx, double progress_from,
                      double progress_to, nn_idx_file *out, GError **error);
void nn_idx_file_clear (nn_idx_file *f);
/* Element i of the file as a double. */
double nn_idx_value (const nn_idx_file *f, gsize i);

/* One PNG decoded to 8-bit grey (channels 1) or RGB (channels 3), alpha
 * composited on white; `grey` says whether the file itself was grey. */
typedef struct
{
  int width, height, channels;
  gboolean grey;
  guint8 *pixels; /* height × width × channels, interleaved */
} nn_png_image;

/* Reads only the header: size and whether the image is grey. */
gboolean nn_png_read_info (const char *path, int *width, int *height, gboolean *grey,
                           GError **error);
gboolean nn_png_read (const char *path, nn_png_image *img, GError **error);
void nn_png_image_clear (nn_png_image *img);

/* Character (words == FALSE) or word tokens of a UTF-8 string, as newly
 * allocated strings in a GPtrArray that frees them. Words are lower-cased. */
GPtrArray *nn_text_tokenize (const char *text, gboolean words);
/* Builds ds->vocab (0 padding, 1 unknown, then the most frequent tokens of
 * samples [0, n_vocab_from), ties in string order, capped at vocab_size) and
 * fills ds->tokens, max_length per sample, padded with 0. */
void nn_text_encode (nn_dataset *ds, GPtrArray *const *token_lists, int n_vocab_from,
                     int vocab_size, int max_length);

G_END_DECLS
