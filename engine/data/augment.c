/* augment.c — random flips, shifts and noise on gathered training batches:
 * cheap variety for small image sets, applied after normalisation so the
 * stored data never changes. */
#include <string.h>

#include "dataset-private.h"

/* Mirrors one C×H×W sample left–right. */
static void
flip (float *x, int c, int h, int w)
{
  for (int k = 0; k < c * h; k++)
    {
      float *row = x + (gsize) k * w;
      for (int i = 0, j = w - 1; i < j; i++, j--)
        {
          float t = row[i];
          row[i] = row[j];
          row[j] = t;
        }
    }
}

/* Moves one C×H×W sample by (dx, dy) in place, filling what is uncovered
 * with 0. Rows are visited away from where they move to, so each is read
 * before it is overwritten; memmove handles the overlap within a row. */
static void
shift (float *x, int c, int h, int w, int dx, int dy)
{
  int x0 = MAX (0, dx), x1 = MIN (w, w + dx);

  for (int k = 0; k < c; k++)
    {
      float *plane = x + (gsize) k * h * w;

      for (int i = 0; i < h; i++)
        {
          int y = dy > 0 ? h - 1 - i : i;
          float *row = plane + (gsize) y * w;

          if (y - dy < 0 || y - dy >= h || x1 <= x0)
            {
              memset (row, 0, sizeof (float) * w);
              continue;
            }
          memmove (row + x0, plane + (gsize) (y - dy) * w + (x0 - dx), sizeof (float) * (x1 - x0));
          memset (row, 0, sizeof (float) * x0);
          memset (row + x1, 0, sizeof (float) * (w - x1));
        }
    }
}

void
nn_augment_apply (const nn_dataset *ds, const nn_augment *a, float *x, int n, nn_rng *rng)
{
  gsize size = nn_dataset_input_size (ds);
  gboolean image = ds->input_shape.rank == 3 && ds->store != NN_STORE_TOKENS;
  int c = ds->input_shape.dim[0], h = ds->input_shape.dim[1], w = ds->input_shape.dim[2];

  if (!a->flip && a->shift <= 0 && a->noise <= 0)
    return;
  for (int s = 0; s < n; s++)
    {
      float *xs = x + (gsize) s * size;

      if (image && a->flip && nn_rng_below (rng, 2) == 1)
        flip (xs, c, h, w);
      if (image && a->shift > 0)
        {
          int span = 2 * a->shift + 1;
          int dx = (int) nn_rng_below (rng, span) - a->shift;
          int dy = (int) nn_rng_below (rng, span) - a->shift;
          if (dx != 0 || dy != 0)
            shift (xs, c, h, w, dx, dy);
        }
      if (a->noise > 0 && ds->store != NN_STORE_TOKENS)
        for (gsize k = 0; k < size; k++)
          xs[k] += (float) a->noise * nn_rng_normal (rng);
    }
}
