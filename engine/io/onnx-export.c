/* onnx-export.c — writes a project's model as ONNX (see onnx-export.h).
 *
 * The model is compiled (which validates it and gives the initial weights of
 * an untrained project), the project's weights are applied, and each node is
 * written in topological order as one or a few ONNX nodes. The protobuf
 * messages are plain structs of protobuf-c; everything they point to is
 * kept in one list and freed together once the document is packed. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/onnx-export.h"
#include "onnx.pb-c.h"

#define OPSET      13
#define IR_VERSION 7
/* Attributes one ONNX node of ours carries at most (Conv/ConvTranspose: 6, Resize: 4). */
#define MAX_ATTRS 6

typedef struct
{
  GPtrArray *garbage;  /* every allocation the messages point to */
  GPtrArray *nodes;    /* Onnx__NodeProto * */
  GPtrArray *inits;    /* Onnx__TensorProto * */
  GHashTable *names;   /* tensor names in use (owned by garbage) */
  GHashTable *scalars; /* "%.9g" of a value (exact for a float) → its initializer's name */
  nn_model *model;
} exporter;

static gpointer
keep (exporter *ex, gpointer p)
{
  g_ptr_array_add (ex->garbage, p);
  return p;
}

/* A tensor name not used yet: base itself, else base_2, base_3 … */
static char *
unique_name (exporter *ex, const char *base)
{
  char *name = g_strdup (base);

  for (int i = 2; g_hash_table_contains (ex->names, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, i);
    }
  keep (ex, name);
  g_hash_table_add (ex->names, name);
  return name;
}

/* A string that lives as long as the document. */
static char *kept_printf (exporter *ex, const char *format, ...) G_GNUC_PRINTF (2, 3);

static char *
kept_printf (exporter *ex, const char *format, ...)
{
  va_list args;
  char *s;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return keep (ex, s);
}

static char *unique_printf (exporter *ex, const char *format, ...) G_GNUC_PRINTF (2, 3);

static char *
unique_printf (exporter *ex, const char *format, ...)
{
  va_list args;
  g_autofree char *base = NULL;

  va_start (args, format);
  base = g_strdup_vprintf (format, args);
  va_end (args);
  return unique_name (ex, base);
}

/* --- Initializers ------------------------------------------------------- */

static Onnx__TensorProto *
tensor_new (exporter *ex, const char *name, int data_type, const gint64 *dims, int n_dims,
            gsize bytes)
{
  Onnx__TensorProto *t = keep (ex, g_new0 (Onnx__TensorProto, 1));

  onnx__tensor_proto__init (t);
  t->name = (char *) name;
  t->has_data_type = TRUE;
  t->data_type = data_type;
  t->n_dims = n_dims;
  t->dims = keep (ex, g_memdup2 (dims, sizeof (gint64) * MAX (n_dims, 1)));
  t->has_raw_data = TRUE;
  t->raw_data.len = bytes;
  t->raw_data.data = keep (ex, g_malloc0 (MAX (bytes, 1)));
  g_ptr_array_add (ex->inits, t);
  return t;
}

/* raw_data is little-endian whatever the machine. */
static const char *
add_floats (exporter *ex, const char *name, const gint64 *dims, int n_dims, const float *data)
{
  gsize n = 1;
  Onnx__TensorProto *t;
  guint32 *raw;

  for (int i = 0; i < n_dims; i++)
    n *= (gsize) dims[i];
  t = tensor_new (ex, unique_name (ex, name), ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, dims, n_dims,
                  n * sizeof (float));
  raw = (guint32 *) t->raw_data.data;
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &data[i], sizeof bits);
      raw[i] = GUINT32_TO_LE (bits);
    }
  return t->name;
}

static const char *
add_ints (exporter *ex, const char *name, const gint64 *values, int n)
{
  const gint64 dims[] = { n };
  Onnx__TensorProto *t = tensor_new (
    ex, unique_name (ex, name), ONNX__TENSOR_PROTO__DATA_TYPE__INT64, dims, 1, n * sizeof (gint64));
  guint64 *raw = (guint64 *) t->raw_data.data;

  for (int i = 0; i < n; i++)
    raw[i] = GUINT64_TO_LE ((guint64) values[i]);
  return t->name;
}

/* A float scalar, shared by every node that needs the same value. */
static const char *
add_scalar (exporter *ex, float value)
{
  char *key = kept_printf (ex, "%.9g", value);
  const char *name = g_hash_table_lookup (ex->scalars, key);

  if (name == NULL)
    {
      name = add_floats (ex, kept_printf (ex, "const_%s", key), NULL, 0, &value);
      g_hash_table_insert (ex->scalars, key, (gpointer) name);
    }
  return name;
}

/* --- Nodes ---------------------------------------------------------------- */

/* An ONNX node; inputs and outputs are NULL-terminated lists of tensor
 * names ("" for an optional one left out). */
static Onnx__NodeProto *
add_node (exporter *ex, const char *op, const char *name, const char *const *inputs,
          const char *const *outputs)
{
  Onnx__NodeProto *n = keep (ex, g_new0 (Onnx__NodeProto, 1));

  onnx__node_proto__init (n);
  n->op_type = (char *) op;
  n->name = (char *) name;
  n->n_input = g_strv_length ((char **) inputs);
  n->input = keep (ex, g_memdup2 (inputs, sizeof (char *) * (n->n_input + 1)));
  n->n_output = g_strv_length ((char **) outputs);
  n->output = keep (ex, g_memdup2 (outputs, sizeof (char *) * (n->n_output + 1)));
  n->attribute = keep (ex, g_new0 (Onnx__AttributeProto *, MAX_ATTRS));
  g_ptr_array_add (ex->nodes, n);
  return n;
}

