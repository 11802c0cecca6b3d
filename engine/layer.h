/* layer.h — what a layer is to the rest of the engine.
 *
 * A layer is a descriptor (its kind's ops table plus typed parameter values)
 * and the ops table does everything else: describe its parameters for the
 * builder, infer its output shape (or explain in a user's words why it
 * cannot), list its weight tensors, initialise, forward and backward.
 * One file per family of layers under engine/layers/.
 *
 * Memory is planned by the graph, never allocated by a layer during a step:
 * a layer asks for weights, non-trained state (BatchNorm running statistics)
 * and scratch (kept from forward to backward: im2col buffers, dropout masks,
 * pooling argmax) through the sizing functions below. */
#pragma once

#include <glib.h>

#include "rng.h"
#include "tensor.h"

G_BEGIN_DECLS

typedef enum
{
  NN_GROUP_CORE,
  NN_GROUP_CONVOLUTION,
  NN_GROUP_POOLING,
  NN_GROUP_RECURRENT,
  NN_GROUP_NORMALISATION,
  NN_GROUP_MERGE,
  NN_GROUP_ACTIVATION,
} nn_layer_group;

typedef enum
{
  NN_PARAM_INT,
  NN_PARAM_FLOAT,
  NN_PARAM_BOOL,
  NN_PARAM_ENUM, /* value is an index into choices */
} nn_param_type;

typedef struct
{
  const char *id;    /* stable key in files and the CLI: "units" */
  const char *label; /* N_("Units"): translate with _() when shown */
  const char *help;  /* N_(): one line, what changing it does */
  nn_param_type type;
  double min, max, def;
  const char *const *choices;       /* NN_PARAM_ENUM: NULL-terminated stable ids */
  const char *const *choice_labels; /* NN_PARAM_ENUM: N_() labels, same order */
  gboolean advanced; /* rarely changed: the builder folds it under "More options" */
} nn_param_spec;

#define NN_MAX_PARAMS  12
#define NN_MAX_INPUTS  8
#define NN_MAX_WEIGHTS 4

typedef struct nn_layer_ops nn_layer_ops;

typedef struct
{
  const nn_layer_ops *ops;
  double p[NN_MAX_PARAMS]; /* in the order of ops->params */
} nn_layer_desc;

/* How weights start. AUTO lets the graph pick from the activation that
 * follows the layer: He for the ReLU family, Glorot otherwise. */
typedef enum
{
  NN_INIT_AUTO,
  NN_INIT_HE_UNIFORM,
  NN_INIT_HE_NORMAL,
  NN_INIT_GLOROT_UNIFORM,
  NN_INIT_GLOROT_NORMAL,
} nn_init_kind;

/* One weight tensor of a layer, in PyTorch's layout and order
 * (Dense: weight [out, in], bias [out]; Conv2D: weight [F, C, kh, kw], bias [F]). */
typedef struct
{
  const char *name; /* "weight", "bias", "gamma" ... */
  nn_shape shape;
  gboolean decay; /* weight decay applies (not to biases/BN) */
} nn_weight_info;

/* Everything forward and backward see. Sizes are per sample; `batch` samples
 * are laid out one after the other. */
typedef struct
{
  const nn_layer_desc *desc;
  int batch;
  int n_in;
  const nn_shape *in_shape; /* [n_in] */
  const nn_shape *out_shape;
  const float *const *in; /* [n_in] each batch × in_shape */
  float *out;             /* batch × out_shape */
  /* backward: d_in[i] is ACCUMULATED into (+=), because a tensor feeding two
   * layers gets the sum of both gradients; the graph zeroes it first.
   * d_in[i] is NULL when nobody needs that gradient (the model's input).
   * dw is OVERWRITTEN (=): each weight belongs to exactly one layer. */
  float *const *d_in;
  const float *d_out;
  const float *w; /* weights, the tensors of weight_info back to back */
  float *dw;
  float *state;      /* non-trained persistent state */
  float *scratch;    /* workspace kept from forward to backward */
  gboolean training; /* dropout active, BatchNorm uses batch stats */
  nn_rng *rng;       /* for dropout; drawn from in a fixed order */
} nn_layer_ctx;

struct nn_layer_ops
{
  const char *id;      /* stable: "dense", "conv2d" ... */
  const char *name;    /* N_("Dense") */
  const char *summary; /* N_(): one line for the palette */
  nn_layer_group group;
  const nn_param_spec *params;
  int n_params;
  int min_inputs, max_inputs; /* Input layer: 0, 0 */

  /* Output shape for the given inputs, or FALSE with a message a user can act
   * on, without the layer's name (the graph prefixes "Conv2D 'conv2': "). */
  gboolean (*infer) (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                     GError **error);
  /* Fills info[NN_MAX_WEIGHTS], returns how many; NULL means none. */
  int (*weights) (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                  nn_weight_info *info);
  /* Floats of non-trained state; NULL means 0. */
  gsize (*state_size) (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out);
  /* Floats of scratch for a batch; NULL means 0. */
  gsize (*scratch_size) (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                         int batch);
  /* Initialise weights and state; NULL when there are none. */
  void (*init) (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
                float *w, float *state, nn_rng *rng);
  void (*forward) (nn_layer_ctx *c);
  void (*backward) (nn_layer_ctx *c);
  /* Forward multiply-adds ×2 per sample, for the builder's status line. */
  double (*flops) (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out);
};

/* The registry of every layer kind, in palette order. */
const nn_layer_ops *const *nn_layer_kinds (int *n);
const nn_layer_ops *nn_layer_lookup (const char *id);

/* Parameter access by id, with defaults and range checks for the builder,
 * project files and the CLI. */
void nn_layer_desc_init (nn_layer_desc *d, const nn_layer_ops *ops);
int nn_layer_param_index (const nn_layer_ops *ops, const char *id);
double nn_layer_desc_get (const nn_layer_desc *d, const char *id);
gboolean nn_layer_desc_set (nn_layer_desc *d, const char *id, double value, GError **error);

/* Total weight floats of a layer with these shapes. */
gsize nn_layer_weight_count (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out);

G_END_DECLS
