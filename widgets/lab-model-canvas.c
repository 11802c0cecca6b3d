/* lab-model-canvas.c — LabModelCanvas's state, drawing and API: it draws a
 * LabDiagram through the pure painter of model-diagram-paint.c from its
 * snapshot; lab-model-canvas-input.c turns the user's input into signals. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "lab-model-canvas-private.h"
#include "lab-theme.h"

#define MIN_ZOOM   0.1
#define MAX_ZOOM   4.0
#define FIT_MARGIN 24.0

G_DEFINE_FINAL_TYPE (LabModelCanvas, lab_model_canvas, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_READ_ONLY,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _lab_model_canvas_signals[N_SIGNALS];

/* Helpers -------------------------------------------------------------- */

void
lab_model_canvas_to_diagram (LabModelCanvas *self, double wx, double wy, double *dx, double *dy)
{
  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  *dx = (wx - self->view.pan_x) / self->view.zoom;
  *dy = (wy - self->view.pan_y) / self->view.zoom;
}

guint
_lab_model_canvas_n_nodes (LabModelCanvas *self)
{
  return self->diagram ? lab_diagram_n_nodes (self->diagram) : 0;
}

LabDiagramNode *
_lab_model_canvas_find_node (LabModelCanvas *self, int id)
{
  return self->diagram ? lab_diagram_find (self->diagram, id) : NULL;
}

void
_lab_model_canvas_refuse (LabModelCanvas *self)
{
  g_signal_emit (self, _lab_model_canvas_signals[EDIT_REFUSED], 0);
}

static void
update_accessible (LabModelCanvas *self)
{
  LabDiagramNode *node = _lab_model_canvas_find_node (self, self->view.focus_id);
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      guint n = _lab_model_canvas_n_nodes (self);
      g_ptr_array_add (
        parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u layer", "%u layers", n), n));
    }
  else
    {
      /* Read out as one sentence: kind and name, parameters, shape, count,
       * state, problem. */
      g_ptr_array_add (parts, g_strdup_printf ("%s %s", node->title, node->name));
      for (int i = 0; node->details && node->details[i]; i++)
        g_ptr_array_add (parts, g_strdup (node->details[i]));
      if (node->shape)
        /* Translators: part of a layer's spoken description; %s is a shape like 32×26×26 */
        g_ptr_array_add (parts, g_strdup_printf (_ ("output %s"), node->shape));
      if (node->params)
        g_ptr_array_add (parts, g_strdup (node->params));
      if (node->selected)
        /* Translators: part of a layer's spoken description */
        g_ptr_array_add (parts, g_strdup (_ ("selected")));
      if (node->error)
        /* Translators: part of a layer's spoken description; %s is the problem */
        g_ptr_array_add (parts, g_strdup_printf (_ ("error: %s"), node->error));
    }
  g_ptr_array_add (parts, NULL);
  /* Translators: separates the parts of a layer's spoken description */
  text = g_strjoinv (_ (", "), (char **) parts->pdata);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

void
_lab_model_canvas_set_focus_node (LabModelCanvas *self, int id)
{
  if (self->view.focus_id == id)
    return;
  self->view.focus_id = id;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Selection as a sorted id list, to tell whether a gesture changed it. */
GArray *
_lab_model_canvas_selected_ids (LabModelCanvas *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < _lab_model_canvas_n_nodes (self); i++)
    {
      LabDiagramNode *node = lab_diagram_get_node (self->diagram, i);
      if (node->selected)
        g_array_append_val (ids, node->id);
    }
  return ids;
}

static gboolean
same_ids (GArray *a, GArray *b)
{
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (int)) == 0);
}

