/* project-read-training.c — reading how a project trains and what
 * training left: the training settings (loss, optimizer, schedule, mode,
 * augmentation), the per-epoch history, and the optimizer's saved state. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "io/project-read-private.h"

gboolean
_nn_project_read_config (JsonObject *root, nn_trainer_config *c, GError **error)
{
  JsonObject *o = _nn_project_read_object (root, "", "training", error);
  const char *loss, *optimizer, *schedule;
  const char *t = "training";
  gint64 seed;

  if (o == NULL)
    return FALSE;
  if (!_nn_project_read_string (o, t, "loss", FALSE, &loss, error))
    return FALSE;
  if (!nn_loss_from_id (loss, &c->loss, error))
    return _nn_project_at_field (error, "training.loss");
  if (!_nn_project_read_string (o, t, "optimizer", FALSE, &optimizer, error))
    return FALSE;
  if (!nn_optimizer_from_id (optimizer, &c->optimizer, error))
    return _nn_project_at_field (error, "training.optimizer");
  if (!_nn_project_read_string (o, t, "schedule", FALSE, &schedule, error))
    return FALSE;
  if (!nn_schedule_from_id (schedule, &c->schedule, error))
    return _nn_project_at_field (error, "training.schedule");
  if (!_nn_project_read_double (o, t, "lr", 0.0, 1e6, &c->lr, error) ||
      !_nn_project_read_double (o, t, "momentum", 0.0, 1.0, &c->momentum, error) ||
      !_nn_project_read_bool (o, t, "nesterov", &c->nesterov, error) ||
      !_nn_project_read_double (o, t, "weight_decay", 0.0, 1e6, &c->weight_decay, error) ||
      !_nn_project_read_int (o, t, "step_size", 0, G_MAXINT, &c->step_size, error) ||
      !_nn_project_read_double (o, t, "gamma", 0.0, 1e6, &c->gamma, error) ||
      !_nn_project_read_int (o, t, "batch", 1, 1 << 20, &c->batch, error) ||
      !_nn_project_read_int (o, t, "epochs", 0, 1 << 20, &c->epochs, error) ||
      !_nn_project_read_double (o, t, "val_fraction", 0.0, 0.99, &c->val_fraction, error) ||
      !_nn_project_read_double (o, t, "test_fraction", 0.0, 0.99, &c->test_fraction, error) ||
      !_nn_project_read_int64 (o, t, "seed", G_MININT64, G_MAXINT64, &seed, error) ||
      !_nn_project_read_int (o, t, "threads", 0, 4096, &c->threads, error) ||
      !_nn_project_read_double (o, t, "clip_norm", 0.0, 1e12, &c->clip_norm, error) ||
      !_nn_project_read_int (o, t, "patience", 0, G_MAXINT, &c->patience, error) ||
      !_nn_project_read_int (o, t, "limit", 0, G_MAXINT, &c->limit, error))
    return FALSE;
  c->seed = (guint64) seed;
  /* Added later: a file without them keeps the defaults (see project.h). */
  if (json_object_has_member (o, "mode"))
    {
      const char *mode;
      int k = 0;

      if (!_nn_project_read_string (o, t, "mode", FALSE, &mode, error))
        return FALSE;
      while (_nn_project_mode_ids[k] != NULL && !g_str_equal (_nn_project_mode_ids[k], mode))
        k++;
      if (_nn_project_mode_ids[k] == NULL)
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) _nn_project_mode_ids);

          return _nn_project_field_error (error, "training.mode",
                                          _ ("expected one of %s, not “%s”"), choices, mode);
        }
      c->mode = (nn_train_mode) k;
    }
  if (json_object_has_member (o, "label_smoothing") &&
      !_nn_project_read_double (o, t, "label_smoothing", 0.0, 0.499, &c->label_smoothing, error))
    return FALSE;
  if (json_object_has_member (o, "augment"))
    {
      JsonObject *a = _nn_project_read_object (o, t, "augment", error);
      const char *ap = "training.augment";

      if (a == NULL || !_nn_project_read_bool (a, ap, "flip", &c->augment.flip, error) ||
          !_nn_project_read_int (a, ap, "shift", 0, 64, &c->augment.shift, error) ||
          !_nn_project_read_double (a, ap, "noise", 0.0, 10.0, &c->augment.noise, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_nn_project_read_history (JsonObject *root, GArray *history, GError **error)
{
  JsonObject *o = _nn_project_read_object (root, "", "history", error);
  JsonArray *a;
  gboolean first = TRUE;
  guint n = 0;

  if (o == NULL)
    return FALSE;
    /* Every series must have one value per epoch. */
#define READ_SERIES(field)                                                                   \
  a = _nn_project_read_array (o, "history", #field, FALSE, NULL, error);                     \
  if (a == NULL)                                                                             \
    return FALSE;                                                                            \
  if (first)                                                                                 \
    {                                                                                        \
      n = json_array_get_length (a);                                                         \
      g_array_set_size (history, n);                                                         \
      first = FALSE;                                                                         \
    }                                                                                        \
  if (json_array_get_length (a) != n)                                                        \
    return _nn_project_field_error (error, "history." #field,                                \
                                    _ ("expected %u values, one per epoch, not %u"), n,      \
                                    json_array_get_length (a));                              \
  for (guint i = 0; i < n; i++)                                                              \
    {                                                                                        \
      g_autofree char *p = g_strdup_printf ("history.%s[%u]", #field, i);                    \
      if (!_nn_project_read_number_node (json_array_get_element (a, i), p, TRUE,             \
                                         &g_array_index (history, nn_epoch_record, i).field, \
                                         error))                                             \
        return FALSE;                                                                        \
    }
  HISTORY_FIELDS (READ_SERIES)
#undef READ_SERIES
  return TRUE;
}

/* o.member: null (*out stays NULL) or the base64 of n floats. */
static gboolean
read_state_array (JsonObject *o, const char *path, const char *member, gsize n, float **out,
                  GError **error)
{
  JsonNode *node = _nn_project_get_member (o, path, member, error);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  *out = g_new (float, MAX (n, 1));
  return _nn_project_read_floats (o, path, member, *out, n, error);
}

/* o.optimizer (at path), when present, for the weights just read: the
 * arrays the kind needs, each as many values as there are weights. */
gboolean
_nn_project_read_optimizer (JsonObject *o, const char *path, GPtrArray *weights,
                            nn_project_optimizer **out, GError **error)
{
  g_autofree char *opath = _nn_project_member_path (path, "optimizer");
  nn_project_optimizer *saved;
  JsonNode *node = json_object_get_member (o, "optimizer");
  JsonObject *obj;
  const char *id;
  gsize n = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _nn_project_field_error (error, opath, _ ("expected an object or null"));
  if (weights == NULL)
    return _nn_project_field_error (
      error, opath,
      _ ("the optimizer's state is saved with the weights it trained, and "
         "there are no weights"));
  obj = json_node_get_object (node);
  for (guint i = 0; i < weights->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (weights, i);

      n += nn_shape_size (&t->shape);
    }
  *out = saved = g_new0 (nn_project_optimizer, 1);
  saved->n = n;
  if (!_nn_project_read_string (obj, opath, "kind", FALSE, &id, error))
    return FALSE;
  if (!nn_optimizer_from_id (id, &saved->kind, error))
    {
      g_autofree char *p = _nn_project_member_path (opath, "kind");

      return _nn_project_at_field (error, p);
    }
  if (!_nn_project_read_int64 (obj, opath, "steps", 0, G_MAXINT64, &saved->steps, error) ||
      !read_state_array (obj, opath, "m", n, &saved->m, error) ||
      !read_state_array (obj, opath, "v", n, &saved->v, error))
    return FALSE;
  /* Adam and AdamW always keep both moments, RMSprop its square average;
   * SGD has no second array. */
  if (saved->m == NULL && (saved->kind == NN_OPTIMIZER_ADAM || saved->kind == NN_OPTIMIZER_ADAMW))
    {
      g_autofree char *p = _nn_project_member_path (opath, "m");

      return _nn_project_field_error (
        error, p, _ ("%s keeps a first moment: expected base64 data, not null"), id);
    }
  if (saved->v == NULL && saved->kind != NN_OPTIMIZER_SGD)
    {
      g_autofree char *p = _nn_project_member_path (opath, "v");

      return _nn_project_field_error (
        error, p, _ ("%s keeps a second moment: expected base64 data, not null"), id);
    }
  if (saved->v != NULL && saved->kind == NN_OPTIMIZER_SGD)
    {
      g_autofree char *p = _nn_project_member_path (opath, "v");

      return _nn_project_field_error (error, p, _ ("sgd keeps no second moment: expected null"));
    }
  return TRUE;
}
