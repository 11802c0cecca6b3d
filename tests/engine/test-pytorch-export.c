/* test-pytorch-export.c — the PyTorch script export: the script has one line
 * per layer and the weights file the sizes the layers need; a layer kind
 * the script cannot build, a project without data, stale weights and an
 * unwritable folder are refused with a message; and, when Debian's python3
 * has torch, the script reproduces Layerlab's test loss for models with
 * branches (Add, Concatenate), BatchNorm, asymmetric padding, transposed
 * convolution, recurrent layers and Resize2D's forms. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "io/pytorch-export.h"
#include "trainer.h"

static int
add (nn_graph *g, const char *kind, int from)
{
  int id = nn_graph_add_node (g, nn_layer_lookup (kind));

  if (from >= 0)
    g_assert_true (nn_graph_connect (g, from, id, -1, NULL));
  return id;
}

static void
set (nn_graph *g, int id, const char *param, double value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (nn_graph_set_param (g, id, param, value, &error));
  g_assert_no_error (error);
}

/* 3×8×8 colour images, two classes: "same" padding with an even kernel
 * (one pixel more after the image than before), BatchNorm, an Add and a
 * Concatenate branch, a transposed convolution whose crop is one-sided,
 * and nodes whose names are not Python identifiers. */
static nn_graph *
branchy_graph (void)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int c1 = add (g, "conv2d", in);
  int bn = add (g, "batchnorm", c1);
  int r = add (g, "relu", bn);
  int c2 = add (g, "conv2d", r);
  int sum = add (g, "add", r);
  int cat, mp, ct, gap, d1, drop, lr, d2;

  set (g, in, "channels", 3);
  set (g, in, "height", 8);
  set (g, in, "width", 8);
  set (g, c1, "filters", 4);
  set (g, c1, "kernel", 4);
  set (g, c1, "padding", 1);
  set (g, c2, "filters", 4);
  set (g, c2, "padding", 1);
  g_assert_true (nn_graph_connect (g, c2, sum, -1, NULL));
  cat = add (g, "concatenate", sum);
  g_assert_true (nn_graph_connect (g, r, cat, -1, NULL));
  mp = add (g, "maxpool2d", cat);
  ct = add (g, "conv2d_transpose", mp);
  set (g, ct, "filters", 4);
  set (g, ct, "kernel", 3);
  gap = add (g, "globalavgpool2d", ct);
  d1 = add (g, "dense", gap);
  set (g, d1, "units", 6);
  drop = add (g, "dropout", d1);
  lr = add (g, "leaky_relu", drop);
  d2 = add (g, "dense", lr);
  set (g, d2, "units", 2);
  add (g, "softmax", d2);
  g_assert_true (nn_graph_rename (g, d1, "class", NULL));
  g_assert_true (nn_graph_rename (g, c2, "my conv", NULL));
  return g;
}

/* 3×8×8 colour images through Resize2D in each form: the ones PyTorch has
 * (bicubic and bilinear by size, with pixel centres or corners lined up;
 * nearest-exact by a factor) as nn.Upsample, the others (nearest rounding
 * halves down, bicubic with ONNX's exclude_outside and a = −0.5,
 * tf_half_pixel_for_nn) through the script's own Resize2d module. */
static nn_graph *
resize_graph (void)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int r1 = add (g, "resize2d", in);
  int r2 = add (g, "resize2d", r1);
  int r3 = add (g, "resize2d", r2);
  int r4 = add (g, "resize2d", r3);
  int r5 = add (g, "resize2d", r4);
  int r6 = add (g, "resize2d", r5);
  int conv = add (g, "conv2d", r6);
  int d = add (g, "dense", add (g, "globalavgpool2d", conv));

  set (g, in, "channels", 3);
  set (g, in, "height", 8);
  set (g, in, "width", 8);
  /* 11×6 bicubic, pixel centres */
  set (g, r1, "height", 11);
  set (g, r1, "width", 6);
  set (g, r1, "interpolation", 2);
  /* × 0.7, nearest from the top-left corner, halves rounded down: 7×4 */
  set (g, r2, "scale", 0.7);
  set (g, r2, "interpolation", 0);
  set (g, r2, "coordinates", 2);
  set (g, r2, "nearest_rounding", 0);
  /* 5×9 bilinear, corners lined up */
  set (g, r3, "height", 5);
  set (g, r3, "width", 9);
  set (g, r3, "coordinates", 1);
  /* 7×7 bicubic, a = −0.5, nothing from beyond the border */
  set (g, r4, "height", 7);
  set (g, r4, "interpolation", 2);
  set (g, r4, "cubic_a", -0.5);
  set (g, r4, "exclude_outside", 1);
  /* × 1.5 nearest-exact: 10×10 */
  set (g, r5, "scale", 1.5);
  set (g, r5, "interpolation", 0);
  /* 6×8 bilinear, TensorFlow's nearest centres */
  set (g, r6, "height", 6);
  set (g, r6, "width", 8);
  set (g, r6, "coordinates", 4);
  set (g, conv, "filters", 4);
  set (g, d, "units", 2);
  add (g, "softmax", d);
  return g;
}

