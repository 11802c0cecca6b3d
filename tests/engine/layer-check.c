/* layer-check.c — run one layer alone, check its gradients numerically and
 * against PyTorch fixtures. */
#include "layer-check.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "engine-test-util.h"
#include "error.h"
#include "tensor.h"

static float *
alloc_floats (gsize n)
{
  float *p = nn_alloc_floats (MAX (n, 1));

  g_assert_nonnull (p);
  memset (p, 0, sizeof (float) * MAX (n, 1));
  return p;
}

void
layer_desc_make (nn_layer_desc *d, const char *kind, ...)
{
  const nn_layer_ops *ops = nn_layer_lookup (kind);
  va_list ap;
  const char *setting;

  g_assert_nonnull (ops);
  nn_layer_desc_init (d, ops);
  va_start (ap, kind);
  while ((setting = va_arg (ap, const char *)) != NULL)
    {
      g_auto (GStrv) kv = g_strsplit (setting, "=", 2);
      int i = nn_layer_param_index (ops, kv[0]);
      double value;
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (i, >=, 0);
      g_assert_nonnull (kv[1]);
      if (ops->params[i].type == NN_PARAM_ENUM)
        {
          value = -1;
          for (int c = 0; ops->params[i].choices[c] != NULL; c++)
            if (g_str_equal (ops->params[i].choices[c], kv[1]))
              value = c;
        }
      else if (g_str_equal (kv[1], "true") || g_str_equal (kv[1], "false"))
        value = g_str_equal (kv[1], "true");
      else
        value = g_ascii_strtod (kv[1], NULL);
      nn_layer_desc_set (d, kv[0], value, &error);
      g_assert_no_error (error);
    }
  va_end (ap);
}

layer_run *
layer_run_new (const nn_layer_desc *desc, const nn_shape *in, int n_in, int batch, guint64 seed)
{
  layer_run *r = g_new0 (layer_run, 1);
  const nn_layer_ops *ops = desc->ops;
  g_autoptr (GError) error = NULL;
  nn_rng init_rng;

  r->desc = *desc;
  r->n_in = n_in;
  r->batch = batch;
  r->training = TRUE;
  r->seed = seed;
  memcpy (r->in_shape, in, sizeof (nn_shape) * n_in);
  g_assert_true (ops->infer (desc, in, n_in, &r->out_shape, &error));
  g_assert_no_error (error);

  nn_rng_seed (&init_rng, seed, 0);
  for (int i = 0; i < n_in; i++)
    {
      r->in_len[i] = (gsize) batch * nn_shape_size (&in[i]);
      r->in[i] = alloc_floats (r->in_len[i]);
      r->d_in[i] = alloc_floats (r->in_len[i]);
      for (gsize j = 0; j < r->in_len[i]; j++)
        r->in[i][j] = nn_rng_normal (&init_rng);
    }
  r->out_len = (gsize) batch * nn_shape_size (&r->out_shape);
  r->out = alloc_floats (r->out_len);
  r->d_out = alloc_floats (r->out_len);
  for (gsize j = 0; j < r->out_len; j++)
    r->d_out[j] = nn_rng_normal (&init_rng);
  r->w_len = nn_layer_weight_count (desc, &in[0], &r->out_shape);
  r->w = alloc_floats (r->w_len);
  r->dw = alloc_floats (r->w_len);
  r->state_len = ops->state_size ? ops->state_size (desc, &in[0], &r->out_shape) : 0;
  r->state = alloc_floats (r->state_len);
  r->scratch_len = ops->scratch_size ? ops->scratch_size (desc, in, n_in, &r->out_shape, batch) : 0;
  r->scratch = alloc_floats (r->scratch_len);
  if (ops->init)
    ops->init (desc, &in[0], &r->out_shape, NN_INIT_GLOROT_UNIFORM, r->w, r->state, &init_rng);
  for (gsize j = 0; j < r->w_len; j++)
    r->w[j] = 2.0f * nn_rng_uniform (&init_rng) - 1.0f;
  return r;
}

void
layer_run_free (layer_run *r)
{
  for (int i = 0; i < r->n_in; i++)
    {
      nn_free_floats (r->in[i]);
      nn_free_floats (r->d_in[i]);
    }
  nn_free_floats (r->out);
  nn_free_floats (r->d_out);
  nn_free_floats (r->w);
  nn_free_floats (r->dw);
  nn_free_floats (r->state);
  nn_free_floats (r->scratch);
  g_free (r);
}