/* The common case: one output. */
static Onnx__NodeProto *
add_op (exporter *ex, const char *op, const char *name, const char *const *inputs,
        const char *output)
{
  const char *outputs[] = { output, NULL };

  return add_node (ex, op, name, inputs, outputs);
}

static Onnx__AttributeProto *
add_attr (exporter *ex, Onnx__NodeProto *n, const char *name,
          Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *a = keep (ex, g_new0 (Onnx__AttributeProto, 1));

  g_assert (n->n_attribute < MAX_ATTRS);
  onnx__attribute_proto__init (a);
  a->name = (char *) name;
  a->has_type = TRUE;
  a->type = type;
  n->attribute[n->n_attribute++] = a;
  return a;
}

static void
attr_int (exporter *ex, Onnx__NodeProto *n, const char *name, gint64 value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

  a->has_i = TRUE;
  a->i = value;
}

static void
attr_float (exporter *ex, Onnx__NodeProto *n, const char *name, float value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

  a->has_f = TRUE;
  a->f = value;
}

static void
attr_ints (exporter *ex, Onnx__NodeProto *n, const char *name, const gint64 *values, int count)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

  a->n_ints = count;
  a->ints = keep (ex, g_memdup2 (values, sizeof (gint64) * count));
}

static void
attr_string (exporter *ex, Onnx__NodeProto *n, const char *name, const char *value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

  a->has_s = TRUE;
  a->s.data = (guint8 *) value;
  a->s.len = strlen (value);
}

/* --- Weights -------------------------------------------------------------- */

static const float *
node_weight (exporter *ex, const nn_node *node, const char *name, const nn_weight_range **range)
{
  int n;
  const nn_weight_range *ranges = nn_model_weight_ranges (ex->model, &n);
  float *w = nn_model_weights (ex->model, NULL);

  for (int i = 0; i < n; i++)
    if (ranges[i].node_id == node->id && g_str_equal (ranges[i].info.name, name))
      {
        if (range != NULL)
          *range = &ranges[i];
        return w + ranges[i].offset;
      }
  return NULL;
}

/* A weight tensor as an initializer "<layer>.<name>" with its own shape. */
static const char *
add_weight (exporter *ex, const nn_node *node, const char *name)
{
  const nn_weight_range *r = NULL;
  const float *w = node_weight (ex, node, name, &r);
  gint64 dims[NN_MAX_DIMS];
  g_autofree char *full = g_strdup_printf ("%s.%s", node->name, name);

  if (w == NULL)
    return NULL;
  for (int i = 0; i < r->info.shape.rank; i++)
    dims[i] = r->info.shape.dim[i];
  return add_floats (ex, full, dims, r->info.shape.rank, w);
}

/* --- Layers --------------------------------------------------------------- */

typedef struct
{
  const nn_node *node;
  const char *const *in; /* tensor names of its inputs, NULL-terminated */
  const nn_shape *in_shape;
  const nn_shape *out_shape;
  const char *out; /* the tensor name it must produce */
} layer;

static double
param (const layer *l, const char *id)
{
  return nn_layer_desc_get (&l->node->desc, id);
}

static const char *
tmp_name (exporter *ex, const layer *l, const char *what)
{
  return unique_printf (ex, "%s/%s", l->node->name, what);
}

static void
export_dense (exporter *ex, const layer *l)
{
  const char *x = l->in[0];
  const char *w = add_weight (ex, l->node, "weight");
  const char *b = add_weight (ex, l->node, "bias");
  Onnx__NodeProto *n;

  /* Dense reads any input as one vector per sample; Gemm needs [N, F]. */
  if (l->in_shape[0].rank != 1)
    {
      const char *flat = tmp_name (ex, l, "flatten");
      n = add_op (ex, "Flatten", flat, (const char *[]){ x, NULL }, flat);
      attr_int (ex, n, "axis", 1);
      x = flat;
    }
  n = add_op (ex, "Gemm", l->node->name, (const char *[]){ x, w, b, NULL }, l->out);
  attr_int (ex, n, "transB", 1);
}

/* Conv2D/Conv2DTranspose as conv2d.c and conv2d_transpose.c read their
 * parameters: kh×kw kernels, sh×sw strides, dilation, groups (Conv2D),
 * 'same' with the odd pixel at the end, 'explicit' as PyTorch's padding. */
