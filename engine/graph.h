/* graph.h — the editable model (nn_graph) and the compiled one (nn_model).
 *
 * An nn_graph is what the builder edits and project files store: a DAG of
 * layer nodes with stable integer ids (never reused within a graph), each
 * with a unique name ("dense1"), a layer descriptor, an ordered list of input
 * node ids, a canvas position and an initialiser. Every edit that matters to
 * the model bumps nn_graph_revision(), so a compiled model can tell it is
 * stale. The graph never computes; nn_graph_infer() checks it cheaply
 * (shapes, parameter counts, flops, messages per node) on every edit.
 *
 * An nn_model is a graph compiled for a batch size: nodes in topological
 * order, ONE weight arena and ONE gradient arena (each layer's weight tensors
 * back to back, in topological order, so optimizers are single loops), a
 * state arena (BatchNorm running statistics), activation and gradient
 * buffers, and scratch — all planned once; forward and backward allocate
 * nothing. A model keeps its own copy of the graph: editing the original
 * afterwards does not touch it.
 *
 * Rules a valid graph follows: exactly one Input node, exactly one output
 * (a node nobody consumes), every node reachable from the Input and leading
 * to the output, each kind given between its min_inputs and max_inputs
 * inputs, every shape inferable. Cycles are refused when connecting. */
#pragma once

#include <glib.h>

#include "layer.h"
#include "rng.h"
#include "tensor.h"

G_BEGIN_DECLS

typedef struct nn_graph nn_graph;

/* A node as stored; read it freely, change it only through nn_graph_*.
 * Pointers returned by the graph stay valid until that node is removed or
 * the graph freed (name changes keep the node pointer valid, not `name`). */
typedef struct
{
  int id;
  char *name; /* unique within the graph */
  nn_layer_desc desc;
  int n_inputs;
  int inputs[NN_MAX_INPUTS]; /* node ids, in slot order */
  double x, y;               /* canvas position; the engine ignores it */
  nn_init_kind init;         /* NN_INIT_AUTO unless the user picked one */
} nn_node;

nn_graph *nn_graph_new (void);
void nn_graph_free (nn_graph *g);
/* Deep copy keeping ids, names, revision and the next id to hand out. */
nn_graph *nn_graph_copy (const nn_graph *g);

/* Counts edits that change the model (not canvas moves). */
guint64 nn_graph_revision (const nn_graph *g);

/* Adds a node with the kind's default parameters and an automatic name (the
 * kind's id plus a counter: "dense1", "dense2" …). Returns its new id. */
int nn_graph_add_node (nn_graph *g, const nn_layer_ops *ops);
/* For project files, which restore ids and names: id >= 0 must be unused,
 * or -1 for a new one; name must be unused, or NULL for an automatic one.
 * Returns the id, or -1 with an error. Later automatic ids stay above every
 * id used so far. */
int nn_graph_add_node_full (nn_graph *g, int id, const nn_layer_ops *ops, const char *name,
                            GError **error);
/* Removes the node and every edge to and from it. FALSE if no such id. */
gboolean nn_graph_remove_node (nn_graph *g, int id);

/* Makes `from` an input of `to` at position `slot` (-1 = append; others
 * shift right). Refuses, with a user-worded error: unknown ids, an edge that
 * already exists, a node feeding itself, an edge that would close a cycle,
 * a node that takes no more inputs (its kind's max_inputs). */
gboolean nn_graph_connect (nn_graph *g, int from, int to, int slot, GError **error);
/* Removes every edge from → to. FALSE if there was none. */
gboolean nn_graph_disconnect (nn_graph *g, int from, int to);

/* Parameter by id through nn_layer_desc_set (so ranges are checked); the
 * error is prefixed with the node: "Dense 'dense1': …". */
gboolean nn_graph_set_param (nn_graph *g, int id, const char *param, double value, GError **error);
/* Replaces the whole descriptor (e.g. to change a node's kind); its ops
 * must keep the node's current inputs within range, else FALSE. */
gboolean nn_graph_set_desc (nn_graph *g, int id, const nn_layer_desc *desc, GError **error);
gboolean nn_graph_set_init (nn_graph *g, int id, nn_init_kind init);
/* Canvas position only: does not bump the revision. */
gboolean nn_graph_set_position (nn_graph *g, int id, double x, double y);
/* Refuses an empty name or one used by another node. */
gboolean nn_graph_rename (nn_graph *g, int id, const char *name, GError **error);

const nn_node *nn_graph_lookup (const nn_graph *g, int id);
const nn_node *nn_graph_lookup_name (const nn_graph *g, const char *name);
/* Iteration in insertion order: for (i = 0; i < n_nodes; i++) nth_node (i). */
int nn_graph_n_nodes (const nn_graph *g);
const nn_node *nn_graph_nth_node (const nn_graph *g, int i);
/* Ids of the nodes that take `id` as an input, in insertion order; returns
 * how many (up to max). */
int nn_graph_consumers (const nn_graph *g, int id, int *out, int max);

/* "Conv2D 'conv2'" — how messages name a node. Free with g_free(). */
char *nn_graph_node_label (const nn_node *node);

/* --- Checking without compiling -------------------------------------- */

typedef struct
{
  int id;
  nn_shape out_shape; /* rank 0 when it cannot be known */
  gsize params;       /* weight floats of this node */
  double flops;       /* per sample */
  /* NULL, or "Conv2D 'conv2': a 5×5 kernel does not fit its 3×3 input"; also NULL
   * (with rank 0) below a node whose error already explains it */
  char *error;
} nn_node_report;

