/* dataset.c — opening a dataset from its spec, freeing it, and what every
 * dataset offers the trainer whatever its loader: gathering normalised
 * batches, fitting the normalisation, and splitting into parts. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dataset-private.h"
#include "rng.h"

/* Random streams of a seed used by the data code; the engine's others are
 * 0 weights, 1 shuffling, 2 dropout. */
#define SPLIT_STREAM 7
#define LIMIT_STREAM 8

gboolean
nn_load_check_cancel (const nn_load_ctx *ctx, GError **error)
{
  if (ctx->cancellable != NULL && g_cancellable_is_cancelled (ctx->cancellable))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CANCELLED, _ ("Loading %s was cancelled"), ctx->spec);
      return FALSE;
    }
  return TRUE;
}

void
nn_load_progress (const nn_load_ctx *ctx, double fraction)
{
  if (ctx->progress != NULL)
    ctx->progress (CLAMP (fraction, 0.0, 1.0), ctx->user_data);
}

gboolean
nn_load_check_path (const char *path, gboolean want_dir, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO,
                   want_dir ? _ ("%s does not exist: expected a folder")
                            : _ ("%s does not exist: expected a file"),
                   path);
      return FALSE;
    }
  if (want_dir != g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO,
                   want_dir ? _ ("%s is a file: expected a folder with one sub-folder per class")
                            : _ ("%s is a folder: expected a file"),
                   path);
      return FALSE;
    }
  return TRUE;
}

int
nn_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

GPtrArray *
nn_load_list_folder (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &local);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not open the folder %s: %s"), path,
                   local->message);
      return NULL;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, nn_compare_strings);
  return names;
}

nn_dataset *
nn_dataset_new_empty (const char *spec, const char *name, const char *source)
{
  nn_dataset *ds = g_new0 (nn_dataset, 1);

  ds->spec = g_strdup (spec);
  ds->name = g_strdup (name);
  ds->source = g_strdup (source);
  ds->target_size = 1;
  return ds;
}

gsize
nn_dataset_sample_bytes (const nn_dataset *ds)
{
  gsize n = nn_shape_size (&ds->input_shape);

  switch (ds->store)
    {
      case NN_STORE_U8:
        return n;
      case NN_STORE_F32:
        return n * sizeof (float);
      case NN_STORE_TOKENS:
        return n * sizeof (gint32);
    }
  return n;
}

const void *
nn_dataset_sample_ptr (const nn_dataset *ds, int i)
{
  gsize n = nn_shape_size (&ds->input_shape);

  switch (ds->store)
    {
      case NN_STORE_U8:
        return ds->u8 + (gsize) i * n;
      case NN_STORE_F32:
        return ds->f32 + (gsize) i * n;
      case NN_STORE_TOKENS:
        return ds->tokens + (gsize) i * n;
    }
  return NULL;
}

gboolean
nn_dataset_alloc (nn_dataset *ds, GError **error)
{
  gsize per = nn_dataset_sample_bytes (ds), bytes;
  gpointer store;

  if (per == 0 || ds->n_samples <= 0 || !g_size_checked_mul (&bytes, per, (gsize) ds->n_samples) ||
      (store = g_try_malloc0 (bytes)) == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("%s: %d samples of this size do not fit in memory"), ds->source,
                   ds->n_samples);
      return FALSE;
    }
  switch (ds->store)
    {
      case NN_STORE_U8:
        ds->u8 = store;
        break;
      case NN_STORE_F32:
        ds->f32 = store;
        break;
      case NN_STORE_TOKENS:
        ds->tokens = store;
        break;
    }
  if (ds->task == NN_TASK_CLASSIFY)
    ds->labels = g_new0 (gint32, ds->n_samples);
  else if (ds->target_size > 0)
    ds->targets = g_new0 (float, (gsize) ds->n_samples * ds->target_size);
  return TRUE;
}

