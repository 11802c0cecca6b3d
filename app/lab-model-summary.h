/* lab-model-summary.h — the model as a table, in the manner of Keras's
 * model.summary(): each layer's name and kind, output shape and parameter
 * count, then the totals; shown in a window of its own. */
#pragma once

#include <adwaita.h>

#include "graph.h"

G_BEGIN_DECLS

/* A new window over parent showing graph as it is now. */
GtkWindow *lab_model_summary_new (GtkWindow *parent, const nn_graph *graph);

G_END_DECLS
