/* test-inspect-generative.c — what the Inside tab shows of models that
 * make inputs and of recurrent layers: an autoencoder's reconstructions
 * and its bottleneck, a generator's samples from fixed noise, and the
 * states a recurrent layer goes through. Data:
 * tests/fixtures/generative/bars-images.idx and the word lists of
 * tests/fixtures/data/dict. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "inspect.h"
#include "templates.h"
#include "trainer.h"

static nn_dataset *
open_data (const char *spec)
{
  g_autoptr (GError) error = NULL;
  nn_data_options o = { 0 };
  nn_dataset *ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

static nn_dataset *
bars (void)
{
  g_autofree char *path = test_fixture_path ("generative/bars-images.idx");
  g_autofree char *spec = g_strconcat ("idx:", path, NULL);

  return open_data (spec);
}

/* 1×8×8 → 16 → `latent` → 64 values, sigmoid: an autoencoder with a
 * bottleneck of `latent` units. */
static nn_graph *
autoencoder (int latent)
{
  nn_graph *g = nn_graph_new ();
  const char *kinds[] = { "input", "flatten", "dense", "relu", "dense", "dense", "sigmoid" };
  const int units[] = { 0, 0, 16, 0, latent, 64, 0 };
  int prev = -1;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      int id = nn_graph_add_node (g, nn_layer_lookup (kinds[i]));

      if (prev >= 0)
        g_assert_true (nn_graph_connect (g, prev, id, -1, NULL));
      if (units[i] > 0)
        g_assert_true (nn_graph_set_param (g, id, "units", units[i], NULL));
      prev = id;
    }
  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "input1")->id, "height", 8, NULL));
  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "input1")->id, "width", 8, NULL));
  return g;
}

static nn_model *
compile (const nn_graph *g)
{
  g_autoptr (GError) error = NULL;
  nn_model *m = nn_model_compile (g, 8, 7, &error);

  g_assert_no_error (error);
  return m;
}

static int *
first_indices (int n)
{
  int *idx = g_new (int, n);

  for (int i = 0; i < n; i++)
    idx[i] = i;
  return idx;
}

static void
test_reconstructions (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = autoencoder (2);
  g_autoptr (nn_model) m = compile (g);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_reconstructions) r = NULL;
  g_autofree int *idx = first_indices (20);
  g_autofree float *x = g_new (float, 64);
  double sum = 0;

  r = nn_inspect_reconstructions (m, ds, idx, 20, NN_LOSS_MSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->n, ==, 20);
  g_assert_cmpint (r->shape.rank, ==, 3);
  g_assert_cmpint (r->samples[19], ==, 19);
  g_assert_null (r->latent);
  /* the inputs as the model sees them, the outputs its own */
  nn_dataset_gather (ds, &idx[5], 1, x, NULL, NULL);
  g_assert_cmpmem (x, 64 * sizeof (float), r->inputs + 5 * 64, 64 * sizeof (float));
  nn_model_forward (m, x, 1, FALSE, NULL);
  for (int j = 0; j < 64; j++)
    g_assert_cmpfloat_with_epsilon (r->outputs[5 * 64 + j], nn_model_output (m)[j], 1e-6);
  for (int i = 0; i < 20 * 64; i++)
    sum += (r->outputs[i] - r->inputs[i]) * (r->outputs[i] - r->inputs[i]);
  g_assert_cmpfloat_with_epsilon (r->mse, sum / (20 * 64), 1e-6);
}

/* A model whose output is not its input's size has nothing to rebuild. */
static void
test_reconstructions_not_autoencoder (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = autoencoder (2);
  g_autoptr (nn_model) m = NULL;
  g_autoptr (GError) error = NULL;
  int idx[] = { 0, 1 };

  g_assert_true (nn_graph_set_param (g, nn_graph_lookup_name (g, "dense3")->id, "units", 10, NULL));
  m = compile (g);
  g_assert_null (nn_inspect_reconstructions (m, ds, idx, 2, NN_LOSS_MSE, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "autoencoder"));
}

static void
test_latent (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = autoencoder (2);
  g_autoptr (nn_model) m = compile (g);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_latent) l = NULL;
  g_autofree int *idx = first_indices (30);
  g_autofree float *x = g_new (float, 64);
  nn_shape shape;
  const float *v;

  l = nn_inspect_latent (m, ds, idx, 30, &error);
  g_assert_no_error (error);
  /* the 2-unit Dense, not the 16 before it or the ReLU */
  g_assert_cmpstr (l->node_name, ==, "dense2");
  g_assert_cmpint (l->dim, ==, 2);
  g_assert_cmpint (l->n, ==, 30);
  nn_dataset_gather (ds, &idx[17], 1, x, NULL, NULL);
  nn_model_forward (m, x, 1, FALSE, NULL);
  v = nn_model_activation (m, l->node_id, &shape);
  g_assert_cmpfloat_with_epsilon (l->values[17 * 2], v[0], 1e-6);
  g_assert_cmpfloat_with_epsilon (l->values[17 * 2 + 1], v[1], 1e-6);
  for (int i = 0; i < 30; i++)
    for (int d = 0; d < 2; d++)
      {
        g_assert_cmpfloat (l->values[i * 2 + d], >=, l->min[d]);
        g_assert_cmpfloat (l->values[i * 2 + d], <=, l->max[d]);
      }
  /* bars are unlabelled: no classes to colour by */
  g_assert_null (l->labels);
}

