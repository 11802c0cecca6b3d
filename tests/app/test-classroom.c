/* test-classroom.c — the classroom end to end: the welcome page on a bare
 * start, each demo opening its template, data, page and guide (in English
 * and Simplified Chinese, with a screenshot of each), `--demo`, the "?"
 * help with its formulas, and projector mode changing the theme and what
 * a widget draws. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "app-run.h"
#include "lab-application.h"
#include "lab-data-page.h"
#include "lab-demos.h"
#include "lab-help-button.h"
#include "lab-layer-palette.h"
#include "lab-model-canvas.h"
#include "lab-model-page.h"
#include "lab-theme.h"
#include "lab-welcome.h"
#include "layer.h"
#include "loss.h"
#include "optimizer.h"
#include "widget-png.h"

typedef struct
{
  AppRunCheck check;
  gboolean ran;
} Run;

static void
run_check (gpointer user_data)
{
  Run *run = user_data;
  GApplication *app = g_application_get_default ();
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  gtk_window_set_default_size (window, 1280, 800);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 10000));
  run->check (GTK_APPLICATION (app), window);
  run->ran = TRUE;
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (window);
  g_application_quit (app);
}

static void
on_activate (GApplication *app, Run *run)
{
  /* After the command line has been handled, as a user's start would be. */
  if (!run->ran)
    g_idle_add_once (run_check, run);
}

/* Like app_run, but with a command line, and the check runs once the
 * command line has done its work (app_run's check runs inside activate). */
static int
run_with_args (const char *const *args, AppRunCheck check)
{
  g_autoptr (LabApplication) app = lab_application_new ();
  Run run = { check, FALSE };
  int status;

  g_application_set_flags (G_APPLICATION (app), g_application_get_flags (G_APPLICATION (app)) |
                                                  G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &run);
  status = g_application_run (G_APPLICATION (app), g_strv_length ((char **) args), (char **) args);
  if (status == 0)
    g_assert_true (run.ran);
  return status;
}

static const char *
language (void)
{
  const char *lang = g_getenv ("LC_ALL");
  return lang != NULL && g_str_has_prefix (lang, "zh_CN") ? "zh_CN" : "en";
}

static void
check_welcome (GtkApplication *app, GtkWindow *window)
{
  GtkWidget *welcome = app_find_named (GTK_WIDGET (window), "welcome");
  int n = 0;
  const LabDemo *demos = lab_demos (&n);
  g_autofree char *shot = g_strdup_printf ("welcome-%s.png", language ());

  g_assert_nonnull (welcome);
  g_assert_true (gtk_widget_get_mapped (welcome));
  g_assert_cmpint (n, ==, 6);
  for (int i = 0; i < n; i++)
    {
      GtkWidget *card = lab_welcome_get_card (LAB_WELCOME (welcome), demos[i].id);
      g_assert_nonnull (card);
      g_assert_true (gtk_widget_get_mapped (card));
      g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (card)), ==, "win.demo");
    }
  app_screenshot (GTK_WIDGET (window), shot);

  /* Picking a page is leaving the welcome. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("data"));
  g_assert_false (gtk_widget_get_visible (welcome));
  g_action_group_activate_action (G_ACTION_GROUP (window), "welcome", NULL);
  g_assert_true (gtk_widget_get_visible (welcome));
}

static void
test_welcome (void)
{
  const char *args[] = { "layerlab", NULL };

  g_assert_cmpint (run_with_args (args, check_welcome), ==, 0);
}

static gboolean loaded;

static void
on_loaded (LabDataPage *page, gpointer user_data)
{
  loaded = TRUE;
}

static void
check_guide (GtkWindow *window, const LabDemo *demo)
{
  GtkWidget *guide = app_find_named (GTK_WIDGET (window), "demo-guide");
  GtkWidget *try_label = app_find_named (guide, "demo-guide-try");
  GtkWidget *look_label = app_find_named (guide, "demo-guide-look");

  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (guide)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (try_label)), _ (demo->what_to_try)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (look_label)), _ (demo->look_for)));
}

/* Starts the demo as its card does and waits until its page shows. */
static void
open_demo (GtkWindow *window, const LabDemo *demo)
{
  LabDataPage *data = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  LabModelPage *model = LAB_MODEL_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE));
  AdwViewStack *stack = ADW_VIEW_STACK (app_find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  GtkWidget *welcome = app_find_named (GTK_WIDGET (window), "welcome");
  gulong handler = g_signal_connect (data, "dataset-changed", G_CALLBACK (on_loaded), NULL);
  nn_graph_report report = { 0 };

  loaded = FALSE;
  gtk_widget_activate (lab_welcome_get_card (LAB_WELCOME (welcome), demo->id));
  g_assert_true (app_wait_for (&loaded, 60000));
  g_signal_handler_disconnect (data, handler);

  g_assert_false (gtk_widget_get_visible (welcome));
  g_assert_cmpstr (lab_data_page_get_dataset (data)->spec, ==, demo->data_spec);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, demo->page);
  g_assert_true (nn_graph_infer (lab_model_page_get_graph (model), &report));
  g_assert_cmpint (report.n_nodes, >, 2);
  nn_graph_report_clear (&report);
  check_guide (window, demo);
}

