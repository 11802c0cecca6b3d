/* onnx-export-private.h — what the ONNX writer's files share:
 * onnx-export.c (the walk over the model, graph inputs and outputs),
 * onnx-export-proto.c (initializers, nodes, attributes, weights),
 * onnx-export-layers.c and onnx-export-image.c (one layer as ONNX nodes).
 *
 * The protobuf messages are plain structs of protobuf-c; everything they
 * point to is kept in one list and freed together once the document is
 * packed, so nothing here is freed by its caller. */
#pragma once

#include "io/onnx-export.h"
#include "onnx.pb-c.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *garbage;  /* every allocation the messages point to */
  GPtrArray *nodes;    /* Onnx__NodeProto * */
  GPtrArray *inits;    /* Onnx__TensorProto * */
  GHashTable *names;   /* tensor names in use (owned by garbage) */
  GHashTable *scalars; /* "%.9g" of a value (exact for a float) → its initializer's name */
  nn_model *model;
} onnx_exporter;

/* One Layerlab node being written. */
typedef struct
{
  const nn_node *node;
  const char *const *in; /* tensor names of its inputs, NULL-terminated */
  const nn_shape *in_shape;
  const nn_shape *out_shape;
  const char *out; /* the tensor name it must produce */
} onnx_layer;

/* p, kept until the document is freed. */
gpointer _onnx_write_keep (onnx_exporter *ex, gpointer p);
/* A tensor name not used yet: base itself, else base_2, base_3 … */
char *_onnx_write_name (onnx_exporter *ex, const char *base);
/* A string that lives as long as the document. */
char *_onnx_write_kept_printf (onnx_exporter *ex, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* _onnx_write_name of the formatted string. */
char *_onnx_write_printf (onnx_exporter *ex, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Initializers; each returns its tensor's name. */
const char *_onnx_write_floats (onnx_exporter *ex, const char *name, const gint64 *dims, int n_dims,
                                const float *data);
const char *_onnx_write_ints (onnx_exporter *ex, const char *name, const gint64 *values, int n);
/* A float scalar, shared by every node that needs the same value. */
const char *_onnx_write_scalar (onnx_exporter *ex, float value);

/* An ONNX node; inputs and outputs are NULL-terminated lists of tensor
 * names ("" for an optional one left out). */
Onnx__NodeProto *_onnx_write_node (onnx_exporter *ex, const char *op, const char *name,
                                   const char *const *inputs, const char *const *outputs);
/* The common case: one output. */
Onnx__NodeProto *_onnx_write_op (onnx_exporter *ex, const char *op, const char *name,
                                 const char *const *inputs, const char *output);
void _onnx_write_attr_int (onnx_exporter *ex, Onnx__NodeProto *n, const char *name, gint64 value);
void _onnx_write_attr_float (onnx_exporter *ex, Onnx__NodeProto *n, const char *name, float value);
void _onnx_write_attr_ints (onnx_exporter *ex, Onnx__NodeProto *n, const char *name,
                            const gint64 *values, int count);
void _onnx_write_attr_string (onnx_exporter *ex, Onnx__NodeProto *n, const char *name,
                              const char *value);

/* A node's weight tensor in the model, and its range; NULL if it has none
 * of that name. */
const float *_onnx_write_node_weight (onnx_exporter *ex, const nn_node *node, const char *name,
                                      const nn_weight_range **range);
/* A weight tensor as an initializer "<layer>.<name>" with its own shape. */
const char *_onnx_write_weight (onnx_exporter *ex, const nn_node *node, const char *name);

double _onnx_write_param (const onnx_layer *l, const char *id);
/* A fresh tensor name "<layer>/<what>" for a value inside the layer. */
const char *_onnx_write_tmp_name (onnx_exporter *ex, const onnx_layer *l, const char *what);

/* onnx-export-layers.c: any layer; FALSE with error for one ONNX cannot hold. */
gboolean _onnx_write_layer (onnx_exporter *ex, const onnx_layer *l, GError **error);
/* onnx-export-image.c */
void _onnx_write_conv (onnx_exporter *ex, const onnx_layer *l, gboolean transpose);
gboolean _onnx_write_pool (onnx_exporter *ex, const onnx_layer *l, const char *op, GError **error);
void _onnx_write_upsampling (onnx_exporter *ex, const onnx_layer *l);
void _onnx_write_resize (onnx_exporter *ex, const onnx_layer *l);
void _onnx_write_pixel_shuffle (onnx_exporter *ex, const onnx_layer *l);

G_END_DECLS
