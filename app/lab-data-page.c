/* lab-data-page.c — see lab-data-page.h. Loading runs in a GTask thread;
 * the thread only writes a progress fraction that a main-loop timeout reads,
 * so no GTK call ever happens off the main thread. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "error.h"
#include "lab-class-balance.h"
#include "lab-data-page.h"
#include "lab-file-chooser.h"
#include "lab-sample-gallery.h"

struct _LabDataPage
{
  GtkWidget parent_instance;

  /* template widgets */
  AdwToastOverlay *toasts;
  AdwPreferencesGroup *builtin_group;
  AdwPreferencesGroup *split_group;
  AdwActionRow *test_row;
  GtkAdjustment *val_adjustment;
  GtkAdjustment *test_adjustment;
  AdwPreferencesGroup *quality_group;
  AdwActionRow *missing_row;
  AdwActionRow *duplicates_row;
  AdwActionRow *conflicts_row;
  AdwActionRow *constant_row;
  AdwExpanderRow *warnings_row;
  AdwPreferencesGroup *balance_group;
  LabClassBalance *balance;
  GtkStack *view_stack;
  GtkLabel *loading_label;
  GtkProgressBar *loading_progress;
  GtkLabel *title_label;
  GtkLabel *summary_label;
  GtkDropDown *class_filter;
  LabSampleGallery *gallery;

  /* owned */
  GSimpleActionGroup *actions;
  nn_dataset *dataset;
  GArray *preparation; /* of nn_prep_step: how dataset was cleaned */
  GCancellable *loading;
  GPtrArray *builtin_rows;
  GPtrArray *warning_rows;
  guint progress_source;
  gboolean locked;
};

G_DEFINE_FINAL_TYPE (LabDataPage, lab_data_page, GTK_TYPE_WIDGET)

enum
{
  DATASET_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* What the loading thread and the main loop share. */
typedef struct
{
  char *spec;
  nn_data_options options;
  GArray *steps; /* of nn_prep_step, applied once loaded */
  gint progress; /* fraction × 1000, written by the thread */
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->spec);
  g_array_unref (job->steps);
  g_free (job);
}

static void
set_action_enabled (LabDataPage *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
lab_data_page_update_sensitivity (LabDataPage *self)
{
  gboolean idle = !self->locked && self->loading == NULL;
  gboolean have = self->dataset != NULL;

  set_action_enabled (self, "use-builtin", idle);
  set_action_enabled (self, "open-file", idle);
  set_action_enabled (self, "open-folder", idle);
  set_action_enabled (self, "impute", idle && have && self->dataset->quality.missing_values > 0);
  set_action_enabled (self, "drop-duplicates",
                      idle && have && self->dataset->quality.duplicates > 0);
  set_action_enabled (self, "cancel", self->loading != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->split_group), !self->locked);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->builtin_group),
                               self->locked ? _ ("Stop training to change the data") : NULL);
}

static void
set_count_row (AdwActionRow *row, int count, const char *none)
{
  g_autofree char *text = count == 0 ? g_strdup (none) : g_strdup_printf ("%'d", count);

  adw_action_row_set_subtitle (row, text);
  if (count > 0)
    gtk_widget_add_css_class (GTK_WIDGET (row), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "warning");
}

