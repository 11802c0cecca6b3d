/* lab-class-balance.c — see lab-class-balance.h; drawing is
 * class-balance-paint.c's. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "class-balance-paint.h"
#include "lab-class-balance.h"
#include "lab-theme.h"

struct _LabClassBalance
{
  GtkWidget parent_instance;

  GStrv names;
  int *counts;
  int n;
};

G_DEFINE_FINAL_TYPE (LabClassBalance, lab_class_balance, GTK_TYPE_WIDGET)

static void
lab_class_balance_style (LabClassBalance *self, LabClassBalanceStyle *style, char **font)
{
  GdkRGBA fg, accent;

  lab_theme_foreground (GTK_WIDGET (self), &fg);
  lab_theme_named (GTK_WIDGET (self), "accent_bg_color", "#3584e4", &accent);
  *font = lab_theme_font (GTK_WIDGET (self));
  *style = (LabClassBalanceStyle){
    .fg = { fg.red, fg.green, fg.blue, fg.alpha },
    .bar = { accent.red, accent.green, accent.blue, 1 },
    .track = { fg.red, fg.green, fg.blue, 0.1 },
    .font = *font,
  };
}

static void
lab_class_balance_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabClassBalance *self = LAB_CLASS_BALANCE (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autofree char *font = NULL;
  LabClassBalanceStyle style;
  cairo_t *cr;

  if (self->n == 0)
    return;
  lab_class_balance_style (self, &style, &font);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  lab_class_balance_paint (cr, (const char *const *) self->names, self->counts, self->n, width,
                           height, &style);
  cairo_destroy (cr);
}

static void
lab_class_balance_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  LabClassBalance *self = LAB_CLASS_BALANCE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 360;
    }
  else
    {
      g_autofree char *font = NULL;
      LabClassBalanceStyle style;

      lab_class_balance_style (self, &style, &font);
      *minimum = *natural = lab_class_balance_height (self->n, &style);
    }
}

static void
lab_class_balance_finalize (GObject *object)
{
  LabClassBalance *self = LAB_CLASS_BALANCE (object);

  g_strfreev (self->names);
  g_free (self->counts);
  G_OBJECT_CLASS (lab_class_balance_parent_class)->finalize (object);
}

static void
lab_class_balance_class_init (LabClassBalanceClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lab_class_balance_finalize;
  widget_class->snapshot = lab_class_balance_snapshot;
  widget_class->measure = lab_class_balance_measure;
  gtk_widget_class_set_css_name (widget_class, "classbalance");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_class_balance_init (LabClassBalance *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Samples per class"), -1);
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
lab_class_balance_new (void)
{
  return g_object_new (LAB_TYPE_CLASS_BALANCE, NULL);
}

void
lab_class_balance_set_counts (LabClassBalance *self, const char *const *names, const int *counts,
                              int n)
{
  g_autoptr (GString) description = g_string_new (NULL);

  g_return_if_fail (LAB_IS_CLASS_BALANCE (self));
  g_strfreev (self->names);
  g_free (self->counts);
  self->names = g_new0 (char *, n + 1);
  for (int i = 0; i < n; i++)
    {
      self->names[i] = g_strdup (names[i]);
      g_string_append_printf (description, "%s%s: %d", i > 0 ? ", " : "", names[i], counts[i]);
    }
  self->counts = g_memdup2 (counts, sizeof (int) * n);
  self->n = n;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description->str, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
