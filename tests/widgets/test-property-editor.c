/* test-property-editor.c — the typed parameter editor: one editor per
 * parameter type, signals only for the user's edits, the error card, the
 * empty state. */
#include <adwaita.h>

#include "lab-property-editor.h"
#include "widget-png.h"

static const char *const pad_ids[] = { "valid", "same", NULL };
static const char *const pad_labels[] = { "Valid", "Same", NULL };

static const nn_param_spec probe_params[] = {
  { "filters", "Filters", "How many feature maps", NN_PARAM_INT, 1, 4096, 32 },
  { "rate", "Rate", "Fraction dropped", NN_PARAM_FLOAT, 0, 0.99, 0.5 },
  { "bias", "Use bias", "Adds a learnt offset", NN_PARAM_BOOL, 0, 1, 1 },
  { "padding", "Padding", "Border handling", NN_PARAM_ENUM, 0, 1, 0, pad_ids, pad_labels },
  { "groups", "Groups", "Channel groups", NN_PARAM_INT, 1, 64, 1, .advanced = TRUE },
};

static const nn_layer_ops probe_ops = {
  .id = "probe",
  .name = "Probe",
  .summary = "A layer kind with one parameter of every type",
  .params = probe_params,
  .n_params = G_N_ELEMENTS (probe_params),
};

typedef struct
{
  GtkWidget *window;
  GtkWidget *editor;
  nn_layer_desc desc;
  GPtrArray *changes; /* "id=value" */
  char *renamed;
} Fixture;

static void
on_param_changed (LabPropertyEditor *editor, const char *id, double value, Fixture *f)
{
  g_ptr_array_add (f->changes, g_strdup_printf ("%s=%g", id, value));
}

static void
on_name_changed (LabPropertyEditor *editor, const char *name, Fixture *f)
{
  g_free (f->renamed);
  f->renamed = g_strdup (name);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = gtk_window_new ();
  f->editor = lab_property_editor_new ();
  f->changes = g_ptr_array_new_with_free_func (g_free);
  nn_layer_desc_init (&f->desc, &probe_ops);
  g_signal_connect (f->editor, "param-changed", G_CALLBACK (on_param_changed), f);
  g_signal_connect (f->editor, "name-changed", G_CALLBACK (on_name_changed), f);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 320, 640);
  gtk_window_set_child (GTK_WINDOW (f->window), f->editor);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_ptr_array_unref (f->changes);
  g_free (f->renamed);
}

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_editors_by_type (Fixture *f, gconstpointer data)
{
  nn_shape shape = nn_shape_3d (32, 26, 26);
  GtkWidget *row;

  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, &shape, 320,
                                 NULL);
  row = find_named (f->editor, "filters");
  g_assert_nonnull (row);
  g_assert_cmpfloat (
    gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_type (row, GTK_TYPE_SPIN_BUTTON))), ==, 32);
  row = find_named (f->editor, "rate");
  g_assert_nonnull (find_type (row, GTK_TYPE_SPIN_BUTTON));
  row = find_named (f->editor, "bias");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_type (row, GTK_TYPE_SWITCH))));
  row = find_named (f->editor, "padding");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (
                      GTK_DROP_DOWN (find_type (row, GTK_TYPE_DROP_DOWN)))),
                    ==, 2);
  /* Showing values is not an edit. */
  g_assert_cmpuint (f->changes->len, ==, 0);
}

static void
test_user_edits_emit (Fixture *f, gconstpointer data)
{
  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, NULL, 0,
                                 NULL);
  gtk_spin_button_set_value (
    GTK_SPIN_BUTTON (find_type (find_named (f->editor, "filters"), GTK_TYPE_SPIN_BUTTON)), 64);
  gtk_switch_set_active (GTK_SWITCH (find_type (find_named (f->editor, "bias"), GTK_TYPE_SWITCH)),
                         FALSE);
  gtk_drop_down_set_selected (
    GTK_DROP_DOWN (find_type (find_named (f->editor, "padding"), GTK_TYPE_DROP_DOWN)), 1);
  g_assert_cmpuint (f->changes->len, ==, 3);
  g_assert_cmpstr (f->changes->pdata[0], ==, "filters=64");
  g_assert_cmpstr (f->changes->pdata[1], ==, "bias=0");
  g_assert_cmpstr (f->changes->pdata[2], ==, "padding=1");

  /* Out of range values are clamped to the parameter's range by the editor. */
  gtk_spin_button_set_value (
    GTK_SPIN_BUTTON (find_type (find_named (f->editor, "rate"), GTK_TYPE_SPIN_BUTTON)), 5);
  g_assert_cmpstr (f->changes->pdata[3], ==, "rate=0.99");
}

