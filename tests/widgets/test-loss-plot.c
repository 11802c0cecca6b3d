/* test-loss-plot.c — LabLossPlot on screen (under Xvfb): 100,000 points
 * rendered through GTK, theme colours, properties, zoom and exports. */
#include <adwaita.h>
#include <math.h>

#include "lab-loss-plot.h"
#include "loss-plot-paint.h"
#include "widget-png.h"

#define W 800
#define H 500

static GtkWidget *
show_plot (GtkWidget **window_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *plot = lab_loss_plot_new ();

  g_object_ref (plot);
  gtk_widget_set_size_request (plot, W, H);
  gtk_window_set_child (GTK_WINDOW (window), plot);
  gtk_window_present (GTK_WINDOW (window));
  *window_out = window;
  return plot;
}

static void
feed (LabLossPlot *plot, guint run, int n, int per_epoch)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (run);

  for (int step = 1; step <= n; step++)
    {
      double t = step / (double) n;
      double loss = 0.2 + 2 * exp (-4 * t);

      lab_loss_plot_append_batch (plot, run, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, step,
                                  loss * (0.8 + 0.4 * g_rand_double (rand)));
      lab_loss_plot_append_batch (plot, run, LAB_PLOT_ACCURACY, LAB_PLOT_TRAIN, step,
                                  0.95 - 0.8 * exp (-4 * t));
      if (step % per_epoch == 0)
        lab_loss_plot_append_epoch (plot, run, LAB_PLOT_LOSS, LAB_PLOT_VAL, step / per_epoch, step,
                                    loss * 1.1);
    }
}

static int
count_near (GdkTexture *texture, int x0, int y0, int x1, int y1, const LabPlotColor *c)
{
  int width = gdk_texture_get_width (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guint8 *pixels = g_malloc (stride * gdk_texture_get_height (texture));
  int count = 0;

  gdk_texture_download (texture, pixels, stride);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;
        count += abs (p[2] - (int) round (c->r * 255)) <= 12 &&
                 abs (p[1] - (int) round (c->g * 255)) <= 12 &&
                 abs (p[0] - (int) round (c->b * 255)) <= 12;
      }
  return count;
}

