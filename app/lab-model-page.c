/* lab-model-page.c — see lab-model-page.h. This file holds the page, its
 * refresh, and the edits that come from the canvas, the palette and the
 * properties panel; lab-model-page-actions.c holds the commands. */
#include "config.h"

#include <glib/gi18n.h>

#include "error.h"
#include "lab-model-page-private.h"
#include "model-diagram-graph.h"
#include "templates.h"

G_DEFINE_FINAL_TYPE (LabModelPage, lab_model_page, GTK_TYPE_WIDGET)

enum
{
  GRAPH_CHANGED,
  TEMPLATE_USED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

void
_lab_model_page_toast (LabModelPage *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
_lab_model_page_refuse_edit (LabModelPage *self)
{
  _lab_model_page_toast (self, _ ("The model cannot change while it trains: stop training to "
                                  "edit it"));
}

nn_graph *
_lab_model_page_edit_begin (LabModelPage *self)
{
  if (self->read_only)
    {
      _lab_model_page_refuse_edit (self);
      return NULL;
    }
  return nn_graph_copy (self->graph);
}

void
_lab_model_page_edit_end (LabModelPage *self, nn_graph *before, const char *label, gboolean ok)
{
  if (!ok)
    {
      nn_graph_free (self->graph);
      self->graph = before;
      _lab_model_page_refresh (self);
      return;
    }
  lab_model_history_push (self->history, before, label);
  nn_graph_free (before);
  _lab_model_page_refresh (self);
  g_signal_emit (self, signals[GRAPH_CHANGED], 0);
}

static void
lab_model_page_update_status (LabModelPage *self)
{
  const nn_graph_report *r = &self->report;
  const char *problem = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pair_problem = NULL;

  for (int i = 0; problem == NULL && i < r->n_nodes; i++)
    problem = r->nodes[i].error;
  if (problem == NULL && r->problems != NULL)
    problem = r->problems[0];
  if (problem == NULL && (pair_problem = _lab_model_page_gan_problem (self)) != NULL)
    problem = pair_problem;

  if (nn_graph_n_nodes (self->graph) == 0)
    text = g_strdup (_ ("An empty model: add an Input layer first"));
  else if (problem != NULL)
    text = g_strdup (problem);
  else
    {
      g_autofree char *params = lab_format_count (r->total_params);
      g_autofree char *size = g_format_size (r->weight_bytes);
      g_autofree char *flops = lab_format_flops (r->flops);
      text = g_strdup_printf (_ ("%s parameters · %s · %s per sample"), params, size, flops);
    }
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
lab_model_page_update_properties (LabModelPage *self)
{
  g_autoptr (GArray) selected = lab_model_canvas_get_selected (self->canvas);
  const nn_node *node;
  const nn_node_report *info;

  node =
    selected->len == 1 ? nn_graph_lookup (self->graph, g_array_index (selected, int, 0)) : NULL;
  if (node == NULL)
    {
      self->shown_id = -1;
      lab_property_editor_clear (self->properties);
      return;
    }
  info = nn_graph_report_node (&self->report, node->id);
  self->shown_id = node->id;
  lab_property_editor_set_layer (self->properties, node->name, &node->desc,
                                 info != NULL && info->out_shape.rank > 0 ? &info->out_shape : NULL,
                                 info != NULL ? info->params : 0,
                                 info != NULL ? info->error : NULL);
}

void
_lab_model_page_refresh (LabModelPage *self)
{
  nn_graph_report_clear (&self->report);
  nn_graph_infer (self->graph, &self->report);
  g_clear_pointer (&self->diagram, lab_diagram_unref);
  self->diagram = lab_diagram_new_for_graph (self->graph, &self->report);
  lab_model_canvas_set_diagram (self->canvas, self->diagram);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_state), nn_graph_n_nodes (self->graph) == 0);
  lab_model_page_update_properties (self);
  lab_model_page_update_status (self);
  _lab_model_page_update_actions (self);
}

void
_lab_model_page_tidy_graph (LabModelPage *self)
{
  g_autoptr (LabDiagram) diagram = lab_diagram_new_for_graph (self->graph, NULL);

  lab_diagram_tidy (diagram);
  for (guint i = 0; i < lab_diagram_n_nodes (diagram); i++)
    {
      const LabDiagramNode *card = lab_diagram_get_node (diagram, i);
      nn_graph_set_position (self->graph, card->id, card->x, card->y);
    }
}

/* Fits the whole model in view, unless that makes it too small to read:
 * then the Input's end of it shows at a readable size. */
void
_lab_model_page_show_all (LabModelPage *self)
{
  lab_model_canvas_fit_to_view (self->canvas);
  if (lab_model_canvas_get_zoom (self->canvas) < 0.7 && self->report.input_id >= 0)
    {
      lab_model_canvas_set_zoom (self->canvas, 0.7);
      lab_model_canvas_show_node (self->canvas, self->report.input_id);
    }
}

/* --- Edits from the canvas ------------------------------------------- */

static void
on_nodes_moved (LabModelCanvas *canvas, GVariant *moves, LabModelPage *self)
{
  nn_graph *before = _lab_model_page_edit_begin (self);
  GVariantIter iter;
  int id;
  double x, y;

  if (before == NULL)
    return;
  g_variant_iter_init (&iter, moves);
  while (g_variant_iter_next (&iter, "(idd)", &id, &x, &y))
    nn_graph_set_position (self->graph, id, x, y);
  _lab_model_page_edit_end (self, before, _ ("Move"), TRUE);
}

static void
on_connect_requested (LabModelCanvas *canvas, int from, int to, LabModelPage *self)
{
  nn_graph *before = _lab_model_page_edit_begin (self);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (before == NULL)
    return;
  ok = nn_graph_connect (self->graph, from, to, -1, &error);
  if (!ok)
    _lab_model_page_toast (self, error->message);
  _lab_model_page_edit_end (self, before, _ ("Connect"), ok);
}

/* Deleting a layer in a chain joins its input to its consumers, as a user
 * taking a link out of a chain expects. */
static void
remove_and_bridge (nn_graph *graph, int id)
{
  const nn_node *node = nn_graph_lookup (graph, id);
  int consumers[64], slots[64], n, source;

  if (node == NULL)
    return;
  source = node->n_inputs == 1 ? node->inputs[0] : -1;
  n = nn_graph_consumers (graph, id, consumers, G_N_ELEMENTS (consumers));
  for (int i = 0; i < n; i++)
    {
      const nn_node *consumer = nn_graph_lookup (graph, consumers[i]);
      slots[i] = -1;
      for (int s = 0; s < consumer->n_inputs; s++)
        if (consumer->inputs[s] == id)
          slots[i] = s;
    }
  nn_graph_remove_node (graph, id);
  for (int i = 0; source >= 0 && i < n; i++)
    nn_graph_connect (graph, source, consumers[i], slots[i], NULL);
}

static void
on_delete_requested (LabModelCanvas *canvas, GVariant *ids, LabModelPage *self)
{
  nn_graph *before = _lab_model_page_edit_begin (self);
  gsize n = 0;
  const gint32 *list = g_variant_get_fixed_array (ids, &n, sizeof (gint32));

  if (before == NULL || n == 0)
    {
      g_clear_pointer (&before, nn_graph_free);
      return;
    }
  for (gsize i = 0; i < n; i++)
    remove_and_bridge (self->graph, list[i]);
  _lab_model_page_edit_end (
    self, before, g_dngettext (GETTEXT_PACKAGE, "Delete Layer", "Delete Layers", n), TRUE);
}

/* Adds a layer: on a wire (edge >= 0), after a node (after >= 0: the node's
 * consumers move behind the new layer), or alone at (x, y). */
static gboolean
insert_layer (LabModelPage *self, const nn_layer_ops *ops, double x, double y, int edge, int after,
              GError **error)
{
  int id = nn_graph_add_node (self->graph, ops);

  nn_graph_set_position (self->graph, id, x, y);
  if (edge >= 0 && self->diagram != NULL && (guint) edge < lab_diagram_n_edges (self->diagram))
    {
      LabDiagramEdge wire = *lab_diagram_get_edge (self->diagram, edge);

      nn_graph_disconnect (self->graph, wire.from, wire.to);
      return nn_graph_connect (self->graph, wire.from, id, -1, error) &&
             nn_graph_connect (self->graph, id, wire.to, wire.slot, error);
    }
  if (after >= 0 && ops->max_inputs > 0)
    {
      int consumers[64];
      int n = nn_graph_consumers (self->graph, after, consumers, G_N_ELEMENTS (consumers));

      for (int i = 0; i < n; i++)
        {
          const nn_node *consumer = nn_graph_lookup (self->graph, consumers[i]);
          int slot = 0;

          for (int s = 0; s < consumer->n_inputs; s++)
            if (consumer->inputs[s] == after)
              slot = s;
          nn_graph_disconnect (self->graph, after, consumers[i]);
          if (!nn_graph_connect (self->graph, id, consumers[i], slot, error))
            return FALSE;
        }
      return nn_graph_connect (self->graph, after, id, -1, error);
    }
  return TRUE;
}

static void
add_layer (LabModelPage *self, const char *kind, double x, double y, int edge, int after,
           gboolean tidy)
{
  const nn_layer_ops *ops = nn_layer_lookup (kind);
  nn_graph *before;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  gboolean ok;

  if (ops == NULL || (before = _lab_model_page_edit_begin (self)) == NULL)
    return;
  ok = insert_layer (self, ops, x, y, edge, after, &error);
  if (!ok)
    _lab_model_page_toast (self, error->message);
  else if (tidy)
    _lab_model_page_tidy_graph (self);
  /* Translators: an undo step, "Add Dense" */
  label = g_strdup_printf (_ ("Add %s"), _ (ops->name));
  _lab_model_page_edit_end (self, before, label, ok);
  if (ok)
    {
      const nn_node *added = nn_graph_nth_node (self->graph, nn_graph_n_nodes (self->graph) - 1);
      lab_model_canvas_select (self->canvas, &added->id, 1);
      lab_model_canvas_show_node (self->canvas, added->id);
    }
}

static void
on_layer_dropped (LabModelCanvas *canvas, const char *kind, double x, double y, int edge,
                  LabModelPage *self)
{
  /* The card's centre lands where the pointer was. */
  add_layer (self, kind, x - LAB_DIAGRAM_CARD_WIDTH / 2, y - 30, edge, -1, FALSE);
}

static void
on_layer_activated (LabLayerPalette *palette, const char *kind, LabModelPage *self)
{
  g_autoptr (GArray) selected = lab_model_canvas_get_selected (self->canvas);
  int after = selected->len == 1 ? g_array_index (selected, int, 0) : self->report.output_id;
  const nn_node *anchor = after >= 0 ? nn_graph_lookup (self->graph, after) : NULL;

  add_layer (self, kind, anchor != NULL ? anchor->x : 0, anchor != NULL ? anchor->y + 160 : 0, -1,
             after, TRUE);
}

static void
on_edit_refused (LabModelCanvas *canvas, LabModelPage *self)
{
  _lab_model_page_refuse_edit (self);
}

static void
on_selection_changed (LabModelCanvas *canvas, LabModelPage *self)
{
  lab_model_page_update_properties (self);
  _lab_model_page_update_actions (self);
}

static void
on_node_activated (LabModelCanvas *canvas, int id, LabModelPage *self)
{
  lab_model_canvas_select (self->canvas, &id, 1);
  gtk_widget_child_focus (GTK_WIDGET (self->properties), GTK_DIR_TAB_FORWARD);
}

/* --- Edits from the properties panel --------------------------------- */

static void
on_param_changed (LabPropertyEditor *editor, const char *param, double value, LabModelPage *self)
{
  const nn_node *node = nn_graph_lookup (self->graph, self->shown_id);
  nn_graph *before;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  gboolean ok;

  if (node == NULL || (before = _lab_model_page_edit_begin (self)) == NULL)
    return;
  ok = nn_graph_set_param (self->graph, node->id, param, value, &error);
  if (!ok)
    _lab_model_page_toast (self, error->message);
  /* Translators: an undo step, "Change conv1" */
  label = g_strdup_printf (_ ("Change %s"), node->name);
  _lab_model_page_edit_end (self, before, label, ok);
}

static void
on_name_changed (LabPropertyEditor *editor, const char *name, LabModelPage *self)
{
  nn_graph *before;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (self->shown_id < 0 || (before = _lab_model_page_edit_begin (self)) == NULL)
    return;
  ok = nn_graph_rename (self->graph, self->shown_id, name, &error);
  if (!ok)
    _lab_model_page_toast (self, error->message);
  _lab_model_page_edit_end (self, before, _ ("Rename"), ok);
}

/* --- The page ---------------------------------------------------------- */

static void
lab_model_page_dispose (GObject *object)
{
  LabModelPage *self = LAB_MODEL_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MODEL_PAGE);
  g_clear_pointer (&self->diagram, lab_diagram_unref);
  G_OBJECT_CLASS (lab_model_page_parent_class)->dispose (object);
}

