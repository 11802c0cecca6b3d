/* test-locale.c — the window follows LANG: under zh_CN.UTF-8 it speaks
 * Simplified Chinese, and the CJK text renders. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lab-application.h"
#include "widget-png.h"

static AdwViewStack *
find_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_stack (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_activate (GApplication *app, gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  AdwViewStack *stack = find_stack (GTK_WIDGET (window));
  GtkWidget *data = adw_view_stack_get_child_by_name (stack, "data");
  AdwViewStackPage *page = adw_view_stack_get_page (stack, data);
  g_autofree char *path = widget_png_output_path ("window-zh_CN.png");

  g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, "数据(_D)");
  gtk_window_set_default_size (window, 1280, 800);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 10000));
  g_assert_true (widget_png_save (GTK_WIDGET (window), path, NULL));
  *(gboolean *) user_data = TRUE;
  g_application_quit (app);
}

static void
test_chinese (void)
{
  g_autoptr (LabApplication) app = NULL;
  gboolean ran = FALSE;

  /* gtk_init() calls setlocale (LC_ALL, ""), so the environment must say it too. */
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  if (setlocale (LC_ALL, "zh_CN.UTF-8") == NULL)
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not generated on this machine");
      return;
    }
  app = lab_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &ran);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_true (ran);
}

int
main (int argc, char *argv[])
{
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAYERLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/locale/zh-cn", test_chinese);
  return g_test_run ();
}
