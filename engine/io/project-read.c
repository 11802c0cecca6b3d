/* project-read.c — reading and validating .layerlab files (see project.h).
 * Small helpers walk the parsed tree knowing the path of the field they
 * read, so every message can say exactly which field of which node is
 * wrong; nothing is allocated by what a file claims before it is checked. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

/* --- Reading ----------------------------------------------------------- */

/* Every reader takes the path of the object it reads from ("graph.nodes[3]")
 * and reports "graph.nodes[3].kind: …". */
G_GNUC_PRINTF (3, 4)
static gboolean
field_error (GError **error, const char *path, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NN_ERROR, NN_ERROR_DATA, "%s: %s", path, message);
  return FALSE;
}

/* An engine error about something read from the file (a duplicate id, a
 * cycle, an unknown optimizer) becomes a file error at that field. */
static gboolean
at_field (GError **error, const char *path)
{
  g_prefix_error (error, "%s: ", path);
  if (error != NULL && *error != NULL)
    (*error)->code = NN_ERROR_DATA;
  return FALSE;
}

static char *
member_path (const char *path, const char *member)
{
  return path[0] != '\0' ? g_strdup_printf ("%s.%s", path, member) : g_strdup (member);
}

static JsonNode *
get_member (JsonObject *o, const char *path, const char *member, GError **error)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL)
    {
      g_autofree char *p = member_path (path, member);

      field_error (error, p, _ ("missing"));
    }
  return node;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* A JSON number as a double; null is NaN when allow_null. */
