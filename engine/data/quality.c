/* quality.c — what is in a dataset and what is wrong with it (missing
 * values, constant columns, duplicates, conflicting labels, class balance),
 * the two cleanings that act on it, and the report as text and JSON. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dataset-private.h"
#include "quality.h"

/* A sample as a hash key: its stored input, and with_target its target
 * too; the hash is computed once per sample, the bytes compared on a match. */
typedef struct
{
  const nn_dataset *ds;
  int index;
  gboolean with_target;
  guint hash;
} sample_key;

static gsize
target_bytes (const nn_dataset *ds)
{
  if (ds->labels != NULL)
    return sizeof (gint32);
  return ds->targets != NULL ? sizeof (float) * ds->target_size : 0;
}

static const void *
target_ptr (const nn_dataset *ds, int i)
{
  if (ds->labels != NULL)
    return ds->labels + i;
  return ds->targets != NULL ? ds->targets + (gsize) i * ds->target_size : NULL;
}

/* Eight bytes at a time: hashing 70,000 images must not be what a user
 * waits for. */
static guint64
hash_bytes (guint64 h, const guint8 *p, gsize n)
{
  gsize k = 0;

  for (; k + 8 <= n; k += 8)
    {
      guint64 w;
      memcpy (&w, p + k, 8);
      h = (h ^ w) * 0x100000001b3ULL;
      h ^= h >> 29;
    }
  for (; k < n; k++)
    h = (h ^ p[k]) * 0x100000001b3ULL;
  return h;
}

static guint
sample_hash (gconstpointer key)
{
  return ((const sample_key *) key)->hash;
}

static gboolean
sample_equal (gconstpointer a, gconstpointer b)
{
  const sample_key *x = a, *y = b;
  const nn_dataset *ds = x->ds;

  if (x->hash != y->hash ||
      memcmp (nn_dataset_sample_ptr (ds, x->index), nn_dataset_sample_ptr (ds, y->index),
              nn_dataset_sample_bytes (ds)) != 0)
    return FALSE;
  return !x->with_target || target_bytes (ds) == 0 ||
         memcmp (target_ptr (ds, x->index), target_ptr (ds, y->index), target_bytes (ds)) == 0;
}

/* duplicate[i]: sample i equals an earlier one, input and target;
 * conflict[i]: its input equals an earlier one's with another target. */
static void
find_duplicates (const nn_dataset *ds, gboolean *duplicate, gboolean *conflict)
{
  g_autofree sample_key *full = g_new (sample_key, MAX (ds->n_samples, 1));
  g_autofree sample_key *input = g_new (sample_key, MAX (ds->n_samples, 1));
  g_autoptr (GHashTable) by_full = g_hash_table_new (sample_hash, sample_equal);
  g_autoptr (GHashTable) by_input = g_hash_table_new (sample_hash, sample_equal);
  gsize bytes = nn_dataset_sample_bytes (ds);

  for (int i = 0; i < ds->n_samples; i++)
    {
      guint64 h = hash_bytes (0xcbf29ce484222325ULL, nn_dataset_sample_ptr (ds, i), bytes);

      input[i] = (sample_key){ ds, i, FALSE, (guint) (h ^ (h >> 32)) };
      if (target_bytes (ds) > 0)
        h = hash_bytes (h, target_ptr (ds, i), target_bytes (ds));
      full[i] = (sample_key){ ds, i, TRUE, (guint) (h ^ (h >> 32)) };
      duplicate[i] = conflict[i] = FALSE;
      if (!g_hash_table_add (by_full, &full[i]))
        duplicate[i] = TRUE;
      else if (!g_hash_table_add (by_input, &input[i]))
        conflict[i] = TRUE;
    }
}

