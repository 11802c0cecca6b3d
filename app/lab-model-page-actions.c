/* lab-model-page-actions.c — the Model tab's commands: undo and redo, copy,
 * paste, duplicate and select all, tidy, zoom and fit, templates, and
 * exporting the diagram. They are the page's own actions ("model.undo"),
 * with accelerators that work while the focus is in the page. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-file-chooser.h"
#include "lab-model-page-private.h"
#include "lab-model-summary.h"
#include "model-diagram-paint.h"
#include "templates.h"

static void
replace_graph (LabModelPage *self, nn_graph *graph)
{
  nn_graph_free (self->graph);
  self->graph = graph;
  _lab_model_page_refresh (self);
  g_signal_emit_by_name (self, "graph-changed");
}

static void
action_undo (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  nn_graph *graph;

  if (self->read_only)
    {
      _lab_model_page_refuse_edit (self);
      return;
    }
  graph = g_str_equal (name, "model.undo") ? lab_model_history_undo (self->history, self->graph)
                                           : lab_model_history_redo (self->history, self->graph);
  if (graph != NULL)
    replace_graph (self, graph);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));

  for (int i = 0; i < nn_graph_n_nodes (self->graph); i++)
    g_array_append_val (ids, nn_graph_nth_node (self->graph, i)->id);
  lab_model_canvas_select (self->canvas, (const int *) ids->data, ids->len);
}

/* The clipboard holds a copy of the graph cut down to the selection, so
 * the wires between copied layers come along. */
static gboolean
copy_selection (LabModelPage *self)
{
  g_autoptr (GArray) selected = lab_model_canvas_get_selected (self->canvas);
  nn_graph *clip;

  if (selected->len == 0)
    return FALSE;
  clip = nn_graph_copy (self->graph);
  for (int i = nn_graph_n_nodes (clip) - 1; i >= 0; i--)
    {
      int id = nn_graph_nth_node (clip, i)->id;
      gboolean keep = FALSE;

      for (guint j = 0; j < selected->len; j++)
        keep |= g_array_index (selected, int, j) == id;
      if (!keep)
        nn_graph_remove_node (clip, id);
    }
  g_clear_pointer (&self->clipboard, nn_graph_free);
  self->clipboard = clip;
  _lab_model_page_update_actions (self);
  return TRUE;
}

static void
paste (LabModelPage *self, const char *label)
{
  nn_graph *before = _lab_model_page_edit_begin (self);
  g_autoptr (GHashTable) ids = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (int));
  int n;

  if (before == NULL || self->clipboard == NULL)
    {
      g_clear_pointer (&before, nn_graph_free);
      return;
    }
  n = nn_graph_n_nodes (self->clipboard);
  for (int i = 0; i < n; i++)
    {
      const nn_node *node = nn_graph_nth_node (self->clipboard, i);
      const nn_layer_ops *ops = node->desc.ops;
      int id = nn_graph_add_node (self->graph, ops);

      for (int p = 0; p < ops->n_params; p++)
        nn_graph_set_param (self->graph, id, ops->params[p].id, node->desc.p[p], NULL);
      nn_graph_set_init (self->graph, id, node->init);
      /* Offset so the copy does not hide the original. */
      nn_graph_set_position (self->graph, id, node->x + 40, node->y + 40);
      g_hash_table_insert (ids, GINT_TO_POINTER (node->id), GINT_TO_POINTER (id));
      g_array_append_val (added, id);
    }
  for (int i = 0; i < n; i++)
    {
      const nn_node *node = nn_graph_nth_node (self->clipboard, i);
      int to = GPOINTER_TO_INT (g_hash_table_lookup (ids, GINT_TO_POINTER (node->id)));

      for (int s = 0; s < node->n_inputs; s++)
        {
          gpointer from;
          if (g_hash_table_lookup_extended (ids, GINT_TO_POINTER (node->inputs[s]), NULL, &from))
            nn_graph_connect (self->graph, GPOINTER_TO_INT (from), to, -1, NULL);
        }
    }
  _lab_model_page_edit_end (self, before, label, TRUE);
  lab_model_canvas_select (self->canvas, (const int *) added->data, added->len);
}

static void
action_copy (GtkWidget *widget, const char *name, GVariant *parameter)
{
  copy_selection (LAB_MODEL_PAGE (widget));
}

static void
action_paste (GtkWidget *widget, const char *name, GVariant *parameter)
{
  paste (LAB_MODEL_PAGE (widget), _ ("Paste"));
}

static void
action_duplicate (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);

  if (copy_selection (self))
    paste (self, _ ("Duplicate"));
}

