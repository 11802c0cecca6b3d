/* fuzz-util.c — the scratch folder and the result checks of fuzz-util.h. */
#include "fuzz-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "error.h"

static char *dir;

static void
remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (d);
    }
  g_remove (path);
}

static void
remove_dir (void)
{
  remove_tree (dir);
}

const char *
fuzz_dir (void)
{
  if (dir == NULL)
    {
      /* tmpfs when there is one: libFuzzer writes thousands of files a second. */
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : NULL;
      g_autofree char *tmpl =
        g_build_filename (base ? base : g_get_tmp_dir (), "layerlab-fuzz-XXXXXX", NULL);
      dir = g_mkdtemp (g_steal_pointer (&tmpl));
      if (dir == NULL)
        g_error ("cannot create a scratch folder for the fuzz target");
      atexit (remove_dir);
    }
  return dir;
}

char *
fuzz_write (const char *name, const uint8_t *data, size_t size)
{
  char *path = g_build_filename (fuzz_dir (), name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  if (g_mkdir_with_parents (parent, 0700) != 0 ||
      !g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    g_error ("cannot write %s for the fuzz target", path);
  return path;
}

void
fuzz_check_result (gboolean ok, const GError *error)
{
  if (ok && error != NULL)
    {
      g_printerr ("succeeded but set an error: %s\n", error->message);
      __builtin_trap ();
    }
  if (!ok && (error == NULL || error->domain != NN_ERROR))
    {
      g_printerr ("failed without an NN_ERROR%s%s\n", error ? ": " : "",
                  error ? error->message : "");
      __builtin_trap ();
    }
  if (!ok && !g_utf8_validate (error->message, -1, NULL))
    {
      g_printerr ("the message is not UTF-8: %s\n", error->message);
      __builtin_trap ();
    }
}
