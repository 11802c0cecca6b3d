/* lab-model-canvas.h — the model builder's drawing board: shows a LabDiagram
 * (see model-diagram.h) and turns the user's gestures into requests. It never
 * edits a model: the app handles the signals, changes its graph, builds a new
 * diagram and hands it back with lab_model_canvas_set_diagram().
 *
 * Mouse: drag a card to move it (the whole selection moves together); drag
 * from a card's output port onto another card to connect; drag on empty space
 * for rubber-band selection (Shift or Ctrl adds); middle-drag or scroll to pan;
 * Ctrl+scroll or pinch to zoom; double-click a card to activate it. Keyboard:
 * Tab / Shift+Tab through the cards, arrows move the selected cards (Shift:
 * finer steps), Enter activates, Delete / BackSpace asks to delete the
 * selected cards (or the focused one), Ctrl+A selects all, Escape clears the
 * selection, Ctrl+plus / Ctrl+minus / Ctrl+0 zoom in, out and fit. Each key
 * runs a widget action ("canvas.delete", "canvas.move", "canvas.fit",
 * "canvas.tidy", ...) that menus and tests can activate too. A layer kind
 * dropped as the string "layer:<kind id>" (see lab-layer-palette.c) is
 * reported with the wire it landed on; wires that skip layers detour beside
 * the cards. An empty canvas shows a hint to drag layers in.
 *
 * Signals:
 *   ::nodes-moved (GVariant *moves)  "a(idd)": id, x, y — at the end of a drag
 *                                     or per arrow key press
 *   ::connect-requested (int from, int to)
 *   ::delete-requested (GVariant *ids) "ai"
 *   ::node-activated (int id)
 *   ::selection-changed ()
 *   ::layer-dropped (const char *kind, double x, double y, int edge)
 *                                     x, y in diagram units; edge index or -1
 *   ::edit-refused ()                 an edit was attempted while read-only
 *
 * Property "read-only": while TRUE (e.g. during training) moving, connecting,
 * deleting, tidying and dropping are refused with ::edit-refused, never ignored in
 * silence; selecting, zooming and activating still work. */
#pragma once

#include <gtk/gtk.h>

#include "model-diagram.h"

G_BEGIN_DECLS

#define LAB_TYPE_MODEL_CANVAS (lab_model_canvas_get_type ())
G_DECLARE_FINAL_TYPE (LabModelCanvas, lab_model_canvas, LAB, MODEL_CANVAS, GtkWidget)

GtkWidget *lab_model_canvas_new (void);

/* Shows `diagram` (a reference is taken; NULL shows nothing). Zoom, pan,
 * focus and the selection of nodes whose ids survive are kept; the canvas
 * changes only the nodes' x, y and selected fields. */
void lab_model_canvas_set_diagram (LabModelCanvas *self, LabDiagram *diagram);
LabDiagram *lab_model_canvas_get_diagram (LabModelCanvas *self);

void lab_model_canvas_set_read_only (LabModelCanvas *self, gboolean read_only);
gboolean lab_model_canvas_get_read_only (LabModelCanvas *self);

/* Zoom is clamped to 10 %–400 %; the point at the centre stays put. */
void lab_model_canvas_set_zoom (LabModelCanvas *self, double zoom);
double lab_model_canvas_get_zoom (LabModelCanvas *self);
/* Zooms and pans so the whole diagram shows, at most at 100 %. */
void lab_model_canvas_fit_to_view (LabModelCanvas *self);
/* Pans (keeping the zoom) so the node's card is whole on screen. */
void lab_model_canvas_show_node (LabModelCanvas *self, int id);
/* Computes lab_diagram_tidy() on a copy of the positions and asks for them
 * with ::nodes-moved (or ::edit-refused when read-only). */
void lab_model_canvas_tidy (LabModelCanvas *self);

/* Selects exactly these nodes (n may be 0) and emits ::selection-changed. */
void lab_model_canvas_select (LabModelCanvas *self, const int *ids, guint n);
/* Ids of the selected nodes in diagram order; free with g_array_unref(). */
GArray *lab_model_canvas_get_selected (LabModelCanvas *self);
/* The node with the keyboard focus ring, or -1. */
int lab_model_canvas_get_focus_node (LabModelCanvas *self);

/* Converts widget coordinates to diagram units. */
void lab_model_canvas_to_diagram (LabModelCanvas *self, double wx, double wy, double *dx,
                                  double *dy);

G_END_DECLS