static void
make_ctx (layer_run *r, nn_layer_ctx *c)
{
  *c = (nn_layer_ctx){
    .desc = &r->desc,
    .batch = r->batch,
    .n_in = r->n_in,
    .in_shape = r->in_shape,
    .out_shape = &r->out_shape,
    .in = (const float *const *) r->in,
    .out = r->out,
    .d_in = r->d_in,
    .d_out = r->d_out,
    .w = r->w,
    .dw = r->dw,
    .state = r->state,
    .scratch = r->scratch,
    .training = r->training,
    .rng = &r->rng,
  };
}

void
layer_run_forward (layer_run *r)
{
  nn_layer_ctx c;

  nn_rng_seed (&r->rng, r->seed, 2);
  make_ctx (r, &c);
  r->desc.ops->forward (&c);
}

void
layer_run_backward (layer_run *r)
{
  nn_layer_ctx c;

  for (int i = 0; i < r->n_in; i++)
    memset (r->d_in[i], 0, sizeof (float) * r->in_len[i]);
  for (gsize j = 0; j < r->w_len; j++)
    r->dw[j] = 12345.0f;
  make_ctx (r, &c);
  r->desc.ops->backward (&c);
}

/* L = Σ out ⊙ d_out, accumulated in double; state is restored first so
 * BatchNorm's running statistics do not drift between evaluations. */
static double
loss_at (layer_run *r, const float *state0)
{
  double sum = 0.0;

  memcpy (r->state, state0, sizeof (float) * r->state_len);
  layer_run_forward (r);
  for (gsize j = 0; j < r->out_len; j++)
    sum += (double) r->out[j] * r->d_out[j];
  return sum;
}

/* Checks `analytic` against central differences over `x`. */
static void
check_tensor (layer_run *r, const float *state0, float *x, const float *analytic, gsize n,
              double eps, double tol, const char *what)
{
  const gsize step = MAX (n / 48, 1);
  int checked = 0, skipped = 0;

  for (gsize j = 0; j < n; j += step)
    {
      const float keep = x[j];
      double l0, lp, lm, fwd, bwd, num, err;

      l0 = loss_at (r, state0);
      x[j] = keep + (float) eps;
      lp = loss_at (r, state0);
      x[j] = keep - (float) eps;
      lm = loss_at (r, state0);
      x[j] = keep;
      fwd = (lp - l0) / eps;
      bwd = (l0 - lm) / eps;
      if (fabs (fwd - bwd) > 0.1 * (fabs (fwd) + fabs (bwd)) + 0.05)
        {
          skipped++;
          continue;
        }
      num = (lp - lm) / (2 * eps);
      err = fabs (num - analytic[j]);
      if (err > tol * MAX (fabs (num), fabs (analytic[j])) + tol * 0.2)
        g_error ("%s %s[%" G_GSIZE_FORMAT "]: analytic %g, numerical %g", r->desc.ops->id, what, j,
                 analytic[j], num);
      checked++;
    }
  g_assert_cmpint (checked, >, skipped);
}

void
layer_check_gradients (layer_run *r, double eps, double tolerance)
{
  float *state0 = alloc_floats (r->state_len);
  float *d_in_ref[NN_MAX_INPUTS], *dw_ref = alloc_floats (r->w_len);
  nn_layer_ctx c;

  memcpy (state0, r->state, sizeof (float) * r->state_len);
  loss_at (r, state0);
  layer_run_backward (r);
  memcpy (dw_ref, r->dw, sizeof (float) * r->w_len);
  for (int i = 0; i < r->n_in; i++)
    {
      d_in_ref[i] = alloc_floats (r->in_len[i]);
      memcpy (d_in_ref[i], r->d_in[i], sizeof (float) * r->in_len[i]);
    }

  /* backward must add to d_in: run it again on top of 1.0 everywhere. */
  for (int i = 0; i < r->n_in; i++)
    for (gsize j = 0; j < r->in_len[i]; j++)
      r->d_in[i][j] = 1.0f;
  make_ctx (r, &c);
  r->desc.ops->backward (&c);
  for (int i = 0; i < r->n_in; i++)
    for (gsize j = 0; j < r->in_len[i]; j++)
      g_assert_cmpfloat_with_epsilon (r->d_in[i][j], d_in_ref[i][j] + 1.0f,
                                      1e-4 * (1.0 + fabs (d_in_ref[i][j])));

  for (int i = 0; i < r->n_in; i++)
    check_tensor (r, state0, r->in[i], d_in_ref[i], r->in_len[i], eps, tolerance, "d_in");
  if (r->w_len > 0)
    check_tensor (r, state0, r->w, dw_ref, r->w_len, eps, tolerance, "dw");

  memcpy (r->state, state0, sizeof (float) * r->state_len);
  for (int i = 0; i < r->n_in; i++)
    nn_free_floats (d_in_ref[i]);
  nn_free_floats (dw_ref);
  nn_free_floats (state0);
}

