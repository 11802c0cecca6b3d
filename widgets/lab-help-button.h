/* lab-help-button.h — the "?" button beside a layer, loss or optimizer: a
 * GtkMenuButton whose popover shows the help of layer-help.h (what it
 * does, its formula typeset, what each setting changes), selectable and
 * wrapped at about 40 em. The button's tooltip is the help's summary.
 *
 *   adw_action_row_add_suffix (row, lab_help_button_new (lab_loss_help ("mse"),
 *                                                        _("Mean squared error")));
 */
#pragma once

#include <gtk/gtk.h>

#include "layer-help.h"

G_BEGIN_DECLS

/* A flat, circular "?" GtkMenuButton; help may be NULL (the button hides
 * until it gets some). title is shown above the help. */
GtkWidget *lab_help_button_new (const LabHelp *help, const char *title);

/* Points an existing button at other help (NULL hides it). */
void lab_help_button_set_help (GtkWidget *button, const LabHelp *help, const char *title);

/* The popover's label, whose markup is the help (for tests). */
GtkWidget *lab_help_button_get_label (GtkWidget *button);

G_END_DECLS
