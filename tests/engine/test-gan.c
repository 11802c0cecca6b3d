/* test-gan.c — GAN training: both losses reported on every batch and
 * epoch, fixed-noise samples of the data's shape, determinism, the
 * generator moving towards the data, the templates, the PNG grid, and
 * mistakes explained. Data: tests/fixtures/generative/bars-images.idx. */
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/image-grid.h"
#include "templates.h"
#include "trainer.h"

#define LATENT 8

static nn_dataset *
bars (void)
{
  g_autofree char *path = test_fixture_path ("generative/bars-images.idx");
  g_autofree char *spec = g_strconcat ("idx:", path, NULL);
  g_autoptr (GError) error = NULL;
  nn_data_options o = { 0 };
  nn_dataset *ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

/* A chain of layers; "dense:N" sets units, "input:C,H,W" the shape. */
static nn_graph *
chain (const char *const *steps)
{
  nn_graph *g = nn_graph_new ();
  int prev = -1;

  for (; *steps != NULL; steps++)
    {
      g_auto (GStrv) parts = g_strsplit (*steps, ":", 2);
      int id = nn_graph_add_node (g, nn_layer_lookup (parts[0]));

      g_assert_cmpint (id, >=, 0);
      if (prev >= 0)
        g_assert_true (nn_graph_connect (g, prev, id, -1, NULL));
      if (g_str_equal (parts[0], "dense"))
        g_assert_true (nn_graph_set_param (g, id, "units", atoi (parts[1]), NULL));
      else if (parts[1] != NULL)
        {
          g_auto (GStrv) d = g_strsplit (parts[1], ",", 3);
          g_assert_true (nn_graph_set_param (g, id, "channels", atoi (d[0]), NULL));
          g_assert_true (nn_graph_set_param (g, id, "height", atoi (d[1]), NULL));
          g_assert_true (nn_graph_set_param (g, id, "width", atoi (d[2]), NULL));
        }
      prev = id;
    }
  return g;
}

static nn_graph *
generator (int out_units)
{
  g_autofree char *out = g_strdup_printf ("dense:%d", out_units);
  const char *steps[] = {
    "input:1,0," G_STRINGIFY (LATENT), "dense:32", "leaky_relu", out, "tanh", NULL
  };
  return chain (steps);
}

static nn_graph *
discriminator (int out_units)
{
  g_autofree char *out = g_strdup_printf ("dense:%d", out_units);
  const char *steps[] = { "input:1,8,8", "flatten", "dense:32", "leaky_relu", out, NULL };
  return chain (steps);
}

static void
config (nn_trainer_config *c, int epochs)
{
  nn_trainer_config_init (c);
  c->lr = 0.002;
  c->batch = 16;
  c->epochs = epochs;
  c->seed = 11;
  c->threads = 1;
  c->label_smoothing = 0.1;
}

typedef struct
{
  int batches, epochs;
  double d_loss, g_loss; /* of the last epoch */
  double test_loss;
} Run;

static void
collect (const nn_train_event *e, gpointer data)
{
  Run *r = data;

  switch (e->kind)
    {
      case NN_EVENT_BATCH:
        r->batches++;
        g_assert_true (isfinite (e->d_loss) && e->d_loss > 0);
        g_assert_true (isfinite (e->g_loss) && e->g_loss > 0);
        g_assert_cmpfloat (e->loss, ==, e->d_loss);
        break;
      case NN_EVENT_EPOCH:
        r->epochs++;
        r->d_loss = e->d_loss;
        r->g_loss = e->g_loss;
        g_assert_true (isfinite (e->d_loss) && isfinite (e->g_loss));
        g_assert_cmpfloat (e->loss, ==, e->d_loss);
        /* nothing to validate a GAN on */
        g_assert_true (isnan (e->val_loss));
        break;
      case NN_EVENT_DONE:
        r->test_loss = e->test_loss;
        break;
      default:
        break;
    }
}

static nn_trainer *
gan (nn_dataset *ds, int epochs, Run *r)
{
  g_autoptr (nn_graph) gen = generator (64);
  g_autoptr (nn_graph) disc = discriminator (1);
  g_autoptr (GError) error = NULL;
  nn_trainer_config c;
  nn_trainer *t;

  config (&c, epochs);
  t = nn_trainer_new_gan (gen, disc, ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_get_config (t)->mode, ==, NN_MODE_GAN);
  if (r != NULL)
    {
      g_assert_true (nn_trainer_fit (t, collect, r, NULL, &error));
      g_assert_no_error (error);
    }
  return t;
}

static double
mean (const float *v, gsize n)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    sum += v[i];
  return sum / n;
}

