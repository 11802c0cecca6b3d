/* init.h — weight initialisers.
 *
 * The usual four, drawn from an nn_rng so one seed gives one model:
 *   He uniform      U(−√(6/fan_in), √(6/fan_in))
 *   He normal       N(0, 2/fan_in)
 *   Glorot uniform  U(−√(6/(fan_in+fan_out)), +…)
 *   Glorot normal   N(0, 2/(fan_in+fan_out))
 * fan_in/fan_out count the connections into and out of one unit: for Dense
 * the input/output features, for Conv2D C·kh·kw and F·kh·kw.
 * NN_INIT_AUTO is resolved by the graph; here it means Glorot uniform. */
#pragma once

#include <glib.h>

#include "layer.h"
#include "rng.h"

G_BEGIN_DECLS

void nn_init_fill (nn_init_kind kind, float *w, gsize n, int fan_in, int fan_out, nn_rng *rng);

G_END_DECLS
