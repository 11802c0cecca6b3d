/* inspect.c — the computations behind the Inside tab: activations of one
 * sample, confusion matrix, worst mistakes, saliency, decision boundary,
 * weight and gradient histograms, first-layer filters. No drawing here. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inspect.h"
#include "metrics.h"
#include "trainer.h"

/* Hidden units drawn as boundary thumbnails, over all layers. */
#define MAX_HIDDEN_UNITS 64
/* Dense rows shown as filters. */
#define MAX_DENSE_FILTERS 64

static const nn_node *
output_node (const nn_model *m)
{
  return nn_model_nth_node (m, nn_model_n_nodes (m) - 1);
}

int
nn_inspect_probabilities (const nn_model *m, const float *out, int k, float *probs)
{
  const char *last = output_node (m)->desc.ops->id;

  if (k == 1)
    {
      float p = g_str_equal (last, "sigmoid") ? out[0] : 1.0f / (1.0f + expf (-out[0]));

      probs[0] = 1.0f - p;
      probs[1] = p;
      return 2;
    }
  if (g_str_equal (last, "softmax"))
    {
      memcpy (probs, out, (gsize) k * sizeof (float));
      return k;
    }
  {
    float top = out[0];
    double sum = 0.0;

    for (int j = 1; j < k; j++)
      top = MAX (top, out[j]);
    for (int j = 0; j < k; j++)
      {
        probs[j] = expf (out[j] - top);
        sum += probs[j];
      }
    for (int j = 0; j < k; j++)
      probs[j] = (float) (probs[j] / sum);
  }
  return k;
}

static int
argmax (const float *v, int n)
{
  int best = 0;

  for (int j = 1; j < n; j++)
    if (v[j] > v[best])
      best = j;
  return best;
}

static gboolean
check_model_fits (const nn_model *m, const nn_dataset *ds, GError **error)
{
  gsize want = nn_dataset_input_size (ds);
  gsize have = nn_model_input_size (m);

  if (want != have)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The model takes %zu input values per sample, but each "
                      "sample of “%s” has %zu"),
                   have, ds->name, want);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_sample (const nn_dataset *ds, int sample, GError **error)
{
  if (sample < 0 || sample >= ds->n_samples)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("There is no sample %d in “%s”: it has samples 0 to %d"), sample, ds->name,
                   ds->n_samples - 1);
      return FALSE;
    }
  return TRUE;
}

/* message: a translated sentence with one %s for the dataset's name */
static gboolean
check_classes (const nn_dataset *ds, const char *message, GError **error)
{
  if (ds->task != NN_TASK_CLASSIFY)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, message, ds->name);
      return FALSE;
    }
  return TRUE;
}

/* One forward of a single sample in inference mode; x must hold the input
 * size. */
static void
forward_sample (nn_model *m, const nn_dataset *ds, int sample, float *x)
{
  nn_dataset_gather (ds, &sample, 1, x, NULL, NULL);
  nn_model_forward (m, x, 1, FALSE, NULL);
}

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

  if (!check_sample (ds, sample, error) || !check_model_fits (m, ds, error))
    return NULL;
  x = nn_alloc_floats (nn_model_input_size (m));
  forward_sample (m, ds, sample, x);

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
      a->predicted = argmax (a->probs, a->n_classes);
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

/* --- Confusion matrix ----------------------------------------------------- */

static float
threshold_for (nn_loss_kind loss)
{
  /* a single BCE output is a logit; anything else a probability */
  return loss == NN_LOSS_BCE ? 0.0f : 0.5f;
}

