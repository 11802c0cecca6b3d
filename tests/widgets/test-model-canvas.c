/* test-model-canvas.c — LabModelCanvas under Xvfb: what it draws, and the
 * requests its gestures, keys and drops turn into. Gestures are driven by
 * emitting their controllers' signals, keys through the widget's own key
 * bindings, so the code paths are the ones a user reaches. */
#include <adwaita.h>
#include <string.h>

#include "lab-layer-palette.h"
#include "lab-model-canvas.h"
#include "widget-png.h"

typedef struct
{
  GtkWidget *window;
  LabModelCanvas *canvas;
  LabDiagram *diagram;
  GPtrArray *log; /* one line per signal: "delete 3", "refused", ... */
} Fixture;

static LabDiagram *
make_diagram (void)
{
  static const struct
  {
    const char *title, *name, *detail, *shape, *params;
    LabDiagramGroup group;
  } layers[] = {
    { "Input", "image", NULL, "1×28×28", NULL, LAB_DIAGRAM_GROUP_CORE },
    { "Conv2D", "conv1", "32 filters 3×3", "32×26×26", "320 params",
      LAB_DIAGRAM_GROUP_CONVOLUTION },
    { "MaxPool2D", "pool1", "2×2", "32×13×13", NULL, LAB_DIAGRAM_GROUP_POOLING },
    { "Flatten", "flatten", NULL, "5408", NULL, LAB_DIAGRAM_GROUP_CORE },
    { "Dense", "output", "0 units", NULL, NULL, LAB_DIAGRAM_GROUP_CORE },
  };
  LabDiagram *d = lab_diagram_new ();

  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      LabDiagramNode *node =
        lab_diagram_add_node (d, (int) i + 1, layers[i].title, layers[i].name, layers[i].group);
      const char *lines[] = { layers[i].detail, NULL };

      lab_diagram_node_set_details (node, lines);
      lab_diagram_node_set_shape (node, layers[i].shape);
      lab_diagram_node_set_params (node, layers[i].params);
      node->has_input = i > 0;
      if (i > 0)
        lab_diagram_add_edge (d, (int) i, (int) i + 1, 0);
    }
  lab_diagram_node_set_error (lab_diagram_find (d, 5),
                              "Dense 'output': the number of units must be at least 1.");
  lab_diagram_tidy (d);
  return d;
}

static void
log_line (Fixture *f, char *line)
{
  g_ptr_array_add (f->log, line);
}

static void
on_moved (LabModelCanvas *canvas, GVariant *moves, Fixture *f)
{
  g_autofree char *text = g_variant_print (moves, FALSE);
  log_line (f, g_strdup_printf ("moved %s", text));
}

static void
on_connect (LabModelCanvas *canvas, int from, int to, Fixture *f)
{
  log_line (f, g_strdup_printf ("connect %d %d", from, to));
}

static void
on_delete (LabModelCanvas *canvas, GVariant *ids, Fixture *f)
{
  g_autofree char *text = g_variant_print (ids, FALSE);
  log_line (f, g_strdup_printf ("delete %s", text));
}

static void
on_activated (LabModelCanvas *canvas, int id, Fixture *f)
{
  log_line (f, g_strdup_printf ("activated %d", id));
}

static void
on_selection (LabModelCanvas *canvas, Fixture *f)
{
  log_line (f, g_strdup ("selection"));
}

static void
on_dropped (LabModelCanvas *canvas, const char *kind, double x, double y, int edge, Fixture *f)
{
  log_line (f, g_strdup_printf ("dropped %s %d", kind, edge));
}

