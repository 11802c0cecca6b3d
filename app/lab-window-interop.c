/* lab-window-interop.c — the window's ways in and out of other tools:
 * Export as ONNX, Export as PyTorch Script, Import ONNX.
 *
 * Exports write the window's project as saving would (_lab_window_make_project):
 * trained weights while the model is as trained, else the weights training
 * would start from. An import becomes the window's new, unsaved project;
 * it is read on a worker thread (a model file can be large) and replaces
 * the current one only after unsaved changes were discarded on purpose. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "io/pytorch-export.h"
#include "lab-file-chooser.h"
#include "lab-window-private.h"

typedef gboolean (*Exporter) (const nn_project *p, const char *path, GError **error);

static void
show_error (LabWindow *self, const char *heading, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* "xor.onnx" for a project saved as xor.layerlab, else "model.onnx". */
static char *
suggested_name (LabWindow *self, const char *extension)
{
  g_autofree char *base = self->file != NULL ? g_file_get_basename (self->file) : NULL;

  if (base != NULL && g_str_has_suffix (base, ".layerlab"))
    base[strlen (base) - strlen (".layerlab")] = '\0';
  return g_strconcat (base != NULL && base[0] != '\0' ? base : "model", extension, NULL);
}

static gboolean
export_to (LabWindow *self, GFile *file, Exporter exporter, const char *heading)
{
  g_autoptr (nn_project) project = _lab_window_make_project (self);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *done = NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL || !exporter (project, path, &error))
    {
      show_error (self, heading,
                  error != NULL ? error->message
                                : _ ("Only files on this computer can be written."));
      return FALSE;
    }
  /* Translators: a toast after an export; %s is the file's name */
  done = g_strdup_printf (_ ("Exported %s"), name);
  _lab_window_toast (self, done);
  return TRUE;
}

gboolean
_lab_window_export_onnx_to (LabWindow *self, GFile *file)
{
  return export_to (self, file, nn_onnx_export, _ ("Could Not Export as ONNX"));
}

gboolean
_lab_window_export_pytorch_to (LabWindow *self, GFile *file)
{
  return export_to (self, file, nn_pytorch_export, _ ("Could Not Export as PyTorch"));
}

static void
onnx_chosen (GtkWidget *owner, GFile *file)
{
  _lab_window_export_onnx_to (LAB_WINDOW (owner), file);
}

static void
pytorch_chosen (GtkWidget *owner, GFile *file)
{
  _lab_window_export_pytorch_to (LAB_WINDOW (owner), file);
}

static void
action_export_onnx (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);
  g_autofree char *name = suggested_name (self, ".onnx");

  lab_file_chooser_save (GTK_WIDGET (self), _ ("Export as ONNX"), name, onnx_chosen);
}

static void
action_export_pytorch (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);
  g_autofree char *name = suggested_name (self, ".py");

  lab_file_chooser_save (GTK_WIDGET (self), _ ("Export as PyTorch Script"), name, pytorch_chosen);
}

/* --- Import ------------------------------------------------------------- */

static void
import_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  nn_project *project = nn_onnx_import (task_data, &error);

  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, (GDestroyNotify) nn_project_free);
}

static void
adopt_imported (LabWindow *self, nn_project *project)
{
  _lab_window_adopt_project (self, project, NULL);
  /* the importer's layout knows nothing of how tall the cards are */
  lab_model_page_lay_out (self->model_page);
  _lab_window_toast (self, _ ("Imported the model: train it, or look inside"));
}

#define IMPORT_PENDING "lab-import-pending"

static void
adopt_pending (LabWindow *self)
{
  nn_project *project = g_object_steal_data (G_OBJECT (self), IMPORT_PENDING);

  if (project != NULL)
    adopt_imported (self, project);
}

static void
on_imported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (source);
  g_autoptr (GError) error = NULL;
  nn_project *project = g_task_propagate_pointer (G_TASK (result), &error);

  /* the window was closed while the file was read */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (project == NULL)
    {
      show_error (self, _ ("Could Not Import the Model"), error->message);
      return;
    }
  /* kept by the window until the user has answered about unsaved changes */
  g_object_set_data_full (G_OBJECT (self), IMPORT_PENDING, project,
                          (GDestroyNotify) nn_project_free);
  _lab_window_unless_unsaved (self, adopt_pending);
}

void
_lab_window_import_onnx_from (LabWindow *self, GFile *file)
{
  g_autoptr (GCancellable) closed = g_cancellable_new ();
  g_autoptr (GTask) task = NULL;
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      show_error (self, _ ("Could Not Import the Model"),
                  _ ("Only files on this computer can be imported."));
      return;
    }
  g_signal_connect_object (self, "destroy", G_CALLBACK (g_cancellable_cancel), closed,
                           G_CONNECT_SWAPPED);
  task = g_task_new (self, closed, on_imported, NULL);
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, import_thread);
}

static void
import_chosen (GtkWidget *owner, GFile *file)
{
  _lab_window_import_onnx_from (LAB_WINDOW (owner), file);
}

static void
action_import_onnx (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GtkFileFilter) onnx = gtk_file_filter_new ();
  GtkFileFilter *filters[] = { onnx, NULL };

  gtk_file_filter_set_name (onnx, _ ("ONNX Models"));
  gtk_file_filter_add_pattern (onnx, "*.onnx");
  lab_file_chooser_open (GTK_WIDGET (user_data), _ ("Import ONNX Model"), FALSE, filters,
                         import_chosen);
}

static const GActionEntry interop_actions[] = {
  { "export-onnx", action_export_onnx },
  { "export-pytorch", action_export_pytorch },
  { "import-onnx", action_import_onnx },
};

void
_lab_window_init_interop (LabWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), interop_actions,
                                   G_N_ELEMENTS (interop_actions), self);
}
