/* test-pool-forms.c — MaxPool2D and AvgPool2D beyond square, unpadded
 * windows: padding (same, same_lower, explicit up to the window's span),
 * ceil_mode, kh×kw windows and strides, dilation, count_pad. PyTorch's numbers for these forms are
 * in fixtures/layers/pooling.json (test-pooling checks them); here: finite differences, shapes,
 * hand-worked values, the errors a user can make, an ONNX export read back by the importer, and
 * (when Debian's python3 has torch) the PyTorch script of a model with every form reproducing
 * Layerlab's test loss. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "graph.h"
#include "io/onnx-export.h"
#include "io/onnx-import.h"
#include "io/project.h"
#include "io/pytorch-export.h"
#include "layer-check.h"
#include "trainer.h"

static void
check_gradient (const nn_layer_desc *d, nn_shape in, guint64 seed)
{
  layer_run *r = layer_run_new (d, &in, 1, 2, seed);

  layer_check_gradients (r, 1e-3, 1e-2);
  layer_run_free (r);
}

static void
test_gradient_max (void)
{
  nn_layer_desc d;

  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "padding=explicit", "pad=1", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 1);
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "ceil_mode=true", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 7), 2);
  layer_desc_make (&d, "maxpool2d", "size=2", "size_width=3", "stride=2", "stride_width=1", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 7), 3);
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "padding=same", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 7), 4);
  layer_desc_make (&d, "maxpool2d", "size=2", "stride=2", "dilation=2", "padding=explicit", "pad=1",
                   "ceil_mode=true", NULL);
  check_gradient (&d, nn_shape_3d (1, 7, 6), 5);
  /* padding past half the window (ONNX's pads), and the odd cell first */
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=1", "padding=explicit", "pad=2", NULL);
  check_gradient (&d, nn_shape_3d (2, 4, 5), 6);
  layer_desc_make (&d, "maxpool2d", "size=2", "stride=2", "dilation=3", "padding=explicit", "pad=3",
                   "pad_width=1", "ceil_mode=true", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 5), 7);
  layer_desc_make (&d, "maxpool2d", "size=2", "stride=1", "padding=same_lower", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 8);
  layer_desc_make (&d, "maxpool2d", "size=3", "size_width=2", "stride=2", "dilation=2",
                   "padding=same_lower", NULL);
  check_gradient (&d, nn_shape_3d (1, 7, 6), 9);
}

static void
test_gradient_avg (void)
{
  nn_layer_desc d;

  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=explicit", "pad=1", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 11);
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=explicit", "pad=1",
                   "count_pad=false", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 12);
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=explicit", "pad=1",
                   "ceil_mode=true", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 6), 13);
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=same", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 7), 14);
  layer_desc_make (&d, "avgpool2d", "size=3", "size_width=2", "stride=1", "stride_width=2",
                   "padding=same", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 5), 15);
  layer_desc_make (&d, "avgpool2d", "size=3", "size_width=2", "stride=1", "padding=explicit",
                   "pad=1", "pad_width=0", NULL);
  check_gradient (&d, nn_shape_3d (1, 5, 6), 16);
  /* padding past half the window, counted or not, and the odd cell first */
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=1", "padding=explicit", "pad=2", NULL);
  check_gradient (&d, nn_shape_3d (2, 4, 5), 17);
  layer_desc_make (&d, "avgpool2d", "size=3", "size_width=2", "stride=2", "padding=explicit",
                   "pad=2", "pad_width=1", "count_pad=false", NULL);
  check_gradient (&d, nn_shape_3d (1, 5, 4), 18);
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=explicit", "pad=2",
                   "ceil_mode=true", NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 6), 19);
  layer_desc_make (&d, "avgpool2d", "size=2", "stride=1", "padding=same_lower", NULL);
  check_gradient (&d, nn_shape_3d (2, 5, 6), 20);
  layer_desc_make (&d, "avgpool2d", "size=3", "size_width=2", "stride=2", "padding=same_lower",
                   NULL);
  check_gradient (&d, nn_shape_3d (1, 6, 7), 21);
}

