/* csv.c — tables in CSV or TSV (RFC 4180 quoting, CRLF, a UTF-8 BOM): a
 * header when there is one, a label column, numeric features with missing
 * values as NaN, and a classification or regression target. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset-private.h"

#define CHECK_EVERY 4096
/* Whole-number targets with at most this many values are classes. */
#define MAX_NUMERIC_CLASSES 20

typedef struct
{
  GPtrArray *rows; /* of GPtrArray of char * */
  GArray *lines;   /* int: the line each row starts on */
} csv_table;

static void
csv_table_clear (csv_table *t)
{
  g_clear_pointer (&t->rows, g_ptr_array_unref);
  g_clear_pointer (&t->lines, g_array_unref);
}

static gboolean
is_missing (const char *s)
{
  return s[0] == '\0' || g_ascii_strcasecmp (s, "NA") == 0 || g_ascii_strcasecmp (s, "N/A") == 0 ||
         g_ascii_strcasecmp (s, "NaN") == 0 || strcmp (s, "?") == 0 ||
         g_ascii_strcasecmp (s, "null") == 0;
}

static gboolean
parse_number (const char *s, double *out)
{
  char *end;

  if (s[0] == '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return *end == '\0' && end != s && !isnan (*out);
}

static char
sniff_delimiter (const char *path, const char *data, gsize length)
{
  int tabs = 0, commas = 0, semicolons = 0;
  gboolean quoted = FALSE;

  if (g_str_has_suffix (path, ".tsv") || g_str_has_suffix (path, ".tab") ||
      g_str_has_suffix (path, ".TSV") || g_str_has_suffix (path, ".TAB"))
    return '\t';
  for (gsize i = 0; i < length && (quoted || data[i] != '\n'); i++)
    {
      if (data[i] == '"')
        quoted = !quoted;
      else if (!quoted)
        {
          tabs += data[i] == '\t';
          commas += data[i] == ',';
          semicolons += data[i] == ';';
        }
    }
  if (tabs > 0 && tabs >= commas && tabs >= semicolons)
    return '\t';
  if (semicolons > commas)
    return ';';
  return ',';
}

static gboolean
parse_csv (const nn_load_ctx *ctx, const char *path, const char *data, gsize len, char delim,
           csv_table *t, GError **error)
{
  g_autoptr (GString) field = g_string_new (NULL);
  gsize i = 0;
  int line = 1;

  while (i < len)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
      int row_line = line;
      gboolean any_quoted = FALSE;

      if (t->rows->len % CHECK_EVERY == 0)
        {
          nn_load_progress (ctx, 0.7 * i / len);
          if (!nn_load_check_cancel (ctx, error))
            {
              g_ptr_array_unref (row);
              return FALSE;
            }
        }
      for (;;)
        {
          gboolean quoted = i < len && data[i] == '"';

          g_string_truncate (field, 0);
          if (quoted)
            {
              int open_line = line, column = (int) row->len + 1;
              any_quoted = TRUE;
              i++;
              for (;;)
                {
                  if (i >= len)
                    {
                      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                                   _ ("%s, line %d, column %d: the quote opened here is never "
                                      "closed: expected a closing \""),
                                   path, open_line, column);
                      g_ptr_array_unref (row);
                      return FALSE;
                    }
                  if (data[i] == '"')
                    {
                      if (i + 1 < len && data[i + 1] == '"')
                        {
                          g_string_append_c (field, '"');
                          i += 2;
                          continue;
                        }
                      i++;
                      break;
                    }
                  line += data[i] == '\n';
                  g_string_append_c (field, data[i++]);
                }
              while (i < len && data[i] == ' ')
                i++;
              g_ptr_array_add (row, g_strdup (field->str));
            }
          else
            {
              while (i < len && data[i] != delim && data[i] != '\n' && data[i] != '\r')
                g_string_append_c (field, data[i++]);
              g_ptr_array_add (row, g_strstrip (g_strdup (field->str)));
            }
          if (i < len && data[i] == delim)
            {
              i++;
              continue;
            }
          if (i < len && data[i] == '\r')
            i++;
          if (i < len && data[i] == '\n')
            {
              i++;
              line++;
            }
          else if (i < len && data[i - 1] != '\r')
            {
              g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                           _ ("%s, line %d, column %d: expected a separator after the closing "
                              "quote, found “%.*s”"),
                           path, line, (int) row->len,
                           /* the whole character: the text is UTF-8, a lone byte of it is not */
                           (int) MIN ((gsize) g_utf8_skip[(guchar) data[i]], len - i), data + i);
              g_ptr_array_unref (row);
              return FALSE;
            }
          else if (i < len)
            line++; /* a lone carriage return ends a line too */
          break;
        }
      if (row->len == 1 && !any_quoted && ((char *) row->pdata[0])[0] == '\0')
        g_ptr_array_unref (row);
      else
        {
          g_ptr_array_add (t->rows, row);
          g_array_append_val (t->lines, row_line);
        }
    }
  return TRUE;
}

