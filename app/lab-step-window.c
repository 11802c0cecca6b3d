/* lab-step-window.c — see lab-step-window.h. A whole training step runs
 * when a batch is taken (nn_trainer_step); the next steps reveal what it
 * computed, in the order it computed it, from copies kept at that moment:
 * the weights before the update, the example's values and the output
 * gradient. */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "lab-step-window.h"
#include "lab-theme.h"
#include "metrics.h"
#include "network-paint.h"

#define MAX_INPUTS    16
#define PLAY_INTERVAL 1400 /* ms between steps while playing */

typedef struct
{
  int value_node;   /* whose activation the column shows */
  int weight_node;  /* the Dense layer feeding it; −1 for the input */
  gsize w_offset;   /* its weight matrix in the arenas */
  const char *name; /* the Dense layer's, owned by the model */
  char *title;
} Column;

struct _LabStepWindow
{
  AdwWindow parent_instance;

  GtkWidget *area, *steps, *text, *next_button, *play_button;
  GtkWidget *step_labels[LAB_STEP_CHECK];
  guint play_source;

  nn_trainer *trainer;
  nn_dataset *ds; /* borrowed */
  nn_trainer_config config;
  Column columns[LAB_NETWORK_MAX_COLUMNS];
  int n_columns;
  char **class_names;

  LabStep step;
  gint64 batches;
  float *w_before; /* the weights arena before this batch's update */
  float *values[LAB_NETWORK_MAX_COLUMNS];
  float *out_grad, *out_probs;
  gboolean show_probs;
  int target, n_batch;
  double loss, loss_after;
};

G_DEFINE_FINAL_TYPE (LabStepWindow, lab_step_window, ADW_TYPE_WINDOW)

static const struct
{
  const char *title;
} step_titles[] = {
  { N_ ("Take a batch") },    { N_ ("Forward pass") },    { N_ ("Loss") },
  { N_ ("Output gradient") }, { N_ ("Backpropagation") }, { N_ ("Update the weights") },
  { N_ ("Check") },
};

/* --- Which models it can draw ------------------------------------------ */

static gboolean
is_activation (const char *kind)
{
  static const char *const kinds[] = { "relu",    "leaky_relu", "elu",     "gelu",
                                       "sigmoid", "tanh",       "softmax", NULL };
  return g_strv_contains (kinds, kind);
}

static gboolean
plan_columns (LabStepWindow *self, nn_model *m, GError **error)
{
  int n_ranges;
  const nn_weight_range *ranges = nn_model_weight_ranges (m, &n_ranges);

  for (int k = 0; k < nn_model_n_nodes (m); k++)
    {
      const nn_node *node = nn_model_nth_node (m, k);
      const char *kind = node->desc.ops->id;
      nn_shape shape;
      int units;

      nn_model_activation (m, node->id, &shape);
      units = (int) nn_shape_size (&shape);
      if (g_str_equal (kind, "input") || g_str_equal (kind, "dense"))
        {
          Column *c = &self->columns[self->n_columns];

          if (self->n_columns == LAB_NETWORK_MAX_COLUMNS || shape.rank != 1 ||
              units > (g_str_equal (kind, "input") ? MAX_INPUTS : LAB_NETWORK_MAX_UNITS))
            break;
          c->value_node = node->id;
          c->weight_node = g_str_equal (kind, "dense") ? node->id : -1;
          c->name = node->name;
          for (int r = 0; r < n_ranges; r++)
            if (ranges[r].node_id == node->id && g_str_equal (ranges[r].info.name, "weight"))
              c->w_offset = ranges[r].offset;
          c->title = g_str_equal (kind, "input") ? g_strdup (_ ("Input"))
                                                 : g_strdup_printf ("%s · %d", node->name, units);
          self->n_columns++;
        }
      else if (is_activation (kind) && self->n_columns > 1)
        {
          Column *c = &self->columns[self->n_columns - 1];
          char *title = g_strdup_printf ("%s · %s", c->title, _ (node->desc.ops->name));

          c->value_node = node->id;
          g_free (c->title);
          c->title = title;
        }
      else if (!g_str_equal (kind, "dropout"))
        {
          self->n_columns = 0;
          break;
        }
      if (k == nn_model_n_nodes (m) - 1 && self->n_columns >= 2)
        return TRUE;
    }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _ ("Step-by-step training draws every neuron, so it works on small networks of "
                  "Dense layers and activations: at most %d inputs and %d units a layer. Try "
                  "the XOR or spiral demo with the tiny-mlp template."),
               MAX_INPUTS, LAB_NETWORK_MAX_UNITS);
  return FALSE;
}

