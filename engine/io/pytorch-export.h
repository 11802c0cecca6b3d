/* pytorch-export.h — a project as a standalone PyTorch script.
 *
 * nn_pytorch_export writes script_path (say model.py) and, beside it, the
 * files the script reads:
 *
 *   model.weights.json  the trained weights keyed by the model's
 *                       state_dict() names ("dense1.weight",
 *                       "bn1.running_mean"), each a shape and base64 of
 *                       little-endian float32; absent when untrained
 *   model.data.json     the dataset spec, classes, the standardisation of
 *                       tables, and Layerlab's training / validation / test
 *                       split as index lists (drawn from Layerlab's own
 *                       generator, so the script cannot redraw it)
 *   model.data.bin      the samples as Layerlab holds them (bytes, floats or
 *                       token ids), for every source but Fashion-MNIST,
 *                       which the script reads from Debian's IDX files
 *
 * The data is opened as layerlab-cli opens it (missing values imputed by the
 * mean), so the script sees exactly the test samples Layerlab evaluated.
 * The script needs only Python 3 and torch; it rebuilds the graph as a
 * torch.nn.Module (NCHW, one layer per line, branches as expressions) and
 *
 *   python3 model.py [--epochs N] [--limit N] [--lr X] [--batch N] [--device cpu|cuda]
 *
 * trains N epochs (0, the default, only evaluates), printing one JSON line
 * per epoch, and prints {"test_loss": …, "test_accuracy": …} as its last
 * line.
 *
 * Errors (NN_ERROR): UNSUPPORTED naming the layer whose kind the script
 * cannot build (or for a GAN); DATA when the project names no dataset (and
 * the loader's own errors); SHAPE when the weights or the data no longer fit
 * the graph; IO naming the file that cannot be written. Nothing is written
 * unless the model, its weights and its data are all exportable. */
#pragma once

#include <glib.h>

#include "project.h"

G_BEGIN_DECLS

gboolean nn_pytorch_export (const nn_project *p, const char *script_path, GError **error);

G_END_DECLS
