/* lab-training-page.c — see lab-training-page.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lab-file-chooser.h"
#include "lab-help-button.h"
#include "lab-loss-plot.h"
#include "lab-training-page.h"

struct _LabTrainingPage
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget *settings;
  AdwComboRow *task_row;
  AdwComboRow *ae_loss_row;
  GtkWidget *latent_row;
  GtkLabel *latent_label;
  GtkWidget *smoothing_row;
  GtkSpinButton *smoothing_spin;
  GtkWidget *patience_row;
  AdwComboRow *optimizer_row;
  GtkWidget *optimizer_help, *ae_loss_help; /* "?" with the update rule, the loss */
  GtkSpinButton *lr_spin;
  GtkSpinButton *momentum_spin;
  GtkSpinButton *decay_spin;
  AdwComboRow *schedule_row;
  GtkSpinButton *batch_spin;
  GtkSpinButton *epochs_spin;
  GtkSpinButton *patience_spin;
  GtkSpinButton *seed_spin;
  GtkSwitch *flip_switch;
  GtkSpinButton *shift_spin;
  GtkSpinButton *noise_spin;
  GtkLabel *status_label;
  GtkToggleButton *log_button;
  GtkProgressBar *progress;
  GtkRevealer *banner;
  GtkLabel *banner_label;
  LabLossPlot *plot;

  /* the current run; a GAN run draws its generator's loss as a second run */
  guint run_id;
  guint g_run_id;
  nn_train_mode mode;
  gboolean gan;
  double last_d, last_g; /* gan: the last epoch's losses, for the done line */
  int runs;
  int epochs;

  /* set while the code, not the user, changes the Task */
  gboolean setting_task;
};

G_DEFINE_FINAL_TYPE (LabTrainingPage, lab_training_page, GTK_TYPE_WIDGET)

/* The drop-down rows list these in this order. */
static const nn_optimizer_kind optimizers[] = { NN_OPTIMIZER_SGD, NN_OPTIMIZER_ADAM,
                                                NN_OPTIMIZER_ADAMW, NN_OPTIMIZER_RMSPROP };
static const nn_schedule_kind schedules[] = { NN_SCHEDULE_CONSTANT, NN_SCHEDULE_STEP,
                                              NN_SCHEDULE_COSINE };
static const nn_train_mode tasks[] = { NN_MODE_SUPERVISED, NN_MODE_AUTOENCODER, NN_MODE_GAN };
static const nn_loss_kind ae_losses[] = { NN_LOSS_MSE, NN_LOSS_BCE };

