/* lab-training-controller.h — connects the window to the engine's trainer.
 *
 * One controller per window. It starts a run on the trainer's worker thread
 * with a private copy of the model, sends it pause, step, resume and stop,
 * and hands the run's events to the main loop: the worker only raises a
 * flag, one coalesced idle drains the queue and emits ::event per event.
 * Events of a run that was stopped and replaced are dropped. Disposing the
 * controller stops the worker and joins it.
 *
 * Properties (bind action sensitivity to them): "active" (a run exists and
 * has not finished), "paused". */
#pragma once

#include <glib-object.h>

#include "io/project.h"
#include "trainer.h"

G_BEGIN_DECLS

#define LAB_TYPE_TRAINING_CONTROLLER (lab_training_controller_get_type ())
G_DECLARE_FINAL_TYPE (LabTrainingController, lab_training_controller, LAB, TRAINING_CONTROLLER,
                      GObject)

LabTrainingController *lab_training_controller_new (void);

/* Starts a run of graph on ds (which must outlive the run and not change
 * during it), running or paused, from the weights of `from` when given (a
 * project trained before: training resumes). FALSE with the engine's
 * message when the model does not fit the data or the weights, or a run is
 * active. */
gboolean lab_training_controller_start (LabTrainingController *self, const nn_graph *graph,
                                        nn_dataset *ds, const nn_trainer_config *config,
                                        const nn_project *from, gboolean paused, GError **error);
void lab_training_controller_pause (LabTrainingController *self);
void lab_training_controller_resume (LabTrainingController *self);
/* While paused: one batch. */
void lab_training_controller_step (LabTrainingController *self);
/* Stops within one batch; the done event (reason stopped, with test
 * metrics) still arrives. */
void lab_training_controller_stop (LabTrainingController *self);

gboolean lab_training_controller_get_active (LabTrainingController *self);
gboolean lab_training_controller_get_paused (LabTrainingController *self);

/* The last run's model (trained weights) once it has finished, else NULL. */
nn_model *lab_training_controller_get_model (LabTrainingController *self);
/* A copy of the running model's weights (nn_model_snapshot_size floats),
 * for views that look inside while it trains; free with nn_free_floats. */
float *lab_training_controller_snapshot (LabTrainingController *self, gsize *n);

G_END_DECLS
