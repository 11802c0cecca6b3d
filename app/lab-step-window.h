/* lab-step-window.h — step-by-step training: a window that trains a small
 * dense network one mini-batch at a time and shows the seven steps of each
 * — take a batch, the forward pass, the loss, its gradient at the output,
 * the gradients of every weight, the optimizer's update, and the loss
 * again — drawn on the network neuron by neuron, with the formula of each.
 *
 * It trains its own copy of the model on the window's dataset (which must
 * outlive it: close it when the dataset changes); the main window's model
 * is not touched. */
#pragma once

#include <adwaita.h>

#include "data/dataset.h"
#include "graph.h"
#include "trainer.h"

G_BEGIN_DECLS

#define LAB_TYPE_STEP_WINDOW (lab_step_window_get_type ())
G_DECLARE_FINAL_TYPE (LabStepWindow, lab_step_window, LAB, STEP_WINDOW, AdwWindow)

/* The steps, in order; LAB_STEP_NONE before the first. */
typedef enum
{
  LAB_STEP_NONE,
  LAB_STEP_BATCH,
  LAB_STEP_FORWARD,
  LAB_STEP_LOSS,
  LAB_STEP_OUTPUT_GRADIENT,
  LAB_STEP_BACKWARD,
  LAB_STEP_UPDATE,
  LAB_STEP_CHECK,
} LabStep;

/* NULL with a message saying what would work when the model is not a small
 * chain of Dense layers (LAB_NETWORK_MAX_UNITS neurons a column at most) or
 * cannot train on ds with config. */
LabStepWindow *lab_step_window_new (GtkWindow *parent, const nn_graph *graph, nn_dataset *ds,
                                    const nn_trainer_config *config, GError **error);

/* Shows the next step (after the last, the first of the next batch). */
void lab_step_window_next (LabStepWindow *self);
LabStep lab_step_window_get_step (LabStepWindow *self);
/* The mean loss of the batch as trained, and on the same batch after the
 * update (NaN until the check step). */
double lab_step_window_get_loss (LabStepWindow *self, double *after);

G_END_DECLS
