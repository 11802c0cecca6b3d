/* cli-diagram.c — `layerlab-cli diagram --model M --out FILE.png|FILE.svg`:
 * the model laid out as the builder's Tidy does and drawn by the canvas's
 * own painter, for slides and reports. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cli-common.h"
#include "cli-diagram.h"
#include "model-diagram-graph.h"
#include "model-diagram-paint.h"

int
cli_diagram (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *label = NULL, *out = NULL;
  gboolean dark = FALSE;
  double scale = 2.0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A template (mlp, seed-cnn, lenet, tiny-mlp) or a .layerlab project"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("Adapt a template’s input and outputs to this dataset"), N_ ("SPEC") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_ ("Where to write: a .png or .svg file"),
      N_ ("FILE") },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_ ("Light text on a dark background"), NULL },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, N_ ("PNG pixels per diagram unit (default 2)"),
      N_ ("N") },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (LabDiagram) diagram = NULL;
  LabDiagramStyle style;
  GError *error = NULL;
  gboolean ok;

  g_option_context_set_summary (context, _ ("Draw a model’s diagram as PNG or SVG."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if (out == NULL || !(g_str_has_suffix (out, ".png") || g_str_has_suffix (out, ".svg")))
    return cli_usage_error (context, _ ("--out must name a .png or .svg file"));
  if (scale <= 0 || scale > 16)
    return cli_usage_error (context, _ ("--scale must be between 0 and 16"));

  if (data != NULL)
    {
      nn_data_options options = { .label = label };

      ds = nn_dataset_open (data, &options, NULL, NULL, NULL, &error);
      if (ds == NULL)
        return cli_fail (error);
    }
  g = cli_open_model (model, ds, NULL, &error);
  if (g == NULL)
    return cli_fail (error);

  diagram = lab_diagram_new_for_graph (g, NULL);
  lab_diagram_tidy (diagram);
  lab_diagram_style_init (&style, dark);
  if (g_str_has_suffix (out, ".svg"))
    ok = lab_model_diagram_write_svg (diagram, &style, out, &error);
  else
    ok = lab_model_diagram_write_png (diagram, &style, scale, out, &error);
  return ok ? 0 : cli_fail (error);
}
