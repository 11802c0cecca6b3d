/* graph.c — the editable layer graph, its live checking, and compiling it
 * into a model with planned memory (one weight arena, one gradient arena). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "graph.h"

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
                   _ ("%s has %d inputs but a %s layer takes at most %d"), label, node->n_inputs,
                   _ (desc->ops->name), desc->ops->max_inputs);
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

/* Indices (into g->nodes) in topological order; the graph is acyclic by
 * construction. Ties keep insertion order, so the weight layout of a graph
 * is the same every time it is compiled. */
static int *
topo_order (const nn_graph *g)
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
    return g_strdup_printf (_ ("needs at least %d inputs, has %d"), ops->min_inputs, have);
  return g_strdup_printf (_ ("takes at most %d inputs, has %d"), ops->max_inputs, have);
}

gboolean
nn_graph_infer (const nn_graph *g, nn_graph_report *r)
{
  int n = (int) g->nodes->len;
  g_autofree int *order = topo_order (g);
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
      g_strdup_printf (_ ("The model has %d Input layers; it can take only one"), n_inputs));
  else if (n == 1)
    g_ptr_array_add (problems, g_strdup (_ ("The model has no layers after its Input")));
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

/* --- Compiled model ------------------------------------------------------- */

typedef struct
{
  const nn_node *node; /* in the model's own graph copy */
  int n_in;
  int in[NN_MAX_INPUTS]; /* positions in the model's order */
  nn_shape in_shape[NN_MAX_INPUTS];
  nn_shape out_shape;
  gsize out_size;
  gsize w_off, w_size;
  gsize s_off, s_size;
  gsize scratch_size;          /* for the planned batch */
  float *out, *grad, *scratch; /* planned per batch */
} mnode;

struct nn_model
{
  nn_graph *graph;
  int n;
  mnode *nodes; /* topological order; [0] is the Input */
  int batch;
  float *weights, *grads, *state;
  gsize n_weights, n_state;
  guint8 *decay;
  nn_weight_range *ranges;
  int n_ranges;
  gboolean final_softmax;
  gboolean input_grad; /* plan a gradient buffer for the Input (saliency) */
  gboolean training;   /* mode of the last forward, which backward must match */
};

static gboolean
is_relu_family (const nn_layer_ops *ops)
{
  static const char *const ids[] = { "relu", "leaky_relu", "elu", "gelu" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    if (g_str_equal (ops->id, ids[i]))
      return TRUE;
  return FALSE;
}

static nn_init_kind
resolve_init (const nn_graph *g, const nn_node *node)
{
  int consumers[64];
  int n;

  if (node->init != NN_INIT_AUTO)
    return node->init;
  n = nn_graph_consumers (g, node->id, consumers, G_N_ELEMENTS (consumers));
  for (int i = 0; i < n; i++)
    if (!is_relu_family (find (g, consumers[i])->desc.ops))
      return NN_INIT_GLOROT_UNIFORM;
  return n > 0 ? NN_INIT_HE_UNIFORM : NN_INIT_GLOROT_UNIFORM;
}

static void
free_buffers (nn_model *m)
{
  for (int i = 0; i < m->n; i++)
    {
      g_clear_pointer (&m->nodes[i].out, nn_free_floats);
      g_clear_pointer (&m->nodes[i].grad, nn_free_floats);
      g_clear_pointer (&m->nodes[i].scratch, nn_free_floats);
    }
}

static gboolean
plan_buffers (nn_model *m, int batch, GError **error)
{
  for (int i = 0; i < m->n; i++)
    {
      mnode *mn = &m->nodes[i];
      const nn_layer_ops *ops = mn->node->desc.ops;
      gsize floats = mn->out_size * (gsize) batch;

      mn->scratch_size = ops->scratch_size ? ops->scratch_size (&mn->node->desc, mn->in_shape,
                                                                mn->n_in, &mn->out_shape, batch)
                                           : 0;
      if (mn->out_size > G_MAXSIZE / 8 / (gsize) batch)
        goto fail;
      mn->out = nn_alloc_floats (floats);
      /* training never needs the Input's gradient; saliency maps ask for it */
      gboolean want_grad = i > 0 || m->input_grad;

      mn->grad = want_grad ? nn_alloc_floats (floats) : NULL;
      mn->scratch = mn->scratch_size ? nn_alloc_floats (mn->scratch_size) : NULL;
      if (mn->out == NULL || (want_grad && mn->grad == NULL) ||
          (mn->scratch_size && mn->scratch == NULL))
        goto fail;
      memset (mn->out, 0, floats * sizeof (float));
      if (mn->grad)
        memset (mn->grad, 0, floats * sizeof (float));
      if (mn->scratch)
        memset (mn->scratch, 0, mn->scratch_size * sizeof (float));
    }
  m->batch = batch;
  return TRUE;

fail:
  free_buffers (m);
  g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
               _ ("Not enough memory to run this model with batches of %d samples — try a "
                  "smaller batch"),
               batch);
  return FALSE;
}