static void
test_render_100k (void)
{
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = widget_png_output_path ("loss-plot-100k.png");
  LabPlotStyle light;
  LabPlotLayout layout;
  guint run;
  gint64 start;

  lab_plot_style_init (&light, FALSE);
  run = lab_loss_plot_add_run (LAB_LOSS_PLOT (plot), "Run 1");
  feed (LAB_LOSS_PLOT (plot), run, 100000, 25000);
  g_assert_cmpuint (lab_plot_data_get_n_points (lab_loss_plot_get_data (LAB_LOSS_PLOT (plot))), ==,
                    200004);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));

  start = g_get_monotonic_time ();
  texture = widget_png_render (plot);
  g_test_message ("rendered 100,000 points in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, W);

  /* The run's colour fills a trace in both panels of what GTK drew. */
  lab_loss_plot_get_layout (lab_loss_plot_get_data (LAB_LOSS_PLOT (plot)), &(LabPlotView){ 0 }, W,
                            H, NULL, &layout);
  g_assert_cmpfloat (layout.accuracy.height, >, 0);
  g_assert_cmpint (count_near (texture, 100, 60, W - 30, H / 2, &light.runs[0]), >, 800);
  g_assert_cmpint (count_near (texture, 100, H / 2 + 40, W - 30, H - 60, &light.runs[0]), >, 300);
  g_assert_true (widget_png_save (plot, path, NULL));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

static void
test_empty_and_clear (void)
{
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  g_autoptr (GdkTexture) before = NULL;
  g_autoptr (GdkTexture) after = NULL;
  LabPlotStyle light;
  guint run;

  lab_plot_style_init (&light, FALSE);
  run = lab_loss_plot_add_run (LAB_LOSS_PLOT (plot), "Run 1");
  feed (LAB_LOSS_PLOT (plot), run, 500, 100);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  before = widget_png_render (plot);
  g_assert_cmpint (count_near (before, 0, 0, W, H, &light.runs[0]), >, 300);

  lab_loss_plot_clear (LAB_LOSS_PLOT (plot));
  g_assert_cmpuint (lab_plot_data_get_n_runs (lab_loss_plot_get_data (LAB_LOSS_PLOT (plot))), ==,
                    0);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  after = widget_png_render (plot);
  g_assert_cmpint (count_near (after, 0, 0, W, H, &light.runs[0]), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

static void
on_notify (GObject *object, GParamSpec *pspec, int *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  LabLossPlot *plot = g_object_ref_sink (LAB_LOSS_PLOT (lab_loss_plot_new ()));
  int notified = 0;
  gboolean log_scale;
  double smoothing;

  g_signal_connect (plot, "notify", G_CALLBACK (on_notify), &notified);
  g_object_set (plot, "log-scale", TRUE, "smoothing", 0.5, NULL);
  g_object_get (plot, "log-scale", &log_scale, "smoothing", &smoothing, NULL);
  g_assert_true (log_scale);
  g_assert_cmpfloat (smoothing, ==, 0.5);
  g_assert_cmpint (notified, ==, 2);
  /* Setting the same value again says nothing. */
  lab_loss_plot_set_log_scale (plot, TRUE);
  g_assert_cmpint (notified, ==, 2);
  /* Out-of-range smoothing from code is clamped. */
  lab_loss_plot_set_smoothing (plot, 5);
  g_assert_cmpfloat (lab_loss_plot_get_smoothing (plot), ==, 0.99);
  g_assert_true (lab_loss_plot_get_follow (plot));
  g_assert_finalize_object (plot);
}

static void
test_zoom_follow (void)
{
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  LabLossPlot *self = LAB_LOSS_PLOT (plot);
  guint run = lab_loss_plot_add_run (self, "Run 1");

  feed (self, run, 1000, 250);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));

  /* Looking back at the past stops following... */
  lab_loss_plot_zoom_to (self, 100, 300);
  g_assert_false (lab_loss_plot_get_follow (self));
  /* ...zooming onto the newest steps follows again... */
  lab_loss_plot_zoom_to (self, 800, 1010);
  g_assert_true (lab_loss_plot_get_follow (self));
  /* ...and so does seeing everything. */
  lab_loss_plot_zoom_to (self, 100, 300);
  lab_loss_plot_reset_zoom (self);
  g_assert_true (lab_loss_plot_get_follow (self));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

/* While following, a zoomed view slides along as training goes on; after
 * looking back it stays put. Zooming by action keeps following. */
static void
test_follow_slides (void)
{
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  LabLossPlot *self = LAB_LOSS_PLOT (plot);
  guint run = lab_loss_plot_add_run (self, "Run 1");
  double lo, hi, lo2, hi2;
  gboolean log_scale;

  feed (self, run, 1000, 250);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  lab_loss_plot_get_visible_range (self, &lo, &hi);
  g_assert_cmpfloat (lo, <=, 1);
  g_assert_cmpfloat (hi, >=, 1000);

  gtk_widget_activate_action (plot, "plot.zoom-in", NULL);
  gtk_widget_activate_action (plot, "plot.zoom-in", NULL);
  g_assert_true (lab_loss_plot_get_follow (self));
  lab_loss_plot_get_visible_range (self, &lo, &hi);
  g_assert_cmpfloat (lo, >, 400);
  g_assert_cmpfloat (hi, >=, 1000);

  for (int step = 1001; step <= 1500; step++)
    lab_loss_plot_append_batch (self, run, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, step, 0.2);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  lab_loss_plot_get_visible_range (self, &lo2, &hi2);
  g_assert_cmpfloat (hi2, >=, 1500);
  g_assert_cmpfloat_with_epsilon (hi2 - lo2, hi - lo, 1e-6);

  lab_loss_plot_zoom_to (self, 100, 300);
  for (int step = 1501; step <= 1600; step++)
    lab_loss_plot_append_batch (self, run, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, step, 0.2);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  lab_loss_plot_get_visible_range (self, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 100);
  g_assert_cmpfloat (hi, ==, 300);

  gtk_widget_activate_action (plot, "plot.reset-zoom", NULL);
  lab_loss_plot_get_visible_range (self, &lo, &hi);
  g_assert_cmpfloat (hi, >=, 1600);
  gtk_widget_activate_action (plot, "plot.log-scale", NULL);
  g_object_get (plot, "log-scale", &log_scale, NULL);
  g_assert_true (log_scale);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

static void
test_exports (void)
{
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  LabLossPlot *self = LAB_LOSS_PLOT (plot);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;
  guint run = lab_loss_plot_add_run (self, "Run 1");

  feed (self, run, 300, 100);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));

  csv = lab_loss_plot_to_csv (self);
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "run,metric,split,grain,epoch,step,value");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 600 + 3 + 1);

  png = lab_loss_plot_to_png (self, 640, 360, &error);
  g_assert_no_error (error);
  texture = gdk_texture_new_from_bytes (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 640);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 360);

  g_clear_pointer (&png, g_bytes_unref);
  g_assert_null (lab_loss_plot_to_png (self, -1, 360, &error));
  g_assert_nonnull (error);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

static void
test_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWidget *window;
  GtkWidget *plot = show_plot (&window);
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = widget_png_output_path ("loss-plot-dark.png");
  LabPlotStyle dark;
  guint run;
  guint8 rgba[4];

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  lab_plot_style_init (&dark, TRUE);
  run = lab_loss_plot_add_run (LAB_LOSS_PLOT (plot), "Run 1");
  feed (LAB_LOSS_PLOT (plot), run, 2000, 500);
  g_assert_true (widget_png_wait_for_frame (plot, 5000));
  texture = widget_png_render (plot);
  g_assert_true (widget_png_save (plot, path, NULL));

  /* The data area is dark and the trace uses the dark palette. */
  widget_png_pixel (texture, W - 40, H / 2 - 60, rgba);
  g_assert_cmpuint (rgba[0] + rgba[1] + rgba[2], <, 3 * 80);
  g_assert_cmpint (count_near (texture, 0, 0, W, H, &dark.runs[0]), >, 300);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (plot);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/widgets/loss-plot/render-100k", test_render_100k);
  g_test_add_func ("/widgets/loss-plot/empty-and-clear", test_empty_and_clear);
  g_test_add_func ("/widgets/loss-plot/properties", test_properties);
  g_test_add_func ("/widgets/loss-plot/zoom-follow", test_zoom_follow);
  g_test_add_func ("/widgets/loss-plot/follow-slides", test_follow_slides);
  g_test_add_func ("/widgets/loss-plot/exports", test_exports);
  g_test_add_func ("/widgets/loss-plot/dark", test_dark);
  return g_test_run ();
}
