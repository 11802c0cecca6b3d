/* test-inside-paint.c — every Inside view rendered headless from models
 * trained here (tiny-mlp on XOR; a small CNN on 200 Fashion-MNIST images),
 * saved as PNG for people to look at, and checked: size, not blank, and
 * the tiles, cells and cards where the hit tests say they are. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "inside-paint.h"
#include "inspect.h"
#include "templates.h"
#include "trainer.h"
#include "widget-png.h"

#define W 800

typedef struct
{
  nn_dataset *ds;
  nn_trainer *trainer;
  nn_model *model;
  const nn_split *split;
} Trained;

static Trained xor_run, cnn_run;

static void
train (Trained *t, nn_graph *g, int epochs, int batch, double lr)
{
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;

  nn_trainer_config_init (&c);
  c.epochs = epochs;
  c.batch = batch;
  c.lr = lr;
  c.seed = 1;
  c.threads = 1;
  t->trainer = nn_trainer_new (g, t->ds, &c, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t->trainer, NULL, NULL, NULL, &error));
  t->model = nn_trainer_get_model (t->trainer);
  t->split = nn_trainer_get_split (t->trainer);
}

static void
train_xor (void)
{
  nn_data_options o = { .samples = 300, .noise = 0.1, .seed = 5 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = NULL;

  xor_run.ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g = nn_template_build ("tiny-mlp", xor_run.ds, &error);
  g_assert_no_error (error);
  train (&xor_run, g, 30, 16, 0.03);
}

static int
add (nn_graph *g, const char *kind, int from, const char *p1, double v1, const char *p2, double v2)
{
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));

  if (p1)
    g_assert_true (nn_graph_set_param (g, id, p1, v1, NULL));
  if (p2)
    g_assert_true (nn_graph_set_param (g, id, p2, v2, NULL));
  if (from >= 0)
    g_assert_true (nn_graph_connect (g, from, id, -1, NULL));
  return id;
}

/* Conv2D 8 3×3 ReLU → MaxPool → Conv2D 8 3×3 ReLU → MaxPool → Flatten →
 * Dense 10 → Softmax: small enough to train in seconds. */
static gboolean
train_cnn (void)
{
  nn_data_options o = { .limit = 200 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_graph_new ();
  int n;

  cnn_run.ds = nn_dataset_open ("fashion-mnist", &o, NULL, NULL, NULL, &error);
  if (cnn_run.ds == NULL)
    return FALSE;
  n = add (g, "input", -1, "height", 28, "width", 28);
  n = add (g, "conv2d", n, "filters", 8, "kernel", 3);
  n = add (g, "relu", n, NULL, 0, NULL, 0);
  n = add (g, "maxpool2d", n, "size", 2, NULL, 0);
  n = add (g, "conv2d", n, "filters", 8, "kernel", 3);
  n = add (g, "relu", n, NULL, 0, NULL, 0);
  n = add (g, "maxpool2d", n, "size", 2, NULL, 0);
  n = add (g, "flatten", n, NULL, 0, NULL, 0);
  n = add (g, "dense", n, "units", 10, NULL, 0);
  add (g, "softmax", n, NULL, 0, NULL, 0);
  train (&cnn_run, g, 4, 16, 0.003);
  return TRUE;
}

static void
free_run (Trained *t)
{
  g_clear_pointer (&t->trainer, nn_trainer_free);
  g_clear_pointer (&t->ds, nn_dataset_free);
}

/* --- Pictures -------------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  int width, height;
  LabInsideStyle style;
} Picture;

/* Paints a view at its measured height, saves it as inside-NAME.png. */
static void
render (Picture *pic, LabInsideView view, gconstpointer data, const nn_dataset *ds,
        const char *name, gboolean dark)
{
  g_autofree char *file = g_strdup_printf ("inside-%s.png", name);
  g_autofree char *path = widget_png_output_path (file);
  cairo_t *cr;

  lab_inside_style_init (&pic->style, dark);
  pic->width = W;
  pic->height = lab_inside_measure (view, data, ds, W, &pic->style);
  g_assert_cmpint (pic->height, >, 50);
  g_assert_cmpint (pic->height, <, 8000);
  pic->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pic->width, pic->height);
  cr = cairo_create (pic->surface);
  lab_inside_paint (cr, view, data, ds, pic->width, pic->height, &pic->style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (pic->surface);
  g_assert_cmpint (cairo_surface_write_to_png (pic->surface, path), ==, CAIRO_STATUS_SUCCESS);
  g_test_message ("wrote %s", path);
}

static void
picture_clear (Picture *pic)
{
  cairo_surface_destroy (pic->surface);
}

static guint32
pixel (const Picture *pic, int x, int y)
{
  const guint8 *row = cairo_image_surface_get_data (pic->surface) +
                      (gsize) y * cairo_image_surface_get_stride (pic->surface);

  return ((const guint32 *) row)[x] & 0xffffff;
}

static guint32
rgb_of (const LabInsideColor *c)
{
  return (guint32) lround (c->r * 255) << 16 | (guint32) lround (c->g * 255) << 8 |
         (guint32) lround (c->b * 255);
}

static gboolean
is_background (const Picture *pic, int x, int y)
{
  return pixel (pic, x, y) == rgb_of (&pic->style.background);
}

/* Distinct colours in the picture: a blank or single-colour picture has
 * one or two, text alone a few dozen. */
static guint
distinct_colours (const Picture *pic)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (int y = 0; y < pic->height; y++)
    for (int x = 0; x < pic->width; x++)
      g_hash_table_add (seen, GUINT_TO_POINTER (pixel (pic, x, y) + 1));
  return g_hash_table_size (seen);
}

