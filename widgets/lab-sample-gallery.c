/* lab-sample-gallery.c — a GtkScrollable that lays samples out in cells of
 * one size and draws the visible ones with Cairo. Images keep their pixels
 * sharp (nearest-neighbour scaling), as users want to see the data itself. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "lab-sample-gallery.h"
#include "lab-theme.h"

#define CELL_GAP         8
#define LABEL_HEIGHT     20
#define TEXT_CELL_WIDTH  280
#define TEXT_CELL_HEIGHT 44

struct _LabSampleGallery
{
  GtkWidget parent_instance;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint hscroll_policy : 1;
  guint vscroll_policy : 1;

  const nn_dataset *ds;
  int class_filter;
  GArray *shown; /* int sample indices in display order */
  int selected;  /* position in shown, or -1 */
};

enum
{
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (LabSampleGallery, lab_sample_gallery, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static gboolean
is_image (const nn_dataset *ds)
{
  return ds->store == NN_STORE_U8 && ds->input_shape.rank == 3;
}

/* Thumbnails are whole multiples of the image, at least 64 px, at most 128. */
static void
cell_size (LabSampleGallery *self, int *w, int *h)
{
  if (self->ds != NULL && is_image (self->ds))
    {
      int side = MAX (self->ds->input_shape.dim[1], self->ds->input_shape.dim[2]);
      int zoom = side >= 64 ? 1 : MAX (1, (int) ceil (64.0 / side));
      int thumb = MIN (side * zoom, 128);

      *w = thumb;
      *h = thumb + LABEL_HEIGHT;
    }
  else
    {
      *w = TEXT_CELL_WIDTH;
      *h = TEXT_CELL_HEIGHT;
    }
}

static int
columns (LabSampleGallery *self)
{
  int w, h, width = gtk_widget_get_width (GTK_WIDGET (self));

  cell_size (self, &w, &h);
  return MAX (1, (width - CELL_GAP) / (w + CELL_GAP));
}

static int
content_height (LabSampleGallery *self)
{
  int w, h, rows = (self->shown->len + columns (self) - 1) / columns (self);

  cell_size (self, &w, &h);
  return CELL_GAP + rows * (h + CELL_GAP);
}

static void
update_adjustments (LabSampleGallery *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int total = content_height (self);
  double value;

  if (self->vadjustment != NULL)
    {
      value = MIN (gtk_adjustment_get_value (self->vadjustment), MAX (0, total - height));
      gtk_adjustment_configure (self->vadjustment, value, 0, MAX (total, height), height * 0.1,
                                height * 0.9, height);
    }
  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
}

static void
rebuild (LabSampleGallery *self)
{
  g_array_set_size (self->shown, 0);
  self->selected = -1;
  if (self->ds != NULL)
    for (int i = 0; i < self->ds->n_samples; i++)
      if (self->class_filter < 0 || self->ds->task != NN_TASK_CLASSIFY ||
          self->ds->labels[i] == self->class_filter)
        g_array_append_val (self->shown, i);
  update_adjustments (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static char *
label_text (const nn_dataset *ds, int i)
{
  if (ds->task == NN_TASK_CLASSIFY)
    {
      int c = ds->labels[i];
      if (ds->class_names != NULL && c >= 0 && c < ds->n_classes)
        return g_strdup (ds->class_names[c]);
      return g_strdup_printf ("%d", c);
    }
  /* No targets: the input is its own target (an autoencoder's data). */
  if (ds->targets == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%.4g", ds->targets[(gsize) i * ds->target_size]);
}

/* A short line for non-image samples: a table's first values or a text. */
static char *
sample_text (const nn_dataset *ds, int i)
{
  gsize n = nn_shape_size (&ds->input_shape);
  GString *s = g_string_new (NULL);

  if (ds->store == NN_STORE_TOKENS)
    {
      const gint32 *t = ds->tokens + (gsize) i * n;
      gboolean words = FALSE;

      for (int v = 2; v < MIN (ds->vocab_size, 64) && ds->vocab != NULL; v++)
        words |= g_utf8_strlen (ds->vocab[v], -1) > 1;
      for (gsize k = 0; k < n && s->len < 120; k++)
        if (t[k] > 0 && t[k] < ds->vocab_size && ds->vocab != NULL)
          {
            if (words && s->len > 0)
              g_string_append_c (s, ' ');
            g_string_append (s, ds->vocab[t[k]]);
          }
    }
  else if (ds->store == NN_STORE_F32)
    {
      const float *x = ds->f32 + (gsize) i * n;

      for (gsize k = 0; k < n && k < 8; k++)
        {
          if (k > 0)
            g_string_append (s, "  ");
          if (isnan (x[k]))
            g_string_append (s, "—");
          else
            g_string_append_printf (s, "%.3g", x[k]);
        }
      if (n > 8)
        g_string_append (s, "  …");
    }
  else
    g_string_append_printf (s, _ ("Sample %d"), i + 1);
  return g_string_free (s, FALSE);
}

/* Packs channel-planar bytes (C×H×W) into Cairo's native 0xAARRGGBB. */
static cairo_surface_t *
image_surface (const nn_dataset *ds, int i)
{
  int c = ds->input_shape.dim[0], h = ds->input_shape.dim[1], w = ds->input_shape.dim[2];
  const guint8 *px = ds->u8 + (gsize) i * c * h * w;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  gsize plane = (gsize) h * w;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (data + y * stride);
      for (int x = 0; x < w; x++)
        {
          gsize k = (gsize) y * w + x;
          guint32 r = px[k], g = c >= 3 ? px[plane + k] : r, b = c >= 3 ? px[2 * plane + k] : r;
          row[x] = 0xff000000u | (r << 16) | (g << 8) | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
get_colors (LabSampleGallery *self, GdkRGBA *fg, GdkRGBA *accent)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (style, fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_label (LabSampleGallery *self, cairo_t *cr, const char *text, double x, double y, int width,
            gboolean dim, const GdkRGBA *fg)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int lw, lh;

  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, is_image (self->ds) ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, dim ? 0.6 : 1.0);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_cell (LabSampleGallery *self, cairo_t *cr, int pos, double x, double y, int cw, int ch,
           const GdkRGBA *fg, const GdkRGBA *accent)
{
  int i = g_array_index (self->shown, int, pos);
  g_autofree char *label = label_text (self->ds, i);

  if (pos == self->selected)
    {
      rounded_rect (cr, x - 3, y - 3, cw + 6, ch + 6, 6);
      cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.35);
      cairo_fill (cr);
    }
  if (is_image (self->ds))
    {
      cairo_surface_t *img = image_surface (self->ds, i);
      double scale = (double) cw / MAX (self->ds->input_shape.dim[1], self->ds->input_shape.dim[2]);

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (img);
      draw_label (self, cr, label, x, y + cw + 2, cw, FALSE, fg);
    }
  else
    {
      g_autofree char *text = sample_text (self->ds, i);

      rounded_rect (cr, x, y, cw, ch, 6);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.06);
      cairo_fill (cr);
      draw_label (self, cr, text, x + 8, y + 4, cw - 16, FALSE, fg);
      draw_label (self, cr, label, x + 8, y + 22, cw - 16, TRUE, fg);
    }
}

static void
lab_sample_gallery_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabSampleGallery *self = LAB_SAMPLE_GALLERY (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int cw, ch, cols = columns (self);
  double top = self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0;
  GdkRGBA fg, accent;
  cairo_t *cr;
  int first_row, last_row;

  if (self->ds == NULL || self->shown->len == 0)
    return;
  cell_size (self, &cw, &ch);
  get_colors (self, &fg, &accent);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  first_row = MAX (0, (int) (top - CELL_GAP) / (ch + CELL_GAP));
  last_row = (int) (top + height) / (ch + CELL_GAP);
  for (int r = first_row; r <= last_row; r++)
    for (int c = 0; c < cols; c++)
      {
        int pos = r * cols + c;
        if (pos >= (int) self->shown->len)
          break;
        draw_cell (self, cr, pos, CELL_GAP + c * (cw + CELL_GAP),
                   CELL_GAP + r * (ch + CELL_GAP) - top, cw, ch, &fg, &accent);
      }
  cairo_destroy (cr);
}

static int
position_at (LabSampleGallery *self, double x, double y)
{
  int cw, ch, cols = columns (self), c, r, pos;
  double top = self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0;

  if (self->ds == NULL)
    return -1;
  cell_size (self, &cw, &ch);
  c = (int) floor ((x - CELL_GAP) / (cw + CELL_GAP));
  r = (int) floor ((y + top - CELL_GAP) / (ch + CELL_GAP));
  if (c < 0 || c >= cols || r < 0)
    return -1;
  /* The gaps between cells belong to no sample. */
  if (x - CELL_GAP - c * (cw + CELL_GAP) > cw || y + top - CELL_GAP - r * (ch + CELL_GAP) > ch)
    return -1;
  pos = r * cols + c;
  return pos < (int) self->shown->len ? pos : -1;
}

int
lab_sample_gallery_sample_at (LabSampleGallery *self, double x, double y)
{
  int pos;

  g_return_val_if_fail (LAB_IS_SAMPLE_GALLERY (self), -1);
  pos = position_at (self, x, y);
  return pos < 0 ? -1 : g_array_index (self->shown, int, pos);
}

static void
scroll_to_selected (LabSampleGallery *self)
{
  int cw, ch, cols = columns (self), row, height = gtk_widget_get_height (GTK_WIDGET (self));
  double top, y;

  if (self->selected < 0 || self->vadjustment == NULL)
    return;
  cell_size (self, &cw, &ch);
  row = self->selected / cols;
  y = CELL_GAP + row * (ch + CELL_GAP);
  top = gtk_adjustment_get_value (self->vadjustment);
  if (y < top)
    gtk_adjustment_set_value (self->vadjustment, y - CELL_GAP);
  else if (y + ch > top + height)
    gtk_adjustment_set_value (self->vadjustment, y + ch + CELL_GAP - height);
}

static void
select_position (LabSampleGallery *self, int pos, gboolean activate)
{
  if (pos < 0 || pos >= (int) self->shown->len)
    return;
  self->selected = pos;
  scroll_to_selected (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (activate)
    g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, g_array_index (self->shown, int, pos));
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, LabSampleGallery *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  select_position (self, position_at (self, x, y), TRUE);
}

static gboolean
on_key (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
        LabSampleGallery *self)
{
  int cols = columns (self), pos = MAX (self->selected, 0);

  switch (keyval)
    {
      case GDK_KEY_Left:
        pos -= 1;
        break;
      case GDK_KEY_Right:
        pos += self->selected < 0 ? 0 : 1;
        break;
      case GDK_KEY_Up:
        pos -= cols;
        break;
      case GDK_KEY_Down:
        pos += self->selected < 0 ? 0 : cols;
        break;
      case GDK_KEY_Home:
        pos = 0;
        break;
      case GDK_KEY_End:
        pos = (int) self->shown->len - 1;
        break;
      default:
        return FALSE;
    }
  select_position (self, CLAMP (pos, 0, (int) self->shown->len - 1), TRUE);
  return TRUE;
}

static void
lab_sample_gallery_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  update_adjustments (LAB_SAMPLE_GALLERY (widget));
}

static void
lab_sample_gallery_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  int cw, ch;

  cell_size (LAB_SAMPLE_GALLERY (widget), &cw, &ch);
  *minimum = (orientation == GTK_ORIENTATION_HORIZONTAL ? cw : ch) + 2 * CELL_GAP;
  *natural = *minimum * 4;
}

static void
on_adjustment_changed (GtkAdjustment *adjustment, LabSampleGallery *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (LabSampleGallery *self, GtkAdjustment **slot, GtkAdjustment *adjustment)
{
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_changed, self);
      g_object_unref (*slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  update_adjustments (self);
}

static void
lab_sample_gallery_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  LabSampleGallery *self = LAB_SAMPLE_GALLERY (object);

  switch (prop_id)
    {
      case PROP_HADJUSTMENT:
        set_adjustment (self, &self->hadjustment, g_value_get_object (value));
        break;
      case PROP_VADJUSTMENT:
        set_adjustment (self, &self->vadjustment, g_value_get_object (value));
        break;
      case PROP_HSCROLL_POLICY:
        self->hscroll_policy = g_value_get_enum (value);
        break;
      case PROP_VSCROLL_POLICY:
        self->vscroll_policy = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sample_gallery_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabSampleGallery *self = LAB_SAMPLE_GALLERY (object);

  switch (prop_id)
    {
      case PROP_HADJUSTMENT:
        g_value_set_object (value, self->hadjustment);
        break;
      case PROP_VADJUSTMENT:
        g_value_set_object (value, self->vadjustment);
        break;
      case PROP_HSCROLL_POLICY:
        g_value_set_enum (value, self->hscroll_policy);
        break;
      case PROP_VSCROLL_POLICY:
        g_value_set_enum (value, self->vscroll_policy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sample_gallery_dispose (GObject *object)
{
  LabSampleGallery *self = LAB_SAMPLE_GALLERY (object);

  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_changed, self);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (lab_sample_gallery_parent_class)->dispose (object);
}

static void
lab_sample_gallery_finalize (GObject *object)
{
  LabSampleGallery *self = LAB_SAMPLE_GALLERY (object);

  g_array_unref (self->shown);
  G_OBJECT_CLASS (lab_sample_gallery_parent_class)->finalize (object);
}

static void
lab_sample_gallery_class_init (LabSampleGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = lab_sample_gallery_set_property;
  object_class->get_property = lab_sample_gallery_get_property;
  object_class->dispose = lab_sample_gallery_dispose;
  object_class->finalize = lab_sample_gallery_finalize;
  widget_class->snapshot = lab_sample_gallery_snapshot;
  widget_class->measure = lab_sample_gallery_measure;
  widget_class->size_allocate = lab_sample_gallery_size_allocate;

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /* ::sample-activated (index): the user picked a sample by click or keyboard. */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "samplegallery");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
lab_sample_gallery_init (LabSampleGallery *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  self->shown = g_array_new (FALSE, FALSE, sizeof (int));
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
  self->class_filter = -1;
  self->selected = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Samples"), -1);
}

GtkWidget *
lab_sample_gallery_new (void)
{
  return g_object_new (LAB_TYPE_SAMPLE_GALLERY, NULL);
}

void
lab_sample_gallery_set_dataset (LabSampleGallery *self, const nn_dataset *ds)
{
  g_return_if_fail (LAB_IS_SAMPLE_GALLERY (self));

  self->ds = ds;
  self->class_filter = -1;
  if (self->vadjustment)
    gtk_adjustment_set_value (self->vadjustment, 0);
  rebuild (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
lab_sample_gallery_set_class (LabSampleGallery *self, int class_index)
{
  g_return_if_fail (LAB_IS_SAMPLE_GALLERY (self));

  self->class_filter = class_index;
  rebuild (self);
}

int
lab_sample_gallery_get_n_shown (LabSampleGallery *self)
{
  g_return_val_if_fail (LAB_IS_SAMPLE_GALLERY (self), 0);
  return (int) self->shown->len;
}
