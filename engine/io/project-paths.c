/* project-paths.c — the paths in a project's data spec: written relative
 * to the project's folder when the data travels with it, resolved against
 * that folder when read. */
#include "config.h"

#include <string.h>

#include "io/project.h"

typedef char *(*path_map) (const char *path, const char *dir);

/* path (absolute) below or at folder: the rest, "." for folder itself. */
static const char *
path_below (const char *path, const char *folder)
{
  gsize n = strlen (folder);

  if (!g_str_has_prefix (path, folder))
    return NULL;
  if (path[n] == '\0')
    return ".";
  if (path[n] == G_DIR_SEPARATOR && path[n + 1] != '\0')
    return path + n + 1;
  return NULL;
}

static char *
relative_path (const char *path, const char *dir)
{
  /* A relative path in a spec was typed relative to the working folder. */
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_canonicalize_filename (dir, NULL);
  g_autofree char *parent = g_path_get_dirname (base);
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), NULL);
  const char *rest;

  if (path[0] == '\0')
    return g_strdup (path);
  if (g_strcmp0 (base, "/") != 0 && (rest = path_below (abs, base)) != NULL)
    return g_strdup (rest);
  /* Data beside the project's folder (project/ and data/ in one folder)
   * travels with it too; the home folder or / as that folder would make
   * every path "near". */
  if (g_strcmp0 (parent, "/") != 0 && g_strcmp0 (parent, home) != 0 &&
      (rest = path_below (abs, parent)) != NULL)
    return g_strcmp0 (rest, ".") == 0 ? g_strdup ("..") : g_build_filename ("..", rest, NULL);
  return g_steal_pointer (&abs);
}

static char *
resolve_path (const char *path, const char *dir)
{
  g_autofree char *base = NULL;

  if (path[0] == '\0' || g_path_is_absolute (path))
    return g_strdup (path);
  base = g_canonicalize_filename (dir, NULL);
  return g_canonicalize_filename (path, base);
}

/* Applies map to the file or folder paths of spec (idx: has two). */
static char *
map_spec (const char *spec, const char *dir, path_map map)
{
  static const char *const kinds[] = { "csv", "images", "text", "idx" };
  const char *colon = strchr (spec, ':');
  g_autofree char *kind = NULL;
  gboolean known = FALSE;

  if (colon == NULL || colon[1] == '\0')
    return g_strdup (spec);
  kind = g_strndup (spec, colon - spec);
  for (gsize i = 0; i < G_N_ELEMENTS (kinds) && !known; i++)
    known = g_str_equal (kind, kinds[i]);
  if (!known)
    return g_strdup (spec);
  if (g_str_equal (kind, "idx"))
    {
      /* As the IDX loader reads it: IMAGES[:LABELS]. */
      g_auto (GStrv) parts = g_strsplit (colon + 1, ":", 2);
      g_autofree char *images = map (parts[0], dir);
      g_autofree char *labels = parts[1] != NULL ? map (parts[1], dir) : NULL;

      return labels != NULL ? g_strdup_printf ("idx:%s:%s", images, labels)
                            : g_strdup_printf ("idx:%s", images);
    }
  {
    g_autofree char *mapped = map (colon + 1, dir);

    return g_strdup_printf ("%s:%s", kind, mapped);
  }
}

char *
nn_project_spec_relative (const char *spec, const char *dir)
{
  return map_spec (spec, dir, relative_path);
}

char *
nn_project_spec_resolve (const char *spec, const char *dir)
{
  return map_spec (spec, dir, resolve_path);
}
