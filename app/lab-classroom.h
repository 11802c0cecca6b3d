/* lab-classroom.h — the window's classroom features, in one controller per
 * window: the welcome page over the workbench, the guide of the demo that
 * was started ("What to try / What to look for", until dismissed), and
 * projector mode (large text and lines, black on white, remembered in the
 * "projector-mode" setting).
 *
 * It adds three window actions:
 *   win.demo('ID')   starts a demo of lab-demos.h: its data, then its
 *                    template, then its page, with its guide shown
 *   win.welcome      shows the welcome page
 *   win.projector    boolean state: projector mode on or off
 * The welcome page hides itself once the user picks a page, a dataset or a
 * demo. */
#pragma once

#include <adwaita.h>

#include "lab-window.h"

G_BEGIN_DECLS

#define LAB_TYPE_CLASSROOM (lab_classroom_get_type ())
G_DECLARE_FINAL_TYPE (LabClassroom, lab_classroom, LAB, CLASSROOM, GObject)

/* Builds the welcome page (a LabWelcome named "welcome") over the
 * window's view stack and the guide (named "demo-guide") above it, and adds
 * the actions. The window's template has a GtkOverlay around a vertical
 * GtkBox around the stack. The window keeps the reference and drops it in
 * dispose. */
LabClassroom *lab_classroom_new (LabWindow *window);

G_END_DECLS