static gboolean
read_number_node (JsonNode *node, const char *p, gboolean allow_null, double *out, GError **error)
{
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!node_is_number (node))
    return field_error (error, p,
                        allow_null ? _ ("expected a number or null") : _ ("expected a number"));
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_double (JsonObject *o, const char *path, const char *member, double min, double max,
             double *out, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!node_is_number (node) || json_node_get_double (node) < min ||
      json_node_get_double (node) > max)
    return field_error (error, p, _ ("expected a number between %g and %g"), min, max);
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_int64 (JsonObject *o, const char *path, const char *member, gint64 min, gint64 max,
            gint64 *out, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    return field_error (error, p, _ ("expected a whole number between %lld and %lld"),
                        (long long) min, (long long) max);
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_int (JsonObject *o, const char *path, const char *member, int min, int max, int *out,
          GError **error)
{
  gint64 v;

  if (!read_int64 (o, path, member, min, max, &v, error))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static gboolean
read_bool (JsonObject *o, const char *path, const char *member, gboolean *out, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (error, p, _ ("expected true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* The string stays owned by the document; NULL for null when allow_null. */
static gboolean
read_string (JsonObject *o, const char *path, const char *member, gboolean allow_null,
             const char **out, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, p, _ ("expected a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonObject *
read_object (JsonObject *o, const char *path, const char *member, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, p, _ ("expected an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* An array, or NULL with *is_null set when allow_null and the value is null. */
static JsonArray *
read_array (JsonObject *o, const char *path, const char *member, gboolean allow_null,
            gboolean *is_null, GError **error)
{
  JsonNode *node = get_member (o, path, member, error);
  g_autofree char *p = member_path (path, member);

  if (is_null != NULL)
    *is_null = FALSE;
  if (node == NULL)
    return NULL;
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *is_null = TRUE;
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      field_error (error, p, _ ("expected a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
array_object (JsonArray *a, guint i, const char *p, GError **error)
{
  JsonNode *node = json_array_get_element (a, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, p, _ ("expected an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_param (nn_layer_desc *desc, const char *p, const char *member, JsonNode *node, GError **error)
{
  int i = nn_layer_param_index (desc->ops, member);
  const nn_param_spec *spec;
  double v = 0.0;

  if (i < 0)
    return field_error (error, p, _ ("%s has no parameter “%s”"), _ (desc->ops->name), member);
  spec = &desc->ops->params[i];
  switch (spec->type)
    {
      case NN_PARAM_INT:
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
            json_node_get_int (node) < spec->min || json_node_get_int (node) > spec->max)
          return field_error (error, p, _ ("expected a whole number between %.0f and %.0f"),
                              spec->min, spec->max);
        v = (double) json_node_get_int (node);
        break;
      case NN_PARAM_FLOAT:
        if (!node_is_number (node) || json_node_get_double (node) < spec->min ||
            json_node_get_double (node) > spec->max)
          return field_error (error, p, _ ("expected a number between %g and %g"), spec->min,
                              spec->max);
        v = json_node_get_double (node);
        break;
      case NN_PARAM_BOOL:
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
          return field_error (error, p, _ ("expected true or false"));
        v = json_node_get_boolean (node) ? 1.0 : 0.0;
        break;
      case NN_PARAM_ENUM:
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) spec->choices);
          const char *s = NULL;
          int k = 0;

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            s = json_node_get_string (node);
          while (s != NULL && spec->choices[k] != NULL && !g_str_equal (spec->choices[k], s))
            k++;
          if (s == NULL || spec->choices[k] == NULL)
            return field_error (error, p, _ ("expected one of %s"), choices);
          v = k;
        }
        break;
    }
  /* Ranges are checked above; this catches whatever the layer adds to them. */
  return nn_layer_desc_set (desc, member, v, error) || at_field (error, p);
}

static gboolean
read_node (nn_graph *g, JsonObject *o, const char *path, GError **error)
{
  const nn_layer_ops *ops;
  const char *kind, *name, *init;
  nn_layer_desc desc;
  JsonObject *params;
  JsonArray *inputs;
  double x, y;
  int id, k;

  if (!read_int (o, path, "id", 0, G_MAXINT / 2, &id, error) ||
      !read_string (o, path, "kind", FALSE, &kind, error) ||
      !read_string (o, path, "name", FALSE, &name, error))
    return FALSE;
  ops = nn_layer_lookup (kind);
  if (ops == NULL)
    {
      g_autofree char *p = member_path (path, "kind");

      return field_error (error, p, _ ("unknown layer kind “%s”"), kind);
    }
  if (name[0] == '\0')
    {
      g_autofree char *p = member_path (path, "name");

      return field_error (error, p, _ ("expected a name, not an empty string"));
    }
  params = read_object (o, path, "params", error);
  if (params == NULL)
    return FALSE;
  /* Parameters missing from the file keep their defaults (see project.h). */
  nn_layer_desc_init (&desc, ops);
  {
    g_autoptr (GList) members = json_object_get_members (params);
    g_autofree char *ppath = member_path (path, "params");

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_autofree char *p = member_path (ppath, l->data);

        if (!read_param (&desc, p, l->data, json_object_get_member (params, l->data), error))
          return FALSE;
      }
  }
  inputs = read_array (o, path, "inputs", FALSE, NULL, error);
  if (inputs == NULL || !read_double (o, path, "x", -1e9, 1e9, &x, error) ||
      !read_double (o, path, "y", -1e9, 1e9, &y, error) ||
      !read_string (o, path, "init", FALSE, &init, error))
    return FALSE;
  for (k = 0; k < (int) G_N_ELEMENTS (_nn_project_init_ids); k++)
    if (g_str_equal (_nn_project_init_ids[k], init))
      break;
  if (k == G_N_ELEMENTS (_nn_project_init_ids))
    {
      g_autofree char *p = member_path (path, "init");
      g_autofree char *choices = g_strjoinv (", ", (char **) _nn_project_init_ids);

      return field_error (error, p, _ ("expected one of %s"), choices);
    }

  if (nn_graph_add_node_full (g, id, ops, name, error) < 0)
    {
      return at_field (error, path);
    }
  if (!nn_graph_set_desc (g, id, &desc, error))
    {
      return at_field (error, path);
    }
  nn_graph_set_init (g, id, (nn_init_kind) k);
  nn_graph_set_position (g, id, x, y);
  return TRUE;
}

/* Edges once every node exists, so inputs may name nodes listed later. */
static gboolean
read_edges (nn_graph *g, JsonObject *o, const char *path, GError **error)
{
  JsonArray *inputs = json_node_get_array (json_object_get_member (o, "inputs"));
  int to = (int) json_object_get_int_member (o, "id");
  g_autofree char *ipath = member_path (path, "inputs");

  for (guint i = 0; i < json_array_get_length (inputs); i++)
    {
      JsonNode *node = json_array_get_element (inputs, i);
      g_autofree char *p = g_strdup_printf ("%s[%u]", ipath, i);
      gint64 from;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return field_error (error, p, _ ("expected a node id"));
      from = json_node_get_int (node);
      if (from < 0 || from > G_MAXINT || nn_graph_lookup (g, (int) from) == NULL)
        return field_error (error, p, _ ("no node has the id %lld"), (long long) from);
      if (!nn_graph_connect (g, (int) from, to, -1, error))
        {
          return at_field (error, p);
        }
    }
  return TRUE;
}

/* The nodes of o (graph or discriminator, at path) as a graph. */
static nn_graph *
read_nodes (JsonObject *o, const char *path, GError **error)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  JsonArray *nodes = read_array (o, path, "nodes", FALSE, NULL, error);

  if (nodes == NULL)
    return NULL;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < json_array_get_length (nodes); i++)
      {
        g_autofree char *npath = g_strdup_printf ("%s.nodes[%u]", path, i);
        JsonObject *n = array_object (nodes, i, npath, error);

        if (n == NULL)
          return NULL;
        if (pass == 0 ? !read_node (g, n, npath, error) : !read_edges (g, n, npath, error))
          return NULL;
      }
  return g_steal_pointer (&g);
}

static nn_graph *
read_graph (JsonObject *root, GError **error)
{
  JsonObject *graph = read_object (root, "", "graph", error);

  return graph != NULL ? read_nodes (graph, "graph", error) : NULL;
}

/* The index of id in a NULL-terminated list of ids, or -1 with an error
 * at path listing the choices. */
static int
read_choice (const char *const *ids, const char *id, const char *path, GError **error)
{
  g_autofree char *choices = NULL;

  for (int k = 0; ids[k] != NULL; k++)
    if (g_str_equal (ids[k], id))
      return k;
  choices = g_strjoinv (", ", (char **) ids);
  field_error (error, path, _ ("expected one of %s, not “%s”"), choices, id);
  return -1;
}

static gboolean
read_preparation (JsonObject *d, nn_project *p, GError **error)
{
  JsonArray *a = read_array (d, "dataset", "preparation", FALSE, NULL, error);
  g_autoptr (GArray) steps = g_array_new (FALSE, TRUE, sizeof (nn_prep_step));

  if (a == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *path = g_strdup_printf ("dataset.preparation[%u]", i);
      g_autofree char *step_path = g_strconcat (path, ".step", NULL);
      g_autofree char *how_path = g_strconcat (path, ".how", NULL);
      JsonObject *o = array_object (a, i, path, error);
      nn_prep_step step = { 0 };
      const char *kind, *how;
      int k;

      if (o == NULL || !read_string (o, path, "step", FALSE, &kind, error))
        return FALSE;
      if ((k = read_choice (_nn_project_prep_ids, kind, step_path, error)) < 0)
        return FALSE;
      step.kind = (nn_prep_kind) k;
      if (step.kind == NN_PREP_IMPUTE)
        {
          if (!read_string (o, path, "how", FALSE, &how, error))
            return FALSE;
          if ((k = read_choice (_nn_project_impute_ids, how, how_path, error)) < 0)
            return FALSE;
          step.how = (nn_impute) k;
        }
      g_array_append_val (steps, step);
    }
  nn_project_set_preparation (p, (const nn_prep_step *) steps->data, steps->len);
  return TRUE;
}

static gboolean
read_dataset (JsonObject *root, nn_project *p, GError **error)
{
  JsonNode *node = get_member (root, "", "dataset", error);
  nn_data_options opt = { 0 };
  JsonObject *d, *o;
  const char *spec, *label = NULL;
  gint64 seed;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, "dataset", _ ("expected an object or null"));
  d = json_node_get_object (node);
  if (!read_string (d, "dataset", "spec", FALSE, &spec, error))
    return FALSE;
  o = read_object (d, "dataset", "options", error);
  if (o == NULL || !read_string (o, "dataset.options", "label", TRUE, &label, error) ||
      !read_int (o, "dataset.options", "samples", 0, G_MAXINT, &opt.samples, error) ||
      !read_double (o, "dataset.options", "noise", -1.0, 1e6, &opt.noise, error) ||
      !read_int64 (o, "dataset.options", "seed", G_MININT64, G_MAXINT64, &seed, error) ||
      !read_int (o, "dataset.options", "limit", 0, G_MAXINT, &opt.limit, error) ||
      !read_int (o, "dataset.options", "image_size", 0, 65536, &opt.image_size, error) ||
      !read_bool (o, "dataset.options", "words", &opt.words, error) ||
      !read_int (o, "dataset.options", "vocab_size", 0, G_MAXINT, &opt.vocab_size, error) ||
      !read_int (o, "dataset.options", "max_length", 0, G_MAXINT, &opt.max_length, error))
    return FALSE;
  opt.seed = (guint64) seed;
  opt.label = label;
  nn_project_set_data (p, spec, &opt);
  /* Added later: a file without it prepares nothing (see project.h). */
  return !json_object_has_member (d, "preparation") || read_preparation (d, p, error);
}

static gboolean
read_config (JsonObject *root, nn_trainer_config *c, GError **error)
{
  JsonObject *o = read_object (root, "", "training", error);
  const char *loss, *optimizer, *schedule;
  const char *t = "training";
  gint64 seed;

  if (o == NULL)
    return FALSE;
  if (!read_string (o, t, "loss", FALSE, &loss, error))
    return FALSE;
  if (!nn_loss_from_id (loss, &c->loss, error))
    return at_field (error, "training.loss");
  if (!read_string (o, t, "optimizer", FALSE, &optimizer, error))
    return FALSE;
  if (!nn_optimizer_from_id (optimizer, &c->optimizer, error))
    return at_field (error, "training.optimizer");
  if (!read_string (o, t, "schedule", FALSE, &schedule, error))
    return FALSE;
  if (!nn_schedule_from_id (schedule, &c->schedule, error))
    return at_field (error, "training.schedule");
  if (!read_double (o, t, "lr", 0.0, 1e6, &c->lr, error) ||
      !read_double (o, t, "momentum", 0.0, 1.0, &c->momentum, error) ||
      !read_bool (o, t, "nesterov", &c->nesterov, error) ||
      !read_double (o, t, "weight_decay", 0.0, 1e6, &c->weight_decay, error) ||
      !read_int (o, t, "step_size", 0, G_MAXINT, &c->step_size, error) ||
      !read_double (o, t, "gamma", 0.0, 1e6, &c->gamma, error) ||
      !read_int (o, t, "batch", 1, 1 << 20, &c->batch, error) ||
      !read_int (o, t, "epochs", 0, 1 << 20, &c->epochs, error) ||
      !read_double (o, t, "val_fraction", 0.0, 0.99, &c->val_fraction, error) ||
      !read_double (o, t, "test_fraction", 0.0, 0.99, &c->test_fraction, error) ||
      !read_int64 (o, t, "seed", G_MININT64, G_MAXINT64, &seed, error) ||
      !read_int (o, t, "threads", 0, 4096, &c->threads, error) ||
      !read_double (o, t, "clip_norm", 0.0, 1e12, &c->clip_norm, error) ||
      !read_int (o, t, "patience", 0, G_MAXINT, &c->patience, error) ||
      !read_int (o, t, "limit", 0, G_MAXINT, &c->limit, error))
    return FALSE;
  c->seed = (guint64) seed;
  /* Added later: a file without them keeps the defaults (see project.h). */
  if (json_object_has_member (o, "mode"))
    {
      const char *mode;
      int k = 0;

      if (!read_string (o, t, "mode", FALSE, &mode, error))
        return FALSE;
      while (_nn_project_mode_ids[k] != NULL &&
             !g_str_equal (_nn_project_mode_ids[k], mode))
        k++;
      if (_nn_project_mode_ids[k] == NULL)
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) _nn_project_mode_ids);

          return field_error (error, "training.mode", _ ("expected one of %s, not “%s”"), choices,
                              mode);
        }
      c->mode = (nn_train_mode) k;
    }
  if (json_object_has_member (o, "label_smoothing") &&
      !read_double (o, t, "label_smoothing", 0.0, 0.499, &c->label_smoothing, error))
    return FALSE;
  if (json_object_has_member (o, "augment"))
    {
      JsonObject *a = read_object (o, t, "augment", error);
      const char *ap = "training.augment";

      if (a == NULL || !read_bool (a, ap, "flip", &c->augment.flip, error) ||
          !read_int (a, ap, "shift", 0, 64, &c->augment.shift, error) ||
          !read_double (a, ap, "noise", 0.0, 10.0, &c->augment.noise, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_history (JsonObject *root, GArray *history, GError **error)
{
  JsonObject *o = read_object (root, "", "history", error);
  JsonArray *a;
  gboolean first = TRUE;
  guint n = 0;

  if (o == NULL)
    return FALSE;
    /* Every series must have one value per epoch. */
#define READ_SERIES(field)                                                                         \
  a = read_array (o, "history", #field, FALSE, NULL, error);                                       \
  if (a == NULL)                                                                                   \
    return FALSE;                                                                                  \
  if (first)                                                                                       \
    {                                                                                              \
      n = json_array_get_length (a);                                                               \
      g_array_set_size (history, n);                                                               \
      first = FALSE;                                                                               \
    }                                                                                              \
  if (json_array_get_length (a) != n)                                                              \
    return field_error (error, "history." #field, _ ("expected %u values, one per epoch, not %u"), \
                        n, json_array_get_length (a));                                             \
  for (guint i = 0; i < n; i++)                                                                    \
    {                                                                                              \
      g_autofree char *p = g_strdup_printf ("history.%s[%u]", #field, i);                          \
      if (!read_number_node (json_array_get_element (a, i), p, TRUE,                               \
                             &g_array_index (history, nn_epoch_record, i).field, error))           \
        return FALSE;                                                                              \
    }
  HISTORY_FIELDS (READ_SERIES)
#undef READ_SERIES
  return TRUE;
}

/* g_base64_decode skips what is not base64, so check the alphabet first:
 * a damaged file must not load as different weights. */
static gboolean
valid_base64 (const char *s)
{
  gsize len = strlen (s), pad = 0;

  if (len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char ch = s[i];

      if (ch == '=')
        {
          if (i < len - 2)
            return FALSE;
          pad++;
        }
      else if (pad > 0 || !(g_ascii_isalnum (ch) || ch == '+' || ch == '/'))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_shape (JsonObject *o, const char *path, nn_shape *shape, GError **error)
{
  JsonArray *a = read_array (o, path, "shape", FALSE, NULL, error);
  g_autofree char *p = member_path (path, "shape");
  guint64 size = 1;

  if (a == NULL)
    return FALSE;
  if (json_array_get_length (a) < 1 || json_array_get_length (a) > NN_MAX_DIMS)
    return field_error (error, p, _ ("expected 1 to %d sizes"), NN_MAX_DIMS);
  *shape = (nn_shape){ .rank = (int) json_array_get_length (a) };
  for (int d = 0; d < shape->rank; d++)
    {
      JsonNode *node = json_array_get_element (a, d);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1 || json_node_get_int (node) > G_MAXINT)
        return field_error (error, p, _ ("expected positive whole numbers"));
      shape->dim[d] = (int) json_node_get_int (node);
      size *= (guint64) shape->dim[d];
      if (size > G_MAXINT32)
        return field_error (error, p, _ ("too large"));
    }
  return TRUE;
}

/* o.member: base64 of exactly n little-endian float32 values, into out. */
static gboolean
read_floats (JsonObject *o, const char *path, const char *member, float *out, gsize n,
             GError **error)
{
  g_autofree char *p = member_path (path, member);
  g_autofree guchar *bytes = NULL;
  const char *data;
  gsize length = 0;

  if (!read_string (o, path, member, FALSE, &data, error))
    return FALSE;
  if (!valid_base64 (data))
    return field_error (error, p, _ ("not valid base64"));
  bytes = g_base64_decode (data, &length);
  if (length != n * sizeof (float))
    return field_error (error, p, _ ("expected %lu values for its shape, found %g"),
                        (unsigned long) n, length / (double) sizeof (float));
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, bytes + i * sizeof u, sizeof u);
      u = GUINT32_FROM_LE (u);
      memcpy (&out[i], &u, sizeof u);
    }
  return TRUE;
}

static nn_project_tensor *
read_tensor (JsonObject *o, const char *path, gboolean named, GError **error)
{
  const char *name = "state";
  nn_project_tensor *t;
  nn_shape shape;
  int node;

  if (!read_int (o, path, "node", 0, G_MAXINT, &node, error) ||
      (named && !read_string (o, path, "name", FALSE, &name, error)) ||
      !read_shape (o, path, &shape, error))
    return NULL;
  t = _nn_project_tensor_new (node, name, &shape, NULL);
  if (!read_floats (o, path, "data", t->data, nn_shape_size (&shape), error))
    {
      _nn_project_tensor_free (t);
      return NULL;
    }
  return t;
}

static gboolean
read_normalisation (JsonObject *root, nn_project *p, GError **error)
{
  JsonNode *node = get_member (root, "", "normalisation", error);
  JsonObject *o;
  int n;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, "normalisation", _ ("expected an object or null"));
  o = json_node_get_object (node);
  if (!read_int (o, "normalisation", "size", 1, 1 << 28, &n, error))
    return FALSE;
  p->norm_size = n;
  p->norm_mean = g_new (float, n);
  p->norm_inv_std = g_new (float, n);
  return read_floats (o, "normalisation", "mean", p->norm_mean, n, error) &&
         read_floats (o, "normalisation", "inv_std", p->norm_inv_std, n, error);
}

static GPtrArray *
read_tensors (JsonObject *o, const char *opath, const char *member, gboolean named,
              gboolean *is_null, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *mpath = member_path (opath, member);
  JsonArray *a = read_array (o, opath, member, TRUE, is_null, error);

  if (a == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", mpath, i);
      JsonObject *to = array_object (a, i, path, error);
      nn_project_tensor *t;

      if (to == NULL)
        return NULL;
      t = read_tensor (to, path, named, error);
      if (t == NULL)
        return NULL;
      for (guint j = 0; j < list->len; j++)
        {
          nn_project_tensor *u = g_ptr_array_index (list, j);

          if (u->node_id == t->node_id && g_str_equal (u->name, t->name))
            {
              _nn_project_tensor_free (t);
              field_error (error, path, _ ("a second “%s” for node %d"), u->name, u->node_id);
              return NULL;
            }
        }
      g_ptr_array_add (list, t);
    }
  return g_steal_pointer (&list);
}

/* What the graph says a trained project must hold. */
typedef struct
{
  int node_id;
  const char *name;
  nn_shape shape;
} expected_tensor;

static const char *
find_expected (GArray *expected, int node_id, const char *name, const nn_shape **shape)
{
  for (guint i = 0; i < expected->len; i++)
    {
      expected_tensor *e = &g_array_index (expected, expected_tensor, i);

      if (e->node_id == node_id && g_str_equal (e->name, name))
        {
          *shape = &e->shape;
          return e->name;
        }
    }
  return NULL;
}

static char *
node_label (const nn_graph *g, int id)
{
  const nn_node *node = nn_graph_lookup (g, id);

  return node != NULL ? nn_graph_node_label (node) : g_strdup_printf (_ ("node %d"), id);
}

/* The saved tensors of one list must be exactly the expected ones: same
 * nodes, names and shapes, none missing, none extra. */
static gboolean
check_tensors (const nn_graph *g, GPtrArray *list, GArray *expected, const char *member,
               GError **error)
{
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);
      g_autofree char *path = g_strdup_printf ("%s[%u]", member, i);
      g_autofree char *label = node_label (g, t->node_id);
      const nn_shape *want = NULL;

      if (find_expected (expected, t->node_id, t->name, &want) == NULL)
        return field_error (error, path, _ ("%s has no “%s” to restore"), label, t->name);
      if (!nn_shape_equal (want, &t->shape))
        {
          g_autofree char *want_s = nn_shape_to_string (want);
          g_autofree char *have_s = nn_shape_to_string (&t->shape);

          return field_error (error, path, _ ("“%s” of %s should be %s, not %s"), t->name, label,
                              want_s, have_s);
        }
    }
  for (guint i = 0; i < expected->len; i++)
    {
      expected_tensor *e = &g_array_index (expected, expected_tensor, i);

      if (_nn_project_find_tensor (list, e->node_id, e->name) == NULL)
        {
          g_autofree char *label = node_label (g, e->node_id);

          return field_error (error, member, _ ("missing “%s” of %s"), e->name, label);
        }
    }
  return TRUE;
}

/* Weights are only meaningful for the graph they were trained with;
 * prefix is where the lists are ("" or "discriminator"). */
static gboolean
check_weights (const nn_graph *graph, GPtrArray *wlist, GPtrArray *slist, const char *prefix,
               GError **error)
{
  g_autofree char *wpath = member_path (prefix, "weights");
  g_autofree char *spath = member_path (prefix, "state");
  g_autoptr (GArray) weights = g_array_new (FALSE, FALSE, sizeof (expected_tensor));
  g_autoptr (GArray) state = g_array_new (FALSE, FALSE, sizeof (expected_tensor));
  nn_graph_report report;
  gboolean ok = FALSE;

  nn_graph_infer (graph, &report);
  if (!report.ok)
    {
      g_autoptr (GError) why = NULL;

      nn_graph_report_to_error (&report, &why);
      field_error (error, wpath,
                   _ ("the model is not valid, so it cannot have weights (%s); remove them"),
                   why != NULL ? why->message : "?");
      goto out;
    }
  for (int i = 0; i < nn_graph_n_nodes (graph); i++)
    {
      const nn_node *node = nn_graph_nth_node (graph, i);
      const nn_layer_ops *ops = node->desc.ops;
      const nn_shape *out = &report.nodes[i].out_shape;
      nn_shape in[NN_MAX_INPUTS];
      nn_weight_info info[NN_MAX_WEIGHTS];
      gsize n_state = 0;
      int n = 0;

      for (int k = 0; k < node->n_inputs; k++)
        in[k] = nn_graph_report_node (&report, node->inputs[k])->out_shape;
      if (ops->weights != NULL)
        n = ops->weights (&node->desc, in, out, info);
      for (int k = 0; k < n; k++)
        {
          expected_tensor e = { node->id, info[k].name, info[k].shape };

          g_array_append_val (weights, e);
        }
      if (ops->state_size != NULL)
        n_state = ops->state_size (&node->desc, in, out);
      if (n_state > 0)
        {
          expected_tensor e = { node->id, "state", nn_shape_1d ((int) n_state) };

          g_array_append_val (state, e);
        }
    }
  ok = check_tensors (graph, wlist, weights, wpath, error) &&
       check_tensors (graph, slist, state, spath, error);
out:
  nn_graph_report_clear (&report);
  return ok;
}

/* The weights and state lists of o (at path) for graph: both or neither. */
static gboolean
read_trained (JsonObject *o, const char *path, const nn_graph *graph, GPtrArray **weights,
              GPtrArray **state, GError **error)
{
  gboolean weights_null = FALSE, state_null = FALSE;

  *weights = read_tensors (o, path, "weights", TRUE, &weights_null, error);
  if (*weights == NULL && !weights_null)
    return FALSE;
  *state = read_tensors (o, path, "state", FALSE, &state_null, error);
  if (*state == NULL && !state_null)
    return FALSE;
  if ((*weights == NULL) != (*state == NULL))
    {
      g_autofree char *p = member_path (path, *weights == NULL ? "weights" : "state");

      return field_error (error, p, _ ("weights and state are saved together: both or neither"));
    }
  return *weights == NULL || check_weights (graph, *weights, *state, path, error);
}

/* o.member: null (*out stays NULL) or the base64 of n floats. */
static gboolean
read_state_array (JsonObject *o, const char *path, const char *member, gsize n, float **out,
                  GError **error)
{
  JsonNode *node = get_member (o, path, member, error);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  *out = g_new (float, MAX (n, 1));
  return read_floats (o, path, member, *out, n, error);
}

/* o.optimizer (at path), when present, for the weights just read: the
 * arrays the kind needs, each as many values as there are weights. */
static gboolean
read_optimizer (JsonObject *o, const char *path, GPtrArray *weights, nn_project_optimizer **out,
                GError **error)
{
  g_autofree char *opath = member_path (path, "optimizer");
  nn_project_optimizer *saved;
  JsonNode *node = json_object_get_member (o, "optimizer");
  JsonObject *obj;
  const char *id;
  gsize n = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, opath, _ ("expected an object or null"));
  if (weights == NULL)
    return field_error (error, opath,
                        _ ("the optimizer's state is saved with the weights it trained, and "
                           "there are no weights"));
  obj = json_node_get_object (node);
  for (guint i = 0; i < weights->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (weights, i);

      n += nn_shape_size (&t->shape);
    }
  *out = saved = g_new0 (nn_project_optimizer, 1);
  saved->n = n;
  if (!read_string (obj, opath, "kind", FALSE, &id, error))
    return FALSE;
  if (!nn_optimizer_from_id (id, &saved->kind, error))
    {
      g_autofree char *p = member_path (opath, "kind");

      return at_field (error, p);
    }
  if (!read_int64 (obj, opath, "steps", 0, G_MAXINT64, &saved->steps, error) ||
      !read_state_array (obj, opath, "m", n, &saved->m, error) ||
      !read_state_array (obj, opath, "v", n, &saved->v, error))
    return FALSE;
  /* Adam and AdamW always keep both moments, RMSprop its square average;
   * SGD has no second array. */
  if (saved->m == NULL && (saved->kind == NN_OPTIMIZER_ADAM || saved->kind == NN_OPTIMIZER_ADAMW))
    {
      g_autofree char *p = member_path (opath, "m");

      return field_error (error, p, _ ("%s keeps a first moment: expected base64 data, not null"),
                          id);
    }
  if (saved->v == NULL && saved->kind != NN_OPTIMIZER_SGD)
    {
      g_autofree char *p = member_path (opath, "v");

      return field_error (error, p, _ ("%s keeps a second moment: expected base64 data, not null"),
                          id);
    }
  if (saved->v != NULL && saved->kind == NN_OPTIMIZER_SGD)
    {
      g_autofree char *p = member_path (opath, "v");

      return field_error (error, p, _ ("sgd keeps no second moment: expected null"));
    }
  return TRUE;
}

static nn_project *
read_project (JsonNode *root_node, GError **error)
{
  g_autoptr (nn_project) p = NULL;
  JsonObject *root;
  const char *format;
  nn_graph *graph;
  gint64 version;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("not a Layerlab project (expected a JSON object)"));
      return NULL;
    }
  root = json_node_get_object (root_node);
  if (!json_object_has_member (root, "format") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (root, "format")) ||
      json_node_get_value_type (json_object_get_member (root, "format")) != G_TYPE_STRING ||
      !g_str_equal (json_object_get_string_member (root, "format"), "layerlab"))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("not a Layerlab project (“format” is not “layerlab”)"));
      return NULL;
    }
  if (!read_string (root, "", "format", FALSE, &format, error) ||
      !read_int64 (root, "", "version", 1, G_MAXINT, &version, error))
    return NULL;
  if (version > NN_PROJECT_VERSION)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("saved by a newer Layerlab (file version %lld, this one reads up to %d): "
                      "update Layerlab to open it"),
                   (long long) version, NN_PROJECT_VERSION);
      return NULL;
    }
  graph = read_graph (root, error);
  if (graph == NULL)
    return NULL;
  p = nn_project_new (graph);
  if (!read_dataset (root, p, error) || !read_normalisation (root, p, error) ||
      !read_config (root, &p->config, error) || !read_history (root, p->history, error))
    return NULL;
  if (!read_trained (root, "", p->graph, &p->weights, &p->state, error) ||
      !read_optimizer (root, "", p->weights, &p->optimizer, error))
    return NULL;
  if (json_object_has_member (root, "discriminator"))
    {
      JsonObject *d = read_object (root, "", "discriminator", error);
      nn_graph *disc = d != NULL ? read_nodes (d, "discriminator", error) : NULL;

      if (disc == NULL)
        return NULL;
      nn_project_set_discriminator (p, disc);
      if (!read_trained (d, "discriminator", disc, &p->d_weights, &p->d_state, error) ||
          !read_optimizer (d, "discriminator", p->d_weights, &p->d_optimizer, error))
        return NULL;
      if (p->config.mode != NN_MODE_GAN)
        {
          field_error (error, "training.mode",
                       _ ("a project with a discriminator is a GAN’s: expected “gan”"));
          return NULL;
        }
    }
  return g_steal_pointer (&p);
}

