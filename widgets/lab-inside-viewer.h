/* lab-inside-viewer.h — one view of the Inside tab (activations, filters,
 * histograms, confusion, mistakes, saliency, decision boundary,
 * reconstructions, GAN samples) on screen:
 * it draws the view's struct from engine/inspect.h with its pure painter
 * (inside-paint.h) in the theme's colours and font, asks for the height the
 * painter wants at its width (put it in a GtkScrolledWindow), explains what
 * is under the pointer in a tooltip, and turns clicks into signals.
 *
 * (Named "viewer" because inside-paint.h's LabInsideView is the enum of
 * views it shows.)
 *
 * Signals:
 *   ::cell-activated (int true_class, int predicted)
 *        confusion: a cell was clicked.
 *   ::sample-activated (int sample)
 *        mistakes: a card was clicked; the dataset index of its sample. */
#pragma once

#include <gtk/gtk.h>

#include "inside-paint.h"

G_BEGIN_DECLS

#define LAB_TYPE_INSIDE_VIEWER (lab_inside_viewer_get_type ())
G_DECLARE_FINAL_TYPE (LabInsideViewer, lab_inside_viewer, LAB, INSIDE_VIEWER, GtkWidget)

GtkWidget *lab_inside_viewer_new (LabInsideView view);
LabInsideView lab_inside_viewer_get_view (LabInsideViewer *self);

/* Shows data (the struct the view paints; the viewer takes it and frees it
 * with free_func when replaced or disposed). ds is borrowed and must stay
 * valid while shown: the mistakes view draws its thumbnails from it (NULL
 * for the other views). data NULL clears the view. */
void lab_inside_viewer_set_data (LabInsideViewer *self, gpointer data, GDestroyNotify free_func,
                                 const nn_dataset *ds);
gconstpointer lab_inside_viewer_get_data (LabInsideViewer *self);

/* A sentence shown, dimmed and centred, instead of the view (why it cannot
 * be shown for this model or data); NULL to show the view again. */
void lab_inside_viewer_set_message (LabInsideViewer *self, const char *message);

/* What the tooltip says at (x, y) in widget coordinates ("lstm1, step 3
 * (“a”), unit 17: 0.25"), or NULL where there is nothing to say. Free it. */
char *lab_inside_viewer_describe (LabInsideViewer *self, double x, double y);

/* The painter's style for this widget's theme and font (opaque
 * background), for exports that should look like the screen. */
void lab_inside_viewer_get_style (LabInsideViewer *self, LabInsideStyle *style);

G_END_DECLS