/* Runs of non-background pixels along row y, at least min_len long. */
static int
segments (const Picture *pic, int y, int min_len)
{
  int count = 0, run = 0;

  for (int x = 0; x < pic->width; x++)
    {
      if (!is_background (pic, x, y))
        run++;
      else
        {
          count += run >= min_len;
          run = 0;
        }
    }
  return count + (run >= min_len);
}

static int
channel_dist (guint32 a, guint32 b)
{
  return abs ((int) (a >> 16 & 0xff) - (int) (b >> 16 & 0xff)) +
         abs ((int) (a >> 8 & 0xff) - (int) (b >> 8 & 0xff)) +
         abs ((int) (a & 0xff) - (int) (b & 0xff));
}

/* --- Views ------------------------------------------------------------------ */

static void
test_activations_cnn (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_activations) a = NULL;
  g_autoptr (GHashTable) channels = g_hash_table_new (NULL, NULL);
  LabActivationHit hit;
  int conv = 1, first_tile_y = -1;
  gboolean bar_hit = FALSE;
  Picture pic;

  if (cnn_run.ds == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  a = nn_inspect_activations (cnn_run.model, cnn_run.ds, cnn_run.split->test[0], &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_ACTIVATIONS, a, NULL, "activations", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 200);
  g_assert_cmpstr (a->nodes[conv].ops->id, ==, "conv2d");

  /* every feature map of conv1 is a tile the hit test finds */
  for (int y = 0; y < pic.height; y += 2)
    for (int x = 0; x < pic.width; x += 2)
      if (lab_activations_hit (a, W, &pic.style, x, y, &hit))
        {
          g_assert_cmpint (hit.index, <, (int) nn_shape_size (&a->nodes[hit.node].shape));
          g_assert_cmpfloat (hit.value, ==,
                             hit.node == a->n_nodes - 1 ? a->probs[hit.col]
                                                        : a->nodes[hit.node].values[hit.index]);
          if (hit.node == conv)
            {
              g_hash_table_add (channels, GINT_TO_POINTER (hit.channel + 1));
              if (first_tile_y < 0)
                first_tile_y = y;
            }
          bar_hit |= hit.node == a->n_nodes - 1;
        }
  g_assert_cmpuint (g_hash_table_size (channels), ==, 8);
  g_assert_true (bar_hit);
  /* and drawn: 8 tiles of 26×26 at 2× fit in one row */
  g_assert_cmpint (segments (&pic, first_tile_y + 10, 40), ==, 8);
  picture_clear (&pic);
}

