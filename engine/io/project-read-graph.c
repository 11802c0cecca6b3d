/* project-read-graph.c — reading a project's graph (and a GAN's
 * discriminator) from a .layerlab file: each node's kind, name, parameters,
 * initialiser and position, then the edges once every node exists. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "io/project-read-private.h"

static gboolean
read_param (nn_layer_desc *desc, const char *p, const char *member, JsonNode *node, GError **error)
{
  int i = nn_layer_param_index (desc->ops, member);
  const nn_param_spec *spec;
  double v = 0.0;

  if (i < 0)
    return _nn_project_field_error (error, p, _ ("%s has no parameter “%s”"), _ (desc->ops->name),
                                    member);
  spec = &desc->ops->params[i];
  switch (spec->type)
    {
      case NN_PARAM_INT:
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
            json_node_get_int (node) < spec->min || json_node_get_int (node) > spec->max)
          return _nn_project_field_error (
            error, p, _ ("expected a whole number between %.0f and %.0f"), spec->min, spec->max);
        v = (double) json_node_get_int (node);
        break;
      case NN_PARAM_FLOAT:
        if (!_nn_project_node_is_number (node) || json_node_get_double (node) < spec->min ||
            json_node_get_double (node) > spec->max)
          return _nn_project_field_error (error, p, _ ("expected a number between %g and %g"),
                                          spec->min, spec->max);
        v = json_node_get_double (node);
        break;
      case NN_PARAM_BOOL:
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
          return _nn_project_field_error (error, p, _ ("expected true or false"));
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
            return _nn_project_field_error (error, p, _ ("expected one of %s"), choices);
          v = k;
        }
        break;
    }
  /* Ranges are checked above; this catches whatever the layer adds to them. */
  return nn_layer_desc_set (desc, member, v, error) || _nn_project_at_field (error, p);
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

  if (!_nn_project_read_int (o, path, "id", 0, G_MAXINT / 2, &id, error) ||
      !_nn_project_read_string (o, path, "kind", FALSE, &kind, error) ||
      !_nn_project_read_string (o, path, "name", FALSE, &name, error))
    return FALSE;
  ops = nn_layer_lookup (kind);
  if (ops == NULL)
    {
      g_autofree char *p = _nn_project_member_path (path, "kind");

      return _nn_project_field_error (error, p, _ ("unknown layer kind “%s”"), kind);
    }
  if (name[0] == '\0')
    {
      g_autofree char *p = _nn_project_member_path (path, "name");

      return _nn_project_field_error (error, p, _ ("expected a name, not an empty string"));
    }
  params = _nn_project_read_object (o, path, "params", error);
  if (params == NULL)
    return FALSE;
  /* Parameters missing from the file keep their defaults (see project.h). */
  nn_layer_desc_init (&desc, ops);
  {
    g_autoptr (GList) members = json_object_get_members (params);
    g_autofree char *ppath = _nn_project_member_path (path, "params");

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_autofree char *p = _nn_project_member_path (ppath, l->data);

        if (!read_param (&desc, p, l->data, json_object_get_member (params, l->data), error))
          return FALSE;
      }
  }
  inputs = _nn_project_read_array (o, path, "inputs", FALSE, NULL, error);
  if (inputs == NULL || !_nn_project_read_double (o, path, "x", -1e9, 1e9, &x, error) ||
      !_nn_project_read_double (o, path, "y", -1e9, 1e9, &y, error) ||
      !_nn_project_read_string (o, path, "init", FALSE, &init, error))
    return FALSE;
  for (k = 0; k < (int) G_N_ELEMENTS (_nn_project_init_ids); k++)
    if (g_str_equal (_nn_project_init_ids[k], init))
      break;
  if (k == G_N_ELEMENTS (_nn_project_init_ids))
    {
      g_autofree char *p = _nn_project_member_path (path, "init");
      g_autofree char *choices = g_strjoinv (", ", (char **) _nn_project_init_ids);

      return _nn_project_field_error (error, p, _ ("expected one of %s"), choices);
    }

  if (nn_graph_add_node_full (g, id, ops, name, error) < 0)
    {
      return _nn_project_at_field (error, path);
    }
  if (!nn_graph_set_desc (g, id, &desc, error))
    {
      return _nn_project_at_field (error, path);
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
  g_autofree char *ipath = _nn_project_member_path (path, "inputs");

  for (guint i = 0; i < json_array_get_length (inputs); i++)
    {
      JsonNode *node = json_array_get_element (inputs, i);
      g_autofree char *p = g_strdup_printf ("%s[%u]", ipath, i);
      gint64 from;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return _nn_project_field_error (error, p, _ ("expected a node id"));
      from = json_node_get_int (node);
      if (from < 0 || from > G_MAXINT || nn_graph_lookup (g, (int) from) == NULL)
        return _nn_project_field_error (error, p, _ ("no node has the id %lld"), (long long) from);
      if (!nn_graph_connect (g, (int) from, to, -1, error))
        {
          return _nn_project_at_field (error, p);
        }
    }
  return TRUE;
}

/* The nodes of o (graph or discriminator, at path) as a graph. */
nn_graph *
_nn_project_read_nodes (JsonObject *o, const char *path, GError **error)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  JsonArray *nodes = _nn_project_read_array (o, path, "nodes", FALSE, NULL, error);

  if (nodes == NULL)
    return NULL;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < json_array_get_length (nodes); i++)
      {
        g_autofree char *npath = g_strdup_printf ("%s.nodes[%u]", path, i);
        JsonObject *n = _nn_project_array_object (nodes, i, npath, error);

        if (n == NULL)
          return NULL;
        if (pass == 0 ? !read_node (g, n, npath, error) : !read_edges (g, n, npath, error))
          return NULL;
      }
  return g_steal_pointer (&g);
}

nn_graph *
_nn_project_read_graph (JsonObject *root, GError **error)
{
  JsonObject *graph = _nn_project_read_object (root, "", "graph", error);

  return graph != NULL ? _nn_project_read_nodes (graph, "graph", error) : NULL;
}
