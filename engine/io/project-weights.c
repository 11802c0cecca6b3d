/* project-weights.c — a project's trained state: the weights and layer
 * state taken from a model, and the optimizer's; given back to a model
 * (everything checked before anything is copied); and carried over to
 * another project with the same layers. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

/* The weights and state of m into two new lists. */
static void
take_weights (nn_model *m, GPtrArray **weights, GPtrArray **state)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  g_clear_pointer (weights, g_ptr_array_unref);
  g_clear_pointer (state, g_ptr_array_unref);
  *weights = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  *state = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  w = nn_model_weights (m, NULL);
  ranges = nn_model_weight_ranges (m, &n_ranges);
  for (int i = 0; i < n_ranges; i++)
    g_ptr_array_add (*weights,
                     _nn_project_tensor_new (ranges[i].node_id, ranges[i].info.name,
                                             &ranges[i].info.shape, w + ranges[i].offset));
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *st = nn_model_node_state (m, id, &n);
      nn_shape shape = nn_shape_1d ((int) n);

      if (st != NULL && n > 0)
        g_ptr_array_add (*state, _nn_project_tensor_new (id, "state", &shape, st));
    }
}

void
nn_project_take_weights (nn_project *p, nn_model *m)
{
  take_weights (m, &p->weights, &p->state);
  g_clear_pointer (&p->optimizer, _nn_project_optimizer_free);
}

void
nn_project_take_discriminator_weights (nn_project *p, nn_model *m)
{
  take_weights (m, &p->d_weights, &p->d_state);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
}

/* --- Optimizer state --------------------------------------------------- */

void
_nn_project_optimizer_free (nn_project_optimizer *o)
{
  if (o == NULL)
    return;
  g_free (o->m);
  g_free (o->v);
  g_free (o);
}

static gboolean
all_finite (const float *x, gsize n)
{
  for (gsize i = 0; x != NULL && i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static void
take_optimizer (nn_project_optimizer **slot, const nn_optimizer *o)
{
  nn_optimizer_state s;
  nn_project_optimizer *saved;

  nn_optimizer_get_state (o, &s);
  g_clear_pointer (slot, _nn_project_optimizer_free);
  /* A diverged run gets its last good weights back but not its moments:
   * resuming from those would diverge at once, so it resumes fresh. */
  if (!all_finite (s.m, s.n) || !all_finite (s.v, s.n))
    return;
  saved = g_new0 (nn_project_optimizer, 1);
  saved->kind = s.kind;
  saved->steps = s.steps;
  saved->n = s.n;
  if (s.m != NULL)
    saved->m = g_memdup2 (s.m, MAX (s.n, 1) * sizeof (float));
  if (s.v != NULL)
    saved->v = g_memdup2 (s.v, MAX (s.n, 1) * sizeof (float));
  *slot = saved;
}

static gboolean
apply_optimizer (const nn_project_optimizer *saved, nn_optimizer *o, GError **error)
{
  nn_optimizer_state s;

  if (saved == NULL)
    return TRUE;
  s = (nn_optimizer_state){
    .kind = saved->kind,
    .steps = saved->steps,
    .n = saved->n,
    .m = saved->m,
    .v = saved->v,
  };
  return nn_optimizer_set_state (o, &s, error);
}

void
nn_project_take_optimizer (nn_project *p, const nn_optimizer *o)
{
  take_optimizer (&p->optimizer, o);
}

gboolean
nn_project_apply_optimizer (const nn_project *p, nn_optimizer *o, GError **error)
{
  return apply_optimizer (p->optimizer, o, error);
}

void
nn_project_take_discriminator_optimizer (nn_project *p, const nn_optimizer *o)
{
  take_optimizer (&p->d_optimizer, o);
}

gboolean
nn_project_apply_discriminator_optimizer (const nn_project *p, nn_optimizer *o, GError **error)
{
  return apply_optimizer (p->d_optimizer, o, error);
}

/* --- Into a model, and into another project ---------------------------- */

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

static gboolean
apply_weights (GPtrArray *weights, GPtrArray *state_list, nn_model *m, GError **error)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  if (weights == NULL)
    return TRUE;
  ranges = nn_model_weight_ranges (m, &n_ranges);
  /* Check everything before copying anything: m stays as it was on error. */
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (weights, ranges[i].node_id, ranges[i].info.name);

      if (t == NULL || !nn_shape_equal (&t->shape, &ranges[i].info.shape))
        return weights_fail (g, ranges[i].node_id, ranges[i].info.name, error);
    }
  if ((int) weights->len != n_ranges)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The saved weights belong to a different model (%u tensors, the model has "
                      "%d); train it again"),
                   weights->len, n_ranges);
      return FALSE;
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      const nn_project_tensor *t = _nn_project_find_tensor (state_list, id, "state");

      nn_model_node_state (m, id, &n);
      if ((t == NULL && n > 0) || (t != NULL && nn_shape_size (&t->shape) != n))
        return weights_fail (g, id, "state", error);
    }

  w = nn_model_weights (m, NULL);
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (weights, ranges[i].node_id, ranges[i].info.name);

      memcpy (w + ranges[i].offset, t->data, ranges[i].size * sizeof (float));
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *state = nn_model_node_state (m, id, &n);
      const nn_project_tensor *t = _nn_project_find_tensor (state_list, id, "state");

      if (state != NULL && t != NULL)
        memcpy (state, t->data, n * sizeof (float));
    }
  return TRUE;
}