static void
on_refused (LabModelCanvas *canvas, Fixture *f)
{
  log_line (f, g_strdup ("refused"));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->log = g_ptr_array_new_with_free_func (g_free);
  f->diagram = make_diagram ();
  f->window = gtk_window_new ();
  f->canvas = LAB_MODEL_CANVAS (lab_model_canvas_new ());
  g_object_ref (f->canvas);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 480, 640);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->canvas));
  lab_model_canvas_set_diagram (f->canvas, f->diagram);
  g_signal_connect (f->canvas, "nodes-moved", G_CALLBACK (on_moved), f);
  g_signal_connect (f->canvas, "connect-requested", G_CALLBACK (on_connect), f);
  g_signal_connect (f->canvas, "delete-requested", G_CALLBACK (on_delete), f);
  g_signal_connect (f->canvas, "node-activated", G_CALLBACK (on_activated), f);
  g_signal_connect (f->canvas, "selection-changed", G_CALLBACK (on_selection), f);
  g_signal_connect (f->canvas, "layer-dropped", G_CALLBACK (on_dropped), f);
  g_signal_connect (f->canvas, "edit-refused", G_CALLBACK (on_refused), f);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (f->canvas), 5000));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->canvas);
  lab_diagram_unref (f->diagram);
  g_ptr_array_unref (f->log);
}

static char *
joined_log (Fixture *f)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) lines = NULL;

  for (guint i = 0; i < f->log->len; i++)
    g_strv_builder_add (builder, f->log->pdata[i]);
  lines = g_strv_builder_end (builder);
  g_ptr_array_set_size (f->log, 0);
  return g_strjoinv ("; ", lines);
}

#define assert_log(f, expected)             \
  G_STMT_START                              \
  {                                         \
    g_autofree char *_log = joined_log (f); \
    g_assert_cmpstr (_log, ==, expected);   \
  }                                         \
  G_STMT_END

/* Where a diagram point is on the widget. */
static void
to_widget (Fixture *f, double dx, double dy, double *wx, double *wy)
{
  double ox, oy, zoom = lab_model_canvas_get_zoom (f->canvas);

  lab_model_canvas_to_diagram (f->canvas, 0, 0, &ox, &oy);
  *wx = (dx - ox) * zoom;
  *wy = (dy - oy) * zoom;
}

static void
card_centre (Fixture *f, int id, double *wx, double *wy)
{
  LabDiagramNode *node = lab_diagram_find (f->diagram, id);

  to_widget (f, node->x + LAB_DIAGRAM_CARD_WIDTH / 2, node->y + lab_diagram_node_height (node) / 2,
             wx, wy);
}

static gpointer
find_controller (Fixture *f, GType type, guint button)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type) &&
          (!GTK_IS_GESTURE_SINGLE (controller) ||
           gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == button))
        return controller;
    }
  g_assert_not_reached ();
}

static void
drag (Fixture *f, double x, double y, double offset_x, double offset_y)
{
  GtkGesture *gesture = find_controller (f, GTK_TYPE_GESTURE_DRAG, GDK_BUTTON_PRIMARY);

  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  g_signal_emit_by_name (gesture, "drag-update", offset_x / 2, offset_y / 2);
  g_signal_emit_by_name (gesture, "drag-update", offset_x, offset_y);
  g_signal_emit_by_name (gesture, "drag-end", offset_x, offset_y);
}

static gboolean
drop (Fixture *f, const char *text, double x, double y)
{
  GtkDropTarget *target = find_controller (f, GTK_TYPE_DROP_TARGET, 0);
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  g_signal_emit_by_name (target, "drop", &value, x, y, &accepted);
  g_value_unset (&value);
  return accepted;
}

/* Runs what a key press would run: the canvas's own binding for that key. */
static void
press_key (Fixture *f, guint keyval, GdkModifierType modifiers)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           GTK_WIDGET (f->canvas),
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_assert_not_reached ();
}

static guint
count_red (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guint red = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  for (int i = 0; i < width * height; i++)
    {
      /* Cairo's ARGB32 in memory on little-endian: B G R A. */
      guint8 b = data[4 * i], g = data[4 * i + 1], r = data[4 * i + 2];
      red += r > 190 && g < 70 && b < 80;
    }
  return red;
}

