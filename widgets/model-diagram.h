/* model-diagram.h — what a model diagram shows, independent of the engine and
 * of GTK: a list of node cards and the wires between them, in diagram units
 * (1 unit = 1 pixel at 100 % zoom), plus the card geometry, hit testing and an
 * automatic tidy layout.
 *
 * The app fills a LabDiagram from its model graph (one node per layer, one
 * edge per input connection); LabModelCanvas and the painter in
 * model-diagram-paint.h draw it. A node's (x, y) is the top-left corner of its
 * card. Layout is top to bottom: a card has its input port in the middle of
 * its top edge and its output port in the middle of its bottom edge. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Same order as the engine's nn_layer_group, so the app may cast. */
typedef enum
{
  LAB_DIAGRAM_GROUP_CORE,
  LAB_DIAGRAM_GROUP_CONVOLUTION,
  LAB_DIAGRAM_GROUP_POOLING,
  LAB_DIAGRAM_GROUP_RECURRENT,
  LAB_DIAGRAM_GROUP_NORMALISATION,
  LAB_DIAGRAM_GROUP_MERGE,
  LAB_DIAGRAM_GROUP_ACTIVATION,
  LAB_DIAGRAM_N_GROUPS
} LabDiagramGroup;

typedef enum
{
  LAB_DIAGRAM_PORT_NONE,
  LAB_DIAGRAM_PORT_INPUT,
  LAB_DIAGRAM_PORT_OUTPUT
} LabDiagramPort;

/* Card metrics in diagram units; the painter lays text out on these lines. */
#define LAB_DIAGRAM_CARD_WIDTH  248.0
#define LAB_DIAGRAM_STRIPE      6.0
#define LAB_DIAGRAM_PAD         12.0
#define LAB_DIAGRAM_TITLE_LINE  26.0
#define LAB_DIAGRAM_DETAIL_LINE 21.0
#define LAB_DIAGRAM_FOOTER_LINE 22.0
#define LAB_DIAGRAM_CORNER      10.0
#define LAB_DIAGRAM_PORT_RADIUS 6.0
/* Gaps the tidy layout leaves between cards. */
#define LAB_DIAGRAM_H_SPACING 48.0
#define LAB_DIAGRAM_V_SPACING 56.0

typedef struct
{
  double x, y, width, height;
} LabDiagramRect;

typedef struct
{
  int id;         /* the app's stable node id */
  char *title;    /* layer kind, e.g. "Conv2D" */
  char *name;     /* layer name, e.g. "conv1" */
  char **details; /* key parameters, one line each ("32 filters 3×3"); NULL-terminated */
  char *shape;    /* output shape text, e.g. "32×26×26"; NULL when unknown */
  char *params;   /* parameter count text, e.g. "320 params"; NULL when none */
  char *error;    /* the engine's message when the node is invalid, else NULL */
  LabDiagramGroup group;
  gboolean has_input; /* FALSE for layers that take no input (Input) */
  double x, y;        /* top-left of the card */
  gboolean selected;
} LabDiagramNode;

typedef struct
{
  int from, to; /* node ids: from's output feeds to's input */
  int slot;     /* which input of `to` (0 for single-input layers) */
} LabDiagramEdge;

typedef struct
{
  GPtrArray *nodes; /* LabDiagramNode*, in drawing order (last is on top) */
  GArray *edges;    /* LabDiagramEdge */
} LabDiagram;

/* Reference counted; the canvas keeps a reference and changes only x, y and
 * selected of the nodes it shows. */
LabDiagram *lab_diagram_new (void);
LabDiagram *lab_diagram_ref (LabDiagram *diagram);
void lab_diagram_unref (LabDiagram *diagram);
/* Drops every node and edge. */
void lab_diagram_clear (LabDiagram *diagram);

/* Adds a card at (0, 0) with no details, shape, params or error and returns
 * it (owned by the diagram) so the caller can set the rest. Returns NULL if the
 * id is already used. */
