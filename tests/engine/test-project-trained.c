/* test-project-trained.c — a project's trained state: the optimizer's
 * state goes through the file bit for bit and a run resumes exactly from
 * it, state that does not fit is refused, and an opened project saved
 * again keeps its training unless its model changed. */
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"
#include "trainer.h"

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/project/apply-mismatch", test_apply_mismatch);
  g_test_add_func ("/io/project/optimizer/round-trip", test_optimizer_round_trip);
  g_test_add_func ("/io/project/optimizer/resume-exact", test_resume_exact);
  g_test_add_func ("/io/project/optimizer/other-kind", test_optimizer_other_kind);
  g_test_add_func ("/io/project/copy-trained", test_copy_trained);
  return g_test_run ();
}
