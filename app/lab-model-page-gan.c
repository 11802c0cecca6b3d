/* lab-model-page-gan.c — the Model tab in GAN mode: a generator and a
 * discriminator edited in turn through the "Generator | Discriminator"
 * switch, each with its own undo history, and the checks that only the pair
 * can fail (the generator makes a sample of the data; the discriminator reads
 * one and ends in one logit). The shown graph is always self->graph, so the
 * page's editing paths need not know about the pair. */
#include "config.h"

#include <glib/gi18n.h>

#include "error.h"
#include "lab-model-page-private.h"
#include "model-diagram-graph.h"
#include "templates.h"

const nn_graph *
_lab_model_page_generator (LabModelPage *self)
{
  return self->gan && self->showing_discriminator ? self->other : self->graph;
}

const nn_graph *
lab_model_page_get_discriminator (LabModelPage *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_PAGE (self), NULL);
  if (!self->gan)
    return NULL;
  return self->showing_discriminator ? self->graph : self->other;
}

gboolean
lab_model_page_get_showing_discriminator (LabModelPage *self)
{
  g_return_val_if_fail (LAB_IS_MODEL_PAGE (self), FALSE);
  return self->gan && self->showing_discriminator;
}

static void
sync_switch (LabModelPage *self)
{
  gtk_widget_set_visible (self->gan_switch, self->gan);
  /* The buttons are a group: activating one releases the other. */
  gtk_toggle_button_set_active (
    self->showing_discriminator ? self->discriminator_button : self->generator_button, TRUE);
}

void
lab_model_page_show_discriminator (LabModelPage *self, gboolean discriminator)
{
  nn_graph *graph;
  LabModelHistory *history;

  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  discriminator = self->gan && discriminator;
  if (self->showing_discriminator == discriminator)
    {
      sync_switch (self);
      return;
    }
  graph = self->graph;
  self->graph = self->other;
  self->other = graph;
  history = self->history;
  self->history = self->other_history;
  self->other_history = history;
  self->showing_discriminator = discriminator;
  sync_switch (self);
  lab_model_canvas_select (self->canvas, NULL, 0);
  _lab_model_page_refresh (self);
  _lab_model_page_show_all (self);
}

static void
on_switch_toggled (GtkToggleButton *button, LabModelPage *self)
{
  if (gtk_toggle_button_get_active (button))
    lab_model_page_show_discriminator (self, button == self->discriminator_button);
}

static void
tidy (nn_graph *graph)
{
  g_autoptr (LabDiagram) diagram = lab_diagram_new_for_graph (graph, NULL);

  lab_diagram_tidy (diagram);
  for (guint i = 0; i < lab_diagram_n_nodes (diagram); i++)
    {
      const LabDiagramNode *card = lab_diagram_get_node (diagram, i);
      nn_graph_set_position (graph, card->id, card->x, card->y);
    }
}

/* Enters GAN mode with `discriminator` (taken) beside the generator shown,
 * or replaces the discriminator; with `label`, the one replaced can be
 * got back with undo in the discriminator's history. */
static void
take_discriminator (LabModelPage *self, nn_graph *discriminator, const char *label)
{
  if (self->showing_discriminator)
    lab_model_page_show_discriminator (self, FALSE);
  if (!self->gan)
    {
      self->gan = TRUE;
      self->other_history = lab_model_history_new ();
    }
  else if (label != NULL)
    lab_model_history_push (self->other_history, self->other, label);
  else
    lab_model_history_clear (self->other_history);
  g_clear_pointer (&self->other, nn_graph_free);
  self->other = discriminator;
  sync_switch (self);
}

void
_lab_model_page_leave_gan (LabModelPage *self)
{
  if (!self->gan)
    return;
  if (self->showing_discriminator)
    lab_model_page_show_discriminator (self, FALSE);
  g_clear_pointer (&self->other, nn_graph_free);
  g_clear_pointer (&self->other_history, lab_model_history_free);
  self->gan = FALSE;
  sync_switch (self);
}

void
lab_model_page_set_discriminator (LabModelPage *self, nn_graph *taken)
{
  g_return_if_fail (LAB_IS_MODEL_PAGE (self));
  if (taken == NULL)
    _lab_model_page_leave_gan (self);
  else
    take_discriminator (self, taken, NULL);
  _lab_model_page_refresh (self);
  g_signal_emit_by_name (self, "graph-changed");
}

