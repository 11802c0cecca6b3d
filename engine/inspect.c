/* inspect.c — what the computations behind the Inside tab share: class
 * probabilities from a model's outputs, and the checks that a model fits
 * the data and a sample exists. Each view has its own file: activations
 * and first-layer filters (inspect-activations.c), confusion matrix and
 * worst mistakes (inspect-confusion.c), saliency (inspect-saliency.c),
 * decision boundary (inspect-boundary.c), weight and gradient histograms
 * (inspect-histograms.c). No drawing here. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inspect-private.h"

const nn_node *
_nn_inspect_output_node (const nn_model *m)
{
  return nn_model_nth_node (m, nn_model_n_nodes (m) - 1);
}

int
nn_inspect_probabilities (const nn_model *m, const float *out, int k, float *probs)
{
  const char *last = _nn_inspect_output_node (m)->desc.ops->id;

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

int
_nn_inspect_argmax (const float *v, int n)
{
  int best = 0;

  for (int j = 1; j < n; j++)
    if (v[j] > v[best])
      best = j;
  return best;
}

gboolean
_nn_inspect_check_model_fits (const nn_model *m, const nn_dataset *ds, GError **error)
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

gboolean
_nn_inspect_check_sample (const nn_dataset *ds, int sample, GError **error)
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
gboolean
_nn_inspect_check_classes (const nn_dataset *ds, const char *message, GError **error)
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
void
_nn_inspect_forward_sample (nn_model *m, const nn_dataset *ds, int sample, float *x)
{
  nn_dataset_gather (ds, &sample, 1, x, NULL, NULL);
  nn_model_forward (m, x, 1, FALSE, NULL);
}
