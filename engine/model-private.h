/* model-private.h — what model.c (planning, the layer-by-layer passes) and
 * model-parallel.c (the passes split between threads by samples) share.
 * Not public API. */
#pragma once

#include "graph-private.h"

G_BEGIN_DECLS

typedef struct
{
  const nn_node *node; /* in the model's own graph copy */
  int n_in;
  int in[NN_MAX_INPUTS]; /* positions in the model's order */
  nn_shape in_shape[NN_MAX_INPUTS];
  nn_shape out_shape;
  gsize out_size;
  gsize w_off, w_size;
  gsize s_off, s_size;
  gsize scratch_size;          /* for the planned batch */
  float *out, *grad, *scratch; /* planned per batch */
} mnode;

/* One extra thread's own buffers for the sample-parallel passes
 * (model-parallel.c); the first thread uses the model's. */
typedef struct
{
  float **scratch; /* [n], each for the thread's largest share of a batch */
  float *grads;    /* the weight gradients of its samples */
} nn_replica;

struct nn_model
{
  nn_graph *graph;
  int n;
  mnode *nodes; /* topological order; [0] is the Input */
  int batch;
  float *weights, *grads, *state;
  gsize n_weights, n_state;
  guint8 *decay;
  nn_weight_range *ranges;
  int n_ranges;
  gboolean final_softmax;
  gboolean input_grad; /* plan a gradient buffer for the Input (saliency) */
  gboolean training;   /* mode of the last forward, which backward must match */

  /* sample-parallel passes (model-parallel.c) */
  nn_replica *replicas; /* [n_replicas]: threads beyond the first */
  int n_replicas;
  int split_threads;  /* threads the last forward shared its samples between; 0: not split */
  gint8 can_split[2]; /* [training]: 0 not yet known, 1 yes, -1 no */
};

/* Fills c (with in and d_in as its pointer arrays) for node k over the
 * samples [first, first + n) of the planned buffers, with that node's
 * scratch and the weight gradients at dw (the whole arena). */
void _nn_model_fill_ctx (nn_model *m, int k, int first, int n, gboolean training, nn_rng *rng,
                         float *scratch, float *dw, const float **in, float **d_in,
                         nn_layer_ctx *c);

/* model-parallel.c. Forward over n samples with each thread running every
 * layer on its own share of them; FALSE (nothing done) when the model or
 * the thread count does not allow it, and the caller runs layer by layer.
 * Draws from rng exactly what the layer-by-layer pass draws. */
gboolean _nn_model_forward_split (nn_model *m, const float *x, int n, gboolean training,
                                  nn_rng *rng);
/* Backward from node `start` after a split forward (m->split_threads > 0),
 * the weight gradients summed over the threads in a fixed order. */
void _nn_model_backward_split (nn_model *m, const float *d_out, int n, int start);
/* The threads' buffers depend on the batch size: dropped when it changes. */
void _nn_model_free_replicas (nn_model *m);

G_END_DECLS
