/* test-inspect.c — the numbers behind the Inside tab, checked against
 * what they must equal: the model's own outputs, finite differences, sums
 * over the confusion matrix, the weight arena. */
#include <math.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "inspect.h"
#include "templates.h"
#include "trainer.h"

typedef struct
{
  nn_dataset *ds;
  nn_trainer *trainer;
  nn_model *model; /* the trainer's */
  const nn_split *split;
} Trained;

/* tiny-mlp on XOR, trained for a few epochs: good, not perfect. */
static void
trained_setup (Trained *t, gconstpointer data)
{
  nn_data_options o = { .samples = 400, .noise = 0.3, .seed = 5 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = NULL;
  nn_trainer_config c;

  (void) data;
  t->ds = nn_dataset_open ("xor", &o, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g = nn_template_build ("tiny-mlp", t->ds, &error);
  g_assert_no_error (error);
  nn_trainer_config_init (&c);
  c.epochs = 30;
  c.batch = 16;
  c.lr = 0.03;
  c.seed = 1;
  c.threads = 1;
  t->trainer = nn_trainer_new (g, t->ds, &c, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_fit (t->trainer, NULL, NULL, NULL, &error));
  t->model = nn_trainer_get_model (t->trainer);
  t->split = nn_trainer_get_split (t->trainer);
}

static void
trained_teardown (Trained *t, gconstpointer data)
{
  (void) data;
  nn_trainer_free (t->trainer);
  nn_dataset_free (t->ds);
}

static void
test_activations (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_activations) a = NULL;
  const nn_graph *g = nn_model_graph (t->model);
  int sample = t->split->test[0];
  float x[2];
  double sum = 0;

  (void) data;
  a = nn_inspect_activations (t->model, t->ds, sample, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->n_nodes, ==, nn_graph_n_nodes (g));
  g_assert_cmpstr (a->nodes[0].ops->id, ==, "input");
  nn_dataset_gather (t->ds, &sample, 1, x, NULL, NULL);
  g_assert_cmpfloat (a->nodes[0].values[0], ==, x[0]);
  g_assert_cmpfloat (a->nodes[0].values[1], ==, x[1]);
  for (int k = 0; k < a->n_nodes; k++)
    {
      const nn_node_output *o = &a->nodes[k];

      g_assert_nonnull (nn_graph_lookup (g, o->id));
      for (gsize i = 0; i < nn_shape_size (&o->shape); i++)
        g_assert_true (o->values[i] >= o->min && o->values[i] <= o->max);
    }
  /* tanh layers stay within (-1, 1) */
  g_assert_cmpstr (a->nodes[2].ops->id, ==, "tanh");
  g_assert_cmpfloat (a->nodes[2].max, <=, 1.0f);
  g_assert_cmpint (a->n_classes, ==, 2);
  for (int j = 0; j < a->n_classes; j++)
    sum += a->probs[j];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
  g_assert_cmpint (a->true_class, ==, t->ds->labels[sample]);
  g_assert_cmpint (a->predicted, ==, a->probs[1] > a->probs[0] ? 1 : 0);
  g_assert_cmpstr (a->class_names[a->predicted], ==, t->ds->class_names[a->predicted]);
}

static void
test_activations_bad_index (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  nn_activations *a = nn_inspect_activations (t->model, t->ds, t->ds->n_samples, &error);

  (void) data;
  g_assert_null (a);
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "399"));
}

static void
test_confusion (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_confusion) c = NULL;
  gint64 sum = 0, diag = 0;

  (void) data;
  c = nn_inspect_confusion (t->model, t->ds, t->split->test, t->split->n_test,
                            NN_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->n_classes, ==, 2);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      {
        sum += c->counts[i * 2 + j];
        diag += i == j ? c->counts[i * 2 + j] : 0;
      }
  g_assert_cmpint (sum, ==, t->split->n_test);
  g_assert_cmpint (c->total, ==, t->split->n_test);
  g_assert_cmpfloat_with_epsilon (c->accuracy, (double) diag / sum, 1e-12);
  g_assert_cmpfloat (c->accuracy, >, 0.8);
  /* recall of class 0 is its diagonal over its row */
  g_assert_cmpfloat_with_epsilon (c->recall[0],
                                  (double) c->counts[0] / (c->counts[0] + c->counts[1]), 1e-12);
  g_assert_cmpfloat_with_epsilon (c->precision[1],
                                  (double) c->counts[3] / (c->counts[1] + c->counts[3]), 1e-12);
  g_assert_true (isfinite (c->loss));
}