nn_confusion *
nn_inspect_confusion (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
                      GError **error)
{
  nn_metrics mt;
  nn_confusion *c;
  int K;

  if (!check_classes (
        ds, _ ("A confusion matrix needs data with classes; “%s” has regression targets"), error) ||
      !check_model_fits (m, ds, error))
    return NULL;
  if (n <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("There are no samples to build a confusion matrix from"));
      return NULL;
    }
  if (!nn_loss_check (loss, ds->task, ds->n_classes, ds->target_size, nn_model_output_size (m),
                      error))
    return NULL;

  K = ds->n_classes;
  nn_metrics_init (&mt, ds->task, K, threshold_for (loss));
  c = g_new0 (nn_confusion, 1);
  c->loss = nn_model_evaluate (m, ds, idx, n, loss, &mt);
  c->n_classes = K;
  c->class_names = g_strdupv (ds->class_names);
  c->counts = g_memdup2 (mt.confusion, (gsize) K * K * sizeof (gint64));
  c->precision = g_new (double, K);
  c->recall = g_new (double, K);
  for (int i = 0; i < K; i++)
    {
      gboolean p_def, r_def;
      double p = nn_metrics_precision (&mt, i, &p_def);
      double r = nn_metrics_recall (&mt, i, &r_def);

      c->precision[i] = p_def ? p : NAN;
      c->recall[i] = r_def ? r : NAN;
    }
  c->total = mt.samples;
  c->accuracy = nn_metrics_accuracy (&mt);
  nn_metrics_clear (&mt);
  return c;
}

void
nn_confusion_free (nn_confusion *c)
{
  if (c == NULL)
    return;
  g_strfreev (c->class_names);
  g_free (c->counts);
  g_free (c->precision);
  g_free (c->recall);
  g_free (c);
}

/* --- Misclassified -------------------------------------------------------- */

static int
by_confidence (gconstpointer a, gconstpointer b)
{
  const nn_mistake *x = a, *y = b;

  if (x->confidence != y->confidence)
    return x->confidence > y->confidence ? -1 : 1;
  return x->index - y->index; /* stable order for equal confidence */
}

nn_mistakes *
nn_inspect_misclassified (nn_model *m, const nn_dataset *ds, const int *idx, int n, int max,
                          GError **error)
{
  int batch = nn_model_batch (m);
  int k = (int) nn_model_output_size (m);
  gsize in_size = nn_model_input_size (m);
  g_autoptr (GArray) found = NULL;
  g_autofree float *probs = NULL;
  float *x;
  nn_mistakes *mk;

  if (!check_classes (
        ds, _ ("Misclassified samples need data with classes; “%s” has regression targets"),
        error) ||
      !check_model_fits (m, ds, error))
    return NULL;

  found = g_array_new (FALSE, FALSE, sizeof (nn_mistake));
  probs = g_new0 (float, MAX (k, 2));
  x = nn_alloc_floats (in_size * (gsize) batch);
  mk = g_new0 (nn_mistakes, 1);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      const float *out;

      nn_dataset_gather (ds, idx + start, b, x, NULL, NULL);
      nn_model_forward (m, x, b, FALSE, NULL);
      out = nn_model_output (m);
      for (int i = 0; i < b; i++)
        {
          int K = nn_inspect_probabilities (m, out + (gsize) i * k, k, probs);
          int truth = ds->labels[idx[start + i]];
          int pred;

          K = MIN (K, ds->n_classes);
          pred = argmax (probs, K);
          mk->examined++;
          if (pred == truth)
            continue;
          mk->wrong++;
          g_array_append_val (found, ((nn_mistake){
                                       .index = idx[start + i],
                                       .true_class = truth,
                                       .predicted = pred,
                                       .confidence = probs[pred],
                                       .true_prob = truth < K ? probs[truth] : 0.0f,
                                     }));
        }
    }
  nn_free_floats (x);

  g_array_sort (found, by_confidence);
  mk->n_classes = ds->n_classes;
  mk->class_names = g_strdupv (ds->class_names);
  mk->n_items = MIN ((int) found->len, MAX (max, 0));
  mk->items = g_memdup2 (found->data, (gsize) mk->n_items * sizeof (nn_mistake));
  return mk;
}

void
nn_mistakes_free (nn_mistakes *mk)
{
  if (mk == NULL)
    return;
  g_strfreev (mk->class_names);
  g_free (mk->items);
  g_free (mk);
}

/* --- Saliency ------------------------------------------------------------- */

