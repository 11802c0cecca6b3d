/* onnx-import.c — reading an ONNX file into a Layerlab project: parsing
 * with a size cap, validation (opset, definitions, sizes, cycles), the
 * values flowing between nodes, the canvas layout, and running an imported
 * model on ONNX-laid-out tensors (for `layerlab-cli onnx-test`). The
 * operator-by-operator mapping is in onnx-import-ops.c (recurrent layers:
 * onnx-import-recurrent.c); the helpers here let a pattern there map a
 * chain of nodes as one layer. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"
#include "io/project-private.h"

/* --- Tensors ------------------------------------------------------------ */

static gboolean
dims_size (int rank, const gint64 *dims, gsize *size)
{
  gsize n = 1;

  for (int i = 0; i < rank; i++)
    {
      if (dims[i] < 0 || (dims[i] > 0 && n > (G_MAXINT32 / 4) / (gsize) dims[i]))
        return FALSE;
      n *= (gsize) dims[i];
    }
  *size = n;
  return TRUE;
}

nn_onnx_tensor *
nn_onnx_tensor_new (const char *name, int rank, const gint64 *dims, GError **error)
{
  nn_onnx_tensor *t;
  gsize size;

  if (rank < 0 || rank > NN_ONNX_MAX_RANK || !dims_size (rank, dims, &size))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("tensor '%s': its dimensions are negative, too many or too large"),
                   name ? name : "");
      return NULL;
    }
  t = g_new0 (nn_onnx_tensor, 1);
  t->name = g_strdup (name ? name : "");
  t->rank = rank;
  memcpy (t->dims, dims, sizeof (gint64) * rank);
  t->size = size;
  t->data = g_try_new0 (float, MAX (size, 1));
  if (t->data == NULL)
    {
      nn_onnx_tensor_free (t);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY, _ ("Not enough memory for tensor '%s'"),
                   name ? name : "");
      return NULL;
    }
  return t;
}

void
nn_onnx_tensor_free (nn_onnx_tensor *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->data);
  g_free (t->ints);
  g_free (t);
}

static const char *
type_name (int type)
{
  static const char *const names[] = { "undefined",  "float",   "uint8",  "int8",   "uint16",
                                       "int16",      "int32",   "int64",  "string", "bool",
                                       "float16",    "double",  "uint32", "uint64", "complex64",
                                       "complex128", "bfloat16" };

  return type >= 0 && type < (int) G_N_ELEMENTS (names) ? names[type] : "unknown";
}

/* Reads a TensorProto's values: floats into *value, int64 into *ints (the
 * other left NULL). Errors say which tensor; the caller prefixes the file. */
gboolean
_onnx_tensor_from_proto (const Onnx__TensorProto *tp, nn_onnx_tensor **value, gint64 **ints,
                         gsize *n_ints, GError **error)
{
  const char *name = tp->name ? tp->name : "";
  gint64 dims[NN_ONNX_MAX_RANK];
  gsize size;

  *value = NULL;
  *ints = NULL;
  *n_ints = 0;
  if (tp->n_dims > NN_ONNX_MAX_RANK)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("tensor '%s' has %zu dimensions; at most %d are supported"), name, tp->n_dims,
                   NN_ONNX_MAX_RANK);
      return FALSE;
    }
  for (gsize i = 0; i < tp->n_dims; i++)
    dims[i] = tp->dims[i];
  if (!dims_size ((int) tp->n_dims, dims, &size))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("tensor '%s': its dimensions are negative or overflow"), name);
      return FALSE;
    }
  if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("tensor '%s' keeps its data in an external file, which is not supported"),
                   name);
      return FALSE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    {
      nn_onnx_tensor *t;

      if (tp->has_raw_data ? tp->raw_data.len != size * sizeof (float) : tp->n_float_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds %zu"), name,
                       size,
                       tp->has_raw_data ? tp->raw_data.len / sizeof (float) : tp->n_float_data);
          return FALSE;
        }
      t = nn_onnx_tensor_new (name, (int) tp->n_dims, dims, error);
      if (t == NULL)
        return FALSE;
      if (tp->has_raw_data && size > 0)
        {
          memcpy (t->data, tp->raw_data.data, size * sizeof (float));
#if G_BYTE_ORDER == G_BIG_ENDIAN
          for (gsize i = 0; i < size; i++)
            {
              guint32 u;
              memcpy (&u, &t->data[i], 4);
              u = GUINT32_SWAP_LE_BE (u);
              memcpy (&t->data[i], &u, 4);
            }
#endif
        }
      else if (size > 0)
        memcpy (t->data, tp->float_data, size * sizeof (float));
      *value = t;
      return TRUE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL)
    {
      /* as 0 and 1, for flags such as Dropout's training_mode */
      nn_onnx_tensor *t;

      if (tp->has_raw_data ? tp->raw_data.len != size : tp->n_int32_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds another "
                          "number"),
                       name, size);
          return FALSE;
        }
      t = nn_onnx_tensor_new (name, (int) tp->n_dims, dims, error);
      if (t == NULL)
        return FALSE;
      for (gsize i = 0; i < size; i++)
        t->data[i] = (tp->has_raw_data ? tp->raw_data.data[i] : tp->int32_data[i]) != 0;
      *value = t;
      return TRUE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
    {
      if (tp->has_raw_data ? tp->raw_data.len != size * sizeof (gint64) : tp->n_int64_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds another "
                          "number"),
                       name, size);
          return FALSE;
        }
      *ints = g_new0 (gint64, MAX (size, 1));
      *n_ints = size;
      for (gsize i = 0; i < size; i++)
        {
          gint64 v;

          if (tp->has_raw_data)
            {
              memcpy (&v, tp->raw_data.data + i * 8, 8);
              v = GINT64_FROM_LE (v);
            }
          else
            v = tp->int64_data[i];
          (*ints)[i] = v;
        }
      return TRUE;
    }
  g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
               _ ("tensor '%s' holds %s values; Layerlab reads float (and int64 for shapes)"), name,
               type_name (tp->data_type));
  return FALSE;
}

