/* test-training.c — end to end: train in the real window through its
 * actions. Start, pause, step, resume and stop act on the run and the
 * actions follow; a run finishes with its test metrics; asking to train
 * without data says so; quitting while training stops the worker. */
#include "config.h"

#include <locale.h>

#include "app-run.h"
#include "lab-data-page.h"
#include "lab-model-page.h"
#include "lab-training-page.h"
#include "widget-png.h"

static gboolean
enabled (GtkWindow *window, const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), action);
}

/* Spins the main loop until the action's enabled state is `state`. */
static void
activate (GtkWindow *window, const char *action)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
}

static void
check_controls (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *model = LAB_MODEL_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE));
  app_load_data (window, "spiral");
  /* An empty model starts from the template that suits the data. */
  g_assert_true (lab_model_page_is_valid (model));
  g_assert_true (enabled (window, "train"));
  g_assert_false (enabled (window, "pause"));
  g_assert_false (enabled (window, "stop"));

  activate (window, "train");
  g_assert_true (enabled (window, "pause"));
  g_assert_true (enabled (window, "stop"));
  g_assert_false (enabled (window, "step"));
  /* The model cannot change while it trains. */
  g_assert_false (lab_model_page_use_template (model, "mlp", NULL));

  activate (window, "pause");
  g_assert_true (enabled (window, "step"));
  g_assert_true (enabled (window, "train"));
  activate (window, "step");
  activate (window, "train"); /* resumes */
  g_assert_true (enabled (window, "pause"));

  activate (window, "stop");
  g_assert_true (app_wait_action (window, "stop", FALSE, 30000));
  g_assert_true (enabled (window, "train"));
  g_assert_true (lab_model_page_use_template (model, "tiny-mlp", NULL));
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-stopped.png");
}

static void
test_controls (void)
{
  app_run (check_controls);
}

static void
check_finishes (GtkApplication *app, GtkWindow *window)
{
  GtkProgressBar *progress;

  app_load_data (window, "xor");
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  /* tiny-mlp's recommended 300 epochs of 720 samples take a few seconds. */
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
  progress = GTK_PROGRESS_BAR (app_find_type (
    app_find_type (GTK_WIDGET (window), LAB_TYPE_TRAINING_PAGE), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (window), 5000));
  app_screenshot (GTK_WIDGET (window), "training-finished.png");
}

static void
test_finishes (void)
{
  app_run (check_finishes);
}

/* An autoencoder template trains as an autoencoder (its own input is the
 * target) and a GAN says where it trains instead of failing obscurely. */
static void
check_generative (GtkApplication *app, GtkWindow *window)
{
  LabModelPage *model = LAB_MODEL_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_MODEL_PAGE));
  g_autofree char *bars = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "generative",
                                            "bars-images.idx", NULL);
  g_autofree char *spec = g_strconcat ("idx:", bars, NULL);
  GtkProgressBar *progress;

  app_load_data (window, spec);
  g_assert_true (lab_model_page_use_template (model, "autoencoder", NULL));
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  g_assert_true (app_wait_action (window, "stop", FALSE, 120000));
  progress = GTK_PROGRESS_BAR (app_find_type (
    app_find_type (GTK_WIDGET (window), LAB_TYPE_TRAINING_PAGE), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), ==, 1.0);

  g_assert_true (lab_model_page_use_template (model, "gan", NULL));
  activate (window, "train");
  g_assert_false (enabled (window, "stop"));
}

static void
test_generative (void)
{
  app_run (check_generative);
}

static void
check_no_data (GtkApplication *app, GtkWindow *window)
{
  activate (window, "train");
  g_assert_false (enabled (window, "stop"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     ADW_VIEW_STACK (app_find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK))),
                   ==, "data");
}

static void
test_no_data (void)
{
  app_run (check_no_data);
}

static void
check_quit_while_training (GtkApplication *app, GtkWindow *window)
{
  app_load_data (window, "spiral");
  activate (window, "train");
  g_assert_true (enabled (window, "stop"));
  /* app_run quits now: the window must stop and join the worker. */
}

static void
test_quit_while_training (void)
{
  app_run (check_quit_while_training);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/training/no-data", test_no_data);
  g_test_add_func ("/app/training/controls", test_controls);
  g_test_add_func ("/app/training/finishes", test_finishes);
  g_test_add_func ("/app/training/quit-while-training", test_quit_while_training);
  g_test_add_func ("/app/training/generative", test_generative);
  return g_test_run ();
}
