/* onnx-export.c — writes a project's model as ONNX (see onnx-export.h).
 *
 * The model is compiled (which validates it and gives the initial weights of
 * an untrained project), the project's weights are applied, and each node is
 * written in topological order as one or a few ONNX nodes
 * (onnx-export-layers.c). */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "onnx-export-private.h"

#define OPSET      13
#define IR_VERSION 7

/* --- Graph inputs and outputs -------------------------------------------- */

static Onnx__ValueInfoProto *
value_info (onnx_exporter *ex, const char *name, const nn_shape *shape)
{
  Onnx__ValueInfoProto *v = _onnx_write_keep (ex, g_new0 (Onnx__ValueInfoProto, 1));
  Onnx__TypeProto *type = _onnx_write_keep (ex, g_new0 (Onnx__TypeProto, 1));
  Onnx__TypeProto__Tensor *tensor = _onnx_write_keep (ex, g_new0 (Onnx__TypeProto__Tensor, 1));
  Onnx__TensorShapeProto *s = _onnx_write_keep (ex, g_new0 (Onnx__TensorShapeProto, 1));
  Onnx__TensorShapeProto__Dimension **dims =
    _onnx_write_keep (ex, g_new0 (Onnx__TensorShapeProto__Dimension *, shape->rank + 1));

  onnx__value_info_proto__init (v);
  onnx__type_proto__init (type);
  onnx__type_proto__tensor__init (tensor);
  onnx__tensor_shape_proto__init (s);
  for (int i = 0; i <= shape->rank; i++)
    {
      Onnx__TensorShapeProto__Dimension *d =
        _onnx_write_keep (ex, g_new0 (Onnx__TensorShapeProto__Dimension, 1));

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
export_input (onnx_exporter *ex, const nn_project *p, const nn_node *node, const nn_shape *shape,
              const char *out)
{
  gint64 dims[NN_MAX_DIMS];
  const char *x = "input";

  if (p->norm_size > 0 && (gsize) p->norm_size == nn_shape_size (shape))
    {
      const char *centred = _onnx_write_name (ex, "input/centred");
      const char *result = out != NULL ? out : _onnx_write_name (ex, node->name);
      const char *mean, *inv_std;

      for (int i = 0; i < shape->rank; i++)
        dims[i] = shape->dim[i];
      mean = _onnx_write_floats (ex, "input.mean", dims, shape->rank, p->norm_mean);
      inv_std = _onnx_write_floats (ex, "input.inv_std", dims, shape->rank, p->norm_inv_std);
      _onnx_write_op (ex, "Sub", centred, (const char *[]){ x, mean, NULL }, centred);
      _onnx_write_op (ex, "Mul", result, (const char *[]){ centred, inv_std, NULL }, result);
      return result;
    }
  if (out != NULL)
    {
      /* a model that is only its Input still has an output */
      _onnx_write_op (ex, "Identity", node->name, (const char *[]){ x, NULL }, out);
      return out;
    }
  return x;
}

static guint8 *
pack (onnx_exporter *ex, const nn_graph_report *report, gsize *length)
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
  onnx_exporter ex = { 0 };
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
            onnx_layer l;

            for (int i = 0; i < node->n_inputs; i++)
              {
                in[i] = g_hash_table_lookup (tensors, GINT_TO_POINTER (node->inputs[i]));
                in_shape[i] = nn_graph_report_node (&report, node->inputs[i])->out_shape;
              }
            out = last ? "output" : _onnx_write_name (&ex, node->name);
            l = (onnx_layer){ node, in, in_shape, &r->out_shape, out };
            ok = _onnx_write_layer (&ex, &l, error);
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
  if (!g_file_set_contents_full (path, (const char *) data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0666, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write %s: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