gboolean
nn_project_apply_weights (const nn_project *p, nn_model *m, GError **error)
{
  return apply_weights (p->weights, p->state, m, error);
}

gboolean
nn_project_apply_discriminator_weights (const nn_project *p, nn_model *m, GError **error)
{
  if (p->discriminator == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The project has no discriminator, so it has no weights for one"));
      return FALSE;
    }
  return apply_weights (p->d_weights, p->d_state, m, error);
}

static GPtrArray *
copy_tensors (GPtrArray *list)
{
  GPtrArray *copy;

  if (list == NULL)
    return NULL;
  copy = g_ptr_array_new_full (list->len, _nn_project_tensor_free);
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);

      g_ptr_array_add (copy, _nn_project_tensor_new (t->node_id, t->name, &t->shape, t->data));
    }
  return copy;
}

static nn_project_optimizer *
copy_optimizer (const nn_project_optimizer *o)
{
  nn_project_optimizer *copy;

  if (o == NULL)
    return NULL;
  copy = g_memdup2 (o, sizeof *o);
  if (o->m != NULL)
    copy->m = g_memdup2 (o->m, MAX (o->n, 1) * sizeof (float));
  if (o->v != NULL)
    copy->v = g_memdup2 (o->v, MAX (o->n, 1) * sizeof (float));
  return copy;
}

/* Same nodes, kinds, parameters and edges (positions aside): weights of one
 * fit the other. */
static gboolean
same_layers (const nn_graph *a, const nn_graph *b)
{
  if (nn_graph_n_nodes (a) != nn_graph_n_nodes (b))
    return FALSE;
  for (int i = 0; i < nn_graph_n_nodes (a); i++)
    {
      const nn_node *x = nn_graph_nth_node (a, i);
      const nn_node *y = nn_graph_nth_node (b, i);

      if (x->id != y->id || x->desc.ops != y->desc.ops ||
          memcmp (x->desc.p, y->desc.p, sizeof x->desc.p) != 0 || x->n_inputs != y->n_inputs ||
          memcmp (x->inputs, y->inputs, x->n_inputs * sizeof (int)) != 0)
        return FALSE;
    }
  return TRUE;
}

void
nn_project_copy_trained (nn_project *dst, const nn_project *src)
{
  nn_project_clear_weights (dst);
  /* A file whose weights do not fit its model would not open again. */
  if (src->weights == NULL || !same_layers (dst->graph, src->graph) ||
      (dst->discriminator != NULL && (src->discriminator == NULL || src->d_weights == NULL ||
                                      !same_layers (dst->discriminator, src->discriminator))))
    return;
  dst->weights = copy_tensors (src->weights);
  dst->state = copy_tensors (src->state);
  dst->optimizer = copy_optimizer (src->optimizer);
  nn_project_set_normalisation (dst, src->norm_mean, src->norm_inv_std, src->norm_size);
  if (dst->discriminator != NULL)
    {
      dst->d_weights = copy_tensors (src->d_weights);
      dst->d_state = copy_tensors (src->d_state);
      dst->d_optimizer = copy_optimizer (src->d_optimizer);
    }
}
