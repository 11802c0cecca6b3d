/* cli-common.c — helpers every layerlab-cli command shares (see cli-common.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"
#include "templates.h"

int
cli_fail (GError *error)
{
  g_autofree char *line = g_strdup (error->message);

  /* One line, always: a script reads the last line of stderr. */
  g_strdelimit (line, "\r\n", ' ');
  fprintf (stderr, "layerlab-cli: %s\n", line);
  g_error_free (error);
  return CLI_EXIT_FAILURE;
}

int
cli_usage_error (GOptionContext *context, const char *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "layerlab-cli: %s\n\n%s", message, help);
  return CLI_EXIT_USAGE;
}

gboolean
cli_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_usage_error (context, error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf (_ ("unexpected argument “%s”"), (*argv)[1]);

      cli_usage_error (context, message);
      return FALSE;
    }
  return TRUE;
}

nn_graph *
cli_open_model (const char *model, const nn_dataset *ds, nn_project **project, GError **error)
{
  nn_project *p;
  nn_graph *g;

  if (project != NULL)
    *project = NULL;
  if (!g_str_has_suffix (model, ".layerlab"))
    return nn_template_build (model, ds, error);
  p = nn_project_load (model, error);
  if (p == NULL)
    return NULL;
  g = nn_graph_copy (p->graph);
  if (project != NULL)
    *project = p;
  else
    nn_project_free (p);
  return g;
}

char *
cli_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

void
cli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *line = NULL;

  json_generator_set_root (gen, root);
  line = json_generator_to_data (gen, NULL);
  printf ("%s\n", line);
  fflush (stdout);
}

void
cli_json_add_double (JsonBuilder *builder, const char *member, double value)
{
  json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

nn_dataset *
cli_open_data (const char *data, const nn_project *project, const char *label, int limit,
               gint64 seed, nn_data_options *used, char **imputed, GError **error)
{
  nn_data_options options = { 0 };
  const char *spec = data != NULL ? data : project->data_spec;
  g_autofree char *prepared = NULL;
  g_autofree char *what = NULL;
  nn_dataset *ds;

  if (project != NULL && data == NULL)
    options = project->data_options;
  if (label != NULL)
    options.label = label;
  if (limit > 0)
    options.limit = limit;
  if (seed >= 0)
    options.seed = (guint64) seed;
  if (used != NULL)
    *used = options;
  ds = nn_dataset_open (spec, &options, NULL, NULL, NULL, error);
  if (ds == NULL)
    return NULL;
  /* The cleaning chosen in the window, so a command sees the data the
   * project's model was trained on; other data given with the project is
   * cleaned the same way. */
  if (project != NULL && !nn_project_prepare (project, ds, &prepared, error))
    {
      nn_dataset_free (ds);
      return NULL;
    }
  if (ds->quality.missing_values > 0)
    what = nn_dataset_impute (ds, NN_IMPUTE_MEAN);
  if (imputed != NULL && (prepared != NULL || what != NULL))
    *imputed = g_strjoin (prepared != NULL && what != NULL ? "\n" : "",
                          prepared != NULL ? prepared : "", what != NULL ? what : "", NULL);
  return ds;
}

gboolean
cli_build_model (const char *model, const nn_project *project, const nn_dataset *ds, nn_graph **g,
                 nn_graph **disc, nn_trainer_config *c, GError **error)
{
  const nn_template *t;

  if (project != NULL)
    {
      *g = nn_graph_copy (project->graph);
      if (project->discriminator != NULL)
        *disc = nn_graph_copy (project->discriminator);
      *c = project->config;
      return TRUE;
    }
  t = nn_template_lookup (model);
  if (t != NULL && t->mode == NN_MODE_GAN)
    {
      if (!nn_template_build_gan (model, ds, g, disc, error))
        return FALSE;
    }
  else if ((*g = nn_template_build (model, ds, error)) == NULL)
    return FALSE;
  nn_trainer_config_init (c);
  nn_template_apply_config (t, ds, c);
  return TRUE;
}

nn_trainer *
cli_new_trainer (const nn_graph *g, const nn_graph *disc, nn_dataset *ds,
                 const nn_trainer_config *c, const nn_project *project, GError **error)
{
  g_autoptr (nn_trainer) trainer = NULL;

  trainer = c->mode == NN_MODE_GAN ? nn_trainer_new_gan (g, disc, ds, c, error)
                                   : nn_trainer_new (g, ds, c, error);
  if (trainer == NULL)
    return NULL;
  /* a trained project goes on from its weights */
  if (project != NULL && !nn_project_apply_weights (project, nn_trainer_get_model (trainer), error))
    return NULL;
  /* and from its optimizer's moments and step count when the kind is the
   * same (another kind starts fresh) */
  if (project != NULL &&
      !nn_project_apply_optimizer (project, nn_trainer_get_optimizer (trainer), error))
    return NULL;
  if (project != NULL && c->mode == NN_MODE_GAN &&
      (!nn_project_apply_discriminator_weights (project, nn_trainer_get_discriminator (trainer),
                                                error) ||
       !nn_project_apply_discriminator_optimizer (
         project, nn_trainer_get_discriminator_optimizer (trainer), error)))
    return NULL;
  return g_steal_pointer (&trainer);
}

void
cli_json_add_test (JsonBuilder *builder, double loss, double accuracy, double mae)
{
  cli_json_add_double (builder, "test_loss", loss);
  cli_json_add_double (builder, "test_accuracy", accuracy);
  if (isfinite (mae))
    cli_json_add_double (builder, "test_mae", mae);
}
