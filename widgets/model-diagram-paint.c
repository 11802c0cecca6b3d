/* model-diagram-paint.c — draws a LabDiagram with Cairo and Pango: cards with
 * a coloured stripe per layer group, curved wires with arrowheads, ports,
 * selection, focus and error states; and writes it to PNG or SVG. */
#include "config.h"

#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "error.h"
#include "model-diagram-paint.h"

#define TITLE_SIZE    16.0
#define BODY_SIZE     14.0
#define FOOTER_SIZE   13.0
#define ARROW_LENGTH  11.0
#define ARROW_HALF    6.0
#define EXPORT_MARGIN 32.0

static LabDiagramColor
rgb (guint32 hex, double alpha)
{
  return (LabDiagramColor){ ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                            (hex & 0xff) / 255.0, alpha };
}

void
lab_diagram_style_init (LabDiagramStyle *style, gboolean dark)
{
  g_return_if_fail (style != NULL);

  /* Libadwaita 1.2's palette; the canvas replaces text, accent and card
   * colours with the theme's when it has them. */
  if (dark)
    {
      style->background = rgb (0x1e1e1e, 1);
      style->card = rgb (0x303030, 1);
      style->shadow = rgb (0x000000, 0.35);
      style->card_border = rgb (0xffffff, 0.14);
      style->text = rgb (0xffffff, 1);
      style->dim_text = rgb (0xffffff, 0.62);
      style->wire = rgb (0xffffff, 0.55);
      style->accent = rgb (0x78aeed, 1);
      style->error = rgb (0xff7b63, 1);
      style->error_card = rgb (0x4a2426, 1);
    }
  else
    {
      style->background = rgb (0xf6f5f4, 1);
      style->card = rgb (0xffffff, 1);
      style->shadow = rgb (0x000000, 0.10);
      style->card_border = rgb (0x000000, 0.15);
      style->text = rgb (0x000000, 0.85);
      style->dim_text = rgb (0x000000, 0.58);
      style->wire = rgb (0x000000, 0.50);
      style->accent = rgb (0x3584e4, 1);
      style->error = rgb (0xe01b24, 1);
      style->error_card = rgb (0xfce8e8, 1);
    }
  style->groups[LAB_DIAGRAM_GROUP_CORE] = rgb (0x3584e4, 1);
  style->groups[LAB_DIAGRAM_GROUP_CONVOLUTION] = rgb (0x33d17a, 1);
  style->groups[LAB_DIAGRAM_GROUP_POOLING] = rgb (0x2190a4, 1);
  style->groups[LAB_DIAGRAM_GROUP_RECURRENT] = rgb (0x9141ac, 1);
  style->groups[LAB_DIAGRAM_GROUP_NORMALISATION] = rgb (0xf6d32d, 1);
  style->groups[LAB_DIAGRAM_GROUP_MERGE] = rgb (0xff7800, 1);
  style->groups[LAB_DIAGRAM_GROUP_ACTIVATION] = rgb (0x986a44, 1);
  g_strlcpy (style->font_family, "Cantarell", sizeof style->font_family);
}

void
lab_diagram_view_init (LabDiagramView *view)
{
  g_return_if_fail (view != NULL);
  *view = (LabDiagramView){
    .zoom = 1.0, .hover_id = -1, .focus_id = -1, .drop_edge = -1, .connect_from = -1
  };
}