static void
test_render (Fixture *f, gconstpointer data)
{
  g_autofree char *path = widget_png_output_path ("model-canvas.png");
  g_autoptr (GdkTexture) texture = widget_png_render (GTK_WIDGET (f->canvas));
  g_autoptr (GError) error = NULL;

  /* The first diagram is fitted into view, never blown up past 100 %. */
  g_assert_cmpfloat (lab_model_canvas_get_zoom (f->canvas), <=, 1.0);
  g_assert_cmpfloat (lab_model_canvas_get_zoom (f->canvas), >, 0.3);
  g_assert_nonnull (texture);
  g_assert_cmpuint (count_red (texture), >, 100);
  g_assert_true (widget_png_save (GTK_WIDGET (f->canvas), path, &error));
  g_assert_no_error (error);
}

static void
test_delete_key (Fixture *f, gconstpointer data)
{
  const int ids[] = { 2, 3 };

  lab_model_canvas_select (f->canvas, ids, 2);
  assert_log (f, "selection");
  press_key (f, GDK_KEY_Delete, 0);
  assert_log (f, "delete [2, 3]");
  press_key (f, GDK_KEY_BackSpace, 0);
  assert_log (f, "delete [2, 3]");
}

static void
test_read_only_refuses (Fixture *f, gconstpointer data)
{
  const int ids[] = { 3 };
  double x, y;

  lab_model_canvas_select (f->canvas, ids, 1);
  g_ptr_array_set_size (f->log, 0);
  g_object_set (f->canvas, "read-only", TRUE, NULL);

  press_key (f, GDK_KEY_Delete, 0);
  assert_log (f, "refused");
  press_key (f, GDK_KEY_Left, 0);
  assert_log (f, "refused");
  card_centre (f, 3, &x, &y);
  drag (f, x, y, 60, 40);
  assert_log (f, "refused");
  g_assert_false (drop (f, "layer:dense", x, y));
  assert_log (f, "refused");
  lab_model_canvas_tidy (f->canvas);
  assert_log (f, "refused");
  /* Looking is not editing. */
  press_key (f, GDK_KEY_a, GDK_CONTROL_MASK);
  assert_log (f, "selection");

  g_object_set (f->canvas, "read-only", FALSE, NULL);
  press_key (f, GDK_KEY_Delete, 0);
  assert_log (f, "delete [1, 2, 3, 4, 5]");
}

static void
test_drag_moves_selection (Fixture *f, gconstpointer data)
{
  const int ids[] = { 2, 3 };
  double zoom = lab_model_canvas_get_zoom (f->canvas);
  LabDiagramNode *two = lab_diagram_find (f->diagram, 2);
  LabDiagramNode *three = lab_diagram_find (f->diagram, 3);
  double x2 = two->x, y3 = three->y, x, y;

  lab_model_canvas_select (f->canvas, ids, 2);
  g_ptr_array_set_size (f->log, 0);
  card_centre (f, 3, &x, &y);
  drag (f, x, y, 40 * zoom, 20 * zoom);
  g_assert_cmpuint (f->log->len, ==, 1);
  g_assert_true (g_str_has_prefix (f->log->pdata[0], "moved [(2, "));
  g_assert_cmpfloat_with_epsilon (two->x, x2 + 40, 1e-6);
  g_assert_cmpfloat_with_epsilon (three->y, y3 + 20, 1e-6);

  /* Arrow keys move the selection too. */
  g_ptr_array_set_size (f->log, 0);
  press_key (f, GDK_KEY_Down, 0);
  g_assert_cmpfloat_with_epsilon (three->y, y3 + 20 + 16, 1e-6);
  g_assert_cmpuint (f->log->len, ==, 1);
}

static void
test_connect_from_port (Fixture *f, gconstpointer data)
{
  LabDiagramNode *one = lab_diagram_find (f->diagram, 1);
  double px, py, x, y, tx, ty;

  lab_diagram_output_port (one, &px, &py);
  to_widget (f, px, py, &x, &y);
  card_centre (f, 4, &tx, &ty);
  drag (f, x, y, tx - x, ty - y);
  assert_log (f, "connect 1 4");
}

