/* engine-test-util.c — helpers shared by the engine test executables. */
#include "engine-test-util.h"

#include <math.h>

#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"

char *
test_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

gboolean
test_have_torch (void)
{
  const char *argv[] = { TEST_PYTHON, "-c", "import torch", NULL };
  int status = -1;

  return g_file_test (TEST_PYTHON, G_FILE_TEST_IS_EXECUTABLE) &&
         g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                       NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

void
test_onnx_round_trip_layer (const nn_layer_desc *want, int c, int h, int w, nn_layer_desc *got)
{
  nn_graph *g = nn_graph_new ();
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int id = nn_graph_add_node (g, want->ops);
  g_autoptr (nn_project) p = NULL, back = NULL;
  g_autoptr (nn_model) m = NULL, m2 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree float *x = NULL;
  const nn_node *node = NULL;
  GError *error = NULL;
  gsize length, n;
  nn_rng rng;

  g_assert_true (nn_graph_set_param (g, in, "channels", c, NULL));
  g_assert_true (nn_graph_set_param (g, in, "height", h, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", w, NULL));
  for (int i = 0; i < want->ops->n_params; i++)
    g_assert_true (nn_graph_set_param (g, id, want->ops->params[i].id, want->p[i], NULL));
  g_assert_true (nn_graph_connect (g, in, id, -1, NULL));
  p = nn_project_new (g);

  data = nn_onnx_export_to_data (p, &length, &error);
  g_assert_no_error (error);
  back = nn_onnx_import_data (data, length, "exported.onnx", NULL, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < nn_graph_n_nodes (back->graph); i++)
    if (nn_graph_nth_node (back->graph, i)->desc.ops == want->ops)
      node = nn_graph_nth_node (back->graph, i);
  g_assert_nonnull (node);
  *got = node->desc;

  m = nn_model_compile (p->graph, 2, 1, &error);
  g_assert_no_error (error);
  m2 = nn_model_compile (back->graph, 2, 1, &error);
  g_assert_no_error (error);
  n = nn_model_input_size (m) * 2;
  x = g_new (float, n);
  nn_rng_seed (&rng, 7, 0);
  for (gsize i = 0; i < n; i++)
    x[i] = nn_rng_uniform (&rng) * 2.0f - 1.0f;
  nn_model_forward (m, x, 2, FALSE, NULL);
  nn_model_forward (m2, x, 2, FALSE, NULL);
  g_assert_cmpuint (nn_model_output_size (m2), ==, nn_model_output_size (m));
  for (gsize i = 0; i < nn_model_output_size (m) * 2; i++)
    g_assert_cmpfloat (fabsf (nn_model_output (m)[i] - nn_model_output (m2)[i]), <=, 1e-6f);
}