static nn_shape
infer_ok (const nn_layer_desc *d, nn_shape in)
{
  nn_shape out;
  g_autoptr (GError) error = NULL;

  g_assert_true (d->ops->infer (d, &in, 1, &out, &error));
  g_assert_no_error (error);
  return out;
}

static void
assert_shape (nn_shape s, int c, int h, int w)
{
  g_assert_cmpint (s.rank, ==, 3);
  g_assert_cmpint (s.dim[0], ==, c);
  g_assert_cmpint (s.dim[1], ==, h);
  g_assert_cmpint (s.dim[2], ==, w);
}

static void
test_shapes (void)
{
  nn_layer_desc d;

  /* same: ceil(in / stride) whatever the window */
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "padding=same", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (4, 7, 8)), 4, 4, 4);
  layer_desc_make (&d, "avgpool2d", "size=5", "stride=1", "padding=same", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 2, 3)), 1, 2, 3);
  /* ceil_mode: (7 − 3) / 2 + 1 = 3 either way; (8 − 3) / 2 → 2.5 → 4 rows */
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "ceil_mode=true", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 8, 7)), 1, 4, 3);
  /* PyTorch drops a last window that would start in the right padding:
   * in 5, k 2, s 2, pad 1 → ceil(5/2) + 1 = 4, but window 3 starts at 5 */
  layer_desc_make (&d, "avgpool2d", "size=2", "stride=2", "padding=explicit", "pad=1",
                   "ceil_mode=true", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 5, 4)), 1, 3, 3);
  /* kh×kw windows and strides, and columns padded apart from rows */
  layer_desc_make (&d, "maxpool2d", "size=2", "size_width=4", "stride=1", "stride_width=2",
                   "padding=explicit", "pad=1", "pad_width=2", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (3, 6, 9)), 3, 7, 5);
  /* one comparison per window cell: 3×3 windows, 4×4×4 outputs */
  layer_desc_make (&d, "avgpool2d", "size=3", "stride=2", "padding=same", NULL);
  g_assert_cmpfloat (
    d.ops->flops (&d, &(nn_shape){ 3, { 4, 7, 8 } }, 1, &(nn_shape){ 3, { 4, 4, 4 } }), ==,
    4.0 * 4 * 4 * 9);
  /* dilation 2 makes a 3×3 window span 5×5 */
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=1", "dilation=2", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 7, 5)), 1, 3, 1);
  /* same_lower: the sizes of same, whichever side the odd cell is on */
  layer_desc_make (&d, "avgpool2d", "size=2", "stride=1", "padding=same_lower", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (3, 32, 31)), 3, 32, 31);
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=2", "dilation=2", "padding=same_lower", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 7, 8)), 1, 4, 4);
  /* padding up to the span less one: 5 + 2·2 − 3 + 1 = 7 */
  layer_desc_make (&d, "maxpool2d", "size=3", "stride=1", "padding=explicit", "pad=2", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 5, 5)), 1, 7, 7);
  /* ONNX's test_MaxPool2d_stride_padding_dilation: 60×80 windows spanning
   * 591×791 over 1000×1000, padded 10×20, stride 10 */
  layer_desc_make (&d, "maxpool2d", "size=60", "size_width=80", "stride=10", "dilation=10",
                   "padding=explicit", "pad=10", "pad_width=20", NULL);
  assert_shape (infer_ok (&d, nn_shape_3d (1, 1000, 1000)), 1, 43, 25);
}

/* ONNX's SAME_LOWER puts the odd padded cell first: a 2×2 max with stride
 * 1 over the 2×2 image 1 2 / 3 4 reads rows and columns −1…0 for its first
 * output, so each output ends at its own cell (1 2 / 3 4); 'same' starts
 * there and reaches the 4 every time. */
