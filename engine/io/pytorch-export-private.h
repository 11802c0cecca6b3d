/* pytorch-export-private.h — what the parts of the PyTorch exporter share:
 * the walk, the text helpers and the script (pytorch-export.c); the
 * padding forms of pooling and convolution (pytorch-export-padding.c); the
 * layers' modules (pytorch-export-modules.c); the Model class
 * (pytorch-export-model.c) and the helper classes it may need
 * (pytorch-export-classes.c); the weights (pytorch-export-weights.c) and
 * the data (pytorch-export-data.c). For engine/io/pytorch-export*.c only. */
#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

#include "io/pytorch-export.h"

G_BEGIN_DECLS

/* One graph node as the script names and shapes it. */
typedef struct
{
  const nn_node *node;
  char *ident; /* Python name of its module and of its output */
  char *label; /* "Dense 'dense1'", for messages and comments */
  int n_in;
  nn_shape in[NN_MAX_INPUTS];
  nn_shape out;
} ex_node;

typedef struct
{
  const nn_project *p;
  GPtrArray *order;  /* of ex_node *, inputs before their consumers */
  GHashTable *by_id; /* node id → ex_node * */
  ex_node *input, *output;
  gboolean final_softmax; /* the output node is a Softmax */
  gboolean uses_embedding, uses_classic_gru, has_batchnorm, uses_resize, uses_depth_to_space;
  GPtrArray *decayed; /* torch keys of parameters Layerlab decays */
} exporter;

static inline ex_node *
input_of (exporter *e, ex_node *x, int k)
{
  return g_hash_table_lookup (e->by_id, GINT_TO_POINTER (x->node->inputs[k]));
}

static inline gboolean
is_kind (const ex_node *x, const char *id)
{
  return strcmp (x->node->desc.ops->id, id) == 0;
}

static inline gboolean
is_recurrent (const ex_node *x)
{
  return is_kind (x, "simple_rnn") || is_kind (x, "lstm") || is_kind (x, "gru");
}

static inline int
param_int (const ex_node *x, const char *id)
{
  return (int) nn_layer_desc_get (&x->node->desc, id);
}

/* Python text (pytorch-export.c): the shortest number that reads back as v,
 * and a string literal in single quotes. */
void _pytorch_append_number (GString *s, double v);
void _pytorch_append_py_string (GString *s, const char *text);

/* A MaxPool2D/AvgPool2D window as pooling.c reads its parameters: sizes,
 * strides and the padding before (pb) and after (pe) the image, per axis
 * (0 rows, 1 columns); pf is the padding after the image that gives torch's
 * unpadded, floor-mode pool the layer's number of outputs. */
typedef struct
{
  int k[2], s[2], pb[2], pe[2], pf[2], dilation, padding;
  gboolean count_pad;
} pool_window;

/* A Conv2D/Conv2DTranspose as conv2d.c and conv2d_transpose.c read their
 * parameters, per axis (0 rows, 1 columns): kernel, stride, the extent of
 * the dilated kernel, and where the layer's output sits in what torch's
 * module computes: for Conv2D the padding before (pb) and after (pe) the
 * image; for Conv2DTranspose the full (unpadded) output and its crop pb
 * at the start. `module_pad` is TRUE when the module's symmetric padding
 * (plus output_padding) gives the layer's output exactly. */
typedef struct
{
  int k[2], s[2], ek[2], pb[2], pe[2], full[2];
  int dilation, groups, output_padding;
  gboolean module_pad;
} conv_form;

/* Padding forms (pytorch-export-padding.c): fills w for pooling node x and
 * says whether forward pads it; fills c for convolution node x; appends
 * ", stride=2" or ", stride=(2, 1)" (name then one value or a pair), and a
 * convolution module's arguments after its channels. */
gboolean _pytorch_pool_pads_in_forward (const ex_node *x, pool_window *w);
void _pytorch_conv_form_of (const ex_node *x, conv_form *c);
void _pytorch_append_pair (GString *m, const char *name, const int v[2]);
void _pytorch_append_conv_args (GString *m, const conv_form *c);

/* The PyTorch module of node x for __init__ appended to m, or FALSE when
 * the node is computed inline in forward; *supported FALSE for a kind the
 * exporter does not know (pytorch-export-modules.c). */
gboolean _pytorch_module_of (exporter *e, ex_node *x, GString *m, gboolean *supported);

/* The Model class, after the helper classes it uses, appended to s; an
 * NN_ERROR_UNSUPPORTED error for a layer it cannot build
 * (pytorch-export-model.c). */
gboolean _pytorch_write_model (exporter *e, GString *s, GError **error);
/* TokenEmbedding, ClassicGRU and Resize2d as e uses them, appended to s
 * (pytorch-export-classes.c). */
void _pytorch_append_classes (const exporter *e, GString *s);

/* Weights (pytorch-export-weights.c): torch's state_dict name of a weight
 * tensor of x; the project's weights and state as the weights file, or
 * NULL with an error when they no longer fit the graph. (Tensors are
 * written with nn_floats_to_base64, as a project file holds them.) */
char *_pytorch_torch_key (const ex_node *x, const char *name);
JsonNode *_pytorch_weights_json (exporter *e, GError **error);

/* Data (pytorch-export-data.c): the project's data opened, prepared and
 * split as the trainer saw it, or NULL with an error; its description (and
 * the samples, appended to bin) as the data file. */
nn_dataset *_pytorch_open_data (exporter *e, nn_split *split, GError **error);
JsonNode *_pytorch_data_json (exporter *e, const nn_dataset *ds, const nn_split *split,
                              const char *bin_name, GByteArray *bin);

G_END_DECLS
