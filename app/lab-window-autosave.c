/* lab-window-autosave.c — autosave and crash recovery.
 *
 * While the window's project has unsaved changes it is written every few
 * minutes, and when a run ends, to
 * $XDG_STATE_HOME/layerlab/autosave/<pid>-<window>.layerlab beside a .pid
 * file naming the process that owns it. The document is made on the main
 * thread (it reads the pages) and written by a GTask, so a large model does
 * not stall the window. A save, or a close the user chose, removes both
 * files; what a Layerlab that no longer runs left behind is offered for
 * recovery when a window first shows. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "lab-window-private.h"

#define DEFAULT_INTERVAL_S 120

typedef struct
{
  GWeakRef window;
  char *path;       /* this window's autosave; NULL until first written */
  guint timeout;    /* the periodic check */
  gboolean dirty;   /* changed since the last autosave */
  gboolean writing; /* a write task is running */
  gboolean again;   /* a run ended while writing: write once more */
  guint generation; /* bumped by forget, so a write still running is undone */
} Autosave;

typedef struct
{
  char *path, *pid_path;
  GBytes *data;
  guint generation;
} WriteJob;

/* Windows of this process that are asking about one file, so two windows
 * do not both offer it. */
static GHashTable *offered;

static char *
autosave_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "layerlab", "autosave", NULL);
}

/* "dir/123-1.layerlab" → "dir/123-1.pid" */
static char *
pid_path_for (const char *path)
{
  g_autofree char *base = g_strndup (path, strlen (path) - strlen (".layerlab"));

  return g_strconcat (base, ".pid", NULL);
}

static void
remove_files (const char *path)
{
  g_autofree char *pid_path = pid_path_for (path);

  g_remove (path);
  g_remove (pid_path);
}

static Autosave *
get_autosave (LabWindow *self)
{
  return g_object_get_data (G_OBJECT (self), "lab-autosave");
}

static void
autosave_clear (gpointer data)
{
  Autosave *a = data;

  g_weak_ref_clear (&a->window);
  g_free (a->path);
}

static void
autosave_release (gpointer data)
{
  g_rc_box_release_full (data, autosave_clear);
}

static void
write_job_free (WriteJob *job)
{
  g_free (job->path);
  g_free (job->pid_path);
  g_bytes_unref (job->data);
  g_free (job);
}

/* --- Writing ----------------------------------------------------------- */

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WriteJob *job = task_data;
  g_autofree char *dir = g_path_get_dirname (job->path);
  g_autofree char *pid = g_strdup_printf ("%d\n", (int) getpid ());
  GError *error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (job->data, &length);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                               g_strerror (saved));
      return;
    }
  /* The owner first: a project file never looks abandoned while written. */
  if (!g_file_set_contents (job->pid_path, pid, -1, &error) ||
      !g_file_set_contents (job->path, data, (gssize) length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void write_now (Autosave *a, LabWindow *self);

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Autosave *a = user_data;
  WriteJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (LabWindow) self = g_weak_ref_get (&a->window);

  a->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self != NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_ ("Could not keep a copy for recovery: %s"), error->message);

          _lab_window_toast (self, message);
        }
    }
  else if (job->generation != a->generation)
    /* Saved or closed while this was written: nothing to recover. */
    remove_files (job->path);
  if (a->again && self != NULL && self->modified)
    {
      a->again = FALSE;
      write_now (a, self);
    }
  write_job_free (job);
  autosave_release (a);
}

static void
write_now (Autosave *a, LabWindow *self)
{
  g_autoptr (nn_project) project = NULL;
  g_autoptr (GTask) task = NULL;
  WriteJob *job;
  char *data;
  gsize length = 0;

  if (a->writing)
    {
      a->again = TRUE;
      return;
    }
  if (a->path == NULL)
    {
      g_autofree char *dir = autosave_dir ();
      g_autofree char *name =
        g_strdup_printf ("%d-%u.layerlab", (int) getpid (),
                         gtk_application_window_get_id (GTK_APPLICATION_WINDOW (self)));

      a->path = g_build_filename (dir, name, NULL);
    }
  project = _lab_window_make_project (self);
  /* The autosave lives elsewhere: its data paths must not depend on where
   * Layerlab was started. */
  if (project->data_spec != NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *spec = nn_project_spec_resolve (project->data_spec, cwd);

      nn_project_set_data (project, spec, &project->data_options);
    }
  data = nn_project_to_data (project, &length);

  job = g_new0 (WriteJob, 1);
  job->path = g_strdup (a->path);
  job->pid_path = pid_path_for (a->path);
  job->data = g_bytes_new_take (data, length);
  job->generation = a->generation;
  a->writing = TRUE;
  a->dirty = FALSE;
  task = g_task_new (NULL, NULL, write_done, g_rc_box_acquire (a));
  g_task_set_source_tag (task, write_now);
  /* freed by write_done on this thread, not with the task, whose last
   * reference the worker may drop */
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, write_thread);
}

static gboolean
on_tick (gpointer user_data)
{
  Autosave *a = user_data;
  g_autoptr (LabWindow) self = g_weak_ref_get (&a->window);

  /* Something never autosaved (an imported model) counts as changed. */
  if (self != NULL && self->modified && (a->dirty || a->path == NULL))
    write_now (a, self);
  return G_SOURCE_CONTINUE;
}

