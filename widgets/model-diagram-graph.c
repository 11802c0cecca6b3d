/* model-diagram-graph.c — see model-diagram-graph.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "model-diagram-graph.h"

char *
lab_format_count (guint64 n)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  g_autofree char *plain = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  gsize len = strlen (plain);

  /* Grouped by thousands whatever the locale, like Keras's summary. */
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (digits, ',');
      g_string_append_c (digits, plain[i]);
    }
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

char *
lab_format_flops (double flops)
{
  if (flops >= 1e9)
    return g_strdup_printf (_ ("%.1f GFLOPs"), flops / 1e9);
  if (flops >= 1e6)
    return g_strdup_printf (_ ("%.1f MFLOPs"), flops / 1e6);
  if (flops >= 1e3)
    return g_strdup_printf (_ ("%.1f kFLOPs"), flops / 1e3);
  return g_strdup_printf (_ ("%.0f FLOPs"), flops);
}

/* An Input's shape as a person reads it: its three parameters are a
 * storage convention (a vector is channels 1, height 0, width N), so a
 * latent vector of 100 reads "100 values", not "Height 0 · Width 100".
 * NULL for an image, whose channels, height and width mean what they say. */
static char *
input_details (const nn_node *node)
{
  int c = (int) node->desc.p[0], h = (int) node->desc.p[1], w = (int) node->desc.p[2];

  if (h == 0)
    {
      int n = c > 1 ? c * w : w;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d value", "%d values", n), n);
    }
  if (c == 0)
    /* TRANSLATORS: a sequence input: steps, then values in each step */
    return g_strdup_printf (_ ("Sequence of %d × %d"), h, w);
  return NULL;
}

/* "Filters 32 · Kernel 3": two parameters a line, choices by their short
 * id, so that a card stays narrow; at most six, leaving out advanced ones
 * left at their default (a Conv2D's groups of 1). */
static GStrv
node_details (const nn_node *node)
{
  const nn_layer_ops *ops = node->desc.ops;
  g_autoptr (GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr (GString) line = g_string_new (NULL);

  if (g_str_equal (ops->id, "input") && ops->n_params == 3)
    {
      g_autofree char *shape = input_details (node);
      if (shape != NULL)
        {
          g_strv_builder_add (lines, shape);
          return g_strv_builder_end (lines);
        }
    }
  for (int i = 0, shown = 0; i < ops->n_params && shown < 6; i++)
    {
      const nn_param_spec *spec = &ops->params[i];
      double v = node->desc.p[i];

      if (spec->advanced && v == spec->def)
        continue;
      shown++;
      if (line->len > 0)
        g_string_append (line, " · ");
      g_string_append_printf (line, "%s ", _ (spec->label));
      switch (spec->type)
        {
          case NN_PARAM_INT:
            g_string_append_printf (line, "%d", (int) v);
            break;
          case NN_PARAM_FLOAT:
            g_string_append_printf (line, "%g", v);
            break;
          case NN_PARAM_BOOL:
            g_string_append (line, v != 0 ? _ ("yes") : _ ("no"));
            break;
          case NN_PARAM_ENUM:
            g_string_append (line, spec->choices[(int) v]);
            break;
        }
      if (shown % 2 == 0)
        {
          g_strv_builder_add (lines, line->str);
          g_string_truncate (line, 0);
        }
    }
  if (line->len > 0)
    g_strv_builder_add (lines, line->str);
  return g_strv_builder_end (lines);
}

LabDiagram *
lab_diagram_new_for_graph (const nn_graph *graph, const nn_graph_report *report)
{
  LabDiagram *diagram = lab_diagram_new ();
  nn_graph_report own = { 0 };
  int n = nn_graph_n_nodes (graph);

  if (report == NULL)
    {
      nn_graph_infer (graph, &own);
      report = &own;
    }
  for (int i = 0; i < n; i++)
    {
      const nn_node *node = nn_graph_nth_node (graph, i);
      const nn_node_report *info = nn_graph_report_node (report, node->id);
      LabDiagramNode *card =
        lab_diagram_add_node (diagram, node->id, _ (node->desc.ops->name), node->name,
                              (LabDiagramGroup) node->desc.ops->group);
      g_auto (GStrv) details = node_details (node);

      card->x = node->x;
      card->y = node->y;
      card->has_input = node->desc.ops->max_inputs > 0;
      lab_diagram_node_set_details (card, (const char *const *) details);
      if (info != NULL && info->out_shape.rank > 0)
        {
          g_autofree char *shape = nn_shape_to_string (&info->out_shape);
          lab_diagram_node_set_shape (card, shape);
        }
      if (info != NULL && info->params > 0)
        {
          g_autofree char *count = lab_format_count (info->params);
          g_autofree char *params = g_strdup_printf (
            g_dngettext (GETTEXT_PACKAGE, "%s param", "%s params", info->params), count);
          lab_diagram_node_set_params (card, params);
        }
      if (info != NULL && info->error != NULL)
        lab_diagram_node_set_error (card, info->error);
    }
  for (int i = 0; i < n; i++)
    {
      const nn_node *node = nn_graph_nth_node (graph, i);
      for (int slot = 0; slot < node->n_inputs; slot++)
        lab_diagram_add_edge (diagram, node->inputs[slot], node->id, slot);
    }
  if (report == &own)
    nn_graph_report_clear (&own);
  return diagram;
}
