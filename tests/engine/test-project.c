/* test-project.c — .layerlab files: a save/load round trip keeps the graph
 * and the weights bit for bit, and every broken file is refused with a
 * message naming the field (fixtures from tests/fixtures/project/make-fixtures.py). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"
#include "trainer.h"
#include <json-glib/json-glib.h>

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

typedef struct
{
  const char *object; /* where: "training", "training.augment", "discriminator" or "" */
  const char *member;
  const char *value; /* JSON */
  const char *message;
} field_case;

static const field_case field_cases[] = {
  { "training", "mode", "\"boosting\"",
    "training.mode: expected one of supervised, autoencoder, gan" },
  { "training", "mode", "3", "training.mode: expected a string" },
  { "training", "label_smoothing", "0.7", "training.label_smoothing: expected a number between 0" },
  { "training", "label_smoothing", "\"a\"", "training.label_smoothing: expected a number" },
  { "training", "augment", "true", "training.augment: expected an object" },
  { "training.augment", "flip", "1", "training.augment.flip: expected true or false" },
  { "training.augment", "shift", "-1",
    "training.augment.shift: expected a whole number between 0 and 64" },
  { "training.augment", "shift", "2.5", "training.augment.shift: expected a whole number" },
  { "training.augment", "noise", "-0.5",
    "training.augment.noise: expected a number between 0 and 10" },
  { "training.augment", "noise", NULL, "training.augment.noise: missing" },
  { "", "discriminator", "[]", "discriminator: expected an object" },
  { "discriminator", "nodes", "{}", "discriminator.nodes: expected a list" },
  { "discriminator", "nodes",
    "[{\"id\": 0, \"kind\": \"warp\", \"name\": \"a\", \"params\": {}, \"inputs\": [], "
    "\"x\": 0, \"y\": 0, \"init\": \"auto\"}]",
    "discriminator.nodes[0].kind: unknown layer kind “warp”" },
  { "discriminator", "weights", "[]", "discriminator.weights: missing “weight” of" },
  { "discriminator", "state", "null", "discriminator.state: weights and state are saved together" },
  { "training", "mode", "\"supervised\"", "training.mode: a project with a discriminator" },
  { "", "optimizer", "[]", "optimizer: expected an object or null" },
  { "optimizer", "kind", "\"lbfgs\"", "optimizer.kind: Unknown optimizer “lbfgs”" },
  { "optimizer", "kind", NULL, "optimizer.kind: missing" },
  { "optimizer", "kind", "\"sgd\"", "optimizer.v: sgd keeps no second moment" },
  { "optimizer", "steps", "-1", "optimizer.steps: expected a whole number between 0" },
  { "optimizer", "steps", "1.5", "optimizer.steps: expected a whole number" },
  { "optimizer", "m", "null", "optimizer.m: adam keeps a first moment" },
  { "optimizer", "m", "\"AAAA\"", "optimizer.m: expected" },
  { "optimizer", "m", "\"A*A=\"", "optimizer.m: not valid base64" },
  { "optimizer", "v", "null", "optimizer.v: adam keeps a second moment" },
  { "optimizer", "v", NULL, "optimizer.v: missing" },
  { "discriminator.optimizer", "v", "\"AAAAAAAA\"", "discriminator.optimizer.v: expected" },
  { "discriminator.optimizer", "steps", "\"7\"", "discriminator.optimizer.steps: expected" },
};

/* An Adam optimizer over m's weights after one step, taken into p. */
static void
take_stepped_optimizer (nn_project *p, nn_model *m, gboolean discriminator)
{
  g_autoptr (nn_optimizer) o = NULL;
  nn_optimizer_config c;
  gsize n;
  float *w = nn_model_weights (m, &n);
  g_autofree float *copy = g_memdup2 (w, n * sizeof (float));

  nn_optimizer_config_init (&c, NN_OPTIMIZER_ADAM);
  o = nn_optimizer_new (&c, n, NULL, NULL);
  nn_optimizer_step (o, copy, w, 0.1);
  if (discriminator)
    nn_project_take_discriminator_optimizer (p, o);
  else
    nn_project_take_optimizer (p, o);
}

