/* lab-sample-gallery.h — a scrollable grid of a dataset's samples with their
 * labels: images drawn as thumbnails, table rows as their values, text as
 * its line. Only visible samples are drawn, so 70,000 scroll smoothly.
 *
 * The gallery shows a dataset it does not own: call
 * lab_sample_gallery_set_dataset (gallery, NULL) before freeing it. */
#pragma once

#include <gtk/gtk.h>

#include "data/dataset.h"

G_BEGIN_DECLS

#define LAB_TYPE_SAMPLE_GALLERY (lab_sample_gallery_get_type ())
G_DECLARE_FINAL_TYPE (LabSampleGallery, lab_sample_gallery, LAB, SAMPLE_GALLERY, GtkWidget)

GtkWidget *lab_sample_gallery_new (void);

void lab_sample_gallery_set_dataset (LabSampleGallery *self, const nn_dataset *ds);
/* Shows only samples of one class; -1 shows all. */
void lab_sample_gallery_set_class (LabSampleGallery *self, int class_index);
/* How many samples the gallery lists (after the class filter). */
int lab_sample_gallery_get_n_shown (LabSampleGallery *self);
/* The sample index at a position in the grid, or -1. */
int lab_sample_gallery_sample_at (LabSampleGallery *self, double x, double y);

G_END_DECLS
