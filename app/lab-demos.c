/* lab-demos.c — see lab-demos.h. Each guide is written for a class: one
 * thing to do, one thing to notice, in words a first-time learner knows. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "data/dataset.h"
#include "lab-demos.h"

static const LabDemo demos[] = {
  { "xor", "tiny-mlp", "xor", N_ ("XOR"),
    N_ ("A small network learns a pattern no straight line can split"),
    N_ ("Press Train. Then set the hidden Dense layers to 2 units, or remove the tanh layers, "
        "and train again."),
    N_ ("The decision boundary bends until opposite corners share a colour. Without the "
        "non-linear tanh layers it stays a straight line and accuracy stops near 50 %."),
    "inside", "boundary" },
  { "spiral", "tiny-mlp", "spiral", N_ ("Spiral"),
    N_ ("Two interleaved spirals: how deep and wide must a network be?"),
    N_ ("Press Train. Then add a third Dense layer with 16 units and a tanh, or try ReLU instead "
        "of tanh, and compare."),
    N_ ("The boundary wraps around the arms one turn at a time; the loss falls in steps. Wider "
        "or deeper models wrap faster."),
    "inside", "boundary" },
  { "fashion", "seed-cnn", "fashion-mnist", N_ ("Fashion-MNIST"),
    N_ ("A convolutional network learns to tell shirts from shoes"),
    N_ ("Press Train and let it run one epoch. Then draw a shoe or a trouser on the draw pad "
        "under Inside › Draw & Predict."),
    N_ ("Early filters react to edges, later ones to whole shapes. Shirts, T-shirts and "
        "pullovers are the pairs it confuses most."),
    "inside", "activations" },
  { "words", "char-lstm", "words", N_ ("Language of a Word"),
    N_ ("An LSTM reads a word letter by letter and guesses its language"),
    N_ ("Press Train. Then replace the LSTM with a GRU or a SimpleRNN and train again."),
    N_ ("Endings such as -ung, -tion or -ción give a language away. The SimpleRNN forgets the "
        "start of long words and scores lower."),
    "training", NULL },
  { "autoencoder", "autoencoder", "fashion-mnist", N_ ("Autoencoder"),
    N_ ("A network squeezes each picture through 64 numbers and rebuilds it"),
    N_ ("Press Train. Then make the middle Dense layer 8 units wide and train again."),
    N_ ("The rebuilt pictures start as grey blurs and gain shape. With a narrower middle they "
        "stay blurrier: fewer numbers, less detail."),
    "training", NULL },
  { "gan", "gan", "fashion-mnist", N_ ("GAN"),
    N_ ("Two networks compete: one draws clothes, the other spots fakes"),
    N_ ("Press Train and watch the generated samples for a few epochs."),
    N_ ("The two losses see-saw instead of falling together. Noise turns into blobs, then "
        "into shapes that look like shoes and shirts."),
    "training", NULL },
};

const LabDemo *
lab_demos (int *n)
{
  *n = G_N_ELEMENTS (demos);
  return demos;
}

const LabDemo *
lab_demo_lookup (const char *id)
{
  for (gsize i = 0; id != NULL && i < G_N_ELEMENTS (demos); i++)
    if (g_str_equal (demos[i].id, id))
      return &demos[i];
  return NULL;
}

char *
lab_demo_ids (void)
{
  GString *ids = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (demos); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "", demos[i].id);
  return g_string_free (ids, FALSE);
}

gboolean
lab_demo_available (const LabDemo *demo, char **why)
{
  int n = 0;
  const nn_builtin_dataset *builtins = nn_builtin_datasets (&n);

  g_return_val_if_fail (demo != NULL, FALSE);
  for (int i = 0; i < n; i++)
    if (g_str_equal (builtins[i].id, demo->data_spec))
      return builtins[i].available (why);
  return TRUE;
}
