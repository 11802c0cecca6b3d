/* project.c — .layerlab projects (see project.h): the project itself, its
 * data and the data's preparation, and the ids files use. Its trained state
 * is in project-weights.c, its data paths in project-paths.c, writing in
 * project-write.c, reading in project-read*.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

/* NULL-terminated, for the list in messages */
const char *const _nn_project_mode_ids[4] = {
  [NN_MODE_SUPERVISED] = "supervised",
  [NN_MODE_AUTOENCODER] = "autoencoder",
  [NN_MODE_GAN] = "gan",
};

const char *const _nn_project_init_ids[5] = {
  [NN_INIT_AUTO] = "auto",
  [NN_INIT_HE_UNIFORM] = "he_uniform",
  [NN_INIT_HE_NORMAL] = "he_normal",
  [NN_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [NN_INIT_GLOROT_NORMAL] = "glorot_normal",
};

const char *const _nn_project_prep_ids[3] = {
  [NN_PREP_IMPUTE] = "impute",
  [NN_PREP_DROP_DUPLICATES] = "drop_duplicates",
  NULL,
};

const char *const _nn_project_impute_ids[5] = {
  [NN_IMPUTE_DROP] = "drop",
  [NN_IMPUTE_MEAN] = "mean",
  [NN_IMPUTE_MEDIAN] = "median",
  [NN_IMPUTE_MOST_FREQUENT] = "most_frequent",
  NULL,
};

/* --- Tensors and the project ------------------------------------------- */

nn_project_tensor *
_nn_project_tensor_new (int node_id, const char *name, const nn_shape *shape, const float *data)
{
  nn_project_tensor *t = g_new0 (nn_project_tensor, 1);
  gsize n = nn_shape_size (shape);

  t->node_id = node_id;
  t->name = g_strdup (name);
  t->shape = *shape;
  t->data = g_new (float, MAX (n, 1));
  if (data != NULL)
    memcpy (t->data, data, n * sizeof (float));
  return t;
}

void
_nn_project_tensor_free (gpointer data)
{
  nn_project_tensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

nn_project *
nn_project_new (nn_graph *graph)
{
  nn_project *p = g_new0 (nn_project, 1);

  g_return_val_if_fail (graph != NULL, NULL);
  p->graph = graph;
  nn_trainer_config_init (&p->config);
  p->history = g_array_new (FALSE, TRUE, sizeof (nn_epoch_record));
  p->preparation = g_array_new (FALSE, TRUE, sizeof (nn_prep_step));
  return p;
}

void
nn_project_free (nn_project *p)
{
  if (p == NULL)
    return;
  nn_graph_free (p->graph);
  g_free (p->data_spec);
  g_free (p->data_label);
  g_free (p->norm_mean);
  g_free (p->norm_inv_std);
  g_array_unref (p->history);
  g_array_unref (p->preparation);
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
  g_clear_pointer (&p->discriminator, nn_graph_free);
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  _nn_project_optimizer_free (p->optimizer);
  _nn_project_optimizer_free (p->d_optimizer);
  g_free (p);
}

void
nn_project_set_data (nn_project *p, const char *spec, const nn_data_options *options)
{
  /* Copy first: spec and options may point into p itself. */
  char *label = options != NULL ? g_strdup (options->label) : NULL;
  char *copy = g_strdup (spec);

  g_free (p->data_spec);
  g_free (p->data_label);
  p->data_spec = copy;
  p->data_options = options != NULL ? *options : (nn_data_options){ 0 };
  p->data_label = label;
  p->data_options.label = label;
}

void
nn_project_set_preparation (nn_project *p, const nn_prep_step *steps, guint n)
{
  /* Copy first: steps may be p's own. */
  GArray *copy = g_array_sized_new (FALSE, TRUE, sizeof (nn_prep_step), n);

  g_array_append_vals (copy, steps, n);
  g_array_unref (p->preparation);
  p->preparation = copy;
}

char *
nn_prep_step_to_string (const nn_prep_step *step)
{
  if (step->kind == NN_PREP_IMPUTE)
    return g_strdup_printf ("%s (%s)", _nn_project_prep_ids[step->kind],
                            _nn_project_impute_ids[step->how]);
  return g_strdup (_nn_project_prep_ids[step->kind]);
}

gboolean
nn_prep_apply (const nn_prep_step *steps, guint n, nn_dataset *ds, char **report, GError **error)
{
  g_autoptr (GString) text = n > 0 ? g_string_new (NULL) : NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *sentence = steps[i].kind == NN_PREP_IMPUTE
                                    ? nn_dataset_impute (ds, steps[i].how)
                                    : nn_dataset_drop_duplicates (ds);

      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", sentence);
      /* Training on nothing would fail later with a message about the
       * split; this says which choice emptied the data. */
      if (ds->n_samples == 0)
        {
          g_autofree char *step = nn_prep_step_to_string (&steps[i]);

          /* Translators: the last %s is the step as files write it,
           * e.g. “impute (drop)” */
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: preparation step %u, %s, left no samples"), ds->spec, i + 1, step);
          return FALSE;
        }
    }
  if (report != NULL)
    *report = text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
  return TRUE;
}

gboolean
nn_project_prepare (const nn_project *p, nn_dataset *ds, char **report, GError **error)
{
  return nn_prep_apply ((const nn_prep_step *) p->preparation->data, p->preparation->len, ds,
                        report, error);
}

void
nn_project_set_normalisation (nn_project *p, const float *mean, const float *inv_std, int n)
{
  g_clear_pointer (&p->norm_mean, g_free);
  g_clear_pointer (&p->norm_inv_std, g_free);
  p->norm_size = 0;
  if (mean == NULL || inv_std == NULL || n <= 0)
    return;
  p->norm_mean = g_memdup2 (mean, n * sizeof (float));
  p->norm_inv_std = g_memdup2 (inv_std, n * sizeof (float));
  p->norm_size = n;
}

void
nn_project_clear_weights (nn_project *p)
{
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
  g_clear_pointer (&p->optimizer, _nn_project_optimizer_free);
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
}

void
nn_project_set_discriminator (nn_project *p, nn_graph *discriminator)
{
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
  if (p->discriminator != discriminator)
    g_clear_pointer (&p->discriminator, nn_graph_free);
  p->discriminator = discriminator;
}