static void
lab_data_page_show_quality (LabDataPage *self)
{
  const nn_dataset *ds = self->dataset;
  const nn_quality *q = &ds->quality;
  g_autoptr (GString) constant = g_string_new (NULL);
  int n_warnings = q->warnings != NULL ? (int) g_strv_length (q->warnings) : 0;

  set_count_row (self->missing_row, q->missing_values, _ ("None"));
  if (q->missing_values > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d value in %'d row",
                                      "%'d values in %'d rows", q->missing_values),
                         q->missing_values, q->rows_with_missing);
      adw_action_row_set_subtitle (self->missing_row, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->missing_row), ds->store == NN_STORE_F32);
  set_count_row (self->duplicates_row, q->duplicates, _ ("None"));
  set_count_row (self->conflicts_row, q->conflicts, _ ("None"));
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_row), ds->task == NN_TASK_CLASSIFY);

  for (int i = 0; i < q->n_columns; i++)
    if (q->columns[i].constant)
      g_string_append_printf (constant, "%s%s", constant->len > 0 ? ", " : "", q->columns[i].name);
  adw_action_row_set_subtitle (self->constant_row, constant->len > 0 ? constant->str : _ ("None"));
  gtk_widget_set_visible (GTK_WIDGET (self->constant_row), q->n_columns > 0);

  for (guint i = 0; i < self->warning_rows->len; i++)
    adw_expander_row_remove (self->warnings_row, g_ptr_array_index (self->warning_rows, i));
  g_ptr_array_set_size (self->warning_rows, 0);
  for (int i = 0; i < n_warnings && i < 200; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), q->warnings[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_expander_row_add_row (self->warnings_row, row);
      g_ptr_array_add (self->warning_rows, row);
    }
  {
    g_autofree char *count = g_strdup_printf ("%'d", n_warnings);
    adw_expander_row_set_subtitle (self->warnings_row, n_warnings > 0 ? count : _ ("None"));
  }
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_row), n_warnings > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_group), TRUE);

  if (ds->task == NN_TASK_CLASSIFY && q->class_counts != NULL)
    lab_class_balance_set_counts (self->balance, (const char *const *) ds->class_names,
                                  q->class_counts, ds->n_classes);
  gtk_widget_set_visible (GTK_WIDGET (self->balance_group),
                          ds->task == NN_TASK_CLASSIFY && q->class_counts != NULL);
}

static void
lab_data_page_show_dataset (LabDataPage *self)
{
  const nn_dataset *ds = self->dataset;
  g_autofree char *shape = nn_shape_to_string (&ds->input_shape);
  g_autofree char *summary = NULL;
  g_autoptr (GtkStringList) classes = gtk_string_list_new (NULL);
  gboolean own_test = ds->n_train < ds->n_samples;

  if (ds->task == NN_TASK_CLASSIFY)
    summary = g_strdup_printf (_ ("%'d samples of %s in %d classes · %s"), ds->n_samples, shape,
                               ds->n_classes, ds->source);
  else
    summary = g_strdup_printf (_ ("%'d samples of %s, predicting %d values · %s"), ds->n_samples,
                               shape, ds->target_size, ds->source);
  gtk_label_set_text (self->title_label, ds->name);
  gtk_label_set_text (self->summary_label, summary);

  gtk_string_list_append (classes, _ ("All Classes"));
  for (int i = 0; ds->task == NN_TASK_CLASSIFY && i < ds->n_classes; i++)
    gtk_string_list_append (classes, ds->class_names[i]);
  gtk_drop_down_set_model (self->class_filter, G_LIST_MODEL (classes));
  gtk_drop_down_set_selected (self->class_filter, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->class_filter), ds->task == NN_TASK_CLASSIFY);
  lab_sample_gallery_set_dataset (self->gallery, ds);

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_row), !own_test);
  if (own_test)
    {
      g_autofree char *text = g_strdup_printf (_ ("Uses the dataset’s own %'d test samples"),
                                               ds->n_samples - ds->n_train);
      adw_action_row_set_subtitle (self->test_row, text);
    }
  else
    adw_action_row_set_subtitle (self->test_row, "");

  lab_data_page_show_quality (self);
  gtk_stack_set_visible_child_name (self->view_stack, "loaded");
}

static void
lab_data_page_mark_builtin (LabDataPage *self)
{
  for (guint i = 0; i < self->builtin_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->builtin_rows, i);
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
      const char *id = g_object_get_data (G_OBJECT (row), "spec");

      gtk_widget_set_visible (check,
                              self->dataset != NULL && g_str_equal (self->dataset->spec, id));
    }
}

static void
on_class_filter (GtkDropDown *dropdown, GParamSpec *pspec, LabDataPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  lab_sample_gallery_set_class (self->gallery,
                                selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1);
}

