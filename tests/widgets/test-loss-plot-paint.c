/* test-loss-plot-paint.c — the loss plot's series store and pure painter,
 * drawn on Cairo image surfaces: no display needed. */
#include <locale.h>
#include <math.h>

#include "error.h"
#include "loss-plot-paint.h"
#include "widget-png.h"

#define W 900
#define H 560

typedef struct
{
  cairo_surface_t *surface;
  LabPlotLayout layout;
} Picture;

static void
picture_paint (Picture *pic, const LabPlotData *data, const LabPlotView *view)
{
  LabPlotStyle style;
  cairo_t *cr;

  lab_plot_style_init (&style, FALSE);
  pic->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cr = cairo_create (pic->surface);
  lab_loss_plot_paint (cr, data, view, W, H, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (pic->surface);
  lab_loss_plot_get_layout (data, view, W, H, &style, &pic->layout);
}

static void
picture_clear (Picture *pic)
{
  cairo_surface_destroy (pic->surface);
}

static void
pixel (Picture *pic, int x, int y, guint8 rgb[3])
{
  const guint8 *p = cairo_image_surface_get_data (pic->surface) +
                    y * cairo_image_surface_get_stride (pic->surface) + x * 4;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

static gboolean
near_color (const guint8 rgb[3], const LabPlotColor *c, int tolerance)
{
  return abs (rgb[0] - (int) round (c->r * 255)) <= tolerance &&
         abs (rgb[1] - (int) round (c->g * 255)) <= tolerance &&
         abs (rgb[2] - (int) round (c->b * 255)) <= tolerance;
}

/* How many pixels inside rect have (about) colour c. */
static int
count_color (Picture *pic, const LabPlotRect *rect, const LabPlotColor *c)
{
  int count = 0;
  guint8 rgb[3];

  for (int y = (int) rect->y + 1; y < (int) (rect->y + rect->height) - 1; y++)
    for (int x = (int) rect->x + 1; x < (int) (rect->x + rect->width) - 1; x++)
      {
        pixel (pic, x, y, rgb);
        count += near_color (rgb, c, 12);
      }
  return count;
}

static const LabPlotColor *
run_color (guint run)
{
  static LabPlotStyle style;

  lab_plot_style_init (&style, FALSE);
  return &style.runs[run];
}

/* A decaying noisy loss and a rising accuracy over n batches. */
static guint
add_training_run (LabPlotData *data, const char *label, int n, int per_epoch, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint id = lab_plot_data_add_run (data, label);

  for (int step = 1; step <= n; step++)
    {
      double t = step / (double) n;
      double loss = 0.2 + 2 * exp (-4 * t);

      lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, step,
                                  loss * (0.8 + 0.4 * g_rand_double (rand)));
      lab_plot_data_append_batch (
        data, id, LAB_PLOT_ACCURACY, LAB_PLOT_TRAIN, step,
        CLAMP (0.95 - 0.8 * exp (-4 * t) + 0.1 * (g_rand_double (rand) - 0.5), 0, 1));
      if (step % per_epoch == 0)
        {
          lab_plot_data_append_epoch (data, id, LAB_PLOT_LOSS, LAB_PLOT_VAL, step / per_epoch, step,
                                      loss * 1.1);
          lab_plot_data_append_epoch (data, id, LAB_PLOT_ACCURACY, LAB_PLOT_VAL, step / per_epoch,
                                      step, 0.9 - 0.8 * exp (-4 * t));
        }
    }
  return id;
}

static void
assert_nice_step (double step)
{
  double mag = pow (10, floor (log10 (step) + 1e-9));
  double m = step / mag;

  g_assert_true (fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9);
}

static void
test_nice_ticks (void)
{
  static const double ranges[][2] = { { 0, 1 },      { 0.13, 0.87 },
                                      { -3, 1234 },  { 0.0004, 0.00093 },
                                      { 1, 100000 }, { 2.3, 2.31 } };
  double ticks[16], step;
  int n;

  n = lab_plot_nice_ticks (0, 1, 6, ticks, &step);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpfloat_with_epsilon (step, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks[3], 0.6, 1e-12);

  for (gsize r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (int max = 2; max <= 12; max++)
      {
        n = lab_plot_nice_ticks (ranges[r][0], ranges[r][1], max, ticks, &step);
        g_assert_cmpint (n, >=, 1);
        g_assert_cmpint (n, <=, max);
        assert_nice_step (step);
        for (int i = 0; i < n; i++)
          {
            /* Every tick is a whole multiple of the step, inside the range. */
            g_assert_cmpfloat (fabs (ticks[i] / step - round (ticks[i] / step)), <, 1e-6);
            g_assert_cmpfloat (ticks[i], >=, ranges[r][0] - step * 1e-6);
            g_assert_cmpfloat (ticks[i], <=, ranges[r][1] + step * 1e-6);
          }
      }
}

static void
test_log_ticks (void)
{
  double ticks[16];
  int n = lab_plot_log_ticks (0.0005, 20, 6, ticks);

  /* Five decades in six ticks: the powers of ten. */
  g_assert_cmpint (n, ==, 5);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (ticks[i], pow (10, i - 3), 1e-12);

  /* Within one decade and a bit: 1-2-5. */
  n = lab_plot_log_ticks (0.15, 3, 8, ticks);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpfloat_with_epsilon (ticks[0], 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks[2], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks[3], 2, 1e-12);

  /* Twelve decades in four ticks: every third power. */
  n = lab_plot_log_ticks (1e-6, 1e6, 4, ticks);
  g_assert_cmpint (n, <=, 4);
  g_assert_cmpint (n, >=, 3);
  g_assert_cmpint (lab_plot_log_ticks (-1, 10, 5, ticks), ==, 0);
}

static void
test_smoothing (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  guint id = lab_plot_data_add_run (data, "run");
  const LabPlotSeries *s;
  const double *sm;

  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 1, 1);
  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 2, 2);
  s = lab_plot_data_get_series (data, 0, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, LAB_PLOT_PER_BATCH);
  sm = lab_plot_series_smoothed (s, 0.5);
  /* Debiased: the first value is itself, not half of it. */
  g_assert_cmpfloat_with_epsilon (sm[0], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (sm[1], 1.25 / 0.75, 1e-12);

  /* Incremental: later points continue the same average; NaN passes
   * through without disturbing it. */
  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 3, NAN);
  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 4, 3);
  sm = lab_plot_series_smoothed (s, 0.5);
  g_assert_true (isnan (sm[2]));
  g_assert_cmpfloat_with_epsilon (sm[3], 2.125 / 0.875, 1e-12);

  /* A weight of 0 is the raw data. */
  sm = lab_plot_series_smoothed (s, 0);
  g_assert_cmpfloat_with_epsilon (sm[1], 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (sm[3], 3, 1e-12);
}