static void
test_confusion_empty (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  g_assert_null (nn_inspect_confusion (t->model, t->ds, NULL, 0, NN_LOSS_CROSS_ENTROPY, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

static void
test_misclassified (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_mistakes) mk = NULL;
  g_autoptr (nn_confusion) c = NULL;
  const int *idx = t->split->train;
  int n = t->split->n_train;

  (void) data;
  mk = nn_inspect_misclassified (t->model, t->ds, idx, n, 5, &error);
  g_assert_no_error (error);
  c = nn_inspect_confusion (t->model, t->ds, idx, n, NN_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk->examined, ==, n);
  g_assert_cmpint (mk->wrong, ==, c->counts[1] + c->counts[2]);
  g_assert_cmpint (mk->wrong, >, 0); /* noisy XOR: some points sit on the wrong side */
  g_assert_cmpint (mk->n_items, ==, MIN (5, mk->wrong));
  for (int i = 0; i < mk->n_items; i++)
    {
      const nn_mistake *e = &mk->items[i];

      g_assert_cmpint (e->true_class, ==, t->ds->labels[e->index]);
      g_assert_cmpint (e->predicted, !=, e->true_class);
      g_assert_cmpfloat (e->confidence, >=, 0.5f);
      g_assert_cmpfloat_with_epsilon (e->confidence + e->true_prob, 1.0, 1e-5);
      if (i > 0)
        g_assert_cmpfloat (e->confidence, <=, mk->items[i - 1].confidence);
    }
}

/* The predicted class's logit at x, for finite differences. */
static double
score_at (nn_model *m, const float *x, int cls, gboolean final_softmax)
{
  nn_model_forward (m, x, 1, FALSE, NULL);
  return (final_softmax ? nn_model_logits (m) : nn_model_output (m))[cls];
}

static void
check_saliency (nn_model *m, nn_dataset *ds, int sample)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_saliency) s = nn_inspect_saliency (m, ds, sample, &error);
  gsize size = nn_model_input_size (m);
  g_autofree float *x = g_new (float, size);
  const double eps = 1e-3;

  g_assert_no_error (error);
  g_assert_null (nn_model_input_gradient (m)); /* left as it was */
  nn_dataset_gather (ds, &sample, 1, x, NULL, NULL);
  for (gsize i = 0; i < size; i++)
    {
      float keep = x[i];
      double up, down;

      x[i] = keep + eps;
      up = score_at (m, x, s->predicted, nn_model_has_final_softmax (m));
      x[i] = keep - eps;
      down = score_at (m, x, s->predicted, nn_model_has_final_softmax (m));
      x[i] = keep;
      double numeric = fabs (up - down) / (2 * eps);

      g_assert_cmpfloat_with_epsilon (s->gradient[i], numeric, 5e-3 * MAX (1.0, numeric));
    }
  g_assert_cmpfloat (s->max_gradient, >, 0);
  for (gsize i = 0; i < size; i++)
    g_assert_cmpfloat (s->map[i], <=, 1.0f);
}

static void
test_saliency (Trained *t, gconstpointer data)
{
  (void) data;
  check_saliency (t->model, t->ds, t->split->test[3]);
}

/* BatchNorm's gradient in inference mode uses the running statistics; a
 * backward that assumed training mode would give another number (with one
 * sample, zero). */