static void
check_demos (GtkApplication *app, GtkWindow *window)
{
  int n = 0;
  const LabDemo *demos = lab_demos (&n);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *why = NULL;
      g_autofree char *shot = g_strdup_printf ("demo-%s-%s.png", demos[i].id, language ());

      if (!lab_demo_available (&demos[i], &why))
        {
          g_test_message ("demo %s skipped: %s", demos[i].id, why);
          continue;
        }
      open_demo (window, &demos[i]);
      g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
      app_screenshot (GTK_WIDGET (window), shot);
      g_action_group_activate_action (G_ACTION_GROUP (window), "welcome", NULL);
    }
}

static void
test_demos (void)
{
  const char *args[] = { "layerlab", NULL };

  g_assert_cmpint (run_with_args (args, check_demos), ==, 0);
}

/* The same in Simplified Chinese: a child process, because GTK takes the
 * language from the environment once, when it starts. */
static void
test_demos_chinese (void)
{
  if (g_test_subprocess ())
    {
      test_welcome ();
      test_demos ();
      return;
    }
  if (setlocale (LC_ALL, "zh_CN.UTF-8") == NULL)
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not generated on this machine");
      return;
    }
  setlocale (LC_ALL, "");
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  g_test_trap_subprocess (NULL, 100 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_trap_assert_passed ();
}

static void
check_cli_demo (GtkApplication *app, GtkWindow *window)
{
  const LabDemo *demo = lab_demo_lookup ("spiral");
  LabDataPage *data = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  gulong handler = g_signal_connect (data, "dataset-changed", G_CALLBACK (on_loaded), NULL);

  /* The data may have arrived already: the command line started loading it. */
  loaded = lab_data_page_get_dataset (data) != NULL;
  g_assert_true (app_wait_for (&loaded, 20000));
  g_signal_handler_disconnect (data, handler);
  g_assert_cmpstr (lab_data_page_get_dataset (data)->spec, ==, "spiral");
  g_assert_false (gtk_widget_get_visible (app_find_named (GTK_WIDGET (window), "welcome")));
  check_guide (window, demo);
}

static void
test_cli_demo (void)
{
  const char *args[] = { "layerlab", "--demo", "spiral", NULL };
  const char *unknown[] = { "layerlab", "--demo", "mnist-gan", NULL };

  g_assert_cmpint (run_with_args (args, check_cli_demo), ==, 0);
  g_assert_cmpint (run_with_args (unknown, check_cli_demo), ==, 1);
}

/* Every layer kind, loss and optimizer explains itself, every setting of a
 * layer says what changing it does, and every formula is valid markup. */
