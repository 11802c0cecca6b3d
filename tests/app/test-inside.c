/* test-inside.c — end to end: the Inside tab of the real window. Before a
 * run it invites one; after training on 2-D data (xor) and on small images
 * every view shows something, the picture of each is saved for people to
 * look at, a drawing on the pad gets a prediction, a confusion cell opens
 * its samples, and snapshots arrive while a run trains. An autoencoder's
 * run shows its reconstructions (and its latent space when it is 2-D), a
 * GAN's its samples, a character LSTM its states over time as a heat map,
 * and hovering names the value under the pointer. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "app-run.h"
#include "error.h"
#include "lab-data-page.h"
#include "lab-draw-pad.h"
#include "lab-inside-page.h"
#include "lab-inside-viewer.h"
#include "lab-window-private.h"
#include "templates.h"
#include "trainer.h"
#include "widget-png.h"

static void
train_to_the_end (GtkWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "stop"));
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
}

static LabInsidePage *
show_inside (GtkWindow *window)
{
  GtkWidget *inside = app_find_named (GTK_WIDGET (window), "inside");

  g_assert_true (LAB_IS_INSIDE_PAGE (inside));
  adw_view_stack_set_visible_child_name (
    ADW_VIEW_STACK (app_find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK)), "inside");
  g_assert_true (widget_png_wait_for_frame (inside, 5000));
  return LAB_INSIDE_PAGE (inside);
}

static void
wait_idle (LabInsidePage *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (lab_inside_page_is_busy (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (lab_inside_page_is_busy (page));
}

/* The visible viewer of a view: the one named after it that is mapped. */
static LabInsideViewer *
find_viewer (GtkWidget *root, const char *id)
{
  if (LAB_IS_INSIDE_VIEWER (root) && g_strcmp0 (gtk_widget_get_name (root), id) == 0 &&
      gtk_widget_get_mapped (root))
    return LAB_INSIDE_VIEWER (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      LabInsideViewer *found = find_viewer (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Share of the viewer's pixels that differ from its top-left one. */
static double
drawn_fraction (LabInsideViewer *viewer)
{
  g_autoptr (GdkTexture) texture = widget_png_render (GTK_WIDGET (viewer));
  g_autofree guint8 *pixels = NULL;
  int width, height, differ = 0;

  g_assert_nonnull (texture);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = widget_png_download (texture);
  for (int i = 0; i < width * height; i++)
    differ += ABS (pixels[i * 4] - pixels[0]) + ABS (pixels[i * 4 + 1] - pixels[1]) +
                ABS (pixels[i * 4 + 2] - pixels[2]) >
              24;
  return (double) differ / (width * height);
}

/* Export PNG writes an image at least 800 pixels wide. */
static void
check_export (LabInsidePage *page, const char *prefix, const char *id)
{
  g_autofree char *name = g_strdup_printf ("inside-export-%s-%s.png", prefix, id);
  g_autofree char *path = widget_png_output_path (name);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  g_assert_true (lab_inside_page_export (page, file, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), >=, 800);
  g_assert_cmpint (gdk_texture_get_height (texture), >, 50);
}

/* Shows view `id`, waits for it, saves the window and checks the view
 * drew something on more than min_drawn of its area. */
static void
check_view (GtkWindow *window, LabInsidePage *page, const char *prefix, const char *id,
            double min_drawn)
{
  g_autofree char *name = g_strdup_printf ("inside-%s-%s.png", prefix, id);
  LabInsideViewer *viewer;

  g_assert_true (lab_inside_page_show_view (page, id));
  g_assert_cmpstr (lab_inside_page_get_view (page), ==, id);
  wait_idle (page);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  viewer = find_viewer (GTK_WIDGET (page), id);
  g_assert_nonnull (viewer);
  g_assert_nonnull (lab_inside_viewer_get_data (viewer));
  app_screenshot (GTK_WIDGET (window), name);
  g_assert_cmpfloat (drawn_fraction (viewer), >, min_drawn);
  check_export (page, prefix, id);
}

static void
check_empty (GtkApplication *app, GtkWindow *window)
{
  LabInsidePage *page = show_inside (window);
  g_autoptr (GFile) file = g_file_new_for_path ("unused.png");
  g_autoptr (GError) error = NULL;

  g_assert_false (lab_inside_page_export (page, file, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);

  g_assert_false (lab_inside_page_is_busy (page));
  g_assert_nonnull (app_find_type (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE));
  g_assert_true (gtk_widget_get_mapped (app_find_type (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE)));
  app_screenshot (GTK_WIDGET (window), "inside-empty.png");
}

static void
test_empty (void)
{
  app_run (check_empty);
}

static void
check_xor (GtkApplication *app, GtkWindow *window)
{
  LabInsidePage *page;

  app_load_data (window, "xor");
  train_to_the_end (window);
  page = show_inside (window);
  check_view (window, page, "xor", "activations", 0.05);
  check_view (window, page, "xor", "confusion", 0.05);
  check_view (window, page, "xor", "misclassified", 0.001);
  check_view (window, page, "xor", "saliency", 0.05);
  check_view (window, page, "xor", "boundary", 0.2);
  /* A 2-D model has no image filters, but its weights still show. */
  g_assert_true (lab_inside_page_show_view (page, "filters"));
  wait_idle (page);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "inside-xor-filters.png");

  /* Clicking a confusion cell shows its samples in the gallery. */
  lab_inside_page_show_view (page, "confusion");
  wait_idle (page);
  g_signal_emit_by_name (find_viewer (GTK_WIDGET (page), "confusion"), "cell-activated", 0, 0);
  g_assert_cmpstr (lab_inside_page_get_view (page), ==, "misclassified");
  wait_idle (page);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  {
    const nn_mistakes *mk =
      lab_inside_viewer_get_data (find_viewer (GTK_WIDGET (page), "misclassified"));

    g_assert_nonnull (mk);
    g_assert_cmpint (mk->n_items, >, 0);
    for (int i = 0; i < mk->n_items; i++)
      {
        g_assert_cmpint (mk->items[i].true_class, ==, 0);
        g_assert_cmpint (mk->items[i].predicted, ==, 0);
      }
  }
  app_screenshot (GTK_WIDGET (window), "inside-xor-cell.png");

  /* Dark style: the views follow the theme. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  lab_inside_page_show_view (page, "activations");
  wait_idle (page);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "inside-xor-dark.png");
  g_assert_cmpfloat (drawn_fraction (find_viewer (GTK_WIDGET (page), "activations")), >, 0.05);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_xor (void)
{
  app_run (check_xor);
}

/* 300 images of 16×16 in three classes (a horizontal bar, a vertical bar,
 * a square), shifted about, as IDX files: small enough to train in
 * seconds, big enough for every image view. Returns the spec. */
static char *
make_images (const char *dir)
{
  enum
  {
    N = 300,
    S = 16
  };
  g_autoptr (GByteArray) images = g_byte_array_new ();
  g_autoptr (GByteArray) labels = g_byte_array_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  const guint8 image_head[] = { 0, 0, 8, 3, 0, 0, N >> 8, N & 255, 0, 0, 0, S, 0, 0, 0, S };
  const guint8 label_head[] = { 0, 0, 8, 1, 0, 0, N >> 8, N & 255 };
  g_autofree char *image_path = g_build_filename (dir, "images.idx", NULL);
  g_autofree char *label_path = g_build_filename (dir, "labels.idx", NULL);

  g_byte_array_append (images, image_head, sizeof image_head);
  g_byte_array_append (labels, label_head, sizeof label_head);
  for (int i = 0; i < N; i++)
    {
      guint8 pixels[S * S] = { 0 }, label = i % 3;
      int ox = g_rand_int_range (rand, 3, 13), oy = g_rand_int_range (rand, 3, 13);

      for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
          {
            gboolean on = label == 0   ? ABS (y - oy) <= 1 && x >= 2 && x < 14
                          : label == 1 ? ABS (x - ox) <= 1 && y >= 2 && y < 14
                                       : ABS (x - 8) <= 4 && ABS (y - 8) <= 4 &&
                                           (ABS (x - 8) == 4 || ABS (y - 8) == 4);
            pixels[y * S + x] = on ? 255 : g_rand_int_range (rand, 0, 30);
          }
      g_byte_array_append (images, pixels, sizeof pixels);
      g_byte_array_append (labels, &label, 1);
    }
  g_assert_true (g_file_set_contents (image_path, (char *) images->data, images->len, NULL));
  g_assert_true (g_file_set_contents (label_path, (char *) labels->data, labels->len, NULL));
  return g_strdup_printf ("idx:%s:%s", image_path, label_path);
}

static char *images_spec;

static void
stroke (LabDrawPad *pad, double x0, double y0, double x1, double y1)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (pad));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) drag = g_list_model_get_item (controllers, i);

      if (!GTK_IS_GESTURE_DRAG (drag) ||
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (drag)) != GDK_BUTTON_PRIMARY)
        continue;
      g_signal_emit_by_name (drag, "drag-begin", x0, y0);
      for (int s = 1; s <= 10; s++)
        g_signal_emit_by_name (drag, "drag-update", (x1 - x0) * s / 10, (y1 - y0) * s / 10);
      g_signal_emit_by_name (drag, "drag-end", x1 - x0, y1 - y0);
    }
}