/* A valid GAN project as parsed JSON, to break one field of; the
 * optimizers' state (which doubles the document twice over) only when asked. */
static JsonNode *
gan_document (gboolean optimizers)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (nn_model) m = NULL, d = NULL;
  g_autofree char *text = NULL;
  nn_graph *gen = NULL, *disc = NULL;

  g_assert_true (nn_template_build_gan ("gan", NULL, &gen, &disc, &error));
  p = nn_project_new (gen);
  nn_project_set_discriminator (p, disc);
  p->config.mode = NN_MODE_GAN;
  m = nn_model_compile (p->graph, 1, 1, &error);
  d = nn_model_compile (p->discriminator, 1, 1, &error);
  g_assert_no_error (error);
  nn_project_take_weights (p, m);
  nn_project_take_discriminator_weights (p, d);
  if (optimizers)
    {
      take_stepped_optimizer (p, m, FALSE);
      take_stepped_optimizer (p, d, TRUE);
    }
  text = nn_project_to_data (p, NULL);
  return json_from_string (text, NULL);
}

static void
test_bad_field (gconstpointer data)
{
  const field_case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root =
    gan_document (strstr (c->object, "optimizer") != NULL || g_str_equal (c->member, "optimizer"));
  g_autoptr (nn_project) p = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) path = g_strsplit (c->object, ".", -1);
  JsonObject *o = json_node_get_object (root);

  for (int i = 0; path[i] != NULL && path[i][0] != '\0'; i++)
    o = json_object_get_object_member (o, path[i]);
  if (c->value != NULL)
    json_object_set_member (o, c->member, json_from_string (c->value, NULL));
  else
    json_object_remove_member (o, c->member);
  text = json_to_string (root, FALSE);
  p = nn_project_from_data (text, strlen (text), "gan.layerlab", &error);
  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->message);
  g_assert_true (g_str_has_prefix (error->message, "gan.layerlab: "));
}

/* The optimizer's state needs the weights it moved. */
static void
test_optimizer_without_weights (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = gan_document (TRUE);
  g_autoptr (nn_project) p = NULL;
  g_autofree char *text = NULL;
  JsonObject *o = json_node_get_object (root);

  json_object_set_member (o, "weights", json_node_new (JSON_NODE_NULL));
  json_object_set_member (o, "state", json_node_new (JSON_NODE_NULL));
  text = json_to_string (root, FALSE);
  p = nn_project_from_data (text, strlen (text), "gan.layerlab", &error);
  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "gan.layerlab: optimizer: "));
}

static nn_dataset *
xor_data (void)
{
  nn_data_options o = { .samples = 120, .noise = -1, .seed = 3 };
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

/* tiny-mlp on xor with the optimizer asked for, one thread, batch 16. */
static nn_trainer *
xor_trainer (nn_dataset *ds, const nn_graph *g, nn_optimizer_kind kind)
{
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  nn_trainer *t;

  nn_trainer_config_init (&c);
  nn_template_apply_config (nn_template_lookup ("tiny-mlp"), ds, &c);
  c.optimizer = kind;
  c.momentum = kind == NN_OPTIMIZER_RMSPROP ? 0.5 : 0.0;
  c.lr = 0.01;
  c.batch = 16;
  c.epochs = 50;
  c.threads = 1;
  c.seed = 11;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  return t;
}

static void
steps (nn_trainer *t, int n)
{
  for (int i = 0; i < n; i++)
    g_assert_true (nn_trainer_step (t, NULL, NULL));
}

/* The project as its file says it: written and read back. */
static nn_project *
through_file (const nn_project *p)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = nn_project_to_data (p, NULL);
  nn_project *q = nn_project_from_data (text, strlen (text), "run.layerlab", &error);

  g_assert_no_error (error);
  return q;
}

/* An optimizer's kind, steps and arrays come back bit for bit; SGD without
 * momentum has no arrays, and none are written without weights. */
