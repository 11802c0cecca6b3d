/* layers.h — the ops tables of every layer kind, for the registry. */
#pragma once

#include "layer.h"

G_BEGIN_DECLS

extern const nn_layer_ops nn_input_ops;

G_END_DECLS
