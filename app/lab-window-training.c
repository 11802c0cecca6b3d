/* lab-window-training.c — the window's training commands (Train, Pause,
 * Step, Stop) and what a run changes in the window: while a run is active
 * the model, the data and the run's settings are locked, and the Training
 * tab shows its events. The Training tab's Task (predict, reconstruct,
 * generate) decides how a run trains; a GAN needs the Model tab's pair. */
#include "config.h"

#include <glib/gi18n.h>

#include "error.h"
#include "kernels/threads.h"
#include "lab-window-private.h"

static void
update_actions (LabWindow *self)
{
  gboolean active = lab_training_controller_get_active (self->training);
  gboolean paused = lab_training_controller_get_paused (self->training);
  const struct
  {
    const char *name;
    gboolean enabled;
  } states[] = {
    { "train", !active || paused },
    { "pause", active && !paused },
    { "step", !active || paused },
    { "stop", active },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), states[i].name)),
      states[i].enabled);
}

static void
on_state_changed (LabTrainingController *training, GParamSpec *pspec, LabWindow *self)
{
  gboolean active = lab_training_controller_get_active (training);

  lab_model_page_set_read_only (self->model_page, active);
  lab_data_page_set_locked (self->data_page, active);
  lab_training_page_set_locked (self->training_page, active);
  update_actions (self);
}

/* The Inside tab follows the run while it is visible: weights at the end
 * of each epoch (at most twice a second, as fast as it redraws) and every
 * 2 s within long epochs — a snapshot waits for the batch in progress, so
 * not more often — and the trained model at the end. */
static void
update_inside (LabWindow *self, const nn_train_event *e)
{
  gint64 now = g_get_monotonic_time ();
  float *weights;
  gsize n = 0;

  if (e->kind == NN_EVENT_DONE)
    {
      lab_inside_page_set_model_done (self->inside_page,
                                      lab_training_controller_get_model (self->training));
      return;
    }
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->inside_page)) ||
      (e->kind == NN_EVENT_BATCH && now - self->inside_snapshot_time < 2 * G_USEC_PER_SEC) ||
      (e->kind == NN_EVENT_EPOCH && now - self->inside_snapshot_time < G_USEC_PER_SEC / 2) ||
      (e->kind != NN_EVENT_BATCH && e->kind != NN_EVENT_EPOCH))
    return;
  self->inside_snapshot_time = now;
  weights = lab_training_controller_snapshot (self->training, &n);
  if (weights != NULL)
    lab_inside_page_update_weights (self->inside_page, weights, n);
  nn_free_floats (weights);
}

static void
on_event (LabTrainingController *training, const nn_train_event *e, LabWindow *self)
{
  lab_training_page_show_event (self->training_page, e);
  update_inside (self, e);
  if (e->kind == NN_EVENT_DONE && e->reason == NN_DONE_DIVERGED)
    _lab_window_toast (self, _ ("Training diverged: see the Training tab for what to change"));
}

/* Starts a run, paused when `paused`. FALSE after telling the user why not. */
static gboolean
start_run (LabWindow *self, gboolean paused)
{
  nn_dataset *ds = lab_data_page_get_dataset (self->data_page);
  const nn_graph *generator = lab_model_page_get_graph (self->model_page);
  const nn_graph *discriminator = lab_model_page_get_discriminator (self->model_page);
  g_autoptr (GError) error = NULL;
  const nn_project *from;
  nn_trainer_config config;
  nn_train_mode mode;
  nn_split split;

  if (ds == NULL)
    {
      _lab_window_toast (self, _ ("Pick a dataset on the Data tab first"));
      adw_view_stack_set_visible_child_name (self->stack, "data");
      return FALSE;
    }
  nn_trainer_config_init (&config);
  /* The template recommends a loss for its kind of model; the training
   * page has the Task and the user's settings. */
  mode = lab_training_page_get_task (self->training_page);
  if (self->template != NULL && self->template->mode == mode)
    nn_template_apply_config (self->template, ds, &config);
  lab_training_page_get_config (self->training_page, &config);
  config.val_fraction = lab_data_page_get_val_fraction (self->data_page);
  config.test_fraction = lab_data_page_get_test_fraction (self->data_page);
  /* One core stays for the window, so it never stutters while it trains. */
  config.threads = MAX (1, nn_threads_online () - 1);
  if (ds->task == NN_TASK_REGRESS && mode == NN_MODE_SUPERVISED)
    config.loss = NN_LOSS_MSE;

  from = _lab_window_resume_weights (self);
  if (mode == NN_MODE_GAN && discriminator == NULL)
    g_set_error_literal (
      &error, NN_ERROR, NN_ERROR_INVALID,
      _ ("A GAN needs a generator and a discriminator: choose the Task “Generate "
         "(GAN)” again, or start from the GAN template"));
  else if (mode == NN_MODE_GAN)
    lab_training_controller_start_gan (self->training, generator, discriminator, ds, &config, from,
                                       paused, &error);
  else
    lab_training_controller_start (self->training, generator, ds, &config, from, paused, &error);
  if (error != NULL)
    {
      lab_training_page_show_message (self->training_page, error->message, TRUE);
      _lab_window_toast (self, error->message);
      adw_view_stack_set_visible_child_name (self->stack, "training");
      return FALSE;
    }
  lab_training_page_begin_run (self->training_page, &config);
  /* The same split as the trainer's (same data, fractions and seed): the
   * Inside tab looks at the test part. */
  if (nn_split_make (ds, config.val_fraction, config.test_fraction, config.seed, &split, &error))
    {
      if (!lab_inside_page_set_run (self->inside_page, lab_model_page_get_graph (self->model_page),
                                    ds, &split, config.loss, config.mode, &error))
        _lab_window_toast (self, error->message);
      nn_split_clear (&split);
    }
  g_clear_error (&error);
  if (from != NULL)
    _lab_window_toast (self, _ ("Training goes on from the weights saved in the project"));
  adw_view_stack_set_visible_child_name (self->stack, "training");
  return TRUE;
}

