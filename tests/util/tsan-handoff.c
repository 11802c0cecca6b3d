/* tsan-handoff.c — linked into the app tests of a ThreadSanitizer build
 * (-Db_sanitize=thread) only, beside tsan-gmutex.c. GTask and idle sources
 * hand work between threads through GLib's own queue and main-context
 * locks, which GLib binds to itself and TSan never sees: every task's data
 * and every idle source then looks written by one thread and read or freed
 * by another with nothing between. These wrappers state the hand-offs GLib
 * promises: what the caller did before g_task_run_in_thread happens before
 * the thread function, and the whole thread function (a threaded task
 * completes only once it has returned) happens before whoever takes the
 * result or the task's data on the main loop; what a thread did before
 * g_idle_add happens before the callback, and before the source is freed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <gio/gio.h>
#include <sanitizer/tsan_interface.h>

/* Filled in on first use, atomically: two threads may get there at once. */
static void *
real (void **slot, const char *name)
{
  void *f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (f == NULL)
    {
      f = dlsym (RTLD_NEXT, name);
      __atomic_store_n (slot, f, __ATOMIC_RELEASE);
    }
  return f;
}

static void *real_run_in_thread, *real_get_task_data, *real_had_error, *real_propagate_pointer,
  *real_propagate_boolean, *real_propagate_int, *real_propagate_value;

typedef void (*run_in_thread_func) (GTask *, GTaskThreadFunc);

/* The caller's thread function rides on the task itself. */
static GQuark
thread_func_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("tsan-gtask-thread-func"));
  return (GQuark) quark;
}

static void
run_traced (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GTaskThreadFunc func =
    (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), thread_func_quark ());

  __tsan_acquire (task);
  func (task, source, task_data, cancellable);
  __tsan_release (task);
}

void
g_task_run_in_thread (GTask *task, GTaskThreadFunc task_func)
{
  g_object_set_qdata (G_OBJECT (task), thread_func_quark (), (gpointer) task_func);
  __tsan_release (task);
  ((run_in_thread_func) real (&real_run_in_thread, "g_task_run_in_thread")) (task, run_traced);
}

gpointer
g_task_get_task_data (GTask *task)
{
  __tsan_acquire (task);
  return ((gpointer (*) (GTask *)) real (&real_get_task_data, "g_task_get_task_data")) (task);
}

gboolean
g_task_had_error (GTask *task)
{
  __tsan_acquire (task);
  return ((gboolean (*) (GTask *)) real (&real_had_error, "g_task_had_error")) (task);
}

gpointer
g_task_propagate_pointer (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return ((gpointer (*) (GTask *, GError **)) real (&real_propagate_pointer,
                                                    "g_task_propagate_pointer")) (task, error);
}

gboolean
g_task_propagate_boolean (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return ((gboolean (*) (GTask *, GError **)) real (&real_propagate_boolean,
                                                    "g_task_propagate_boolean")) (task, error);
}

gssize
g_task_propagate_int (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return ((gssize (*) (GTask *, GError **)) real (&real_propagate_int, "g_task_propagate_int")) (
    task, error);
}

gboolean
g_task_propagate_value (GTask *task, GValue *value, GError **error)
{
  __tsan_acquire (task);
  return ((gboolean (*) (GTask *, GValue *, GError **)) real (
    &real_propagate_value, "g_task_propagate_value")) (task, value, error);
}

/* An idle callback with what it needs to tell TSan it was handed over. */
typedef struct
{
  GSourceFunc func;
  gpointer data;
  GDestroyNotify notify;
} Idle;

static gboolean
idle_traced (gpointer user_data)
{
  Idle *idle = user_data;

  __tsan_acquire (g_main_context_default ());
  return idle->func (idle->data);
}

/* Runs when the source is destroyed, dispatched or not, before GLib frees
 * it. */
static void
idle_free (gpointer user_data)
{
  Idle *idle = user_data;

  __tsan_acquire (g_main_context_default ());
  if (idle->notify != NULL)
    idle->notify (idle->data);
  g_free (idle);
}

/* As GLib's own, built from the public source calls. The default main
 * context's lock orders every attach before every later dispatch, so the
 * context itself stands for that lock: taken and released before the
 * attach (for the source and its callback data) and released after it (for what the attach
 * allocated in the context's lists, freed when the main loop removes the
 * source). */
guint
g_idle_add_full (gint priority, GSourceFunc function, gpointer data, GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();
  Idle *idle = g_new (Idle, 1);
  guint id;

  idle->func = function;
  idle->data = data;
  idle->notify = notify;
  if (priority != G_PRIORITY_DEFAULT_IDLE)
    g_source_set_priority (source, priority);
  g_source_set_callback (source, idle_traced, idle, idle_free);
  __tsan_acquire (g_main_context_default ());
  __tsan_release (g_main_context_default ());
  id = g_source_attach (source, NULL);
  __tsan_release (g_main_context_default ());
  g_source_unref (source);
  return id;
}

guint
g_idle_add (GSourceFunc function, gpointer data)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, function, data, NULL);
}

static void *real_iteration;

/* The tests drive the main loop by hand; an iteration holds the context's
 * lock while it adds, dispatches and frees sources, as the attach above
 * does on the worker, so it acquires and releases the same stand-in. */
gboolean
g_main_context_iteration (GMainContext *context, gboolean may_block)
{
  GMainContext *lock = context != NULL ? context : g_main_context_default ();
  gboolean dispatched;

  __tsan_acquire (lock);
  dispatched = ((gboolean (*) (GMainContext *, gboolean)) real (
    &real_iteration, "g_main_context_iteration")) (context, may_block);
  __tsan_acquire (lock);
  __tsan_release (lock);
  return dispatched;
}

static void *real_attach;

/* GIO and GTK attach their sources here across the library boundary (a
 * GTask's completion, for one, is attached on the pool thread that ran
 * it), so every attach takes and releases the same stand-in for the
 * context's lock as the iterations that dispatch and free those sources. */
guint
g_source_attach (GSource *source, GMainContext *context)
{
  GMainContext *lock = context != NULL ? context : g_main_context_default ();
  guint id;

  __tsan_acquire (lock);
  __tsan_release (lock);
  id = ((guint (*) (GSource *, GMainContext *)) real (&real_attach, "g_source_attach")) (source,
                                                                                         context);
  __tsan_release (lock);
  return id;
}
