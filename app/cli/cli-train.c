/* cli-train.c — `layerlab-cli train`: trains a template or a saved project
 * on a dataset, with the defaults a user wants (the template's recommended
 * optimizer, rate, batch and epochs; missing values imputed by the mean;
 * normalisation fitted on the training part by the trainer), reports
 * progress on stderr or JSON lines on stdout, and can save the result.
 * Autoencoder and GAN templates train in their own mode; --samples writes
 * what a generative model makes as a PNG grid. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"
#include "cli-train.h"
#include "error.h"
#include "io/image-grid.h"
#include "kernels/threads.h"
#include "templates.h"

typedef struct
{
  gboolean json;
  gboolean tty;       /* stderr is a terminal: draw a progress bar */
  gboolean bar_drawn; /* a bar is on the current line of stderr */
  gint64 last_draw;   /* µs; the bar redraws at most 10 times a second */
  int epochs;
  double samples, seconds; /* summed over epochs, for the final rate */
  double batch_rate;       /* the last batch's, for a run stopped within its first epoch */
  GArray *history;         /* nn_epoch_record */
  nn_train_event *done;
  GCancellable *stop; /* cancelled on Ctrl-C */
  gboolean gan;       /* no test part to report */
} train_run;

/* Ctrl-C stops the run after the current batch: the test part is still
 * evaluated and --save still saves, so an interrupted run is not lost. A
 * second Ctrl-C kills at once (the handler restores the default). */
static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  interrupted = 1;
  signal (SIGINT, SIG_DFL);
}

static char *
format_percent (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.2f %%", 100.0 * v) : g_strdup ("—");
}

static char *
format_number (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.4f", v) : g_strdup ("—");
}

static void
clear_bar (train_run *run)
{
  if (run->bar_drawn)
    {
      fputs ("\r\033[K", stderr);
      run->bar_drawn = FALSE;
    }
}

static void
draw_bar (train_run *run, const nn_train_event *e)
{
  enum
  {
    WIDTH = 24
  };
  gint64 now = g_get_monotonic_time ();
  double fraction = e->batches_per_epoch > 0 ? (e->batch + 1.0) / e->batches_per_epoch : 0.0;
  int filled = (int) (fraction * WIDTH);
  char bar[WIDTH + 1];
  g_autofree char *loss = format_number (e->loss);
  g_autofree char *rate = cli_format_count ((guint64) MAX (e->samples_per_s, 0.0));
  int eta = isfinite (e->eta_s) ? (int) e->eta_s : 0;

  if (now - run->last_draw < 100000 && e->batch + 1 < e->batches_per_epoch)
    return;
  run->last_draw = now;
  for (int i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  fprintf (stderr, "\r\033[K");
  fprintf (stderr, _ ("Epoch %d/%d [%s] %3.0f%%  loss %s  %s samples/s  ETA %d:%02d"), e->epoch,
           run->epochs, bar, 100.0 * fraction, loss, rate, eta / 60, eta % 60);
  fflush (stderr);
  run->bar_drawn = TRUE;
}

static void
print_epoch (train_run *run, const nn_train_event *e)
{
  if (run->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "epoch");
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, e->epoch);
      cli_json_add_double (b, "loss", e->loss);
      cli_json_add_double (b, "accuracy", e->accuracy);
      cli_json_add_double (b, "val_loss", e->val_loss);
      cli_json_add_double (b, "val_accuracy", e->val_accuracy);
      cli_json_add_double (b, "samples_per_s", e->samples_per_s);
      cli_json_add_double (b, "seconds", e->seconds);
      cli_json_add_double (b, "lr", e->lr);
      if (isfinite (e->d_loss))
        {
          cli_json_add_double (b, "d_loss", e->d_loss);
          cli_json_add_double (b, "g_loss", e->g_loss);
        }
      json_builder_end_object (b);
      cli_print_json (b);
    }
  else if (isfinite (e->d_loss))
    {
      g_autofree char *d_loss = format_number (e->d_loss);
      g_autofree char *g_loss = format_number (e->g_loss);
      g_autofree char *rate = cli_format_count ((guint64) MAX (e->samples_per_s, 0.0));

      fprintf (stderr,
               _ ("Epoch %d/%d: discriminator loss %s, generator loss %s (%.1f s, %s samples/s)\n"),
               e->epoch, run->epochs, d_loss, g_loss, e->seconds, rate);
    }
  else
    {
      g_autofree char *loss = format_number (e->loss);
      g_autofree char *acc = format_percent (e->accuracy);
      g_autofree char *val_loss = format_number (e->val_loss);
      g_autofree char *val_acc = format_percent (e->val_accuracy);
      g_autofree char *rate = cli_format_count ((guint64) MAX (e->samples_per_s, 0.0));

      fprintf (stderr,
               _ ("Epoch %d/%d: loss %s, accuracy %s, validation loss %s, validation accuracy "
                  "%s (%.1f s, %s samples/s)\n"),
               e->epoch, run->epochs, loss, acc, val_loss, val_acc, e->seconds, rate);
    }
}

