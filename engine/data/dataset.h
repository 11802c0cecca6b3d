/* dataset.h — what a dataset is to the trainer, the window and the CLI.
 *
 * A dataset is N samples held compactly (images as uint8, tables as float,
 * text as token ids), a target per sample (a class index or a vector of
 * regression values), class names, where it came from, and a quality report.
 * Everything is opened from a spec string shared by the window and
 * layerlab-cli:
 *
 *   fashion-mnist                     Debian's dataset-fashion-mnist
 *   spiral circles xor blobs moons    generated 2-D sets (nn_data_options)
 *   words                             language-of-a-word demo (word lists)
 *   idx:IMAGES[:LABELS]               IDX files, plain or gzip
 *   csv:FILE                          CSV or TSV
 *   images:DIR                        one sub-folder of PNGs per class
 *   text:FILE|DIR                     label<TAB>text lines, or one folder/file per class
 *
 * Samples [0, n_train) are the source's own training part and
 * [n_train, n_samples) its own test part (Fashion-MNIST's 10,000); a source
 * without one has n_train == n_samples and the split holds out a test part. */
#pragma once

#include <gio/gio.h>

#include "rng.h"
#include "tensor.h"

G_BEGIN_DECLS

typedef enum
{
  NN_TASK_CLASSIFY, /* target is a class index in [0, n_classes) */
  NN_TASK_REGRESS,  /* target is target_size floats */
} nn_task;

typedef enum
{
  NN_STORE_U8,     /* images: bytes, scaled to [0, 1] when gathered */
  NN_STORE_F32,    /* tables and generated sets: floats, NaN = missing */
  NN_STORE_TOKENS, /* text: gint32 token ids, 0 = padding, 1 = unknown */
} nn_store;

typedef enum
{
  NN_IMPUTE_DROP, /* drop rows with a missing value */
  NN_IMPUTE_MEAN,
  NN_IMPUTE_MEDIAN,
  NN_IMPUTE_MOST_FREQUENT,
} nn_impute;

/* How to open a spec. Zero-initialise, then set what you need; zero fields
 * mean "the default a user would want". */
typedef struct
{
  const char *label; /* csv: label column by name or 1-based number */
  int samples;       /* generated sets: total samples (default 1000) */
  double noise;      /* generated sets: noise level (default 0.1); < 0 means none */
  guint64 seed;      /* generated sets, sampling of words, and limit */
  int limit;         /* keep N samples of each part, spread over it by the seed,
                      * stratified by class, in source order (0 = all) */
  int image_size;    /* images: resize to this square size (0 = most common) */
  gboolean words;    /* text: word tokens instead of characters */
  int vocab_size;    /* text: cap, most frequent first (default 10,000) */
  int max_length;    /* text: tokens per sample (default: longest up to 256) */
} nn_data_options;

typedef struct
{
  char *name;        /* a column or feature name */
  int missing;       /* missing values in it */
  gboolean constant; /* a single value throughout */
} nn_column_report;

/* What is in the data and what is wrong with it. */
typedef struct
{
  int samples;
  int *class_counts; /* [n_classes]; NULL for regression */
  int n_columns;     /* tables: one entry per feature column; else 0 */
  nn_column_report *columns;
  int missing_values; /* cells, over all columns */
  int rows_with_missing;
  int duplicates;  /* samples identical to an earlier one (input and target) */
  int conflicts;   /* identical inputs with different labels */
  char **warnings; /* NULL-terminated; e.g. a skipped unreadable PNG, by name */
} nn_quality;

typedef struct
{
  char *spec;   /* as opened */
  char *name;   /* for people: "Fashion-MNIST", a file's basename */
  char *source; /* where it came from: a path or "generated (seed 0)" */
  nn_task task;
  nn_store store;
  nn_shape input_shape; /* per sample: C×H×W for images, F for tables, T for text */
  int n_samples;
  int n_train;
  int n_classes;        /* classification */
  char **class_names;   /* [n_classes], NULL-terminated */
  int target_size;      /* regression: floats per target; classification: 1 */
  char **feature_names; /* tables: [input size], NULL-terminated; else NULL */
  char **vocab;         /* text: token id → string, NULL-terminated; else NULL */
  int vocab_size;

  /* storage, n_samples × nn_shape_size(input_shape), in the store's type */
  guint8 *u8;
  float *f32;
  gint32 *tokens;
  gint32 *labels; /* classification: [n_samples] */
  float *targets; /* regression: [n_samples × target_size]; NULL when the
                   * target is the input itself (idx: images without labels,
                   * for autoencoders; target_size is then the input size) */

  /* Normalisation applied when gathering floats; per input feature, NULL
   * until nn_dataset_fit_normalisation (images are scaled to [0,1] anyway). */
  float *mean, *inv_std;

  nn_quality quality;

  /* What the loader had to say (a skipped file, rows without a label):
   * NULL-terminated, copied into every recomputed quality report. */
  char **load_warnings;
} nn_dataset;

