/* cli-render.h — `layerlab-cli render VIEW --model M [--data SPEC]
 * [--sample N] [--epochs N] --out FILE.png`: the Inside tab's views drawn
 * headless with the same painters as the window.
 *
 * VIEW is activations, filters, histograms, confusion, misclassified,
 * saliency, boundary, loss, reconstructions or samples. The model is a
 * trained .layerlab project, or a template (or untrained project) with
 * --epochs N to train it first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "render". Returns 0, 1 on a failure (one line on stderr) or 2
 * on a usage error. */
int cli_render (int argc, char **argv);

G_END_DECLS
