/* png-folder.c — an ImageFolder: one sub-folder of PNG images per class.
 * Every PNG colour type, bit depth and interlacing is read with libpng and
 * brought to 8-bit grey (when every image is grey) or RGB; transparency is
 * composited on white, as the images look in a viewer. Images of other
 * sizes are resampled (bilinear) to the most common size. A file that cannot
 * be read is skipped with a warning naming it; sizes are checked from the
 * header before any pixel memory is allocated. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "dataset-private.h"

/* What outlives a longjmp out of libpng: everything to free is here. */
typedef struct
{
  jmp_buf jump;
  char message[256];
  FILE *file;
  png_structp png;
  png_infop info;
  guint8 *pixels;
  png_bytep *rows;
} png_reader;

static void
on_png_error (png_structp png, png_const_charp message)
{
  png_reader *r = png_get_error_ptr (png);

  g_strlcpy (r->message, message, sizeof r->message);
  longjmp (r->jump, 1);
}

static void
on_png_warning (png_structp png, png_const_charp message)
{
}

static void
reader_clear (png_reader *r)
{
  if (r->png != NULL)
    png_destroy_read_struct (&r->png, r->info != NULL ? &r->info : NULL, NULL);
  if (r->file != NULL)
    fclose (r->file);
  g_free (r->pixels);
  g_free (r->rows);
  g_free (r);
}

/* Opens path and reads up to the image header, checking its size. */
static gboolean
read_header (png_reader *r, const char *path, GError **error)
{
  png_byte signature[8];
  gsize got;
  png_uint_32 width, height;

  r->file = g_fopen (path, "rb");
  if (r->file == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not open %s: %s"), path,
                   g_strerror (errno));
      return FALSE;
    }
  got = fread (signature, 1, sizeof signature, r->file);
  if (got == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _ ("%s is empty: expected a PNG image"), path);
      return FALSE;
    }
  if (got < sizeof signature || png_sig_cmp (signature, 0, sizeof signature) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s is not a PNG image: expected it to start with the PNG signature"), path);
      return FALSE;
    }
  r->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, r, on_png_error, on_png_warning);
  if (r->png != NULL)
    r->info = png_create_info_struct (r->png);
  if (r->info == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY, _ ("Out of memory reading %s"), path);
      return FALSE;
    }
  /* Our own limit below says what is expected; libpng's would say less. */
  png_set_user_limits (r->png, 0x7fffffff, 0x7fffffff);
  png_init_io (r->png, r->file);
  png_set_sig_bytes (r->png, sizeof signature);
  png_read_info (r->png, r->info);
  width = png_get_image_width (r->png, r->info);
  height = png_get_image_height (r->png, r->info);
  if (width > NN_PNG_MAX_SIDE || height > NN_PNG_MAX_SIDE ||
      (guint64) width * height > NN_PNG_MAX_PIXELS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s claims to be %u×%u pixels: expected at most %d×%d and %d megapixels"),
                   path, (unsigned) width, (unsigned) height, NN_PNG_MAX_SIDE, NN_PNG_MAX_SIDE,
                   NN_PNG_MAX_PIXELS / (1024 * 1024));
      return FALSE;
    }
  return TRUE;
}

static void
damaged (const char *path, const png_reader *r, GError **error)
{
  g_set_error (error, NN_ERROR, NN_ERROR_DATA,
               _ ("%s is damaged (%s): expected a complete, valid PNG image"), path, r->message);
}

gboolean
nn_png_read_info (const char *path, int *width, int *height, gboolean *grey, GError **error)
{
  /* On the heap: locals changed between setjmp and longjmp are lost. */
  png_reader *r = g_new0 (png_reader, 1);

  if (setjmp (r->jump))
    {
      damaged (path, r, error);
      reader_clear (r);
      return FALSE;
    }
  if (!read_header (r, path, error))
    {
      reader_clear (r);
      return FALSE;
    }
  *width = (int) png_get_image_width (r->png, r->info);
  *height = (int) png_get_image_height (r->png, r->info);
  *grey = !(png_get_color_type (r->png, r->info) & PNG_COLOR_MASK_COLOR);
  reader_clear (r);
  return TRUE;
}