gboolean
_lab_model_page_use_gan_template (LabModelPage *self, const nn_template *template, GError **error)
{
  nn_graph *generator = NULL, *discriminator = NULL, *before;
  g_autofree char *label = NULL;

  if (!nn_template_build_gan (template->id, self->dataset, &generator, &discriminator, error))
    return FALSE;
  /* Translators: an undo step, "Use Template DCGAN" */
  label = g_strdup_printf (_ ("Use Template %s"), _ (template->title));
  tidy (discriminator);
  take_discriminator (self, discriminator, label);
  before = _lab_model_page_edit_begin (self);
  nn_graph_free (self->graph);
  self->graph = generator;
  _lab_model_page_tidy_graph (self);
  lab_model_canvas_select (self->canvas, NULL, 0);
  _lab_model_page_edit_end (self, before, label, TRUE);
  return TRUE;
}

static const char *
first_problem (const nn_graph_report *r)
{
  for (int i = 0; i < r->n_nodes; i++)
    if (r->nodes[i].error != NULL)
      return r->nodes[i].error;
  if (r->problems != NULL && r->problems[0] != NULL)
    return r->problems[0];
  return NULL;
}

/* The shape a node makes, or NULL when it cannot be known. */
static const nn_shape *
node_shape (const nn_graph_report *r, int id)
{
  const nn_node_report *node = id >= 0 ? nn_graph_report_node (r, id) : NULL;

  return node != NULL && node->out_shape.rank > 0 ? &node->out_shape : NULL;
}

char *
_lab_model_page_gan_problem (LabModelPage *self)
{
  nn_graph_report other = { 0 };
  const nn_graph_report *gen, *disc;
  const nn_shape *made, *read, *score;
  const char *problem;
  char *message = NULL;

  if (!self->gan)
    return NULL;
  nn_graph_infer (self->other, &other);
  gen = self->showing_discriminator ? &other : &self->report;
  disc = self->showing_discriminator ? &self->report : &other;
  /* The shown graph's own problems are on the status line already. */
  if ((problem = first_problem (&other)) != NULL)
    {
      message = self->showing_discriminator
                  /* Translators: the generator's problem, seen while the discriminator shows */
                  ? g_strdup_printf (_ ("The generator: %s"), problem)
                  : g_strdup_printf (_ ("The discriminator: %s"), problem);
      goto out;
    }
  made = node_shape (gen, gen->output_id);
  read = node_shape (disc, disc->input_id);
  score = node_shape (disc, disc->output_id);
  if (made != NULL && self->dataset != NULL &&
      nn_shape_size (made) != nn_dataset_input_size (self->dataset))
    {
      g_autofree char *ms = nn_shape_to_string (made);
      g_autofree char *ds = nn_shape_to_string (&self->dataset->input_shape);
      message = g_strdup_printf (_ ("The generator makes %s (%lu values) but a sample of %s is %s "
                                    "(%lu values): make its last layer produce %s"),
                                 ms, (unsigned long) nn_shape_size (made), self->dataset->name, ds,
                                 (unsigned long) nn_dataset_input_size (self->dataset), ds);
    }
  else if (made != NULL && read != NULL && nn_shape_size (made) != nn_shape_size (read))
    {
      g_autofree char *ms = nn_shape_to_string (made);
      g_autofree char *rs = nn_shape_to_string (read);
      message = g_strdup_printf (_ ("The discriminator reads %s (%lu values) but the generator "
                                    "makes %s (%lu values): set its Input layer to %s"),
                                 rs, (unsigned long) nn_shape_size (read), ms,
                                 (unsigned long) nn_shape_size (made), ms);
    }
  else if (score != NULL && nn_shape_size (score) != 1)
    message = g_strdup_printf (_ ("The discriminator must end in one value, its score of “real” "
                                  "before any sigmoid; it makes %lu — set its last Dense layer "
                                  "to 1 unit"),
                               (unsigned long) nn_shape_size (score));
out:
  nn_graph_report_clear (&other);
  return message;
}

void
_lab_model_page_init_gan (LabModelPage *self)
{
  g_signal_connect (self->generator_button, "toggled", G_CALLBACK (on_switch_toggled), self);
  g_signal_connect (self->discriminator_button, "toggled", G_CALLBACK (on_switch_toggled), self);
}

void
_lab_model_page_finalize_gan (LabModelPage *self)
{
  g_clear_pointer (&self->other, nn_graph_free);
  g_clear_pointer (&self->other_history, lab_model_history_free);
}
