/* lab-layer-palette.c — a list of every layer kind of the engine's registry,
 * grouped under headers (Core, Convolution, ...), each with its one-line
 * explanation, filtered by a search entry. Each row can be dragged onto the
 * model canvas as the string "layer:<kind id>". */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-help-button.h"
#include "lab-layer-palette.h"
#include "layer.h"

struct _LabLayerPalette
{
  GtkWidget parent_instance;

  GtkWidget *search;
  GtkWidget *scroller;
  GtkListBox *list;
  char *filter;
};

G_DEFINE_FINAL_TYPE (LabLayerPalette, lab_layer_palette, GTK_TYPE_WIDGET)

enum
{
  LAYER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
group_title (nn_layer_group group)
{
  switch (group)
    {
      case NN_GROUP_CORE:
        return _ ("Core");
      case NN_GROUP_CONVOLUTION:
        return _ ("Convolution");
      case NN_GROUP_POOLING:
        return _ ("Pooling");
      case NN_GROUP_RECURRENT:
        return _ ("Recurrent");
      case NN_GROUP_NORMALISATION:
        return _ ("Normalisation");
      case NN_GROUP_MERGE:
        return _ ("Merge");
      case NN_GROUP_ACTIVATION:
        return _ ("Activation");
    }
  return "";
}

static const char *
group_icon (nn_layer_group group)
{
  switch (group)
    {
      case NN_GROUP_CORE:
        return "view-list-bullet-symbolic";
      case NN_GROUP_CONVOLUTION:
        return "view-grid-symbolic";
      case NN_GROUP_POOLING:
        return "view-app-grid-symbolic";
      case NN_GROUP_RECURRENT:
        return "view-refresh-symbolic";
      case NN_GROUP_NORMALISATION:
        return "preferences-system-symbolic";
      case NN_GROUP_MERGE:
        return "list-add-symbolic";
      case NN_GROUP_ACTIVATION:
        return "media-playlist-consecutive-symbolic";
    }
  return "application-x-executable-symbolic";
}

static const nn_layer_ops *
row_ops (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "lab-layer-ops");
}

/* The dragged row itself is the drag icon, so the user sees what they carry. */
static void
on_drag_begin (GtkDragSource *source, GdkDrag *drag, GtkWidget *row)
{
  g_autoptr (GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static GtkDragSource *
make_drag_source (const nn_layer_ops *ops, GtkWidget *row)
{
  GtkDragSource *source = gtk_drag_source_new ();
  g_autofree char *payload = g_strconcat ("layer:", ops->id, NULL);
  g_autoptr (GdkContentProvider) content = gdk_content_provider_new_typed (G_TYPE_STRING, payload);

  gtk_drag_source_set_content (source, content);
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  return source;
}

static GtkWidget *
make_row (const nn_layer_ops *ops)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (group_icon (ops->group));
  GtkWidget *name = gtk_label_new (_ (ops->name));
  GtkWidget *summary = gtk_label_new (_ (ops->summary));
  const LabHelp *help = lab_layer_help (ops->id);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (summary), 30);
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_widget_add_css_class (summary, "caption");
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), summary);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), lab_help_button_new (help, _ (ops->name)));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* The longer explanation where there is one; the button beside shows the formula. */
  gtk_widget_set_tooltip_text (row, help != NULL ? lab_help_summary (help) : _ (ops->summary));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ (ops->name), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ (ops->summary), -1);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (make_drag_source (ops, row)));
  g_object_set_data (G_OBJECT (row), "lab-layer-ops", (gpointer) ops);
  return row;
}

static void
update_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  const nn_layer_ops *ops = row_ops (row);
  GtkWidget *header;

  if (before != NULL && row_ops (before)->group == ops->group)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (group_title (ops->group));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 4);
  gtk_list_box_row_set_header (row, header);
}

static gboolean
matches (const nn_layer_ops *ops, const char *filter)
{
  if (filter == NULL || *filter == '\0')
    return TRUE;
  return g_str_match_string (filter, _ (ops->name), TRUE) ||
         g_str_match_string (filter, _ (ops->summary), TRUE) ||
         g_str_match_string (filter, ops->id, TRUE) ||
         g_str_match_string (filter, group_title (ops->group), TRUE);
}

static gboolean
filter_row (GtkListBoxRow *row, gpointer user_data)
{
  LabLayerPalette *self = user_data;

  return matches (row_ops (row), self->filter);
}

static void
on_search_changed (GtkSearchEntry *entry, LabLayerPalette *self)
{
  lab_layer_palette_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, LabLayerPalette *self)
{
  g_signal_emit (self, signals[LAYER_ACTIVATED], 0, row_ops (row)->id);
}

static void
lab_layer_palette_dispose (GObject *object)
{
  LabLayerPalette *self = LAB_LAYER_PALETTE (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_layer_palette_parent_class)->dispose (object);
}

static void
lab_layer_palette_finalize (GObject *object)
{
  LabLayerPalette *self = LAB_LAYER_PALETTE (object);

  g_free (self->filter);
  G_OBJECT_CLASS (lab_layer_palette_parent_class)->finalize (object);
}

static void
lab_layer_palette_class_init (LabLayerPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_layer_palette_dispose;
  object_class->finalize = lab_layer_palette_finalize;

  signals[LAYER_ACTIVATED] =
    g_signal_new ("layer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "layerpalette");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lab_layer_palette_init (LabLayerPalette *self)
{
  int n = 0;
  const nn_layer_ops *const *kinds = nn_layer_kinds (&n);

  gtk_orientable_set_orientation (
    GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);

  self->search = gtk_search_entry_new ();
  g_object_set (self->search, "placeholder-text", _ ("Search layers"), NULL);
  gtk_widget_set_margin_start (self->search, 6);
  gtk_widget_set_margin_end (self->search, 6);
  gtk_widget_set_margin_top (self->search, 6);
  gtk_widget_set_margin_bottom (self->search, 6);
  g_signal_connect (self->search, "search-changed", G_CALLBACK (on_search_changed), self);
  gtk_widget_set_parent (self->search, GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Layers"), -1);
  for (int i = 0; i < n; i++)
    gtk_list_box_append (self->list, make_row (kinds[i]));

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
lab_layer_palette_new (void)
{
  return g_object_new (LAB_TYPE_LAYER_PALETTE, NULL);
}

void
lab_layer_palette_set_filter (LabLayerPalette *self, const char *text)
{
  g_return_if_fail (LAB_IS_LAYER_PALETTE (self));

  g_free (self->filter);
  self->filter = g_strdup (text);
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
}

guint
lab_layer_palette_count_visible (LabLayerPalette *self)
{
  guint count = 0;

  g_return_val_if_fail (LAB_IS_LAYER_PALETTE (self), 0);
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
      if (row == NULL)
        break;
      count += matches (row_ops (row), self->filter);
    }
  return count;
}
