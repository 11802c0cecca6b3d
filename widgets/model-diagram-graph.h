/* model-diagram-graph.h — a model diagram of an engine graph: one card per
 * layer with its kind, name, key parameters, output shape, parameter count
 * and message, one wire per input. The window's canvas, `layerlab-cli
 * diagram` and the tests all draw what this builds. */
#pragma once

#include "graph.h"
#include "model-diagram.h"

G_BEGIN_DECLS

/* report is nn_graph_infer()'s for this graph, or NULL to infer here. */
LabDiagram *lab_diagram_new_for_graph (const nn_graph *graph, const nn_graph_report *report);

/* "225,034" — counts in messages and on cards. Free with g_free(). */
char *lab_format_count (guint64 n);
/* "5.3 MFLOPs" — work per sample. Free with g_free(). */
char *lab_format_flops (double flops);

G_END_DECLS