typedef struct
{
  int n_nodes;
  nn_node_report *nodes; /* same order as nn_graph_nth_node() */
  char **problems;       /* NULL-terminated graph-level messages ("The model has no Input layer") */
  int input_id, output_id; /* -1 when missing or ambiguous */
  gsize total_params;
  gsize weight_bytes; /* total_params × 4 */
  double flops;       /* per sample, over nodes with a known shape */
  gboolean ok;        /* no problem and no node error: compiling will succeed */
} nn_graph_report;

/* Fills report (clear it with nn_graph_report_clear). Returns report->ok. */
gboolean nn_graph_infer (const nn_graph *g, nn_graph_report *report);
void nn_graph_report_clear (nn_graph_report *report);
const nn_node_report *nn_graph_report_node (const nn_graph_report *report, int id);
/* The first problem or node error as one GError, as compile reports it;
 * TRUE when there is none. */
gboolean nn_graph_report_to_error (const nn_graph_report *report, GError **error);

/* --- Compiled model ---------------------------------------------------- */

typedef struct nn_model nn_model;

/* One weight tensor's place in the arenas. */
typedef struct
{
  int node_id;
  const char *node_name; /* owned by the model */
  nn_weight_info info;   /* name ("weight", "bias" …), shape, decay */
  gsize offset;          /* floats from the start of the arena */
  gsize size;
} nn_weight_range;

/* Validates (NN_ERROR_SHAPE / NN_ERROR_INVALID with the node's message),
 * orders topologically, resolves NN_INIT_AUTO (He uniform when every
 * consumer is relu, leaky_relu, elu or gelu, else Glorot uniform), plans
 * every buffer for `batch` samples and initialises the weights from nn_rng
 * stream 0 of `seed` in topological order. NN_ERROR_MEMORY when too big. */
nn_model *nn_model_compile (const nn_graph *g, int batch, guint64 seed, GError **error);
void nn_model_free (nn_model *m);

/* Re-plans activations and scratch for a new batch size; weights, state and
 * gradients are kept. A smaller n may always be passed to forward/backward
 * without calling this. */
gboolean nn_model_set_batch (nn_model *m, int batch, GError **error);
int nn_model_batch (const nn_model *m);

/* The private copy of the graph it was compiled from, and that graph's
 * revision at the time. */
const nn_graph *nn_model_graph (const nn_model *m);
guint64 nn_model_revision (const nn_model *m);

const nn_shape *nn_model_input_shape (const nn_model *m);
const nn_shape *nn_model_output_shape (const nn_model *m);
gsize nn_model_input_size (const nn_model *m); /* floats per sample */
gsize nn_model_output_size (const nn_model *m);

/* Forward pass over n <= batch samples from x (n × input size floats).
 * training selects dropout and batch statistics; rng feeds dropout (may be
 * NULL when training is FALSE). */
void nn_model_forward (nn_model *m, const float *x, int n, gboolean training, nn_rng *rng);
/* n × output size floats of the last forward. */
const float *nn_model_output (const nn_model *m);

/* When the output node is a Softmax, cross-entropy is computed on its input
 * (the logits) and backward starts below it, which is exact and stable.
 * nn_model_logits() is that input, or the output when there is no final
 * Softmax. */
gboolean nn_model_has_final_softmax (const nn_model *m);
const float *nn_model_logits (const nn_model *m);

/* Backward pass for the last forward's n samples, in that forward's mode
 * (training or inference: BatchNorm's gradient differs). d_out is n × output size
 * (from_logits FALSE) or n × logits size (from_logits TRUE, only with a
 * final Softmax: the Softmax is skipped). Writes every weight gradient
 * (they are overwritten, so zeroing first is not needed). */
void nn_model_backward (nn_model *m, const float *d_out, int n, gboolean from_logits);
void nn_model_zero_grads (nn_model *m);

/* Saliency maps need the gradient with respect to the input, which training
 * never does. Enabling plans a buffer for it (NN_ERROR_MEMORY when it cannot
 * be had; it follows nn_model_set_batch), after which every backward also
 * fills it; disabling frees it. Off after compiling. */
gboolean nn_model_set_input_gradient (nn_model *m, gboolean enabled, GError **error);
/* n × input size floats of ∂/∂input from the last backward; NULL when not
 * enabled. */
const float *nn_model_input_gradient (const nn_model *m);

/* The nodes in the order forward runs them: the Input first, the output
 * last (k in [0, nn_model_n_nodes)); they belong to nn_model_graph (m). */
int nn_model_n_nodes (const nn_model *m);
const nn_node *nn_model_nth_node (const nn_model *m, int k);

/* The arenas. Weights and gradients have the same layout. */
float *nn_model_weights (nn_model *m, gsize *n);
float *nn_model_grads (nn_model *m, gsize *n);
float *nn_model_state (nn_model *m, gsize *n);
/* One byte per weight float: 1 where weight decay applies. */
const guint8 *nn_model_decay_mask (const nn_model *m);
const nn_weight_range *nn_model_weight_ranges (const nn_model *m, int *n);
/* The state floats of one node (BatchNorm: running mean then variance);
 * NULL with *n = 0 when it has none. */
float *nn_model_node_state (nn_model *m, int node_id, gsize *n);

/* Output of a node for the last forward (n × its shape floats, sample after
 * sample), for the window's activation views; NULL for an unknown id. */
const float *nn_model_activation (const nn_model *m, int node_id, nn_shape *shape);

/* Snapshots: weights followed by state, nn_model_snapshot_size() floats. */
gsize nn_model_snapshot_size (const nn_model *m);
void nn_model_copy_weights_to (const nn_model *m, float *dst);
void nn_model_copy_weights_from (nn_model *m, const float *src);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_graph, nn_graph_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_model, nn_model_free)

G_END_DECLS