static gboolean
read_capped (const char *path, guint8 **data, gsize *length, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local = NULL;

  info =
    g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, &local);
  if (info == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  if ((guint64) g_file_info_get_size (info) > NN_ONNX_MAX_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s is larger than %zu MB, the most Layerlab reads"), path,
                   NN_ONNX_MAX_BYTES >> 20);
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, (char **) data, length, NULL, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

nn_onnx_tensor *
nn_onnx_tensor_load (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize length;
  Onnx__TensorProto *tp;
  nn_onnx_tensor *value = NULL;
  g_autofree gint64 *ints = NULL;
  gsize n_ints;
  GError *local = NULL;

  if (!read_capped (path, &data, &length, error))
    return NULL;
  tp = onnx__tensor_proto__unpack (NULL, length, data);
  if (tp == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: not a serialised ONNX tensor (truncated or damaged)"), path);
      return NULL;
    }
  if (!_onnx_tensor_from_proto (tp, &value, &ints, &n_ints, &local))
    g_propagate_prefixed_error (error, local, "%s: ", path);
  else if (value == NULL)
    {
      gint64 dims[NN_ONNX_MAX_RANK];

      for (gsize i = 0; i < tp->n_dims; i++)
        dims[i] = tp->dims[i];
      value = nn_onnx_tensor_new (tp->name, (int) tp->n_dims, dims, error);
      if (value != NULL)
        {
          for (gsize i = 0; i < n_ints; i++)
            value->data[i] = (float) ints[i];
          value->ints = g_steal_pointer (&ints);
        }
    }
  onnx__tensor_proto__free_unpacked (tp, NULL);
  return value;
}

/* --- Values and nodes --------------------------------------------------- */

static void
value_free (gpointer data)
{
  onnx_value *v = data;

  g_free (v->name);
  nn_onnx_tensor_free (v->value);
  g_free (v->ints);
  g_free (v);
}

static onnx_value *
value_new (onnx_importer *im, const char *name)
{
  onnx_value *v = g_new0 (onnx_value, 1);

  v->name = g_strdup (name);
  v->node_id = -1;
  g_hash_table_replace (im->values, v->name, v);
  return v;
}

void
_onnx_node_error (onnx_importer *im, GError **error, int code, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  const char *name = im->node && im->node->name && *im->node->name ? im->node->name : "";

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, NN_ERROR, code, "%s: node %d '%s' (%s): %s", im->file, im->node_index, name,
               im->node ? im->node->op_type : "", msg);
}

gboolean
_onnx_unsupported (onnx_importer *im, GError **error, const char *attr, const char *why)
{
  _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, _ ("attribute %s is not supported: %s"), attr,
                    why);
  return FALSE;
}

gboolean
_onnx_unsupported_use (onnx_importer *im, GError **error, const char *what, const char *why)
{
  _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, _ ("%s is not supported: %s"), what, why);
  return FALSE;
}

const Onnx__AttributeProto *
_onnx_attr (onnx_importer *im, const char *name)
{
  for (gsize i = 0; i < im->node->n_attribute; i++)
    if (im->node->attribute[i]->name && g_str_equal (im->node->attribute[i]->name, name))
      return im->node->attribute[i];
  return NULL;
}

gint64
_onnx_attr_int (onnx_importer *im, const char *name, gint64 def)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  return a && a->has_i ? a->i : def;
}

float
_onnx_attr_float (onnx_importer *im, const char *name, float def)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  return a && a->has_f ? a->f : def;
}

char *
_onnx_attr_string (onnx_importer *im, const char *name, const char *def)
{
  const Onnx__AttributeProto *a = _onnx_attr (im, name);

  if (a && a->has_s)
    return g_strndup ((const char *) a->s.data, a->s.len);
  return g_strdup (def);
}

onnx_value *
_onnx_input (onnx_importer *im, int i)
{
  if (i >= (int) im->node->n_input || im->node->input[i][0] == '\0')
    return NULL;
  return g_hash_table_lookup (im->values, im->node->input[i]);
}

const char *
_onnx_output_name (onnx_importer *im, int i)
{
  if (i >= (int) im->node->n_output || im->node->output[i][0] == '\0')
    return NULL;
  return im->node->output[i];
}

gboolean
_onnx_output_used (onnx_importer *im, int i)
{
  const char *name = _onnx_output_name (im, i);
  onnx_value *v = name ? g_hash_table_lookup (im->values, name) : NULL;

  return v != NULL && v->consumers > 0;
}

