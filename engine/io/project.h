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
 *     "dataset": { "spec": "fashion-mnist", "options": { "limit": 0, … },
 *                  "preparation": [ { "step": "impute", "how": "median" },
 *                                   { "step": "drop_duplicates" } ] } | null,
 *     "normalisation": { "size": 4, "mean": "…", "inv_std": "…" } | null,
 *     "training": { "loss": "cross_entropy", "optimizer": "adam", "lr": 0.001, … },
 *     "history": { "loss": [ … ], "accuracy": [ … ], "val_loss": [ … ], … },
 *     "weights": [ { "node": 1, "name": "weight", "shape": [ 128, 784 ], "data": "…" } ] | null,
 *     "state": [ { "node": 4, "shape": [ 64 ], "data": "…" } ],
 *     "optimizer": { "kind": "adam", "steps": 1200, "m": "…", "v": "…" | null },
 *     "discriminator": { "nodes": [ … ], "weights": [ … ] | null,
 *                        "state": [ … ] | null, "optimizer": { … } } }   (GANs only)
 *
 * "preparation" (optional) is how the data was cleaned after loading, in
 * the order it was done: "impute" with "how" one of "mean", "median",
 * "most_frequent" or "drop" (drop the rows with missing values), and
 * "drop_duplicates". Reopening the project applies it again
 * (nn_project_prepare), so the model trains on the data it was fitted to.
 * Files without it read as no preparation.
 *
 * "optimizer" (optional, only beside weights) is the optimizer's state so
 * training resumes exactly (nn_optimizer_state): its kind, its step count,
 * and m and v as base64 of little-endian float32, each as many values as
 * the model has weights, or null where the kind keeps none (Adam and AdamW
 * need both, RMSprop needs v, SGD keeps no v; SGD's and RMSprop's m is
 * their momentum buffer, null without momentum). Files without it resume
 * with a fresh optimizer.
 *
 * "training" also holds "mode" ("supervised", "autoencoder", "gan"),
 * "label_smoothing" and "augment" { "flip", "shift", "noise" }; files
 * written before they existed lack them and read as their defaults, as
 * does a project without "discriminator", so the version stays 1.
 *
 * Data next to the project: nn_project_save() writes the file or folder
 * of a csv:, idx:, images: or text: spec relative to the project's folder
 * when it lies inside that folder or its parent (not when the parent is
 * the home folder or /), and nn_project_load() resolves relative paths
 * against the folder the project is loaded from, so a project folder
 * moved or copied with its data keeps working. Other paths stay absolute;
 * nn_project_to_data()/_from_data() leave specs as they are.
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

/* An optimizer's state as saved (see nn_optimizer_state): m and v are n
 * floats each, or NULL where the kind keeps none. */
typedef struct
{
  nn_optimizer_kind kind;
  gint64 steps;
  gsize n;
  float *m, *v;
} nn_project_optimizer;

/* One cleaning step applied to a project's data after it is loaded. */
typedef enum
{
  NN_PREP_IMPUTE,          /* fill or drop missing values as .how says */
  NN_PREP_DROP_DUPLICATES, /* drop samples equal to an earlier one */
} nn_prep_kind;

typedef struct
{
  nn_prep_kind kind;
  nn_impute how; /* NN_PREP_IMPUTE only */
} nn_prep_step;

typedef struct
{
  nn_graph *graph;              /* owned, never NULL */
  char *data_spec;              /* NULL when no dataset is chosen */
  nn_data_options data_options; /* .label points to data_label */
  char *data_label;
  GArray *preparation; /* of nn_prep_step, in the order applied; never NULL */
  /* Standardisation fitted on the training part, per input feature, so a
   * trained model sees new data as it saw its training data; NULL (size 0)
   * when none was fitted (images, tokens, untrained). */
  float *norm_mean, *norm_inv_std;
  int norm_size;
  nn_trainer_config config;
  GArray *history;    /* of nn_epoch_record, oldest first */
  GPtrArray *weights; /* of nn_project_tensor *, in the model's weight order; NULL untrained */
  GPtrArray *state;   /* of nn_project_tensor * named "state"; NULL untrained */
  nn_project_optimizer *optimizer; /* of the weights above; NULL when not saved */
  /* A GAN's second model (config.mode is then NN_MODE_GAN and graph is the
   * generator); NULL otherwise. Its weights and state follow the same rules
   * as the generator's and are set and applied by the *_discriminator_*
   * functions below. */
  nn_graph *discriminator;
  GPtrArray *d_weights, *d_state;
  nn_project_optimizer *d_optimizer;
} nn_project;

/* A project around graph (ownership is taken), with the trainer's default
 * configuration, no dataset, no history and no weights. */
nn_project *nn_project_new (nn_graph *graph);
void nn_project_free (nn_project *p);

