/* lab-file-chooser.h — asking the user for a file to open or save, the one
 * way every page does it (GTK 4.8: GtkFileChooserNative, so the portal's
 * dialog is used in a sandbox). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called only when the user chose a file; owner is the widget that asked
 * (kept alive while the dialog is open). */
typedef void (*LabFileChosen) (GtkWidget *owner, GFile *file);

/* A save dialog suggesting `name` in the current folder. */
void lab_file_chooser_save (GtkWidget *owner, const char *title, const char *name,
                            LabFileChosen chosen);
/* An open dialog for a file (folder FALSE) or a folder; filters (may be
 * NULL) are added in order and the first is selected. */
void lab_file_chooser_open (GtkWidget *owner, const char *title, gboolean folder,
                            GtkFileFilter *const *filters, LabFileChosen chosen);

G_END_DECLS
