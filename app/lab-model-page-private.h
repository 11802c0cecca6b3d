/* lab-model-page-private.h — what lab-model-page.c (the page, its
 * refresh and its editing paths) and lab-model-page-actions.c (undo, copy,
 * templates, export, zoom) share. */
#pragma once

#include "lab-layer-palette.h"
#include "lab-model-canvas.h"
#include "lab-model-history.h"
#include "lab-model-page.h"
#include "lab-property-editor.h"

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

  /* owned */
  nn_graph *graph;
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

void _lab_model_page_class_init_actions (GtkWidgetClass *widget_class);
void _lab_model_page_init_templates (LabModelPage *self);

G_END_DECLS
