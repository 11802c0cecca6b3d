/* lab-draw-pad.c — see lab-draw-pad.h. The drawing lives in an A8 Cairo
 * surface of fixed size (so the image a model sees does not depend on the
 * window's size); strokes are rows of soft dabs, erasing is the same dabs
 * cut out. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "lab-draw-pad.h"
#include "lab-theme.h"

/* 8 × 28: every Fashion-MNIST pixel is an 8×8 block of the pad. */
#define PAD_SIDE 224
/* Margin around the square, in widget pixels. */
#define PAD_MARGIN 6.0

struct _LabDrawPad
{
  GtkWidget parent_instance;

  /* owned */
  cairo_surface_t *surface; /* A8, PAD_SIDE × PAD_SIDE: alpha is whiteness */
  double brush_size;
  gboolean empty;

  /* the stroke in progress, in pad coordinates */
  GtkGesture *draw_gesture, *erase_gesture;
  double start_x, start_y; /* widget coordinates of drag-begin */
  double last_x, last_y;

  /* ::changed on the frame clock */
  gboolean pending;
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (LabDrawPad, lab_draw_pad, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_BRUSH_SIZE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* The square the pad occupies inside the widget. */
static void
get_square (LabDrawPad *self, double *x, double *y, double *side)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  *side = MAX (1.0, MIN (w, h) - 2 * PAD_MARGIN);
  *x = (w - *side) / 2;
  *y = (h - *side) / 2;
}

static void
to_pad (LabDrawPad *self, double wx, double wy, double *px, double *py)
{
  double x, y, side;

  get_square (self, &x, &y, &side);
  *px = (wx - x) * PAD_SIDE / side;
  *py = (wy - y) * PAD_SIDE / side;
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  LabDrawPad *self = LAB_DRAW_PAD (widget);

  self->tick_id = 0;
  if (self->pending)
    {
      self->pending = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
  return G_SOURCE_REMOVE;
}

/* Many pointer events may arrive within one frame; listeners (a forward
 * pass and a redraw) only need the last drawing of each frame. */
static void
queue_changed (LabDrawPad *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }
  self->pending = TRUE;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

/* The brush radius in pad pixels, wider with a stylus pressed harder. */
static double
brush_radius (LabDrawPad *self, GtkGesture *gesture)
{
  GdkEventSequence *sequence =
    gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));
  GdkEvent *event = gtk_gesture_get_last_event (gesture, sequence);
  double radius = self->brush_size * PAD_SIDE / 2;
  double pressure;

  if (event != NULL && gdk_event_get_axis (event, GDK_AXIS_PRESSURE, &pressure) && pressure > 0)
    radius *= 0.5 + pressure;
  return radius;
}

static void
dab (cairo_t *cr, double x, double y, double radius)
{
  cairo_pattern_t *brush = cairo_pattern_create_radial (x, y, 0, x, y, radius);

  /* A solid core with a soft rim, so strokes downsample like the
   * anti-aliased scans the datasets hold. */
  cairo_pattern_add_color_stop_rgba (brush, 0, 1, 1, 1, 1);
  cairo_pattern_add_color_stop_rgba (brush, 0.55, 1, 1, 1, 1);
  cairo_pattern_add_color_stop_rgba (brush, 1, 1, 1, 1, 0);
  cairo_set_source (cr, brush);
  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_pattern_destroy (brush);
}

/* Dabs from the last point to (x, y), close enough to look continuous. */
static void
stroke_to (LabDrawPad *self, GtkGesture *gesture, double x, double y, gboolean first)
{
  gboolean erase = gesture == self->erase_gesture;
  double radius = brush_radius (self, gesture);
  double dx = x - self->last_x, dy = y - self->last_y;
  double length = first ? 0 : sqrt (dx * dx + dy * dy);
  double spacing = MAX (0.5, radius / 4);
  int steps = (int) ceil (length / spacing);
  cairo_t *cr = cairo_create (self->surface);

  cairo_set_operator (cr, erase ? CAIRO_OPERATOR_DEST_OUT : CAIRO_OPERATOR_OVER);
  if (steps == 0)
    dab (cr, x, y, radius);
  for (int i = 1; i <= steps; i++)
    dab (cr, self->last_x + dx * i / steps, self->last_y + dy * i / steps, radius);
  cairo_destroy (cr);
  cairo_surface_flush (self->surface);

  self->last_x = x;
  self->last_y = y;
  if (!erase)
    self->empty = FALSE;
  queue_changed (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, LabDrawPad *self)
{
  double px, py;

  self->start_x = x;
  self->start_y = y;
  to_pad (self, x, y, &px, &py);
  stroke_to (self, GTK_GESTURE (gesture), px, py, TRUE);
}

static void
on_drag_update (GtkGestureDrag *gesture, double offset_x, double offset_y, LabDrawPad *self)
{
  double px, py;

  to_pad (self, self->start_x + offset_x, self->start_y + offset_y, &px, &py);
  stroke_to (self, GTK_GESTURE (gesture), px, py, FALSE);
}

static GtkGesture *
add_drag (LabDrawPad *self, guint button)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  /* drag-end repeats the last update's offset: nothing left to draw. */
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  return drag;
}