static void
check_images (GtkApplication *app, GtkWindow *window)
{
  LabInsidePage *page;
  LabDrawPad *pad;
  const nn_activations *a;
  int w, h;

  app_load_data (window, images_spec);
  train_to_the_end (window);
  page = show_inside (window);
  check_view (window, page, "images", "activations", 0.05);
  check_view (window, page, "images", "filters", 0.05);
  check_view (window, page, "images", "confusion", 0.05);
  /* Easy shapes may leave no mistakes: then there is nothing to show. */
  check_view (window, page, "images", "misclassified", -1);
  check_view (window, page, "images", "saliency", 0.05);

  /* The bars the model got right, as thumbnails. */
  lab_inside_page_show_view (page, "confusion");
  wait_idle (page);
  g_signal_emit_by_name (find_viewer (GTK_WIDGET (page), "confusion"), "cell-activated", 1, 1);
  wait_idle (page);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "inside-images-cell.png");
  g_assert_cmpint (((const nn_mistakes *) lab_inside_viewer_get_data (
                      find_viewer (GTK_WIDGET (page), "misclassified")))
                     ->n_items,
                   >, 0);

  /* Data that is not 2-D says why there is no decision boundary. */
  lab_inside_page_show_view (page, "boundary");
  wait_idle (page);
  g_assert_null (lab_inside_viewer_get_data (find_viewer (GTK_WIDGET (page), "boundary")));

  /* A vertical bar drawn on the pad: the model answers. */
  lab_inside_page_show_view (page, "draw");
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  pad = LAB_DRAW_PAD (app_find_type (GTK_WIDGET (page), LAB_TYPE_DRAW_PAD));
  w = gtk_widget_get_width (GTK_WIDGET (pad));
  h = gtk_widget_get_height (GTK_WIDGET (pad));
  stroke (pad, w * 0.5, h * 0.15, w * 0.5, h * 0.85);
  g_assert_false (lab_draw_pad_is_empty (pad));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  wait_idle (page);
  a = lab_inside_viewer_get_data (find_viewer (GTK_WIDGET (page), "draw"));
  g_assert_nonnull (a);
  g_assert_cmpint (a->n_classes, ==, 3);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "inside-images-draw.png");
}