onnx_value *
_onnx_runtime_input (onnx_importer *im, int i, GError **error)
{
  onnx_value *v = _onnx_input (im, i);

  if (v == NULL || v->is_const)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        v ? _ ("input %d ('%s') is a constant; Layerlab needs it computed from "
                               "the model's input")
                          : _ ("input %d is missing"),
                        i + 1, v ? v->name : "");
      return NULL;
    }
  if (v->node_id < 0)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("input %d ('%s') is an output its node does not produce here"), i + 1,
                        v->name);
      return NULL;
    }
  if (v->ids)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("input %d ('%s') holds integers; Layerlab reads an integer input only "
                           "as token ids picking rows of a constant table (Gather, an "
                           "Embedding)"),
                        i + 1, v->name);
      return NULL;
    }
  return v;
}

onnx_value *
_onnx_const_input (onnx_importer *im, int i, GError **error)
{
  onnx_value *v = _onnx_input (im, i);

  if (v == NULL || !v->is_const || v->value == NULL)
    {
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("input %d ('%s') must be a constant float tensor (an initializer)"),
                        i + 1, v ? v->name : "");
      return NULL;
    }
  return v;
}

onnx_value *
_onnx_define (onnx_importer *im, int i, int node_id, int rank, const gint64 *dims, int batch_axis)
{
  const char *name = _onnx_output_name (im, i);
  onnx_value *old, *v;
  int consumers;

  if (name == NULL)
    return NULL;
  old = g_hash_table_lookup (im->values, name);
  consumers = old ? old->consumers : 0;
  v = value_new (im, name); /* replaces the entry that only counted its readers */
  v->consumers = consumers;
  v->node_id = node_id;
  v->rank = rank;
  memcpy (v->dims, dims, sizeof (gint64) * rank);
  v->batch_axis = batch_axis;
  return v;
}

void
_onnx_define_const (onnx_importer *im, int i, nn_onnx_tensor *value, gint64 *ints, gsize n_ints)
{
  const char *name = _onnx_output_name (im, i);
  onnx_value *v;

  if (name == NULL)
    {
      nn_onnx_tensor_free (value);
      g_free (ints);
      return;
    }
  v = value_new (im, name);
  v->is_const = TRUE;
  v->value = value;
  v->ints = ints;
  v->n_ints = n_ints;
}

const Onnx__NodeProto *
_onnx_reader (onnx_importer *im, const char *name, const char *op, int *index)
{
  for (gsize n = 0; n < im->proto->n_node; n++)
    {
      const Onnx__NodeProto *node = im->proto->node[n];

      if (!g_str_equal (node->op_type, op) || im->done[n])
        continue;
      for (gsize i = 0; i < node->n_input; i++)
        if (g_str_equal (node->input[i], name))
          {
            *index = (int) n;
            return node;
          }
    }
  return NULL;
}

const Onnx__NodeProto *
_onnx_sole_reader (onnx_importer *im, const char *name, const char *op, int *index)
{
  onnx_value *v = g_hash_table_lookup (im->values, name);

  if (v == NULL || v->consumers != 1)
    return NULL;
  return _onnx_reader (im, name, op, index);
}

gboolean
_onnx_scalar (onnx_importer *im, const char *name, float *value)
{
  onnx_value *v = name ? g_hash_table_lookup (im->values, name) : NULL;

  if (v == NULL || !v->is_const || v->value == NULL || v->value->size != 1)
    return FALSE;
  *value = v->value->data[0];
  return TRUE;
}

const char *
_onnx_other_input (const Onnx__NodeProto *node, const char *name)
{
  if (node->n_input != 2)
    return NULL;
  if (g_str_equal (node->input[0], name))
    return node->input[1];
  if (g_str_equal (node->input[1], name))
    return node->input[0];
  return NULL;
}

void
_onnx_mark_done (onnx_importer *im, int index)
{
  im->done[index] = TRUE;
}

onnx_value *
_onnx_define_at (onnx_importer *im, int index, int node_id, int rank, const gint64 *dims,
                 int batch_axis)
{
  const Onnx__NodeProto *node = im->node;
  const int node_index = im->node_index;
  onnx_value *v;

  im->node = im->proto->node[index];
  im->node_index = index;
  v = _onnx_define (im, 0, node_id, rank, dims, batch_axis);
  im->node = node;
  im->node_index = node_index;
  _onnx_mark_done (im, index);
  return v;
}

gboolean
_onnx_sample_shape (const onnx_value *v, nn_shape *shape)
{
  int d[NN_ONNX_MAX_RANK], n = 0;

  for (int i = 0; i < v->rank; i++)
    if (i != v->batch_axis)
      {
        if (v->dims[i] <= 0 || v->dims[i] > G_MAXINT)
          return FALSE;
        d[n++] = (int) v->dims[i];
      }
  if (n > 3)
    return FALSE;
  *shape = n == 0   ? nn_shape_1d (1)
           : n == 1 ? nn_shape_1d (d[0])
           : n == 2 ? nn_shape_2d (d[0], d[1])
                    : nn_shape_3d (d[0], d[1], d[2]);
  return TRUE;
}

nn_shape
_onnx_node_shape (onnx_importer *im, int node_id)
{
  nn_graph_report report;
  nn_shape s = { 0 };

  nn_graph_infer (im->graph, &report);
  if (nn_graph_report_node (&report, node_id))
    s = nn_graph_report_node (&report, node_id)->out_shape;
  nn_graph_report_clear (&report);
  return s;
}