/* --- What each step shows ---------------------------------------------- */

static void
fill_view (LabStepWindow *self, LabNetworkView *v)
{
  nn_model *m = nn_trainer_get_model (self->trainer);
  float *w_now = nn_model_weights (m, NULL), *grads = nn_model_grads (m, NULL);
  /* before the update, edges show the weights the batch was computed with */
  const float *w = self->step >= LAB_STEP_UPDATE || self->w_before == NULL ? w_now : self->w_before;

  *v = (LabNetworkView){ .n_columns = self->n_columns, .target = -1, .highlight = -1 };
  for (int c = 0; c < self->n_columns; c++)
    {
      const Column *col = &self->columns[c];
      nn_shape shape;

      nn_model_activation (m, col->value_node, &shape);
      v->units[c] = (int) nn_shape_size (&shape);
      v->titles[c] = col->title;
      if (col->weight_node >= 0)
        {
          v->weights[c] = w + col->w_offset;
          if (self->step >= LAB_STEP_BACKWARD)
            v->grads[c] = grads + col->w_offset;
        }
      if (self->step == LAB_STEP_BATCH ? c == 0 : self->step >= LAB_STEP_FORWARD)
        v->values[c] = self->values[c];
    }
  v->out_names = (const char *const *) self->class_names;
  if (self->step >= LAB_STEP_LOSS)
    v->target = self->target;
  if (self->step >= LAB_STEP_OUTPUT_GRADIENT)
    v->out_grad = self->out_grad;
  if (self->step >= LAB_STEP_LOSS && self->show_probs)
    v->out_probs = self->out_probs;
  switch (self->step)
    {
      case LAB_STEP_BATCH:
        v->highlight = 0;
        break;
      case LAB_STEP_LOSS:
      case LAB_STEP_OUTPUT_GRADIENT:
        v->highlight = self->n_columns - 1;
        break;
      case LAB_STEP_BACKWARD:
      case LAB_STEP_UPDATE:
        v->highlight_edges = TRUE;
        break;
      default:
        break;
    }
}

static void
draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  LabStepWindow *self = LAB_STEP_WINDOW (user_data);
  g_autofree char *font = lab_theme_font (GTK_WIDGET (area));
  LabNetworkStyle style;
  LabNetworkView view;
  GdkRGBA fg;

  lab_theme_foreground (GTK_WIDGET (area), &fg);
  lab_network_style_init (&style, 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5);
  style.font = font;
  style.line_scale = lab_theme_scale ();
  fill_view (self, &view);
  lab_network_paint (cr, &view, width, height, &style);
}

static char *
update_rule (const nn_trainer_config *c)
{
  switch (c->optimizer)
    {
      case NN_OPTIMIZER_SGD:
        if (c->momentum > 0)
          return g_strdup_printf (_ ("SGD with momentum μ = %g keeps a running direction:\n"
                                     "<tt>v ← μ·v + ∂L/∂w\nw ← w − η·v</tt>"),
                                  c->momentum);
        return g_strdup (_ ("SGD moves every weight against its gradient:\n"
                            "<tt>w ← w − η·∂L/∂w</tt>"));
      case NN_OPTIMIZER_ADAM:
      case NN_OPTIMIZER_ADAMW:
        return g_strdup (_ ("Adam keeps running means of the gradient and of its square, and "
                            "divides one by the other's root, so every weight takes a step of "
                            "about η:\n<tt>m ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\n"
                            "w ← w − η·m̂ / (√v̂ + ε)</tt>"));
      case NN_OPTIMIZER_RMSPROP:
        return g_strdup (_ ("RMSprop divides the gradient by the root of its recent square:\n"
                            "<tt>v ← α·v + (1 − α)·g²\nw ← w − η·g / (√v + ε)</tt>"));
    }
  return g_strdup ("");
}

