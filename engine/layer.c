/* layer.c — parameter access on layer descriptors, shared by the builder,
 * project files and the CLI so that every one of them checks ranges alike. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "error.h"
#include "layer.h"

void
nn_layer_desc_init (nn_layer_desc *d, const nn_layer_ops *ops)
{
  *d = (nn_layer_desc){ .ops = ops };
  for (int i = 0; i < ops->n_params; i++)
    d->p[i] = ops->params[i].def;
}

int
nn_layer_param_index (const nn_layer_ops *ops, const char *id)
{
  for (int i = 0; i < ops->n_params; i++)
    if (g_str_equal (ops->params[i].id, id))
      return i;
  return -1;
}

double
nn_layer_desc_get (const nn_layer_desc *d, const char *id)
{
  int i = nn_layer_param_index (d->ops, id);

  g_return_val_if_fail (i >= 0, 0.0);
  return d->p[i];
}

static int
choice_count (const nn_param_spec *spec)
{
  int n = 0;

  while (spec->choices[n] != NULL)
    n++;
  return n;
}

gboolean
nn_layer_desc_set (nn_layer_desc *d, const char *id, double value, GError **error)
{
  int i = nn_layer_param_index (d->ops, id);
  const nn_param_spec *spec;

  if (i < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s has no parameter “%s”"),
                   _ (d->ops->name), id);
      return FALSE;
    }
  spec = &d->ops->params[i];
  if (!isfinite (value))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s: %s must be a number"),
                   _ (d->ops->name), _ (spec->label));
      return FALSE;
    }
  switch (spec->type)
    {
      case NN_PARAM_BOOL:
        if (value != 0.0 && value != 1.0)
          {
            g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s: %s must be true or false"),
                         _ (d->ops->name), _ (spec->label));
            return FALSE;
          }
        break;
      case NN_PARAM_ENUM:
        if (value != floor (value) || value < 0 || value >= choice_count (spec))
          {
            g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s: %s has no choice %g"),
                         _ (d->ops->name), _ (spec->label), value);
            return FALSE;
          }
        break;
      case NN_PARAM_INT:
        if (value != floor (value))
          {
            g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _ ("%s: %s must be a whole number"),
                         _ (d->ops->name), _ (spec->label));
            return FALSE;
          }
        G_GNUC_FALLTHROUGH;
      case NN_PARAM_FLOAT:
        if (value < spec->min || value > spec->max)
          {
            g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                         _ ("%s: %s must be between %g and %g, not %g"), _ (d->ops->name),
                         _ (spec->label), spec->min, spec->max, value);
            return FALSE;
          }
        break;
    }
  d->p[i] = value;
  return TRUE;
}

gsize
nn_layer_weight_count (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out)
{
  nn_weight_info info[NN_MAX_WEIGHTS];
  gsize total = 0;
  int n;

  if (d->ops->weights == NULL)
    return 0;
  n = d->ops->weights (d, in, out, info);
  for (int i = 0; i < n; i++)
    total += nn_shape_size (&info[i].shape);
  return total;
}
