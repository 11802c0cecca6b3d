/* test-data-parallel.c — a training step split between threads by samples
 * (engine/model-parallel.c) gives the numbers of the layer-by-layer step up
 * to the rounding of the gradient sum, the same bits run after run, and
 * Dropout's masks exactly; shares that do not divide evenly, short batches,
 * the resampling layers, and models that cannot be split (BatchNorm) too. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "graph.h"
#include "kernels/threads.h"
#include "loss.h"
#include "model-private.h"
#include "templates.h"
#include "trainer.h"

/* Puts a new `kind` node on the edge from → to. */
static void
insert (nn_graph *g, const char *from, const char *to, const char *kind, double rate)
{
  const nn_node *a = nn_graph_lookup_name (g, from), *b = nn_graph_lookup_name (g, to);
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (nn_graph_disconnect (g, a->id, b->id));
  g_assert_true (nn_graph_connect (g, a->id, id, -1, NULL));
  g_assert_true (nn_graph_connect (g, id, b->id, -1, NULL));
  if (rate > 0)
    g_assert_true (nn_graph_set_param (g, id, "rate", rate, NULL));
}

typedef struct
{
  float *w;   /* weights after the steps */
  float *g;   /* the last step's gradients */
  float *out; /* the last forward's outputs */
  gsize n_w, n_out;
  nn_rng rng;     /* the dropout stream after the steps */
  gboolean split; /* the last forward shared its samples between threads */
} Run;

static void
run_clear (Run *r)
{
  g_free (r->w);
  g_free (r->g);
  g_free (r->out);
}

/* `steps` steps of plain gradient descent on one fixed random batch of
 * `batch` samples, the last one short (`last` samples) when last > 0, with
 * the engine on `threads` threads. */
static void
train (const nn_graph *graph, int batch, int last, int steps, int threads, Run *r)
{
  g_autoptr (GError) error = NULL;
  nn_model *m;
  nn_rng data_rng;
  gsize in_size;
  int k;
  g_autofree float *x = NULL, *d_out = NULL;
  g_autofree gint32 *labels = NULL;
  gboolean fused;

  nn_threads_set (threads);
  m = nn_model_compile (graph, batch, 5, &error);
  g_assert_no_error (error);
  fused = nn_model_has_final_softmax (m);
  in_size = nn_model_input_size (m);
  k = (int) nn_model_output_size (m);
  nn_rng_seed (&data_rng, 9, 0);
  x = g_new (float, in_size *batch);
  d_out = g_new (float, (gsize) k *batch);
  labels = g_new (gint32, batch);
  for (gsize i = 0; i < in_size * batch; i++)
    x[i] = nn_rng_uniform (&data_rng);
  for (int i = 0; i < batch; i++)
    labels[i] = (gint32) nn_rng_below (&data_rng, (guint32) k);
  nn_rng_seed (&r->rng, 5, 2);

  for (int s = 0; s < steps; s++)
    {
      int n = s == steps - 1 && last > 0 ? last : batch;
      const float *out;
      float *w, *g;
      double loss;

      nn_model_forward (m, x, n, TRUE, &r->rng);
      r->split = m->split_threads > 0;
      out = fused ? nn_model_logits (m) : nn_model_output (m);
      loss = nn_loss_compute (NN_LOSS_CROSS_ENTROPY, out, n, k, labels, NULL, d_out);
      g_assert_true (isfinite (loss));
      nn_model_backward (m, d_out, n, fused);
      w = nn_model_weights (m, &r->n_w);
      g = nn_model_grads (m, NULL);
      for (gsize i = 0; i < r->n_w; i++)
        w[i] -= 0.05f * g[i];
      if (s == steps - 1)
        {
          r->n_out = (gsize) n * k;
          r->out = g_memdup2 (nn_model_output (m), r->n_out * sizeof (float));
        }
    }
  r->w = g_memdup2 (nn_model_weights (m, NULL), r->n_w * sizeof (float));
  r->g = g_memdup2 (nn_model_grads (m, NULL), r->n_w * sizeof (float));
  nn_model_free (m);
  nn_threads_set (0);
}

static double
norm (const float *a, gsize n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (double) a[i] * a[i];
  return sqrt (sum);
}

/* ‖a − b‖ / ‖a‖ */
static double
relative_difference (const float *a, const float *b, gsize n)
{
  double diff = 0;

  for (gsize i = 0; i < n; i++)
    diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
  return sqrt (diff) / MAX (norm (a, n), 1e-30);
}

/* One thread against `threads`, and `threads` against itself. */
static void
check (const nn_graph *g, int batch, int last, int threads, gboolean splits)
{
  Run one = { 0 }, split = { 0 }, again = { 0 };

  train (g, batch, last, 4, 1, &one);
  train (g, batch, last, 4, threads, &split);
  train (g, batch, last, 4, threads, &again);

  g_assert_cmpint (split.split, ==, splits);
  g_assert_cmpuint (one.n_w, ==, split.n_w);
  g_assert_cmpfloat (relative_difference (one.w, split.w, one.n_w), <, 1e-5);
  g_assert_cmpfloat (relative_difference (one.g, split.g, one.n_w), <, 1e-4);
  g_assert_cmpfloat (relative_difference (one.out, split.out, one.n_out), <, 1e-5);
  /* there was something to compare: the gradients are not all zero */
  g_assert_cmpfloat (norm (one.g, one.n_w), >, 1e-6);
  /* the split pass draws what the layer-by-layer pass draws */
  g_assert_cmpmem (&one.rng, sizeof one.rng, &split.rng, sizeof split.rng);

  g_assert_cmpmem (split.w, split.n_w * sizeof (float), again.w, again.n_w * sizeof (float));
  g_assert_cmpmem (split.out, split.n_out * sizeof (float), again.out,
                   again.n_out * sizeof (float));
  run_clear (&one);
  run_clear (&split);
  run_clear (&again);
}