static void
test_images (void)
{
  g_autofree char *dir = g_dir_make_tmp ("layerlab-inside-XXXXXX", NULL);

  g_assert_nonnull (dir);
  images_spec = make_images (dir);
  app_run (check_images);
  g_clear_pointer (&images_spec, g_free);
}

/* While a run trains with the Inside tab open, the views follow it. */
static const nn_boundary *
live_boundary (LabInsidePage *page)
{
  LabInsideViewer *viewer = find_viewer (GTK_WIDGET (page), "boundary");

  return viewer != NULL ? lab_inside_viewer_get_data (viewer) : NULL;
}

static void
check_live (GtkApplication *app, GtkWindow *window)
{
  LabInsidePage *page;
  g_autofree float *first = NULL;
  gsize size = 0;
  gint64 deadline;
  gboolean moved = FALSE;

  app_load_data (window, "spiral");
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  /* Training shows the Training tab; come back. */
  page = show_inside (window);
  lab_inside_page_show_view (page, "boundary");
  /* Snapshots come with epoch events: the boundary appears, then moves. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (live_boundary (page) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (live_boundary (page));
  /* It came from a snapshot of the running model. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "stop"));
  size = (gsize) live_boundary (page)->width * live_boundary (page)->height *
         live_boundary (page)->n_classes;
  first = g_memdup2 (live_boundary (page)->probs, size * sizeof (float));
  while (!moved && g_get_monotonic_time () < deadline)
    {
      const nn_boundary *now;

      g_main_context_iteration (NULL, FALSE);
      now = live_boundary (page);
      moved = now != NULL && memcmp (now->probs, first, size * sizeof (float)) != 0;
    }
  /* Later snapshots, or the trained model when the run is quicker. */
  g_assert_true (moved);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "inside-live.png");
  g_action_group_activate_action (G_ACTION_GROUP (window), "stop", NULL);
  g_assert_true (app_wait_action (window, "stop", FALSE, 30000));
}

