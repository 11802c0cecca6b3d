/* image-grid.c — images side by side in one PNG, through libpng's
 * simplified writing API (no setjmp needed). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <png.h>

#include "error.h"
#include "image-grid.h"

#define GAP 2

gboolean
nn_image_grid_layout (const nn_shape *shape, int n, int cols, nn_image_grid *grid, GError **error)
{
  *grid = (nn_image_grid){ 0 };
  if (shape->rank == 3 && (shape->dim[0] == 1 || shape->dim[0] == 3))
    grid->c = shape->dim[0], grid->h = shape->dim[1], grid->w = shape->dim[2];
  else if (shape->rank == 1 &&
           (int) sqrt (shape->dim[0]) * (int) sqrt (shape->dim[0]) == shape->dim[0])
    grid->c = 1, grid->h = grid->w = (int) sqrt (shape->dim[0]);
  else
    {
      g_autofree char *s = nn_shape_to_string (shape);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _ ("Cannot draw samples of shape %s as pictures: expected images with 1 or 3 "
                      "channels"),
                   s);
      return FALSE;
    }
  if (n < 1)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID, _ ("There are no images to draw"));
      return FALSE;
    }
  if (cols <= 0)
    cols = (int) ceil (sqrt (n));
  grid->cols = MIN (cols, n);
  grid->rows = (n + grid->cols - 1) / grid->cols;
  grid->gap = GAP;
  grid->width = grid->cols * grid->w + (grid->cols + 1) * GAP;
  grid->height = grid->rows * grid->h + (grid->rows + 1) * GAP;
  return TRUE;
}

gboolean
nn_image_grid_save_png (const char *path, const float *images, int n, const nn_shape *shape,
                        int cols, GError **error)
{
  int c, h, w, width, height;
  png_image image = { 0 };
  g_autofree guint8 *pixels = NULL;
  nn_image_grid grid;
  gsize plane;

  if (!nn_image_grid_layout (shape, n, cols, &grid, error))
    return FALSE;
  c = grid.c, h = grid.h, w = grid.w, cols = grid.cols;
  width = grid.width;
  height = grid.height;
  pixels = g_malloc0 ((gsize) width * height * c);
  plane = (gsize) h * w;

  for (int i = 0; i < n; i++)
    {
      const float *img = images + (gsize) i * c * plane;
      int x0 = GAP + (i % cols) * (w + GAP), y0 = GAP + (i / cols) * (h + GAP);

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int ch = 0; ch < c; ch++)
            {
              float v = img[ch * plane + (gsize) y * w + x];
              v = isfinite (v) ? CLAMP (v, 0.0f, 1.0f) : 0.0f;
              pixels[((gsize) (y0 + y) * width + x0 + x) * c + ch] = (guint8) lrintf (v * 255.0f);
            }
    }

  image.version = PNG_IMAGE_VERSION;
  image.width = (png_uint_32) width;
  image.height = (png_uint_32) height;
  image.format = c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  if (!png_image_write_to_file (&image, path, 0, pixels, 0, NULL))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write %s: %s"), path, image.message);
      png_image_free (&image);
      return FALSE;
    }
  return TRUE;
}
