/* lab-layer-palette.h — the searchable, grouped list of layer kinds the user
 * builds models from. Emits ::layer-activated with the kind's id when a row
 * is activated (double click or Enter). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_LAYER_PALETTE (lab_layer_palette_get_type ())
G_DECLARE_FINAL_TYPE (LabLayerPalette, lab_layer_palette, LAB, LAYER_PALETTE, GtkWidget)

GtkWidget *lab_layer_palette_new (void);

/* Shows only the layers whose name, id or explanation matches. */
void lab_layer_palette_set_filter (LabLayerPalette *self, const char *text);
/* How many rows the filter lets through. */
guint lab_layer_palette_count_visible (LabLayerPalette *self);

G_END_DECLS
