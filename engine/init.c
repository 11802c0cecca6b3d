/* init.c — weight initialisers from fan-in and fan-out. */
#include "init.h"

#include <math.h>

void
nn_init_fill (nn_init_kind kind, float *w, gsize n, int fan_in, int fan_out, nn_rng *rng)
{
  const double in = MAX (fan_in, 1), sum = MAX (fan_in + fan_out, 1);
  double limit = 0.0, std = 0.0;

  switch (kind)
    {
      case NN_INIT_HE_UNIFORM:
        limit = sqrt (6.0 / in);
        break;
      case NN_INIT_HE_NORMAL:
        std = sqrt (2.0 / in);
        break;
      case NN_INIT_GLOROT_NORMAL:
        std = sqrt (2.0 / sum);
        break;
      case NN_INIT_AUTO:
      case NN_INIT_GLOROT_UNIFORM:
        limit = sqrt (6.0 / sum);
        break;
    }
  if (std > 0.0)
    for (gsize i = 0; i < n; i++)
      w[i] = (float) (std * nn_rng_normal (rng));
  else
    for (gsize i = 0; i < n; i++)
      w[i] = (float) (limit * (2.0 * nn_rng_uniform (rng) - 1.0));
}