static void
test_optimizer_round_trip (void)
{
  const nn_optimizer_kind kinds[] = { NN_OPTIMIZER_ADAM, NN_OPTIMIZER_RMSPROP, NN_OPTIMIZER_SGD };
  g_autoptr (nn_dataset) ds = xor_data ();
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (nn_trainer) t = xor_trainer (ds, g, kinds[k]);
      g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
      g_autoptr (nn_project) q = NULL;
      g_autoptr (nn_project) r = NULL;
      nn_optimizer_state s;

      steps (t, 5);
      nn_project_take_weights (p, nn_trainer_get_model (t));
      nn_project_take_optimizer (p, nn_trainer_get_optimizer (t));
      q = through_file (p);
      nn_optimizer_get_state (nn_trainer_get_optimizer (t), &s);
      g_assert_nonnull (q->optimizer);
      g_assert_cmpint (q->optimizer->kind, ==, kinds[k]);
      g_assert_cmpint (q->optimizer->steps, ==, 5);
      g_assert_cmpuint (q->optimizer->n, ==, s.n);
      g_assert_true ((q->optimizer->m != NULL) == (s.m != NULL));
      g_assert_true ((q->optimizer->v != NULL) == (s.v != NULL));
      if (s.m != NULL)
        g_assert_cmpmem (q->optimizer->m, s.n * sizeof (float), s.m, s.n * sizeof (float));
      if (s.v != NULL)
        g_assert_cmpmem (q->optimizer->v, s.n * sizeof (float), s.v, s.n * sizeof (float));
      g_assert_true ((s.m == NULL) == (kinds[k] == NN_OPTIMIZER_SGD));

      /* Taking weights again forgets the state of the weights before. */
      nn_project_take_weights (q, nn_trainer_get_model (t));
      g_assert_null (q->optimizer);
      nn_project_clear_weights (p);
      g_assert_null (p->optimizer);
      r = through_file (p);
      g_assert_null (r->optimizer);
    }
}

/* The test that proves a run resumes: N steps, saved and loaded, then M
 * more give the very weights of N + M steps without a stop. The trainer
 * does not resume its data order, so the resumed trainer is first brought
 * to the same place in the data by N steps of its own, then its weights and
 * optimizer are wiped and replaced by the file's. Without the optimizer's
 * state (weights only) the result differs: Adam's moments and bias
 * correction matter. */
static void
test_resume_exact (void)
{
  const int n = 13, m = 9;
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = xor_data ();
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);
  g_autoptr (nn_trainer) a = xor_trainer (ds, g, NN_OPTIMIZER_ADAM);
  g_autoptr (nn_trainer) b = xor_trainer (ds, g, NN_OPTIMIZER_ADAM);
  g_autoptr (nn_trainer) c = xor_trainer (ds, g, NN_OPTIMIZER_ADAM);
  g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_project) q = NULL;
  nn_trainer *resumed[] = { b, c };
  gsize nw;
  float *wa;

  steps (a, n);
  nn_project_take_weights (p, nn_trainer_get_model (a));
  nn_project_take_optimizer (p, nn_trainer_get_optimizer (a));
  q = through_file (p);
  steps (a, m);
  wa = nn_model_weights (nn_trainer_get_model (a), &nw);

  for (int i = 0; i < 2; i++)
    {
      nn_trainer *t = resumed[i];
      gsize n_t;
      float *w;

      steps (t, n);
      w = nn_model_weights (nn_trainer_get_model (t), &n_t);
      g_assert_cmpuint (n_t, ==, nw);
      memset (w, 0, n_t * sizeof (float));
      nn_optimizer_reset (nn_trainer_get_optimizer (t));
      g_assert_true (nn_project_apply_weights (q, nn_trainer_get_model (t), &error));
      if (t == b)
        g_assert_true (nn_project_apply_optimizer (q, nn_trainer_get_optimizer (t), &error));
      g_assert_no_error (error);
      steps (t, m);
    }
  g_assert_cmpint (nn_optimizer_steps (nn_trainer_get_optimizer (b)), ==, n + m);
  g_assert_cmpmem (nn_model_weights (nn_trainer_get_model (b), NULL), nw * sizeof (float), wa,
                   nw * sizeof (float));
  g_assert_true (
    memcmp (nn_model_weights (nn_trainer_get_model (c), NULL), wa, nw * sizeof (float)) != 0);
}

