/* idx.c — IDX files (LeCun's MNIST format), plain or gzip, and the
 * Fashion-MNIST built-in that is four of them. A header is checked against
 * what the file really holds before anything it promises is allocated. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dataset-private.h"
#include "system-data.h"

#define CHUNK (4 << 20)

static const char *const fashion_classes[] = {
  N_ ("T-shirt/top"), N_ ("Trouser"), N_ ("Pullover"), N_ ("Dress"), N_ ("Coat"),
  N_ ("Sandal"),      N_ ("Shirt"),   N_ ("Sneaker"),  N_ ("Bag"),   N_ ("Ankle boot"),
};

static gsize
element_size (int type)
{
  switch (type)
    {
      case NN_IDX_U8:
      case NN_IDX_I8:
        return 1;
      case NN_IDX_I16:
        return 2;
      case NN_IDX_I32:
      case NN_IDX_F32:
        return 4;
      case NN_IDX_F64:
        return 8;
      default:
        return 0;
    }
}

static gboolean
cancelled (const nn_load_ctx *ctx, GError **error)
{
  return ctx != NULL && !nn_load_check_cancel (ctx, error);
}

/* The bytes of an IDX file: the file itself, or what its gzip data
 * inflates to. The compressed file is held in memory and inflated straight
 * into the destination, which is what keeps Fashion-MNIST fast. */
typedef struct
{
  const char *path;
  const guint8 *in;
  gsize in_left;
  GConverter *z; /* NULL for a plain file */
  gboolean finished;
} idx_source;

/* Reads up to n bytes; a short count means the end of the data. */
static gboolean
source_read (idx_source *s, guint8 *buf, gsize n, gsize *got, GError **error)
{
  *got = 0;
  if (s->z == NULL)
    {
      gsize k = MIN (n, s->in_left);
      memcpy (buf, s->in, k);
      s->in += k;
      s->in_left -= k;
      *got = k;
      return TRUE;
    }
  while (*got < n && !s->finished)
    {
      g_autoptr (GError) local = NULL;
      gsize read = 0, written = 0;
      GConverterResult res =
        g_converter_convert (s->z, s->in, s->in_left, buf + *got, n - *got,
                             G_CONVERTER_INPUT_AT_END, &read, &written, &local);
      if (res == G_CONVERTER_ERROR || (read == 0 && written == 0 && res != G_CONVERTER_FINISHED))
        {
          if (local == NULL || g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                         _ ("%s is truncated: its gzip data ends early, expected a complete "
                            "gzip-compressed IDX file"),
                         s->path);
          else
            g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                         _ ("%s is not a valid gzip file (%s): expected gzip-compressed IDX "
                            "data"),
                         s->path, local->message);
          return FALSE;
        }
      s->in += read;
      s->in_left -= read;
      *got += written;
      s->finished = res == G_CONVERTER_FINISHED;
    }
  return TRUE;
}