static void
add_column_reports (nn_dataset *ds, GPtrArray *warnings)
{
  nn_quality *q = &ds->quality;
  gsize size = nn_dataset_input_size (ds);

  q->n_columns = (int) size;
  q->columns = g_new0 (nn_column_report, size);
  for (gsize k = 0; k < size; k++)
    {
      nn_column_report *c = &q->columns[k];
      gboolean have = FALSE;
      float first = 0;

      c->name = g_strdup (ds->feature_names != NULL ? ds->feature_names[k] : "");
      c->constant = TRUE;
      for (int i = 0; i < ds->n_samples; i++)
        {
          float v = ds->f32[(gsize) i * size + k];
          if (isnan (v))
            c->missing++;
          else if (!have)
            {
              have = TRUE;
              first = v;
            }
          else if (v != first)
            c->constant = FALSE;
        }
      q->missing_values += c->missing;
      if (c->missing > 0)
        g_ptr_array_add (
          warnings,
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Column “%s” has %d missing value",
                                        "Column “%s” has %d missing values", c->missing),
                           c->name, c->missing));
      if (c->constant && ds->n_samples > 1)
        g_ptr_array_add (warnings, g_strdup_printf (_ ("Column “%s” has a single value "
                                                       "throughout: it cannot help a model"),
                                                    c->name));
    }
  for (int i = 0; i < ds->n_samples; i++)
    for (gsize k = 0; k < size; k++)
      if (isnan (ds->f32[(gsize) i * size + k]))
        {
          q->rows_with_missing++;
          break;
        }
}

void
nn_dataset_update_quality (nn_dataset *ds)
{
  nn_quality *q = &ds->quality;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new ();
  g_autofree gboolean *duplicate = g_new (gboolean, MAX (ds->n_samples, 1));
  g_autofree gboolean *conflict = g_new (gboolean, MAX (ds->n_samples, 1));

  g_free (q->class_counts);
  for (int i = 0; i < q->n_columns; i++)
    g_free (q->columns[i].name);
  g_free (q->columns);
  g_strfreev (q->warnings);
  memset (q, 0, sizeof *q);

  for (char **w = ds->load_warnings; w != NULL && *w != NULL; w++)
    g_ptr_array_add (warnings, g_strdup (*w));
  q->samples = ds->n_samples;

  if (ds->task == NN_TASK_CLASSIFY && ds->n_classes > 0)
    {
      int smallest = G_MAXINT, largest = 0;

      q->class_counts = g_new0 (int, ds->n_classes);
      for (int i = 0; i < ds->n_samples; i++)
        if (ds->labels[i] >= 0 && ds->labels[i] < ds->n_classes)
          q->class_counts[ds->labels[i]]++;
      for (int c = 0; c < ds->n_classes; c++)
        {
          if (q->class_counts[c] == 0)
            g_ptr_array_add (warnings,
                             g_strdup_printf (_ ("Class “%s” has no samples"), ds->class_names[c]));
          smallest = MIN (smallest, q->class_counts[c]);
          largest = MAX (largest, q->class_counts[c]);
        }
      if (smallest > 0 && smallest * 10 < largest)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_ ("The classes are unbalanced: the smallest has %d "
                                             "samples, the largest %d"),
                                          smallest, largest));
    }

  if (ds->store == NN_STORE_F32 && ds->n_samples > 0)
    add_column_reports (ds, warnings);

  find_duplicates (ds, duplicate, conflict);
  for (int i = 0; i < ds->n_samples; i++)
    {
      q->duplicates += duplicate[i];
      q->conflicts += conflict[i];
    }
  if (q->duplicates > 0)
    g_ptr_array_add (
      warnings,
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d sample is a duplicate of an earlier one",
                                    "%d samples are duplicates of earlier ones", q->duplicates),
                       q->duplicates));
  if (q->conflicts > 0)
    g_ptr_array_add (warnings,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "%d sample has the input of an earlier one "
                                                   "but another target",
                                                   "%d samples have the input of an earlier one "
                                                   "but another target",
                                                   q->conflicts),
                                      q->conflicts));
  g_ptr_array_add (warnings, NULL);
  q->warnings = (char **) g_ptr_array_free (g_steal_pointer (&warnings), FALSE);
}

