/* lab-window-recent.c — the Open Recent submenu: the newest projects from
 * GTK's list of recently used files that still exist, refreshed whenever
 * that list changes; choosing one opens it (after the question about
 * unsaved changes, as Open does). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lab-window-private.h"

#define MAX_RECENT 8

static int
newest_first (gconstpointer a, gconstpointer b)
{
  GtkRecentInfo *x = *(GtkRecentInfo **) a;
  GtkRecentInfo *y = *(GtkRecentInfo **) b;

  return -g_date_time_compare (gtk_recent_info_get_modified (x), gtk_recent_info_get_modified (y));
}

/* "xor.layerlab — ~/Projects" */
static char *
item_label (GFile *file)
{
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name);
  g_autofree char *folder = parent != NULL ? g_file_get_path (parent) : NULL;
  g_autofree char *folder_display = NULL;
  const char *home = g_get_home_dir ();

  if (folder == NULL)
    return g_steal_pointer (&display);
  if (g_str_has_prefix (folder, home) &&
      (folder[strlen (home)] == '\0' || folder[strlen (home)] == G_DIR_SEPARATOR))
    {
      g_autofree char *rest = g_strconcat ("~", folder + strlen (home), NULL);

      folder_display = g_filename_display_name (rest);
    }
  else
    folder_display = g_filename_display_name (folder);
  /* Translators: a recent project in the menu: its file name and folder */
  return g_strdup_printf (_ ("%s — %s"), display, folder_display);
}

static void
refresh (LabWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr (GPtrArray) projects = g_ptr_array_new ();
  guint shown = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      /* exists() answers for local files only, which are all we open. */
      if (g_str_has_suffix (gtk_recent_info_get_uri (info), ".layerlab") &&
          gtk_recent_info_exists (info))
        g_ptr_array_add (projects, info);
    }
  g_ptr_array_sort (projects, newest_first);
  g_menu_remove_all (self->recent_section);
  for (guint i = 0; i < projects->len && shown < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (projects, i);
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr (GFile) file = g_file_new_for_uri (uri);
      g_autofree char *label = item_label (file);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (self->recent_section, item);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
action_open_recent (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  _lab_window_open_asking (LAB_WINDOW (user_data), file);
}

static const GActionEntry recent_actions[] = {
  { "open-recent", action_open_recent, "s" },
};

void
_lab_window_init_recent (LabWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), recent_actions,
                                   G_N_ELEMENTS (recent_actions), self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}
