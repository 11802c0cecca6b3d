/* test-training.c — end to end: train in the real window through its
 * actions. Start, pause, step, resume and stop act on the run and the
 * actions follow; a run finishes with its test metrics; asking to train
 * without data says so; quitting while training stops the worker; a GAN
 * and a hand-built autoencoder train in the window. */
#include "config.h"

#include <locale.h>

#include "app-run.h"
#include "lab-data-page.h"
#include "lab-loss-plot.h"
#include "lab-model-canvas.h"
#include "lab-model-page.h"
#include "lab-training-page.h"
#include "lab-window-private.h"
#include "widget-png.h"

static gboolean
enabled (GtkWindow *window, const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), action);
}

/* Spins the main loop until the action's enabled state is `state`. */
static void
activate (GtkWindow *window, const char *action)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
}

static void
check_controls (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *model = LAB_MODEL_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE));
  app_load_data (window, "spiral");
  /* An empty model starts from the template that suits the data. */
  g_assert_true (lab_model_page_is_valid (model));
  g_assert_true (enabled (window, "train"));
  g_assert_false (enabled (window, "pause"));
  g_assert_false (enabled (window, "stop"));

  activate (window, "train");
  g_assert_true (enabled (window, "pause"));
  g_assert_true (enabled (window, "stop"));
  g_assert_false (enabled (window, "step"));
  /* The model cannot change while it trains. */
  g_assert_false (lab_model_page_use_template (model, "mlp", NULL));

  activate (window, "pause");
  g_assert_true (enabled (window, "step"));
  g_assert_true (enabled (window, "train"));
  activate (window, "step");
  activate (window, "train"); /* resumes */
  g_assert_true (enabled (window, "pause"));

  activate (window, "stop");
  g_assert_true (app_wait_action (window, "stop", FALSE, 30000));
  g_assert_true (enabled (window, "train"));
  g_assert_true (lab_model_page_use_template (model, "tiny-mlp", NULL));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-stopped.png");
}

static void
test_controls (void)
{
  app_run (check_controls);
}