/* The weight that moved most in this update, for the text. */
static void
biggest_change (LabStepWindow *self, char **where, double *before, double *after, double *grad)
{
  nn_model *m = nn_trainer_get_model (self->trainer);
  const float *w = nn_model_weights (m, NULL), *g = nn_model_grads (m, NULL);
  double best = -1;

  *where = NULL;
  for (int c = 1; c < self->n_columns; c++)
    {
      nn_shape in_shape, out_shape;
      const gsize off = self->columns[c].w_offset;

      nn_model_activation (m, self->columns[c - 1].value_node, &in_shape);
      nn_model_activation (m, self->columns[c].value_node, &out_shape);
      for (gsize i = 0; i < nn_shape_size (&out_shape); i++)
        for (gsize j = 0; j < nn_shape_size (&in_shape); j++)
          {
            gsize at = off + i * nn_shape_size (&in_shape) + j;
            double d = fabs (w[at] - self->w_before[at]);
            if (d > best)
              {
                best = d;
                g_free (*where);
                /* neurons counted from 1, as people count */
                *where = g_strdup_printf (_ ("the weight of %s from neuron %zu to neuron %zu"),
                                          self->columns[c].name, j + 1, i + 1);
                *before = self->w_before[at];
                *after = w[at];
                *grad = g[at];
              }
          }
    }
}

static char *
step_text (LabStepWindow *self)
{
  const nn_trainer_config *c = &self->config;
  const char *last = self->columns[self->n_columns - 1].name;

  switch (self->step)
    {
      case LAB_STEP_NONE:
        return g_strdup (_ ("Press <b>Next Step</b> to walk through one step of training, or "
                            "<b>Play</b> to watch them go by. Each batch goes through the same "
                            "seven steps; training is these steps repeated thousands of "
                            "times."));
      case LAB_STEP_BATCH:
        return g_strdup_printf (
          _ ("Training takes a random <b>batch of %d examples</b> from the training part. The "
             "picture follows the first one: its inputs are on the left."),
          self->n_batch);
      case LAB_STEP_FORWARD:
        return g_strdup (_ ("Each layer computes its outputs from the previous layer’s, "
                            "left to right:\n<tt>z = W·x + b\na = f(z)</tt>\nEvery line is one "
                            "weight of W: blue is positive, orange negative. f is the "
                            "activation (ReLU keeps positive values, tanh squashes into −1…1)."));
      case LAB_STEP_LOSS:
        if (self->target >= 0)
          return g_strdup_printf (
            _ ("The loss says how wrong the outputs are. Cross-entropy is small when the "
               "model gives the true class (outlined in green) a high probability:\n"
               "<tt>L = −log p(true class)</tt>\nMean over the batch: <b>%.4f</b>."),
            self->loss);
        return g_strdup_printf (_ ("The loss says how far the outputs are from the targets. "
                                   "Mean squared error:\n<tt>L = mean (ŷ − y)²</tt>\nMean over "
                                   "the batch: <b>%.4f</b>."),
                                self->loss);
      case LAB_STEP_OUTPUT_GRADIENT:
        return g_strdup_printf (
          _ ("Backpropagation starts at the loss: how much would L change if each output "
             "changed a little? For softmax with cross-entropy that is simply\n"
             "<tt>∂L/∂z = p − y</tt>\n(probabilities minus the one-hot target), shown beside "
             "%s."),
          last);
      case LAB_STEP_BACKWARD:
        return g_strdup (_ ("The chain rule carries the gradient back, layer by layer, right "
                            "to left:\n<tt>∂L/∂W = ∂L/∂z · xᵀ\n∂L/∂x = Wᵀ · ∂L/∂z</tt>\nNow a "
                            "line’s thickness is the size of its weight’s gradient, summed over "
                            "the batch: thick lines are the weights this batch wants to change "
                            "most."));
      case LAB_STEP_UPDATE:
        {
          g_autofree char *rule = update_rule (c);
          g_autofree char *where = NULL;
          double before = 0, after = 0, grad = 0;

          biggest_change (self, &where, &before, &after, &grad);
          return g_strdup_printf (
            _ ("The optimizer moves every weight a little against its gradient, with "
               "learning rate η = %g. %s\n\nThe biggest change: %s went from %.4f to %.4f "
               "(gradient %+.4f)."),
            c->lr, rule, where != NULL ? where : "—", before, after, grad);
        }
      case LAB_STEP_CHECK:
        return g_strdup_printf (
          _ ("The same batch again, with the new weights: the loss went from <b>%.4f</b> to "
             "<b>%.4f</b>. One small step downhill; the next batch starts over at step 1. "
             "Batches trained so far: %" PRId64 "."),
          self->loss, self->loss_after, self->batches);
    }
  return g_strdup ("");
}