nn_model *
nn_model_compile (const nn_graph *graph, int batch, guint64 seed, GError **error)
{
  nn_graph_report report;
  g_autofree int *order = NULL;
  nn_model *m;
  nn_rng rng;
  GArray *ranges;
  gsize w_total = 0, s_total = 0;

  if (batch <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The batch size must be at least 1, not %d"), batch);
      return NULL;
    }
  nn_graph_infer (graph, &report);
  if (!nn_graph_report_to_error (&report, error))
    {
      nn_graph_report_clear (&report);
      return NULL;
    }

  m = g_new0 (nn_model, 1);
  m->graph = nn_graph_copy (graph);
  m->n = (int) m->graph->nodes->len;
  m->nodes = g_new0 (mnode, m->n);
  order = topo_order (m->graph);
  ranges = g_array_new (FALSE, FALSE, sizeof (nn_weight_range));

  for (int k = 0; k < m->n; k++)
    {
      mnode *mn = &m->nodes[k];
      const nn_node *node = m->graph->nodes->pdata[order[k]];
      const nn_layer_ops *ops = node->desc.ops;
      nn_weight_info info[NN_MAX_WEIGHTS];
      int n_w;

      mn->node = node;
      mn->n_in = node->n_inputs;
      for (int s = 0; s < node->n_inputs; s++)
        for (int j = 0; j < k; j++)
          if (m->nodes[j].node->id == node->inputs[s])
            {
              mn->in[s] = j;
              mn->in_shape[s] = m->nodes[j].out_shape;
            }
      mn->out_shape = nn_graph_report_node (&report, node->id)->out_shape;
      mn->out_size = nn_shape_size (&mn->out_shape);
      n_w = ops->weights ? ops->weights (&node->desc, mn->in_shape, &mn->out_shape, info) : 0;
      mn->w_off = w_total;
      for (int w = 0; w < n_w; w++)
        {
          nn_weight_range range = {
            .node_id = node->id,
            .node_name = node->name,
            .info = info[w],
            .offset = w_total,
            .size = nn_shape_size (&info[w].shape),
          };
          g_array_append_val (ranges, range);
          w_total += range.size;
        }
      mn->w_size = w_total - mn->w_off;
      mn->s_off = s_total;
      mn->s_size =
        ops->state_size ? ops->state_size (&node->desc, mn->in_shape, &mn->out_shape) : 0;
      s_total += mn->s_size;
    }
  nn_graph_report_clear (&report);
  m->n_ranges = (int) ranges->len;
  m->ranges = (nn_weight_range *) g_array_free (ranges, FALSE);
  m->n_weights = w_total;
  m->n_state = s_total;
  m->final_softmax = g_str_equal (m->nodes[m->n - 1].node->desc.ops->id, "softmax");

  m->weights = nn_alloc_floats (w_total);
  m->grads = nn_alloc_floats (w_total);
  m->state = nn_alloc_floats (s_total);
  m->decay = g_try_malloc0 (MAX (w_total, 1));
  if (m->weights == NULL || m->grads == NULL || m->state == NULL || m->decay == NULL)
    {
      nn_model_free (m);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory for the model's %lu parameters"), (unsigned long) w_total);
      return NULL;
    }
  memset (m->weights, 0, MAX (w_total, 1) * sizeof (float));
  memset (m->grads, 0, MAX (w_total, 1) * sizeof (float));
  memset (m->state, 0, MAX (s_total, 1) * sizeof (float));
  for (int r = 0; r < m->n_ranges; r++)
    if (m->ranges[r].info.decay)
      memset (m->decay + m->ranges[r].offset, 1, m->ranges[r].size);

  nn_rng_seed (&rng, seed, 0);
  for (int k = 0; k < m->n; k++)
    {
      mnode *mn = &m->nodes[k];
      const nn_layer_ops *ops = mn->node->desc.ops;
      if (ops->init)
        ops->init (&mn->node->desc, mn->in_shape, &mn->out_shape, resolve_init (m->graph, mn->node),
                   m->weights + mn->w_off, m->state + mn->s_off, &rng);
    }

  if (!plan_buffers (m, batch, error))
    {
      nn_model_free (m);
      return NULL;
    }
  return m;
}

