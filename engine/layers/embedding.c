/* embedding.c — Embedding: a learnt vector per token id, as nn.Embedding.
 *
 * The input is a vector of T token ids carried as floats (the loaders
 * gather NN_STORE_TOKENS that way: 0 = padding, 1 = unknown); the output is
 * the sequence T × dim of their rows of the weight [vocab, dim]. Id 0 is an
 * ordinary row, as PyTorch's default without padding_idx. An id outside
 * 0 … vocab − 1 (a vocabulary larger than the layer's, or a value that is
 * not an id at all) reads the unknown-token row 1, so no input can index
 * out of the table. Ids are not differentiable: backward leaves d_in alone
 * and scatter-adds d_out into the rows that were read. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_VOCAB,
  P_DIM
};

#define UNKNOWN_ID 1

static const nn_param_spec embedding_params[] = {
  [P_VOCAB] = { "input_dim", N_ ("Vocabulary size"),
                N_ ("Token ids the table holds; larger ids read the unknown token (id 1)"),
                NN_PARAM_INT, 2, 1 << 22, 256 },
  [P_DIM] = { "output_dim", N_ ("Vector size"), N_ ("Values in the learnt vector of each token"),
              NN_PARAM_INT, 1, 1 << 16, 32 },
};

static gboolean
embedding_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                 GError **error)
{
  if (in[0].rank != 1)
    {
      g_autofree char *got = nn_describe_shape (&in[0]);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("needs token ids (a vector with one id per step), got %s — feed it "
                      "straight from a text Input"),
                   got);
      return FALSE;
    }
  *out = nn_shape_2d (in[0].dim[0], nn_param_int (d, P_DIM));
  return TRUE;
}

static int
embedding_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                   nn_weight_info *info)
{
  /* No decay: most rows get no gradient in a step, and decaying them anyway
   * would shrink rare tokens towards zero between their appearances. */
  info[0] =
    (nn_weight_info){ "weight", nn_shape_2d (nn_param_int (d, P_VOCAB), nn_param_int (d, P_DIM)),
                      FALSE };
  return 1;
}

/* N(0, 1) like nn.Embedding: the vectors then have the scale the layers
 * after them are initialised for. */
static void
embedding_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
                float *w, float *state, nn_rng *rng)
{
  const gsize n = (gsize) nn_param_int (d, P_VOCAB) * nn_param_int (d, P_DIM);

  for (gsize i = 0; i < n; i++)
    w[i] = nn_rng_normal (rng);
}

static inline int
token_id (float x, int vocab)
{
  const float r = rintf (x);

  return r >= 0.0f && r < (float) vocab ? (int) r : UNKNOWN_ID;
}

static void
embedding_forward (nn_layer_ctx *c)
{
  const int vocab = nn_param_int (c->desc, P_VOCAB), dim = nn_param_int (c->desc, P_DIM);
  const gsize tokens = (gsize) c->batch * c->in_shape[0].dim[0];

  for (gsize i = 0; i < tokens; i++)
    memcpy (c->out + i * dim, c->w + (gsize) token_id (c->in[0][i], vocab) * dim,
            sizeof (float) * dim);
}

static void
embedding_backward (nn_layer_ctx *c)
{
  const int vocab = nn_param_int (c->desc, P_VOCAB), dim = nn_param_int (c->desc, P_DIM);
  const gsize tokens = (gsize) c->batch * c->in_shape[0].dim[0];

  memset (c->dw, 0, sizeof (float) * (gsize) vocab * dim);
  for (gsize i = 0; i < tokens; i++)
    {
      float *row = c->dw + (gsize) token_id (c->in[0][i], vocab) * dim;
      const float *g = c->d_out + i * dim;
      for (int j = 0; j < dim; j++)
        row[j] += g[j];
    }
}

/* A lookup multiplies nothing; copying counts as one operation a value. */
static double
embedding_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  return (double) nn_shape_size (out);
}

const nn_layer_ops nn_embedding_ops = {
  .id = "embedding",
  .name = N_ ("Embedding"),
  .summary = N_ ("Turns token ids into learnt vectors: the first layer for text"),
  .group = NN_GROUP_CORE,
  .params = embedding_params,
  .n_params = G_N_ELEMENTS (embedding_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .infer = embedding_infer,
  .weights = embedding_weights,
  .init = embedding_init,
  .forward = embedding_forward,
  .backward = embedding_backward,
  .flops = embedding_flops,
};
