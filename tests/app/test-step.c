/* test-step.c — step-by-step training driven through the window: the
 * action opens it on a small dense model, each of the seven steps draws
 * the network, the weights change at the update, and a model too big to
 * draw gets an explanation instead. Run in English and (as test
 * step-zh_CN) in Simplified Chinese; the screenshots are for people. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "app-run.h"
#include "lab-application.h"
#include "lab-data-page.h"
#include "lab-step-window.h"
#include "lab-window.h"
#include "widget-png.h"

static const char *lang = "en";

static void
on_dataset_changed (LabDataPage *page, gboolean *loaded)
{
  *loaded = lab_data_page_get_dataset (page) != NULL;
}

/* Pixels of the network's blue and orange (edges and neurons). */
static int
coloured_pixels (GtkWidget *area)
{
  g_autoptr (GdkTexture) texture = widget_png_render (area);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture), n = 0;
  g_autofree guint8 *px = widget_png_download (texture);

  for (int i = 0; i < w * h; i++)
    {
      const guint8 *p = px + 4 * i;
      if ((p[2] > p[0] + 60 && p[2] > 120) || (p[0] > p[2] + 80 && p[0] > 150))
        n++;
    }
  return n;
}

static void
check_steps (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *data_page = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  gboolean loaded = FALSE;
  LabStepWindow *step;
  GtkWidget *area;
  int before_backward = 0;
  double loss, after;

  g_signal_connect (data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), &loaded);
  lab_window_start (LAB_WINDOW (window), "tiny-mlp", "xor", FALSE);
  g_assert_true (app_wait_for (&loaded, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (window), "step-by-step", NULL);
  step = LAB_STEP_WINDOW (app_wait_for_window (LAB_TYPE_STEP_WINDOW));
  g_assert_nonnull (step);
  gtk_window_set_default_size (GTK_WINDOW (step), 1100, 680);
  g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (step), 10000));
  area = app_find_type (GTK_WIDGET (step), GTK_TYPE_DRAWING_AREA);
  g_assert_cmpint (lab_step_window_get_step (step), ==, LAB_STEP_NONE);

  for (int s = LAB_STEP_BATCH; s <= LAB_STEP_CHECK; s++)
    {
      g_autofree char *name = g_strdup_printf ("step-%d-%s.png", s, lang);
      int coloured;

      lab_step_window_next (step);
      g_assert_cmpint (lab_step_window_get_step (step), ==, s);
      g_assert_true (widget_png_wait_for_frame (GTK_WIDGET (step), 5000));
      coloured = coloured_pixels (area);
      g_assert_cmpint (coloured, >, 500);
      /* from backpropagation on, thickness shows gradients, not weights */
      if (s == LAB_STEP_OUTPUT_GRADIENT)
        before_backward = coloured;
      if (s == LAB_STEP_BACKWARD)
        g_assert_cmpint (coloured, !=, before_backward);
      app_screenshot (GTK_WIDGET (step), name);
    }
  loss = lab_step_window_get_loss (step, &after);
  g_assert_true (isfinite (loss) && isfinite (after));

  /* after the seventh step, the next batch */
  lab_step_window_next (step);
  g_assert_cmpint (lab_step_window_get_step (step), ==, LAB_STEP_BATCH);
  gtk_window_destroy (GTK_WINDOW (step));
}

static void
test_steps (void)
{
  app_run (check_steps);
}

static void
check_too_big (GtkApplication *app, GtkWindow *window)
{
  LabDataPage *data_page = LAB_DATA_PAGE (app_find_type (GTK_WIDGET (window), LAB_TYPE_DATA_PAGE));
  gboolean loaded = FALSE;
  GtkWindow *dialog;

  /* the mlp template's hidden layer has 128 units: too many to draw */
  g_signal_connect (data_page, "dataset-changed", G_CALLBACK (on_dataset_changed), &loaded);
  lab_window_start (LAB_WINDOW (window), "mlp", "blobs", FALSE);
  g_assert_true (app_wait_for (&loaded, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (window), "step-by-step", NULL);
  dialog = app_wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "16"));
  gtk_window_destroy (dialog);
}

static void
test_too_big (void)
{
  app_run (check_too_big);
}

int
main (int argc, char *argv[])
{
  const char *lc = g_getenv ("LC_ALL");

  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAYERLAB_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);
  if (lc != NULL && g_str_has_prefix (lc, "zh_CN"))
    {
      if (setlocale (LC_ALL, lc) == NULL)
        {
          g_test_skip ("the zh_CN.UTF-8 locale is not generated on this machine");
          return g_test_run ();
        }
      lang = "zh_CN";
    }
  g_test_add_func ("/app/step/seven-steps", test_steps);
  g_test_add_func ("/app/step/too-big", test_too_big);
  return g_test_run ();
}