static void
on_event (const nn_train_event *e, gpointer user_data)
{
  train_run *run = user_data;

  /* Cancelled here, on the training thread: a signal handler may not. */
  if (interrupted && !g_cancellable_is_cancelled (run->stop))
    g_cancellable_cancel (run->stop);
  switch (e->kind)
    {
      case NN_EVENT_BATCH:
        run->batch_rate = e->samples_per_s;
        if (run->tty)
          draw_bar (run, e);
        break;
      case NN_EVENT_EPOCH:
        {
          nn_epoch_record r = { e->loss,         e->accuracy, e->val_loss,
                                e->val_accuracy, e->lr,       e->seconds };

          clear_bar (run);
          print_epoch (run, e);
          g_array_append_val (run->history, r);
          if (isfinite (e->samples_per_s) && isfinite (e->seconds))
            {
              run->samples += e->samples_per_s * e->seconds;
              run->seconds += e->seconds;
            }
        }
        break;
      case NN_EVENT_DONE:
        clear_bar (run);
        g_clear_pointer (&run->done, nn_train_event_free);
        run->done = nn_train_event_copy (e);
        break;
      case NN_EVENT_ERROR:
        clear_bar (run);
        break;
    }
}

static void
print_done (train_run *run)
{
  const nn_train_event *e = run->done;
  double rate = run->seconds > 0 ? run->samples / run->seconds : run->batch_rate;

  if (e == NULL)
    return;
  if (run->json)
    {
      static const char *const reasons[] = {
        [NN_DONE_FINISHED] = "finished",
        [NN_DONE_STOPPED] = "stopped",
        [NN_DONE_EARLY_STOPPED] = "early-stopped",
        [NN_DONE_DIVERGED] = "diverged",
      };
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "done");
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reasons[e->reason]);
      cli_json_add_test (b, e->test_loss, e->test_accuracy, e->test_mae);
      cli_json_add_double (b, "seconds", e->seconds);
      cli_json_add_double (b, "samples_per_s", rate);
      json_builder_end_object (b);
      cli_print_json (b);
    }
  else
    {
      g_autofree char *loss = format_number (e->test_loss);
      g_autofree char *acc = isfinite (e->test_accuracy) ? format_percent (e->test_accuracy)
                                                         : format_number (e->test_mae);
      g_autofree char *rate_s = cli_format_count ((guint64) (isfinite (rate) ? rate : 0.0));

      if (e->message != NULL && e->reason != NN_DONE_FINISHED)
        fprintf (stderr, "%s\n", e->message);
      if (run->gan)
        printf (_ ("Trained the GAN (%.1f s, %s samples/s)\n"), e->seconds, rate_s);
      else if (isfinite (e->test_accuracy))
        printf (_ ("Test: loss %s, accuracy %s (%.1f s, %s samples/s)\n"), loss, acc, e->seconds,
                rate_s);
      else
        printf (_ ("Test: loss %s, mean absolute error %s (%.1f s, %s samples/s)\n"), loss, acc,
                e->seconds, rate_s);
      fflush (stdout);
    }
}

/* The project to save: the one trained from (its history goes on), or a new
 * one around the graph. */
static gboolean
save_project (const char *path, nn_project *from, const nn_graph *g, const nn_graph *disc,
              const char *spec, const nn_data_options *options, const nn_dataset *ds,
              const nn_trainer_config *c, train_run *run, nn_trainer *trainer, GError **error)
{
  g_autoptr (nn_project) fresh = NULL;
  nn_project *p = from;

  if (p == NULL)
    p = fresh = nn_project_new (nn_graph_copy (g));
  nn_project_set_data (p, spec, options);
  nn_project_set_normalisation (p, ds->mean, ds->inv_std, (int) nn_dataset_input_size (ds));
  p->config = *c;
  g_array_append_vals (p->history, run->history->data, run->history->len);
  nn_project_take_weights (p, nn_trainer_get_model (trainer));
  nn_project_take_optimizer (p, nn_trainer_get_optimizer (trainer));
  if (c->mode == NN_MODE_GAN)
    {
      /* a GAN is two models: the project keeps both, to go on training */
      if (p->discriminator == NULL)
        nn_project_set_discriminator (p, nn_graph_copy (disc));
      nn_project_take_discriminator_weights (p, nn_trainer_get_discriminator (trainer));
      nn_project_take_discriminator_optimizer (p, nn_trainer_get_discriminator_optimizer (trainer));
    }
  return nn_project_save (p, path, error);
}

