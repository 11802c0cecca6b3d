/* loss-plot-data.c — the series store behind the loss plot: all points kept,
 * smoothing computed incrementally, decimation cached for the screen. */
#include "loss-plot-data.h"

#include <math.h>
#include <string.h>

typedef struct
{
  GArray *points; /* LabPlotPoint */
  double smoothing, x_min, x_max;
  int columns;
  guint length;
  gboolean valid;
} Decimation;

struct _LabPlotSeries
{
  GArray *points; /* LabPlotPoint */
  GArray *epochs; /* int, per-epoch series only */

  /* Caches: the series is logically const to readers, so these are
   * refreshed behind a const pointer. */
  GArray *smoothed; /* double, aligned with points */
  double smooth_weight;
  double smooth_last;
  guint smooth_count;

  /* One decimation per kind: [0] raw, [1] smoothed, since a frame draws both. */
  Decimation dec[2];
};

typedef struct
{
  guint id;
  char *label;
  gboolean visible;
  LabPlotSeries series[LAB_PLOT_N_METRICS][LAB_PLOT_N_SPLITS][LAB_PLOT_N_GRAINS];
  GArray *epoch_steps; /* double */
} LabPlotRun;

struct _LabPlotData
{
  GPtrArray *runs; /* LabPlotRun */
  guint next_id;
};

static void
series_init (LabPlotSeries *s)
{
  memset (s, 0, sizeof *s);
  s->points = g_array_new (FALSE, FALSE, sizeof (LabPlotPoint));
  s->epochs = g_array_new (FALSE, FALSE, sizeof (int));
  s->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  for (int k = 0; k < 2; k++)
    s->dec[k].points = g_array_new (FALSE, FALSE, sizeof (LabPlotPoint));
  s->smooth_weight = -1;
}

static void
series_clear (LabPlotSeries *s)
{
  g_array_unref (s->points);
  g_array_unref (s->epochs);
  g_array_unref (s->smoothed);
  for (int k = 0; k < 2; k++)
    g_array_unref (s->dec[k].points);
}

static void
run_free (gpointer p)
{
  LabPlotRun *run = p;

  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
      for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
        series_clear (&run->series[m][s][g]);
  g_array_unref (run->epoch_steps);
  g_free (run->label);
  g_free (run);
}

LabPlotData *
lab_plot_data_new (void)
{
  LabPlotData *data = g_new0 (LabPlotData, 1);

  data->runs = g_ptr_array_new_with_free_func (run_free);
  data->next_id = 1;
  return data;
}

void
lab_plot_data_free (LabPlotData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->runs);
  g_free (data);
}

void
lab_plot_data_clear (LabPlotData *data)
{
  g_ptr_array_set_size (data->runs, 0);
}

guint
lab_plot_data_add_run (LabPlotData *data, const char *label)
{
  LabPlotRun *run = g_new0 (LabPlotRun, 1);

  run->id = data->next_id++;
  run->label = g_strdup (label != NULL ? label : "");
  run->visible = TRUE;
  for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
    for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
      for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
        series_init (&run->series[m][s][g]);
  run->epoch_steps = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (data->runs, run);
  return run->id;
}

static LabPlotRun *
find_run (const LabPlotData *data, guint run_id)
{
  for (guint i = 0; i < data->runs->len; i++)
    {
      LabPlotRun *run = g_ptr_array_index (data->runs, i);
      if (run->id == run_id)
        return run;
    }
  return NULL;
}

guint
lab_plot_data_get_n_runs (const LabPlotData *data)
{
  return data->runs->len;
}

static LabPlotRun *
run_at (const LabPlotData *data, guint index)
{
  g_return_val_if_fail (index < data->runs->len, NULL);
  return g_ptr_array_index (data->runs, index);
}

guint
lab_plot_data_get_run_id (const LabPlotData *data, guint index)
{
  LabPlotRun *run = run_at (data, index);
  return run != NULL ? run->id : 0;
}

const char *
lab_plot_data_get_run_label (const LabPlotData *data, guint index)
{
  LabPlotRun *run = run_at (data, index);
  return run != NULL ? run->label : NULL;
}

