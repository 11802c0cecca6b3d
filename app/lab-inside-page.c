/* lab-inside-page.c — see lab-inside-page.h. The page's widgets, which
 * views a run has (the sidebar's rows are in lab-inside-pages.c), when to
 * recompute and the export; the computations run on a worker in
 * lab-inside-compute.c. The page's state for one run (its
 * model, its copy of the samples) is an Inspector shared, reference
 * counted, with the job computing on it; only one job runs at a time, so
 * the model is never used by two threads at once. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "error.h"
#include "lab-draw-pad.h"
#include "lab-file-chooser.h"
#include "lab-inside-page-private.h"
#include "lab-inside-page.h"
#include "lab-inside-pages.h"
#include "lab-inside-viewer.h"

/* Weight snapshots recompute the visible view at most this often (unless
 * its page asks for longer). */
#define MIN_INTERVAL_US (G_USEC_PER_SEC / 2)
/* Samples copied for the views: the whole test part (Fashion-MNIST has
 * 10,000) and, for the decision boundary, this many training points. */
#define MAX_TEST      10000
#define MAX_POINTS    1000
#define COMPILE_BATCH 64

/* ---- the page ---------------------------------------------------------- */

struct _LabInsidePage
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkStack *state_stack;
  GtkListBox *sidebar;
  GtkLabel *title_label;
  GtkLabel *hint_label;
  GtkWidget *sample_box;
  GtkSpinButton *sample_spin;
  GtkLabel *count_label;
  GtkButton *random_button;
  GtkWidget *show_all_button;
  GtkWidget *export_button;
  GtkLabel *status_label;
  GtkStack *view_stack;

  /* built here */
  LabInsideViewer *viewers[N_PAGES][2];
  LabDrawPad *pad;
  GtkLabel *prediction_label;

  /* owned */
  Inspector *insp;
  float *weights; /* the latest snapshot, not yet sent to a job */
  GCancellable *cancellable;
  guint generation; /* bumped by every run, so old jobs' results are dropped */
  gboolean stale[N_PAGES];
  gboolean urgent; /* the user asked: no waiting for the interval */
  gboolean busy;
  gboolean done; /* the run has finished */
  gint64 last_start;
  gint64 last_duration; /* of the last job, in µs */
  guint timeout_id;
  Page current;
  int cell_true, cell_predicted;
};

G_DEFINE_FINAL_TYPE (LabInsidePage, lab_inside_page, GTK_TYPE_WIDGET)

static void schedule (LabInsidePage *self);

static void
mark_stale (LabInsidePage *self, Page page, gboolean urgent)
{
  self->stale[page] = TRUE;
  self->urgent = self->urgent || (urgent && page == self->current);
  schedule (self);
}

static void
update_status (LabInsidePage *self)
{
  const char *text;

  if (self->insp == NULL)
    text = "";
  else if (self->done)
    text = _ ("The trained model");
  else
    text = _ ("Following the training live");
  gtk_label_set_text (self->status_label, text);
}

static void
show_prediction (LabInsidePage *self, const nn_activations *a)
{
  g_autofree char *text = NULL;

  if (lab_draw_pad_is_empty (self->pad))
    text = g_strdup (_ ("Draw something to see what the model makes of it"));
  else if (a == NULL)
    text = g_strdup ("");
  else if (a->n_classes > 0 && a->predicted >= 0 && a->predicted < a->n_classes)
    /* Translators: a class name and the model's confidence in it. */
    text = g_strdup_printf (_ ("Looks like: %s (%.0f %%)"), a->class_names[a->predicted],
                            100.0 * a->probs[a->predicted]);
  else
    text = g_strdup_printf (_ ("Output: %.4g"), a->nodes[a->n_nodes - 1].values[0]);
  gtk_label_set_text (self->prediction_label, text);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (source);
  InsideJob *job = g_task_get_task_data (G_TASK (result));

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self->busy = FALSE;
  self->last_duration = g_get_monotonic_time () - self->last_start;
  /* A run that was replaced while this job computed. */
  if (job->generation == self->generation && self->insp != NULL)
    {
      for (int k = 0; k < lab_inside_pages[job->page].n_views; k++)
        {
          LabInsideViewer *viewer = self->viewers[job->page][k];

          if (job->data[k] != NULL)
            lab_inside_viewer_set_data (viewer, g_steal_pointer (&job->data[k]), job->free_func[k],
                                        self->insp->ds);
          else
            lab_inside_viewer_set_message (viewer, job->message[k]);
        }
      if (job->page == PAGE_DRAW)
        show_prediction (self, lab_inside_viewer_get_data (self->viewers[PAGE_DRAW][0]));
    }
  schedule (self);
}

