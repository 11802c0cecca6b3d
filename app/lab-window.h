/* lab-window.h — the main window: header bar, the Model, Data, Training and
 * Inside pages, and the window's actions. */
#pragma once

#include <adwaita.h>

#include "lab-application.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())
G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, AdwApplicationWindow)

LabWindow *lab_window_new (LabApplication *app);

/* Opens a .layerlab project, imports an .onnx model as a new project, or
 * loads any other file or folder as the dataset (what dropping it on the
 * window does). */
void lab_window_open_file (LabWindow *self, GFile *file);

/* What `layerlab --template NAME --data SPEC --train` asks for: loads the
 * data (when given), then builds the template for it (when given), then
 * starts training (when asked). Problems are shown in the window. */
void lab_window_start (LabWindow *self, const char *template_id, const char *data_spec,
                       gboolean train);

G_END_DECLS
