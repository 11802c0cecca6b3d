/* project.h — Layerlab project files (.layerlab).
 *
 * A project is one JSON document: the graph (nodes with their ids, kinds,
 * names, parameters by id, inputs, canvas positions and initialisers), the
 * dataset it trains on (spec and options), the training configuration, the
 * per-epoch history and, once trained, the weights (per node and weight
 * tensor: name, shape, base64 of little-endian float32), the
 * standardisation fitted on the training part (tables), and non-trained
 * state (BatchNorm running statistics). Floats round-trip bit for bit.
 *
 *   { "format": "layerlab", "version": 1,
 *     "graph": { "nodes": [ { "id": 0, "kind": "input", "name": "input1",
 *                             "params": { "channels": 1, "height": 28, "width": 28 },
 *                             "inputs": [], "x": 0, "y": 0, "init": "auto" }, … ] },
 *     "dataset": { "spec": "fashion-mnist", "options": { "limit": 0, … } } | null,
 *     "normalisation": { "size": 4, "mean": "…", "inv_std": "…" } | null,
 *     "training": { "loss": "cross_entropy", "optimizer": "adam", "lr": 0.001, … },
 *     "history": { "loss": [ … ], "accuracy": [ … ], "val_loss": [ … ], … },
 *     "weights": [ { "node": 1, "name": "weight", "shape": [ 128, 784 ], "data": "…" } ] | null,
 *     "state": [ { "node": 4, "shape": [ 64 ], "data": "…" } ] }
 *
 * Enumerated layer parameters are stored by their stable choice id, booleans
 * as JSON booleans. A parameter missing from a node takes its default, so a
 * layer that gains a parameter keeps reading older files; everything else is
 * required. Loading validates strictly: each problem is NN_ERROR_DATA (or
 * NN_ERROR_UNSUPPORTED for a newer version) with the file name and the path
 * of the field, e.g. "model.layerlab: nodes[3].params.kernel: expected a
 * whole number between 1 and 15, not 40". Saving is atomic: a crash leaves
 * the old file in place. */
#pragma once

#include <gio/gio.h>

#include "data/dataset.h"
#include "graph.h"
#include "trainer.h"

G_BEGIN_DECLS

#define NN_PROJECT_VERSION 1

/* One epoch of a run's history; NaN where a value was not measured. */
typedef struct
{
  double loss, accuracy;
  double val_loss, val_accuracy;
  double lr;
  double seconds;
} nn_epoch_record;

/* A tensor as stored in a file: the node it belongs to, its name
 * ("weight", "bias", …, or "state"), its shape and nn_shape_size floats. */
typedef struct
{
  int node_id;
  char *name;
  nn_shape shape;
  float *data;
} nn_project_tensor;

typedef struct
{
  nn_graph *graph;              /* owned, never NULL */
  char *data_spec;              /* NULL when no dataset is chosen */
  nn_data_options data_options; /* .label points to data_label */
  char *data_label;
  /* Standardisation fitted on the training part, per input feature, so a
   * trained model sees new data as it saw its training data; NULL (size 0)
   * when none was fitted (images, tokens, untrained). */
  float *norm_mean, *norm_inv_std;
  int norm_size;
  nn_trainer_config config;
  GArray *history;    /* of nn_epoch_record, oldest first */
  GPtrArray *weights; /* of nn_project_tensor *, in the model's weight order; NULL untrained */
  GPtrArray *state;   /* of nn_project_tensor * named "state"; NULL untrained */
} nn_project;

/* A project around graph (ownership is taken), with the trainer's default
 * configuration, no dataset, no history and no weights. */
nn_project *nn_project_new (nn_graph *graph);
void nn_project_free (nn_project *p);

/* Sets the dataset reference (spec may be NULL to clear it); options are
 * copied, label included. */
void nn_project_set_data (nn_project *p, const char *spec, const nn_data_options *options);

/* Copies a dataset's fitted normalisation (nn_dataset's mean and inv_std,
 * n = its input size); NULL or n <= 0 clears it. */
void nn_project_set_normalisation (nn_project *p, const float *mean, const float *inv_std, int n);

/* Copies the weights and state of m, which must be compiled from a graph
 * with the same nodes as p->graph (the trainer's model of it, say). */
void nn_project_take_weights (nn_project *p, nn_model *m);
/* Copies the project's weights and state into m. FALSE with NN_ERROR_SHAPE
 * naming the node when they do not fit m (a graph edited after training);
 * m is unchanged then. TRUE and nothing copied when there are no weights. */
gboolean nn_project_apply_weights (const nn_project *p, nn_model *m, GError **error);
/* Forgets the weights and state (the graph changed). */
void nn_project_clear_weights (nn_project *p);

/* The JSON document (UTF-8, NUL-terminated; free with g_free). */
char *nn_project_to_data (const nn_project *p, gsize *length);
/* Parses and validates a document; name prefixes every message. */
nn_project *nn_project_from_data (const char *data, gsize length, const char *name, GError **error);

/* Writes atomically (a temporary file renamed over path). */
gboolean nn_project_save (const nn_project *p, const char *path, GError **error);
nn_project *nn_project_load (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_project, nn_project_free)

G_END_DECLS