static void
start_job (LabInsidePage *self)
{
  g_autoptr (GTask) task = NULL;
  InsideJob *job = g_new0 (InsideJob, 1);

  job->insp = g_atomic_rc_box_acquire (self->insp);
  job->page = self->current;
  job->generation = self->generation;
  job->sample = MIN (gtk_spin_button_get_value_as_int (self->sample_spin), self->insp->n_test - 1);
  job->cell_true = self->cell_true;
  job->cell_predicted = self->cell_predicted;
  job->weights = g_steal_pointer (&self->weights);
  if (self->current == PAGE_DRAW && self->insp->drawing >= 0)
    {
      const nn_shape *s = &self->insp->ds->input_shape;

      job->drawing = g_new (float, nn_shape_size (s));
      lab_draw_pad_get_image (self->pad, s->dim[2], s->dim[1], s->dim[0], job->drawing);
    }

  /* Said only where nothing is shown yet: views being refreshed keep their
   * last picture instead of flickering. */
  for (int k = 0; k < lab_inside_pages[self->current].n_views; k++)
    if (lab_inside_viewer_get_data (self->viewers[self->current][k]) == NULL)
      lab_inside_viewer_set_message (self->viewers[self->current][k], _ ("Computing…"));

  self->stale[self->current] = FALSE;
  self->urgent = FALSE;
  self->busy = TRUE;
  self->last_start = g_get_monotonic_time ();

  task = g_task_new (self, self->cancellable, on_job_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) _lab_inside_job_free);
  g_task_run_in_thread (task, _lab_inside_job_thread);
}

static void
on_interval (gpointer user_data)
{
  LabInsidePage *self = user_data;

  self->timeout_id = 0;
  schedule (self);
}

/* Starts the visible view's job when it needs one: at once when the user
 * asked for it, else no sooner than MIN_INTERVAL_US after the last. */
static void
schedule (LabInsidePage *self)
{
  gint64 wait, interval;

  if (self->insp == NULL || self->busy || !self->stale[self->current] ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (self->timeout_id != 0)
    {
      if (!self->urgent)
        return;
      g_clear_handle_id (&self->timeout_id, g_source_remove);
    }
  if (self->current == PAGE_DRAW && self->insp->drawing < 0)
    {
      self->stale[PAGE_DRAW] = FALSE;
      lab_inside_viewer_set_message (
        self->viewers[PAGE_DRAW][0],
        _ ("Drawing needs a model of images; this dataset holds no images."));
      return;
    }
  /* A heavy view (a confusion matrix over 10,000 samples) rests twice as
   * long as it computed, so it takes at most a third of the machine from
   * the training it watches. */
  interval = lab_inside_pages[self->current].interval;
  wait = self->last_start +
         MAX (interval > 0 ? interval : MIN_INTERVAL_US, 3 * self->last_duration) -
         g_get_monotonic_time ();
  if (!self->urgent && wait > 0)
    {
      self->timeout_id = g_timeout_add_once ((guint) (wait / 1000) + 1, on_interval, self);
      return;
    }
  start_job (self);
}

static void
show_page (LabInsidePage *self, Page page)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, page);

  self->current = page;
  if (gtk_list_box_get_selected_row (self->sidebar) != row)
    gtk_list_box_select_row (self->sidebar, row);
  gtk_stack_set_visible_child_name (self->view_stack, lab_inside_pages[page].id);
  gtk_label_set_text (self->title_label, _ (lab_inside_pages[page].title));
  gtk_widget_set_visible (self->sample_box, lab_inside_pages[page].sample);
  gtk_widget_set_visible (self->show_all_button, page == PAGE_MISTAKES && self->cell_true >= 0);
  if (page == PAGE_MISTAKES && self->cell_true >= 0 && self->insp != NULL)
    {
      char **names = self->insp->ds->class_names;
      g_autofree char *hint = g_strdup_printf (
        _ ("The test samples of class %s that the model took for %s, most confident first."),
        names[self->cell_true], names[self->cell_predicted]);
      gtk_label_set_text (self->hint_label, hint);
    }
  else
    gtk_label_set_text (self->hint_label, _ (lab_inside_pages[page].hint));
  self->urgent = TRUE;
  schedule (self);
}