static void
test_decimate_keeps_extremes (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint id = lab_plot_data_add_run (data, "run");
  const int n = 100000, columns = 500;
  const LabPlotSeries *s;
  const LabPlotPoint *pts, *dec;
  gsize n_dec;

  for (int i = 0; i < n; i++)
    lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, i,
                                i == 41234 ? 100 : (i == 77777 ? -100 : g_rand_double (rand)));
  s = lab_plot_data_get_series (data, 0, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, LAB_PLOT_PER_BATCH);
  pts = lab_plot_series_get_points (s);
  dec = lab_plot_series_decimate (s, -1, 0, n - 1, columns, &n_dec);
  g_assert_cmpuint (n_dec, <=, 4 * (columns + 1));
  g_assert_cmpuint (n_dec, >=, columns);

  /* Per column, the smallest and largest kept value are the true ones; and
   * the kept points stay in step order. */
  for (int c = 0; c <= columns; c++)
    {
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, dlo = G_MAXDOUBLE, dhi = -G_MAXDOUBLE;
      for (int i = 0; i < n; i++)
        if ((int) floor (i * ((double) columns / (n - 1))) == c)
          {
            lo = MIN (lo, pts[i].y);
            hi = MAX (hi, pts[i].y);
          }
      for (gsize k = 0; k < n_dec; k++)
        if ((int) floor (dec[k].x * ((double) columns / (n - 1))) == c)
          {
            dlo = MIN (dlo, dec[k].y);
            dhi = MAX (dhi, dec[k].y);
          }
      g_assert_cmpfloat (lo, ==, dlo);
      g_assert_cmpfloat (hi, ==, dhi);
    }
  for (gsize k = 1; k < n_dec; k++)
    g_assert_cmpfloat (dec[k].x, >=, dec[k - 1].x);

  /* Asking again for the same picture costs nothing: the same array. */
  g_assert_true (lab_plot_series_decimate (s, -1, 0, n - 1, columns, &n_dec) == dec);

  /* A zoomed range keeps a neighbour on each side so lines reach the edges. */
  dec = lab_plot_series_decimate (s, -1, 1000.5, 2000.5, 100, &n_dec);
  g_assert_cmpfloat (dec[0].x, ==, 1000);
  g_assert_cmpfloat (dec[n_dec - 1].x, ==, 2001);
}