/* ---- drawing ----------------------------------------------------------- */

static void
lab_draw_pad_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabDrawPad *self = LAB_DRAW_PAD (widget);
  double x, y, side;
  GdkRGBA fg;
  cairo_t *cr;

  get_square (self, &x, &y, &side);
  lab_theme_foreground (widget, &fg);
  cr =
    gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));

  /* Black whatever the theme: this is the picture the model gets. */
  cairo_rectangle (cr, x, y, side, side);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
  cairo_set_line_width (cr, lab_theme_scale ());
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, side, side);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, side / PAD_SIDE, side / PAD_SIDE);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_mask_surface (cr, self->surface, 0, 0);
  cairo_restore (cr);

  if (self->empty)
    {
      PangoLayout *layout =
        gtk_widget_create_pango_layout (widget, _ ("Draw here in white\nRight-click drags erase"));
      int tw, th;

      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_width (layout, (int) (side * 0.9) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.45);
      cairo_move_to (cr, x + (side - tw) / 2, y + (side - th) / 2);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
  cairo_destroy (cr);
}

static void
lab_draw_pad_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                      int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 112 + 2 * (int) PAD_MARGIN;
  *natural = 280 + 2 * (int) PAD_MARGIN;
}

/* ---- object ------------------------------------------------------------ */