static void
test_same_lower_values (void)
{
  const float x[4] = { 1, 2, 3, 4 };
  const float lower[4] = { 1, 2, 3, 4 }, upper[4] = { 4, 4, 4, 4 };
  const char *const modes[] = { "padding=same_lower", "padding=same" };
  const float *const want[] = { lower, upper };

  for (int m = 0; m < 2; m++)
    {
      nn_layer_desc d;
      nn_shape in = nn_shape_3d (1, 2, 2);
      layer_run *r;

      layer_desc_make (&d, "maxpool2d", "size=2", "stride=1", modes[m], NULL);
      r = layer_run_new (&d, &in, 1, 1, 1);
      memcpy (r->in[0], x, sizeof x);
      layer_run_forward (r);
      for (int i = 0; i < 4; i++)
        g_assert_cmpfloat (r->out[i], ==, want[m][i]);
      layer_run_free (r);
    }
}

/* A 1×3×3 image of ones through a 3×3 window with stride 1 and padding
 * 1: 'same' and count_pad=false average only image cells (all 1);
 * count_pad counts the padded zeros (corner 4/9, edge 6/9, centre 1). */
static void
check_ones (const char *padding, const char *count_pad, const float *want)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (1, 3, 3);
  layer_run *r;

  layer_desc_make (&d, "avgpool2d", "size=3", "stride=1", padding, "pad=1", count_pad, NULL);
  r = layer_run_new (&d, &in, 1, 1, 1);
  for (int i = 0; i < 9; i++)
    r->in[0][i] = 1.0f;
  layer_run_forward (r);
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (r->out[i], want[i], 1e-6);
  layer_run_free (r);
}

