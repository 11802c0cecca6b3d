/* error.h — the engine's GError domain.
 *
 * Every failure a user can cause (a bad file, a bad parameter, a shape that
 * does not fit, a run that diverged) is reported as NN_ERROR with a message
 * in the user's words that names the file, line, field or layer involved. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_ERROR (nn_error_quark ())
GQuark nn_error_quark (void);

typedef enum
{
  NN_ERROR_INVALID,     /* a parameter or option out of range */
  NN_ERROR_SHAPE,       /* layers that do not fit together */
  NN_ERROR_DATA,        /* a data or project file that is malformed */
  NN_ERROR_IO,          /* a file that cannot be read or written */
  NN_ERROR_MEMORY,      /* more memory than can be had */
  NN_ERROR_DIVERGED,    /* loss became NaN or infinite */
  NN_ERROR_UNSUPPORTED, /* valid, but not something Layerlab does */
  NN_ERROR_CANCELLED,
} nn_error_code;

G_END_DECLS