static void
test_lenet (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);

  g_assert_nonnull (g);
  check (g, 16, 0, 2, TRUE);
}

/* Two Dropouts: each thread's draws start where the layer-by-layer pass
 * would be, so the masks are the same and so are the numbers. */
static void
test_dropout (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);

  insert (g, "flatten1", "dense1", "dropout", 0.3);
  insert (g, "relu3", "dense2", "dropout", 0.5);
  check (g, 12, 0, 2, TRUE);
}

/* 9 samples on 2 threads (5 + 4), a short last batch of 5 on 3 threads
 * planned for 10, and a last batch of 2 on 3 threads (one each, one idle). */
static void
test_uneven (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);

  insert (g, "relu3", "dense2", "dropout", 0.5);
  check (g, 9, 0, 2, TRUE);
  check (g, 10, 5, 3, TRUE);
  check (g, 10, 2, 3, TRUE);
}

/* Resize2D (bicubic, shrinking), UpSampling2D and PixelShuffle (in
 * TensorFlow's order) are per sample: they split like the rest. */
static void
test_resampling (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);
  const nn_node *n;

  insert (g, "maxpool2d1", "conv2d2", "resize2d", 0);
  n = nn_graph_lookup_name (g, "resize2d1");
  g_assert_nonnull (n);
  g_assert_true (nn_graph_set_param (g, n->id, "height", 11, NULL));
  g_assert_true (nn_graph_set_param (g, n->id, "interpolation", 2, NULL));
  insert (g, "resize2d1", "conv2d2", "upsampling2d", 0);
  insert (g, "conv2d2", "relu2", "pixel_shuffle", 0);
  n = nn_graph_lookup_name (g, "pixel_shuffle1");
  g_assert_nonnull (n);
  g_assert_true (nn_graph_set_param (g, n->id, "order", 1, NULL));
  check (g, 9, 0, 2, TRUE);
}

/* BatchNorm couples the samples while training: the model runs layer by
 * layer on any thread count, with the same result. */
static void
test_batchnorm (void)
{
  g_autoptr (nn_graph) g = nn_template_build ("lenet", NULL, NULL);

  insert (g, "dense1", "relu3", "batchnorm", 0);
  check (g, 8, 0, 2, FALSE);
}

/* Input (a sequence of 6 steps of 4 features) → `kind` → Dense 3: the
 * recurrent layers carry state along a sample's steps, never across
 * samples. */
static nn_graph *
recurrent_graph (const char *kind)
{
  nn_graph *g = nn_graph_new ();
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int rec = nn_graph_add_node (g, nn_layer_lookup (kind));
  int head = nn_graph_add_node (g, nn_layer_lookup ("dense"));

  g_assert_true (nn_graph_set_param (g, in, "channels", 0, NULL));
  g_assert_true (nn_graph_set_param (g, in, "height", 6, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 4, NULL));
  g_assert_true (nn_graph_set_param (g, rec, "units", 8, NULL));
  g_assert_true (nn_graph_set_param (g, head, "units", 3, NULL));
  g_assert_true (nn_graph_connect (g, in, rec, -1, NULL));
  g_assert_true (nn_graph_connect (g, rec, head, -1, NULL));
  return g;
}

static void
test_recurrent (void)
{
  static const char *const kinds[] = { "simple_rnn", "lstm", "gru" };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (nn_graph) g = recurrent_graph (kinds[i]);

      check (g, 7, 0, 2, TRUE);
    }
}

/* Through the trainer: two runs with the same seed on two threads end with
 * the same bits, and one thread ends close to them. */
static void
test_trainer (void)
{
  nn_data_options o = { .samples = 300, .noise = -1, .seed = 3 };
  g_autoptr (nn_dataset) ds = nn_dataset_open ("spiral", &o, NULL, NULL, NULL, NULL);
  g_autoptr (nn_graph) g = NULL;
  float *w[3];
  gsize n[3];

  g_assert_nonnull (ds);
  g = nn_template_build ("mlp", ds, NULL);
  insert (g, "relu1", "dense2", "dropout", 0.2);
  for (int run = 0; run < 3; run++)
    {
      g_autoptr (nn_trainer) t = NULL;
      g_autoptr (GError) error = NULL;
      nn_trainer_config c;

      nn_trainer_config_init (&c);
      nn_template_apply_config (nn_template_lookup ("mlp"), ds, &c);
      c.epochs = 2;
      c.batch = 25;
      c.seed = 4;
      c.threads = run == 0 ? 1 : 2;
      t = nn_trainer_new (g, ds, &c, &error);
      g_assert_no_error (error);
      g_assert_true (nn_trainer_fit (t, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      w[run] = nn_trainer_snapshot_weights (t, &n[run]);
    }
  nn_threads_set (0);
  g_assert_cmpfloat (relative_difference (w[0], w[1], n[0]), <, 1e-4);
  g_assert_cmpmem (w[1], n[1] * sizeof (float), w[2], n[2] * sizeof (float));
  for (int i = 0; i < 3; i++)
    nn_free_floats (w[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/data-parallel/lenet", test_lenet);
  g_test_add_func ("/engine/data-parallel/dropout", test_dropout);
  g_test_add_func ("/engine/data-parallel/uneven", test_uneven);
  g_test_add_func ("/engine/data-parallel/resampling", test_resampling);
  g_test_add_func ("/engine/data-parallel/batchnorm", test_batchnorm);
  g_test_add_func ("/engine/data-parallel/recurrent", test_recurrent);
  g_test_add_func ("/engine/data-parallel/trainer", test_trainer);
  return g_test_run ();
}