static void
test_update_in_place (Fixture *f, gconstpointer data)
{
  GtkWidget *spin;

  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, NULL, 0,
                                 NULL);
  spin = find_type (find_named (f->editor, "filters"), GTK_TYPE_SPIN_BUTTON);
  f->desc.p[0] = 8;
  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, NULL, 0,
                                 NULL);
  /* The same widget, so that focus and typing survive a model update. */
  g_assert_true (spin == find_type (find_named (f->editor, "filters"), GTK_TYPE_SPIN_BUTTON));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 8);
  g_assert_cmpuint (f->changes->len, ==, 0);
}

static void
test_rename (Fixture *f, gconstpointer data)
{
  GtkWidget *entry;

  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, NULL, 0,
                                 NULL);
  entry = find_type (f->editor, ADW_TYPE_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "probe1");
  gtk_editable_set_text (GTK_EDITABLE (entry), "features");
  g_signal_emit_by_name (entry, "apply");
  g_assert_cmpstr (f->renamed, ==, "features");
}

static gboolean
has_reddish_pixel (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *pixels = widget_png_download (texture);

  for (gsize i = 0; i < (gsize) w * h * 4; i += 4)
    if (pixels[i] > 150 && pixels[i + 1] < 100 && pixels[i + 2] < 100)
      return TRUE;
  return FALSE;
}

static void
test_error_card (Fixture *f, gconstpointer data)
{
  g_autoptr (GdkTexture) plain = NULL;
  g_autoptr (GdkTexture) failing = NULL;
  g_autofree char *path = widget_png_output_path ("property-editor-error.png");

  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "conv2", &f->desc, NULL, 0, NULL);
  g_assert_true (widget_png_wait_for_frame (f->editor, 5000));
  plain = widget_png_render (f->editor);
  g_assert_false (has_reddish_pixel (plain));

  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "conv2", &f->desc, NULL, 0,
                                 "Conv2D 'conv2': a 5×5 kernel does not fit its 3×3 input");
  g_assert_true (widget_png_wait_for_frame (f->editor, 5000));
  failing = widget_png_render (f->editor);
  g_assert_true (has_reddish_pixel (failing));
  g_assert_true (widget_png_save (f->editor, path, NULL));
}

static gboolean
is_inside (GtkWidget *widget, GtkWidget *ancestor)
{
  return widget != NULL && gtk_widget_is_ancestor (widget, ancestor);
}

/* Advanced settings sit in the collapsed "More options" expander, which
 * opens by itself for a node that uses one, and keeps the user's choice
 * while the same node is edited. */
static void
test_advanced (Fixture *f, gconstpointer data)
{
  LabPropertyEditor *editor = LAB_PROPERTY_EDITOR (f->editor);
  GtkWidget *more = find_named (f->editor, "more-options");
  g_autofree char *path = widget_png_output_path ("property-editor-advanced.png");

  lab_property_editor_set_layer (editor, "probe1", &f->desc, NULL, 0, NULL);
  g_assert_true (gtk_widget_get_visible (more));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (more)));
  /* a collapsed expander takes its child out of the widget tree */
  g_assert_null (find_named (f->editor, "groups"));
  gtk_expander_set_expanded (GTK_EXPANDER (more), TRUE);
  g_assert_true (is_inside (find_named (f->editor, "groups"), more));
  g_assert_false (is_inside (find_named (f->editor, "filters"), more));

  lab_property_editor_set_layer (editor, "probe1", &f->desc, NULL, 0, NULL);
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (more)));

  g_assert_true (nn_layer_desc_set (&f->desc, "groups", 4, NULL));
  lab_property_editor_set_layer (editor, "probe2", &f->desc, NULL, 0, NULL);
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (more)));
  g_assert_true (widget_png_wait_for_frame (f->editor, 5000));
  g_assert_true (widget_png_save (f->editor, path, NULL));

  g_assert_true (nn_layer_desc_set (&f->desc, "groups", 1, NULL));
  lab_property_editor_set_layer (editor, "probe3", &f->desc, NULL, 0, NULL);
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (more)));
}

static void
test_empty_state (Fixture *f, gconstpointer data)
{
  GtkWidget *stack = find_type (f->editor, GTK_TYPE_STACK);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  lab_property_editor_set_layer (LAB_PROPERTY_EDITOR (f->editor), "probe1", &f->desc, NULL, 0,
                                 NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "layer");
  lab_property_editor_clear (LAB_PROPERTY_EDITOR (f->editor));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_null (find_named (f->editor, "filters"));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
#define ADD(path, fn) \
  g_test_add ("/widgets/property-editor/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("editors-by-type", test_editors_by_type);
  ADD ("user-edits-emit", test_user_edits_emit);
  ADD ("update-in-place", test_update_in_place);
  ADD ("rename", test_rename);
  ADD ("error-card", test_error_card);
  ADD ("advanced", test_advanced);
  ADD ("empty-state", test_empty_state);
  return g_test_run ();
}