static void
export_conv (exporter *ex, const layer *l, gboolean transpose)
{
  const int kh = (int) param (l, "kernel"), sh = (int) param (l, "stride");
  const int kw = param (l, "kernel_width") > 0 ? (int) param (l, "kernel_width") : kh;
  const int sw = param (l, "stride_width") > 0 ? (int) param (l, "stride_width") : sh;
  const int padding = (int) param (l, "padding"), dilation = (int) param (l, "dilation");
  const int groups = transpose ? 1 : (int) param (l, "groups");
  const int ph = (int) param (l, "pad");
  const int pw = param (l, "pad_width") >= 0 ? (int) param (l, "pad_width") : ph;
  const int k[] = { kh, kw }, s[] = { sh, sw };
  const gint64 kernel[] = { kh, kw }, strides[] = { sh, sw }, dilations[] = { dilation, dilation };
  const char *w = add_weight (ex, l->node, "weight");
  const char *b = add_weight (ex, l->node, "bias");
  Onnx__NodeProto *n;
  gint64 pads[4] = { 0 }, extra[2] = { 0 };

  n = add_op (ex, transpose ? "ConvTranspose" : "Conv", l->node->name,
              (const char *[]){ l->in[0], w, b, NULL }, l->out);
  attr_ints (ex, n, "kernel_shape", kernel, 2);
  attr_ints (ex, n, "strides", strides, 2);
  if (dilation != 1)
    attr_ints (ex, n, "dilations", dilations, 2);
  if (groups != 1)
    attr_int (ex, n, "group", groups);
  for (int axis = 0; axis < 2; axis++)
    {
      const int ek = (k[axis] - 1) * dilation + 1;

      if (padding == 2)
        {
          pads[axis] = pads[2 + axis] = axis == 0 ? ph : pw;
          if (transpose)
            extra[axis] = (gint64) param (l, "output_padding");
        }
      else if (padding == 1 && !transpose)
        {
          /* as conv2d.c: out = ceil(in / stride), the odd pixel at the end */
          const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
          const int total = MAX ((out - 1) * s[axis] + ek - in, 0);
          pads[axis] = total / 2;
          pads[2 + axis] = total - total / 2;
        }
      else if (padding == 1 && ek >= s[axis])
        {
          /* as conv2d_transpose.c: the full output cropped by k − s pixels */
          pads[axis] = (ek - s[axis]) / 2;
          pads[2 + axis] = (ek - s[axis]) - (ek - s[axis]) / 2;
        }
      else if (padding == 1)
        /* the full output is s − k pixels short of in × s: bias only there */
        extra[axis] = s[axis] - ek;
    }
  if (pads[0] || pads[1] || pads[2] || pads[3])
    attr_ints (ex, n, "pads", pads, 4);
  if (extra[0] || extra[1])
    attr_ints (ex, n, "output_padding", extra, 2);
}

/* MaxPool2D/AvgPool2D as pooling.c reads its parameters: a kh×kw window,
 * sh×sw strides, 'same' padding with the odd cell at the end (ONNX's
 * SAME_UPPER) or, for 'same_lower' (3), at the start (SAME_LOWER), both
 * written as pads; explicit padding the same on both sides.
 *
 * ceil_mode is written only where floor mode cannot give the same windows:
 * ONNX's shape inference before 1.16 (and so onnx.checker) keeps a last
 * window that starts in the end padding, which pooling.c drops as PyTorch
 * does. When the rule drops that window, floor mode counts the same
 * windows; a partial window Layerlab keeps is written in floor mode with
 * the end padding grown to hold it, which changes nothing for a max or an
 * average of image cells. An average that counts padding divides a partial
 * window by its cells up to the end padding, which only ceil_mode gives;
 * it keeps ceil_mode, and where ONNX would then add the dropped window the
 * end padding shrinks to where the last window ends — impossible when that
 * is inside the image, which is refused. */
