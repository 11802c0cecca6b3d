/* lab-file-chooser.c — see lab-file-chooser.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-file-chooser.h"

static void
on_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GtkWidget *owner = user_data;
  LabFileChosen chosen = g_object_get_data (G_OBJECT (dialog), "chosen");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      chosen (owner, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (owner);
}

static GtkFileChooserNative *
make (GtkWidget *owner, const char *title, GtkFileChooserAction mode, const char *accept,
      LabFileChosen chosen)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, mode, accept, _ ("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "chosen", chosen);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), g_object_ref (owner));
  return dialog;
}

void
lab_file_chooser_save (GtkWidget *owner, const char *title, const char *name, LabFileChosen chosen)
{
  GtkFileChooserNative *dialog =
    make (owner, title, GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), chosen);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
lab_file_chooser_open (GtkWidget *owner, const char *title, gboolean folder,
                       GtkFileFilter *const *filters, LabFileChosen chosen)
{
  GtkFileChooserNative *dialog = make (
    owner, title, folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
    _ ("_Open"), chosen);

  for (int i = 0; filters != NULL && filters[i] != NULL; i++)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filters[i]);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
