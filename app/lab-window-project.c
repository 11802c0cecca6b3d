/* lab-window-project.c — the window's project commands: New, Open, Save,
 * Save As, opening a dropped .layerlab file, the file name and a modified
 * mark in the title, and the question before unsaved work is lost (on New,
 * Open and closing the window).
 *
 * A project is what the pages hold: the model page's graph, the data
 * page's dataset spec and how it was cleaned, the training page's
 * settings, the history of the last run, and, when the model has not
 * changed since it was trained, the trained weights. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-file-chooser.h"
#include "lab-window-private.h"

static void
update_title (LabWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;

  if (self->file != NULL)
    name = g_file_get_basename (self->file);
  else if (self->recovered)
    name = g_strdup (_ ("Recovered Project"));
  else
    name = g_strdup (_ ("Unsaved Project"));
  /* Translators: the window's subtitle for a project with unsaved changes */
  subtitle = self->modified ? g_strdup_printf (_ ("• %s"), name) : g_strdup (name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), subtitle);
}

void
_lab_window_set_modified (LabWindow *self, gboolean modified)
{
  self->modified = modified;
  update_title (self);
}

static void
set_file (LabWindow *self, GFile *file)
{
  g_set_object (&self->file, file);
  self->recovered = FALSE;
  if (file != NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      /* add_item would ask GIO to guess the type on a thread; a project's
       * type is known, and recording it lets the Files app and other
       * recent-file lists show a project as one. */
      GtkRecentData data = {
        .mime_type = (char *) PROJECT_MIME_TYPE,
        .app_name = (char *) g_get_application_name (),
        .app_exec = (char *) "layerlab %u",
      };
      gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
    }
  _lab_window_set_modified (self, FALSE);
}

static void
show_error (LabWindow *self, const char *heading, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- Saving ------------------------------------------------------------ */

nn_project *
_lab_window_make_project (LabWindow *self)
{
  const nn_graph *graph = lab_model_page_get_graph (self->model_page);
  nn_project *project = nn_project_new (nn_graph_copy (graph));
  nn_dataset *ds = lab_data_page_get_dataset (self->data_page);
  nn_model *trained = lab_training_controller_get_model (self->training);
  const nn_graph *disc = lab_model_page_get_discriminator (self->model_page);
  const nn_project *opened;

  if (ds != NULL)
    {
      nn_data_options options = { 0 };
      GArray *steps = lab_data_page_get_preparation (self->data_page);

      nn_project_set_data (project, ds->spec, &options);
      /* Reopening cleans the data again, so the model trains on what it
       * was fitted to. */
      nn_project_set_preparation (project, (const nn_prep_step *) steps->data, steps->len);
    }
  nn_trainer_config_init (&project->config);
  lab_training_page_get_config (self->training_page, &project->config);
  project->config.val_fraction = lab_data_page_get_val_fraction (self->data_page);
  project->config.test_fraction = lab_data_page_get_test_fraction (self->data_page);
  g_array_append_vals (project->history, self->history->data, self->history->len);
  /* Weights belong to the model they were trained for: an edited model
   * starts afresh. */
  if (trained != NULL && nn_model_revision (trained) == nn_graph_revision (graph))
    {
      nn_optimizer *opt = lab_training_controller_get_optimizer (self->training);

      nn_project_take_weights (project, trained);
      if (opt != NULL)
        nn_project_take_optimizer (project, opt);
      if (ds != NULL && ds->mean != NULL)
        nn_project_set_normalisation (project, ds->mean, ds->inv_std,
                                      (int) nn_dataset_input_size (ds));
    }
  /* Not trained here: the opened project's weights and optimizer stay while
   * its model is unedited, so saving it again loses nothing. */
  opened = project->weights == NULL ? _lab_window_resume_weights (self) : NULL;
  if (disc != NULL)
    {
      nn_model *d = lab_training_controller_get_discriminator (self->training);

      nn_project_set_discriminator (project, nn_graph_copy (disc));
      project->config.mode = NN_MODE_GAN;
      /* Half a GAN's weights would not resume it: both or neither
       * (nn_project_copy_trained keeps to that for an opened project). */
      if (project->weights != NULL && d != NULL &&
          nn_model_revision (d) == nn_graph_revision (disc))
        {
          nn_optimizer *d_opt =
            lab_training_controller_get_discriminator_optimizer (self->training);

          nn_project_take_discriminator_weights (project, d);
          if (d_opt != NULL)
            nn_project_take_discriminator_optimizer (project, d_opt);
        }
      else
        nn_project_clear_weights (project);
    }
  if (opened != NULL)
    nn_project_copy_trained (project, opened);
  return project;
}

gboolean
_lab_window_save_project (LabWindow *self, GFile *file)
{
  g_autoptr (nn_project) project = _lab_window_make_project (self);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;

  if (path == NULL || !nn_project_save (project, path, &error))
    {
      show_error (self, _ ("Could Not Save the Project"),
                  error != NULL ? error->message : _ ("Only files on this computer can be saved."));
      return FALSE;
    }
  set_file (self, file);
  _lab_window_autosave_forget (self);
  _lab_window_toast (self, _ ("Saved"));
  return TRUE;
}

static void
save_as_chosen (GtkWidget *owner, GFile *file)
{
  LabWindow *self = LAB_WINDOW (owner);
  AfterSave after = g_object_steal_data (G_OBJECT (self), "after-save");

  if (_lab_window_save_project (self, file) && after != NULL)
    after (self);
}

/* Saves (asking for a file when there is none), then calls after. */
static void
save_then (LabWindow *self, AfterSave after)
{
  if (self->file != NULL)
    {
      if (_lab_window_save_project (self, self->file) && after != NULL)
        after (self);
      return;
    }
  g_object_set_data (G_OBJECT (self), "after-save", after);
  lab_file_chooser_save (GTK_WIDGET (self), _ ("Save Project"), _ ("model.layerlab"),
                         save_as_chosen);
}

/* --- Unsaved changes --------------------------------------------------- */

typedef struct
{
  LabWindow *self;
  AfterSave then;
  gboolean save;
} Answer;

static gboolean
answer_run (gpointer data)
{
  Answer *answer = data;

  if (answer->save)
    save_then (answer->self, answer->then);
  else
    answer->then (answer->self);
  return G_SOURCE_REMOVE;
}

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_object_unref (answer->self);
  g_free (answer);
}