/* Resumed with another kind, the optimizer starts fresh, silently; state
 * for another model is refused. */
static void
test_optimizer_other_kind (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = xor_data ();
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);
  g_autoptr (nn_trainer) adam = xor_trainer (ds, g, NN_OPTIMIZER_ADAM);
  g_autoptr (nn_trainer) sgd = xor_trainer (ds, g, NN_OPTIMIZER_SGD);
  g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_optimizer) other = NULL;
  nn_optimizer_config oc;

  steps (adam, 3);
  steps (sgd, 2);
  nn_project_take_weights (p, nn_trainer_get_model (adam));
  nn_project_take_optimizer (p, nn_trainer_get_optimizer (adam));
  g_assert_true (nn_project_apply_optimizer (p, nn_trainer_get_optimizer (sgd), &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_optimizer_steps (nn_trainer_get_optimizer (sgd)), ==, 0);

  nn_optimizer_config_init (&oc, NN_OPTIMIZER_ADAM);
  other = nn_optimizer_new (&oc, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (nn_project_apply_optimizer (p, other, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
}

/* An opened project saved again keeps its weights and optimizer, unless
 * its model changed. */
static void
test_copy_trained (void)
{
  g_autoptr (nn_dataset) ds = xor_data ();
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);
  g_autoptr (nn_trainer) t = xor_trainer (ds, g, NN_OPTIMIZER_ADAM);
  g_autoptr (nn_project) p = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_project) q = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_project) edited = nn_project_new (nn_graph_copy (g));
  g_autoptr (nn_project) gan = nn_project_new (nn_graph_copy (g));
  g_autofree char *text_p = NULL, *text_q = NULL;
  int dense = -1;

  steps (t, 3);
  nn_project_take_weights (p, nn_trainer_get_model (t));
  nn_project_take_optimizer (p, nn_trainer_get_optimizer (t));
  nn_project_set_normalisation (p, ds->mean, ds->inv_std, (int) nn_dataset_input_size (ds));
  nn_project_copy_trained (q, p);
  text_p = nn_project_to_data (p, NULL);
  text_q = nn_project_to_data (q, NULL);
  g_assert_cmpstr (text_p, ==, text_q);
  g_assert_nonnull (q->optimizer);

  for (int i = 0; i < nn_graph_n_nodes (edited->graph) && dense < 0; i++)
    if (g_str_equal (nn_graph_nth_node (edited->graph, i)->desc.ops->id, "dense"))
      dense = nn_graph_nth_node (edited->graph, i)->id;
  g_assert_true (nn_graph_set_param (edited->graph, dense, "units", 5, NULL));
  nn_project_copy_trained (edited, p);
  g_assert_null (edited->weights);
  g_assert_null (edited->optimizer);

  /* Half a GAN is not copied. */
  nn_project_set_discriminator (gan, nn_graph_copy (g));
  nn_project_copy_trained (gan, p);
  g_assert_null (gan->weights);
}