static void
check_finishes (GtkApplication *app, GtkWindow *window)
{
  GtkProgressBar *progress;

  app_load_data (window, "xor");
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  /* tiny-mlp's recommended 300 epochs of 720 samples take a few seconds. */
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
  progress = GTK_PROGRESS_BAR (app_find_type (
    app_find_type (GTK_WIDGET (window), LAB_TYPE_TRAINING_PAGE), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-finished.png");
}

static void
test_finishes (void)
{
  app_run (check_finishes);
}

static void
set_epochs (LabTrainingPage *page, int epochs)
{
  nn_trainer_config c;

  nn_trainer_config_init (&c);
  lab_training_page_get_config (page, &c);
  c.epochs = epochs;
  lab_training_page_set_config (page, &c);
}

/* Points of a run's per-batch training loss, by the run's legend label. */
static gsize
loss_points (LabLossPlot *plot, const char *label_end)
{
  const LabPlotData *data = lab_loss_plot_get_data (plot);
  gsize n = 0;

  for (guint i = 0; i < lab_plot_data_get_n_runs (data); i++)
    if (g_str_has_suffix (lab_plot_data_get_run_label (data, i), label_end))
      n += lab_plot_series_get_n (
        lab_plot_data_get_series (data, i, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, LAB_PLOT_PER_BATCH));
  return n;
}

/* The gan template on a few real Fashion-MNIST images trains one epoch in
 * the window: the Model tab holds the pair behind its switch, the Task is
 * set by the template, both losses are drawn, and samples can be drawn from
 * the finished generator. */
static void
check_gan (GtkApplication *app, GtkWindow *window)
{
  LabWindow *self = LAB_WINDOW (window);
  LabModelPage *model = self->model_page;
  LabModelCanvas *canvas =
    LAB_MODEL_CANVAS (app_find_type (GTK_WIDGET (model), LAB_TYPE_MODEL_CANVAS));
  GtkToggleButton *disc_button =
    GTK_TOGGLE_BUTTON (app_find_named (GTK_WIDGET (model), "discriminator-button"));
  g_autofree char *images = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "data",
                                              "fashion", "fashion-small-images.idx.gz", NULL);
  g_autofree char *spec = g_strconcat ("idx:", images, NULL);
  LabLossPlot *plot;
  float samples[4 * 784];
  double lo = 1, hi = 0;
  int n_gen, n_disc, last_dense = -1;
  gboolean never = FALSE;
  nn_graph *wrong;

  app_load_data (window, spec);
  g_assert_null (lab_model_page_get_discriminator (model));
  g_assert_true (lab_model_page_use_template (model, "gan", NULL));
  g_assert_nonnull (lab_model_page_get_discriminator (model));
  g_assert_true (lab_model_page_is_valid (model));
  g_assert_cmpint (lab_training_page_get_task (self->training_page), ==, NN_MODE_GAN);

  /* The switch shows the other graph; the generator stays the model. */
  g_assert_nonnull (disc_button);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (disc_button)));
  g_assert_cmpuint (lab_diagram_n_nodes (lab_model_canvas_get_diagram (canvas)), ==,
                    nn_graph_n_nodes (lab_model_page_get_graph (model)));
  gtk_toggle_button_set_active (disc_button, TRUE);
  g_assert_true (lab_model_page_get_showing_discriminator (model));
  g_assert_cmpuint (lab_diagram_n_nodes (lab_model_canvas_get_diagram (canvas)), ==,
                    nn_graph_n_nodes (lab_model_page_get_discriminator (model)));
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (model)), !=,
                   nn_graph_n_nodes (lab_model_page_get_discriminator (model)));
  adw_view_stack_set_visible_child_name (self->stack, "model");
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "model-gan-discriminator.png");

  /* Each graph has its own undo: the discriminator has none yet, the
   * generator goes back to the model the data chose before the template. */
  n_gen = nn_graph_n_nodes (lab_model_page_get_graph (model));
  n_disc = nn_graph_n_nodes (lab_model_page_get_discriminator (model));
  gtk_widget_activate_action (GTK_WIDGET (model), "model.undo", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_discriminator (model)), ==, n_disc);
  g_assert_true (lab_model_page_get_showing_discriminator (model));
  lab_model_page_show_discriminator (model, FALSE);
  g_assert_false (gtk_toggle_button_get_active (disc_button));
  gtk_widget_activate_action (GTK_WIDGET (model), "model.undo", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (model)), !=, n_gen);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_discriminator (model)), ==, n_disc);
  gtk_widget_activate_action (GTK_WIDGET (model), "model.redo", NULL);
  g_assert_cmpint (nn_graph_n_nodes (lab_model_page_get_graph (model)), ==, n_gen);

  /* A discriminator that does not end in one score is caught before training. */
  wrong = nn_graph_copy (lab_model_page_get_discriminator (model));
  for (int i = 0; i < nn_graph_n_nodes (wrong); i++)
    if (g_str_equal (nn_graph_nth_node (wrong, i)->desc.ops->id, "dense"))
      last_dense = nn_graph_nth_node (wrong, i)->id;
  g_assert_true (nn_graph_set_param (wrong, last_dense, "units", 2, NULL));
  lab_model_page_set_discriminator (model, wrong);
  g_assert_false (lab_model_page_is_valid (model));
  g_assert_false (lab_model_page_get_showing_discriminator (model));
  g_assert_false (gtk_toggle_button_get_active (disc_button));
  /* The buttons' colours fade for a moment after the switch. */
  app_wait_for (&never, 500);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "model-gan-one-score.png");
  activate (window, "train");
  g_assert_false (enabled (window, "stop"));
  g_assert_true (lab_model_page_use_template (model, "gan", NULL));
  g_assert_true (lab_model_page_is_valid (model));

  set_epochs (self->training_page, 1);
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
  plot = LAB_LOSS_PLOT (app_find_type (GTK_WIDGET (self->training_page), LAB_TYPE_LOSS_PLOT));
  g_assert_cmpuint (loss_points (plot, "Discriminator"), >, 0);
  g_assert_cmpuint (loss_points (plot, "Generator"), >, 0);
  g_assert_nonnull (lab_training_controller_get_discriminator (self->training));
  g_assert_true (lab_training_controller_generate (self->training, 4, samples));
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      lo = MIN (lo, samples[i]);
      hi = MAX (hi, samples[i]);
    }
  g_assert_cmpfloat (lo, >=, 0);
  g_assert_cmpfloat (hi, <=, 1);
  g_assert_cmpfloat (hi, >, lo);
  /* Not an autoencoder run: nothing to reconstruct. */
  g_assert_false (lab_training_controller_reconstruct (self->training, (int[]){ 0 }, 1, samples));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-gan.png");

  /* Back to the generator: it is the one shown again. */
  gtk_toggle_button_set_active (
    GTK_TOGGLE_BUTTON (app_find_named (GTK_WIDGET (model), "generator-button")), TRUE);
  g_assert_false (lab_model_page_get_showing_discriminator (model));
  g_assert_cmpuint (lab_diagram_n_nodes (lab_model_canvas_get_diagram (canvas)), ==,
                    nn_graph_n_nodes (lab_model_page_get_graph (model)));

  /* The convolutional GAN fills both too; a classifier template leaves GAN mode. */
  g_assert_true (lab_model_page_use_template (model, "dcgan", NULL));
  g_assert_nonnull (lab_model_page_get_discriminator (model));
  g_assert_true (lab_model_page_is_valid (model));
  g_assert_true (lab_model_page_use_template (model, "mlp", NULL));
  g_assert_null (lab_model_page_get_discriminator (model));
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (disc_button)));
  g_assert_cmpint (lab_training_page_get_task (self->training_page), ==, NN_MODE_SUPERVISED);
}

