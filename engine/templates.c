/* templates.c — the built-in models, each a short list of layers whose
 * Input and last Dense are fitted to a dataset when one is given. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "templates.h"

/* A units value meaning "one per class (or regression target)". */
#define CLASSES -1.0
/* A vocabulary size meaning "the dataset's" (64 without one). */
#define VOCAB       -2.0
#define VOCAB_NO_DS 64
/* Token ids per sample of a text template built without a dataset. */
#define TOKENS_NO_DS 16
/* Values meaning "as many as a sample of the data has" and the data's
 * channels, height and width (Input's convention: see input_params), for
 * decoders and generators that end where the data starts. */
#define IN_SIZE -3.0
#define IN_C    -4.0
#define IN_H    -5.0
#define IN_W    -6.0
/* The noise a GAN's generator starts from. */
#define LATENT 100

typedef struct
{
  const char *kind;
  const char *param[4];
  double value[4];
} layer_step;

#define END \
  {         \
    NULL    \
  }

static const layer_step mlp_layers[] = {
  { "dense", { "units" }, { 128 } },
  { "relu" },
  { "dense", { "units" }, { CLASSES } },
  END,
};

static const layer_step seed_cnn_layers[] = {
  { "conv2d", { "filters", "kernel" }, { 32, 3 } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "conv2d", { "filters", "kernel" }, { 64, 3 } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "flatten" },
  { "dense", { "units" }, { 128 } },
  { "relu" },
  { "dense", { "units" }, { CLASSES } },
  { "softmax" },
  END,
};

static const layer_step lenet_layers[] = {
  { "conv2d", { "filters", "kernel", "padding" }, { 6, 5, 1 /* same */ } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "conv2d", { "filters", "kernel", "padding" }, { 16, 5, 0 /* valid */ } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "flatten" },
  { "dense", { "units" }, { 120 } },
  { "relu" },
  { "dense", { "units" }, { 84 } },
  { "relu" },
  { "dense", { "units" }, { CLASSES } },
  END,
};

static const layer_step tiny_mlp_layers[] = {
  { "dense", { "units" }, { 16 } },      { "tanh" }, { "dense", { "units" }, { 16 } }, { "tanh" },
  { "dense", { "units" }, { CLASSES } }, END,
};

static const layer_step char_lstm_layers[] = {
  { "embedding", { "input_dim", "output_dim" }, { VOCAB, 32 } },
  { "lstm", { "units" }, { 128 } },
  { "dense", { "units" }, { CLASSES } },
  END,
};

static const layer_step char_gru_layers[] = {
  { "embedding", { "input_dim", "output_dim" }, { VOCAB, 32 } },
  { "gru", { "units" }, { 128 } },
  { "dense", { "units" }, { CLASSES } },
  END,
};

static const layer_step autoencoder_layers[] = {
  { "flatten" }, { "dense", { "units" }, { 256 } },
  { "relu" },    { "dense", { "units" }, { 64 } },
  { "relu" },    { "dense", { "units" }, { 256 } },
  { "relu" },    { "dense", { "units" }, { IN_SIZE } },
  { "sigmoid" }, { "reshape", { "channels", "height", "width" }, { IN_C, IN_H, IN_W } },
  END,
};

/* 28 → 14 → 7 on the way down; up once with a learnt and once with a
 * plain enlargement */
static const layer_step conv_autoencoder_layers[] = {
  { "conv2d", { "filters", "kernel", "padding" }, { 16, 3, 1 /* same */ } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "conv2d", { "filters", "kernel", "padding" }, { 8, 3, 1 } },
  { "relu" },
  { "maxpool2d", { "size" }, { 2 } },
  { "conv2d_transpose", { "filters", "kernel", "stride", "padding" }, { 8, 3, 2, 1 } },
  { "relu" },
  { "upsampling2d", { "size" }, { 2 } },
  { "conv2d", { "filters", "kernel", "padding" }, { 16, 3, 1 } },
  { "relu" },
  { "conv2d", { "filters", "kernel", "padding" }, { IN_C, 3, 1 } },
  { "sigmoid" },
  END,
};