static gboolean
export_pool (exporter *ex, const layer *l, const char *op, GError **error)
{
  const gboolean max = g_str_equal (op, "MaxPool");
  const int kh = (int) param (l, "size");
  const int kw = param (l, "size_width") > 0 ? (int) param (l, "size_width") : kh;
  const int stride = (int) param (l, "stride");
  const int sh = stride > 0 ? stride : kh;
  const int sw = param (l, "stride_width") > 0 ? (int) param (l, "stride_width")
                 : stride > 0                  ? stride
                                               : kw;
  const int padding = (int) param (l, "padding"), dilation = max ? (int) param (l, "dilation") : 1;
  const gint64 kernel[] = { kh, kw }, strides[] = { sh, sw }, dilations[] = { dilation, dilation };
  gint64 pads[4] = { 0 };
  int room[2] = { 0 }, reach[2] = { 0 };
  gboolean partial[2] = { FALSE }, counted, ceil = FALSE;
  Onnx__NodeProto *n;

  if (padding == 1 || padding == 3)
    for (int axis = 0; axis < 2; axis++)
      {
        const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
        const int span = ((axis ? kw : kh) - 1) * dilation + 1;
        const int total = MAX ((out - 1) * (axis ? sw : sh) + span - in, 0);

        pads[axis] = padding == 1 ? total / 2 : total - total / 2;
        pads[2 + axis] = total - pads[axis];
      }
  else if (padding == 2)
    {
      pads[0] = pads[2] = (int) param (l, "pad");
      pads[1] = pads[3] = param (l, "pad_width") >= 0 ? (int) param (l, "pad_width") : pads[0];
    }
  /* ONNX's default is 0; PyTorch's and Layerlab's explicit padding count */
  counted = !max && padding == 2 && param (l, "count_pad") != 0 && (pads[0] || pads[1]);
  /* 'same' windows all fit once padded: ceil_mode changes nothing there */
  if (padding != 1 && padding != 3 && param (l, "ceil_mode") != 0)
    for (int axis = 0; axis < 2; axis++)
      {
        const int in = l->in_shape[0].dim[1 + axis], out = l->out_shape->dim[1 + axis];
        const int span = ((axis ? kw : kh) - 1) * dilation + 1, s = axis ? sw : sh;

        room[axis] = in + (int) pads[axis] + (int) pads[2 + axis] - span;
        /* the padding after the image that the last window reaches */
        reach[axis] = (out - 1) * s + span - in - (int) pads[axis];
        partial[axis] = room[axis] / s + 1 < out;
        ceil = ceil || (counted && partial[axis]);
      }
  for (int axis = 0; axis < 2; axis++)
    {
      const int out = l->out_shape->dim[1 + axis], s = axis ? sw : sh;

      if (!ceil && partial[axis])
        pads[2 + axis] = reach[axis];
      else if (ceil && (room[axis] + s - 1) / s + 1 > out)
        {
          if (reach[axis] < 0)
            {
              g_autofree char *label = nn_graph_node_label (l->node);

              g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                           axis ? _ ("%s cannot be written as ONNX: an AveragePool that counts "
                                     "padding cannot keep the partial windows at the bottom and "
                                     "leave out the last window at the right, which starts past "
                                     "the image — turn off Count padding or Keep partial windows")
                                : _ ("%s cannot be written as ONNX: an AveragePool that counts "
                                     "padding cannot keep the partial windows at the right and "
                                     "leave out the last window at the bottom, which starts past "
                                     "the image — turn off Count padding or Keep partial windows"),
                           label);
              return FALSE;
            }
          pads[2 + axis] = reach[axis];
        }
    }
  n = add_op (ex, op, l->node->name, (const char *[]){ l->in[0], NULL }, l->out);
  attr_ints (ex, n, "kernel_shape", kernel, 2);
  attr_ints (ex, n, "strides", strides, 2);
  if (pads[0] || pads[1] || pads[2] || pads[3])
    attr_ints (ex, n, "pads", pads, 4);
  if (ceil)
    attr_int (ex, n, "ceil_mode", 1);
  if (dilation > 1)
    attr_ints (ex, n, "dilations", dilations, 2);
  if (counted)
    attr_int (ex, n, "count_include_pad", 1);
  return TRUE;
}

static void
export_flatten (exporter *ex, const layer *l, const char *name, const char *x)
{
  Onnx__NodeProto *n = add_op (ex, "Flatten", name, (const char *[]){ x, NULL }, l->out);

  attr_int (ex, n, "axis", 1);
}

static void
export_reshape (exporter *ex, const layer *l)
{
  gint64 shape[NN_MAX_DIMS + 1] = { -1 };
  const char *target;

  for (int i = 0; i < l->out_shape->rank; i++)
    shape[1 + i] = l->out_shape->dim[i];
  target =
    add_ints (ex, kept_printf (ex, "%s.shape", l->node->name), shape, 1 + l->out_shape->rank);
  add_op (ex, "Reshape", l->node->name, (const char *[]){ l->in[0], target, NULL }, l->out);
}

static void
export_batchnorm (exporter *ex, const layer *l)
{
  const int ch = l->in_shape[0].dim[0];
  const gint64 dims[] = { ch };
  gsize n_state;
  const float *state = nn_model_node_state (ex->model, l->node->id, &n_state);
  g_autofree char *mean_name = g_strdup_printf ("%s.running_mean", l->node->name);
  g_autofree char *var_name = g_strdup_printf ("%s.running_var", l->node->name);
  const char *gamma = add_weight (ex, l->node, "gamma");
  const char *beta = add_weight (ex, l->node, "beta");
  const char *mean = add_floats (ex, mean_name, dims, 1, state);
  const char *var = add_floats (ex, var_name, dims, 1, state + ch);
  Onnx__NodeProto *n = add_op (ex, "BatchNormalization", l->node->name,
                               (const char *[]){ l->in[0], gamma, beta, mean, var, NULL }, l->out);

  g_assert (n_state == 2 * (gsize) ch);
  attr_float (ex, n, "epsilon", (float) param (l, "eps"));
}

/* GELU has no operator before opset 20: its exact form through Erf. */
static void
export_gelu (exporter *ex, const layer *l)
{
  const char *x = l->in[0];
  const char *scaled = tmp_name (ex, l, "div");
  const char *erf = tmp_name (ex, l, "erf");
  const char *plus = tmp_name (ex, l, "add");
  const char *times = tmp_name (ex, l, "mul");

  add_op (ex, "Div", scaled, (const char *[]){ x, add_scalar (ex, (float) G_SQRT2), NULL }, scaled);
  add_op (ex, "Erf", erf, (const char *[]){ scaled, NULL }, erf);
  add_op (ex, "Add", plus, (const char *[]){ erf, add_scalar (ex, 1.0f), NULL }, plus);
  add_op (ex, "Mul", times, (const char *[]){ x, plus, NULL }, times);
  add_op (ex, "Mul", l->node->name, (const char *[]){ times, add_scalar (ex, 0.5f), NULL }, l->out);
}

/* As embedding.c: ids are rounded and an id outside the table reads the
 * unknown token's row 1, so any input gives an output, as in the engine. */
