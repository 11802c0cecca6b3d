/* trainer-worker.c — a training run on its own thread: the window sends
 * commands (pause, resume, one step, stop) through a queue, the worker
 * answers with events through another, and holds the model's lock for a
 * whole batch so that snapshots and reconstructions see finished steps. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "trainer-private.h"

enum
{
  CMD_PAUSE = 1, /* GAsyncQueue cannot hold NULL */
  CMD_RESUME,
  CMD_STEP,
  CMD_STOP,
  CMD_ABORT, /* stop without evaluating: the trainer is being freed */
};

/* Runs on the worker: queue a copy. */
static void
queue_event (const nn_train_event *e, gpointer user_data)
{
  nn_trainer *t = user_data;
  nn_train_event *copy = nn_train_event_copy (e);

  g_mutex_lock (&t->events_lock);
  g_ptr_array_add (t->events, copy);
  g_mutex_unlock (&t->events_lock);
}

static gpointer
worker (gpointer data)
{
  nn_trainer *t = data;
  gboolean paused = g_atomic_int_get (&t->paused);

  while (TRUE)
    {
      gpointer cmd;
      gboolean one = FALSE, stop = FALSE, abort = FALSE;

      /* apply every waiting command; when paused, wait for one */
      while ((cmd = paused ? g_async_queue_pop (t->commands)
                           : g_async_queue_try_pop (t->commands)) != NULL)
        {
          switch (GPOINTER_TO_INT (cmd))
            {
              case CMD_PAUSE:
                paused = TRUE;
                break;
              case CMD_RESUME:
                paused = FALSE;
                break;
              case CMD_STEP:
                one = TRUE;
                break;
              case CMD_STOP:
                stop = TRUE;
                break;
              case CMD_ABORT:
                stop = abort = TRUE;
                break;
            }
          if (stop || one || !paused)
            break;
        }

      g_mutex_lock (&t->lock);
      if (stop)
        _nn_trainer_finish (t, NN_DONE_STOPPED, g_strdup (_ ("Stopped.")), !abort, queue_event, t);
      else if (!paused || one)
        nn_trainer_step (t, queue_event, t);
      g_mutex_unlock (&t->lock);

      if (t->notify)
        t->notify (t->notify_data);
      if (t->done)
        break;
    }
  g_atomic_int_set (&t->running, FALSE);
  return NULL;
}

gboolean
nn_trainer_start (nn_trainer *t, gboolean paused, nn_notify_func notify, gpointer user_data,
                  GError **error)
{
  if (t->thread != NULL || t->done)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   t->done ? _ ("This training run has finished; start a new one")
                           : _ ("This training run is already going"));
      return FALSE;
    }
  t->notify = notify;
  t->notify_data = user_data;
  g_atomic_int_set (&t->paused, paused);
  g_atomic_int_set (&t->running, TRUE);
  t->thread = g_thread_try_new ("layerlab-train", worker, t, error);
  if (t->thread == NULL)
    {
      g_atomic_int_set (&t->running, FALSE);
      return FALSE;
    }
  return TRUE;
}

void
nn_trainer_pause (nn_trainer *t)
{
  g_atomic_int_set (&t->paused, TRUE);
  g_async_queue_push (t->commands, GINT_TO_POINTER (CMD_PAUSE));
}

void
nn_trainer_resume (nn_trainer *t)
{
  g_atomic_int_set (&t->paused, FALSE);
  g_async_queue_push (t->commands, GINT_TO_POINTER (CMD_RESUME));
}

void
nn_trainer_step_paused (nn_trainer *t)
{
  g_async_queue_push (t->commands, GINT_TO_POINTER (CMD_STEP));
}

static void
stop_worker (nn_trainer *t, int how)
{
  if (t->thread == NULL)
    return;
  g_async_queue_push (t->commands, GINT_TO_POINTER (how));
  g_thread_join (t->thread);
  t->thread = NULL;
  /* commands that arrived after the run ended are moot */
  while (g_async_queue_try_pop (t->commands) != NULL)
    ;
}

void
nn_trainer_stop (nn_trainer *t)
{
  stop_worker (t, CMD_STOP);
}

void
_nn_trainer_abort_worker (nn_trainer *t)
{
  stop_worker (t, CMD_ABORT);
}

gboolean
nn_trainer_is_running (nn_trainer *t)
{
  return g_atomic_int_get (&t->running);
}

gboolean
nn_trainer_is_paused (nn_trainer *t)
{
  return g_atomic_int_get (&t->running) && g_atomic_int_get (&t->paused);
}

GPtrArray *
nn_trainer_pop_events (nn_trainer *t)
{
  GPtrArray *fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_train_event_free);
  GPtrArray *out;

  g_mutex_lock (&t->events_lock);
  out = t->events;
  t->events = fresh;
  g_mutex_unlock (&t->events_lock);
  return out;
}

float *
nn_trainer_snapshot_weights (nn_trainer *t, gsize *n)
{
  gsize size = nn_model_snapshot_size (t->model);
  float *copy = nn_alloc_floats (size);

  if (copy == NULL)
    {
      *n = 0;
      return NULL;
    }
  g_mutex_lock (&t->lock);
  nn_model_copy_weights_to (t->model, copy);
  g_mutex_unlock (&t->lock);
  *n = size;
  return copy;
}

gboolean
nn_trainer_reconstruct (nn_trainer *t, const int *idx, int n, float *out)
{
  gsize in_size = nn_dataset_input_size (t->ds);
  int batch = nn_model_batch (t->model);
  float *x;

  if (t->c.mode != NN_MODE_AUTOENCODER)
    return FALSE;
  x = nn_alloc_floats (in_size * (gsize) batch);
  if (x == NULL)
    return FALSE;
  g_mutex_lock (&t->lock);
  for (int start = 0; start < n; start += batch)
    {
      int b = MIN (batch, n - start);
      float *dst = out + (gsize) start * in_size;

      nn_dataset_gather (t->ds, idx + start, b, x, NULL, NULL);
      nn_model_forward (t->model, x, b, FALSE, NULL);
      memcpy (dst, nn_model_output (t->model), sizeof (float) * b * in_size);
      if (t->c.loss == NN_LOSS_BCE)
        for (gsize i = 0; i < (gsize) b * in_size; i++)
          dst[i] = 1.0f / (1.0f + expf (-dst[i]));
    }
  g_mutex_unlock (&t->lock);
  nn_free_floats (x);
  return TRUE;
}