static void
test_csv (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  guint a = lab_plot_data_add_run (data, "Run 1");
  guint b = lab_plot_data_add_run (data, "lr 0.1, \"fast\"");
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;
  char *old_locale = g_strdup (setlocale (LC_NUMERIC, NULL));

  for (int i = 1; i <= 50; i++)
    lab_plot_data_append_batch (data, a, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, i, 1.0 / i);
  lab_plot_data_append_epoch (data, a, LAB_PLOT_ACCURACY, LAB_PLOT_VAL, 1, 50, 0.875);
  lab_plot_data_append_batch (data, b, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 1, 0.25);
  lab_plot_data_set_run_visible (data, b, FALSE);

  /* A comma-decimal locale must not leak into the file. */
  setlocale (LC_NUMERIC, "de_DE.UTF-8");
  csv = lab_plot_data_to_csv (data);
  setlocale (LC_NUMERIC, old_locale);
  g_free (old_locale);

  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "run,metric,split,grain,epoch,step,value");
  /* Header, 52 points (hidden runs too), and the empty piece after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 52 + 1);
  g_assert_cmpstr (lines[1], ==, "Run 1,loss,training,batch,,1,1");
  g_assert_cmpstr (lines[2], ==, "Run 1,loss,training,batch,,2,0.5");
  g_assert_cmpstr (lines[51], ==, "Run 1,accuracy,validation,epoch,1,50,0.875");
  g_assert_cmpstr (lines[52], ==, "\"lr 0.1, \"\"fast\"\"\",loss,training,batch,,1,0.25");
}

static void
test_100k_points (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  g_autofree char *path = widget_png_output_path ("loss-plot-paint-100k.png");
  LabPlotView view;
  Picture pic;
  gint64 start;
  double ms;

  add_training_run (data, "Run 1", 100000, 20000, 1);
  g_assert_cmpuint (lab_plot_data_get_n_points (data), ==, 200000 + 10);
  lab_plot_view_init (&view);

  start = g_get_monotonic_time ();
  picture_paint (&pic, data, &view);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("100,000 points drawn in %.1f ms", ms);

  /* Both panels carry the run's colour, and a lot of it: a trace, not a dot. */
  g_assert_cmpfloat (pic.layout.accuracy.height, >, 50);
  g_assert_cmpint (count_color (&pic, &pic.layout.loss, run_color (0)), >, 800);
  g_assert_cmpint (count_color (&pic, &pic.layout.accuracy, run_color (0)), >, 800);
  /* ...and the second colour is nowhere in the data area. */
  g_assert_cmpint (count_color (&pic, &pic.layout.loss, run_color (1)), ==, 0);
  g_assert_cmpint (cairo_surface_write_to_png (pic.surface, path), ==, CAIRO_STATUS_SUCCESS);
  picture_clear (&pic);

  /* Redrawing (a hover, say) reuses the decimation and must be quick. */
  view.hover = TRUE;
  view.hover_x = W / 2.0;
  view.hover_y = H / 3.0;
  start = g_get_monotonic_time ();
  picture_paint (&pic, data, &view);
  g_test_message ("redrawn with hover in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  picture_clear (&pic);
}

static void
test_empty (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotView view;
  LabPlotStyle style;
  Picture pic;
  guint8 rgb[3];
  int ink_middle = 0, ink_edges = 0;

  lab_plot_view_init (&view);
  lab_plot_style_init (&style, FALSE);
  picture_paint (&pic, data, &view);
  g_assert_false (pic.layout.has_data);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gboolean ink;
        pixel (&pic, x, y, rgb);
        ink = !near_color (rgb, &style.background, 3);
        if (y > H / 2 - 30 && y < H / 2 + 30)
          ink_middle += ink;
        else
          ink_edges += ink;
      }
  /* The message is written in the middle, and nothing else is drawn. */
  g_assert_cmpint (ink_middle, >, 500);
  g_assert_cmpint (ink_edges, ==, 0);
  picture_clear (&pic);
}