static const layer_step gan_generator_layers[] = {
  { "dense", { "units" }, { 256 } },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "dense", { "units" }, { 512 } },
  { "batchnorm" },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "dense", { "units" }, { IN_SIZE } },
  { "tanh" },
  { "reshape", { "channels", "height", "width" }, { IN_C, IN_H, IN_W } },
  END,
};

static const layer_step gan_discriminator_layers[] = {
  { "flatten" },
  { "dense", { "units" }, { 512 } },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "dense", { "units" }, { 256 } },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "dense", { "units" }, { 1 } },
  END,
};

/* DCGAN (Radford et al.) scaled to 28×28: 7×7 feature maps doubled twice */
static const layer_step dcgan_generator_layers[] = {
  { "dense", { "units" }, { 128 * 7 * 7 } },
  { "batchnorm" },
  { "relu" },
  { "reshape", { "channels", "height", "width" }, { 128, 7, 7 } },
  { "conv2d_transpose", { "filters", "kernel", "stride", "padding" }, { 64, 4, 2, 1 } },
  { "batchnorm" },
  { "relu" },
  { "conv2d_transpose", { "filters", "kernel", "stride", "padding" }, { IN_C, 4, 2, 1 } },
  { "tanh" },
  END,
};

static const layer_step dcgan_discriminator_layers[] = {
  { "conv2d", { "filters", "kernel", "stride", "padding" }, { 64, 4, 2, 1 } },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "conv2d", { "filters", "kernel", "stride", "padding" }, { 128, 4, 2, 1 } },
  { "leaky_relu", { "slope" }, { 0.2 } },
  { "flatten" },
  { "dense", { "units" }, { 1 } },
  END,
};

static const nn_template templates[] = {
  { "mlp", N_ ("Multilayer perceptron"),
    N_ ("One hidden layer of 128 units: a quick baseline for any data"), NN_LOSS_CROSS_ENTROPY,
    NN_OPTIMIZER_ADAM, 0.001, 32, 5 },
  { "seed-cnn", N_ ("Small CNN"),
    N_ ("Two convolution and pooling stages, then a dense classifier: good on small images"),
    NN_LOSS_CROSS_ENTROPY, NN_OPTIMIZER_ADAM, 0.001, 32, 5 },
  { "lenet", N_ ("LeNet-5"),
    N_ ("The classic digit recogniser from 1998, with ReLU instead of tanh"), NN_LOSS_CROSS_ENTROPY,
    NN_OPTIMIZER_ADAM, 0.001, 32, 5 },
  { "tiny-mlp", N_ ("Tiny MLP"),
    N_ ("Two hidden layers of 16 tanh units: for the 2-D playground sets"), NN_LOSS_CROSS_ENTROPY,
    NN_OPTIMIZER_ADAM, 0.01, 16, 300 },
  { "char-lstm", N_ ("Character LSTM"),
    N_ ("Embedding, then an LSTM of 128 units reading the tokens one by one: for short texts "
        "such as words"),
    NN_LOSS_CROSS_ENTROPY, NN_OPTIMIZER_ADAM, 0.001, 64, 5 },
  { "char-gru", N_ ("Character GRU"),
    N_ ("Embedding, then a GRU of 128 units reading the tokens one by one: an LSTM's accuracy "
        "with fewer weights"),
    NN_LOSS_CROSS_ENTROPY, NN_OPTIMIZER_ADAM, 0.001, 64, 5 },
  { "autoencoder", N_ ("Autoencoder"),
    N_ ("Squeezes each image through 64 numbers and rebuilds it: learns what matters in the "
        "data"),
    NN_LOSS_MSE, NN_OPTIMIZER_ADAM, 0.001, 32, 5, NN_MODE_AUTOENCODER },
  { "conv-autoencoder", N_ ("Convolutional autoencoder"),
    N_ ("Convolutions down to 8 maps of 7×7, transposed convolution and upsampling back up"),
    NN_LOSS_MSE, NN_OPTIMIZER_ADAM, 0.001, 32, 5, NN_MODE_AUTOENCODER },
  { "gan", N_ ("GAN"),
    N_ ("A generator that draws images from noise and a discriminator that tells them from "
        "real ones, learning against each other"),
    NN_LOSS_BCE, NN_OPTIMIZER_ADAM, 0.0002, 32, 5, NN_MODE_GAN },
  { "dcgan", N_ ("DCGAN"),
    N_ ("A GAN with a transposed-convolution generator and a convolutional discriminator: "
        "sharper images, slower"),
    NN_LOSS_BCE, NN_OPTIMIZER_ADAM, 0.0002, 64, 5, NN_MODE_GAN },
};

