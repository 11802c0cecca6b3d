/* model-diagram-paint.h — the one drawing of a model diagram, with Cairo and
 * Pango only: the canvas widget calls it from its snapshot, the CLI and the
 * tests call it on an image or SVG surface.
 *
 *   LabDiagramStyle style;
 *   lab_diagram_style_init (&style, FALSE);
 *   lab_model_diagram_write_png (diagram, &style, 1.0, "model.png", &error);
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "model-diagram.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;
} LabDiagramColor;

typedef struct
{
  LabDiagramColor background; /* alpha 0 leaves the surface as it is */
  LabDiagramColor card;
  LabDiagramColor shadow;
  LabDiagramColor card_border;
  LabDiagramColor text;
  LabDiagramColor dim_text;
  LabDiagramColor wire;
  LabDiagramColor accent; /* selection, focus, connection being dragged */
  LabDiagramColor error;
  LabDiagramColor error_card; /* card fill of an invalid node */
  LabDiagramColor groups[LAB_DIAGRAM_N_GROUPS];
  char font_family[64]; /* e.g. "Cantarell" */
} LabDiagramStyle;

/* How the diagram sits on the surface and what is being pointed at. A point
 * (x, y) of the diagram lands at (x * zoom + pan_x, y * zoom + pan_y). */
typedef struct
{
  double zoom;
  double pan_x, pan_y;
  int hover_id;         /* node under the pointer (while connecting: the target), or -1 */
  int focus_id;         /* node with the keyboard focus ring, or -1 */
  int drop_edge;        /* wire highlighted as the place of a drop, or -1 */
  gboolean rubber_band; /* draw `rubber` (diagram units) */
  LabDiagramRect rubber;
  gboolean connecting; /* draw a wire from connect_from's output to connect_x/y */
  int connect_from;
  double connect_x, connect_y;
} LabDiagramView;

/* Libadwaita's light or dark palette. */
void lab_diagram_style_init (LabDiagramStyle *style, gboolean dark);
/* zoom 1, no pan, nothing hovered, focused, dropped or dragged. */
void lab_diagram_view_init (LabDiagramView *view);

/* Paints the whole diagram into a width × height area at the origin of `cr`. */
void lab_model_diagram_paint (cairo_t *cr, const LabDiagram *diagram, const LabDiagramView *view,
                              double width, double height, const LabDiagramStyle *style);

/* The view that shows the whole diagram, centred, with `margin` pixels around
 * it, zoomed no further in than max_zoom. */
void lab_model_diagram_fit (const LabDiagram *diagram, double width, double height, double margin,
                            double max_zoom, LabDiagramView *view);

/* Writes the diagram, sized to its bounds plus a margin, at `scale` (1 = 100 %;
 * 2 for a sharp PNG on a projector). style NULL means light. FALSE with an
 * error naming the file when it cannot be written or the diagram is empty. */
gboolean lab_model_diagram_write_png (const LabDiagram *diagram, const LabDiagramStyle *style,
                                      double scale, const char *path, GError **error);
gboolean lab_model_diagram_write_svg (const LabDiagram *diagram, const LabDiagramStyle *style,
                                      const char *path, GError **error);

G_END_DECLS
