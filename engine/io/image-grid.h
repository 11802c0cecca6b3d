/* image-grid.h — a batch of images as one PNG grid, for a GAN's samples
 * and an autoencoder's reconstructions seen outside the window
 * (`layerlab-cli train --samples FILE.png`). */
#pragma once

#include <glib.h>

#include "tensor.h"

G_BEGIN_DECLS

/* Writes n images of `shape` (C×H×W with 1 or 3 channels, or a vector of
 * H·W values shown as a square when it is one), floats in [0, 1] (clamped),
 * image after image, as a grid of `cols` columns (0: as square as it can)
 * with a 2-pixel black gap, greyscale or RGB. FALSE with NN_ERROR_INVALID
 * for a shape that is no image, NN_ERROR_IO naming the file when it cannot
 * be written. */
gboolean nn_image_grid_save_png (const char *path, const float *images, int n,
                                 const nn_shape *shape, int cols, GError **error);

G_END_DECLS