void
nn_dataset_keep (nn_dataset *ds, const gboolean *keep)
{
  gsize per = nn_dataset_sample_bytes (ds);
  guint8 *bytes = (guint8 *) nn_dataset_sample_ptr (ds, 0);
  int out = 0, train = 0;

  for (int i = 0; i < ds->n_samples; i++)
    {
      if (!keep[i])
        continue;
      if (out != i)
        {
          memmove (bytes + (gsize) out * per, bytes + (gsize) i * per, per);
          if (ds->labels != NULL)
            ds->labels[out] = ds->labels[i];
          if (ds->targets != NULL)
            memmove (ds->targets + (gsize) out * ds->target_size,
                     ds->targets + (gsize) i * ds->target_size, sizeof (float) * ds->target_size);
        }
      if (i < ds->n_train)
        train++;
      out++;
    }
  ds->n_samples = out;
  ds->n_train = train;
}

static void
quality_clear (nn_quality *q)
{
  g_free (q->class_counts);
  for (int i = 0; i < q->n_columns; i++)
    g_free (q->columns[i].name);
  g_free (q->columns);
  g_strfreev (q->warnings);
  memset (q, 0, sizeof *q);
}

void
nn_dataset_free (nn_dataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->spec);
  g_free (ds->name);
  g_free (ds->source);
  g_strfreev (ds->class_names);
  g_strfreev (ds->feature_names);
  g_strfreev (ds->vocab);
  g_free (ds->u8);
  g_free (ds->f32);
  g_free (ds->tokens);
  g_free (ds->labels);
  g_free (ds->targets);
  g_free (ds->mean);
  g_free (ds->inv_std);
  quality_clear (&ds->quality);
  g_strfreev (ds->load_warnings);
  g_free (ds);
}

/* How many of each class a part of `n` samples keeps when limited to
 * `limit`: in proportion to the class's share (largest remainders), every
 * class present getting at least one while the limit allows, so a sample of
 * sorted data keeps all its classes. */
static void
limit_quotas (const int *counts, int n_classes, int n, int limit, int *quota)
{
  g_autofree double *rest = g_new0 (double, n_classes);
  int given = 0;

  for (int c = 0; c < n_classes; c++)
    {
      double share = (double) limit * counts[c] / n;
      quota[c] = (int) share;
      rest[c] = share - quota[c];
      given += quota[c];
    }
  while (given < limit)
    {
      int best = -1;
      for (int c = 0; c < n_classes; c++)
        {
          if (quota[c] >= counts[c])
            continue;
          /* a class with nothing yet comes before any remainder */
          if (best < 0 || (quota[c] == 0 && quota[best] > 0) ||
              ((quota[c] == 0) == (quota[best] == 0) && rest[c] > rest[best]))
            best = c;
        }
      if (best < 0)
        break;
      quota[best]++;
      rest[best] = -1;
      given++;
    }
}

/* Marks `limit` of the samples [from, to) in keep: a seeded shuffle of the
 * part read front to back, taking a sample while its class (when labels is
 * not NULL) still has room in its quota. */
static void
limit_part (const gint32 *labels, int n_classes, int from, int to, int limit, nn_rng *rng,
            gboolean *keep)
{
  int n = to - from;
  g_autofree int *order = NULL;
  g_autofree int *counts = NULL;
  g_autofree int *quota = NULL;
  gboolean stratify = labels != NULL && n_classes > 0;

  if (n <= limit)
    {
      for (int i = from; i < to; i++)
        keep[i] = TRUE;
      return;
    }
  order = g_new (int, n);
  for (int i = 0; i < n; i++)
    order[i] = from + i;
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) nn_rng_below (rng, (guint32) i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  if (stratify)
    {
      counts = g_new0 (int, n_classes);
      quota = g_new0 (int, n_classes);
      for (int i = from; i < to; i++)
        if (labels[i] >= 0 && labels[i] < n_classes)
          counts[labels[i]]++;
      limit_quotas (counts, n_classes, n, limit, quota);
    }
  for (int k = 0, taken = 0; k < n && taken < limit; k++)
    {
      int i = order[k];
      if (stratify)
        {
          int c = labels[i];
          if (c < 0 || c >= n_classes || quota[c] == 0)
            continue;
          quota[c]--;
        }
      keep[i] = TRUE;
      taken++;
    }
}

