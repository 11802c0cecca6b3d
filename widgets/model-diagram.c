/* model-diagram.c — the diagram's data, geometry, hit testing and tidy
 * layout; shared by the canvas widget, the painter and the CLI's export. */
#include "model-diagram.h"

#include <math.h>

static void
node_free (gpointer data)
{
  LabDiagramNode *node = data;

  g_free (node->title);
  g_free (node->name);
  g_strfreev (node->details);
  g_free (node->shape);
  g_free (node->params);
  g_free (node->error);
  g_free (node);
}

LabDiagram *
lab_diagram_new (void)
{
  LabDiagram *diagram = g_rc_box_new0 (LabDiagram);

  diagram->nodes = g_ptr_array_new_with_free_func (node_free);
  diagram->edges = g_array_new (FALSE, FALSE, sizeof (LabDiagramEdge));
  return diagram;
}

LabDiagram *
lab_diagram_ref (LabDiagram *diagram)
{
  g_return_val_if_fail (diagram != NULL, NULL);
  return g_rc_box_acquire (diagram);
}

static void
diagram_clear_func (gpointer data)
{
  LabDiagram *diagram = data;

  g_ptr_array_unref (diagram->nodes);
  g_array_unref (diagram->edges);
}

void
lab_diagram_unref (LabDiagram *diagram)
{
  g_return_if_fail (diagram != NULL);
  g_rc_box_release_full (diagram, diagram_clear_func);
}

void
lab_diagram_clear (LabDiagram *diagram)
{
  g_return_if_fail (diagram != NULL);
  g_ptr_array_set_size (diagram->nodes, 0);
  g_array_set_size (diagram->edges, 0);
}

LabDiagramNode *
lab_diagram_add_node (LabDiagram *diagram, int id, const char *title, const char *name,
                      LabDiagramGroup group)
{
  LabDiagramNode *node;

  g_return_val_if_fail (diagram != NULL, NULL);
  if (lab_diagram_find (diagram, id) != NULL)
    return NULL;
  node = g_new0 (LabDiagramNode, 1);
  node->id = id;
  node->title = g_strdup (title ? title : "");
  node->name = g_strdup (name ? name : "");
  node->details = g_new0 (char *, 1);
  node->group = CLAMP (group, 0, LAB_DIAGRAM_N_GROUPS - 1);
  node->has_input = TRUE;
  g_ptr_array_add (diagram->nodes, node);
  return node;
}

void
lab_diagram_node_set_details (LabDiagramNode *node, const char *const *lines)
{
  g_return_if_fail (node != NULL);
  g_strfreev (node->details);
  node->details = lines ? g_strdupv ((char **) lines) : g_new0 (char *, 1);
}

void
lab_diagram_node_set_shape (LabDiagramNode *node, const char *shape)
{
  g_return_if_fail (node != NULL);
  g_free (node->shape);
  node->shape = g_strdup (shape);
}

void
lab_diagram_node_set_params (LabDiagramNode *node, const char *params)
{
  g_return_if_fail (node != NULL);
  g_free (node->params);
  node->params = g_strdup (params);
}

void
lab_diagram_node_set_error (LabDiagramNode *node, const char *error)
{
  g_return_if_fail (node != NULL);
  g_free (node->error);
  node->error = g_strdup (error);
}

int
lab_diagram_add_edge (LabDiagram *diagram, int from, int to, int slot)
{
  LabDiagramEdge edge = { from, to, MAX (slot, 0) };

  g_return_val_if_fail (diagram != NULL, -1);
  if (lab_diagram_find (diagram, from) == NULL || lab_diagram_find (diagram, to) == NULL)
    return -1;
  g_array_append_val (diagram->edges, edge);
  return (int) diagram->edges->len - 1;
}

guint
lab_diagram_n_nodes (const LabDiagram *diagram)
{
  return diagram->nodes->len;
}

LabDiagramNode *
lab_diagram_get_node (const LabDiagram *diagram, guint index)
{
  g_return_val_if_fail (index < diagram->nodes->len, NULL);
  return g_ptr_array_index (diagram->nodes, index);
}

guint
lab_diagram_n_edges (const LabDiagram *diagram)
{
  return diagram->edges->len;
}

const LabDiagramEdge *
lab_diagram_get_edge (const LabDiagram *diagram, guint index)
{
  g_return_val_if_fail (index < diagram->edges->len, NULL);
  return &g_array_index (diagram->edges, LabDiagramEdge, index);
}

