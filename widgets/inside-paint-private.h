/* inside-paint-private.h — what the Inside painters share: text drawing,
 * images and heat maps from float arrays, colour maps, the layout metrics
 * every view derives from the font size. For the painters in widgets/ only. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "inside-paint.h"

G_BEGIN_DECLS

/* A colour map from [0, 1] to RGB. */
typedef void (*LabColorMap) (double t, double *r, double *g, double *b);

/* Layout metrics: everything is derived from the font size so the painters,
 * the measuring and the hit tests agree without asking Pango. */
#define LAB_INSIDE_MARGIN(s) ((s)->font_size)
#define LAB_INSIDE_LINE(s)   (ceil ((s)->font_size * 1.55))
#define LAB_INSIDE_GAP(s)    (ceil ((s)->font_size * 0.35))

typedef struct
{
  cairo_t *cr;
  PangoLayout *layout;
  const LabInsideStyle *style;
} LabInsideText;

void _lab_inside_text_init (LabInsideText *t, cairo_t *cr, const LabInsideStyle *style);
void _lab_inside_text_clear (LabInsideText *t);

/* Draws one line of text with its top at y, size factor × the style's font
 * size. align 0 puts x at the left edge, 0.5 the centre, 1 the right edge.
 * max_width > 0 ellipsises. Returns the drawn width. */
double _lab_inside_text (LabInsideText *t, const char *text, double x, double y, double align,
                         double max_width, double factor, gboolean bold,
                         const LabInsideColor *color);
/* The width a line would take. */
double _lab_inside_text_width (LabInsideText *t, const char *text, double factor, gboolean bold);

void _lab_inside_set_color (cairo_t *cr, const LabInsideColor *c);
void _lab_inside_fill_background (cairo_t *cr, int width, int height, const LabInsideStyle *style);

/* Paints an h × w array as a w_px × h_px block at (x, y), values mapped
 * from [lo, hi] through map, pixels kept sharp (nearest neighbour). */
void _lab_inside_heat (cairo_t *cr, const float *v, int h, int w, double lo, double hi,
                       LabColorMap map, double x, double y, double w_px, double h_px);
/* The same for a C×H×W image with values in [lo, hi]: grey for one
 * channel, RGB for three (other channel counts: the first channel only). */
void _lab_inside_image (cairo_t *cr, const float *chw, int c, int h, int w, double lo, double hi,
                        double x, double y, double w_px, double h_px);

void _lab_inside_grey (double t, double *r, double *g, double *b);
/* Blue below 0.5, white-ish at 0.5, orange above (TensorFlow Playground). */
void _lab_inside_diverging (double t, double *r, double *g, double *b);

/* A horizontal colour bar of `map` from lo to hi with both values printed:
 * w × h at (x, y), numbers under it when below is TRUE else beside it. */
void _lab_inside_scale_bar (LabInsideText *t, LabColorMap map, double lo, double hi, double x,
                            double y, double w, double h);

/* "0.0123", "1.2e-05", "−3.4": compact numbers for labels. */
char *_lab_inside_format_value (double v);

/* Natural heights and painters of each view, called through inside-paint.c. */
int _lab_activations_measure (const nn_activations *a, int width, const LabInsideStyle *style);
int _lab_filters_measure (const nn_filters *f, int width, const LabInsideStyle *style);
int _lab_histograms_measure (const nn_histograms *h, int width, const LabInsideStyle *style);
int _lab_confusion_measure (const nn_confusion *c, int width, const LabInsideStyle *style);
int _lab_misclassified_measure (const nn_mistakes *mk, const nn_dataset *ds, int width,
                                const LabInsideStyle *style);
int _lab_saliency_measure (const nn_saliency *s, int width, const LabInsideStyle *style);
int _lab_boundary_measure (const nn_boundary *b, int width, const LabInsideStyle *style);
int _lab_reconstructions_measure (const nn_reconstructions *r, int width,
                                  const LabInsideStyle *style);
int _lab_samples_measure (const nn_samples *s, int width, const LabInsideStyle *style);

G_END_DECLS
