/* project.c — .layerlab projects (see project.h): the project itself, its
 * weights, and writing it through JsonBuilder. Reading is project-read.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

const char *const _nn_project_init_ids[5] = {
  [NN_INIT_AUTO] = "auto",
  [NN_INIT_HE_UNIFORM] = "he_uniform",
  [NN_INIT_HE_NORMAL] = "he_normal",
  [NN_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [NN_INIT_GLOROT_NORMAL] = "glorot_normal",
};

/* --- Tensors and the project ------------------------------------------- */

nn_project_tensor *
_nn_project_tensor_new (int node_id, const char *name, const nn_shape *shape, const float *data)
{
  nn_project_tensor *t = g_new0 (nn_project_tensor, 1);
  gsize n = nn_shape_size (shape);

  t->node_id = node_id;
  t->name = g_strdup (name);
  t->shape = *shape;
  t->data = g_new (float, MAX (n, 1));
  if (data != NULL)
    memcpy (t->data, data, n * sizeof (float));
  return t;
}

void
_nn_project_tensor_free (gpointer data)
{
  nn_project_tensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

nn_project *
nn_project_new (nn_graph *graph)
{
  nn_project *p = g_new0 (nn_project, 1);

  g_return_val_if_fail (graph != NULL, NULL);
  p->graph = graph;
  nn_trainer_config_init (&p->config);
  p->history = g_array_new (FALSE, TRUE, sizeof (nn_epoch_record));
  return p;
}

void
nn_project_free (nn_project *p)
{
  if (p == NULL)
    return;
  nn_graph_free (p->graph);
  g_free (p->data_spec);
  g_free (p->data_label);
  g_free (p->norm_mean);
  g_free (p->norm_inv_std);
  g_array_unref (p->history);
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
  g_free (p);
}

void
nn_project_set_data (nn_project *p, const char *spec, const nn_data_options *options)
{
  /* Copy first: spec and options may point into p itself. */
  char *label = options != NULL ? g_strdup (options->label) : NULL;
  char *copy = g_strdup (spec);

  g_free (p->data_spec);
  g_free (p->data_label);
  p->data_spec = copy;
  p->data_options = options != NULL ? *options : (nn_data_options){ 0 };
  p->data_label = label;
  p->data_options.label = label;
}

void
nn_project_set_normalisation (nn_project *p, const float *mean, const float *inv_std, int n)
{
  g_clear_pointer (&p->norm_mean, g_free);
  g_clear_pointer (&p->norm_inv_std, g_free);
  p->norm_size = 0;
  if (mean == NULL || inv_std == NULL || n <= 0)
    return;
  p->norm_mean = g_memdup2 (mean, n * sizeof (float));
  p->norm_inv_std = g_memdup2 (inv_std, n * sizeof (float));
  p->norm_size = n;
}

void
nn_project_clear_weights (nn_project *p)
{
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
}

void
nn_project_take_weights (nn_project *p, nn_model *m)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  nn_project_clear_weights (p);
  p->weights = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  p->state = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  w = nn_model_weights (m, NULL);
  ranges = nn_model_weight_ranges (m, &n_ranges);
  for (int i = 0; i < n_ranges; i++)
    g_ptr_array_add (p->weights,
                     _nn_project_tensor_new (ranges[i].node_id, ranges[i].info.name,
                                             &ranges[i].info.shape, w + ranges[i].offset));
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *state = nn_model_node_state (m, id, &n);
      nn_shape shape = nn_shape_1d ((int) n);

      if (state != NULL && n > 0)
        g_ptr_array_add (p->state, _nn_project_tensor_new (id, "state", &shape, state));
    }
}

const nn_project_tensor *
_nn_project_find_tensor (GPtrArray *list, int node_id, const char *name)
{
  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);

      if (t->node_id == node_id && g_str_equal (t->name, name))
        return t;
    }
  return NULL;
}

static gboolean
weights_fail (const nn_graph *g, int node_id, const char *what, GError **error)
{
  const nn_node *node = nn_graph_lookup (g, node_id);
  g_autofree char *label = node != NULL ? nn_graph_node_label (node) : g_strdup ("?");

  g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
               _ ("%s: the saved “%s” does not fit the model; train it again"), label, what);
  return FALSE;
}