gboolean
lab_plot_data_get_run_visible (const LabPlotData *data, guint index)
{
  LabPlotRun *run = run_at (data, index);
  return run != NULL && run->visible;
}

void
lab_plot_data_set_run_visible (LabPlotData *data, guint run_id, gboolean visible)
{
  LabPlotRun *run = find_run (data, run_id);

  if (run != NULL)
    run->visible = !!visible;
}

static void
series_append (LabPlotSeries *s, double step, double value)
{
  LabPlotPoint p = { step, value };

  if (s->points->len > 0)
    g_return_if_fail (step >= g_array_index (s->points, LabPlotPoint, s->points->len - 1).x);
  g_array_append_val (s->points, p);
}

void
lab_plot_data_append_batch (LabPlotData *data, guint run_id, LabPlotMetric metric,
                            LabPlotSplit split, double step, double value)
{
  LabPlotRun *run = find_run (data, run_id);

  g_return_if_fail (run != NULL);
  g_return_if_fail (metric < LAB_PLOT_N_METRICS && split < LAB_PLOT_N_SPLITS);
  series_append (&run->series[metric][split][LAB_PLOT_PER_BATCH], step, value);
}

void
lab_plot_data_append_epoch (LabPlotData *data, guint run_id, LabPlotMetric metric,
                            LabPlotSplit split, int epoch, double step, double value)
{
  LabPlotRun *run = find_run (data, run_id);
  LabPlotSeries *s;
  guint before;

  g_return_if_fail (run != NULL);
  g_return_if_fail (metric < LAB_PLOT_N_METRICS && split < LAB_PLOT_N_SPLITS);
  s = &run->series[metric][split][LAB_PLOT_PER_EPOCH];
  before = s->points->len;
  series_append (s, step, value);
  if (s->points->len == before)
    return;
  g_array_append_val (s->epochs, epoch);
  /* Several metrics arrive for the same epoch end; one marker is enough. */
  if (run->epoch_steps->len == 0 ||
      step > g_array_index (run->epoch_steps, double, run->epoch_steps->len - 1))
    g_array_append_val (run->epoch_steps, step);
}

const LabPlotSeries *
lab_plot_data_get_series (const LabPlotData *data, guint index, LabPlotMetric metric,
                          LabPlotSplit split, LabPlotGrain grain)
{
  LabPlotRun *run = run_at (data, index);

  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (
    metric < LAB_PLOT_N_METRICS && split < LAB_PLOT_N_SPLITS && grain < LAB_PLOT_N_GRAINS, NULL);
  return &run->series[metric][split][grain];
}

const double *
lab_plot_data_get_epoch_steps (const LabPlotData *data, guint index, gsize *n_out)
{
  LabPlotRun *run = run_at (data, index);

  *n_out = run != NULL ? run->epoch_steps->len : 0;
  return run != NULL ? (const double *) (gpointer) run->epoch_steps->data : NULL;
}

gsize
lab_plot_data_get_n_points (const LabPlotData *data)
{
  gsize n = 0;

  for (guint i = 0; i < data->runs->len; i++)
    {
      LabPlotRun *run = g_ptr_array_index (data->runs, i);
      for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
        for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
          for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
            n += run->series[m][s][g].points->len;
    }
  return n;
}

gboolean
lab_plot_data_get_x_range (const LabPlotData *data, double *x_min, double *x_max)
{
  gboolean any = FALSE;
  double lo = 0, hi = 0;

  for (guint i = 0; i < data->runs->len; i++)
    {
      LabPlotRun *run = g_ptr_array_index (data->runs, i);
      if (!run->visible)
        continue;
      for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
        for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
          for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
            {
              GArray *pts = run->series[m][s][g].points;
              double first, last;

              if (pts->len == 0)
                continue;
              first = g_array_index (pts, LabPlotPoint, 0).x;
              last = g_array_index (pts, LabPlotPoint, pts->len - 1).x;
              lo = any ? MIN (lo, first) : first;
              hi = any ? MAX (hi, last) : last;
              any = TRUE;
            }
    }
  if (x_min != NULL)
    *x_min = lo;
  if (x_max != NULL)
    *x_max = hi;
  return any;
}

gsize
lab_plot_series_get_n (const LabPlotSeries *series)
{
  return series->points->len;
}

