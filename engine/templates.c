/* templates.c — the built-in models, each a short list of layers whose
 * Input and last Dense are fitted to a dataset when one is given. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "templates.h"

/* A units value meaning "one per class (or regression target)". */
#define CLASSES -1.0

typedef struct
{
  const char *kind;
  const char *param[3];
  double value[3];
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
  { "dense", { "units" }, { 16 } },       { "tanh" }, { "dense", { "units" }, { 16 } }, { "tanh" },
  { "dense", { "units" }, { CLASSES } }, END,
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
};

static const layer_step *const template_layers[] = {
  mlp_layers,
  seed_cnn_layers,
  lenet_layers,
  tiny_mlp_layers,
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

nn_graph *
nn_template_build (const char *id, const nn_dataset *ds, GError **error)
{
  const nn_template *t = nn_template_lookup (id);
  g_autoptr (nn_graph) g = NULL;
  const layer_step *steps;
  nn_shape shape = nn_shape_3d (1, 28, 28);
  gboolean regress = ds != NULL && ds->task == NN_TASK_REGRESS;
  int outputs = 10, prev, row = 0;
  double c, h, w;

  if (t == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("Unknown model template “%s”: use mlp, seed-cnn, lenet or tiny-mlp"),
                   id ? id : "");
      return NULL;
    }
  steps = template_layers[t - templates];
  if (ds != NULL)
    {
      shape = ds->input_shape;
      outputs = regress ? ds->target_size : ds->n_classes;
    }

  g = nn_graph_new ();
  if ((prev = add (g, "input", -1, row++, error)) < 0)
    return NULL;
  input_params (&shape, &c, &h, &w);
  if (!nn_graph_set_param (g, prev, "channels", c, error) ||
      !nn_graph_set_param (g, prev, "height", h, error) ||
      !nn_graph_set_param (g, prev, "width", w, error))
    return NULL;
  /* the MLP reads images and sequences through a Flatten */
  if (steps == mlp_layers && shape.rank > 1 && (prev = add (g, "flatten", prev, row++, error)) < 0)
    return NULL;

  for (const layer_step *s = steps; s->kind != NULL; s++)
    {
      /* a regression model ends in its last Dense: no Softmax */
      if (regress && g_str_equal (s->kind, "softmax"))
        continue;
      if ((prev = add (g, s->kind, prev, row++, error)) < 0)
        return NULL;
      for (int p = 0; p < 3 && s->param[p] != NULL; p++)
        {
          double v = s->value[p] == CLASSES ? outputs : s->value[p];
          if (!nn_graph_set_param (g, prev, s->param[p], v, error))
            return NULL;
        }
    }
  return g_steal_pointer (&g);
}

void
nn_template_apply_config (const nn_template *t, const nn_dataset *ds, nn_trainer_config *c)
{
  c->loss = ds != NULL && ds->task == NN_TASK_REGRESS ? NN_LOSS_MSE : t->loss;
  c->optimizer = t->optimizer;
  c->lr = t->lr;
  c->batch = t->batch;
  c->epochs = t->epochs;
}