static void
test_live (void)
{
  app_run (check_live);
}

/* ---- runs of other kinds, given to the page directly ----------------- */

static nn_dataset *
open_data (const char *spec)
{
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = nn_dataset_open (spec, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

/* A short synchronous run on one core; limit > 0 trains on that many
 * samples per epoch. */
static nn_trainer *
train (const nn_graph *g, const nn_graph *disc, nn_dataset *ds, nn_train_mode mode,
       nn_loss_kind loss, int epochs, int limit)
{
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  nn_trainer *t;

  nn_trainer_config_init (&c);
  c.mode = mode;
  c.loss = loss;
  c.epochs = epochs;
  c.limit = limit;
  c.threads = 1;
  c.seed = 3;
  if (mode == NN_MODE_GAN)
    {
      c.lr = 0.0002;
      t = nn_trainer_new_gan (g, disc, ds, &c, &error);
    }
  else
    t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return t;
}

/* What a window does when a run starts and when it ends. */
static void
look_inside (LabInsidePage *page, const nn_graph *g, nn_dataset *ds, nn_trainer *t)
{
  g_autoptr (GError) error = NULL;
  const nn_trainer_config *c = nn_trainer_get_config (t);

  g_assert_true (
    lab_inside_page_set_run (page, g, ds, nn_trainer_get_split (t), c->loss, c->mode, &error));
  g_assert_no_error (error);
  lab_inside_page_set_model_done (page, nn_trainer_get_model (t));
}

/* Whether the sidebar shows the row of view `id`. */
static gboolean
row_visible (LabInsidePage *page, int index)
{
  GtkListBox *sidebar = GTK_LIST_BOX (app_find_type (GTK_WIDGET (page), GTK_TYPE_LIST_BOX));

  return gtk_widget_get_visible (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, index)));
}

/* Pixels of the viewer near colour rgb (within 40 in each channel). */
static int
count_colour (LabInsideViewer *viewer, int r, int g, int b)
{
  g_autoptr (GdkTexture) texture = widget_png_render (GTK_WIDGET (viewer));
  g_autofree guint8 *pixels = widget_png_download (texture);
  int n = gdk_texture_get_width (texture) * gdk_texture_get_height (texture), count = 0;

  for (int i = 0; i < n; i++)
    count += ABS (pixels[i * 4] - r) < 40 && ABS (pixels[i * 4 + 1] - g) < 40 &&
             ABS (pixels[i * 4 + 2] - b) < 40;
  return count;
}

/* A point over node `node` of the activations (over its heat map when
 * `sequence`), some way into it, and what is there. */
static gboolean
find_hit (LabInsideViewer *viewer, const nn_activations *a, int node, gboolean sequence, double *x,
          double *y, LabActivationHit *hit)
{
  int width = gtk_widget_get_width (GTK_WIDGET (viewer));
  int height = gtk_widget_get_height (GTK_WIDGET (viewer));
  LabInsideStyle style;
  int seen = 0;

  lab_inside_viewer_get_style (viewer, &style);
  for (double yy = 0; yy < height; yy += 3)
    for (double xx = 0; xx < width; xx += 5)
      if (lab_activations_hit (a, width, &style, xx, yy, hit) && hit->node == node &&
          (hit->step >= 0) == sequence && ++seen == 150)
        {
          *x = xx;
          *y = yy;
          return TRUE;
        }
  return FALSE;
}