gboolean
nn_png_read (const char *path, nn_png_image *img, GError **error)
{
  png_reader *r = g_new0 (png_reader, 1);
  int w, h, in_channels, out_channels;
  gsize rowbytes;

  memset (img, 0, sizeof *img);
  if (setjmp (r->jump))
    {
      damaged (path, r, error);
      reader_clear (r);
      return FALSE;
    }
  if (!read_header (r, path, error))
    {
      reader_clear (r);
      return FALSE;
    }
  w = (int) png_get_image_width (r->png, r->info);
  h = (int) png_get_image_height (r->png, r->info);
  img->grey = !(png_get_color_type (r->png, r->info) & PNG_COLOR_MASK_COLOR);
  /* Palette to RGB, grey below 8 bits to 8, tRNS to alpha, 16 bits to 8. */
  png_set_expand (r->png);
  png_set_strip_16 (r->png);
  png_set_interlace_handling (r->png);
  png_read_update_info (r->png, r->info);
  in_channels = png_get_channels (r->png, r->info);
  rowbytes = png_get_rowbytes (r->png, r->info);
  r->pixels = g_malloc (rowbytes * h);
  r->rows = g_new (png_bytep, h);
  for (int y = 0; y < h; y++)
    r->rows[y] = r->pixels + rowbytes * y;
  png_read_image (r->png, r->rows);
  png_read_end (r->png, NULL);

  out_channels = img->grey ? 1 : 3;
  img->width = w;
  img->height = h;
  img->channels = out_channels;
  img->pixels = g_malloc ((gsize) w * h * out_channels);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = r->rows[y] + (gsize) x * in_channels;
        guint8 *o = img->pixels + ((gsize) y * w + x) * out_channels;
        gboolean alpha = in_channels == 2 || in_channels == 4;
        int a = alpha ? p[in_channels - 1] : 255;

        for (int c = 0; c < out_channels; c++)
          {
            int v = p[MIN (c, in_channels - 1 - alpha)];
            o[c] = (guint8) ((v * a + 255 * (255 - a) + 127) / 255);
          }
      }
  reader_clear (r);
  return TRUE;
}

void
nn_png_image_clear (nn_png_image *img)
{
  g_clear_pointer (&img->pixels, g_free);
}

/* Bilinear resampling of an interleaved image into channels-first planes
 * of size w×h; a grey image fills every output channel. */
static void
resample (const nn_png_image *img, guint8 *out, int channels, int w, int h)
{
  for (int y = 0; y < h; y++)
    {
      double sy = h > 1 ? (y + 0.5) * img->height / h - 0.5 : (img->height - 1) / 2.0;
      int y0 = CLAMP ((int) sy, 0, img->height - 1), y1 = MIN (y0 + 1, img->height - 1);
      double fy = CLAMP (sy - y0, 0.0, 1.0);

      for (int x = 0; x < w; x++)
        {
          double sx = w > 1 ? (x + 0.5) * img->width / w - 0.5 : (img->width - 1) / 2.0;
          int x0 = CLAMP ((int) sx, 0, img->width - 1), x1 = MIN (x0 + 1, img->width - 1);
          double fx = CLAMP (sx - x0, 0.0, 1.0);

          for (int c = 0; c < channels; c++)
            {
              int k = MIN (c, img->channels - 1);
#define PX(xx, yy) img->pixels[((gsize) (yy) *img->width + (xx)) * img->channels + k]
              double v = (1 - fy) * ((1 - fx) * PX (x0, y0) + fx * PX (x1, y0)) +
                         fy * ((1 - fx) * PX (x0, y1) + fx * PX (x1, y1));
#undef PX
              out[((gsize) c * h + y) * w + x] = (guint8) CLAMP (v + 0.5, 0, 255);
            }
        }
    }
}

typedef struct
{
  char *path;
  int label;
  int width, height;
} image_entry;

static void
image_entry_free (gpointer p)
{
  image_entry *e = p;
  g_free (e->path);
  g_free (e);
}

static gboolean
is_png_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_str_has_suffix (lower, ".png");
}

