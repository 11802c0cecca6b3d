/* cli-render.c — `layerlab-cli render`: one view of a trained model as a
 * PNG, drawn by the same painters as the window's Inside tab, so a model
 * can be looked into on a server or in a script. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"
#include "cli-render.h"
#include "error.h"
#include "inside-paint.h"
#include "inspect.h"
#include "kernels/threads.h"
#include "loss-plot-paint.h"
#include "templates.h"

/* The view that is not an Inside painter. */
#define EXTRA_LOSS LAB_INSIDE_N_VIEWS
/* Reconstructions and samples shown, at most. */
#define N_IMAGES 64

static const struct
{
  const char *id;
  const char *summary;
} view_help[] = {
  { "activations", N_ ("every layer’s output for one sample (--sample)") },
  { "filters", N_ ("the first layer’s kernels (or a Dense layer’s weights as images)") },
  { "histograms", N_ ("weights and gradients of every layer, with norms") },
  { "confusion", N_ ("confusion matrix of the test part, with precision and recall") },
  { "misclassified", N_ ("the most confident mistakes on the test part") },
  { "saliency", N_ ("which inputs the prediction for one sample (--sample) depends on") },
  { "boundary", N_ ("decision boundary of a model of 2-D data, and its hidden units") },
  { "loss", N_ ("loss and accuracy per epoch") },
  { "reconstructions",
    N_ ("autoencoder: test images beside their reconstructions, and its 2-D latent space") },
  { "samples", N_ ("GAN: images the generator makes") },
};

static gboolean
view_from_id (const char *id, int *view)
{
  LabInsideView inside;

  if (lab_inside_view_from_id (id, &inside))
    {
      *view = (int) inside;
      return TRUE;
    }
  if (!g_str_equal (id, "loss"))
    return FALSE;
  *view = EXTRA_LOSS;
  return TRUE;
}

static char *
views_description (void)
{
  GString *s = g_string_new (_ ("Views:"));

  g_string_append_c (s, '\n');
  for (gsize i = 0; i < G_N_ELEMENTS (view_help); i++)
    g_string_append_printf (s, "  %-16s %s\n", view_help[i].id, _ (view_help[i].summary));
  g_string_append_c (s, '\n');
  g_string_append (s, _ ("The model is a trained .layerlab project. A template, or a project "
                         "without weights, needs --epochs N: it is trained first (with the "
                         "template’s settings), then drawn."));
  return g_string_free (s, FALSE);
}

/* Per-epoch history: the project's, then what was trained here. */
static void
on_event (const nn_train_event *e, gpointer user_data)
{
  GArray *history = user_data;

  if (e->kind == NN_EVENT_EPOCH)
    {
      nn_epoch_record r = { e->loss, e->accuracy, e->val_loss, e->val_accuracy, e->lr, e->seconds };

      g_array_append_val (history, r);
    }
}

static gboolean
render_loss (const GArray *history, const char *name, int width, int height, gboolean dark,
             const char *path, GError **error)
{
  g_autoptr (LabPlotData) data = lab_plot_data_new ();
  LabPlotStyle style;
  LabPlotView view;
  guint run;

  if (history == NULL || history->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("“%s” has no training history to plot: train it first (--epochs N)"), name);
      return FALSE;
    }
  run = lab_plot_data_add_run (data, name);
  for (guint i = 0; i < history->len; i++)
    {
      const nn_epoch_record *r = &g_array_index (history, nn_epoch_record, i);
      int epoch = (int) i + 1;

      lab_plot_data_append_epoch (data, run, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, epoch, epoch, r->loss);
      lab_plot_data_append_epoch (data, run, LAB_PLOT_LOSS, LAB_PLOT_VAL, epoch, epoch,
                                  r->val_loss);
      lab_plot_data_append_epoch (data, run, LAB_PLOT_ACCURACY, LAB_PLOT_TRAIN, epoch, epoch,
                                  r->accuracy);
      lab_plot_data_append_epoch (data, run, LAB_PLOT_ACCURACY, LAB_PLOT_VAL, epoch, epoch,
                                  r->val_accuracy);
    }
  lab_plot_style_init (&style, dark);
  lab_plot_view_init (&view);
  return lab_loss_plot_write_png (data, &view, width > 0 ? width : 800, height > 0 ? height : 500,
                                  &style, path, error);
}

