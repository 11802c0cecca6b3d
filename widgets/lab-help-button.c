/* lab-help-button.c — see lab-help-button.h. The popover is built once per
 * button and only its label changes, so a property panel that follows the
 * selection does not churn widgets. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-help-button.h"

/* A selectable label takes the focus when the popover opens and would
 * start with all its text selected: clear that so it reads as text. */
static void
on_popover_shown (GtkPopover *popover, GtkLabel *label)
{
  gtk_label_select_region (label, 0, 0);
}

GtkWidget *
lab_help_button_new (const LabHelp *help, const char *title)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *label = gtk_label_new (NULL);
  /* A plain "?": what a learner looks for, and no icon theme draws it the same. */
  GtkWidget *mark = gtk_label_new ("?");

  gtk_widget_add_css_class (mark, "heading");
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), mark);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, "help-button");

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), label);
  g_signal_connect_after (popover, "show", G_CALLBACK (on_popover_shown), label);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);

  lab_help_button_set_help (button, help, title);
  return button;
}

void
lab_help_button_set_help (GtkWidget *button, const LabHelp *help, const char *title)
{
  GtkWidget *label = lab_help_button_get_label (button);
  g_autofree char *markup = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (label != NULL);

  gtk_widget_set_visible (button, help != NULL);
  if (help == NULL)
    return;
  markup = lab_help_markup (help, title);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_widget_set_tooltip_text (button, lab_help_summary (help));
  /* Translators: the accessible name of the "?" button; %s is a layer, loss or optimizer. */
  name = g_strdup_printf (_ ("About %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

GtkWidget *
lab_help_button_get_label (GtkWidget *button)
{
  GtkPopover *popover;

  g_return_val_if_fail (GTK_IS_MENU_BUTTON (button), NULL);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  return popover != NULL ? gtk_popover_get_child (popover) : NULL;
}
