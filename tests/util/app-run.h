/* app-run.h — drive the real Layerlab application in end-to-end tests:
 * start it, hand its window to a check, quit; find widgets and windows. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*AppRunCheck) (GtkApplication *app, GtkWindow *window);

/* Runs a new LabApplication (non-unique), calls check once its window has
 * drawn at 1280×800, then destroys its windows and quits; fails the test if
 * the check never ran. */
void app_run (AppRunCheck check);
/* Points XDG_STATE_HOME and XDG_DATA_HOME at a folder of this process's own
 * (removed at exit), so autosaves and the recent-files list of one run never
 * reach another, nor the user's. app_run() calls it; call it first thing in
 * main() when a test uses those folders before its first app_run(). Does
 * nothing when XDG_STATE_HOME is already set. */
void app_private_home (void);

/* The first widget (depth first) with this name, or NULL. */
GtkWidget *app_find_named (GtkWidget *root, const char *name);
/* The first widget of this type, or NULL. */
GtkWidget *app_find_type (GtkWidget *root, GType type);
/* Spins the main loop until a toplevel of this type exists (5 s at most). */
GtkWindow *app_wait_for_window (GType type);
/* Spins the main loop until done (*done != FALSE) or timeout_ms passes. */
gboolean app_wait_for (const gboolean *done, guint timeout_ms);
/* Loads spec through the window's Data page and waits (20 s at most) until
 * it has loaded; fails the test otherwise. */
void app_load_data (GtkWindow *window, const char *spec);
/* Spins the main loop until the window's action is enabled (or disabled),
 * or timeout_ms passes; returns whether it got there. */
gboolean app_wait_action (GtkWindow *window, const char *action, gboolean enabled,
                          guint timeout_ms);
/* Renders the widget to NAME in the screenshot folder and logs the path. */
void app_screenshot (GtkWidget *widget, const char *name);

G_END_DECLS