static int
compare_float (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* The fill value of column k from the training part's present values. */
static float
fill_value (const nn_dataset *ds, gsize k, nn_impute how)
{
  gsize size = nn_dataset_input_size (ds);
  int n_from = ds->n_train > 0 ? ds->n_train : ds->n_samples;
  g_autofree float *v = g_new (float, MAX (n_from, 1));
  int n = 0;
  double sum = 0;

  for (int i = 0; i < n_from; i++)
    {
      float x = ds->f32[(gsize) i * size + k];
      if (!isnan (x))
        {
          v[n++] = x;
          sum += x;
        }
    }
  if (n == 0)
    return 0.0f;
  if (how == NN_IMPUTE_MEAN)
    return (float) (sum / n);
  qsort (v, n, sizeof (float), compare_float);
  if (how == NN_IMPUTE_MEDIAN)
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  {
    float best = v[0];
    int best_run = 0;
    for (int i = 0; i < n;)
      {
        int j = i;
        while (j < n && v[j] == v[i])
          j++;
        if (j - i > best_run)
          {
            best_run = j - i;
            best = v[i];
          }
        i = j;
      }
    return best;
  }
}

char *
nn_dataset_impute (nn_dataset *ds, nn_impute how)
{
  gsize size = nn_dataset_input_size (ds);
  int changed = 0;
  char *sentence;

  if (ds->store != NN_STORE_F32)
    return g_strdup (_ ("Nothing to fill: only tables have missing values"));
  if (how == NN_IMPUTE_DROP)
    {
      g_autofree gboolean *keep = g_new (gboolean, MAX (ds->n_samples, 1));
      for (int i = 0; i < ds->n_samples; i++)
        {
          keep[i] = TRUE;
          for (gsize k = 0; k < size && keep[i]; k++)
            keep[i] = !isnan (ds->f32[(gsize) i * size + k]);
          changed += !keep[i];
        }
      nn_dataset_keep (ds, keep);
      sentence =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Dropped %d row with missing values",
                                      "Dropped %d rows with missing values", changed),
                         changed);
    }
  else
    {
      for (gsize k = 0; k < size; k++)
        {
          float fill = fill_value (ds, k, how);
          for (int i = 0; i < ds->n_samples; i++)
            if (isnan (ds->f32[(gsize) i * size + k]))
              {
                ds->f32[(gsize) i * size + k] = fill;
                changed++;
              }
        }
      sentence = g_strdup_printf (
        how == NN_IMPUTE_MEAN
          ? g_dngettext (GETTEXT_PACKAGE, "Filled %d missing value with its column’s mean",
                         "Filled %d missing values with their column’s mean", changed)
        : how == NN_IMPUTE_MEDIAN
          ? g_dngettext (GETTEXT_PACKAGE, "Filled %d missing value with its column’s median",
                         "Filled %d missing values with their column’s "
                         "median",
                         changed)
          : g_dngettext (GETTEXT_PACKAGE,
                         "Filled %d missing value with its column’s most "
                         "frequent value",
                         "Filled %d missing values with their column’s "
                         "most frequent value",
                         changed),
        changed);
    }
  nn_dataset_update_quality (ds);
  return sentence;
}

char *
nn_dataset_drop_duplicates (nn_dataset *ds)
{
  g_autofree gboolean *duplicate = g_new (gboolean, MAX (ds->n_samples, 1));
  g_autofree gboolean *conflict = g_new (gboolean, MAX (ds->n_samples, 1));
  int dropped = 0;

  find_duplicates (ds, duplicate, conflict);
  for (int i = 0; i < ds->n_samples; i++)
    {
      dropped += duplicate[i];
      duplicate[i] = !duplicate[i];
    }
  nn_dataset_keep (ds, duplicate);
  nn_dataset_update_quality (ds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Dropped %d duplicate sample",
                                       "Dropped %d duplicate samples", dropped),
                          dropped);
}

static const char *
task_id (const nn_dataset *ds)
{
  return ds->task == NN_TASK_CLASSIFY ? "classify" : "regress";
}

