/* lab-training-controller.c — see lab-training-controller.h. The worker
 * idiom of GNOME Text Editor's statistics: the worker owns its copy, the
 * main loop gets one coalesced flush holding a weak reference. */
#include "config.h"

#include "lab-training-controller.h"

/* Shared by the worker's notify and the main loop's idle; reference
 * counted so that neither outlives the other's use of it. */
typedef struct
{
  GWeakRef controller;
  nn_trainer *trainer; /* only compared, never used through this */
  gint queued;
} Flush;

struct _LabTrainingController
{
  GObject parent_instance;

  nn_trainer *trainer;
  Flush *flush;
  gboolean active;
  gboolean paused;
  gboolean data_released; /* the trainer's borrowed dataset is gone */
};

G_DEFINE_FINAL_TYPE (LabTrainingController, lab_training_controller, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACTIVE,
  PROP_PAUSED,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum
{
  EVENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static Flush *
flush_ref (Flush *flush)
{
  return g_atomic_rc_box_acquire (flush);
}

static void
flush_clear (Flush *flush)
{
  g_weak_ref_clear (&flush->controller);
}

static void
flush_unref (Flush *flush)
{
  g_atomic_rc_box_release_full (flush, (GDestroyNotify) flush_clear);
}

static void
set_state (LabTrainingController *self, gboolean active, gboolean paused)
{
  if (self->active != active)
    {
      self->active = active;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE]);
    }
  if (self->paused != paused)
    {
      self->paused = paused;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAUSED]);
    }
}

static gboolean
flush_events (gpointer user_data)
{
  Flush *flush = user_data;
  g_autoptr (LabTrainingController) self = NULL;
  g_autoptr (GPtrArray) events = NULL;

  g_atomic_int_set (&flush->queued, 0);
  self = g_weak_ref_get (&flush->controller);
  /* A run that was stopped and replaced (or a controller that is gone). */
  if (self == NULL || self->trainer == NULL || self->trainer != flush->trainer)
    return G_SOURCE_REMOVE;

  events = nn_trainer_pop_events (self->trainer);
  for (guint i = 0; i < events->len; i++)
    {
      const nn_train_event *e = g_ptr_array_index (events, i);

      if (e->kind == NN_EVENT_DONE || e->kind == NN_EVENT_ERROR)
        {
          /* The worker has finished its loop; join it before saying so. */
          nn_trainer_stop (self->trainer);
          set_state (self, FALSE, FALSE);
        }
      g_signal_emit (self, signals[EVENT], 0, e);
    }
  return G_SOURCE_REMOVE;
}

/* Runs on the worker thread: no GTK, no GObject signals — only one idle. */
static void
on_worker_notify (gpointer user_data)
{
  Flush *flush = user_data;

  if (g_atomic_int_compare_and_exchange (&flush->queued, 0, 1))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_events, flush_ref (flush),
                     (GDestroyNotify) flush_unref);
}

static void
lab_training_controller_drop_run (LabTrainingController *self)
{
  /* nn_trainer_free stops and joins a worker that still runs. */
  g_clear_pointer (&self->trainer, nn_trainer_free);
  if (self->flush != NULL)
    {
      self->flush->trainer = NULL;
      g_clear_pointer (&self->flush, flush_unref);
    }
}

static void
lab_training_controller_dispose (GObject *object)
{
  LabTrainingController *self = LAB_TRAINING_CONTROLLER (object);

  lab_training_controller_drop_run (self);
  G_OBJECT_CLASS (lab_training_controller_parent_class)->dispose (object);
}