/* The tooltip at the point names the layer and the value found there. */
static void
check_hover (LabInsideViewer *viewer, const nn_activations *a, int node, gboolean sequence,
             const char *must_say)
{
  LabActivationHit hit;
  double x, y;
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;

  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (viewer)));
  g_assert_true (find_hit (viewer, a, node, sequence, &x, &y, &hit));
  text = lab_inside_viewer_describe (viewer, x, y);
  g_test_message ("hover at %.0f, %.0f: %s", x, y, text);
  g_assert_nonnull (text);
  value = g_strdup_printf ("%.4g", hit.value);
  g_assert_nonnull (strstr (text, a->nodes[node].name));
  g_assert_nonnull (strstr (text, value));
  g_assert_nonnull (strstr (text, must_say));
  /* off the picture: nothing to say */
  g_assert_null (lab_inside_viewer_describe (viewer, 1, 1));
}

/* An autoencoder squeezed through 2 units: inputs beside reconstructions
 * and the latent space coloured by class. */
static void
check_autoencoder (GtkApplication *app, GtkWindow *window)
{
  g_autoptr (nn_dataset) ds = open_data (images_spec);
  g_autoptr (nn_graph) g = nn_template_build ("autoencoder", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  LabInsidePage *page = show_inside (window);
  const nn_reconstructions *r;
  const nn_activations *a;
  LabInsideViewer *viewer;

  g_assert_nonnull (g);
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      const nn_node *node = nn_graph_nth_node (g, i);

      if (g_str_equal (node->desc.ops->id, "dense") && node->desc.p[0] == 64)
        g_assert_true (nn_graph_set_param (g, node->id, "units", 2, &error));
    }
  g_assert_no_error (error);
  t = train (g, NULL, ds, NN_MODE_AUTOENCODER, NN_LOSS_MSE, 4, 0);
  look_inside (page, g, ds, t);

  /* the run's own view comes first; the classifier's views are hidden */
  g_assert_cmpstr (lab_inside_page_get_view (page), ==, "reconstructions");
  g_assert_true (row_visible (page, 1));
  g_assert_false (row_visible (page, 2)); /* samples */
  g_assert_false (row_visible (page, 4)); /* confusion */
  check_view (window, page, "autoencoder", "reconstructions", 0.1);
  viewer = find_viewer (GTK_WIDGET (page), "reconstructions");
  r = lab_inside_viewer_get_data (viewer);
  g_assert_cmpint (r->n, ==, MIN (24, nn_trainer_get_split (t)->n_test));
  g_assert_nonnull (r->latent);
  g_assert_cmpint (r->latent->dim, ==, 2);
  g_assert_cmpint (r->latent->n, ==, nn_trainer_get_split (t)->n_test);
  g_assert_cmpint (r->latent->n_classes, ==, 3);
  /* the latent map colours points by class: the first three class colours show */
  {
    LabInsideStyle style;

    lab_inside_viewer_get_style (viewer, &style);
    for (int k = 0; k < 3; k++)
      g_assert_cmpint (count_colour (viewer, style.classes[k].r * 255, style.classes[k].g * 255,
                                     style.classes[k].b * 255),
                       >, 20);
  }
  /* each pair is one sample, and its tooltip says which */
  {
    g_autofree char *text = NULL;
    g_autofree char *want = g_strdup_printf ("Sample %d", r->samples[0]);
    LabInsideStyle style;
    int width = gtk_widget_get_width (GTK_WIDGET (viewer));
    int found = -1;

    lab_inside_viewer_get_style (viewer, &style);
    for (double y = 0; y < 200 && found < 0; y += 2)
      found = lab_reconstructions_hit (r, width, &style, 40, y);
    g_assert_cmpint (found, ==, 0);
    for (double y = 0; y < 200 && text == NULL; y += 2)
      text = lab_inside_viewer_describe (viewer, 40, y);
    g_assert_nonnull (strstr (text, want));
  }

  /* the input picture, hovered: its pixel's value */
  check_view (window, page, "autoencoder", "activations", 0.05);
  viewer = find_viewer (GTK_WIDGET (page), "activations");
  a = lab_inside_viewer_get_data (viewer);
  check_hover (viewer, a, 0, FALSE, "row");
}

static void
test_autoencoder (void)
{
  g_autofree char *dir = g_dir_make_tmp ("layerlab-inside-XXXXXX", NULL);

  images_spec = make_images (dir);
  app_run (check_autoencoder);
  g_clear_pointer (&images_spec, g_free);
}

/* A character LSTM reading words: its state over time as a heat map with
 * the letters under it, blue and orange, and a tooltip per cell. */
