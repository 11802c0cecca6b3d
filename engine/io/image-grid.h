/* image-grid.h — a batch of images as one PNG grid, for a GAN's samples
 * and an autoencoder's reconstructions seen outside the window
 * (`layerlab-cli train --samples FILE.png`). */
#pragma once

#include <glib.h>

#include "tensor.h"

G_BEGIN_DECLS

/* Where n images of `shape` go in a grid of `cols` columns (0: as square
 * as it can): image i's top-left pixel is at
 * (gap + (i % cols) × (w + gap), gap + (i / cols) × (h + gap)) of a
 * width × height picture at one pixel per image pixel. FALSE with
 * NN_ERROR_INVALID for a shape that is no image (1 or 3 channels, or a
 * square vector) or n < 1. */
typedef struct
{
  int c, h, w;    /* one image */
  int cols, rows; /* of the grid */
  int gap;        /* pixels between images and around them */
  int width, height;
} nn_image_grid;

gboolean nn_image_grid_layout (const nn_shape *shape, int n, int cols, nn_image_grid *grid,
                               GError **error);

/* Writes n images of `shape` (C×H×W with 1 or 3 channels, or a vector of
 * H·W values shown as a square when it is one), floats in [0, 1] (clamped),
 * image after image, as a grid of `cols` columns (0: as square as it can)
 * with a 2-pixel black gap, greyscale or RGB (laid out by
 * nn_image_grid_layout). FALSE with NN_ERROR_INVALID for a shape that is no
 * image, NN_ERROR_IO naming the file when it cannot be written. */
gboolean nn_image_grid_save_png (const char *path, const float *images, int n,
                                 const nn_shape *shape, int cols, GError **error);

G_END_DECLS