static const layer_step *const template_layers[] = {
  mlp_layers,           seed_cnn_layers,        lenet_layers,       tiny_mlp_layers,
  char_lstm_layers,     char_gru_layers,        autoencoder_layers, conv_autoencoder_layers,
  gan_generator_layers, dcgan_generator_layers,
};

/* The GANs' other half (template_layers holds their generators). */
static const struct
{
  const char *id;
  const layer_step *steps;
} discriminators[] = {
  { "gan", gan_discriminator_layers },
  { "dcgan", dcgan_discriminator_layers },
};

const nn_template *
nn_templates (int *n)
{
  *n = G_N_ELEMENTS (templates);
  return templates;
}

const nn_template *
nn_template_lookup (const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (templates); i++)
    if (id != NULL && g_str_equal (templates[i].id, id))
      return &templates[i];
  return NULL;
}

/* Input parameters for a per-sample shape, following the Input layer's
 * convention (vectors: height 0; sequences: channels 0). */
static void
input_params (const nn_shape *s, double *c, double *h, double *w)
{
  switch (s->rank)
    {
      case 3:
        *c = s->dim[0], *h = s->dim[1], *w = s->dim[2];
        break;
      case 2:
        *c = 0, *h = s->dim[0], *w = s->dim[1];
        break;
      default:
        *c = 1, *h = 0, *w = MAX ((double) nn_shape_size (s), 1);
        break;
    }
}

/* Adds a node of `kind` fed by `prev` (-1: none) at row `row`. */
static int
add (nn_graph *g, const char *kind, int prev, int row, GError **error)
{
  const nn_layer_ops *ops = nn_layer_lookup (kind);
  int id;

  if (ops == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("This build of Layerlab has no “%s” layer"), kind);
      return -1;
    }
  id = nn_graph_add_node (g, ops);
  nn_graph_set_position (g, id, 0, 120.0 * row);
  if (prev >= 0 && !nn_graph_connect (g, prev, id, -1, error))
    return -1;
  return id;
}

/* What a template's sentinel values stand for, from the dataset. */
typedef struct
{
  int outputs, vocab;
  double in_size, in_c, in_h, in_w;
  gboolean regress;
} fit_values;

static double
fit_value (const fit_values *f, double v)
{
  return v == CLASSES   ? f->outputs
         : v == VOCAB   ? f->vocab
         : v == IN_SIZE ? f->in_size
         : v == IN_C    ? f->in_c
         : v == IN_H    ? f->in_h
         : v == IN_W    ? f->in_w
                        : v;
}

/* An Input of `shape`, then the steps. */
static nn_graph *
build_steps (const layer_step *steps, const nn_shape *shape, const fit_values *f,
             gboolean flatten_first, GError **error)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  int prev, row = 0;
  double c, h, w;

  if ((prev = add (g, "input", -1, row++, error)) < 0)
    return NULL;
  input_params (shape, &c, &h, &w);
  if (!nn_graph_set_param (g, prev, "channels", c, error) ||
      !nn_graph_set_param (g, prev, "height", h, error) ||
      !nn_graph_set_param (g, prev, "width", w, error))
    return NULL;
  if (flatten_first && (prev = add (g, "flatten", prev, row++, error)) < 0)
    return NULL;

  for (const layer_step *s = steps; s->kind != NULL; s++)
    {
      /* a regression model ends in its last Dense: no Softmax */
      if (f->regress && g_str_equal (s->kind, "softmax"))
        continue;
      if ((prev = add (g, s->kind, prev, row++, error)) < 0)
        return NULL;
      for (int p = 0; p < (int) G_N_ELEMENTS (s->param) && s->param[p] != NULL; p++)
        if (!nn_graph_set_param (g, prev, s->param[p], fit_value (f, s->value[p]), error))
          return NULL;
    }
  return g_steal_pointer (&g);
}

