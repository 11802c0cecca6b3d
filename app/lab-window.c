/* lab-window.c — the main window. The layout lives in ui/lab-window.ui; this
 * file restores the window's size and page, connects the pages (the model
 * follows the dataset) and owns the window's actions; the training
 * commands are in lab-window-training.c. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-classroom.h"
#include "lab-window-private.h"
#include "templates.h"

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

void
_lab_window_toast (LabWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
lab_window_show_page (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_actions[] = {
  { "show-page", lab_window_show_page, "s" },
};

void
lab_window_open_file (LabWindow *self, GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_has_suffix (name, ".layerlab"))
    {
      _lab_window_open_project (self, file);
      return;
    }
  if (g_str_has_suffix (lower, ".onnx"))
    {
      _lab_window_import_onnx_from (self, file);
      return;
    }
  adw_view_stack_set_visible_child_name (self->stack, "data");
  lab_data_page_open_file (self->data_page, file);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  GSList *files = g_value_get_boxed (value);

  if (files == NULL)
    return FALSE;
  lab_window_open_file (LAB_WINDOW (user_data), files->data);
  return TRUE;
}

static void
on_template_used (LabModelPage *page, const char *template_id, LabWindow *self)
{
  self->template = nn_template_lookup (template_id);
  lab_training_page_recommend (self->training_page, self->template);
}

static void
lab_window_use_template (LabWindow *self, const char *template_id)
{
  g_autoptr (GError) error = NULL;

  if (!lab_model_page_use_template (self->model_page, template_id, &error))
    _lab_window_toast (self, error->message);
}

static void
on_dataset_changed (LabDataPage *page, LabWindow *self)
{
  g_autofree char *pending = g_steal_pointer (&self->pending_template);

  lab_model_page_set_dataset (self->model_page, lab_data_page_get_dataset (page));
  if (pending != NULL)
    lab_window_use_template (self, pending);
  if (self->pending_train)
    {
      self->pending_train = FALSE;
      _lab_window_train (self);
    }
}

void
lab_window_start (LabWindow *self, const char *template_id, const char *data_spec, gboolean train)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->stack, "model");
  if (data_spec != NULL)
    {
      g_free (self->pending_template);
      self->pending_template = g_strdup (template_id);
      self->pending_train = train;
      lab_data_page_load_spec (self->data_page, data_spec);
      return;
    }
  if (template_id != NULL)
    lab_window_use_template (self, template_id);
  if (train)
    _lab_window_train (self);
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  /* Stops a run and joins its worker before the pages go. */
  g_clear_object (&self->training);
  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_pointer (&self->opened, nn_project_free);
  g_clear_pointer (&self->history, g_array_unref);
  g_clear_pointer (&self->pending_template, g_free);
  g_clear_object (&self->classroom);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_window_dispose;

  g_type_ensure (LAB_TYPE_MODEL_PAGE);
  g_type_ensure (LAB_TYPE_DATA_PAGE);
  g_type_ensure (LAB_TYPE_TRAINING_PAGE);
  g_type_ensure (LAB_TYPE_INSIDE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerlab/Layerlab/ui/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, model_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, training_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inside_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, recent_section);
}

static void
lab_window_init (LabWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "last-page", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  _lab_window_init_training (self);
  _lab_window_init_project (self);
  _lab_window_init_autosave (self);
  _lab_window_init_recent (self);
  _lab_window_init_interop (self);
  _lab_window_init_step_by_step (self);
  g_signal_connect (self->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), self);
  g_signal_connect (self->model_page, "template-used", G_CALLBACK (on_template_used), self);
  self->classroom = lab_classroom_new (self);

  /* Files and folders dropped anywhere on the window become the dataset. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

LabWindow *
lab_window_new (LabApplication *app)
{
  return g_object_new (LAB_TYPE_WINDOW, "application", app, NULL);
}