LabDiagramNode *lab_diagram_add_node (LabDiagram *diagram, int id, const char *title,
                                      const char *name, LabDiagramGroup group);
/* Setters copy their strings; NULL clears. */
void lab_diagram_node_set_details (LabDiagramNode *node, const char *const *lines);
void lab_diagram_node_set_shape (LabDiagramNode *node, const char *shape);
void lab_diagram_node_set_params (LabDiagramNode *node, const char *params);
void lab_diagram_node_set_error (LabDiagramNode *node, const char *error);

/* Adds a wire; returns its index, or -1 if either node is missing. */
int lab_diagram_add_edge (LabDiagram *diagram, int from, int to, int slot);

guint lab_diagram_n_nodes (const LabDiagram *diagram);
LabDiagramNode *lab_diagram_get_node (const LabDiagram *diagram, guint index);
guint lab_diagram_n_edges (const LabDiagram *diagram);
const LabDiagramEdge *lab_diagram_get_edge (const LabDiagram *diagram, guint index);
/* The node with this id, or NULL. */
LabDiagramNode *lab_diagram_find (const LabDiagram *diagram, int id);

/* Card height grows with the number of detail lines. */
double lab_diagram_node_height (const LabDiagramNode *node);
void lab_diagram_node_rect (const LabDiagramNode *node, LabDiagramRect *rect);
/* Centre of a port. Wires into a node with several inputs land spread along
 * its top edge by slot, out of n_slots. */
void lab_diagram_output_port (const LabDiagramNode *node, double *x, double *y);
void lab_diagram_input_port (const LabDiagramNode *node, int slot, int n_slots, double *x,
                             double *y);
/* How many input ports a node shows: one more than its highest wired slot,
 * at least one. */
int lab_diagram_n_input_slots (const LabDiagram *diagram, int id);
/* The path of a wire as joined cubic Béziers: pts holds the start point, then
 * control 1, control 2 and end of each segment (2 + 6 × n doubles); returns n,
 * or 0 if a node of the edge is missing. A wire that would cross another card
 * detours through a lane beside the cards in its way (3 segments); otherwise
 * it is one curve. */
#define LAB_DIAGRAM_PATH_MAX 20
int lab_diagram_edge_path (const LabDiagram *diagram, guint index,
                           double pts[LAB_DIAGRAM_PATH_MAX]);

/* Topmost node whose card contains the point, or NULL. */
LabDiagramNode *lab_diagram_node_at (const LabDiagram *diagram, double x, double y);
/* The port within `radius` of the point: returns its kind and the node id. */
LabDiagramPort lab_diagram_port_at (const LabDiagram *diagram, double x, double y, double radius,
                                    int *node_id);
/* Index of the wire passing closest to the point within `tolerance`, or -1. */
int lab_diagram_edge_near (const LabDiagram *diagram, double x, double y, double tolerance);
/* Selects the nodes whose cards intersect the rectangle (a rectangle may have a
 * negative size); without `extend` the others are deselected. Returns how many
 * are selected afterwards. */
guint lab_diagram_select_rect (LabDiagram *diagram, const LabDiagramRect *rect, gboolean extend);
void lab_diagram_select_all (LabDiagram *diagram, gboolean selected);
guint lab_diagram_n_selected (const LabDiagram *diagram);

/* Smallest rectangle holding every card and wire; FALSE (and an empty rectangle) when
 * there are no nodes. */
gboolean lab_diagram_bounds (const LabDiagram *diagram, LabDiagramRect *bounds);

/* Automatic layout: layers by longest path from the sources, top to bottom;
 * within a layer, ordered by the barycentre of the neighbours in the layers
 * above and below to reduce crossings; fixed spacing, each layer centred on
 * x = 0. Cycles (which a valid model never has) do not stop it. */
void lab_diagram_tidy (LabDiagram *diagram);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabDiagram, lab_diagram_unref)

G_END_DECLS
