/* graph.c — the editable layer graph and its live checking. Compiling it
 * into a model is model.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "graph-private.h"

struct nn_graph
{
  GPtrArray *nodes; /* nn_node*, insertion order */
  int next_id;
  guint64 revision;
};

static void
node_free (gpointer p)
{
  nn_node *node = p;

  g_free (node->name);
  g_free (node);
}

nn_graph *
nn_graph_new (void)
{
  nn_graph *g = g_new0 (nn_graph, 1);

  g->nodes = g_ptr_array_new_with_free_func (node_free);
  return g;
}

void
nn_graph_free (nn_graph *g)
{
  if (g == NULL)
    return;
  g_ptr_array_unref (g->nodes);
  g_free (g);
}

nn_graph *
nn_graph_copy (const nn_graph *g)
{
  nn_graph *copy = nn_graph_new ();

  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g_memdup2 (g->nodes->pdata[i], sizeof (nn_node));
      node->name = g_strdup (node->name);
      g_ptr_array_add (copy->nodes, node);
    }
  copy->next_id = g->next_id;
  copy->revision = g->revision;
  return copy;
}

guint64
nn_graph_revision (const nn_graph *g)
{
  return g->revision;
}

static nn_node *
find (const nn_graph *g, int id)
{
  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g->nodes->pdata[i];
      if (node->id == id)
        return node;
    }
  return NULL;
}

const nn_node *
nn_graph_lookup (const nn_graph *g, int id)
{
  return find (g, id);
}

const nn_node *
nn_graph_lookup_name (const nn_graph *g, const char *name)
{
  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g->nodes->pdata[i];
      if (g_str_equal (node->name, name))
        return node;
    }
  return NULL;
}

int
nn_graph_n_nodes (const nn_graph *g)
{
  return (int) g->nodes->len;
}

const nn_node *
nn_graph_nth_node (const nn_graph *g, int i)
{
  g_return_val_if_fail (i >= 0 && (guint) i < g->nodes->len, NULL);
  return g->nodes->pdata[i];
}

int
nn_graph_consumers (const nn_graph *g, int id, int *out, int max)
{
  int n = 0;

  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g->nodes->pdata[i];
      for (int s = 0; s < node->n_inputs; s++)
        if (node->inputs[s] == id)
          {
            if (n < max)
              out[n] = node->id;
            n++;
            break;
          }
    }
  return MIN (n, max);
}

static int
count_consumers (const nn_graph *g, int id)
{
  int n = 0;

  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g->nodes->pdata[i];
      for (int s = 0; s < node->n_inputs; s++)
        if (node->inputs[s] == id)
          {
            n++;
            break;
          }
    }
  return n;
}

char *
nn_graph_node_label (const nn_node *node)
{
  return g_strdup_printf (_ ("%s '%s'"), _ (node->desc.ops->name), node->name);
}

static char *
auto_name (const nn_graph *g, const nn_layer_ops *ops)
{
  for (int n = 1;; n++)
    {
      char *name = g_strdup_printf ("%s%d", ops->id, n);
      if (nn_graph_lookup_name (g, name) == NULL)
        return name;
      g_free (name);
    }
}

int
nn_graph_add_node_full (nn_graph *g, int id, const nn_layer_ops *ops, const char *name,
                        GError **error)
{
  nn_node *node;

  if (id >= 0 && find (g, id) != NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("Two layers have the id %d"), id);
      return -1;
    }
  if (name != NULL && *name == '\0')
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("A layer needs a name"));
      return -1;
    }
  if (name != NULL && nn_graph_lookup_name (g, name) != NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("Two layers are named “%s”; names must be unique"), name);
      return -1;
    }
  node = g_new0 (nn_node, 1);
  node->id = id >= 0 ? id : g->next_id;
  node->name = name ? g_strdup (name) : auto_name (g, ops);
  nn_layer_desc_init (&node->desc, ops);
  node->init = NN_INIT_AUTO;
  g->next_id = MAX (g->next_id, node->id + 1);
  g_ptr_array_add (g->nodes, node);
  g->revision++;
  return node->id;
}

int
nn_graph_add_node (nn_graph *g, const nn_layer_ops *ops)
{
  return nn_graph_add_node_full (g, -1, ops, NULL, NULL);
}

static void
remove_input_slot (nn_node *node, int slot)
{
  memmove (&node->inputs[slot], &node->inputs[slot + 1],
           (node->n_inputs - slot - 1) * sizeof (int));
  node->n_inputs--;
}

