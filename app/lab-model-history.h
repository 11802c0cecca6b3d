/* lab-model-history.h — undo and redo for the model builder.
 *
 * Every edit records the whole graph as it was before the edit, with a
 * label for the menu ("Add Dense"). Graphs are small (a few hundred bytes a
 * node), so whole copies are simpler and safer than inverse operations, and
 * undo can never drift from what the user saw. */
#pragma once

#include "graph.h"

G_BEGIN_DECLS

typedef struct _LabModelHistory LabModelHistory;

LabModelHistory *lab_model_history_new (void);
void lab_model_history_free (LabModelHistory *history);

/* Records a copy of `before`, the graph as it was before the edit named
 * `label`; forgets what could be redone. The oldest steps go beyond 500. */
void lab_model_history_push (LabModelHistory *history, const nn_graph *before, const char *label);
/* Forgets everything (a new or opened project). */
void lab_model_history_clear (LabModelHistory *history);

gboolean lab_model_history_can_undo (const LabModelHistory *history);
gboolean lab_model_history_can_redo (const LabModelHistory *history);
/* The label of what undo or redo would do, or NULL. */
const char *lab_model_history_undo_label (const LabModelHistory *history);
const char *lab_model_history_redo_label (const LabModelHistory *history);

/* Steps back: keeps a copy of `current` for redo and returns the graph to
 * show (the caller owns it), or NULL when there is nothing to undo. */
nn_graph *lab_model_history_undo (LabModelHistory *history, const nn_graph *current);
nn_graph *lab_model_history_redo (LabModelHistory *history, const nn_graph *current);

G_END_DECLS
