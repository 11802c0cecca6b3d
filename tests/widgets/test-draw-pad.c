/* test-draw-pad.c — LabDrawPad under Xvfb: strokes driven through its drag
 * gestures' signals (the code a user's mouse reaches), the downsampled image
 * a model gets, erasing, and ::changed coalesced to the frame clock. */
#include <adwaita.h>
#include <math.h>

#include "lab-draw-pad.h"
#include "widget-png.h"

/* 224 + 2 × 6 margin: one widget pixel is one pad pixel. */
#define SIZE   236
#define MARGIN 6

typedef struct
{
  GtkWidget *window;
  GtkWidget *pad;
  int changed;
} Fixture;

static void
on_changed (LabDrawPad *pad, Fixture *f)
{
  f->changed++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = gtk_window_new ();
  f->pad = g_object_ref (lab_draw_pad_new ());
  gtk_window_set_default_size (GTK_WINDOW (f->window), SIZE, SIZE);
  gtk_window_set_child (GTK_WINDOW (f->window), f->pad);
  g_signal_connect (f->pad, "changed", G_CALLBACK (on_changed), f);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (widget_png_wait_for_frame (f->pad, 5000));
  g_assert_cmpint (gtk_widget_get_width (f->pad), ==, SIZE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->pad);
}

static GtkGesture *
find_drag (Fixture *f, guint button)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (f->pad);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == button)
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
}

/* A straight stroke from (x0, y0) to (x1, y1) in pad pixels, in `steps`
 * pointer moves. */
static void
stroke (Fixture *f, guint button, double x0, double y0, double x1, double y1, int steps)
{
  GtkGesture *drag = find_drag (f, button);

  g_signal_emit_by_name (drag, "drag-begin", x0 + MARGIN, y0 + MARGIN);
  for (int i = 1; i <= steps; i++)
    g_signal_emit_by_name (drag, "drag-update", (x1 - x0) * i / steps, (y1 - y0) * i / steps);
  g_signal_emit_by_name (drag, "drag-end", x1 - x0, y1 - y0);
}

static void
wait_changed (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (f->changed == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (f->changed, >, 0);
}

static double
mean (const float *v, int n)
{
  double sum = 0;

  for (int i = 0; i < n; i++)
    sum += v[i];
  return sum / n;
}

static void
test_stroke_downsampled (Fixture *f, gconstpointer data)
{
  float image[28 * 28];

  g_assert_true (lab_draw_pad_is_empty (LAB_DRAW_PAD (f->pad)));
  /* Across the middle row of a 28×28 image (pad y 116 is row 14). */
  stroke (f, GDK_BUTTON_PRIMARY, 40, 116, 184, 116, 12);
  g_assert_false (lab_draw_pad_is_empty (LAB_DRAW_PAD (f->pad)));
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, image);

  for (int i = 0; i < 28 * 28; i++)
    {
      g_assert_cmpfloat (image[i], >=, 0);
      g_assert_cmpfloat (image[i], <=, 1);
    }
  /* The stroke is white under its centre line, end to end ... */
  for (int x = 6; x <= 22; x++)
    g_assert_cmpfloat (image[14 * 28 + x], >, 0.9);
  /* ... a few pixels thick with a soft edge, and black far from it. */
  g_assert_cmpfloat (image[13 * 28 + 14], <, 0.9);
  g_assert_cmpfloat (image[13 * 28 + 14], >, 0.1);
  g_assert_cmpfloat (image[11 * 28 + 14], ==, 0);
  for (int x = 0; x < 28; x++)
    {
      g_assert_cmpfloat (image[3 * 28 + x], ==, 0);
      g_assert_cmpfloat (image[25 * 28 + x], ==, 0);
    }
  g_assert_cmpfloat (image[14 * 28 + 0], ==, 0);
  g_assert_cmpfloat (image[14 * 28 + 27], ==, 0);
}

static void
test_erase (Fixture *f, gconstpointer data)
{
  float image[28 * 28];

  stroke (f, GDK_BUTTON_PRIMARY, 40, 116, 184, 116, 12);
  /* The secondary button rubs out the right half of the line. */
  stroke (f, GDK_BUTTON_SECONDARY, 116, 116, 200, 116, 8);
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, image);
  g_assert_cmpfloat (image[14 * 28 + 8], >, 0.9);
  for (int x = 16; x < 28; x++)
    g_assert_cmpfloat (image[14 * 28 + x], <, 0.01);
}