/* Every batch and epoch reports both losses; all training samples train
 * (no validation part); a GAN has no test loss. */
static void
test_events (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  Run r = { 0 };
  g_autoptr (nn_trainer) t = gan (ds, 3, &r);

  g_assert_cmpint (r.epochs, ==, 3);
  g_assert_cmpint (nn_trainer_get_split (t)->n_val, ==, 0);
  g_assert_cmpint (r.batches, ==, 3 * ((nn_trainer_get_split (t)->n_train + 15) / 16));
  g_assert_true (isnan (r.test_loss));
}

/* Samples have the data's size, lie in [0, 1], come from fixed noise (the
 * same twice), and their brightness moves from the untrained generator's
 * towards the data's (one bar of 8 pixels in 64). */
static void
test_samples (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_trainer) t = gan (ds, 0 + 1, NULL);
  float before[10 * 64], again[10 * 64], after[10 * 64];
  g_autofree float *real = g_new (float, 64 * ds->n_samples);
  g_autofree int *all = g_new (int, ds->n_samples);
  double data_mean, gap_before, gap_after;

  for (int i = 0; i < ds->n_samples; i++)
    all[i] = i;
  nn_dataset_gather (ds, all, ds->n_samples, real, NULL, NULL);
  data_mean = mean (real, 64 * (gsize) ds->n_samples);

  g_assert_true (nn_trainer_generate (t, 10, before));
  g_assert_true (nn_trainer_generate (t, 10, again));
  g_assert_cmpmem (before, sizeof before, again, sizeof again);
  for (gsize i = 0; i < G_N_ELEMENTS (before); i++)
    g_assert_true (before[i] >= 0.0f && before[i] <= 1.0f);

  g_clear_pointer (&t, nn_trainer_free);
  {
    Run r = { 0 };
    t = gan (ds, 40, &r);
    g_test_message ("last epoch: D %g, G %g", r.d_loss, r.g_loss);
  }
  g_assert_true (nn_trainer_generate (t, 10, after));
  gap_before = fabs (mean (before, G_N_ELEMENTS (before)) - data_mean);
  gap_after = fabs (mean (after, G_N_ELEMENTS (after)) - data_mean);
  g_test_message ("brightness gap %g → %g (data %g)", gap_before, gap_after, data_mean);
  g_assert_cmpfloat (gap_after, <, 0.5 * gap_before);
}

static void
test_deterministic (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  Run ra = { 0 }, rb = { 0 };
  g_autoptr (nn_trainer) a = gan (ds, 2, &ra);
  g_autoptr (nn_trainer) b = gan (ds, 2, &rb);
  float sa[4 * 64], sb[4 * 64];

  g_assert_cmpfloat (ra.d_loss, ==, rb.d_loss);
  g_assert_cmpfloat (ra.g_loss, ==, rb.g_loss);
  g_assert_true (nn_trainer_generate (a, 4, sa));
  g_assert_true (nn_trainer_generate (b, 4, sb));
  g_assert_cmpmem (sa, sizeof sa, sb, sizeof sb);
}