static void
export_embedding (exporter *ex, const layer *l)
{
  const float vocab = (float) param (l, "input_dim");
  const char *w = add_weight (ex, l->node, "weight");
  const char *round = tmp_name (ex, l, "round");
  const char *ge = tmp_name (ex, l, "ge");
  const char *lt = tmp_name (ex, l, "lt");
  const char *ok = tmp_name (ex, l, "in_table");
  const char *ids = tmp_name (ex, l, "ids");
  const char *ids64 = tmp_name (ex, l, "ids_int64");
  Onnx__NodeProto *n;

  add_op (ex, "Round", round, (const char *[]){ l->in[0], NULL }, round);
  add_op (ex, "GreaterOrEqual", ge, (const char *[]){ round, add_scalar (ex, 0.0f), NULL }, ge);
  add_op (ex, "Less", lt, (const char *[]){ round, add_scalar (ex, vocab), NULL }, lt);
  add_op (ex, "And", ok, (const char *[]){ ge, lt, NULL }, ok);
  add_op (ex, "Where", ids, (const char *[]){ ok, round, add_scalar (ex, 1.0f), NULL }, ids);
  n = add_op (ex, "Cast", ids64, (const char *[]){ ids, NULL }, ids64);
  attr_int (ex, n, "to", ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
  n = add_op (ex, "Gather", l->node->name, (const char *[]){ w, ids64, NULL }, l->out);
  attr_int (ex, n, "axis", 0);
}

/* Blocks of H rows of a [G·H, cols] matrix (or [G·H] vector, cols 1) from
 * PyTorch's gate order into ONNX's: dst block i = src block order[i]. */
static void
reorder_gates (float *dst, const float *src, const int *order, int G, int H, int cols)
{
  const gsize block = (gsize) H * cols;

  for (int i = 0; i < G; i++)
    memcpy (dst + i * block, src + order[i] * block, sizeof (float) * block);
}

static void
export_recurrent (exporter *ex, const layer *l, const char *op, int G)
{
  /* ONNX stacks LSTM gates i, o, f, c and GRU gates z, r, h; PyTorch (and
   * recurrent.c) i, f, g, o and r, z, n. */
  static const int lstm_order[] = { 0, 3, 1, 2 }, gru_order[] = { 1, 0, 2 }, rnn_order[] = { 0 };
  const int *order = G == 4 ? lstm_order : G == 3 ? gru_order : rnn_order;
  const int F = l->in_shape[0].dim[1];
  const int H = (int) param (l, "units"), GH = G * H;
  const gboolean seq = param (l, "return_sequences") != 0.0;
  const float *w_ih = node_weight (ex, l->node, "weight_ih", NULL);
  const float *w_hh = node_weight (ex, l->node, "weight_hh", NULL);
  const float *b_ih = node_weight (ex, l->node, "bias_ih", NULL);
  const float *b_hh = node_weight (ex, l->node, "bias_hh", NULL);
  g_autofree float *W = g_new (float, (gsize) GH *F);
  g_autofree float *R = g_new (float, (gsize) GH *H);
  g_autofree float *B = g_new (float, (gsize) 2 * GH);
  const gint64 w_dims[] = { 1, GH, F }, r_dims[] = { 1, GH, H }, b_dims[] = { 1, 2 * GH };
  const gint64 perm[] = { 1, 0, 2 };
  const char *x_t = tmp_name (ex, l, "seq_major");
  const char *y = tmp_name (ex, l, "Y");
  const char *y_h = tmp_name (ex, l, "Y_h");
  const char *w, *r, *b;
  Onnx__NodeProto *n;

  reorder_gates (W, w_ih, order, G, H, F);
  reorder_gates (R, w_hh, order, G, H, H);
  reorder_gates (B, b_ih, order, G, H, 1);
  reorder_gates (B + GH, b_hh, order, G, H, 1);
  w = add_floats (ex, kept_printf (ex, "%s.W", l->node->name), w_dims, 3, W);
  r = add_floats (ex, kept_printf (ex, "%s.R", l->node->name), r_dims, 3, R);
  b = add_floats (ex, kept_printf (ex, "%s.B", l->node->name), b_dims, 2, B);

  /* The engine's sequences are batch-major, ONNX's recurrent operators
   * (before opset 14's layout) sequence-major. */
  n = add_op (ex, "Transpose", x_t, (const char *[]){ l->in[0], NULL }, x_t);
  attr_ints (ex, n, "perm", perm, 3);
  n = add_node (ex, op, l->node->name, (const char *[]){ x_t, w, r, b, NULL },
                (const char *[]){ seq ? y : "", seq ? "" : y_h, NULL });
  attr_int (ex, n, "hidden_size", H);
  /* 0, the original GRU, is ONNX's default, but runtimes differ on
   * whether they support it, so it is written either way */
  if (G == 3)
    attr_int (ex, n, "linear_before_reset", param (l, "reset_after") != 0.0);

  if (seq)
    {
      const gint64 axis[] = { 1 };
      const char *squeezed = tmp_name (ex, l, "squeeze");
      const char *axes = add_ints (ex, kept_printf (ex, "%s.squeeze_axes", l->node->name), axis, 1);

      /* Y is [T, directions, N, H] */
      add_op (ex, "Squeeze", squeezed, (const char *[]){ y, axes, NULL }, squeezed);
      n = add_op (ex, "Transpose", tmp_name (ex, l, "batch_major"),
                  (const char *[]){ squeezed, NULL }, l->out);
      attr_ints (ex, n, "perm", perm, 3);
    }
  else
    {
      const gint64 axis[] = { 0 };
      const char *axes = add_ints (ex, kept_printf (ex, "%s.squeeze_axes", l->node->name), axis, 1);

      /* Y_h is [directions, N, H] */
      add_op (ex, "Squeeze", tmp_name (ex, l, "last"), (const char *[]){ y_h, axes, NULL }, l->out);
    }
}

static void
export_upsampling (exporter *ex, const layer *l)
{
  const float sh = (float) param (l, "size");
  const float sw = param (l, "size_width") > 0 ? (float) param (l, "size_width") : sh;
  const gboolean bilinear = param (l, "interpolation") != 0.0;
  const float scales[] = { 1.0f, 1.0f, sh, sw };
  const gint64 dims[] = { 4 };
  const char *sc = add_floats (ex, kept_printf (ex, "%s.scales", l->node->name), dims, 1, scales);
  Onnx__NodeProto *n =
    add_op (ex, "Resize", l->node->name, (const char *[]){ l->in[0], "", sc, NULL }, l->out);

  if (bilinear)
    {
      /* PyTorch's bilinear: pixel centres at (o + ½)/f − ½, or corners
       * lined up */
      attr_string (ex, n, "mode", "linear");
      attr_string (ex, n, "coordinate_transformation_mode",
                   param (l, "align_corners") != 0.0 ? "align_corners" : "half_pixel");
    }
  else
    {
      /* source pixel = floor(y / f): each pixel becomes an fh × fw block */
      attr_string (ex, n, "mode", "nearest");
      attr_string (ex, n, "coordinate_transformation_mode", "asymmetric");
      attr_string (ex, n, "nearest_mode", "floor");
    }
}

/* Resize2D as resize.c computes it: ONNX's own modes, so the parameters
 * become attributes one for one. A scale goes out as scales (it places the
 * pixels too), otherwise the size as sizes. Resize-13's roi input is left
 * out (only tf_crop_and_resize reads it). */
static void
export_resize (exporter *ex, const layer *l)
{
  static const char *const modes[] = { "nearest", "linear", "cubic" };
  static const char *const coordinates[] = { "half_pixel", "align_corners", "asymmetric",
                                             "pytorch_half_pixel", "tf_half_pixel_for_nn" };
  static const char *const roundings[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
                                           "ceil" };
  const int interpolation = (int) param (l, "interpolation");
  const double scale = param (l, "scale");
  const gint64 dims[] = { 4 };
  Onnx__NodeProto *n;

  if (scale > 0.0)
    {
      const double scale_w = param (l, "scale_width") > 0.0 ? param (l, "scale_width") : scale;
      const float scales[] = { 1.0f, 1.0f, (float) scale, (float) scale_w };
      const char *sc =
        add_floats (ex, kept_printf (ex, "%s.scales", l->node->name), dims, 1, scales);

      n = add_op (ex, "Resize", l->node->name, (const char *[]){ l->in[0], "", sc, NULL }, l->out);
    }
  else
    {
      /* sizes name the batch too, which is N in the graph: the input's own
       * batch and channels (Shape, Gather [0, 1]) joined with the size */
      const gint64 first_two[] = { 0, 1 };
      const gint64 size[] = { l->out_shape->dim[1], l->out_shape->dim[2] };
      const char *shape = tmp_name (ex, l, "shape"), *nc = tmp_name (ex, l, "batch_channels");
      const char *sizes = tmp_name (ex, l, "sizes");
      const char *idx = add_ints (ex, kept_printf (ex, "%s.batch_channel_axes", l->node->name),
                                  first_two, 2);
      const char *hw = add_ints (ex, kept_printf (ex, "%s.size", l->node->name), size, 2);

      add_op (ex, "Shape", shape, (const char *[]){ l->in[0], NULL }, shape);
      n = add_op (ex, "Gather", nc, (const char *[]){ shape, idx, NULL }, nc);
      attr_int (ex, n, "axis", 0);
      n = add_op (ex, "Concat", sizes, (const char *[]){ nc, hw, NULL }, sizes);
      attr_int (ex, n, "axis", 0);
      n = add_op (ex, "Resize", l->node->name, (const char *[]){ l->in[0], "", "", sizes, NULL },
                  l->out);
    }
  attr_string (ex, n, "mode", modes[interpolation]);
  attr_string (ex, n, "coordinate_transformation_mode",
               coordinates[(int) param (l, "coordinates")]);
  if (interpolation == 0)
    attr_string (ex, n, "nearest_mode", roundings[(int) param (l, "nearest_rounding")]);
  if (interpolation == 2)
    {
      attr_float (ex, n, "cubic_coeff_a", (float) param (l, "cubic_a"));
      attr_int (ex, n, "exclude_outside", param (l, "exclude_outside") != 0.0);
    }
}

static gboolean
export_layer (exporter *ex, const layer *l, GError **error)
{
  const char *id = l->node->desc.ops->id;
  const char *name = l->node->name;
  const char *const *in = l->in;
  Onnx__NodeProto *n;

  if (g_str_equal (id, "dense"))
    export_dense (ex, l);
  else if (g_str_equal (id, "conv2d"))
    export_conv (ex, l, FALSE);
  else if (g_str_equal (id, "conv2d_transpose"))
    export_conv (ex, l, TRUE);
  else if (g_str_equal (id, "maxpool2d"))
    return export_pool (ex, l, "MaxPool", error);
  else if (g_str_equal (id, "avgpool2d"))
    return export_pool (ex, l, "AveragePool", error);
  else if (g_str_equal (id, "globalavgpool2d"))
    {
      const char *pooled = tmp_name (ex, l, "pool");

      add_op (ex, "GlobalAveragePool", pooled, (const char *[]){ in[0], NULL }, pooled);
      export_flatten (ex, l, name, pooled);
    }
  else if (g_str_equal (id, "flatten"))
    export_flatten (ex, l, name, in[0]);
  else if (g_str_equal (id, "reshape"))
    export_reshape (ex, l);
  else if (g_str_equal (id, "dropout"))
    add_op (ex, "Identity", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "batchnorm"))
    export_batchnorm (ex, l);
  else if (g_str_equal (id, "relu"))
    add_op (ex, "Relu", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "sigmoid"))
    add_op (ex, "Sigmoid", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "tanh"))
    add_op (ex, "Tanh", name, (const char *[]){ in[0], NULL }, l->out);
  else if (g_str_equal (id, "leaky_relu"))
    {
      n = add_op (ex, "LeakyRelu", name, (const char *[]){ in[0], NULL }, l->out);
      attr_float (ex, n, "alpha", (float) param (l, "slope"));
    }
  else if (g_str_equal (id, "elu"))
    {
      n = add_op (ex, "Elu", name, (const char *[]){ in[0], NULL }, l->out);
      attr_float (ex, n, "alpha", (float) param (l, "alpha"));
    }
  else if (g_str_equal (id, "gelu"))
    export_gelu (ex, l);
  else if (g_str_equal (id, "softmax"))
    {
      n = add_op (ex, "Softmax", name, (const char *[]){ in[0], NULL }, l->out);
      attr_int (ex, n, "axis", -1);
    }
  else if (g_str_equal (id, "add"))
    add_op (ex, l->node->n_inputs == 2 ? "Add" : "Sum", name, in, l->out);
  else if (g_str_equal (id, "concatenate"))
    {
      /* as merge.c: channels of an image, the last axis otherwise */
      const nn_shape *s = &l->in_shape[0];
      n = add_op (ex, "Concat", name, in, l->out);
      attr_int (ex, n, "axis", s->rank == 3 ? 1 : s->rank);
    }
  else if (g_str_equal (id, "embedding"))
    export_embedding (ex, l);
  else if (g_str_equal (id, "simple_rnn"))
    export_recurrent (ex, l, "RNN", 1);
  else if (g_str_equal (id, "lstm"))
    export_recurrent (ex, l, "LSTM", 4);
  else if (g_str_equal (id, "gru"))
    export_recurrent (ex, l, "GRU", 3);
  else if (g_str_equal (id, "upsampling2d"))
    export_upsampling (ex, l);
  else if (g_str_equal (id, "resize2d"))
    export_resize (ex, l);
  else
    {
      g_autofree char *label = nn_graph_node_label (l->node);
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s cannot be written as ONNX: Layerlab knows no ONNX operator for it"),
                   label);
      return FALSE;
    }
  return TRUE;
}