/* The row of the run's colour in a pixel column of the loss panel. */
static double
trace_row (Picture *pic, double x)
{
  const LabPlotRect *r = &pic->layout.loss;
  double sum = 0;
  int count = 0;
  guint8 rgb[3];

  for (int y = (int) r->y + 1; y < (int) (r->y + r->height) - 1; y++)
    {
      pixel (pic, (int) x, y, rgb);
      if (near_color (rgb, run_color (0), 12))
        {
          sum += y;
          count++;
        }
    }
  g_assert_cmpint (count, >, 0);
  return sum / count;
}

static void
test_log_scale (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  guint id = lab_plot_data_add_run (data, "run");
  LabPlotView view;
  Picture pic;
  double rows[4];

  /* Four plateaus a decade apart, then a zero and a negative value, which a
   * log axis cannot show and must simply leave out. */
  for (int i = 0; i < 400; i++)
    lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, i, pow (10, 1 - i / 100));
  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 400, 0);
  lab_plot_data_append_batch (data, id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, 401, -1);
  lab_plot_view_init (&view);
  view.smoothing = 0;
  view.log_scale = TRUE;
  picture_paint (&pic, data, &view);
  for (int k = 0; k < 4; k++)
    {
      const LabPlotRect *r = &pic.layout.loss;
      double step = 50 + 100 * k;
      rows[k] = trace_row (&pic, r->x + (step - pic.layout.x_min) /
                                          (pic.layout.x_max - pic.layout.x_min) * r->width);
    }
  /* Decades are evenly spaced. */
  for (int k = 1; k < 3; k++)
    g_assert_cmpfloat (fabs ((rows[k + 1] - rows[k]) - (rows[1] - rows[0])), <, 2.5);
  g_assert_cmpfloat (rows[1] - rows[0], >, 40);
  picture_clear (&pic);

  /* On a linear axis the lower three crowd together at the bottom. */
  view.log_scale = FALSE;
  picture_paint (&pic, data, &view);
  {
    const LabPlotRect *r = &pic.layout.loss;
    double x1 = r->x + (150 - pic.layout.x_min) / (pic.layout.x_max - pic.layout.x_min) * r->width;
    double x2 = r->x + (250 - pic.layout.x_min) / (pic.layout.x_max - pic.layout.x_min) * r->width;
    g_assert_cmpfloat (fabs (trace_row (&pic, x1) - trace_row (&pic, x2)), <, 0.1 * r->height);
  }
  picture_clear (&pic);
}

static void
test_hidden_run (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotView view;
  Picture pic;
  guint second;

  add_training_run (data, "first", 2000, 500, 1);
  second = add_training_run (data, "second", 3000, 500, 2);
  lab_plot_view_init (&view);

  picture_paint (&pic, data, &view);
  g_assert_cmpint (count_color (&pic, &pic.layout.loss, run_color (1)), >, 200);
  g_assert_cmpfloat (pic.layout.x_max, >=, 3000);
  picture_clear (&pic);

  lab_plot_data_set_run_visible (data, second, FALSE);
  picture_paint (&pic, data, &view);
  g_assert_cmpint (count_color (&pic, &pic.layout.loss, run_color (0)), >, 200);
  g_assert_cmpint (count_color (&pic, &pic.layout.loss, run_color (1)), ==, 0);
  g_assert_cmpint (count_color (&pic, &pic.layout.accuracy, run_color (1)), ==, 0);
  /* The step axis now fits the visible run only. */
  g_assert_cmpfloat (pic.layout.x_max, <, 2100);
  picture_clear (&pic);
}

static void
test_legend_hit (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotView view;
  LabPlotStyle style;
  Picture pic;
  int found[2] = { 0, 0 };

  add_training_run (data, "first", 200, 100, 1);
  add_training_run (data, "second", 200, 100, 2);
  lab_plot_view_init (&view);
  lab_plot_style_init (&style, FALSE);
  picture_paint (&pic, data, &view);
  /* The legend sits above the panels; every run can be found there. */
  for (int x = 0; x < W; x += 4)
    for (int y = 0; y < (int) pic.layout.loss.y; y += 4)
      {
        int run = lab_loss_plot_legend_run_at (data, &view, W, H, &style, x, y);
        g_assert_cmpint (run, <, 2);
        if (run >= 0)
          found[run]++;
      }
  g_assert_cmpint (found[0], >, 0);
  g_assert_cmpint (found[1], >, 0);
  g_assert_cmpint (lab_loss_plot_legend_run_at (data, &view, W, H, &style, W / 2.0, H / 2.0), ==,
                   -1);
  picture_clear (&pic);
}