static void
test_count_pad (void)
{
  const float ones[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float counted[9] = { 4 / 9.f, 6 / 9.f, 4 / 9.f, 6 / 9.f, 1,
                             6 / 9.f, 4 / 9.f, 6 / 9.f, 4 / 9.f };

  check_ones ("padding=same", "count_pad=true", ones);
  check_ones ("padding=explicit", "count_pad=false", ones);
  check_ones ("padding=explicit", "count_pad=true", counted);
}

/* Padding never wins a max, even when every image value is negative. */
static void
test_max_ignores_padding (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (1, 2, 2);
  layer_run *r;

  layer_desc_make (&d, "maxpool2d", "size=3", "stride=1", "padding=explicit", "pad=1", NULL);
  r = layer_run_new (&d, &in, 1, 1, 1);
  for (int i = 0; i < 4; i++)
    r->in[0][i] = -1.0f - i;
  layer_run_forward (r);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (r->out[i], ==, -1.0f);
  layer_run_free (r);
}

static void
test_infer_errors (void)
{
  nn_layer_desc d;
  nn_shape in = nn_shape_3d (1, 6, 6), narrow = nn_shape_3d (1, 8, 2);

  layer_desc_make (&d, "maxpool2d", "size=3", "padding=explicit", "pad=3", NULL);
  layer_check_infer_error (&d, &in, 1,
                           "padding of 3×3 leaves the first 3×3 window wholly in padding — pad "
                           "at most 2×2");
  /* with dilation the span grows: 2 taps 3 apart span 4, so pad 3 is fine, 4 is not */
  layer_desc_make (&d, "maxpool2d", "size=2", "dilation=3", "padding=explicit", "pad=4", NULL);
  layer_check_infer_error (&d, &in, 1, "pad at most 3×3");
  layer_desc_make (&d, "avgpool2d", "size=2", "size_width=3", NULL);
  layer_check_infer_error (&d, &narrow, 1, "a 2×3 window does not fit its 8×2 input");
  layer_desc_make (&d, "maxpool2d", "size=2", "dilation=4", NULL);
  layer_check_infer_error (&d, &narrow, 1, "a 5×5 window does not fit");
  /* a 1-tap-wide window far apart: column windows that read only padding */
  layer_desc_make (&d, "maxpool2d", "size=2", "stride=1", "dilation=3", "padding=explicit", "pad=1",
                   NULL);
  layer_check_infer_error (&d, &narrow, 1, "covers only padding");
}

/* Only size and stride set, as in projects saved before these parameters:
 * the same windows as ever, and the new ones at their neutral defaults. */
static void
test_defaults_keep_old_projects (void)
{
  const char *kinds[] = { "maxpool2d", "avgpool2d" };

  for (int k = 0; k < 2; k++)
    {
      nn_layer_desc d;

      layer_desc_make (&d, kinds[k], "size=3", "stride=2", NULL);
      assert_shape (infer_ok (&d, nn_shape_3d (2, 8, 7)), 2, 3, 3);
      g_assert_cmpfloat (nn_layer_desc_get (&d, "size_width"), ==, 0);
      g_assert_cmpfloat (nn_layer_desc_get (&d, "stride_width"), ==, 0);
      g_assert_cmpfloat (nn_layer_desc_get (&d, "padding"), ==, 0);
      g_assert_cmpfloat (nn_layer_desc_get (&d, "ceil_mode"), ==, 0);
      for (int i = 2; i < d.ops->n_params; i++)
        g_assert_true (d.ops->params[i].advanced);
    }
}

/* --- Export ------------------------------------------------------------- */

/* Input → layers, each "kind id=value ..." with numeric values. */
static nn_graph *
pool_chain (int c, int h, int w, const char *const *layers)
{
  nn_graph *g = nn_graph_new ();
  int prev = nn_graph_add_node (g, nn_layer_lookup ("input"));

  g_assert_true (nn_graph_set_param (g, prev, "channels", c, NULL));
  g_assert_true (nn_graph_set_param (g, prev, "height", h, NULL));
  g_assert_true (nn_graph_set_param (g, prev, "width", w, NULL));
  for (int i = 0; layers[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit (layers[i], " ", -1);
      int id = nn_graph_add_node (g, nn_layer_lookup (words[0]));

      g_assert_cmpint (id, >=, 0);
      for (int j = 1; words[j] != NULL; j++)
        {
          g_auto (GStrv) kv = g_strsplit (words[j], "=", 2);
          g_autoptr (GError) error = NULL;

          g_assert_true (nn_graph_set_param (g, id, kv[0], g_ascii_strtod (kv[1], NULL), &error));
          g_assert_no_error (error);
        }
      g_assert_true (nn_graph_connect (g, prev, id, -1, NULL));
      prev = id;
    }
  return g;
}

static float *
run_graph (const nn_graph *g, const float *x, int batch, gsize *n_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_model) m = nn_model_compile (g, batch, 1, &error);

  g_assert_no_error (error);
  nn_model_forward (m, x, batch, FALSE, NULL);
  *n_out = nn_model_output_size (m) * batch;
  return g_memdup2 (nn_model_output (m), *n_out * sizeof (float));
}

/* onnx.checker.check_model (full_check: ONNX's shape inference must give
 * the output shapes the files declare) over the files in paths; a skip
 * without python3-onnx. */
static void
check_onnx_files (GPtrArray *paths)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;
  const char *probe[] = { TEST_PYTHON, "-c", "import onnx", NULL };

  if (!g_file_test (TEST_PYTHON, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("python3-onnx is not installed");
      return;
    }
  g_ptr_array_add (argv, TEST_PYTHON);
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, "import sys, onnx\n"
                         "for path in sys.argv[1:]:\n"
                         "    onnx.checker.check_model(onnx.load(path), full_check=True)\n");
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (argv, paths->pdata[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("onnx.checker: %s", err);
}

/* Every form exported to ONNX and imported back computes the same numbers:
 * the exporter's pads, ceil_mode, dilations and count_include_pad are what
 * the importer reads as the same windows; and ONNX's own checker accepts
 * the files. */
static void
test_onnx_round_trip (void)
{
  static const char *const forms[] = {
    "maxpool2d size=3 stride=2 padding=1",
    "maxpool2d size=3 stride=2 padding=2 pad=1 ceil_mode=1",
    "maxpool2d size=2 stride=1 dilation=2 padding=1",
    "maxpool2d size=2 stride=1 dilation=4 padding=1",
    "maxpool2d size=2 size_width=3 stride=2 stride_width=1",
    "avgpool2d size=3 stride=2 padding=2 pad=1",
    "avgpool2d size=3 stride=2 padding=2 pad=1 count_pad=0",
    "avgpool2d size=3 stride=2 padding=1",
    "avgpool2d size=2 stride=2 ceil_mode=1",
    "avgpool2d size=3 size_width=2 stride=1 padding=2 pad=1 pad_width=0 ceil_mode=1",
    "maxpool2d size=3 stride=1 padding=2 pad=2",
    "maxpool2d size=2 stride=2 dilation=3 padding=2 pad=2 pad_width=1 ceil_mode=1",
    "avgpool2d size=3 stride=1 padding=2 pad=2",
    "avgpool2d size=3 size_width=2 stride=2 padding=2 pad=2 pad_width=1 count_pad=0",
    "maxpool2d size=2 stride=1 padding=3",
    "maxpool2d size=3 stride=2 dilation=2 padding=3",
    "avgpool2d size=2 stride=1 padding=3",
    "avgpool2d size=3 size_width=2 stride=2 padding=3",
    /* ceil_mode dropping the last window, which starts past the image
     * (ONNX 1.12 keeps it), of the 7 rows (of the 8 columns in the last
     * form), and keeping partial windows in the other direction (not in
     * the first and in two averages) */
    "maxpool2d size=2 stride=2 dilation=3 padding=2 pad=3 ceil_mode=1",
    "maxpool2d size=2 size_width=3 stride=2 padding=2 pad=1 ceil_mode=1",
    "maxpool2d size=2 size_width=3 stride=3 dilation=2 padding=2 pad=2 pad_width=1 ceil_mode=1",
    "maxpool2d size=1 size_width=3 stride=4 stride_width=3 ceil_mode=1",
    "avgpool2d size=2 stride=2 padding=2 pad=1 ceil_mode=1",
    "avgpool2d size=2 stride=2 padding=2 pad=1 count_pad=0 ceil_mode=1",
    "avgpool2d size=2 size_width=3 stride=2 padding=2 pad=1 ceil_mode=1",
    "avgpool2d size=2 size_width=3 stride=2 padding=2 pad=1 count_pad=0 ceil_mode=1",
    "avgpool2d size=2 size_width=3 stride=2 padding=2 pad=1 pad_width=0 ceil_mode=1",
    "avgpool2d size=2 size_width=3 stride=2 padding=2 pad=0 pad_width=2 ceil_mode=1",
  };
  const int batch = 2, c = 2, h = 7, w = 8;
  float x[2 * 2 * 7 * 8];
  nn_rng rng;
  g_autofree char *dir = g_dir_make_tmp ("pool-forms-XXXXXX", NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  nn_rng_seed (&rng, 7, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = nn_rng_normal (&rng);
  for (gsize f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      const char *const layers[] = { forms[f], NULL };
      g_autoptr (nn_project) p = nn_project_new (pool_chain (c, h, w, layers));
      g_autoptr (nn_project) back = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *data = NULL;
      g_autofree float *want = NULL, *got = NULL;
      gsize length, n_want, n_got;
      nn_onnx_io io = { 0 };

      g_test_message ("%s", forms[f]);
      data = nn_onnx_export_to_data (p, &length, &error);
      g_assert_no_error (error);
      g_ptr_array_add (paths, g_strdup_printf ("%s/form%zu.onnx", dir, f));
      g_assert_true (g_file_set_contents (paths->pdata[f], (const char *) data, length, NULL));
      back = nn_onnx_import_data (data, length, "pool.onnx", NULL, &io, &error);
      g_assert_no_error (error);
      nn_onnx_io_clear (&io);
      want = run_graph (p->graph, x, batch, &n_want);
      got = run_graph (back->graph, x, batch, &n_got);
      g_assert_cmpuint (n_got, ==, n_want);
      for (gsize i = 0; i < n_want; i++)
        g_assert_cmpfloat_with_epsilon (got[i], want[i], 1e-6);
    }
  check_onnx_files (paths);
  for (guint i = 0; i < paths->len; i++)
    g_unlink (paths->pdata[i]);
  g_rmdir (dir);
}

/* An average that counts padding needs ceil_mode for its partial windows
 * (the columns here), so ONNX keeps the rows' last window, which PyTorch's
 * rule drops, unless the end padding shrinks to where the last window
 * ends: here 1 row inside the image, which no padding says. Refused,
 * naming the layer and what to change; without counting it is written. */
static void
test_onnx_refuses_counted_partial (void)
{
  static const char *const counted[] = {
    "avgpool2d size=1 size_width=3 stride=3 padding=2 pad=0 pad_width=1 ceil_mode=1",
    NULL,
  };
  static const char *const uncounted[] = {
    "avgpool2d size=1 size_width=3 stride=3 padding=2 pad=0 pad_width=1 ceil_mode=1 count_pad=0",
    NULL,
  };
  g_autoptr (nn_project) p = nn_project_new (pool_chain (1, 5, 6, counted));
  g_autoptr (nn_project) q = nn_project_new (pool_chain (1, 5, 6, uncounted));
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *refused = NULL, *data = NULL;
  gsize length;

  refused = nn_onnx_export_to_data (p, &length, &error);
  g_assert_null (refused);
  g_assert_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "AvgPool2D 'avgpool2d1' cannot be written as ONNX: "
                                            "an AveragePool that counts padding cannot keep the "
                                            "partial windows at the right and leave out the last "
                                            "window at the bottom"));
  g_assert_nonnull (strstr (error->message, "turn off Count padding or Keep partial windows"));
  g_clear_error (&error);
  data = nn_onnx_export_to_data (q, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
}

/* ONNX's own test models for the windows PyTorch's modules refuse (pads
 * past half the window, SAME_LOWER) and for windows over 64 (a 1-D max
 * over 220000 cells, a 60×80 window dilated 10): imported, they give
 * ONNX's outputs. Skipped without Debian's libonnx-testdata. */
static void
test_onnx_conformance (void)
{
  static const char *const tests[] = {
    "node/test_maxpool_2d_pads",
    "node/test_averagepool_2d_pads",
    "node/test_averagepool_2d_pads_count_include_pad",
    "node/test_maxpool_2d_same_lower",
    "node/test_averagepool_2d_same_lower",
    "pytorch-converted/test_MaxPool1d_stride_padding_dilation",
    "pytorch-converted/test_MaxPool2d_stride_padding_dilation",
  };
  const char *root = "/usr/share/libonnx-testdata/data";

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("libonnx-testdata is not installed");
      return;
    }
  for (gsize t = 0; t < G_N_ELEMENTS (tests); t++)
    {
      g_autofree char *dir = g_build_filename (root, tests[t], NULL);
      g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
      g_autofree char *in = g_build_filename (dir, "test_data_set_0", "input_0.pb", NULL);
      g_autofree char *out = g_build_filename (dir, "test_data_set_0", "output_0.pb", NULL);
      g_autofree char *bytes = NULL;
      g_autoptr (nn_project) p = NULL;
      g_autoptr (nn_onnx_tensor) x = NULL, want = NULL, y = NULL;
      g_autoptr (GError) error = NULL;
      gsize length;
      nn_onnx_io io;

      g_test_message ("%s", tests[t]);
      g_assert_true (g_file_get_contents (model, &bytes, &length, NULL));
      p = nn_onnx_import_data ((const guint8 *) bytes, length, "model.onnx", NULL, &io, &error);
      g_assert_no_error (error);
      x = nn_onnx_tensor_load (in, &error);
      g_assert_no_error (error);
      want = nn_onnx_tensor_load (out, &error);
      g_assert_no_error (error);
      y = nn_onnx_run (p, &io, x, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (y->size, ==, want->size);
      for (gsize i = 0; i < y->size; i++)
        g_assert_cmpfloat_with_epsilon (y->data[i], want->data[i],
                                        1e-5 + 1e-5 * fabs (want->data[i]));
      nn_onnx_io_clear (&io);
    }
}

static void
on_event (const nn_train_event *e, gpointer user_data)
{
  double *test_loss = user_data;

  if (e->kind == NN_EVENT_DONE)
    *test_loss = e->test_loss;
}

/* A CNN on 8×8 colour images through the pooling layers, trained for two
 * epochs: its PyTorch script must hold each of `expect` and, run by torch,
 * report the same test loss. */
static void
check_pytorch_script (const char *const *layers, const char *const *expect)
{
  g_autofree char *images = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", images, NULL);
  g_autofree char *dir = g_dir_make_tmp ("pool-forms-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "pools.py", NULL);
  g_autofree char *text = NULL, *out = NULL, *err = NULL;
  const char *argv[] = { TEST_PYTHON, script, "--device", "cpu", NULL };
  nn_data_options o = { .image_size = 8 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);
  g_autoptr (nn_project) p = nn_project_new (pool_chain (3, 8, 8, layers));
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  double test_loss = NAN;
  char **lines;
  int status;

  g_assert_no_error (error);
  p->config.epochs = 2;
  p->config.batch = 4;
  p->config.loss = NN_LOSS_CROSS_ENTROPY;
  p->config.seed = 5;
  t = nn_trainer_new (p->graph, ds, &p->config, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t, on_event, &test_loss, NULL, &error));
  g_assert_no_error (error);
  nn_project_set_data (p, spec, &o);
  nn_project_set_normalisation (p, ds->mean, ds->inv_std, (int) nn_dataset_input_size (ds));
  nn_project_take_weights (p, nn_trainer_get_model (t));
  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  for (int i = 0; expect[i] != NULL; i++)
    if (strstr (text, expect[i]) == NULL)
      g_error ("the script lacks %s:\n%s", expect[i], text);
  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pools.py failed:\n%s", err);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), >, 0);
  g_assert_true (json_parser_load_from_data (parser, lines[g_strv_length (lines) - 1], -1, &error));
  g_assert_no_error (error);
  g_test_message ("PyTorch %s; Layerlab test loss %.7g", lines[g_strv_length (lines) - 1],
                  test_loss);
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)),
                                   "test_loss"),
    test_loss, 1e-4 * MAX (1.0, fabs (test_loss)));
  g_strfreev (lines);
}

