/* inspect-boundary.c — a classifier of two features over the plane: the
 * class probabilities on a grid around the data, and each hidden unit's
 * output on the same grid, as TensorFlow Playground shows them. See
 * inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inspect-private.h"

/* Hidden units drawn as boundary thumbnails, over all layers. */
#define MAX_HIDDEN_UNITS 64

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
      const nn_node *out = _nn_inspect_output_node (m);

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

  if (!_nn_inspect_check_classes (
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
  if (!_nn_inspect_check_model_fits (m, ds, error))
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