nn_saliency *
nn_inspect_saliency (nn_model *m, const nn_dataset *ds, int sample, GError **error)
{
  gboolean had_input_grad = nn_model_input_gradient (m) != NULL;
  gboolean from_logits = nn_model_has_final_softmax (m);
  int k = (int) nn_model_output_size (m);
  gsize size = nn_model_input_size (m);
  g_autofree float *d = NULL;
  const float *g;
  nn_saliency *s;

  if (!check_sample (ds, sample, error) || !check_model_fits (m, ds, error))
    return NULL;
  if (ds->store == NN_STORE_TOKENS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("Saliency needs numeric inputs; “%s” is text, whose token ids have no "
                      "gradient"),
                   ds->name);
      return NULL;
    }
  if (!nn_model_set_input_gradient (m, TRUE, error))
    return NULL;

  s = g_new0 (nn_saliency, 1);
  s->sample = sample;
  s->shape = *nn_model_input_shape (m);
  s->input = g_new (float, size);
  s->true_class = -1;
  s->feature_names = g_strdupv (ds->feature_names);
  forward_sample (m, ds, sample, s->input);

  /* The score is the predicted class's logit: softmax probabilities compete,
   * so their gradient mixes in every other class (Simonyan et al., 2014). */
  d = g_new0 (float, k);
  if (ds->task == NN_TASK_CLASSIFY)
    {
      g_autofree float *probs = g_new0 (float, MAX (k, 2));
      int K = MIN (nn_inspect_probabilities (m, nn_model_output (m), k, probs), ds->n_classes);

      s->predicted = argmax (probs, K);
      s->confidence = probs[s->predicted];
      s->true_class = ds->labels[sample];
      s->true_name = g_strdup (ds->class_names[s->true_class]);
      s->predicted_name = g_strdup (ds->class_names[s->predicted]);
      if (k == 1)
        d[0] = s->predicted == 1 ? 1.0f : -1.0f;
      else
        d[s->predicted] = 1.0f;
    }
  else
    {
      s->predicted = 0;
      s->confidence = nn_model_output (m)[0];
      d[0] = 1.0f;
    }
  nn_model_backward (m, d, 1, from_logits);

  g = nn_model_input_gradient (m);
  s->gradient = g_new (float, size);
  for (gsize i = 0; i < size; i++)
    {
      s->gradient[i] = fabsf (g[i]);
      s->max_gradient = MAX (s->max_gradient, s->gradient[i]);
    }
  if (!had_input_grad)
    nn_model_set_input_gradient (m, FALSE, NULL);

  if (s->shape.rank == 3)
    {
      int C = s->shape.dim[0], H = s->shape.dim[1], W = s->shape.dim[2];

      s->map_height = H;
      s->map_width = W;
      s->map = g_new0 (float, (gsize) H *W);
      for (int c = 0; c < C; c++)
        for (gsize p = 0; p < (gsize) H * W; p++)
          s->map[p] = MAX (s->map[p], s->gradient[(gsize) c * H * W + p]);
    }
  else
    {
      s->map_height = 1;
      s->map_width = (int) size;
      s->map = g_memdup2 (s->gradient, size * sizeof (float));
    }
  if (s->max_gradient > 0.0f)
    for (gsize p = 0; p < (gsize) s->map_height * s->map_width; p++)
      s->map[p] /= s->max_gradient;
  return s;
}

void
nn_saliency_free (nn_saliency *s)
{
  if (s == NULL)
    return;
  g_free (s->true_name);
  g_strfreev (s->feature_names);
  g_free (s->predicted_name);
  g_free (s->input);
  g_free (s->gradient);
  g_free (s->map);
  g_free (s);
}

/* --- Decision boundary ---------------------------------------------------- */

/* Hidden layers worth a thumbnail per unit: vector outputs of activation
 * layers (what TensorFlow Playground shows), or of Dense layers when no
 * activation follows them, never the output or the logits under a final
 * Softmax. Fills positions in the model's order; returns how many. */