int
_onnx_use (onnx_importer *im, onnx_value *v, GError **error)
{
  nn_shape want, have;
  double p[3];
  static const char *const ids[] = { "channels", "height", "width", NULL };
  int id;

  if (!_onnx_sample_shape (v, &want))
    {
      g_autofree char *dims = NULL;
      GString *s = g_string_new (NULL);

      for (int i = 0; i < v->rank; i++)
        g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "×" : "", v->dims[i]);
      dims = g_string_free (s, FALSE);
      _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                        _ ("tensor '%s' is %s; Layerlab layers take images (C×H×W), sequences "
                           "(T×F) and vectors per sample"),
                        v->name, dims);
      return -1;
    }
  have = _onnx_node_shape (im, v->node_id);
  if (nn_shape_equal (&want, &have))
    return v->node_id;
  p[0] = want.rank == 3 ? want.dim[0] : want.rank == 2 ? 0 : 1;
  p[1] = want.rank == 3 ? want.dim[1] : want.rank == 2 ? want.dim[0] : 0;
  p[2] = want.dim[want.rank - 1];
  id = _onnx_add_layer (im, nn_layer_lookup ("reshape"), &v->node_id, 1, ids, p, error);
  if (id >= 0)
    v->node_id = id; /* later readers share the Reshape */
  return id;
}

static int
node_depth (onnx_importer *im, int id)
{
  return id >= 0 && id < (int) im->depth->len ? g_array_index (im->depth, int, id) : 0;
}

int
_onnx_add_layer (onnx_importer *im, const nn_layer_ops *ops, const int *inputs, int n_inputs,
                 const char *const *param_ids, const double *param_values, GError **error)
{
  g_autofree char *name =
    im->node && im->node->name && *im->node->name ? g_utf8_make_valid (im->node->name, -1) : NULL;
  g_autoptr (GError) local = NULL;
  int id, depth = 0;

  /* ONNX names need not be unique or valid for us: fall back to ours */
  id = nn_graph_add_node_full (im->graph, -1, ops, name, NULL);
  if (id < 0)
    id = nn_graph_add_node_full (im->graph, -1, ops, NULL, NULL);
  for (int i = 0; param_ids && param_ids[i]; i++)
    if (!nn_graph_set_param (im->graph, id, param_ids[i], param_values[i], &local))
      {
        _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, "%s", local->message);
        return -1;
      }
  for (int i = 0; i < n_inputs; i++)
    {
      if (!nn_graph_connect (im->graph, inputs[i], id, -1, &local))
        {
          _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED, "%s", local->message);
          return -1;
        }
      depth = MAX (depth, node_depth (im, inputs[i]) + 1);
    }
  if ((int) im->depth->len <= id)
    g_array_set_size (im->depth, id + 1);
  g_array_index (im->depth, int, id) = depth;
  return id;
}

void
_onnx_add_weight (onnx_importer *im, int node_id, const char *name, const nn_shape *shape,
                  const float *data)
{
  g_ptr_array_add (im->weights, _nn_project_tensor_new (node_id, name, shape, data));
}

void
_onnx_add_state (onnx_importer *im, int node_id, const nn_shape *shape, const float *data)
{
  g_ptr_array_add (im->state, _nn_project_tensor_new (node_id, "state", shape, data));
}

/* --- The whole model ---------------------------------------------------- */

/* *ids: the input holds integers, which Layerlab reads as token ids. */
static gboolean
value_info_dims (onnx_importer *im, const Onnx__ValueInfoProto *vi, int *rank, gint64 *dims,
                 gboolean *ids, GError **error)
{
  const Onnx__TypeProto *tp = vi->type;
  const Onnx__TensorShapeProto *shape;

  if (tp == NULL || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      tp->tensor_type == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: input '%s' is not a tensor; Layerlab takes one float tensor"), im->file,
                   vi->name);
      return FALSE;
    }
  *ids = tp->tensor_type->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
         tp->tensor_type->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
  if (tp->tensor_type->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && !*ids)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: input '%s' holds %s values; Layerlab takes float"), im->file, vi->name,
                   type_name (tp->tensor_type->elem_type));
      return FALSE;
    }
  shape = tp->tensor_type->shape;
  if (shape == NULL || shape->n_dim == 0 || shape->n_dim > NN_ONNX_MAX_RANK)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: input '%s' needs a shape with 1 to %d axes, the first being the "
                      "batch"),
                   im->file, vi->name, NN_ONNX_MAX_RANK);
      return FALSE;
    }
  *rank = (int) shape->n_dim;
  for (gsize i = 0; i < shape->n_dim; i++)
    {
      const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];

      if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
        {
          if (d->dim_value < 0 || d->dim_value > G_MAXINT32)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                           _ ("%s: input '%s': dimension %zu (%" PRId64 ") is out of range"),
                           im->file, vi->name, i + 1, d->dim_value);
              return FALSE;
            }
          dims[i] = d->dim_value;
        }
      else
        dims[i] = -1; /* symbolic: only allowed for the batch, checked later */
    }
  return TRUE;
}

/* Which axis of the model's input is the batch: 1 when it feeds a
 * recurrent layer directly in ONNX's [T, N, F] layout, else 0. */
static int
input_batch_axis (const Onnx__GraphProto *g, const char *name)
{
  for (gsize n = 0; n < g->n_node; n++)
    {
      const Onnx__NodeProto *node = g->node[n];
      gboolean rec = g_str_equal (node->op_type, "LSTM") || g_str_equal (node->op_type, "GRU") ||
                     g_str_equal (node->op_type, "RNN");

      if (rec && node->n_input > 0 && g_str_equal (node->input[0], name))
        {
          for (gsize a = 0; a < node->n_attribute; a++)
            if (node->attribute[a]->name && g_str_equal (node->attribute[a]->name, "layout") &&
                node->attribute[a]->i == 1)
              return 0;
          return 1;
        }
    }
  return 0;
}

