/* error.c — the engine's GError domain. */
#include "error.h"

/* clang-format off */
G_DEFINE_QUARK (nn-error-quark, nn_error)
/* clang-format on */