static void
test_saliency_batchnorm (void)
{
  nn_data_options o = { .samples = 64, .noise = 0.1, .seed = 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open ("moons", &o, NULL, NULL, NULL, &error);
  g_autoptr (nn_graph) g = nn_graph_new ();
  g_autoptr (nn_model) m = NULL;
  int in = nn_graph_add_node (g, nn_layer_lookup ("input"));
  int d1 = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  int bn = nn_graph_add_node (g, nn_layer_lookup ("batchnorm"));
  int act = nn_graph_add_node (g, nn_layer_lookup ("tanh"));
  int d2 = nn_graph_add_node (g, nn_layer_lookup ("dense"));
  gsize n_state;
  float *state;

  g_assert_no_error (error);
  g_assert_true (nn_graph_set_param (g, in, "channels", 1, &error));
  g_assert_true (nn_graph_set_param (g, in, "height", 0, &error));
  g_assert_true (nn_graph_set_param (g, in, "width", 2, &error));
  g_assert_true (nn_graph_set_param (g, d1, "units", 4, &error));
  g_assert_true (nn_graph_set_param (g, d2, "units", 2, &error));
  g_assert_no_error (error);
  g_assert_true (nn_graph_connect (g, in, d1, -1, NULL));
  g_assert_true (nn_graph_connect (g, d1, bn, -1, NULL));
  g_assert_true (nn_graph_connect (g, bn, act, -1, NULL));
  g_assert_true (nn_graph_connect (g, act, d2, -1, NULL));
  m = nn_model_compile (g, 8, 4, &error);
  g_assert_no_error (error);
  /* running statistics that differ from identity, as after training */
  state = nn_model_node_state (m, bn, &n_state);
  g_assert_cmpuint (n_state, ==, 8);
  for (int i = 0; i < 4; i++)
    {
      state[i] = 0.1f * i;
      state[4 + i] = 0.5f + 0.3f * i;
    }
  check_saliency (m, ds, 7);
}

static void
test_boundary (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_boundary) b = NULL;
  int agree = 0;

  (void) data;
  b = nn_inspect_boundary (t->model, t->ds, t->split->test, t->split->n_test, 40, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpint (b->width, ==, 40);
  g_assert_cmpint (b->height, ==, 30);
  g_assert_cmpint (b->n_classes, ==, 2);
  g_assert_cmpint (b->n_points, ==, t->split->n_test);
  for (int i = 0; i < 40 * 30; i++)
    g_assert_cmpfloat_with_epsilon (b->probs[2 * i] + b->probs[2 * i + 1], 1.0, 1e-5);
  /* every point inside the plane, and the plane's class at a point is
   * mostly its label */
  for (int i = 0; i < b->n_points; i++)
    {
      double px = b->points[2 * i], py = b->points[2 * i + 1];
      int col = (int) ((px - b->x_min) / (b->x_max - b->x_min) * b->width);
      int row = (int) ((b->y_max - py) / (b->y_max - b->y_min) * b->height);
      const float *p;

      g_assert_cmpint (col, >=, 0);
      g_assert_cmpint (col, <, b->width);
      g_assert_cmpint (row, >=, 0);
      g_assert_cmpint (row, <, b->height);
      p = b->probs + ((gsize) row * b->width + col) * 2;
      agree += (p[1] > p[0]) == (b->labels[i] == 1);
    }
  g_assert_cmpfloat ((double) agree / b->n_points, >, 0.75);
  /* tiny-mlp: Dense tanh → Dense tanh → Dense 2: two hidden tanh layers */
  g_assert_cmpint (b->n_layers, ==, 2);
  for (int l = 0; l < 2; l++)
    {
      const nn_node *node = nn_graph_lookup (nn_model_graph (t->model), b->layers[l].id);
      nn_shape shape;

      g_assert_cmpstr (node->desc.ops->id, ==, "tanh");
      nn_model_activation (t->model, node->id, &shape);
      g_assert_cmpint (b->layers[l].units, ==, shape.dim[0]);
      g_assert_cmpfloat (b->layers[l].min, >=, -1.0f);
      g_assert_cmpfloat (b->layers[l].max, <=, 1.0f);
      g_assert_cmpfloat (b->layers[l].max, >, b->layers[l].min);
    }
}

static void
test_boundary_not_2d (void)
{
  nn_data_options o = { .label = "label" };
  g_autofree char *path = test_fixture_path ("data/csv/quality.csv");
  g_autofree char *spec = g_strconcat ("csv:", path, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, &o, NULL, NULL, NULL, &error);
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_model) m = NULL;
  int all[] = { 0, 1 };

  g_assert_no_error (error);
  g = nn_template_build ("tiny-mlp", ds, &error);
  g_assert_no_error (error);
  m = nn_model_compile (g, 4, 0, &error);
  g_assert_no_error (error);
  g_assert_null (nn_inspect_boundary (m, ds, all, 2, 10, 10, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2 input features"));
}

static void
test_histograms (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_histograms) h = NULL;
  g_autoptr (nn_histograms) only_w = NULL;
  const nn_weight_range *ranges;
  const float *w;
  int n_ranges;

  (void) data;
  h = nn_inspect_histograms (t->model, t->ds, t->split->train, t->split->n_train,
                             NN_LOSS_CROSS_ENTROPY, 16, &error);
  g_assert_no_error (error);
  ranges = nn_model_weight_ranges (t->model, &n_ranges);
  w = nn_model_weights (t->model, NULL);
  g_assert_cmpint (h->n_tensors, ==, n_ranges);
  g_assert_true (h->has_grads);
  g_assert_true (isfinite (h->batch_loss));
  for (int r = 0; r < n_ranges; r++)
    {
      const nn_weight_stats *s = &h->tensors[r];
      int w_count = 0, g_count = 0;
      double sq = 0;

      g_assert_cmpuint (s->size, ==, ranges[r].size);
      for (int b = 0; b < 16; b++)
        {
          w_count += s->w_bins[b];
          g_count += s->g_bins[b];
        }
      g_assert_cmpint (w_count, ==, (int) s->size);
      g_assert_cmpint (g_count, ==, (int) s->size);
      for (gsize i = 0; i < ranges[r].size; i++)
        sq += (double) w[ranges[r].offset + i] * w[ranges[r].offset + i];
      g_assert_cmpfloat_with_epsilon (s->w_norm, sqrt (sq), 1e-6);
      g_assert_cmpfloat (s->g_norm, >, 0);
    }
  g_assert_cmpstr (h->tensors[0].weight_name, ==, "weight");
  g_assert_cmpstr (h->tensors[1].weight_name, ==, "bias");

  only_w = nn_inspect_histograms (t->model, t->ds, NULL, 0, NN_LOSS_CROSS_ENTROPY, 8, &error);
  g_assert_no_error (error);
  g_assert_false (only_w->has_grads);
  g_assert_null (only_w->tensors[0].g_bins);
  g_assert_null (nn_inspect_histograms (t->model, t->ds, NULL, 0, NN_LOSS_MSE, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

static void
test_filters_conv (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build ("seed-cnn", NULL, &error);
  g_autoptr (nn_model) m = NULL;
  g_autoptr (nn_filters) f = NULL;
  const nn_weight_range *ranges;
  int n;

  g_assert_no_error (error);
  m = nn_model_compile (g, 2, 9, &error);
  g_assert_no_error (error);
  f = nn_inspect_filters (m, &error);
  g_assert_no_error (error);
  g_assert_false (f->from_dense);
  g_assert_cmpint (f->n_filters, ==, 32);
  g_assert_cmpint (f->channels, ==, 1);
  g_assert_cmpint (f->height, ==, 3);
  g_assert_cmpint (f->width, ==, 3);
  ranges = nn_model_weight_ranges (m, &n);
  g_assert_cmpmem (f->values, 32 * 9 * sizeof (float),
                   nn_model_weights (m, NULL) + ranges[0].offset, ranges[0].size * sizeof (float));
}

static void
test_filters_dense_image (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build ("mlp", NULL, &error);
  g_autoptr (nn_model) m = NULL;
  g_autoptr (nn_filters) f = NULL;

  g_assert_no_error (error);
  m = nn_model_compile (g, 2, 9, &error);
  g_assert_no_error (error);
  f = nn_inspect_filters (m, &error);
  g_assert_no_error (error);
  g_assert_true (f->from_dense);
  g_assert_cmpint (f->n_filters, ==, 64); /* of 128 units */
  g_assert_cmpint (f->channels, ==, 1);
  g_assert_cmpint (f->height, ==, 28);
  g_assert_cmpint (f->width, ==, 28);
}

static void
test_filters_none (Trained *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  g_assert_null (nn_inspect_filters (t->model, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define TRAINED(path, fn) g_test_add (path, Trained, NULL, trained_setup, fn, trained_teardown)
  TRAINED ("/engine/inspect/activations", test_activations);
  TRAINED ("/engine/inspect/activations/bad-index", test_activations_bad_index);
  TRAINED ("/engine/inspect/confusion", test_confusion);
  TRAINED ("/engine/inspect/confusion/empty", test_confusion_empty);
  TRAINED ("/engine/inspect/misclassified", test_misclassified);
  TRAINED ("/engine/inspect/saliency/finite-differences", test_saliency);
  g_test_add_func ("/engine/inspect/saliency/batchnorm-inference", test_saliency_batchnorm);
  TRAINED ("/engine/inspect/boundary", test_boundary);
  g_test_add_func ("/engine/inspect/boundary/not-2d", test_boundary_not_2d);
  TRAINED ("/engine/inspect/histograms", test_histograms);
  g_test_add_func ("/engine/inspect/filters/conv", test_filters_conv);
  g_test_add_func ("/engine/inspect/filters/dense-image", test_filters_dense_image);
  TRAINED ("/engine/inspect/filters/none", test_filters_none);
  return g_test_run ();
}