static void
on_unsaved_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Answer *answer;

  if (!g_str_equal (response, "save") && !g_str_equal (response, "discard"))
    return;
  answer = g_new (Answer, 1);
  answer->self = g_object_ref (LAB_WINDOW (user_data));
  answer->then = g_object_get_data (G_OBJECT (dialog), "then");
  answer->save = g_str_equal (response, "save");
  /* Closing the window from inside its dialog's response would free the
   * dialog's parent while the dialog still runs: act once it has gone. */
  g_idle_add_full (G_PRIORITY_DEFAULT, answer_run, answer, answer_free);
}

/* Runs then() now, or after the user saved or discarded unsaved changes. */
void
_lab_window_unless_unsaved (LabWindow *self, AfterSave then)
{
  GtkWidget *dialog;

  if (!self->modified)
    {
      then (self);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Save Changes?"),
                                   _ ("The project has changes that are not saved. Changes that "
                                      "are not saved are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), "save", _ ("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "then", then);
  g_signal_connect (dialog, "response", G_CALLBACK (on_unsaved_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- Commands ---------------------------------------------------------- */

const nn_project *
_lab_window_resume_weights (LabWindow *self)
{
  if (self->opened == NULL || self->opened->weights == NULL)
    return NULL;
  if (nn_graph_revision (lab_model_page_get_graph (self->model_page)) != self->opened_revision)
    return NULL;
  return self->opened;
}

static void
reset (LabWindow *self)
{
  self->template = NULL;
  g_clear_pointer (&self->opened, nn_project_free);
  lab_training_controller_stop (self->training);
  lab_model_page_set_graph (self->model_page, nn_graph_new ());
  lab_training_page_clear (self->training_page);
  g_array_set_size (self->history, 0);
  set_file (self, NULL);
}

void
_lab_window_adopt_project (LabWindow *self, nn_project *project, GFile *file)
{
  reset (self);
  lab_model_page_set_graph (self->model_page, nn_graph_copy (project->graph));
  if (project->discriminator != NULL)
    lab_model_page_set_discriminator (self->model_page, nn_graph_copy (project->discriminator));
  self->opened_revision = nn_graph_revision (lab_model_page_get_graph (self->model_page));
  lab_training_page_set_config (self->training_page, &project->config);
  if (project->history->len > 0)
    {
      g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;
      g_array_append_vals (self->history, project->history->data, project->history->len);
      lab_training_page_show_history (self->training_page, base != NULL ? base : _ ("Imported"),
                                      (const nn_epoch_record *) project->history->data,
                                      project->history->len);
    }
  set_file (self, file);
  if (file == NULL)
    _lab_window_set_modified (self, TRUE);
  if (project->data_spec != NULL)
    {
      self->opening = TRUE;
      lab_data_page_load_spec_prepared (self->data_page, project->data_spec,
                                        (const nn_prep_step *) project->preparation->data,
                                        project->preparation->len);
    }
  self->opened = project;
  adw_view_stack_set_visible_child_name (self->stack, "model");
}

void
_lab_window_open_project (LabWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;
  nn_project *project = NULL;

  project = path != NULL ? nn_project_load (path, &error) : NULL;
  if (project == NULL)
    {
      show_error (self, _ ("Could Not Open the Project"),
                  error != NULL ? error->message
                                : _ ("Only files on this computer can be opened."));
      return;
    }
  _lab_window_adopt_project (self, project, file);
}

static void
open_chosen (GtkWidget *owner, GFile *file)
{
  _lab_window_open_project (LAB_WINDOW (owner), file);
}

static void
choose_project (LabWindow *self)
{
  g_autoptr (GtkFileFilter) projects = gtk_file_filter_new ();
  GtkFileFilter *filters[] = { projects, NULL };

  gtk_file_filter_set_name (projects, _ ("Layerlab Projects"));
  gtk_file_filter_add_pattern (projects, "*.layerlab");
  lab_file_chooser_open (GTK_WIDGET (self), _ ("Open Project"), FALSE, filters, open_chosen);
}

static void
open_pending (LabWindow *self)
{
  g_autoptr (GFile) file = g_object_steal_data (G_OBJECT (self), "lab-open-pending");

  if (file != NULL)
    _lab_window_open_project (self, file);
}

void
_lab_window_open_asking (LabWindow *self, GFile *file)
{
  g_object_set_data_full (G_OBJECT (self), "lab-open-pending", g_object_ref (file), g_object_unref);
  _lab_window_unless_unsaved (self, open_pending);
}

static void
action_new (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _lab_window_unless_unsaved (LAB_WINDOW (user_data), reset);
}

static void
action_open (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _lab_window_unless_unsaved (LAB_WINDOW (user_data), choose_project);
}

static void
action_save (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  save_then (LAB_WINDOW (user_data), NULL);
}

static void
action_save_as (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);

  g_object_set_data (G_OBJECT (self), "after-save", NULL);
  lab_file_chooser_save (GTK_WIDGET (self), _ ("Save Project As"), _ ("model.layerlab"),
                         save_as_chosen);
}

static void
close_now (LabWindow *self)
{
  self->modified = FALSE;
  /* Saved or discarded on purpose: nothing to recover. */
  _lab_window_autosave_forget (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
on_close_request (GtkWindow *window, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (window);

  if (!self->modified)
    return FALSE;
  _lab_window_unless_unsaved (self, close_now);
  return TRUE;
}

static void
on_graph_changed (LabWindow *self)
{
  /* Adapting an opened project's model to its own data is not a change. */
  if (!self->opening)
    _lab_window_set_modified (self, TRUE);
  else if (self->opened != NULL)
    self->opened_revision = nn_graph_revision (lab_model_page_get_graph (self->model_page));
}

static void
on_dataset_changed (LabWindow *self)
{
  if (!self->opening)
    _lab_window_set_modified (self, TRUE);
  self->opening = FALSE;
}

/* Keeps the per-epoch history of the current run for the project. */
static void
on_training_event (LabTrainingController *training, const nn_train_event *e, LabWindow *self)
{
  if (e->kind == NN_EVENT_EPOCH)
    {
      nn_epoch_record record = { e->loss,         e->accuracy, e->val_loss,
                                 e->val_accuracy, e->lr,       e->seconds };
      if (e->epoch == 1)
        g_array_set_size (self->history, 0);
      g_array_append_val (self->history, record);
    }
  else if (e->kind == NN_EVENT_DONE)
    _lab_window_set_modified (self, TRUE);
}

static const GActionEntry project_actions[] = {
  { "new", action_new },
  { "open", action_open },
  { "save", action_save },
  { "save-as", action_save_as },
};

void
_lab_window_init_project (LabWindow *self)
{
  self->history = g_array_new (FALSE, FALSE, sizeof (nn_epoch_record));
  g_action_map_add_action_entries (G_ACTION_MAP (self), project_actions,
                                   G_N_ELEMENTS (project_actions), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  g_signal_connect_swapped (self->model_page, "graph-changed", G_CALLBACK (on_graph_changed), self);
  g_signal_connect_swapped (self->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed),
                            self);
  g_signal_connect (self->training, "event", G_CALLBACK (on_training_event), self);
  update_title (self);
}