/* --- Graph inputs and outputs -------------------------------------------- */

static Onnx__ValueInfoProto *
value_info (exporter *ex, const char *name, const nn_shape *shape)
{
  Onnx__ValueInfoProto *v = keep (ex, g_new0 (Onnx__ValueInfoProto, 1));
  Onnx__TypeProto *type = keep (ex, g_new0 (Onnx__TypeProto, 1));
  Onnx__TypeProto__Tensor *tensor = keep (ex, g_new0 (Onnx__TypeProto__Tensor, 1));
  Onnx__TensorShapeProto *s = keep (ex, g_new0 (Onnx__TensorShapeProto, 1));
  Onnx__TensorShapeProto__Dimension **dims =
    keep (ex, g_new0 (Onnx__TensorShapeProto__Dimension *, shape->rank + 1));

  onnx__value_info_proto__init (v);
  onnx__type_proto__init (type);
  onnx__type_proto__tensor__init (tensor);
  onnx__tensor_shape_proto__init (s);
  for (int i = 0; i <= shape->rank; i++)
    {
      Onnx__TensorShapeProto__Dimension *d =
        keep (ex, g_new0 (Onnx__TensorShapeProto__Dimension, 1));

      onnx__tensor_shape_proto__dimension__init (d);
      if (i == 0)
        {
          d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
          d->dim_param = "N";
        }
      else
        {
          d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
          d->dim_value = shape->dim[i - 1];
        }
      dims[i] = d;
    }
  s->n_dim = shape->rank + 1;
  s->dim = dims;
  tensor->has_elem_type = TRUE;
  tensor->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tensor->shape = s;
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tensor;
  v->name = (char *) name;
  v->type = type;
  return v;
}

