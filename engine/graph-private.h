/* graph-private.h — what graph.c (the editable graph) and model.c (the
 * compiled model) share. */
#pragma once

#include "graph.h"

G_BEGIN_DECLS

/* Indices (as for nn_graph_nth_node) in topological order; the graph is
 * acyclic by construction. Ties keep insertion order, so the weight layout
 * of a graph is the same every time it is compiled. Free with g_free. */
int *_nn_graph_topo_order (const nn_graph *g);

G_END_DECLS