void
_lab_model_canvas_emit_selection_if_changed (LabModelCanvas *self, GArray *before)
{
  g_autoptr (GArray) after = _lab_model_canvas_selected_ids (self);

  if (!same_ids (before, after))
    {
      update_accessible (self);
      g_signal_emit (self, _lab_model_canvas_signals[SELECTION_CHANGED], 0);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GVariant *
_lab_model_canvas_positions_variant (LabModelCanvas *self, GArray *positions)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(idd)"));
  for (guint i = 0; i < positions->len; i++)
    {
      NodePosition *p = &g_array_index (positions, NodePosition, i);
      g_variant_builder_add (&builder, "(idd)", p->id, p->x, p->y);
    }
  return g_variant_builder_end (&builder);
}

GArray *
_lab_model_canvas_selected_positions (LabModelCanvas *self)
{
  GArray *positions = g_array_new (FALSE, FALSE, sizeof (NodePosition));

  for (guint i = 0; i < _lab_model_canvas_n_nodes (self); i++)
    {
      LabDiagramNode *node = lab_diagram_get_node (self->diagram, i);
      NodePosition p = { node->id, node->x, node->y };

      if (node->selected)
        g_array_append_val (positions, p);
    }
  return positions;
}

static void
restore_positions (LabModelCanvas *self, GArray *positions)
{
  for (guint i = 0; i < positions->len; i++)
    {
      NodePosition *p = &g_array_index (positions, NodePosition, i);
      LabDiagramNode *node = _lab_model_canvas_find_node (self, p->id);

      if (node)
        {
          node->x = p->x;
          node->y = p->y;
        }
    }
}

void
_lab_model_canvas_set_zoom_at (LabModelCanvas *self, double zoom, double wx, double wy)
{
  double dx, dy;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (zoom == self->view.zoom)
    return;
  /* Keep the diagram point under (wx, wy) where it is. */
  lab_model_canvas_to_diagram (self, wx, wy, &dx, &dy);
  self->view.zoom = zoom;
  self->view.pan_x = wx - dx * zoom;
  self->view.pan_y = wy - dy * zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_lab_model_canvas_cancel_drag (LabModelCanvas *self)
{
  if (self->drag_mode == DRAG_MOVE && self->dragged && self->drag_start)
    restore_positions (self, self->drag_start);
  self->drag_mode = DRAG_NONE;
  self->dragged = FALSE;
  self->view.connecting = FALSE;
  self->view.rubber_band = FALSE;
  g_clear_pointer (&self->drag_start, g_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing --------------------------------------------------------------- */

static LabDiagramColor
to_diagram_color (const GdkRGBA *rgba)
{
  return (LabDiagramColor){ rgba->red, rgba->green, rgba->blue, rgba->alpha };
}

/* The painter's libadwaita palette, with the theme's text and accent colours. */
static void
theme_style (LabModelCanvas *self, LabDiagramStyle *style)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (pango);
  GdkRGBA color;

  lab_diagram_style_init (style, adw_style_manager_get_dark (adw_style_manager_get_default ()));
  gtk_style_context_get_color (context, &color);
  style->text = to_diagram_color (&color);
  color.alpha *= 0.62;
  style->dim_text = to_diagram_color (&color);
  if (gtk_style_context_lookup_color (context, "accent_bg_color", &color))
    style->accent = to_diagram_color (&color);
  if (font && pango_font_description_get_family (font))
    g_strlcpy (style->font_family, pango_font_description_get_family (font),
               sizeof style->font_family);
}

static void
lab_model_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  LabDiagramStyle style;
  LabDiagramView view = self->view;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  theme_style (self, &style);
  /* Like GTK's own focus rings: only while the keyboard is being used. */
  if (!gtk_widget_has_focus (widget) || !GTK_IS_WINDOW (gtk_widget_get_root (widget)) ||
      !gtk_window_get_focus_visible (GTK_WINDOW (gtk_widget_get_root (widget))))
    view.focus_id = -1;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->diagram)
    lab_model_diagram_paint (cr, self->diagram, &view, width, height, &style);
  else
    {
      cairo_set_source_rgba (cr, style.background.r, style.background.g, style.background.b,
                             style.background.a);
      cairo_paint (cr);
    }
  /* An empty board's hint is the model page's status page, over it. */
  cairo_destroy (cr);
}

static void
lab_model_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);

  if (self->fit_pending && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      lab_model_canvas_fit_to_view (self);
    }
}

static void
lab_model_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                          int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

static void
lab_model_canvas_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lab_model_canvas_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

/* GObject --------------------------------------------------------------- */

