/* shape.c — layers that only rearrange values: Flatten and Reshape.
 * Samples are contiguous, so both copy their input unchanged and differ
 * only in the shape they announce. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

static void
copy_forward (nn_layer_ctx *c)
{
  memcpy (c->out, c->in[0], sizeof (float) * c->batch * nn_shape_size (c->out_shape));
}

static void
copy_backward (nn_layer_ctx *c)
{
  const long n = (long) c->batch * nn_shape_size (c->out_shape);
  float *dx = c->d_in[0];

  if (dx == NULL)
    return;
#pragma omp parallel for num_threads(nn_threads_get()) if (n > NN_PARALLEL_MIN)
  for (long i = 0; i < n; i++)
    dx[i] += c->d_out[i];
}

static double
copy_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

static gboolean
flatten_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  gsize n = nn_shape_size (&in[0]);

  if (n == 0 || n > G_MAXINT)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE, _ ("the input has no values"));
      return FALSE;
    }
  *out = nn_shape_1d ((int) n);
  return TRUE;
}

const nn_layer_ops nn_flatten_ops = {
  .id = "flatten",
  .name = N_ ("Flatten"),
  .summary = N_ ("Turns an image or a sequence into one long vector"),
  .group = NN_GROUP_CORE,
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = flatten_infer,
  .forward = copy_forward,
  .backward = copy_backward,
  .flops = copy_flops,
};

/* Reshape's target follows Input's convention, with −1 for "whatever is
 * left": height 0 gives a vector of width values (channels unused); channels
 * 0 gives a sequence of height steps × width features; otherwise an image of
 * channels × height × width. At most one of the axes in use may be −1. */
enum
{
  P_CHANNELS,
  P_HEIGHT,
  P_WIDTH
};

static const nn_param_spec reshape_params[] = {
  [P_CHANNELS] = { "channels", N_ ("Channels"),
                   N_ ("Channels of the image; 0 for a sequence, −1 to fit the input"),
                   NN_PARAM_INT, -1, 4096, 1 },
  [P_HEIGHT] = { "height", N_ ("Height"),
                 N_ ("Image height or sequence length; 0 for a vector, −1 to fit the input"),
                 NN_PARAM_INT, -1, 65536, 28 },
  [P_WIDTH] = { "width", N_ ("Width"),
                N_ ("Image width, features per step or vector length; −1 to fit the input"),
                NN_PARAM_INT, -1, 1 << 24, 28 },
};

static gboolean
reshape_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  const gsize total = nn_shape_size (&in[0]);
  int dims[3] = { nn_param_int (d, P_CHANNELS), nn_param_int (d, P_HEIGHT),
                  nn_param_int (d, P_WIDTH) };
  int first, free_axis = -1;
  gsize known = 1;
  nn_shape s;

  /* The axes in use, per the convention above. */
  first = dims[1] == 0 ? 2 : dims[0] == 0 ? 1 : 0;
  for (int i = first; i < 3; i++)
    {
      if (dims[i] == -1)
        {
          if (free_axis >= 0)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("only one of channels, height and width can be −1 — give the others "
                              "fixed sizes"));
              return FALSE;
            }
          free_axis = i;
        }
      else if (dims[i] == 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                       _ ("width must be at least 1, or −1 to fit the input"));
          return FALSE;
        }
      else
        known *= (gsize) dims[i];
    }
  if (free_axis >= 0)
    {
      if (total % known != 0 || total / known > G_MAXINT)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("the input's %lu values cannot be split into groups of %lu — choose "
                          "fixed sizes whose product divides it"),
                       (unsigned long) total, (unsigned long) known);
          return FALSE;
        }
      dims[free_axis] = (int) (total / known);
      known = total;
    }
  s = first == 2   ? nn_shape_1d (dims[2])
      : first == 1 ? nn_shape_2d (dims[1], dims[2])
                   : nn_shape_3d (dims[0], dims[1], dims[2]);
  if (known != total)
    {
      g_autofree char *target = nn_shape_to_string (&s);
      g_autofree char *got = nn_describe_shape (&in[0]);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("cannot reshape %s into %s: that needs %lu values, the input has %lu "
                      "— change channels, height or width, or set one of them to −1"),
                   got, target, (unsigned long) known, (unsigned long) total);
      return FALSE;
    }
  *out = s;
  return TRUE;
}

const nn_layer_ops nn_reshape_ops = {
  .id = "reshape",
  .name = N_ ("Reshape"),
  .summary = N_ ("Reads the same values as an image, a sequence or a vector of another shape"),
  .group = NN_GROUP_CORE,
  .params = reshape_params,
  .n_params = G_N_ELEMENTS (reshape_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = reshape_infer,
  .forward = copy_forward,
  .backward = copy_backward,
  .flops = copy_flops,
};