static const nn_template *
lookup_or_explain (const char *id, GError **error)
{
  const nn_template *t = nn_template_lookup (id);
  g_autoptr (GString) ids = NULL;

  if (t != NULL)
    return t;
  ids = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (templates); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "", templates[i].id);
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("Unknown model template “%s”: use one of %s"),
               id ? id : "", ids->str);
  return NULL;
}

/* The data's shape and the values the sentinels stand for. */
static void
fit_to (const layer_step *steps, const nn_dataset *ds, nn_shape *shape, fit_values *f)
{
  *shape = nn_shape_3d (1, 28, 28);
  /* text models start from token ids: as many as the words demo's */
  if (g_str_equal (steps[0].kind, "embedding"))
    *shape = nn_shape_1d (TOKENS_NO_DS);
  *f = (fit_values){ .outputs = 10, .vocab = VOCAB_NO_DS };
  if (ds != NULL)
    {
      f->regress = ds->task == NN_TASK_REGRESS;
      *shape = ds->input_shape;
      f->outputs = f->regress ? ds->target_size : ds->n_classes;
      if (ds->vocab_size > 0)
        f->vocab = ds->vocab_size;
    }
  f->in_size = (double) nn_shape_size (shape);
  input_params (shape, &f->in_c, &f->in_h, &f->in_w);
}

nn_graph *
nn_template_build (const char *id, const nn_dataset *ds, GError **error)
{
  const nn_template *t = lookup_or_explain (id, error);
  const layer_step *steps;
  nn_shape shape, latent = nn_shape_1d (LATENT);
  fit_values f;

  if (t == NULL)
    return NULL;
  steps = template_layers[t - templates];
  fit_to (steps, ds, &shape, &f);
  /* a GAN's generator starts from noise, and makes what the data holds */
  if (t->mode == NN_MODE_GAN)
    return build_steps (steps, &latent, &f, FALSE, error);
  /* the MLP reads images and sequences through a Flatten */
  return build_steps (steps, &shape, &f, steps == mlp_layers && shape.rank > 1, error);
}

gboolean
nn_template_build_gan (const char *id, const nn_dataset *ds, nn_graph **generator,
                       nn_graph **discriminator, GError **error)
{
  const nn_template *t = lookup_or_explain (id, error);
  const layer_step *disc = NULL;
  nn_shape shape;
  fit_values f;

  if (t == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (discriminators); i++)
    if (g_str_equal (discriminators[i].id, t->id))
      disc = discriminators[i].steps;
  if (t->mode != NN_MODE_GAN || disc == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The template “%s” is one model, not a GAN's pair"), t->id);
      return FALSE;
    }
  *generator = nn_template_build (id, ds, error);
  if (*generator == NULL)
    return FALSE;
  fit_to (disc, ds, &shape, &f);
  *discriminator = build_steps (disc, &shape, &f, FALSE, error);
  if (*discriminator == NULL)
    {
      g_clear_pointer (generator, nn_graph_free);
      return FALSE;
    }
  return TRUE;
}

void
nn_template_apply_config (const nn_template *t, const nn_dataset *ds, nn_trainer_config *c)
{
  c->mode = t->mode;
  /* an autoencoder's loss or a GAN's does not depend on the data's task */
  c->loss = t->mode == NN_MODE_SUPERVISED && ds != NULL && ds->task == NN_TASK_REGRESS ? NN_LOSS_MSE
                                                                                       : t->loss;
  c->optimizer = t->optimizer;
  c->lr = t->lr;
  c->batch = t->batch;
  c->epochs = t->epochs;
}
