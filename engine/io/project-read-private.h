/* project-read-private.h — what the readers of a .layerlab file share
 * (project-read.c and its siblings project-read-graph.c, -data.c,
 * -training.c and -weights.c): the field helpers and each part's reader.
 * For engine/io/project-read*.c only. */
#pragma once

#include <json-glib/json-glib.h>

#include "io/project-private.h"

G_BEGIN_DECLS

/* Helpers (project-read.c). Each reads o.member, where o is at `path`
 * ("" for the root, "graph.nodes[3]"), and on failure sets an NN_ERROR_DATA
 * error that names the field ("graph.nodes[3].kind: …") and returns
 * FALSE/NULL. Strings, objects and arrays stay owned by the document. */
G_GNUC_PRINTF (3, 4)
gboolean _nn_project_field_error (GError **error, const char *path, const char *format, ...);
gboolean _nn_project_at_field (GError **error, const char *path);
char *_nn_project_member_path (const char *path, const char *member);
JsonNode *_nn_project_get_member (JsonObject *o, const char *path, const char *member,
                                  GError **error);
gboolean _nn_project_node_is_number (JsonNode *node);
gboolean _nn_project_read_number_node (JsonNode *node, const char *p, gboolean allow_null,
                                       double *out, GError **error);
gboolean _nn_project_read_double (JsonObject *o, const char *path, const char *member, double min,
                                  double max, double *out, GError **error);
gboolean _nn_project_read_int64 (JsonObject *o, const char *path, const char *member, gint64 min,
                                 gint64 max, gint64 *out, GError **error);
gboolean _nn_project_read_int (JsonObject *o, const char *path, const char *member, int min,
                               int max, int *out, GError **error);
gboolean _nn_project_read_bool (JsonObject *o, const char *path, const char *member, gboolean *out,
                                GError **error);
gboolean _nn_project_read_string (JsonObject *o, const char *path, const char *member,
                                  gboolean allow_null, const char **out, GError **error);
JsonObject *_nn_project_read_object (JsonObject *o, const char *path, const char *member,
                                     GError **error);
JsonArray *_nn_project_read_array (JsonObject *o, const char *path, const char *member,
                                   gboolean allow_null, gboolean *is_null, GError **error);
JsonObject *_nn_project_array_object (JsonArray *a, guint i, const char *p, GError **error);

/* The graph, and the nodes of a graph or discriminator (project-read-graph.c). */
nn_graph *_nn_project_read_graph (JsonObject *root, GError **error);
nn_graph *_nn_project_read_nodes (JsonObject *o, const char *path, GError **error);

/* The dataset and its preparation, the normalisation (project-read-data.c). */
gboolean _nn_project_read_dataset (JsonObject *root, nn_project *p, GError **error);
gboolean _nn_project_read_normalisation (JsonObject *root, nn_project *p, GError **error);

/* Training settings, history, optimizer state (project-read-training.c). */
gboolean _nn_project_read_config (JsonObject *root, nn_trainer_config *c, GError **error);
gboolean _nn_project_read_history (JsonObject *root, GArray *history, GError **error);
gboolean _nn_project_read_optimizer (JsonObject *o, const char *path, GPtrArray *weights,
                                     nn_project_optimizer **out, GError **error);

/* Base64 float arrays, and the weights and state lists checked against the
 * graph (project-read-weights.c). */
gboolean _nn_project_read_floats (JsonObject *o, const char *path, const char *member, float *out,
                                  gsize n, GError **error);
gboolean _nn_project_read_trained (JsonObject *o, const char *path, const nn_graph *graph,
                                   GPtrArray **weights, GPtrArray **state, GError **error);

G_END_DECLS