static gboolean
check_opset (onnx_importer *im, const Onnx__ModelProto *m, GError **error)
{
  im->opset = -1;
  for (gsize i = 0; i < m->n_opset_import; i++)
    {
      const Onnx__OperatorSetIdProto *o = m->opset_import[i];

      if (o->domain == NULL || o->domain[0] == '\0' || g_str_equal (o->domain, "ai.onnx"))
        im->opset = (int) CLAMP (o->version, 0, G_MAXINT);
    }
  if (im->opset < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: the model does not say which ONNX operator set it uses"), im->file);
      return FALSE;
    }
  if (im->opset > NN_ONNX_MAX_OPSET)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: the model uses ONNX operator set %d; Layerlab knows up to %d — "
                      "export it with opset %d or lower"),
                   im->file, im->opset, NN_ONNX_MAX_OPSET, NN_ONNX_MAX_OPSET);
      return FALSE;
    }
  return TRUE;
}

/* Orders the nodes so each comes after the producers of its inputs; every
 * input must be defined (initializer, graph input or a node's output). */
static int *
topo_order (onnx_importer *im, const Onnx__GraphProto *g, GHashTable *defined, GError **error)
{
  g_autoptr (GHashTable) producer = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree int *pending = g_new0 (int, g->n_node + 1);
  g_autofree int *order = g_new0 (int, g->n_node + 1);
  int n_done = 0;

  for (gsize n = 0; n < g->n_node; n++)
    for (gsize o = 0; o < g->node[n]->n_output; o++)
      if (g->node[n]->output[o][0] != '\0')
        {
          if (g_hash_table_contains (producer, g->node[n]->output[o]) ||
              g_hash_table_contains (defined, g->node[n]->output[o]))
            {
              im->node = g->node[n];
              im->node_index = (int) n;
              _onnx_node_error (im, error, NN_ERROR_DATA,
                                _ ("tensor '%s' is defined a second time"), g->node[n]->output[o]);
              return NULL;
            }
          g_hash_table_insert (producer, g->node[n]->output[o], GINT_TO_POINTER (n + 1));
        }
  for (gsize n = 0; n < g->n_node; n++)
    for (gsize i = 0; i < g->node[n]->n_input; i++)
      {
        const char *in = g->node[n]->input[i];

        if (in[0] == '\0' || g_hash_table_contains (defined, in))
          continue;
        if (!g_hash_table_contains (producer, in))
          {
            im->node = g->node[n];
            im->node_index = (int) n;
            _onnx_node_error (im, error, NN_ERROR_DATA,
                              _ ("input '%s' is not defined: no initializer, graph input or "
                                 "node produces it"),
                              in);
            return NULL;
          }
      }
  /* Repeated passes: graphs are small and this keeps file order where it
   * is already topological, so the layout follows the author's order. */
  while (n_done < (int) g->n_node)
    {
      gboolean progress = FALSE;

      for (gsize n = 0; n < g->n_node; n++)
        {
          gboolean ready = !pending[n];

          for (gsize i = 0; ready && i < g->node[n]->n_input; i++)
            {
              int p = GPOINTER_TO_INT (g_hash_table_lookup (producer, g->node[n]->input[i]));

              if (p > 0 && !g_hash_table_contains (defined, g->node[n]->input[i]) &&
                  !pending[p - 1])
                ready = FALSE;
            }
          if (ready)
            {
              pending[n] = 1;
              order[n_done++] = (int) n;
              progress = TRUE;
            }
        }
      if (!progress)
        {
          for (gsize n = 0; n < g->n_node; n++)
            if (!pending[n])
              {
                im->node = g->node[n];
                im->node_index = (int) n;
                break;
              }
          _onnx_node_error (im, error, NN_ERROR_DATA,
                            _ ("the graph has a cycle: this node depends on its own output"));
          return NULL;
        }
    }
  return g_steal_pointer (&order);
}

/* A simple layered layout: depth from the Input top to bottom, nodes of
 * one depth side by side, centred. */
static void
lay_out (onnx_importer *im)
{
  g_autoptr (GHashTable) per_depth = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) placed = g_hash_table_new (NULL, NULL);

  for (int i = 0; i < nn_graph_n_nodes (im->graph); i++)
    {
      int d = node_depth (im, nn_graph_nth_node (im->graph, i)->id);
      int c = GPOINTER_TO_INT (g_hash_table_lookup (per_depth, GINT_TO_POINTER (d)));

      g_hash_table_insert (per_depth, GINT_TO_POINTER (d), GINT_TO_POINTER (c + 1));
    }
  for (int i = 0; i < nn_graph_n_nodes (im->graph); i++)
    {
      const nn_node *node = nn_graph_nth_node (im->graph, i);
      int d = node_depth (im, node->id);
      int count = GPOINTER_TO_INT (g_hash_table_lookup (per_depth, GINT_TO_POINTER (d)));
      int k = GPOINTER_TO_INT (g_hash_table_lookup (placed, GINT_TO_POINTER (d)));

      g_hash_table_insert (placed, GINT_TO_POINTER (d), GINT_TO_POINTER (k + 1));
      nn_graph_set_position (im->graph, node->id, 40.0 + 200.0 * (k - (count - 1) / 2.0) + 200.0,
                             40.0 + 100.0 * d);
    }
}

