/* loss-plot-data.h — the numbers behind the training plot, with no drawing.
 *
 * A LabPlotData holds runs; each run has a label, a visibility flag and eight
 * series: {loss, accuracy} × {training, validation} × {per batch, per epoch}.
 * A point is (step, value) where step is the global batch counter, so per-batch
 * and per-epoch points share one x axis. Every point is kept; drawing asks for
 * a decimated copy (lab_plot_series_decimate) sized to the screen, and for
 * debiased exponential smoothing (the TensorBoard formula).
 *
 * Within one series, steps must not decrease (training only moves forward).
 * Plain C on GLib: usable by the widget, the CLI and tests. Not thread-safe;
 * feed it from the main thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LAB_PLOT_LOSS,
  LAB_PLOT_ACCURACY,
  LAB_PLOT_N_METRICS
} LabPlotMetric;

typedef enum
{
  LAB_PLOT_TRAIN,
  LAB_PLOT_VAL,
  LAB_PLOT_N_SPLITS
} LabPlotSplit;

typedef enum
{
  LAB_PLOT_PER_BATCH,
  LAB_PLOT_PER_EPOCH,
  LAB_PLOT_N_GRAINS
} LabPlotGrain;

typedef struct
{
  double x; /* global step */
  double y; /* value; NaN and infinities are kept but never drawn */
} LabPlotPoint;

typedef struct _LabPlotSeries LabPlotSeries;
typedef struct _LabPlotData LabPlotData;

LabPlotData *lab_plot_data_new (void);
void lab_plot_data_free (LabPlotData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPlotData, lab_plot_data_free)

/* Removes every run. */
void lab_plot_data_clear (LabPlotData *data);

/* Adds an empty, visible run and returns its id (ids are never reused within
 * one LabPlotData, even after clear). Runs keep the order they were added in;
 * the last one is "the current run". */
guint lab_plot_data_add_run (LabPlotData *data, const char *label);
guint lab_plot_data_get_n_runs (const LabPlotData *data);
/* By position 0 .. n_runs-1 (order of adding). */
guint lab_plot_data_get_run_id (const LabPlotData *data, guint index);
const char *lab_plot_data_get_run_label (const LabPlotData *data, guint index);
gboolean lab_plot_data_get_run_visible (const LabPlotData *data, guint index);
/* By id; unknown ids are ignored. */
void lab_plot_data_set_run_visible (LabPlotData *data, guint run_id, gboolean visible);

/* One point of a per-batch series at global `step`. */
void lab_plot_data_append_batch (LabPlotData *data, guint run_id, LabPlotMetric metric,
                                 LabPlotSplit split, double step, double value);
/* One point of a per-epoch series: `epoch` counts from 1 and `step` is the
 * global step at which the epoch ended, which also becomes an epoch marker. */
void lab_plot_data_append_epoch (LabPlotData *data, guint run_id, LabPlotMetric metric,
                                 LabPlotSplit split, int epoch, double step, double value);

/* The series of the run at `index`; never NULL (may be empty). */
const LabPlotSeries *lab_plot_data_get_series (const LabPlotData *data, guint index,
                                               LabPlotMetric metric, LabPlotSplit split,
                                               LabPlotGrain grain);
/* Steps at which the run's epochs ended, in order; *n_out gets the count. */
const double *lab_plot_data_get_epoch_steps (const LabPlotData *data, guint index, gsize *n_out);

/* Total number of points over all runs, visible or not. */
gsize lab_plot_data_get_n_points (const LabPlotData *data);
/* Smallest and largest step of the visible runs; FALSE when they have no points. */
gboolean lab_plot_data_get_x_range (const LabPlotData *data, double *x_min, double *x_max);

gsize lab_plot_series_get_n (const LabPlotSeries *series);
const LabPlotPoint *lab_plot_series_get_points (const LabPlotSeries *series);
/* Index of the point whose step is nearest to x, or -1 if the series is empty. */
gssize lab_plot_series_nearest (const LabPlotSeries *series, double x);

/* Debiased exponential moving average (TensorBoard): with weight w,
 * last = w·last + (1−w)·y, shown as last / (1 − w^k) after k finite points, so
 * the first values are not pulled towards zero. Non-finite values pass
 * through unchanged and do not disturb the average. Returns n values aligned
 * with the points, owned by the series and valid until it next changes.
 * Computed incrementally as points arrive; a new weight recomputes. */
const double *lab_plot_series_smoothed (const LabPlotSeries *series, double weight);

/* The points with step in [x_min, x_max] (plus one neighbour on each side so
 * lines reach the edges) reduced for a plot `columns` pixels wide: per column
 * the first, smallest, largest and last value in step order, so spikes
 * survive and nothing is drawn twice over. `smoothing` < 0 reduces the raw
 * values; otherwise the values smoothed with that weight are reduced to one
 * mean point per column (a trend line has no spikes to keep, and a hundred
 * points per pixel would only make it jitter). Non-finite values are
 * left out. O(points in range). The result is owned by the series and
 * cached per (range, columns, smoothing, length), one cache for raw and one
 * for smoothed values; it stays valid until the next call of the same kind
 * (raw or smoothed) on the series. The series is logically const: only its
 * caches change. */
const LabPlotPoint *lab_plot_series_decimate (const LabPlotSeries *series, double smoothing,
                                              double x_min, double x_max, int columns,
                                              gsize *n_out);

/* All points of all runs as CSV (RFC 4180, '.' decimals whatever the locale):
 * a header "run,metric,split,grain,epoch,step,value" then one row per point,
 * run by run. `epoch` is empty for per-batch points. Free with g_free(). */
char *lab_plot_data_to_csv (const LabPlotData *data);

const char *lab_plot_metric_to_string (LabPlotMetric metric);
const char *lab_plot_split_to_string (LabPlotSplit split);
const char *lab_plot_grain_to_string (LabPlotGrain grain);

G_END_DECLS