static void
lab_model_page_finalize (GObject *object)
{
  LabModelPage *self = LAB_MODEL_PAGE (object);

  nn_graph_report_clear (&self->report);
  g_clear_pointer (&self->graph, nn_graph_free);
  g_clear_pointer (&self->clipboard, nn_graph_free);
  g_clear_pointer (&self->history, lab_model_history_free);
  _lab_model_page_finalize_gan (self);
  G_OBJECT_CLASS (lab_model_page_parent_class)->finalize (object);
}

static void
lab_model_page_class_init (LabModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_model_page_dispose;
  object_class->finalize = lab_model_page_finalize;

  /* The model changed: an edit, undo, redo, a template or a new project. */
  signals[GRAPH_CHANGED] = g_signal_new ("graph-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* ::template-used (id): the model was replaced by a template, so the
   * window can show the template's recommended training settings. */
  signals[TEMPLATE_USED] =
    g_signal_new ("template-used", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (LAB_TYPE_LAYER_PALETTE);
  g_type_ensure (LAB_TYPE_MODEL_CANVAS);
  g_type_ensure (LAB_TYPE_PROPERTY_EDITOR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerlab/Layerlab/ui/lab-model-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, LabModelPage, name)
  BIND (toasts);
  BIND (palette);
  BIND (canvas);
  BIND (properties);
  BIND (empty_state);
  BIND (status_label);
  BIND (templates_button);
  BIND (gan_switch);
  BIND (generator_button);
  BIND (discriminator_button);
#undef BIND
  _lab_model_page_class_init_actions (widget_class);
}

static void
lab_model_page_init (LabModelPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->graph = nn_graph_new ();
  self->history = lab_model_history_new ();
  self->shown_id = -1;

  g_signal_connect (self->canvas, "nodes-moved", G_CALLBACK (on_nodes_moved), self);
  g_signal_connect (self->canvas, "connect-requested", G_CALLBACK (on_connect_requested), self);
  g_signal_connect (self->canvas, "delete-requested", G_CALLBACK (on_delete_requested), self);
  g_signal_connect (self->canvas, "layer-dropped", G_CALLBACK (on_layer_dropped), self);
  g_signal_connect (self->canvas, "edit-refused", G_CALLBACK (on_edit_refused), self);
  g_signal_connect (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->canvas, "node-activated", G_CALLBACK (on_node_activated), self);
  g_signal_connect (self->palette, "layer-activated", G_CALLBACK (on_layer_activated), self);
  g_signal_connect (self->properties, "param-changed", G_CALLBACK (on_param_changed), self);
  g_signal_connect (self->properties, "name-changed", G_CALLBACK (on_name_changed), self);

  _lab_model_page_init_templates (self);
  _lab_model_page_init_gan (self);
  _lab_model_page_refresh (self);
}

GtkWidget *
lab_model_page_new (void)
{
  return g_object_new (LAB_TYPE_MODEL_PAGE, NULL);
}

const nn_graph *
lab_model_page_get_graph (LabModelPage *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_PAGE (self), NULL);
  return _lab_model_page_generator (self);
}

void
lab_model_page_set_graph (LabModelPage *self, nn_graph *graph)
{
  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  _lab_model_page_leave_gan (self);
  nn_graph_free (self->graph);
  self->graph = graph;
  lab_model_history_clear (self->history);
  lab_model_canvas_select (self->canvas, NULL, 0);
  _lab_model_page_refresh (self);
  _lab_model_page_show_all (self);
  g_signal_emit (self, signals[GRAPH_CHANGED], 0);
}

void
lab_model_page_lay_out (LabModelPage *self)
{
  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  _lab_model_page_tidy_graph (self);
  _lab_model_page_refresh (self);
  _lab_model_page_show_all (self);
}

gboolean
lab_model_page_is_valid (LabModelPage *self)
{
  g_autofree char *pair_problem = NULL;

  return self->report.ok && (pair_problem = _lab_model_page_gan_problem (self)) == NULL;
}

gboolean
lab_model_page_use_template (LabModelPage *self, const char *id, GError **error)
{
  const nn_template *template = nn_template_lookup (id);
  nn_graph *built, *before;
  g_autofree char *label = NULL;

  if (self->read_only)
    {
      _lab_model_page_refuse_edit (self);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("Stop training to edit the model"));
      return FALSE;
    }
  if (template != NULL && template->mode == NN_MODE_GAN)
    {
      if (!_lab_model_page_use_gan_template (self, template, error))
        return FALSE;
      _lab_model_page_show_all (self);
      g_signal_emit (self, signals[TEMPLATE_USED], 0, id);
      return TRUE;
    }
  built = nn_template_build (id, self->dataset, error);
  if (built == NULL)
    return FALSE;
  _lab_model_page_leave_gan (self);
  before = _lab_model_page_edit_begin (self);
  nn_graph_free (self->graph);
  self->graph = built;
  _lab_model_page_tidy_graph (self);
  /* Translators: an undo step, "Use Template Seed CNN" */
  label = g_strdup_printf (_ ("Use Template %s"), _ (template->title));
  lab_model_canvas_select (self->canvas, NULL, 0);
  _lab_model_page_edit_end (self, before, label, TRUE);
  _lab_model_page_show_all (self);
  g_signal_emit (self, signals[TEMPLATE_USED], 0, id);
  return TRUE;
}