/* Words of five languages as token ids: Embedding, a SimpleRNN returning
 * its sequence, an LSTM, and a Dense head. */
static nn_graph *
recurrent_graph (const nn_dataset *ds)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int emb = add (g, "embedding", in);
  int rnn = add (g, "simple_rnn", emb);
  int lstm = add (g, "lstm", rnn);
  int out = add (g, "dense", lstm);

  set (g, in, "height", 0);
  set (g, in, "width", ds->input_shape.dim[0]);
  set (g, emb, "input_dim", ds->vocab_size);
  set (g, emb, "output_dim", 8);
  set (g, rnn, "units", 12);
  set (g, rnn, "return_sequences", 1);
  set (g, lstm, "units", 10);
  set (g, out, "units", ds->n_classes);
  return g;
}

/* The same words through two original GRUs (reset_after off), which the
 * script builds from its own ClassicGRU module. */
static nn_graph *
classic_gru_graph (const nn_dataset *ds)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int emb = add (g, "embedding", in);
  int first = add (g, "gru", emb);
  int second = add (g, "gru", first);
  int out = add (g, "dense", second);

  set (g, in, "height", 0);
  set (g, in, "width", ds->input_shape.dim[0]);
  set (g, emb, "input_dim", ds->vocab_size);
  set (g, emb, "output_dim", 8);
  set (g, first, "units", 12);
  set (g, first, "return_sequences", 1);
  set (g, first, "reset_after", 0);
  set (g, second, "units", 10);
  set (g, second, "reset_after", 0);
  set (g, out, "units", ds->n_classes);
  return g;
}

/* Tables: standardised features, GELU, BatchNorm over vectors, ELU. */
static nn_graph *
table_graph (const nn_dataset *ds, int outputs)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int d1 = add (g, "dense", in);
  int act = add (g, "gelu", d1);
  int bn = add (g, "batchnorm", act);
  int elu = add (g, "elu", bn);
  int out = add (g, "dense", elu);

  set (g, in, "height", 0);
  set (g, in, "width", ds->input_shape.dim[0]);
  set (g, d1, "units", 8);
  set (g, out, "units", outputs);
  return g;
}

typedef struct
{
  double test_loss, test_accuracy;
} done_numbers;

static void
on_event (const nn_train_event *e, gpointer user_data)
{
  done_numbers *d = user_data;

  if (e->kind == NN_EVENT_DONE)
    {
      d->test_loss = e->test_loss;
      d->test_accuracy = e->test_accuracy;
    }
}

/* Trains graph (ownership taken) for two epochs on spec and returns the
 * project a user would save, with the test numbers of the run. */
static nn_project *
trained_project (nn_graph *graph, const char *spec, const nn_data_options *o, nn_loss_kind loss,
                 done_numbers *done)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, o, NULL, NULL, NULL, &error);
  nn_project *p = nn_project_new (graph);
  g_autoptr (nn_trainer) t = NULL;

  g_assert_no_error (error);
  /* as layerlab-cli does; the export must do the same */
  if (ds->quality.missing_values > 0)
    g_free (nn_dataset_impute (ds, NN_IMPUTE_MEAN));
  p->config.epochs = 2;
  p->config.batch = 4;
  p->config.loss = loss;
  p->config.seed = 5;
  t = nn_trainer_new (p->graph, ds, &p->config, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t, on_event, done, NULL, &error));
  g_assert_no_error (error);
  nn_project_set_data (p, spec, o);
  nn_project_set_normalisation (p, ds->mean, ds->inv_std, (int) nn_dataset_input_size (ds));
  nn_project_take_weights (p, nn_trainer_get_model (t));
  return p;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_script_has_layers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "branchy.py", NULL);
  g_autofree char *images = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", images, NULL);
  g_autofree char *text = NULL;
  nn_data_options o = { .image_size = 8 };
  done_numbers done;
  g_autoptr (nn_project) p =
    trained_project (branchy_graph (), spec, &o, NN_LOSS_CROSS_ENTROPY, &done);
  g_autoptr (GError) error = NULL;
  const char *expected[] = {
    /* asymmetric "same" padding is done in forward, one pixel more after */
    "self.conv2d1 = nn.Conv2d(3, 4, kernel_size=4)",
    "self.conv2d1(F.pad(input1, (1, 2, 1, 2)))",
    "self.batchnorm1 = nn.BatchNorm2d(4, eps=1e-05, momentum=0.1)",
    "self.my_conv = nn.Conv2d(4, 4, kernel_size=3, padding=1)",
    "add1 = relu1 + my_conv",
    "concatenate1 = torch.cat((add1, relu1), dim=1)",
    "self.conv2d_transpose1 = nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2)",
    "F.pad(self.conv2d_transpose1(maxpool2d1), (0, -1, 0, -1))",
    /* a name Python reserves gets the node's id */
    " = nn.Linear(4, 6)  # Dense 'class'",
    "nn.Dropout(p=0.5)",
    "self.leaky_relu1 = nn.LeakyReLU(0.01)",
    "if logits:",
    "return softmax1",
    "FUSED = True",
    "INPUT_SHAPE = (3, 8, 8)",
  };

  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  text = read_text (script);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("the script lacks “%s”:\n%s", expected[i], text);
  g_assert_null (strstr (text, "self.class ="));
  g_assert_true (g_file_test (script, G_FILE_TEST_IS_EXECUTABLE));
}

