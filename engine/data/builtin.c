/* builtin.c — the datasets Layerlab offers without a file: Debian's
 * Fashion-MNIST, the generated 2-D sets and the words demo, and whether the
 * system has what each needs. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dataset.h"
#include "system-data.h"

const char *const nn_fashion_mnist_files[4] = {
  "train-images-idx3-ubyte.gz",
  "train-labels-idx1-ubyte.gz",
  "t10k-images-idx3-ubyte.gz",
  "t10k-labels-idx1-ubyte.gz",
};

static const nn_word_list word_lists[] = {
  { N_ ("English"), "american-english", "wamerican" },
  { N_ ("German"), "ngerman", "wngerman" },
  { N_ ("French"), "french", "wfrench" },
  { N_ ("Spanish"), "spanish", "wspanish" },
  { N_ ("Italian"), "italian", "witalian" },
};

const nn_word_list *
nn_word_lists (int *n)
{
  *n = G_N_ELEMENTS (word_lists);
  return word_lists;
}

static const char *
dir_from_env (const char *variable, const char *fallback)
{
  const char *dir = g_getenv (variable);
  return dir != NULL && *dir != '\0' ? dir : fallback;
}

const char *
nn_fashion_mnist_dir (void)
{
  return dir_from_env ("LAYERLAB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist");
}

const char *
nn_dict_dir (void)
{
  return dir_from_env ("LAYERLAB_DICT_DIR", "/usr/share/dict");
}

static gboolean
fashion_mnist_available (char **why)
{
  for (gsize i = 0; i < G_N_ELEMENTS (nn_fashion_mnist_files); i++)
    {
      g_autofree char *path =
        g_build_filename (nn_fashion_mnist_dir (), nn_fashion_mnist_files[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          if (why != NULL)
            *why = g_strdup_printf (_ ("%s is missing: install the package "
                                       "dataset-fashion-mnist"),
                                    path);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
words_available (char **why)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (word_lists); i++)
    {
      g_autofree char *path = g_build_filename (nn_dict_dir (), word_lists[i].file, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (missing, (gpointer) word_lists[i].package);
    }
  if (missing->len == 0)
    return TRUE;
  if (why != NULL)
    {
      g_ptr_array_add (missing, NULL);
      g_autofree char *list = g_strjoinv (" ", (char **) missing->pdata);
      *why = g_strdup_printf (_ ("Word lists are missing: install the packages %s"), list);
    }
  return FALSE;
}

static gboolean
always_available (char **why)
{
  return TRUE;
}

static const nn_builtin_dataset builtins[] = {
  { "fashion-mnist", N_ ("Fashion-MNIST"),
    N_ ("70,000 greyscale 28×28 photos of clothing in 10 classes"), fashion_mnist_available },
  { "spiral", N_ ("Spiral"), N_ ("Two interleaved spirals: hard for a straight line"),
    always_available },
  { "circles", N_ ("Circles"), N_ ("A ring around a disc: needs a curved boundary"),
    always_available },
  { "xor", N_ ("XOR"), N_ ("Four quadrants, opposite corners alike"), always_available },
  { "blobs", N_ ("Blobs"), N_ ("Gaussian clusters, one per class"), always_available },
  { "moons", N_ ("Moons"), N_ ("Two interlocking half circles"), always_available },
  { "words", N_ ("Language of a word"),
    N_ ("Words in English, German, French, Spanish and Italian: guess the language"),
    words_available },
};

const nn_builtin_dataset *
nn_builtin_datasets (int *n)
{
  *n = G_N_ELEMENTS (builtins);
  return builtins;
}