nn_project *
nn_project_from_data (const char *data, gsize length, const char *name, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  nn_project *p;

  if (length == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: the file is empty"), name);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      int line = 0, column = 0, end = 0;

      /* json-glib says "<data>:3:14: Parse error: …"; say it for people. */
      if (sscanf (local->message, "<data>:%d:%d: Parse error: %n", &line, &column, &end) >= 2 &&
          end > 0)
        g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                     _ ("%s: not a Layerlab project: broken JSON at line %d, column %d (%s); the "
                        "file may be truncated or edited by hand"),
                     name, line, column, local->message + end);
      else
        g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s: not a Layerlab project: %s"), name,
                     local->message);
      return NULL;
    }
  p = read_project (json_parser_get_root (parser), error);
  if (p == NULL)
    g_prefix_error (error, "%s: ", name);
  return p;
}

nn_project *
nn_project_load (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *data = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gsize length = 0;
  nn_project *p;

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, "%s", local->message);
      return NULL;
    }
  p = nn_project_from_data (data, length, name, error);
  if (p != NULL && p->data_spec != NULL)
    {
      g_autofree char *spec = nn_project_spec_resolve (p->data_spec, dir);
      nn_data_options options = p->data_options;

      nn_project_set_data (p, spec, &options);
    }
  return p;
}
