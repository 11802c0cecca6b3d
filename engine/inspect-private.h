/* inspect-private.h — what inspect.c and the files of each Inside view
 * (inspect-activations.c, -confusion.c, -saliency.c, -boundary.c,
 * -histograms.c, -generative.c) share. For engine/inspect*.c only. */
#pragma once

#include "inspect.h"

G_BEGIN_DECLS

/* The model's last node, whose output is the prediction. */
const nn_node *_nn_inspect_output_node (const nn_model *m);
/* The index of the largest of v[0..n). */
int _nn_inspect_argmax (const float *v, int n);

/* Checks that set an NN_ERROR_INVALID error in a user's words and return
 * FALSE: the model takes the dataset's samples, sample is one of them, the
 * dataset has classes (message: a translated sentence with one %s for the
 * dataset's name). */
gboolean _nn_inspect_check_model_fits (const nn_model *m, const nn_dataset *ds, GError **error);
gboolean _nn_inspect_check_sample (const nn_dataset *ds, int sample, GError **error);
gboolean _nn_inspect_check_classes (const nn_dataset *ds, const char *message, GError **error);

/* One forward of a single sample in inference mode; x must hold the input
 * size. */
void _nn_inspect_forward_sample (nn_model *m, const nn_dataset *ds, int sample, float *x);

G_END_DECLS