/* A first row is a header when it is all words, or when a column holds a
 * word there and a number below it. */
static gboolean
has_header (const csv_table *t)
{
  GPtrArray *first = t->rows->pdata[0], *second = t->rows->len > 1 ? t->rows->pdata[1] : NULL;
  gboolean all_words = TRUE;
  double v;

  for (guint c = 0; c < first->len; c++)
    {
      const char *s = first->pdata[c];
      gboolean word = !is_missing (s) && !parse_number (s, &v);
      all_words &= word;
      if (word && second != NULL && c < second->len && parse_number (second->pdata[c], &v))
        return TRUE;
    }
  return all_words;
}

static int
label_column (const nn_load_ctx *ctx, const char *path, char **names, int n_cols, GError **error)
{
  const char *want = ctx->o.label;
  static const char *const usual[] = { "label", "class", "target", "y" };
  char *end;
  long number;

  if (want == NULL || want[0] == '\0')
    {
      for (gsize u = 0; u < G_N_ELEMENTS (usual); u++)
        for (int c = 0; c < n_cols; c++)
          if (g_ascii_strcasecmp (names[c], usual[u]) == 0)
            return c;
      return n_cols - 1;
    }
  for (int c = 0; c < n_cols; c++)
    if (strcmp (names[c], want) == 0)
      return c;
  number = strtol (want, &end, 10);
  if (*end == '\0' && number >= 1 && number <= n_cols)
    return (int) number - 1;
  {
    g_autofree char *list = g_strjoinv (", ", names);
    g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                 _ ("%s has no column “%s”: expected a column name (%s) or a number from 1 to "
                    "%d"),
                 path, want, list, n_cols);
  }
  return -1;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sets the task, class names and targets from the label column. */
static void
fill_targets (nn_dataset *ds, char **labels)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) distinct = g_ptr_array_new ();
  gboolean numeric = TRUE, whole = TRUE;
  double v = 0;

  for (int i = 0; i < ds->n_samples; i++)
    {
      if (!parse_number (labels[i], &v))
        numeric = FALSE;
      else if (v != floor (v) || fabs (v) > 1e9)
        whole = FALSE;
      if (g_hash_table_add (seen, labels[i]))
        g_ptr_array_add (distinct, labels[i]);
    }
  if (numeric && (!whole || distinct->len > MAX_NUMERIC_CLASSES))
    {
      ds->task = NN_TASK_REGRESS;
      ds->target_size = 1;
      ds->targets = g_new (float, ds->n_samples);
      for (int i = 0; i < ds->n_samples; i++)
        {
          parse_number (labels[i], &v);
          ds->targets[i] = (float) v;
        }
      return;
    }

  ds->task = NN_TASK_CLASSIFY;
  ds->n_classes = (int) distinct->len;
  ds->class_names = g_new0 (char *, distinct->len + 1);
  if (numeric)
    {
      g_autofree double *values = g_new (double, distinct->len);
      for (guint c = 0; c < distinct->len; c++)
        parse_number (distinct->pdata[c], &values[c]);
      guint n_values = 0;
      qsort (values, distinct->len, sizeof (double), compare_doubles);
      /* "1" and "1.0" are one class. */
      for (guint c = 0; c < distinct->len; c++)
        if (n_values == 0 || values[c] != values[n_values - 1])
          values[n_values++] = values[c];
      ds->n_classes = (int) n_values;
      for (guint c = 0; c < n_values; c++)
        ds->class_names[c] = g_strdup_printf ("%g", values[c]);
      ds->labels = g_new (gint32, ds->n_samples);
      for (int i = 0; i < ds->n_samples; i++)
        {
          parse_number (labels[i], &v);
          for (guint c = 0; c < n_values; c++)
            if (values[c] == v)
              ds->labels[i] = (gint32) c;
        }
      return;
    }
  g_ptr_array_sort (distinct, nn_compare_strings);
  g_hash_table_remove_all (seen);
  {
    g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint c = 0; c < distinct->len; c++)
      {
        ds->class_names[c] = g_strdup (distinct->pdata[c]);
        g_hash_table_insert (ids, distinct->pdata[c], GINT_TO_POINTER (c));
      }
    ds->labels = g_new (gint32, ds->n_samples);
    for (int i = 0; i < ds->n_samples; i++)
      ds->labels[i] = GPOINTER_TO_INT (g_hash_table_lookup (ids, labels[i]));
  }
}

static gboolean
check_text (const char *path, const char *data, gsize length, GError **error)
{
  const char *end;

  if (memchr (data, '\0', length) == NULL && g_utf8_validate (data, length, &end))
    return TRUE;
  if (memchr (data, '\0', length) != NULL)
    end = memchr (data, '\0', length);
  g_set_error (error, NN_ERROR, NN_ERROR_DATA,
               _ ("%s is not a text file: byte %zu is binary data, expected CSV text in UTF-8"),
               path, (gsize) (end - data) + 1);
  return FALSE;
}