LabDiagramNode *
lab_diagram_find (const LabDiagram *diagram, int id)
{
  for (guint i = 0; i < diagram->nodes->len; i++)
    {
      LabDiagramNode *node = g_ptr_array_index (diagram->nodes, i);
      if (node->id == id)
        return node;
    }
  return NULL;
}

double
lab_diagram_node_height (const LabDiagramNode *node)
{
  guint n_details = node->details ? g_strv_length (node->details) : 0;

  return LAB_DIAGRAM_STRIPE + 2 * LAB_DIAGRAM_PAD + LAB_DIAGRAM_TITLE_LINE +
         n_details * LAB_DIAGRAM_DETAIL_LINE + LAB_DIAGRAM_FOOTER_LINE;
}

void
lab_diagram_node_rect (const LabDiagramNode *node, LabDiagramRect *rect)
{
  rect->x = node->x;
  rect->y = node->y;
  rect->width = LAB_DIAGRAM_CARD_WIDTH;
  rect->height = lab_diagram_node_height (node);
}

void
lab_diagram_output_port (const LabDiagramNode *node, double *x, double *y)
{
  *x = node->x + LAB_DIAGRAM_CARD_WIDTH / 2;
  *y = node->y + lab_diagram_node_height (node);
}

void
lab_diagram_input_port (const LabDiagramNode *node, int slot, int n_slots, double *x, double *y)
{
  n_slots = MAX (n_slots, 1);
  slot = CLAMP (slot, 0, n_slots - 1);
  /* Several inputs share the middle half of the top edge, so wires into an
   * Add or Concatenate stay apart and keep their order. */
  if (n_slots == 1)
    *x = node->x + LAB_DIAGRAM_CARD_WIDTH / 2;
  else
    *x = node->x + LAB_DIAGRAM_CARD_WIDTH * (0.25 + 0.5 * slot / (n_slots - 1));
  *y = node->y;
}

int
lab_diagram_n_input_slots (const LabDiagram *diagram, int to)
{
  int n = 1;

  for (guint i = 0; i < diagram->edges->len; i++)
    {
      const LabDiagramEdge *e = &g_array_index (diagram->edges, LabDiagramEdge, i);
      if (e->to == to)
        n = MAX (n, e->slot + 1);
    }
  return n;
}

/* Whether the box (x0..x1, y0..y1) touches a card other than the wire's own. */
static const LabDiagramNode *
obstacle_in (const LabDiagram *diagram, const LabDiagramEdge *edge, double x0, double y0, double x1,
             double y1)
{
  const double clearance = 6;

  for (guint i = 0; i < diagram->nodes->len; i++)
    {
      const LabDiagramNode *node = g_ptr_array_index (diagram->nodes, i);
      LabDiagramRect r;

      if (node->id == edge->from || node->id == edge->to)
        continue;
      lab_diagram_node_rect (node, &r);
      if (x1 >= r.x - clearance && x0 <= r.x + r.width + clearance && y1 >= r.y - clearance &&
          y0 <= r.y + r.height + clearance)
        return node;
    }
  return NULL;
}

static void
bezier_point (const double p[8], double t, double *x, double *y)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  *x = a * p[0] + b * p[2] + c * p[4] + d * p[6];
  *y = a * p[1] + b * p[3] + c * p[5] + d * p[7];
}

static gboolean
curve_blocked (const LabDiagram *diagram, const LabDiagramEdge *edge, const double p[8])
{
  for (int s = 1; s < 24; s++)
    {
      double x, y;

      bezier_point (p, s / 24.0, &x, &y);
      if (obstacle_in (diagram, edge, x, y, x, y))
        return TRUE;
    }
  return FALSE;
}

/* x of a free vertical lane between y0 and y1, starting beside `first` and
 * stepping past every card in the way, to the left or to the right. */
static double
free_lane (const LabDiagram *diagram, const LabDiagramEdge *edge, const LabDiagramNode *first,
           double y0, double y1, int side)
{
  const double gap = LAB_DIAGRAM_H_SPACING / 2;
  const LabDiagramNode *in_way = first;
  double x = 0;

  for (guint round = 0; in_way != NULL && round <= diagram->nodes->len; round++)
    {
      x = side > 0 ? in_way->x + LAB_DIAGRAM_CARD_WIDTH + gap : in_way->x - gap;
      in_way = obstacle_in (diagram, edge, x, y0, x, y1);
    }
  return x;
}

