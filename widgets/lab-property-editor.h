/* lab-property-editor.h — a typed editor for the parameters of one layer:
 * spin buttons with the parameter's valid range, drop-downs for choices,
 * switches for yes/no, plus the node's name, its output shape, its parameter
 * count and, when the layer does not fit, the engine's message.
 *
 * The editor never changes a model itself: it emits ::param-changed and
 * ::name-changed, and whoever owns the model applies the edit (so that undo
 * sees every change) and calls lab_property_editor_set_layer() again. */
#pragma once

#include <gtk/gtk.h>

#include "layer.h"

G_BEGIN_DECLS

#define LAB_TYPE_PROPERTY_EDITOR (lab_property_editor_get_type ())
G_DECLARE_FINAL_TYPE (LabPropertyEditor, lab_property_editor, LAB, PROPERTY_EDITOR, GtkWidget)

GtkWidget *lab_property_editor_new (void);

/* Shows `desc` (copied). `name` is the node's name; `shape` its output shape,
 * or NULL when it has none; `error` the engine's message when the layer is
 * invalid, else NULL. A NULL desc shows the empty state. When the same layer
 * kind is shown again, the editor updates values in place so that a spin
 * button being typed into keeps its focus. */
void lab_property_editor_set_layer (LabPropertyEditor *self, const char *name,
                                    const nn_layer_desc *desc, const nn_shape *shape,
                                    gsize n_weights, const char *error);
void lab_property_editor_clear (LabPropertyEditor *self);

G_END_DECLS