static void
test_activations_mlp (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_activations) a = NULL;
  LabActivationHit hit;
  guint64 strips = 0;
  int units;
  Picture pic;

  a = nn_inspect_activations (xor_run.model, xor_run.ds, xor_run.split->test[1], &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_ACTIVATIONS, a, NULL, "activations-mlp", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 30);
  /* the hidden tanh layer's units are cells of one strip */
  units = a->nodes[2].shape.dim[0];
  g_assert_cmpint (units, <=, 64);
  for (int x = 0; x < pic.width; x++)
    for (int y = 0; y < pic.height; y += 3)
      if (lab_activations_hit (a, W, &pic.style, x, y, &hit) && hit.node == 2)
        {
          g_assert_cmpint (hit.col, <, units);
          strips |= G_GUINT64_CONSTANT (1) << hit.col;
          break;
        }
  g_assert_cmpuint (strips, ==, units == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << units) - 1);
  picture_clear (&pic);
}

static void
test_filters (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_filters) f = NULL;
  Picture pic;
  int best = 0;

  if (cnn_run.ds == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  f = nn_inspect_filters (cnn_run.model, &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_FILTERS, f, NULL, "filters", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 20);
  /* 8 kernels in one row of tiles */
  for (int y = 0; y < pic.height; y++)
    best = MAX (best, segments (&pic, y, 30));
  g_assert_cmpint (best, ==, 8);
  picture_clear (&pic);
}

static void
test_histograms (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_histograms) h = NULL;
  int accent = 0, gradient = 0;
  Picture pic;

  h = nn_inspect_histograms (xor_run.model, xor_run.ds, xor_run.split->train,
                             xor_run.split->n_train, NN_LOSS_CROSS_ENTROPY, 32, &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_HISTOGRAMS, h, NULL, "histograms", FALSE);
  for (int y = 0; y < pic.height; y++)
    for (int x = 0; x < pic.width; x++)
      {
        accent += pixel (&pic, x, y) == rgb_of (&pic.style.accent);
        gradient += pixel (&pic, x, y) == rgb_of (&pic.style.classes[1]);
      }
  /* six tensors, two histograms each, with bars of some size */
  g_assert_cmpint (h->n_tensors, ==, 6);
  g_assert_cmpint (accent, >, 6 * 500);
  g_assert_cmpint (gradient, >, 6 * 500);
  picture_clear (&pic);
}

static void
test_confusion (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_confusion) c = NULL;
  Picture pic;
  int cells = 0;

  if (cnn_run.ds == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  c = nn_inspect_confusion (cnn_run.model, cnn_run.ds, cnn_run.split->test, cnn_run.split->n_test,
                            NN_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->n_classes, ==, 10);
  render (&pic, LAB_INSIDE_CONFUSION, c, NULL, "confusion", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 30);
  /* a 10×10 grid: the hit test finds all 100 cells, and each cell's
   * centre is painted */
  {
    int box[100][4];

    for (int i = 0; i < 100; i++)
      box[i][0] = box[i][1] = G_MAXINT, box[i][2] = box[i][3] = -1;
    for (int y = 0; y < pic.height; y++)
      for (int x = 0; x < pic.width; x++)
        {
          int t, p, *bx;

          if (!lab_confusion_hit (c, pic.width, pic.height, &pic.style, x, y, &t, &p))
            continue;
          bx = box[t * 10 + p];
          bx[0] = MIN (bx[0], x), bx[1] = MIN (bx[1], y);
          bx[2] = MAX (bx[2], x), bx[3] = MAX (bx[3], y);
        }
    for (int i = 0; i < 100; i++)
      if (box[i][2] >= 0)
        {
          cells++;
          g_assert_false (
            is_background (&pic, (box[i][0] + box[i][2]) / 2, (box[i][1] + box[i][3]) / 2));
          g_assert_cmpint (box[i][2] - box[i][0], >, 20);
        }
  }
  g_assert_cmpint (cells, ==, 100);
  picture_clear (&pic);
  render (&pic, LAB_INSIDE_CONFUSION, c, NULL, "confusion-dark", TRUE);
  g_assert_cmpuint (pixel (&pic, 2, 2), ==, rgb_of (&pic.style.background));
  picture_clear (&pic);
}