static void
test_hover (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotView view;
  Picture plain, hover;
  int changed = 0;

  add_training_run (data, "Run 1", 1000, 250, 3);
  lab_plot_view_init (&view);
  picture_paint (&plain, data, &view);
  view.hover = TRUE;
  view.hover_x = plain.layout.loss.x + 100;
  view.hover_y = plain.layout.loss.y + 40;
  picture_paint (&hover, data, &view);
  /* The value label appears beside the pointer. */
  for (int y = (int) view.hover_y; y < (int) view.hover_y + 60; y++)
    for (int x = (int) view.hover_x + 20; x < (int) view.hover_x + 200; x++)
      {
        guint8 a[3], b[3];
        pixel (&plain, x, y, a);
        pixel (&hover, x, y, b);
        changed += memcmp (a, b, 3) != 0;
      }
  g_assert_cmpint (changed, >, 500);
  picture_clear (&plain);
  picture_clear (&hover);
}

/* Plot, then hover on top, is the same picture as both at once: what the
 * widget does to redraw only the label while the pointer moves. */
static void
test_hover_overlay (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotView view, base;
  LabPlotStyle style;
  cairo_surface_t *a = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_t *b = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr;

  add_training_run (data, "Run 1", 3000, 1000, 5);
  lab_plot_view_init (&view);
  lab_plot_style_init (&style, FALSE);
  view.hover = TRUE;
  view.hover_x = W / 3.0;
  view.hover_y = H / 2.0;
  base = view;
  base.hover = FALSE;

  cr = cairo_create (a);
  lab_loss_plot_paint (cr, data, &view, W, H, &style);
  cairo_destroy (cr);
  cr = cairo_create (b);
  lab_loss_plot_paint (cr, data, &base, W, H, &style);
  lab_loss_plot_paint_hover (cr, data, &view, W, H, &style);
  cairo_destroy (cr);
  cairo_surface_flush (a);
  cairo_surface_flush (b);
  g_assert_cmpmem (cairo_image_surface_get_data (a), cairo_image_surface_get_stride (a) * H,
                   cairo_image_surface_get_data (b), cairo_image_surface_get_stride (b) * H);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static void
test_png_errors (void)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = NULL;
  LabPlotView view;

  lab_plot_view_init (&view);
  g_assert_false (
    lab_loss_plot_write_png (data, &view, 200, 100, NULL, "/nonexistent-folder/plot.png", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder/plot.png"));
  g_clear_error (&error);

  g_assert_null (lab_loss_plot_render_png (data, &view, 0, 100, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);

  png = lab_loss_plot_render_png (data, &view, 320, 200, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (png, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/loss-plot/ticks/nice", test_nice_ticks);
  g_test_add_func ("/widgets/loss-plot/ticks/log", test_log_ticks);
  g_test_add_func ("/widgets/loss-plot/data/smoothing", test_smoothing);
  g_test_add_func ("/widgets/loss-plot/data/decimate-keeps-extremes", test_decimate_keeps_extremes);
  g_test_add_func ("/widgets/loss-plot/data/csv", test_csv);
  g_test_add_func ("/widgets/loss-plot/paint/100k-points", test_100k_points);
  g_test_add_func ("/widgets/loss-plot/paint/empty", test_empty);
  g_test_add_func ("/widgets/loss-plot/paint/log-scale", test_log_scale);
  g_test_add_func ("/widgets/loss-plot/paint/hidden-run", test_hidden_run);
  g_test_add_func ("/widgets/loss-plot/paint/legend-hit", test_legend_hit);
  g_test_add_func ("/widgets/loss-plot/paint/hover", test_hover);
  g_test_add_func ("/widgets/loss-plot/paint/hover-overlay", test_hover_overlay);
  g_test_add_func ("/widgets/loss-plot/paint/png-errors", test_png_errors);
  return g_test_run ();
}
