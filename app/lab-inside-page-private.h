/* lab-inside-page-private.h — what the Inside page (lab-inside-page.c:
 * widgets, scheduling, export) shares with its computations
 * (lab-inside-compute.c: the run's state and the jobs that run on a
 * worker thread). For these two files only. */
#pragma once

#include <gio/gio.h>

#include "data/dataset.h"
#include "graph.h"
#include "inspect.h"
#include "loss.h"
#include "trainer.h"

G_BEGIN_DECLS

/* The sidebar's rows, in order. */
typedef enum
{
  PAGE_ACTIVATIONS,
  PAGE_RECONSTRUCTIONS,
  PAGE_SAMPLES,
  PAGE_FILTERS,
  PAGE_CONFUSION,
  PAGE_MISTAKES,
  PAGE_SALIENCY,
  PAGE_BOUNDARY,
  PAGE_DRAW,
  N_PAGES
} Page;

/* Reconstructions shown, GAN samples drawn, latent points mapped. */
#define INSIDE_RECONSTRUCTIONS 24
#define INSIDE_SAMPLES         64
#define INSIDE_LATENT_POINTS   2000
/* The page's fixed noise for a GAN's samples. */
#define INSIDE_NOISE_SEED 0

/* The run's state, reference counted (g_atomic_rc_box) and shared with the
 * one job computing on it: only one job runs at a time, so the model is
 * never used by two threads at once. */
typedef struct
{
  nn_model *model; /* GAN: the generator */
  nn_dataset *ds;  /* the copy: test samples, training points, the drawing */
  int *test, n_test;
  int *points, n_points;
  int drawing; /* index of the drawing's slot, or -1 for data that is not images */
  nn_loss_kind loss;
  nn_train_mode mode;
} Inspector;

void _lab_inside_inspector_unref (Inspector *insp);

/* The samples idx[0..n) of ds, and `extra` blank ones after them, as a
 * dataset of their own: the page's views keep working whatever happens to
 * the Data tab's dataset afterwards (a new load frees it). */
nn_dataset *_lab_inside_copy_samples (const nn_dataset *ds, const int *idx, int n, int extra);

/* One computation of one page's views, on a worker thread. */
typedef struct
{
  Inspector *insp;
  Page page;
  guint generation;
  int sample;
  float *weights;                /* NULL: the model's weights are current */
  float *drawing;                /* PAGE_DRAW: the pad's image, input size floats */
  int cell_true, cell_predicted; /* PAGE_MISTAKES: one confusion cell, or -1 */
  /* results, one per viewer of the page; a message where there is none */
  gpointer data[2];
  GDestroyNotify free_func[2];
  char *message[2];
} InsideJob;

void _lab_inside_job_free (InsideJob *job);
/* GTaskThreadFunc: computes the job (its task data) and returns TRUE. */
void _lab_inside_job_thread (GTask *task, gpointer source, gpointer task_data,
                             GCancellable *cancellable);

G_END_DECLS
