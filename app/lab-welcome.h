/* lab-welcome.h — the welcome page: a card for each classroom demo
 * (lab-demos.h) and a way to start with an empty model. A card activates
 * the window action win.demo with the demo's id; the page itself starts
 * nothing. ::close is emitted when the user picks the empty model. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_WELCOME (lab_welcome_get_type ())
G_DECLARE_FINAL_TYPE (LabWelcome, lab_welcome, LAB, WELCOME, GtkWidget)

GtkWidget *lab_welcome_new (void);

/* The card of demo id (a GtkButton), or NULL; for tests. */
GtkWidget *lab_welcome_get_card (LabWelcome *self, const char *id);

G_END_DECLS
