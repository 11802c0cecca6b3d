/* system-data.h — where the built-in demos find Debian's data packages.
 *
 * Fashion-MNIST comes from dataset-fashion-mnist, the words demo from the
 * word lists of wamerican, wngerman, wfrench, wspanish and witalian. Tests
 * and users with the files elsewhere point LAYERLAB_FASHION_MNIST_DIR and
 * LAYERLAB_DICT_DIR at other folders. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The folder holding train-images-idx3-ubyte.gz and its three siblings. */
const char *nn_fashion_mnist_dir (void);
/* The folder holding the word lists (american-english, ngerman ...). */
const char *nn_dict_dir (void);

/* The languages of the words demo: class name, word-list file, package. */
typedef struct
{
  const char *name;    /* N_(): "English" */
  const char *file;    /* in nn_dict_dir(): "american-english" */
  const char *package; /* "wamerican" */
} nn_word_list;

const nn_word_list *nn_word_lists (int *n);

/* The Fashion-MNIST files, in the order train images, train labels, test
 * images, test labels. */
extern const char *const nn_fashion_mnist_files[4];

G_END_DECLS