gboolean
nn_graph_remove_node (nn_graph *g, int id)
{
  nn_node *victim = find (g, id);

  if (victim == NULL)
    return FALSE;
  for (guint i = 0; i < g->nodes->len; i++)
    {
      nn_node *node = g->nodes->pdata[i];
      for (int s = node->n_inputs - 1; s >= 0; s--)
        if (node->inputs[s] == id)
          remove_input_slot (node, s);
    }
  g_ptr_array_remove (g->nodes, victim);
  g->revision++;
  return TRUE;
}

/* Does `node` depend on `target`, walking inputs upwards? */
static gboolean
depends_on (const nn_graph *g, int node, int target)
{
  GArray *stack = g_array_new (FALSE, FALSE, sizeof (int));
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  gboolean found = FALSE;

  g_array_append_val (stack, node);
  while (stack->len > 0 && !found)
    {
      int id = g_array_index (stack, int, stack->len - 1);
      const nn_node *n;

      g_array_set_size (stack, stack->len - 1);
      if (id == target)
        found = TRUE;
      else if (g_hash_table_add (seen, GINT_TO_POINTER (id + 1)) && (n = find (g, id)) != NULL)
        g_array_append_vals (stack, n->inputs, n->n_inputs);
    }
  g_array_free (stack, TRUE);
  g_hash_table_destroy (seen);
  return found;
}

gboolean
nn_graph_connect (nn_graph *g, int from, int to, int slot, GError **error)
{
  nn_node *src = find (g, from), *dst = find (g, to);
  g_autofree char *src_label = NULL, *dst_label = NULL;

  if (src == NULL || dst == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("There is no layer with id %d"),
                   src == NULL ? from : to);
      return FALSE;
    }
  src_label = nn_graph_node_label (src);
  dst_label = nn_graph_node_label (dst);
  if (from == to)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("%s cannot feed itself"), src_label);
      return FALSE;
    }
  for (int s = 0; s < dst->n_inputs; s++)
    if (dst->inputs[s] == from)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s already feeds %s"), src_label,
                     dst_label);
        return FALSE;
      }
  if (dst->n_inputs >= dst->desc.ops->max_inputs || dst->n_inputs >= NN_MAX_INPUTS)
    {
      if (dst->desc.ops->max_inputs == 0)
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("%s takes no inputs"), dst_label);
      else
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                     g_dngettext (GETTEXT_PACKAGE, "%s takes only %d input; disconnect one first",
                                  "%s takes only %d inputs; disconnect one first",
                                  dst->desc.ops->max_inputs),
                     dst_label, dst->desc.ops->max_inputs);
      return FALSE;
    }
  if (depends_on (g, from, to))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("Connecting %s to %s would make a loop: %s already feeds %s"), src_label,
                   dst_label, dst_label, src_label);
      return FALSE;
    }
  if (slot < 0 || slot > dst->n_inputs)
    slot = dst->n_inputs;
  memmove (&dst->inputs[slot + 1], &dst->inputs[slot], (dst->n_inputs - slot) * sizeof (int));
  dst->inputs[slot] = from;
  dst->n_inputs++;
  g->revision++;
  return TRUE;
}

gboolean
nn_graph_disconnect (nn_graph *g, int from, int to)
{
  nn_node *dst = find (g, to);
  gboolean removed = FALSE;

  if (dst == NULL)
    return FALSE;
  for (int s = dst->n_inputs - 1; s >= 0; s--)
    if (dst->inputs[s] == from)
      {
        remove_input_slot (dst, s);
        removed = TRUE;
      }
  if (removed)
    g->revision++;
  return removed;
}

static gboolean
no_such_node (int id, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("There is no layer with id %d"), id);
  return FALSE;
}

gboolean
nn_graph_set_param (nn_graph *g, int id, const char *param, double value, GError **error)
{
  nn_node *node = find (g, id);
  GError *local = NULL;

  if (node == NULL)
    return no_such_node (id, error);
  if (!nn_layer_desc_set (&node->desc, param, value, &local))
    {
      /* the layer's message starts with its kind; name the node instead */
      g_autofree char *label = nn_graph_node_label (node);
      g_autofree char *kind = g_strdup_printf ("%s: ", _ (node->desc.ops->name));
      const char *rest = local->message;
      if (g_str_has_prefix (rest, kind))
        rest += strlen (kind);
      g_set_error (error, local->domain, local->code, "%s: %s", label, rest);
      g_error_free (local);
      return FALSE;
    }
  g->revision++;
  return TRUE;
}