static void
show_error (LabDataPage *self, const char *heading, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog =
    adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_progress (double fraction, gpointer user_data)
{
  LoadJob *job = user_data;

  g_atomic_int_set (&job->progress, (int) (fraction * 1000));
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  nn_dataset *ds =
    nn_dataset_open (job->spec, &job->options, cancellable, load_progress, job, &error);

  /* Cleaning a big table takes a while too: off the main loop as well. */
  if (ds != NULL &&
      !nn_prep_apply ((const nn_prep_step *) job->steps->data, job->steps->len, ds, NULL, &error))
    g_clear_pointer (&ds, nn_dataset_free);
  if (ds == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ds, (GDestroyNotify) nn_dataset_free);
}

static gboolean
poll_progress (gpointer user_data)
{
  LabDataPage *self = user_data;
  GTask *task = g_object_get_data (G_OBJECT (self), "load-task");
  LoadJob *job = task != NULL ? g_task_get_task_data (task) : NULL;

  if (job != NULL)
    gtk_progress_bar_set_fraction (self->loading_progress,
                                   g_atomic_int_get (&job->progress) / 1000.0);
  else
    gtk_progress_bar_pulse (self->loading_progress);
  return G_SOURCE_CONTINUE;
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LabDataPage *self = LAB_DATA_PAGE (source);
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = g_task_propagate_pointer (G_TASK (result), &error);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  LoadJob *job = g_task_get_task_data (G_TASK (result));

  /* A load that was replaced by a newer one only cleans up after itself. */
  if (cancellable != self->loading)
    {
      g_clear_pointer (&ds, nn_dataset_free);
      return;
    }
  g_clear_object (&self->loading);
  g_object_set_data (G_OBJECT (self), "load-task", NULL);
  g_clear_handle_id (&self->progress_source, g_source_remove);

  if (ds == NULL)
    {
      gtk_stack_set_visible_child_name (self->view_stack,
                                        self->dataset != NULL ? "loaded" : "empty");
      if (!g_error_matches (error, NN_ERROR, NN_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _ ("Could Not Load the Data"), error->message);
      lab_data_page_update_sensitivity (self);
      return;
    }

  lab_sample_gallery_set_dataset (self->gallery, NULL);
  g_clear_pointer (&self->dataset, nn_dataset_free);
  self->dataset = ds;
  g_array_set_size (self->preparation, 0);
  g_array_append_vals (self->preparation, job->steps->data, job->steps->len);
  lab_data_page_show_dataset (self);
  lab_data_page_mark_builtin (self);
  lab_data_page_update_sensitivity (self);
  g_signal_emit (self, signals[DATASET_CHANGED], 0);
}

void
lab_data_page_load_spec (LabDataPage *self, const char *spec)
{
  lab_data_page_load_spec_prepared (self, spec, NULL, 0);
}

void
lab_data_page_load_spec_prepared (LabDataPage *self, const char *spec, const nn_prep_step *steps,
                                  guint n)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *loading = NULL;
  LoadJob *job;

  g_return_if_fail (LAB_IS_DATA_PAGE (self));
  if (self->locked)
    {
      adw_toast_overlay_add_toast (self->toasts,
                                   adw_toast_new (_ ("Stop training to change the data")));
      return;
    }
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();

  job = g_new0 (LoadJob, 1);
  job->spec = g_strdup (spec);
  job->steps = g_array_sized_new (FALSE, FALSE, sizeof (nn_prep_step), n);
  g_array_append_vals (job->steps, steps, n);
  task = g_task_new (self, self->loading, load_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_set_source_tag (task, lab_data_page_load_spec);
  g_object_set_data_full (G_OBJECT (self), "load-task", g_object_ref (task), g_object_unref);

  loading = g_strdup_printf (_ ("Loading %s…"), spec);
  gtk_label_set_text (self->loading_label, loading);
  gtk_progress_bar_set_fraction (self->loading_progress, 0);
  gtk_stack_set_visible_child_name (self->view_stack, "loading");
  if (self->progress_source == 0)
    self->progress_source = g_timeout_add (100, poll_progress, self);
  lab_data_page_update_sensitivity (self);
  g_task_run_in_thread (task, load_thread);
}

char *
lab_data_page_spec_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      /* A folder of class folders holding PNGs is an image set; else text. */
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *sub = g_build_filename (path, name, NULL);
          g_autoptr (GDir) inner = g_dir_open (sub, 0, NULL);
          const char *file;

          while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
            {
              g_autofree char *file_lower = g_ascii_strdown (file, -1);
              if (g_str_has_suffix (file_lower, ".png"))
                return g_strconcat ("images:", path, NULL);
            }
        }
      return g_strconcat ("text:", path, NULL);
    }
  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".tsv") ||
      g_str_has_suffix (lower, ".tab"))
    return g_strconcat ("csv:", path, NULL);
  if (strstr (lower, "idx") != NULL || strstr (lower, "-ubyte") != NULL)
    return g_strconcat ("idx:", path, NULL);
  return g_strconcat ("text:", path, NULL);
}