static void
lab_training_controller_get_property (GObject *object, guint prop_id, GValue *value,
                                      GParamSpec *pspec)
{
  LabTrainingController *self = LAB_TRAINING_CONTROLLER (object);

  switch (prop_id)
    {
      case PROP_ACTIVE:
        g_value_set_boolean (value, self->active);
        break;
      case PROP_PAUSED:
        g_value_set_boolean (value, self->paused);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_training_controller_class_init (LabTrainingControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_training_controller_dispose;
  object_class->get_property = lab_training_controller_get_property;

  props[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* ::event (const nn_train_event *): one event of the current run, on the
   * main loop, valid during the emission. */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
lab_training_controller_init (LabTrainingController *self)
{
}

LabTrainingController *
lab_training_controller_new (void)
{
  return g_object_new (LAB_TYPE_TRAINING_CONTROLLER, NULL);
}

/* Takes the trainer: replaces the last run with it and starts its worker. */
static gboolean
start_trainer (LabTrainingController *self, nn_trainer *trainer, const nn_project *from,
               gboolean paused, GError **error)
{
  /* a trained project goes on from its weights and, when the optimizer is
   * of the same kind, from its moments and step count */
  if (from != NULL &&
      (!nn_project_apply_weights (from, nn_trainer_get_model (trainer), error) ||
       !nn_project_apply_optimizer (from, nn_trainer_get_optimizer (trainer), error)))
    {
      nn_trainer_free (trainer);
      return FALSE;
    }
  lab_training_controller_drop_run (self);
  self->trainer = trainer;
  self->data_released = FALSE;
  self->flush = g_atomic_rc_box_new0 (Flush);
  g_weak_ref_init (&self->flush->controller, self);
  self->flush->trainer = trainer;
  if (!nn_trainer_start (trainer, paused, on_worker_notify, self->flush, error))
    {
      lab_training_controller_drop_run (self);
      return FALSE;
    }
  set_state (self, TRUE, paused);
  return TRUE;
}

gboolean
lab_training_controller_start (LabTrainingController *self, const nn_graph *graph, nn_dataset *ds,
                               const nn_trainer_config *config, const nn_project *from,
                               gboolean paused, GError **error)
{
  nn_trainer *trainer;

  g_return_val_if_fail (LAB_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (!self->active, FALSE);

  trainer = nn_trainer_new (graph, ds, config, error);
  return trainer != NULL && start_trainer (self, trainer, from, paused, error);
}

gboolean
lab_training_controller_start_gan (LabTrainingController *self, const nn_graph *generator,
                                   const nn_graph *discriminator, nn_dataset *ds,
                                   const nn_trainer_config *config, const nn_project *from,
                                   gboolean paused, GError **error)
{
  nn_trainer *trainer;

  g_return_val_if_fail (LAB_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (!self->active, FALSE);

  trainer = nn_trainer_new_gan (generator, discriminator, ds, config, error);
  if (trainer == NULL)
    return FALSE;
  if (from != NULL && from->discriminator != NULL &&
      (!nn_project_apply_discriminator_weights (from, nn_trainer_get_discriminator (trainer),
                                                error) ||
       !nn_project_apply_discriminator_optimizer (
         from, nn_trainer_get_discriminator_optimizer (trainer), error)))
    {
      nn_trainer_free (trainer);
      return FALSE;
    }
  return start_trainer (self, trainer, from, paused, error);
}

void
lab_training_controller_pause (LabTrainingController *self)
{
  if (self->active && !self->paused)
    {
      nn_trainer_pause (self->trainer);
      set_state (self, TRUE, TRUE);
    }
}

void
lab_training_controller_resume (LabTrainingController *self)
{
  if (self->active && self->paused)
    {
      nn_trainer_resume (self->trainer);
      set_state (self, TRUE, FALSE);
    }
}

void
lab_training_controller_step (LabTrainingController *self)
{
  if (self->active && self->paused)
    nn_trainer_step_paused (self->trainer);
}

void
lab_training_controller_stop (LabTrainingController *self)
{
  /* The worker queues its done event, with test metrics, and ends. */
  if (self->active)
    nn_trainer_stop (self->trainer);
}

gboolean
lab_training_controller_get_active (LabTrainingController *self)
{
  return self->active;
}

gboolean
lab_training_controller_get_paused (LabTrainingController *self)
{
  return self->paused;
}

nn_model *
lab_training_controller_get_model (LabTrainingController *self)
{
  if (self->trainer == NULL || self->active)
    return NULL;
  return nn_trainer_get_model (self->trainer);
}

nn_model *
lab_training_controller_get_discriminator (LabTrainingController *self)
{
  if (self->trainer == NULL || self->active)
    return NULL;
  return nn_trainer_get_discriminator (self->trainer);
}

nn_optimizer *
lab_training_controller_get_optimizer (LabTrainingController *self)
{
  if (self->trainer == NULL || self->active)
    return NULL;
  return nn_trainer_get_optimizer (self->trainer);
}

nn_optimizer *
lab_training_controller_get_discriminator_optimizer (LabTrainingController *self)
{
  if (self->trainer == NULL || self->active)
    return NULL;
  return nn_trainer_get_discriminator_optimizer (self->trainer);
}

nn_train_mode
lab_training_controller_get_mode (LabTrainingController *self)
{
  if (self->trainer == NULL)
    return NN_MODE_SUPERVISED;
  return nn_trainer_get_config (self->trainer)->mode;
}

/* The trainer outlives its run until the next one starts, so after the run
 * these compute from the finished models; during it they wait for the batch
 * in progress under the trainer's lock. */
gboolean
lab_training_controller_generate (LabTrainingController *self, int n, float *out)
{
  g_return_val_if_fail (LAB_IS_TRAINING_CONTROLLER (self), FALSE);
  return self->trainer != NULL && !self->data_released && n > 0 &&
         nn_trainer_generate (self->trainer, n, out);
}

gboolean
lab_training_controller_reconstruct (LabTrainingController *self, const int *idx, int n, float *out)
{
  g_return_val_if_fail (LAB_IS_TRAINING_CONTROLLER (self), FALSE);
  return self->trainer != NULL && !self->data_released && n > 0 &&
         nn_trainer_reconstruct (self->trainer, idx, n, out);
}

void
lab_training_controller_release_data (LabTrainingController *self)
{
  g_return_if_fail (LAB_IS_TRAINING_CONTROLLER (self));
  if (!self->active)
    self->data_released = TRUE;
}

float *
lab_training_controller_snapshot (LabTrainingController *self, gsize *n)
{
  if (self->trainer == NULL)
    return NULL;
  return nn_trainer_snapshot_weights (self->trainer, n);
}