static void
test_gan (void)
{
  app_run (check_gan);
}

static int
add (nn_graph *g, int after, const char *kind, const char *param, double value)
{
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));

  nn_graph_set_position (g, id, 0, 120 * nn_graph_n_nodes (g));
  if (param != NULL)
    g_assert_true (nn_graph_set_param (g, id, param, value, NULL));
  if (after >= 0)
    g_assert_true (nn_graph_connect (g, after, id, -1, NULL));
  return id;
}

/* A model built by hand (no template) trains as an autoencoder once the
 * user chooses that Task; choosing "Generate" gives it a discriminator and
 * choosing another Task takes it away. */
static void
check_autoencoder_by_hand (GtkApplication *app, GtkWindow *window)
{
  LabWindow *self = LAB_WINDOW (window);
  g_autofree char *bars = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "generative",
                                            "bars-images.idx", NULL);
  g_autofree char *spec = g_strconcat ("idx:", bars, NULL);
  AdwComboRow *task_row =
    ADW_COMBO_ROW (app_find_type (GTK_WIDGET (self->training_page), ADW_TYPE_COMBO_ROW));
  nn_graph *g = nn_graph_new ();
  int id;
  float out[2 * 64];

  app_load_data (window, spec);
  id = add (g, -1, "input", "height", 8);
  nn_graph_set_param (g, id, "width", 8, NULL);
  id = add (g, id, "flatten", NULL, 0);
  id = add (g, id, "dense", "units", 12);
  id = add (g, id, "relu", NULL, 0);
  id = add (g, id, "dense", "units", 64);
  id = add (g, id, "sigmoid", NULL, 0);
  id = add (g, id, "reshape", "height", 8);
  nn_graph_set_param (g, id, "width", 8, NULL);
  lab_model_page_set_graph (self->model_page, g);
  g_assert_true (lab_model_page_is_valid (self->model_page));

  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (task_row)), ==, "Le_arn to");
  adw_combo_row_set_selected (task_row, 1);
  g_assert_cmpint (lab_training_page_get_task (self->training_page), ==, NN_MODE_AUTOENCODER);
  set_epochs (self->training_page, 3);
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
  g_assert_cmpint (lab_training_controller_get_mode (self->training), ==, NN_MODE_AUTOENCODER);
  g_assert_true (lab_training_controller_reconstruct (self->training, (int[]){ 0, 1 }, 2, out));
  g_assert_false (lab_training_controller_generate (self->training, 2, out));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (
                       app_find_type (GTK_WIDGET (self->training_page), GTK_TYPE_PROGRESS_BAR))),
                     ==, 1.0);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-autoencoder.png");

  adw_combo_row_set_selected (task_row, 2);
  g_assert_nonnull (lab_model_page_get_discriminator (self->model_page));
  adw_combo_row_set_selected (task_row, 0);
  g_assert_null (lab_model_page_get_discriminator (self->model_page));

  /* A template sets the Task. */
  g_assert_true (lab_model_page_use_template (self->model_page, "autoencoder", NULL));
  g_assert_cmpint (lab_training_page_get_task (self->training_page), ==, NN_MODE_AUTOENCODER);
}

static void
test_autoencoder_by_hand (void)
{
  app_run (check_autoencoder_by_hand);
}

static void
check_no_data (GtkApplication *app, GtkWindow *window)
{
  activate (window, "train");
  g_assert_false (enabled (window, "stop"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     ADW_VIEW_STACK (app_find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK))),
                   ==, "data");
}

static void
test_no_data (void)
{
  app_run (check_no_data);
}

static void
check_quit_while_training (GtkApplication *app, GtkWindow *window)
{
  app_load_data (window, "spiral");
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  /* app_run quits now: the window must stop and join the worker. */
}

static void
test_quit_while_training (void)
{
  app_run (check_quit_while_training);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/training/no-data", test_no_data);
  g_test_add_func ("/app/training/controls", test_controls);
  g_test_add_func ("/app/training/finishes", test_finishes);
  g_test_add_func ("/app/training/quit-while-training", test_quit_while_training);
  g_test_add_func ("/app/training/gan", test_gan);
  g_test_add_func ("/app/training/autoencoder-by-hand", test_autoencoder_by_hand);
  return g_test_run ();
}
