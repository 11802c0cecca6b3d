/* onnx-import-private.h — what the ONNX reader (onnx-import.c: validation,
 * the walk and the layout; onnx-import-tensors.c, onnx-import-values.c,
 * onnx-import-run.c) and the operator mapping (onnx-import-ops.c and
 * its siblings) share. */
#pragma once

#include "io/onnx-import.h"
#include "onnx.pb-c.h"

G_BEGIN_DECLS

/* One named ONNX tensor while importing: a constant (initializer, Constant
 * node, bound input) or the output of a Layerlab node. */
typedef struct
{
  char *name;
  /* constants */
  nn_onnx_tensor *value; /* float data, or NULL */
  gint64 *ints;          /* int64 data (Reshape's shape), or NULL */
  gsize n_ints;
  gboolean is_const;
  gboolean zeros; /* a constant of zeros whose shape follows the batch (RNN start states) */
  /* computed */
  int node_id; /* producing Layerlab node, -1 for a constant */
  int rank;    /* ONNX dims, batch included */
  gint64 dims[NN_ONNX_MAX_RANK];
  int batch_axis;
  int consumers; /* ONNX nodes reading it, plus 1 for a graph output */
  gboolean ids;  /* the integer graph input: token ids, read only as a Gather's indices */
} onnx_value;

typedef struct
{
  const char *file; /* for messages */
  nn_graph *graph;
  GPtrArray *weights, *state; /* of nn_project_tensor */
  GHashTable *values;         /* name → onnx_value */
  GArray *depth;              /* per node id, for the layout */
  int opset;
  /* the node being mapped, for messages */
  const Onnx__NodeProto *node;
  int node_index;
  /* for patterns spanning several nodes (GELU, Embedding's id clamping,
   * input normalisation): the graph, and the nodes a pattern has mapped
   * already, which the main loop then passes over */
  const Onnx__GraphProto *proto;
  gboolean *done;
  /* a normalisation of the model's input (Sub/Mul by constants right after
   * it), expanded to one value per input value of a sample */
  float *norm_mean, *norm_inv_std;
  int norm_size;
} onnx_importer;

/* Reads a TensorProto: floats into *value or int64 into *ints (the other
 * NULL); errors name the tensor, not the file. */
gboolean _onnx_tensor_from_proto (const Onnx__TensorProto *tp, nn_onnx_tensor **value,
                                  gint64 **ints, gsize *n_ints, GError **error);
/* The name of an ONNX element type (TensorProto.DataType), for messages. */
const char *_onnx_type_name (int type);
/* Reads the file at path into *data, refusing one over NN_ONNX_MAX_BYTES. */
gboolean _onnx_read_capped (const char *path, guint8 **data, gsize *length, GError **error);

/* A new value named name in im->values, replacing any of that name; free
 * with _onnx_value_free (the table does). */
onnx_value *_onnx_value_new (onnx_importer *im, const char *name);
void _onnx_value_free (gpointer value);
/* The longest path from the model's Input to node id (0 for the Input or
 * an unknown id): the row it takes in the layout. */
int _onnx_node_depth (onnx_importer *im, int id);