static gboolean
import_graph (onnx_importer *im, const Onnx__ModelProto *m, GPtrArray *constants, nn_onnx_io *io,
              GError **error)
{
  const Onnx__GraphProto *g = m->graph;
  /* owns copies: a value (and its name) can be replaced while this lives */
  g_autoptr (GHashTable) defined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree int *order = NULL;
  const Onnx__ValueInfoProto *input = NULL;
  onnx_value *v, *out;
  nn_shape shape;
  int rank, id;
  gint64 dims[NN_ONNX_MAX_RANK];
  gboolean ids;
  double p[3];
  static const char *const input_ids[] = { "channels", "height", "width", NULL };
  nn_graph_report report;
  g_autoptr (GError) local = NULL;

  if (g == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: the model has no graph"), im->file);
      return FALSE;
    }
  /* protobuf-c leaves absent strings NULL: check the ones we read */
  for (gsize n = 0; n < g->n_node; n++)
    if (g->node[n]->op_type == NULL || g->node[n]->op_type[0] == '\0')
      {
        g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: node %zu has no operator type"),
                     im->file, n);
        return FALSE;
      }
  for (gsize i = 0; i < g->n_input + g->n_output; i++)
    {
      const Onnx__ValueInfoProto *vi = i < g->n_input ? g->input[i] : g->output[i - g->n_input];

      if (vi->name == NULL || vi->name[0] == '\0')
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: a graph input or output has no name"), im->file);
          return FALSE;
        }
    }
  for (gsize i = 0; i < g->n_initializer; i++)
    {
      nn_onnx_tensor *t;
      gint64 *ints;
      gsize n_ints;

      if (g->initializer[i]->name == NULL || g->initializer[i]->name[0] == '\0')
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: initializer %zu has no name"),
                       im->file, i + 1);
          return FALSE;
        }
      if (g_hash_table_contains (defined, g->initializer[i]->name))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: initializer '%s' is defined a second time"), im->file,
                       g->initializer[i]->name);
          return FALSE;
        }
      if (!_onnx_tensor_from_proto (g->initializer[i], &t, &ints, &n_ints, &local))
        {
          g_set_error (error, NN_ERROR, local->code, _ ("%s: initializer %zu: %s"), im->file, i + 1,
                       local->message);
          return FALSE;
        }
      v = value_new (im, g->initializer[i]->name);
      v->is_const = TRUE;
      v->value = t;
      v->ints = ints;
      v->n_ints = n_ints;
      g_hash_table_add (defined, g_strdup (v->name));
    }
  for (gsize i = 0; i < g->n_input; i++)
    {
      const char *name = g->input[i]->name;
      nn_onnx_tensor *bound = NULL;

      if (name == NULL || g_hash_table_contains (defined, name))
        continue;
      for (guint c = 0; constants && c < constants->len; c++)
        if (g_str_equal (((nn_onnx_tensor *) constants->pdata[c])->name, name))
          bound = constants->pdata[c];
      if (bound)
        {
          nn_onnx_tensor *copy = nn_onnx_tensor_new (name, bound->rank, bound->dims, error);

          if (copy == NULL)
            return FALSE;
          memcpy (copy->data, bound->data, bound->size * sizeof (float));
          v = value_new (im, name);
          v->is_const = TRUE;
          if (bound->ints)
            {
              /* an int64 constant is a shape or axes, never weights */
              v->ints = g_memdup2 (bound->ints, sizeof (gint64) * MAX (bound->size, 1));
              v->n_ints = bound->size;
              nn_onnx_tensor_free (copy);
            }
          else
            v->value = copy;
          g_hash_table_add (defined, g_strdup (v->name));
          continue;
        }
      if (input != NULL)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                       _ ("%s: the model takes more than one input ('%s', '%s'); Layerlab models "
                          "take one"),
                       im->file, input->name, name);
          return FALSE;
        }
      input = g->input[i];
    }
  if (input == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: the model has no input"), im->file);
      return FALSE;
    }
  if (g->n_output != 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: the model has %zu outputs; Layerlab models have one"), im->file,
                   g->n_output);
      return FALSE;
    }
  if (!value_info_dims (im, input, &rank, dims, &ids, error))
    return FALSE;

  v = value_new (im, input->name);
  v->ids = ids;
  g_hash_table_add (defined, g_strdup (v->name));
  v->rank = rank;
  memcpy (v->dims, dims, sizeof (gint64) * rank);
  v->batch_axis = input_batch_axis (g, input->name);
  if (v->batch_axis >= rank)
    v->batch_axis = 0;
  for (int i = 0; i < rank; i++)
    if (dims[i] < 0 && i != v->batch_axis)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                     _ ("%s: input '%s': axis %d has no fixed size; only the batch may vary"),
                     im->file, input->name, i);
        return FALSE;
      }
  if (!_onnx_sample_shape (v, &shape))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: input '%s' has %d axes besides the batch; Layerlab takes images "
                      "(C×H×W), sequences (T×F) and vectors"),
                   im->file, input->name, rank - 1);
      return FALSE;
    }
  p[0] = shape.rank == 3 ? shape.dim[0] : shape.rank == 2 ? 0 : 1;
  p[1] = shape.rank == 3 ? shape.dim[1] : shape.rank == 2 ? shape.dim[0] : 0;
  p[2] = shape.dim[shape.rank - 1];
  id = _onnx_add_layer (im, nn_layer_lookup ("input"), NULL, 0, input_ids, p, &local);
  if (id < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED, _ ("%s: input '%s': %s"), im->file,
                   input->name, local->message);
      return FALSE;
    }
  v->node_id = id;
  {
    g_autofree char *valid = g_utf8_make_valid (input->name, -1);

    nn_graph_rename (im->graph, id, valid, NULL);
  }

  order = topo_order (im, g, defined, error);
  if (order == NULL)
    return FALSE;
  for (gsize n = 0; n < g->n_node; n++)
    for (gsize i = 0; i < g->node[n]->n_input; i++)
      {
        onnx_value *used = g_hash_table_lookup (im->values, g->node[n]->input[i]);

        if (used == NULL && g->node[n]->input[i][0] != '\0')
          used = value_new (im, g->node[n]->input[i]); /* counts consumers until defined */
        if (used)
          used->consumers++;
      }
  {
    onnx_value *o = g_hash_table_lookup (im->values, g->output[0]->name);

    if (o == NULL)
      o = value_new (im, g->output[0]->name);
    o->consumers++;
  }

  /* Constants first (they read nothing, so the order stays topological):
   * a pattern spanning several nodes then finds the scalars it checks
   * defined, wherever the file puts their Constant nodes. */
  im->proto = g;
  im->done = g_new0 (gboolean, g->n_node + 1);
  for (int pass = 0; pass < 2; pass++)
    for (gsize k = 0; k < g->n_node; k++)
      {
        im->node = g->node[order[k]];
        im->node_index = order[k];
        if (im->done[order[k]] ||
            (pass == 0) != (g_str_equal (im->node->op_type, "Constant") && im->node->n_input == 0))
          continue;
        if (im->node->domain && im->node->domain[0] && !g_str_equal (im->node->domain, "ai.onnx"))
          {
            _onnx_node_error (im, error, NN_ERROR_UNSUPPORTED,
                              _ ("operators of domain '%s' are not supported"), im->node->domain);
            return FALSE;
          }
        if (!_onnx_map_node (im, error))
          return FALSE;
        im->done[order[k]] = TRUE;
      }
  im->node = NULL;

  out = g_hash_table_lookup (im->values, g->output[0]->name);
  if (out == NULL || (out->node_id < 0 && !out->is_const))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: the output '%s' is never computed"),
                   im->file, g->output[0]->name);
      return FALSE;
    }
  if (out->is_const)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: the output '%s' is a constant, not computed from the input"), im->file,
                   out->name);
      return FALSE;
    }
  nn_graph_infer (im->graph, &report);
  if (!report.ok)
    {
      g_autoptr (GError) why = NULL;

      nn_graph_report_to_error (&report, &why);
      if (why == NULL)
        g_set_error_literal (&why, NN_ERROR, NN_ERROR_SHAPE, _ ("the graph is not valid"));
      nn_graph_report_clear (&report);
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: the imported model is not one Layerlab can run: %s"), im->file,
                   why->message);
      return FALSE;
    }
  if (report.output_id != out->node_id)
    {
      nn_graph_report_clear (&report);
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s: the output '%s' is not the model's last layer: part of the graph "
                      "leads nowhere"),
                   im->file, out->name);
      return FALSE;
    }
  nn_graph_report_clear (&report);
  lay_out (im);

  if (io)
    {
      io->input_name = g_strdup (input->name);
      io->output_name = g_strdup (out->name);
      io->input_rank = rank;
      memcpy (io->input_dims, dims, sizeof dims);
      io->input_batch_axis =
        ((onnx_value *) g_hash_table_lookup (im->values, input->name))->batch_axis;
      io->output_rank = out->rank;
      memcpy (io->output_dims, out->dims, sizeof out->dims);
      io->output_batch_axis = out->batch_axis;
    }
  return TRUE;
}

