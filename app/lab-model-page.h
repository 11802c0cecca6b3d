/* lab-model-page.h — the Model tab: the layer palette, the canvas and the
 * properties panel around one editable graph, with live validation, undo
 * and redo, copy and paste, templates and diagram export.
 *
 * The page owns the graph the user edits. Every change goes through one
 * path (record for undo, edit, re-infer, redraw) and ends with
 * ::graph-changed. */
#pragma once

#include <adwaita.h>

#include "data/dataset.h"
#include "graph.h"

G_BEGIN_DECLS

#define LAB_TYPE_MODEL_PAGE (lab_model_page_get_type ())
G_DECLARE_FINAL_TYPE (LabModelPage, lab_model_page, LAB, MODEL_PAGE, GtkWidget)

GtkWidget *lab_model_page_new (void);

/* The graph being edited (owned by the page); in GAN mode the generator,
 * whichever of the pair is shown. */
const nn_graph *lab_model_page_get_graph (LabModelPage *self);
/* Replaces the graph (the page takes it), leaves GAN mode and forgets the
 * undo history: a new or opened project (for a GAN, call
 * lab_model_page_set_discriminator after it). */
void lab_model_page_set_graph (LabModelPage *self, nn_graph *graph);
/* Lays the cards out afresh as Tidy Layout does, but as no step to undo:
 * for a model whose positions mean nothing here, such as an imported one. */
void lab_model_page_lay_out (LabModelPage *self);
/* Replaces the graph with a template built for the current dataset, as an
 * edit that can be undone. FALSE with the engine's message otherwise. */
gboolean lab_model_page_use_template (LabModelPage *self, const char *id, GError **error);
/* GAN mode: the page holds two graphs, a generator (the graph above) and
 * a discriminator, each with its own undo history; a linked "Generator |
 * Discriminator" switch above the canvas picks the one shown and edited,
 * and the status line checks the pair against each other and the data.
 * The discriminator is NULL unless in GAN mode. set_discriminator takes
 * the graph and enters GAN mode (NULL leaves it), forgetting the
 * discriminator's undo history. Using a GAN template fills both. */
const nn_graph *lab_model_page_get_discriminator (LabModelPage *self);
void lab_model_page_set_discriminator (LabModelPage *self, nn_graph *taken);
/* Which of the pair is shown (GAN mode only; FALSE otherwise). */
gboolean lab_model_page_get_showing_discriminator (LabModelPage *self);
void lab_model_page_show_discriminator (LabModelPage *self, gboolean discriminator);
/* TRUE when the graph compiles: one Input, one output, every shape fits. */
gboolean lab_model_page_is_valid (LabModelPage *self);

/* The dataset the model is for (borrowed; NULL for none). The Input layer
 * and the last Dense layer follow it, as an edit that can be undone; an
 * empty model starts from the template that suits the data. */
void lab_model_page_set_dataset (LabModelPage *self, const nn_dataset *ds);

/* While training, edits are refused with a message, never ignored. */
void lab_model_page_set_read_only (LabModelPage *self, gboolean read_only);

G_END_DECLS