gboolean *
nn_limit_choose (const gint32 *labels, int n_classes, int n_samples, int n_train, int limit,
                 guint64 seed)
{
  gboolean *keep;
  nn_rng rng;

  if (limit <= 0 || (n_train <= limit && n_samples - n_train <= limit))
    return NULL;
  keep = g_new0 (gboolean, n_samples);
  nn_rng_seed (&rng, seed, LIMIT_STREAM);
  limit_part (labels, n_classes, 0, n_train, limit, &rng, keep);
  limit_part (labels, n_classes, n_train, n_samples, limit, &rng, keep);
  return keep;
}

/* options->limit, for the loaders that did not apply it themselves. */
static void
apply_limit (nn_dataset *ds, int limit, guint64 seed)
{
  g_autofree gboolean *keep =
    nn_limit_choose (ds->labels, ds->n_classes, ds->n_samples, ds->n_train, limit, seed);

  if (keep != NULL)
    nn_dataset_keep (ds, keep);
}

static const char *const synthetic_kinds[] = { "spiral", "circles", "xor", "blobs", "moons" };

nn_dataset *
nn_dataset_open (const char *spec, const nn_data_options *options, GCancellable *cancellable,
                 nn_progress_func progress, gpointer user_data, GError **error)
{
  nn_load_ctx ctx = {
    .spec = spec, .cancellable = cancellable, .progress = progress, .user_data = user_data
  };
  nn_dataset *ds = NULL;
  const char *colon;

  if (options != NULL)
    ctx.o = *options;
  if (ctx.o.samples <= 0)
    ctx.o.samples = 1000;
  if (ctx.o.noise == 0)
    ctx.o.noise = 0.1;
  else if (ctx.o.noise < 0)
    ctx.o.noise = 0;
  if (ctx.o.vocab_size <= 0)
    ctx.o.vocab_size = 10000;

  if (spec == NULL)
    spec = ctx.spec = "";
  if (!nn_load_check_cancel (&ctx, error))
    return NULL;
  colon = strchr (spec, ':');
  if (colon != NULL && colon[1] != '\0')
    {
      g_autofree char *kind = g_strndup (spec, colon - spec);
      ctx.arg = colon + 1;
      if (strcmp (kind, "idx") == 0)
        ds = nn_load_idx (&ctx, error);
      else if (strcmp (kind, "csv") == 0)
        ds = nn_load_csv (&ctx, error);
      else if (strcmp (kind, "images") == 0)
        ds = nn_load_png_folder (&ctx, error);
      else if (strcmp (kind, "text") == 0)
        ds = nn_load_text (&ctx, error);
      else
        goto unknown;
    }
  else if (strcmp (spec, "fashion-mnist") == 0)
    ds = nn_load_fashion_mnist (&ctx, error);
  else if (strcmp (spec, "words") == 0)
    ds = nn_load_words (&ctx, error);
  else
    {
      gboolean known = FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS (synthetic_kinds) && !known; i++)
        known = strcmp (spec, synthetic_kinds[i]) == 0;
      if (!known)
        goto unknown;
      ds = nn_load_synthetic (&ctx, spec, error);
    }
  if (ds == NULL)
    return NULL;

  apply_limit (ds, ctx.o.limit, ctx.o.seed);
  nn_dataset_update_quality (ds);
  nn_load_progress (&ctx, 1.0);
  return ds;

unknown:
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _ ("“%s” is not a dataset. Use one of: fashion-mnist, spiral, circles, xor, "
                  "blobs, moons, words, idx:IMAGES[:LABELS], csv:FILE, images:DIR, "
                  "text:FILE or text:DIR"),
               spec);
  return NULL;
}

