/* lab-theme.c — see lab-theme.h. GTK 4.8 has no gtk_widget_get_color(); the
 * style context is the way there. Projector mode is a process-wide switch
 * because a classroom projects the whole application, not one window. */
#include "lab-theme.h"

struct _LabTheme
{
  GObject parent_instance;

  gboolean projector;
};

G_DEFINE_FINAL_TYPE (LabTheme, lab_theme, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Black on white with fully saturated accents: what survives a washed-out
 * projector and the back row. */
static const struct
{
  const char *name;
  const char *colour;
} projector_palette[] = {
  { "window_bg_color", "#ffffff" },   { "window_fg_color", "#000000" },
  { "view_bg_color", "#ffffff" },     { "view_fg_color", "#000000" },
  { "card_bg_color", "#ffffff" },     { "card_fg_color", "#000000" },
  { "accent_bg_color", "#0040ff" },   { "accent_color", "#0030c0" },
  { "accent_fg_color", "#ffffff" },   { "success_color", "#008000" },
  { "warning_color", "#c05000" },     { "error_color", "#e00000" },
  { "destructive_color", "#e00000" },
};

static void
lab_theme_class_init (LabThemeClass *klass)
{
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
lab_theme_init (LabTheme *self)
{
}

LabTheme *
lab_theme_get_default (void)
{
  static LabTheme *theme;

  if (g_once_init_enter (&theme))
    g_once_init_leave (&theme, g_object_new (LAB_TYPE_THEME, NULL));
  return theme;
}

void
lab_theme_set_projector (gboolean projector)
{
  LabTheme *self = lab_theme_get_default ();

  if (self->projector == !!projector)
    return;
  self->projector = !!projector;
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
lab_theme_get_projector (void)
{
  return lab_theme_get_default ()->projector;
}

double
lab_theme_scale (void)
{
  return lab_theme_get_projector () ? LAB_THEME_PROJECTOR_SCALE : 1.0;
}

void
lab_theme_foreground (GtkWidget *widget, GdkRGBA *colour)
{
  if (lab_theme_get_projector ())
    {
      gdk_rgba_parse (colour, "#000000");
      return;
    }
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), colour);
}

void
lab_theme_named (GtkWidget *widget, const char *name, const char *fallback, GdkRGBA *colour)
{
  if (lab_theme_get_projector ())
    for (gsize i = 0; i < G_N_ELEMENTS (projector_palette); i++)
      if (g_str_equal (projector_palette[i].name, name))
        {
          gdk_rgba_parse (colour, projector_palette[i].colour);
          return;
        }
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, colour))
    gdk_rgba_parse (colour, fallback);
}

char *
lab_theme_font (GtkWidget *widget)
{
  PangoFontDescription *font =
    pango_context_get_font_description (gtk_widget_get_pango_context (widget));

  return pango_font_description_to_string (font);
}