enum
{
  TASK_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static char *
format_duration (double seconds)
{
  int s = (int) (seconds + 0.5);

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("—");
  if (s < 60)
    return g_strdup_printf (_ ("%d s"), s);
  if (s < 3600)
    return g_strdup_printf (_ ("%d min %d s"), s / 60, s % 60);
  return g_strdup_printf (_ ("%d h %d min"), s / 3600, (s % 3600) / 60);
}

/* One epoch's four numbers; NaN ones (no validation part) are left out. */
static void
append_epoch (LabTrainingPage *self, guint run, int epoch, double step, double loss,
              double accuracy, double val_loss, double val_accuracy)
{
  const struct
  {
    LabPlotMetric metric;
    LabPlotSplit split;
    double value;
  } points[] = {
    { LAB_PLOT_LOSS, LAB_PLOT_TRAIN, loss },
    { LAB_PLOT_ACCURACY, LAB_PLOT_TRAIN, accuracy },
    { LAB_PLOT_LOSS, LAB_PLOT_VAL, val_loss },
    { LAB_PLOT_ACCURACY, LAB_PLOT_VAL, val_accuracy },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (points); i++)
    if (isfinite (points[i].value))
      lab_loss_plot_append_epoch (self->plot, run, points[i].metric, points[i].split, epoch, step,
                                  points[i].value);
}

nn_train_mode
lab_training_page_get_task (LabTrainingPage *self)
{
  guint task = adw_combo_row_get_selected (self->task_row);

  return tasks[MIN (task, G_N_ELEMENTS (tasks) - 1)];
}

/* HIG: show only the settings that apply to the Task. A GAN has no
 * validation part, so nothing for early stopping to watch. */
static void
update_task_rows (LabTrainingPage *self)
{
  nn_train_mode mode = lab_training_page_get_task (self);

  gtk_widget_set_visible (GTK_WIDGET (self->ae_loss_row), mode == NN_MODE_AUTOENCODER);
  gtk_widget_set_visible (self->latent_row, mode == NN_MODE_GAN);
  gtk_widget_set_visible (self->smoothing_row, mode == NN_MODE_GAN);
  gtk_widget_set_visible (self->patience_row, mode != NN_MODE_GAN);
}

void
lab_training_page_set_task (LabTrainingPage *self, nn_train_mode mode)
{
  self->setting_task = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    if (tasks[i] == mode)
      adw_combo_row_set_selected (self->task_row, i);
  self->setting_task = FALSE;
  update_task_rows (self);
}

static void
on_task_selected (AdwComboRow *row, GParamSpec *pspec, LabTrainingPage *self)
{
  update_task_rows (self);
  if (!self->setting_task)
    g_signal_emit (self, signals[TASK_CHANGED], 0);
}

void
lab_training_page_set_latent_size (LabTrainingPage *self, int size)
{
  g_autofree char *text = size > 0 ? g_strdup_printf ("%d", size) : g_strdup ("—");

  gtk_label_set_text (self->latent_label, text);
}

/* The "?" beside the optimizer shows its update rule; beside the
 * autoencoder's loss, that loss's formula. */
static void
update_help (LabTrainingPage *self)
{
  nn_trainer_config c;
  int n_infos, n;
  const nn_optimizer_info *infos = nn_optimizers (&n_infos);
  const nn_loss_info *losses = nn_losses (&n);

  nn_trainer_config_init (&c);
  lab_training_page_get_config (self, &c);
  for (int i = 0; i < n_infos; i++)
    if (infos[i].kind == c.optimizer)
      lab_help_button_set_help (self->optimizer_help, lab_optimizer_help (infos[i].id),
                                _ (infos[i].title));
  for (int i = 0; i < n; i++)
    if (losses[i].kind == c.loss)
      lab_help_button_set_help (self->ae_loss_help, lab_loss_help (losses[i].id),
                                _ (losses[i].title));
}

void
lab_training_page_get_config (LabTrainingPage *self, nn_trainer_config *c)
{
  guint optimizer = adw_combo_row_get_selected (self->optimizer_row);
  guint schedule = adw_combo_row_get_selected (self->schedule_row);

  c->optimizer = optimizers[MIN (optimizer, G_N_ELEMENTS (optimizers) - 1)];
  c->schedule = schedules[MIN (schedule, G_N_ELEMENTS (schedules) - 1)];
  c->lr = gtk_spin_button_get_value (self->lr_spin);
  c->momentum = gtk_spin_button_get_value (self->momentum_spin);
  c->weight_decay = gtk_spin_button_get_value (self->decay_spin);
  c->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  c->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  c->patience = gtk_spin_button_get_value_as_int (self->patience_spin);
  c->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  c->augment.flip = gtk_switch_get_active (self->flip_switch);
  c->augment.shift = gtk_spin_button_get_value_as_int (self->shift_spin);
  c->augment.noise = gtk_spin_button_get_value (self->noise_spin);
  c->mode = lab_training_page_get_task (self);
  if (c->mode == NN_MODE_GAN)
    c->label_smoothing = gtk_spin_button_get_value (self->smoothing_spin);
  if (c->mode == NN_MODE_AUTOENCODER)
    c->loss =
      ae_losses[MIN (adw_combo_row_get_selected (self->ae_loss_row), G_N_ELEMENTS (ae_losses) - 1)];
}

static void
set_ae_loss (LabTrainingPage *self, nn_loss_kind loss)
{
  for (guint i = 0; i < G_N_ELEMENTS (ae_losses); i++)
    if (ae_losses[i] == loss)
      adw_combo_row_set_selected (self->ae_loss_row, i);
}

void
lab_training_page_set_config (LabTrainingPage *self, const nn_trainer_config *c)
{
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (optimizers[i] == c->optimizer)
      adw_combo_row_set_selected (self->optimizer_row, i);
  for (guint i = 0; i < G_N_ELEMENTS (schedules); i++)
    if (schedules[i] == c->schedule)
      adw_combo_row_set_selected (self->schedule_row, i);
  gtk_spin_button_set_value (self->lr_spin, c->lr);
  gtk_spin_button_set_value (self->momentum_spin, c->momentum);
  gtk_spin_button_set_value (self->decay_spin, c->weight_decay);
  gtk_spin_button_set_value (self->batch_spin, c->batch);
  gtk_spin_button_set_value (self->epochs_spin, c->epochs);
  gtk_spin_button_set_value (self->patience_spin, c->patience);
  gtk_spin_button_set_value (self->seed_spin, (double) c->seed);
  gtk_switch_set_active (self->flip_switch, c->augment.flip);
  gtk_spin_button_set_value (self->shift_spin, c->augment.shift);
  gtk_spin_button_set_value (self->noise_spin, c->augment.noise);
  gtk_spin_button_set_value (self->smoothing_spin, c->label_smoothing);
  if (c->mode == NN_MODE_AUTOENCODER)
    set_ae_loss (self, c->loss);
  lab_training_page_set_task (self, c->mode);
}

void
lab_training_page_show_history (LabTrainingPage *self, const char *label,
                                const nn_epoch_record *records, guint n)
{
  guint run = lab_loss_plot_add_run (self->plot, label);

  self->runs++;
  /* Epochs of a saved run are drawn one step apart. */
  for (guint i = 0; i < n; i++)
    append_epoch (self, run, i + 1, i + 1, records[i].loss, records[i].accuracy,
                  records[i].val_loss, records[i].val_accuracy);
}

void
lab_training_page_clear (LabTrainingPage *self)
{
  lab_loss_plot_clear (self->plot);
  self->runs = 0;
  lab_training_page_set_task (self, NN_MODE_SUPERVISED);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_label_set_text (self->status_label,
                      _ ("Not trained yet: build a model, pick a dataset, then press Train"));
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

void
lab_training_page_recommend (LabTrainingPage *self, const nn_template *template)
{
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (optimizers[i] == template->optimizer)
      adw_combo_row_set_selected (self->optimizer_row, i);
  gtk_spin_button_set_value (self->lr_spin, template->lr);
  gtk_spin_button_set_value (self->batch_spin, template->batch);
  gtk_spin_button_set_value (self->epochs_spin, template->epochs);
  if (template->mode == NN_MODE_AUTOENCODER)
    set_ae_loss (self, template->loss);
  lab_training_page_set_task (self, template->mode);
}

void
lab_training_page_show_message (LabTrainingPage *self, const char *message, gboolean is_error)
{
  gtk_label_set_text (self->banner_label, message);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->banner_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->banner_label), "error");
  gtk_revealer_set_reveal_child (self->banner, message != NULL);
}

