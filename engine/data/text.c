/* text.c — labelled text: a file of label<TAB>text lines, or a folder with
 * one sub-folder (a file per sample) or one file (a line per sample) per
 * class; and the tokens and vocabulary shared with the words demo. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dataset-private.h"

#define DEFAULT_MAX_LENGTH 256
#define CHECK_EVERY        1024

GPtrArray *
nn_text_tokenize (const char *text, gboolean words)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);

  if (!words)
    {
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        g_ptr_array_add (tokens, g_strndup (p, g_utf8_next_char (p) - p));
      return tokens;
    }
  {
    g_autofree char *lower = g_utf8_strdown (text, -1);
    const char *start = NULL;

    /* Runs of letters and digits are words; other visible characters
     * (punctuation) are tokens of their own; white space separates. */
    for (const char *p = lower;; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);
        gboolean alnum = c != 0 && g_unichar_isalnum (c);

        if (alnum && start == NULL)
          start = p;
        if (!alnum && start != NULL)
          {
            g_ptr_array_add (tokens, g_strndup (start, p - start));
            start = NULL;
          }
        if (c == 0)
          break;
        if (!alnum && !g_unichar_isspace (c) && g_unichar_isgraph (c))
          g_ptr_array_add (tokens, g_strndup (p, g_utf8_next_char (p) - p));
      }
  }
  return tokens;
}

typedef struct
{
  const char *token;
  int count;
} token_count;

static int
compare_counts (gconstpointer a, gconstpointer b)
{
  const token_count *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->token, y->token);
}

void
nn_text_encode (nn_dataset *ds, GPtrArray *const *token_lists, int n_vocab_from, int vocab_size,
                int max_length)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (token_count));
  GHashTableIter iter;
  gpointer key, value;
  int n_vocab;

  for (int i = 0; i < n_vocab_from; i++)
    for (guint t = 0; t < token_lists[i]->len; t++)
      {
        const char *tok = token_lists[i]->pdata[t];
        g_hash_table_insert (
          counts, (gpointer) tok,
          GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (counts, tok)) + 1));
      }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_array_append_val (sorted, ((token_count){ key, GPOINTER_TO_INT (value) }));
  g_array_sort (sorted, compare_counts);

  n_vocab = MIN ((int) sorted->len + 2, MAX (vocab_size, 2));
  g_strfreev (ds->vocab);
  ds->vocab = g_new0 (char *, n_vocab + 1);
  ds->vocab[0] = g_strdup ("<pad>");
  ds->vocab[1] = g_strdup ("<unk>");
  for (int v = 2; v < n_vocab; v++)
    {
      ds->vocab[v] = g_strdup (g_array_index (sorted, token_count, v - 2).token);
      g_hash_table_insert (ids, ds->vocab[v], GINT_TO_POINTER (v));
    }
  ds->vocab_size = n_vocab;

  for (int i = 0; i < ds->n_samples; i++)
    {
      gint32 *out = ds->tokens + (gsize) i * max_length;
      for (guint t = 0; t < token_lists[i]->len && (int) t < max_length; t++)
        {
          int id = GPOINTER_TO_INT (g_hash_table_lookup (ids, token_lists[i]->pdata[t]));
          out[t] = id > 0 ? id : 1;
        }
    }
}

/* The samples of one load: their tokens and class names as read. */
typedef struct
{
  GPtrArray *tokens;  /* of GPtrArray of token strings */
  GPtrArray *classes; /* of char *, one per sample */
} text_samples;

static void
text_samples_clear (text_samples *s)
{
  g_clear_pointer (&s->tokens, g_ptr_array_unref);
  g_clear_pointer (&s->classes, g_ptr_array_unref);
}

/* Validates UTF-8, naming the line and byte of the first bad one. */
static gboolean
check_utf8 (const char *path, const char *data, gsize length, GError **error)
{
  const char *end;
  int line = 1;

  if (g_utf8_validate (data, length, &end))
    return TRUE;
  for (const char *p = data; p < end; p++)
    line += *p == '\n';
  g_set_error (error, NN_ERROR, NN_ERROR_DATA,
               _ ("%s, line %d: byte %zu is not valid UTF-8: expected text in UTF-8"), path, line,
               (gsize) (end - data) + 1);
  return FALSE;
}

static gboolean
read_text_file (const char *path, char **contents, gsize *length, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, contents, length, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not read %s: %s"), path, local->message);
      return FALSE;
    }
  if (!check_utf8 (path, *contents, *length, error))
    {
      g_clear_pointer (contents, g_free);
      return FALSE;
    }
  return TRUE;
}

static const char *
skip_bom (const char *s)
{
  return g_str_has_prefix (s, "\xEF\xBB\xBF") ? s + 3 : s;
}

/* Each non-empty line a sample: label<TAB>text, or only text of class
 * `fixed_class` when that is given. */