nn_dataset *
nn_load_png_folder (const nn_load_ctx *ctx, GError **error)
{
  const char *root = ctx->arg;
  g_autoptr (GPtrArray) top = NULL;
  g_autoptr (GPtrArray) classes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (image_entry_free);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) sizes = g_hash_table_new (NULL, NULL);
  g_autoptr (nn_dataset) ds = NULL;
  g_autofree gboolean *keep = NULL;
  g_autofree char *base = g_path_get_basename (root);
  gboolean all_grey = TRUE;
  int found = 0, w = 0, h = 0, best = 0, usable = 0;

  if (!nn_load_check_path (root, TRUE, error) || (top = nn_load_list_folder (root, error)) == NULL)
    return NULL;
  for (guint e = 0; e < top->len; e++)
    {
      g_autofree char *dir = g_build_filename (root, top->pdata[e], NULL);
      g_autoptr (GPtrArray) files = NULL;
      g_autoptr (GError) unreadable = NULL;

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          if (is_png_name (top->pdata[e]))
            g_ptr_array_add (warnings, g_strdup_printf (_ ("Skipped: %s is not in a class "
                                                           "folder"),
                                                        dir));
          continue;
        }
      files = nn_load_list_folder (dir, &unreadable);
      if (files == NULL)
        {
          g_ptr_array_add (warnings, g_strdup_printf (_ ("Skipped: %s"), unreadable->message));
          continue;
        }
      for (guint f = 0; f < files->len; f++)
        {
          image_entry *entry;
          g_autoptr (GError) local = NULL;
          gboolean grey;

          if (!is_png_name (files->pdata[f]))
            continue;
          found++;
          entry = g_new0 (image_entry, 1);
          entry->path = g_build_filename (dir, files->pdata[f], NULL);
          entry->label = (int) classes->len;
          if (!nn_png_read_info (entry->path, &entry->width, &entry->height, &grey, &local))
            {
              g_ptr_array_add (warnings, g_strdup_printf (_ ("Skipped: %s"), local->message));
              image_entry_free (entry);
              continue;
            }
          all_grey &= grey;
          {
            gpointer key = GINT_TO_POINTER (entry->width * 32768 + entry->height);
            int count = GPOINTER_TO_INT (g_hash_table_lookup (sizes, key)) + 1;
            g_hash_table_insert (sizes, key, GINT_TO_POINTER (count));
            if (count > best)
              {
                best = count;
                w = entry->width;
                h = entry->height;
              }
          }
          g_ptr_array_add (images, entry);
        }
      g_ptr_array_add (classes, g_strdup (top->pdata[e]));
      if (!nn_load_check_cancel (ctx, error))
        return NULL;
    }
  if (found == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s holds no PNG images: expected one sub-folder of PNG images per class"),
                   root);
      return NULL;
    }
  if (images->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("None of the %d PNG images in %s could be read: expected valid PNG files "
                      "(%s)"),
                   found, root, (char *) warnings->pdata[0]);
      return NULL;
    }
  if (ctx->o.image_size > 0)
    w = h = MIN (ctx->o.image_size, NN_PNG_MAX_SIDE);

  /* The limit is chosen from the folder names before decoding, so 500 of
   * 60,000 images cost 500 decodes; the size above still comes from all. */
  {
    g_autofree gint32 *labels = g_new (gint32, images->len);
    g_autofree gboolean *chosen = NULL;

    for (guint i = 0; i < images->len; i++)
      labels[i] = ((image_entry *) images->pdata[i])->label;
    chosen = nn_limit_choose (labels, (int) classes->len, (int) images->len, (int) images->len,
                              ctx->o.limit, ctx->o.seed);
    if (chosen != NULL)
      {
        GPtrArray *kept = g_ptr_array_new_with_free_func (image_entry_free);
        for (guint i = 0; i < images->len; i++)
          if (chosen[i])
            g_ptr_array_add (kept, images->pdata[i]);
          else
            image_entry_free (images->pdata[i]);
        g_ptr_array_set_free_func (images, NULL);
        g_ptr_array_unref (images);
        images = kept;
      }
  }

  ds = nn_dataset_new_empty (ctx->spec, base, root);
  ds->task = NN_TASK_CLASSIFY;
  ds->store = NN_STORE_U8;
  ds->input_shape = nn_shape_3d (all_grey ? 1 : 3, h, w);
  ds->n_samples = ds->n_train = (int) images->len;
  if (!nn_dataset_alloc (ds, error))
    return NULL;
  ds->n_classes = (int) classes->len;
  g_ptr_array_add (classes, NULL);
  ds->class_names = (char **) g_ptr_array_steal (classes, NULL);

  keep = g_new0 (gboolean, images->len);
  for (guint i = 0; i < images->len; i++)
    {
      image_entry *entry = images->pdata[i];
      g_autoptr (GError) local = NULL;
      nn_png_image img;

      nn_load_progress (ctx, (double) i / images->len);
      if (!nn_load_check_cancel (ctx, error))
        return NULL;
      if (!nn_png_read (entry->path, &img, &local))
        {
          g_ptr_array_add (warnings, g_strdup_printf (_ ("Skipped: %s"), local->message));
          continue;
        }
      resample (&img, ds->u8 + nn_dataset_sample_bytes (ds) * i, ds->input_shape.dim[0], w, h);
      nn_png_image_clear (&img);
      ds->labels[i] = entry->label;
      keep[i] = TRUE;
      usable++;
    }
  if (usable == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("None of the %d PNG images in %s could be read: expected valid PNG files "
                      "(%s)"),
                   found, root, (char *) warnings->pdata[0]);
      return NULL;
    }
  nn_dataset_keep (ds, keep);
  if (warnings->len > 0)
    {
      g_ptr_array_add (warnings, NULL);
      ds->load_warnings = (char **) g_ptr_array_steal (warnings, NULL);
    }
  return g_steal_pointer (&ds);
}
