/* onnx-import-values.c — the values flowing between ONNX nodes while
 * importing, and what the operator mappings (onnx-import-ops.c and its
 * siblings) build on: messages naming the node, its attributes, inputs
 * and outputs, the helpers that let a pattern map a chain of nodes as one
 * layer, and adding Layerlab layers, weights and state. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"
#include "io/project-private.h"

void
_onnx_value_free (gpointer data)
{
  onnx_value *v = data;

  g_free (v->name);
  nn_onnx_tensor_free (v->value);
  g_free (v->ints);
  g_free (v);
}

onnx_value *
_onnx_value_new (onnx_importer *im, const char *name)
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
  /* after the walk (the output's last step) there is no node to name */
  if (im->node == NULL)
    g_set_error (error, NN_ERROR, code, "%s: %s", im->file, msg);
  else
    g_set_error (error, NN_ERROR, code, "%s: node %d '%s' (%s): %s", im->file, im->node_index,
                 name, im->node->op_type, msg);
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
  v = _onnx_value_new (im, name); /* replaces the entry that only counted its readers */
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
  v = _onnx_value_new (im, name);
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
  /* axes of size 1 hold no layout of their own: beyond three axes they go,
   * first ones first (an Unsqueeze for a 5-D operator) */
  for (int i = 0; i < n && n > 3;)
    if (d[i] == 1)
      {
        memmove (d + i, d + i + 1, sizeof (int) * (gsize) (n - i - 1));
        n--;
      }
    else
      i++;
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

int
_onnx_node_depth (onnx_importer *im, int id)
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
      depth = MAX (depth, _onnx_node_depth (im, inputs[i]) + 1);
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
