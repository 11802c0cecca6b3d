/* model.c — a graph compiled for a batch size (see graph.h): nodes in
 * topological order, memory planned once (one weight arena, one gradient
 * arena, state, activations, scratch), forward and backward. The passes
 * run layer by layer, each layer sharing its work between the threads, or
 * — when every layer treats samples independently — by samples, each
 * thread running every layer on its share (model-parallel.c). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "model-private.h"

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
    if (!is_relu_family (nn_graph_lookup (g, consumers[i])->desc.ops))
      return NN_INIT_GLOROT_UNIFORM;
  return n > 0 ? NN_INIT_HE_UNIFORM : NN_INIT_GLOROT_UNIFORM;
}

static void
free_buffers (nn_model *m)
{
  _nn_model_free_replicas (m);
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
  m->n = nn_graph_n_nodes (m->graph);
  m->nodes = g_new0 (mnode, m->n);
  order = _nn_graph_topo_order (m->graph);
  ranges = g_array_new (FALSE, FALSE, sizeof (nn_weight_range));

  for (int k = 0; k < m->n; k++)
    {
      mnode *mn = &m->nodes[k];
      const nn_node *node = nn_graph_nth_node (m->graph, order[k]);
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
  return nn_graph_revision (m->graph);
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

void
_nn_model_fill_ctx (nn_model *m, int k, int first, int n, gboolean training, nn_rng *rng,
                    float *scratch, float *dw, const float **in, float **d_in, nn_layer_ctx *c)
{
  mnode *mn = &m->nodes[k];

  for (int s = 0; s < mn->n_in; s++)
    {
      const mnode *src = &m->nodes[mn->in[s]];

      in[s] = src->out + (gsize) first * src->out_size;
      /* NULL for the Input */
      d_in[s] = src->grad ? src->grad + (gsize) first * src->out_size : NULL;
    }
  *c = (nn_layer_ctx){
    .desc = &mn->node->desc,
    .batch = n,
    .n_in = mn->n_in,
    .in_shape = mn->in_shape,
    .out_shape = &mn->out_shape,
    .in = in,
    .out = mn->out + (gsize) first * mn->out_size,
    .d_in = d_in,
    .d_out = mn->grad ? mn->grad + (gsize) first * mn->out_size : NULL,
    .w = m->weights + mn->w_off,
    .dw = dw + mn->w_off,
    .state = m->state + mn->s_off,
    .scratch = scratch,
    .training = training,
    .rng = rng,
  };
}

void
nn_model_forward (nn_model *m, const float *x, int n, gboolean training, nn_rng *rng)
{
  g_return_if_fail (n > 0 && n <= m->batch);

  m->training = training;
  if (_nn_model_forward_split (m, x, n, training, rng))
    return;
  m->split_threads = 0;
  memcpy (m->nodes[0].out, x, (gsize) n * m->nodes[0].out_size * sizeof (float));
  for (int k = 1; k < m->n; k++)
    {
      const float *in[NN_MAX_INPUTS];
      float *d_in[NN_MAX_INPUTS];
      nn_layer_ctx c;

      _nn_model_fill_ctx (m, k, 0, n, training, rng, m->nodes[k].scratch, m->grads, in, d_in, &c);
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

  if (m->split_threads > 0)
    {
      _nn_model_backward_split (m, d_out, n, start);
      return;
    }
  /* Gradients are accumulated into the nodes below `start`; its own is
   * copied in, and those above it are never read. */
  for (int k = m->input_grad ? 0 : 1; k < MAX (start, 1); k++)
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
      _nn_model_fill_ctx (m, k, 0, n, m->training, NULL, m->nodes[k].scratch, m->grads, in, d_in,
                          &c);
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