static void
lab_model_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (object);

  switch (prop_id)
    {
      case PROP_READ_ONLY:
        g_value_set_boolean (value, self->read_only);
        break;
      case PROP_ZOOM:
        g_value_set_double (value, self->view.zoom);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_model_canvas_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (object);

  switch (prop_id)
    {
      case PROP_READ_ONLY:
        lab_model_canvas_set_read_only (self, g_value_get_boolean (value));
        break;
      case PROP_ZOOM:
        lab_model_canvas_set_zoom (self, g_value_get_double (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_model_canvas_finalize (GObject *object)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (object);

  g_clear_pointer (&self->diagram, lab_diagram_unref);
  g_clear_pointer (&self->drag_start, g_array_unref);
  G_OBJECT_CLASS (lab_model_canvas_parent_class)->finalize (object);
}

static void
lab_model_canvas_class_init (LabModelCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_model_canvas_get_property;
  object_class->set_property = lab_model_canvas_set_property;
  object_class->finalize = lab_model_canvas_finalize;
  widget_class->snapshot = lab_model_canvas_snapshot;
  widget_class->measure = lab_model_canvas_measure;
  widget_class->size_allocate = lab_model_canvas_size_allocate;
  widget_class->css_changed = lab_model_canvas_css_changed;

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _lab_model_canvas_signals[NODES_MOVED] =
    g_signal_new ("nodes-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_VARIANT);
  _lab_model_canvas_signals[CONNECT_REQUESTED] =
    g_signal_new ("connect-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  _lab_model_canvas_signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  _lab_model_canvas_signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  _lab_model_canvas_signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  _lab_model_canvas_signals[LAYER_DROPPED] =
    g_signal_new ("layer-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT);
  _lab_model_canvas_signals[EDIT_REFUSED] =
    g_signal_new ("edit-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  _lab_model_canvas_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "modelcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_WIDGET);
}

/* Projector mode makes cards, their text and the wires bigger together,
 * as zooming in does. */
static void
on_theme_changed (LabModelCanvas *self)
{
  const double scale = lab_theme_scale ();

  if (scale != self->theme_scale)
    {
      lab_model_canvas_set_zoom (self, self->view.zoom * scale / self->theme_scale);
      self->theme_scale = scale;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lab_model_canvas_init (LabModelCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  lab_diagram_view_init (&self->view);
  self->theme_scale = lab_theme_scale ();
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (on_theme_changed),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_widget_set_vexpand (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Model diagram"), -1);
  update_accessible (self);
  _lab_model_canvas_init_input (self);
}

/* Public API ------------------------------------------------------------ */

GtkWidget *
lab_model_canvas_new (void)
{
  return g_object_new (LAB_TYPE_MODEL_CANVAS, NULL);
}

void
lab_model_canvas_set_diagram (LabModelCanvas *self, LabDiagram *diagram)
{
  g_autoptr (GArray) before = NULL;
  LabDiagram *old;

  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));

  before = _lab_model_canvas_selected_ids (self);
  _lab_model_canvas_cancel_drag (self);
  old = self->diagram;
  self->diagram = diagram ? lab_diagram_ref (diagram) : NULL;
  if (old && diagram)
    {
      /* The app rebuilds the diagram after every edit: carry the selection
       * over by id so an edit does not lose it. */
      for (guint i = 0; i < lab_diagram_n_nodes (diagram); i++)
        {
          LabDiagramNode *node = lab_diagram_get_node (diagram, i);
          LabDiagramNode *was = lab_diagram_find (old, node->id);

          if (was)
            node->selected = was->selected;
        }
    }
  if (old == NULL && diagram != NULL && lab_diagram_n_nodes (diagram) > 0)
    self->fit_pending = TRUE;
  if (self->fit_pending && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      self->fit_pending = FALSE;
      lab_model_canvas_fit_to_view (self);
    }
  if (_lab_model_canvas_find_node (self, self->view.focus_id) == NULL)
    self->view.focus_id = -1;
  if (_lab_model_canvas_find_node (self, self->view.hover_id) == NULL)
    self->view.hover_id = -1;
  self->view.drop_edge = -1;
  g_clear_pointer (&old, lab_diagram_unref);

  _lab_model_canvas_emit_selection_if_changed (self, before);
  update_accessible (self);
}

LabDiagram *
lab_model_canvas_get_diagram (LabModelCanvas *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_CANVAS (self), NULL);
  return self->diagram;
}

void
lab_model_canvas_set_read_only (LabModelCanvas *self, gboolean read_only)
{
  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;
  self->read_only = read_only;
  if (read_only && self->drag_mode != DRAG_RUBBER)
    _lab_model_canvas_cancel_drag (self);
  if (read_only)
    gtk_widget_add_css_class (GTK_WIDGET (self), "read-only");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "read-only");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_READ_ONLY,
                                  read_only, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

gboolean
lab_model_canvas_get_read_only (LabModelCanvas *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_CANVAS (self), FALSE);
  return self->read_only;
}

void
lab_model_canvas_set_zoom (LabModelCanvas *self, double zoom)
{
  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  _lab_model_canvas_set_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                 gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

double
lab_model_canvas_get_zoom (LabModelCanvas *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_CANVAS (self), 1.0);
  return self->view.zoom;
}

void
lab_model_canvas_fit_to_view (LabModelCanvas *self)
{
  int width, height;
  double zoom;

  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->diagram == NULL || width <= 0 || height <= 0)
    {
      self->fit_pending = self->diagram != NULL;
      return;
    }
  zoom = self->view.zoom;
  lab_model_diagram_fit (self->diagram, width, height, FIT_MARGIN, self->theme_scale, &self->view);
  self->view.zoom = MAX (self->view.zoom, MIN_ZOOM);
  if (zoom != self->view.zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_model_canvas_show_node (LabModelCanvas *self, int id)
{
  const LabDiagramNode *node;
  LabDiagramRect rect;
  double width, height, left, top, right, bottom;

  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  node = self->diagram != NULL ? lab_diagram_find (self->diagram, id) : NULL;
  if (node == NULL || width <= 0 || height <= 0)
    return;
  lab_diagram_node_rect (node, &rect);
  left = rect.x * self->view.zoom + self->view.pan_x;
  top = rect.y * self->view.zoom + self->view.pan_y;
  right = left + rect.width * self->view.zoom;
  bottom = top + rect.height * self->view.zoom;
  /* Pan just enough, with a margin, so the card is whole on screen. */
  if (left < FIT_MARGIN || right > width - FIT_MARGIN)
    self->view.pan_x += width / 2 - (left + right) / 2;
  if (top < FIT_MARGIN)
    self->view.pan_y += FIT_MARGIN - top;
  else if (bottom > height - FIT_MARGIN)
    self->view.pan_y -= bottom - (height - FIT_MARGIN);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_model_canvas_tidy (LabModelCanvas *self)
{
  g_autoptr (LabDiagram) copy = NULL;
  g_autoptr (GArray) moves = NULL;

  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  if (_lab_model_canvas_n_nodes (self) == 0)
    return;
  if (self->read_only)
    {
      _lab_model_canvas_refuse (self);
      return;
    }
  /* Only ids, edges and card sizes matter to the layout. */
  copy = lab_diagram_new ();
  for (guint i = 0; i < _lab_model_canvas_n_nodes (self); i++)
    {
      LabDiagramNode *node = lab_diagram_get_node (self->diagram, i);
      LabDiagramNode *twin = lab_diagram_add_node (copy, node->id, NULL, NULL, node->group);

      lab_diagram_node_set_details (twin, (const char *const *) node->details);
      twin->x = node->x;
      twin->y = node->y;
    }
  for (guint i = 0; i < lab_diagram_n_edges (self->diagram); i++)
    {
      const LabDiagramEdge *e = lab_diagram_get_edge (self->diagram, i);
      lab_diagram_add_edge (copy, e->from, e->to, e->slot);
    }
  lab_diagram_tidy (copy);

  moves = g_array_new (FALSE, FALSE, sizeof (NodePosition));
  for (guint i = 0; i < lab_diagram_n_nodes (copy); i++)
    {
      LabDiagramNode *twin = lab_diagram_get_node (copy, i);
      NodePosition p = { twin->id, twin->x, twin->y };
      g_array_append_val (moves, p);
    }
  g_signal_emit (self, _lab_model_canvas_signals[NODES_MOVED], 0,
                 _lab_model_canvas_positions_variant (self, moves));
}

void
lab_model_canvas_select (LabModelCanvas *self, const int *ids, guint n)
{
  g_autoptr (GArray) before = NULL;

  g_return_if_fail (LAB_IS_MODEL_CANVAS (self));
  if (self->diagram == NULL)
    return;
  before = _lab_model_canvas_selected_ids (self);
  lab_diagram_select_all (self->diagram, FALSE);
  for (guint i = 0; i < n; i++)
    {
      LabDiagramNode *node = _lab_model_canvas_find_node (self, ids[i]);
      if (node)
        node->selected = TRUE;
    }
  _lab_model_canvas_emit_selection_if_changed (self, before);
}

GArray *
lab_model_canvas_get_selected (LabModelCanvas *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_CANVAS (self), NULL);
  return _lab_model_canvas_selected_ids (self);
}

int
lab_model_canvas_get_focus_node (LabModelCanvas *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_CANVAS (self), -1);
  return self->view.focus_id;
}
