/* test-project-errors.c — every broken .layerlab file is refused with a
 * message naming the field: the fixtures from
 * tests/fixtures/project/make-fixtures.py, and a GAN's document with one
 * field at a time broken. */
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"
#include "trainer.h"
#include <json-glib/json-glib.h>

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/missing-file", test_missing_file);
  g_test_add_func ("/io/project/optimizer/without-weights", test_optimizer_without_weights);
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
