/* test-model-diagram.c — the diagram data, its layout and its painter, without
 * a display: hit testing, tidy layout, PNG and SVG export. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "model-diagram-paint.h"
#include "model-diagram.h"
#include "widget-png.h"

static LabDiagramNode *
add (LabDiagram *d, int id, const char *title, const char *name, LabDiagramGroup group,
     const char *detail, const char *shape, const char *params)
{
  LabDiagramNode *node = lab_diagram_add_node (d, id, title, name, group);
  const char *lines[] = { detail, NULL };

  g_assert_nonnull (node);
  if (detail)
    lab_diagram_node_set_details (node, lines);
  lab_diagram_node_set_shape (node, shape);
  lab_diagram_node_set_params (node, params);
  return node;
}

/* The seed CNN of the templates, its output layer in error. */
static LabDiagram *
make_cnn (void)
{
  LabDiagram *d = lab_diagram_new ();
  LabDiagramNode *input, *output;

  input = add (d, 1, "Input", "image", LAB_DIAGRAM_GROUP_CORE, NULL, "1×28×28", NULL);
  input->has_input = FALSE;
  add (d, 2, "Conv2D", "conv1", LAB_DIAGRAM_GROUP_CONVOLUTION, "32 filters 3×3, ReLU", "32×26×26",
       "320 params");
  add (d, 3, "MaxPool2D", "pool1", LAB_DIAGRAM_GROUP_POOLING, "2×2, stride 2", "32×13×13", NULL);
  add (d, 4, "Conv2D", "conv2", LAB_DIAGRAM_GROUP_CONVOLUTION, "64 filters 3×3, ReLU", "64×11×11",
       "18,496 params");
  add (d, 5, "MaxPool2D", "pool2", LAB_DIAGRAM_GROUP_POOLING, "2×2, stride 2", "64×5×5", NULL);
  add (d, 6, "Flatten", "flatten", LAB_DIAGRAM_GROUP_CORE, NULL, "1600", NULL);
  add (d, 7, "Dense", "fc1", LAB_DIAGRAM_GROUP_CORE, "128 units, ReLU", "128", "204,928 params");
  output = add (d, 8, "Dense", "output", LAB_DIAGRAM_GROUP_CORE, "0 units, softmax", NULL, NULL);
  lab_diagram_node_set_error (output, "Dense 'output': the number of units must be at least 1.");
  for (int i = 1; i < 8; i++)
    g_assert_cmpint (lab_diagram_add_edge (d, i, i + 1, 0), ==, i - 1);
  lab_diagram_tidy (d);
  return d;
}

/* Input → two Dense branches → Add. */
static LabDiagram *
make_branch (void)
{
  LabDiagram *d = lab_diagram_new ();

  add (d, 10, "Input", "x", LAB_DIAGRAM_GROUP_CORE, NULL, "64", NULL)->has_input = FALSE;
  add (d, 11, "Dense", "left", LAB_DIAGRAM_GROUP_CORE, "32 units", "32", "2,080 params");
  add (d, 12, "Dense", "right", LAB_DIAGRAM_GROUP_CORE, "32 units", "32", "2,080 params");
  add (d, 13, "Add", "sum", LAB_DIAGRAM_GROUP_MERGE, NULL, "32", NULL);
  lab_diagram_add_edge (d, 10, 11, 0);
  lab_diagram_add_edge (d, 10, 12, 0);
  lab_diagram_add_edge (d, 11, 13, 0);
  lab_diagram_add_edge (d, 12, 13, 1);
  lab_diagram_tidy (d);
  return d;
}

static gboolean
overlap (const LabDiagramNode *a, const LabDiagramNode *b)
{
  LabDiagramRect ra, rb;

  lab_diagram_node_rect (a, &ra);
  lab_diagram_node_rect (b, &rb);
  return ra.x < rb.x + rb.width && rb.x < ra.x + ra.width && ra.y < rb.y + rb.height &&
         rb.y < ra.y + ra.height;
}