static void
on_row_selected (GtkListBox *box, GtkListBoxRow *row, LabInsidePage *self)
{
  if (row != NULL && gtk_list_box_row_get_index (row) != (int) self->current)
    show_page (self, gtk_list_box_row_get_index (row));
}

static void
on_sample_changed (GtkSpinButton *spin, LabInsidePage *self)
{
  mark_stale (self, PAGE_ACTIVATIONS, TRUE);
  mark_stale (self, PAGE_SALIENCY, TRUE);
}

static void
on_random (GtkButton *button, LabInsidePage *self)
{
  if (self->insp != NULL && self->insp->n_test > 1)
    gtk_spin_button_set_value (self->sample_spin, g_random_int_range (0, self->insp->n_test));
}

static void
on_cell_activated (LabInsideViewer *viewer, int true_class, int predicted, LabInsidePage *self)
{
  self->cell_true = true_class;
  self->cell_predicted = predicted;
  lab_inside_viewer_set_data (self->viewers[PAGE_MISTAKES][0], NULL, NULL, NULL);
  self->stale[PAGE_MISTAKES] = TRUE;
  show_page (self, PAGE_MISTAKES);
}

static void
on_show_all (GtkButton *button, LabInsidePage *self)
{
  self->cell_true = self->cell_predicted = -1;
  lab_inside_viewer_set_data (self->viewers[PAGE_MISTAKES][0], NULL, NULL, NULL);
  self->stale[PAGE_MISTAKES] = TRUE;
  show_page (self, PAGE_MISTAKES);
}

/* A mistake's card: look inside that sample. The copy's first samples are
 * the test part in order, so its index is its place there. */
static void
on_sample_activated (LabInsideViewer *viewer, int sample, LabInsidePage *self)
{
  gtk_spin_button_set_value (self->sample_spin, sample);
  show_page (self, PAGE_ACTIVATIONS);
}

static void
on_pad_changed (LabDrawPad *pad, LabInsidePage *self)
{
  if (lab_draw_pad_is_empty (pad))
    show_prediction (self, NULL);
  mark_stale (self, PAGE_DRAW, TRUE);
}

static void
on_clear (GtkButton *button, LabInsidePage *self)
{
  lab_draw_pad_clear (self->pad);
}

/* ---- export ------------------------------------------------------------ */

