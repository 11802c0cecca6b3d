/* cli-eval.c — `layerlab-cli eval`: a saved model's loss and accuracy on the
 * test part of its data. The split, the normalisation and the evaluation
 * are those of `train` (cli_new_trainer, nn_model_evaluate), so the numbers
 * equal the ones train reported when it saved the project. */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-eval.h"
#include "error.h"

static void
print_result (gboolean json, double loss, const nn_metrics *m)
{
  double accuracy = nn_metrics_accuracy (m), mae = nn_metrics_mae (m);

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      cli_json_add_test (b, loss, accuracy, mae);
      json_builder_set_member_name (b, "samples");
      json_builder_add_int_value (b, m->samples);
      json_builder_end_object (b);
      cli_print_json (b);
    }
  else if (isfinite (accuracy))
    printf (_ ("Test: loss %.4f, accuracy %.2f %% (%" PRId64 " samples)\n"), loss,
            100.0 * accuracy, m->samples);
  else
    printf (_ ("Test: loss %.4f, mean absolute error %.4f (%" PRId64 " samples)\n"), loss,
            mae, m->samples);
}

int
cli_eval (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *label = NULL;
  int batch = 0, limit = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A trained .layerlab project (or a template, untrained)"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("The dataset: a built-in name, csv:FILE, idx:…, images:DIR or text:PATH (default: the "
          "project’s)"),
      N_ ("SPEC") },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch,
      N_ ("Samples per forward pass (default: the project’s)"), N_ ("N") },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit,
      N_ ("Use N samples of each part of the data, picked across it by the seed"), N_ ("N") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print {\"test_loss\": …, \"test_accuracy\": …} on stdout"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_project) project = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_trainer) trainer = NULL;
  g_autofree char *imputed = NULL;
  const nn_split *split;
  nn_trainer_config c;
  nn_metrics m;
  double loss;
  GError *error = NULL;

  g_option_context_set_summary (
    context, _ ("Evaluate a trained model on the test part of its data: the same split and the "
                "same numbers as at the end of training."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if (batch < 0 || batch > 65536)
    return cli_usage_error (context, _ ("--batch must be between 1 and 65536"));
  if (limit < 0)
    return cli_usage_error (context, _ ("--limit must be a positive number"));

  if (g_str_has_suffix (model, ".layerlab"))
    {
      project = nn_project_load (model, &error);
      if (project == NULL)
        return cli_fail (error);
    }
  if (data == NULL && (project == NULL || project->data_spec == NULL))
    return cli_usage_error (context, _ ("--data is required"));
  /* The project's own data keeps the options it was trained with (a limit,
   * a label column), so the split is the one training made. */
  if (project != NULL && data != NULL && project->data_spec != NULL &&
      g_str_equal (data, project->data_spec))
    g_clear_pointer (&data, g_free);
  ds = cli_open_data (data, project, label, limit, -1, NULL, &imputed, &error);
  if (ds == NULL)
    return cli_fail (error);
  if (!json && imputed != NULL)
    fprintf (stderr, "%s\n", imputed);
  if (!cli_build_model (model, project, ds, &g, &disc, &c, &error))
    return cli_fail (error);
  if (c.mode != NN_MODE_SUPERVISED)
    return cli_fail (g_error_new_literal (
      NN_ERROR, NN_ERROR_UNSUPPORTED,
      c.mode == NN_MODE_GAN ? _ ("A GAN has no test part to evaluate: judge its images instead")
                            : _ ("eval scores classifiers and regressors; an autoencoder’s "
                                 "reconstruction loss is reported by train")));
  if (batch > 0)
    c.batch = batch;

  trainer = cli_new_trainer (g, NULL, ds, &c, project, &error);
  if (trainer == NULL)
    return cli_fail (error);
  split = nn_trainer_get_split (trainer);
  if (split->n_test == 0)
    return cli_fail (
      g_error_new (NN_ERROR, NN_ERROR_DATA, _ ("%s has no test part to evaluate on"), ds->spec));
  /* as the trainer's own metrics: a single output is a logit under BCE */
  nn_metrics_init (&m, ds->task, ds->n_classes, c.loss == NN_LOSS_BCE ? 0.0f : 0.5f);
  loss =
    nn_model_evaluate (nn_trainer_get_model (trainer), ds, split->test, split->n_test, c.loss, &m);
  print_result (json, loss, &m);
  nn_metrics_clear (&m);
  return 0;
}
