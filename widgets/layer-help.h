/* layer-help.h — what the "?" popovers and tooltips say about each layer
 * kind, loss and optimizer: what it does, its formula (Pango markup with
 * Unicode math: subscripts, ∑, σ, ⊙, ŷ) and what changing each parameter
 * does. Pure data and string building on GLib: no GTK, so the CLI and the
 * tests can use it too.
 *
 * Every text but the formulas is marked N_() and comes back translated;
 * the formulas are mathematics and stay as they are.
 *
 *   const LabHelp *help = lab_layer_help ("dense");
 *   gtk_widget_set_tooltip_text (row, lab_help_summary (help));
 *   g_autofree char *markup = lab_help_markup (help, _("Dense"));
 *   gtk_label_set_markup (label, markup);
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_HELP_MAX_PARAMS 12

typedef struct
{
  const char *id;     /* the parameter's stable id: "units", "lr" */
  const char *label;  /* N_(): "Units" */
  const char *effect; /* N_(): what changing it does */
} LabHelpParam;

typedef struct
{
  const char *id;      /* layer kind, loss or optimizer id: "dense", "cross_entropy", "adam" */
  const char *summary; /* N_(): what it does, two or three sentences */
  const char *formula; /* Pango markup, one line per equation */
  const char *legend;  /* N_(): what the symbols of the formula stand for */
  LabHelpParam params[LAB_HELP_MAX_PARAMS]; /* ends at the first id == NULL */
} LabHelp;

/* The help of a layer kind (nn_layer_ops.id), loss (nn_loss_id) or
 * optimizer (nn_optimizer_id); NULL for an unknown id. */
const LabHelp *lab_layer_help (const char *kind_id);
const LabHelp *lab_loss_help (const char *loss_id);
const LabHelp *lab_optimizer_help (const char *optimizer_id);

/* The translated summary, for a tooltip. */
const char *lab_help_summary (const LabHelp *help);

/* The whole help as Pango markup under the heading title (escaped here):
 * the summary, the formula set large in a serif face, its legend, and one
 * line per parameter. Free with g_free(). */
char *lab_help_markup (const LabHelp *help, const char *title);

/* The translated sentence for one parameter, or NULL. */
const char *lab_help_param_effect (const LabHelp *help, const char *param_id);

G_END_DECLS