/* The template that suits a dataset a user has just picked. */
static const char *
template_for (const nn_dataset *ds)
{
  const nn_shape *s = &ds->input_shape;

  if (ds->store == NN_STORE_TOKENS)
    return "char-lstm";
  if (s->rank == 3 && s->dim[1] >= 8 && s->dim[2] >= 8)
    return "seed-cnn";
  if (nn_shape_size (s) <= 3)
    return "tiny-mlp";
  return "mlp";
}

/* The Dense layer that makes the model's output: the output node, or the
 * one an activation at the end sits on. */
static const nn_node *
output_dense (const nn_graph *graph, int output_id)
{
  const nn_node *node = nn_graph_lookup (graph, output_id);

  while (node != NULL && !g_str_equal (node->desc.ops->id, "dense") && node->n_inputs == 1 &&
         node->desc.ops->group == NN_GROUP_ACTIVATION)
    node = nn_graph_lookup (graph, node->inputs[0]);
  return node != NULL && g_str_equal (node->desc.ops->id, "dense") ? node : NULL;
}

static gboolean
set_param_if_new (nn_graph *graph, int id, const char *param, double value)
{
  const nn_node *node = nn_graph_lookup (graph, id);

  if (nn_layer_desc_get (&node->desc, param) == value)
    return FALSE;
  return nn_graph_set_param (graph, id, param, value, NULL);
}

