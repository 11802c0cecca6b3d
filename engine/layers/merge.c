/* merge.c — layers that join branches: Add (element-wise sum of inputs of
 * one shape) and Concatenate (along channels for images, features for
 * vectors and for each step of a sequence). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

static double
merge_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

/* Add */

static gboolean
add_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out, GError **error)
{
  for (int i = 1; i < n_in; i++)
    if (!nn_shape_equal (&in[0], &in[i]))
      {
        g_autofree char *a = nn_shape_to_string (&in[0]);
        g_autofree char *b = nn_shape_to_string (&in[i]);
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                     _ ("inputs have different shapes %s and %s; Add needs them equal — give "
                        "both branches the same filters or units, padding and pooling"),
                     a, b);
        return FALSE;
      }
  *out = in[0];
  return TRUE;
}

static void
add_forward (nn_layer_ctx *c)
{
  const long n = (long) c->batch * nn_shape_size (c->out_shape);

#pragma omp parallel for num_threads(nn_threads_get()) if (n * c->n_in > NN_PARALLEL_MIN)
  for (long j = 0; j < n; j++)
    {
      float sum = c->in[0][j];
      for (int i = 1; i < c->n_in; i++)
        sum += c->in[i][j];
      c->out[j] = sum;
    }
}

static void
add_backward (nn_layer_ctx *c)
{
  const long n = (long) c->batch * nn_shape_size (c->out_shape);

  for (int i = 0; i < c->n_in; i++)
    {
      float *dx = c->d_in[i];
      if (dx == NULL)
        continue;
#pragma omp parallel for num_threads(nn_threads_get()) if (n > NN_PARALLEL_MIN)
      for (long j = 0; j < n; j++)
        dx[j] += c->d_out[j];
    }
}

const nn_layer_ops nn_add_ops = {
  .id = "add",
  .name = N_ ("Add"),
  .summary = N_ ("Sums inputs of the same shape, e.g. a residual connection"),
  .group = NN_GROUP_MERGE,
  .min_inputs = 2,
  .max_inputs = NN_MAX_INPUTS,
  .infer = add_infer,
  .forward = add_forward,
  .backward = add_backward,
  .flops = merge_flops,
};

/* Concatenate: the joined axis is the first of an image (channels) and the
 * last of a vector or sequence (features). Per sample, the output is `outer`
 * runs, each made of one block from every input in turn. */

static int
concat_axis (const nn_shape *s)
{
  return s->rank == 3 ? 0 : s->rank - 1;
}

/* Floats of input `s` in one block, and blocks per sample. */
static void
concat_block (const nn_shape *s, long *block, long *outer)
{
  const int axis = concat_axis (s);

  *outer = 1;
  for (int i = 0; i < axis; i++)
    *outer *= s->dim[i];
  *block = (long) nn_shape_size (s) / *outer;
}

static gboolean
concatenate_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                   GError **error)
{
  const int axis = concat_axis (&in[0]);
  nn_shape s = in[0];

  for (int i = 1; i < n_in; i++)
    {
      gboolean fits = in[i].rank == s.rank;
      if (!fits)
        {
          g_autofree char *a = nn_describe_shape (&in[0]);
          g_autofree char *b = nn_describe_shape (&in[i]);
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("cannot join %s and %s — add a Flatten to the branch with "
                          "more dimensions so both are vectors"),
                       a, b);
          return FALSE;
        }
      for (int k = 0; fits && k < s.rank; k++)
        fits = k == axis || in[i].dim[k] == in[0].dim[k];
      if (!fits)
        {
          g_autofree char *a = nn_shape_to_string (&in[0]);
          g_autofree char *b = nn_shape_to_string (&in[i]);
          if (s.rank == 3)
            g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                         _ ("inputs %s and %s differ in height or width; only channels may "
                            "differ — use 'same' padding and the same pooling on both branches"),
                         a, b);
          else
            g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                         _ ("inputs %s and %s differ in length; only features may differ — "
                            "give both sequences the same number of steps"),
                         a, b);
          return FALSE;
        }
      s.dim[axis] += in[i].dim[axis];
    }
  *out = s;
  return TRUE;
}

static void
concatenate_forward (nn_layer_ctx *c)
{
  const long out_size = (long) nn_shape_size (c->out_shape);
  long outer, block;

  for (int i = 0, at = 0; i < c->n_in; i++)
    {
      concat_block (&c->in_shape[i], &block, &outer);
      const long in_size = outer * block;
      for (int n = 0; n < c->batch; n++)
        for (long o = 0; o < outer; o++)
          memcpy (c->out + n * out_size + o * (out_size / outer) + at,
                  c->in[i] + n * in_size + o * block, sizeof (float) * block);
      at += (int) block;
    }
}

static void
concatenate_backward (nn_layer_ctx *c)
{
  const long out_size = (long) nn_shape_size (c->out_shape);
  long outer, block;

  for (int i = 0, at = 0; i < c->n_in; i++)
    {
      concat_block (&c->in_shape[i], &block, &outer);
      const long in_size = outer * block;
      float *dx = c->d_in[i];
      if (dx != NULL)
        for (int n = 0; n < c->batch; n++)
          for (long o = 0; o < outer; o++)
            {
              const float *src = c->d_out + n * out_size + o * (out_size / outer) + at;
              float *dst = dx + n * in_size + o * block;
              for (long j = 0; j < block; j++)
                dst[j] += src[j];
            }
      at += (int) block;
    }
}

const nn_layer_ops nn_concatenate_ops = {
  .id = "concatenate",
  .name = N_ ("Concatenate"),
  .summary = N_ ("Joins inputs along channels (images) or features (vectors)"),
  .group = NN_GROUP_MERGE,
  .min_inputs = 2,
  .max_inputs = NN_MAX_INPUTS,
  .infer = concatenate_infer,
  .forward = concatenate_forward,
  .backward = concatenate_backward,
  .flops = merge_flops,
};