static void
action_delete (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  g_autoptr (GArray) selected = lab_model_canvas_get_selected (self->canvas);
  GVariant *ids;

  if (selected->len == 0)
    return;
  ids = g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, selected->data, selected->len,
                                   sizeof (gint32));
  g_signal_emit_by_name (self->canvas, "delete-requested", ids);
}

static void
action_tidy (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  nn_graph *before = _lab_model_page_edit_begin (self);

  if (before == NULL)
    return;
  _lab_model_page_tidy_graph (self);
  _lab_model_page_edit_end (self, before, _ ("Tidy Layout"), TRUE);
  lab_model_canvas_fit_to_view (self->canvas);
}

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  double zoom = lab_model_canvas_get_zoom (self->canvas);

  if (g_str_equal (name, "model.fit"))
    lab_model_canvas_fit_to_view (self->canvas);
  else
    lab_model_canvas_set_zoom (self->canvas,
                               g_str_equal (name, "model.zoom-in") ? zoom * 1.25 : zoom / 1.25);
}

static void
action_template (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  g_autoptr (GError) error = NULL;

  if (!lab_model_page_use_template (self, g_variant_get_string (parameter, NULL), &error))
    _lab_model_page_toast (self, error->message);
}

static void
export_chosen (GtkWidget *owner, GFile *file)
{
  LabModelPage *self = LAB_MODEL_PAGE (owner);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  /* A sharp picture for slides: twice the screen's size. */
  if (g_str_has_suffix (path, ".svg"))
    ok = lab_model_diagram_write_svg (self->diagram, NULL, path, &error);
  else
    ok = lab_model_diagram_write_png (self->diagram, NULL, 2.0, path, &error);
  if (ok)
    {
      g_autofree char *text = g_strdup_printf (_ ("Saved the diagram as %s"), base);
      _lab_model_page_toast (self, text);
    }
  else
    _lab_model_page_toast (self, error->message);
}

static void
action_export (GtkWidget *widget, const char *name, GVariant *parameter)
{
  g_autofree char *file_name =
    g_strconcat (_ ("model"), ".", g_variant_get_string (parameter, NULL), NULL);

  lab_file_chooser_save (widget, _ ("Export Diagram"), file_name, export_chosen);
}

static void
action_summary (GtkWidget *widget, const char *name, GVariant *parameter)
{
  LabModelPage *self = LAB_MODEL_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  gtk_window_present (
    lab_model_summary_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->graph));
}

void
_lab_model_page_update_actions (LabModelPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr (GArray) selected = lab_model_canvas_get_selected (self->canvas);
  gboolean editable = !self->read_only;
  gboolean any = nn_graph_n_nodes (self->graph) > 0;

  gtk_widget_action_set_enabled (widget, "model.undo",
                                 editable && lab_model_history_can_undo (self->history));
  gtk_widget_action_set_enabled (widget, "model.redo",
                                 editable && lab_model_history_can_redo (self->history));
  gtk_widget_action_set_enabled (widget, "model.copy", selected->len > 0);
  gtk_widget_action_set_enabled (widget, "model.paste", editable && self->clipboard != NULL);
  gtk_widget_action_set_enabled (widget, "model.duplicate", editable && selected->len > 0);
  gtk_widget_action_set_enabled (widget, "model.delete", editable && selected->len > 0);
  gtk_widget_action_set_enabled (widget, "model.tidy", editable && any);
  gtk_widget_action_set_enabled (widget, "model.template", editable);
  gtk_widget_action_set_enabled (widget, "model.export-diagram", any);
  gtk_widget_action_set_enabled (widget, "model.summary", any);
}

void
_lab_model_page_init_templates (LabModelPage *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  int n = 0;
  const nn_template *templates = nn_templates (&n);

  for (int i = 0; i < n; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ (templates[i].title), NULL);
      g_menu_item_set_action_and_target (item, "model.template", "s", templates[i].id);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->templates_button, G_MENU_MODEL (menu));
}

void
_lab_model_page_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "model.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "model.redo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "model.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "model.paste", NULL, action_paste);
  gtk_widget_class_install_action (widget_class, "model.duplicate", NULL, action_duplicate);
  gtk_widget_class_install_action (widget_class, "model.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "model.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "model.tidy", NULL, action_tidy);
  gtk_widget_class_install_action (widget_class, "model.fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "model.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "model.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "model.template", "s", action_template);
  gtk_widget_class_install_action (widget_class, "model.export-diagram", "s", action_export);
  gtk_widget_class_install_action (widget_class, "model.summary", NULL, action_summary);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "model.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "model.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "model.redo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "model.copy",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "model.paste",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "model.duplicate",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "model.tidy",
                                       NULL);
}