/* Sets the dataset reference (spec may be NULL to clear it); options are
 * copied, label included. */
void nn_project_set_data (nn_project *p, const char *spec, const nn_data_options *options);

/* Replaces the preparation with a copy of n steps (n = 0 clears it). It
 * is kept apart from the spec: nn_project_set_data leaves it as it is. */
void nn_project_set_preparation (nn_project *p, const nn_prep_step *steps, guint n);
/* Applies n cleaning steps to ds in order (nn_dataset_impute,
 * nn_dataset_drop_duplicates). *report (may be NULL) gets what each step
 * changed, one sentence a line, or NULL when there were no steps. FALSE
 * with NN_ERROR_DATA naming the step when one leaves no samples (ds is
 * then partly prepared: drop it). */
gboolean nn_prep_apply (const nn_prep_step *steps, guint n, nn_dataset *ds, char **report,
                        GError **error);
/* Applies the project's preparation to ds, its data freshly opened. */
gboolean nn_project_prepare (const nn_project *p, nn_dataset *ds, char **report, GError **error);
/* The step as it is written in files and messages: "impute (median)",
 * "drop_duplicates". Free with g_free. */
char *nn_prep_step_to_string (const nn_prep_step *step);

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
/* Copies the state of o, the optimizer that trained the weights taken
 * (nn_trainer_get_optimizer()); take the weights first: taking weights
 * forgets the optimizer's state, which belongs to the weights it moved.
 * State that is not finite (a diverged run) is not kept. */
void nn_project_take_optimizer (nn_project *p, const nn_optimizer *o);
/* Sets o's state from the project's so training goes on exactly (see
 * nn_optimizer_set_state: another kind starts fresh, silently). TRUE and
 * o untouched when none is saved; FALSE with NN_ERROR_SHAPE when the state
 * is for another number of weights. */
gboolean nn_project_apply_optimizer (const nn_project *p, nn_optimizer *o, GError **error);
/* The same for the discriminator's optimizer (p->d_optimizer;
 * nn_trainer_get_discriminator_optimizer()). */
void nn_project_take_discriminator_optimizer (nn_project *p, const nn_optimizer *o);
gboolean nn_project_apply_discriminator_optimizer (const nn_project *p, nn_optimizer *o,
                                                   GError **error);

/* Copies what src's training left (weights, state, optimizer, fitted
 * normalisation) into dst, so saving an opened project again keeps them.
 * When dst has a discriminator, src's discriminator weights come too.
 * Nothing is copied (dst ends untrained) when a model of dst differs from
 * src's in its layers, parameters or edges, or when src lacks the
 * discriminator's weights (half a GAN does not resume). */
void nn_project_copy_trained (nn_project *dst, const nn_project *src);
/* Forgets the weights, state and optimizer (the graph changed), the discriminator's too. */
void nn_project_clear_weights (nn_project *p);

/* Makes the project a GAN's (discriminator owned from now; NULL makes it
 * an ordinary project again). Forgets the discriminator's weights. */
void nn_project_set_discriminator (nn_project *p, nn_graph *discriminator);
/* As nn_project_take_weights / _apply_weights, for the discriminator:
 * m is compiled from p->discriminator (nn_trainer_get_discriminator()).
 * Applying is TRUE and copies nothing when none are saved; FALSE with
 * NN_ERROR_SHAPE when there is no discriminator or they do not fit m. */
void nn_project_take_discriminator_weights (nn_project *p, nn_model *m);
gboolean nn_project_apply_discriminator_weights (const nn_project *p, nn_model *m, GError **error);

/* Base64 of n floats as little-endian float32: how a .layerlab file and
 * the PyTorch script's data files hold tensors. Free with g_free. */
char *nn_floats_to_base64 (const float *v, gsize n);

/* The JSON document (UTF-8, NUL-terminated; free with g_free). */
char *nn_project_to_data (const nn_project *p, gsize *length);
/* Parses and validates a document; name prefixes every message. */
nn_project *nn_project_from_data (const char *data, gsize length, const char *name, GError **error);

/* Writes atomically (a temporary file renamed over path), data paths
 * near path made relative (see above). */
gboolean nn_project_save (const nn_project *p, const char *path, GError **error);
/* Reads path; relative data paths in it are resolved against its folder,
 * so p->data_spec names files by absolute paths. */
nn_project *nn_project_load (const char *path, GError **error);

/* The spec with the file or folder it names written relative to dir when
 * it lies inside dir or dir's parent (see above), else a copy. */
char *nn_project_spec_relative (const char *spec, const char *dir);
/* The spec with a relative file or folder resolved against dir. */
char *nn_project_spec_resolve (const char *spec, const char *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (nn_project, nn_project_free)

G_END_DECLS
