/* lab-draw-pad.h — a square pad to draw an input image with the mouse or a
 * stylus, for watching a model's prediction change while drawing.
 *
 * Strokes are white on black, like Fashion-MNIST: the primary button draws
 * with a soft round brush (a stylus' pressure widens it), the secondary
 * button erases. The drawing is kept at a fixed resolution and handed out
 * downsampled by area average to any size with lab_draw_pad_get_image().
 *
 * Signals:
 *   ::changed ()  the drawing changed; emitted at most once per frame while
 *                 a stroke goes on, and once by lab_draw_pad_clear(). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_DRAW_PAD (lab_draw_pad_get_type ())
G_DECLARE_FINAL_TYPE (LabDrawPad, lab_draw_pad, LAB, DRAW_PAD, GtkWidget)

GtkWidget *lab_draw_pad_new (void);

/* Back to black. */
void lab_draw_pad_clear (LabDrawPad *self);
/* TRUE when nothing has been drawn since the last clear. */
gboolean lab_draw_pad_is_empty (LabDrawPad *self);

/* The brush's diameter as a fraction of the pad's side ("brush-size",
 * 0.01 to 0.5; 0.1 draws strokes about 3 pixels wide on a 28×28 image). */
void lab_draw_pad_set_brush_size (LabDrawPad *self, double size);
double lab_draw_pad_get_brush_size (LabDrawPad *self);

/* The drawing as a C×H×W image (out holds channels × height × width
 * floats): each pixel is the mean over its area of the pad, in [0, 1]
 * (0 black, 1 white), the same in every channel. */
void lab_draw_pad_get_image (LabDrawPad *self, int width, int height, int channels, float *out);

/* Replaces the drawing with a C×H×W image in [0, 1] (channels averaged),
 * scaled up to the pad, so a sample can be drawn over. Emits ::changed. */
void lab_draw_pad_set_image (LabDrawPad *self, int width, int height, int channels,
                             const float *image);

G_END_DECLS
