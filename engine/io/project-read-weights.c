/* project-read-weights.c — reading saved tensors (weights and layer state)
 * from base64 in a .layerlab file, and checking that they are exactly the
 * ones the graph expects: same nodes, names and shapes, none missing. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "io/project-read-private.h"

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
  JsonArray *a = _nn_project_read_array (o, path, "shape", FALSE, NULL, error);
  g_autofree char *p = _nn_project_member_path (path, "shape");
  guint64 size = 1;

  if (a == NULL)
    return FALSE;
  if (json_array_get_length (a) < 1 || json_array_get_length (a) > NN_MAX_DIMS)
    return _nn_project_field_error (error, p, _ ("expected 1 to %d sizes"), NN_MAX_DIMS);
  *shape = (nn_shape){ .rank = (int) json_array_get_length (a) };
  for (int d = 0; d < shape->rank; d++)
    {
      JsonNode *node = json_array_get_element (a, d);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1 || json_node_get_int (node) > G_MAXINT)
        return _nn_project_field_error (error, p, _ ("expected positive whole numbers"));
      shape->dim[d] = (int) json_node_get_int (node);
      size *= (guint64) shape->dim[d];
      if (size > G_MAXINT32)
        return _nn_project_field_error (error, p, _ ("too large"));
    }
  return TRUE;
}

/* o.member: base64 of exactly n little-endian float32 values, into out. */
gboolean
_nn_project_read_floats (JsonObject *o, const char *path, const char *member, float *out, gsize n,
                         GError **error)
{
  g_autofree char *p = _nn_project_member_path (path, member);
  g_autofree guchar *bytes = NULL;
  const char *data;
  gsize length = 0;

  if (!_nn_project_read_string (o, path, member, FALSE, &data, error))
    return FALSE;
  if (!valid_base64 (data))
    return _nn_project_field_error (error, p, _ ("not valid base64"));
  bytes = g_base64_decode (data, &length);
  if (length != n * sizeof (float))
    return _nn_project_field_error (error, p, _ ("expected %lu values for its shape, found %g"),
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

  if (!_nn_project_read_int (o, path, "node", 0, G_MAXINT, &node, error) ||
      (named && !_nn_project_read_string (o, path, "name", FALSE, &name, error)) ||
      !read_shape (o, path, &shape, error))
    return NULL;
  t = _nn_project_tensor_new (node, name, &shape, NULL);
  if (!_nn_project_read_floats (o, path, "data", t->data, nn_shape_size (&shape), error))
    {
      _nn_project_tensor_free (t);
      return NULL;
    }
  return t;
}

static GPtrArray *
read_tensors (JsonObject *o, const char *opath, const char *member, gboolean named,
              gboolean *is_null, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *mpath = _nn_project_member_path (opath, member);
  JsonArray *a = _nn_project_read_array (o, opath, member, TRUE, is_null, error);

  if (a == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", mpath, i);
      JsonObject *to = _nn_project_array_object (a, i, path, error);
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
              _nn_project_field_error (error, path, _ ("a second “%s” for node %d"), u->name,
                                       u->node_id);
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
        return _nn_project_field_error (error, path, _ ("%s has no “%s” to restore"), label,
                                        t->name);
      if (!nn_shape_equal (want, &t->shape))
        {
          g_autofree char *want_s = nn_shape_to_string (want);
          g_autofree char *have_s = nn_shape_to_string (&t->shape);

          return _nn_project_field_error (error, path, _ ("“%s” of %s should be %s, not %s"),
                                          t->name, label, want_s, have_s);
        }
    }
  for (guint i = 0; i < expected->len; i++)
    {
      expected_tensor *e = &g_array_index (expected, expected_tensor, i);

      if (_nn_project_find_tensor (list, e->node_id, e->name) == NULL)
        {
          g_autofree char *label = node_label (g, e->node_id);

          return _nn_project_field_error (error, member, _ ("missing “%s” of %s"), e->name, label);
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
  g_autofree char *wpath = _nn_project_member_path (prefix, "weights");
  g_autofree char *spath = _nn_project_member_path (prefix, "state");
  g_autoptr (GArray) weights = g_array_new (FALSE, FALSE, sizeof (expected_tensor));
  g_autoptr (GArray) state = g_array_new (FALSE, FALSE, sizeof (expected_tensor));
  nn_graph_report report;
  gboolean ok = FALSE;

  nn_graph_infer (graph, &report);
  if (!report.ok)
    {
      g_autoptr (GError) why = NULL;

      nn_graph_report_to_error (&report, &why);
      _nn_project_field_error (
        error, wpath, _ ("the model is not valid, so it cannot have weights (%s); remove them"),
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
gboolean
_nn_project_read_trained (JsonObject *o, const char *path, const nn_graph *graph,
                          GPtrArray **weights, GPtrArray **state, GError **error)
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
      g_autofree char *p = _nn_project_member_path (path, *weights == NULL ? "weights" : "state");

      return _nn_project_field_error (error, p,
                                      _ ("weights and state are saved together: both or neither"));
    }
  return *weights == NULL || check_weights (graph, *weights, *state, path, error);
}
