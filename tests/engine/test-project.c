/* test-project.c — .layerlab files: a save/load round trip keeps the graph,
 * the settings and the weights bit for bit (a GAN's two models too), the
 * fixture good.layerlab (from tests/fixtures/project/make-fixtures.py)
 * reads as written, data beside a moved project is still found, and a save
 * that cannot write says so. Broken files are test-project-errors.c, the
 * trained state test-project-trained.c, the data's preparation
 * test-project-preparation.c. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"
#include "trainer.h"

/* seed-cnn (convolutions, pooling, a final Softmax) plus a branch-free
 * BatchNorm net, so both weights and state go through the file. */
static nn_graph *
batchnorm_graph (void)
{
  nn_graph *g = nn_graph_new ();
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int d1 = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  int bn = nn_graph_add_node (g, nn_layer_lookup ("batchnorm"));
  int act = nn_graph_add_node (g, nn_layer_lookup ("tanh"));
  int d2 = nn_graph_add_node (g, nn_layer_lookup ("dense"));

  g_assert_true (nn_graph_set_param (g, in, "height", 0, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 5, NULL));
  g_assert_true (nn_graph_set_param (g, d1, "units", 7, NULL));
  g_assert_true (nn_graph_set_param (g, bn, "momentum", 0.3, NULL));
  g_assert_true (nn_graph_set_param (g, d2, "units", 3, NULL));
  g_assert_true (nn_graph_set_param (g, d2, "use_bias", 0, NULL));
  g_assert_true (nn_graph_connect (g, in, d1, -1, NULL));
  g_assert_true (nn_graph_connect (g, d1, bn, -1, NULL));
  g_assert_true (nn_graph_connect (g, bn, act, -1, NULL));
  g_assert_true (nn_graph_connect (g, act, d2, -1, NULL));
  g_assert_true (nn_graph_set_init (g, d2, NN_INIT_GLOROT_NORMAL));
  g_assert_true (nn_graph_set_position (g, act, 12.5, -3.25));
  return g;
}

static void
assert_graphs_equal (const nn_graph *a, const nn_graph *b)
{
  g_assert_cmpint (nn_graph_n_nodes (a), ==, nn_graph_n_nodes (b));
  for (int i = 0; i < nn_graph_n_nodes (a); i++)
    {
      const nn_node *x = nn_graph_nth_node (a, i);
      const nn_node *y = nn_graph_nth_node (b, i);

      g_assert_cmpint (x->id, ==, y->id);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_true (x->desc.ops == y->desc.ops);
      g_assert_cmpmem (x->desc.p, sizeof x->desc.p, y->desc.p, sizeof y->desc.p);
      g_assert_cmpint (x->n_inputs, ==, y->n_inputs);
      g_assert_cmpmem (x->inputs, x->n_inputs * sizeof (int), y->inputs,
                       y->n_inputs * sizeof (int));
      g_assert_cmpfloat (x->x, ==, y->x);
      g_assert_cmpfloat (x->y, ==, y->y);
      g_assert_cmpint (x->init, ==, y->init);
    }
}

static void
assert_same_double (double a, double b)
{
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
}