/* Area averaging keeps the mean brightness at every size, and every
 * channel holds the same picture. */
static void
test_sizes_and_channels (Fixture *f, gconstpointer data)
{
  float full[224 * 224], small[28 * 28], one[1], odd[3 * 10 * 13];

  lab_draw_pad_set_brush_size (LAB_DRAW_PAD (f->pad), 0.2);
  stroke (f, GDK_BUTTON_PRIMARY, 30, 30, 190, 170, 20);
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 224, 224, 1, full);
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, small);
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 1, 1, 1, one);
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 13, 10, 3, odd);

  g_assert_cmpfloat (mean (full, 224 * 224), >, 0.05);
  g_assert_cmpfloat_with_epsilon (mean (small, 28 * 28), mean (full, 224 * 224), 1e-4);
  g_assert_cmpfloat_with_epsilon (one[0], mean (full, 224 * 224), 1e-4);
  g_assert_cmpfloat_with_epsilon (mean (odd, 130), mean (full, 224 * 224), 1e-4);
  for (int i = 0; i < 130; i++)
    {
      g_assert_cmpfloat (odd[i], ==, odd[130 + i]);
      g_assert_cmpfloat (odd[i], ==, odd[260 + i]);
    }
}

static void
test_set_image_and_clear (Fixture *f, gconstpointer data)
{
  float image[28 * 28] = { 0 }, back[28 * 28];

  /* A filled square, as a sample from the dataset to draw over. */
  for (int y = 8; y < 20; y++)
    for (int x = 10; x < 18; x++)
      image[y * 28 + x] = 1;
  lab_draw_pad_set_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, image);
  g_assert_false (lab_draw_pad_is_empty (LAB_DRAW_PAD (f->pad)));
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, back);
  for (int y = 9; y < 19; y++)
    for (int x = 11; x < 17; x++)
      g_assert_cmpfloat (back[y * 28 + x], >, 0.99);
  g_assert_cmpfloat (back[2 * 28 + 2], <, 0.01);
  g_assert_cmpfloat_with_epsilon (mean (back, 28 * 28), mean (image, 28 * 28), 0.01);

  lab_draw_pad_clear (LAB_DRAW_PAD (f->pad));
  g_assert_true (lab_draw_pad_is_empty (LAB_DRAW_PAD (f->pad)));
  lab_draw_pad_get_image (LAB_DRAW_PAD (f->pad), 28, 28, 1, back);
  g_assert_cmpfloat (mean (back, 28 * 28), ==, 0);
}

/* Forty pointer moves within one frame make one ::changed, not forty. */
static void
test_changed_per_frame (Fixture *f, gconstpointer data)
{
  stroke (f, GDK_BUTTON_PRIMARY, 20, 20, 200, 200, 40);
  g_assert_cmpint (f->changed, ==, 0);
  wait_changed (f);
  g_assert_cmpint (f->changed, <, 5);
}

static void
test_render (Fixture *f, gconstpointer data)
{
  g_autofree char *path = widget_png_output_path ("draw-pad.png");
  g_autoptr (GdkTexture) texture = NULL;
  guint8 rgba[4];

  stroke (f, GDK_BUTTON_PRIMARY, 60, 40, 160, 190, 16);
  wait_changed (f);
  g_assert_true (widget_png_wait_for_frame (f->pad, 5000));
  texture = widget_png_render (f->pad);
  g_assert_true (widget_png_save (f->pad, path, NULL));
  g_test_message ("screenshot: %s", path);

  /* White on the stroke, black beside it, whatever the theme. */
  widget_png_pixel (texture, MARGIN + 110, MARGIN + 115, rgba);
  g_assert_cmpuint (rgba[0], >, 240);
  widget_png_pixel (texture, MARGIN + 20, MARGIN + 200, rgba);
  g_assert_cmpuint (rgba[0] + rgba[1] + rgba[2], <, 10);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/widgets/draw-pad/stroke-downsampled", test_stroke_downsampled);
  ADD ("/widgets/draw-pad/erase", test_erase);
  ADD ("/widgets/draw-pad/sizes-and-channels", test_sizes_and_channels);
  ADD ("/widgets/draw-pad/set-image-and-clear", test_set_image_and_clear);
  ADD ("/widgets/draw-pad/changed-per-frame", test_changed_per_frame);
  ADD ("/widgets/draw-pad/render", test_render);
#undef ADD
  return g_test_run ();
}
