/* lab-model-page-private.h — what lab-model-page.c (the page, its
 * refresh and its editing paths) and lab-model-page-actions.c (undo, copy,
 * templates, export, zoom) share. */
#pragma once

#include "lab-layer-palette.h"
#include "lab-model-canvas.h"
#include "lab-model-history.h"
#include "lab-model-page.h"
#include "lab-property-editor.h"
#include "templates.h"

G_BEGIN_DECLS

struct _LabModelPage
{
  GtkWidget parent_instance;

  /* template widgets */
  AdwToastOverlay *toasts;
  LabLayerPalette *palette;
  LabModelCanvas *canvas;
  LabPropertyEditor *properties;
  AdwStatusPage *empty_state;
  GtkLabel *status_label;
  GtkMenuButton *templates_button;
  GtkWidget *gan_switch;
  GtkToggleButton *generator_button;
  GtkToggleButton *discriminator_button;

  /* owned */
  /* The graph shown and edited; in GAN mode `other` is the one of the pair
   * not shown, with its own undo history: switching swaps them, so every
   * editing path works on `graph` alone. */
  nn_graph *graph;
  nn_graph *other;
  LabModelHistory *other_history;
  gboolean gan;
  gboolean showing_discriminator;
  nn_graph_report report;
  LabDiagram *diagram;
  LabModelHistory *history;
  nn_graph *clipboard;
  int shown_id; /* node in the properties panel, or -1 */
  gboolean read_only;

  /* borrowed */
  const nn_dataset *dataset;
};

/* The editing path. begin returns a copy of the graph as it is (or NULL,
 * after telling the user, when editing is not allowed now); end records it
 * for undo under `label` when ok, or puts it back when the edit failed. */
nn_graph *_lab_model_page_edit_begin (LabModelPage *self);
void _lab_model_page_edit_end (LabModelPage *self, nn_graph *before, const char *label,
                               gboolean ok);
/* Re-infers shapes, redraws the canvas, the properties and the status line. */
void _lab_model_page_refresh (LabModelPage *self);
/* Tells the user the model cannot change while it trains. */
void _lab_model_page_refuse_edit (LabModelPage *self);
/* A short message at the bottom of the page. */
void _lab_model_page_toast (LabModelPage *self, const char *message);
/* Lays the graph out with the diagram's tidy layout (no history entry). */
void _lab_model_page_tidy_graph (LabModelPage *self);
void _lab_model_page_update_actions (LabModelPage *self);

/* Fits the model in view (or shows its Input end at a readable size). */
void _lab_model_page_show_all (LabModelPage *self);

/* GAN mode (lab-model-page-gan.c). The generator, shown or not. */
const nn_graph *_lab_model_page_generator (LabModelPage *self);
/* Both graphs of a GAN template, the generator's as an edit that can be
 * undone. FALSE with the engine's message. */
gboolean _lab_model_page_use_gan_template (LabModelPage *self, const nn_template *template,
                                           GError **error);
/* Drops the discriminator and shows the generator alone (no-op unless GAN). */
void _lab_model_page_leave_gan (LabModelPage *self);
/* What does not fit across the pair, for the status line; NULL when all
 * fits or not in GAN mode. Free with g_free. */
char *_lab_model_page_gan_problem (LabModelPage *self);
void _lab_model_page_init_gan (LabModelPage *self);
void _lab_model_page_finalize_gan (LabModelPage *self);

void _lab_model_page_class_init_actions (GtkWidgetClass *widget_class);
void _lab_model_page_init_templates (LabModelPage *self);

G_END_DECLS
