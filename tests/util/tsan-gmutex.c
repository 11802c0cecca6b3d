/* tsan-gmutex.c — linked into the engine and app tests of a
 * ThreadSanitizer build (-Db_sanitize=thread) only. GLib's GMutex is a futex inside a library
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
typedef gboolean (*trylock_func) (GMutex *);
typedef void (*wait_func) (GCond *, GMutex *);
typedef gboolean (*wait_until_func) (GCond *, GMutex *, gint64);

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

static void *real_lock, *real_unlock, *real_trylock, *real_wait, *real_wait_until;

void
g_mutex_lock (GMutex *mutex)
{
  ((mutex_func) real (&real_lock, "g_mutex_lock")) (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked = ((trylock_func) real (&real_trylock, "g_mutex_trylock")) (mutex);

  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  ((mutex_func) real (&real_unlock, "g_mutex_unlock")) (mutex);
}

/* GLib binds its own calls directly (-Bsymbolic-functions): the unlock and
 * relock inside g_cond_wait never reach the two wrappers above, so the
 * waits say it themselves. */
void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  __tsan_release (mutex);
  ((wait_func) real (&real_wait, "g_cond_wait")) (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled =
    ((wait_until_func) real (&real_wait_until, "g_cond_wait_until")) (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}
