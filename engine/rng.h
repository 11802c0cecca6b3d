/* rng.h — the engine's one random number generator.
 *
 * Weights, shuffling and dropout all draw from nn_rng streams derived from
 * the run's seed, so the same seed gives the same numbers on every machine.
 * Never use rand() or g_random_* in the engine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 state;
  guint64 inc;
} nn_rng;

/* stream separates independent sequences drawn from one seed
 * (e.g. 0 = weights, 1 = shuffling, 2 = dropout). */
void nn_rng_seed (nn_rng *r, guint64 seed, guint64 stream);
guint32 nn_rng_u32 (nn_rng *r);
/* Uniform in [0, 1). */
float nn_rng_uniform (nn_rng *r);
/* Standard normal. */
float nn_rng_normal (nn_rng *r);
/* Uniform integer in [0, n). */
guint32 nn_rng_below (nn_rng *r, guint32 n);

G_END_DECLS
