/* layer-check.h — test helpers for layers: run one layer on its own, check
 * its gradients by finite differences, and compare it with PyTorch's numbers
 * from tests/fixtures/layers/<family>.json (made by gen_torch_layers.py). */
#pragma once

#include <glib.h>

#include "layer.h"

G_BEGIN_DECLS

/* One layer with every buffer it needs for one batch. Inputs start as
 * standard normal values and weights as uniform in [−1, 1] (so biases and
 * BatchNorm's gamma are not trivial); state comes from ops->init. */
typedef struct
{
  nn_layer_desc desc;
  int n_in, batch;
  gboolean training;
  nn_shape in_shape[NN_MAX_INPUTS], out_shape;
  gsize in_len[NN_MAX_INPUTS], out_len, w_len, state_len, scratch_len; /* floats, whole batch */
  float *in[NN_MAX_INPUTS], *d_in[NN_MAX_INPUTS];
  float *out, *d_out, *w, *dw, *state, *scratch;
  nn_rng rng; /* handed to the layer; reseeded before every forward */
  guint64 seed;
} layer_run;

/* Asserts that infer() accepts the shapes. */
layer_run *layer_run_new (const nn_layer_desc *desc, const nn_shape *in, int n_in, int batch,
                          guint64 seed);
void layer_run_free (layer_run *r);
/* Forward with the layer's rng reseeded, so dropout draws the same mask. */
void layer_run_forward (layer_run *r);
/* Zeroes d_in, fills dw with garbage (it must be overwritten), runs backward. */
void layer_run_backward (layer_run *r);

/* Compares backward's d_in and dw with central differences of
 * L = Σ out ⊙ d_out (d_out random), at up to 48 points per tensor.
 * Points where the two one-sided differences disagree sit on a kink (ReLU
 * at 0, a MaxPool tie) and are skipped; most points must be checked.
 * Also checks that d_in is accumulated into, not overwritten. */
void layer_check_gradients (layer_run *r, double eps, double tolerance);

/* Runs every case of tests/fixtures/layers/<name>.json: forward output,
 * d_in, dw and (where given) the state after forward, within rel_tol. */
void layer_check_torch (const char *name, double rel_tol);

/* Asserts that infer() fails with NN_ERROR_SHAPE or NN_ERROR_INVALID and a
 * message containing `words`. */
void layer_check_infer_error (const nn_layer_desc *desc, const nn_shape *in, int n_in,
                              const char *words);

/* A descriptor with defaults, then "id=value" settings. */
void layer_desc_make (nn_layer_desc *d, const char *kind, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