gboolean
nn_idx_read (const char *path, const nn_load_ctx *ctx, double progress_from, double progress_to,
             nn_idx_file *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GZlibDecompressor) z = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *data = NULL;
  guint8 head[4 + 4 * NN_MAX_DIMS];
  gsize got, file_size, header_size, payload, esize;
  gboolean gzip, overflow = FALSE;
  idx_source src = { path };

  memset (out, 0, sizeof *out);
  if (cancelled (ctx, error) || !nn_load_check_path (path, FALSE, error))
    return FALSE;
  /* One read of the whole file: its real size bounds every allocation. */
  if (!g_file_get_contents (path, &contents, &file_size, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not open %s: %s"), path, local->message);
      return FALSE;
    }
  if (file_size == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is empty: expected an IDX file (a header and the data)"), path);
      return FALSE;
    }
  gzip = file_size >= 2 && (guint8) contents[0] == 0x1f && (guint8) contents[1] == 0x8b;
  src.in = (const guint8 *) contents;
  src.in_left = file_size;
  if (gzip)
    {
      z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      src.z = G_CONVERTER (z);
    }

  if (!source_read (&src, head, 4, &got, error))
    return FALSE;
  if (got < 4)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is truncated: expected a 4-byte IDX header, found %zu bytes"), path, got);
      return FALSE;
    }
  if (head[0] != 0 || head[1] != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is not an IDX file: expected it to start with the bytes 00 00, found "
                      "%02X %02X"),
                   path, head[0], head[1]);
      return FALSE;
    }
  esize = element_size (head[2]);
  if (esize == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s has the unknown IDX element type 0x%02X: expected 0x08 (unsigned "
                      "byte), 0x09, 0x0B, 0x0C, 0x0D or 0x0E"),
                   path, head[2]);
      return FALSE;
    }
  if (head[3] < 1 || head[3] > NN_MAX_DIMS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s has %d dimensions: expected between 1 and %d"), path, head[3],
                   NN_MAX_DIMS);
      return FALSE;
    }
  out->type = head[2];
  out->n_dims = head[3];
  header_size = 4 + 4 * (gsize) out->n_dims;
  if (!source_read (&src, head + 4, 4 * out->n_dims, &got, error))
    return FALSE;
  if (got < 4 * (gsize) out->n_dims)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is truncated: expected %d dimension sizes in its header"), path,
                   out->n_dims);
      return FALSE;
    }
  out->n_elements = 1;
  for (int d = 0; d < out->n_dims; d++)
    {
      const guint8 *p = head + 4 + 4 * d;
      out->dims[d] = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
      if (out->dims[d] == 0 || out->dims[d] > G_MAXINT)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: dimension %d in the header is %u: expected between 1 and %d"), path,
                       d + 1, out->dims[d], G_MAXINT);
          return FALSE;
        }
      if (!overflow && !g_size_checked_mul (&out->n_elements, out->n_elements, out->dims[d]))
        overflow = TRUE;
    }
  if (overflow || !g_size_checked_mul (&payload, out->n_elements, esize) ||
      payload > G_MAXSIZE - header_size)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: the dimensions in its header are too large to be real (their "
                      "product overflows): the header is damaged"),
                   path);
      return FALSE;
    }
  if (!gzip && file_size != header_size + payload)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   file_size < header_size + payload
                     ? _ ("%s is truncated: its header promises %zu bytes of data, the file "
                          "holds %zu")
                     : _ ("%s is damaged: its header promises %zu bytes of data, the file holds "
                          "%zu"),
                   path, payload, file_size - header_size);
      return FALSE;
    }
  if (!gzip)
    {
      /* The file is the data: move it down over the header, no copy. */
      memmove (contents, contents + header_size, payload);
      out->data = (guint8 *) g_steal_pointer (&contents);
      if (ctx != NULL)
        nn_load_progress (ctx, progress_to);
      return TRUE;
    }

  /* A gzip file's real length is only known by inflating it. Deflate
   * expands at most 1032:1, so a lying header cannot make us allocate more
   * than that; past it the buffer grows with the data that arrives. */
  {
    gsize have = 0, capacity = MIN (payload, file_size * 1032 + 4096);

    data = g_try_malloc (MAX (capacity, 1));
    if (data == NULL)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                     _ ("%s: %zu bytes of data do not fit in memory"), path, payload);
        return FALSE;
      }
    while (have < payload)
      {
        gsize want = MIN (CHUNK, payload - have);
        if (have + want > capacity)
          {
            capacity = MIN (payload, MAX (capacity * 2, have + want));
            data = g_realloc (data, capacity);
          }
        if (cancelled (ctx, error) || !source_read (&src, data + have, want, &got, error))
          return FALSE;
        have += got;
        if (got < want)
          {
            g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                         _ ("%s is truncated: its header promises %zu bytes of data, the file "
                            "holds %zu"),
                         path, payload, have);
            return FALSE;
          }
        if (ctx != NULL)
          nn_load_progress (ctx, progress_from +
                                   (progress_to - progress_from) * (double) have / payload);
      }
    {
      guint8 extra;
      if (!source_read (&src, &extra, 1, &got, error))
        return FALSE;
      if (got != 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s is damaged: it holds more data than the %zu bytes its header "
                          "promises"),
                       path, payload);
          return FALSE;
        }
    }
  }
  out->data = g_steal_pointer (&data);
  return TRUE;
}

void
nn_idx_file_clear (nn_idx_file *f)
{
  g_clear_pointer (&f->data, g_free);
}

double
nn_idx_value (const nn_idx_file *f, gsize i)
{
  switch (f->type)
    {
      case NN_IDX_U8:
        return f->data[i];
      case NN_IDX_I8:
        return (gint8) f->data[i];
      case NN_IDX_I16:
        {
          guint16 v;
          memcpy (&v, f->data + 2 * i, 2);
          return (gint16) GUINT16_FROM_BE (v);
        }
      case NN_IDX_I32:
        {
          guint32 v;
          memcpy (&v, f->data + 4 * i, 4);
          return (gint32) GUINT32_FROM_BE (v);
        }
      case NN_IDX_F32:
        {
          guint32 v;
          float x;
          memcpy (&v, f->data + 4 * i, 4);
          v = GUINT32_FROM_BE (v);
          memcpy (&x, &v, 4);
          return x;
        }
      case NN_IDX_F64:
        {
          guint64 v;
          double x;
          memcpy (&v, f->data + 8 * i, 8);
          v = GUINT64_FROM_BE (v);
          memcpy (&x, &v, 8);
          return x;
        }
    }
  return 0;
}

