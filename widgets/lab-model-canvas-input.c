/* lab-model-canvas-input.c — how LabModelCanvas hears the user: pointer and
 * touch gestures, scrolling, hover and tooltips, drops from the layer palette,
 * and the keyboard (actions bound to keys, Tab through the cards). Every edit
 * becomes a signal, or ::edit-refused while read-only. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lab-model-canvas-private.h"

#define ARROW_STEP 16.0
#define FINE_STEP  2.0
#define WHEEL_PAN  48.0
#define PORT_HIT   10.0 /* pixels on screen, whatever the zoom */
#define EDGE_HIT   12.0
#define DRAG_SLOP  6.0
#define ZOOM_STEP  1.2

/* Primary drag: move, connect, rubber band ------------------------------ */

static gboolean
extend_modifiers (GtkEventController *controller)
{
  return (gtk_event_controller_get_current_event_state (controller) &
          (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, LabModelCanvas *self)
{
  g_autoptr (GArray) before = NULL;
  LabDiagramNode *node;
  double dx, dy;
  int port_node = -1;

  _lab_model_canvas_cancel_drag (self);
  if (self->diagram == NULL)
    return;
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));

  before = _lab_model_canvas_selected_ids (self);
  self->press_x = x;
  self->press_y = y;
  self->extend = extend_modifiers (GTK_EVENT_CONTROLLER (gesture));
  lab_model_canvas_to_diagram (self, x, y, &dx, &dy);

  if (lab_diagram_port_at (self->diagram, dx, dy, MAX (PORT_HIT / self->view.zoom, 6.0),
                           &port_node) == LAB_DIAGRAM_PORT_OUTPUT)
    {
      self->drag_mode = DRAG_CONNECT;
      self->view.connect_from = port_node;
      self->view.connect_x = dx;
      self->view.connect_y = dy;
      return;
    }

  node = lab_diagram_node_at (self->diagram, dx, dy);
  if (node != NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      if (self->extend)
        node->selected = !node->selected;
      else if (!node->selected)
        {
          lab_diagram_select_all (self->diagram, FALSE);
          node->selected = TRUE;
        }
      _lab_model_canvas_set_focus_node (self, node->id);
      self->drag_mode = node->selected ? DRAG_MOVE : DRAG_NONE;
      self->drag_start = _lab_model_canvas_selected_positions (self);
    }
  else
    {
      if (!self->extend)
        lab_diagram_select_all (self->diagram, FALSE);
      self->drag_mode = DRAG_RUBBER;
      self->drag_start = _lab_model_canvas_selected_positions (self);
      self->view.rubber = (LabDiagramRect){ dx, dy, 0, 0 };
    }
  _lab_model_canvas_emit_selection_if_changed (self, before);
}

