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
/* Starts a GAN run (nn_trainer_new_gan) of a generator and a discriminator
 * on ds, as lab_training_controller_start does; `from` resumes both models'
 * weights (the discriminator's when the project has one). FALSE with the
 * engine's message when the pair does not fit the data (sizes, one logit)
 * or a run is active. */
gboolean lab_training_controller_start_gan (LabTrainingController *self, const nn_graph *generator,
                                            const nn_graph *discriminator, nn_dataset *ds,
                                            const nn_trainer_config *config, const nn_project *from,
                                            gboolean paused, GError **error);
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
/* The last GAN run's discriminator once it has finished, else NULL (no
 * run, a run of another mode, or one still active). */
nn_model *lab_training_controller_get_discriminator (LabTrainingController *self);
/* The optimizers that trained them (their state, to save beside the
 * weights so training resumes exactly), under the same rules. */
nn_optimizer *lab_training_controller_get_optimizer (LabTrainingController *self);
nn_optimizer *lab_training_controller_get_discriminator_optimizer (LabTrainingController *self);
/* The mode of the current or last run (NN_MODE_SUPERVISED without one). */
nn_train_mode lab_training_controller_get_mode (LabTrainingController *self);

/* What the models make, during a run (waiting for the batch in progress)
 * and after it (from the finished models), for views to show. Both fill
 * n × (the dataset's input size) floats in [0, 1] into out and return
 * FALSE (out untouched) without a run of the right mode.
 *   generate     GAN: n samples from fixed noise (sample i always from the
 *                same noise in a run, so a grid shows the generator learn).
 *   reconstruct  autoencoder: the reconstructions of samples idx[0..n) of
 *                the run's dataset. */
gboolean lab_training_controller_generate (LabTrainingController *self, int n, float *out);
gboolean lab_training_controller_reconstruct (LabTrainingController *self, const int *idx, int n,
                                              float *out);
/* The Data tab let go of the last run's dataset (it has another one now):
 * generate and reconstruct refuse from here on. Not during a run. */
void lab_training_controller_release_data (LabTrainingController *self);
/* A copy of the running model's weights (nn_model_snapshot_size floats),
 * for views that look inside while it trains; free with nn_free_floats. */
float *lab_training_controller_snapshot (LabTrainingController *self, gsize *n);

G_END_DECLS