/* An autoencoder's test images beside their reconstructions, with its
 * latent space when the bottleneck has 2 units. */
static nn_reconstructions *
reconstructions (nn_trainer *trainer, const nn_dataset *ds, const char *name, GError **error)
{
  const nn_split *split = nn_trainer_get_split (trainer);
  nn_model *m = nn_trainer_get_model (trainer);
  nn_reconstructions *r;

  if (nn_trainer_get_config (trainer)->mode != NN_MODE_AUTOENCODER)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("“%s” is not an autoencoder: reconstructions come from a model trained to "
                      "rebuild its input (templates autoencoder, conv-autoencoder)"),
                   name);
      return NULL;
    }
  if (split->n_test == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("Cannot draw reconstructions: the data has no test images to rebuild"));
      return NULL;
    }
  r = nn_inspect_reconstructions (m, ds, split->test, MIN (N_IMAGES / 2, split->n_test),
                                  nn_trainer_get_config (trainer)->loss, error);
  if (r != NULL)
    {
      nn_latent *latent = nn_inspect_latent (m, ds, split->test, MIN (split->n_test, 2000), NULL);

      if (latent != NULL && latent->dim == 2)
        r->latent = latent;
      else
        nn_latent_free (latent);
    }
  return r;
}

/* A GAN's samples from the trainer's fixed noise. */
static nn_samples *
samples (nn_trainer *trainer, const nn_dataset *ds, const char *name, GError **error)
{
  g_autofree float *images = NULL;

  if (nn_trainer_get_config (trainer)->mode != NN_MODE_GAN)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("“%s” is not a GAN: samples come from a generator trained against a "
                      "discriminator (templates gan, dcgan)"),
                   name);
      return NULL;
    }
  images = g_new (float, nn_dataset_input_size (ds) * N_IMAGES);
  nn_trainer_generate (trainer, N_IMAGES, images);
  return nn_samples_new (&ds->input_shape, N_IMAGES, images);
}

/* The samples a view looks at: the test part, or the training part of
 * data without one. */
static void
evaluation_part (const nn_split *split, const int **idx, int *n)
{
  if (split->n_test > 0)
    *idx = split->test, *n = split->n_test;
  else
    *idx = split->train, *n = split->n_train;
}