void
nn_onnx_io_clear (nn_onnx_io *io)
{
  g_clear_pointer (&io->input_name, g_free);
  g_clear_pointer (&io->output_name, g_free);
}

nn_project *
nn_onnx_import_data (const guint8 *data, gsize length, const char *name, GPtrArray *constants,
                     nn_onnx_io *io, GError **error)
{
  onnx_importer im = { .file = name };
  Onnx__ModelProto *m;
  nn_project *p = NULL;

  if (io)
    memset (io, 0, sizeof *io);
  if (length > NN_ONNX_MAX_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s is larger than %zu MB, the most Layerlab reads"), name,
                   NN_ONNX_MAX_BYTES >> 20);
      return NULL;
    }
  m = onnx__model_proto__unpack (NULL, length, data);
  if (m == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: not an ONNX model, or a truncated or damaged one"), name);
      return NULL;
    }
  im.graph = nn_graph_new ();
  im.weights = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  im.state = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  im.values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, value_free);
  im.depth = g_array_new (FALSE, TRUE, sizeof (int));

  if (check_opset (&im, m, error) && import_graph (&im, m, constants, io, error))
    {
      p = nn_project_new (g_steal_pointer (&im.graph));
      p->weights = g_steal_pointer (&im.weights);
      p->state = g_steal_pointer (&im.state);
      nn_project_set_normalisation (p, im.norm_mean, im.norm_inv_std, im.norm_size);
    }
  else if (io)
    nn_onnx_io_clear (io);

  g_clear_pointer (&im.graph, nn_graph_free);
  g_clear_pointer (&im.weights, g_ptr_array_unref);
  g_clear_pointer (&im.state, g_ptr_array_unref);
  g_hash_table_unref (im.values);
  g_array_unref (im.depth);
  g_free (im.done);
  g_free (im.norm_mean);
  g_free (im.norm_inv_std);
  onnx__model_proto__free_unpacked (m, NULL);
  /* messages quote names from the file, which protobuf-c does not check */
  if (error && *error && !g_utf8_validate ((*error)->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid ((*error)->message, -1);

      g_free ((*error)->message);
      (*error)->message = valid;
    }
  return p;
}

