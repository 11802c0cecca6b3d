/* test-templates.c — the built-in models: their sizes, and how they adapt
 * to a dataset. */
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "templates.h"

static nn_graph_report
report_of (const nn_graph *g)
{
  nn_graph_report r;

  nn_graph_infer (g, &r);
  return r;
}

static void
test_seed_cnn_params (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build ("seed-cnn", NULL, &error);
  nn_graph_report r;

  g_assert_no_error (error);
  r = report_of (g);
  g_assert_true (r.ok);
  g_assert_cmpuint (r.total_params, ==, 225034);
  g_assert_cmpstr (nn_graph_lookup (g, r.output_id)->desc.ops->id, ==, "softmax");
  nn_graph_report_clear (&r);
}

/* Every template builds for the default 1×28×28, 10 classes, compiles,
 * and lays its nodes out in a column. */
static void
test_all_compile (void)
{
  int n;
  const nn_template *all = nn_templates (&n);

  g_assert_cmpint (n, ==, 10);
  for (int i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (nn_graph) g = nn_template_build (all[i].id, NULL, &error);
      g_autoptr (nn_model) m = NULL;

      g_test_message ("%s", all[i].id);
      g_assert_no_error (error);
      g_assert_true (nn_template_lookup (all[i].id) == &all[i]);
      m = nn_model_compile (g, 2, 0, &error);
      g_assert_no_error (error);
      /* generative models make images (a GAN template builds its generator) */
      g_assert_cmpuint (nn_model_output_size (m), ==, all[i].mode == NN_MODE_SUPERVISED ? 10 : 784);
      for (int k = 0; k < nn_graph_n_nodes (g); k++)
        {
          const nn_node *node = nn_graph_nth_node (g, k);
          g_assert_cmpfloat (node->x, ==, 0);
          g_assert_cmpfloat (node->y, ==, 120.0 * k);
        }
    }
}

static void
test_lenet_shape (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);
  nn_graph_report r = report_of (g);

  g_assert_true (r.ok);
  /* conv 6·25+6, conv 16·6·25+16, dense 400·120+120, 120·84+84, 84·10+10 */
  g_assert_cmpuint (r.total_params, ==, 156 + 2416 + 48120 + 10164 + 850);
  nn_graph_report_clear (&r);
}

static void
test_adapts_to_data (void)
{
  nn_data_options o = { .samples = 60, .seed = 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open ("blobs", &o, NULL, NULL, NULL, &error);
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_model) m = NULL;
  nn_trainer_config c;

  g_assert_no_error (error);
  g = nn_template_build ("mlp", ds, &error);
  g_assert_no_error (error);
  /* a vector input needs no Flatten */
  g_assert_null (nn_graph_lookup_name (g, "flatten1"));
  m = nn_model_compile (g, 4, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nn_model_input_size (m), ==, 2);
  g_assert_cmpuint (nn_model_output_size (m), ==, (gsize) ds->n_classes);

  nn_trainer_config_init (&c);
  nn_template_apply_config (nn_template_lookup ("tiny-mlp"), ds, &c);
  g_assert_cmpint (c.loss, ==, NN_LOSS_CROSS_ENTROPY);
  g_assert_cmpint (c.epochs, ==, nn_template_lookup ("tiny-mlp")->epochs);

  /* a CNN on 2-D points builds, and the graph says why it cannot work */
  g_clear_pointer (&g, nn_graph_free);
  g = nn_template_build ("seed-cnn", ds, &error);
  g_assert_no_error (error);
  g_assert_null (nn_model_compile (g, 4, 0, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
}

static void
test_unknown (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nn_template_build ("resnet", NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "seed-cnn"));
  g_assert_null (nn_template_lookup ("resnet"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/templates/seed-cnn-params", test_seed_cnn_params);
  g_test_add_func ("/engine/templates/all-compile", test_all_compile);
  g_test_add_func ("/engine/templates/lenet", test_lenet_shape);
  g_test_add_func ("/engine/templates/adapts-to-data", test_adapts_to_data);
  g_test_add_func ("/engine/templates/unknown", test_unknown);
  return g_test_run ();
}
