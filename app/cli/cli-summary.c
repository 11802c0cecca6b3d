/* cli-summary.c — `layerlab-cli summary`: a model's layers, output shapes
 * and parameter counts as a table, in the manner of Keras's model.summary(),
 * so a user can check a model before training it. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-summary.h"

/* Pads by characters, not bytes: shapes contain “×”. */
static void
print_cell (const char *text, int width)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  fputs (text, stdout);
  for (int i = 0; i < pad; i++)
    putchar (' ');
}

static void
print_rule (char ch, int width)
{
  for (int i = 0; i < width; i++)
    putchar (ch);
  putchar ('\n');
}

static char *
format_bytes (double bytes)
{
  if (bytes < 1024.0 * 1024.0)
    return g_strdup_printf ("%.2f KB", bytes / 1024.0);
  return g_strdup_printf ("%.2f MB", bytes / (1024.0 * 1024.0));
}

static char *
format_flops (double flops)
{
  if (flops >= 1e9)
    return g_strdup_printf ("%.2f G", flops / 1e9);
  if (flops >= 1e6)
    return g_strdup_printf ("%.2f M", flops / 1e6);
  if (flops >= 1e3)
    return g_strdup_printf ("%.2f k", flops / 1e3);
  return g_strdup_printf ("%.0f", flops);
}

/* Non-trained state (BatchNorm running statistics) counts as Keras's
 * "non-trainable params". */
static gsize
state_floats (const nn_graph *g, const nn_graph_report *report, int i)
{
  const nn_node *node = nn_graph_nth_node (g, i);
  nn_shape in[NN_MAX_INPUTS];

  if (node->desc.ops->state_size == NULL || report->nodes[i].out_shape.rank == 0)
    return 0;
  for (int k = 0; k < node->n_inputs; k++)
    {
      const nn_node_report *r = nn_graph_report_node (report, node->inputs[k]);

      if (r == NULL || r->out_shape.rank == 0)
        return 0;
      in[k] = r->out_shape;
    }
  return node->desc.ops->state_size (&node->desc, in, &report->nodes[i].out_shape);
}

static int
print_summary (const char *model, nn_graph *g)
{
  nn_graph_report report;
  GError *error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) shapes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  const char *head[3] = { _ ("Layer (type)"), _ ("Output shape"), _ ("Param #") };
  int w0, w1, w2, total;
  gsize non_trainable = 0;
  g_autofree char *total_s = NULL, *trainable_s = NULL, *non_trainable_s = NULL;
  g_autofree char *size_s = NULL, *flops_s = NULL;

  nn_graph_infer (g, &report);
  w0 = g_utf8_strlen (head[0], -1);
  w1 = g_utf8_strlen (head[1], -1);
  w2 = g_utf8_strlen (head[2], -1);
  for (int i = 0; i < report.n_nodes; i++)
    {
      const nn_node *node = nn_graph_nth_node (g, i);
      const nn_node_report *r = &report.nodes[i];
      char *name = g_strdup_printf ("%s (%s)", node->name, _ (node->desc.ops->name));
      char *shape = r->out_shape.rank > 0 ? nn_shape_to_string (&r->out_shape) : g_strdup ("?");
      char *count = cli_format_count (r->params);

      w0 = MAX (w0, (int) g_utf8_strlen (name, -1));
      w1 = MAX (w1, (int) g_utf8_strlen (shape, -1));
      w2 = MAX (w2, (int) g_utf8_strlen (count, -1));
      g_ptr_array_add (names, name);
      g_ptr_array_add (shapes, shape);
      g_ptr_array_add (params, count);
      non_trainable += state_floats (g, &report, i);
    }
  total = w0 + 2 + w1 + 2 + w2;

  printf (_ ("Model: %s\n"), model);
  print_rule ('_', total);
  print_cell (head[0], w0 + 2);
  print_cell (head[1], w1 + 2);
  printf ("%s\n", head[2]);
  print_rule ('=', total);
  for (int i = 0; i < report.n_nodes; i++)
    {
      print_cell (g_ptr_array_index (names, i), w0 + 2);
      print_cell (g_ptr_array_index (shapes, i), w1 + 2);
      printf ("%*s%s\n", w2 - (int) g_utf8_strlen (g_ptr_array_index (params, i), -1), "",
              (char *) g_ptr_array_index (params, i));
      if (report.nodes[i].error != NULL)
        printf ("    %s\n", report.nodes[i].error);
    }
  print_rule ('=', total);

  total_s = cli_format_count (report.total_params + non_trainable);
  trainable_s = cli_format_count (report.total_params);
  non_trainable_s = cli_format_count (non_trainable);
  size_s = format_bytes ((report.total_params + non_trainable) * 4.0);
  flops_s = format_flops (report.flops);
  printf (_ ("Total params: %s (%s)\n"), total_s, size_s);
  printf (_ ("Trainable params: %s\n"), trainable_s);
  printf (_ ("Non-trainable params: %s\n"), non_trainable_s);
  printf (_ ("FLOPs per sample (forward): %s\n"), flops_s);
  print_rule ('_', total);
  fflush (stdout);

  if (!nn_graph_report_to_error (&report, &error))
    {
      nn_graph_report_clear (&report);
      return cli_fail (error);
    }
  nn_graph_report_clear (&report);
  return 0;
}

int
cli_summary (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *label = NULL;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A template (mlp, seed-cnn, lenet, tiny-mlp) or a .layerlab project"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("Adapt a template’s input and outputs to this dataset"), N_ ("SPEC") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  GError *error = NULL;

  g_option_context_set_summary (context, _ ("Print a model’s layers, output shapes and "
                                            "parameter counts."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));

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
  return print_summary (model, g);
}
