/* lab-property-editor.c — rows built from the layer kind's parameter specs,
 * rebuilt when the kind changes and updated in place otherwise. Parameters
 * marked advanced (rarely changed: a Conv2D's groups, dilation ...) go in a
 * "More options" expander below the others, collapsed unless one of them
 * is away from its default. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "lab-help-button.h"
#include "lab-property-editor.h"

struct _LabPropertyEditor
{
  GtkWidget parent_instance;

  GtkWidget *stack;
  GtkWidget *title;
  GtkWidget *help_button;
  GtkWidget *summary;
  GtkWidget *error_box;
  GtkWidget *error_label;
  GtkWidget *name_row;
  GtkWidget *shape_row;
  GtkWidget *weights_row;
  GtkWidget *params_group;
  GtkWidget *advanced_expander;
  GtkWidget *advanced_list;

  nn_layer_desc desc;
  GtkWidget *editors[NN_MAX_PARAMS];
  GtkWidget *param_rows[NN_MAX_PARAMS];
  /* Set while values are pushed into the editors, so that doing so is not
   * mistaken for the user's edit. */
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (LabPropertyEditor, lab_property_editor, GTK_TYPE_WIDGET)

enum
{
  PARAM_CHANGED,
  NAME_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_param (LabPropertyEditor *self, GtkWidget *editor, double value)
{
  if (self->updating)
    return;
  for (int i = 0; i < self->desc.ops->n_params; i++)
    if (self->editors[i] == editor)
      {
        g_signal_emit (self, signals[PARAM_CHANGED], 0, self->desc.ops->params[i].id, value);
        return;
      }
}

static void
on_spin_changed (GtkSpinButton *spin, LabPropertyEditor *self)
{
  emit_param (self, GTK_WIDGET (spin), gtk_spin_button_get_value (spin));
}

static void
on_switch_changed (GtkSwitch *sw, GParamSpec *pspec, LabPropertyEditor *self)
{
  emit_param (self, GTK_WIDGET (sw), gtk_switch_get_active (sw) ? 1.0 : 0.0);
}

static void
on_choice_changed (GtkDropDown *choice, GParamSpec *pspec, LabPropertyEditor *self)
{
  emit_param (self, GTK_WIDGET (choice), gtk_drop_down_get_selected (choice));
}

static void
on_name_applied (AdwEntryRow *row, LabPropertyEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!self->updating && text[0] != '\0')
    g_signal_emit (self, signals[NAME_CHANGED], 0, text);
}

/* Enough decimals to show the default and the smallest useful step, so that
 * an epsilon of 1e-5 and a dropout rate of 0.5 both read naturally. */
static int
float_digits (const nn_param_spec *spec)
{
  double smallest = spec->def > 0 ? spec->def : (spec->max > 0 ? spec->max / 100 : 0.01);
  int digits = (int) ceil (-log10 (smallest)) + 1;

  return CLAMP (digits, 2, 7);
}

static GtkWidget *
make_spin (LabPropertyEditor *self, const nn_param_spec *spec)
{
  GtkWidget *spin;

  if (spec->type == NN_PARAM_INT)
    {
      spin = gtk_spin_button_new_with_range (spec->min, spec->max, 1);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
    }
  else
    {
      int digits = float_digits (spec);
      double step = pow (10, -(digits - 1));

      spin = gtk_spin_button_new_with_range (spec->min, spec->max, step);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
    }
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  return spin;
}

static GtkWidget *
make_row (LabPropertyEditor *self, int i)
{
  const nn_param_spec *spec = &self->desc.ops->params[i];
  const LabHelp *help = lab_layer_help (self->desc.ops->id);
  GtkWidget *row;

  row = adw_action_row_new ();
  if (spec->type == NN_PARAM_ENUM)
    {
      GtkStringList *labels = gtk_string_list_new (NULL);

      for (int c = 0; spec->choices[c] != NULL; c++)
        gtk_string_list_append (labels, _ (spec->choice_labels[c]));
      /* a drop-down beside the row, not an AdwComboRow: the combo row's
       * value gives way to a long subtitle and shrinks to "P…", a
       * drop-down keeps its label whole */
      self->editors[i] = gtk_drop_down_new (G_LIST_MODEL (labels), NULL);
      gtk_widget_set_valign (self->editors[i], GTK_ALIGN_CENTER);
      g_signal_connect (self->editors[i], "notify::selected", G_CALLBACK (on_choice_changed), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->editors[i]);
    }
  else
    {
      if (spec->type == NN_PARAM_BOOL)
        {
          self->editors[i] = gtk_switch_new ();
          gtk_widget_set_valign (self->editors[i], GTK_ALIGN_CENTER);
          g_signal_connect (self->editors[i], "notify::active", G_CALLBACK (on_switch_changed),
                            self);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->editors[i]);
        }
      else
        self->editors[i] = make_spin (self, spec);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->editors[i]);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (spec->label));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ (spec->help));
  gtk_widget_set_name (row, spec->id);
  gtk_widget_set_tooltip_text (row, help != NULL ? lab_help_param_effect (help, spec->id) : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editors[i]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ (spec->label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ (spec->help), -1);
  return row;
}