static void
round_trip (nn_graph *graph)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (graph);
  g_autoptr (nn_project) q = NULL;
  g_autoptr (nn_model) m = NULL;
  g_autoptr (nn_model) fresh = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-project-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *text = NULL;
  nn_data_options opt = { .label = "species", .samples = 300, .noise = 0.25, .seed = 9 };
  nn_epoch_record r1 = { 0.7, 0.5, 0.69, 0.55, 1e-3, 0.125 };
  nn_epoch_record r2 = { 0.1 / 3, NAN, NAN, 1.0 / 3, 1e-4, 2.0 };
  float *w, *w2;
  gsize n, n2;

  g_assert_no_error (error);
  path = g_build_filename (dir, "model.layerlab", NULL);
  data_path = g_build_filename (dir, "iris.csv", NULL);
  spec = g_strconcat ("csv:", data_path, NULL);
  m = nn_model_compile (p->graph, 4, 3, &error);
  g_assert_no_error (error);
  /* Run forward in training mode once so BatchNorm state is not its initial value. */
  {
    g_autofree float *x = g_new0 (float, 4 * nn_model_input_size (m));
    nn_rng rng;

    nn_rng_seed (&rng, 1, 2);
    for (gsize i = 0; i < 4 * nn_model_input_size (m); i++)
      x[i] = nn_rng_normal (&rng);
    nn_model_forward (m, x, 4, TRUE, &rng);
  }
  nn_project_take_weights (p, m);
  nn_project_set_data (p, spec, &opt);
  {
    const float mean[3] = { 1.0f / 3, -2.5f, 1e-30f }, inv_std[3] = { 0.1f, 7.0f, 1e30f };

    nn_project_set_normalisation (p, mean, inv_std, 3);
  }
  p->config.lr = 0.05;
  p->config.optimizer = NN_OPTIMIZER_SGD;
  p->config.momentum = 0.9;
  p->config.nesterov = TRUE;
  p->config.seed = G_GUINT64_CONSTANT (0x8000000000000005);
  p->config.mode = NN_MODE_AUTOENCODER;
  p->config.label_smoothing = 0.1;
  p->config.augment = (nn_augment){ .flip = TRUE, .shift = 3, .noise = 0.05 };
  g_array_append_val (p->history, r1);
  g_array_append_val (p->history, r2);

  g_assert_true (nn_project_save (p, path, &error));
  g_assert_no_error (error);
  /* The data beside the project is named relative to it in the file. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"spec\" : \"csv:iris.csv\""));
  q = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);

  assert_graphs_equal (p->graph, q->graph);
  g_assert_cmpstr (q->data_spec, ==, spec);
  g_assert_cmpstr (q->data_options.label, ==, "species");
  g_assert_cmpint (q->data_options.samples, ==, 300);
  g_assert_cmpfloat (q->data_options.noise, ==, 0.25);
  g_assert_cmpuint (q->data_options.seed, ==, 9);
  g_assert_cmpmem (&p->config, sizeof p->config, &q->config, sizeof q->config);
  g_assert_cmpint (q->norm_size, ==, 3);
  g_assert_cmpmem (p->norm_mean, 3 * sizeof (float), q->norm_mean, 3 * sizeof (float));
  g_assert_cmpmem (p->norm_inv_std, 3 * sizeof (float), q->norm_inv_std, 3 * sizeof (float));
  g_assert_cmpuint (q->history->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      nn_epoch_record *a = &g_array_index (p->history, nn_epoch_record, i);
      nn_epoch_record *b = &g_array_index (q->history, nn_epoch_record, i);

      assert_same_double (a->loss, b->loss);
      assert_same_double (a->accuracy, b->accuracy);
      assert_same_double (a->val_loss, b->val_loss);
      assert_same_double (a->val_accuracy, b->val_accuracy);
      assert_same_double (a->lr, b->lr);
      assert_same_double (a->seconds, b->seconds);
    }

  /* A model compiled with another seed, given the saved weights, is the
   * trained one again, bit for bit. */
  fresh = nn_model_compile (q->graph, 2, 12345, &error);
  g_assert_no_error (error);
  g_assert_true (nn_project_apply_weights (q, fresh, &error));
  g_assert_no_error (error);
  w = nn_model_weights (m, &n);
  w2 = nn_model_weights (fresh, &n2);
  g_assert_cmpuint (n, ==, n2);
  g_assert_cmpmem (w, n * sizeof (float), w2, n2 * sizeof (float));
  w = nn_model_state (m, &n);
  w2 = nn_model_state (fresh, &n2);
  g_assert_cmpuint (n, ==, n2);
  if (n > 0)
    g_assert_cmpmem (w, n * sizeof (float), w2, n2 * sizeof (float));

  /* Saving over the file replaces it and leaves no temporary file behind. */
  g_assert_true (nn_project_save (q, path, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    int files = 0;

    while (g_dir_read_name (d) != NULL)
      files++;
    g_assert_cmpint (files, ==, 1);
  }
  g_remove (path);
  g_rmdir (dir);
}

static void
test_round_trip_cnn (void)
{
  g_autoptr (GError) error = NULL;
  nn_graph *g = nn_template_build ("seed-cnn", NULL, &error);

  g_assert_no_error (error);
  round_trip (g);
}

static void
test_round_trip_state (void)
{
  round_trip (batchnorm_graph ());
}