static gboolean
render_inside (LabInsideView view, nn_trainer *trainer, const nn_dataset *ds, const char *name,
               int sample, int width, int height, gboolean dark, const char *path, GError **error)
{
  nn_model *m = nn_trainer_get_model (trainer);
  const nn_split *split = nn_trainer_get_split (trainer);
  nn_loss_kind loss = nn_trainer_get_config (trainer)->loss;
  gpointer data = NULL;
  GDestroyNotify free_data = NULL;
  LabInsideStyle style;
  const int *idx;
  int n;
  gboolean ok;

  evaluation_part (split, &idx, &n);
  if (sample < 0)
    sample = n > 0 ? idx[0] : 0;
  switch (view)
    {
      case LAB_INSIDE_ACTIVATIONS:
        data = nn_inspect_activations (m, ds, sample, error);
        free_data = (GDestroyNotify) nn_activations_free;
        break;
      case LAB_INSIDE_FILTERS:
        data = nn_inspect_filters (m, error);
        free_data = (GDestroyNotify) nn_filters_free;
        break;
      case LAB_INSIDE_HISTOGRAMS:
        data = nn_inspect_histograms (m, ds, split->train, split->n_train, loss, 40, error);
        free_data = (GDestroyNotify) nn_histograms_free;
        break;
      case LAB_INSIDE_CONFUSION:
        data = nn_inspect_confusion (m, ds, idx, n, loss, error);
        free_data = (GDestroyNotify) nn_confusion_free;
        break;
      case LAB_INSIDE_MISCLASSIFIED:
        data = nn_inspect_misclassified (m, ds, idx, n, 24, error);
        free_data = (GDestroyNotify) nn_mistakes_free;
        break;
      case LAB_INSIDE_SALIENCY:
        data = nn_inspect_saliency (m, ds, sample, error);
        free_data = (GDestroyNotify) nn_saliency_free;
        break;
      case LAB_INSIDE_BOUNDARY:
        /* the training points, as TensorFlow Playground shows them */
        data = nn_inspect_boundary (m, ds, split->train, split->n_train, 120, 120, error);
        free_data = (GDestroyNotify) nn_boundary_free;
        break;
      case LAB_INSIDE_RECONSTRUCTIONS:
        data = reconstructions (trainer, ds, name, error);
        free_data = (GDestroyNotify) nn_reconstructions_free;
        break;
      case LAB_INSIDE_SAMPLES:
        data = samples (trainer, ds, name, error);
        free_data = (GDestroyNotify) nn_samples_free;
        break;
      case LAB_INSIDE_N_VIEWS:
      default:
        g_return_val_if_reached (FALSE);
    }
  if (data == NULL)
    return FALSE;
  lab_inside_style_init (&style, dark);
  ok = lab_inside_write_png (view, data, ds, width, height, &style, path, error);
  free_data (data);
  return ok;
}

/* Takes VIEW, the first argument after "render" that is not an option. */
static char *
take_view (int *argc, char **argv)
{
  char *view;

  if (*argc < 2 || argv[1][0] == '-')
    return NULL;
  view = g_strdup (argv[1]);
  memmove (argv + 1, argv + 2, sizeof (char *) * (*argc - 1)); /* with the NULL */
  (*argc)--;
  return view;
}