static void
test_rubber_band (Fixture *f, gconstpointer data)
{
  LabDiagramNode *two = lab_diagram_find (f->diagram, 2);
  LabDiagramNode *three = lab_diagram_find (f->diagram, 3);
  double x0, y0, x1, y1;
  g_autoptr (GArray) selected = NULL;

  /* From left of card 2's middle to the right of card 3's middle. */
  to_widget (f, two->x - 20, two->y + 20, &x0, &y0);
  to_widget (f, three->x + LAB_DIAGRAM_CARD_WIDTH + 20, three->y + 20, &x1, &y1);
  drag (f, x0, y0, x1 - x0, y1 - y0);
  assert_log (f, "selection");
  selected = lab_model_canvas_get_selected (f->canvas);
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_cmpint (g_array_index (selected, int, 0), ==, 2);
  g_assert_cmpint (g_array_index (selected, int, 1), ==, 3);
}

static void
test_drop_on_wire (Fixture *f, gconstpointer data)
{
  double p[LAB_DIAGRAM_PATH_MAX], x, y;

  g_assert_cmpint (lab_diagram_edge_path (f->diagram, 1, p), ==, 1);
  to_widget (f, (p[0] + 3 * p[2] + 3 * p[4] + p[6]) / 8, (p[1] + 3 * p[3] + 3 * p[5] + p[7]) / 8,
             &x, &y);
  g_assert_true (drop (f, "layer:dropout", x, y));
  assert_log (f, "dropped dropout 1");
  g_assert_true (drop (f, "layer:dense", 2, 2));
  assert_log (f, "dropped dense -1");
  g_assert_false (drop (f, "some text", x, y));
  assert_log (f, "");
}

static void
test_keyboard_focus (Fixture *f, gconstpointer data)
{
  GtkWidget *widget = GTK_WIDGET (f->canvas);

  /* The window gave the canvas its first focus when presented; walk back out
   * through the cards before counting. */
  while (gtk_widget_child_focus (widget, GTK_DIR_TAB_BACKWARD))
    ;
  g_assert_cmpint (lab_model_canvas_get_focus_node (f->canvas), ==, -1);
  g_assert_true (gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD));
  g_assert_cmpint (lab_model_canvas_get_focus_node (f->canvas), ==, 1);
  /* A screen reader hears the focused card. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Model diagram");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Input image, output 1×28×28");
  g_assert_true (gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD));
  g_assert_cmpint (lab_model_canvas_get_focus_node (f->canvas), ==, 2);
  press_key (f, GDK_KEY_Return, 0);
  assert_log (f, "activated 2");
  g_assert_true (gtk_widget_child_focus (widget, GTK_DIR_TAB_BACKWARD));
  g_assert_cmpint (lab_model_canvas_get_focus_node (f->canvas), ==, 1);
  /* Before the first card the focus leaves the canvas. */
  g_assert_false (gtk_widget_child_focus (widget, GTK_DIR_TAB_BACKWARD));
  g_assert_cmpint (lab_model_canvas_get_focus_node (f->canvas), ==, -1);
  /* Delete with nothing selected asks about the focused card. */
  g_assert_true (gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD));
  press_key (f, GDK_KEY_Delete, 0);
  assert_log (f, "delete [1]");
}

static void
test_set_diagram_keeps_view (Fixture *f, gconstpointer data)
{
  const int ids[] = { 4 };
  g_autoptr (LabDiagram) rebuilt = make_diagram ();
  g_autoptr (GArray) selected = NULL;

  lab_model_canvas_set_zoom (f->canvas, 0.7);
  lab_model_canvas_select (f->canvas, ids, 1);
  g_ptr_array_set_size (f->log, 0);
  /* The app rebuilds after an edit that removed layer 5. */
  lab_diagram_clear (rebuilt);
  lab_diagram_add_node (rebuilt, 4, "Flatten", "flatten", LAB_DIAGRAM_GROUP_CORE);
  lab_model_canvas_set_diagram (f->canvas, rebuilt);
  g_assert_cmpfloat_with_epsilon (lab_model_canvas_get_zoom (f->canvas), 0.7, 1e-9);
  selected = lab_model_canvas_get_selected (f->canvas);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, int, 0), ==, 4);
  assert_log (f, "");
}

