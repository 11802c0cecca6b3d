/* test-batchnorm.c — BatchNorm in training and inference, against PyTorch. */
#include <math.h>
#include <string.h>

#include "layer-check.h"

static void
test_gradient (void)
{
  nn_shape img = nn_shape_3d (2, 3, 3), vec = nn_shape_1d (4);
  nn_layer_desc d;
  layer_run *r;

  layer_desc_make (&d, "batchnorm", NULL);
  r = layer_run_new (&d, &img, 1, 3, 1);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
  r = layer_run_new (&d, &vec, 1, 5, 2);
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
  /* Inference: the running statistics are constants. */
  r = layer_run_new (&d, &img, 1, 2, 3);
  r->training = FALSE;
  layer_check_gradients (r, 1e-2, 1e-2);
  layer_run_free (r);
}

/* Covers batch statistics, running statistics (unbiased variance, momentum)
 * and inference with given running statistics. */
static void
test_torch (void)
{
  layer_check_torch ("batchnorm", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape seq = nn_shape_2d (5, 3);

  layer_desc_make (&d, "batchnorm", NULL);
  layer_check_infer_error (&d, &seq, 1, "got a sequence of 5×3 values");
}

/* Training normalises by the batch; inference by the running statistics,
 * which after many batches of the same data approach that batch's mean and
 * (unbiased) variance. Weights start as gamma 1, beta 0; state as 0 and 1. */
static void
test_train_vs_inference (void)
{
  nn_shape vec = nn_shape_1d (3);
  nn_layer_desc d;
  layer_run *r;
  float train_out[3 * 8];

  layer_desc_make (&d, "batchnorm", "momentum=0.5", NULL);
  r = layer_run_new (&d, &vec, 1, 8, 7);
  d.ops->init (&d, &vec, &r->out_shape, NN_INIT_AUTO, r->w, r->state, NULL);
  g_assert_cmpfloat (r->w[0], ==, 1.0f);
  g_assert_cmpfloat (r->w[3], ==, 0.0f);
  g_assert_cmpfloat (r->state[0], ==, 0.0f);
  g_assert_cmpfloat (r->state[3], ==, 1.0f);

  for (int step = 0; step < 60; step++)
    layer_run_forward (r);
  memcpy (train_out, r->out, sizeof train_out);
  for (int k = 0; k < 3; k++)
    {
      double mean = 0.0, out_mean = 0.0, out_sq = 0.0;
      for (int n = 0; n < 8; n++)
        {
          mean += r->in[0][n * 3 + k] / 8.0;
          out_mean += train_out[n * 3 + k] / 8.0;
          out_sq += train_out[n * 3 + k] * train_out[n * 3 + k] / 8.0;
        }
      g_assert_cmpfloat_with_epsilon (r->state[k], mean, 1e-5);
      g_assert_cmpfloat_with_epsilon (out_mean, 0.0, 1e-5);
      g_assert_cmpfloat_with_epsilon (out_sq, 1.0, 1e-3);
    }

  /* Inference with unbiased variance differs from training by √(n/(n−1)). */
  r->training = FALSE;
  layer_run_forward (r);
  for (int i = 0; i < 24; i++)
    g_assert_cmpfloat_with_epsilon (r->out[i], train_out[i] * sqrt (7.0 / 8.0), 1e-3);
  layer_run_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/batchnorm/gradient", test_gradient);
  g_test_add_func ("/engine/batchnorm/torch", test_torch);
  g_test_add_func ("/engine/batchnorm/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/batchnorm/train-vs-inference", test_train_vs_inference);
  return g_test_run ();
}
