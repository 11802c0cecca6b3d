/* lab-loss-plot.c — the live plot widget: owns the points and the view,
 * turns pointer input into zoom, pan, hover and legend clicks, and draws
 * through the pure painter (loss-plot-paint.c) with the theme's colours. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-loss-plot.h"
#include "lab-theme.h"
#include "loss-plot-paint.h"

/* Zooming in further than this many steps across shows nothing useful. */
#define MIN_SPAN 4.0

struct _LabLossPlot
{
  GtkWidget parent_instance;

  /* owned */
  LabPlotData *data;
  LabPlotView view;
  char *font_family;
  gboolean follow;

  /* Redraw on the frame clock: appends set dirty, one tick redraws. */
  gboolean dirty;
  guint tick_id;
  /* The plot without hover, kept while only the pointer moves. */
  GskRenderNode *base;
  int base_width, base_height;

  /* the drag in progress */
  double drag_x_min, drag_x_max;
  gboolean dragging;
};

G_DEFINE_FINAL_TYPE (LabLossPlot, lab_loss_plot, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOG_SCALE,
  PROP_SMOOTHING,
  PROP_FOLLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RUN_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The painter's style from the theme: text in the widget's CSS colour, the
 * data area in libadwaita's view background and around it the window's, and the
 * dark palette when the text is light. */
static void
get_style (LabLossPlot *self, LabPlotStyle *style)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (pango);
  GdkRGBA fg, view_bg, window_bg;
  gboolean dark;
  double size;

  gtk_style_context_get_color (context, &fg);
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  lab_plot_style_init (style, dark);
  style->line_width *= lab_theme_scale ();
  /* The window's background, so a picture of the widget alone (tests,
   * screenshots) reads the same as the widget in its window. */
  if (gtk_style_context_lookup_color (context, "window_bg_color", &window_bg))
    style->background = (LabPlotColor){ window_bg.red, window_bg.green, window_bg.blue, 1 };
  style->foreground = (LabPlotColor){ fg.red, fg.green, fg.blue, fg.alpha };
  style->grid = (LabPlotColor){ fg.red, fg.green, fg.blue, fg.alpha * (dark ? 0.13 : 0.1) };
  if (gtk_style_context_lookup_color (context, "view_bg_color", &view_bg))
    style->panel = (LabPlotColor){ view_bg.red, view_bg.green, view_bg.blue, 1 };

  if (font != NULL && pango_font_description_get_family (font) != NULL)
    {
      g_free (self->font_family);
      self->font_family = g_strdup (pango_font_description_get_family (font));
      style->font_family = self->font_family;
    }
  size = font != NULL ? (double) pango_font_description_get_size (font) / PANGO_SCALE : 0;
  if (size > 0 && !pango_font_description_get_size_is_absolute (font))
    {
      double dpi = pango_cairo_context_get_resolution (pango);
      size *= (dpi > 0 ? dpi : 96) / 72;
    }
  if (size > 0)
    style->font_size = size;
}

static void
get_layout (LabLossPlot *self, LabPlotLayout *layout)
{
  LabPlotStyle style;

  get_style (self, &style);
  lab_loss_plot_get_layout (self->data, &self->view, gtk_widget_get_width (GTK_WIDGET (self)),
                            gtk_widget_get_height (GTK_WIDGET (self)), &style, layout);
}