static void
remove_param_rows (LabPropertyEditor *self)
{
  for (int i = 0; i < NN_MAX_PARAMS; i++)
    {
      if (self->param_rows[i] != NULL &&
          gtk_widget_get_parent (self->param_rows[i]) == self->advanced_list)
        gtk_list_box_remove (GTK_LIST_BOX (self->advanced_list), self->param_rows[i]);
      else if (self->param_rows[i] != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->params_group),
                                      self->param_rows[i]);
      self->param_rows[i] = NULL;
      self->editors[i] = NULL;
    }
}

static void
push_values (LabPropertyEditor *self)
{
  for (int i = 0; i < self->desc.ops->n_params; i++)
    {
      const nn_param_spec *spec = &self->desc.ops->params[i];
      double v = self->desc.p[i];

      switch (spec->type)
        {
          case NN_PARAM_ENUM:
            gtk_drop_down_set_selected (GTK_DROP_DOWN (self->editors[i]), (guint) v);
            break;
          case NN_PARAM_BOOL:
            gtk_switch_set_active (GTK_SWITCH (self->editors[i]), v != 0.0);
            break;
          case NN_PARAM_INT:
          case NN_PARAM_FLOAT:
            gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->editors[i]), v);
            break;
        }
    }
}

void
lab_property_editor_set_layer (LabPropertyEditor *self, const char *name, const nn_layer_desc *desc,
                               const nn_shape *shape, gsize n_weights, const char *error)
{
  g_autofree char *dims = NULL;
  g_autofree char *count = NULL;
  gboolean other;

  g_return_if_fail (LAB_IS_PROPERTY_EDITOR (self));

  if (desc == NULL)
    {
      lab_property_editor_clear (self);
      return;
    }

  /* another node (or kind) than the one shown: a new name or ops */
  other = desc->ops != self->desc.ops ||
          g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), name) != 0;
  self->updating = TRUE;
  if (desc->ops != self->desc.ops)
    {
      int n_basic = 0, n_advanced = 0;

      remove_param_rows (self);
      self->desc = *desc;
      for (int i = 0; i < desc->ops->n_params; i++)
        {
          const nn_param_spec *spec = &desc->ops->params[i];

          self->param_rows[i] = make_row (self, i);
          if (spec->advanced)
            {
              gtk_list_box_append (GTK_LIST_BOX (self->advanced_list), self->param_rows[i]);
              n_advanced++;
            }
          else
            {
              adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->params_group),
                                         self->param_rows[i]);
              n_basic++;
            }
        }
      gtk_widget_set_visible (self->params_group, n_basic > 0);
      gtk_widget_set_visible (self->advanced_expander, n_advanced > 0);
    }
  self->desc = *desc;
  push_values (self);
  /* a node with advanced settings in use (an imported depthwise
   * convolution) shows them; the user's own opening and closing stands
   * while they edit the same node */
  if (other)
    {
      gboolean in_use = FALSE;

      for (int i = 0; i < desc->ops->n_params; i++)
        in_use =
          in_use || (desc->ops->params[i].advanced && desc->p[i] != desc->ops->params[i].def);
      gtk_expander_set_expanded (GTK_EXPANDER (self->advanced_expander), in_use);
    }

  gtk_label_set_label (GTK_LABEL (self->title), _ (desc->ops->name));
  gtk_label_set_label (GTK_LABEL (self->summary), _ (desc->ops->summary));
  lab_help_button_set_help (self->help_button, lab_layer_help (desc->ops->id), _ (desc->ops->name));
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), name) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");

  dims = shape && shape->rank > 0 ? nn_shape_to_string (shape) : g_strdup (_ ("Unknown"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->shape_row), dims);
  count = g_strdup_printf ("%'" G_GSIZE_FORMAT, n_weights);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->weights_row), count);

  gtk_label_set_label (GTK_LABEL (self->error_label), error ? error : "");
  gtk_widget_set_visible (self->error_box, error != NULL);

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "layer");
  self->updating = FALSE;
}

