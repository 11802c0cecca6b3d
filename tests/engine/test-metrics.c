/* test-metrics.c — accuracy, confusion matrix, precision/recall and
 * regression errors accumulated over batches. */
#include <math.h>

#include "engine-test-util.h"
#include "metrics.h"

static void
test_confusion (void)
{
  /* 3 classes; predictions are the argmax */
  static const float out[5 * 3] = {
    0.9f, 0.1f, 0.0f, /* true 0, pred 0 */
    0.2f, 0.7f, 0.1f, /* true 1, pred 1 */
    0.6f, 0.3f, 0.1f, /* true 1, pred 0 */
    0.1f, 0.8f, 0.1f, /* true 0, pred 1 */
    0.3f, 0.3f, 0.4f, /* true 0, pred 2 */
  };
  static const gint32 labels[5] = { 0, 1, 1, 0, 0 };
  nn_metrics m;
  gboolean defined;

  nn_metrics_init (&m, NN_TASK_CLASSIFY, 3, 0.0f);
  /* two batches accumulate like one */
  nn_metrics_add (&m, out, 2, 3, labels, NULL, 1.0);
  nn_metrics_add (&m, out + 6, 3, 3, labels + 2, NULL, 2.0);
  g_assert_cmpint (m.samples, ==, 5);
  g_assert_cmpfloat_with_epsilon (nn_metrics_loss (&m), (2 * 1.0 + 3 * 2.0) / 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_metrics_accuracy (&m), 2.0 / 5, 1e-12);
  /* rows true, columns predicted */
  g_assert_cmpint (m.confusion[0 * 3 + 0], ==, 1);
  g_assert_cmpint (m.confusion[0 * 3 + 1], ==, 1);
  g_assert_cmpint (m.confusion[0 * 3 + 2], ==, 1);
  g_assert_cmpint (m.confusion[1 * 3 + 0], ==, 1);
  g_assert_cmpint (m.confusion[1 * 3 + 1], ==, 1);
  g_assert_cmpfloat_with_epsilon (nn_metrics_precision (&m, 0, &defined), 0.5, 1e-12);
  g_assert_true (defined);
  g_assert_cmpfloat_with_epsilon (nn_metrics_recall (&m, 0, &defined), 1.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_metrics_recall (&m, 1, &defined), 0.5, 1e-12);
  /* class 2 was predicted once, wrongly, and never occurs */
  g_assert_cmpfloat (nn_metrics_precision (&m, 2, &defined), ==, 0.0);
  g_assert_true (defined);
  g_assert_cmpfloat (nn_metrics_recall (&m, 2, &defined), ==, 0.0);
  g_assert_false (defined);

  nn_metrics_reset (&m);
  g_assert_true (isnan (nn_metrics_accuracy (&m)));
  g_assert_cmpint (m.confusion[0], ==, 0);
  nn_metrics_clear (&m);
}

static void
test_binary_threshold (void)
{
  static const float logits[4] = { -0.5f, 0.2f, 3.0f, -2.0f };
  static const gint32 labels[4] = { 0, 1, 0, 0 };
  nn_metrics m;
  gboolean defined;

  nn_metrics_init (&m, NN_TASK_CLASSIFY, 2, 0.0f);
  nn_metrics_add (&m, logits, 4, 1, labels, NULL, 0.0);
  g_assert_cmpfloat_with_epsilon (nn_metrics_accuracy (&m), 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_metrics_precision (&m, 1, &defined), 0.5, 1e-12);
  g_assert_cmpint (nn_predict_class (logits + 1, 1, 0.5f), ==, 0);
  nn_metrics_clear (&m);
}

static void
test_regression (void)
{
  static const float out[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
  static const float y[4] = { 1.5f, 2.0f, 1.0f, 4.0f };
  nn_metrics m;

  nn_metrics_init (&m, NN_TASK_REGRESS, 0, 0.0f);
  nn_metrics_add (&m, out, 2, 2, NULL, y, 0.3);
  g_assert_cmpfloat_with_epsilon (nn_metrics_mae (&m), (0.5 + 2.0) / 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (nn_metrics_mse (&m), (0.25 + 4.0) / 4, 1e-12);
  g_assert_true (isnan (nn_metrics_accuracy (&m)));
  g_assert_cmpfloat_with_epsilon (nn_metrics_loss (&m), 0.3, 1e-12);
  nn_metrics_clear (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/metrics/confusion-precision-recall", test_confusion);
  g_test_add_func ("/engine/metrics/binary-threshold", test_binary_threshold);
  g_test_add_func ("/engine/metrics/regression", test_regression);
  return g_test_run ();
}
