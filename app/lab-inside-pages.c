/* lab-inside-pages.c — see lab-inside-pages.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "lab-inside-pages.h"

const LabInsidePageInfo lab_inside_pages[N_PAGES] = {
  [PAGE_ACTIVATIONS] = { "activations",
                         N_ ("Activations"),
                         "view-grid-symbolic",
                         N_ ("Every layer’s output for one test sample. Hover a tile to read its "
                             "value."),
                         TRUE,
                         { LAB_INSIDE_ACTIVATIONS },
                         1,
                         LAB_INSIDE_FOR_SUPERVISED | LAB_INSIDE_FOR_AUTOENCODER },
  /* a second apart: reconstructions and samples change slowly, and a
   * generator's batch of 64 is no small job */
  [PAGE_RECONSTRUCTIONS] = { "reconstructions",
                             N_ ("Reconstructions"),
                             "view-dual-symbolic",
                             N_ ("Test samples beside what the autoencoder rebuilds from them, and "
                                 "where they lie in its "
                                 "latent space when it has two units."),
                             FALSE,
                             { LAB_INSIDE_RECONSTRUCTIONS },
                             1,
                             LAB_INSIDE_FOR_AUTOENCODER,
                             G_USEC_PER_SEC },
  [PAGE_SAMPLES] = { "samples",
                     N_ ("Samples"),
                     "applications-graphics-symbolic",
                     N_ ("What the generator makes, each picture from the same noise every time: "
                         "watch them turn "
                         "from noise into images as it learns."),
                     FALSE,
                     { LAB_INSIDE_SAMPLES },
                     1,
                     LAB_INSIDE_FOR_GAN,
                     G_USEC_PER_SEC },
  [PAGE_FILTERS] = { "filters",
                     N_ ("Filters & Weights"),
                     "image-x-generic-symbolic",
                     N_ ("The first layer’s kernels, and each layer’s weights and gradients: "
                         "vanishing or "
                         "exploding gradients show here."),
                     FALSE,
                     { LAB_INSIDE_FILTERS, LAB_INSIDE_HISTOGRAMS },
                     2,
                     LAB_INSIDE_FOR_SUPERVISED | LAB_INSIDE_FOR_AUTOENCODER },
  [PAGE_CONFUSION] = { "confusion",
                       N_ ("Confusion Matrix"),
                       "view-app-grid-symbolic",
                       N_ ("Test samples by true and predicted class, with precision and recall. "
                           "Click a cell to "
                           "see its samples."),
                       FALSE,
                       { LAB_INSIDE_CONFUSION },
                       1,
                       LAB_INSIDE_FOR_SUPERVISED },
  [PAGE_MISTAKES] = { "misclassified",
                      N_ ("Mistakes"),
                      "dialog-warning-symbolic",
                      N_ ("The test samples the model got wrong while most sure of itself. Click "
                          "one to look "
                          "inside."),
                      FALSE,
                      { LAB_INSIDE_MISCLASSIFIED },
                      1,
                      LAB_INSIDE_FOR_SUPERVISED },
  [PAGE_SALIENCY] = { "saliency",
                      N_ ("Saliency"),
                      "find-location-symbolic",
                      N_ ("The input values that move the predicted class’s score the most."),
                      TRUE,
                      { LAB_INSIDE_SALIENCY },
                      1,
                      LAB_INSIDE_FOR_SUPERVISED },
  [PAGE_BOUNDARY] = { "boundary",
                      N_ ("Decision Boundary"),
                      "applications-science-symbolic",
                      N_ ("The model’s answer over the plane of 2-D data, the training points on "
                          "top, and what "
                          "each hidden unit sees."),
                      FALSE,
                      { LAB_INSIDE_BOUNDARY },
                      1,
                      LAB_INSIDE_FOR_SUPERVISED },
  [PAGE_DRAW] = { "draw",
                  N_ ("Draw & Predict"),
                  "document-edit-symbolic",
                  N_ ("Draw a sample with the mouse and watch the prediction change as you draw."),
                  FALSE,
                  { LAB_INSIDE_ACTIVATIONS },
                  1,
                  LAB_INSIDE_FOR_SUPERVISED },
};
