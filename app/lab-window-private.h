/* lab-window-private.h — what lab-window.c (the window, its pages and
 * files) and lab-window-training.c (the training commands) share. */
#pragma once

#include "lab-data-page.h"
#include "lab-inside-page.h"
#include "lab-model-page.h"
#include "lab-training-controller.h"
#include "lab-training-page.h"
#include "lab-window.h"
#include "templates.h"

G_BEGIN_DECLS

struct _LabWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwToastOverlay *toasts;
  AdwViewStack *stack;
  AdwViewSwitcherTitle *switcher_title;
  LabModelPage *model_page;
  LabDataPage *data_page;
  LabTrainingPage *training_page;
  LabInsidePage *inside_page;
  GMenu *recent_section; /* the Open Recent submenu's items (lab-window-recent.c) */

  /* owned */
  GSettings *settings;
  LabTrainingController *training;
  char *pending_template;      /* from the command line, built once the data is in */
  gboolean pending_train;      /* likewise, `--train` */
  gint64 inside_snapshot_time; /* when the Inside tab last got weights from a batch */
  GFile *file;                 /* the project's file, NULL until saved */
  gboolean modified;           /* changes since it was opened or saved */
  gboolean opening;            /* an opened project's data is loading */
  GArray *history;             /* nn_epoch_record of the last run */
  nn_project *opened;          /* the project as opened: its weights resume training */
  guint64 opened_revision;     /* the model's revision when it was opened */
  const nn_template *template; /* the last template used: how to train its model */
  struct _LabClassroom *classroom; /* welcome page, demo guide, projector (lab-classroom.c) */
  gboolean recovered;          /* adopted from an autosave: the title says so until saved */
};

void _lab_window_toast (LabWindow *self, const char *message);
/* Adds win.train, win.pause, win.step and win.stop and the controller. */
void _lab_window_init_training (LabWindow *self);
/* Adds win.new, win.open, win.save and win.save-as, the title, and the
 * question before unsaved changes are lost (lab-window-project.c). */
void _lab_window_init_project (LabWindow *self);
/* Adds win.step-by-step (lab-window-step.c). */
void _lab_window_init_step_by_step (LabWindow *self);
void _lab_window_open_project (LabWindow *self, GFile *file);
/* Shows project (ownership is taken) as the window's project: its model,
 * settings, history and data; its weights resume training. file is where
 * it came from, or NULL for a new unsaved one (an imported model). */
void _lab_window_adopt_project (LabWindow *self, nn_project *project, GFile *file);
/* The window's model, data reference, settings, history and (when they
 * belong to this model) trained weights, as saving would write them. */
nn_project *_lab_window_make_project (LabWindow *self);
/* Saves to file (errors are shown in a dialog); TRUE when it worked. */
gboolean _lab_window_save_project (LabWindow *self, GFile *file);
void _lab_window_set_modified (LabWindow *self, gboolean modified);
/* Runs then() now, or once the user saved or discarded unsaved changes
 * (never if they cancel), after the question has closed. */
typedef void (*AfterSave) (LabWindow *self);
void _lab_window_unless_unsaved (LabWindow *self, AfterSave then);
/* The opened project's trained weights while the model is as it was
 * opened, else NULL. */
const nn_project *_lab_window_resume_weights (LabWindow *self);
/* Opens file as the project once unsaved changes are saved or discarded,
 * as Open does (Open Recent). */
void _lab_window_open_asking (LabWindow *self, GFile *file);
/* Autosave and crash recovery (lab-window-autosave.c): while modified,
 * every 2 minutes (LAYERLAB_AUTOSAVE_SECONDS) and at the end of each run,
 * the project is written to the user's state folder; a clean save or
 * close removes it; a file left by a Layerlab that no longer runs is
 * offered for recovery when the window first shows. */
void _lab_window_init_autosave (LabWindow *self);
/* Removes this window's autosave (the project was saved, or closed on purpose). */
void _lab_window_autosave_forget (LabWindow *self);
/* Fills the Open Recent submenu and adds win.open-recent (lab-window-recent.c). */
void _lab_window_init_recent (LabWindow *self);
/* Adds win.export-onnx, win.export-pytorch and win.import-onnx
 * (lab-window-interop.c). The _to/_from functions do what the actions do
 * once a file is chosen (errors in a dialog, success in a toast); export
 * returns whether it worked, import reads on a worker thread and adopts the
 * model as a new unsaved project. */
void _lab_window_init_interop (LabWindow *self);
gboolean _lab_window_export_onnx_to (LabWindow *self, GFile *file);
gboolean _lab_window_export_pytorch_to (LabWindow *self, GFile *file);
void _lab_window_import_onnx_from (LabWindow *self, GFile *file);
/* Starts a run (or resumes a paused one), as the Train button does. */
void _lab_window_train (LabWindow *self);

G_END_DECLS