static void
test_help_complete (void)
{
  int n = 0;
  const nn_layer_ops *const *kinds = nn_layer_kinds (&n);
  const nn_loss_info *losses;
  const nn_optimizer_info *optimizers;
  const LabHelp *helps[64];
  int n_helps = 0;

  for (int i = 0; i < n; i++)
    {
      const LabHelp *help = lab_layer_help (kinds[i]->id);

      g_assert_nonnull (help);
      for (int p = 0; p < kinds[i]->n_params; p++)
        if (lab_help_param_effect (help, kinds[i]->params[p].id) == NULL)
          g_error ("%s's setting %s has no help", kinds[i]->id, kinds[i]->params[p].id);
      helps[n_helps++] = help;
    }
  losses = nn_losses (&n);
  for (int i = 0; i < n; i++)
    g_assert_nonnull ((helps[n_helps++] = lab_loss_help (losses[i].id)));
  optimizers = nn_optimizers (&n);
  for (int i = 0; i < n; i++)
    g_assert_nonnull ((helps[n_helps++] = lab_optimizer_help (optimizers[i].id)));
  for (int i = 0; i < n_helps; i++)
    {
      g_autofree char *markup = lab_help_markup (helps[i], "<title & co>");
      g_autoptr (GError) error = NULL;

      pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_null (lab_layer_help ("no-such-layer"));
}

static GtkWidget *
find_help_button (GtkWidget *root, const char *kind_id)
{
  const LabHelp *help = lab_layer_help (kind_id);

  if (GTK_IS_MENU_BUTTON (root) && g_strcmp0 (gtk_widget_get_name (root), "help-button") == 0 &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), lab_help_summary (help)) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_help_button (child, kind_id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
check_dense_help (GtkApplication *app, GtkWindow *window)
{
  GtkWidget *palette = app_find_type (GTK_WIDGET (window), LAB_TYPE_LAYER_PALETTE);
  GtkWidget *button = find_help_button (palette, "dense");
  GtkWidget *label, *popover;
  const char *text;

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("model"));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_true (widget_png_wait_for_frame (popover, 5000));
  label = lab_help_button_get_label (button);
  text = gtk_label_get_text (GTK_LABEL (label));
  g_assert_nonnull (strstr (text, "y = W x + b"));
  g_assert_nonnull (strstr (text, _ ("Units")));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  app_screenshot (popover, "help-dense.png");
  app_screenshot (GTK_WIDGET (window), "help-dense-window.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

static void
test_dense_help (void)
{
  app_run (check_dense_help);
}

/* The Training page's optimizer row has a "?" with the update rule of the
 * optimizer chosen (Adam by default). */
static gboolean
has_adam_rule (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = GTK_IS_MENU_BUTTON (child) ? lab_help_button_get_label (child) : NULL;

      if ((GTK_IS_LABEL (label) && gtk_widget_get_visible (child) &&
           strstr (gtk_label_get_text (GTK_LABEL (label)), "m̂") != NULL) ||
          has_adam_rule (child))
        return TRUE;
    }
  return FALSE;
}

static void
check_optimizer_help (GtkApplication *app, GtkWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("training"));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  g_assert_true (has_adam_rule (GTK_WIDGET (window)));
}

static void
test_optimizer_help (void)
{
  app_run (check_optimizer_help);
}

static guint64
pixel_difference (GdkTexture *a, GdkTexture *b)
{
  int width = MIN (gdk_texture_get_width (a), gdk_texture_get_width (b));
  int height = MIN (gdk_texture_get_height (a), gdk_texture_get_height (b));
  g_autofree guint8 *pa = widget_png_download (a);
  g_autofree guint8 *pb = widget_png_download (b);
  guint64 differ = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pa + ((gsize) y * gdk_texture_get_width (a) + x) * 4;
        const guint8 *q = pb + ((gsize) y * gdk_texture_get_width (b) + x) * 4;
        differ += ABS (p[0] - q[0]) + ABS (p[1] - q[1]) + ABS (p[2] - q[2]) > 48;
      }
  return differ;
}

static void
check_projector (GtkApplication *app, GtkWindow *window)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *canvas = app_find_named (GTK_WIDGET (window), "canvas");
  LabModelCanvas *board =
    LAB_MODEL_CANVAS (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_CANVAS));
  g_autoptr (GdkTexture) before = NULL;
  g_autoptr (GdkTexture) after = NULL;
  double font_before, font_after, zoom_before;

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("model"));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  g_assert_cmpfloat (lab_theme_scale (), ==, 1.0);
  zoom_before = lab_model_canvas_get_zoom (board);
  font_before = pango_font_description_get_size (
    pango_context_get_font_description (gtk_widget_get_pango_context (canvas)));
  before = widget_png_render (canvas);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "projector",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (g_settings_get_boolean (settings, "projector-mode"));
  g_assert_true (lab_theme_get_projector ());
  g_assert_cmpfloat (lab_theme_scale (), ==, LAB_THEME_PROJECTOR_SCALE);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  font_after = pango_font_description_get_size (
    pango_context_get_font_description (gtk_widget_get_pango_context (canvas)));
  g_assert_cmpfloat (font_after, >, font_before * 1.4);
  /* cards and wires grow with the text, as by zooming in */
  g_assert_cmpfloat_with_epsilon (lab_model_canvas_get_zoom (board),
                                  MIN (4.0, zoom_before * LAB_THEME_PROJECTOR_SCALE), 1e-6);
  after = widget_png_render (canvas);
  /* Larger text, black on white: a good part of the picture changes. */
  g_assert_cmpuint (pixel_difference (before, after), >, 500);
  app_screenshot (GTK_WIDGET (window), "projector.png");
  app_screenshot (canvas, "projector-canvas.png");

  g_action_group_change_action_state (G_ACTION_GROUP (window), "projector",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (g_settings_get_boolean (settings, "projector-mode"));
  g_assert_cmpfloat (lab_theme_scale (), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (lab_model_canvas_get_zoom (board), zoom_before, 1e-6);
  g_assert_false (
    g_variant_get_boolean (g_action_group_get_action_state (G_ACTION_GROUP (window), "projector")));
}

static void
test_projector (void)
{
  app_run (check_projector);
}

int
main (int argc, char *argv[])
{
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAYERLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/classroom/help-complete", test_help_complete);
  g_test_add_func ("/app/classroom/welcome", test_welcome);
  g_test_add_func ("/app/classroom/dense-help", test_dense_help);
  g_test_add_func ("/app/classroom/optimizer-help", test_optimizer_help);
  g_test_add_func ("/app/classroom/projector", test_projector);
  g_test_add_func ("/app/classroom/cli-demo", test_cli_demo);
  g_test_add_func ("/app/classroom/demos", test_demos);
  g_test_add_func ("/app/classroom/demos-zh-cn", test_demos_chinese);
  return g_test_run ();
}
