/* layer-util.c — shape descriptions for the layers' error messages, and
 * the padding choices the convolutions and pooling windows share. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "error.h"
#include "layer-util.h"

const char *const nn_padding_choices[] = { "valid", "same", "explicit", NULL };
const char *const nn_padding_labels[] = { N_ ("Valid"), N_ ("Same"), N_ ("Explicit"), NULL };

char *
nn_describe_shape (const nn_shape *s)
{
  g_autofree char *dims = nn_shape_to_string (s);

  switch (s->rank)
    {
      case 1:
        return g_strdup_printf (_ ("a vector of %d values"), s->dim[0]);
      case 2:
        return g_strdup_printf (_ ("a sequence of %s values"), dims);
      case 3:
        return g_strdup_printf (_ ("an image of %s values"), dims);
      default:
        return g_strdup_printf (_ ("a tensor of %s values"), dims);
    }
}

gboolean
nn_require_image (const nn_shape *s, GError **error)
{
  g_autofree char *got = NULL;

  if (s->rank == 3)
    return TRUE;
  got = nn_describe_shape (s);
  g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
               _ ("needs an image (channels × height × width), got %s — add a Reshape"), got);
  return FALSE;
}