static void
test_good_fixture (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("project/good.layerlab");
  g_autoptr (nn_project) p = nn_project_load (path, &error);
  const nn_node *dense2;
  const nn_project_tensor *t;
  nn_epoch_record *r;

  g_assert_no_error (error);
  g_assert_cmpint (nn_graph_n_nodes (p->graph), ==, 4);
  dense2 = nn_graph_lookup_name (p->graph, "dense2");
  g_assert_nonnull (dense2);
  g_assert_cmpfloat (nn_layer_desc_get (&dense2->desc, "units"), ==, 2);
  /* Left out of the file: the default. */
  g_assert_cmpfloat (nn_layer_desc_get (&dense2->desc, "use_bias"), ==, 1);
  g_assert_cmpint (dense2->inputs[0], ==, 2);
  g_assert_cmpstr (p->data_spec, ==, "xor");
  g_assert_null (p->data_options.label);
  g_assert_cmpint (p->config.batch, ==, 16);
  g_assert_cmpuint (p->config.seed, ==, 7);
  g_assert_cmpuint (p->history->len, ==, 2);
  r = &g_array_index (p->history, nn_epoch_record, 1);
  g_assert_cmpfloat (r->accuracy, ==, 0.75);
  g_assert_true (isnan (r->val_loss));
  g_assert_cmpint (p->norm_size, ==, 2);
  g_assert_cmpfloat (p->norm_mean[1], ==, -0.25f);
  g_assert_cmpfloat (p->norm_inv_std[0], ==, 2.0f);
  g_assert_cmpuint (p->weights->len, ==, 4);
  t = g_ptr_array_index (p->weights, 0);
  g_assert_cmpint (t->node_id, ==, 1);
  g_assert_cmpstr (t->name, ==, "weight");
  g_assert_cmpfloat (t->data[0], ==, 0.5f);
  g_assert_cmpfloat (t->data[1], ==, -0.25f);
  g_assert_cmpfloat (t->data[5], ==, 0.125f);
  /* Written before mode, label smoothing and augmentation were saved. */
  g_assert_cmpint (p->config.mode, ==, NN_MODE_SUPERVISED);
  g_assert_cmpfloat (p->config.label_smoothing, ==, 0.0);
  g_assert_false (p->config.augment.flip);
  g_assert_cmpint (p->config.augment.shift, ==, 0);
  g_assert_cmpfloat (p->config.augment.noise, ==, 0.0);
  g_assert_null (p->discriminator);
}