/* Every form torch's modules take. The dilated 'same' MaxPool2D pads more
 * than half its window, so the script pads it in forward. */
static void
test_pytorch_script (void)
{
  static const char *const layers[] = {
    "conv2d filters=4 kernel=3",                      /* 4×6×6 */
    "maxpool2d size=3 stride=2 padding=1",            /* 4×3×3, odd padding */
    "maxpool2d size=3 stride=1 dilation=3 padding=1", /* 4×3×3, padded in forward */
    "avgpool2d size=3 stride=1 padding=2 pad=1",      /* 4×3×3, counts padding */
    "avgpool2d size=3 size_width=2 stride=1 stride_width=2 padding=1",                /* 4×3×2 */
    "maxpool2d size=2 stride=2 ceil_mode=1",                                          /* 4×2×1 */
    "avgpool2d size=2 size_width=1 stride=1 padding=2 pad=1 pad_width=0 count_pad=0", /* 4×3×1 */
    "dense units=2",
    NULL,
  };
  static const char *const expect[] = {
    "nn.MaxPool2d(3, stride=2, ceil_mode=True)",
    "nn.MaxPool2d(3, stride=1, dilation=3)",
    "(3, 3, 3, 3), value=float('-inf'))",
    "nn.AvgPool2d(3, stride=1, padding=1)",
    "nn.AvgPool2d((3, 2), stride=(1, 2), padding=(1, 0), ceil_mode=True, "
    "count_include_pad=False)",
    "nn.MaxPool2d(2, ceil_mode=True)",
    NULL,
  };

  check_pytorch_script (layers, expect);
}