/* The page's views one above the other, in the window's colours. */
static gboolean
export_png (LabInsidePage *self, const char *path, GError **error)
{
  LabInsideViewer *first = self->viewers[self->current][0];
  int width = MAX (800, gtk_widget_get_width (GTK_WIDGET (first)));
  int heights[2] = { 0, 0 }, total = 0;
  cairo_surface_t *surface;
  cairo_status_t status;
  LabInsideStyle style;
  cairo_t *cr;

  lab_inside_viewer_get_style (first, &style);
  for (int k = 0; k < lab_inside_pages[self->current].n_views; k++)
    {
      LabInsideViewer *viewer = self->viewers[self->current][k];
      gconstpointer data = lab_inside_viewer_get_data (viewer);

      if (data != NULL)
        heights[k] = lab_inside_measure (lab_inside_viewer_get_view (viewer), data, self->insp->ds,
                                         width, &style);
      total += heights[k];
    }
  if (total <= 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("This view has nothing to export yet."));
      return FALSE;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, total);
  cr = cairo_create (surface);
  cairo_set_source_rgba (cr, style.background.r, style.background.g, style.background.b, 1);
  cairo_paint (cr);
  for (int k = 0; k < lab_inside_pages[self->current].n_views; k++)
    {
      LabInsideViewer *viewer = self->viewers[self->current][k];

      if (heights[k] == 0)
        continue;
      lab_inside_paint (cr, lab_inside_viewer_get_view (viewer),
                        lab_inside_viewer_get_data (viewer), self->insp->ds, width, heights[k],
                        &style);
      cairo_translate (cr, 0, heights[k]);
    }
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not write “%s”: %s"), name,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
on_export_chosen (GtkWidget *owner, GFile *file)
{
  g_autoptr (GError) error = NULL;

  if (!lab_inside_page_export (LAB_INSIDE_PAGE (owner), file, &error))
    {
      GtkRoot *root = gtk_widget_get_root (owner);
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _ ("Could Not Export the View"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
on_export (GtkButton *button, LabInsidePage *self)
{
  g_autofree char *name = g_strdup_printf ("%s.png", lab_inside_pages[self->current].id);

  lab_file_chooser_save (GTK_WIDGET (self), _ ("Export View as PNG"), name, on_export_chosen);
}

/* ---- building ---------------------------------------------------------- */

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *window = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (window), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (window), child);
  gtk_widget_set_vexpand (window, TRUE);
  gtk_widget_set_hexpand (window, TRUE);
  return window;
}

static GtkWidget *
build_draw_page (LabInsidePage *self, GtkWidget *viewer)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *caption, *clear;

  gtk_widget_set_margin_start (left, 18);
  gtk_widget_set_margin_top (left, 12);
  gtk_widget_set_margin_bottom (left, 12);
  self->pad = LAB_DRAW_PAD (lab_draw_pad_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->pad), 292, 292);
  gtk_box_append (GTK_BOX (left), GTK_WIDGET (self->pad));
  caption = gtk_label_new (
    _ ("White strokes on black, like the dataset’s images. Drag with the right button to erase."));
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 36);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (left), caption);
  clear = gtk_button_new_with_mnemonic (_ ("_Clear"));
  gtk_widget_set_halign (clear, GTK_ALIGN_START);
  g_signal_connect (clear, "clicked", G_CALLBACK (on_clear), self);
  gtk_box_append (GTK_BOX (left), clear);

  self->prediction_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->prediction_label, 0);
  gtk_label_set_wrap (self->prediction_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->prediction_label), "title-2");
  gtk_widget_set_margin_top (GTK_WIDGET (self->prediction_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->prediction_label), 18);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->prediction_label));
  gtk_box_append (GTK_BOX (right), scrolled (viewer));
  gtk_widget_set_hexpand (right, TRUE);

  gtk_box_append (GTK_BOX (box), left);
  gtk_box_append (GTK_BOX (box), right);
  g_signal_connect (self->pad, "changed", G_CALLBACK (on_pad_changed), self);
  return box;
}

static void
build_views (LabInsidePage *self)
{
  for (int p = 0; p < N_PAGES; p++)
    {
      GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = gtk_label_new (_ (lab_inside_pages[p].title));
      GtkWidget *content;

      gtk_box_append (GTK_BOX (row_box), gtk_image_new_from_icon_name (lab_inside_pages[p].icon));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (row_box), label);
      gtk_list_box_append (self->sidebar, row_box);

      for (int k = 0; k < lab_inside_pages[p].n_views; k++)
        {
          GtkWidget *viewer = lab_inside_viewer_new (lab_inside_pages[p].views[k]);

          self->viewers[p][k] = LAB_INSIDE_VIEWER (viewer);
          gtk_widget_set_name (viewer, lab_inside_pages[p].id);
          gtk_accessible_update_property (GTK_ACCESSIBLE (viewer), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ (lab_inside_pages[p].title), -1);
        }
      if (p == PAGE_DRAW)
        content = build_draw_page (self, GTK_WIDGET (self->viewers[p][0]));
      else
        {
          GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

          for (int k = 0; k < lab_inside_pages[p].n_views; k++)
            gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->viewers[p][k]));
          gtk_widget_set_margin_start (column, 18);
          gtk_widget_set_margin_end (column, 18);
          gtk_widget_set_margin_top (column, 12);
          gtk_widget_set_margin_bottom (column, 18);
          content = scrolled (column);
        }
      gtk_stack_add_named (self->view_stack, content, lab_inside_pages[p].id);
    }
  g_signal_connect (self->viewers[PAGE_CONFUSION][0], "cell-activated",
                    G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->viewers[PAGE_MISTAKES][0], "sample-activated",
                    G_CALLBACK (on_sample_activated), self);
}