char *
nn_quality_to_text (const nn_dataset *ds)
{
  const nn_quality *q = &ds->quality;
  GString *s = g_string_new (NULL);
  g_autofree char *shape = nn_shape_to_string (&ds->input_shape);

  g_string_append_printf (s, _ ("Dataset: %s\n"), ds->name);
  g_string_append_printf (s, _ ("Source: %s\n"), ds->source);
  g_string_append_printf (s, _ ("Samples: %d (%d training, %d test)\n"), ds->n_samples, ds->n_train,
                          ds->n_samples - ds->n_train);
  g_string_append_printf (s, _ ("Input shape: %s\n"), shape);
  if (ds->task == NN_TASK_CLASSIFY)
    {
      g_string_append_printf (s, _ ("Task: classification into %d classes\n"), ds->n_classes);
      for (int c = 0; c < ds->n_classes; c++)
        g_string_append_printf (s, "  %-20s %d\n", ds->class_names[c],
                                q->class_counts != NULL ? q->class_counts[c] : 0);
    }
  else
    g_string_append_printf (s, _ ("Task: regression of %d values\n"), ds->target_size);
  if (ds->vocab != NULL)
    g_string_append_printf (s, _ ("Vocabulary: %d tokens\n"), ds->vocab_size);
  if (q->n_columns > 0)
    {
      g_string_append (s, _ ("Columns:\n"));
      for (int k = 0; k < q->n_columns; k++)
        g_string_append_printf (s, _ ("  %-20s %d missing%s\n"), q->columns[k].name,
                                q->columns[k].missing,
                                q->columns[k].constant ? _ (", constant") : "");
    }
  if (ds->store == NN_STORE_F32)
    g_string_append_printf (s, _ ("Missing values: %d (in %d rows)\n"), q->missing_values,
                            q->rows_with_missing);
  g_string_append_printf (s, _ ("Duplicates: %d\n"), q->duplicates);
  g_string_append_printf (s, _ ("Conflicting labels: %d\n"), q->conflicts);
  if (q->warnings != NULL && q->warnings[0] != NULL)
    {
      g_string_append (s, _ ("Warnings:\n"));
      for (char **w = q->warnings; *w != NULL; w++)
        g_string_append_printf (s, "  • %s\n", *w);
    }
  return g_string_free (s, FALSE);
}

JsonNode *
nn_quality_to_json (const nn_dataset *ds)
{
  const nn_quality *q = &ds->quality;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ds->name);
  json_builder_set_member_name (b, "spec");
  json_builder_add_string_value (b, ds->spec);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, ds->source);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, task_id (ds));
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, ds->n_samples);
  json_builder_set_member_name (b, "n_train");
  json_builder_add_int_value (b, ds->n_train);
  json_builder_set_member_name (b, "input_shape");
  json_builder_begin_array (b);
  for (int i = 0; i < ds->input_shape.rank; i++)
    json_builder_add_int_value (b, ds->input_shape.dim[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < ds->n_classes && ds->class_names != NULL; c++)
    json_builder_add_string_value (b, ds->class_names[c]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "class_counts");
  json_builder_begin_array (b);
  for (int c = 0; c < ds->n_classes && q->class_counts != NULL; c++)
    json_builder_add_int_value (b, q->class_counts[c]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "target_size");
  json_builder_add_int_value (b, ds->target_size);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (int k = 0; k < q->n_columns; k++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, q->columns[k].name);
      json_builder_set_member_name (b, "missing");
      json_builder_add_int_value (b, q->columns[k].missing);
      json_builder_set_member_name (b, "constant");
      json_builder_add_boolean_value (b, q->columns[k].constant);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "missing_values");
  json_builder_add_int_value (b, q->missing_values);
  json_builder_set_member_name (b, "rows_with_missing");
  json_builder_add_int_value (b, q->rows_with_missing);
  json_builder_set_member_name (b, "duplicates");
  json_builder_add_int_value (b, q->duplicates);
  json_builder_set_member_name (b, "conflicts");
  json_builder_add_int_value (b, q->conflicts);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (char **w = q->warnings; w != NULL && *w != NULL; w++)
    json_builder_add_string_value (b, *w);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