/* The forms torch's modules refuse, which ONNX models bring: padding past
 * half the window and 'same_lower' with its odd cell first. The script
 * pads them in forward: −inf for a max; zeros for an average, divided by
 * the pooled mask of the cells it counts (the padding too with count_pad,
 * cropped here to what the windows reach). */
static void
test_pytorch_script_onnx_padding (void)
{
  static const char *const layers[] = {
    "conv2d filters=4 kernel=3",                 /* 4×6×6 */
    "maxpool2d size=3 stride=1 padding=2 pad=2", /* 4×8×8 */
    "avgpool2d size=3 stride=2 padding=2 pad=2", /* 4×5×5, counts */
    "avgpool2d size=3 size_width=2 stride=1 padding=2 pad=2 pad_width=1 count_pad=0", /* 4×7×6 */
    "maxpool2d size=2 stride=1 padding=3",                              /* 4×7×6, odd first */
    "avgpool2d size=2 stride=2 padding=3",                              /* 4×4×3 */
    "avgpool2d size=3 stride=1 padding=3",                              /* 4×4×3, even */
    "maxpool2d size=2 stride=1 dilation=2 padding=2 pad=2 ceil_mode=1", /* 4×6×5 */
    "dense units=2",
    NULL,
  };
  static const char *const expect[] = {
    "(2, 2, 2, 2), value=float('-inf'))",
    ".new_ones(1, 1, 12, 12), (0, -1, 0, -1)))",
    "(1, 1, 2, 2))) / ",
    ".new_ones(1, 1, 5, 5), (1, 1, 2, 2)))",
    "(1, 0, 1, 0), value=float('-inf'))",
    "(0, 0, 1, 0))) / ",
    "nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)",
    "nn.MaxPool2d(2, stride=1, dilation=2)",
    NULL,
  };

  check_pytorch_script (layers, expect);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/pool-forms/gradient-max", test_gradient_max);
  g_test_add_func ("/engine/pool-forms/gradient-avg", test_gradient_avg);
  g_test_add_func ("/engine/pool-forms/shapes", test_shapes);
  g_test_add_func ("/engine/pool-forms/count-pad", test_count_pad);
  g_test_add_func ("/engine/pool-forms/same-lower-values", test_same_lower_values);
  g_test_add_func ("/engine/pool-forms/max-ignores-padding", test_max_ignores_padding);
  g_test_add_func ("/engine/pool-forms/infer-errors", test_infer_errors);
  g_test_add_func ("/engine/pool-forms/defaults", test_defaults_keep_old_projects);
  g_test_add_func ("/engine/pool-forms/onnx-round-trip", test_onnx_round_trip);
  g_test_add_func ("/engine/pool-forms/onnx-refuses-counted-partial",
                   test_onnx_refuses_counted_partial);
  g_test_add_func ("/engine/pool-forms/onnx-conformance", test_onnx_conformance);
  g_test_add_func ("/engine/pool-forms/pytorch-script", test_pytorch_script);
  g_test_add_func ("/engine/pool-forms/pytorch-script-onnx-padding",
                   test_pytorch_script_onnx_padding);
  return g_test_run ();
}