/* ---- object ------------------------------------------------------------ */

static void
lab_inside_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (lab_inside_page_parent_class)->map (widget);
  LAB_INSIDE_PAGE (widget)->urgent = TRUE;
  schedule (LAB_INSIDE_PAGE (widget));
}

static void
forget_run (LabInsidePage *self)
{
  /* The viewers borrow the copy of the data: let go of it first. */
  for (int p = 0; p < N_PAGES; p++)
    for (int k = 0; k < lab_inside_pages[p].n_views; k++)
      if (self->viewers[p][k] != NULL)
        lab_inside_viewer_set_data (self->viewers[p][k], NULL, NULL, NULL);
  g_clear_pointer (&self->insp, _lab_inside_inspector_unref);
  g_clear_pointer (&self->weights, g_free);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->generation++;
}

static void
lab_inside_page_dispose (GObject *object)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  forget_run (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_INSIDE_PAGE);
  memset (self->viewers, 0, sizeof self->viewers);
  G_OBJECT_CLASS (lab_inside_page_parent_class)->dispose (object);
}

static void
lab_inside_page_finalize (GObject *object)
{
  LabInsidePage *self = LAB_INSIDE_PAGE (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (lab_inside_page_parent_class)->finalize (object);
}

static void
lab_inside_page_class_init (LabInsidePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_inside_page_dispose;
  object_class->finalize = lab_inside_page_finalize;
  widget_class->map = lab_inside_page_map;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/layerlab/Layerlab/ui/lab-inside-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, sample_box);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, sample_spin);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, random_button);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, export_button);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabInsidePage, view_stack);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
lab_inside_page_init (LabInsidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->cell_true = self->cell_predicted = -1;
  build_views (self);
  g_signal_connect (self->sidebar, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->sample_spin, "value-changed", G_CALLBACK (on_sample_changed), self);
  g_signal_connect (self->random_button, "clicked", G_CALLBACK (on_random), self);
  g_signal_connect (self->show_all_button, "clicked", G_CALLBACK (on_show_all), self);
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (on_export), self);
  show_page (self, PAGE_ACTIVATIONS);
  show_prediction (self, NULL);
}

GtkWidget *
lab_inside_page_new (void)
{
  return g_object_new (LAB_TYPE_INSIDE_PAGE, NULL);
}

/* Only the views that apply to the run show in the sidebar; the visible
 * one moves to the run's own view (reconstructions, samples) or, when it
 * does not apply, the first that does. */
static void
show_pages_for (LabInsidePage *self, nn_train_mode mode)
{
  Page first = N_PAGES;

  for (int p = 0; p < N_PAGES; p++)
    {
      gboolean applies = (lab_inside_pages[p].modes & (1u << mode)) != 0;

      gtk_widget_set_visible (GTK_WIDGET (gtk_list_box_get_row_at_index (self->sidebar, p)),
                              applies);
      if (applies && first == N_PAGES)
        first = p;
    }
  if (mode == NN_MODE_AUTOENCODER)
    self->current = PAGE_RECONSTRUCTIONS;
  else if (mode == NN_MODE_GAN)
    self->current = PAGE_SAMPLES;
  else if (!(lab_inside_pages[self->current].modes & LAB_INSIDE_FOR_SUPERVISED))
    self->current = first;
}

