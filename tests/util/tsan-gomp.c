/* tsan-gomp.c — linked into the engine and app tests of a ThreadSanitizer
 * build (-Db_sanitize=thread) only, with tsan-gmutex.c. GCC turns every
 * `#pragma omp parallel` into a call of libgomp's GOMP_parallel, and every
 * `#pragma omp barrier` into GOMP_barrier; libgomp is not instrumented, so
 * TSan sees neither the start of a region (what the calling thread wrote
 * before it is visible to the team) nor its end or a barrier (what the team
 * wrote is visible after), and reports the engine's sample-split passes as
 * races on every buffer they share. These wrappers take precedence over
 * libgomp's for the test executables and the engine linked into them, call
 * the real functions and tell TSan what a region and a barrier order. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

typedef void (*region_fn) (void *);
typedef void (*parallel_func) (region_fn, void *, unsigned, unsigned);
typedef void (*barrier_func) (void);

/* The addresses TSan keys the orderings on. */
static char region_sync, barrier_sync;

typedef struct
{
  region_fn fn;
  void *data;
} traced_region;

static void
run_traced (void *data)
{
  traced_region *r = data;

  __tsan_acquire (&region_sync);
  r->fn (r->data);
  __tsan_release (&region_sync);
}

void
GOMP_parallel (region_fn fn, void *data, unsigned num_threads, unsigned flags)
{
  static parallel_func real_parallel;
  traced_region r = { fn, data };

  /* atomics, which TSan understands: two threads may make their first
   * region at once (the trainer's worker and the window) */
  if (__atomic_load_n (&real_parallel, __ATOMIC_ACQUIRE) == NULL)
    __atomic_store_n (&real_parallel, (parallel_func) dlsym (RTLD_NEXT, "GOMP_parallel"),
                      __ATOMIC_RELEASE);
  __tsan_release (&region_sync);
  __atomic_load_n (&real_parallel, __ATOMIC_ACQUIRE) (run_traced, &r, num_threads, flags);
  __tsan_acquire (&region_sync);
}

void
GOMP_barrier (void)
{
  static barrier_func real_barrier;

  if (__atomic_load_n (&real_barrier, __ATOMIC_ACQUIRE) == NULL)
    __atomic_store_n (&real_barrier, (barrier_func) dlsym (RTLD_NEXT, "GOMP_barrier"),
                      __ATOMIC_RELEASE);
  __tsan_release (&barrier_sync);
  /* read atomically too: another thread may have just stored it */
  __atomic_load_n (&real_barrier, __ATOMIC_ACQUIRE) ();
  __tsan_acquire (&barrier_sync);
}