/* Something drawn changed (data, range, scale, theme): repaint all of it. */
static void
invalidate (LabLossPlot *self)
{
  g_clear_pointer (&self->base, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* While following, a zoomed view slides so its right edge is the newest
 * step; the unzoomed view covers all data anyway. */
static void
apply_follow (LabLossPlot *self)
{
  double lo, hi, span;

  if (!self->follow || !self->view.zoomed || self->dragging ||
      !lab_plot_data_get_x_range (self->data, &lo, &hi))
    return;
  span = self->view.x_max - self->view.x_min;
  self->view.x_max = hi + span * 0.015;
  self->view.x_min = self->view.x_max - span;
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  LabLossPlot *self = LAB_LOSS_PLOT (widget);

  if (self->dirty)
    {
      self->dirty = FALSE;
      apply_follow (self);
      invalidate (self);
    }
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
mark_dirty (LabLossPlot *self)
{
  self->dirty = TRUE;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

static void
set_range (LabLossPlot *self, double x_min, double x_max)
{
  double lo, hi;

  if (!lab_plot_data_get_x_range (self->data, &lo, &hi))
    return;
  if (x_max - x_min < MIN_SPAN)
    {
      double mid = (x_min + x_max) / 2;
      x_min = mid - MIN_SPAN / 2;
      x_max = mid + MIN_SPAN / 2;
    }
  /* Zoomed out past everything: back to the automatic full view. */
  if (x_min <= MIN (lo, 0) && x_max >= hi)
    {
      self->view.zoomed = FALSE;
      lab_loss_plot_set_follow (self, TRUE);
    }
  else
    {
      self->view.zoomed = TRUE;
      self->view.x_min = x_min;
      self->view.x_max = x_max;
      lab_loss_plot_set_follow (self, x_max >= hi);
    }
  invalidate (self);
}

/* ---- input ------------------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, LabLossPlot *self)
{
  self->view.hover = !self->dragging;
  self->view.hover_x = x;
  self->view.hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion, LabLossPlot *self)
{
  self->view.hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Scales the shown steps by factor (< 1 zooms in) around the point at
 * fraction t of the width, which stays where it is on screen. */
static gboolean
zoom_around (LabLossPlot *self, double t, double factor)
{
  LabPlotLayout layout;
  double anchor;

  get_layout (self, &layout);
  if (!layout.has_data)
    return FALSE;
  t = CLAMP (t, 0, 1);
  anchor = layout.x_min + t * (layout.x_max - layout.x_min);
  set_range (self, anchor - (anchor - layout.x_min) * factor,
             anchor + (layout.x_max - anchor) * factor);
  return TRUE;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll, double dx, double dy, LabLossPlot *self)
{
  LabPlotLayout layout;
  double t = 1;

  if (dy == 0)
    return FALSE;
  if (self->view.hover)
    {
      get_layout (self, &layout);
      t = (self->view.hover_x - layout.loss.x) / layout.loss.width;
    }
  return zoom_around (self, t, pow (1.2, CLAMP (dy, -5, 5)));
}

/* Buttons and menus zoom around the newest steps while following, so that
 * following goes on, and around the middle otherwise. */
static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  LabLossPlot *self = LAB_LOSS_PLOT (widget);
  double factor = g_str_equal (action_name, "plot.zoom-in") ? 1 / 1.5 : 1.5;

  zoom_around (self, self->follow ? 1 : 0.5, factor);
}

static void
reset_zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  lab_loss_plot_reset_zoom (LAB_LOSS_PLOT (widget));
}

static void
on_drag_begin (GtkGestureDrag *drag, double x, double y, LabLossPlot *self)
{
  LabPlotLayout layout;

  get_layout (self, &layout);
  self->drag_x_min = layout.x_min;
  self->drag_x_max = layout.x_max;
}

static void
on_drag_update (GtkGestureDrag *drag, double dx, double dy, LabLossPlot *self)
{
  LabPlotLayout layout;
  double shift;

  if (!self->dragging && fabs (dx) < 4)
    return;
  if (!self->dragging)
    {
      self->dragging = TRUE;
      self->view.hover = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
    }
  get_layout (self, &layout);
  shift = -dx / layout.loss.width * (self->drag_x_max - self->drag_x_min);
  set_range (self, self->drag_x_min + shift, self->drag_x_max + shift);
}

static void
on_drag_end (GtkGestureDrag *drag, double dx, double dy, LabLossPlot *self)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pressed (GtkGestureClick *click, int n_press, double x, double y, LabLossPlot *self)
{
  LabPlotStyle style;
  int run;

  if (n_press == 2)
    {
      lab_loss_plot_reset_zoom (self);
      return;
    }
  if (n_press != 1)
    return;
  get_style (self, &style);
  run =
    lab_loss_plot_legend_run_at (self->data, &self->view, gtk_widget_get_width (GTK_WIDGET (self)),
                                 gtk_widget_get_height (GTK_WIDGET (self)), &style, x, y);
  if (run >= 0)
    {
      guint id = lab_plot_data_get_run_id (self->data, run);
      gboolean visible = !lab_plot_data_get_run_visible (self->data, run);

      lab_loss_plot_set_run_visible (self, id, visible);
      g_signal_emit (self, signals[RUN_TOGGLED], 0, id, visible);
    }
}

static void
on_scale_factor (LabLossPlot *self, GParamSpec *pspec, gpointer user_data)
{
  invalidate (self);
}

/* ---- GtkWidget --------------------------------------------------------- */

static void
lab_loss_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabLossPlot *self = LAB_LOSS_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  LabPlotStyle style;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  get_style (self, &style);
  if (self->base == NULL || self->base_width != width || self->base_height != height)
    {
      GtkSnapshot *base = gtk_snapshot_new ();
      LabPlotView view = self->view;

      view.hover = FALSE;
      cr = gtk_snapshot_append_cairo (base, &bounds);
      lab_loss_plot_paint (cr, self->data, &view, width, height, &style);
      cairo_destroy (cr);
      g_clear_pointer (&self->base, gsk_render_node_unref);
      self->base = gtk_snapshot_free_to_node (base);
      self->base_width = width;
      self->base_height = height;
    }
  if (self->base != NULL)
    gtk_snapshot_append_node (snapshot, self->base);
  if (self->view.hover)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      lab_loss_plot_paint_hover (cr, self->data, &self->view, width, height, &style);
      cairo_destroy (cr);
    }
}

