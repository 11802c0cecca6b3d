/* test-inside-viewer.c — LabInsideViewer under Xvfb: it asks for the
 * painter's height, draws the view or a message, and turns a click on a
 * confusion cell into ::cell-activated with that cell. */
#include <adwaita.h>

#include "lab-inside-viewer.h"
#include "widget-png.h"

#define WIDTH 640

static nn_confusion *
make_confusion (void)
{
  static const gint64 counts[] = { 50, 3, 1, 4, 40, 6, 0, 2, 44 };
  static const char *const names[] = { "cat", "dog", "bird", NULL };
  nn_confusion *c = g_new0 (nn_confusion, 1);

  c->n_classes = 3;
  c->class_names = g_strdupv ((char **) names);
  c->counts = g_memdup2 (counts, sizeof counts);
  c->precision = g_new (double, 3);
  c->recall = g_new (double, 3);
  for (int k = 0; k < 3; k++)
    {
      gint64 row = 0, column = 0;

      for (int j = 0; j < 3; j++)
        {
          row += counts[k * 3 + j];
          column += counts[j * 3 + k];
        }
      c->recall[k] = (double) counts[k * 4] / row;
      c->precision[k] = (double) counts[k * 4] / column;
      c->total += row;
    }
  c->accuracy = (50 + 40 + 44) / (double) c->total;
  c->loss = 0.4;
  return c;
}

typedef struct
{
  int true_class, predicted, clicks;
} Clicked;

static void
on_cell (LabInsideViewer *viewer, int true_class, int predicted, Clicked *clicked)
{
  clicked->true_class = true_class;
  clicked->predicted = predicted;
  clicked->clicks++;
}

static GtkGesture *
find_click (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
}

static void
test_confusion_click (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *viewer = g_object_ref (lab_inside_viewer_new (LAB_INSIDE_CONFUSION));
  g_autofree char *path = widget_png_output_path ("inside-viewer-confusion.png");
  Clicked clicked = { -1, -1, 0 };
  LabInsideStyle style;
  int width, height, want;
  gboolean found = FALSE;

  gtk_widget_set_size_request (viewer, WIDTH, -1);
  gtk_widget_set_valign (viewer, GTK_ALIGN_START);
  gtk_window_set_child (GTK_WINDOW (window), viewer);
  lab_inside_viewer_set_data (LAB_INSIDE_VIEWER (viewer), make_confusion (),
                              (GDestroyNotify) nn_confusion_free, NULL);
  g_signal_connect (viewer, "cell-activated", G_CALLBACK (on_cell), &clicked);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (widget_png_wait_for_frame (viewer, 5000));

  /* As tall as the painter wants at this width. */
  width = gtk_widget_get_width (viewer);
  height = gtk_widget_get_height (viewer);
  lab_inside_viewer_get_style (LAB_INSIDE_VIEWER (viewer), &style);
  want = lab_inside_measure (LAB_INSIDE_CONFUSION,
                             lab_inside_viewer_get_data (LAB_INSIDE_VIEWER (viewer)), NULL, width,
                             &style);
  g_assert_cmpint (want, >, 100);
  g_assert_cmpint (height, ==, want);
  g_assert_true (widget_png_save (viewer, path, NULL));
  g_test_message ("screenshot: %s", path);

  /* A click on the cell "true dog, predicted bird". */
  for (int y = 0; y < height && !found; y += 2)
    for (int x = 0; x < width && !found; x += 2)
      {
        int t, p;

        if (lab_confusion_hit (lab_inside_viewer_get_data (LAB_INSIDE_VIEWER (viewer)), width,
                               height, &style, x, y, &t, &p) &&
            t == 1 && p == 2)
          {
            g_signal_emit_by_name (find_click (viewer), "released", 1, (double) x, (double) y);
            found = TRUE;
          }
      }
  g_assert_true (found);
  g_assert_cmpint (clicked.clicks, ==, 1);
  g_assert_cmpint (clicked.true_class, ==, 1);
  g_assert_cmpint (clicked.predicted, ==, 2);

  /* Outside the grid nothing happens. */
  g_signal_emit_by_name (find_click (viewer), "released", 1, 1.0, (double) height - 1);
  g_assert_cmpint (clicked.clicks, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (viewer);
}

/* A message instead of the view: drawn, and clicks do nothing. */
static void
test_message (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *viewer = g_object_ref (lab_inside_viewer_new (LAB_INSIDE_FILTERS));
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guint8 *pixels = NULL;
  int differ = 0, n;

  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, 200);
  gtk_window_set_child (GTK_WINDOW (window), viewer);
  lab_inside_viewer_set_message (LAB_INSIDE_VIEWER (viewer),
                                 "This model has no convolution layer to show filters of.");
  g_assert_null (lab_inside_viewer_get_data (LAB_INSIDE_VIEWER (viewer)));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (widget_png_wait_for_frame (viewer, 5000));
  texture = widget_png_render (viewer);
  pixels = widget_png_download (texture);
  n = gdk_texture_get_width (texture) * gdk_texture_get_height (texture);
  for (int i = 0; i < n; i++)
    differ += pixels[i * 4 + 3] > 0;
  /* Some text, on a transparent widget. */
  g_assert_cmpint (differ, >, 100);
  g_assert_cmpint (differ, <, n / 4);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (viewer);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/widgets/inside-viewer/confusion-click", test_confusion_click);
  g_test_add_func ("/widgets/inside-viewer/message", test_message);
  return g_test_run ();
}
