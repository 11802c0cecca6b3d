/* lab-inside-viewer.c — see lab-inside-viewer.h. The drawing is the pure
 * painter's; this file adds the theme, sizing, tooltips and clicks. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-inside-viewer.h"
#include "lab-theme.h"

/* Below this the painters' labels no longer fit. */
#define MIN_WIDTH     240
#define NATURAL_WIDTH 720
/* Around a message. */
#define MESSAGE_MARGIN 12

struct _LabInsideViewer
{
  GtkWidget parent_instance;

  LabInsideView view;
  /* owned */
  gpointer data;
  GDestroyNotify free_func;
  char *message;
  /* borrowed */
  const nn_dataset *ds;
};

G_DEFINE_FINAL_TYPE (LabInsideViewer, lab_inside_viewer, GTK_TYPE_WIDGET)

enum
{
  CELL_ACTIVATED,
  SAMPLE_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static LabInsideColor
color_from (const GdkRGBA *rgba, double alpha)
{
  return (LabInsideColor){ rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha };
}

void
lab_inside_viewer_get_style (LabInsideViewer *self, LabInsideStyle *style)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (pango);
  GdkRGBA fg, c;
  double size;

  g_return_if_fail (LAB_IS_INSIDE_VIEWER (self));

  lab_theme_foreground (widget, &fg);
  lab_inside_style_init (style, 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5);
  style->foreground = color_from (&fg, 1);
  style->dim = color_from (&fg, 0.55);
  style->grid = color_from (&fg, style->dark ? 0.15 : 0.12);
  lab_theme_named (widget, "window_bg_color", style->dark ? "#242424" : "#fafafa", &c);
  style->background = color_from (&c, 1);
  lab_theme_named (widget, "card_bg_color", style->dark ? "#383838" : "#ffffff", &c);
  style->panel = color_from (&c, 1);
  lab_theme_named (widget, "accent_bg_color", "#3584e4", &c);
  style->accent = color_from (&c, 1);
  lab_theme_named (widget, "success_color", style->dark ? "#8ff0a4" : "#1b8553", &c);
  style->good = color_from (&c, 1);
  lab_theme_named (widget, "error_color", style->dark ? "#ff7b63" : "#c01c28", &c);
  style->bad = color_from (&c, 1);

  if (font != NULL && pango_font_description_get_family (font) != NULL)
    g_strlcpy (style->font_family, pango_font_description_get_family (font),
               sizeof style->font_family);
  size = font != NULL ? (double) pango_font_description_get_size (font) / PANGO_SCALE : 0;
  if (size > 0 && !pango_font_description_get_size_is_absolute (font))
    {
      double dpi = pango_cairo_context_get_resolution (pango);
      size *= (dpi > 0 ? dpi : 96) / 72;
    }
  if (size > 0)
    style->font_size = size;
}

/* ---- drawing and size -------------------------------------------------- */

static void
lab_inside_viewer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabInsideViewer *self = LAB_INSIDE_VIEWER (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  LabInsideStyle style;
  cairo_t *cr;

  if (width <= 0 || height <= 0 || (self->data == NULL && self->message == NULL))
    return;
  lab_inside_viewer_get_style (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->message != NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, self->message);

      pango_layout_set_width (layout, MAX (width - 24, 24) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      cairo_set_source_rgba (cr, style.dim.r, style.dim.g, style.dim.b, style.dim.a);
      cairo_move_to (cr, MESSAGE_MARGIN, MESSAGE_MARGIN);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
  else
    {
      /* The page's own background shows through. */
      style.background.a = 0;
      lab_inside_paint (cr, self->view, self->data, self->ds, width, height, &style);
    }
  cairo_destroy (cr);
}

static GtkSizeRequestMode
lab_inside_viewer_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lab_inside_viewer_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  LabInsideViewer *self = LAB_INSIDE_VIEWER (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
      return;
    }
  *minimum = *natural = 0;
  if (self->message != NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, self->message);
      int th;

      pango_layout_set_width (layout, (MAX (for_size > 0 ? for_size : NATURAL_WIDTH, 48) - 24) *
                                        PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      pango_layout_get_pixel_size (layout, NULL, &th);
      g_object_unref (layout);
      *minimum = *natural = th + 2 * MESSAGE_MARGIN;
    }
  else if (self->data != NULL)
    {
      LabInsideStyle style;

      lab_inside_viewer_get_style (self, &style);
      *minimum = *natural = lab_inside_measure (self->view, self->data, self->ds,
                                                for_size > 0 ? for_size : NATURAL_WIDTH, &style);
    }
}