static void
expect_error (nn_graph *gen, nn_graph *disc, nn_dataset *ds, const nn_trainer_config *c,
              const char *words)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nn_trainer_new_gan (gen, disc, ds, c, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == NN_ERROR);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_mistakes_explained (void)
{
  g_autoptr (nn_dataset) ds = bars ();
  g_autoptr (nn_graph) gen = generator (64), small_gen = generator (60);
  g_autoptr (nn_graph) disc = discriminator (1), two = discriminator (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) blobs = NULL;
  nn_data_options o = { .samples = 40, .seed = 1 };
  nn_trainer_config c;
  float out[64];

  config (&c, 1);
  expect_error (small_gen, disc, ds, &c, "The generator makes 60 (60 values)");
  expect_error (gen, two, ds, &c, "must end in one value");
  c.label_smoothing = 0.7;
  expect_error (gen, disc, ds, &c, "Label smoothing");
  config (&c, 1);
  blobs = nn_dataset_open ("blobs", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  expect_error (gen, disc, blobs, &c, "not a set of images");

  /* one model cannot be a GAN */
  c.mode = NN_MODE_GAN;
  g_assert_null (nn_trainer_new (gen, ds, &c, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);

  /* samples are a GAN's only */
  {
    g_autoptr (nn_graph) ae =
      chain ((const char *const[]){ "input:1,8,8", "flatten", "dense:64", "sigmoid", NULL });
    g_autoptr (nn_trainer) t = NULL;

    config (&c, 1);
    c.mode = NN_MODE_AUTOENCODER;
    c.loss = NN_LOSS_MSE;
    t = nn_trainer_new (ae, ds, &c, &error);
    g_assert_no_error (error);
    g_assert_false (nn_trainer_generate (t, 1, out));
  }
}

/* Both GAN templates build a pair that fits the data and trains a step. */
static void
test_templates (void)
{
  g_autoptr (GError) error = NULL;
  const char *ids[] = { "gan", "dcgan" };
  g_autoptr (nn_graph) g = NULL, d = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (nn_graph) gen = NULL, disc = NULL;
      g_autoptr (nn_trainer) t = NULL;
      nn_trainer_config c;

      g_assert_true (nn_template_build_gan (ids[i], NULL, &gen, &disc, &error));
      g_assert_no_error (error);
      nn_trainer_config_init (&c);
      nn_template_apply_config (nn_template_lookup (ids[i]), NULL, &c);
      g_assert_cmpint (c.mode, ==, NN_MODE_GAN);
      g_assert_cmpfloat (c.lr, ==, 0.0002);
      {
        g_autoptr (nn_model) gm = nn_model_compile (gen, 2, 0, &error);
        g_autoptr (nn_model) dm = nn_model_compile (disc, 2, 0, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (nn_model_input_size (gm), ==, 100);
        g_assert_cmpuint (nn_model_output_size (gm), ==, 784);
        g_assert_cmpuint (nn_model_input_size (dm), ==, 784);
        g_assert_cmpuint (nn_model_output_size (dm), ==, 1);
      }
    }
  /* the MLP GAN fits other image sizes and trains a batch */
  {
    g_autoptr (nn_dataset) ds = bars ();
    g_autoptr (nn_trainer) t = NULL;
    nn_trainer_config c;

    g_assert_true (nn_template_build_gan ("gan", ds, &g, &d, &error));
    config (&c, 1);
    t = nn_trainer_new_gan (g, d, ds, &c, &error);
    g_assert_no_error (error);
    nn_trainer_step (t, NULL, NULL);
  }
  g_assert_false (nn_template_build_gan ("mlp", NULL, &g, &d, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

/* The grid has the size its layout promises and the pixels given. */
static void
test_image_grid (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("layerlab-grid-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "grid.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "grid.png", NULL);
  nn_shape shape = nn_shape_3d (1, 8, 8), seq = nn_shape_2d (3, 5);
  float images[10 * 64];
  png_image image = { 0 };
  g_autofree guint8 *pixels = NULL;

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (images); i++)
    images[i] = (float) (i % 64) / 63.0f;
  g_assert_true (nn_image_grid_save_png (path, images, 10, &shape, 4, &error));
  g_assert_no_error (error);

  image.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_file (&image, path));
  /* 4 columns and 3 rows of 8 pixels with 2-pixel gaps around */
  g_assert_cmpuint (image.width, ==, 4 * 8 + 5 * 2);
  g_assert_cmpuint (image.height, ==, 3 * 8 + 4 * 2);
  image.format = PNG_FORMAT_GRAY;
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  g_assert_true (png_image_finish_read (&image, NULL, pixels, 0, NULL));
  g_assert_cmpuint (pixels[2 * image.width + 2], ==, 0);             /* first pixel */
  g_assert_cmpuint (pixels[(2 + 7) * image.width + 2 + 7], ==, 255); /* last one */
  g_assert_cmpuint (pixels[0], ==, 0);                               /* the gap */

  g_assert_false (nn_image_grid_save_png (bad, images, 10, &shape, 4, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (nn_image_grid_save_png (path, images, 3, &seq, 0, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/gan/events", test_events);
  g_test_add_func ("/engine/gan/samples", test_samples);
  g_test_add_func ("/engine/gan/deterministic", test_deterministic);
  g_test_add_func ("/engine/gan/mistakes-explained", test_mistakes_explained);
  g_test_add_func ("/engine/gan/templates", test_templates);
  g_test_add_func ("/engine/gan/image-grid", test_image_grid);
  return g_test_run ();
}
