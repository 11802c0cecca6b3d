/* test-loss.c — every loss against finite differences and known values. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "loss.h"

#define N 4
#define K 3

static const float out0[N * K] = {
  0.3f, -1.2f, 2.0f, 0.5f, 0.1f, -0.4f, -2.0f, 1.5f, 0.7f, 1.1f, -0.6f, 0.2f,
};
static const gint32 labels[N] = { 2, 0, 1, 1 };
static const float soft[N * K] = {
  0.1f, 0.2f, 0.7f, 1.0f, 0.0f, 0.0f, 0.3f, 0.3f, 0.4f, 0.0f, 0.5f, 0.5f,
};
static const float reg[N * K] = {
  0.0f, -1.0f, 1.5f, 0.4f, 0.3f, 0.2f, -1.0f, 1.0f, 0.0f, 1.0f, 1.0f, -1.0f,
};

/* Central differences in double over the float loss: analytic d_out must
 * match within 1e-3 relative (float inputs, eps 1e-3). */
static void
check_gradient (nn_loss_kind kind, int k, const gint32 *lab, const float *y)
{
  float out[N * K], d[N * K];
  double base = nn_loss_compute (kind, out0, N, k, lab, y, d);

  g_assert_true (isfinite (base));
  for (int i = 0; i < N * k; i++)
    {
      const double eps = 1e-3;
      double up, down, numeric;

      memcpy (out, out0, sizeof out);
      out[i] = out0[i] + eps;
      up = nn_loss_compute (kind, out, N, k, lab, y, NULL);
      out[i] = out0[i] - eps;
      down = nn_loss_compute (kind, out, N, k, lab, y, NULL);
      numeric = (up - down) / (2 * eps);
      g_assert_cmpfloat_with_epsilon (d[i], numeric, 1e-3 * fmax (1.0, fabs (numeric)));
    }
}

static void
test_gradient_mse (void)
{
  check_gradient (NN_LOSS_MSE, K, NULL, reg);
  check_gradient (NN_LOSS_MSE, K, labels, NULL);
}

static void
test_gradient_mae (void)
{
  /* no output equals its target, so |x| is differentiable everywhere here */
  check_gradient (NN_LOSS_MAE, K, NULL, reg);
}

static void
test_gradient_bce (void)
{
  static const gint32 binary[N] = { 1, 0, 0, 1 };

  check_gradient (NN_LOSS_BCE, K, NULL, soft);
  check_gradient (NN_LOSS_BCE, 1, binary, NULL);
}

static void
test_gradient_cross_entropy (void)
{
  check_gradient (NN_LOSS_CROSS_ENTROPY, K, labels, NULL);
  check_gradient (NN_LOSS_CROSS_ENTROPY, K, NULL, soft);
}

/* Uniform logits give log K whatever the label; one-hot soft targets give
 * exactly what integer labels give. */
static void
test_cross_entropy_values (void)
{
  float zero[N * K] = { 0 };
  float onehot[N * K] = { 0 };
  double a, b;

  g_assert_cmpfloat_with_epsilon (
    nn_loss_compute (NN_LOSS_CROSS_ENTROPY, zero, N, K, labels, NULL, NULL), log (3.0), 1e-9);
  for (int i = 0; i < N; i++)
    onehot[i * K + labels[i]] = 1.0f;
  a = nn_loss_compute (NN_LOSS_CROSS_ENTROPY, out0, N, K, labels, NULL, NULL);
  b = nn_loss_compute (NN_LOSS_CROSS_ENTROPY, out0, N, K, NULL, onehot, NULL);
  g_assert_cmpfloat_with_epsilon (a, b, 1e-9);
}

/* Huge logits must neither overflow nor lose the answer. */
static void
test_stable (void)
{
  float big[2] = { 1000.0f, -1000.0f };
  float y[2] = { 0.0f, 1.0f };
  float d[3];
  float logits[3] = { 1000.0f, 0.0f, -1000.0f };
  gint32 label = 2;
  double l;

  l = nn_loss_compute (NN_LOSS_BCE, big, 2, 1, NULL, y, d);
  g_assert_cmpfloat_with_epsilon (l, 1000.0, 1e-6);
  g_assert_true (isfinite (d[0]) && isfinite (d[1]));
  l = nn_loss_compute (NN_LOSS_CROSS_ENTROPY, logits, 1, 3, &label, NULL, d);
  g_assert_cmpfloat_with_epsilon (l, 2000.0, 1e-6);
}

static void
test_mse_value (void)
{
  float out[2] = { 1.0f, 3.0f };
  float y[2] = { 0.0f, 1.0f };

  /* (1 + 4) / 2 */
  g_assert_cmpfloat (nn_loss_compute (NN_LOSS_MSE, out, 1, 2, NULL, y, NULL), ==, 2.5);
  g_assert_cmpfloat (nn_loss_compute (NN_LOSS_MAE, out, 1, 2, NULL, y, NULL), ==, 1.5);
}

static void
test_ids (void)
{
  nn_loss_kind kind;
  g_autoptr (GError) error = NULL;
  int n;
  const nn_loss_info *all = nn_losses (&n);

  g_assert_cmpint (n, ==, 4);
  for (int i = 0; i < n; i++)
    {
      g_assert_true (nn_loss_from_id (all[i].id, &kind, NULL));
      g_assert_cmpint (kind, ==, all[i].kind);
      g_assert_cmpstr (nn_loss_id (kind), ==, all[i].id);
    }
  g_assert_false (nn_loss_from_id ("hinge", &kind, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "hinge"));
}

static void
test_check (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (nn_loss_check (NN_LOSS_CROSS_ENTROPY, NN_TASK_CLASSIFY, 3, 1, 3, NULL));
  g_assert_true (nn_loss_check (NN_LOSS_BCE, NN_TASK_CLASSIFY, 2, 1, 1, NULL));
  g_assert_true (nn_loss_check (NN_LOSS_MSE, NN_TASK_REGRESS, 0, 2, 2, NULL));
  g_assert_false (nn_loss_check (NN_LOSS_CROSS_ENTROPY, NN_TASK_CLASSIFY, 3, 1, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "units to 3"));
  g_clear_error (&error);
  g_assert_false (nn_loss_check (NN_LOSS_CROSS_ENTROPY, NN_TASK_REGRESS, 0, 1, 1, &error));
  g_assert_nonnull (strstr (error->message, "mse"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/loss/gradient/mse", test_gradient_mse);
  g_test_add_func ("/engine/loss/gradient/mae", test_gradient_mae);
  g_test_add_func ("/engine/loss/gradient/bce", test_gradient_bce);
  g_test_add_func ("/engine/loss/gradient/cross-entropy", test_gradient_cross_entropy);
  g_test_add_func ("/engine/loss/cross-entropy/values", test_cross_entropy_values);
  g_test_add_func ("/engine/loss/stable-for-huge-logits", test_stable);
  g_test_add_func ("/engine/loss/mse-mae-values", test_mse_value);
  g_test_add_func ("/engine/loss/ids", test_ids);
  g_test_add_func ("/engine/loss/check-outputs", test_check);
  return g_test_run ();
}
