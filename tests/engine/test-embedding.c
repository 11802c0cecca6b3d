/* test-embedding.c — the Embedding layer: PyTorch agreement, ids out of
 * range, gradients, shapes and weights. */
#include <math.h>

#include "layer-check.h"

static void
test_torch (void)
{
  layer_check_torch ("embedding", 1e-6);
}

/* Ids past the vocabulary, negative ones and non-integers all land on a row
 * of the table: out-of-range ones on the unknown token (row 1). */
static void
test_out_of_range (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_1d (6);
  const float ids[] = { 0, 4, 5, 300, -1, 2.2f };
  const int rows[] = { 0, 4, 1, 1, 1, 2 };
  layer_run *r;

  layer_desc_make (&d, "embedding", "input_dim=5", "output_dim=3", NULL);
  r = layer_run_new (&d, &in, 1, 1, 3);
  for (int i = 0; i < 6; i++)
    r->in[0][i] = ids[i];
  for (gsize j = 0; j < r->out_len; j++)
    r->d_out[j] = 1.0f;
  layer_run_forward (r);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 3; j++)
      g_assert_cmpfloat (r->out[i * 3 + j], ==, r->w[rows[i] * 3 + j]);

  /* backward counts how often each row was read */
  layer_run_backward (r);
  g_assert_cmpfloat (r->dw[0 * 3], ==, 1.0f);
  g_assert_cmpfloat (r->dw[1 * 3], ==, 3.0f);
  g_assert_cmpfloat (r->dw[2 * 3], ==, 1.0f);
  g_assert_cmpfloat (r->dw[3 * 3], ==, 0.0f);
  g_assert_cmpfloat (r->dw[4 * 3], ==, 1.0f);
  layer_run_free (r);
}

/* The inputs are ids: only the weights have a gradient, and d_in is left
 * as it was (the checker also verifies that). */
static void
test_gradient (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_1d (5);
  layer_run *r;

  layer_desc_make (&d, "embedding", "input_dim=4", "output_dim=3", NULL);
  r = layer_run_new (&d, &in, 1, 3, 21);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape seq = nn_shape_2d (5, 3), img = nn_shape_3d (1, 4, 4);

  layer_desc_make (&d, "embedding", NULL);
  layer_check_infer_error (&d, &seq, 1, "needs token ids");
  layer_check_infer_error (&d, &img, 1, "an image of 1×4×4 values");
}

/* nn.Embedding's layout and N(0, 1) start. */
static void
test_weights_and_init (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_1d (16), out;
  nn_weight_info info[NN_MAX_WEIGHTS];
  float w[64 * 8];
  double sum = 0.0, sq = 0.0;
  nn_rng rng;

  layer_desc_make (&d, "embedding", "input_dim=64", "output_dim=8", NULL);
  g_assert_true (d.ops->infer (&d, &in, 1, &out, NULL));
  g_assert_cmpint (out.rank, ==, 2);
  g_assert_cmpint (out.dim[0], ==, 16);
  g_assert_cmpint (out.dim[1], ==, 8);
  g_assert_cmpint (d.ops->weights (&d, &in, &out, info), ==, 1);
  g_assert_cmpstr (info[0].name, ==, "weight");
  g_assert_cmpint (info[0].shape.dim[0], ==, 64);
  g_assert_cmpint (info[0].shape.dim[1], ==, 8);
  g_assert_false (info[0].decay);

  nn_rng_seed (&rng, 9, 0);
  d.ops->init (&d, &in, &out, NN_INIT_GLOROT_UNIFORM, w, NULL, &rng);
  for (int i = 0; i < 64 * 8; i++)
    sum += w[i], sq += (double) w[i] * w[i];
  g_assert_cmpfloat (fabs (sum / 512), <, 0.15);
  g_assert_cmpfloat (fabs (sq / 512 - 1.0), <, 0.2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/embedding/torch", test_torch);
  g_test_add_func ("/engine/embedding/out-of-range", test_out_of_range);
  g_test_add_func ("/engine/embedding/gradient", test_gradient);
  g_test_add_func ("/engine/embedding/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/embedding/weights-and-init", test_weights_and_init);
  return g_test_run ();
}
