/* lab-application.c — the Layerlab application: app-wide actions (about,
 * quit), accelerators for every window action, and the main window. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-demos.h"
#include "lab-window.h"

struct _LabApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

static void
lab_application_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Layerlab developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "application", app, "transient-for",
                        gtk_application_get_active_window (app), "application-icon", APPLICATION_ID,
                        "application-name", _ ("Layerlab"), "developer-name",
                        _ ("The Layerlab developers"), "version", PACKAGE_VERSION, "comments",
                        _ ("Build, train and look inside neural networks."), "website",
                        "https://github.com/layerlab/layerlab", "issue-url",
                        "https://github.com/layerlab/layerlab/issues", "license-type",
                        GTK_LICENSE_GPL_3_0, "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
lab_application_quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window lets it stop its own work (training, loading) and
   * ask about unsaved changes; the application ends with its last window. */
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;
      windows = windows->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_actions[] = {
  { "about", lab_application_about },
  { "quit", lab_application_quit },
};

static const struct
{
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.train", { "<Control>Return", NULL } },
  { "win.pause", { "<Control>p", NULL } },
  { "win.stop", { "<Control>period", NULL } },
  { "win.step", { "<Control><Shift>Return", NULL } },
  { "win.show-page::model", { "<Alt>1", NULL } },
  { "win.show-page::data", { "<Alt>2", NULL } },
  { "win.show-page::training", { "<Alt>3", NULL } },
  { "win.show-page::inside", { "<Alt>4", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
};

static void
lab_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
lab_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lab_window_new (LAB_APPLICATION (app)));
  gtk_window_present (window);
}

static int
lab_application_command_line (GApplication *app, GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *template_id = NULL, *data = NULL, *demo = NULL;
  gboolean train = FALSE;
  g_auto (GStrv) argv = NULL;
  int argc = 0;
  LabWindow *window;

  g_variant_dict_lookup (options, "template", "&s", &template_id);
  g_variant_dict_lookup (options, "data", "&s", &data);
  g_variant_dict_lookup (options, "train", "b", &train);
  g_variant_dict_lookup (options, "demo", "&s", &demo);
  if (demo != NULL && lab_demo_lookup (demo) == NULL)
    {
      g_autofree char *ids = lab_demo_ids ();
      g_application_command_line_printerr (
        command_line, _ ("There is no demo called “%s”: the demos are %s.\n"), demo, ids);
      return 1;
    }
  g_application_activate (app);
  window = LAB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  argv = g_application_command_line_get_arguments (command_line, &argc);
  /* `layerlab FILE.layerlab` opens a project, FILE.onnx is imported; a data
   * file becomes the dataset. */
  if (argc > 1)
    {
      g_autoptr (GFile) file =
        g_application_command_line_create_file_for_arg (command_line, argv[1]);
      lab_window_open_file (window, file);
    }
  if (template_id != NULL || data != NULL || train)
    lab_window_start (window, template_id, data, train);
  /* A bare start greets with the demos; a window closed by then has no use for them. */
  if (window != NULL && demo != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (window), "demo", g_variant_new_string (demo));
  else if (window != NULL && argc <= 1 && template_id == NULL && data == NULL && !train)
    g_action_group_activate_action (G_ACTION_GROUP (window), "welcome", NULL);
  return 0;
}

static const GOptionEntry options[] = {
  { "template", 't', 0, G_OPTION_ARG_STRING, NULL,
    N_ ("Start from a built-in model: mlp, seed-cnn, lenet, tiny-mlp, char-lstm, autoencoder …"),
    N_ ("NAME") },
  { "data", 'd', 0, G_OPTION_ARG_STRING, NULL,
    N_ ("Load a dataset: fashion-mnist, spiral, csv:FILE, images:FOLDER …"), N_ ("SPEC") },
  { "train", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Start training as soon as the data is loaded"),
    NULL },
  { "demo", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_ ("Open a classroom demo with its guide: xor, spiral, fashion, words, autoencoder, gan"),
    N_ ("ID") },
  { NULL },
};

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  /* Uninstalled runs (meson devenv, the tests) find translations in the build tree. */
  const char *localedir = g_getenv ("LAYERLAB_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app_class->startup = lab_application_startup;
  app_class->activate = lab_application_activate;
  app_class->command_line = lab_application_command_line;
}

static void
lab_application_init (LabApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _ ("[FILE.layerlab]"));
}

LabApplication *
lab_application_new (void)
{
  return g_object_new (LAB_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_HANDLES_COMMAND_LINE, "resource-base-path",
                       "/io/github/layerlab/Layerlab", NULL);
}