void
lab_data_page_open_file (LabDataPage *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *spec = NULL;

  g_return_if_fail (LAB_IS_DATA_PAGE (self));
  if (path == NULL)
    {
      show_error (self, _ ("Could Not Load the Data"),
                  _ ("Only files on this computer can be opened."));
      return;
    }
  spec = lab_data_page_spec_for_path (path);
  lab_data_page_load_spec (self, spec);
}

static void
open_chosen (GtkWidget *owner, GFile *file)
{
  lab_data_page_open_file (LAB_DATA_PAGE (owner), file);
}

static void
action_open_file (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GtkFileFilter) data = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileFilter *filters[] = { data, all, NULL };
  static const char *const patterns[] = { "*.csv", "*.tsv",   "*.tab", "*.txt",
                                          "*.gz",  "*-ubyte", "*.idx*" };

  gtk_file_filter_set_name (data, _ ("Tables, IDX and text"));
  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (data, patterns[i]);
  gtk_file_filter_set_name (all, _ ("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  lab_file_chooser_open (GTK_WIDGET (user_data), _ ("Open Data File"), FALSE, filters, open_chosen);
}

static void
action_open_folder (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  lab_file_chooser_open (GTK_WIDGET (user_data), _ ("Open Data Folder"), TRUE, NULL, open_chosen);
}

static void
action_use_builtin (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  lab_data_page_load_spec (LAB_DATA_PAGE (user_data), g_variant_get_string (parameter, NULL));
}

static void
action_cancel (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabDataPage *self = LAB_DATA_PAGE (user_data);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
}

static void
after_cleaning (LabDataPage *self, char *sentence)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (sentence));
  g_free (sentence);
  lab_sample_gallery_set_dataset (self->gallery, self->dataset);
  lab_data_page_show_dataset (self);
  lab_data_page_update_sensitivity (self);
  g_signal_emit (self, signals[DATASET_CHANGED], 0);
}

static void
action_impute (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabDataPage *self = LAB_DATA_PAGE (user_data);
  const char *how = g_variant_get_string (parameter, NULL);
  nn_impute method = NN_IMPUTE_MEAN;

  if (g_str_equal (how, "median"))
    method = NN_IMPUTE_MEDIAN;
  else if (g_str_equal (how, "most-frequent"))
    method = NN_IMPUTE_MOST_FREQUENT;
  else if (g_str_equal (how, "drop"))
    method = NN_IMPUTE_DROP;
  lab_sample_gallery_set_dataset (self->gallery, NULL);
  g_array_append_val (self->preparation, ((nn_prep_step){ NN_PREP_IMPUTE, method }));
  after_cleaning (self, nn_dataset_impute (self->dataset, method));
}

static void
action_drop_duplicates (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LabDataPage *self = LAB_DATA_PAGE (user_data);

  lab_sample_gallery_set_dataset (self->gallery, NULL);
  g_array_append_val (self->preparation, ((nn_prep_step){ NN_PREP_DROP_DUPLICATES, 0 }));
  after_cleaning (self, nn_dataset_drop_duplicates (self->dataset));
}

static const GActionEntry page_actions[] = {
  { "open-file", action_open_file },          { "open-folder", action_open_folder },
  { "use-builtin", action_use_builtin, "s" }, { "cancel", action_cancel },
  { "impute", action_impute, "s" },           { "drop-duplicates", action_drop_duplicates },
};

