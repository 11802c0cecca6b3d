/* loss-plot-paint-private.h — what the loss plot's painter files share
 * (loss-plot-paint.c and its siblings -axes.c, -curves.c, -legend.c,
 * -hover.c): the painter's state for one drawing and the functions each
 * file offers the others. For widgets/loss-plot-paint*.c only. */
#pragma once

#include <pango/pangocairo.h>

#include "loss-plot-paint.h"

G_BEGIN_DECLS

typedef struct
{
  LabPlotRect rect;
  int run; /* run index, or -1 for a key of line styles */
  LabPlotSplit split;
  char *text;
} LegendItem;

/* One drawing: set up by _lab_plot_painter_init (layout, legend, value
 * ranges), released by _lab_plot_painter_clear. */
typedef struct
{
  cairo_t *cr;
  PangoLayout *layout;
  const LabPlotData *data;
  const LabPlotView *view;
  const LabPlotStyle *style;
  double fs; /* font size in pixels */
  int width, height;
  LabPlotLayout lay;
  GArray *legend; /* LegendItem */
  gboolean has_accuracy;
  gboolean split_used[LAB_PLOT_N_SPLITS];
  double y_lo[LAB_PLOT_N_METRICS], y_hi[LAB_PLOT_N_METRICS];
  gboolean y_log[LAB_PLOT_N_METRICS];
} Painter;

/* The painter (loss-plot-paint.c). */
void _lab_plot_painter_init (Painter *p, cairo_t *cr, const LabPlotData *data,
                             const LabPlotView *view, int width, int height,
                             const LabPlotStyle *style);
void _lab_plot_painter_clear (Painter *p);
/* Whether run's series (m, s, g) is shown and has points. */
gboolean _lab_plot_series_drawn (const LabPlotData *data, guint run, LabPlotMetric m,
                                 LabPlotSplit s, LabPlotGrain g);
/* Pixel columns of the data area: the decimation's bucket count. */
int _lab_plot_panel_columns (const Painter *p);

/* Text and colour (loss-plot-paint.c). Text is drawn with its box aligned
 * at (x, y): ax, ay are 0 (left/top), 0.5 (centre) or 1 (right/bottom). */
void _lab_plot_set_font (Painter *p, double scale, gboolean bold);
double _lab_plot_text_width (Painter *p, const char *text);
void _lab_plot_draw_text (Painter *p, const char *text, double x, double y, double ax, double ay);
void _lab_plot_set_color (cairo_t *cr, const LabPlotColor *c, double alpha);
const LabPlotColor *_lab_plot_run_color (Painter *p, guint run);

/* Data to pixels and back (loss-plot-paint.c): steps on the shared x axis,
 * values in metric m's panel. */
double _lab_plot_map_x (const Painter *p, double x);
double _lab_plot_unmap_x (const Painter *p, double px);
const LabPlotRect *_lab_plot_panel_rect (const Painter *p, LabPlotMetric m);
double _lab_plot_map_y (const Painter *p, LabPlotMetric m, double y);

/* Axes, grid and epoch markers (loss-plot-paint-axes.c). */
void _lab_plot_draw_panel_frame (Painter *p, LabPlotMetric m);
void _lab_plot_draw_epoch_markers (Painter *p);

/* Traces (loss-plot-paint-curves.c); a dot at (x, y) of metric m's panel,
 * outlined over the panel colour when not filled. */
void _lab_plot_dot (Painter *p, LabPlotMetric m, double x, double y, double radius,
                    gboolean filled);
void _lab_plot_draw_series (Painter *p, guint run, LabPlotMetric m);

/* The legend (loss-plot-paint-legend.c): laid out into p->legend from
 * (x0, y0) up to right, returning its height; LegendItem's clear func. */
double _lab_plot_layout_legend (Painter *p, double x0, double y0, double right);
void _lab_plot_legend_clear (gpointer item);
void _lab_plot_draw_legend (Painter *p);

/* The hover crosshair and label (loss-plot-paint-hover.c). */
void _lab_plot_draw_hover (Painter *p);

G_END_DECLS
