/* project-write.c — writing a project as a .layerlab document through
 * JsonBuilder, and saving it without ever leaving half a file. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

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

char *
nn_floats_to_base64 (const float *v, gsize n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, &v[i], sizeof bits);
      le[i] = GUINT32_TO_LE (bits);
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
      g_autofree char *data = nn_floats_to_base64 (t->data, nn_shape_size (&t->shape));

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

/* Only beside weights: the state means nothing without what it moved. */
static void
add_optimizer (JsonBuilder *b, const nn_project_optimizer *o, GPtrArray *weights)
{
  g_autofree char *m = NULL, *v = NULL;

  if (o == NULL || weights == NULL)
    return;
  if (o->m != NULL)
    m = nn_floats_to_base64 (o->m, o->n);
  if (o->v != NULL)
    v = nn_floats_to_base64 (o->v, o->n);
  json_builder_set_member_name (b, "optimizer");
  json_builder_begin_object (b);
  add_string (b, "kind", nn_optimizer_id (o->kind));
  add_int (b, "steps", o->steps);
  add_string (b, "m", m);
  add_string (b, "v", v);
  json_builder_end_object (b);
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
  mean = nn_floats_to_base64 (p->norm_mean, p->norm_size);
  inv_std = nn_floats_to_base64 (p->norm_inv_std, p->norm_size);
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
  add_string (b, "mode", _nn_project_mode_ids[c->mode]);
  add_number (b, "label_smoothing", c->label_smoothing);
  json_builder_set_member_name (b, "augment");
  json_builder_begin_object (b);
  add_bool (b, "flip", c->augment.flip);
  add_int (b, "shift", c->augment.shift);
  add_number (b, "noise", c->augment.noise);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_dataset (JsonBuilder *b, const nn_project *p, const char *spec)
{
  const nn_data_options *o = &p->data_options;

  json_builder_set_member_name (b, "dataset");
  if (p->data_spec == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "spec", spec);
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
  json_builder_set_member_name (b, "preparation");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->preparation->len; i++)
    {
      const nn_prep_step *step = &g_array_index (p->preparation, nn_prep_step, i);

      json_builder_begin_object (b);
      add_string (b, "step", _nn_project_prep_ids[step->kind]);
      if (step->kind == NN_PREP_IMPUTE)
        add_string (b, "how", _nn_project_impute_ids[step->how]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
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

static void
add_nodes (JsonBuilder *b, const nn_graph *g)
{
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    add_node (b, nn_graph_nth_node (g, i));
  json_builder_end_array (b);
}

static void
add_discriminator (JsonBuilder *b, const nn_project *p)
{
  json_builder_set_member_name (b, "discriminator");
  json_builder_begin_object (b);
  add_nodes (b, p->discriminator);
  add_tensors (b, "weights", p->d_weights, TRUE);
  add_tensors (b, "state", p->d_state, FALSE);
  add_optimizer (b, p->d_optimizer, p->d_weights);
  json_builder_end_object (b);
}

/* The document, with spec written for the dataset's. */
static char *
to_data (const nn_project *p, const char *spec, gsize *length)
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
  add_nodes (b, p->graph);
  json_builder_end_object (b);
  add_dataset (b, p, spec);
  add_normalisation (b, p);
  add_config (b, &p->config);
  add_history (b, p->history);
  add_tensors (b, "weights", p->weights, TRUE);
  add_tensors (b, "state", p->state, FALSE);
  add_optimizer (b, p->optimizer, p->weights);
  if (p->discriminator != NULL)
    add_discriminator (b, p);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, length);
}

char *
nn_project_to_data (const nn_project *p, gsize *length)
{
  return to_data (p, p->data_spec, length);
}

gboolean
nn_project_save (const nn_project *p, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *spec = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (p->data_spec != NULL)
    spec = nn_project_spec_relative (p->data_spec, dir);
  data = to_data (p, spec, &length);
  /* A temporary file, synced, then renamed over the old one: a crash or a
   * full disk mid-write never leaves half a project. (g_file_replace_contents
   * renames even after a failed write: the old file is lost to a full disk.) */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not save %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}
