/* onnx-import.c — reading an ONNX model into a Layerlab project: the
 * model's validation (opset, names, definitions, one input and output,
 * cycles), the walk that maps its nodes in order, and the canvas layout.
 * Tensors and reading files are in onnx-import-tensors.c, the values and
 * node helpers in onnx-import-values.c, the operator-by-operator mapping
 * in onnx-import-ops.c (and -image, -patterns, -recurrent), running an
 * imported model in onnx-import-run.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"
#include "io/project-private.h"

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
                   _onnx_type_name (tp->tensor_type->elem_type));
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
 * one depth side by side, centred. The steps leave room for the builder's
 * cards (248 wide, 114 tall with two lines of settings) and its gaps; the
 * window lays out afresh a model it imports, knowing each card's size. */
#define LAYOUT_STEP_X 296.0
#define LAYOUT_STEP_Y 170.0

static void
lay_out (onnx_importer *im)
{
  g_autoptr (GHashTable) per_depth = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) placed = g_hash_table_new (NULL, NULL);

  for (int i = 0; i < nn_graph_n_nodes (im->graph); i++)
    {
      int d = _onnx_node_depth (im, nn_graph_nth_node (im->graph, i)->id);
      int c = GPOINTER_TO_INT (g_hash_table_lookup (per_depth, GINT_TO_POINTER (d)));

      g_hash_table_insert (per_depth, GINT_TO_POINTER (d), GINT_TO_POINTER (c + 1));
    }
  for (int i = 0; i < nn_graph_n_nodes (im->graph); i++)
    {
      const nn_node *node = nn_graph_nth_node (im->graph, i);
      int d = _onnx_node_depth (im, node->id);
      int count = GPOINTER_TO_INT (g_hash_table_lookup (per_depth, GINT_TO_POINTER (d)));
      int k = GPOINTER_TO_INT (g_hash_table_lookup (placed, GINT_TO_POINTER (d)));

      g_hash_table_insert (placed, GINT_TO_POINTER (d), GINT_TO_POINTER (k + 1));
      nn_graph_set_position (im->graph, node->id,
                             40.0 + LAYOUT_STEP_X * (k - (count - 1) / 2.0 + 1.0),
                             40.0 + LAYOUT_STEP_Y * d);
    }
}

/* When nothing but plumbing (Identity, Squeeze, Unsqueeze, a Transpose
 * of the batch) or the input's normalisation lies between the input and
 * out, there is no layer, and a Layerlab model needs one: a change of shape
 * is a Reshape; no change at all is refused with that said. */
static gboolean
give_a_layer (onnx_importer *im, onnx_value *out, GError **error)
{
  const nn_node *node = nn_graph_lookup (im->graph, out->node_id);
  nn_shape want, have;

  if (node == NULL || node->desc.ops != nn_layer_lookup ("input"))
    return TRUE;
  have = _onnx_node_shape (im, out->node_id);
  /* _onnx_use says why when the output's shape is none Layerlab has */
  if (!_onnx_sample_shape (out, &want) || !nn_shape_equal (&want, &have))
    return _onnx_use (im, out, error) >= 0;
  g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
               im->norm_size > 0 ? _ ("%s: the output '%s' is the input after its normalisation, "
                                      "nothing more: Layerlab models have at least one layer")
                                 : _ ("%s: the output '%s' is the input as it is: Layerlab "
                                      "models have at least one layer"),
               im->file, out->name);
  return FALSE;
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
      v = _onnx_value_new (im, g->initializer[i]->name);
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
          v = _onnx_value_new (im, name);
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

  v = _onnx_value_new (im, input->name);
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
          used = _onnx_value_new (im, g->node[n]->input[i]); /* counts consumers until defined */
        if (used)
          used->consumers++;
      }
  {
    onnx_value *o = g_hash_table_lookup (im->values, g->output[0]->name);

    if (o == NULL)
      o = _onnx_value_new (im, g->output[0]->name);
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
  if (!give_a_layer (im, out, error))
    return FALSE;
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
  im.values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, _onnx_value_free);
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

  if (!_onnx_read_capped (path, &data, &length, error))
    return NULL;
  return nn_onnx_import_data (data, length, base, NULL, NULL, error);
}