/* The Input layer's tensor: "input" itself, or its normalised form. */
static const char *
export_input (exporter *ex, const nn_project *p, const nn_node *node, const nn_shape *shape,
              const char *out)
{
  gint64 dims[NN_MAX_DIMS];
  const char *x = "input";

  if (p->norm_size > 0 && (gsize) p->norm_size == nn_shape_size (shape))
    {
      const char *centred = unique_name (ex, "input/centred");
      const char *result = out != NULL ? out : unique_name (ex, node->name);
      const char *mean, *inv_std;

      for (int i = 0; i < shape->rank; i++)
        dims[i] = shape->dim[i];
      mean = add_floats (ex, "input.mean", dims, shape->rank, p->norm_mean);
      inv_std = add_floats (ex, "input.inv_std", dims, shape->rank, p->norm_inv_std);
      add_op (ex, "Sub", centred, (const char *[]){ x, mean, NULL }, centred);
      add_op (ex, "Mul", result, (const char *[]){ centred, inv_std, NULL }, result);
      return result;
    }
  if (out != NULL)
    {
      /* a model that is only its Input still has an output */
      add_op (ex, "Identity", node->name, (const char *[]){ x, NULL }, out);
      return out;
    }
  return x;
}

static guint8 *
pack (exporter *ex, const nn_graph_report *report, gsize *length)
{
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[] = { &opset };
  Onnx__ValueInfoProto *inputs[1], *outputs[1];
  const nn_node_report *in = nn_graph_report_node (report, report->input_id);
  const nn_node_report *out = nn_graph_report_node (report, report->output_id);
  guint8 *data;

  onnx__model_proto__init (&model);
  onnx__graph_proto__init (&graph);
  onnx__operator_set_id_proto__init (&opset);
  opset.domain = "";
  opset.has_version = TRUE;
  opset.version = OPSET;
  inputs[0] = value_info (ex, "input", &in->out_shape);
  outputs[0] = value_info (ex, "output", &out->out_shape);

  graph.name = "layerlab";
  graph.n_node = ex->nodes->len;
  graph.node = (Onnx__NodeProto **) ex->nodes->pdata;
  graph.n_initializer = ex->inits->len;
  graph.initializer = (Onnx__TensorProto **) ex->inits->pdata;
  graph.n_input = 1;
  graph.input = inputs;
  graph.n_output = 1;
  graph.output = outputs;

  model.has_ir_version = TRUE;
  model.ir_version = IR_VERSION;
  model.n_opset_import = 1;
  model.opset_import = opsets;
  model.producer_name = "Layerlab";
  model.producer_version = PACKAGE_VERSION;
  model.graph = &graph;

  *length = onnx__model_proto__get_packed_size (&model);
  data = g_malloc (MAX (*length, 1));
  onnx__model_proto__pack (&model, data);
  return data;
}

