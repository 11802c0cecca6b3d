/* cli-import.c — `layerlab-cli import MODEL.onnx --out FILE.layerlab`:
 * an ONNX model turned into a Layerlab project (graph, canvas layout and
 * weights, no dataset), ready to summarise, evaluate or fine-tune. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-import.h"
#include "io/onnx-import.h"

int
cli_import (int argc, char **argv)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = { { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
                               N_ ("Write the project to this .layerlab file"), N_ ("FILE") },
                             { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL,
                               N_ ("MODEL.onnx") },
                             { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("MODEL.onnx"));
  g_autoptr (nn_project) p = NULL;
  GError *error = NULL;

  g_option_context_set_summary (context, _ ("Turn an ONNX model into a Layerlab project, with "
                                            "its layers laid out and its weights."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (files == NULL || files[0] == NULL)
    return cli_usage_error (context, _ ("an ONNX model to import is required"));
  if (files[1] != NULL)
    return cli_usage_error (context, _ ("import takes one model"));
  if (out == NULL)
    return cli_usage_error (context, _ ("--out is required"));

  p = nn_onnx_import (files[0], &error);
  if (p == NULL || !nn_project_save (p, out, &error))
    return cli_fail (error);
  printf (_ ("Imported %d layers from %s into %s\n"), nn_graph_n_nodes (p->graph), files[0], out);
  return 0;
}