int
lab_diagram_edge_path (const LabDiagram *diagram, guint index, double pts[LAB_DIAGRAM_PATH_MAX])
{
  const LabDiagramEdge *edge = lab_diagram_get_edge (diagram, index);
  const LabDiagramNode *from, *to, *first;
  double x0, y0, x1, y1, reach, ya, yb, left, right, lane;

  if (edge == NULL)
    return 0;
  from = lab_diagram_find (diagram, edge->from);
  to = lab_diagram_find (diagram, edge->to);
  if (from == NULL || to == NULL)
    return 0;
  lab_diagram_output_port (from, &x0, &y0);
  lab_diagram_input_port (to, edge->slot, lab_diagram_n_input_slots (diagram, edge->to), &x1, &y1);

  /* Wires leave downwards and arrive from above, also when the target sits
   * higher up, so the direction stays readable. */
  reach = MAX (40.0, fabs (y1 - y0) / 2);
  pts[0] = x0;
  pts[1] = y0;
  pts[2] = x0;
  pts[3] = y0 + reach;
  pts[4] = x1;
  pts[5] = y1 - reach;
  pts[6] = x1;
  pts[7] = y1;

  /* A skip connection (a residual Add) would run behind the cards it skips,
   * looking like it enters them: send it down a lane beside them instead. */
  ya = y0 + LAB_DIAGRAM_V_SPACING * 0.5;
  yb = y1 - LAB_DIAGRAM_V_SPACING * 0.5;
  if (yb <= ya || !curve_blocked (diagram, edge, pts))
    return 1;
  first = obstacle_in (diagram, edge, MIN (x0, x1), ya, MAX (x0, x1), yb);
  if (first == NULL)
    return 1;
  left = free_lane (diagram, edge, first, ya, yb, -1);
  right = free_lane (diagram, edge, first, ya, yb, +1);
  /* The side that needs the smaller detour; to the right on a tie, where the
   * later inputs of a merge land. */
  lane = fabs (left - (x0 + x1) / 2) < fabs (right - (x0 + x1) / 2) ? left : right;

  pts[2] = x0;
  pts[3] = (y0 + ya) / 2;
  pts[4] = lane;
  pts[5] = (y0 + ya) / 2;
  pts[6] = lane;
  pts[7] = ya;
  pts[8] = lane;
  pts[9] = ya + (yb - ya) / 3;
  pts[10] = lane;
  pts[11] = yb - (yb - ya) / 3;
  pts[12] = lane;
  pts[13] = yb;
  pts[14] = lane;
  pts[15] = (yb + y1) / 2;
  pts[16] = x1;
  pts[17] = (yb + y1) / 2;
  pts[18] = x1;
  pts[19] = y1;
  return 3;
}

static gboolean
rect_contains (const LabDiagramRect *r, double x, double y)
{
  return x >= r->x && x <= r->x + r->width && y >= r->y && y <= r->y + r->height;
}

LabDiagramNode *
lab_diagram_node_at (const LabDiagram *diagram, double x, double y)
{
  for (guint i = diagram->nodes->len; i > 0; i--)
    {
      LabDiagramNode *node = g_ptr_array_index (diagram->nodes, i - 1);
      LabDiagramRect r;

      lab_diagram_node_rect (node, &r);
      if (rect_contains (&r, x, y))
        return node;
    }
  return NULL;
}

LabDiagramPort
lab_diagram_port_at (const LabDiagram *diagram, double x, double y, double radius, int *node_id)
{
  for (guint i = diagram->nodes->len; i > 0; i--)
    {
      const LabDiagramNode *node = g_ptr_array_index (diagram->nodes, i - 1);
      double px, py;

      lab_diagram_output_port (node, &px, &py);
      if (hypot (x - px, y - py) <= radius)
        {
          if (node_id)
            *node_id = node->id;
          return LAB_DIAGRAM_PORT_OUTPUT;
        }
      if (!node->has_input)
        continue;
      lab_diagram_input_port (node, 0, 1, &px, &py);
      if (hypot (x - px, y - py) <= radius)
        {
          if (node_id)
            *node_id = node->id;
          return LAB_DIAGRAM_PORT_INPUT;
        }
    }
  if (node_id)
    *node_id = -1;
  return LAB_DIAGRAM_PORT_NONE;
}

