/* input.c — the Input layer: where samples enter a graph. Its shape is a
 * parameter, set by the builder or adapted to the dataset by templates. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "layers.h"

static const nn_param_spec input_params[] = {
  { "channels", N_ ("Channels"), N_ ("Colour channels of an image, or 1 for plain vectors"),
    NN_PARAM_INT, 0, 4096, 1 },
  { "height", N_ ("Height"), N_ ("Image height in pixels, or sequence length; 0 for vectors"),
    NN_PARAM_INT, 0, 65536, 28 },
  { "width", N_ ("Width"), N_ ("Image width in pixels, or features per step"), NN_PARAM_INT, 1,
    1 << 24, 28 },
};

/* channels × height × width, dropping leading axes that are 0: a vector of
 * 2 features is channels 1, height 0, width 2. */
static gboolean
input_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  int c = (int) d->p[0], h = (int) d->p[1], w = (int) d->p[2];

  if (h == 0)
    *out = nn_shape_1d (c > 1 ? c * w : w);
  else if (c == 0)
    *out = nn_shape_2d (h, w);
  else
    *out = nn_shape_3d (c, h, w);
  if (nn_shape_size (out) == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("the input has no values"));
      return FALSE;
    }
  return TRUE;
}

static void
input_forward (nn_layer_ctx *c)
{
}

static void
input_backward (nn_layer_ctx *c)
{
}

const nn_layer_ops nn_input_ops = {
  .id = "input",
  .name = N_ ("Input"),
  .summary = N_ ("Where samples enter: an image, a vector or a sequence"),
  .group = NN_GROUP_CORE,
  .params = input_params,
  .n_params = G_N_ELEMENTS (input_params),
  .min_inputs = 0,
  .max_inputs = 0,
  .infer = input_infer,
  .forward = input_forward,
  .backward = input_backward,
};
