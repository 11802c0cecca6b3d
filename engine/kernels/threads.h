/* threads.h — how many cores the engine's arithmetic may use.
 *
 * Policy: one thread pool, OpenMP's. OpenBLAS is kept single-threaded and
 * nn_gemm shares a large product out between OpenMP threads itself. Two
 * pools (OpenBLAS's pthreads and OpenMP's) on the same cores fight: each
 * busy-waits for work after finishing, stealing the cores the other needs,
 * which on a 2-core machine made convolutions ten times slower.
 *
 * The count applies to every thread that runs engine code (the trainer's
 * worker included), because OpenMP's own omp_set_num_threads only reaches
 * the calling thread: every parallel loop in the engine says
 *   #pragma omp parallel for num_threads (nn_threads_get ()) if (work > NN_PARALLEL_MIN)
 * Call nn_threads_set before training starts, not while a step runs; until
 * it is called, the first use picks one thread per online CPU.
 *
 * A model whose layers treat samples independently is instead split by
 * samples (engine/model-parallel.c): each thread runs every layer on its
 * share of the batch inside one region, where nn_threads_get answers 1 so
 * the layers' own loops and nn_gemm stay on their thread.
 *
 * The engine's loops give the same numbers for any thread count (each
 * output element is computed by one thread, in a fixed order); a GEMM split
 * differently may round differently in the last bit, so the promise is
 * "the same seed and thread count give the same numbers". */
#pragma once

/* Below this many elements of work a loop runs on the calling thread: waking
 * the pool costs more than it saves. */
#define NN_PARALLEL_MIN 32768

/* n ≤ 0 means one thread per online CPU. */
void nn_threads_set (int n);
/* The count in force (setting the default on first use); 1 inside a
 * parallel region, whose threads already share the work. Safe to call from
 * any thread. */
int nn_threads_get (void);
/* Number of online CPUs (at least 1). */
int nn_threads_online (void);

/* Call first thing in main(). OpenMP's idle threads must not spin for
 * long: spinning workers take the cores the window, the trainer and
 * OpenBLAS need, and libgomp's default spin (300,000 rounds) makes a
 * loaded machine 30× slower. Nor should they fall asleep at once: a small
 * model passes through dozens of parallel regions a step, and waking a
 * sleeping thread for each cost LeNet a quarter of its speed. So they spin
 * 20,000 rounds (some microseconds), then sleep (bench/README.md has the
 * measurements). libgomp reads its settings once, when it is loaded —
 * before main() — so a process that finds neither OMP_WAIT_POLICY nor
 * GOMP_SPINCOUNT set sets the spin and starts itself again with the same
 * arguments. Returns only when the setting is in place (or the restart
 * failed, which leaves the default). */
void nn_threads_prepare_process (char **argv);
