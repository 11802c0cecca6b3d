/* onnx-export-proto.c — the protobuf messages of an ONNX document:
 * initializers, nodes, attributes and weights (see onnx-export-private.h). */
#include "config.h"

#include <string.h>

#include "onnx-export-private.h"

/* Attributes one ONNX node of ours carries at most (Conv/ConvTranspose: 6, Resize: 4). */
#define MAX_ATTRS 6

gpointer
_onnx_write_keep (onnx_exporter *ex, gpointer p)
{
  g_ptr_array_add (ex->garbage, p);
  return p;
}

char *
_onnx_write_name (onnx_exporter *ex, const char *base)
{
  char *name = g_strdup (base);

  for (int i = 2; g_hash_table_contains (ex->names, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, i);
    }
  _onnx_write_keep (ex, name);
  g_hash_table_add (ex->names, name);
  return name;
}

char *
_onnx_write_kept_printf (onnx_exporter *ex, const char *format, ...)
{
  va_list args;
  char *s;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return _onnx_write_keep (ex, s);
}

char *
_onnx_write_printf (onnx_exporter *ex, const char *format, ...)
{
  va_list args;
  g_autofree char *base = NULL;

  va_start (args, format);
  base = g_strdup_vprintf (format, args);
  va_end (args);
  return _onnx_write_name (ex, base);
}

/* --- Initializers ------------------------------------------------------- */

static Onnx__TensorProto *
tensor_new (onnx_exporter *ex, const char *name, int data_type, const gint64 *dims, int n_dims,
            gsize bytes)
{
  Onnx__TensorProto *t = _onnx_write_keep (ex, g_new0 (Onnx__TensorProto, 1));

  onnx__tensor_proto__init (t);
  t->name = (char *) name;
  t->has_data_type = TRUE;
  t->data_type = data_type;
  t->n_dims = n_dims;
  t->dims = _onnx_write_keep (ex, g_memdup2 (dims, sizeof (gint64) * MAX (n_dims, 1)));
  t->has_raw_data = TRUE;
  t->raw_data.len = bytes;
  t->raw_data.data = _onnx_write_keep (ex, g_malloc0 (MAX (bytes, 1)));
  g_ptr_array_add (ex->inits, t);
  return t;
}

/* raw_data is little-endian whatever the machine. */
const char *
_onnx_write_floats (onnx_exporter *ex, const char *name, const gint64 *dims, int n_dims,
                    const float *data)
{
  gsize n = 1;
  Onnx__TensorProto *t;
  guint32 *raw;

  for (int i = 0; i < n_dims; i++)
    n *= (gsize) dims[i];
  t = tensor_new (ex, _onnx_write_name (ex, name), ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, dims,
                  n_dims, n * sizeof (float));
  raw = (guint32 *) t->raw_data.data;
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &data[i], sizeof bits);
      raw[i] = GUINT32_TO_LE (bits);
    }
  return t->name;
}

const char *
_onnx_write_ints (onnx_exporter *ex, const char *name, const gint64 *values, int n)
{
  const gint64 dims[] = { n };
  Onnx__TensorProto *t =
    tensor_new (ex, _onnx_write_name (ex, name), ONNX__TENSOR_PROTO__DATA_TYPE__INT64, dims, 1,
                n * sizeof (gint64));
  guint64 *raw = (guint64 *) t->raw_data.data;

  for (int i = 0; i < n; i++)
    raw[i] = GUINT64_TO_LE ((guint64) values[i]);
  return t->name;
}

const char *
_onnx_write_scalar (onnx_exporter *ex, float value)
{
  char *key = _onnx_write_kept_printf (ex, "%.9g", value);
  const char *name = g_hash_table_lookup (ex->scalars, key);

  if (name == NULL)
    {
      name =
        _onnx_write_floats (ex, _onnx_write_kept_printf (ex, "const_%s", key), NULL, 0, &value);
      g_hash_table_insert (ex->scalars, key, (gpointer) name);
    }
  return name;
}

/* --- Nodes ---------------------------------------------------------------- */

Onnx__NodeProto *
_onnx_write_node (onnx_exporter *ex, const char *op, const char *name, const char *const *inputs,
                  const char *const *outputs)
{
  Onnx__NodeProto *n = _onnx_write_keep (ex, g_new0 (Onnx__NodeProto, 1));

  onnx__node_proto__init (n);
  n->op_type = (char *) op;
  n->name = (char *) name;
  n->n_input = g_strv_length ((char **) inputs);
  n->input = _onnx_write_keep (ex, g_memdup2 (inputs, sizeof (char *) * (n->n_input + 1)));
  n->n_output = g_strv_length ((char **) outputs);
  n->output = _onnx_write_keep (ex, g_memdup2 (outputs, sizeof (char *) * (n->n_output + 1)));
  n->attribute = _onnx_write_keep (ex, g_new0 (Onnx__AttributeProto *, MAX_ATTRS));
  g_ptr_array_add (ex->nodes, n);
  return n;
}

Onnx__NodeProto *
_onnx_write_op (onnx_exporter *ex, const char *op, const char *name, const char *const *inputs,
                const char *output)
{
  const char *outputs[] = { output, NULL };

  return _onnx_write_node (ex, op, name, inputs, outputs);
}

static Onnx__AttributeProto *
add_attr (onnx_exporter *ex, Onnx__NodeProto *n, const char *name,
          Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *a = _onnx_write_keep (ex, g_new0 (Onnx__AttributeProto, 1));

  g_assert (n->n_attribute < MAX_ATTRS);
  onnx__attribute_proto__init (a);
  a->name = (char *) name;
  a->has_type = TRUE;
  a->type = type;
  n->attribute[n->n_attribute++] = a;
  return a;
}

void
_onnx_write_attr_int (onnx_exporter *ex, Onnx__NodeProto *n, const char *name, gint64 value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

  a->has_i = TRUE;
  a->i = value;
}

void
_onnx_write_attr_float (onnx_exporter *ex, Onnx__NodeProto *n, const char *name, float value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

  a->has_f = TRUE;
  a->f = value;
}

void
_onnx_write_attr_ints (onnx_exporter *ex, Onnx__NodeProto *n, const char *name,
                       const gint64 *values, int count)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

  a->n_ints = count;
  a->ints = _onnx_write_keep (ex, g_memdup2 (values, sizeof (gint64) * count));
}

void
_onnx_write_attr_string (onnx_exporter *ex, Onnx__NodeProto *n, const char *name, const char *value)
{
  Onnx__AttributeProto *a = add_attr (ex, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

  a->has_s = TRUE;
  a->s.data = (guint8 *) value;
  a->s.len = strlen (value);
}

/* --- Weights -------------------------------------------------------------- */

const float *
_onnx_write_node_weight (onnx_exporter *ex, const nn_node *node, const char *name,
                         const nn_weight_range **range)
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

const char *
_onnx_write_weight (onnx_exporter *ex, const nn_node *node, const char *name)
{
  const nn_weight_range *r = NULL;
  const float *w = _onnx_write_node_weight (ex, node, name, &r);
  gint64 dims[NN_MAX_DIMS];
  g_autofree char *full = g_strdup_printf ("%s.%s", node->name, name);

  if (w == NULL)
    return NULL;
  for (int i = 0; i < r->info.shape.rank; i++)
    dims[i] = r->info.shape.dim[i];
  return _onnx_write_floats (ex, full, dims, r->info.shape.rank, w);
}