/* ---- pointer ----------------------------------------------------------- */

static const char *
class_name (char **names, int n, int i)
{
  return names != NULL && i >= 0 && i < n && names[i] != NULL ? names[i] : "?";
}

static char *
describe_activation (const nn_activations *a, const LabActivationHit *hit)
{
  const nn_node_output *node = &a->nodes[hit->node];

  if (hit->node == a->n_nodes - 1 && a->n_classes > 0)
    return g_strdup_printf (_ ("%s: probability %.1f %%"),
                            class_name (a->class_names, a->n_classes, hit->col),
                            100.0 * hit->value);
  if (hit->step >= 0)
    {
      const char *token = a->tokens != NULL && hit->step < (int) g_strv_length (a->tokens) &&
                              a->tokens[hit->step][0] != '\0'
                            ? a->tokens[hit->step]
                            : NULL;

      if (token != NULL)
        /* Translators: a layer's name, a time step, the token read then, a unit and its value. */
        return g_strdup_printf (_ ("%s, step %d (“%s”), unit %d: %.4g"), node->name, hit->step + 1,
                                token, hit->col + 1, hit->value);
      /* Translators: a layer's name, a time step, a unit and its value. */
      return g_strdup_printf (_ ("%s, step %d, unit %d: %.4g"), node->name, hit->step + 1,
                              hit->col + 1, hit->value);
    }
  if (node->shape.rank == 3)
    /* Translators: a layer's name, a feature map number, a pixel and its value. */
    return g_strdup_printf (_ ("%s, map %d, row %d, column %d: %.4g"), node->name, hit->channel + 1,
                            hit->row + 1, hit->col + 1, hit->value);
  return g_strdup_printf (_ ("%s, unit %d: %.4g"), node->name, hit->col + 1, hit->value);
}

char *
lab_inside_viewer_describe (LabInsideViewer *self, double x, double y)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  char *text = NULL;
  LabInsideStyle style;

  g_return_val_if_fail (LAB_IS_INSIDE_VIEWER (self), NULL);

  if (self->data == NULL || self->message != NULL)
    return NULL;
  lab_inside_viewer_get_style (self, &style);
  switch (self->view)
    {
      case LAB_INSIDE_ACTIVATIONS:
        {
          LabActivationHit hit;

          if (lab_activations_hit (self->data, width, &style, x, y, &hit))
            text = describe_activation (self->data, &hit);
        }
        break;
      case LAB_INSIDE_CONFUSION:
        {
          const nn_confusion *c = self->data;
          int t, p;

          if (lab_confusion_hit (c, width, height, &style, x, y, &t, &p))
            {
              int count = (int) c->counts[t * c->n_classes + p];

              text = g_strdup_printf (
                /* Translators: true class, predicted class, a count of samples. */
                g_dngettext (GETTEXT_PACKAGE, "True %s, predicted %s: %d sample",
                             "True %s, predicted %s: %d samples", count),
                class_name (c->class_names, c->n_classes, t),
                class_name (c->class_names, c->n_classes, p), count);
            }
          if (text != NULL)
            {
              char *more = g_strconcat (text, "\n", _ ("Click to see them"), NULL);
              g_free (text);
              text = more;
            }
        }
        break;
      case LAB_INSIDE_MISCLASSIFIED:
        {
          const nn_mistakes *mk = self->data;
          int i = lab_misclassified_hit (mk, self->ds, width, &style, x, y);

          if (i >= 0)
            text =
              g_strdup_printf (_ ("Sample %d: true %s, predicted %s (%.0f %% sure)\nClick to "
                                  "look inside"),
                               mk->items[i].index,
                               class_name (mk->class_names, mk->n_classes, mk->items[i].true_class),
                               class_name (mk->class_names, mk->n_classes, mk->items[i].predicted),
                               100.0 * mk->items[i].confidence);
        }
        break;
      case LAB_INSIDE_RECONSTRUCTIONS:
        {
          const nn_reconstructions *r = self->data;
          int i = lab_reconstructions_hit (r, width, &style, x, y);

          if (i >= 0)
            {
              gsize size = nn_shape_size (&r->shape);
              double sum = 0;

              for (gsize j = 0; j < size; j++)
                {
                  double d = r->outputs[i * size + j] - r->inputs[i * size + j];
                  sum += d * d;
                }
              /* Translators: a test sample's index and how far its reconstruction is from it. */
              text = g_strdup_printf (_ ("Sample %d: mean squared error %.4g"), r->samples[i],
                                      sum / MAX (size, 1));
            }
        }
        break;
      case LAB_INSIDE_SAMPLES:
        {
          const nn_samples *smp = self->data;
          int i = lab_samples_hit (smp, width, &style, x, y);

          if (i >= 0)
            text =
              g_strdup_printf (_ ("Sample %d of %d, always from the same noise"), i + 1, smp->n);
        }
        break;
      default:
        break;
    }
  return text;
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  g_autofree char *text = NULL;

  if (keyboard)
    return FALSE;
  text = lab_inside_viewer_describe (LAB_INSIDE_VIEWER (widget), x, y);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_released (GtkGestureClick *click, int n_press, double x, double y, LabInsideViewer *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  LabInsideStyle style;

  if (self->data == NULL || self->message != NULL)
    return;
  lab_inside_viewer_get_style (self, &style);
  if (self->view == LAB_INSIDE_CONFUSION)
    {
      int t, p;

      if (lab_confusion_hit (self->data, gtk_widget_get_width (widget),
                             gtk_widget_get_height (widget), &style, x, y, &t, &p))
        g_signal_emit (self, signals[CELL_ACTIVATED], 0, t, p);
    }
  else if (self->view == LAB_INSIDE_MISCLASSIFIED)
    {
      const nn_mistakes *mk = self->data;
      int i = lab_misclassified_hit (mk, self->ds, gtk_widget_get_width (widget), &style, x, y);

      if (i >= 0)
        g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, mk->items[i].index);
    }
}

