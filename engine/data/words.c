/* words.c — the language-of-a-word demo: words sampled from the system's
 * English, German, French, Spanish and Italian word lists, as character
 * tokens, with a stratified test part of 20 %. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dataset-private.h"
#include "rng.h"
#include "system-data.h"

#define WORDS_PER_LANGUAGE 8000
#define MIN_LETTERS        2
#define MAX_LETTERS        16
#define WORDS_STREAM       6

/* Lower-case letters only (the language's accented ones too), 2 to 16 of
 * them: proper nouns, abbreviations and possessives say nothing about a
 * language that the letters themselves do not. */
static gboolean
usable_word (const char *w)
{
  int n = 0;

  for (const char *p = w; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isalpha (c) || !g_unichar_islower (c))
        return FALSE;
      n++;
    }
  return n >= MIN_LETTERS && n <= MAX_LETTERS;
}

/* Up to WORDS_PER_LANGUAGE usable words of one list, chosen by rng. */
static GPtrArray *
sample_words (const char *path, nn_rng *rng, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) usable = g_ptr_array_new ();
  GPtrArray *chosen;
  char *line, *next;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not read the word list %s: %s"), path,
                   local->message);
      return NULL;
    }
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (g_utf8_validate (line, -1, NULL) && usable_word (line))
        g_ptr_array_add (usable, line);
    }
  /* A partial Fisher–Yates shuffle: the first k are a uniform sample. */
  chosen = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < usable->len && i < WORDS_PER_LANGUAGE; i++)
    {
      guint j = i + nn_rng_below (rng, usable->len - i);
      gpointer t = usable->pdata[i];
      usable->pdata[i] = usable->pdata[j];
      usable->pdata[j] = t;
      g_ptr_array_add (chosen, g_strdup (usable->pdata[i]));
    }
  return chosen;
}

nn_dataset *
nn_load_words (const nn_load_ctx *ctx, GError **error)
{
  int n_lists, n_builtins, n_train = 0, n_all = 0;
  const nn_word_list *lists = nn_word_lists (&n_lists);
  const nn_builtin_dataset *builtins = nn_builtin_datasets (&n_builtins);
  g_autoptr (GPtrArray) per_language =
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) tokens =
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *why = NULL;
  nn_rng rng;

  for (int b = 0; b < n_builtins; b++)
    if (strcmp (builtins[b].id, "words") == 0 && !builtins[b].available (&why))
      {
        g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, why);
        return NULL;
      }

  nn_rng_seed (&rng, ctx->o.seed, WORDS_STREAM);
  for (int l = 0; l < n_lists; l++)
    {
      g_autofree char *path = g_build_filename (nn_dict_dir (), lists[l].file, NULL);
      GPtrArray *words;

      if (!nn_load_check_cancel (ctx, error))
        return NULL;
      nn_load_progress (ctx, 0.8 * l / n_lists);
      words = sample_words (path, &rng, error);
      if (words == NULL)
        return NULL;
      if (words->len < 10)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("The word list %s has only %u usable words: expected thousands of "
                          "lower-case words, one per line"),
                       path, words->len);
          g_ptr_array_unref (words);
          return NULL;
        }
      g_ptr_array_add (per_language, words);
      n_train += (int) words->len - (int) (words->len / 5);
      n_all += (int) words->len;
    }

  ds = nn_dataset_new_empty (ctx->spec, _ ("Language of a word"), nn_dict_dir ());
  ds->task = NN_TASK_CLASSIFY;
  ds->store = NN_STORE_TOKENS;
  ds->input_shape = nn_shape_1d (MAX_LETTERS);
  ds->n_samples = n_all;
  ds->n_train = n_train;
  if (!nn_dataset_alloc (ds, error))
    return NULL;
  ds->n_classes = n_lists;
  ds->class_names = g_new0 (char *, n_lists + 1);
  for (int l = 0; l < n_lists; l++)
    ds->class_names[l] = g_strdup (_ (lists[l].name));

  /* The training words of every language first, then the test words: the
   * last fifth of each language's sample is its test part. */
  for (int part = 0; part < 2; part++)
    for (int l = 0; l < n_lists; l++)
      {
        GPtrArray *words = per_language->pdata[l];
        guint cut = words->len - words->len / 5;
        for (guint i = part == 0 ? 0 : cut; i < (part == 0 ? cut : words->len); i++)
          {
            ds->labels[tokens->len] = l;
            g_ptr_array_add (tokens, nn_text_tokenize (words->pdata[i], FALSE));
          }
      }
  nn_text_encode (ds, (GPtrArray *const *) tokens->pdata, ds->n_train, ctx->o.vocab_size,
                  MAX_LETTERS);
  return g_steal_pointer (&ds);
}
