/* inspect-saliency.c — which inputs a prediction depends on: the gradient
 * of the predicted class's score with respect to one sample's input, as a
 * map over the image or the features. See inspect.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "inspect-private.h"

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

  if (!_nn_inspect_check_sample (ds, sample, error) || !_nn_inspect_check_model_fits (m, ds, error))
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
  _nn_inspect_forward_sample (m, ds, sample, s->input);

  /* The score is the predicted class's logit: softmax probabilities compete,
   * so their gradient mixes in every other class (Simonyan et al., 2014). */
  d = g_new0 (float, k);
  if (ds->task == NN_TASK_CLASSIFY)
    {
      g_autofree float *probs = g_new0 (float, MAX (k, 2));
      int K = MIN (nn_inspect_probabilities (m, nn_model_output (m), k, probs), ds->n_classes);

      s->predicted = _nn_inspect_argmax (probs, K);
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