/* Loads a dataset. `progress` (may be NULL) is called from the calling
 * thread with a fraction in [0, 1]; `cancellable` is checked between chunks,
 * so a window can load off the main thread and cancel. */
typedef void (*nn_progress_func) (double fraction, gpointer user_data);
nn_dataset *nn_dataset_open (const char *spec, const nn_data_options *options,
                             GCancellable *cancellable, nn_progress_func progress,
                             gpointer user_data, GError **error);
void nn_dataset_free (nn_dataset *ds);

/* Recomputes ds->quality after the samples changed (the cleaning functions
 * below call it themselves). */
void nn_dataset_update_quality (nn_dataset *ds);

/* Floats of one gathered input sample (the size of input_shape). */
gsize nn_dataset_input_size (const nn_dataset *ds);

/* Copies samples idx[0..n) into x (n × input size floats, normalised) and
 * their targets into labels (classification) or y (regression, n ×
 * target_size); either output may be NULL. Thread-safe for concurrent readers.
 * Images are scaled to [0, 1]; tokens become their ids as floats (what the
 * Embedding layer reads). A missing value (NaN) that was not imputed becomes
 * 0 here, after normalisation — the feature's mean — as a last guard: NaN
 * never reaches the trainer. */
void nn_dataset_gather (const nn_dataset *ds, const int *idx, int n, float *x, gint32 *labels,
                        float *y);

/* Standardises tables (mean 0, standard deviation 1 per feature) with
 * statistics from these samples only, so nothing leaks from validation or test.
 * Missing values are left out of the statistics; a constant feature keeps its
 * scale. Does nothing for images and tokens. */
void nn_dataset_fit_normalisation (nn_dataset *ds, const int *idx, int n);

/* Cleaning: what changed is returned as a sentence for the user, e.g.
 * "Dropped 12 rows with missing values". Recomputes the quality report.
 * Imputed values come from the source's training part [0, n_train) per
 * column; only tables (NN_STORE_F32) have missing values. Dropping keeps the
 * order of the samples and moves n_train down by what left the training part. */
char *nn_dataset_impute (nn_dataset *ds, nn_impute how);
char *nn_dataset_drop_duplicates (nn_dataset *ds);

/* Random changes to training samples, so a model learns that a mirrored
 * or slightly moved shirt is still a shirt. Zero-initialised means none. */
typedef struct
{
  gboolean flip; /* images: mirror left–right, half of the time */
  int shift;     /* images: move by up to ±shift pixels in x and y, filling with 0 */
  double noise;  /* add Gaussian noise of this standard deviation (not to tokens) */
} nn_augment;

/* Applies a to n samples x gathered by nn_dataset_gather, in place, drawing
 * from rng (one stream per run keeps it reproducible). Flip and shift act
 * on images (a C×H×W input) only. Call it on training batches only; it
 * allocates nothing, and does nothing when a asks for nothing. */
void nn_augment_apply (const nn_dataset *ds, const nn_augment *a, float *x, int n, nn_rng *rng);

/* Index lists into a dataset: training, validation and test. */
typedef struct
{
  int *train, *val, *test;
  int n_train, n_val, n_test;
} nn_split;

/* Stratified for classification, seeded. The test part is the source's own
 * when it has one, else test_fraction of the samples; the validation part is
 * val_fraction of what remains for training. Each part is in ascending order.
 * Fails (NN_ERROR_DATA) when a classifier's data has a single class, and when
 * a part asked for (a fraction > 0) or the training part would be empty. */
gboolean nn_split_make (const nn_dataset *ds, double val_fraction, double test_fraction,
                        guint64 seed, nn_split *split, GError **error);
void nn_split_clear (nn_split *split);

/* The built-in datasets, for the window's list and `layerlab-cli --help`. */
typedef struct
{
  const char *id;          /* the spec: "fashion-mnist" */
  const char *title;       /* N_() */
  const char *description; /* N_() */
  /* FALSE with a sentence saying what to install when the system files are
   * missing; free *why with g_free. */
  gboolean (*available) (char **why);
} nn_builtin_dataset;

const nn_builtin_dataset *nn_builtin_datasets (int *n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_dataset, nn_dataset_free)

G_END_DECLS
