/* onnx-import-tensors.c — ONNX tensors: nn_onnx_tensor itself, reading a
 * TensorProto (float, bool as 0/1, int64 for shapes; no external data),
 * and reading a file with Layerlab's size cap (nn_onnx_tensor_load, and the
 * model file for nn_onnx_import). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

static gboolean
dims_size (int rank, const gint64 *dims, gsize *size)
{
  gsize n = 1;

  for (int i = 0; i < rank; i++)
    {
      if (dims[i] < 0 || (dims[i] > 0 && n > (G_MAXINT32 / 4) / (gsize) dims[i]))
        return FALSE;
      n *= (gsize) dims[i];
    }
  *size = n;
  return TRUE;
}

nn_onnx_tensor *
nn_onnx_tensor_new (const char *name, int rank, const gint64 *dims, GError **error)
{
  nn_onnx_tensor *t;
  gsize size;

  if (rank < 0 || rank > NN_ONNX_MAX_RANK || !dims_size (rank, dims, &size))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("tensor '%s': its dimensions are negative, too many or too large"),
                   name ? name : "");
      return NULL;
    }
  t = g_new0 (nn_onnx_tensor, 1);
  t->name = g_strdup (name ? name : "");
  t->rank = rank;
  memcpy (t->dims, dims, sizeof (gint64) * rank);
  t->size = size;
  t->data = g_try_new0 (float, MAX (size, 1));
  if (t->data == NULL)
    {
      nn_onnx_tensor_free (t);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY, _ ("Not enough memory for tensor '%s'"),
                   name ? name : "");
      return NULL;
    }
  return t;
}

void
nn_onnx_tensor_free (nn_onnx_tensor *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->data);
  g_free (t->ints);
  g_free (t);
}

const char *
_onnx_type_name (int type)
{
  static const char *const names[] = { "undefined",  "float",   "uint8",  "int8",   "uint16",
                                       "int16",      "int32",   "int64",  "string", "bool",
                                       "float16",    "double",  "uint32", "uint64", "complex64",
                                       "complex128", "bfloat16" };

  return type >= 0 && type < (int) G_N_ELEMENTS (names) ? names[type] : "unknown";
}

/* Reads a TensorProto's values: floats into *value, int64 into *ints (the
 * other left NULL). Errors say which tensor; the caller prefixes the file. */
gboolean
_onnx_tensor_from_proto (const Onnx__TensorProto *tp, nn_onnx_tensor **value, gint64 **ints,
                         gsize *n_ints, GError **error)
{
  const char *name = tp->name ? tp->name : "";
  gint64 dims[NN_ONNX_MAX_RANK];
  gsize size;

  *value = NULL;
  *ints = NULL;
  *n_ints = 0;
  if (tp->n_dims > NN_ONNX_MAX_RANK)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("tensor '%s' has %zu dimensions; at most %d are supported"), name, tp->n_dims,
                   NN_ONNX_MAX_RANK);
      return FALSE;
    }
  for (gsize i = 0; i < tp->n_dims; i++)
    dims[i] = tp->dims[i];
  if (!dims_size ((int) tp->n_dims, dims, &size))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("tensor '%s': its dimensions are negative or overflow"), name);
      return FALSE;
    }
  if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("tensor '%s' keeps its data in an external file, which is not supported"),
                   name);
      return FALSE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    {
      nn_onnx_tensor *t;

      if (tp->has_raw_data ? tp->raw_data.len != size * sizeof (float) : tp->n_float_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds %zu"), name,
                       size,
                       tp->has_raw_data ? tp->raw_data.len / sizeof (float) : tp->n_float_data);
          return FALSE;
        }
      t = nn_onnx_tensor_new (name, (int) tp->n_dims, dims, error);
      if (t == NULL)
        return FALSE;
      if (tp->has_raw_data && size > 0)
        {
          memcpy (t->data, tp->raw_data.data, size * sizeof (float));
#if G_BYTE_ORDER == G_BIG_ENDIAN
          for (gsize i = 0; i < size; i++)
            {
              guint32 u;
              memcpy (&u, &t->data[i], 4);
              u = GUINT32_SWAP_LE_BE (u);
              memcpy (&t->data[i], &u, 4);
            }
#endif
        }
      else if (size > 0)
        memcpy (t->data, tp->float_data, size * sizeof (float));
      *value = t;
      return TRUE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL)
    {
      /* as 0 and 1, for flags such as Dropout's training_mode */
      nn_onnx_tensor *t;

      if (tp->has_raw_data ? tp->raw_data.len != size : tp->n_int32_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds another "
                          "number"),
                       name, size);
          return FALSE;
        }
      t = nn_onnx_tensor_new (name, (int) tp->n_dims, dims, error);
      if (t == NULL)
        return FALSE;
      for (gsize i = 0; i < size; i++)
        t->data[i] = (tp->has_raw_data ? tp->raw_data.data[i] : tp->int32_data[i]) != 0;
      *value = t;
      return TRUE;
    }
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
    {
      if (tp->has_raw_data ? tp->raw_data.len != size * sizeof (gint64) : tp->n_int64_data != size)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("tensor '%s': its dimensions give %zu values but it holds another "
                          "number"),
                       name, size);
          return FALSE;
        }
      *ints = g_new0 (gint64, MAX (size, 1));
      *n_ints = size;
      for (gsize i = 0; i < size; i++)
        {
          gint64 v;

          if (tp->has_raw_data)
            {
              memcpy (&v, tp->raw_data.data + i * 8, 8);
              v = GINT64_FROM_LE (v);
            }
          else
            v = tp->int64_data[i];
          (*ints)[i] = v;
        }
      return TRUE;
    }
  g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
               _ ("tensor '%s' holds %s values; Layerlab reads float (and int64 for shapes)"), name,
               _onnx_type_name (tp->data_type));
  return FALSE;
}

gboolean
_onnx_read_capped (const char *path, guint8 **data, gsize *length, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local = NULL;

  info =
    g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, &local);
  if (info == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  if ((guint64) g_file_info_get_size (info) > NN_ONNX_MAX_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("%s is larger than %zu MB, the most Layerlab reads"), path,
                   NN_ONNX_MAX_BYTES >> 20);
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, (char **) data, length, NULL, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

nn_onnx_tensor *
nn_onnx_tensor_load (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize length;
  Onnx__TensorProto *tp;
  nn_onnx_tensor *value = NULL;
  g_autofree gint64 *ints = NULL;
  gsize n_ints;
  GError *local = NULL;

  if (!_onnx_read_capped (path, &data, &length, error))
    return NULL;
  tp = onnx__tensor_proto__unpack (NULL, length, data);
  if (tp == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: not a serialised ONNX tensor (truncated or damaged)"), path);
      return NULL;
    }
  if (!_onnx_tensor_from_proto (tp, &value, &ints, &n_ints, &local))
    g_propagate_prefixed_error (error, local, "%s: ", path);
  else if (value == NULL)
    {
      gint64 dims[NN_ONNX_MAX_RANK];

      for (gsize i = 0; i < tp->n_dims; i++)
        dims[i] = tp->dims[i];
      value = nn_onnx_tensor_new (tp->name, (int) tp->n_dims, dims, error);
      if (value != NULL)
        {
          for (gsize i = 0; i < n_ints; i++)
            value->data[i] = (float) ints[i];
          value->ints = g_steal_pointer (&ints);
        }
    }
  onnx__tensor_proto__free_unpacked (tp, NULL);
  return value;
}