static void
check_recurrent (GtkApplication *app, GtkWindow *window)
{
  g_autoptr (nn_dataset) ds = open_data ("words");
  g_autoptr (nn_graph) g = nn_template_build ("char-lstm", ds, NULL);
  g_autoptr (nn_trainer) t = train (g, NULL, ds, NN_MODE_SUPERVISED, NN_LOSS_CROSS_ENTROPY, 1, 300);
  LabInsidePage *page = show_inside (window);
  const nn_activations *a;
  LabInsideViewer *viewer;
  int lstm = -1;

  look_inside (page, g, ds, t);
  g_assert_cmpstr (lab_inside_page_get_view (page), ==, "activations");
  g_assert_false (row_visible (page, 1)); /* reconstructions */
  check_view (window, page, "lstm", "activations", 0.1);
  viewer = find_viewer (GTK_WIDGET (page), "activations");
  a = lab_inside_viewer_get_data (viewer);
  for (int k = 0; k < a->n_nodes; k++)
    if (g_str_equal (a->nodes[k].ops->id, "lstm"))
      lstm = k;
  g_assert_cmpint (lstm, >, 0);
  /* every step's state, the last being the layer's output */
  g_assert_nonnull (a->nodes[lstm].steps);
  g_assert_cmpint (a->nodes[lstm].n_steps, ==, ds->input_shape.dim[0]);
  for (int u = 0; u < a->nodes[lstm].shape.dim[0]; u++)
    g_assert_cmpfloat_with_epsilon (
      a->nodes[lstm].steps[(gsize) (a->nodes[lstm].n_steps - 1) * a->nodes[lstm].shape.dim[0] + u],
      a->nodes[lstm].values[u], 1e-4);
  g_assert_nonnull (a->tokens);
  /* the diverging map: both the blue and the orange end show */
  g_assert_cmpint (count_colour (viewer, 0x08, 0x77, 0xbd), >, 10);
  g_assert_cmpint (count_colour (viewer, 0xf5, 0x93, 0x22), >, 10);
  check_hover (viewer, a, lstm, TRUE, "step");
}

static void
test_recurrent (void)
{
  app_run (check_recurrent);
}

/* A GAN after one short epoch: a grid of its samples, the only view. */
static void
check_gan (GtkApplication *app, GtkWindow *window)
{
  g_autoptr (nn_dataset) ds = open_data (images_spec);
  g_autoptr (nn_graph) gen = NULL;
  g_autoptr (nn_graph) disc = NULL;
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  LabInsidePage *page = show_inside (window);
  const nn_samples *s;
  LabInsideViewer *viewer;

  g_assert_true (nn_template_build_gan ("gan", ds, &gen, &disc, &error));
  g_assert_no_error (error);
  t = train (gen, disc, ds, NN_MODE_GAN, NN_LOSS_BCE, 1, 0);
  look_inside (page, gen, ds, t);
  g_assert_cmpstr (lab_inside_page_get_view (page), ==, "samples");
  for (int p = 0; p < 9; p++)
    g_assert_true (row_visible (page, p) == (p == 2));
  check_view (window, page, "gan", "samples", 0.3);
  viewer = find_viewer (GTK_WIDGET (page), "samples");
  s = lab_inside_viewer_get_data (viewer);
  g_assert_cmpint (s->n, ==, 64);
  g_assert_cmpint (s->shape.dim[1], ==, 16);
  {
    g_autofree char *text = NULL;

    for (double y = 0; y < 200 && text == NULL; y += 2)
      text = lab_inside_viewer_describe (viewer, 30, y);
    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "of 64"));
  }
}

static void
test_gan (void)
{
  g_autofree char *dir = g_dir_make_tmp ("layerlab-inside-XXXXXX", NULL);

  images_spec = make_images (dir);
  app_run (check_gan);
  g_clear_pointer (&images_spec, g_free);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/inside/empty", test_empty);
  g_test_add_func ("/app/inside/xor", test_xor);
  g_test_add_func ("/app/inside/images", test_images);
  g_test_add_func ("/app/inside/live", test_live);
  g_test_add_func ("/app/inside/autoencoder", test_autoencoder);
  g_test_add_func ("/app/inside/recurrent", test_recurrent);
  g_test_add_func ("/app/inside/gan", test_gan);
  return g_test_run ();
}