/* Fills ds's store from an images file: N×F rows, N×H×W or N×H×W×C
 * (channels last in the file, first in Layerlab). */
static gboolean
images_from_idx (nn_dataset *ds, const nn_idx_file *f, const char *path, GError **error)
{
  int n = (int) f->dims[0], h = 1, w = 1, c = 1;
  gsize per;

  switch (f->n_dims)
    {
      case 2:
        ds->input_shape = nn_shape_1d ((int) f->dims[1]);
        break;
      case 3:
        h = (int) f->dims[1];
        w = (int) f->dims[2];
        ds->input_shape = nn_shape_3d (1, h, w);
        break;
      case 4:
        h = (int) f->dims[1];
        w = (int) f->dims[2];
        c = (int) f->dims[3];
        ds->input_shape = nn_shape_3d (c, h, w);
        break;
      default:
        g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                     _ ("%s holds a list of %d values: expected images (N×H×W or N×H×W×C) or "
                        "rows of features (N×F)"),
                     path, n);
        return FALSE;
    }
  ds->store = f->type == NN_IDX_U8 ? NN_STORE_U8 : NN_STORE_F32;
  ds->n_samples = ds->n_train = n;
  if (!nn_dataset_alloc (ds, error))
    return FALSE;
  per = nn_shape_size (&ds->input_shape);
  if (f->type == NN_IDX_U8 && c == 1)
    memcpy (ds->u8, f->data, per * n);
  else
    for (int i = 0; i < n; i++)
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int k = 0; k < c; k++)
            {
              gsize from = (gsize) i * per + ((gsize) y * w + x) * c + k;
              gsize to = (gsize) i * per + ((gsize) k * h + y) * w + x;
              if (f->type == NN_IDX_U8)
                ds->u8[to] = f->data[from];
              else
                ds->f32[to] = (float) nn_idx_value (f, from);
            }
  if (f->n_dims == 2)
    {
      ds->feature_names = g_new0 (char *, per + 1);
      for (gsize k = 0; k < per; k++)
        ds->feature_names[k] = g_strdup_printf (_ ("feature %zu"), k + 1);
    }
  return TRUE;
}

/* Fills ds->labels from a labels file of the same length; class names are
 * the numbers unless names are given. */
static gboolean
labels_from_idx (nn_dataset *ds, const nn_idx_file *f, const char *images_path, const char *path,
                 const char *const *names, int n_names, GError **error)
{
  int max = -1;

  if (f->n_dims != 1 || f->type == NN_IDX_F32 || f->type == NN_IDX_F64)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is not a labels file: expected a list of whole numbers (1 dimension "
                      "of an integer type)"),
                   path);
      return FALSE;
    }
  if ((int) f->dims[0] != ds->n_samples)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s holds %u labels but %s holds %d images: expected one label per "
                      "image"),
                   path, f->dims[0], images_path, ds->n_samples);
      return FALSE;
    }
  for (int i = 0; i < ds->n_samples; i++)
    {
      double v = nn_idx_value (f, i);
      if (v < 0 || v > 65535 || (names != NULL && v >= n_names))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: label %d (number %d) is out of range: expected a class number "
                          "from 0 to %d"),
                       path, (int) v, i + 1, names != NULL ? n_names - 1 : 65535);
          return FALSE;
        }
      ds->labels[i] = (gint32) v;
      max = MAX (max, (int) v);
    }
  ds->n_classes = names != NULL ? n_names : max + 1;
  ds->class_names = g_new0 (char *, ds->n_classes + 1);
  for (int c = 0; c < ds->n_classes; c++)
    ds->class_names[c] = names != NULL ? g_strdup (_ (names[c])) : g_strdup_printf ("%d", c);
  return TRUE;
}

