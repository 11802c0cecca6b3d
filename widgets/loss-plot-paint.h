/* loss-plot-paint.h — draws the training plot with Cairo and Pango only, so
 * that the widget (in snapshot), the CLI and the tests (on an image surface)
 * share one drawing.
 *
 * Layout: a legend row on top, then a loss panel and, when any visible run
 * has accuracy, an accuracy panel below it sharing the step axis. Per-batch
 * series are a faint raw trace under a bold smoothed line; per-epoch
 * validation points are dashed lines with dots; training per-epoch points
 * are dots. Each run has one colour; earlier runs stay until hidden.
 * Margins depend only on the font size, so the plot does not jump while
 * tick labels change during training. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "loss-plot-data.h"

G_BEGIN_DECLS

#define LAB_PLOT_N_COLORS 6

typedef struct
{
  double r, g, b, a;
} LabPlotColor;

typedef struct
{
  LabPlotColor background; /* alpha 0 leaves the surface as it is */
  LabPlotColor foreground; /* text and axes */
  LabPlotColor grid;
  LabPlotColor panel; /* fill behind the data area */
  LabPlotColor runs[LAB_PLOT_N_COLORS];
  const char *font_family;
  double font_size;       /* in device pixels */
  double line_width;      /* of the smoothed traces, in device pixels */
  const char *empty_text; /* shown without data; NULL for the default */
} LabPlotStyle;

/* Light (dark == FALSE) or dark libadwaita colours, Cantarell at 15 px. */
void lab_plot_style_init (LabPlotStyle *style, gboolean dark);

typedef struct
{
  gboolean log_scale; /* loss axis only; values <= 0 are left out */
  double smoothing;   /* 0 .. 0.99; 0 draws only the raw trace */
  gboolean zoomed;    /* FALSE: the step axis covers all visible data */
  double x_min, x_max;
  gboolean hover; /* pointer position in pixels, for the crosshair */
  double hover_x, hover_y;
} LabPlotView;

void lab_plot_view_init (LabPlotView *view);

typedef struct
{
  double x, y, width, height;
} LabPlotRect;

typedef struct
{
  LabPlotRect loss;     /* data area of the loss panel */
  LabPlotRect accuracy; /* height 0 when no accuracy is shown */
  double x_min, x_max;  /* the step range shown across loss.x .. loss.x + loss.width */
  gboolean has_data;
} LabPlotLayout;

/* Where the panels go and which steps they span, as lab_loss_plot_paint()
 * would draw them; for mapping pointer positions to steps. */
void lab_loss_plot_get_layout (const LabPlotData *data, const LabPlotView *view, int width,
                               int height, const LabPlotStyle *style, LabPlotLayout *layout);

/* The index of the run whose legend entry is at (x, y), or -1; for toggling
 * runs by clicking the legend. */
int lab_loss_plot_legend_run_at (const LabPlotData *data, const LabPlotView *view, int width,
                                 int height, const LabPlotStyle *style, double x, double y);

/* Paints the whole plot into (0, 0, width, height) of cr. `style` NULL uses
 * the light style. The data's caches are refreshed (see loss-plot-data.h). */
void lab_loss_plot_paint (cairo_t *cr, const LabPlotData *data, const LabPlotView *view, int width,
                          int height, const LabPlotStyle *style);

/* Only what view->hover adds (crosshair, value dots, label), over a plot
 * already painted without hover: a widget can keep the plot and redraw just
 * this while the pointer moves. */
void lab_loss_plot_paint_hover (cairo_t *cr, const LabPlotData *data, const LabPlotView *view,
                                int width, int height, const LabPlotStyle *style);

/* The plot as PNG bytes (light style when `style` is NULL). */
GBytes *lab_loss_plot_render_png (const LabPlotData *data, const LabPlotView *view, int width,
                                  int height, const LabPlotStyle *style, GError **error);
/* The same, written to `path`; NN_ERROR_IO naming the file on failure. */
gboolean lab_loss_plot_write_png (const LabPlotData *data, const LabPlotView *view, int width,
                                  int height, const LabPlotStyle *style, const char *path,
                                  GError **error);

/* "Nice" tick values (1, 2 or 5 × 10^k apart) covering [lo, hi] with at most
 * max_ticks ticks inside it. Writes up to max_ticks values to ticks, returns
 * the count and the spacing in *step_out (may be NULL). */
int lab_plot_nice_ticks (double lo, double hi, int max_ticks, double *ticks, double *step_out);
/* Ticks for a log axis over [lo, hi] (both > 0): powers of ten, every k-th
 * decade when there are many, or 1-2-5 within a decade when there are few. */
int lab_plot_log_ticks (double lo, double hi, int max_ticks, double *ticks);

G_END_DECLS