/* A GAN's project holds both models and both sets of weights and state. */
static void
test_gan_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-gan-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gan.layerlab", NULL);
  g_autoptr (nn_project) p = NULL;
  g_autoptr (nn_project) q = NULL;
  g_autoptr (nn_model) gm = NULL, dm = NULL, g2 = NULL, d2 = NULL;
  nn_graph *gen = NULL, *disc = NULL;
  float *a, *b;
  gsize na, nb;

  g_assert_no_error (error);
  g_assert_true (nn_template_build_gan ("gan", NULL, &gen, &disc, &error));
  g_assert_no_error (error);
  p = nn_project_new (gen);
  nn_project_set_discriminator (p, disc);
  p->config.mode = NN_MODE_GAN;
  p->config.label_smoothing = 0.1;
  gm = nn_model_compile (p->graph, 2, 1, &error);
  g_assert_no_error (error);
  dm = nn_model_compile (p->discriminator, 2, 2, &error);
  g_assert_no_error (error);
  nn_project_take_weights (p, gm);
  nn_project_take_discriminator_weights (p, dm);
  g_assert_true (nn_project_save (p, path, &error));
  g_assert_no_error (error);

  q = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (q->discriminator);
  assert_graphs_equal (p->graph, q->graph);
  assert_graphs_equal (p->discriminator, q->discriminator);
  g_assert_cmpint (q->config.mode, ==, NN_MODE_GAN);
  g_assert_cmpfloat (q->config.label_smoothing, ==, 0.1);
  g2 = nn_model_compile (q->graph, 2, 77, &error);
  g_assert_no_error (error);
  d2 = nn_model_compile (q->discriminator, 2, 78, &error);
  g_assert_no_error (error);
  g_assert_true (nn_project_apply_weights (q, g2, &error));
  g_assert_true (nn_project_apply_discriminator_weights (q, d2, &error));
  g_assert_no_error (error);
  a = nn_model_weights (dm, &na);
  b = nn_model_weights (d2, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpmem (a, na * sizeof (float), b, nb * sizeof (float));
  a = nn_model_weights (gm, &na);
  b = nn_model_weights (g2, &nb);
  g_assert_cmpmem (a, na * sizeof (float), b, nb * sizeof (float));

  /* The generator's weights do not go into the discriminator. */
  g_assert_false (nn_project_apply_weights (q, d2, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_clear_error (&error);
  /* An ordinary project has no discriminator weights to give. */
  nn_project_set_discriminator (q, NULL);
  g_assert_false (nn_project_apply_discriminator_weights (q, d2, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);

  g_remove (path);
  g_rmdir (dir);
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* A project folder moved with its data keeps finding it. */
static void
test_moved_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("layerlab-move-XXXXXX", &error);
  g_autofree char *moved = g_strconcat (root, "-moved", NULL);
  g_autofree char *proj = g_build_filename (root, "proj", NULL);
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *path = g_build_filename (proj, "model.layerlab", NULL);
  g_autofree char *moved_proj = g_build_filename (moved, "proj", NULL);
  g_autofree char *moved_path = g_build_filename (moved_proj, "model.layerlab", NULL);
  g_autofree char *moved_data_dir = g_build_filename (moved, "data", NULL);
  g_autofree char *moved_data = g_build_filename (moved_data_dir, "points.csv", NULL);
  g_autofree char *spec = g_strdup_printf ("csv:%s/data/points.csv", root);
  g_autofree char *want = g_strdup_printf ("csv:%s/data/points.csv", moved);
  g_autofree char *text = NULL;
  g_autoptr (nn_project) p = nn_project_new (batchnorm_graph ());
  g_autoptr (nn_project) q = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  nn_data_options opt = { .label = "y" };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (proj, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  write_file (data, "points.csv", "a,b,y\n0,1,x\n1,0,z\n1,1,x\n0,0,z\n");
  nn_project_set_data (p, spec, &opt);
  g_assert_true (nn_project_save (p, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"csv:../data/points.csv\""));

  g_assert_cmpint (g_rename (root, moved), ==, 0);
  q = nn_project_load (moved_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (q->data_spec, ==, want);
  ds = nn_dataset_open (q->data_spec, &q->data_options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 4);

  g_remove (moved_path);
  g_remove (moved_data);
  g_rmdir (moved_data_dir);
  g_rmdir (moved_proj);
  g_rmdir (moved);
}

typedef struct
{
  const char *spec, *dir, *relative;
} spec_case;

/* Which paths travel with the project and which stay where they are. */
static void
test_spec_paths (void)
{
  g_autofree char *home_project = g_build_filename (g_get_home_dir (), "proj", NULL);
  g_autofree char *home_data = g_build_filename ("csv:", g_get_home_dir (), "data.csv", NULL);
  const spec_case cases[] = {
    { "csv:/w/p/data.csv", "/w/p", "csv:data.csv" },
    { "images:/w/p", "/w/p", "images:." },
    { "text:/w/corpus", "/w/p", "text:../corpus" },
    { "idx:/w/p/img.gz:/w/p/lab.gz", "/w/p", "idx:img.gz:lab.gz" },
    { "idx:/w/p/img.gz", "/w/p", "idx:img.gz" },
    { "csv:/usr/share/x.csv", "/w/p", "csv:/usr/share/x.csv" },
    { "csv:/w/p2/x.csv", "/w/p/q", "csv:/w/p2/x.csv" },
    { "fashion-mnist", "/w/p", "fashion-mnist" },
    { "spiral", "/w/p", "spiral" },
    /* Near the project only by being in the home folder: stays absolute. */
    { home_data, home_project, home_data },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rel = nn_project_spec_relative (cases[i].spec, cases[i].dir);
      g_autofree char *back = nn_project_spec_resolve (rel, cases[i].dir);

      g_assert_cmpstr (rel, ==, cases[i].relative);
      g_assert_cmpstr (back, ==, cases[i].spec);
    }
}

static void
test_save_unwritable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (batchnorm_graph ());

  g_assert_false (nn_project_save (p, "/nonexistent-layerlab/dir/x.layerlab", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "x.layerlab"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/round-trip/seed-cnn", test_round_trip_cnn);
  g_test_add_func ("/io/project/round-trip/batchnorm-state", test_round_trip_state);
  g_test_add_func ("/io/project/good-fixture", test_good_fixture);
  g_test_add_func ("/io/project/save-unwritable", test_save_unwritable);
  g_test_add_func ("/io/project/gan-round-trip", test_gan_round_trip);
  g_test_add_func ("/io/project/moved-folder", test_moved_folder);
  g_test_add_func ("/io/project/spec-paths", test_spec_paths);
  return g_test_run ();
}