void
lab_property_editor_clear (LabPropertyEditor *self)
{
  g_return_if_fail (LAB_IS_PROPERTY_EDITOR (self));

  remove_param_rows (self);
  self->desc = (nn_layer_desc){ 0 };
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

static GtkWidget *
make_info_row (const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static GtkWidget *
make_layer_page (LabPropertyEditor *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon, *group;

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_widget_add_css_class (self->title, "title-3");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2,
                                  -1);
  self->summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  gtk_label_set_wrap (GTK_LABEL (self->summary), TRUE);
  gtk_widget_add_css_class (self->summary, "dim-label");
  gtk_widget_set_hexpand (self->title, TRUE);
  self->help_button = lab_help_button_new (NULL, NULL);
  gtk_box_append (GTK_BOX (title_box), self->title);
  gtk_box_append (GTK_BOX (title_box), self->help_button);
  gtk_box_append (GTK_BOX (heading), title_box);
  gtk_box_append (GTK_BOX (heading), self->summary);
  gtk_box_append (GTK_BOX (box), heading);

  self->error_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (self->error_box, "card");
  gtk_widget_add_css_class (self->error_box, "lab-error-card");
  icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_set_hexpand (self->error_label, TRUE);
  gtk_box_append (GTK_BOX (self->error_box), icon);
  gtk_box_append (GTK_BOX (self->error_box), self->error_label);
  gtk_widget_set_visible (self->error_box, FALSE);
  gtk_box_append (GTK_BOX (box), self->error_box);

  group = adw_preferences_group_new ();
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _ ("Name"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->name_row), TRUE);
  g_signal_connect (self->name_row, "apply", G_CALLBACK (on_name_applied), self);
  self->shape_row = make_info_row (_ ("Output shape"));
  self->weights_row = make_info_row (_ ("Parameters"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->shape_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->weights_row);
  gtk_box_append (GTK_BOX (box), group);

  self->params_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->params_group), _ ("Settings"));
  gtk_box_append (GTK_BOX (box), self->params_group);

  self->advanced_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->advanced_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->advanced_list, "boxed-list");
  gtk_widget_set_margin_top (self->advanced_list, 6);
  self->advanced_expander = gtk_expander_new (_ ("More options"));
  /* reads as a heading, like the Settings group's title above it */
  gtk_widget_add_css_class (gtk_expander_get_label_widget (GTK_EXPANDER (self->advanced_expander)),
                            "heading");
  gtk_widget_set_name (self->advanced_expander, "more-options");
  gtk_expander_set_child (GTK_EXPANDER (self->advanced_expander), self->advanced_list);
  gtk_widget_set_visible (self->advanced_expander, FALSE);
  gtk_box_append (GTK_BOX (box), self->advanced_expander);
  return box;
}

static void
lab_property_editor_dispose (GObject *object)
{
  LabPropertyEditor *self = LAB_PROPERTY_EDITOR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_property_editor_parent_class)->dispose (object);
}

static void
lab_property_editor_class_init (LabPropertyEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_property_editor_dispose;

  /* ::param-changed (id, value): the user set parameter `id` to `value`. */
  signals[PARAM_CHANGED] =
    g_signal_new ("param-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
  /* ::name-changed (name): the user renamed the node. */
  signals[NAME_CHANGED] =
    g_signal_new ("name-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "labpropertyeditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lab_property_editor_init (LabPropertyEditor *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "emblem-system-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _ ("Properties"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _ ("Select a layer on the canvas to see and change its "
                                      "parameters."));
  gtk_widget_add_css_class (empty, "compact");

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), make_layer_page (self));

  self->stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (self->stack), scroller, "layer");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));
}

GtkWidget *
lab_property_editor_new (void)
{
  return g_object_new (LAB_TYPE_PROPERTY_EDITOR, NULL);
}