/* Weights saved for one graph do not go into another. */
static void
test_apply_mismatch (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("project/good.layerlab");
  g_autoptr (nn_project) p = nn_project_load (path, &error);
  g_autoptr (nn_model) m = NULL;
  g_autofree float *before = NULL;
  float *w;
  gsize n;

  g_assert_no_error (error);
  g_assert_true (nn_graph_set_param (p->graph, 1, "units", 4, NULL));
  m = nn_model_compile (p->graph, 1, 0, &error);
  g_assert_no_error (error);
  w = nn_model_weights (m, &n);
  before = g_memdup2 (w, n * sizeof (float));
  g_assert_false (nn_project_apply_weights (p, m, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "dense1"));
  g_assert_cmpmem (before, n * sizeof (float), w, n * sizeof (float));
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

typedef struct
{
  const char *file;
  int code;
  const char *message; /* a part of the message that must appear */
} bad_case;

static const bad_case bad_cases[] = {
  { "wrong-format", NN_ERROR_DATA, "wrong-format.layerlab: not a Layerlab project" },
  { "newer-version", NN_ERROR_UNSUPPORTED, "file version 2" },
  { "missing-graph", NN_ERROR_DATA, ": graph: missing" },
  { "missing-kind", NN_ERROR_DATA, "graph.nodes[1].kind: missing" },
  { "unknown-kind", NN_ERROR_DATA, "graph.nodes[2].kind: unknown layer kind “transformer”" },
  { "param-out-of-range", NN_ERROR_DATA,
    "graph.nodes[1].params.units: expected a whole number between 1 and" },
  { "param-wrong-type", NN_ERROR_DATA, "graph.nodes[1].params.units: expected a whole number" },
  { "unknown-param", NN_ERROR_DATA, "graph.nodes[1].params.kernel: " },
  { "bad-input", NN_ERROR_DATA, "graph.nodes[3].inputs[0]: no node has the id 9" },
  { "duplicate-id", NN_ERROR_DATA, "graph.nodes[3]: " },
  { "weight-shape", NN_ERROR_DATA, "weights[0]: “weight” of" },
  { "bad-base64", NN_ERROR_DATA, "weights[1].data: not valid base64" },
  { "short-weights", NN_ERROR_DATA, "weights[2].data: expected 6 values" },
  { "missing-weight", NN_ERROR_DATA, "weights: missing “bias”" },
  { "weight-unknown-node", NN_ERROR_DATA, "weights[0]: " },
  { "history-length", NN_ERROR_DATA, "history.accuracy: expected 3 values" },
  { "normalisation-size", NN_ERROR_DATA, "normalisation.mean: expected 3 values" },
  { "bad-optimizer", NN_ERROR_DATA, "training.optimizer: " },
  { "missing-training-field", NN_ERROR_DATA, "training.batch: missing" },
  { "truncated", NN_ERROR_DATA, "truncated.layerlab: not a Layerlab project: broken JSON at line" },
  { "not-json", NN_ERROR_DATA, "not-json.layerlab: not a Layerlab project: broken JSON at line 1" },
  { "empty", NN_ERROR_DATA, "empty.layerlab: the file is empty" },
};

static void
test_bad (gconstpointer data)
{
  const bad_case *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("project/%s.layerlab", c->file);
  g_autofree char *path = test_fixture_path (name);
  g_autoptr (nn_project) p = nn_project_load (path, &error);

  g_assert_null (p);
  g_assert_error (error, NN_ERROR, c->code);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->message);
  /* One line: the CLI prints it as is. */
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_load ("/nonexistent-layerlab/none.layerlab", &error);

  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "none.layerlab"));
}

/* --- The data's preparation -------------------------------------------- */

static const nn_prep_step prep_steps[] = {
  { NN_PREP_IMPUTE, NN_IMPUTE_MEDIAN },        { NN_PREP_DROP_DUPLICATES, 0 },
  { NN_PREP_IMPUTE, NN_IMPUTE_MOST_FREQUENT }, { NN_PREP_IMPUTE, NN_IMPUTE_DROP },
  { NN_PREP_IMPUTE, NN_IMPUTE_MEAN },
};

/* A project on a CSV with prep_steps, as JSON text. */
static char *
prepared_document (void)
{
  g_autoptr (nn_project) p = nn_project_new (nn_graph_new ());
  nn_data_options o = { .label = "label" };

  nn_project_set_data (p, "csv:/data/quality.csv", &o);
  nn_project_set_preparation (p, prep_steps, G_N_ELEMENTS (prep_steps));
  return nn_project_to_data (p, NULL);
}

