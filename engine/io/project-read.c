/* project-read.c — reading and validating .layerlab files (see project.h):
 * the entry points, the check of the format and version, and the small
 * helpers every reader uses. Helpers walk the parsed tree knowing the path
 * of the field they read, so every message can say exactly which field of
 * which node is wrong; nothing is allocated by what a file claims before it
 * is checked. Each part of a file has its reader beside this one:
 * project-read-graph.c, -data.c, -training.c and -weights.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

#include "error.h"
#include "io/project-read-private.h"

/* Every reader takes the path of the object it reads from ("graph.nodes[3]")
 * and reports "graph.nodes[3].kind: …". */
G_GNUC_PRINTF (3, 4)
gboolean
_nn_project_field_error (GError **error, const char *path, const char *format, ...)
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
gboolean
_nn_project_at_field (GError **error, const char *path)
{
  g_prefix_error (error, "%s: ", path);
  if (error != NULL && *error != NULL)
    (*error)->code = NN_ERROR_DATA;
  return FALSE;
}

char *
_nn_project_member_path (const char *path, const char *member)
{
  return path[0] != '\0' ? g_strdup_printf ("%s.%s", path, member) : g_strdup (member);
}

JsonNode *
_nn_project_get_member (JsonObject *o, const char *path, const char *member, GError **error)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL)
    {
      g_autofree char *p = _nn_project_member_path (path, member);

      _nn_project_field_error (error, p, _ ("missing"));
    }
  return node;
}

gboolean
_nn_project_node_is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* A JSON number as a double; null is NaN when allow_null. */
gboolean
_nn_project_read_number_node (JsonNode *node, const char *p, gboolean allow_null, double *out,
                              GError **error)
{
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!_nn_project_node_is_number (node))
    return _nn_project_field_error (
      error, p, allow_null ? _ ("expected a number or null") : _ ("expected a number"));
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
_nn_project_read_double (JsonObject *o, const char *path, const char *member, double min,
                         double max, double *out, GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!_nn_project_node_is_number (node) || json_node_get_double (node) < min ||
      json_node_get_double (node) > max)
    return _nn_project_field_error (error, p, _ ("expected a number between %g and %g"), min, max);
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
_nn_project_read_int64 (JsonObject *o, const char *path, const char *member, gint64 min, gint64 max,
                        gint64 *out, GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    return _nn_project_field_error (error, p, _ ("expected a whole number between %lld and %lld"),
                                    (long long) min, (long long) max);
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
_nn_project_read_int (JsonObject *o, const char *path, const char *member, int min, int max,
                      int *out, GError **error)
{
  gint64 v;

  if (!_nn_project_read_int64 (o, path, member, min, max, &v, error))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

gboolean
_nn_project_read_bool (JsonObject *o, const char *path, const char *member, gboolean *out,
                       GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return _nn_project_field_error (error, p, _ ("expected true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* The string stays owned by the document; NULL for null when allow_null. */
gboolean
_nn_project_read_string (JsonObject *o, const char *path, const char *member, gboolean allow_null,
                         const char **out, GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

  if (node == NULL)
    return FALSE;
  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return _nn_project_field_error (error, p, _ ("expected a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

JsonObject *
_nn_project_read_object (JsonObject *o, const char *path, const char *member, GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _nn_project_field_error (error, p, _ ("expected an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* An array, or NULL with *is_null set when allow_null and the value is null. */
JsonArray *
_nn_project_read_array (JsonObject *o, const char *path, const char *member, gboolean allow_null,
                        gboolean *is_null, GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);
  g_autofree char *p = _nn_project_member_path (path, member);

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
      _nn_project_field_error (error, p, _ ("expected a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

JsonObject *
_nn_project_array_object (JsonArray *a, guint i, const char *p, GError **error)
{
  JsonNode *node = json_array_get_element (a, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _nn_project_field_error (error, p, _ ("expected an object"));
      return NULL;
    }
  return json_node_get_object (node);
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
  if (!_nn_project_read_string (root, "", "format", FALSE, &format, error) ||
      !_nn_project_read_int64 (root, "", "version", 1, G_MAXINT, &version, error))
    return NULL;
  if (version > NN_PROJECT_VERSION)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("saved by a newer Layerlab (file version %lld, this one reads up to %d): "
                      "update Layerlab to open it"),
                   (long long) version, NN_PROJECT_VERSION);
      return NULL;
    }
  graph = _nn_project_read_graph (root, error);
  if (graph == NULL)
    return NULL;
  p = nn_project_new (graph);
  if (!_nn_project_read_dataset (root, p, error) ||
      !_nn_project_read_normalisation (root, p, error) ||
      !_nn_project_read_config (root, &p->config, error) ||
      !_nn_project_read_history (root, p->history, error))
    return NULL;
  if (!_nn_project_read_trained (root, "", p->graph, &p->weights, &p->state, error) ||
      !_nn_project_read_optimizer (root, "", p->weights, &p->optimizer, error))
    return NULL;
  if (json_object_has_member (root, "discriminator"))
    {
      JsonObject *d = _nn_project_read_object (root, "", "discriminator", error);
      nn_graph *disc = d != NULL ? _nn_project_read_nodes (d, "discriminator", error) : NULL;

      if (disc == NULL)
        return NULL;
      nn_project_set_discriminator (p, disc);
      if (!_nn_project_read_trained (d, "discriminator", disc, &p->d_weights, &p->d_state, error) ||
          !_nn_project_read_optimizer (d, "discriminator", p->d_weights, &p->d_optimizer, error))
        return NULL;
      if (p->config.mode != NN_MODE_GAN)
        {
          _nn_project_field_error (error, "training.mode",
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