static void
test_misclassified (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_mistakes) mk = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  Picture pic;

  if (cnn_run.ds == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  mk = nn_inspect_misclassified (cnn_run.model, cnn_run.ds, cnn_run.split->test,
                                 cnn_run.split->n_test, 12, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk->n_items, ==, 12); /* a few epochs on 200 images: plenty of mistakes */
  render (&pic, LAB_INSIDE_MISCLASSIFIED, mk, cnn_run.ds, "misclassified", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 100);
  for (int y = 0; y < pic.height; y += 4)
    for (int x = 0; x < pic.width; x += 4)
      {
        int i = lab_misclassified_hit (mk, cnn_run.ds, W, &pic.style, x, y);

        if (i >= 0)
          g_hash_table_add (seen, GINT_TO_POINTER (i + 1));
      }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 12);
  picture_clear (&pic);
}

static void
test_misclassified_table (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_mistakes) mk = NULL;
  Picture pic;

  mk = nn_inspect_misclassified (xor_run.model, xor_run.ds, xor_run.split->train,
                                 xor_run.split->n_train, 6, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk->n_items, >, 0);
  render (&pic, LAB_INSIDE_MISCLASSIFIED, mk, xor_run.ds, "misclassified-table", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 10);
  picture_clear (&pic);
}

static void
test_saliency (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_saliency) s = NULL;
  int warm = 0;
  Picture pic;
  double size;

  if (cnn_run.ds == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  s = nn_inspect_saliency (cnn_run.model, cnn_run.ds, cnn_run.split->test[2], &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_SALIENCY, s, NULL, "saliency", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 200);
  /* three square panels side by side */
  size = MIN (floor ((W - 2 * 13.0 - 4 * 5.0) / 3), 280);
  g_assert_cmpint (segments (&pic, pic.height - 13 - (int) size / 2, (int) size - 2), ==, 3);
  /* the overlay panel has warm (red, orange, yellow) pixels */
  for (int y = 0; y < pic.height; y++)
    for (int x = W / 3; x < 2 * W / 3; x++)
      {
        guint32 p = pixel (&pic, x, y);

        warm += (p >> 16 & 0xff) > 150 && (p & 0xff) < 90;
      }
  g_assert_cmpint (warm, >, 500);
  picture_clear (&pic);
}

static void
test_saliency_table (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_saliency) s = NULL;
  Picture pic;

  s = nn_inspect_saliency (xor_run.model, xor_run.ds, xor_run.split->test[0], &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_SALIENCY, s, NULL, "saliency-table", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 10);
  picture_clear (&pic);
}