static void
refresh (LabStepWindow *self)
{
  g_autofree char *text = step_text (self);
  GtkListBoxRow *row =
    self->step > LAB_STEP_NONE
      ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->steps), self->step - 1)
      : NULL;

  gtk_label_set_markup (GTK_LABEL (self->text), text);
  gtk_list_box_select_row (GTK_LIST_BOX (self->steps), row);
  /* the current step also stands out in bold accent, legible on a projector */
  for (int i = 0; i < LAB_STEP_CHECK; i++)
    {
      const gboolean current = i == (int) self->step - 1;

      (current ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (self->step_labels[i],
                                                                          "accent");
      (current ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (self->step_labels[i],
                                                                          "heading");
    }
  gtk_widget_queue_draw (self->area);
}

/* --- Running ----------------------------------------------------------- */

/* What the loss makes of the example's outputs: a softmax of the logits
 * under cross-entropy (when the model's own Softmax is not drawn), a
 * sigmoid of one logit under binary cross-entropy. */
static void
output_probabilities (LabStepWindow *self, gboolean from_logits)
{
  const int last = self->n_columns - 1;
  const float *z = self->values[last];
  int k;
  nn_shape shape;

  nn_model_activation (nn_trainer_get_model (self->trainer), self->columns[last].value_node,
                       &shape);
  k = (int) nn_shape_size (&shape);
  self->show_probs = FALSE;
  if (self->config.loss == NN_LOSS_CROSS_ENTROPY && from_logits)
    {
      /* the model's own Softmax is the last column: its values are them */
      memcpy (self->out_probs, z, k * sizeof (float));
      self->show_probs = TRUE;
    }
  else if (self->config.loss == NN_LOSS_CROSS_ENTROPY)
    {
      double max = z[0], sum = 0;
      for (int i = 1; i < k; i++)
        max = MAX (max, z[i]);
      for (int i = 0; i < k; i++)
        sum += exp (z[i] - max);
      for (int i = 0; i < k; i++)
        self->out_probs[i] = (float) (exp (z[i] - max) / sum);
      self->show_probs = TRUE;
    }
  else if (self->config.loss == NN_LOSS_BCE && k == 1)
    {
      self->out_probs[0] = (float) (1.0 / (1.0 + exp (-z[0])));
      self->show_probs = TRUE;
    }
}

static void
take_batch (LabStepWindow *self)
{
  nn_model *m = nn_trainer_get_model (self->trainer);
  gsize n_weights;
  const float *w = nn_model_weights (m, &n_weights);
  nn_trainer_batch b;

  memcpy (self->w_before, w, n_weights * sizeof (float));
  /* a run that ends (its epochs done) starts again: the window never stops */
  if (!nn_trainer_step (self->trainer, NULL, NULL) || !nn_trainer_last_batch (self->trainer, &b))
    return;
  self->batches++;
  self->n_batch = b.n;
  self->loss = b.loss;
  self->loss_after = NAN;
  self->target = b.labels != NULL ? b.labels[0] : -1;
  for (int c = 0; c < self->n_columns; c++)
    {
      nn_shape shape;
      const float *a = nn_model_activation (m, self->columns[c].value_node, &shape);
      memcpy (self->values[c], a, nn_shape_size (&shape) * sizeof (float));
    }
  output_probabilities (self, b.from_logits);
  /* the batch gradient is the mean over examples; one example's is n times it */
  for (int i = 0; i < b.k && i < LAB_NETWORK_MAX_UNITS; i++)
    self->out_grad[i] = b.d_out[i] * b.n;
}

static void
check_batch (LabStepWindow *self)
{
  nn_model *m = nn_trainer_get_model (self->trainer);
  nn_trainer_batch b;
  nn_metrics metrics;

  if (!nn_trainer_last_batch (self->trainer, &b))
    return;
  nn_metrics_init (&metrics, self->ds->task, self->ds->n_classes, 0.5f);
  self->loss_after = nn_model_evaluate (m, self->ds, b.idx, b.n, self->config.loss, &metrics);
  nn_metrics_clear (&metrics);
}

void
lab_step_window_next (LabStepWindow *self)
{
  self->step = self->step == LAB_STEP_CHECK ? LAB_STEP_BATCH : self->step + 1;
  if (self->step == LAB_STEP_BATCH)
    take_batch (self);
  else if (self->step == LAB_STEP_CHECK)
    check_batch (self);
  refresh (self);
}

LabStep
lab_step_window_get_step (LabStepWindow *self)
{
  return self->step;
}

double
lab_step_window_get_loss (LabStepWindow *self, double *after)
{
  if (after != NULL)
    *after = self->loss_after;
  return self->loss;
}

static gboolean
play_tick (gpointer user_data)
{
  lab_step_window_next (LAB_STEP_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_play_toggled (GtkToggleButton *button, LabStepWindow *self)
{
  g_clear_handle_id (&self->play_source, g_source_remove);
  if (gtk_toggle_button_get_active (button))
    {
      lab_step_window_next (self);
      self->play_source = g_timeout_add (PLAY_INTERVAL, play_tick, self);
    }
  gtk_button_set_label (GTK_BUTTON (button),
                        gtk_toggle_button_get_active (button) ? _ ("_Pause") : _ ("_Play"));
}

static void
on_next_clicked (GtkButton *button, LabStepWindow *self)
{
  lab_step_window_next (self);
}

/* --- The window -------------------------------------------------------- */

static void
lab_step_window_dispose (GObject *object)
{
  LabStepWindow *self = LAB_STEP_WINDOW (object);

  g_clear_handle_id (&self->play_source, g_source_remove);
  G_OBJECT_CLASS (lab_step_window_parent_class)->dispose (object);
}

static void
lab_step_window_finalize (GObject *object)
{
  LabStepWindow *self = LAB_STEP_WINDOW (object);

  g_clear_pointer (&self->trainer, nn_trainer_free);
  for (int c = 0; c < LAB_NETWORK_MAX_COLUMNS; c++)
    {
      g_free (self->columns[c].title);
      g_free (self->values[c]);
    }
  g_free (self->w_before);
  g_free (self->out_grad);
  g_free (self->out_probs);
  g_strfreev (self->class_names);
  G_OBJECT_CLASS (lab_step_window_parent_class)->finalize (object);
}

static void
lab_step_window_class_init (LabStepWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_step_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = lab_step_window_finalize;
}

static GtkWidget *
step_row (int number, const char *title, GtkWidget **label_out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *n = g_strdup_printf ("%d", number);
  GtkWidget *num = gtk_label_new (n), *label = gtk_label_new (title);

  *label_out = label;
  gtk_widget_add_css_class (num, "numeric");
  gtk_widget_add_css_class (num, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), num);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  return box;
}

static void
lab_step_window_init (LabStepWindow *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *body = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scroll = gtk_scrolled_window_new ();

  gtk_window_set_title (GTK_WINDOW (self), _ ("Step-by-Step Training"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 680);

  self->next_button = gtk_button_new_with_mnemonic (_ ("_Next Step"));
  gtk_widget_add_css_class (self->next_button, "suggested-action");
  g_signal_connect (self->next_button, "clicked", G_CALLBACK (on_next_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->next_button);
  self->play_button = gtk_toggle_button_new_with_mnemonic (_ ("_Play"));
  g_signal_connect (self->play_button, "toggled", G_CALLBACK (on_play_toggled), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->play_button);
  gtk_box_append (GTK_BOX (content), header);

  self->steps = gtk_list_box_new ();
  gtk_widget_add_css_class (self->steps, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->steps), GTK_SELECTION_SINGLE);
  /* the list shows where the walk is; clicking it does not jump */
  gtk_widget_set_can_target (self->steps, FALSE);
  for (int i = 0; i < (int) G_N_ELEMENTS (step_titles); i++)
    gtk_list_box_append (GTK_LIST_BOX (self->steps),
                         step_row (i + 1, _ (step_titles[i].title), &self->step_labels[i]));
  gtk_box_append (GTK_BOX (side), self->steps);

  self->text = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->text), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->text), 0);
  gtk_label_set_yalign (GTK_LABEL (self->text), 0);
  gtk_label_set_selectable (GTK_LABEL (self->text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->text), 40);
  gtk_widget_set_vexpand (self->text, TRUE);
  gtk_box_append (GTK_BOX (side), self->text);
  gtk_widget_set_margin_top (side, 18);
  gtk_widget_set_margin_bottom (side, 18);
  gtk_widget_set_margin_start (side, 18);
  gtk_widget_set_margin_end (side, 18);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), side);
  gtk_widget_set_size_request (scroll, 340, -1);

  self->area = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_widget_set_vexpand (self->area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw, self, NULL);
  /* projector mode thickens lines and enlarges text */
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self->area, G_CONNECT_SWAPPED);

  gtk_paned_set_start_child (GTK_PANED (body), scroll);
  gtk_paned_set_resize_start_child (GTK_PANED (body), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (body), FALSE);
  gtk_paned_set_end_child (GTK_PANED (body), self->area);
  gtk_widget_set_vexpand (body, TRUE);
  gtk_box_append (GTK_BOX (content), body);
  adw_window_set_content (ADW_WINDOW (self), content);
}