static void
test_tidy_request (Fixture *f, gconstpointer data)
{
  lab_diagram_find (f->diagram, 3)->x += 300;
  lab_model_canvas_tidy (f->canvas);
  g_assert_cmpuint (f->log->len, ==, 1);
  g_assert_true (g_str_has_prefix (f->log->pdata[0], "moved [(1, "));
  /* Only a request: the canvas's diagram keeps the user's layout until the app answers. */
  g_assert_cmpfloat (lab_diagram_find (f->diagram, 3)->x, !=, lab_diagram_find (f->diagram, 2)->x);
}

static void
test_empty_board (Fixture *f, gconstpointer data)
{
  g_autoptr (GdkTexture) texture = NULL;
  int width, height;
  guint8 corner[4], px[4];
  guint differing = 0;

  lab_model_canvas_set_diagram (f->canvas, NULL);
  assert_log (f, "");
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (f->canvas), 5000));
  texture = widget_png_render (GTK_WIDGET (f->canvas));
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  /* A plain board: the hint of an empty model is the page's status page,
   * laid over the canvas, so the canvas draws none under it. */
  widget_png_pixel (texture, 2, 2, corner);
  for (int x = 0; x < width; x++)
    {
      widget_png_pixel (texture, x, height / 2, px);
      differing += memcmp (px, corner, 4) != 0;
    }
  g_assert_cmpuint (differing, ==, 0);
  /* The first layer of a model arrives by a drop on the empty board. */
  g_assert_true (drop (f, "layer:input", width / 2.0, height / 2.0));
  assert_log (f, "dropped input -1");
}

/* The other end of a drop: every palette row offers "layer:<kind id>". */
static GtkDragSource *
find_drag_source (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DRAG_SOURCE (controller))
        return GTK_DRAG_SOURCE (controller);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkDragSource *source = find_drag_source (child);
      if (source)
        return source;
    }
  return NULL;
}

static void
test_palette_drag_source (void)
{
  GtkWidget *palette = g_object_ref_sink (lab_layer_palette_new ());
  GtkDragSource *source = find_drag_source (palette);
  GValue value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (source);
  g_assert_cmpint (gtk_drag_source_get_actions (source), ==, GDK_ACTION_COPY);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (
    gdk_content_provider_get_value (gtk_drag_source_get_content (source), &value, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_value_get_string (&value), "layer:"));
  g_assert_cmpuint (strlen (g_value_get_string (&value)), >, 6);
  g_value_unset (&value);
  g_assert_finalize_object (palette);
}

static void
add_test (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int argc, char *argv[])
{
  /* The suite turns accessibility off; this test reads what a screen reader
   * would, through GTK's test backend. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  add_test ("/widgets/model-canvas/render", test_render);
  add_test ("/widgets/model-canvas/delete-key", test_delete_key);
  add_test ("/widgets/model-canvas/read-only-refuses", test_read_only_refuses);
  add_test ("/widgets/model-canvas/drag-moves-selection", test_drag_moves_selection);
  add_test ("/widgets/model-canvas/connect-from-port", test_connect_from_port);
  add_test ("/widgets/model-canvas/rubber-band", test_rubber_band);
  add_test ("/widgets/model-canvas/drop-on-wire", test_drop_on_wire);
  add_test ("/widgets/model-canvas/keyboard-focus", test_keyboard_focus);
  add_test ("/widgets/model-canvas/set-diagram-keeps-view", test_set_diagram_keeps_view);
  add_test ("/widgets/model-canvas/tidy-request", test_tidy_request);
  add_test ("/widgets/model-canvas/empty-board", test_empty_board);
  g_test_add_func ("/widgets/model-canvas/palette-drag-source", test_palette_drag_source);
  return g_test_run ();
}
