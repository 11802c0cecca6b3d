/* network-paint.h — a small dense network drawn neuron by neuron, for
 * step-by-step training: columns of neurons (the input, then one per Dense
 * layer), their values for one example, every weight as an edge coloured
 * by its sign and drawn as thick as the weight or, once computed, its
 * gradient. A pure Cairo painter: the widget, the CLI and the tests draw
 * with it. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define LAB_NETWORK_MAX_COLUMNS 8
/* More neurons than this in a column do not fit a readable picture. */
#define LAB_NETWORK_MAX_UNITS 32

typedef struct
{
  int n_columns;
  int units[LAB_NETWORK_MAX_COLUMNS];
  const char *titles[LAB_NETWORK_MAX_COLUMNS];
  /* Per column, units[c] values for the example shown; NULL: not computed
   * yet (empty circles). */
  const float *values[LAB_NETWORK_MAX_COLUMNS];
  /* For c ≥ 1: units[c] × units[c−1], row-major (a Dense layer's weight). */
  const float *weights[LAB_NETWORK_MAX_COLUMNS];
  /* Same shapes; NULL: thickness shows |weight| instead of |gradient|. */
  const float *grads[LAB_NETWORK_MAX_COLUMNS];
  /* The loss's gradient at the last column, NULL when not shown. */
  const float *out_grad;
  /* The probabilities the loss sees at the last column (a softmax of its
   * values under cross-entropy), NULL when not shown. */
  const float *out_probs;
  const char *const *out_names; /* names of the last column's neurons, or NULL */
  int target;                   /* the example's true class, −1 when none */
  int highlight;                /* column to tint, −1 none */
  gboolean highlight_edges;     /* tint the edges (gradients, updates) */
} LabNetworkView;

typedef struct
{
  double fg[4];      /* text and outlines, RGBA */
  double pos[4];     /* positive weights and values */
  double neg[4];     /* negative ones */
  double accent[4];  /* gradients at the output, the target */
  double tint[4];    /* the highlighted column's backdrop */
  const char *font;  /* Pango font description */
  double line_scale; /* 1; larger for a projector */
} LabNetworkStyle;

void lab_network_style_init (LabNetworkStyle *style, gboolean dark);

void lab_network_paint (cairo_t *cr, const LabNetworkView *v, int width, int height,
                        const LabNetworkStyle *style);

G_END_DECLS
