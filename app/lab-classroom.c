/* lab-classroom.c — see lab-classroom.h. Projector mode is application
 * wide (a classroom projects everything), so its CSS provider is one for
 * the display; each window's action follows the shared setting. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-classroom.h"
#include "lab-demos.h"
#include "lab-theme.h"
#include "lab-welcome.h"
#include "lab-window-private.h"

struct _LabClassroom
{
  GObject parent_instance;

  /* borrowed: the window owns this controller, its tree owns the widgets.
   * welcome and guide are weak: the window's pages still emit signals while
   * its tree is torn down, after they have gone. */
  LabWindow *window;
  GtkWidget *welcome;
  GtkWidget *guide;
  GtkWidget *guide_title;
  GtkWidget *guide_try;
  GtkWidget *guide_look;

  /* owned */
  GSimpleAction *projector;
  const LabDemo *pending; /* a demo whose data is loading */
};

G_DEFINE_FINAL_TYPE (LabClassroom, lab_classroom, G_TYPE_OBJECT)

/* Black on white, saturated accents, everything 1.6 times larger: readable
 * from the back of a room through a washed-out projector. The named colours
 * are libadwaita's, so every GTK widget follows; the custom widgets follow
 * through lab-theme. */
static const char projector_css[] = "@define-color window_bg_color #ffffff;\n"
                                    "@define-color window_fg_color #000000;\n"
                                    "@define-color view_bg_color #ffffff;\n"
                                    "@define-color view_fg_color #000000;\n"
                                    "@define-color headerbar_bg_color #ffffff;\n"
                                    "@define-color headerbar_fg_color #000000;\n"
                                    "@define-color card_bg_color #ffffff;\n"
                                    "@define-color card_fg_color #000000;\n"
                                    "@define-color popover_bg_color #ffffff;\n"
                                    "@define-color popover_fg_color #000000;\n"
                                    "@define-color accent_bg_color #0040ff;\n"
                                    "@define-color accent_color #0030c0;\n"
                                    "@define-color accent_fg_color #ffffff;\n"
                                    "@define-color error_color #e00000;\n"
                                    "@define-color success_color #008000;\n"
                                    "@define-color warning_color #c05000;\n"
                                    "window { font-size: 1.6em; }\n"
                                    /* libadwaita sets these in points, past the window's size. */
                                    ".large-title { font-size: 38pt; }\n"
                                    ".title-1 { font-size: 32pt; }\n"
                                    ".title-2, .title-3 { font-size: 24pt; }\n"
                                    ".title-4 { font-size: 21pt; }\n"
                                    ".heading, .body { font-size: 18pt; }\n"
                                    ".caption, .caption-heading { font-size: 14pt; }\n"
                                    "statuspage.compact > scrolledwindow > viewport > box > clamp "
                                    "> box > .title { font-size: 29pt; }\n"
                                    ".dim-label { opacity: 0.85; }\n";

static GtkCssProvider *projector_provider;
static AdwColorScheme scheme_before_projector;

static void
apply_projector (gboolean on)
{
  GdkDisplay *display = gdk_display_get_default ();
  AdwStyleManager *styles = adw_style_manager_get_default ();

  if (on == lab_theme_get_projector () || display == NULL)
    return;
  if (projector_provider == NULL)
    {
      projector_provider = gtk_css_provider_new ();
      gtk_css_provider_load_from_data (projector_provider, projector_css, -1);
    }
  if (on)
    {
      scheme_before_projector = adw_style_manager_get_color_scheme (styles);
      adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_LIGHT);
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (projector_provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
    }
  else
    {
      gtk_style_context_remove_provider_for_display (display,
                                                     GTK_STYLE_PROVIDER (projector_provider));
      adw_style_manager_set_color_scheme (styles, scheme_before_projector);
    }
  lab_theme_set_projector (on);
}

static void
on_projector_setting (GSettings *settings, const char *key, LabClassroom *self)
{
  gboolean on = g_settings_get_boolean (settings, key);

  g_simple_action_set_state (self->projector, g_variant_new_boolean (on));
  apply_projector (on);
}

static void
on_projector_change_state (GSimpleAction *action, GVariant *value, LabClassroom *self)
{
  g_settings_set_boolean (self->window->settings, "projector-mode", g_variant_get_boolean (value));
}

static void
hide_welcome (LabClassroom *self)
{
  if (self->welcome != NULL)
    gtk_widget_set_visible (self->welcome, FALSE);
}

static void
show_guide (LabClassroom *self, const LabDemo *demo)
{
  g_autofree char *title = g_strdup_printf (_ ("Demo: %s"), _ (demo->title));
  g_autofree char *try_text =
    g_markup_printf_escaped ("<b>%s</b> %s", _ ("What to try:"), _ (demo->what_to_try));
  g_autofree char *look =
    g_markup_printf_escaped ("<b>%s</b> %s", _ ("What to look for:"), _ (demo->look_for));

  gtk_label_set_label (GTK_LABEL (self->guide_title), title);
  gtk_label_set_markup (GTK_LABEL (self->guide_try), try_text);
  gtk_label_set_markup (GTK_LABEL (self->guide_look), look);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->guide), TRUE);
}

