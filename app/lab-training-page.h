/* lab-training-page.h — the Training tab: the run's settings (optimizer,
 * learning rate and schedule, batch size, epochs, early stopping, seed),
 * its progress, the live loss and accuracy curves of this and earlier runs,
 * and what a finished run says. It shows runs; the window starts them. */
#pragma once

#include <adwaita.h>

#include "io/project.h"
#include "templates.h"
#include "trainer.h"

G_BEGIN_DECLS

#define LAB_TYPE_TRAINING_PAGE (lab_training_page_get_type ())
G_DECLARE_FINAL_TYPE (LabTrainingPage, lab_training_page, LAB, TRAINING_PAGE, GtkWidget)

GtkWidget *lab_training_page_new (void);

/* The Task: what the model learns (NN_MODE_SUPERVISED: predict labels or
 * values; NN_MODE_AUTOENCODER: reconstruct the input, with MSE or BCE;
 * NN_MODE_GAN: generate, with label smoothing). Only the settings that
 * apply to it are shown. Templates and opened projects set it; the user's
 * choice emits ::task-changed (no arguments). */
nn_train_mode lab_training_page_get_task (LabTrainingPage *self);
void lab_training_page_set_task (LabTrainingPage *self, nn_train_mode mode);
/* GAN: the latent size shown (the generator's Input size; 0: unknown). */
void lab_training_page_set_latent_size (LabTrainingPage *self, int size);

/* Writes the settings the user chose into c (the rest is left as it is):
 * with the Task, its mode and what applies to it (label smoothing for a
 * GAN, the loss for an autoencoder). */
void lab_training_page_get_config (LabTrainingPage *self, nn_trainer_config *c);
/* Shows these settings (from an opened project). */
void lab_training_page_set_config (LabTrainingPage *self, const nn_trainer_config *c);
/* Draws a saved run's per-epoch history as a run of its own. */
void lab_training_page_show_history (LabTrainingPage *self, const char *label,
                                     const nn_epoch_record *records, guint n);
/* Forgets every run's curves and the last message, and sets the Task back
 * to predicting (a new project). */
void lab_training_page_clear (LabTrainingPage *self);
/* Shows a template's Task and recommended optimizer, rate, batch size and
 * epochs. */
void lab_training_page_recommend (LabTrainingPage *self, const nn_template *template);

/* A new run with these settings: a new pair of curves (for a GAN: the
 * discriminator's and the generator's loss), progress from zero. */
void lab_training_page_begin_run (LabTrainingPage *self, const nn_trainer_config *c);
/* One event of the current run. */
void lab_training_page_show_event (LabTrainingPage *self, const nn_train_event *e);
/* A message above the curves (an error in red), e.g. why a run could not start. */
void lab_training_page_show_message (LabTrainingPage *self, const char *message, gboolean is_error);
/* While a run is active its settings cannot change. */
void lab_training_page_set_locked (LabTrainingPage *self, gboolean locked);

G_END_DECLS