static double
segment_distance (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

int
lab_diagram_edge_near (const LabDiagram *diagram, double x, double y, double tolerance)
{
  const int steps = 32;
  double best = tolerance;
  int found = -1;

  for (guint i = 0; i < diagram->edges->len; i++)
    {
      double p[LAB_DIAGRAM_PATH_MAX];
      int n = lab_diagram_edge_path (diagram, i, p);

      for (int seg = 0; seg < n; seg++)
        {
          const double *q = p + 6 * seg;
          double ax = q[0], ay = q[1];

          for (int s = 1; s <= steps; s++)
            {
              double bx, by, d;

              bezier_point (q, (double) s / steps, &bx, &by);
              d = segment_distance (x, y, ax, ay, bx, by);
              if (d <= best)
                {
                  best = d;
                  found = (int) i;
                }
              ax = bx;
              ay = by;
            }
        }
    }
  return found;
}

guint
lab_diagram_select_rect (LabDiagram *diagram, const LabDiagramRect *rect, gboolean extend)
{
  double x0 = MIN (rect->x, rect->x + rect->width), x1 = MAX (rect->x, rect->x + rect->width);
  double y0 = MIN (rect->y, rect->y + rect->height), y1 = MAX (rect->y, rect->y + rect->height);

  for (guint i = 0; i < diagram->nodes->len; i++)
    {
      LabDiagramNode *node = g_ptr_array_index (diagram->nodes, i);
      LabDiagramRect r;
      gboolean inside;

      lab_diagram_node_rect (node, &r);
      inside = r.x <= x1 && r.x + r.width >= x0 && r.y <= y1 && r.y + r.height >= y0;
      if (inside)
        node->selected = TRUE;
      else if (!extend)
        node->selected = FALSE;
    }
  return lab_diagram_n_selected (diagram);
}

void
lab_diagram_select_all (LabDiagram *diagram, gboolean selected)
{
  for (guint i = 0; i < diagram->nodes->len; i++)
    ((LabDiagramNode *) g_ptr_array_index (diagram->nodes, i))->selected = selected;
}

guint
lab_diagram_n_selected (const LabDiagram *diagram)
{
  guint n = 0;

  for (guint i = 0; i < diagram->nodes->len; i++)
    n += ((LabDiagramNode *) g_ptr_array_index (diagram->nodes, i))->selected ? 1 : 0;
  return n;
}

gboolean
lab_diagram_bounds (const LabDiagram *diagram, LabDiagramRect *bounds)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  if (diagram->nodes->len == 0)
    {
      *bounds = (LabDiagramRect){ 0, 0, 0, 0 };
      return FALSE;
    }
  for (guint i = 0; i < diagram->nodes->len; i++)
    {
      LabDiagramRect r;

      lab_diagram_node_rect (g_ptr_array_index (diagram->nodes, i), &r);
      x0 = MIN (x0, r.x);
      y0 = MIN (y0, r.y);
      x1 = MAX (x1, r.x + r.width);
      y1 = MAX (y1, r.y + r.height);
    }
  /* Detoured wires run in lanes beside the cards: keep those in too. */
  for (guint i = 0; i < diagram->edges->len; i++)
    {
      double p[LAB_DIAGRAM_PATH_MAX];

      if (lab_diagram_edge_path (diagram, i, p) == 3)
        {
          x0 = MIN (x0, p[6] - LAB_DIAGRAM_PORT_RADIUS);
          x1 = MAX (x1, p[6] + LAB_DIAGRAM_PORT_RADIUS);
        }
    }
  *bounds = (LabDiagramRect){ x0, y0, x1 - x0, y1 - y0 };
  return TRUE;
}

/* Tidy layout ---------------------------------------------------------- */

typedef struct
{
  int index;    /* into diagram->nodes */
  double key;   /* barycentre or current x */
  int position; /* previous position in its layer, breaks ties */
} TidyItem;

static int
compare_items (gconstpointer a, gconstpointer b)
{
  const TidyItem *ia = a, *ib = b;

  if (ia->key != ib->key)
    return ia->key < ib->key ? -1 : 1;
  return ia->position - ib->position;
}

/* Reorders every layer by the mean position of each node's neighbours in
 * the layers above (down == TRUE) or below; a node with no such neighbour
 * keeps its place. */
static void
barycentre_pass (const LabDiagram *diagram, const int *node_index_of_edge_from,
                 const int *node_index_of_edge_to, GArray **layers, int n_layers,
                 const int *layer_of, int *position, gboolean down)
{
  for (int step = 1; step < n_layers; step++)
    {
      int l = down ? step : n_layers - 1 - step;
      GArray *layer = layers[l];

      for (guint k = 0; k < layer->len; k++)
        {
          TidyItem *item = &g_array_index (layer, TidyItem, k);
          double sum = 0;
          int count = 0;

          for (guint e = 0; e < diagram->edges->len; e++)
            {
              int self = down ? node_index_of_edge_to[e] : node_index_of_edge_from[e];
              int other = down ? node_index_of_edge_from[e] : node_index_of_edge_to[e];

              if (self != item->index || other < 0)
                continue;
              if (down ? layer_of[other] >= l : layer_of[other] <= l)
                continue;
              sum += position[other];
              count++;
            }
          item->position = (int) k;
          item->key = count > 0 ? sum / count : k;
        }
      g_array_sort (layer, compare_items);
      for (guint k = 0; k < layer->len; k++)
        position[g_array_index (layer, TidyItem, k).index] = (int) k;
    }
}