void
lab_training_page_begin_run (LabTrainingPage *self, const nn_trainer_config *c)
{
  g_autofree char *label = NULL;

  self->runs++;
  self->epochs = c->epochs;
  /* Translators: a run in the plot's legend: "Run 2 · Adam 0.001" */
  label = g_strdup_printf (_ ("Run %d · %s %g"), self->runs, nn_optimizer_id (c->optimizer), c->lr);
  self->mode = c->mode;
  self->gan = c->mode == NN_MODE_GAN;
  self->last_d = self->last_g = NAN;
  if (self->gan)
    {
      /* Two losses that pull against each other: each gets a curve. */
      g_autofree char *d_label = NULL, *g_label = NULL;

      /* Translators: a GAN run's two curves in the plot's legend: "Run 2 · Discriminator" */
      d_label = g_strdup_printf (_ ("Run %d · Discriminator"), self->runs);
      g_label = g_strdup_printf (_ ("Run %d · Generator"), self->runs);
      self->run_id = lab_loss_plot_add_run (self->plot, d_label);
      self->g_run_id = lab_loss_plot_add_run (self->plot, g_label);
    }
  else
    self->run_id = lab_loss_plot_add_run (self->plot, label);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_label_set_text (self->status_label, _ ("Starting…"));
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

static void
show_batch (LabTrainingPage *self, const nn_train_event *e)
{
  double total = (double) self->epochs * e->batches_per_epoch;
  double done = (double) (e->epoch - 1) * e->batches_per_epoch + e->batch + 1;
  g_autofree char *eta = format_duration (e->eta_s);
  g_autofree char *status = NULL;

  if (self->gan)
    {
      if (isfinite (e->d_loss))
        lab_loss_plot_append_batch (self->plot, self->run_id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN,
                                    e->step, e->d_loss);
      if (isfinite (e->g_loss))
        lab_loss_plot_append_batch (self->plot, self->g_run_id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN,
                                    e->step, e->g_loss);
    }
  else
    lab_loss_plot_append_batch (self->plot, self->run_id, LAB_PLOT_LOSS, LAB_PLOT_TRAIN, e->step,
                                e->loss);
  if (isfinite (e->accuracy))
    lab_loss_plot_append_batch (self->plot, self->run_id, LAB_PLOT_ACCURACY, LAB_PLOT_TRAIN,
                                e->step, e->accuracy);
  gtk_progress_bar_set_fraction (self->progress, total > 0 ? MIN (1.0, done / total) : 0);
  status =
    g_strdup_printf (_ ("Epoch %d of %d · batch %d of %d · %.0f samples/s · %s left"), e->epoch,
                     self->epochs, e->batch + 1, e->batches_per_epoch, e->samples_per_s, eta);
  gtk_label_set_text (self->status_label, status);
}

static void
show_epoch (LabTrainingPage *self, const nn_train_event *e)
{
  if (self->gan)
    {
      append_epoch (self, self->run_id, e->epoch, e->step, e->d_loss, NAN, NAN, NAN);
      append_epoch (self, self->g_run_id, e->epoch, e->step, e->g_loss, NAN, NAN, NAN);
      self->last_d = e->d_loss;
      self->last_g = e->g_loss;
      return;
    }
  append_epoch (self, self->run_id, e->epoch, e->step, e->loss, e->accuracy, e->val_loss,
                e->val_accuracy);
}

static void
show_done (LabTrainingPage *self, const nn_train_event *e)
{
  g_autofree char *took = format_duration (e->seconds);
  g_autofree char *score = NULL;
  g_autofree char *text = NULL;

  if (self->gan)
    /* A GAN has no test score: its two last losses say how the contest stands. */
    score = g_strdup_printf (_ ("discriminator loss %.4g, generator loss %.4g"), self->last_d,
                             self->last_g);
  else if (self->mode == NN_MODE_AUTOENCODER)
    score = g_strdup_printf (_ ("test reconstruction loss %.4g"), e->test_loss);
  else if (isfinite (e->test_accuracy))
    score = g_strdup_printf (_ ("test accuracy %.1f %%, test loss %.4g"), 100 * e->test_accuracy,
                             e->test_loss);
  else
    score =
      g_strdup_printf (_ ("test loss %.4g, mean absolute error %.4g"), e->test_loss, e->test_mae);

  switch (e->reason)
    {
      case NN_DONE_FINISHED:
        text = g_strdup_printf (_ ("Finished in %s: %s"), took, score);
        break;
      case NN_DONE_STOPPED:
        text = g_strdup_printf (_ ("Stopped in epoch %d after %s: %s"), e->epoch, took, score);
        break;
      case NN_DONE_EARLY_STOPPED:
        text = g_strdup_printf (_ ("Stopped early in epoch %d, when the validation loss no longer "
                                   "improved, with the best weights: %s"),
                                e->epoch, score);
        break;
      case NN_DONE_DIVERGED:
        lab_training_page_show_message (self, e->message, TRUE);
        gtk_label_set_text (self->status_label, _ ("The run diverged"));
        return;
    }
  gtk_progress_bar_set_fraction (self->progress, 1);
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

void
lab_training_page_show_event (LabTrainingPage *self, const nn_train_event *e)
{
  switch (e->kind)
    {
      case NN_EVENT_BATCH:
        show_batch (self, e);
        break;
      case NN_EVENT_EPOCH:
        show_epoch (self, e);
        break;
      case NN_EVENT_DONE:
        show_done (self, e);
        break;
      case NN_EVENT_ERROR:
        lab_training_page_show_message (self, e->message, TRUE);
        gtk_label_set_text (self->status_label, _ ("The run failed"));
        break;
    }
}

void
lab_training_page_set_locked (LabTrainingPage *self, gboolean locked)
{
  gtk_widget_set_sensitive (self->settings, !locked);
}

static void
export_chosen (GtkWidget *owner, GFile *file)
{
  LabTrainingPage *self = LAB_TRAINING_PAGE (owner);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  if (g_str_has_suffix (path, ".csv"))
    {
      char *csv = lab_loss_plot_to_csv (self->plot);
      bytes = g_bytes_new_take (csv, strlen (csv));
    }
  else
    bytes = lab_loss_plot_to_png (self->plot, 1600, 1000, &error);
  /* written whole or not at all: a full disk leaves the old file as it was */
  if (bytes == NULL || path == NULL ||
      !g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, &error))
    lab_training_page_show_message (
      self, error != NULL ? error->message : _ ("Only files on this computer can be written."),
      TRUE);
}

static void
action_export (GtkWidget *widget, const char *name, GVariant *parameter)
{
  const char *format = g_variant_get_string (parameter, NULL);
  g_autofree char *file_name = g_strconcat (_ ("training"), ".", format, NULL);

  lab_file_chooser_save (widget,
                         g_str_equal (format, "csv") ? _ ("Export History") : _ ("Export Curves"),
                         file_name, export_chosen);
}

static void
action_reset_zoom (GtkWidget *widget, const char *name, GVariant *parameter)
{
  lab_loss_plot_reset_zoom (LAB_TRAINING_PAGE (widget)->plot);
}

static void
lab_training_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_TRAINING_PAGE);
  /* The template's root is not a bound child, so it is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_training_page_parent_class)->dispose (object);
}

static void
lab_training_page_class_init (LabTrainingPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lab_training_page_dispose;
  g_type_ensure (LAB_TYPE_LOSS_PLOT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/layerlab/Layerlab/ui/lab-training-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, LabTrainingPage, name)
  BIND (settings);
  BIND (task_row);
  BIND (ae_loss_row);
  BIND (latent_row);
  BIND (latent_label);
  BIND (smoothing_row);
  BIND (smoothing_spin);
  BIND (patience_row);
  BIND (optimizer_row);
  BIND (lr_spin);
  BIND (momentum_spin);
  BIND (decay_spin);
  BIND (schedule_row);
  BIND (batch_spin);
  BIND (epochs_spin);
  BIND (patience_spin);
  BIND (seed_spin);
  BIND (flip_switch);
  BIND (shift_spin);
  BIND (noise_spin);
  BIND (status_label);
  BIND (log_button);
  BIND (progress);
  BIND (banner);
  BIND (banner_label);
  BIND (plot);
#undef BIND
  /* ::task-changed: the user chose another Task (not emitted when the
   * code sets it). */
  signals[TASK_CHANGED] = g_signal_new ("task-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_install_action (widget_class, "training.export", "s", action_export);
  gtk_widget_class_install_action (widget_class, "training.reset-zoom", NULL, action_reset_zoom);
}

