/* main.c — layerlab-cli: the engine without a display. Dispatches to one
 * function per command; each command parses its own options and follows
 * the same exit codes: 0 success, 1 a failure reported as one line
 * "layerlab-cli: <message>" on stderr, 2 a usage error. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>

#include "cli-bench.h"
#include "cli-diagram.h"
#include "cli-eval.h"
#include "cli-export.h"
#include "cli-import.h"
#include "cli-inspect.h"
#include "cli-onnx-test.h"
#include "cli-render.h"
#include "cli-summary.h"
#include "cli-train.h"
#include "data/dataset.h"
#include "kernels/threads.h"
#include "templates.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
  { "train", cli_train, N_ ("Train a model on a dataset and report loss and accuracy") },
  { "bench", cli_bench, N_ ("Time training steps of a model on random data") },
  { "summary", cli_summary, N_ ("Print a model’s layers, output shapes and parameter counts") },
  { "inspect", cli_inspect, N_ ("Describe a dataset and report problems in it") },
  { "diagram", cli_diagram, N_ ("Draw a model’s diagram as PNG or SVG") },
  { "render", cli_render, N_ ("Draw a view inside a trained model as a PNG picture") },
  { "eval", cli_eval, N_ ("Report a trained model’s loss and accuracy on its test data") },
  { "export", cli_export, N_ ("Write a model as ONNX or as a PyTorch script") },
  { "import", cli_import, N_ ("Turn an ONNX model into a Layerlab project") },
  { "onnx-test", cli_onnx_test, N_ ("Run ONNX’s conformance tests for the operators we map") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n", _ ("Usage: layerlab-cli COMMAND [OPTION…]"));
  fprintf (out, "       layerlab-cli --help | --version\n\n");
  fprintf (out, "%s\n", _ ("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, _ (commands[i].summary));
  fprintf (out, "\n%s\n", _ ("Run “layerlab-cli COMMAND --help” for a command’s options."));
}

/* The full help also says what can be trained here and now: datasets whose
 * system files are missing say what to install. */
static void
print_help (void)
{
  const nn_builtin_dataset *datasets;
  const nn_template *templates;
  int n_datasets = 0, n_templates = 0;

  print_usage (stdout);

  datasets = nn_builtin_datasets (&n_datasets);
  printf ("\n%s\n", _ ("Built-in datasets (--data):"));
  for (int i = 0; i < n_datasets; i++)
    {
      g_autofree char *why = NULL;
      gboolean available = datasets[i].available == NULL || datasets[i].available (&why);

      printf ("  %-14s %s\n", datasets[i].id, _ (datasets[i].title));
      if (!available)
        printf ("  %-14s %s\n", "", why != NULL ? why : _ ("not available"));
    }
  printf ("  %-14s %s\n", "csv:FILE", _ ("A CSV or TSV table (--label names the target column)"));
  printf ("  %-14s %s\n", "idx:IMG[:LBL]", _ ("IDX image and label files, plain or gzip"));
  printf ("  %-14s %s\n", "images:DIR", _ ("One sub-folder of PNG images per class"));
  printf ("  %-14s %s\n", "text:PATH", _ ("Labelled lines of text, or a folder per class"));

  templates = nn_templates (&n_templates);
  printf ("\n%s\n", _ ("Model templates (--model):"));
  for (int i = 0; i < n_templates; i++)
    printf ("  %-14s %s\n", templates[i].id, _ (templates[i].title));
  printf ("  %-14s %s\n", "FILE.layerlab", _ ("A saved project"));
}

int
main (int argc, char *argv[])
{
  /* Uninstalled runs (meson devenv, the tests) find translations in the build tree. */
  const char *localedir = g_getenv ("LAYERLAB_LOCALEDIR");

  nn_threads_prepare_process (argv);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("layerlab-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("layerlab-cli %s", commands[i].name);

        /* GOptionContext's usage line then names the command. */
        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  fprintf (stderr, _ ("layerlab-cli: unknown command “%s”\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