gboolean
nn_graph_set_desc (nn_graph *g, int id, const nn_layer_desc *desc, GError **error)
{
  nn_node *node = find (g, id);

  if (node == NULL)
    return no_such_node (id, error);
  if (node->n_inputs > desc->ops->max_inputs)
    {
      g_autofree char *label = nn_graph_node_label (node);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%s has %d inputs but a %s layer takes at most %d — disconnect the "
                      "extra ones first"),
                   label, node->n_inputs, _ (desc->ops->name), desc->ops->max_inputs);
      return FALSE;
    }
  node->desc = *desc;
  g->revision++;
  return TRUE;
}

gboolean
nn_graph_set_init (nn_graph *g, int id, nn_init_kind init)
{
  nn_node *node = find (g, id);

  if (node == NULL)
    return FALSE;
  node->init = init;
  g->revision++;
  return TRUE;
}

gboolean
nn_graph_set_position (nn_graph *g, int id, double x, double y)
{
  nn_node *node = find (g, id);

  if (node == NULL)
    return FALSE;
  node->x = x;
  node->y = y;
  return TRUE;
}

gboolean
nn_graph_rename (nn_graph *g, int id, const char *name, GError **error)
{
  nn_node *node = find (g, id);
  const nn_node *other;
  g_autofree char *clean = NULL;

  if (node == NULL)
    return no_such_node (id, error);
  clean = g_strstrip (g_strdup (name ? name : ""));
  if (*clean == '\0')
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("A layer needs a name"));
      return FALSE;
    }
  other = nn_graph_lookup_name (g, clean);
  if (other != NULL && other != node)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("Another layer is already named “%s”"),
                   clean);
      return FALSE;
    }
  g_free (node->name);
  node->name = g_steal_pointer (&clean);
  g->revision++;
  return TRUE;
}

/* --- Checking ------------------------------------------------------------ */

int *
_nn_graph_topo_order (const nn_graph *g)
{
  int n = (int) g->nodes->len;
  int *order = g_new (int, MAX (n, 1));
  g_autofree int *pending = g_new0 (int, MAX (n, 1)); /* inputs not yet placed */
  int placed = 0;

  for (int i = 0; i < n; i++)
    pending[i] = ((nn_node *) g->nodes->pdata[i])->n_inputs;

  while (placed < n)
    {
      int next = -1;
      const nn_node *node;

      for (int i = 0; i < n && next < 0; i++)
        if (pending[i] == 0)
          next = i;
      g_return_val_if_fail (next >= 0, order); /* connect refuses cycles */
      pending[next] = -1;
      order[placed++] = next;
      node = g->nodes->pdata[next];
      for (int i = 0; i < n; i++)
        {
          const nn_node *other = g->nodes->pdata[i];
          for (int s = 0; s < other->n_inputs; s++)
            if (other->inputs[s] == node->id)
              pending[i]--;
        }
    }
  return order;
}

static int
index_of (const nn_graph *g, int id)
{
  for (guint i = 0; i < g->nodes->len; i++)
    if (((nn_node *) g->nodes->pdata[i])->id == id)
      return (int) i;
  return -1;
}

static char *
inputs_message (const nn_node *node, int consumers)
{
  const nn_layer_ops *ops = node->desc.ops;
  int have = node->n_inputs;

  if (have == 0 && consumers == 0)
    return g_strdup (_ ("is not connected to anything — connect it or remove it"));
  if (have == 0)
    return g_strdup (_ ("has no input — connect a layer to it"));
  if (ops->min_inputs == ops->max_inputs)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "needs exactly %d input, has %d",
                                         "needs exactly %d inputs, has %d", ops->min_inputs),
                            ops->min_inputs, have);
  if (have < ops->min_inputs)
    return g_strdup_printf (_ ("needs at least %d inputs, has %d — connect another layer to it"),
                            ops->min_inputs, have);
  return g_strdup_printf (_ ("takes at most %d inputs, has %d — disconnect one"), ops->max_inputs,
                          have);
}

