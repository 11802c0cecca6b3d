/* tensor.c — shapes and float32 tensors. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tensor.h"

/* A cache line on every machine we run on, and what AVX-512 loads like. */
#define NN_ALIGN 64

nn_shape
nn_shape_1d (int a)
{
  return (nn_shape){ .rank = 1, .dim = { a } };
}

nn_shape
nn_shape_2d (int a, int b)
{
  return (nn_shape){ .rank = 2, .dim = { a, b } };
}

nn_shape
nn_shape_3d (int a, int b, int c)
{
  return (nn_shape){ .rank = 3, .dim = { a, b, c } };
}

gsize
nn_shape_size (const nn_shape *s)
{
  gsize n = s->rank > 0 ? 1 : 0;

  for (int i = 0; i < s->rank; i++)
    {
      if (s->dim[i] <= 0)
        return 0;
      if (n > G_MAXSIZE / (gsize) s->dim[i])
        return 0;
      n *= (gsize) s->dim[i];
    }
  return n;
}

gboolean
nn_shape_equal (const nn_shape *a, const nn_shape *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->dim[i] != b->dim[i])
      return FALSE;
  return TRUE;
}

char *
nn_shape_to_string (const nn_shape *s)
{
  GString *str = g_string_new (NULL);

  if (s->rank == 0)
    g_string_append (str, "–");
  for (int i = 0; i < s->rank; i++)
    g_string_append_printf (str, i ? "×%d" : "%d", s->dim[i]);
  return g_string_free (str, FALSE);
}

float *
nn_alloc_floats (gsize n)
{
  void *p = NULL;
  gsize bytes;

  if (n == 0)
    n = 1;
  if (n > (G_MAXSIZE - NN_ALIGN) / sizeof (float))
    return NULL;
  bytes = (n * sizeof (float) + NN_ALIGN - 1) / NN_ALIGN * NN_ALIGN;
  if (posix_memalign (&p, NN_ALIGN, bytes) != 0)
    return NULL;
  return p;
}

void
nn_free_floats (float *p)
{
  free (p);
}

nn_tensor *
nn_tensor_new (int batch, const nn_shape *shape, GError **error)
{
  gsize per = nn_shape_size (shape);
  nn_tensor *t;

  if (batch <= 0 || per == 0 || per > G_MAXSIZE / sizeof (float) / (gsize) batch)
    {
      g_autofree char *dims = nn_shape_to_string (shape);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("A tensor of %d × %s values cannot be made"), batch, dims);
      return NULL;
    }
  t = g_new0 (nn_tensor, 1);
  t->batch = batch;
  t->shape = *shape;
  t->data = nn_alloc_floats (per * (gsize) batch);
  if (t->data == NULL)
    {
      g_autofree char *dims = nn_shape_to_string (shape);
      g_free (t);
      g_set_error (error, NN_ERROR, NN_ERROR_MEMORY,
                   _ ("Not enough memory for a tensor of %d × %s values"), batch, dims);
      return NULL;
    }
  memset (t->data, 0, per * (gsize) batch * sizeof (float));
  return t;
}

void
nn_tensor_free (nn_tensor *t)
{
  if (t == NULL)
    return;
  nn_free_floats (t->data);
  g_free (t);
}

gsize
nn_tensor_size (const nn_tensor *t)
{
  return (gsize) t->batch * nn_shape_size (&t->shape);
}
