/* pytorch-export-data.c — the data as the trainer saw it, described in the
 * script's JSON file with Layerlab's split, and the samples written out for
 * every source but the whole of Fashion-MNIST (see pytorch-export-private.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "data/system-data.h"
#include "error.h"
#include "io/pytorch-export-private.h"

/* The data as the trainer saw it: opened from the project's spec and
 * options, cleaned by the project's preparation steps, missing values left
 * after them imputed by the mean as layerlab-cli does, split
 * with the project's fractions and seed, normalised with the project's
 * statistics (or, untrained, fitted on the training part as the trainer
 * would). */
nn_dataset *
_pytorch_open_data (exporter *e, nn_split *split, GError **error)
{
  const nn_project *p = e->p;
  g_autoptr (nn_dataset) ds = NULL;
  gsize size;

  if (p->data_spec == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("The project has no dataset: choose one and train it before exporting it "
                      "to PyTorch"));
      return NULL;
    }
  ds = nn_dataset_open (p->data_spec, &p->data_options, NULL, NULL, NULL, error);
  if (ds == NULL)
    return NULL;
  /* the project's own cleaning first, then what the CLI does with gaps left */
  if (!nn_project_prepare (p, ds, NULL, error))
    return NULL;
  if (ds->quality.missing_values > 0)
    g_free (nn_dataset_impute (ds, NN_IMPUTE_MEAN));
  size = nn_dataset_input_size (ds);
  if (size != nn_shape_size (&e->input->out))
    {
      g_autofree char *model = nn_shape_to_string (&e->input->out);
      g_autofree char *data = nn_shape_to_string (&ds->input_shape);

      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("%s takes %s values per sample, but the samples of %s are %s"),
                   e->input->label, model, p->data_spec, data);
      return NULL;
    }
  if (!nn_split_make (ds, p->config.val_fraction, p->config.test_fraction, p->config.seed, split,
                      error))
    return NULL;
  if (ds->store == NN_STORE_F32)
    {
      if (p->norm_size == (int) size)
        {
          g_free (ds->mean);
          g_free (ds->inv_std);
          ds->mean = g_memdup2 (p->norm_mean, sizeof (float) * size);
          ds->inv_std = g_memdup2 (p->norm_inv_std, sizeof (float) * size);
        }
      else
        nn_dataset_fit_normalisation (ds, split->train, split->n_train);
    }
  return g_steal_pointer (&ds);
}

static void
add_indices (JsonBuilder *b, const char *name, const int *idx, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_int_value (b, idx[i]);
  json_builder_end_array (b);
}

/* Appends one array (little-endian) to bin and describes it in b. */
static void
add_array (JsonBuilder *b, GByteArray *bin, const char *name, const char *dtype, const void *data,
           gsize count, gsize item)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dtype");
  json_builder_add_string_value (b, dtype);
  json_builder_set_member_name (b, "offset");
  json_builder_add_int_value (b, bin->len);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) count);
  json_builder_end_object (b);
  for (gsize i = 0; i < count; i++)
    {
      guint8 v[4];
      memcpy (v, (const guint8 *) data + i * item, item);
#if G_BYTE_ORDER == G_BIG_ENDIAN
      for (gsize k = 0; k < item / 2; k++)
        {
          guint8 tmp = v[k];
          v[k] = v[item - 1 - k];
          v[item - 1 - k] = tmp;
        }
#endif
      g_byte_array_append (bin, v, item);
    }
}

/* The data description (and, for sources other than Fashion-MNIST, the
 * samples in bin). */
JsonNode *
_pytorch_data_json (exporter *e, const nn_dataset *ds, const nn_split *split, const char *bin_name,
                    GByteArray *bin)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  /* The whole of Fashion-MNIST the script reads from Debian's files; a
   * limited one is a seeded sample of them, written out like other data. */
  gboolean fashion = strcmp (ds->spec, "fashion-mnist") == 0 && e->p->data_options.limit <= 0;
  gsize size = nn_dataset_input_size (ds), n = (gsize) ds->n_samples;
  static const char *const stores[] = {
    [NN_STORE_U8] = "u8",
    [NN_STORE_F32] = "f32",
    [NN_STORE_TOKENS] = "tokens",
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "layerlab-pytorch-data");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "spec");
  json_builder_add_string_value (b, ds->spec);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ds->name);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, ds->task == NN_TASK_CLASSIFY ? "classify" : "regress");
  json_builder_set_member_name (b, "store");
  json_builder_add_string_value (b, stores[ds->store]);
  json_builder_set_member_name (b, "input_shape");
  json_builder_begin_array (b);
  for (int i = 0; i < ds->input_shape.rank; i++)
    json_builder_add_int_value (b, ds->input_shape.dim[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "n_samples");
  json_builder_add_int_value (b, ds->n_samples);
  if (ds->class_names != NULL)
    {
      json_builder_set_member_name (b, "class_names");
      json_builder_begin_array (b);
      for (int i = 0; ds->class_names[i] != NULL; i++)
        json_builder_add_string_value (b, ds->class_names[i]);
      json_builder_end_array (b);
    }
  if (ds->vocab != NULL)
    {
      /* so that a user can encode new text the way the model learnt it */
      json_builder_set_member_name (b, "vocab");
      json_builder_begin_array (b);
      for (int i = 0; ds->vocab[i] != NULL; i++)
        json_builder_add_string_value (b, ds->vocab[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "normalisation");
  if (ds->store == NN_STORE_F32 && ds->mean != NULL)
    {
      g_autofree char *mean = nn_floats_to_base64 (ds->mean, size);
      g_autofree char *inv_std = nn_floats_to_base64 (ds->inv_std, size);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "mean");
      json_builder_add_string_value (b, mean);
      json_builder_set_member_name (b, "inv_std");
      json_builder_add_string_value (b, inv_std);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "source");
  if (fashion)
    {
      json_builder_add_string_value (b, "fashion-mnist");
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, nn_fashion_mnist_dir ());
    }
  else
    {
      json_builder_add_string_value (b, "arrays");
      json_builder_set_member_name (b, "arrays");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, bin_name);
      if (ds->store == NN_STORE_U8)
        add_array (b, bin, "inputs", "uint8", ds->u8, n * size, 1);
      else if (ds->store == NN_STORE_F32)
        add_array (b, bin, "inputs", "float32", ds->f32, n * size, 4);
      else
        add_array (b, bin, "inputs", "int32", ds->tokens, n * size, 4);
      if (ds->task == NN_TASK_CLASSIFY)
        add_array (b, bin, "labels", "int32", ds->labels, n, 4);
      else if (ds->targets != NULL)
        add_array (b, bin, "targets", "float32", ds->targets, n * ds->target_size, 4);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "split");
  json_builder_begin_object (b);
  add_indices (b, "train", split->train, split->n_train);
  add_indices (b, "validation", split->val, split->n_val);
  add_indices (b, "test", split->test, split->n_test);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