guint8 *
nn_onnx_export_to_data (const nn_project *p, gsize *length, GError **error)
{
  g_autoptr (nn_model) model = NULL;
  nn_graph_report report = { 0 };
  exporter ex = { 0 };
  guint8 *data = NULL;
  gboolean ok = TRUE;

  /* Compiling checks the graph and gives an untrained project the weights
   * training would start from. */
  model = nn_model_compile (p->graph, 1, p->config.seed, error);
  if (model == NULL || !nn_project_apply_weights (p, model, error))
    return NULL;
  nn_graph_infer (p->graph, &report);

  ex.garbage = g_ptr_array_new_with_free_func (g_free);
  ex.nodes = g_ptr_array_new ();
  ex.inits = g_ptr_array_new ();
  ex.names = g_hash_table_new (g_str_hash, g_str_equal);
  ex.scalars = g_hash_table_new (g_str_hash, g_str_equal);
  ex.model = model;
  g_hash_table_add (ex.names, "input");
  g_hash_table_add (ex.names, "output");

  {
    const int n = nn_model_n_nodes (model);
    /* tensor names by node id */
    g_autoptr (GHashTable) tensors = g_hash_table_new (g_direct_hash, g_direct_equal);

    for (int k = 0; k < n && ok; k++)
      {
        const nn_node *node = nn_model_nth_node (model, k);
        const nn_node_report *r = nn_graph_report_node (&report, node->id);
        const gboolean last = node->id == report.output_id;
        const char *out;

        if (node->desc.ops->min_inputs == 0)
          out = export_input (&ex, p, node, &r->out_shape, last ? "output" : NULL);
        else
          {
            const char *in[NN_MAX_INPUTS + 1] = { NULL };
            nn_shape in_shape[NN_MAX_INPUTS];
            layer l;

            for (int i = 0; i < node->n_inputs; i++)
              {
                in[i] = g_hash_table_lookup (tensors, GINT_TO_POINTER (node->inputs[i]));
                in_shape[i] = nn_graph_report_node (&report, node->inputs[i])->out_shape;
              }
            out = last ? "output" : unique_name (&ex, node->name);
            l = (layer){ node, in, in_shape, &r->out_shape, out };
            ok = export_layer (&ex, &l, error);
          }
        g_hash_table_insert (tensors, GINT_TO_POINTER (node->id), (gpointer) out);
      }
  }
  if (ok)
    data = pack (&ex, &report, length);

  nn_graph_report_clear (&report);
  g_hash_table_unref (ex.names);
  g_hash_table_unref (ex.scalars);
  g_ptr_array_unref (ex.nodes);
  g_ptr_array_unref (ex.inits);
  g_ptr_array_unref (ex.garbage);
  return data;
}

gboolean
nn_onnx_export (const nn_project *p, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;

  data = nn_onnx_export_to_data (p, &length, error);
  if (data == NULL)
    return FALSE;
  /* a synced temporary file renamed over the old one: neither a crash nor
   * a full disk leaves half a file (see nn_project_save) */
  if (!g_file_set_contents_full (path, (const char *) data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write %s: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