gboolean
nn_project_apply_weights (const nn_project *p, nn_model *m, GError **error)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  if (p->weights == NULL)
    return TRUE;
  ranges = nn_model_weight_ranges (m, &n_ranges);
  /* Check everything before copying anything: m stays as it was on error. */
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (p->weights, ranges[i].node_id, ranges[i].info.name);

      if (t == NULL || !nn_shape_equal (&t->shape, &ranges[i].info.shape))
        return weights_fail (g, ranges[i].node_id, ranges[i].info.name, error);
    }
  if ((int) p->weights->len != n_ranges)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The saved weights belong to a different model (%u tensors, the model has "
                      "%d); train it again"),
                   p->weights->len, n_ranges);
      return FALSE;
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      const nn_project_tensor *t = _nn_project_find_tensor (p->state, id, "state");

      nn_model_node_state (m, id, &n);
      if ((t == NULL && n > 0) || (t != NULL && nn_shape_size (&t->shape) != n))
        return weights_fail (g, id, "state", error);
    }

  w = nn_model_weights (m, NULL);
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (p->weights, ranges[i].node_id, ranges[i].info.name);

      memcpy (w + ranges[i].offset, t->data, ranges[i].size * sizeof (float));
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *state = nn_model_node_state (m, id, &n);
      const nn_project_tensor *t = _nn_project_find_tensor (p->state, id, "state");

      if (state != NULL && t != NULL)
        memcpy (state, t->data, n * sizeof (float));
    }
  return TRUE;
}

/* --- Writing ----------------------------------------------------------- */

static void
add_number (JsonBuilder *b, const char *member, double v)
{
  json_builder_set_member_name (b, member);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *member, gint64 v)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b, const char *member, const char *v)
{
  json_builder_set_member_name (b, member);
  if (v != NULL)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_bool (JsonBuilder *b, const char *member, gboolean v)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, v);
}

static void
add_node (JsonBuilder *b, const nn_node *node)
{
  const nn_layer_ops *ops = node->desc.ops;

  json_builder_begin_object (b);
  add_int (b, "id", node->id);
  add_string (b, "kind", ops->id);
  add_string (b, "name", node->name);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (int i = 0; i < ops->n_params; i++)
    {
      const nn_param_spec *spec = &ops->params[i];
      double v = node->desc.p[i];

      switch (spec->type)
        {
          case NN_PARAM_INT:
            add_int (b, spec->id, (gint64) v);
            break;
          case NN_PARAM_FLOAT:
            add_number (b, spec->id, v);
            break;
          case NN_PARAM_BOOL:
            add_bool (b, spec->id, v != 0.0);
            break;
          case NN_PARAM_ENUM:
            add_string (b, spec->id, spec->choices[(int) v]);
            break;
        }
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  for (int i = 0; i < node->n_inputs; i++)
    json_builder_add_int_value (b, node->inputs[i]);
  json_builder_end_array (b);
  add_number (b, "x", node->x);
  add_number (b, "y", node->y);
  add_string (b, "init", _nn_project_init_ids[node->init]);
  json_builder_end_object (b);
}

/* Little-endian float32, whatever the machine, so files travel. */
static char *
encode_floats (const float *data, gsize n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, &data[i], sizeof u);
      le[i] = GUINT32_TO_LE (u);
    }
  return g_base64_encode ((const guchar *) le, n * sizeof (guint32));
}