static void
test_add_find (void)
{
  g_autoptr (LabDiagram) d = lab_diagram_new ();

  g_assert_nonnull (lab_diagram_add_node (d, 5, "Dense", "fc", LAB_DIAGRAM_GROUP_CORE));
  g_assert_null (lab_diagram_add_node (d, 5, "Dense", "again", LAB_DIAGRAM_GROUP_CORE));
  g_assert_cmpstr (lab_diagram_find (d, 5)->name, ==, "fc");
  g_assert_null (lab_diagram_find (d, 6));
  g_assert_cmpint (lab_diagram_add_edge (d, 5, 6, 0), ==, -1);
  lab_diagram_clear (d);
  g_assert_cmpuint (lab_diagram_n_nodes (d), ==, 0);
}

static void
test_tidy_chain (void)
{
  g_autoptr (LabDiagram) d = make_cnn ();

  for (guint i = 1; i < lab_diagram_n_nodes (d); i++)
    {
      const LabDiagramNode *prev = lab_diagram_get_node (d, i - 1);
      const LabDiagramNode *node = lab_diagram_get_node (d, i);

      g_assert_cmpfloat (node->x, ==, prev->x);
      g_assert_cmpfloat (node->y, >, prev->y);
      for (guint j = 0; j < i; j++)
        g_assert_false (overlap (node, lab_diagram_get_node (d, j)));
    }
}

static void
test_tidy_branch (void)
{
  g_autoptr (LabDiagram) d = make_branch ();
  const LabDiagramNode *input = lab_diagram_find (d, 10);
  const LabDiagramNode *left = lab_diagram_find (d, 11);
  const LabDiagramNode *right = lab_diagram_find (d, 12);
  const LabDiagramNode *sum = lab_diagram_find (d, 13);

  g_assert_cmpfloat (left->y, ==, right->y);
  g_assert_cmpfloat (left->x, <, right->x);
  g_assert_false (overlap (left, right));
  g_assert_cmpfloat (left->y, >, input->y);
  g_assert_cmpfloat (sum->y, >, left->y);
  /* The merge sits centred under its two inputs. */
  g_assert_cmpfloat (fabs ((left->x + right->x) / 2 - sum->x), <, 1e-6);
}

static void
test_tidy_cycle (void)
{
  g_autoptr (LabDiagram) d = lab_diagram_new ();

  lab_diagram_add_node (d, 1, "Dense", "a", LAB_DIAGRAM_GROUP_CORE);
  lab_diagram_add_node (d, 2, "Dense", "b", LAB_DIAGRAM_GROUP_CORE);
  lab_diagram_add_edge (d, 1, 2, 0);
  lab_diagram_add_edge (d, 2, 1, 0);
  lab_diagram_tidy (d);
  g_assert_false (overlap (lab_diagram_find (d, 1), lab_diagram_find (d, 2)));
}

static void
test_hit_testing (void)
{
  g_autoptr (LabDiagram) d = make_branch ();
  const LabDiagramNode *left = lab_diagram_find (d, 11);
  double px, py, p[LAB_DIAGRAM_PATH_MAX];
  int id = 0;

  g_assert_true (lab_diagram_node_at (d, left->x + 5, left->y + 5) == left);
  g_assert_null (lab_diagram_node_at (d, left->x - 5, left->y - 5));

  lab_diagram_output_port (left, &px, &py);
  g_assert_cmpint (lab_diagram_port_at (d, px + 2, py - 2, 8, &id), ==, LAB_DIAGRAM_PORT_OUTPUT);
  g_assert_cmpint (id, ==, 11);
  lab_diagram_input_port (left, 0, 1, &px, &py);
  g_assert_cmpint (lab_diagram_port_at (d, px, py + 3, 8, &id), ==, LAB_DIAGRAM_PORT_INPUT);
  g_assert_cmpint (id, ==, 11);
  g_assert_cmpint (lab_diagram_port_at (d, left->x + 3, left->y + 40, 8, &id), ==,
                   LAB_DIAGRAM_PORT_NONE);
  g_assert_cmpint (id, ==, -1);

  /* The midpoint of the wire left → sum (edge 2) is found; far away nothing is. */
  g_assert_cmpint (lab_diagram_edge_path (d, 2, p), ==, 1);
  g_assert_cmpint (lab_diagram_edge_near (d, (p[0] + 3 * p[2] + 3 * p[4] + p[6]) / 8,
                                          (p[1] + 3 * p[3] + 3 * p[5] + p[7]) / 8, 10),
                   ==, 2);
  g_assert_cmpint (lab_diagram_edge_near (d, -5000, -5000, 10), ==, -1);
}