gboolean
lab_inside_page_set_run (LabInsidePage *self, const nn_graph *graph, const nn_dataset *ds,
                         const nn_split *split, nn_loss_kind loss, nn_train_mode mode,
                         GError **error)
{
  g_autoptr (nn_model) model = NULL;
  g_autofree int *idx = NULL;
  gboolean plane, images;
  Inspector *insp;
  int n_test, n_points, n;

  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), FALSE);

  forget_run (self);
  self->done = FALSE;
  self->cell_true = self->cell_predicted = -1;
  gtk_stack_set_visible_child_name (self->state_stack, "empty");
  update_status (self);
  if (graph == NULL)
    return TRUE;

  model = nn_model_compile (graph, COMPILE_BATCH, 0, error);
  if (model == NULL)
    return FALSE;

  /* Looking inside happens on samples the model never trained on. */
  n_test = MIN (split->n_test > 0 ? split->n_test : split->n_val, MAX_TEST);
  plane = ds->store == NN_STORE_F32 && nn_dataset_input_size (ds) == 2;
  n_points = plane ? MIN (split->n_train, MAX_POINTS) : 0;
  images = ds->store == NN_STORE_U8 && ds->input_shape.rank == 3;
  n = n_test + n_points;
  idx = g_new (int, MAX (n, 1));
  memcpy (idx, split->n_test > 0 ? split->test : split->val, sizeof (int) * n_test);
  memcpy (idx + n_test, split->train, sizeof (int) * n_points);

  insp = g_atomic_rc_box_new0 (Inspector);
  insp->model = g_steal_pointer (&model);
  insp->ds = _lab_inside_copy_samples (ds, idx, n, images ? 1 : 0);
  insp->n_test = n_test;
  insp->test = g_new (int, MAX (n_test, 1));
  for (int i = 0; i < n_test; i++)
    insp->test[i] = i;
  insp->n_points = n_points > 0 ? n_points : n_test;
  insp->points = g_new (int, MAX (insp->n_points, 1));
  for (int i = 0; i < insp->n_points; i++)
    insp->points[i] = n_points > 0 ? n_test + i : i;
  insp->drawing = images ? n : -1;
  insp->loss = loss;
  insp->mode = mode;
  self->insp = insp;
  show_pages_for (self, mode);

  /* Numbered from 0, as the views and the CLI number samples. */
  gtk_spin_button_set_range (self->sample_spin, 0, MAX (n_test - 1, 0));
  gtk_spin_button_set_value (self->sample_spin, 0);
  {
    g_autofree char *count =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d in all", "%d in all", n_test), n_test);
    gtk_label_set_text (self->count_label, count);
  }
  for (int p = 0; p < N_PAGES; p++)
    self->stale[p] = TRUE;
  gtk_stack_set_visible_child_name (self->state_stack, "views");
  update_status (self);
  show_page (self, self->current);
  return TRUE;
}

void
lab_inside_page_update_weights (LabInsidePage *self, const float *snapshot, gsize n)
{
  g_return_if_fail (LAB_IS_INSIDE_PAGE (self));

  /* A snapshot of another model (a run this page was not told of). */
  if (self->insp == NULL || snapshot == NULL || n != nn_model_snapshot_size (self->insp->model))
    return;
  g_free (self->weights);
  self->weights = g_memdup2 (snapshot, sizeof (float) * n);
  for (int p = 0; p < N_PAGES; p++)
    self->stale[p] = TRUE;
  schedule (self);
}

void
lab_inside_page_set_model_done (LabInsidePage *self, nn_model *trained)
{
  g_autofree float *weights = NULL;
  gsize n;

  g_return_if_fail (LAB_IS_INSIDE_PAGE (self));

  if (self->insp == NULL || trained == NULL)
    return;
  n = nn_model_snapshot_size (trained);
  weights = g_new (float, n);
  nn_model_copy_weights_to (trained, weights);
  lab_inside_page_update_weights (self, weights, n);
  self->done = TRUE;
  self->urgent = TRUE;
  update_status (self);
  schedule (self);
}

gboolean
lab_inside_page_show_view (LabInsidePage *self, const char *id)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), FALSE);

  for (int p = 0; p < N_PAGES; p++)
    if (g_strcmp0 (lab_inside_pages[p].id, id) == 0)
      {
        show_page (self, p);
        return TRUE;
      }
  return FALSE;
}

const char *
lab_inside_page_get_view (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), NULL);
  return lab_inside_pages[self->current].id;
}

gboolean
lab_inside_page_export (LabInsidePage *self, GFile *file, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->insp == NULL)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _ ("There is nothing to export yet: train a model first."));
      return FALSE;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO,
                           _ ("Images can only be saved to a local folder."));
      return FALSE;
    }
  return export_png (self, path, error);
}

gboolean
lab_inside_page_is_busy (LabInsidePage *self)
{
  g_return_val_if_fail (LAB_IS_INSIDE_PAGE (self), FALSE);
  return self->insp != NULL && (self->busy || self->stale[self->current]);
}