static void
lab_training_page_init (LabTrainingPage *self)
{
  nn_trainer_config defaults;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_bind_property (self->log_button, "active", self->plot, "log-scale",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  nn_trainer_config_init (&defaults);
  adw_combo_row_set_selected (self->optimizer_row, 1);
  gtk_spin_button_set_value (self->lr_spin, defaults.lr);
  gtk_spin_button_set_value (self->batch_spin, defaults.batch);
  gtk_spin_button_set_value (self->epochs_spin, defaults.epochs);
  g_signal_connect (self->task_row, "notify::selected", G_CALLBACK (on_task_selected), self);
  self->optimizer_help = lab_help_button_new (NULL, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->optimizer_row), self->optimizer_help);
  self->ae_loss_help = lab_help_button_new (NULL, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->ae_loss_row), self->ae_loss_help);
  g_signal_connect_swapped (self->optimizer_row, "notify::selected", G_CALLBACK (update_help),
                            self);
  g_signal_connect_swapped (self->ae_loss_row, "notify::selected", G_CALLBACK (update_help), self);
  update_help (self);
  lab_training_page_set_latent_size (self, 0);
  update_task_rows (self);
}

GtkWidget *
lab_training_page_new (void)
{
  return g_object_new (LAB_TYPE_TRAINING_PAGE, NULL);
}