static void
lab_loss_plot_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lab_loss_plot_parent_class)->css_changed (widget, change);
  /* Light to dark, another font size: the kept picture is out of date. */
  invalidate (LAB_LOSS_PLOT (widget));
}

static void
lab_loss_plot_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                       int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400;
}

static void
lab_loss_plot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabLossPlot *self = LAB_LOSS_PLOT (object);

  switch (prop_id)
    {
      case PROP_LOG_SCALE:
        g_value_set_boolean (value, self->view.log_scale);
        break;
      case PROP_SMOOTHING:
        g_value_set_double (value, self->view.smoothing);
        break;
      case PROP_FOLLOW:
        g_value_set_boolean (value, self->follow);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_loss_plot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  LabLossPlot *self = LAB_LOSS_PLOT (object);

  switch (prop_id)
    {
      case PROP_LOG_SCALE:
        lab_loss_plot_set_log_scale (self, g_value_get_boolean (value));
        break;
      case PROP_SMOOTHING:
        lab_loss_plot_set_smoothing (self, g_value_get_double (value));
        break;
      case PROP_FOLLOW:
        lab_loss_plot_set_follow (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_loss_plot_dispose (GObject *object)
{
  LabLossPlot *self = LAB_LOSS_PLOT (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  G_OBJECT_CLASS (lab_loss_plot_parent_class)->dispose (object);
}

static void
lab_loss_plot_finalize (GObject *object)
{
  LabLossPlot *self = LAB_LOSS_PLOT (object);

  g_clear_pointer (&self->base, gsk_render_node_unref);
  g_clear_pointer (&self->data, lab_plot_data_free);
  g_clear_pointer (&self->font_family, g_free);
  G_OBJECT_CLASS (lab_loss_plot_parent_class)->finalize (object);
}

static void
lab_loss_plot_class_init (LabLossPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_loss_plot_get_property;
  object_class->set_property = lab_loss_plot_set_property;
  object_class->dispose = lab_loss_plot_dispose;
  object_class->finalize = lab_loss_plot_finalize;
  widget_class->snapshot = lab_loss_plot_snapshot;
  widget_class->measure = lab_loss_plot_measure;
  widget_class->css_changed = lab_loss_plot_css_changed;

  properties[PROP_LOG_SCALE] =
    g_param_spec_boolean ("log-scale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, 0.99, 0.8,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A click on a run in the legend showed or hid it: (run id, visible). */
  signals[RUN_TOGGLED] =
    g_signal_new ("run-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  gtk_widget_class_install_action (widget_class, "plot.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "plot.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "plot.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_property_action (widget_class, "plot.log-scale", "log-scale");
  gtk_widget_class_install_property_action (widget_class, "plot.follow", "follow");

  gtk_widget_class_set_css_name (widget_class, "lossplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_loss_plot_init (LabLossPlot *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (invalidate), self,
                           G_CONNECT_SWAPPED);
  self->data = lab_plot_data_new ();
  lab_plot_view_init (&self->view);
  self->follow = TRUE;

  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor), NULL);
  gtk_widget_set_focusable (widget, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Training plot"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ ("Loss and accuracy of each training run by step"), -1);
}

/* ---- public API -------------------------------------------------------- */

GtkWidget *
lab_loss_plot_new (void)
{
  return g_object_new (LAB_TYPE_LOSS_PLOT, NULL);
}

guint
lab_loss_plot_add_run (LabLossPlot *self, const char *label)
{
  guint id;

  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), 0);
  id = lab_plot_data_add_run (self->data, label);
  mark_dirty (self);
  return id;
}

void
lab_loss_plot_append_batch (LabLossPlot *self, guint run_id, LabPlotMetric metric,
                            LabPlotSplit split, double step, double value)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  lab_plot_data_append_batch (self->data, run_id, metric, split, step, value);
  mark_dirty (self);
}

void
lab_loss_plot_append_epoch (LabLossPlot *self, guint run_id, LabPlotMetric metric,
                            LabPlotSplit split, int epoch, double step, double value)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  lab_plot_data_append_epoch (self->data, run_id, metric, split, epoch, step, value);
  mark_dirty (self);
}

void
lab_loss_plot_set_run_visible (LabLossPlot *self, guint run_id, gboolean visible)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  lab_plot_data_set_run_visible (self->data, run_id, visible);
  mark_dirty (self);
}