gboolean
nn_graph_infer (const nn_graph *g, nn_graph_report *r)
{
  int n = (int) g->nodes->len;
  g_autofree int *order = _nn_graph_topo_order (g);
  GPtrArray *problems = g_ptr_array_new ();
  int n_inputs = 0, n_sinks = 0;
  GString *sinks = g_string_new (NULL);

  *r = (nn_graph_report){ .n_nodes = n, .input_id = -1, .output_id = -1 };
  r->nodes = g_new0 (nn_node_report, MAX (n, 1));
  for (int i = 0; i < n; i++)
    r->nodes[i].id = ((nn_node *) g->nodes->pdata[i])->id;

  for (int k = 0; k < n; k++)
    {
      int i = order[k];
      const nn_node *node = g->nodes->pdata[i];
      const nn_layer_ops *ops = node->desc.ops;
      nn_node_report *nr = &r->nodes[i];
      nn_shape in[NN_MAX_INPUTS];
      gboolean known = TRUE;
      int consumers = count_consumers (g, node->id);
      g_autofree char *label = nn_graph_node_label (node);
      GError *error = NULL;

      if (ops->max_inputs == 0)
        {
          n_inputs++;
          r->input_id = n_inputs == 1 ? node->id : -1;
        }
      if (consumers == 0)
        {
          n_sinks++;
          r->output_id = n_sinks == 1 ? node->id : -1;
          g_string_append_printf (sinks, "%s%s", sinks->len ? ", " : "", label);
        }

      if (node->n_inputs < ops->min_inputs || node->n_inputs > ops->max_inputs)
        {
          g_autofree char *why = inputs_message (node, consumers);
          nr->error = g_strdup_printf ("%s: %s", label, why);
          continue;
        }
      for (int s = 0; s < node->n_inputs; s++)
        {
          int j = index_of (g, node->inputs[s]);
          in[s] = r->nodes[j].out_shape;
          if (in[s].rank == 0)
            known = FALSE;
        }
      /* an upstream error already explains this node */
      if (!known)
        continue;
      if (!ops->infer (&node->desc, in, node->n_inputs, &nr->out_shape, &error))
        {
          nr->out_shape.rank = 0;
          nr->error = g_strdup_printf ("%s: %s", label, error->message);
          g_error_free (error);
          continue;
        }
      nr->params = nn_layer_weight_count (&node->desc, in, &nr->out_shape);
      nr->flops = ops->flops ? ops->flops (&node->desc, in, node->n_inputs, &nr->out_shape) : 0;
      r->total_params += nr->params;
      r->flops += nr->flops;
    }

  if (n_inputs == 0)
    g_ptr_array_add (problems,
                     g_strdup (_ ("The model has no Input layer — add one from the palette")));
  else if (n_inputs > 1)
    g_ptr_array_add (
      problems,
      g_strdup_printf (_ ("The model has %d Input layers; it can take only one — remove the "
                          "extra ones"),
                       n_inputs));
  else if (n == 1)
    g_ptr_array_add (problems,
                     g_strdup (_ ("The model has no layers after its Input — add some from "
                                  "the palette, or start from a template")));
  if (n_sinks > 1)
    g_ptr_array_add (problems,
                     g_strdup_printf (_ ("The model has more than one output (%s): connect them "
                                         "into one last layer or remove the extra ones"),
                                      sinks->str));
  g_string_free (sinks, TRUE);

  r->weight_bytes = r->total_params * sizeof (float);
  g_ptr_array_add (problems, NULL);
  r->problems = (char **) g_ptr_array_free (problems, FALSE);
  r->ok = r->problems[0] == NULL;
  for (int i = 0; i < n; i++)
    if (r->nodes[i].error != NULL)
      r->ok = FALSE;
  return r->ok;
}

void
nn_graph_report_clear (nn_graph_report *r)
{
  for (int i = 0; i < r->n_nodes; i++)
    g_free (r->nodes[i].error);
  g_clear_pointer (&r->nodes, g_free);
  g_clear_pointer (&r->problems, g_strfreev);
  r->n_nodes = 0;
}

const nn_node_report *
nn_graph_report_node (const nn_graph_report *r, int id)
{
  for (int i = 0; i < r->n_nodes; i++)
    if (r->nodes[i].id == id)
      return &r->nodes[i];
  return NULL;
}

gboolean
nn_graph_report_to_error (const nn_graph_report *r, GError **error)
{
  if (r->problems && r->problems[0])
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_SHAPE, r->problems[0]);
      return FALSE;
    }
  for (int i = 0; i < r->n_nodes; i++)
    if (r->nodes[i].error)
      {
        g_set_error_literal (error, NN_ERROR, NN_ERROR_SHAPE, r->nodes[i].error);
        return FALSE;
      }
  return TRUE;
}