/* Checked before training, so an hour of training is not lost to a typo in
 * the folder name. */
static gboolean
check_writable (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot save %s: the folder %s does not exist"),
                   path, dir);
      return FALSE;
    }
  if (g_access (dir, W_OK) != 0 ||
      (g_file_test (path, G_FILE_TEST_EXISTS) && g_access (path, W_OK) != 0))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot save %s: permission denied"), path);
      return FALSE;
    }
  return TRUE;
}

/* A GAN's generated samples; an autoencoder's test images, each row of
 * eight followed by a row of their reconstructions. */
static gboolean
save_samples (const char *path, nn_trainer *trainer, const nn_dataset *ds, GError **error)
{
  enum
  {
    N = 64,
    COLS = 8
  };
  gsize size = nn_dataset_input_size (ds);
  g_autofree float *images = g_new0 (float, size *N);
  const nn_split *split = nn_trainer_get_split (trainer);

  if (nn_trainer_get_config (trainer)->mode == NN_MODE_GAN)
    nn_trainer_generate (trainer, N, images);
  else
    {
      int n = MIN (N / 2, split->n_test);
      g_autofree float *originals = g_new (float, size *n);
      g_autofree float *rebuilt = g_new (float, size *n);

      if (n == 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("Cannot write %s: the data has no test images to rebuild"), path);
          return FALSE;
        }
      nn_dataset_gather (ds, split->test, n, originals, NULL, NULL);
      nn_trainer_reconstruct (trainer, split->test, n, rebuilt);
      for (int i = 0; i < n; i++)
        {
          int row = i / COLS, col = i % COLS;
          memcpy (images + ((gsize) (2 * row) * COLS + col) * size, originals + (gsize) i * size,
                  sizeof (float) * size);
          memcpy (images + ((gsize) (2 * row + 1) * COLS + col) * size, rebuilt + (gsize) i * size,
                  sizeof (float) * size);
        }
      return nn_image_grid_save_png (path, images, ((n + COLS - 1) / COLS) * 2 * COLS,
                                     &ds->input_shape, COLS, error);
    }
  return nn_image_grid_save_png (path, images, N, &ds->input_shape, COLS, error);
}