/* Every tensor of the weights file decodes to as many floats as its shape
 * says, and its shape is the one the layer declares (PyTorch's layout). */
static void
test_weights_have_sizes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "words.py", NULL);
  g_autofree char *weights = g_build_filename (dir, "words.weights.json", NULL);
  g_autofree char *dict = test_fixture_path ("data/dict");
  nn_data_options o = { .limit = 60, .seed = 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GHashTable) sizes = g_hash_table_new (g_str_hash, g_str_equal);
  struct
  {
    const char *key;
    int rows, cols;
  } want[] = {
    { "embedding1.weight", 0, 8 },
    { "simple_rnn1.weight_ih_l0", 12, 8 },
    { "simple_rnn1.weight_hh_l0", 12, 12 },
    { "simple_rnn1.bias_ih_l0", 12, 0 },
    { "lstm1.weight_ih_l0", 40, 12 },
    { "lstm1.weight_hh_l0", 40, 10 },
    { "lstm1.bias_hh_l0", 40, 0 },
    { "dense1.weight", 5, 10 },
    { "dense1.bias", 5, 0 },
  };
  JsonArray *tensors;
  done_numbers done;

  g_setenv ("LAYERLAB_DICT_DIR", dict, TRUE);
  ds = nn_dataset_open ("words", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  want[0].rows = ds->vocab_size;
  p = trained_project (recurrent_graph (ds), "words", &o, NN_LOSS_CROSS_ENTROPY, &done);
  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);

  g_assert_true (json_parser_load_from_file (parser, weights, &error));
  g_assert_no_error (error);
  tensors =
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "tensors");
  g_assert_cmpint (json_array_get_length (tensors), ==, p->weights->len);
  for (guint i = 0; i < json_array_get_length (tensors); i++)
    {
      JsonObject *t = json_array_get_object_element (tensors, i);
      JsonArray *shape = json_object_get_array_member (t, "shape");
      gsize bytes, floats = 1;
      g_autofree guchar *data = g_base64_decode (json_object_get_string_member (t, "data"), &bytes);

      for (guint k = 0; k < json_array_get_length (shape); k++)
        floats *= json_array_get_int_element (shape, k);
      g_assert_cmpuint (bytes, ==, floats * 4);
      g_hash_table_insert (sizes, (gpointer) json_object_get_string_member (t, "key"), shape);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      JsonArray *shape = g_hash_table_lookup (sizes, want[i].key);

      if (shape == NULL)
        g_error ("no tensor %s in the weights file", want[i].key);
      g_assert_cmpint (json_array_get_int_element (shape, 0), ==, want[i].rows);
      g_assert_cmpuint (json_array_get_length (shape), ==, want[i].cols ? 2 : 1);
      if (want[i].cols)
        g_assert_cmpint (json_array_get_int_element (shape, 1), ==, want[i].cols);
    }
}

/* A layer kind the script has no counterpart for is named in the error. */
static void
test_unknown_kind (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "model.py", NULL);
  nn_layer_ops mystery = *nn_layer_lookup ("relu");
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int d = add (g, "dense", in);
  int m = nn_graph_add_node (g, &mystery);
  g_autoptr (nn_project) p = NULL;
  g_autoptr (GError) error = NULL;
  nn_data_options o = { 0 };

  mystery.id = "mystery";
  g_assert_true (nn_graph_connect (g, d, m, -1, NULL));
  set (g, in, "height", 0);
  set (g, in, "width", 2);
  set (g, d, "units", 2);
  p = nn_project_new (g);
  nn_project_set_data (p, "xor", &o);
  g_assert_false (nn_pytorch_export (p, script, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "'relu1'"));
  g_assert_false (g_file_test (script, G_FILE_TEST_EXISTS));
}

