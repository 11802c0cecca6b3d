/* test-convergence.c — whole runs that must learn: XOR perfectly, the
 * two-armed spiral to at least 95 % on held-out points. */
#include <math.h>

#include "engine-test-util.h"
#include "templates.h"
#include "trainer.h"

static double last_accuracy;

static void
on_event (const nn_train_event *e, gpointer data)
{
  if (e->kind == NN_EVENT_DONE)
    last_accuracy = e->test_accuracy;
  if (e->kind == NN_EVENT_EPOCH && g_test_verbose ())
    g_test_message ("epoch %d loss %.4f acc %.3f val %.3f", e->epoch, e->loss, e->accuracy,
                    e->val_accuracy);
}

static double
train (const char *spec, int samples, const char *template, int epochs)
{
  nn_data_options o = { .samples = samples, .noise = -1, .seed = 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_trainer) t = NULL;
  nn_trainer_config c;

  g_assert_no_error (error);
  g = nn_template_build (template, ds, &error);
  g_assert_no_error (error);
  nn_trainer_config_init (&c);
  nn_template_apply_config (nn_template_lookup (template), ds, &c);
  c.threads = 1;
  if (epochs > 0)
    c.epochs = epochs;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  last_accuracy = NAN;
  g_assert_true (nn_trainer_fit (t, on_event, NULL, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s with %s: test accuracy %.3f", spec, template, last_accuracy);
  return last_accuracy;
}

static void
test_xor (void)
{
  g_assert_cmpfloat (train ("xor", 400, "tiny-mlp", 0), ==, 1.0);
}

static void
test_spiral (void)
{
  g_assert_cmpfloat (train ("spiral", 1000, "tiny-mlp", 500), >=, 0.95);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/convergence/xor", test_xor);
  g_test_add_func ("/engine/convergence/spiral", test_spiral);
  return g_test_run ();
}