static int
hidden_layers (const nn_model *m, int *pos, int max)
{
  int last = nn_model_n_nodes (m) - 1;
  int logits = -1;
  int n = 0, units = 0;

  if (nn_model_has_final_softmax (m))
    {
      const nn_node *out = output_node (m);

      for (int k = 0; k < last; k++)
        if (nn_model_nth_node (m, k)->id == out->inputs[0])
          logits = k;
    }
  for (int k = 1; k < last && n < max; k++)
    {
      const nn_node *node = nn_model_nth_node (m, k);
      nn_shape shape;
      int consumers[NN_MAX_INPUTS];
      gboolean feeds_activation = FALSE;
      int nc;

      if (k == logits)
        continue;
      nn_model_activation (m, node->id, &shape);
      if (shape.rank != 1)
        continue;
      nc = nn_graph_consumers (nn_model_graph (m), node->id, consumers, NN_MAX_INPUTS);
      for (int i = 0; i < nc; i++)
        if (nn_graph_lookup (nn_model_graph (m), consumers[i])->desc.ops->group ==
            NN_GROUP_ACTIVATION)
          feeds_activation = TRUE;
      if (node->desc.ops->group != NN_GROUP_ACTIVATION &&
          !(g_str_equal (node->desc.ops->id, "dense") && !feeds_activation))
        continue;
      if (units + shape.dim[0] > MAX_HIDDEN_UNITS)
        break;
      units += shape.dim[0];
      pos[n++] = k;
    }
  return n;
}

nn_boundary *
nn_inspect_boundary (nn_model *m, const nn_dataset *ds, const int *idx, int n, int width,
                     int height, GError **error)
{
  int batch = nn_model_batch (m);
  int k = (int) nn_model_output_size (m);
  gsize cells = (gsize) width * height;
  int pos[MAX_HIDDEN_UNITS];
  g_autofree float *probs = NULL;
  double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  nn_boundary *b;
  float *x;

  if (!check_classes (
        ds, _ ("A decision boundary needs data with classes; “%s” has regression targets"), error))
    return NULL;
  if (ds->store != NN_STORE_F32 || nn_dataset_input_size (ds) != 2)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("A decision boundary needs data with exactly 2 input features; “%s” has "
                      "%zu"),
                   ds->name, nn_dataset_input_size (ds));
      return NULL;
    }
  if (!check_model_fits (m, ds, error))
    return NULL;
  if (width < 2 || height < 2 || width > 2048 || height > 2048)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The boundary grid must be 2 to 2048 cells wide and high, not %d×%d"), width,
                   height);
      return NULL;
    }

  b = g_new0 (nn_boundary, 1);
  b->width = width;
  b->height = height;
  b->n_points = n;
  b->points = g_new (float, (gsize) MAX (n, 1) * 2);
  b->labels = g_new (gint32, MAX (n, 1));
  for (int i = 0; i < n; i++)
    for (int f = 0; f < 2; f++)
      {
        float v = ds->f32[(gsize) idx[i] * 2 + f];

        b->points[2 * i + f] = v;
        b->labels[i] = ds->labels[idx[i]];
        if (isfinite (v))
          {
            lo[f] = MIN (lo[f], v);
            hi[f] = MAX (hi[f], v);
          }
      }
  for (int f = 0; f < 2; f++)
    {
      double margin;

      if (!(lo[f] <= hi[f]))
        lo[f] = -1.0, hi[f] = 1.0;
      if (hi[f] - lo[f] < 1e-6)
        lo[f] -= 0.5, hi[f] += 0.5;
      margin = 0.1 * (hi[f] - lo[f]);
      lo[f] -= margin;
      hi[f] += margin;
    }
  b->x_min = lo[0], b->x_max = hi[0];
  b->y_min = lo[1], b->y_max = hi[1];
  b->x_name = g_strdup (ds->feature_names && ds->feature_names[0] ? ds->feature_names[0] : "x₁");
  b->y_name = g_strdup (ds->feature_names && ds->feature_names[0] && ds->feature_names[1]
                          ? ds->feature_names[1]
                          : "x₂");
  b->n_classes = ds->n_classes;
  b->class_names = g_strdupv (ds->class_names);
  b->probs = g_new0 (float, cells * b->n_classes);

  b->n_layers = hidden_layers (m, pos, MAX_HIDDEN_UNITS);
  b->layers = g_new0 (nn_boundary_layer, MAX (b->n_layers, 1));
  for (int l = 0; l < b->n_layers; l++)
    {
      const nn_node *node = nn_model_nth_node (m, pos[l]);
      nn_shape shape;

      nn_model_activation (m, node->id, &shape);
      b->layers[l].id = node->id;
      b->layers[l].name = g_strdup (node->name);
      b->layers[l].units = shape.dim[0];
      b->layers[l].values = g_new0 (float, (gsize) shape.dim[0] * cells);
      b->layers[l].min = INFINITY;
      b->layers[l].max = -INFINITY;
    }

  probs = g_new0 (float, MAX (k, 2));
  x = nn_alloc_floats ((gsize) batch * 2);
  for (gsize start = 0; start < cells; start += batch)
    {
      int nb = (int) MIN ((gsize) batch, cells - start);
      const float *out;

      for (int i = 0; i < nb; i++)
        {
          gsize cell = start + i;
          int row = (int) (cell / width), col = (int) (cell % width);
          double v[2] = {
            b->x_min + (col + 0.5) / width * (b->x_max - b->x_min),
            b->y_max - (row + 0.5) / height * (b->y_max - b->y_min),
          };

          /* the model saw standardised features while training */
          for (int f = 0; f < 2; f++)
            x[2 * i + f] =
              ds->mean ? (float) ((v[f] - ds->mean[f]) * ds->inv_std[f]) : (float) v[f];
        }
      nn_model_forward (m, x, nb, FALSE, NULL);
      out = nn_model_output (m);
      for (int i = 0; i < nb; i++)
        {
          int K = MIN (nn_inspect_probabilities (m, out + (gsize) i * k, k, probs), b->n_classes);

          memcpy (b->probs + (start + i) * b->n_classes, probs, (gsize) K * sizeof (float));
        }
      for (int l = 0; l < b->n_layers; l++)
        {
          nn_boundary_layer *layer = &b->layers[l];
          const float *act = nn_model_activation (m, layer->id, NULL);

          for (int i = 0; i < nb; i++)
            for (int u = 0; u < layer->units; u++)
              {
                float v = act[(gsize) i * layer->units + u];

                layer->values[(gsize) u * cells + start + i] = v;
                layer->min = MIN (layer->min, v);
                layer->max = MAX (layer->max, v);
              }
        }
    }
  nn_free_floats (x);
  return b;
}