static void
lab_draw_pad_dispose (GObject *object)
{
  LabDrawPad *self = LAB_DRAW_PAD (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  G_OBJECT_CLASS (lab_draw_pad_parent_class)->dispose (object);
}

static void
lab_draw_pad_finalize (GObject *object)
{
  LabDrawPad *self = LAB_DRAW_PAD (object);

  cairo_surface_destroy (self->surface);
  G_OBJECT_CLASS (lab_draw_pad_parent_class)->finalize (object);
}

static void
lab_draw_pad_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabDrawPad *self = LAB_DRAW_PAD (object);

  switch (prop_id)
    {
      case PROP_BRUSH_SIZE:
        g_value_set_double (value, self->brush_size);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_draw_pad_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  LabDrawPad *self = LAB_DRAW_PAD (object);

  switch (prop_id)
    {
      case PROP_BRUSH_SIZE:
        lab_draw_pad_set_brush_size (self, g_value_get_double (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_draw_pad_class_init (LabDrawPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_draw_pad_dispose;
  object_class->finalize = lab_draw_pad_finalize;
  object_class->get_property = lab_draw_pad_get_property;
  object_class->set_property = lab_draw_pad_set_property;
  widget_class->snapshot = lab_draw_pad_snapshot;
  widget_class->measure = lab_draw_pad_measure;

  properties[PROP_BRUSH_SIZE] =
    g_param_spec_double ("brush-size", NULL, NULL, 0.01, 0.5, 0.1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "drawpad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_draw_pad_init (LabDrawPad *self)
{
  self->surface = cairo_image_surface_create (CAIRO_FORMAT_A8, PAD_SIDE, PAD_SIDE);
  self->brush_size = 0.1;
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
  self->empty = TRUE;
  self->draw_gesture = add_drag (self, GDK_BUTTON_PRIMARY);
  self->erase_gesture = add_drag (self, GDK_BUTTON_SECONDARY);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Drawing pad"), -1);
}

GtkWidget *
lab_draw_pad_new (void)
{
  return g_object_new (LAB_TYPE_DRAW_PAD, NULL);
}

void
lab_draw_pad_clear (LabDrawPad *self)
{
  g_return_if_fail (LAB_IS_DRAW_PAD (self));

  cairo_surface_flush (self->surface);
  memset (cairo_image_surface_get_data (self->surface), 0,
          (gsize) cairo_image_surface_get_stride (self->surface) * PAD_SIDE);
  cairo_surface_mark_dirty (self->surface);
  self->empty = TRUE;
  queue_changed (self);
}

gboolean
lab_draw_pad_is_empty (LabDrawPad *self)
{
  g_return_val_if_fail (LAB_IS_DRAW_PAD (self), TRUE);
  return self->empty;
}

void
lab_draw_pad_set_brush_size (LabDrawPad *self, double size)
{
  g_return_if_fail (LAB_IS_DRAW_PAD (self));

  size = CLAMP (size, 0.01, 0.5);
  if (size == self->brush_size)
    return;
  self->brush_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

double
lab_draw_pad_get_brush_size (LabDrawPad *self)
{
  g_return_val_if_fail (LAB_IS_DRAW_PAD (self), 0);
  return self->brush_size;
}

/* The pad pixels [first, first + count) that output cell i of n covers, and
 * how much of each (fractions, summing to PAD_SIDE / n). */
static int
cover (int i, int n, int *first, double *weights)
{
  double lo = (double) i * PAD_SIDE / n, hi = (double) (i + 1) * PAD_SIDE / n;
  int start = (int) floor (lo), end = MIN ((int) ceil (hi), PAD_SIDE);

  for (int p = start; p < end; p++)
    weights[p - start] = MIN (p + 1.0, hi) - MAX ((double) p, lo);
  *first = start;
  return end - start;
}

void
lab_draw_pad_get_image (LabDrawPad *self, int width, int height, int channels, float *out)
{
  const guint8 *data;
  int stride;
  g_autofree double *wx = NULL, *wy = NULL;

  g_return_if_fail (LAB_IS_DRAW_PAD (self));
  g_return_if_fail (width > 0 && height > 0 && channels > 0 && out != NULL);

  cairo_surface_flush (self->surface);
  data = cairo_image_surface_get_data (self->surface);
  stride = cairo_image_surface_get_stride (self->surface);
  /* A cell covers at most PAD_SIDE / n + 2 pad pixels, partly. */
  wx = g_new (double, PAD_SIDE + 2);
  wy = g_new (double, PAD_SIDE + 2);
  for (int oy = 0; oy < height; oy++)
    {
      int y0, ny = cover (oy, height, &y0, wy);

      for (int ox = 0; ox < width; ox++)
        {
          int x0, nx = cover (ox, width, &x0, wx);
          double sum = 0, area = 0;

          for (int j = 0; j < ny; j++)
            {
              const guint8 *row = data + (gsize) (y0 + j) * stride + x0;
              double line = 0, line_area = 0;

              for (int i = 0; i < nx; i++)
                {
                  line += wx[i] * row[i];
                  line_area += wx[i];
                }
              sum += wy[j] * line;
              area += wy[j] * line_area;
            }
          for (int c = 0; c < channels; c++)
            out[((gsize) c * height + oy) * width + ox] = area > 0 ? (float) (sum / area / 255) : 0;
        }
    }
}

void
lab_draw_pad_set_image (LabDrawPad *self, int width, int height, int channels, const float *image)
{
  cairo_surface_t *small;
  guint8 *data;
  int stride;
  gboolean empty = TRUE;
  cairo_t *cr;

  g_return_if_fail (LAB_IS_DRAW_PAD (self));
  g_return_if_fail (width > 0 && height > 0 && channels > 0 && image != NULL);

  small = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  data = cairo_image_surface_get_data (small);
  stride = cairo_image_surface_get_stride (small);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double v = 0;

        for (int c = 0; c < channels; c++)
          v += image[((gsize) c * height + y) * width + x];
        v = CLAMP (v / channels, 0, 1);
        data[(gsize) y * stride + x] = (guint8) lround (v * 255);
        empty = empty && v == 0;
      }
  cairo_surface_mark_dirty (small);

  cr = cairo_create (self->surface);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_scale (cr, (double) PAD_SIDE / width, (double) PAD_SIDE / height);
  cairo_set_source_surface (cr, small, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  /* Edges stay as they are instead of fading into transparent. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (small);
  cairo_surface_flush (self->surface);

  self->empty = empty;
  queue_changed (self);
}