static void
set_color (cairo_t *cr, const LabDiagramColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* One layout reused for every text: font size in diagram units, so text
 * scales with the zoom exactly like the cards do. */
typedef struct
{
  PangoLayout *layout;
  PangoFontDescription *font;
} Text;

static void
text_init (Text *text, cairo_t *cr, const LabDiagramStyle *style)
{
  PangoContext *context;
  cairo_font_options_t *options = cairo_font_options_create ();

  text->layout = pango_cairo_create_layout (cr);
  context = pango_layout_get_context (text->layout);
  /* Unhinted metrics keep text widths proportional at every zoom, so a
   * label does not jump between ellipsized and whole while zooming. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_layout_context_changed (text->layout);
  cairo_font_options_destroy (options);
  text->font = pango_font_description_new ();
  pango_font_description_set_family (text->font, style->font_family);
  pango_layout_set_ellipsize (text->layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (text->layout, TRUE);
}

static void
text_clear (Text *text)
{
  g_object_unref (text->layout);
  pango_font_description_free (text->font);
}

/* Draws `str` in a box of the given width whose vertical centre is cy;
 * returns the width the text took. */
static double
text_draw (Text *text, cairo_t *cr, const char *str, double x, double cy, double width, double size,
           PangoWeight weight, PangoAlignment align, const LabDiagramColor *color)
{
  PangoRectangle logical;

  if (str == NULL || *str == '\0' || width <= 0)
    return 0;
  pango_font_description_set_absolute_size (text->font, size * PANGO_SCALE);
  pango_font_description_set_weight (text->font, weight);
  pango_layout_set_font_description (text->layout, text->font);
  pango_layout_set_width (text->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (text->layout, align);
  pango_layout_set_text (text->layout, str, -1);
  pango_layout_get_extents (text->layout, NULL, &logical);
  set_color (cr, color);
  cairo_move_to (cr, x, cy - logical.height / (2.0 * PANGO_SCALE));
  pango_cairo_show_layout (cr, text->layout);
  return logical.width / (double) PANGO_SCALE;
}

static double
text_width (Text *text, const char *str, double size, PangoWeight weight)
{
  PangoRectangle logical;

  if (str == NULL || *str == '\0')
    return 0;
  pango_font_description_set_absolute_size (text->font, size * PANGO_SCALE);
  pango_font_description_set_weight (text->font, weight);
  pango_layout_set_font_description (text->layout, text->font);
  pango_layout_set_width (text->layout, -1);
  pango_layout_set_text (text->layout, str, -1);
  pango_layout_get_extents (text->layout, NULL, &logical);
  return logical.width / (double) PANGO_SCALE;
}

static void
paint_arrow (cairo_t *cr, const double p[8])
{
  double dx = p[6] - p[4], dy = p[7] - p[5];
  double len = hypot (dx, dy);
  double tip_x, tip_y, bx, by;

  if (len < 1e-6)
    {
      dx = 0;
      dy = 1;
      len = 1;
    }
  dx /= len;
  dy /= len;
  /* The tip touches the input port's ring rather than hiding under it. */
  tip_x = p[6] - dx * LAB_DIAGRAM_PORT_RADIUS;
  tip_y = p[7] - dy * LAB_DIAGRAM_PORT_RADIUS;
  bx = tip_x - dx * ARROW_LENGTH;
  by = tip_y - dy * ARROW_LENGTH;
  cairo_move_to (cr, tip_x, tip_y);
  cairo_line_to (cr, bx - dy * ARROW_HALF, by + dx * ARROW_HALF);
  cairo_line_to (cr, bx + dy * ARROW_HALF, by - dx * ARROW_HALF);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
paint_wires (cairo_t *cr, const LabDiagram *diagram, const LabDiagramView *view,
             const LabDiagramStyle *style)
{
  for (guint i = 0; i < lab_diagram_n_edges (diagram); i++)
    {
      double p[LAB_DIAGRAM_PATH_MAX];
      gboolean target = (int) i == view->drop_edge;
      int n = lab_diagram_edge_path (diagram, i, p);
      const double *last;

      if (n == 0)
        continue;
      last = p + 6 * (n - 1);
      set_color (cr, target ? &style->accent : &style->wire);
      cairo_set_line_width (cr, target ? 4.0 : 2.0);
      cairo_move_to (cr, p[0], p[1]);
      for (int seg = 0; seg < n - 1; seg++)
        {
          const double *q = p + 6 * seg;
          cairo_curve_to (cr, q[2], q[3], q[4], q[5], q[6], q[7]);
        }
      /* Stop the line where the arrowhead starts so its tip stays sharp. */
      cairo_curve_to (cr, last[2], last[3], last[4], last[5], last[6],
                      last[7] - LAB_DIAGRAM_PORT_RADIUS - ARROW_LENGTH + 1);
      cairo_stroke (cr);
      paint_arrow (cr, last);
    }
}

/* The wire being dragged from an output port, drawn over the cards so it
 * stays visible wherever the pointer goes. */
static void
paint_connecting (cairo_t *cr, const LabDiagram *diagram, const LabDiagramView *view,
                  const LabDiagramStyle *style)
{
  const LabDiagramNode *from = lab_diagram_find (diagram, view->connect_from);
  double x0, y0, reach;

  if (!view->connecting || from == NULL)
    return;
  lab_diagram_output_port (from, &x0, &y0);
  reach = MAX (40.0, fabs (view->connect_y - y0) / 2);
  set_color (cr, &style->accent);
  cairo_set_line_width (cr, 3.0);
  cairo_set_dash (cr, (double[]){ 8, 5 }, 2, 0);
  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, x0, y0 + reach, view->connect_x, view->connect_y - reach, view->connect_x,
                  view->connect_y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
paint_port (cairo_t *cr, double x, double y, gboolean filled, const LabDiagramColor *ring,
            const LabDiagramStyle *style)
{
  cairo_arc (cr, x, y, LAB_DIAGRAM_PORT_RADIUS, 0, 2 * G_PI);
  set_color (cr, filled ? ring : &style->card);
  cairo_fill_preserve (cr);
  set_color (cr, ring);
  cairo_set_line_width (cr, 2.0);
  cairo_stroke (cr);
}

static void
paint_error_badge (cairo_t *cr, double cx, double cy, const LabDiagramStyle *style)
{
  const double r = 10;

  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  set_color (cr, &style->error);
  cairo_fill (cr);
  /* An exclamation mark drawn, not typed, so it needs no font. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2.6);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, cx, cy - 5.5);
  cairo_line_to (cr, cx, cy + 1.5);
  cairo_stroke (cr);
  cairo_arc (cr, cx, cy + 5.5, 1.5, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
}

static void
paint_card (cairo_t *cr, Text *text, const LabDiagram *diagram, const LabDiagramNode *node,
            const LabDiagramView *view, const LabDiagramStyle *style)
{
  LabDiagramRect r;
  const LabDiagramColor *group = &style->groups[node->group];
  gboolean invalid = node->error != NULL;
  double inner_x, inner_w, line_y, name_w, badge_w;
  double px, py;

  lab_diagram_node_rect (node, &r);

  if (node->id == view->focus_id)
    {
      set_color (cr, &style->accent);
      cairo_set_line_width (cr, 2.0);
      cairo_set_dash (cr, (double[]){ 4, 3 }, 2, 0);
      rounded_rect (cr, r.x - 6, r.y - 6, r.width + 12, r.height + 12, LAB_DIAGRAM_CORNER + 6);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  set_color (cr, &style->shadow);
  rounded_rect (cr, r.x, r.y + 2, r.width, r.height, LAB_DIAGRAM_CORNER);
  cairo_fill (cr);

  rounded_rect (cr, r.x, r.y, r.width, r.height, LAB_DIAGRAM_CORNER);
  set_color (cr, invalid ? &style->error_card : &style->card);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);
  set_color (cr, invalid ? &style->error : group);
  cairo_rectangle (cr, r.x, r.y, r.width, LAB_DIAGRAM_STRIPE);
  cairo_fill (cr);
  cairo_restore (cr);

  inner_x = r.x + LAB_DIAGRAM_PAD;
  inner_w = r.width - 2 * LAB_DIAGRAM_PAD;
  line_y = r.y + LAB_DIAGRAM_STRIPE + LAB_DIAGRAM_PAD;

  /* Title left, name right; the name gives way to the title when short of room. */
  badge_w = invalid ? 28 : 0;
  if (invalid)
    paint_error_badge (cr, r.x + r.width - LAB_DIAGRAM_PAD - 10,
                       line_y + LAB_DIAGRAM_TITLE_LINE / 2, style);
  name_w =
    MIN (text_width (text, node->name, BODY_SIZE, PANGO_WEIGHT_NORMAL), (inner_w - badge_w) * 0.45);
  text_draw (text, cr, node->title, inner_x, line_y + LAB_DIAGRAM_TITLE_LINE / 2,
             inner_w - badge_w - name_w - 8, TITLE_SIZE, PANGO_WEIGHT_BOLD, PANGO_ALIGN_LEFT,
             &style->text);
  text_draw (text, cr, node->name, inner_x + inner_w - badge_w - name_w,
             line_y + LAB_DIAGRAM_TITLE_LINE / 2, name_w, BODY_SIZE, PANGO_WEIGHT_NORMAL,
             PANGO_ALIGN_RIGHT, &style->dim_text);
  line_y += LAB_DIAGRAM_TITLE_LINE;

  for (int i = 0; node->details && node->details[i]; i++)
    {
      text_draw (text, cr, node->details[i], inner_x, line_y + LAB_DIAGRAM_DETAIL_LINE / 2, inner_w,
                 BODY_SIZE, PANGO_WEIGHT_NORMAL, PANGO_ALIGN_LEFT, &style->text);
      line_y += LAB_DIAGRAM_DETAIL_LINE;
    }

  /* Footer: output shape and parameter count under a hairline. */
  set_color (cr, &style->card_border);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, inner_x, line_y + 3.5);
  cairo_line_to (cr, inner_x + inner_w, line_y + 3.5);
  cairo_stroke (cr);
  line_y += 3.5;
  {
    double params_w =
      MIN (text_width (text, node->params, FOOTER_SIZE, PANGO_WEIGHT_NORMAL), inner_w * 0.5);
    double cy = line_y + LAB_DIAGRAM_FOOTER_LINE / 2 + 1;

    text_draw (text, cr, node->shape ? node->shape : "?", inner_x, cy, inner_w - params_w - 8,
               FOOTER_SIZE, PANGO_WEIGHT_SEMIBOLD, PANGO_ALIGN_LEFT,
               node->shape ? &style->text : &style->dim_text);
    text_draw (text, cr, node->params, inner_x + inner_w - params_w, cy, params_w, FOOTER_SIZE,
               PANGO_WEIGHT_NORMAL, PANGO_ALIGN_RIGHT, &style->dim_text);
  }

  rounded_rect (cr, r.x, r.y, r.width, r.height, LAB_DIAGRAM_CORNER);
  if (invalid)
    {
      set_color (cr, &style->error);
      cairo_set_line_width (cr, node->selected ? 3.5 : 2.5);
    }
  else if (node->selected || (view->connecting && node->id == view->hover_id &&
                              node->id != view->connect_from && node->has_input))
    {
      set_color (cr, &style->accent);
      cairo_set_line_width (cr, 3.0);
    }
  else
    {
      set_color (cr, node->id == view->hover_id ? &style->dim_text : &style->card_border);
      cairo_set_line_width (cr, 1.0);
    }
  cairo_stroke (cr);
  if (invalid && node->selected)
    {
      /* Red border stays; selection shows as an accent ring just outside. */
      set_color (cr, &style->accent);
      cairo_set_line_width (cr, 2.0);
      rounded_rect (cr, r.x - 3, r.y - 3, r.width + 6, r.height + 6, LAB_DIAGRAM_CORNER + 3);
      cairo_stroke (cr);
    }

  if (node->has_input)
    {
      int n_slots = lab_diagram_n_input_slots (diagram, node->id);

      for (int slot = 0; slot < n_slots; slot++)
        {
          lab_diagram_input_port (node, slot, n_slots, &px, &py);
          paint_port (cr, px, py, FALSE, &style->wire, style);
        }
    }
  lab_diagram_output_port (node, &px, &py);
  paint_port (cr, px, py, TRUE, node->id == view->hover_id ? &style->accent : group, style);
}

void
lab_model_diagram_paint (cairo_t *cr, const LabDiagram *diagram, const LabDiagramView *view,
                         double width, double height, const LabDiagramStyle *style)
{
  LabDiagramView default_view;
  LabDiagramStyle default_style;
  Text text;

  g_return_if_fail (cr != NULL && diagram != NULL);
  if (view == NULL)
    {
      lab_diagram_view_init (&default_view);
      view = &default_view;
    }
  if (style == NULL)
    {
      lab_diagram_style_init (&default_style, FALSE);
      style = &default_style;
    }

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (style->background.a > 0)
    {
      set_color (cr, &style->background);
      cairo_paint (cr);
    }
  cairo_translate (cr, view->pan_x, view->pan_y);
  cairo_scale (cr, view->zoom, view->zoom);

  paint_wires (cr, diagram, view, style);
  text_init (&text, cr, style);
  for (guint i = 0; i < lab_diagram_n_nodes (diagram); i++)
    paint_card (cr, &text, diagram, lab_diagram_get_node (diagram, i), view, style);
  text_clear (&text);
  paint_connecting (cr, diagram, view, style);

  if (view->rubber_band)
    {
      const LabDiagramRect *b = &view->rubber;

      cairo_rectangle (cr, b->x, b->y, b->width, b->height);
      set_color (cr, &(LabDiagramColor){ style->accent.r, style->accent.g, style->accent.b, 0.15 });
      cairo_fill_preserve (cr);
      set_color (cr, &style->accent);
      cairo_set_line_width (cr, 1.0 / MAX (view->zoom, 0.01));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
lab_model_diagram_fit (const LabDiagram *diagram, double width, double height, double margin,
                       double max_zoom, LabDiagramView *view)
{
  LabDiagramRect b;
  double zoom;

  g_return_if_fail (diagram != NULL && view != NULL);
  if (!lab_diagram_bounds (diagram, &b))
    {
      view->zoom = 1.0;
      view->pan_x = width / 2;
      view->pan_y = margin;
      return;
    }
  zoom = MIN ((width - 2 * margin) / MAX (b.width, 1), (height - 2 * margin) / MAX (b.height, 1));
  zoom = CLAMP (zoom, 0.1, max_zoom);
  view->zoom = zoom;
  view->pan_x = width / 2 - (b.x + b.width / 2) * zoom;
  view->pan_y = height / 2 - (b.y + b.height / 2) * zoom;
}

/* Export size and the view that puts the bounds inside the margin. */
static gboolean
export_geometry (const LabDiagram *diagram, const char *path, double scale, int *width, int *height,
                 LabDiagramView *view, GError **error)
{
  LabDiagramRect b;

  if (!lab_diagram_bounds (diagram, &b))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The model has no layers, so there is no diagram to write to “%s”."), path);
      return FALSE;
    }
  lab_diagram_view_init (view);
  view->zoom = scale;
  view->pan_x = (EXPORT_MARGIN - b.x) * scale;
  /* The margin also holds the output ports, which stick out below the cards. */
  view->pan_y = (EXPORT_MARGIN - b.y) * scale;
  *width = (int) ceil ((b.width + 2 * EXPORT_MARGIN) * scale);
  *height = (int) ceil ((b.height + 2 * EXPORT_MARGIN) * scale);
  return TRUE;
}

static gboolean
check_surface (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write the diagram to “%s”: %s"), path,
               cairo_status_to_string (status));
  return FALSE;
}

gboolean
lab_model_diagram_write_png (const LabDiagram *diagram, const LabDiagramStyle *style, double scale,
                             const char *path, GError **error)
{
  LabDiagramStyle light;
  LabDiagramView view;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int width, height;

  g_return_val_if_fail (diagram != NULL && path != NULL, FALSE);
  if (scale <= 0 || scale > 8)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("The diagram scale must be between 0 and 8, not %g."), scale);
      return FALSE;
    }
  if (style == NULL)
    {
      lab_diagram_style_init (&light, FALSE);
      style = &light;
    }
  if (!export_geometry (diagram, path, scale, &width, &height, &view, error))
    return FALSE;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cr = cairo_create (surface);
  lab_model_diagram_paint (cr, diagram, &view, width, height, style);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write the diagram to “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_model_diagram_write_svg (const LabDiagram *diagram, const LabDiagramStyle *style,
                             const char *path, GError **error)
{
  LabDiagramStyle light;
  LabDiagramView view;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;
  int width, height;

  g_return_val_if_fail (diagram != NULL && path != NULL, FALSE);
  if (style == NULL)
    {
      lab_diagram_style_init (&light, FALSE);
      style = &light;
    }
  if (!export_geometry (diagram, path, 1.0, &width, &height, &view, error))
    return FALSE;

  surface = cairo_svg_surface_create (path, width, height);
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  /* Pixels, not cairo's default points, so the SVG opens at the PNG's size. */
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  cr = cairo_create (surface);
  lab_model_diagram_paint (cr, diagram, &view, width, height, style);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}