static void
add_tensors (JsonBuilder *b, const char *member, GPtrArray *list, gboolean named)
{
  json_builder_set_member_name (b, member);
  if (list == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);
      g_autofree char *data = encode_floats (t->data, nn_shape_size (&t->shape));

      json_builder_begin_object (b);
      add_int (b, "node", t->node_id);
      if (named)
        add_string (b, "name", t->name);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < t->shape.rank; d++)
        json_builder_add_int_value (b, t->shape.dim[d]);
      json_builder_end_array (b);
      add_string (b, "data", data);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_normalisation (JsonBuilder *b, const nn_project *p)
{
  g_autofree char *mean = NULL, *inv_std = NULL;

  json_builder_set_member_name (b, "normalisation");
  if (p->norm_size == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  mean = encode_floats (p->norm_mean, p->norm_size);
  inv_std = encode_floats (p->norm_inv_std, p->norm_size);
  json_builder_begin_object (b);
  add_int (b, "size", p->norm_size);
  add_string (b, "mean", mean);
  add_string (b, "inv_std", inv_std);
  json_builder_end_object (b);
}

static void
add_config (JsonBuilder *b, const nn_trainer_config *c)
{
  json_builder_set_member_name (b, "training");
  json_builder_begin_object (b);
  add_string (b, "loss", nn_loss_id (c->loss));
  add_string (b, "optimizer", nn_optimizer_id (c->optimizer));
  add_number (b, "lr", c->lr);
  add_number (b, "momentum", c->momentum);
  add_bool (b, "nesterov", c->nesterov);
  add_number (b, "weight_decay", c->weight_decay);
  add_string (b, "schedule", nn_schedule_id (c->schedule));
  add_int (b, "step_size", c->step_size);
  add_number (b, "gamma", c->gamma);
  add_int (b, "batch", c->batch);
  add_int (b, "epochs", c->epochs);
  add_number (b, "val_fraction", c->val_fraction);
  add_number (b, "test_fraction", c->test_fraction);
  /* A seed is any 64-bit pattern; JSON integers are signed. */
  add_int (b, "seed", (gint64) c->seed);
  add_int (b, "threads", c->threads);
  add_number (b, "clip_norm", c->clip_norm);
  add_int (b, "patience", c->patience);
  add_int (b, "limit", c->limit);
  json_builder_end_object (b);
}

static void
add_dataset (JsonBuilder *b, const nn_project *p)
{
  const nn_data_options *o = &p->data_options;

  json_builder_set_member_name (b, "dataset");
  if (p->data_spec == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "spec", p->data_spec);
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  add_string (b, "label", p->data_label);
  add_int (b, "samples", o->samples);
  add_number (b, "noise", o->noise);
  add_int (b, "seed", (gint64) o->seed);
  add_int (b, "limit", o->limit);
  add_int (b, "image_size", o->image_size);
  add_bool (b, "words", o->words);
  add_int (b, "vocab_size", o->vocab_size);
  add_int (b, "max_length", o->max_length);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_history (JsonBuilder *b, GArray *history)
{
  json_builder_set_member_name (b, "history");
  json_builder_begin_object (b);
#define ADD_SERIES(field)                                           \
  json_builder_set_member_name (b, #field);                         \
  json_builder_begin_array (b);                                     \
  for (guint i = 0; i < history->len; i++)                          \
    {                                                               \
      double v = g_array_index (history, nn_epoch_record, i).field; \
      if (isfinite (v))                                             \
        json_builder_add_double_value (b, v);                       \
      else                                                          \
        json_builder_add_null_value (b);                            \
    }                                                               \
  json_builder_end_array (b);
  HISTORY_FIELDS (ADD_SERIES)
#undef ADD_SERIES
  json_builder_end_object (b);
}

char *
nn_project_to_data (const nn_project *p, gsize *length)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "format", "layerlab");
  add_int (b, "version", NN_PROJECT_VERSION);
  add_string (b, "generator", "Layerlab " PACKAGE_VERSION);
  json_builder_set_member_name (b, "graph");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (int i = 0; i < nn_graph_n_nodes (p->graph); i++)
    add_node (b, nn_graph_nth_node (p->graph, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  add_dataset (b, p);
  add_normalisation (b, p);
  add_config (b, &p->config);
  add_history (b, p->history);
  add_tensors (b, "weights", p->weights, TRUE);
  add_tensors (b, "state", p->state, FALSE);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, length);
}

gboolean
nn_project_save (const nn_project *p, const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) local = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  data = nn_project_to_data (p, &length);
  /* g_file_replace_contents writes a temporary file and renames it over the
   * old one, so a crash mid-write never leaves half a project. */
  if (!g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL,
                                &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not save %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}