void
nn_boundary_free (nn_boundary *b)
{
  if (b == NULL)
    return;
  g_free (b->x_name);
  g_free (b->y_name);
  g_strfreev (b->class_names);
  g_free (b->probs);
  g_free (b->points);
  g_free (b->labels);
  for (int l = 0; l < b->n_layers; l++)
    {
      g_free (b->layers[l].name);
      g_free (b->layers[l].values);
    }
  g_free (b->layers);
  g_free (b);
}

/* --- Histograms ----------------------------------------------------------- */

static void
bin_values (const float *v, gsize n, int n_bins, double lo, double hi, int *bins)
{
  double scale = hi > lo ? n_bins / (hi - lo) : 0.0;

  for (gsize i = 0; i < n; i++)
    {
      int j = hi > lo ? (int) ((v[i] - lo) * scale) : n_bins / 2;

      bins[CLAMP (j, 0, n_bins - 1)]++;
    }
}

static void
range_and_norm (const float *v, gsize n, double *lo, double *hi, double *norm)
{
  double sq = 0.0;

  *lo = n ? v[0] : 0.0;
  *hi = *lo;
  for (gsize i = 0; i < n; i++)
    {
      *lo = MIN (*lo, v[i]);
      *hi = MAX (*hi, v[i]);
      sq += (double) v[i] * v[i];
    }
  *norm = sqrt (sq);
}

/* One backward over the first samples of idx, gradients left in the model's
 * gradient arena; returns the batch's loss. */