static void
test_preparation_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = prepared_document ();
  g_autoptr (nn_project) back = nn_project_from_data (text, strlen (text), "p.layerlab", &error);
  g_autoptr (JsonNode) root = json_from_string (text, NULL);
  g_autofree char *old = NULL;
  g_autoptr (nn_project) old_p = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (back->preparation->len, ==, G_N_ELEMENTS (prep_steps));
  for (guint i = 0; i < G_N_ELEMENTS (prep_steps); i++)
    {
      const nn_prep_step *s = &g_array_index (back->preparation, nn_prep_step, i);

      g_assert_cmpint (s->kind, ==, prep_steps[i].kind);
      if (s->kind == NN_PREP_IMPUTE)
        g_assert_cmpint (s->how, ==, prep_steps[i].how);
    }
  g_assert_nonnull (strstr (text, "\"how\" : \"most_frequent\""));
  g_assert_cmpstr (back->data_label, ==, "label");

  /* A file written before preparation existed reads as none. */
  json_object_remove_member (json_object_get_object_member (json_node_get_object (root), "dataset"),
                             "preparation");
  old = json_to_string (root, FALSE);
  old_p = nn_project_from_data (old, strlen (old), "old.layerlab", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old_p->preparation->len, ==, 0);
  g_assert_cmpstr (old_p->data_spec, ==, "csv:/data/quality.csv");
}

typedef struct
{
  const char *value; /* JSON of "preparation" */
  const char *message;
} prep_case;

static const prep_case prep_cases[] = {
  { "[{\"step\": \"impute\", \"how\": \"mean\"}, {\"step\": \"shuffle\"}]",
    "p.layerlab: dataset.preparation[1].step: expected one of impute, drop_duplicates, not "
    "“shuffle”" },
  { "[{\"step\": \"impute\", \"how\": \"mode\"}]",
    "p.layerlab: dataset.preparation[0].how: expected one of drop, mean, median, most_frequent, "
    "not “mode”" },
  { "[{\"step\": \"impute\"}]", "p.layerlab: dataset.preparation[0].how: missing" },
  { "[{\"how\": \"mean\"}]", "p.layerlab: dataset.preparation[0].step: missing" },
  { "[{\"step\": 2}]", "p.layerlab: dataset.preparation[0].step: expected a string" },
  { "[\"impute\"]", "p.layerlab: dataset.preparation[0]: expected an object" },
  { "{}", "p.layerlab: dataset.preparation: expected a list" },
};

static void
test_preparation_bad (gconstpointer data)
{
  const prep_case *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = prepared_document ();
  g_autoptr (JsonNode) root = json_from_string (text, NULL);
  g_autofree char *broken = NULL;
  g_autoptr (nn_project) p = NULL;

  json_object_set_member (json_object_get_object_member (json_node_get_object (root), "dataset"),
                          "preparation", json_from_string (c->value, NULL));
  broken = json_to_string (root, FALSE);
  p = nn_project_from_data (broken, strlen (broken), "p.layerlab", &error);
  g_assert_null (p);
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_cmpstr (error->message, ==, c->message);
}

static nn_dataset *
open_quality_csv (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_fixture_path ("data/csv/quality.csv");
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  nn_dataset *ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  /* the fixture: 7 rows, 2 with a missing value, 2 duplicates */
  g_assert_cmpint (ds->n_samples, ==, 7);
  g_assert_cmpint (ds->quality.rows_with_missing, ==, 2);
  g_assert_cmpint (ds->quality.duplicates, ==, 2);
  return ds;
}

/* Order matters: filling first keeps both rows with a gap, dropping them
 * first leaves fewer samples. */