LabStepWindow *
lab_step_window_new (GtkWindow *parent, const nn_graph *graph, nn_dataset *ds,
                     const nn_trainer_config *config, GError **error)
{
  LabStepWindow *self;
  nn_trainer_config c = *config;
  nn_model *m;
  const float *w;
  gsize n_weights;

  /* it trains as long as the user keeps pressing Next */
  c.epochs = 1000000;
  c.patience = 0;
  c.mode = NN_MODE_SUPERVISED;
  self = g_object_new (LAB_TYPE_STEP_WINDOW, NULL);
  self->trainer = nn_trainer_new (graph, ds, &c, error);
  if (self->trainer == NULL || !plan_columns (self, nn_trainer_get_model (self->trainer), error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }
  self->ds = ds;
  self->config = c;
  m = nn_trainer_get_model (self->trainer);
  w = nn_model_weights (m, &n_weights);
  self->w_before = g_memdup2 (w, n_weights * sizeof (float));
  for (int c = 0; c < self->n_columns; c++)
    self->values[c] = g_new0 (float, MAX (LAB_NETWORK_MAX_UNITS, MAX_INPUTS));
  self->out_grad = g_new0 (float, LAB_NETWORK_MAX_UNITS);
  self->out_probs = g_new0 (float, LAB_NETWORK_MAX_UNITS);
  if (ds->task == NN_TASK_CLASSIFY && ds->class_names != NULL)
    self->class_names = g_strdupv (ds->class_names);
  self->target = -1;
  self->loss = self->loss_after = NAN;

  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  refresh (self);
  return self;
}
