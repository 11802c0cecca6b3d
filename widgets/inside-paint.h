/* inside-paint.h — the drawings of the Inside tab, with Cairo and Pango only:
 * the Inside widgets call them from snapshot (gtk_snapshot_append_cairo),
 * `layerlab-cli render` and the tests call them on an image surface.
 *
 * Each view paints one struct from engine/inspect.h into (0, 0, width,
 * height) of a cairo_t; the layout depends only on the data, the size and
 * the style, so the hit-test helpers find what is under the pointer by
 * repeating it. lab_inside_measure() gives the height a view wants for a
 * width (the activations of a deep model are taller than a window: put the
 * widget in a GtkScrolledWindow and size it with this).
 *
 *   LabInsideStyle style;
 *   lab_inside_style_init (&style, FALSE);
 *   lab_inside_write_png (LAB_INSIDE_CONFUSION, confusion, NULL, 0, 0, &style,
 *                         "confusion.png", &error);
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "data/dataset.h"
#include "inspect.h"

G_BEGIN_DECLS

#define LAB_INSIDE_N_CLASS_COLORS 10

typedef struct
{
  double r, g, b, a;
} LabInsideColor;

typedef struct
{
  LabInsideColor background; /* alpha 0 leaves the surface as it is */
  LabInsideColor foreground; /* text, axes */
  LabInsideColor dim;        /* secondary text */
  LabInsideColor grid;       /* lines, tile borders */
  LabInsideColor panel;      /* fill behind a plot or a tile */
  LabInsideColor accent;     /* confusion cells, bars, highlights */
  LabInsideColor good;       /* correct (the diagonal, a right prediction) */
  LabInsideColor bad;        /* wrong */
  LabInsideColor classes[LAB_INSIDE_N_CLASS_COLORS]; /* decision regions and points */
  char font_family[64];
  double font_size; /* device pixels */
  gboolean dark;
} LabInsideStyle;

/* Libadwaita's light or dark palette, Cantarell at 13 px. */
void lab_inside_style_init (LabInsideStyle *style, gboolean dark);

/* The perceptual colour map of every heat map (viridis), t in [0, 1]
 * (clamped), for legends drawn elsewhere. */
void lab_inside_viridis (double t, double *r, double *g, double *b);

typedef enum
{
  LAB_INSIDE_ACTIVATIONS,     /* const nn_activations * */
  LAB_INSIDE_FILTERS,         /* const nn_filters * */
  LAB_INSIDE_HISTOGRAMS,      /* const nn_histograms * */
  LAB_INSIDE_CONFUSION,       /* const nn_confusion * */
  LAB_INSIDE_MISCLASSIFIED,   /* const nn_mistakes *, with the dataset for thumbnails */
  LAB_INSIDE_SALIENCY,        /* const nn_saliency * */
  LAB_INSIDE_BOUNDARY,        /* const nn_boundary * */
  LAB_INSIDE_RECONSTRUCTIONS, /* const nn_reconstructions * */
  LAB_INSIDE_SAMPLES,         /* const nn_samples * */
  LAB_INSIDE_N_VIEWS
} LabInsideView;

/* Stable ids ("activations", "filters", "histograms", "confusion",
 * "misclassified", "saliency", "boundary", "reconstructions", "samples")
 * for the CLI and file names. */
const char *lab_inside_view_id (LabInsideView view);
/* FALSE when unknown. */
gboolean lab_inside_view_from_id (const char *id, LabInsideView *view);

/* --- One painter per view ----------------------------------------------- */

/* Every layer top to bottom, a title row each ("conv1 · Conv2D · 8×26×26,
 * range −0.3 … 2.1"): feature maps (rank 3) as a grid of channel tiles in
 * viridis with a shared scale bar; vectors as a heat strip (cells of at
 * least 4 px, wrapping to more rows when long); sequences (T × F, and a
 * recurrent layer's states over time) as a heat map with time to the
 * right and a row per unit, blue below 0 and orange above, the tokens
 * read under it; the output as one labelled probability bar per class
 * (true class marked) when the data has classes. The Input is drawn as an
 * image when it is one. */
void lab_activations_paint (cairo_t *cr, const nn_activations *a, int width, int height,
                            const LabInsideStyle *style);

typedef struct
{
  int node;     /* index into a->nodes */
  int channel;  /* feature map, or 0 for vectors */
  int row, col; /* within the map; vectors: row 0, col = unit */
  int index;    /* into a->nodes[node].values, or .steps when over_time */
  float value;
  /* Sequences (drawn units × time): the time step, col is the unit;
   * else -1. over_time: the value is one of the node's states over time
   * (nn_node_output.steps), not its output. */
  int step;
  gboolean over_time;
} LabActivationHit;