/* ---- object ------------------------------------------------------------ */

static void
clear_data (LabInsideViewer *self)
{
  if (self->data != NULL && self->free_func != NULL)
    self->free_func (self->data);
  self->data = NULL;
  self->free_func = NULL;
  self->ds = NULL;
}

static void
lab_inside_viewer_dispose (GObject *object)
{
  LabInsideViewer *self = LAB_INSIDE_VIEWER (object);

  clear_data (self);
  g_clear_pointer (&self->message, g_free);
  G_OBJECT_CLASS (lab_inside_viewer_parent_class)->dispose (object);
}

static void
lab_inside_viewer_class_init (LabInsideViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_inside_viewer_dispose;
  widget_class->snapshot = lab_inside_viewer_snapshot;
  widget_class->measure = lab_inside_viewer_measure;
  widget_class->get_request_mode = lab_inside_viewer_get_request_mode;

  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "insideviewer");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_inside_viewer_init (LabInsideViewer *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
lab_inside_viewer_new (LabInsideView view)
{
  LabInsideViewer *self = g_object_new (LAB_TYPE_INSIDE_VIEWER, NULL);

  g_return_val_if_fail (view < LAB_INSIDE_N_VIEWS, GTK_WIDGET (self));
  self->view = view;
  return GTK_WIDGET (self);
}

LabInsideView
lab_inside_viewer_get_view (LabInsideViewer *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_VIEWER (self), LAB_INSIDE_ACTIVATIONS);
  return self->view;
}

void
lab_inside_viewer_set_data (LabInsideViewer *self, gpointer data, GDestroyNotify free_func,
                            const nn_dataset *ds)
{
  g_return_if_fail (LAB_IS_INSIDE_VIEWER (self));

  clear_data (self);
  self->data = data;
  self->free_func = free_func;
  self->ds = ds;
  g_clear_pointer (&self->message, g_free);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gconstpointer
lab_inside_viewer_get_data (LabInsideViewer *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_VIEWER (self), NULL);
  return self->data;
}

void
lab_inside_viewer_set_message (LabInsideViewer *self, const char *message)
{
  g_return_if_fail (LAB_IS_INSIDE_VIEWER (self));

  g_free (self->message);
  self->message = g_strdup (message);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