const LabPlotPoint *
lab_plot_series_get_points (const LabPlotSeries *series)
{
  return (const LabPlotPoint *) (gpointer) series->points->data;
}

/* First index whose step is >= x (len if none). */
static gsize
lower_bound (const LabPlotSeries *series, double x)
{
  const LabPlotPoint *p = lab_plot_series_get_points (series);
  gsize lo = 0, hi = series->points->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (p[mid].x < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First index whose step is > x (len if none). */
static gsize
upper_bound (const LabPlotSeries *series, double x)
{
  const LabPlotPoint *p = lab_plot_series_get_points (series);
  gsize lo = 0, hi = series->points->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (p[mid].x <= x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gssize
lab_plot_series_nearest (const LabPlotSeries *series, double x)
{
  const LabPlotPoint *p = lab_plot_series_get_points (series);
  gsize n = series->points->len;
  gsize i;

  if (n == 0)
    return -1;
  i = lower_bound (series, x);
  if (i == n)
    return (gssize) n - 1;
  if (i > 0 && x - p[i - 1].x <= p[i].x - x)
    return (gssize) i - 1;
  return (gssize) i;
}

const double *
lab_plot_series_smoothed (const LabPlotSeries *cseries, double weight)
{
  LabPlotSeries *s = (LabPlotSeries *) cseries;
  const LabPlotPoint *p = lab_plot_series_get_points (s);

  weight = CLAMP (weight, 0.0, 0.999);
  if (weight != s->smooth_weight)
    {
      g_array_set_size (s->smoothed, 0);
      s->smooth_weight = weight;
      s->smooth_last = 0;
      s->smooth_count = 0;
    }
  for (guint i = s->smoothed->len; i < s->points->len; i++)
    {
      double y = p[i].y;
      double v;

      if (!isfinite (y))
        v = y;
      else
        {
          s->smooth_last = s->smooth_last * weight + (1 - weight) * y;
          s->smooth_count++;
          v = s->smooth_last / (1 - pow (weight, s->smooth_count));
        }
      g_array_append_val (s->smoothed, v);
    }
  return (const double *) (gpointer) s->smoothed->data;
}

/* One column's worth. Raw values keep first, the extremes and last in step
 * order (the first or last may itself be an extreme), repeats dropped.
 * Smoothed values are a trend line with no spikes worth keeping: their
 * column mean draws it without the jitter of a hundred points per pixel. */
static void
flush_bucket (GArray *out, gboolean mean, LabPlotPoint first, LabPlotPoint low, LabPlotPoint high,
              LabPlotPoint last, double mean_x, double mean_y)
{
  LabPlotPoint seq[4] = { first, low, high, last };

  if (mean)
    {
      LabPlotPoint m = { mean_x, mean_y };
      g_array_append_val (out, m);
      return;
    }
  for (int i = 1; i < 4; i++)
    for (int k = i; k > 0 && seq[k].x < seq[k - 1].x; k--)
      {
        LabPlotPoint t = seq[k];
        seq[k] = seq[k - 1];
        seq[k - 1] = t;
      }
  for (int k = 0; k < 4; k++)
    {
      gboolean repeat = FALSE;
      for (int j = 0; j < k; j++)
        repeat |= seq[j].x == seq[k].x && seq[j].y == seq[k].y;
      if (!repeat)
        g_array_append_val (out, seq[k]);
    }
}

const LabPlotPoint *
lab_plot_series_decimate (const LabPlotSeries *cseries, double smoothing, double x_min,
                          double x_max, int columns, gsize *n_out)
{
  LabPlotSeries *s = (LabPlotSeries *) cseries;
  const LabPlotPoint *p = lab_plot_series_get_points (s);
  const double *sm = NULL;
  gsize n = s->points->len;
  gsize start, end;
  double scale;
  gint64 bucket = G_MININT64;
  LabPlotPoint first = { 0 }, low = { 0 }, high = { 0 }, last = { 0 };
  double sum_x = 0, sum_y = 0;
  guint count = 0;
  gboolean open = FALSE;
  Decimation *d;

  if (smoothing < 0)
    smoothing = -1;
  d = &s->dec[smoothing >= 0];
  if (d->valid && d->smoothing == smoothing && d->x_min == x_min && d->x_max == x_max &&
      d->columns == columns && d->length == n)
    {
      *n_out = d->points->len;
      return (const LabPlotPoint *) (gpointer) d->points->data;
    }
  g_array_set_size (d->points, 0);
  d->valid = TRUE;
  d->smoothing = smoothing;
  d->x_min = x_min;
  d->x_max = x_max;
  d->columns = columns;
  d->length = n;
  *n_out = 0;
  if (n == 0 || columns <= 0 || !(x_max >= x_min))
    return (const LabPlotPoint *) (gpointer) d->points->data;

  if (smoothing >= 0)
    sm = lab_plot_series_smoothed (s, smoothing);
  start = lower_bound (s, x_min);
  if (start > 0)
    start--;
  end = upper_bound (s, x_max);
  if (end < n)
    end++;
  scale = x_max > x_min ? columns / (x_max - x_min) : 0;

  /* Points outside the range each get a bucket of their own, so the lines to
   * the edges keep their slope. */
  for (gsize i = start; i < end; i++)
    {
      LabPlotPoint q = { p[i].x, sm != NULL ? sm[i] : p[i].y };
      gint64 b;

      if (!isfinite (q.y))
        continue;
      if (q.x < x_min)
        b = G_MININT64 + 1;
      else if (q.x > x_max)
        b = G_MAXINT64;
      else
        b = (gint64) floor ((q.x - x_min) * scale);
      if (!open || b != bucket)
        {
          if (open)
            flush_bucket (d->points, sm != NULL, first, low, high, last, sum_x / count,
                          sum_y / count);
          bucket = b;
          open = TRUE;
          first = low = high = last = q;
          sum_x = q.x;
          sum_y = q.y;
          count = 1;
          continue;
        }
      sum_x += q.x;
      sum_y += q.y;
      count++;
      if (q.y < low.y)
        low = q;
      if (q.y > high.y)
        high = q;
      last = q;
    }
  if (open)
    flush_bucket (d->points, sm != NULL, first, low, high, last, sum_x / count, sum_y / count);
  *n_out = d->points->len;
  return (const LabPlotPoint *) (gpointer) d->points->data;
}

const char *
lab_plot_metric_to_string (LabPlotMetric metric)
{
  return metric == LAB_PLOT_LOSS ? "loss" : "accuracy";
}

const char *
lab_plot_split_to_string (LabPlotSplit split)
{
  return split == LAB_PLOT_TRAIN ? "training" : "validation";
}

const char *
lab_plot_grain_to_string (LabPlotGrain grain)
{
  return grain == LAB_PLOT_PER_BATCH ? "batch" : "epoch";
}

static void
append_csv_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
append_number (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

char *
lab_plot_data_to_csv (const LabPlotData *data)
{
  GString *out = g_string_new ("run,metric,split,grain,epoch,step,value\r\n");

  for (guint i = 0; i < data->runs->len; i++)
    {
      LabPlotRun *run = g_ptr_array_index (data->runs, i);
      for (int m = 0; m < LAB_PLOT_N_METRICS; m++)
        for (int s = 0; s < LAB_PLOT_N_SPLITS; s++)
          for (int g = 0; g < LAB_PLOT_N_GRAINS; g++)
            {
              const LabPlotSeries *series = &run->series[m][s][g];
              const LabPlotPoint *p = lab_plot_series_get_points (series);

              for (guint k = 0; k < series->points->len; k++)
                {
                  append_csv_field (out, run->label);
                  g_string_append_printf (out, ",%s,%s,%s,", lab_plot_metric_to_string (m),
                                          lab_plot_split_to_string (s),
                                          lab_plot_grain_to_string (g));
                  if (g == LAB_PLOT_PER_EPOCH)
                    g_string_append_printf (out, "%d", g_array_index (series->epochs, int, k));
                  g_string_append_c (out, ',');
                  append_number (out, p[k].x);
                  g_string_append_c (out, ',');
                  append_number (out, p[k].y);
                  g_string_append (out, "\r\n");
                }
            }
    }
  return g_string_free (out, FALSE);
}
