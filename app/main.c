/* main.c — starts the Layerlab window. */
#include "config.h"

#include <locale.h>

#include "kernels/threads.h"
#include "lab-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (LabApplication) app = NULL;

  nn_threads_prepare_process (argv);
  /* The application binds its translation domain when its class is made. */
  setlocale (LC_ALL, "");

  app = lab_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