static void
on_drag_update (GtkGestureDrag *gesture, double offset_x, double offset_y, LabModelCanvas *self)
{
  double dx, dy;

  if (self->drag_mode == DRAG_NONE || self->drag_mode == DRAG_REFUSED || self->diagram == NULL)
    return;
  if (!self->dragged && hypot (offset_x, offset_y) < DRAG_SLOP)
    return;
  if (!self->dragged && self->read_only && self->drag_mode != DRAG_RUBBER)
    {
      self->drag_mode = DRAG_REFUSED;
      _lab_model_canvas_refuse (self);
      return;
    }
  self->dragged = TRUE;
  lab_model_canvas_to_diagram (self, self->press_x + offset_x, self->press_y + offset_y, &dx, &dy);

  switch (self->drag_mode)
    {
      case DRAG_MOVE:
        for (guint i = 0; i < self->drag_start->len; i++)
          {
            NodePosition *p = &g_array_index (self->drag_start, NodePosition, i);
            LabDiagramNode *node = _lab_model_canvas_find_node (self, p->id);

            if (node)
              {
                node->x = p->x + offset_x / self->view.zoom;
                node->y = p->y + offset_y / self->view.zoom;
              }
          }
        break;
      case DRAG_CONNECT:
        {
          LabDiagramNode *target = lab_diagram_node_at (self->diagram, dx, dy);

          self->view.connecting = TRUE;
          self->view.connect_x = dx;
          self->view.connect_y = dy;
          self->view.hover_id = target ? target->id : -1;
        }
        break;
      case DRAG_RUBBER:
        {
          double x0, y0;

          lab_model_canvas_to_diagram (self, self->press_x, self->press_y, &x0, &y0);
          self->view.rubber_band = TRUE;
          self->view.rubber = (LabDiagramRect){ x0, y0, dx - x0, dy - y0 };
          lab_diagram_select_rect (self->diagram, &self->view.rubber, FALSE);
          /* With Shift or Ctrl the band adds to what was selected before. */
          for (guint i = 0; i < self->drag_start->len; i++)
            {
              LabDiagramNode *node = _lab_model_canvas_find_node (
                self, g_array_index (self->drag_start, NodePosition, i).id);
              if (node)
                node->selected = TRUE;
            }
        }
        break;
      case DRAG_NONE:
      case DRAG_REFUSED:
        break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture, double offset_x, double offset_y, LabModelCanvas *self)
{
  double dx, dy;

  if (self->diagram == NULL)
    return;
  on_drag_update (gesture, offset_x, offset_y, self);
  lab_model_canvas_to_diagram (self, self->press_x + offset_x, self->press_y + offset_y, &dx, &dy);

  switch (self->drag_mode)
    {
      case DRAG_MOVE:
        if (self->dragged && (offset_x != 0 || offset_y != 0))
          {
            g_autoptr (GArray) moved = _lab_model_canvas_selected_positions (self);
            g_signal_emit (self, _lab_model_canvas_signals[NODES_MOVED], 0,
                           _lab_model_canvas_positions_variant (self, moved));
          }
        break;
      case DRAG_CONNECT:
        if (self->dragged)
          {
            LabDiagramNode *target = lab_diagram_node_at (self->diagram, dx, dy);

            if (target && target->id != self->view.connect_from && target->has_input)
              g_signal_emit (self, _lab_model_canvas_signals[CONNECT_REQUESTED], 0,
                             self->view.connect_from, target->id);
          }
        break;
      case DRAG_RUBBER:
        {
          g_autoptr (GArray) before = g_array_new (FALSE, FALSE, sizeof (int));

          /* drag_start holds the selection at press; compare against it. */
          for (guint i = 0; i < self->drag_start->len; i++)
            g_array_append_val (before, g_array_index (self->drag_start, NodePosition, i).id);
          _lab_model_canvas_emit_selection_if_changed (self, before);
        }
        break;
      case DRAG_NONE:
      case DRAG_REFUSED:
        break;
    }
  self->view.hover_id = -1;
  self->dragged = FALSE;
  self->drag_mode = DRAG_NONE;
  self->view.connecting = FALSE;
  self->view.rubber_band = FALSE;
  g_clear_pointer (&self->drag_start, g_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_cancel (GtkGesture *gesture, GdkEventSequence *sequence, LabModelCanvas *self)
{
  _lab_model_canvas_cancel_drag (self);
}

static void
on_click_pressed (GtkGestureClick *gesture, int n_press, double x, double y, LabModelCanvas *self)
{
  LabDiagramNode *node;
  double dx, dy;

  if (n_press != 2 || self->diagram == NULL)
    return;
  lab_model_canvas_to_diagram (self, x, y, &dx, &dy);
  node = lab_diagram_node_at (self->diagram, dx, dy);
  if (node)
    g_signal_emit (self, _lab_model_canvas_signals[NODE_ACTIVATED], 0, node->id);
}

/* Pan and zoom ---------------------------------------------------------- */

static void
on_pan_begin (GtkGestureDrag *gesture, double x, double y, LabModelCanvas *self)
{
  self->pan_start_x = self->view.pan_x;
  self->pan_start_y = self->view.pan_y;
}

static void
on_pan_update (GtkGestureDrag *gesture, double offset_x, double offset_y, LabModelCanvas *self)
{
  self->view.pan_x = self->pan_start_x + offset_x;
  self->view.pan_y = self->pan_start_y + offset_y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, LabModelCanvas *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (state & GDK_CONTROL_MASK)
    {
      /* A wheel notch is one zoom step; touchpad pixels zoom smoothly. */
      double factor = wheel ? pow (ZOOM_STEP, -dy) : exp (-dy / 200.0);
      _lab_model_canvas_set_zoom_at (self, self->view.zoom * factor, self->pointer_x,
                                     self->pointer_y);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  self->view.pan_x -= dx * (wheel ? WHEEL_PAN : 1);
  self->view.pan_y -= dy * (wheel ? WHEEL_PAN : 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
on_pinch_begin (GtkGesture *gesture, GdkEventSequence *sequence, LabModelCanvas *self)
{
  self->pinch_start_zoom = self->view.zoom;
  /* A pinch is for zooming: stop moving a card the first finger grabbed. */
  _lab_model_canvas_cancel_drag (self);
}

static void
on_pinch_scale (GtkGestureZoom *gesture, double scale, LabModelCanvas *self)
{
  double cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

  gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy);
  _lab_model_canvas_set_zoom_at (self, self->pinch_start_zoom * scale, cx, cy);
}

/* Hover and tooltips ---------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, LabModelCanvas *self)
{
  LabDiagramNode *node = NULL;
  double dx, dy;

  self->pointer_x = x;
  self->pointer_y = y;
  if (self->diagram == NULL || self->drag_mode == DRAG_CONNECT)
    return;
  lab_model_canvas_to_diagram (self, x, y, &dx, &dy);
  node = lab_diagram_node_at (self->diagram, dx, dy);
  if (node == NULL)
    {
      int id = -1;
      /* An output port sticks out below its card; it counts as the card. */
      if (lab_diagram_port_at (self->diagram, dx, dy, MAX (PORT_HIT / self->view.zoom, 6.0), &id))
        node = _lab_model_canvas_find_node (self, id);
    }
  if ((node ? node->id : -1) != self->view.hover_id)
    {
      self->view.hover_id = node ? node->id : -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave (GtkEventControllerMotion *controller, LabModelCanvas *self)
{
  if (self->view.hover_id != -1 && self->drag_mode != DRAG_CONNECT)
    {
      self->view.hover_id = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  LabModelCanvas *self)
{
  LabDiagramNode *node;
  double dx, dy;
  int id = -1;

  if (self->diagram == NULL)
    return FALSE;
  if (keyboard)
    node = _lab_model_canvas_find_node (self, self->view.focus_id);
  else
    {
      lab_model_canvas_to_diagram (self, x, y, &dx, &dy);
      if (lab_diagram_port_at (self->diagram, dx, dy, MAX (PORT_HIT / self->view.zoom, 6.0), &id) ==
          LAB_DIAGRAM_PORT_OUTPUT)
        {
          gtk_tooltip_set_text (tooltip, _ ("Drag to another layer to connect them"));
          return TRUE;
        }
      node = lab_diagram_node_at (self->diagram, dx, dy);
    }
  if (node == NULL || node->error == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, node->error);
  return TRUE;
}

/* Drop of a layer kind from the palette --------------------------------- */

static const char *
layer_kind (const GValue *value)
{
  const char *text = G_VALUE_HOLDS_STRING (value) ? g_value_get_string (value) : NULL;

  if (text == NULL || !g_str_has_prefix (text, "layer:") || text[6] == '\0')
    return NULL;
  return text + 6;
}

static int
edge_at (LabModelCanvas *self, double x, double y)
{
  double dx, dy;

  if (self->diagram == NULL)
    return -1;
  lab_model_canvas_to_diagram (self, x, y, &dx, &dy);
  return lab_diagram_edge_near (self->diagram, dx, dy, EDGE_HIT / self->view.zoom);
}

static GdkDragAction
on_drop_motion (GtkDropTarget *target, double x, double y, LabModelCanvas *self)
{
  int edge = edge_at (self, x, y);

  if (edge != self->view.drop_edge)
    {
      self->view.drop_edge = edge;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return GDK_ACTION_COPY;
}

static void
on_drop_leave (GtkDropTarget *target, LabModelCanvas *self)
{
  self->view.drop_edge = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, LabModelCanvas *self)
{
  const char *kind = layer_kind (value);
  int edge = edge_at (self, x, y);
  double dx, dy;

  self->view.drop_edge = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (kind == NULL)
    return FALSE;
  if (self->read_only)
    {
      _lab_model_canvas_refuse (self);
      return FALSE;
    }
  lab_model_canvas_to_diagram (self, x, y, &dx, &dy);
  g_signal_emit (self, _lab_model_canvas_signals[LAYER_DROPPED], 0, kind, dx, dy, edge);
  return TRUE;
}

/* Keyboard: actions bound to keys --------------------------------------- */

static void
action_delete (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  g_autoptr (GArray) ids = _lab_model_canvas_selected_ids (self);

  if (ids->len == 0 && _lab_model_canvas_find_node (self, self->view.focus_id))
    g_array_append_val (ids, self->view.focus_id);
  if (ids->len == 0)
    return;
  if (self->read_only)
    {
      _lab_model_canvas_refuse (self);
      return;
    }
  g_signal_emit (
    self, _lab_model_canvas_signals[DELETE_REQUESTED], 0,
    g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, ids->data, ids->len, sizeof (int)));
}

static void
action_activate (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);

  if (_lab_model_canvas_find_node (self, self->view.focus_id))
    g_signal_emit (self, _lab_model_canvas_signals[NODE_ACTIVATED], 0, self->view.focus_id);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  g_autoptr (GArray) before = _lab_model_canvas_selected_ids (self);

  if (self->diagram == NULL)
    return;
  lab_diagram_select_all (self->diagram, TRUE);
  _lab_model_canvas_emit_selection_if_changed (self, before);
}

static void
action_unselect (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  g_autoptr (GArray) before = _lab_model_canvas_selected_ids (self);

  if (self->drag_mode != DRAG_NONE)
    {
      _lab_model_canvas_cancel_drag (self);
      return;
    }
  if (self->diagram == NULL)
    return;
  lab_diagram_select_all (self->diagram, FALSE);
  _lab_model_canvas_emit_selection_if_changed (self, before);
}

static void
action_move (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  g_autoptr (GArray) moved = NULL;
  double dx, dy;

  if (_lab_model_canvas_n_nodes (self) == 0 || lab_diagram_n_selected (self->diagram) == 0)
    return;
  if (self->read_only)
    {
      _lab_model_canvas_refuse (self);
      return;
    }
  g_variant_get (param, "(dd)", &dx, &dy);
  moved = _lab_model_canvas_selected_positions (self);
  for (guint i = 0; i < moved->len; i++)
    {
      NodePosition *p = &g_array_index (moved, NodePosition, i);
      LabDiagramNode *node = _lab_model_canvas_find_node (self, p->id);

      p->x += dx;
      p->y += dy;
      node->x = p->x;
      node->y = p->y;
    }
  gtk_widget_queue_draw (widget);
  g_signal_emit (self, _lab_model_canvas_signals[NODES_MOVED], 0,
                 _lab_model_canvas_positions_variant (self, moved));
}

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *param)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  double factor = g_str_equal (name, "canvas.zoom-in") ? ZOOM_STEP : 1 / ZOOM_STEP;

  _lab_model_canvas_set_zoom_at (self, self->view.zoom * factor,
                                 gtk_widget_get_width (widget) / 2.0,
                                 gtk_widget_get_height (widget) / 2.0);
}

static void
action_fit (GtkWidget *widget, const char *name, GVariant *param)
{
  lab_model_canvas_fit_to_view (LAB_MODEL_CANVAS (widget));
}

static void
action_tidy (GtkWidget *widget, const char *name, GVariant *param)
{
  lab_model_canvas_tidy (LAB_MODEL_CANVAS (widget));
}

/* Cards in reading order: top to bottom, then left to right. */
static int
compare_reading_order (gconstpointer a, gconstpointer b)
{
  const LabDiagramNode *na = *(LabDiagramNode *const *) a;
  const LabDiagramNode *nb = *(LabDiagramNode *const *) b;

  if (na->y != nb->y)
    return na->y < nb->y ? -1 : 1;
  if (na->x != nb->x)
    return na->x < nb->x ? -1 : 1;
  return na->id - nb->id;
}

/* Tab moves the focus ring through the cards; past the last (or before the
 * first) the focus leaves the canvas as usual. */
static gboolean
lab_model_canvas_focus (GtkWidget *widget, GtkDirectionType direction)
{
  LabModelCanvas *self = LAB_MODEL_CANVAS (widget);
  g_autoptr (GPtrArray) order = NULL;
  gboolean has_focus = gtk_widget_is_focus (widget);
  int current = -1, next;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return has_focus ? TRUE : gtk_widget_grab_focus (widget);
  if (_lab_model_canvas_n_nodes (self) == 0)
    {
      if (has_focus)
        return FALSE;
      return gtk_widget_grab_focus (widget);
    }

  order = g_ptr_array_new ();
  for (guint i = 0; i < _lab_model_canvas_n_nodes (self); i++)
    g_ptr_array_add (order, lab_diagram_get_node (self->diagram, i));
  g_ptr_array_sort (order, compare_reading_order);
  for (guint i = 0; i < order->len; i++)
    if (((LabDiagramNode *) order->pdata[i])->id == self->view.focus_id)
      current = (int) i;

  if (!has_focus)
    next = direction == GTK_DIR_TAB_FORWARD ? 0 : (int) order->len - 1;
  else if (current < 0)
    next = direction == GTK_DIR_TAB_FORWARD ? 0 : (int) order->len - 1;
  else
    next = current + (direction == GTK_DIR_TAB_FORWARD ? 1 : -1);

  if (next < 0 || next >= (int) order->len)
    {
      _lab_model_canvas_set_focus_node (self, -1);
      return FALSE;
    }
  if (!has_focus)
    gtk_widget_grab_focus (widget);
  _lab_model_canvas_set_focus_node (self, ((LabDiagramNode *) order->pdata[next])->id);
  return TRUE;
}

static void
on_focus_changed (LabModelCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
add_move_binding (GtkWidgetClass *widget_class, guint key, guint kp_key, double dx, double dy)
{
  gtk_widget_class_add_binding_action (widget_class, key, 0, "canvas.move", "(dd)", dx * ARROW_STEP,
                                       dy * ARROW_STEP);
  gtk_widget_class_add_binding_action (widget_class, kp_key, 0, "canvas.move", "(dd)",
                                       dx * ARROW_STEP, dy * ARROW_STEP);
  gtk_widget_class_add_binding_action (widget_class, key, GDK_SHIFT_MASK, "canvas.move", "(dd)",
                                       dx * FINE_STEP, dy * FINE_STEP);
}

void
_lab_model_canvas_class_init_input (GtkWidgetClass *widget_class)
{
  widget_class->focus = lab_model_canvas_focus;

  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "canvas.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "canvas.unselect", NULL, action_unselect);
  gtk_widget_class_install_action (widget_class, "canvas.move", "(dd)", action_move);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.fit", NULL, action_fit);
  gtk_widget_class_install_action (widget_class, "canvas.tidy", NULL, action_tidy);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "canvas.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "canvas.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "canvas.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "canvas.unselect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.fit",
                                       NULL);
  add_move_binding (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0);
  add_move_binding (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0);
  add_move_binding (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1);
  add_move_binding (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1);
}

void
_lab_model_canvas_init_input (LabModelCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag, *pan, *click, *pinch;
  GtkEventController *scroll, *motion, *focus;
  GtkDropTarget *drop;

  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  pan = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (on_pan_update), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pan));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pinch));
  /* One group, so claiming a press on a card keeps the double click and the
   * pinch alive while parents' gestures let go. */
  gtk_gesture_group (click, drag);
  gtk_gesture_group (pinch, drag);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (widget, focus);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "motion", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave), self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drop));
}