static gboolean
read_lines (const nn_load_ctx *ctx, const char *path, const char *fixed_class, text_samples *s,
            GError **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  gsize length;
  int before = (int) s->tokens->len;

  if (!read_text_file (path, &contents, &length, error))
    return FALSE;
  lines = g_strsplit (skip_bom (contents), "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i], *tab, *text;
      gsize n = strlen (line);

      if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
      if (line[0] == '\0')
        continue;
      if (i % CHECK_EVERY == 0 && !nn_load_check_cancel (ctx, error))
        return FALSE;
      tab = fixed_class == NULL ? strchr (line, '\t') : NULL;
      if (fixed_class == NULL && (tab == NULL || tab == line))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s, line %d has no label: expected a label, a tab, then the text"), path,
                       i + 1);
          return FALSE;
        }
      text = tab != NULL ? tab + 1 : line;
      if (*text == '\0')
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s, line %d has a label but no text: expected text after the tab"), path,
                       i + 1);
          return FALSE;
        }
      g_ptr_array_add (s->tokens, nn_text_tokenize (text, ctx->o.words));
      g_ptr_array_add (s->classes,
                       fixed_class != NULL ? g_strdup (fixed_class) : g_strndup (line, tab - line));
    }
  if ((int) s->tokens->len == before)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   fixed_class == NULL
                     ? _ ("%s is empty: expected lines of a label, a tab, then the text")
                     : _ ("%s is empty: expected one sample of text per line"),
                   path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_folder (const nn_load_ctx *ctx, const char *path, text_samples *s, GError **error)
{
  g_autoptr (GPtrArray) entries = nn_load_list_folder (path, error);

  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *entry = entries->pdata[e];
      g_autofree char *full = g_build_filename (path, entry, NULL);

      nn_load_progress (ctx, 0.8 * e / entries->len);
      if (!nn_load_check_cancel (ctx, error))
        return FALSE;
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GPtrArray) files = nn_load_list_folder (full, error);
          if (files == NULL)
            return FALSE;
          for (guint f = 0; f < files->len; f++)
            {
              g_autofree char *file = g_build_filename (full, files->pdata[f], NULL);
              g_autofree char *contents = NULL;
              g_autofree char *stripped = NULL;
              gsize length;

              if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
                continue;
              if (!read_text_file (file, &contents, &length, error))
                return FALSE;
              stripped = g_strstrip (g_strdup (skip_bom (contents)));
              if (stripped[0] == '\0')
                continue;
              g_ptr_array_add (s->tokens, nn_text_tokenize (stripped, ctx->o.words));
              g_ptr_array_add (s->classes, g_strdup (entry));
            }
        }
      else if (g_file_test (full, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *name = g_strdup (entry);
          char *dot = strrchr (name, '.');
          if (dot != NULL && dot != name)
            *dot = '\0';
          if (!read_lines (ctx, full, name, s, error))
            return FALSE;
        }
    }
  if (s->tokens->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s holds no text: expected one sub-folder of text files, or one file of "
                      "lines, per class"),
                   path);
      return FALSE;
    }
  return TRUE;
}

nn_dataset *
nn_load_text (const nn_load_ctx *ctx, GError **error)
{
  text_samples s = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref),
                     g_ptr_array_new_with_free_func (g_free) };
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (GHashTable) class_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *base = g_path_get_basename (ctx->arg);
  int longest = 1, max_length;
  gboolean ok;

  if (!g_file_test (ctx->arg, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO,
                   _ ("%s does not exist: expected a file of label<TAB>text lines or a folder "
                      "with one sub-folder or file per class"),
                   ctx->arg);
      ok = FALSE;
    }
  else if (g_file_test (ctx->arg, G_FILE_TEST_IS_DIR))
    ok = read_folder (ctx, ctx->arg, &s, error);
  else
    ok = read_lines (ctx, ctx->arg, NULL, &s, error);
  if (!ok)
    {
      text_samples_clear (&s);
      return NULL;
    }

  for (guint i = 0; i < s.classes->len; i++)
    if (!g_hash_table_contains (class_ids, s.classes->pdata[i]))
      {
        g_hash_table_add (class_ids, s.classes->pdata[i]);
        g_ptr_array_add (names, s.classes->pdata[i]);
      }
  g_ptr_array_sort (names, nn_compare_strings);
  for (guint c = 0; c < names->len; c++)
    g_hash_table_insert (class_ids, names->pdata[c], GINT_TO_POINTER (c));
  for (guint i = 0; i < s.tokens->len; i++)
    longest = MAX (longest, (int) ((GPtrArray *) s.tokens->pdata[i])->len);
  max_length = ctx->o.max_length > 0 ? ctx->o.max_length : MIN (longest, DEFAULT_MAX_LENGTH);

  ds = nn_dataset_new_empty (ctx->spec, base, ctx->arg);
  ds->task = NN_TASK_CLASSIFY;
  ds->store = NN_STORE_TOKENS;
  ds->input_shape = nn_shape_1d (max_length);
  ds->n_samples = ds->n_train = (int) s.tokens->len;
  if (nn_dataset_alloc (ds, error))
    {
      ds->n_classes = (int) names->len;
      ds->class_names = g_new0 (char *, names->len + 1);
      for (guint c = 0; c < names->len; c++)
        ds->class_names[c] = g_strdup (names->pdata[c]);
      for (guint i = 0; i < s.classes->len; i++)
        ds->labels[i] = GPOINTER_TO_INT (g_hash_table_lookup (class_ids, s.classes->pdata[i]));
      nn_text_encode (ds, (GPtrArray *const *) s.tokens->pdata, ds->n_samples, ctx->o.vocab_size,
                      max_length);
    }
  else
    g_clear_pointer (&ds, nn_dataset_free);
  text_samples_clear (&s);
  return g_steal_pointer (&ds);
}
