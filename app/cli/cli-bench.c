/* cli-bench.c — `layerlab-cli bench`: training steps per second of a model
 * on random data of its input shape, measured the way bench/torch_bench.py
 * measures PyTorch (same recipe: Adam at 0.001, cross-entropy, one fixed
 * batch, warm-up, then the median of several timed windows), so the two can
 * be compared side by side (bench/compare.py). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli-bench.h"
#include "cli-common.h"
#include "kernels/threads.h"
#include "loss.h"
#include "optimizer.h"

typedef struct
{
  nn_model *model;
  nn_optimizer *opt;
  nn_loss_kind loss;
  float *x, *d_out;
  gint32 *labels;
  int batch, k;
  nn_rng rng;
} bench;

static void
bench_step (bench *b)
{
  gboolean from_logits = nn_model_has_final_softmax (b->model);
  const float *out;
  float *w, *g;
  gsize n;

  nn_model_forward (b->model, b->x, b->batch, TRUE, &b->rng);
  out = from_logits ? nn_model_logits (b->model) : nn_model_output (b->model);
  nn_loss_compute (b->loss, out, b->batch, b->k, b->labels, NULL, b->d_out);
  nn_model_backward (b->model, b->d_out, b->batch, from_logits);
  w = nn_model_weights (b->model, &n);
  g = nn_model_grads (b->model, NULL);
  nn_optimizer_step (b->opt, w, g, 1e-3);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
cli_bench (int argc, char **argv)
{
  g_autofree char *model = NULL;
  int batch = 32, steps = 100, windows = 5, threads = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A template (mlp, seed-cnn, lenet, tiny-mlp) or a .layerlab project"), N_ ("MODEL") },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, N_ ("Samples per step (default 32)"), N_ ("N") },
    { "steps", 's', 0, G_OPTION_ARG_INT, &steps, N_ ("Steps per timed window (default 100)"),
      N_ ("N") },
    { "windows", 'w', 0, G_OPTION_ARG_INT, &windows,
      N_ ("Timed windows; the median is reported (default 5)"), N_ ("N") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Cores to use (default: all)"), N_ ("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_graph) g = NULL;
  g_autofree double *rates = NULL;
  nn_optimizer_config oc;
  GError *error = NULL;
  bench b = { 0 };
  gsize n_weights;
  int warmup;

  g_option_context_set_summary (context, _ ("Time training steps (forward, backward, Adam) of a "
                                            "model on random data of its input shape."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if (batch < 1 || batch > 65536)
    return cli_usage_error (context, _ ("--batch must be between 1 and 65536"));
  if (steps < 1 || windows < 1 || windows > 1000)
    return cli_usage_error (context, _ ("--steps and --windows must be at least 1"));
  if (threads < 0)
    return cli_usage_error (context, _ ("--threads must be 0 (all cores) or more"));

  nn_threads_set (threads);
  g = cli_open_model (model, NULL, NULL, &error);
  if (g == NULL)
    return cli_fail (error);
  b.model = nn_model_compile (g, batch, 0, &error);
  if (b.model == NULL)
    return cli_fail (error);
  b.batch = batch;
  b.loss = NN_LOSS_CROSS_ENTROPY;
  /* A final Softmax keeps the size: logits and outputs are both k wide. */
  b.k = (int) nn_model_output_size (b.model);
  nn_optimizer_config_init (&oc, NN_OPTIMIZER_ADAM);
  nn_model_weights (b.model, &n_weights);
  b.opt = nn_optimizer_new (&oc, n_weights, nn_model_decay_mask (b.model), &error);
  if (b.opt == NULL)
    {
      nn_model_free (b.model);
      return cli_fail (error);
    }

  /* The same fixed random batch every step, as torch_bench.py does. */
  nn_rng_seed (&b.rng, 0, 3);
  b.x = g_new (float, (gsize) batch *nn_model_input_size (b.model));
  b.labels = g_new (gint32, batch);
  b.d_out = g_new (float, (gsize) batch *b.k);
  for (gsize i = 0; i < (gsize) batch * nn_model_input_size (b.model); i++)
    b.x[i] = nn_rng_uniform (&b.rng);
  for (int i = 0; i < batch; i++)
    b.labels[i] = (gint32) nn_rng_below (&b.rng, (guint32) b.k);

  warmup = MAX (10, steps / 5);
  for (int i = 0; i < warmup; i++)
    bench_step (&b);
  rates = g_new (double, windows);
  for (int wdx = 0; wdx < windows; wdx++)
    {
      gint64 start = g_get_monotonic_time ();

      for (int i = 0; i < steps; i++)
        bench_step (&b);
      rates[wdx] = (double) steps * batch / ((g_get_monotonic_time () - start) / 1e6);
    }

  {
    g_autofree double *sorted = g_memdup2 (rates, sizeof (double) * windows);
    double median, lo, hi;

    qsort (sorted, windows, sizeof (double), compare_doubles);
    median =
      windows % 2 ? sorted[windows / 2] : (sorted[windows / 2 - 1] + sorted[windows / 2]) / 2.0;
    lo = sorted[0];
    hi = sorted[windows - 1];
    if (json)
      {
        g_autoptr (JsonBuilder) jb = json_builder_new ();

        json_builder_begin_object (jb);
        cli_json_add_double (jb, "samples_per_s", median);
        cli_json_add_double (jb, "min", lo);
        cli_json_add_double (jb, "max", hi);
        json_builder_set_member_name (jb, "threads");
        json_builder_add_int_value (jb, nn_threads_get ());
        json_builder_set_member_name (jb, "model");
        json_builder_add_string_value (jb, model);
        json_builder_set_member_name (jb, "batch");
        json_builder_add_int_value (jb, batch);
        json_builder_end_object (jb);
        cli_print_json (jb);
      }
    else
      {
        g_autofree char *med_s = cli_format_count ((guint64) median);
        g_autofree char *lo_s = cli_format_count ((guint64) lo);
        g_autofree char *hi_s = cli_format_count ((guint64) hi);

        printf (_ ("%s, batch %d, %d threads: %s samples/s (median of %d windows of %d steps; "
                   "min %s, max %s)\n"),
                model, batch, nn_threads_get (), med_s, windows, steps, lo_s, hi_s);
      }
  }

  nn_optimizer_free (b.opt);
  nn_model_free (b.model);
  g_free (b.x);
  g_free (b.labels);
  g_free (b.d_out);
  return 0;
}
