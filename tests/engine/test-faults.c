/* test-faults.c — what goes wrong around the engine rather than in it: a
 * full disk and a read-only folder while saving, data files that vanish or
 * shrink while they load, a model too large for memory, a learning rate
 * that blows training up, and a worker thread pushed through random
 * start/pause/step/stop cycles. Each fault must end in a message and leave
 * the user's files and the process intact. Run under ASan + LSan by
 * tools/test.sh, so a leak on one of these paths fails too. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine-test-util.h"
#include "error.h"
#include "io/project.h"
#include "templates.h"
#include "trainer.h"

/* The huge-model case asks for terabytes on purpose: under a sanitizer the
 * allocator must say no (return NULL) as the C library does, not abort. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "allocator_may_return_null=1";
}
const char *__tsan_default_options (void);
const char *
__tsan_default_options (void)
{
  return "allocator_may_return_null=1";
}

static nn_dataset *
xor_data (int samples)
{
  nn_data_options o = { .samples = samples, .noise = -1, .seed = 3 };
  g_autoptr (GError) error = NULL;
  nn_dataset *ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

static void
config (nn_trainer_config *c, const char *template, const nn_dataset *ds)
{
  nn_trainer_config_init (c);
  nn_template_apply_config (nn_template_lookup (template), ds, c);
  c->threads = 1;
}

static char *
read_file (const char *path, gsize *length)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

/* Files in dir other than `except`: a failed save must not leave its
 * temporary file behind. */
static int
count_other_files (const char *dir, const char *except)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    n += strcmp (name, except) != 0;
  return n;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

/* A project with trained-size weights (an MLP on 2 features), big enough
 * that its JSON is many kilobytes. */
static nn_project *
project_with_weights (void)
{
  g_autoptr (nn_dataset) ds = xor_data (20);
  nn_graph *g = nn_template_build ("mlp", ds, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_model) m = nn_model_compile (g, 1, 7, &error);
  nn_project *p;

  g_assert_no_error (error);
  p = nn_project_new (g);
  nn_project_take_weights (p, m);
  return p;
}

/* --- Saving ------------------------------------------------------------ */

/* The folder both save tests use: the parent writes the old project and
 * checks it afterwards; the subprocess (a fresh process, so its limits and
 * user do not leak into the other tests) tries to overwrite it. */
static const char *
save_dir (const char *kind)
{
  static char *dirs[2];
  int k = strcmp (kind, "full") == 0 ? 0 : 1;

  if (dirs[k] == NULL)
    {
      /* The subprocess must find the parent's folder: both name it after the parent's pid. */
      int owner = g_test_subprocess () ? (int) getppid () : (int) getpid ();
      g_autofree char *base = g_strdup_printf ("layerlab-faults-%s-%d", kind, owner);
      dirs[k] = g_build_filename (g_get_tmp_dir (), base, NULL);
    }
  return dirs[k];
}

static char *
write_old_project (const char *dir, gsize *old_length)
{
  g_autoptr (nn_dataset) ds = xor_data (20);
  g_autoptr (nn_project) old = nn_project_new (nn_template_build ("tiny-mlp", ds, NULL));
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, "model.layerlab", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (nn_project_save (old, path, &error));
  g_assert_no_error (error);
  g_free (read_file (path, old_length));
  return path;
}

static void
assert_old_intact (const char *path, const char *before, gsize before_length)
{
  gsize length;
  g_autofree char *after = read_file (path, &length);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_project) p = NULL;

  g_assert_cmpmem (after, length, before, before_length);
  p = nn_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_other_files (dir, name), ==, 0);
}