static void
test_preparation_apply (void)
{
  static const nn_prep_step fill_then_dedup[] = { { NN_PREP_IMPUTE, NN_IMPUTE_MEAN },
                                                  { NN_PREP_DROP_DUPLICATES, 0 } };
  static const nn_prep_step drop_then_dedup[] = { { NN_PREP_IMPUTE, NN_IMPUTE_DROP },
                                                  { NN_PREP_DROP_DUPLICATES, 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = nn_project_new (nn_graph_new ());
  nn_dataset *ds = open_quality_csv ();
  g_autofree char *report = NULL;
  g_auto (GStrv) lines = NULL;
  gsize size = nn_dataset_input_size (ds);

  nn_project_set_preparation (p, fill_then_dedup, G_N_ELEMENTS (fill_then_dedup));
  g_assert_true (nn_project_prepare (p, ds, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 5);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  g_assert_cmpint (ds->quality.duplicates, ==, 0);
  for (gsize k = 0; k < (gsize) ds->n_samples * size; k++)
    g_assert_false (isnan (ds->f32[k]));
  lines = g_strsplit (report, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "2"));
  g_assert_nonnull (strstr (lines[1], "2"));
  nn_dataset_free (ds);

  ds = open_quality_csv ();
  nn_project_set_preparation (p, drop_then_dedup, G_N_ELEMENTS (drop_then_dedup));
  g_assert_true (nn_project_prepare (p, ds, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_samples, ==, 3);
  g_assert_cmpint (ds->quality.missing_values, ==, 0);
  nn_dataset_free (ds);

  /* no steps: nothing changes, nothing to report */
  ds = open_quality_csv ();
  nn_project_set_preparation (p, NULL, 0);
  g_clear_pointer (&report, g_free);
  g_assert_true (nn_project_prepare (p, ds, &report, &error));
  g_assert_null (report);
  g_assert_cmpint (ds->n_samples, ==, 7);
  nn_dataset_free (ds);
}

/* A step that empties the data is refused, naming it. */
static void
test_preparation_empties (void)
{
  static const nn_prep_step drop[] = { { NN_PREP_IMPUTE, NN_IMPUTE_DROP } };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-prep-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gaps.csv", NULL);
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  nn_dataset *ds;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "a,b,label\n1,,x\n,2,y\n3,,x\n", -1, &error));
  ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (nn_prep_apply (drop, 1, ds, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "gaps.csv"));
  g_assert_nonnull (strstr (error->message, "impute (drop)"));
  nn_dataset_free (ds);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/round-trip/seed-cnn", test_round_trip_cnn);
  g_test_add_func ("/io/project/round-trip/batchnorm-state", test_round_trip_state);
  g_test_add_func ("/io/project/good-fixture", test_good_fixture);
  g_test_add_func ("/io/project/apply-mismatch", test_apply_mismatch);
  g_test_add_func ("/io/project/save-unwritable", test_save_unwritable);
  g_test_add_func ("/io/project/missing-file", test_missing_file);
  g_test_add_func ("/io/project/gan-round-trip", test_gan_round_trip);
  g_test_add_func ("/io/project/moved-folder", test_moved_folder);
  g_test_add_func ("/io/project/spec-paths", test_spec_paths);
  g_test_add_func ("/io/project/optimizer/round-trip", test_optimizer_round_trip);
  g_test_add_func ("/io/project/optimizer/resume-exact", test_resume_exact);
  g_test_add_func ("/io/project/optimizer/other-kind", test_optimizer_other_kind);
  g_test_add_func ("/io/project/optimizer/without-weights", test_optimizer_without_weights);
  g_test_add_func ("/io/project/copy-trained", test_copy_trained);
  g_test_add_func ("/io/project/preparation/round-trip", test_preparation_round_trip);
  g_test_add_func ("/io/project/preparation/apply", test_preparation_apply);
  g_test_add_func ("/io/project/preparation/empties", test_preparation_empties);
  for (gsize i = 0; i < G_N_ELEMENTS (prep_cases); i++)
    {
      g_autofree char *test = g_strdup_printf ("/io/project/preparation/bad/%" G_GSIZE_FORMAT, i);

      g_test_add_data_func (test, &prep_cases[i], test_preparation_bad);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (field_cases); i++)
    {
      const field_case *c = &field_cases[i];
      g_autofree char *test =
        g_strdup_printf ("/io/project/bad-field/%s%s%s/%" G_GSIZE_FORMAT, c->object,
                         c->object[0] != '\0' ? "." : "", c->member, i);

      g_test_add_data_func (test, &field_cases[i], test_bad_field);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *test = g_strdup_printf ("/io/project/bad/%s", bad_cases[i].file);

      g_test_add_data_func (test, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
