/* lab-window-step.c — win.step-by-step: opens step-by-step training on the
 * window's model and data, or explains what it needs and offers the XOR
 * demo, which it needs nothing else for. */
#include "config.h"

#include <glib/gi18n.h>

#include "error.h"
#include "lab-step-window.h"
#include "lab-window-private.h"

#define STEP_WINDOW  "lab-step-window"
#define STEP_PENDING "lab-step-pending"

static void start_demo (LabWindow *self);

static void
on_step_destroyed (GtkWidget *step, LabWindow *self)
{
  g_object_set_data (G_OBJECT (self), STEP_WINDOW, NULL);
}

static void
open_step_window (LabWindow *self)
{
  nn_dataset *ds = lab_data_page_get_dataset (self->data_page);
  g_autoptr (GError) error = NULL;
  nn_trainer_config config;
  LabStepWindow *step;
  GtkWidget *dialog;

  step = g_object_get_data (G_OBJECT (self), STEP_WINDOW);
  if (step != NULL)
    {
      gtk_window_present (GTK_WINDOW (step));
      return;
    }
  nn_trainer_config_init (&config);
  lab_training_page_get_config (self->training_page, &config);
  config.val_fraction = lab_data_page_get_val_fraction (self->data_page);
  config.test_fraction = lab_data_page_get_test_fraction (self->data_page);
  if (ds == NULL)
    g_set_error_literal (&error, NN_ERROR, NN_ERROR_INVALID,
                         _ ("Step-by-step training needs data to train on. The XOR demo has a "
                            "small network and data that fit it."));
  step = ds != NULL
           ? lab_step_window_new (GTK_WINDOW (self), lab_model_page_get_graph (self->model_page),
                                  ds, &config, &error)
           : NULL;
  if (step != NULL)
    {
      /* the dataset is the data page's: the window goes when it does */
      g_object_set_data (G_OBJECT (self), STEP_WINDOW, step);
      g_signal_connect (step, "destroy", G_CALLBACK (on_step_destroyed), self);
      gtk_window_present (GTK_WINDOW (step));
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Step-by-Step Training"), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), "xor",
                                    _ ("Open the _XOR Demo"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "xor",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "xor");
  g_signal_connect_swapped (dialog, "response::xor", G_CALLBACK (start_demo), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_demo (LabWindow *self)
{
  g_object_set_data (G_OBJECT (self), STEP_PENDING, GINT_TO_POINTER (TRUE));
  lab_window_start (self, "tiny-mlp", "xor", FALSE);
}

static void
on_dataset_changed (LabDataPage *page, LabWindow *self)
{
  GtkWindow *step = g_object_get_data (G_OBJECT (self), STEP_WINDOW);

  if (step != NULL)
    gtk_window_destroy (step);
  if (g_object_steal_data (G_OBJECT (self), STEP_PENDING) != NULL &&
      lab_data_page_get_dataset (page) != NULL)
    open_step_window (self);
}

static void
action_step_by_step (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_step_window (LAB_WINDOW (user_data));
}

static const GActionEntry step_actions[] = {
  { "step-by-step", action_step_by_step },
};

void
_lab_window_init_step_by_step (LabWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), step_actions, G_N_ELEMENTS (step_actions),
                                   self);
  g_signal_connect (self->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), self);
}
