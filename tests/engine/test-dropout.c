/* test-dropout.c — inverted dropout: rate, scaling, determinism, identity
 * in inference. PyTorch's random numbers differ from ours, so there is no
 * fixture: the properties are checked directly. */
#include <string.h>

#include "layer-check.h"

static void
test_gradient (void)
{
  nn_shape vec = nn_shape_1d (40);
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "dropout", "rate=0.3", NULL);
  r = layer_run_new (&d, &vec, 1, 2, 1);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

static void
test_training (void)
{
  nn_shape vec = nn_shape_1d (1000);
  nn_layer_desc d;
  layer_run *r;
  int zeros = 0;

  layer_desc_make (&d, "dropout", "rate=0.25", NULL);
  r = layer_run_new (&d, &vec, 1, 10, 2);
  for (gsize i = 0; i < r->in_len[0]; i++)
    r->in[0][i] = 3.0f;
  layer_run_forward (r);
  for (gsize i = 0; i < r->out_len; i++)
    {
      if (r->out[i] == 0.0f)
        zeros++;
      else
        g_assert_cmpfloat_with_epsilon (r->out[i], 3.0f / 0.75f, 1e-5);
    }
  /* 10000 draws at p = 0.25: the count is within 5 standard deviations. */
  g_assert_cmpint (zeros, >, 2500 - 217);
  g_assert_cmpint (zeros, <, 2500 + 217);

  /* Backward passes the gradient through the same mask. */
  layer_run_backward (r);
  for (gsize i = 0; i < r->out_len; i++)
    g_assert_cmpfloat_with_epsilon (r->d_in[0][i], r->d_out[i] * r->out[i] / 3.0f, 1e-5);
  layer_run_free (r);
}

/* The same seed gives the same mask; another seed another one. */
static void
test_deterministic (void)
{
  nn_shape vec = nn_shape_1d (64);
  nn_layer_desc d;
  layer_run *a, *b;

  layer_desc_make (&d, "dropout", NULL);
  a = layer_run_new (&d, &vec, 1, 4, 3);
  b = layer_run_new (&d, &vec, 1, 4, 3);
  layer_run_forward (a);
  layer_run_forward (b);
  g_assert_cmpmem (a->out, a->out_len * sizeof (float), b->out, b->out_len * sizeof (float));
  b->seed = 4;
  layer_run_forward (b);
  g_assert_true (memcmp (a->out, b->out, a->out_len * sizeof (float)) != 0);
  layer_run_free (a);
  layer_run_free (b);
}

static void
test_inference_identity (void)
{
  nn_shape img = nn_shape_3d (2, 3, 3);
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "dropout", "rate=0.9", NULL);
  r = layer_run_new (&d, &img, 1, 3, 5);
  r->training = FALSE;
  layer_run_forward (r);
  g_assert_cmpmem (r->out, r->out_len * sizeof (float), r->in[0], r->in_len[0] * sizeof (float));
  layer_run_backward (r);
  g_assert_cmpmem (r->d_in[0], r->out_len * sizeof (float), r->d_out, r->out_len * sizeof (float));
  layer_run_free (r);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape none = { 0 };

  layer_desc_make (&d, "dropout", NULL);
  layer_check_infer_error (&d, &none, 1, "no values");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/dropout/gradient", test_gradient);
  g_test_add_func ("/engine/dropout/training", test_training);
  g_test_add_func ("/engine/dropout/deterministic", test_deterministic);
  g_test_add_func ("/engine/dropout/inference-identity", test_inference_identity);
  g_test_add_func ("/engine/dropout/infer-errors", test_infer_errors);
  return g_test_run ();
}