void
lab_loss_plot_clear (LabLossPlot *self)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  lab_plot_data_clear (self->data);
  self->view.zoomed = FALSE;
  lab_loss_plot_set_follow (self, TRUE);
  mark_dirty (self);
}

const LabPlotData *
lab_loss_plot_get_data (LabLossPlot *self)
{
  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), NULL);
  return self->data;
}

void
lab_loss_plot_set_log_scale (LabLossPlot *self, gboolean log_scale)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  log_scale = !!log_scale;
  if (self->view.log_scale == log_scale)
    return;
  self->view.log_scale = log_scale;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_SCALE]);
}

gboolean
lab_loss_plot_get_log_scale (LabLossPlot *self)
{
  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), FALSE);
  return self->view.log_scale;
}

void
lab_loss_plot_set_smoothing (LabLossPlot *self, double smoothing)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  smoothing = CLAMP (smoothing, 0, 0.99);
  if (self->view.smoothing == smoothing)
    return;
  self->view.smoothing = smoothing;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

double
lab_loss_plot_get_smoothing (LabLossPlot *self)
{
  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), 0);
  return self->view.smoothing;
}

void
lab_loss_plot_set_follow (LabLossPlot *self, gboolean follow)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  follow = !!follow;
  if (self->follow == follow)
    return;
  self->follow = follow;
  if (follow)
    mark_dirty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

gboolean
lab_loss_plot_get_follow (LabLossPlot *self)
{
  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), FALSE);
  return self->follow;
}

void
lab_loss_plot_reset_zoom (LabLossPlot *self)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  self->view.zoomed = FALSE;
  lab_loss_plot_set_follow (self, TRUE);
  invalidate (self);
}

void
lab_loss_plot_zoom_to (LabLossPlot *self, double x_min, double x_max)
{
  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  g_return_if_fail (x_max > x_min);
  set_range (self, x_min, x_max);
}

void
lab_loss_plot_get_visible_range (LabLossPlot *self, double *x_min, double *x_max)
{
  LabPlotLayout layout;

  g_return_if_fail (LAB_IS_LOSS_PLOT (self));
  /* Pending appends first, so the answer matches the next frame. */
  if (self->dirty)
    apply_follow (self);
  get_layout (self, &layout);
  *x_min = layout.x_min;
  *x_max = layout.x_max;
}

GBytes *
lab_loss_plot_to_png (LabLossPlot *self, int width, int height, GError **error)
{
  LabPlotStyle style;
  LabPlotView view;

  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), NULL);
  get_style (self, &style);
  view = self->view;
  view.hover = FALSE;
  return lab_loss_plot_render_png (self->data, &view, width, height, &style, error);
}

char *
lab_loss_plot_to_csv (LabLossPlot *self)
{
  g_return_val_if_fail (LAB_IS_LOSS_PLOT (self), NULL);
  return lab_plot_data_to_csv (self->data);
}