/* What is under (x, y): TRUE and *hit filled over a tile's pixel, a
 * strip's cell or a probability bar (node = the output, col = class). */
gboolean lab_activations_hit (const nn_activations *a, int width, const LabInsideStyle *style,
                              double x, double y, LabActivationHit *hit);

/* First-layer kernels as tiles: greyscale (one channel), RGB (three) or
 * one tile per channel in a row; each tile scaled symmetrically around 0
 * (mid-grey is 0) with the filter index under it. */
void lab_filters_paint (cairo_t *cr, const nn_filters *f, int width, int height,
                        const LabInsideStyle *style);

/* One row per weight tensor: a weight histogram and, when there are
 * gradients, a gradient histogram beside it, each with its L2 norm; the
 * gradient norm is marked when it vanishes (< 1e-7) or explodes (> 1e3). */
void lab_histograms_paint (cairo_t *cr, const nn_histograms *h, int width, int height,
                           const LabInsideStyle *style);

/* A K×K grid (rows true, columns predicted, with class names), counts in
 * each cell, colour by the row's share; recall at the end of each row,
 * precision under each column, accuracy in the corner. */
void lab_confusion_paint (cairo_t *cr, const nn_confusion *c, int width, int height,
                          const LabInsideStyle *style);
/* The cell under (x, y): TRUE with *true_class (row) and *predicted
 * (column). */
gboolean lab_confusion_hit (const nn_confusion *c, int width, int height,
                            const LabInsideStyle *style, double x, double y, int *true_class,
                            int *predicted);

/* A grid of the worst mistakes: each a thumbnail (image data) or the
 * sample's feature values (tables), "true → predicted" and the confidence.
 * ds is the dataset the indices refer to (borrowed, read only). */
void lab_misclassified_paint (cairo_t *cr, const nn_mistakes *mk, const nn_dataset *ds, int width,
                              int height, const LabInsideStyle *style);
/* The position in mk->items of the card under (x, y), or -1. */
int lab_misclassified_hit (const nn_mistakes *mk, const nn_dataset *ds, int width,
                           const LabInsideStyle *style, double x, double y);

/* The input (image) beside the same image with the saliency map overlaid
 * as a translucent heat map, and the map alone; the caption says true
 * and predicted class. Non-image inputs: one bar per input feature. */
void lab_saliency_paint (cairo_t *cr, const nn_saliency *s, int width, int height,
                         const LabInsideStyle *style);

/* The plane coloured by the most likely class (lighter where unsure),
 * the points on top in their class colour, axes with the feature names;
 * beside it a small map per hidden unit (blue negative, orange positive)
 * grouped by layer, as in TensorFlow Playground. */
void lab_boundary_paint (cairo_t *cr, const nn_boundary *b, int width, int height,
                         const LabInsideStyle *style);

/* An autoencoder's test images in pairs, each input beside its
 * reconstruction, under a title with the mean squared error; below them,
 * when the bottleneck has 2 units, the latent space as a scatter of the
 * test samples coloured by class with a legend. */
void lab_reconstructions_paint (cairo_t *cr, const nn_reconstructions *r, int width, int height,
                                const LabInsideStyle *style);
/* The pair under (x, y): its position in r (0 … n-1), or -1. */
int lab_reconstructions_hit (const nn_reconstructions *r, int width, const LabInsideStyle *style,
                             double x, double y);

/* A GAN's samples as a grid (engine/io/image-grid.h's layout, scaled up
 * sharply to the width). */
void lab_samples_paint (cairo_t *cr, const nn_samples *s, int width, int height,
                        const LabInsideStyle *style);
/* The sample under (x, y), or -1. */
int lab_samples_hit (const nn_samples *s, int width, const LabInsideStyle *style, double x,
                     double y);

/* --- Any view ------------------------------------------------------------ */

/* The height `view` wants at `width` (a natural size; painting into
 * another height fits the content or leaves space). ds: misclassified only,
 * else NULL. */
int lab_inside_measure (LabInsideView view, gconstpointer data, const nn_dataset *ds, int width,
                        const LabInsideStyle *style);

/* Paints `data` (the struct named in LabInsideView) with the view's painter. */
void lab_inside_paint (cairo_t *cr, LabInsideView view, gconstpointer data, const nn_dataset *ds,
                       int width, int height, const LabInsideStyle *style);

/* Writes the view as a PNG. width 0 means 800; height 0 the measured
 * height. style NULL means light. NN_ERROR_IO naming the file when it cannot
 * be written. */
gboolean lab_inside_write_png (LabInsideView view, gconstpointer data, const nn_dataset *ds,
                               int width, int height, const LabInsideStyle *style, const char *path,
                               GError **error);

G_END_DECLS