static void
on_demo (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabClassroom *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  const LabDemo *demo = lab_demo_lookup (id);
  g_autofree char *why = NULL;

  if (demo == NULL)
    {
      g_autofree char *ids = lab_demo_ids ();
      g_autofree char *message =
        g_strdup_printf (_ ("There is no demo called “%s”: the demos are %s."), id, ids);
      _lab_window_toast (self->window, message);
      return;
    }
  if (!lab_demo_available (demo, &why))
    {
      _lab_window_toast (self->window, why);
      return;
    }
  hide_welcome (self);
  show_guide (self, demo);
  self->pending = demo;
  lab_window_start (self->window, demo->template_id, demo->data_spec, FALSE);
}

static void
on_welcome (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabClassroom *self = user_data;

  gtk_widget_set_visible (self->welcome, TRUE);
  gtk_widget_grab_focus (self->welcome);
}

/* After the window's own handler has built the demo's template. */
static void
on_dataset_changed (LabDataPage *page, LabClassroom *self)
{
  const LabDemo *demo = g_steal_pointer (&self->pending);

  hide_welcome (self);
  if (demo == NULL || self->guide == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->window->stack, demo->page);
  if (demo->inside_view != NULL)
    lab_inside_page_show_view (self->window->inside_page, demo->inside_view);
}

static void
on_page_changed (AdwViewStack *stack, GParamSpec *pspec, LabClassroom *self)
{
  hide_welcome (self);
}

static void
on_guide_close (GtkButton *button, LabClassroom *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->guide), FALSE);
}

static GtkWidget *
make_guide_label (const char *name)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  return label;
}

/* A banner across the top of the pages: it stays while the class works
 * through the demo, and goes when dismissed. */
static void
build_guide (LabClassroom *self, GtkBox *content)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  self->guide = gtk_revealer_new ();
  gtk_widget_set_name (self->guide, "demo-guide");
  gtk_revealer_set_transition_type (GTK_REVEALER (self->guide),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_add_css_class (bar, "lab-banner");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  self->guide_title = make_guide_label ("demo-guide-title");
  gtk_widget_add_css_class (self->guide_title, "heading");
  self->guide_try = make_guide_label ("demo-guide-try");
  self->guide_look = make_guide_label ("demo-guide-look");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), self->guide_title);
  gtk_box_append (GTK_BOX (text), self->guide_try);
  gtk_box_append (GTK_BOX (text), self->guide_look);
  gtk_widget_set_valign (close, GTK_ALIGN_START);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_tooltip_text (close, _ ("Hide the Guide"));
  g_signal_connect_object (close, "clicked", G_CALLBACK (on_guide_close), self, 0);
  gtk_box_append (GTK_BOX (bar), icon);
  gtk_box_append (GTK_BOX (bar), text);
  gtk_box_append (GTK_BOX (bar), close);
  gtk_revealer_set_child (GTK_REVEALER (self->guide), bar);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->guide), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Demo guide"), -1);
  gtk_box_prepend (content, self->guide);
}

static void
lab_classroom_dispose (GObject *object)
{
  LabClassroom *self = LAB_CLASSROOM (object);

  g_clear_weak_pointer (&self->welcome);
  g_clear_weak_pointer (&self->guide);
  g_clear_object (&self->projector);
  G_OBJECT_CLASS (lab_classroom_parent_class)->dispose (object);
}

static void
lab_classroom_class_init (LabClassroomClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_classroom_dispose;
}

static void
lab_classroom_init (LabClassroom *self)
{
}

LabClassroom *
lab_classroom_new (LabWindow *window)
{
  LabClassroom *self = g_object_new (LAB_TYPE_CLASSROOM, NULL);
  GtkWidget *content = gtk_widget_get_parent (GTK_WIDGET (window->stack));
  GtkWidget *overlay = gtk_widget_get_parent (content);
  g_autoptr (GSimpleAction) demo = g_simple_action_new ("demo", G_VARIANT_TYPE_STRING);
  g_autoptr (GSimpleAction) welcome = g_simple_action_new ("welcome", NULL);
  gboolean projector = g_settings_get_boolean (window->settings, "projector-mode");

  g_return_val_if_fail (GTK_IS_OVERLAY (overlay), self);
  self->window = window;

  self->welcome = lab_welcome_new ();
  gtk_widget_set_name (self->welcome, "welcome");
  gtk_widget_set_visible (self->welcome, FALSE);
  g_signal_connect_object (self->welcome, "close", G_CALLBACK (hide_welcome), self,
                           G_CONNECT_SWAPPED);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->welcome);
  build_guide (self, GTK_BOX (content));
  g_object_add_weak_pointer (G_OBJECT (self->welcome), (gpointer *) &self->welcome);
  g_object_add_weak_pointer (G_OBJECT (self->guide), (gpointer *) &self->guide);

  g_signal_connect_object (demo, "activate", G_CALLBACK (on_demo), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (demo));
  g_signal_connect_object (welcome, "activate", G_CALLBACK (on_welcome), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (welcome));
  self->projector =
    g_simple_action_new_stateful ("projector", NULL, g_variant_new_boolean (projector));
  g_signal_connect_object (self->projector, "change-state", G_CALLBACK (on_projector_change_state),
                           self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->projector));
  g_signal_connect_object (window->settings, "changed::projector-mode",
                           G_CALLBACK (on_projector_setting), self, 0);
  apply_projector (projector);

  g_signal_connect_object (window->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed),
                           self, 0);
  g_signal_connect_object (window->stack, "notify::visible-child", G_CALLBACK (on_page_changed),
                           self, 0);
  return self;
}
