/* inspect-activations.c — what one sample does inside a model: every
 * node's output for it (with a recurrent layer's states over the steps),
 * and what the first layer looks for: its filters, or a Dense layer's rows
 * over an image. See inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "inspect-private.h"

/* --- Activations ---------------------------------------------------------- */

static void
min_max (const float *v, gsize n, float *lo, float *hi)
{
  *lo = *hi = n > 0 ? v[0] : 0.0f;
  for (gsize i = 1; i < n; i++)
    {
      *lo = MIN (*lo, v[i]);
      *hi = MAX (*hi, v[i]);
    }
}

/* The states recurrent node k went through for input x, when it returns
 * only its last one: the layer keeps them in its scratch, out of reach, so
 * a copy of the model up to that node, returning sequences, is compiled
 * for one sample with the same weights and run. NULL (nothing to show)
 * when the copy does not compile, as in a branched graph. */
static float *
recurrent_steps (nn_model *m, int k, const float *x, int *n_steps)
{
  const nn_node *node = nn_model_nth_node (m, k);
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_model) seq = NULL;
  const nn_weight_range *ranges, *seq_ranges;
  int n_ranges, n_seq_ranges;
  float *w, *seq_w;
  const float *v;
  nn_shape shape;
  gsize n;

  nn_model_activation (m, node->id, &shape);
  if (node->desc.ops->group != NN_GROUP_RECURRENT || shape.rank != 1)
    return NULL;
  g = nn_graph_copy (nn_model_graph (m));
  for (int j = nn_model_n_nodes (m) - 1; j > k; j--)
    nn_graph_remove_node (g, nn_model_nth_node (m, j)->id);
  if (!nn_graph_set_param (g, node->id, "return_sequences", 1, NULL))
    return NULL;
  seq = nn_model_compile (g, 1, 0, NULL);
  if (seq == NULL)
    return NULL;

  w = nn_model_weights (m, &n);
  seq_w = nn_model_weights (seq, &n);
  ranges = nn_model_weight_ranges (m, &n_ranges);
  seq_ranges = nn_model_weight_ranges (seq, &n_seq_ranges);
  for (int i = 0; i < n_seq_ranges; i++)
    for (int j = 0; j < n_ranges; j++)
      if (ranges[j].node_id == seq_ranges[i].node_id && ranges[j].size == seq_ranges[i].size &&
          g_strcmp0 (ranges[j].info.name, seq_ranges[i].info.name) == 0)
        memcpy (seq_w + seq_ranges[i].offset, w + ranges[j].offset,
                sizeof (float) * ranges[j].size);
  for (int j = 0; j < k; j++)
    {
      int id = nn_model_nth_node (m, j)->id;
      gsize a, b;
      float *from = nn_model_node_state (m, id, &a), *to = nn_model_node_state (seq, id, &b);

      if (from != NULL && to != NULL && a == b)
        memcpy (to, from, sizeof (float) * a);
    }

  nn_model_forward (seq, x, 1, FALSE, NULL);
  v = nn_model_activation (seq, node->id, &shape);
  if (v == NULL || shape.rank != 2)
    return NULL;
  *n_steps = shape.dim[0];
  return g_memdup2 (v, sizeof (float) * nn_shape_size (&shape));
}

/* The sample's tokens as text, one per step. */
static char **
sample_tokens (const nn_dataset *ds, int sample)
{
  gsize size = nn_dataset_input_size (ds);
  int vocab = ds->vocab != NULL ? (int) g_strv_length (ds->vocab) : 0;
  char **tokens;

  if (ds->store != NN_STORE_TOKENS || ds->tokens == NULL || vocab == 0)
    return NULL;
  tokens = g_new0 (char *, size + 1);
  for (gsize t = 0; t < size; t++)
    {
      gint32 id = ds->tokens[(gsize) sample * size + t];

      tokens[t] = g_strdup (id == 0 ? "" : id > 0 && id < vocab ? ds->vocab[id] : "?");
    }
  return tokens;
}