void
nn_model_free (nn_model *m)
{
  if (m == NULL)
    return;
  free_buffers (m);
  g_free (m->nodes);
  nn_free_floats (m->weights);
  nn_free_floats (m->grads);
  nn_free_floats (m->state);
  g_free (m->decay);
  g_free (m->ranges);
  nn_graph_free (m->graph);
  g_free (m);
}

gboolean
nn_model_set_batch (nn_model *m, int batch, GError **error)
{
  if (batch <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The batch size must be at least 1, not %d"), batch);
      return FALSE;
    }
  if (batch == m->batch)
    return TRUE;
  free_buffers (m);
  if (plan_buffers (m, batch, error))
    return TRUE;
  /* keep the model usable at its old size when the new one does not fit */
  plan_buffers (m, m->batch, NULL);
  return FALSE;
}

int
nn_model_batch (const nn_model *m)
{
  return m->batch;
}

const nn_graph *
nn_model_graph (const nn_model *m)
{
  return m->graph;
}

guint64
nn_model_revision (const nn_model *m)
{
  return m->graph->revision;
}

const nn_shape *
nn_model_input_shape (const nn_model *m)
{
  return &m->nodes[0].out_shape;
}

const nn_shape *
nn_model_output_shape (const nn_model *m)
{
  return &m->nodes[m->n - 1].out_shape;
}

gsize
nn_model_input_size (const nn_model *m)
{
  return m->nodes[0].out_size;
}

gsize
nn_model_output_size (const nn_model *m)
{
  return m->nodes[m->n - 1].out_size;
}

static void
fill_ctx (nn_model *m, int k, int n, gboolean training, nn_rng *rng, const float **in, float **d_in,
          nn_layer_ctx *c)
{
  mnode *mn = &m->nodes[k];

  for (int s = 0; s < mn->n_in; s++)
    {
      in[s] = m->nodes[mn->in[s]].out;
      d_in[s] = m->nodes[mn->in[s]].grad; /* NULL for the Input */
    }
  *c = (nn_layer_ctx){
    .desc = &mn->node->desc,
    .batch = n,
    .n_in = mn->n_in,
    .in_shape = mn->in_shape,
    .out_shape = &mn->out_shape,
    .in = in,
    .out = mn->out,
    .d_in = d_in,
    .d_out = mn->grad,
    .w = m->weights + mn->w_off,
    .dw = m->grads + mn->w_off,
    .state = m->state + mn->s_off,
    .scratch = mn->scratch,
    .training = training,
    .rng = rng,
  };
}

void
nn_model_forward (nn_model *m, const float *x, int n, gboolean training, nn_rng *rng)
{
  g_return_if_fail (n > 0 && n <= m->batch);

  m->training = training;
  memcpy (m->nodes[0].out, x, (gsize) n * m->nodes[0].out_size * sizeof (float));
  for (int k = 1; k < m->n; k++)
    {
      const float *in[NN_MAX_INPUTS];
      float *d_in[NN_MAX_INPUTS];
      nn_layer_ctx c;

      fill_ctx (m, k, n, training, rng, in, d_in, &c);
      m->nodes[k].node->desc.ops->forward (&c);
    }
}

const float *
nn_model_output (const nn_model *m)
{
  return m->nodes[m->n - 1].out;
}

gboolean
nn_model_has_final_softmax (const nn_model *m)
{
  return m->final_softmax;
}

const float *
nn_model_logits (const nn_model *m)
{
  if (m->final_softmax)
    return m->nodes[m->nodes[m->n - 1].in[0]].out;
  return nn_model_output (m);
}

