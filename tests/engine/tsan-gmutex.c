/* tsan-gmutex.c — linked into the engine tests of a ThreadSanitizer build
 * (-Db_sanitize=thread) only. GLib's GMutex is a futex inside a library
 * that is not instrumented, so TSan cannot see that it orders the trainer's
 * worker and its reader, and reports every access it protects as a race.
 * These two wrappers take precedence over GLib's for the test executables
 * and the engine linked into them, call the real functions and tell TSan
 * what a lock and an unlock mean, so what remains reported is real. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <sanitizer/tsan_interface.h>

/* Looked up on first use: libraries lock mutexes in their constructors,
 * before any of ours run. Atomics, which TSan understands, make filling
 * them in from two threads at once harmless. */
typedef void (*mutex_func) (GMutex *);

static mutex_func
real (mutex_func *slot, const char *name)
{
  mutex_func f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (f == NULL)
    {
      f = (mutex_func) dlsym (RTLD_NEXT, name);
      __atomic_store_n (slot, f, __ATOMIC_RELEASE);
    }
  return f;
}

static mutex_func real_lock, real_unlock;

void
g_mutex_lock (GMutex *mutex)
{
  real (&real_lock, "g_mutex_lock") (mutex);
  __tsan_acquire (mutex);
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  real (&real_unlock, "g_mutex_unlock") (mutex);
}