void
lab_model_page_set_dataset (LabModelPage *self, const nn_dataset *ds)
{
  const nn_node *input = NULL, *dense;
  gboolean changed = FALSE;
  nn_graph *before;
  const nn_shape *s;

  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  self->dataset = ds;
  /* A GAN's pair is checked against the data on the status line, not
   * adapted: its Input is noise and its last layer a score. */
  if (self->gan)
    _lab_model_page_refresh (self);
  if (ds == NULL || self->read_only || self->gan)
    return;
  if (nn_graph_n_nodes (self->graph) == 0)
    {
      lab_model_page_use_template (self, template_for (ds), NULL);
      return;
    }

  before = _lab_model_page_edit_begin (self);
  s = &ds->input_shape;
  for (int i = 0; i < nn_graph_n_nodes (self->graph); i++)
    if (g_str_equal (nn_graph_nth_node (self->graph, i)->desc.ops->id, "input"))
      input = nn_graph_nth_node (self->graph, i);
  if (input != NULL)
    {
      int id = input->id;
      changed |= set_param_if_new (self->graph, id, "channels", s->rank == 3 ? s->dim[0] : 1);
      changed |=
        set_param_if_new (self->graph, id, "height", s->rank >= 2 ? s->dim[s->rank - 2] : 0);
      changed |= set_param_if_new (self->graph, id, "width", s->dim[s->rank - 1]);
    }
  dense = output_dense (self->graph, self->report.output_id);
  if (dense != NULL)
    changed |= set_param_if_new (self->graph, dense->id, "units",
                                 ds->task == NN_TASK_CLASSIFY ? ds->n_classes : ds->target_size);
  /* A model that already fits the data is not edited. */
  if (!changed)
    {
      nn_graph_free (before);
      return;
    }
  _lab_model_page_edit_end (self, before, _ ("Adapt to Dataset"), TRUE);
}

void
lab_model_page_set_read_only (LabModelPage *self, gboolean read_only)
{
  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  self->read_only = read_only;
  lab_model_canvas_set_read_only (self->canvas, read_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->properties), !read_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->palette), !read_only);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->properties),
                               read_only ? _ ("Stop training to edit the model") : NULL);
  _lab_model_page_update_actions (self);
}