void
_lab_window_autosave_forget (LabWindow *self)
{
  Autosave *a = get_autosave (self);

  if (a == NULL)
    return;
  a->generation++;
  a->dirty = FALSE;
  a->again = FALSE;
  if (a->path != NULL)
    remove_files (a->path);
}

static void
on_changed (LabWindow *self)
{
  get_autosave (self)->dirty = TRUE;
}

static void
on_training_event (LabTrainingController *training, const nn_train_event *e, LabWindow *self)
{
  Autosave *a = get_autosave (self);

  if (e->kind != NN_EVENT_DONE)
    return;
  a->dirty = TRUE;
  if (self->modified)
    write_now (a, self);
}

static void
on_destroy (LabWindow *self)
{
  Autosave *a = get_autosave (self);

  g_clear_handle_id (&a->timeout, g_source_remove);
  /* Closed after saving or discarding: the user chose. */
  _lab_window_autosave_forget (self);
}

/* --- Recovery ---------------------------------------------------------- */

static gboolean
owner_runs (const char *path)
{
  g_autofree char *pid_path = pid_path_for (path);
  g_autofree char *text = NULL;
  gint64 pid = 0;

  if (!g_file_get_contents (pid_path, &text, NULL, NULL))
    return FALSE;
  g_strstrip (text);
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;
  if (pid == getpid ())
    return TRUE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* The newest autosave that no running Layerlab owns and no window of
 * ours is offering, or NULL. */
static char *
find_abandoned (time_t *when)
{
  g_autofree char *dir_path = autosave_dir ();
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  char *best = NULL;
  const char *name;

  *when = 0;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_suffix (name, ".layerlab"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if ((offered != NULL && g_hash_table_contains (offered, path)) || owner_runs (path) ||
          g_stat (path, &st) != 0)
        continue;
      if (best == NULL || st.st_mtime > *when)
        {
          g_free (best);
          best = g_steal_pointer (&path);
          *when = st.st_mtime;
        }
    }
  return best;
}

static void offer_recovery (LabWindow *self);

static void
recover (LabWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  nn_project *project = nn_project_load (path, &error);

  if (project == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_ ("The unsaved project could not be recovered: %s"), error->message);

      _lab_window_toast (self, message);
      return;
    }
  _lab_window_adopt_project (self, project, NULL);
  self->recovered = TRUE;
  _lab_window_set_modified (self, TRUE);
  /* From now on it is this window's own autosave. */
  write_now (get_autosave (self), self);
}

static void
on_recovery_response (AdwMessageDialog *dialog, const char *response, LabWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");

  if (g_str_equal (response, "recover"))
    recover (self, path);
  /* "keep" (Escape) leaves it for the next start. */
  if (!g_str_equal (response, "keep"))
    remove_files (path);
  g_hash_table_remove (offered, path);
  if (g_str_equal (response, "discard"))
    offer_recovery (self);
}

static char *
format_time (time_t when)
{
  g_autoptr (GDateTime) then = g_date_time_new_from_unix_local (when);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (then) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (now))
    return g_date_time_format (then, "%H:%M");
  /* Translators: the date and time of an unsaved project, as in
     g_date_time_format (strftime) */
  return g_date_time_format (then, _ ("%x %H:%M"));
}

static void
offer_recovery (LabWindow *self)
{
  g_autofree char *when_s = NULL;
  g_autofree char *body = NULL;
  char *path;
  GtkWidget *dialog;
  time_t when;

  path = find_abandoned (&when);
  if (path == NULL)
    return;
  if (offered == NULL)
    offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (offered, g_strdup (path));
  when_s = format_time (when);
  /* Translators: %s is a time, e.g. 14:02 */
  body = g_strdup_printf (_ ("Layerlab closed before the project was saved. Recover the unsaved "
                             "project from %s?"),
                          when_s);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Recover Unsaved Project?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "discard", _ ("_Discard"),
                                    "recover", _ ("_Recover"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "path", path, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_recovery_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_map (LabWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, on_map, NULL);
  offer_recovery (self);
}

static guint
interval_seconds (void)
{
  const char *env = g_getenv ("LAYERLAB_AUTOSAVE_SECONDS");
  guint64 v = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 24 * 3600, &v, NULL))
    return (guint) v;
  return DEFAULT_INTERVAL_S;
}

void
_lab_window_init_autosave (LabWindow *self)
{
  Autosave *a = g_rc_box_new0 (Autosave);

  g_weak_ref_init (&a->window, self);
  g_object_set_data_full (G_OBJECT (self), "lab-autosave", a, autosave_release);
  a->timeout = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, interval_seconds (), on_tick,
                                           g_rc_box_acquire (a), autosave_release);
  g_signal_connect_swapped (self->model_page, "graph-changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->data_page, "dataset-changed", G_CALLBACK (on_changed), self);
  g_signal_connect (self->training, "event", G_CALLBACK (on_training_event), self);
  g_signal_connect (self, "destroy", G_CALLBACK (on_destroy), NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}