nn_dataset *
nn_load_csv (const nn_load_ctx *ctx, GError **error)
{
  const char *path = ctx->arg;
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char **names = NULL;
  g_autofree char **labels = NULL;
  csv_table t = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref),
                  g_array_new (FALSE, FALSE, sizeof (int)) };
  const char *data;
  gsize length;
  int n_cols = 0, label, first_row, n_rows, skipped = 0, first_skipped = 0;
  gboolean header = FALSE;

  if (!nn_load_check_path (path, FALSE, error))
    goto fail;
  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not read %s: %s"), path, local->message);
      goto fail;
    }
  data = contents;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (!check_text (path, data, length, error) ||
      !parse_csv (ctx, path, data, length, sniff_delimiter (path, data, length), &t, error))
    goto fail;
  if (t.rows->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is empty: expected a header line and rows of values"), path);
      goto fail;
    }

  n_cols = (int) ((GPtrArray *) t.rows->pdata[0])->len;
  for (guint r = 1; r < t.rows->len; r++)
    if ((int) ((GPtrArray *) t.rows->pdata[r])->len != n_cols)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                     _ ("%s, line %d: expected %d fields as on the first line, found %d"), path,
                     g_array_index (t.lines, int, r), n_cols,
                     (int) ((GPtrArray *) t.rows->pdata[r])->len);
        goto fail;
      }
  if (n_cols < 2)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s has a single column: expected at least one feature column and a label "
                      "column, separated by commas or tabs"),
                   path);
      goto fail;
    }
  header = has_header (&t);
  first_row = header ? 1 : 0;
  if ((int) t.rows->len <= first_row)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s has a header but no rows: expected rows of values after it"), path);
      goto fail;
    }
  names = g_new0 (char *, n_cols + 1);
  for (int c = 0; c < n_cols; c++)
    names[c] = header ? ((GPtrArray *) t.rows->pdata[0])->pdata[c]
                      : g_strdup_printf (_ ("column %d"), c + 1);
  label = label_column (ctx, path, names, n_cols, error);
  if (label < 0)
    goto fail;

  n_rows = (int) t.rows->len - first_row;
  ds = nn_dataset_new_empty (ctx->spec, base, path);
  ds->task = NN_TASK_REGRESS;
  ds->target_size = 0; /* targets are set by fill_targets */
  ds->store = NN_STORE_F32;
  ds->input_shape = nn_shape_1d (n_cols - 1);
  ds->n_samples = n_rows;
  if (!nn_dataset_alloc (ds, error))
    goto fail;
  ds->feature_names = g_new0 (char *, n_cols);
  for (int c = 0, k = 0; c < n_cols; c++)
    if (c != label)
      ds->feature_names[k++] = g_strdup (names[c]);

  labels = g_new0 (char *, n_rows + 1);
  ds->n_samples = 0;
  for (int r = first_row; r < (int) t.rows->len; r++)
    {
      GPtrArray *row = t.rows->pdata[r];
      float *x = ds->f32 + (gsize) ds->n_samples * (n_cols - 1);
      int line = g_array_index (t.lines, int, r);

      if (is_missing (row->pdata[label]))
        {
          if (skipped++ == 0)
            first_skipped = line;
          continue;
        }
      for (int c = 0, k = 0; c < n_cols; c++)
        {
          const char *s = row->pdata[c];
          double v;

          if (c == label)
            continue;
          if (is_missing (s))
            x[k++] = NAN;
          else if (parse_number (s, &v))
            x[k++] = (float) v;
          else
            {
              g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                           _ ("%s, line %d, column %d (“%s”): expected a number, found “%s”"), path,
                           line, c + 1, names[c], s);
              goto fail;
            }
        }
      labels[ds->n_samples++] = row->pdata[label];
    }
  if (ds->n_samples == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: no row has a value in the label column “%s”"), path, names[label]);
      goto fail;
    }
  ds->n_train = ds->n_samples;
  fill_targets (ds, labels);
  if (skipped > 0)
    {
      ds->load_warnings = g_new0 (char *, 2);
      ds->load_warnings[0] = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "Skipped %d row without a label (line %d)",
                     "Skipped %d rows without a label (the first on line %d)", skipped),
        skipped, first_skipped);
    }
  if (!header)
    for (int c = 0; c < n_cols; c++)
      g_free (names[c]);
  csv_table_clear (&t);
  return g_steal_pointer (&ds);

fail:
  if (names != NULL && !header)
    for (int c = 0; c < n_cols; c++)
      g_free (names[c]);
  csv_table_clear (&t);
  return NULL;
}
