/* project-private.h — what project.c (the project itself),
 * project-weights.c (its trained state), project-write.c (writing) and
 * project-read*.c (reading and validating a file) share. */
#pragma once

#include "io/project.h"

G_BEGIN_DECLS

/* The per-epoch series of a history, in file order. */
#define HISTORY_FIELDS(X) X (loss) X (accuracy) X (val_loss) X (val_accuracy) X (lr) X (seconds)

/* Stable ids of the training modes in files, indexed by nn_train_mode. */
extern const char *const _nn_project_mode_ids[4]; /* NULL-terminated */

/* Stable ids of the initialisers in files, indexed by nn_init_kind. */
extern const char *const _nn_project_init_ids[5];

/* Stable ids of the preparation steps and of the ways to impute in files,
 * indexed by nn_prep_kind and nn_impute; NULL-terminated. */
extern const char *const _nn_project_prep_ids[3];
extern const char *const _nn_project_impute_ids[5];

/* A tensor named `name` of node_id with shape; data (may be NULL) is copied. */
nn_project_tensor *_nn_project_tensor_new (int node_id, const char *name, const nn_shape *shape,
                                           const float *data);
void _nn_project_tensor_free (gpointer tensor);
/* The tensor of node_id named name in list (may be NULL), or NULL. */
const nn_project_tensor *_nn_project_find_tensor (GPtrArray *list, int node_id, const char *name);

/* A saved optimizer's state, or NULL (frees it; NULL is fine). */
void _nn_project_optimizer_free (nn_project_optimizer *o);

G_END_DECLS