void
lab_diagram_tidy (LabDiagram *diagram)
{
  int n = (int) diagram->nodes->len;
  int n_edges = (int) diagram->edges->len;
  g_autofree int *layer_of = NULL;
  g_autofree int *position = NULL;
  g_autofree int *from_index = NULL;
  g_autofree int *to_index = NULL;
  g_autoptr (GHashTable) index_of = NULL;
  GArray **layers;
  int n_layers = 0;
  double y = 0;

  g_return_if_fail (diagram != NULL);
  if (n <= 0)
    return;

  index_of = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int i = 0; i < n; i++)
    g_hash_table_insert (index_of,
                         GINT_TO_POINTER (((LabDiagramNode *) diagram->nodes->pdata[i])->id),
                         GINT_TO_POINTER (i + 1));
  from_index = g_new (int, MAX (n_edges, 1));
  to_index = g_new (int, MAX (n_edges, 1));
  for (int e = 0; e < n_edges; e++)
    {
      const LabDiagramEdge *edge = &g_array_index (diagram->edges, LabDiagramEdge, e);
      from_index[e] =
        GPOINTER_TO_INT (g_hash_table_lookup (index_of, GINT_TO_POINTER (edge->from))) - 1;
      to_index[e] =
        GPOINTER_TO_INT (g_hash_table_lookup (index_of, GINT_TO_POINTER (edge->to))) - 1;
    }

  /* Longest path from the sources; at most n rounds, so a cycle ends too. */
  layer_of = g_new0 (int, n);
  for (int round = 0; round < n; round++)
    {
      gboolean changed = FALSE;

      for (int e = 0; e < n_edges; e++)
        {
          int f = from_index[e], t = to_index[e];

          if (f < 0 || t < 0 || f == t)
            continue;
          if (layer_of[t] < layer_of[f] + 1 && layer_of[f] + 1 < n)
            {
              layer_of[t] = layer_of[f] + 1;
              changed = TRUE;
            }
        }
      if (!changed)
        break;
    }
  for (int i = 0; i < n; i++)
    n_layers = MAX (n_layers, layer_of[i] + 1);

  /* Start from the current left-to-right order, so a tidy keeps what the
   * user arranged where the crossings allow it. */
  layers = g_new (GArray *, n_layers);
  for (int l = 0; l < n_layers; l++)
    layers[l] = g_array_new (FALSE, FALSE, sizeof (TidyItem));
  for (int i = 0; i < n; i++)
    {
      TidyItem item = { i, ((LabDiagramNode *) diagram->nodes->pdata[i])->x, i };
      g_array_append_val (layers[layer_of[i]], item);
    }
  position = g_new0 (int, n);
  for (int l = 0; l < n_layers; l++)
    {
      g_array_sort (layers[l], compare_items);
      for (guint k = 0; k < layers[l]->len; k++)
        position[g_array_index (layers[l], TidyItem, k).index] = (int) k;
    }

  barycentre_pass (diagram, from_index, to_index, layers, n_layers, layer_of, position, TRUE);
  barycentre_pass (diagram, from_index, to_index, layers, n_layers, layer_of, position, FALSE);
  barycentre_pass (diagram, from_index, to_index, layers, n_layers, layer_of, position, TRUE);

  for (int l = 0; l < n_layers; l++)
    {
      GArray *layer = layers[l];
      double count = layer->len;
      double width = count * LAB_DIAGRAM_CARD_WIDTH + MAX (count - 1, 0) * LAB_DIAGRAM_H_SPACING;
      double tallest = 0;

      for (guint k = 0; k < layer->len; k++)
        {
          LabDiagramNode *node = diagram->nodes->pdata[g_array_index (layer, TidyItem, k).index];

          node->x = -width / 2 + k * (LAB_DIAGRAM_CARD_WIDTH + LAB_DIAGRAM_H_SPACING);
          node->y = y;
          tallest = MAX (tallest, lab_diagram_node_height (node));
        }
      y += tallest + LAB_DIAGRAM_V_SPACING;
      g_array_unref (layer);
    }
  g_free (layers);
}
