/* fuzz-dataset.c — see fuzz-dataset.h. */
#include "fuzz-dataset.h"

#include "fuzz-util.h"

static void
use_dataset (const nn_dataset *ds)
{
  gsize per = nn_dataset_input_size (ds);
  int n = MIN (ds->n_samples, 4);
  int idx[4];
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  g_autofree gint32 *labels = NULL;

  if (ds->n_samples <= 0 || ds->n_train < 0 || ds->n_train > ds->n_samples || per == 0)
    {
      g_printerr ("inconsistent dataset: %d samples, %d training, %zu inputs\n", ds->n_samples,
                  ds->n_train, per);
      __builtin_trap ();
    }
  /* The first samples and the last: an off-by-one in the store shows at the end. */
  for (int i = 0; i < n; i++)
    idx[i] = i < 2 ? i : ds->n_samples - 1 - (i - 2);
  x = g_new (float, per *n);
  if (ds->task == NN_TASK_CLASSIFY)
    {
      labels = g_new (gint32, n);
      nn_dataset_gather (ds, idx, n, x, labels, NULL);
      for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= ds->n_classes)
          {
            g_printerr ("label %d of sample %d is not one of the %d classes\n", labels[i], idx[i],
                        ds->n_classes);
            __builtin_trap ();
          }
    }
  else
    {
      y = g_new (float, (gsize) MAX (ds->target_size, 1) * n);
      nn_dataset_gather (ds, idx, n, x, NULL, y);
    }
}

void
fuzz_open_dataset (const char *spec, const nn_data_options *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds = nn_dataset_open (spec, options, NULL, NULL, NULL, &error);

  fuzz_check_result (ds != NULL, error);
  if (ds != NULL)
    use_dataset (ds);
}