nn_activations *
nn_inspect_activations (nn_model *m, const nn_dataset *ds, int sample, GError **error)
{
  nn_activations *a;
  float *x;

  if (!_nn_inspect_check_sample (ds, sample, error) || !_nn_inspect_check_model_fits (m, ds, error))
    return NULL;
  x = nn_alloc_floats (nn_model_input_size (m));
  _nn_inspect_forward_sample (m, ds, sample, x);

  a = g_new0 (nn_activations, 1);
  a->sample = sample;
  a->true_class = -1;
  a->predicted = -1;
  a->n_nodes = nn_model_n_nodes (m);
  a->nodes = g_new0 (nn_node_output, a->n_nodes);
  for (int k = 0; k < a->n_nodes; k++)
    {
      const nn_node *node = nn_model_nth_node (m, k);
      nn_node_output *o = &a->nodes[k];
      const float *v = nn_model_activation (m, node->id, &o->shape);
      gsize size = nn_shape_size (&o->shape);

      o->id = node->id;
      o->name = g_strdup (node->name);
      o->ops = node->desc.ops;
      o->values = g_memdup2 (v, size * sizeof (float));
      min_max (v, size, &o->min, &o->max);
    }
  /* After the loop: the copies run their own forward passes, the
   * activations above are the model's. */
  for (int k = 0; k < a->n_nodes; k++)
    {
      nn_node_output *o = &a->nodes[k];

      o->steps = recurrent_steps (m, k, x, &o->n_steps);
      if (o->steps != NULL)
        min_max (o->steps, (gsize) o->n_steps * nn_shape_size (&o->shape), &o->steps_min,
                 &o->steps_max);
    }
  nn_free_floats (x);
  a->tokens = sample_tokens (ds, sample);

  if (ds->task == NN_TASK_CLASSIFY)
    {
      int k = (int) nn_model_output_size (m);

      a->probs = g_new0 (float, MAX (k, 2));
      a->n_classes = nn_inspect_probabilities (m, nn_model_output (m), k, a->probs);
      a->n_classes = MIN (a->n_classes, ds->n_classes);
      a->class_names = g_strdupv (ds->class_names);
      a->true_class = ds->labels[sample];
      a->predicted = _nn_inspect_argmax (a->probs, a->n_classes);
    }
  return a;
}

void
nn_activations_free (nn_activations *a)
{
  if (a == NULL)
    return;
  for (int k = 0; k < a->n_nodes; k++)
    {
      g_free (a->nodes[k].name);
      g_free (a->nodes[k].values);
      g_free (a->nodes[k].steps);
    }
  g_free (a->nodes);
  g_strfreev (a->tokens);
  g_strfreev (a->class_names);
  g_free (a->probs);
  g_free (a);
}

/* --- Filters -------------------------------------------------------------- */

/* Dense rows shown as filters. */
#define MAX_DENSE_FILTERS 64

static const nn_weight_range *
weight_of (const nn_model *m, int node_id)
{
  int n;
  const nn_weight_range *ranges = nn_model_weight_ranges (m, &n);

  for (int r = 0; r < n; r++)
    if (ranges[r].node_id == node_id && g_str_equal (ranges[r].info.name, "weight"))
      return &ranges[r];
  return NULL;
}

nn_filters *
nn_inspect_filters (nn_model *m, GError **error)
{
  const nn_shape *in = nn_model_input_shape (m);
  const float *w = nn_model_weights (m, NULL);
  const nn_weight_range *conv = NULL, *dense = NULL;
  const nn_node *conv_node = NULL, *dense_node = NULL;
  nn_filters *f;
  gsize size;

  /* the first layer with weights that looks at the input */
  for (int k = 1; k < nn_model_n_nodes (m) && conv == NULL && dense == NULL; k++)
    {
      const nn_node *node = nn_model_nth_node (m, k);

      if (g_str_equal (node->desc.ops->id, "conv2d"))
        conv = weight_of (m, node->id), conv_node = node;
      else if (g_str_equal (node->desc.ops->id, "dense"))
        dense = weight_of (m, node->id), dense_node = node;
    }

  f = g_new0 (nn_filters, 1);
  if (conv != NULL)
    {
      f->node_id = conv_node->id;
      f->node_name = g_strdup (conv_node->name);
      f->n_filters = conv->info.shape.dim[0];
      f->channels = conv->info.shape.dim[1];
      f->height = conv->info.shape.dim[2];
      f->width = conv->info.shape.dim[3];
      size = conv->size;
      f->values = g_memdup2 (w + conv->offset, size * sizeof (float));
    }
  else if (dense != NULL && in->rank == 3 && (gsize) dense->info.shape.dim[1] == nn_shape_size (in))
    {
      gsize per = nn_shape_size (in);

      f->node_id = dense_node->id;
      f->node_name = g_strdup (dense_node->name);
      f->from_dense = TRUE;
      f->n_filters = MIN (dense->info.shape.dim[0], MAX_DENSE_FILTERS);
      f->channels = in->dim[0];
      f->height = in->dim[1];
      f->width = in->dim[2];
      size = per * f->n_filters;
      f->values = g_memdup2 (w + dense->offset, size * sizeof (float));
    }
  else
    {
      g_free (f);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("This model has no filters to show: its first layer is neither a Conv2D "
                      "nor a Dense layer reading an image"));
      return NULL;
    }
  f->min = size ? f->values[0] : 0.0f;
  f->max = f->min;
  for (gsize i = 0; i < size; i++)
    {
      f->min = MIN (f->min, f->values[i]);
      f->max = MAX (f->max, f->values[i]);
    }
  return f;
}

void
nn_filters_free (nn_filters *f)
{
  if (f == NULL)
    return;
  g_free (f->node_name);
  g_free (f->values);
  g_free (f);
}