nn_dataset *
nn_load_idx (const nn_load_ctx *ctx, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (ctx->arg, ":", 2);
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *name = g_path_get_basename (parts[0]);
  nn_idx_file images, labels;
  gboolean ok;

  ds = nn_dataset_new_empty (ctx->spec, name, parts[0]);
  if (!nn_idx_read (parts[0], ctx, 0.0, 0.8, &images, error))
    return NULL;
  if (parts[1] == NULL || parts[1][0] == '\0')
    {
      /* No labels: the target is the input itself (autoencoders). */
      ds->task = NN_TASK_REGRESS;
      ds->target_size = 0;
      ok = images_from_idx (ds, &images, parts[0], error);
      ds->target_size = (int) nn_dataset_input_size (ds);
      nn_idx_file_clear (&images);
      return ok ? g_steal_pointer (&ds) : NULL;
    }
  ds->task = NN_TASK_CLASSIFY;
  ok = images_from_idx (ds, &images, parts[0], error);
  nn_idx_file_clear (&images);
  if (!ok || !nn_idx_read (parts[1], ctx, 0.8, 1.0, &labels, error))
    return NULL;
  ok = labels_from_idx (ds, &labels, parts[0], parts[1], NULL, 0, error);
  nn_idx_file_clear (&labels);
  return ok ? g_steal_pointer (&ds) : NULL;
}

static const nn_builtin_dataset *
builtin (const char *id)
{
  int n;
  const nn_builtin_dataset *all = nn_builtin_datasets (&n);

  for (int i = 0; i < n; i++)
    if (strcmp (all[i].id, id) == 0)
      return &all[i];
  return NULL;
}

nn_dataset *
nn_load_fashion_mnist (const nn_load_ctx *ctx, GError **error)
{
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree char *why = NULL;
  nn_idx_file f[4] = { 0 };
  char *paths[4];
  gboolean ok = TRUE;
  int n_train, n_test;
  const gsize image = 28 * 28;

  if (!builtin ("fashion-mnist")->available (&why))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, why);
      return NULL;
    }
  for (int i = 0; i < 4; i++)
    paths[i] = g_build_filename (nn_fashion_mnist_dir (), nn_fashion_mnist_files[i], NULL);
  ds = nn_dataset_new_empty (ctx->spec, _ ("Fashion-MNIST"), nn_fashion_mnist_dir ());
  for (int i = 0; i < 4 && ok; i++)
    {
      ok = nn_idx_read (paths[i], ctx, 0.25 * i, 0.25 * (i + 1), &f[i], error);
      if (ok && i % 2 == 0 &&
          (f[i].type != NN_IDX_U8 || f[i].n_dims != 3 || f[i].dims[1] != 28 || f[i].dims[2] != 28))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s does not hold Fashion-MNIST images: expected N×28×28 bytes"),
                       paths[i]);
          ok = FALSE;
        }
    }
  if (ok)
    {
      n_train = (int) f[0].dims[0];
      n_test = (int) f[2].dims[0];
      ds->task = NN_TASK_CLASSIFY;
      ds->store = NN_STORE_U8;
      ds->input_shape = nn_shape_3d (1, 28, 28);
      ds->n_samples = n_train + n_test;
      ds->n_train = n_train;
      /* The training images become the store, grown in place (a large
       * block is remapped, not copied) to take the test images. */
      ds->u8 = g_try_realloc (f[0].data, image * ds->n_samples);
      if (ds->u8 == NULL)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                       _ ("%s: %d samples of this size do not fit in memory"), ds->source,
                       ds->n_samples);
          ok = FALSE;
        }
      else
        f[0].data = NULL;
    }
  if (ok)
    {
      /* Labels are checked per part, then the two parts laid end to end. */
      g_autoptr (nn_dataset) part = nn_dataset_new_empty (ctx->spec, "", "");
      memcpy (ds->u8 + image * n_train, f[2].data, image * n_test);
      ds->labels = g_new0 (gint32, ds->n_samples);
      for (int p = 0; p < 2 && ok; p++)
        {
          part->task = NN_TASK_CLASSIFY;
          part->n_samples = p == 0 ? n_train : n_test;
          g_clear_pointer (&part->labels, g_free);
          g_clear_pointer (&part->class_names, g_strfreev);
          part->labels = g_new0 (gint32, part->n_samples);
          ok = labels_from_idx (part, &f[2 * p + 1], paths[2 * p], paths[2 * p + 1],
                                fashion_classes, G_N_ELEMENTS (fashion_classes), error);
          if (ok)
            memcpy (ds->labels + (p == 0 ? 0 : n_train), part->labels,
                    sizeof (gint32) * part->n_samples);
        }
      if (ok)
        {
          ds->n_classes = part->n_classes;
          ds->class_names = g_steal_pointer (&part->class_names);
        }
    }
  for (int i = 0; i < 4; i++)
    {
      nn_idx_file_clear (&f[i]);
      g_free (paths[i]);
    }
  return ok ? g_steal_pointer (&ds) : NULL;
}