nn_project *
nn_onnx_import (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  g_autofree char *base = g_path_get_basename (path);
  gsize length;

  if (!read_capped (path, &data, &length, error))
    return NULL;
  return nn_onnx_import_data (data, length, base, NULL, NULL, error);
}

/* --- Running ------------------------------------------------------------ */

/* Copies src (dims, batch on axis b) to dst with the batch axis moved to
 * the front (to_front) or from the front back to axis b. */
static void
move_batch_axis (const float *src, float *dst, int rank, const gint64 *dims, int b,
                 gboolean to_front)
{
  gsize outer = 1, inner = 1, n = (gsize) dims[b];

  for (int i = 0; i < b; i++)
    outer *= (gsize) dims[i];
  for (int i = b + 1; i < rank; i++)
    inner *= (gsize) dims[i];
  /* layout with the batch on axis b: [outer, n, inner]; in front: [n, outer, inner] */
  for (gsize o = 0; o < outer; o++)
    for (gsize k = 0; k < n; k++)
      {
        gsize at_b = (o * n + k) * inner, front = (k * outer + o) * inner;

        if (to_front)
          memcpy (dst + front, src + at_b, inner * sizeof (float));
        else
          memcpy (dst + at_b, src + front, inner * sizeof (float));
      }
}

nn_onnx_tensor *
nn_onnx_run (const nn_project *p, const nn_onnx_io *io, const nn_onnx_tensor *x, GError **error)
{
  g_autoptr (nn_model) m = NULL;
  g_autofree float *in = NULL;
  gint64 out_dims[NN_ONNX_MAX_RANK];
  nn_onnx_tensor *y;
  int batch;
  gsize sample = 1;

  if (x->rank != io->input_rank)
    goto mismatch;
  for (int i = 0; i < x->rank; i++)
    if (i != io->input_batch_axis)
      {
        if (x->dims[i] != io->input_dims[i])
          goto mismatch;
        sample *= (gsize) x->dims[i];
      }
  batch = (int) x->dims[io->input_batch_axis];
  if (batch <= 0)
    goto mismatch;
  m = nn_model_compile (p->graph, batch, 0, error);
  if (m == NULL || !nn_project_apply_weights (p, m, error))
    return NULL;
  if (nn_model_input_size (m) != sample)
    goto mismatch;
  in = g_new (float, x->size);
  move_batch_axis (x->data, in, x->rank, x->dims, io->input_batch_axis, TRUE);
  /* the file's normalisation of its input is the project's data
   * preparation, which the model itself does not do */
  if (p->norm_size > 0 && (gsize) p->norm_size == sample)
    for (int b = 0; b < batch; b++)
      for (gsize k = 0; k < sample; k++)
        in[b * sample + k] = (in[b * sample + k] - p->norm_mean[k]) * p->norm_inv_std[k];
  nn_model_forward (m, in, batch, FALSE, NULL);

  memcpy (out_dims, io->output_dims, sizeof out_dims);
  out_dims[io->output_batch_axis] = batch;
  y = nn_onnx_tensor_new (io->output_name, io->output_rank, out_dims, error);
  if (y == NULL)
    return NULL;
  if (y->size != nn_model_output_size (m) * batch)
    {
      nn_onnx_tensor_free (y);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The model's output has %zu values per sample, ONNX expects %zu"),
                   nn_model_output_size (m), y->size / batch);
      return NULL;
    }
  move_batch_axis (nn_model_output (m), y->data, y->rank, y->dims, io->output_batch_axis, FALSE);
  return y;

mismatch:
  g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
               _ ("The tensor '%s' does not have the shape of the model's input '%s'"), x->name,
               io->input_name);
  return NULL;
}

gboolean
nn_onnx_describe (const guint8 *data, gsize length, const char *name, char ***operators,
                  char ***inputs, GError **error)
{
  Onnx__ModelProto *m;
  g_autoptr (GStrvBuilder) ops = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) ins = g_strv_builder_new ();
  g_autoptr (GHashTable) inits = g_hash_table_new (g_str_hash, g_str_equal);

  if (length > NN_ONNX_MAX_BYTES || (m = onnx__model_proto__unpack (NULL, length, data)) == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: not an ONNX model, or a truncated or damaged one"), name);
      return FALSE;
    }
  if (m->graph)
    {
      for (gsize i = 0; i < m->graph->n_node; i++)
        g_strv_builder_add (ops, m->graph->node[i]->op_type ? m->graph->node[i]->op_type : "");
      for (gsize i = 0; i < m->graph->n_initializer; i++)
        if (m->graph->initializer[i]->name)
          g_hash_table_add (inits, m->graph->initializer[i]->name);
      for (gsize i = 0; i < m->graph->n_input; i++)
        if (m->graph->input[i]->name && !g_hash_table_contains (inits, m->graph->input[i]->name))
          g_strv_builder_add (ins, m->graph->input[i]->name);
    }
  g_hash_table_remove_all (inits); /* its keys live in m */
  onnx__model_proto__free_unpacked (m, NULL);
  *operators = g_strv_builder_end (ops);
  *inputs = g_strv_builder_end (ins);
  return TRUE;
}