static gboolean
one_backward (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
              double *batch_loss, GError **error)
{
  int b = MIN (n, nn_model_batch (m));
  int k = (int) nn_model_output_size (m);
  gboolean fused = loss == NN_LOSS_CROSS_ENTROPY && nn_model_has_final_softmax (m);
  gboolean classify = ds->task == NN_TASK_CLASSIFY;
  float *x, *y = NULL, *d;
  g_autofree gint32 *labels = NULL;

  if (!nn_loss_check (loss, ds->task, ds->n_classes, ds->target_size, (gsize) k, error))
    return FALSE;
  x = nn_alloc_floats (nn_model_input_size (m) * (gsize) b);
  d = nn_alloc_floats ((gsize) k * b);
  labels = g_new0 (gint32, b);
  if (!classify)
    y = nn_alloc_floats ((gsize) ds->target_size * b);
  nn_dataset_gather (ds, idx, b, x, labels, y);
  nn_model_forward (m, x, b, FALSE, NULL);
  *batch_loss = nn_loss_compute (loss, fused ? nn_model_logits (m) : nn_model_output (m), b, k,
                                 classify ? labels : NULL, classify ? NULL : y, d);
  nn_model_backward (m, d, b, fused);
  nn_free_floats (x);
  nn_free_floats (y);
  nn_free_floats (d);
  return TRUE;
}

nn_histograms *
nn_inspect_histograms (nn_model *m, const nn_dataset *ds, const int *idx, int n, nn_loss_kind loss,
                       int n_bins, GError **error)
{
  const nn_weight_range *ranges;
  const float *w, *g = NULL;
  double batch_loss = NAN;
  nn_histograms *h;
  int n_ranges;

  if (n_bins < 2 || n_bins > 512)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("A histogram needs 2 to 512 bins, not %d"),
                   n_bins);
      return NULL;
    }
  if (n > 0)
    {
      if (!check_model_fits (m, ds, error) ||
          !one_backward (m, ds, idx, n, loss, &batch_loss, error))
        return NULL;
      g = nn_model_grads (m, NULL);
    }
  w = nn_model_weights (m, NULL);
  ranges = nn_model_weight_ranges (m, &n_ranges);

  h = g_new0 (nn_histograms, 1);
  h->n_bins = n_bins;
  h->n_tensors = n_ranges;
  h->tensors = g_new0 (nn_weight_stats, MAX (n_ranges, 1));
  h->has_grads = g != NULL;
  h->batch_loss = batch_loss;
  for (int r = 0; r < n_ranges; r++)
    {
      const nn_weight_range *range = &ranges[r];
      nn_weight_stats *t = &h->tensors[r];
      const float *v = w + range->offset;
      double sum = 0.0, sq = 0.0;

      t->node_id = range->node_id;
      t->node_name = g_strdup (range->node_name);
      t->weight_name = g_strdup (range->info.name);
      t->shape = range->info.shape;
      t->size = range->size;
      range_and_norm (v, range->size, &t->w_min, &t->w_max, &t->w_norm);
      for (gsize i = 0; i < range->size; i++)
        {
          sum += v[i];
          sq += (double) v[i] * v[i];
        }
      if (range->size > 0)
        {
          t->w_mean = sum / range->size;
          t->w_std = sqrt (MAX (sq / range->size - t->w_mean * t->w_mean, 0.0));
        }
      t->w_bins = g_new0 (int, n_bins);
      bin_values (v, range->size, n_bins, t->w_min, t->w_max, t->w_bins);
      if (g != NULL)
        {
          const float *gv = g + range->offset;

          range_and_norm (gv, range->size, &t->g_min, &t->g_max, &t->g_norm);
          t->g_bins = g_new0 (int, n_bins);
          bin_values (gv, range->size, n_bins, t->g_min, t->g_max, t->g_bins);
        }
    }
  return h;
}

void
nn_histograms_free (nn_histograms *h)
{
  if (h == NULL)
    return;
  for (int r = 0; r < h->n_tensors; r++)
    {
      g_free (h->tensors[r].node_name);
      g_free (h->tensors[r].weight_name);
      g_free (h->tensors[r].w_bins);
      g_free (h->tensors[r].g_bins);
    }
  g_free (h->tensors);
  g_free (h);
}

/* --- Filters -------------------------------------------------------------- */

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