void
nn_model_backward (nn_model *m, const float *d_out, int n, gboolean from_logits)
{
  int start = m->n - 1;

  g_return_if_fail (n > 0 && n <= m->batch);
  if (from_logits && m->final_softmax)
    start = m->nodes[m->n - 1].in[0];

  for (int k = m->input_grad ? 0 : 1; k < m->n; k++)
    memset (m->nodes[k].grad, 0, (gsize) n * m->nodes[k].out_size * sizeof (float));
  if (start == 0)
    return;
  memcpy (m->nodes[start].grad, d_out, (gsize) n * m->nodes[start].out_size * sizeof (float));
  for (int k = start; k >= 1; k--)
    {
      const float *in[NN_MAX_INPUTS];
      float *d_in[NN_MAX_INPUTS];
      nn_layer_ctx c;

      /* BatchNorm's backward differs with batch statistics and running ones */
      fill_ctx (m, k, n, m->training, NULL, in, d_in, &c);
      m->nodes[k].node->desc.ops->backward (&c);
    }
}

gboolean
nn_model_set_input_gradient (nn_model *m, gboolean enabled, GError **error)
{
  mnode *input = &m->nodes[0];
  gsize floats = input->out_size * (gsize) m->batch;

  if (enabled == m->input_grad)
    return TRUE;
  if (!enabled)
    {
      g_clear_pointer (&input->grad, nn_free_floats);
      m->input_grad = FALSE;
      return TRUE;
    }
  input->grad = nn_alloc_floats (floats);
  if (input->grad == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory for the gradient of the model’s input"));
      return FALSE;
    }
  memset (input->grad, 0, floats * sizeof (float));
  m->input_grad = TRUE;
  return TRUE;
}

const float *
nn_model_input_gradient (const nn_model *m)
{
  return m->input_grad ? m->nodes[0].grad : NULL;
}

int
nn_model_n_nodes (const nn_model *m)
{
  return m->n;
}

const nn_node *
nn_model_nth_node (const nn_model *m, int k)
{
  g_return_val_if_fail (k >= 0 && k < m->n, NULL);
  return m->nodes[k].node;
}

void
nn_model_zero_grads (nn_model *m)
{
  memset (m->grads, 0, m->n_weights * sizeof (float));
}

float *
nn_model_weights (nn_model *m, gsize *n)
{
  if (n)
    *n = m->n_weights;
  return m->weights;
}

float *
nn_model_grads (nn_model *m, gsize *n)
{
  if (n)
    *n = m->n_weights;
  return m->grads;
}

float *
nn_model_state (nn_model *m, gsize *n)
{
  if (n)
    *n = m->n_state;
  return m->state;
}

const guint8 *
nn_model_decay_mask (const nn_model *m)
{
  return m->decay;
}

const nn_weight_range *
nn_model_weight_ranges (const nn_model *m, int *n)
{
  *n = m->n_ranges;
  return m->ranges;
}

static const mnode *
model_node (const nn_model *m, int id)
{
  for (int k = 0; k < m->n; k++)
    if (m->nodes[k].node->id == id)
      return &m->nodes[k];
  return NULL;
}

float *
nn_model_node_state (nn_model *m, int node_id, gsize *n)
{
  const mnode *mn = model_node (m, node_id);

  *n = mn ? mn->s_size : 0;
  return mn && mn->s_size ? m->state + mn->s_off : NULL;
}

const float *
nn_model_activation (const nn_model *m, int node_id, nn_shape *shape)
{
  const mnode *mn = model_node (m, node_id);

  if (mn == NULL)
    return NULL;
  if (shape)
    *shape = mn->out_shape;
  return mn->out;
}

gsize
nn_model_snapshot_size (const nn_model *m)
{
  return m->n_weights + m->n_state;
}

void
nn_model_copy_weights_to (const nn_model *m, float *dst)
{
  memcpy (dst, m->weights, m->n_weights * sizeof (float));
  memcpy (dst + m->n_weights, m->state, m->n_state * sizeof (float));
}

void
nn_model_copy_weights_from (nn_model *m, const float *src)
{
  memcpy (m->weights, src, m->n_weights * sizeof (float));
  memcpy (m->state, src + m->n_weights, m->n_state * sizeof (float));
}