static void
lab_data_page_add_builtin_rows (LabDataPage *self)
{
  int n = 0;
  const nn_builtin_dataset *sets = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *why = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
      gboolean available = sets[i].available (&why);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (sets[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), available ? _ (sets[i].description) : why);
      gtk_widget_set_visible (check, FALSE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
      g_object_set_data (G_OBJECT (row), "check", check);
      g_object_set_data_full (G_OBJECT (row), "spec", g_strdup (sets[i].id), g_free);
      if (available)
        {
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "data.use-builtin");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", sets[i].id);
        }
      else
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
          gtk_widget_set_tooltip_text (icon, why);
          gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Not installed"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
          gtk_widget_add_css_class (row, "dim-label");
        }
      gtk_widget_set_name (row, sets[i].id);
      adw_preferences_group_add (self->builtin_group, row);
      g_ptr_array_add (self->builtin_rows, row);
    }
}

static void
lab_data_page_dispose (GObject *object)
{
  LabDataPage *self = LAB_DATA_PAGE (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_object_set_data (object, "load-task", NULL);
  if (self->gallery != NULL)
    lab_sample_gallery_set_dataset (self->gallery, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATA_PAGE);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (lab_data_page_parent_class)->dispose (object);
}

static void
lab_data_page_finalize (GObject *object)
{
  LabDataPage *self = LAB_DATA_PAGE (object);

  g_clear_pointer (&self->dataset, nn_dataset_free);
  g_array_unref (self->preparation);
  g_ptr_array_unref (self->builtin_rows);
  g_ptr_array_unref (self->warning_rows);
  G_OBJECT_CLASS (lab_data_page_parent_class)->finalize (object);
}

static void
lab_data_page_class_init (LabDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_data_page_dispose;
  object_class->finalize = lab_data_page_finalize;

  /* The page has a new dataset, or its dataset was cleaned. */
  signals[DATASET_CHANGED] = g_signal_new ("dataset-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (LAB_TYPE_CLASS_BALANCE);
  g_type_ensure (LAB_TYPE_SAMPLE_GALLERY);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerlab/Layerlab/ui/lab-data-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, LabDataPage, name)
  BIND (toasts);
  BIND (builtin_group);
  BIND (split_group);
  BIND (test_row);
  BIND (val_adjustment);
  BIND (test_adjustment);
  BIND (quality_group);
  BIND (missing_row);
  BIND (duplicates_row);
  BIND (conflicts_row);
  BIND (constant_row);
  BIND (warnings_row);
  BIND (balance_group);
  BIND (balance);
  BIND (view_stack);
  BIND (loading_label);
  BIND (loading_progress);
  BIND (title_label);
  BIND (summary_label);
  BIND (class_filter);
  BIND (gallery);
#undef BIND
}

static void
lab_data_page_init (LabDataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->builtin_rows = g_ptr_array_new ();
  self->warning_rows = g_ptr_array_new ();
  self->preparation = g_array_new (FALSE, FALSE, sizeof (nn_prep_step));
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions,
                                   G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "data", G_ACTION_GROUP (self->actions));
  g_signal_connect (self->class_filter, "notify::selected", G_CALLBACK (on_class_filter), self);
  lab_data_page_add_builtin_rows (self);
  lab_data_page_update_sensitivity (self);
}

GtkWidget *
lab_data_page_new (void)
{
  return g_object_new (LAB_TYPE_DATA_PAGE, NULL);
}

nn_dataset *
lab_data_page_get_dataset (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);
  return self->dataset;
}

GArray *
lab_data_page_get_preparation (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);
  return self->preparation;
}

double
lab_data_page_get_val_fraction (LabDataPage *self)
{
  return gtk_adjustment_get_value (self->val_adjustment) / 100.0;
}

double
lab_data_page_get_test_fraction (LabDataPage *self)
{
  return gtk_adjustment_get_value (self->test_adjustment) / 100.0;
}

void
lab_data_page_set_locked (LabDataPage *self, gboolean locked)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));
  self->locked = locked;
  lab_data_page_update_sensitivity (self);
}