/* x → Dense a → Dense b → Add, with x also fed straight into the Add. */
static LabDiagram *
make_residual (void)
{
  LabDiagram *d = lab_diagram_new ();

  add (d, 1, "Input", "x", LAB_DIAGRAM_GROUP_CORE, NULL, "64", NULL)->has_input = FALSE;
  add (d, 2, "Dense", "a", LAB_DIAGRAM_GROUP_CORE, "64 units, ReLU", "64", "4,160 params");
  add (d, 3, "Dense", "b", LAB_DIAGRAM_GROUP_CORE, "64 units", "64", "4,160 params");
  add (d, 4, "Add", "residual", LAB_DIAGRAM_GROUP_MERGE, NULL, "64", NULL);
  lab_diagram_add_edge (d, 1, 2, 0);
  lab_diagram_add_edge (d, 2, 3, 0);
  lab_diagram_add_edge (d, 3, 4, 0);
  lab_diagram_add_edge (d, 1, 4, 1);
  lab_diagram_tidy (d);
  return d;
}

static void
test_skip_wire_avoids_cards (void)
{
  g_autoptr (LabDiagram) d = make_residual ();
  g_autofree char *path = widget_png_output_path ("model-diagram-residual.png");
  g_autoptr (GError) error = NULL;
  double p[LAB_DIAGRAM_PATH_MAX];
  int n = lab_diagram_edge_path (d, 3, p);

  g_assert_cmpint (n, ==, 3);
  for (int seg = 0; seg < n; seg++)
    for (int s = 0; s <= 16; s++)
      {
        const double *q = p + 6 * seg;
        double t = s / 16.0, u = 1 - t;
        double x =
          u * u * u * q[0] + 3 * u * u * t * q[2] + 3 * u * t * t * q[4] + t * t * t * q[6];
        double y =
          u * u * u * q[1] + 3 * u * u * t * q[3] + 3 * u * t * t * q[5] + t * t * t * q[7];

        for (int id = 2; id <= 3; id++)
          {
            LabDiagramRect r;

            lab_diagram_node_rect (lab_diagram_find (d, id), &r);
            g_assert_false (x >= r.x && x <= r.x + r.width && y >= r.y && y <= r.y + r.height);
          }
      }
  /* Hit testing follows the detour: the middle of its lane finds it. */
  g_assert_cmpint (lab_diagram_edge_near (d, p[6], (p[7] + p[13]) / 2, 5), ==, 3);
  /* The wires of a plain chain stay single curves. */
  g_assert_cmpint (lab_diagram_edge_path (d, 1, p), ==, 1);
  g_assert_true (lab_model_diagram_write_png (d, NULL, 1.0, path, &error));
  g_assert_no_error (error);
}

static void
test_select_rect (void)
{
  g_autoptr (LabDiagram) d = make_branch ();
  const LabDiagramNode *left = lab_diagram_find (d, 11);
  const LabDiagramNode *right = lab_diagram_find (d, 12);
  /* Dragged from bottom-right to top-left over both branches only. */
  LabDiagramRect band = { right->x + 10, right->y + 10, left->x + 10 - (right->x + 10), -4 };

  lab_diagram_find (d, 10)->selected = TRUE;
  g_assert_cmpuint (lab_diagram_select_rect (d, &band, FALSE), ==, 2);
  g_assert_true (left->selected && right->selected);
  g_assert_false (lab_diagram_find (d, 10)->selected);
  lab_diagram_find (d, 13)->selected = TRUE;
  g_assert_cmpuint (lab_diagram_select_rect (d, &band, TRUE), ==, 3);
}

static guint
count_red (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  int width, height, stride;
  const guint8 *data;
  guint red = 0;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        /* libadwaita's red #e01b24, allowing for antialiasing. */
        red += r > 190 && g < 70 && b < 80;
      }
  cairo_surface_destroy (surface);
  return red;
}