void
layer_check_infer_error (const nn_layer_desc *desc, const nn_shape *in, int n_in, const char *words)
{
  g_autoptr (GError) error = NULL;
  nn_shape out;

  g_assert_false (desc->ops->infer (desc, in, n_in, &out, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == NN_ERROR);
  g_assert_true (error->code == NN_ERROR_SHAPE || error->code == NN_ERROR_INVALID);
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in “%s”", words, error->message);
}

/* PyTorch fixtures */

static gsize
read_floats (JsonArray *a, float *dst, gsize capacity)
{
  const guint n = json_array_get_length (a);

  g_assert_cmpuint (n, ==, capacity);
  for (guint i = 0; i < n; i++)
    dst[i] = (float) json_array_get_double_element (a, i);
  return n;
}

static void
compare_floats (const char *what, JsonArray *expected, const float *got, gsize n, double rel_tol)
{
  double scale = 0.0;

  g_assert_cmpuint (json_array_get_length (expected), ==, n);
  /* Relative to the tensor's largest value, so values near zero that are
   * sums of large terms do not fail on rounding. */
  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (json_array_get_double_element (expected, i)));
  for (gsize i = 0; i < n; i++)
    {
      const double want = json_array_get_double_element (expected, i);
      if (fabs (want - got[i]) > rel_tol * MAX (scale, 1e-3))
        g_error ("%s[%" G_GSIZE_FORMAT "]: PyTorch %.7g, Layerlab %.7g", what, i, want, got[i]);
    }
}

static nn_shape
shape_from_json (JsonArray *a)
{
  nn_shape s = { .rank = (int) json_array_get_length (a) };

  for (int i = 0; i < s.rank; i++)
    s.dim[i] = (int) json_array_get_int_element (a, i);
  return s;
}

static void
run_torch_case (JsonObject *tc, double rel_tol)
{
  const char *name = json_object_get_string_member (tc, "name");
  JsonObject *params = json_object_get_object_member (tc, "params");
  JsonArray *inputs = json_object_get_array_member (tc, "inputs");
  nn_shape shapes[NN_MAX_INPUTS], want_out;
  nn_layer_desc d;
  layer_run *r;
  g_autoptr (GList) members = json_object_get_members (params);
  int n_in = (int) json_array_get_length (inputs);

  g_test_message ("case %s", name);
  nn_layer_desc_init (&d, nn_layer_lookup (json_object_get_string_member (tc, "layer")));
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr (GError) error = NULL;
      nn_layer_desc_set (&d, l->data, json_object_get_double_member (params, l->data), &error);
      g_assert_no_error (error);
    }
  for (int i = 0; i < n_in; i++)
    shapes[i] = shape_from_json (
      json_object_get_array_member (json_array_get_object_element (inputs, i), "shape"));
  r = layer_run_new (&d, shapes, n_in, (int) json_object_get_int_member (tc, "batch"), 1);
  want_out = shape_from_json (json_object_get_array_member (tc, "output_shape"));
  g_assert_true (nn_shape_equal (&want_out, &r->out_shape));
  r->training = json_object_get_boolean_member (tc, "training");

  for (int i = 0; i < n_in; i++)
    read_floats (json_object_get_array_member (json_array_get_object_element (inputs, i), "data"),
                 r->in[i], r->in_len[i]);
  read_floats (json_object_get_array_member (tc, "weights"), r->w, r->w_len);
  if (json_object_has_member (tc, "state"))
    read_floats (json_object_get_array_member (tc, "state"), r->state, r->state_len);
  read_floats (json_object_get_array_member (tc, "grad_output"), r->d_out, r->out_len);

  layer_run_forward (r);
  compare_floats ("output", json_object_get_array_member (tc, "output"), r->out, r->out_len,
                  rel_tol);
  if (json_object_has_member (tc, "state_after"))
    compare_floats ("state", json_object_get_array_member (tc, "state_after"), r->state,
                    r->state_len, rel_tol);
  layer_run_backward (r);
  for (int i = 0; i < n_in; i++)
    compare_floats (
      "grad_input",
      json_array_get_array_element (json_object_get_array_member (tc, "grad_inputs"), i),
      r->d_in[i], r->in_len[i], rel_tol);
  if (r->w_len > 0)
    compare_floats ("grad_weights", json_object_get_array_member (tc, "grad_weights"), r->dw,
                    r->w_len, rel_tol);
  layer_run_free (r);
}

void
layer_check_torch (const char *name, double rel_tol)
{
  g_autofree char *dir = test_fixture_path ("layers");
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *cases;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  cases = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (cases), >, 0);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    run_torch_case (json_array_get_object_element (cases, i), rel_tol);
}
