/* cli-export.c — `layerlab-cli export`: a saved project or a template as an
 * ONNX model (for runtimes) or a PyTorch script (to go on training
 * elsewhere, a cluster say). A template exports the weights it would start
 * training from. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-export.h"
#include "io/onnx-export.h"
#include "io/pytorch-export.h"

/* The project to export: the saved one (with --data as its dataset when
 * given), or one around a template built for the data. */
static nn_project *
open_project (const char *model, const char *data, GError **error)
{
  g_autoptr (nn_project) project = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_graph) disc = NULL;
  nn_data_options options = { 0 };
  nn_trainer_config c;

  if (g_str_has_suffix (model, ".layerlab"))
    {
      project = nn_project_load (model, error);
      if (project == NULL)
        return NULL;
      if (data != NULL)
        {
          /* opened to check the spec before a script that cannot run is written */
          ds = cli_open_data (data, NULL, NULL, 0, -1, &options, NULL, error);
          if (ds == NULL)
            return NULL;
          nn_project_set_data (project, data, &options);
        }
      return g_steal_pointer (&project);
    }
  if (data != NULL)
    {
      ds = cli_open_data (data, NULL, NULL, 0, -1, &options, NULL, error);
      if (ds == NULL)
        return NULL;
    }
  /* a GAN exports its generator: the model that makes the images */
  if (!cli_build_model (model, NULL, ds, &g, &disc, &c, error))
    return NULL;
  project = nn_project_new (g_steal_pointer (&g));
  project->config = c;
  if (data != NULL)
    nn_project_set_data (project, data, &options);
  return g_steal_pointer (&project);
}

int
cli_export (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *onnx = NULL, *pytorch = NULL;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A .layerlab project, or a template (mlp, seed-cnn, lenet, tiny-mlp)"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("The dataset a template is built for, or the one the PyTorch script trains on "
          "(default: the project’s)"),
      N_ ("SPEC") },
    { "onnx", 0, 0, G_OPTION_ARG_FILENAME, &onnx, N_ ("Write the model as ONNX (opset 13)"),
      N_ ("OUT.onnx") },
    { "pytorch", 0, 0, G_OPTION_ARG_FILENAME, &pytorch,
      N_ ("Write a PyTorch script that rebuilds, evaluates and trains the model"), N_ ("OUT.py") },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_project) project = NULL;
  GError *error = NULL;

  g_option_context_set_summary (
    context, _ ("Export a model for use outside Layerlab: ONNX for inference runtimes, or a "
                "PyTorch script. A project exports its trained weights, a template the weights "
                "it would start training from."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if ((onnx == NULL) == (pytorch == NULL))
    return cli_usage_error (context, _ ("give exactly one of --onnx and --pytorch"));

  project = open_project (model, data, &error);
  if (project == NULL)
    return cli_fail (error);
  if (onnx != NULL ? !nn_onnx_export (project, onnx, &error)
                   : !nn_pytorch_export (project, pytorch, &error))
    return cli_fail (error);
  fprintf (stderr, _ ("Wrote %s\n"), onnx != NULL ? onnx : pytorch);
  return 0;
}