static void
test_refusals (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "model.py", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no-such-folder", "model.py", NULL);
  nn_data_options o = { .samples = 40 };
  done_numbers done;
  g_autoptr (nn_dataset) ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, NULL);
  g_autoptr (nn_project) p =
    trained_project (table_graph (ds, 2), "xor", &o, NN_LOSS_CROSS_ENTROPY, &done);
  g_autoptr (nn_project) bare = nn_project_new (table_graph (ds, 2));
  GError *error = NULL;

  /* no dataset */
  g_assert_false (nn_pytorch_export (bare, script, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);

  /* the folder does not exist */
  g_assert_false (nn_pytorch_export (p, nowhere, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, nowhere));
  g_clear_error (&error);

  /* the graph was edited after training */
  set (p->graph, nn_graph_nth_node (p->graph, 1)->id, "units", 9);
  g_assert_false (nn_pytorch_export (p, script, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_SHAPE);
  g_clear_error (&error);
}

/* --- Running the script --------------------------------------------------- */

/* Exports p, runs the script with --epochs 0 and compares its last line
 * with Layerlab's test numbers. */
static void
assert_script_reproduces (const nn_project *p, const char *name, const done_numbers *done)
{
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, name, NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *argv[] = { TEST_PYTHON, script, "--device", "cpu", NULL };
  char **lines, *last;
  int status, n;
  JsonObject *result;

  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s", name, err);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpint (n, >, 0);
  last = lines[n - 1];
  g_assert_true (json_parser_load_from_data (parser, last, -1, &error));
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));
  g_test_message ("%s: PyTorch %s; Layerlab loss %.7g accuracy %.4g", name, last, done->test_loss,
                  done->test_accuracy);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (result, "test_loss"),
                                  done->test_loss, 1e-4 * MAX (1.0, fabs (done->test_loss)));
  if (isfinite (done->test_accuracy))
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (result, "test_accuracy"),
                                    done->test_accuracy, 1e-9);
  g_strfreev (lines);
}

static void
test_runs_branchy (void)
{
  g_autofree char *images = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", images, NULL);
  nn_data_options o = { .image_size = 8 };
  done_numbers done;
  g_autoptr (nn_project) p = NULL;

  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  p = trained_project (branchy_graph (), spec, &o, NN_LOSS_CROSS_ENTROPY, &done);
  assert_script_reproduces (p, "branchy.py", &done);
}

static void
test_runs_recurrent (void)
{
  g_autofree char *dict = test_fixture_path ("data/dict");
  nn_data_options o = { .limit = 60, .seed = 2 };
  done_numbers done;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_project) p = NULL;

  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  g_setenv ("LAYERLAB_DICT_DIR", dict, TRUE);
  ds = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ds);
  p = trained_project (recurrent_graph (ds), "words", &o, NN_LOSS_CROSS_ENTROPY, &done);
  assert_script_reproduces (p, "words.py", &done);
}

static void
test_runs_gru_classic (void)
{
  g_autofree char *dict = test_fixture_path ("data/dict");
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "gru.py", NULL);
  g_autofree char *text = NULL;
  nn_data_options o = { .limit = 60, .seed = 2 };
  done_numbers done;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (GError) error = NULL;

  g_setenv ("LAYERLAB_DICT_DIR", dict, TRUE);
  ds = nn_dataset_open ("words", &o, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ds);
  p = trained_project (classic_gru_graph (ds), "words", &o, NN_LOSS_CROSS_ENTROPY, &done);
  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  text = read_text (script);
  g_assert_nonnull (strstr (text, "class ClassicGRU(nn.Module):"));
  g_assert_nonnull (strstr (text, "self.gru1 = ClassicGRU(8, 12)"));
  g_assert_nonnull (strstr (text, "self.gru2 = ClassicGRU(12, 10)"));
  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  assert_script_reproduces (p, "gru.py", &done);
}

/* Trains graph (taken) on the 8×8 colour images, exports it as `name`,
 * checks the script holds each of `expected`, and runs it when PyTorch is
 * there. */