static void
test_full_disk (void)
{
  const char *dir;

  if (g_test_subprocess ())
    {
      g_autoptr (nn_project) p = project_with_weights ();
      g_autofree char *path = g_build_filename (save_dir ("full"), "model.layerlab", NULL);
      g_autoptr (GError) error = NULL;
      gsize length;
      g_autofree char *data = nn_project_to_data (p, &length);
      /* A disk that fills up half way through the new file. */
      struct rlimit limit = { length / 2, length / 2 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (nn_project_save (p, path, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_IO);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
      return;
    }
  dir = save_dir ("full");
  remove_tree (dir);
  {
    gsize old_length;
    g_autofree char *path = write_old_project (dir, &old_length);
    g_autofree char *before = read_file (path, &old_length);

    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed ();
    assert_old_intact (path, before, old_length);
  }
  remove_tree (dir);
}

static void
test_read_only_folder (void)
{
  const char *dir;

  if (g_test_subprocess ())
    {
      g_autoptr (nn_project) p = project_with_weights ();
      g_autofree char *path = g_build_filename (save_dir ("read-only"), "model.layerlab", NULL);
      g_autoptr (GError) error = NULL;

      /* root writes anywhere: become nobody, as a user would be */
      if (geteuid () == 0)
        g_assert_true (setgid (65534) == 0 && setuid (65534) == 0);
      g_assert_false (nn_project_save (p, path, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_IO);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
      return;
    }
  dir = save_dir ("read-only");
  remove_tree (dir);
  {
    gsize old_length;
    g_autofree char *path = write_old_project (dir, &old_length);
    g_autofree char *before = read_file (path, &old_length);

    g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed ();
    assert_old_intact (path, before, old_length);
    g_chmod (dir, 0755);
  }
  remove_tree (dir);
}

/* --- Files that change while they load -------------------------------- */

typedef struct
{
  char *remove, *truncate; /* acted on at the first progress report */
  double at;               /* …at or after this fraction */
  gboolean done;
} Sabotage;

static void
sabotage (double fraction, gpointer data)
{
  Sabotage *s = data;

  if (s->done || fraction < s->at)
    return;
  s->done = TRUE;
  if (s->remove != NULL)
    g_assert_cmpint (g_remove (s->remove), ==, 0);
  if (s->truncate != NULL)
    g_assert_cmpint (truncate (s->truncate, 20), ==, 0);
}

static void
copy_fixture (const char *fixture, const char *to)
{
  g_autofree char *from = test_fixture_path (fixture);
  g_autofree char *data = NULL;
  g_autofree char *parent = g_path_get_dirname (to);
  gsize length;
  g_autoptr (GError) error = NULL;

  data = read_file (from, &length);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (to, data, (gssize) length, &error);
  g_assert_no_error (error);
}

/* Images are listed, then read one by one: one vanishes and one is cut
 * short after the listing. Both are skipped with a warning naming them;
 * the rest load. */
static void
test_images_change_while_loading (void)
{
  g_autofree char *dir = g_dir_make_tmp ("layerlab-faults-XXXXXX", NULL);
  static const char *const names[] = { "grey1.png", "grey2.png", "grey4.png", "grey8.png" };
  g_autofree char *spec = g_strconcat ("images:", dir, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *warnings = NULL;
  Sabotage s = { 0 };

  for (int c = 0; c < 2; c++)
    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *fixture = g_build_filename ("data/png/grey/dark", names[i], NULL);
        g_autofree char *to = g_build_filename (dir, c == 0 ? "dark" : "light", names[i], NULL);
        copy_fixture (fixture, to);
      }
  s.remove = g_build_filename (dir, "dark", "grey4.png", NULL);
  s.truncate = g_build_filename (dir, "light", "grey2.png", NULL);
  ds = nn_dataset_open (spec, NULL, NULL, sabotage, &s, &error);
  g_assert_no_error (error);
  g_assert_true (s.done);
  g_assert_cmpint (ds->n_samples, ==, 6);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_nonnull (ds->load_warnings);
  warnings = g_strjoinv ("\n", ds->load_warnings);
  g_test_message ("%s", warnings);
  g_assert_nonnull (strstr (warnings, s.remove));
  g_assert_nonnull (strstr (warnings, s.truncate));
  g_free (s.remove);
  g_free (s.truncate);
  remove_tree (dir);
}

/* The labels file vanishes after the images were read: a message names it. */
static void
test_labels_removed_while_loading (void)
{
  g_autofree char *dir = g_dir_make_tmp ("layerlab-faults-XXXXXX", NULL);
  g_autofree char *images = g_build_filename (dir, "images.idx", NULL);
  g_autofree char *labels = g_build_filename (dir, "labels.idx", NULL);
  g_autofree char *spec = g_strdup_printf ("idx:%s:%s", images, labels);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = NULL;
  Sabotage s = { .at = 0.5 };

  copy_fixture ("data/idx/u8-images.idx", images);
  copy_fixture ("data/idx/u8-labels.idx", labels);
  s.remove = labels;
  ds = nn_dataset_open (spec, NULL, NULL, sabotage, &s, &error);
  g_assert_true (s.done);
  g_assert_null (ds);
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, labels));
  remove_tree (dir);
}

/* --- Memory ------------------------------------------------------------ */

/* 16 M inputs into 1 M units: 64 TiB of weights. A message, not an abort. */
static void
test_huge_model (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_model) m = NULL;
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int dense = nn_graph_add_node (g, nn_layer_lookup ("dense"));

  g_assert_true (nn_graph_set_param (g, in, "channels", 1, NULL));
  g_assert_true (nn_graph_set_param (g, in, "height", 0, NULL));
  g_assert_true (nn_graph_set_param (g, in, "width", 1 << 24, NULL));
  g_assert_true (nn_graph_set_param (g, dense, "units", 1 << 20, NULL));
  g_assert_true (nn_graph_connect (g, in, dense, -1, NULL));
  m = nn_model_compile (g, 32, 0, &error);
  g_assert_null (m);
  g_assert_error (error, NN_ERROR, NN_ERROR_MEMORY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "memory"));
}

/* --- The worker thread -------------------------------------------------- */

