/* lab-model-summary.c — see lab-model-summary.h. Layers are listed in the
 * order data flows through them (from the Input, first consumer first),
 * as a reader follows the model; layers off that path come last. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-model-summary.h"
#include "model-diagram-graph.h"

static GtkWidget *
cell (const char *text, gboolean numeric, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* Node indices in flow order: depth first from the Input. */
static GArray *
flow_order (const nn_graph *graph, const nn_graph_report *report)
{
  int n = nn_graph_n_nodes (graph);
  GArray *order = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree gboolean *seen = g_new0 (gboolean, n);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));

  if (report->input_id >= 0)
    g_array_append_val (stack, report->input_id);
  while (stack->len > 0)
    {
      int id = g_array_index (stack, int, stack->len - 1);
      int consumers[NN_MAX_INPUTS * 8], n_consumers;

      g_array_set_size (stack, stack->len - 1);
      for (int i = 0; i < n; i++)
        if (nn_graph_nth_node (graph, i)->id == id && !seen[i])
          {
            seen[i] = TRUE;
            g_array_append_val (order, i);
            n_consumers = nn_graph_consumers (graph, id, consumers, G_N_ELEMENTS (consumers));
            for (int c = n_consumers - 1; c >= 0; c--)
              g_array_append_val (stack, consumers[c]);
          }
    }
  for (int i = 0; i < n; i++)
    if (!seen[i])
      g_array_append_val (order, i);
  return order;
}

GtkWindow *
lab_model_summary_new (GtkWindow *parent, const nn_graph *graph)
{
  nn_graph_report report = { 0 };
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr (GArray) order = NULL;
  g_autofree char *total = NULL, *size = NULL, *flops = NULL, *totals = NULL;
  int row = 0;

  nn_graph_infer (graph, &report);
  order = flow_order (graph, &report);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_top (grid, 18);
  gtk_widget_set_margin_bottom (grid, 18);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  gtk_grid_attach (GTK_GRID (grid), cell (_ ("Layer (type)"), FALSE, "heading"), 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_ ("Output shape"), FALSE, "heading"), 1, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_ ("Param #"), TRUE, "heading"), 2, row++, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, row++, 3, 1);
  for (guint i = 0; i < order->len; i++)
    {
      int index = g_array_index (order, int, i);
      const nn_node *node = nn_graph_nth_node (graph, index);
      const nn_node_report *info = &report.nodes[index];
      g_autofree char *layer = g_strdup_printf ("%s (%s)", node->name, _ (node->desc.ops->name));
      g_autofree char *shape =
        info->out_shape.rank > 0 ? nn_shape_to_string (&info->out_shape) : g_strdup ("?");
      g_autofree char *params = lab_format_count (info->params);

      gtk_grid_attach (GTK_GRID (grid), cell (layer, FALSE, NULL), 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid),
                       cell (shape, FALSE, info->error != NULL ? "error" : "dim-label"), 1, row, 1,
                       1);
      gtk_grid_attach (GTK_GRID (grid), cell (params, TRUE, NULL), 2, row++, 1, 1);
    }
  gtk_grid_attach (GTK_GRID (grid), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, row++, 3, 1);
  total = lab_format_count (report.total_params);
  size = g_format_size (report.weight_bytes);
  flops = lab_format_flops (report.flops);
  totals = g_strdup_printf (_ ("Total parameters: %s (%s) · %s per sample"), total, size, flops);
  gtk_grid_attach (GTK_GRID (grid), cell (totals, FALSE, NULL), 0, row++, 3, 1);
  nn_graph_report_clear (&report);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 640);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), _ ("Model Summary"));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  return GTK_WINDOW (window);
}