static void
test_latent_needs_hidden_vector (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (nn_model) m = NULL;
  g_autoptr (GError) error = NULL;
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int act = nn_graph_add_node (g, nn_layer_lookup ("sigmoid"));
  int idx[] = { 0 };

  g_assert_true (nn_graph_connect (g, in, act, -1, NULL));
  g_assert_true (nn_graph_set_param (g, in, "height", 8, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 8, NULL));
  m = compile (g);
  g_assert_null (nn_inspect_latent (m, ds, idx, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

static void
test_generate (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) gen = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_samples) a = NULL;
  g_autoptr (nn_samples) b = NULL;
  g_autoptr (nn_samples) c = NULL;
  gsize size = nn_dataset_input_size (ds);

  g_assert_true (nn_template_build_gan ("gan", ds, &gen, &disc, &error));
  g_assert_no_error (error);
  m = compile (gen);
  a = nn_inspect_generate (m, &ds->input_shape, 20, 5, &error);
  g_assert_no_error (error);
  b = nn_inspect_generate (m, &ds->input_shape, 20, 5, &error);
  c = nn_inspect_generate (m, &ds->input_shape, 20, 6, &error);
  g_assert_cmpint (a->n, ==, 20);
  g_assert_cmpint (a->shape.dim[1], ==, 8);
  /* fixed noise: the same seed draws the same pictures, another seed others */
  g_assert_cmpmem (a->images, size * 20 * sizeof (float), b->images, size * 20 * sizeof (float));
  g_assert_true (memcmp (a->images, c->images, size * 20 * sizeof (float)) != 0);
  /* and the samples differ from each other */
  g_assert_true (memcmp (a->images, a->images + size, size * sizeof (float)) != 0);
  for (gsize i = 0; i < size * 20; i++)
    g_assert_true (a->images[i] >= 0 && a->images[i] <= 1);
}

static void
test_generate_wrong_shape (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) gen = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (GError) error = NULL;
  nn_shape other = nn_shape_1d (10);

  g_assert_true (nn_template_build_gan ("gan", ds, &gen, &disc, &error));
  m = compile (gen);
  g_assert_null (nn_inspect_generate (m, &other, 4, 0, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

/* A recurrent layer that returns its last state only: the activations
 * carry every state it went through, the last being its output, and the
 * letters it read. */
static void
test_recurrent_steps (void)
{
  g_autofree char *dict = test_fixture_path ("data/dict");
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (nn_activations) a = NULL;
  g_autoptr (GError) error = NULL;
  const nn_node_output *lstm = NULL, *embedding = NULL;
  g_autofree char *word = NULL;
  int T, H;
  gboolean changes = FALSE;

  g_setenv ("LAYERLAB_DICT_DIR", dict, TRUE);
  ds = open_data ("words");
  g = nn_template_build ("char-lstm", ds, &error);
  g_assert_no_error (error);
  m = compile (g);
  a = nn_inspect_activations (m, ds, 3, &error);
  g_assert_no_error (error);
  for (int k = 0; k < a->n_nodes; k++)
    {
      if (g_str_equal (a->nodes[k].ops->id, "lstm"))
        lstm = &a->nodes[k];
      if (g_str_equal (a->nodes[k].ops->id, "embedding"))
        embedding = &a->nodes[k];
    }
  g_assert_nonnull (lstm);
  g_assert_nonnull (embedding);
  /* a sequence already: no extra states */
  g_assert_null (embedding->steps);
  T = ds->input_shape.dim[0];
  H = lstm->shape.dim[0];
  g_assert_cmpint (lstm->shape.rank, ==, 1);
  g_assert_cmpint (lstm->n_steps, ==, T);
  for (int u = 0; u < H; u++)
    {
      g_assert_cmpfloat_with_epsilon (lstm->steps[(gsize) (T - 1) * H + u], lstm->values[u], 1e-5);
      changes = changes || fabsf (lstm->steps[u] - lstm->steps[H + u]) > 1e-6;
    }
  g_assert_true (changes);
  for (gsize i = 0; i < (gsize) T * H; i++)
    g_assert_true (lstm->steps[i] >= lstm->steps_min && lstm->steps[i] <= lstm->steps_max);
  /* the letters of the word, then padding */
  g_assert_nonnull (a->tokens);
  g_assert_cmpint (g_strv_length (a->tokens), ==, T);
  word = g_strjoinv ("", a->tokens);
  g_assert_cmpint (strlen (word), >, 1);
  g_assert_cmpstr (a->tokens[T - 1], ==, "");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/inspect/reconstructions", test_reconstructions);
  g_test_add_func ("/engine/inspect/reconstructions/not-autoencoder",
                   test_reconstructions_not_autoencoder);
  g_test_add_func ("/engine/inspect/latent", test_latent);
  g_test_add_func ("/engine/inspect/latent/needs-hidden-vector", test_latent_needs_hidden_vector);
  g_test_add_func ("/engine/inspect/generate", test_generate);
  g_test_add_func ("/engine/inspect/generate/wrong-shape", test_generate_wrong_shape);
  g_test_add_func ("/engine/inspect/recurrent-steps", test_recurrent_steps);
  return g_test_run ();
}
