/* onnx-import-run.c — for `layerlab-cli onnx-test`: running an imported
 * model on ONNX-laid-out tensors (nn_onnx_run), and listing a model's
 * operators and inputs without importing it (nn_onnx_describe). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "error.h"
#include "io/onnx-import-private.h"

/* Copies src (dims, batch on axis b) to dst with the batch axis moved to
 * the front (to_front) or from the front back to axis b. */
static void
move_batch_axis (const float *src, float *dst, int rank, const gint64 *dims, int b,
                 gboolean to_front)
{
  gsize outer = 1, inner = 1, n = (gsize) dims[b];

  for (int i = 0; i < b; i++)
    outer *= (gsize) dims[i];
  for (int i = b + 1; i < rank; i++)
    inner *= (gsize) dims[i];
  /* layout with the batch on axis b: [outer, n, inner]; in front: [n, outer, inner] */
  for (gsize o = 0; o < outer; o++)
    for (gsize k = 0; k < n; k++)
      {
        gsize at_b = (o * n + k) * inner, front = (k * outer + o) * inner;

        if (to_front)
          memcpy (dst + front, src + at_b, inner * sizeof (float));
        else
          memcpy (dst + at_b, src + front, inner * sizeof (float));
      }
}

nn_onnx_tensor *
nn_onnx_run (const nn_project *p, const nn_onnx_io *io, const nn_onnx_tensor *x, GError **error)
{
  g_autoptr (nn_model) m = NULL;
  g_autofree float *in = NULL;
  gint64 out_dims[NN_ONNX_MAX_RANK];
  nn_onnx_tensor *y;
  int batch;
  gsize sample = 1;

  if (x->rank != io->input_rank)
    goto mismatch;
  for (int i = 0; i < x->rank; i++)
    if (i != io->input_batch_axis)
      {
        if (x->dims[i] != io->input_dims[i])
          goto mismatch;
        sample *= (gsize) x->dims[i];
      }
  batch = (int) x->dims[io->input_batch_axis];
  if (batch <= 0)
    goto mismatch;
  m = nn_model_compile (p->graph, batch, 0, error);
  if (m == NULL || !nn_project_apply_weights (p, m, error))
    return NULL;
  if (nn_model_input_size (m) != sample)
    goto mismatch;
  in = g_new (float, x->size);
  move_batch_axis (x->data, in, x->rank, x->dims, io->input_batch_axis, TRUE);
  /* the file's normalisation of its input is the project's data
   * preparation, which the model itself does not do */
  if (p->norm_size > 0 && (gsize) p->norm_size == sample)
    for (int b = 0; b < batch; b++)
      for (gsize k = 0; k < sample; k++)
        in[b * sample + k] = (in[b * sample + k] - p->norm_mean[k]) * p->norm_inv_std[k];
  nn_model_forward (m, in, batch, FALSE, NULL);

  memcpy (out_dims, io->output_dims, sizeof out_dims);
  out_dims[io->output_batch_axis] = batch;
  y = nn_onnx_tensor_new (io->output_name, io->output_rank, out_dims, error);
  if (y == NULL)
    return NULL;
  if (y->size != nn_model_output_size (m) * batch)
    {
      nn_onnx_tensor_free (y);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The model's output has %zu values per sample, ONNX expects %zu"),
                   nn_model_output_size (m), y->size / batch);
      return NULL;
    }
  move_batch_axis (nn_model_output (m), y->data, y->rank, y->dims, io->output_batch_axis, FALSE);
  return y;

mismatch:
  g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
               _ ("The tensor '%s' does not have the shape of the model's input '%s'"), x->name,
               io->input_name);
  return NULL;
}

gboolean
nn_onnx_describe (const guint8 *data, gsize length, const char *name, char ***operators,
                  char ***inputs, GError **error)
{
  Onnx__ModelProto *m;
  g_autoptr (GStrvBuilder) ops = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) ins = g_strv_builder_new ();
  g_autoptr (GHashTable) inits = g_hash_table_new (g_str_hash, g_str_equal);

  if (length > NN_ONNX_MAX_BYTES || (m = onnx__model_proto__unpack (NULL, length, data)) == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _ ("%s: not an ONNX model, or a truncated or damaged one"), name);
      return FALSE;
    }
  if (m->graph)
    {
      for (gsize i = 0; i < m->graph->n_node; i++)
        g_strv_builder_add (ops, m->graph->node[i]->op_type ? m->graph->node[i]->op_type : "");
      for (gsize i = 0; i < m->graph->n_initializer; i++)
        if (m->graph->initializer[i]->name)
          g_hash_table_add (inits, m->graph->initializer[i]->name);
      for (gsize i = 0; i < m->graph->n_input; i++)
        if (m->graph->input[i]->name && !g_hash_table_contains (inits, m->graph->input[i]->name))
          g_strv_builder_add (ins, m->graph->input[i]->name);
    }
  g_hash_table_remove_all (inits); /* its keys live in m */
  onnx__model_proto__free_unpacked (m, NULL);
  *operators = g_strv_builder_end (ops);
  *inputs = g_strv_builder_end (ins);
  return TRUE;
}
