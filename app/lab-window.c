/* lab-window.c — the main window. The layout lives in ui/lab-window.ui; this
 * file restores the window's size and page, fills what is dynamic and owns
 * the window's actions. */
#include "config.h"

#include <glib/gi18n.h>

#include "data/dataset.h"
#include "lab-layer-palette.h"
#include "lab-window.h"

struct _LabWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwViewStack *stack;
  AdwPreferencesGroup *builtin_datasets;

  /* owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

/* Project and training commands arrive with the engine's projects and
 * trainer; until then they are shown but cannot be activated. */
static const char *const pending_actions[] = { "new", "open", "save", "train", "pause", "stop" };

static void
lab_window_show_page (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_actions[] = {
  { "show-page", lab_window_show_page, "s" },
  { "new" },
  { "open" },
  { "save" },
  { "train" },
  { "pause" },
  { "stop" },
};

static void
lab_window_add_dataset_rows (LabWindow *self)
{
  int n = 0;
  const nn_builtin_dataset *sets = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *why = NULL;
      GtkWidget *row = adw_action_row_new ();
      gboolean available = sets[i].available (&why);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (sets[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), available ? _ (sets[i].description) : why);
      if (!available)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
          gtk_widget_set_tooltip_text (icon, why);
          gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Not installed"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
          gtk_widget_add_css_class (row, "dim-label");
        }
      adw_preferences_group_add (self->builtin_datasets, row);
    }
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_window_dispose;

  g_type_ensure (LAB_TYPE_LAYER_PALETTE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerlab/Layerlab/ui/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, builtin_datasets);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  for (gsize i = 0; i < G_N_ELEMENTS (pending_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), pending_actions[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
    }

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "last-page", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  lab_window_add_dataset_rows (self);
}

LabWindow *
lab_window_new (LabApplication *app)
{
  return g_object_new (LAB_TYPE_WINDOW, "application", app, NULL);
}
