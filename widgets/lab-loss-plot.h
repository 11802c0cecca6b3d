/* lab-loss-plot.h — the live training plot: loss and accuracy, training and
 * validation, per batch (smoothed over a faint raw trace) and per epoch, for
 * the current run and the earlier runs kept for comparison.
 *
 * The training controller feeds it points as they arrive; the plot keeps
 * every point, marks itself dirty and redraws at most once per frame.
 * The user can hover for exact values, zoom the step axis with the scroll
 * wheel around the pointer, pan by dragging, double-click to see everything
 * again, and click a run in the legend to hide or show it (::run-toggled).
 * While "follow" is on (the default, and again after a double-click), a
 * zoomed plot slides along so the newest step stays in view.
 *
 * Actions for buttons and menus inside it: plot.zoom-in, plot.zoom-out,
 * plot.reset-zoom, and the stateful plot.log-scale and plot.follow.
 *
 * The widget never writes files: it returns PNG bytes and CSV text, and the
 * application saves them where the user chose. */
#pragma once

#include <gtk/gtk.h>

#include "loss-plot-data.h"

G_BEGIN_DECLS

#define LAB_TYPE_LOSS_PLOT (lab_loss_plot_get_type ())
G_DECLARE_FINAL_TYPE (LabLossPlot, lab_loss_plot, LAB, LOSS_PLOT, GtkWidget)

GtkWidget *lab_loss_plot_new (void);

/* Starts a new run (drawn in the next colour) and returns its id. */
guint lab_loss_plot_add_run (LabLossPlot *self, const char *label);
void lab_loss_plot_append_batch (LabLossPlot *self, guint run_id, LabPlotMetric metric,
                                 LabPlotSplit split, double step, double value);
/* `epoch` counts from 1; `step` is the global step at which it ended. */
void lab_loss_plot_append_epoch (LabLossPlot *self, guint run_id, LabPlotMetric metric,
                                 LabPlotSplit split, int epoch, double step, double value);
void lab_loss_plot_set_run_visible (LabLossPlot *self, guint run_id, gboolean visible);
/* Forgets every run and shows everything again. */
void lab_loss_plot_clear (LabLossPlot *self);
/* The points, for reading (e.g. to save a project's history). */
const LabPlotData *lab_loss_plot_get_data (LabLossPlot *self);

/* Properties "log-scale" (loss axis), "smoothing" (0 .. 0.99, TensorBoard's
 * weight; 0 shows the raw values only) and "follow". */
void lab_loss_plot_set_log_scale (LabLossPlot *self, gboolean log_scale);
gboolean lab_loss_plot_get_log_scale (LabLossPlot *self);
void lab_loss_plot_set_smoothing (LabLossPlot *self, double smoothing);
double lab_loss_plot_get_smoothing (LabLossPlot *self);
void lab_loss_plot_set_follow (LabLossPlot *self, gboolean follow);
gboolean lab_loss_plot_get_follow (LabLossPlot *self);

/* Shows all steps again and turns follow on. */
void lab_loss_plot_reset_zoom (LabLossPlot *self);
/* Shows steps x_min .. x_max (as zooming there by hand would). */
void lab_loss_plot_zoom_to (LabLossPlot *self, double x_min, double x_max);

/* The steps shown from the left to the right edge of the data area. */
void lab_loss_plot_get_visible_range (LabLossPlot *self, double *x_min, double *x_max);

/* The plot as the user sees it now (theme colours and zoom, no hover
 * label), drawn at width × height pixels, as PNG bytes. */
GBytes *lab_loss_plot_to_png (LabLossPlot *self, int width, int height, GError **error);
/* Every point of every run as CSV text; see lab_plot_data_to_csv(). */
char *lab_loss_plot_to_csv (LabLossPlot *self);

G_END_DECLS
