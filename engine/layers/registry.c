/* registry.c — every layer kind, in the order the palette shows them. */
#include "layers.h"

static const nn_layer_ops *const kinds[] = {
  &nn_input_ops,
};

const nn_layer_ops *const *
nn_layer_kinds (int *n)
{
  *n = G_N_ELEMENTS (kinds);
  return kinds;
}

const nn_layer_ops *
nn_layer_lookup (const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i]->id, id))
      return kinds[i];
  return NULL;
}
