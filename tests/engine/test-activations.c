/* test-activations.c — ReLU, Leaky ReLU, ELU, GELU, Sigmoid, Tanh, Softmax. */
#include <math.h>

#include "layer-check.h"

static void
test_gradient (void)
{
  const char *kinds[] = { "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax" };
  nn_shape vec = nn_shape_1d (9), img = nn_shape_3d (2, 3, 4);

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      nn_layer_desc d;
      layer_run *r;

      layer_desc_make (&d, kinds[i], NULL);
      r = layer_run_new (&d, &vec, 1, 3, 20 + i);
      layer_check_gradients (r, 1e-2, 1e-2);
      layer_run_free (r);
      r = layer_run_new (&d, &img, 1, 2, 40 + i);
      layer_check_gradients (r, 1e-2, 1e-2);
      layer_run_free (r);
    }
}

static void
test_torch (void)
{
  layer_check_torch ("activations", 1e-4);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape none = { 0 };

  layer_desc_make (&d, "relu", NULL);
  layer_check_infer_error (&d, &none, 1, "no values");
  layer_desc_make (&d, "softmax", NULL);
  layer_check_infer_error (&d, &none, 1, "no values");
}

/* Large inputs must not overflow: each row still sums to 1. */
static void
test_softmax_stable (void)
{
  nn_layer_desc d;
  nn_shape vec = nn_shape_1d (4);
  layer_run *r;

  layer_desc_make (&d, "softmax", NULL);
  r = layer_run_new (&d, &vec, 1, 2, 3);
  for (int i = 0; i < 8; i++)
    r->in[0][i] = 1000.0f * (i % 4) - (i < 4 ? 0.0f : 5000.0f);
  layer_run_forward (r);
  for (int n = 0; n < 2; n++)
    {
      double sum = 0.0;
      for (int i = 0; i < 4; i++)
        {
          g_assert_true (isfinite (r->out[n * 4 + i]));
          sum += r->out[n * 4 + i];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
    }
  layer_run_free (r);
}

/* Sigmoid saturates instead of producing NaN at large |x|. */
static void
test_sigmoid_saturates (void)
{
  nn_layer_desc d;
  nn_shape vec = nn_shape_1d (2);
  layer_run *r;

  layer_desc_make (&d, "sigmoid", NULL);
  r = layer_run_new (&d, &vec, 1, 1, 3);
  r->in[0][0] = -200.0f;
  r->in[0][1] = 200.0f;
  layer_run_forward (r);
  g_assert_cmpfloat (r->out[0], ==, 0.0f);
  g_assert_cmpfloat (r->out[1], ==, 1.0f);
  layer_run_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/activations/gradient", test_gradient);
  g_test_add_func ("/engine/activations/torch", test_torch);
  g_test_add_func ("/engine/activations/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/activations/softmax-stable", test_softmax_stable);
  g_test_add_func ("/engine/activations/sigmoid-saturates", test_sigmoid_saturates);
  return g_test_run ();
}
