/* threads.c — one thread count, one pool: OpenMP, with OpenBLAS serial. */
#include "threads.h"

#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int current_threads;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

int
nn_threads_online (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);

  return n > 0 ? (int) n : 1;
}

void
nn_threads_set (int n)
{
  if (n <= 0)
    n = nn_threads_online ();
  /* nn_gemm parallelises across OpenMP threads; inside each, OpenBLAS
   * must not start its own. */
  openblas_set_num_threads (1);
  __atomic_store_n (&current_threads, n, __ATOMIC_RELAXED);
}

static void
set_default (void)
{
  if (__atomic_load_n (&current_threads, __ATOMIC_RELAXED) == 0)
    nn_threads_set (0);
}

int
nn_threads_get (void)
{
  /* A thread of a region already shares the work (a model split by
   * samples); a nested region would only add a meeting. */
  if (omp_in_parallel ())
    return 1;
  pthread_once (&default_once, set_default);
  return __atomic_load_n (&current_threads, __ATOMIC_RELAXED);
}

void
nn_threads_prepare_process (char **argv)
{
  if (getenv ("OMP_WAIT_POLICY") != NULL || getenv ("GOMP_SPINCOUNT") != NULL)
    return;
  setenv ("GOMP_SPINCOUNT", "20000", 1);
  execv ("/proc/self/exe", argv);
}