gsize
nn_dataset_input_size (const nn_dataset *ds)
{
  return nn_shape_size (&ds->input_shape);
}

void
nn_dataset_gather (const nn_dataset *ds, const int *idx, int n, float *x, gint32 *labels, float *y)
{
  gsize size = nn_dataset_input_size (ds);

  for (int s = 0; s < n; s++)
    {
      int i = idx[s];
      float *xo = x != NULL ? x + (gsize) s * size : NULL;

      if (xo != NULL)
        switch (ds->store)
          {
            case NN_STORE_U8:
              {
                const guint8 *p = ds->u8 + (gsize) i * size;
                for (gsize k = 0; k < size; k++)
                  xo[k] = p[k] * (1.0f / 255.0f);
              }
              break;
            case NN_STORE_F32:
              {
                const float *p = ds->f32 + (gsize) i * size;
                for (gsize k = 0; k < size; k++)
                  {
                    float v = p[k];
                    if (ds->mean != NULL)
                      v = (v - ds->mean[k]) * ds->inv_std[k];
                    xo[k] = isnan (v) ? 0.0f : v;
                  }
              }
              break;
            case NN_STORE_TOKENS:
              {
                const gint32 *p = ds->tokens + (gsize) i * size;
                for (gsize k = 0; k < size; k++)
                  xo[k] = (float) p[k];
              }
              break;
          }
      if (labels != NULL && ds->labels != NULL)
        labels[s] = ds->labels[i];
      if (y != NULL && ds->task == NN_TASK_REGRESS)
        {
          float *yo = y + (gsize) s * ds->target_size;
          if (ds->targets != NULL)
            memcpy (yo, ds->targets + (gsize) i * ds->target_size,
                    sizeof (float) * ds->target_size);
          else if (xo != NULL)
            memcpy (yo, xo, sizeof (float) * size);
          else
            nn_dataset_gather (ds, &i, 1, yo, NULL, NULL);
        }
    }
}

void
nn_dataset_fit_normalisation (nn_dataset *ds, const int *idx, int n)
{
  gsize size = nn_dataset_input_size (ds);

  if (ds->store != NN_STORE_F32)
    return;
  g_clear_pointer (&ds->mean, g_free);
  g_clear_pointer (&ds->inv_std, g_free);
  ds->mean = g_new0 (float, size);
  ds->inv_std = g_new0 (float, size);
  for (gsize k = 0; k < size; k++)
    {
      double sum = 0, sq = 0, mean, var;
      int count = 0;

      for (int s = 0; s < n; s++)
        {
          float v = ds->f32[(gsize) idx[s] * size + k];
          if (!isnan (v))
            {
              sum += v;
              count++;
            }
        }
      mean = count > 0 ? sum / count : 0;
      for (int s = 0; s < n; s++)
        {
          float v = ds->f32[(gsize) idx[s] * size + k];
          if (!isnan (v))
            sq += (v - mean) * (v - mean);
        }
      var = count > 1 ? sq / count : 0;
      ds->mean[k] = (float) mean;
      ds->inv_std[k] = var > 1e-12 ? (float) (1.0 / sqrt (var)) : 1.0f;
    }
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

static void
shuffle (int *v, int n, nn_rng *rng)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) nn_rng_below (rng, (guint32) i + 1);
      int t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
}

/* Moves round(fraction × count) of each class of pool (or of the whole pool
 * for regression) into *taken, the rest into *left; both come back sorted. */