int
cli_render (int argc, char **argv)
{
  g_autofree char *model = NULL, *data = NULL, *label = NULL, *out = NULL, *view_id = NULL;
  g_autofree char *description = views_description ();
  int sample = -1, epochs = 0, width = 0, height = 0, limit = 0, threads = -1;
  gint64 seed = -1;
  gboolean dark = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_ ("A trained .layerlab project, or a template with --epochs"), N_ ("MODEL") },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data, N_ ("The dataset (default: the project’s)"),
      N_ ("SPEC") },
    { "sample", 'n', 0, G_OPTION_ARG_INT, &sample,
      N_ ("activations, saliency: the sample’s index in the dataset (default: the first test "
          "sample)"),
      N_ ("N") },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, N_ ("Train this many epochs before drawing"),
      N_ ("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_ ("The PNG file to write"), N_ ("FILE.png") },
    { "width", 'W', 0, G_OPTION_ARG_INT, &width, N_ ("Picture width in pixels (default 800)"),
      N_ ("PIXELS") },
    { "height", 'H', 0, G_OPTION_ARG_INT, &height,
      N_ ("Picture height in pixels (default: what the view needs)"), N_ ("PIXELS") },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_ ("Use the dark palette"), NULL },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit,
      N_ ("Use N samples of each part of the data, picked across it by the seed"), N_ ("N") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_ ("CSV: the target column, by name or number"),
      N_ ("COLUMN") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_ ("Fixes weights, shuffling and generated data (default: the project’s, or 0)"), N_ ("N") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Cores to use (default: all)"), N_ ("N") },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("VIEW"));
  g_autoptr (nn_project) project = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_trainer) trainer = NULL;
  g_autoptr (GArray) history = g_array_new (FALSE, FALSE, sizeof (nn_epoch_record));
  g_autofree char *name = NULL;
  nn_trainer_config c;
  GError *error = NULL;
  gboolean ok;
  int view;

  g_option_context_set_summary (context,
                                _ ("Draw a view inside a trained model as a PNG picture, as the "
                                   "window’s Inside tab shows it."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  view_id = take_view (&argc, argv);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (view_id == NULL)
    return cli_usage_error (context, _ ("Which view? Name one, e.g. “render confusion”"));
  if (!view_from_id (view_id, &view))
    {
      g_autofree char *message = g_strdup_printf (_ ("Unknown view “%s”"), view_id);

      return cli_usage_error (context, message);
    }
  if (model == NULL)
    return cli_usage_error (context, _ ("--model is required"));
  if (out == NULL)
    return cli_usage_error (context, _ ("--out is required"));
  if (epochs < 0 || epochs > 100000)
    return cli_usage_error (context, _ ("--epochs must be between 1 and 100000"));
  if (width < 0 || width > 16384 || height < 0 || height > 16384)
    return cli_usage_error (context, _ ("--width and --height must be between 1 and 16384"));
  if (limit < 0)
    return cli_usage_error (context, _ ("--limit must be a positive number"));
  if (threads < -1)
    return cli_usage_error (context, _ ("--threads must be 0 (all cores) or more"));
  if (!g_str_has_suffix (model, ".layerlab") && epochs == 0)
    return cli_usage_error (context,
                            _ ("A template has no trained weights: add --epochs N to train it "
                               "first, or give a trained .layerlab project"));

  if (g_str_has_suffix (model, ".layerlab"))
    {
      project = nn_project_load (model, &error);
      if (project == NULL)
        return cli_fail (error);
      if (project->weights == NULL && epochs == 0)
        {
          g_set_error (&error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s holds no trained weights: train it first, or add --epochs N"), model);
          return cli_fail (error);
        }
    }
  name = g_path_get_basename (model);
  if (data == NULL && (project == NULL || project->data_spec == NULL))
    return cli_usage_error (context, _ ("--data is required"));
  /* as training did: a trained model never saw a missing value */
  ds = cli_open_data (data, project, label, limit, seed, NULL, NULL, &error);
  if (ds == NULL)
    return cli_fail (error);

  if (!cli_build_model (model, project, ds, &g, &disc, &c, &error))
    return cli_fail (error);
  if (project != NULL && project->history != NULL)
    g_array_append_vals (history, project->history->data, project->history->len);
  if (epochs > 0)
    c.epochs = epochs;
  if (seed >= 0)
    c.seed = (guint64) seed;
  if (threads >= 0)
    c.threads = threads;
  nn_threads_set (c.threads);

  /* The trainer gives the same split and normalisation the model was
   * trained with, and the autoencoder's and GAN's drawing functions. */
  trainer = c.mode == NN_MODE_GAN ? nn_trainer_new_gan (g, disc, ds, &c, &error)
                                  : nn_trainer_new (g, ds, &c, &error);
  if (trainer == NULL)
    return cli_fail (error);
  if (project != NULL && project->weights != NULL &&
      !nn_project_apply_weights (project, nn_trainer_get_model (trainer), &error))
    return cli_fail (error);
  /* the standardisation the weights were trained with, as saved */
  if (project != NULL && ds->mean != NULL && project->norm_size == (int) nn_dataset_input_size (ds))
    {
      memcpy (ds->mean, project->norm_mean, sizeof (float) * project->norm_size);
      memcpy (ds->inv_std, project->norm_inv_std, sizeof (float) * project->norm_size);
    }
  if (epochs > 0)
    {
      fprintf (
        stderr,
        g_dngettext (GETTEXT_PACKAGE, "Training %d epoch…\n", "Training %d epochs…\n", epochs),
        epochs);
      if (!nn_trainer_fit (trainer, on_event, history, NULL, &error))
        return cli_fail (error);
    }

  if (view < LAB_INSIDE_N_VIEWS)
    ok = render_inside ((LabInsideView) view, trainer, ds, name, sample, width, height, dark, out,
                        &error);
  else
    ok = render_loss (history, name, width, height, dark, out, &error);
  if (!ok)
    return cli_fail (error);
  fprintf (stderr, _ ("Wrote %s\n"), out);
  return 0;
}