/* Sets error as "<file>: node 7 'conv3' (Conv): <message>". */
void _onnx_node_error (onnx_importer *im, GError **error, int code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

/* Set an NN_ERROR_UNSUPPORTED error naming an attribute (or, for _use, an
 * input, output or combination) and why; return FALSE. */
gboolean _onnx_unsupported (onnx_importer *im, GError **error, const char *attr, const char *why);
gboolean _onnx_unsupported_use (onnx_importer *im, GError **error, const char *what,
                                const char *why);

/* Attributes of the current node. */
const Onnx__AttributeProto *_onnx_attr (onnx_importer *im, const char *name);
gint64 _onnx_attr_int (onnx_importer *im, const char *name, gint64 def);
float _onnx_attr_float (onnx_importer *im, const char *name, float def);
/* NUL-terminated copy, or def duplicated; free with g_free. */
char *_onnx_attr_string (onnx_importer *im, const char *name, const char *def);
/* The node's input/output i when present and not "", else NULL. */
onnx_value *_onnx_input (onnx_importer *im, int i);
const char *_onnx_output_name (onnx_importer *im, int i);
/* TRUE when output i exists and something reads it. */
gboolean _onnx_output_used (onnx_importer *im, int i);

/* A computed value (not a constant) at input i, or an error naming it. */
onnx_value *_onnx_runtime_input (onnx_importer *im, int i, GError **error);
/* A float constant at input i, or an error naming it. */
onnx_value *_onnx_const_input (onnx_importer *im, int i, GError **error);

/* Defines output i of the current node as Layerlab node node_id's output
 * with these ONNX dims and batch axis. */
onnx_value *_onnx_define (onnx_importer *im, int i, int node_id, int rank, const gint64 *dims,
                          int batch_axis);
/* Defines output i as a constant (takes ownership of value). */
void _onnx_define_const (onnx_importer *im, int i, nn_onnx_tensor *value, gint64 *ints,
                         gsize n_ints);

/* The per-sample Layerlab shape of an ONNX value (its dims without the
 * batch axis); FALSE when it has more axes than Layerlab's layers take. */
gboolean _onnx_sample_shape (const onnx_value *v, nn_shape *shape);
/* A node id whose output has v's sample shape, adding a Reshape when the
 * producer's shape differs (GlobalAveragePool's C vs ONNX's C×1×1). */
int _onnx_use (onnx_importer *im, onnx_value *v, GError **error);
/* The producing node's own shape. */
nn_shape _onnx_node_shape (onnx_importer *im, int node_id);

/* Adds a layer of kind ops fed by inputs, with params (ids and values,
 * NULL-terminated id list) set; returns its id or -1 with an error. */
int _onnx_add_layer (onnx_importer *im, const nn_layer_ops *ops, const int *inputs, int n_inputs,
                     const char *const *param_ids, const double *param_values, GError **error);
/* Records a weight tensor (copied) of node_id. */
void _onnx_add_weight (onnx_importer *im, int node_id, const char *name, const nn_shape *shape,
                       const float *data);
void _onnx_add_state (onnx_importer *im, int node_id, const nn_shape *shape, const float *data);

/* Patterns: the first node (in file order) of type op that reads `name`,
 * or NULL; *index receives its index in the graph. */
const Onnx__NodeProto *_onnx_reader (onnx_importer *im, const char *name, const char *op,
                                     int *index);
/* The same when that node is the only reader (not the graph output
 * either) and reads `name` once. */
const Onnx__NodeProto *_onnx_sole_reader (onnx_importer *im, const char *name, const char *op,
                                          int *index);
/* TRUE when `name` is a float constant holding one value, stored in *value. */
gboolean _onnx_scalar (onnx_importer *im, const char *name, float *value);
/* The other input of a two-input node when one of them is `name`, else NULL. */
const char *_onnx_other_input (const Onnx__NodeProto *node, const char *name);
/* Defines output 0 of the node at index (a pattern's last node) and marks
 * it mapped. */
onnx_value *_onnx_define_at (onnx_importer *im, int index, int node_id, int rank,
                             const gint64 *dims, int batch_axis);
/* Marks the node at index as mapped by a pattern. */
void _onnx_mark_done (onnx_importer *im, int index);

/* A value defined as output 0 of node_id with like's dims. */
onnx_value *_onnx_define_like (onnx_importer *im, int node_id, const onnx_value *like);
/* axis as an index among rank axes when ONNX counts it from the end. */
int _onnx_norm_axis (gint64 axis, int rank);

/* Operators on shapes (onnx-import-shape.c): Flatten, Reshape, Squeeze and
 * Unsqueeze, Transpose, Concat; Shape, Gather and ConstantOfShape. */
gboolean _onnx_map_flatten (onnx_importer *im, GError **error);
gboolean _onnx_map_reshape (onnx_importer *im, GError **error);
gboolean _onnx_map_squeeze (onnx_importer *im, GError **error);
gboolean _onnx_map_transpose (onnx_importer *im, GError **error);
gboolean _onnx_map_concat (onnx_importer *im, GError **error);
gboolean _onnx_map_shape (onnx_importer *im, GError **error);
gboolean _onnx_map_gather (onnx_importer *im, GError **error);
gboolean _onnx_map_constant_of_shape (onnx_importer *im, GError **error);

/* Image operators: convolutions and BatchNormalization
 * (onnx-import-image.c), pools (onnx-import-pool.c), Upsample and Resize
 * (onnx-import-resize.c). */
gboolean _onnx_map_conv (onnx_importer *im, GError **error);
gboolean _onnx_map_conv_transpose (onnx_importer *im, GError **error);
gboolean _onnx_map_maxpool (onnx_importer *im, GError **error);
gboolean _onnx_map_avgpool (onnx_importer *im, GError **error);
gboolean _onnx_map_global_avgpool (onnx_importer *im, GError **error);
gboolean _onnx_map_batchnorm (onnx_importer *im, GError **error);
gboolean _onnx_map_upsample (onnx_importer *im, GError **error);
gboolean _onnx_map_depth_to_space (onnx_importer *im, GError **error);

/* What they share (onnx-import-image.c): TRUE for an N×C×H×W image x, or
 * with 1d_2d an N×C×L one too, else FALSE with an error naming x; the node
 * id of x as Layerlab's image (an N×C×L one as C×L×1, or C×1×L along_width),
 * or -1 with an error; an ints attribute with one value per spatial axis (n
 * of them) into v, each in lo..hi, def for every value when absent. */
gboolean _onnx_require_image (onnx_importer *im, const onnx_value *x, GError **error);
gboolean _onnx_require_image_1d_2d (onnx_importer *im, const onnx_value *x, GError **error);
int _onnx_use_as_image_along (onnx_importer *im, onnx_value *x, gboolean along_width,
                              GError **error);
gboolean _onnx_spatial_ints (onnx_importer *im, const char *name, int n, int def, int lo, int hi,
                             int *v, GError **error);

/* Chains (onnx-import-patterns.c): Round starts an Embedding's id
 * clamping; Sub/Mul/Div start a GELU or the input's normalisation; Erf and
 * the clamping's other operators are only read inside their chains. */
gboolean _onnx_map_round (onnx_importer *im, GError **error);
gboolean _onnx_map_arithmetic (onnx_importer *im, GError **error);
gboolean _onnx_map_erf (onnx_importer *im, GError **error);
gboolean _onnx_map_embedding_part (onnx_importer *im, GError **error);
/* Add/Sub/Mul/Div of the model's input by constants as the project's
 * normalisation; *matched says whether the node was one. */
gboolean _onnx_match_normalisation (onnx_importer *im, gboolean *matched, GError **error);
/* An Embedding layer reading ids, with the table w, as node index. */
gboolean _onnx_add_embedding (onnx_importer *im, onnx_value *ids, const onnx_value *w, int index,
                              GError **error);

/* RNN, GRU and LSTM (onnx-import-recurrent.c). */
gboolean _onnx_map_recurrent (onnx_importer *im, GError **error);

/* Maps the current node; FALSE with an error. */
gboolean _onnx_map_node (onnx_importer *im, GError **error);

G_END_DECLS
