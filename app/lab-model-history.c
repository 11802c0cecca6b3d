/* lab-model-history.c — see lab-model-history.h. */
#include "lab-model-history.h"

#define MAX_STEPS 500

typedef struct
{
  nn_graph *graph;
  char *label;
} Step;

struct _LabModelHistory
{
  GQueue undo; /* Step*, most recent at the head */
  GQueue redo;
};

static Step *
step_new (const nn_graph *graph, const char *label)
{
  Step *step = g_new (Step, 1);

  step->graph = nn_graph_copy (graph);
  step->label = g_strdup (label);
  return step;
}

static void
step_free (Step *step)
{
  nn_graph_free (step->graph);
  g_free (step->label);
  g_free (step);
}

LabModelHistory *
lab_model_history_new (void)
{
  LabModelHistory *history = g_new0 (LabModelHistory, 1);

  g_queue_init (&history->undo);
  g_queue_init (&history->redo);
  return history;
}

void
lab_model_history_clear (LabModelHistory *history)
{
  g_queue_clear_full (&history->undo, (GDestroyNotify) step_free);
  g_queue_clear_full (&history->redo, (GDestroyNotify) step_free);
}

void
lab_model_history_free (LabModelHistory *history)
{
  if (history == NULL)
    return;
  lab_model_history_clear (history);
  g_free (history);
}

void
lab_model_history_push (LabModelHistory *history, const nn_graph *before, const char *label)
{
  g_queue_push_head (&history->undo, step_new (before, label));
  g_queue_clear_full (&history->redo, (GDestroyNotify) step_free);
  while (g_queue_get_length (&history->undo) > MAX_STEPS)
    step_free (g_queue_pop_tail (&history->undo));
}

gboolean
lab_model_history_can_undo (const LabModelHistory *history)
{
  return history->undo.length > 0;
}

gboolean
lab_model_history_can_redo (const LabModelHistory *history)
{
  return history->redo.length > 0;
}

const char *
lab_model_history_undo_label (const LabModelHistory *history)
{
  return history->undo.head != NULL ? ((const Step *) history->undo.head->data)->label : NULL;
}

const char *
lab_model_history_redo_label (const LabModelHistory *history)
{
  return history->redo.head != NULL ? ((const Step *) history->redo.head->data)->label : NULL;
}

/* Moves the head of `from` to `to`, leaving `current` in its place. */
static nn_graph *
travel (GQueue *from, GQueue *to, const nn_graph *current)
{
  Step *step = g_queue_pop_head (from);
  nn_graph *graph;

  if (step == NULL)
    return NULL;
  graph = step->graph;
  step->graph = nn_graph_copy (current);
  g_queue_push_head (to, step);
  return graph;
}

nn_graph *
lab_model_history_undo (LabModelHistory *history, const nn_graph *current)
{
  return travel (&history->undo, &history->redo, current);
}

nn_graph *
lab_model_history_redo (LabModelHistory *history, const nn_graph *current)
{
  return travel (&history->redo, &history->undo, current);
}
