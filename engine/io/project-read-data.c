/* project-read-data.c — reading what a .layerlab file says about the data:
 * the dataset spec and its options, the preparation steps applied to it,
 * and the normalisation fitted on it. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "io/project-read-private.h"

/* The index of id in a NULL-terminated list of ids, or -1 with an error
 * at path listing the choices. */
static int
read_choice (const char *const *ids, const char *id, const char *path, GError **error)
{
  g_autofree char *choices = NULL;

  for (int k = 0; ids[k] != NULL; k++)
    if (g_str_equal (ids[k], id))
      return k;
  choices = g_strjoinv (", ", (char **) ids);
  _nn_project_field_error (error, path, _ ("expected one of %s, not “%s”"), choices, id);
  return -1;
}

static gboolean
read_preparation (JsonObject *d, nn_project *p, GError **error)
{
  JsonArray *a = _nn_project_read_array (d, "dataset", "preparation", FALSE, NULL, error);
  g_autoptr (GArray) steps = g_array_new (FALSE, TRUE, sizeof (nn_prep_step));

  if (a == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *path = g_strdup_printf ("dataset.preparation[%u]", i);
      g_autofree char *step_path = g_strconcat (path, ".step", NULL);
      g_autofree char *how_path = g_strconcat (path, ".how", NULL);
      JsonObject *o = _nn_project_array_object (a, i, path, error);
      nn_prep_step step = { 0 };
      const char *kind, *how;
      int k;

      if (o == NULL || !_nn_project_read_string (o, path, "step", FALSE, &kind, error))
        return FALSE;
      if ((k = read_choice (_nn_project_prep_ids, kind, step_path, error)) < 0)
        return FALSE;
      step.kind = (nn_prep_kind) k;
      if (step.kind == NN_PREP_IMPUTE)
        {
          if (!_nn_project_read_string (o, path, "how", FALSE, &how, error))
            return FALSE;
          if ((k = read_choice (_nn_project_impute_ids, how, how_path, error)) < 0)
            return FALSE;
          step.how = (nn_impute) k;
        }
      g_array_append_val (steps, step);
    }
  nn_project_set_preparation (p, (const nn_prep_step *) steps->data, steps->len);
  return TRUE;
}

gboolean
_nn_project_read_dataset (JsonObject *root, nn_project *p, GError **error)
{
  JsonNode *node = _nn_project_get_member (root, "", "dataset", error);
  nn_data_options opt = { 0 };
  JsonObject *d, *o;
  const char *spec, *label = NULL;
  gint64 seed;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _nn_project_field_error (error, "dataset", _ ("expected an object or null"));
  d = json_node_get_object (node);
  if (!_nn_project_read_string (d, "dataset", "spec", FALSE, &spec, error))
    return FALSE;
  o = _nn_project_read_object (d, "dataset", "options", error);
  if (o == NULL || !_nn_project_read_string (o, "dataset.options", "label", TRUE, &label, error) ||
      !_nn_project_read_int (o, "dataset.options", "samples", 0, G_MAXINT, &opt.samples, error) ||
      !_nn_project_read_double (o, "dataset.options", "noise", -1.0, 1e6, &opt.noise, error) ||
      !_nn_project_read_int64 (o, "dataset.options", "seed", G_MININT64, G_MAXINT64, &seed,
                               error) ||
      !_nn_project_read_int (o, "dataset.options", "limit", 0, G_MAXINT, &opt.limit, error) ||
      !_nn_project_read_int (o, "dataset.options", "image_size", 0, 65536, &opt.image_size,
                             error) ||
      !_nn_project_read_bool (o, "dataset.options", "words", &opt.words, error) ||
      !_nn_project_read_int (o, "dataset.options", "vocab_size", 0, G_MAXINT, &opt.vocab_size,
                             error) ||
      !_nn_project_read_int (o, "dataset.options", "max_length", 0, G_MAXINT, &opt.max_length,
                             error))
    return FALSE;
  opt.seed = (guint64) seed;
  opt.label = label;
  nn_project_set_data (p, spec, &opt);
  /* Added later: a file without it prepares nothing (see project.h). */
  return !json_object_has_member (d, "preparation") || read_preparation (d, p, error);
}

gboolean
_nn_project_read_normalisation (JsonObject *root, nn_project *p, GError **error)
{
  JsonNode *node = _nn_project_get_member (root, "", "normalisation", error);
  JsonObject *o;
  int n;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _nn_project_field_error (error, "normalisation", _ ("expected an object or null"));
  o = json_node_get_object (node);
  if (!_nn_project_read_int (o, "normalisation", "size", 1, 1 << 28, &n, error))
    return FALSE;
  p->norm_size = n;
  p->norm_mean = g_new (float, n);
  p->norm_inv_std = g_new (float, n);
  return _nn_project_read_floats (o, "normalisation", "mean", p->norm_mean, n, error) &&
         _nn_project_read_floats (o, "normalisation", "inv_std", p->norm_inv_std, n, error);
}