/* Pops events until a done event or `seconds` pass; the done event's copy. */
static nn_train_event *
wait_done (nn_trainer *t, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      g_autoptr (GPtrArray) events = nn_trainer_pop_events (t);
      for (guint i = 0; i < events->len; i++)
        {
          const nn_train_event *e = events->pdata[i];
          g_assert_cmpint (e->kind, !=, NN_EVENT_ERROR);
          if (e->kind == NN_EVENT_DONE)
            return nn_train_event_copy (e);
        }
      g_usleep (2000);
    }
  return NULL;
}

/* lr 1e6 on the worker thread: the guard stops the run, says why and puts
 * finite weights back, which still evaluate to a finite loss. */
static void
test_divergence_guard (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("mlp", ds, NULL);
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_train_event) done = NULL;
  const nn_split *split;
  nn_trainer_config c;
  nn_metrics metrics;
  float *w;
  gsize n;
  double loss;

  config (&c, "mlp", ds);
  c.optimizer = NN_OPTIMIZER_SGD;
  c.lr = 1e6;
  c.epochs = 1000;
  t = nn_trainer_new (g, ds, &c, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_start (t, FALSE, NULL, NULL, &error));
  done = wait_done (t, 60);
  g_assert_nonnull (done);
  g_assert_cmpint (done->reason, ==, NN_DONE_DIVERGED);
  g_test_message ("%s", done->message);
  g_assert_nonnull (strstr (done->message, "learning rate"));
  nn_trainer_stop (t);
  w = nn_trainer_snapshot_weights (t, &n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (w[i]));
  nn_free_floats (w);
  split = nn_trainer_get_split (t);
  nn_metrics_init (&metrics, ds->task, ds->n_classes, 0);
  loss = nn_model_evaluate (nn_trainer_get_model (t), ds, split->train, split->n_train, c.loss,
                            &metrics);
  nn_metrics_clear (&metrics);
  g_assert_true (isfinite (loss));
}

/* 100 runs, each driven by a random mix of the commands a window sends,
 * ended by stop or by freeing the running trainer. A deadlock shows as a
 * stop that does not return (the test's timeout), a race under TSan, a
 * leak under LSan. */
static void
test_random_cycles (void)
{
  g_autoptr (nn_dataset) ds = xor_data (200);
  g_autoptr (nn_graph) g = nn_template_build ("tiny-mlp", ds, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);
  nn_trainer_config c;
  int dones = 0;

  config (&c, "tiny-mlp", ds);
  c.epochs = 100000; /* only stop ends a run */
  c.batch = 8;
  for (int cycle = 0; cycle < 100; cycle++)
    {
      g_autoptr (GError) error = NULL;
      nn_trainer *t = nn_trainer_new (g, ds, &c, &error);
      int commands = g_rand_int_range (rand, 0, 12);
      gint64 started;

      g_assert_no_error (error);
      g_assert_true (nn_trainer_start (t, g_rand_boolean (rand), NULL, NULL, &error));
      for (int k = 0; k < commands; k++)
        {
          switch (g_rand_int_range (rand, 0, 6))
            {
              case 0:
                nn_trainer_pause (t);
                break;
              case 1:
                nn_trainer_resume (t);
                break;
              case 2:
                nn_trainer_step_paused (t);
                break;
              case 3:
                g_ptr_array_unref (nn_trainer_pop_events (t));
                break;
              case 4:
                {
                  gsize n;
                  nn_free_floats (nn_trainer_snapshot_weights (t, &n));
                }
                break;
              default:
                g_usleep (g_rand_int_range (rand, 0, 3000));
            }
        }
      started = g_get_monotonic_time ();
      if (g_rand_int_range (rand, 0, 4) == 0)
        nn_trainer_free (t); /* a window closed mid-run */
      else
        {
          nn_train_event *done;

          nn_trainer_stop (t);
          g_assert_false (nn_trainer_is_running (t));
          done = wait_done (t, 1);
          g_assert_nonnull (done);
          g_assert_cmpint (done->reason, ==, NN_DONE_STOPPED);
          nn_train_event_free (done);
          dones++;
          nn_trainer_free (t);
        }
      /* stop acts within one batch of a tiny model */
      g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
    }
  g_test_message ("%d runs stopped, %d freed while running", dones, 100 - dones);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/faults/full-disk", test_full_disk);
  g_test_add_func ("/engine/faults/read-only-folder", test_read_only_folder);
  g_test_add_func ("/engine/faults/images-change-while-loading", test_images_change_while_loading);
  g_test_add_func ("/engine/faults/labels-removed-while-loading",
                   test_labels_removed_while_loading);
  g_test_add_func ("/engine/faults/huge-model", test_huge_model);
  g_test_add_func ("/engine/faults/divergence-guard", test_divergence_guard);
  g_test_add_func ("/engine/faults/random-cycles", test_random_cycles);
  return g_test_run ();
}
