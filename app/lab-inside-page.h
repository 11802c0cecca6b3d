/* lab-inside-page.h — the Inside tab: looking inside the model being
 * trained. A sidebar picks a view (activations, reconstructions, GAN
 * samples, filters and weights, confusion matrix, mistakes, saliency,
 * decision boundary, draw and predict) among those that apply to the run;
 * each follows the run live and exports as PNG.
 *
 * The page keeps its own compiled copy of the run's model and its own copy
 * of the samples it looks at (the test part, the training points of 2-D
 * data, and a slot for the drawing), so nothing it does touches the
 * trainer or the Data tab's dataset. Weights arrive as snapshots; only the
 * visible view is recomputed, at most every half second, on a worker
 * thread (GTask), one job at a time; results of a replaced run are
 * dropped.
 *
 * Use: set_run when a run starts, update_weights with snapshots while it
 * trains (the page ignores those that come faster than it can show), and
 * set_model_done with the trained model when it ends. */
#pragma once

#include <adwaita.h>

#include "data/dataset.h"
#include "graph.h"
#include "loss.h"
#include "trainer.h"

G_BEGIN_DECLS

#define LAB_TYPE_INSIDE_PAGE (lab_inside_page_get_type ())
G_DECLARE_FINAL_TYPE (LabInsidePage, lab_inside_page, LAB, INSIDE_PAGE, GtkWidget)

GtkWidget *lab_inside_page_new (void);

/* A run of graph on ds with split (its parts index ds) and loss starts:
 * the page compiles its copy of the model and copies the samples it shows
 * (ds and split may be freed afterwards). FALSE with the engine's message
 * when the graph does not compile; the page then shows its empty state.
 * graph NULL forgets the run (the data it was for has gone).
 * mode picks the views: a supervised run has every view but
 * reconstructions and samples; an autoencoder's shows "reconstructions"
 * (with its latent space when the bottleneck has 2 units), activations
 * and filters; a GAN's (graph: the generator, snapshots: its weights)
 * shows only "samples", drawn by the page's copy of the generator from
 * fixed noise. The run's own view is shown first. */
gboolean lab_inside_page_set_run (LabInsidePage *self, const nn_graph *graph, const nn_dataset *ds,
                                  const nn_split *split, nn_loss_kind loss, nn_train_mode mode,
                                  GError **error);

/* Weights of the running model (nn_model_snapshot_size floats, copied;
 * a GAN's generator). Reconstructions and samples follow them at most
 * once a second, the other views twice. */
void lab_inside_page_update_weights (LabInsidePage *self, const float *snapshot, gsize n);

/* The run finished: its final weights (the model is only read, now). */
void lab_inside_page_set_model_done (LabInsidePage *self, nn_model *trained);

/* The sidebar's views, by the ids of inside-paint.h where there is one:
 * "activations", "reconstructions", "samples", "filters", "confusion",
 * "misclassified", "saliency", "boundary", "draw". FALSE for an unknown
 * id. */
gboolean lab_inside_page_show_view (LabInsidePage *self, const char *id);
const char *lab_inside_page_get_view (LabInsidePage *self);

/* Writes the visible view as a PNG (its parts one above the other, at
 * least 800 pixels wide, in the window's colours), as Export PNG does.
 * FALSE with NN_ERROR_IO naming the file, or NN_ERROR_INVALID when the
 * view shows nothing yet. */
gboolean lab_inside_page_export (LabInsidePage *self, GFile *file, GError **error);

/* TRUE while a view is being computed or waits to be, for tests. */
gboolean lab_inside_page_is_busy (LabInsidePage *self);

G_END_DECLS