static void
take_fraction (const nn_dataset *ds, const int *pool, int n, double fraction, nn_rng *rng,
               GArray *taken, GArray *left)
{
  int groups = ds->task == NN_TASK_CLASSIFY ? MAX (ds->n_classes, 1) : 1;
  g_autofree int *members = g_new (int, MAX (n, 1));

  for (int g = 0; g < groups; g++)
    {
      int m = 0, k;

      for (int s = 0; s < n; s++)
        if (groups == 1 || ds->labels[pool[s]] == g)
          members[m++] = pool[s];
      shuffle (members, m, rng);
      k = (int) floor (fraction * m + 0.5);
      g_array_append_vals (taken, members, k);
      g_array_append_vals (left, members + k, m - k);
    }
  g_array_sort (taken, compare_int);
  g_array_sort (left, compare_int);
}

static int *
steal_ints (GArray *a, int *n)
{
  *n = (int) a->len;
  return (int *) g_array_free (a, FALSE);
}

gboolean
nn_split_make (const nn_dataset *ds, double val_fraction, double test_fraction, guint64 seed,
               nn_split *split, GError **error)
{
  g_autofree int *all = NULL;
  g_autofree int *pool = NULL;
  int n_pool = 0;
  GArray *train, *val, *test;
  nn_rng rng;

  memset (split, 0, sizeof *split);
  if (val_fraction < 0 || val_fraction >= 1 || test_fraction < 0 || test_fraction >= 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The validation and test fractions must be between 0 and 1 (got %g and "
                      "%g)"),
                   val_fraction, test_fraction);
      return FALSE;
    }
  if (ds->task == NN_TASK_CLASSIFY)
    {
      int first = -1, distinct = 0;
      g_autofree gboolean *seen = g_new0 (gboolean, MAX (ds->n_classes, 1));

      for (int i = 0; i < ds->n_samples; i++)
        {
          int c = ds->labels[i];
          if (c >= 0 && c < ds->n_classes && !seen[c])
            {
              seen[c] = TRUE;
              distinct++;
              if (first < 0)
                first = c;
            }
        }
      if (distinct < 2)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s has only one class (%s): a classifier needs at least two"),
                       ds->source,
                       first >= 0 && ds->class_names != NULL ? ds->class_names[first] : "—");
          return FALSE;
        }
    }

  nn_rng_seed (&rng, seed, SPLIT_STREAM);
  train = g_array_new (FALSE, FALSE, sizeof (int));
  val = g_array_new (FALSE, FALSE, sizeof (int));
  test = g_array_new (FALSE, FALSE, sizeof (int));
  all = g_new (int, MAX (ds->n_samples, 1));
  for (int i = 0; i < ds->n_samples; i++)
    all[i] = i;

  if (ds->n_train < ds->n_samples)
    {
      g_array_append_vals (test, all + ds->n_train, ds->n_samples - ds->n_train);
      pool = g_memdup2 (all, sizeof (int) * MAX (ds->n_train, 1));
      n_pool = ds->n_train;
    }
  else
    {
      GArray *rest = g_array_new (FALSE, FALSE, sizeof (int));
      take_fraction (ds, all, ds->n_samples, test_fraction, &rng, test, rest);
      pool = steal_ints (rest, &n_pool);
    }
  take_fraction (ds, pool, n_pool, val_fraction, &rng, val, train);

  split->train = steal_ints (train, &split->n_train);
  split->val = steal_ints (val, &split->n_val);
  split->test = steal_ints (test, &split->n_test);
  if (split->n_train == 0 || (val_fraction > 0 && split->n_val == 0) ||
      (test_fraction > 0 && split->n_test == 0))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s has only %d samples: too few for a training part with %d%% held "
                      "out for validation and %d%% for test"),
                   ds->source, ds->n_samples, (int) (val_fraction * 100 + 0.5),
                   (int) (test_fraction * 100 + 0.5));
      nn_split_clear (split);
      return FALSE;
    }
  return TRUE;
}

void
nn_split_clear (nn_split *split)
{
  g_clear_pointer (&split->train, g_free);
  g_clear_pointer (&split->val, g_free);
  g_clear_pointer (&split->test, g_free);
  split->n_train = split->n_val = split->n_test = 0;
}
