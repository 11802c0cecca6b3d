/* lab-model-canvas-private.h — what lab-model-canvas.c (state, drawing,
 * API) and lab-model-canvas-input.c (gestures, keys, drops) share. */
#pragma once

#include "lab-model-canvas.h"
#include "model-diagram-paint.h"

G_BEGIN_DECLS

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,    /* pressed on a card: moves once past the slop */
  DRAG_CONNECT, /* pressed on an output port */
  DRAG_RUBBER,  /* pressed on empty space */
  DRAG_REFUSED  /* an edit refused while read-only: ignore the rest */
} DragMode;

typedef struct
{
  int id;
  double x, y;
} NodePosition;

struct _LabModelCanvas
{
  GtkWidget parent_instance;

  /* owned */
  LabDiagram *diagram;
  LabDiagramView view;
  double theme_scale; /* lab_theme_scale () the zoom was last set for */
  gboolean read_only;
  gboolean fit_pending;

  /* pointer */
  double pointer_x, pointer_y; /* widget coordinates, for zooming around it */

  /* primary-button drag */
  DragMode drag_mode;
  gboolean dragged; /* past the slop */
  double press_x, press_y;
  GArray *drag_start; /* NodePosition of the nodes being moved, or selected before a rubber band */
  gboolean extend;    /* Shift or Ctrl held at press */

  /* middle-button pan and pinch */
  double pan_start_x, pan_start_y;
  double pinch_start_zoom;
};

enum
{
  NODES_MOVED,
  CONNECT_REQUESTED,
  DELETE_REQUESTED,
  NODE_ACTIVATED,
  SELECTION_CHANGED,
  LAYER_DROPPED,
  EDIT_REFUSED,
  N_SIGNALS
};

extern guint _lab_model_canvas_signals[N_SIGNALS];

guint _lab_model_canvas_n_nodes (LabModelCanvas *self);
LabDiagramNode *_lab_model_canvas_find_node (LabModelCanvas *self, int id);
/* Emits ::edit-refused. */
void _lab_model_canvas_refuse (LabModelCanvas *self);
void _lab_model_canvas_set_focus_node (LabModelCanvas *self, int id);
/* Ids of the selected nodes in diagram order. */
GArray *_lab_model_canvas_selected_ids (LabModelCanvas *self);
/* Emits ::selection-changed when the selection differs from `before`. */
void _lab_model_canvas_emit_selection_if_changed (LabModelCanvas *self, GArray *before);
/* NodePosition of every selected node. */
GArray *_lab_model_canvas_selected_positions (LabModelCanvas *self);
/* A floating "a(idd)" for ::nodes-moved. */
GVariant *_lab_model_canvas_positions_variant (LabModelCanvas *self, GArray *positions);
/* Zooms keeping the diagram point under the widget point (wx, wy) in place. */
void _lab_model_canvas_set_zoom_at (LabModelCanvas *self, double zoom, double wx, double wy);
/* Ends a drag in progress, putting moved cards back. */
void _lab_model_canvas_cancel_drag (LabModelCanvas *self);

/* Actions, key bindings and the focus vfunc; called from class_init. */
void _lab_model_canvas_class_init_input (GtkWidgetClass *widget_class);
/* Event controllers and drop target; called from init. */
void _lab_model_canvas_init_input (LabModelCanvas *self);

G_END_DECLS