int
cli_train (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *label = NULL, *optimizer = NULL, *save = NULL,
                  *samples = NULL;
  int epochs = 0, batch = 0, threads = -1, limit = 0;
  double lr = 0.0, smoothing = -1.0;
  gint64 seed = -1;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A template (mlp, seed-cnn, lenet, tiny-mlp) or a .layerlab project"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data,
      N_ ("The dataset: a built-in name, csv:FILE, idx:…, images:DIR or text:PATH (default: the "
          "project’s)"),
      N_ ("SPEC") },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs,
      N_ ("Passes over the training data (default: the template’s)"), N_ ("N") },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, N_ ("Samples per step (default: the template’s)"),
      N_ ("N") },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_ ("Learning rate (default: the template’s)"),
      N_ ("RATE") },
    { "optimizer", 'o', 0, G_OPTION_ARG_STRING, &optimizer,
      N_ ("sgd, adam, adamw or rmsprop (default: the template’s)"), N_ ("NAME") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_ ("Fixes weights, shuffling, dropout and generated data (default 0)"), N_ ("N") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Cores to use (default: all)"), N_ ("N") },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit,
      N_ ("Use N samples of each part of the data, picked across it by the seed"), N_ ("N") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { "save", 's', 0, G_OPTION_ARG_FILENAME, &save, N_ ("Save the trained project to this file"),
      N_ ("FILE.layerlab") },
    { "samples", 0, 0, G_OPTION_ARG_FILENAME, &samples,
      N_ ("GAN: write 64 generated images as a PNG grid; autoencoder: test images above their "
          "reconstructions"),
      N_ ("FILE.png") },
    { "label-smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &smoothing,
      N_ ("GAN: the discriminator learns real images as 1 − this, e.g. 0.1 (default: the "
          "template’s)"),
      N_ ("X") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON object per epoch, and one at the end, on stdout"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (nn_project) project = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_trainer) trainer = NULL;
  train_run run = { 0 };
  nn_data_options options = { 0 };
  g_autofree char *imputed = NULL;
  nn_trainer_config c;
  const char *spec;
  GError *error = NULL;
  gboolean ok;
  int status = 0;

  g_option_context_set_summary (
    context, _ ("Train a model on a dataset. A template takes its recommended optimizer, learning "
                "rate, batch size and epochs; a saved project its own settings and weights."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if (epochs < 0 || epochs > 100000)
    return cli_usage_error (context, _ ("--epochs must be between 1 and 100000"));
  if (batch < 0 || batch > 65536)
    return cli_usage_error (context, _ ("--batch must be between 1 and 65536"));
  if (lr < 0.0 || !isfinite (lr))
    return cli_usage_error (context, _ ("--lr must be a positive number"));
  if (smoothing != -1.0 && !(smoothing >= 0.0 && smoothing < 0.5))
    return cli_usage_error (context, _ ("--label-smoothing must be at least 0 and below 0.5"));
  if (limit < 0)
    return cli_usage_error (context, _ ("--limit must be a positive number"));
  if (threads < -1)
    return cli_usage_error (context, _ ("--threads must be 0 (all cores) or more"));
  if (optimizer != NULL)
    {
      nn_optimizer_kind kind;

      if (!nn_optimizer_from_id (optimizer, &kind, &error))
        {
          int code = cli_usage_error (context, error->message);

          g_error_free (error);
          return code;
        }
    }

  if (save != NULL && !check_writable (save, &error))
    return cli_fail (error);
  if (samples != NULL && !check_writable (samples, &error))
    return cli_fail (error);

  /* A project is read before the data: it may name the data itself. */
  if (g_str_has_suffix (model, ".layerlab"))
    {
      project = nn_project_load (model, &error);
      if (project == NULL)
        return cli_fail (error);
    }
  if (data == NULL && (project == NULL || project->data_spec == NULL))
    return cli_usage_error (context, _ ("--data is required"));
  ds = cli_open_data (data, project, label, limit, seed, &options, &imputed, &error);
  if (ds == NULL)
    return cli_fail (error);
  spec = ds->spec;
  if (!json && imputed != NULL)
    fprintf (stderr, "%s\n", imputed);

  if (!cli_build_model (model, project, ds, &g, &disc, &c, &error))
    return cli_fail (error);
  if (c.mode == NN_MODE_SUPERVISED && samples != NULL)
    return cli_usage_error (context, _ ("--samples is for autoencoders and GANs: this model "
                                        "classifies or predicts values"));
  if (epochs > 0)
    c.epochs = epochs;
  if (batch > 0)
    c.batch = batch;
  if (optimizer != NULL)
    {
      nn_optimizer_kind kind;
      int n_infos;
      const nn_optimizer_info *infos = nn_optimizers (&n_infos);

      nn_optimizer_from_id (optimizer, &kind, NULL);
      /* A rate tuned for one optimizer is wrong for another: SGD at Adam's
       * 0.001 barely moves. Without --lr, take the new one's default. */
      if (kind != c.optimizer && lr == 0.0)
        for (int i = 0; i < n_infos; i++)
          if (infos[i].kind == kind)
            c.lr = infos[i].default_lr;
      c.optimizer = kind;
    }
  if (lr > 0.0)
    c.lr = lr;
  if (smoothing >= 0.0)
    c.label_smoothing = smoothing;
  if (seed >= 0)
    c.seed = (guint64) seed;
  if (threads >= 0)
    c.threads = threads;
  nn_threads_set (c.threads);

  trainer = cli_new_trainer (g, disc, ds, &c, project, &error);
  if (trainer == NULL)
    return cli_fail (error);

  run.json = json;
  run.tty = isatty (fileno (stderr));
  run.epochs = c.epochs;
  run.gan = c.mode == NN_MODE_GAN;
  run.history = g_array_new (FALSE, FALSE, sizeof (nn_epoch_record));
  run.stop = g_cancellable_new ();
  signal (SIGINT, on_sigint);
  ok = nn_trainer_fit (trainer, on_event, &run, run.stop, &error);
  signal (SIGINT, SIG_DFL);
  clear_bar (&run);
  print_done (&run);
  if (!ok)
    status = cli_fail (error);
  else if (samples != NULL && !save_samples (samples, trainer, ds, &error))
    status = cli_fail (error);
  else if (samples != NULL && !json)
    fprintf (stderr, _ ("Wrote %s\n"), samples);
  if (ok && status == 0 && save != NULL)
    {
      if (!save_project (save, project, g, disc, spec, &options, ds, &c, &run, trainer, &error))
        status = cli_fail (error);
      else if (!json)
        fprintf (stderr, _ ("Saved %s\n"), save);
    }

  if (status == 0 && interrupted)
    status = CLI_EXIT_INTERRUPTED;
  g_array_unref (run.history);
  g_object_unref (run.stop);
  g_clear_pointer (&run.done, nn_train_event_free);
  return status;
}
