/* cli-inspect.c — `layerlab-cli inspect`: opens a dataset as training
 * would and prints its summary and quality report, for people or (--json)
 * for scripts, so a problem in the data shows before a run is started. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-inspect.h"
#include "data/quality.h"

int
cli_inspect (int argc, char **argv)
{
  g_autofree char *data = NULL, *label = NULL;
  int limit = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("The dataset: a built-in name, csv:FILE, idx:IMAGES[:LABELS], images:DIR or "
          "text:PATH"),
      N_ ("SPEC") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_ ("Use N samples of each part of the data, picked across it by the seed"), N_ ("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object instead of text"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_dataset) ds = NULL;
  nn_data_options options = { 0 };
  GError *error = NULL;

  g_option_context_set_summary (context, _ ("Describe a dataset and report problems in it: "
                                            "class balance, missing values, duplicates and "
                                            "conflicting labels."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (data == NULL)
    return cli_usage_error (context, _ ("--data is required"));
  if (limit < 0)
    return cli_usage_error (context, _ ("--limit must be 0 (all samples) or more"));

  options.label = label;
  options.limit = limit;
  ds = nn_dataset_open (data, &options, NULL, NULL, NULL, &error);
  if (ds == NULL)
    return cli_fail (error);

  if (json)
    {
      g_autoptr (JsonNode) node = nn_quality_to_json (ds);
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      printf ("%s\n", text);
    }
  else
    {
      g_autofree char *text = nn_quality_to_text (ds);
      fputs (text, stdout);
    }
  fflush (stdout);
  return 0;
}
