/* main.c — starts the Layerlab window. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lab-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (LabApplication) app = NULL;
  /* Uninstalled runs (meson devenv, the tests) find translations in the build tree. */
  const char *localedir = g_getenv ("LAYERLAB_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lab_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