void
_lab_window_train (LabWindow *self)
{
  if (lab_training_controller_get_paused (self->training))
    lab_training_controller_resume (self->training);
  else if (!lab_training_controller_get_active (self->training))
    start_run (self, FALSE);
}

static void
action_train (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  _lab_window_train (LAB_WINDOW (user_data));
}

static void
action_pause (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  lab_training_controller_pause (LAB_WINDOW (user_data)->training);
}

static void
action_step (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabWindow *self = LAB_WINDOW (user_data);

  /* Stepping with no run starts one, paused, to step through. */
  if (!lab_training_controller_get_active (self->training) && !start_run (self, TRUE))
    return;
  lab_training_controller_step (self->training);
}

static void
action_stop (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  lab_training_controller_stop (LAB_WINDOW (user_data)->training);
}

/* The generator's Input is its latent vector. */
static void
update_latent_size (LabWindow *self)
{
  const nn_graph *generator = lab_model_page_get_graph (self->model_page);
  nn_graph_report report = { 0 };
  const nn_node_report *input;
  int size = 0;

  if (lab_model_page_get_discriminator (self->model_page) != NULL)
    {
      nn_graph_infer (generator, &report);
      input = report.input_id >= 0 ? nn_graph_report_node (&report, report.input_id) : NULL;
      if (input != NULL && input->out_shape.rank > 0)
        size = (int) nn_shape_size (&input->out_shape);
      nn_graph_report_clear (&report);
    }
  lab_training_page_set_latent_size (self->training_page, size);
}

/* The user chose a Task by hand: a GAN needs a discriminator beside the
 * model, which becomes the generator; another Task needs none. */
static void
on_task_changed (LabTrainingPage *page, LabWindow *self)
{
  gboolean gan = lab_training_page_get_task (page) == NN_MODE_GAN;
  gboolean has_pair = lab_model_page_get_discriminator (self->model_page) != NULL;
  g_autoptr (GError) error = NULL;
  nn_graph *generator = NULL, *discriminator = NULL;

  if (gan && !has_pair)
    {
      if (!nn_template_build_gan ("gan", lab_data_page_get_dataset (self->data_page), &generator,
                                  &discriminator, &error))
        {
          _lab_window_toast (self, error->message);
          return;
        }
      nn_graph_free (generator);
      lab_model_page_set_discriminator (self->model_page, discriminator);
      _lab_window_toast (self, _ ("Your model is now the generator, beside the GAN template’s "
                                  "discriminator: switch between them above the Model tab’s "
                                  "canvas"));
    }
  else if (!gan && has_pair)
    {
      lab_model_page_set_discriminator (self->model_page, NULL);
      _lab_window_toast (self, _ ("The discriminator was removed: the model is the generator alone "
                                  "now"));
    }
  update_latent_size (self);
}

static void
on_dataset_changed (LabDataPage *page, LabWindow *self)
{
  lab_training_controller_release_data (self->training);
}

static const GActionEntry training_actions[] = {
  { "train", action_train },
  { "pause", action_pause },
  { "step", action_step },
  { "stop", action_stop },
};

void
_lab_window_init_training (LabWindow *self)
{
  self->training = lab_training_controller_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), training_actions,
                                   G_N_ELEMENTS (training_actions), self);
  g_signal_connect (self->training, "notify::active", G_CALLBACK (on_state_changed), self);
  g_signal_connect (self->training, "notify::paused", G_CALLBACK (on_state_changed), self);
  g_signal_connect (self->training, "event", G_CALLBACK (on_event), self);
  g_signal_connect (self->training_page, "task-changed", G_CALLBACK (on_task_changed), self);
  g_signal_connect_swapped (self->model_page, "graph-changed", G_CALLBACK (update_latent_size),
                            self);
  g_signal_connect (self->data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), self);
  update_actions (self);
}