static void
test_boundary (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_boundary) b = NULL;
  Picture pic;
  int agree = 0, checked = 0, thumbs = 0;
  double plot;

  b = nn_inspect_boundary (xor_run.model, xor_run.ds, xor_run.split->test, xor_run.split->n_test,
                           100, 100, &error);
  g_assert_no_error (error);
  render (&pic, LAB_INSIDE_BOUNDARY, b, NULL, "boundary", FALSE);
  g_assert_cmpuint (distinct_colours (&pic), >, 100);

  /* the plane's colour follows the model: where it is sure of a class the
   * pixel is nearer that class's colour than the other's (layout: margin
   * 13, 3 em of axis labels, title and legend rows) */
  plot = floor (MIN ((W - 26 - 39) * 0.6, 520));
  for (int i = 5; i < 100; i += 10)
    for (int j = 5; j < 100; j += 10)
      {
        const float *p = b->probs + ((gsize) i * 100 + j) * 2;
        int x = (int) (13 + 39 + (j + 0.5) / 100 * plot);
        int y = (int) (13 + 2 * ceil (13 * 1.55) + ceil (13 * 0.35) + (i + 0.5) / 100 * plot);
        guint32 px = pixel (&pic, x, y);
        int cls;

        if (fabsf (p[1] - p[0]) < 0.6f)
          continue;
        cls = p[1] > p[0];
        checked++;
        agree += channel_dist (px, rgb_of (&pic.style.classes[cls])) <
                 channel_dist (px, rgb_of (&pic.style.classes[1 - cls]));
      }
  g_assert_cmpint (checked, >, 20);
  g_assert_cmpint (agree, >=, checked - 2); /* a point may sit on a sampled pixel */
  /* one thumbnail per hidden unit right of the plane: count the runs down
   * each pixel column, once per column of thumbnails */
  {
    int previous = 0, units = 0;

    for (int l = 0; l < b->n_layers; l++)
      units += b->layers[l].units;
    for (int x = (int) (13 + 39 + plot + 26); x < W; x++)
      {
        int runs = 0, run = 0;

        for (int y = 0; y < pic.height; y++)
          {
            if (!is_background (&pic, x, y))
              run++;
            else
              runs += run > 20, run = 0;
          }
        if (runs > 0 && previous == 0)
          thumbs += runs;
        previous = runs;
      }
    g_assert_cmpint (thumbs, ==, units);
  }
  picture_clear (&pic);
}

static void
test_write_png (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_confusion) c = NULL;
  g_autofree char *dir = g_dir_make_tmp ("inside-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "c.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "c.png", NULL);
  cairo_surface_t *back;

  g_assert_no_error (error);
  c = nn_inspect_confusion (xor_run.model, xor_run.ds, xor_run.split->test, xor_run.split->n_test,
                            NN_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  g_assert_true (lab_inside_write_png (LAB_INSIDE_CONFUSION, c, NULL, 640, 0, NULL, path, &error));
  g_assert_no_error (error);
  back = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (back), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (back), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (back), ==,
                   lab_inside_measure (LAB_INSIDE_CONFUSION, c, NULL, 640, NULL));
  cairo_surface_destroy (back);
  g_assert_false (lab_inside_write_png (LAB_INSIDE_CONFUSION, c, NULL, 640, 0, NULL, bad, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "c.png"));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_view_ids (void)
{
  for (int v = 0; v < LAB_INSIDE_N_VIEWS; v++)
    {
      LabInsideView back;

      g_assert_true (lab_inside_view_from_id (lab_inside_view_id (v), &back));
      g_assert_cmpint (back, ==, v);
    }
  g_assert_false (lab_inside_view_from_id ("nonsense", &(LabInsideView){ 0 }));
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  train_xor ();
  train_cnn ();
  g_test_add_func ("/widgets/inside-paint/activations/cnn", test_activations_cnn);
  g_test_add_func ("/widgets/inside-paint/activations/mlp", test_activations_mlp);
  g_test_add_func ("/widgets/inside-paint/filters", test_filters);
  g_test_add_func ("/widgets/inside-paint/histograms", test_histograms);
  g_test_add_func ("/widgets/inside-paint/confusion", test_confusion);
  g_test_add_func ("/widgets/inside-paint/misclassified/images", test_misclassified);
  g_test_add_func ("/widgets/inside-paint/misclassified/table", test_misclassified_table);
  g_test_add_func ("/widgets/inside-paint/saliency/image", test_saliency);
  g_test_add_func ("/widgets/inside-paint/saliency/table", test_saliency_table);
  g_test_add_func ("/widgets/inside-paint/boundary", test_boundary);
  g_test_add_func ("/widgets/inside-paint/write-png", test_write_png);
  g_test_add_func ("/widgets/inside-paint/view-ids", test_view_ids);
  status = g_test_run ();
  free_run (&xor_run);
  free_run (&cnn_run);
  return status;
}