static void
check_image_script (nn_graph *graph, const char *name, const char *const *expected)
{
  g_autofree char *images = test_fixture_path ("data/png/colour");
  g_autofree char *spec = g_strconcat ("images:", images, NULL);
  g_autofree char *dir = g_dir_make_tmp ("pytorch-export-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  nn_data_options o = { .image_size = 8 };
  done_numbers done;
  g_autoptr (nn_project) p = NULL;
  g_autoptr (GError) error = NULL;

  p = trained_project (graph, spec, &o, NN_LOSS_CROSS_ENTROPY, &done);
  g_assert_true (nn_pytorch_export (p, script, &error));
  g_assert_no_error (error);
  text = read_text (script);
  for (const char *const *e = expected; *e != NULL; e++)
    if (strstr (text, *e) == NULL)
      g_error ("%s lacks %s", name, *e);
  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  assert_script_reproduces (p, name, &done);
}

static void
test_runs_resize (void)
{
  static const char *const expected[] = {
    "nn.Upsample(size=(11, 6), mode='bicubic', align_corners=False)",
    "Resize2d((11, 6), (7, 4), (0.7, 0.7), 'nearest', 'asymmetric', 'round_prefer_floor', -0.75, "
    "False)",
    "nn.Upsample(size=(5, 9), mode='bilinear', align_corners=True)",
    "Resize2d((5, 9), (7, 7), (0, 0), 'bicubic', 'half_pixel', 'round_prefer_ceil', -0.5, True)",
    "nn.Upsample(scale_factor=(1.5, 1.5), mode='nearest-exact')",
    "'tf_half_pixel_for_nn'",
    NULL
  };

  check_image_script (resize_graph (), "resize.py", expected);
}

/* 3×8×8 colour images through two sub-pixel convolutions: Conv2D with
 * four times the channels, then PixelShuffle by 2 in PyTorch's order
 * (nn.PixelShuffle) and in TensorFlow's (the script's DepthToSpace). */
static nn_graph *
pixel_shuffle_graph (void)
{
  nn_graph *g = nn_graph_new ();
  int in = add (g, "input", -1);
  int c1 = add (g, "conv2d", in);
  int ps1 = add (g, "pixel_shuffle", c1);
  int c2 = add (g, "conv2d", add (g, "maxpool2d", ps1));
  int ps2 = add (g, "pixel_shuffle", c2);
  int d = add (g, "dense", add (g, "globalavgpool2d", ps2));

  set (g, in, "channels", 3);
  set (g, in, "height", 8);
  set (g, in, "width", 8);
  set (g, c1, "filters", 12);
  set (g, c1, "padding", 1);
  set (g, c2, "filters", 8);
  set (g, c2, "padding", 1);
  set (g, ps2, "order", 1);
  set (g, d, "units", 2);
  return g;
}

static void
test_runs_pixel_shuffle (void)
{
  static const char *const expected[] = { "nn.PixelShuffle(2)",
                                          "class DepthToSpace(nn.Module):", "DepthToSpace(2)",
                                          NULL };

  check_image_script (pixel_shuffle_graph (), "shuffle.py", expected);
}

/* A missing value imputed, standardisation from the project, BatchNorm
 * over vectors, and MSE on one-hot targets: the script must read the same
 * standardised floats. */
static void
test_runs_table (void)
{
  g_autofree char *csv = test_fixture_path ("cli/flowers.csv");
  g_autofree char *spec = g_strconcat ("csv:", csv, NULL);
  nn_data_options o = { 0 };
  done_numbers done;
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (nn_project) p = NULL;

  if (!test_have_torch ())
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ds);
  p = trained_project (table_graph (ds, ds->n_classes), spec, &o, NN_LOSS_MSE, &done);
  g_assert_nonnull (p->norm_mean);
  assert_script_reproduces (p, "flowers.py", &done);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/pytorch-export/script-has-layers", test_script_has_layers);
  g_test_add_func ("/io/pytorch-export/weights-have-sizes", test_weights_have_sizes);
  g_test_add_func ("/io/pytorch-export/unknown-kind", test_unknown_kind);
  g_test_add_func ("/io/pytorch-export/refusals", test_refusals);
  g_test_add_func ("/io/pytorch-export/runs/branches", test_runs_branchy);
  g_test_add_func ("/io/pytorch-export/runs/recurrent", test_runs_recurrent);
  g_test_add_func ("/io/pytorch-export/runs/table", test_runs_table);
  g_test_add_func ("/io/pytorch-export/runs/gru-classic", test_runs_gru_classic);
  g_test_add_func ("/io/pytorch-export/runs/resize", test_runs_resize);
  g_test_add_func ("/io/pytorch-export/runs/pixel-shuffle", test_runs_pixel_shuffle);
  return g_test_run ();
}