static void
test_png_error_is_red (void)
{
  g_autoptr (LabDiagram) cnn = make_cnn ();
  g_autoptr (LabDiagram) branch = make_branch ();
  g_autofree char *path = widget_png_output_path ("model-diagram.png");
  g_autofree char *valid_path = widget_png_output_path ("model-diagram-valid.png");
  g_autoptr (GError) error = NULL;
  LabDiagramRect bounds;
  cairo_surface_t *surface;

  g_assert_true (lab_model_diagram_write_png (cnn, NULL, 1.0, path, &error));
  g_assert_no_error (error);
  g_assert_true (lab_model_diagram_write_png (branch, NULL, 1.0, valid_path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_red (path), >, 200);
  g_assert_cmpuint (count_red (valid_path), ==, 0);

  /* Sized to the bounds plus the margin on every side. */
  lab_diagram_bounds (cnn, &bounds);
  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, (int) ceil (bounds.width + 64));
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, (int) ceil (bounds.height + 64));
  cairo_surface_destroy (surface);
}

static void
test_png_dark (void)
{
  g_autoptr (LabDiagram) d = make_branch ();
  g_autofree char *path = widget_png_output_path ("model-diagram-dark.png");
  g_autoptr (GError) error = NULL;
  LabDiagramStyle dark;
  cairo_surface_t *surface;
  guint32 corner;

  lab_diagram_style_init (&dark, TRUE);
  g_assert_true (lab_model_diagram_write_png (d, &dark, 2.0, path, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (path);
  corner = *(const guint32 *) cairo_image_surface_get_data (surface);
  g_assert_cmpuint ((corner >> 16) & 0xff, <, 60);
  cairo_surface_destroy (surface);
}

static void
test_svg (void)
{
  g_autoptr (LabDiagram) d = make_cnn ();
  g_autofree char *path = widget_png_output_path ("model-diagram.svg");
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  LabDiagramRect bounds;
  g_autoptr (GError) error = NULL;

  g_assert_true (lab_model_diagram_write_svg (d, NULL, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  g_assert_nonnull (strstr (contents, "<svg"));
  /* Sized in pixels like the PNG: bounds plus the margin. */
  lab_diagram_bounds (d, &bounds);
  expected = g_strdup_printf ("width=\"%dpx\"", (int) ceil (bounds.width + 64));
  g_assert_nonnull (strstr (contents, expected));
}

static void
test_export_errors (void)
{
  g_autoptr (LabDiagram) empty = lab_diagram_new ();
  g_autoptr (LabDiagram) d = make_branch ();
  g_autoptr (GError) error = NULL;

  g_assert_false (lab_model_diagram_write_png (empty, NULL, 1.0, "unused.png", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_model_diagram_write_png (d, NULL, 1.0, "/nonexistent/dir/x.png", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/x.png"));
  g_clear_error (&error);
  g_assert_false (lab_model_diagram_write_svg (d, NULL, "/nonexistent/dir/x.svg", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
}

static void
test_fit (void)
{
  g_autoptr (LabDiagram) d = make_cnn ();
  LabDiagramView view;
  LabDiagramRect b;

  lab_diagram_view_init (&view);
  lab_model_diagram_fit (d, 800, 600, 20, 1.0, &view);
  lab_diagram_bounds (d, &b);
  g_assert_cmpfloat (view.zoom, <, 1.0);
  g_assert_cmpfloat (b.y * view.zoom + view.pan_y, >=, 19.999);
  g_assert_cmpfloat ((b.y + b.height) * view.zoom + view.pan_y, <=, 580.001);
  g_assert_cmpfloat (fabs ((b.x + b.width / 2) * view.zoom + view.pan_x - 400), <, 1e-6);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/painters/model-diagram/add-find", test_add_find);
  g_test_add_func ("/painters/model-diagram/tidy-chain", test_tidy_chain);
  g_test_add_func ("/painters/model-diagram/tidy-branch", test_tidy_branch);
  g_test_add_func ("/painters/model-diagram/tidy-cycle", test_tidy_cycle);
  g_test_add_func ("/painters/model-diagram/hit-testing", test_hit_testing);
  g_test_add_func ("/painters/model-diagram/skip-wire-avoids-cards", test_skip_wire_avoids_cards);
  g_test_add_func ("/painters/model-diagram/select-rect", test_select_rect);
  g_test_add_func ("/painters/model-diagram/fit", test_fit);
  g_test_add_func ("/painters/model-diagram/png-error-is-red", test_png_error_is_red);
  g_test_add_func ("/painters/model-diagram/png-dark", test_png_dark);
  g_test_add_func ("/painters/model-diagram/svg", test_svg);
  g_test_add_func ("/painters/model-diagram/export-errors", test_export_errors);
  return g_test_run ();
}
