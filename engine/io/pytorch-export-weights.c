/* pytorch-export-weights.c — the trained weights and BatchNorm state as the
 * script's JSON file, under torch's state_dict names (see
 * pytorch-export-private.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "error.h"
#include "io/pytorch-export-private.h"

/* Torch's name for one of Layerlab's weight tensors of node x. */
char *
_pytorch_torch_key (const ex_node *x, const char *name)
{
  if (is_kind (x, "batchnorm"))
    return g_strdup_printf ("%s.%s", x->ident,
                            strcmp (name, "gamma") == 0  ? "weight"
                            : strcmp (name, "beta") == 0 ? "bias"
                                                         : name);
  if (is_recurrent (x))
    return g_strdup_printf ("%s.%s_l0", x->ident, name);
  return g_strdup_printf ("%s.%s", x->ident, name);
}

static void
add_tensor (JsonBuilder *b, const char *key, const nn_shape *shape, const float *data)
{
  g_autofree char *text = nn_floats_to_base64 (data, nn_shape_size (shape));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  for (int i = 0; i < shape->rank; i++)
    json_builder_add_int_value (b, shape->dim[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
}

/* Every weight tensor under its torch key, checked against the shape the
 * layer has now (a graph edited after training no longer fits them). */
JsonNode *
_pytorch_weights_json (exporter *e, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const GPtrArray *state = e->p->state;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "layerlab-pytorch-weights");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "tensors");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->p->weights->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (e->p->weights, i);
      ex_node *x = g_hash_table_lookup (e->by_id, GINT_TO_POINTER (t->node_id));
      nn_weight_info info[NN_MAX_WEIGHTS];
      int n = 0, k;
      g_autofree char *key = NULL;

      if (x != NULL && x->node->desc.ops->weights != NULL)
        n = x->node->desc.ops->weights (&x->node->desc, x->in, &x->out, info);
      for (k = 0; k < n && strcmp (info[k].name, t->name) != 0; k++)
        ;
      if (k == n || !nn_shape_equal (&info[k].shape, &t->shape))
        {
          g_autofree char *got = nn_shape_to_string (&t->shape);

          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("The trained weight “%s” (%s) of node %d does not fit the model any "
                          "more: train the project again before exporting it"),
                       t->name, got, t->node_id);
          return NULL;
        }
      key = _pytorch_torch_key (x, t->name);
      add_tensor (b, key, &t->shape, t->data);
    }
  for (guint i = 0; state != NULL && i < state->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (state, i);
      ex_node *x = g_hash_table_lookup (e->by_id, GINT_TO_POINTER (t->node_id));
      nn_shape half;
      g_autofree char *mean_key = NULL, *var_key = NULL;

      /* BatchNorm's state is its running mean followed by its running
       * variance; no other layer keeps state. */
      if (x == NULL || !is_kind (x, "batchnorm") || t->shape.rank != 1 ||
          t->shape.dim[0] != 2 * x->in[0].dim[0])
        {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                       _ ("The saved state of node %d does not fit the model any more: train "
                          "the project again before exporting it"),
                       t->node_id);
          return NULL;
        }
      half = nn_shape_1d (t->shape.dim[0] / 2);
      mean_key = g_strdup_printf ("%s.running_mean", x->ident);
      var_key = g_strdup_printf ("%s.running_var", x->ident);
      add_tensor (b, mean_key, &half, t->data);
      add_tensor (b, var_key, &half, t->data + half.dim[0]);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
