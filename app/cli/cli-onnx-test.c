/* cli-onnx-test.c — `layerlab-cli onnx-test DIR`: ONNX's own conformance
 * tests run through the importer. Each folder under DIR holds model.onnx
 * and test_data_set_N/ folders of input_N.pb and output_N.pb; for every folder whose
 * operators we map, the model is imported (inputs after the first — the
 * weights of ONNX's operator tests — bound as constants), run in inference
 * mode and compared with the expected output (rtol 1e-4, atol 1e-5). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli-onnx-test.h"
#include "error.h"
#include "io/onnx-import.h"

#define RTOL 1e-4
#define ATOL 1e-5

typedef enum
{
  RESULT_PASS,
  RESULT_FAIL,
  RESULT_SKIP,
} result;

typedef struct
{
  int passed, failed, skipped;
} tally;

/* Operators that only move values: a test is filed under the first
 * operator that is not one of these. */
static gboolean
is_plumbing (const char *op)
{
  static const char *const ops[] = { "Constant",  "Identity", "Transpose",       "Squeeze",
                                     "Unsqueeze", "Shape",    "ConstantOfShape", "Gather" };

  for (gsize i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_equal (op, ops[i]))
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static char **
sorted_children (const char *dir, const char *prefix, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Compares y with the expected tensor; on a difference *why says where. */
static gboolean
same_values (const nn_onnx_tensor *y, const nn_onnx_tensor *want, char **why)
{
  if (y->size != want->size)
    {
      *why = g_strdup_printf (_ ("got %zu values, expected %zu"), y->size, want->size);
      return FALSE;
    }
  for (gsize i = 0; i < y->size; i++)
    {
      double a = y->data[i], e = want->data[i];

      if (!(fabs (a - e) <= ATOL + RTOL * fabs (e)) && !(isnan (a) && isnan (e)))
        {
          *why = g_strdup_printf (_ ("value %zu is %g, expected %g"), i, a, e);
          return FALSE;
        }
    }
  return TRUE;
}

/* One test folder. *op receives the operator it is filed under; *why the
 * reason for a skip or a failure. */
static result
run_test (const char *dir, gboolean *mapped, char **op, char **why)
{
  g_autofree char *model_path = g_build_filename (dir, "model.onnx", NULL);
  g_autofree guint8 *data = NULL;
  g_auto (GStrv) ops = NULL, inputs = NULL, sets = NULL;
  gsize length;
  GError *error = NULL;
  int n_sets = 0;

  *mapped = TRUE;
  if (!g_file_get_contents (model_path, (char **) &data, &length, &error) ||
      !nn_onnx_describe (data, length, "model.onnx", &ops, &inputs, &error))
    {
      *op = g_strdup ("?");
      *why = g_strdup (error->message);
      g_error_free (error);
      return RESULT_FAIL;
    }
  /* a recurrent layer comes after the shape arithmetic of its start state */
  for (int i = 0; ops[i]; i++)
    if (*op == NULL && (g_str_equal (ops[i], "LSTM") || g_str_equal (ops[i], "GRU") ||
                        g_str_equal (ops[i], "RNN")))
      *op = g_strdup (ops[i]);
  for (int i = 0; ops[i]; i++)
    if (*op == NULL && !is_plumbing (ops[i]))
      *op = g_strdup (ops[i]);
  if (*op == NULL)
    *op = g_strdup (ops[0] ? ops[0] : "?");
  for (int i = 0; ops[i]; i++)
    if (nn_onnx_operator_use (ops[i]) == NN_ONNX_OP_UNMAPPED)
      {
        *mapped = FALSE;
        *why = g_strdup_printf (_ ("operator %s is not mapped"), ops[i]);
        return RESULT_SKIP;
      }
  if (inputs[0] == NULL)
    {
      *why = g_strdup (_ ("the model has no input"));
      return RESULT_SKIP;
    }

  sets = sorted_children (dir, "test_data_set_", &error);
  if (sets == NULL)
    {
      *why = g_strdup (error->message);
      g_error_free (error);
      return RESULT_FAIL;
    }
  for (int s = 0; sets[s]; s++, n_sets++)
    {
      g_autofree char *set = g_build_filename (dir, sets[s], NULL);
      g_autofree char *in0 = g_build_filename (set, "input_0.pb", NULL);
      g_autofree char *out0 = g_build_filename (set, "output_0.pb", NULL);
      g_autoptr (GPtrArray) constants =
        g_ptr_array_new_with_free_func ((GDestroyNotify) nn_onnx_tensor_free);
      g_autoptr (nn_onnx_tensor) x = NULL, want = NULL, y = NULL;
      g_autoptr (nn_project) p = NULL;
      nn_onnx_io io;

      for (int i = 1; inputs[i]; i++)
        {
          g_autofree char *base = g_strdup_printf ("input_%d.pb", i);
          g_autofree char *path = g_build_filename (set, base, NULL);
          nn_onnx_tensor *t = nn_onnx_tensor_load (path, &error);

          if (t == NULL)
            goto skip_on_error;
          g_free (t->name);
          t->name = g_strdup (inputs[i]);
          g_ptr_array_add (constants, t);
        }
      p = nn_onnx_import_data (data, length, "model.onnx", constants, &io, &error);
      if (p == NULL)
        goto skip_on_error;
      x = nn_onnx_tensor_load (in0, &error);
      if (x != NULL)
        want = nn_onnx_tensor_load (out0, &error);
      if (want != NULL)
        y = nn_onnx_run (p, &io, x, &error);
      nn_onnx_io_clear (&io);
      if (y == NULL)
        goto skip_on_error;
      if (y->rank != want->rank || memcmp (y->dims, want->dims, sizeof (gint64) * y->rank) != 0)
        {
          *why = g_strdup_printf (_ ("%s: the output has another shape than expected"), sets[s]);
          return RESULT_FAIL;
        }
      if (!same_values (y, want, why))
        {
          char *tmp = g_strdup_printf ("%s: %s", sets[s], *why);
          g_free (*why);
          *why = tmp;
          return RESULT_FAIL;
        }
      continue;

skip_on_error:
      /* what we cannot import is a skip; anything else is a failure */
      *why = g_strdup (error->message);
      {
        gboolean skip = error->code == NN_ERROR_UNSUPPORTED;
        g_error_free (error);
        return skip ? RESULT_SKIP : RESULT_FAIL;
      }
    }
  if (n_sets == 0)
    {
      *why = g_strdup (_ ("no test_data_set_* folder"));
      return RESULT_SKIP;
    }
  return RESULT_PASS;
}

int
cli_onnx_test (int argc, char **argv)
{
  gboolean verbose = FALSE;
  g_auto (GStrv) dirs = NULL, tests = NULL;
  GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_ ("Print every test’s result"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, N_ ("DIR") },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("DIR"));
  g_autoptr (GHashTable) per_op = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) skips = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) chain_only = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) op_names = NULL;
  tally total = { 0 };
  int not_mapped = 0;
  GError *error = NULL;

  g_option_context_set_summary (context, _ ("Run ONNX’s conformance tests (folders of model.onnx "
                                            "and test_data_set_*) whose operators Layerlab maps "
                                            "and compare with the expected outputs."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (dirs == NULL || dirs[0] == NULL || dirs[1] != NULL)
    return cli_usage_error (context, _ ("one folder of ONNX tests is required"));

  tests = sorted_children (dirs[0], "", &error);
  if (tests == NULL)
    return cli_fail (error);
  for (int i = 0; tests[i]; i++)
    {
      g_autofree char *dir = g_build_filename (dirs[0], tests[i], NULL);
      g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
      g_autofree char *op = NULL, *why = NULL;
      gboolean mapped;
      result r;
      tally *t;

      if (!g_file_test (model, G_FILE_TEST_IS_REGULAR))
        continue;
      r = run_test (dir, &mapped, &op, &why);
      if (!mapped)
        {
          not_mapped++;
          continue;
        }
      /* Erf or Shape alone is not a model Layerlab can hold; those tests
       * count apart, and pass when the chain they stand in does */
      if (r == RESULT_SKIP && nn_onnx_operator_use (op) == NN_ONNX_OP_CHAIN)
        {
          g_ptr_array_add (chain_only, g_strdup_printf ("  %s: %s", tests[i], why));
          if (verbose)
            printf ("%-4s %s — %s\n", "skip", tests[i], why);
          continue;
        }
      t = g_hash_table_lookup (per_op, op);
      if (t == NULL)
        {
          t = g_new0 (tally, 1);
          g_hash_table_insert (per_op, g_strdup (op), t);
        }
      if (r == RESULT_PASS)
        t->passed++, total.passed++;
      else if (r == RESULT_FAIL)
        {
          t->failed++, total.failed++;
          g_ptr_array_add (failures, g_strdup_printf ("  %s: %s", tests[i], why));
        }
      else
        {
          t->skipped++, total.skipped++;
          g_ptr_array_add (skips, g_strdup_printf ("  %s: %s", tests[i], why));
        }
      if (verbose)
        printf ("%-4s %s%s%s\n",
                r == RESULT_PASS   ? "ok"
                : r == RESULT_FAIL ? "FAIL"
                                   : "skip",
                tests[i], why ? " — " : "", why ? why : "");
    }

  op_names = g_ptr_array_new ();
  {
    g_autoptr (GList) keys = g_hash_table_get_keys (per_op);

    for (GList *l = keys; l; l = l->next)
      g_ptr_array_add (op_names, l->data);
  }
  g_ptr_array_sort (op_names, compare_names);
  printf ("%-22s %7s %7s %8s\n", _ ("Operator"), _ ("Passed"), _ ("Failed"), _ ("Skipped"));
  for (guint i = 0; i < op_names->len; i++)
    {
      const tally *t = g_hash_table_lookup (per_op, op_names->pdata[i]);

      printf ("%-22s %7d %7d %8d\n", (const char *) op_names->pdata[i], t->passed, t->failed,
              t->skipped);
    }
  if (failures->len > 0)
    {
      printf ("\n%s\n", _ ("Failed:"));
      for (guint i = 0; i < failures->len; i++)
        printf ("%s\n", (const char *) failures->pdata[i]);
    }
  if (skips->len > 0)
    {
      printf ("\n%s\n", _ ("Skipped:"));
      for (guint i = 0; i < skips->len; i++)
        printf ("%s\n", (const char *) skips->pdata[i]);
    }
  if (chain_only->len > 0)
    {
      printf ("\n%s\n", _ ("Operators Layerlab reads only inside chains or while importing, "
                            "tested alone:"));
      for (guint i = 0; i < chain_only->len; i++)
        printf ("%s\n", (const char *) chain_only->pdata[i]);
    }
  printf ("\n");
  printf (g_dngettext (GETTEXT_PACKAGE, "%d test uses operators Layerlab does not map\n",
                       "%d tests use operators Layerlab does not map\n", not_mapped),
          not_mapped);
  if (chain_only->len > 0)
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "%u test runs alone an operator Layerlab reads only inside chains\n",
                         "%u tests run alone operators Layerlab reads only inside chains\n",
                         chain_only->len),
            chain_only->len);
  printf (_ ("%d passed, %d failed, %d skipped\n"), total.passed, total.failed, total.skipped);
  return total.failed > 0 ? CLI_EXIT_FAILURE : 0;
}
