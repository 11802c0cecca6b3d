/* ui-latency.c — does the window stay smooth while it trains? Opens the
 * real Layerlab window (run it under Xvfb), trains the MLP on Fashion-MNIST
 * with the live plot showing for 20 s while measuring main-loop stalls (a
 * high-priority 5 ms timer) and frame intervals, then trains the same
 * headless for as long, and prints one JSON line:
 *   {"max_stall_ms":…,"p99_frame_ms":…,"gui_samples_per_s":…,"headless_samples_per_s":…}
 * Targets: max stall ≤ 50 ms, p99 frame ≤ 20 ms, GUI ≥ 0.9× headless. */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "kernels/threads.h"
#include "lab-application.h"
#include "lab-window-private.h"

#define SECONDS 20

typedef struct
{
  gint64 last_timer;
  double max_stall_ms;
  gint64 last_frame;
  GArray *frames; /* double, ms */
  double gui_rate;
  gboolean loaded;
  gboolean measuring;
} Probe;

static gboolean
on_timer (gpointer user_data)
{
  Probe *p = user_data;
  gint64 now = g_get_monotonic_time ();

  if (p->measuring && p->last_timer > 0)
    p->max_stall_ms = MAX (p->max_stall_ms, (now - p->last_timer) / 1000.0 - 5.0);
  p->last_timer = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Probe *p = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (p->measuring && p->last_frame > 0)
    {
      double ms = (now - p->last_frame) / 1000.0;
      g_array_append_val (p->frames, ms);
    }
  p->last_frame = now;
  return G_SOURCE_CONTINUE;
}

static void
on_event (LabTrainingController *training, const nn_train_event *e, Probe *p)
{
  if (e->kind == NN_EVENT_BATCH)
    p->gui_rate = e->samples_per_s;
}

static void
on_loaded (LabDataPage *page, Probe *p)
{
  p->loaded = TRUE;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
on_activate (GApplication *app, Probe *p)
{
  LabWindow *window = LAB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  nn_trainer_config config;
  gint64 end;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_signal_connect (window->data_page, "dataset-changed", G_CALLBACK (on_loaded), p);
  g_signal_connect (window->training, "event", G_CALLBACK (on_event), p);
  lab_window_start (window, "mlp", "fashion-mnist", FALSE);
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!p->loaded && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  /* Many epochs, so it trains for the whole window of time. */
  nn_trainer_config_init (&config);
  nn_template_apply_config (nn_template_lookup ("mlp"), NULL, &config);
  config.epochs = 1000;
  lab_training_page_set_config (window->training_page, &config);
  g_action_group_activate_action (G_ACTION_GROUP (window), "train", NULL);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, p, NULL);
  g_timeout_add_full (G_PRIORITY_HIGH, 5, on_timer, p, NULL);
  spin (2); /* warm-up */
  p->measuring = TRUE;
  spin (SECONDS);
  p->measuring = FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "stop", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  double rate;
  gint64 end;
  GCancellable *cancel;
} Headless;

static void
on_headless_event (const nn_train_event *e, gpointer user_data)
{
  Headless *h = user_data;

  if (e->kind == NN_EVENT_BATCH)
    {
      h->rate = e->samples_per_s;
      if (g_get_monotonic_time () > h->end)
        g_cancellable_cancel (h->cancel);
    }
}

static double
headless_rate (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_dataset) ds =
    nn_dataset_open ("fashion-mnist", &(nn_data_options){ 0 }, NULL, NULL, NULL, &error);
  g_autoptr (nn_graph) g = NULL;
  g_autoptr (nn_trainer) t = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  Headless h = { 0, 0, cancel };
  nn_trainer_config c;

  if (ds == NULL)
    g_error ("%s", error->message);
  g = nn_template_build ("mlp", ds, &error);
  nn_trainer_config_init (&c);
  nn_template_apply_config (nn_template_lookup ("mlp"), ds, &c);
  t = nn_trainer_new (g, ds, &c, &error);
  if (t == NULL)
    g_error ("%s", error->message);
  h.end = g_get_monotonic_time () + (2 + SECONDS) * G_USEC_PER_SEC;
  nn_trainer_fit (t, on_headless_event, &h, cancel, NULL);
  return h.rate;
}

int
main (int argc, char *argv[])
{
  g_autoptr (LabApplication) app = NULL;
  Probe probe = { 0 };
  double headless, p99 = 0;

  nn_threads_prepare_process (argv);
  setlocale (LC_ALL, "");
  probe.frames = g_array_new (FALSE, FALSE, sizeof (double));
  app = lab_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &probe);
  g_application_run (G_APPLICATION (app), 0, NULL);

  headless = headless_rate ();
  if (probe.frames->len > 0)
    {
      g_array_sort (probe.frames, compare_doubles);
      p99 = g_array_index (probe.frames, double, (guint) (0.99 * (probe.frames->len - 1)));
    }
  printf ("{\"max_stall_ms\":%.1f,\"p99_frame_ms\":%.1f,\"gui_samples_per_s\":%.0f,"
          "\"headless_samples_per_s\":%.0f}\n",
          probe.max_stall_ms, p99, probe.gui_rate, headless);
  g_array_unref (probe.frames);
  return 0;
}
