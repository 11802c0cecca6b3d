/* pytorch-export.c — a project as a standalone PyTorch script (see
 * pytorch-export.h): the walk that orders and names the graph's nodes, the
 * Python text helpers, the script's header and the files written.
 *
 * The script has two parts: constants and the Model class, generated node
 * by node from the graph (pytorch-export-model.c and its siblings); then
 * fixed code (weights, data, training, evaluation, in pytorch-runtime.inc)
 * that reads those constants. The weights go to a JSON file keyed by
 * PyTorch's state_dict names (pytorch-export-weights.c). The data split is
 * always written by Layerlab, because it is drawn from Layerlab's own
 * generator; the samples are read from Debian's files for Fashion-MNIST and
 * written as prepared arrays for every other source
 * (pytorch-export-data.c), which is what keeps the test set exactly
 * Layerlab's (CSV cleaning, PNG resizing, tokenisation and generated sets
 * would otherwise need a second implementation that could drift). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "error.h"
#include "io/pytorch-export-private.h"

static void
ex_node_free (gpointer data)
{
  ex_node *x = data;

  g_free (x->ident);
  g_free (x->label);
  g_free (x);
}

/* Names a Python reader would not want shadowed, or that nn.Module uses. */
static const char *const reserved[] = {
  "False",   "None",     "True",       "and",       "as",      "assert",     "async",  "await",
  "break",   "class",    "continue",   "def",       "del",     "elif",       "else",   "except",
  "finally", "for",      "from",       "global",    "if",      "import",     "in",     "is",
  "lambda",  "nonlocal", "not",        "or",        "pass",    "raise",      "return", "try",
  "while",   "with",     "yield",      "self",      "torch",   "nn",         "F",      "math",
  "logits",  "x",        "training",   "forward",   "eval",    "train",      "to",     "cpu",
  "cuda",    "apply",    "modules",    "children",  "buffers", "parameters", "float",  "double",
  "half",    "type",     "state_dict", "zero_grad", "DECAYED", "super",      "print",
};

static gboolean
is_reserved (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strcmp (s, reserved[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A Python identifier from a node's name ("conv 1" → conv_1), made unique
 * with the node's id when it clashes. */
static char *
make_ident (const nn_node *node, GHashTable *used)
{
  GString *s = g_string_new (NULL);

  for (const char *c = node->name; *c != '\0'; c++)
    g_string_append_c (s, g_ascii_isalnum (*c) ? *c : '_');
  if (s->len == 0 || g_ascii_isdigit (s->str[0]))
    g_string_prepend (s, "layer_");
  if (is_reserved (s->str) || g_hash_table_contains (used, s->str))
    g_string_append_printf (s, "_%d", node->id);
  g_hash_table_add (used, g_strdup (s->str));
  return g_string_free (s, FALSE);
}

/* Shortest text that reads back as v, so the script shows 0.1, not
 * 0.10000000000000001. */
void
_pytorch_append_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%g", v);
  if (g_ascii_strtod (buf, NULL) != v)
    g_ascii_dtostr (buf, sizeof buf, v);
  g_string_append (s, buf);
}

/* A Python string literal in single quotes. */
void
_pytorch_append_py_string (GString *s, const char *text)
{
  g_string_append_c (s, '\'');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '\\' || *c == '\'')
        g_string_append_c (s, '\\');
      if ((guchar) *c < 0x20)
        g_string_append_printf (s, "\\x%02x", (guchar) *c);
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '\'');
}

static void
append_shape_tuple (GString *s, const nn_shape *shape)
{
  g_string_append_c (s, '(');
  for (int i = 0; i < shape->rank; i++)
    g_string_append_printf (s, i ? ", %d" : "%d", shape->dim[i]);
  g_string_append (s, shape->rank == 1 ? ",)" : ")");
}

/* --- Graph ------------------------------------------------------------- */

/* Checks the graph and puts its nodes in an order where every node comes
 * after its inputs (insertion order among the ready ones, so the script
 * reads like the builder's canvas from top to bottom). */
static gboolean
order_graph (exporter *e, GError **error)
{
  const nn_graph *g = e->p->graph;
  nn_graph_report report;
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = nn_graph_n_nodes (g);
  gboolean progress = TRUE;

  if (!nn_graph_infer (g, &report))
    {
      nn_graph_report_to_error (&report, error);
      nn_graph_report_clear (&report);
      return FALSE;
    }
  while (progress && (int) e->order->len < n)
    {
      progress = FALSE;
      for (int i = 0; i < n; i++)
        {
          const nn_node *node = nn_graph_nth_node (g, i);
          gboolean ready = !g_hash_table_contains (e->by_id, GINT_TO_POINTER (node->id));
          ex_node *x;

          for (int k = 0; ready && k < node->n_inputs; k++)
            ready = g_hash_table_contains (e->by_id, GINT_TO_POINTER (node->inputs[k]));
          if (!ready)
            continue;
          x = g_new0 (ex_node, 1);
          x->node = node;
          x->ident = make_ident (node, used);
          x->label = nn_graph_node_label (node);
          x->out = nn_graph_report_node (&report, node->id)->out_shape;
          x->n_in = node->n_inputs;
          for (int k = 0; k < node->n_inputs; k++)
            x->in[k] = nn_graph_report_node (&report, node->inputs[k])->out_shape;
          g_ptr_array_add (e->order, x);
          g_hash_table_insert (e->by_id, GINT_TO_POINTER (node->id), x);
          if (node->id == report.input_id)
            e->input = x;
          if (node->id == report.output_id)
            e->output = x;
          progress = TRUE;
        }
    }
  nn_graph_report_clear (&report);
  /* infer() already refuses graphs without one input and one output */
  g_return_val_if_fail (e->input != NULL && e->output != NULL, FALSE);
  e->final_softmax = strcmp (e->output->node->desc.ops->id, "softmax") == 0;
  return TRUE;
}

/* --- The script -------------------------------------------------------- */

/* Everything after the Model class; it reads the constants written above
 * it (CONFIG, INPUT_SHAPE, MODE, CLASSIFY, LOSS, THRESHOLD, FUSED,
 * HAS_BATCHNORM, HERE, WEIGHTS, DATA). */
static const char runtime[] =
#include "pytorch-runtime.inc"
  ;

static void
write_header (exporter *e, GString *s, const char *script, const char *weights, const char *data,
              const char *bin, const nn_dataset *ds)
{
  const nn_trainer_config *c = &e->p->config;
  gboolean classify = c->mode == NN_MODE_SUPERVISED && ds->task == NN_TASK_CLASSIFY;
  g_autoptr (GString) files = g_string_new (NULL);
  int width;

  /* a column of names, then what each holds */
  width = (int) MAX (strlen (data), MAX (weights ? strlen (weights) : 0, bin ? strlen (bin) : 0));
  if (weights != NULL)
    g_string_append_printf (
      files, "\n    %-*s  the trained weights, keyed as in model.state_dict()", width, weights);
  g_string_append_printf (files, "\n    %-*s  the data (%s) and Layerlab's split of it", width,
                          data, ds->spec);
  if (bin != NULL)
    g_string_append_printf (files, "\n    %-*s  the samples, prepared as Layerlab reads them",
                            width, bin);

  g_string_append_printf (s,
                          "#!/usr/bin/env python3\n"
                          "\"\"\"%s — a Layerlab model rebuilt in PyTorch.\n"
                          "\n"
                          "Layerlab exported it with these files beside it:%s\n"
                          "\n"
                          "It trains and tests on the same training, validation and test\n"
                          "parts as Layerlab did. Only Python 3 and torch are needed:\n"
                          "\n"
                          "    python3 %s                  # evaluate on the test part\n"
                          "    python3 %s --epochs 5       # train 5 more epochs, then evaluate\n"
                          "    python3 %s --device cuda --batch 256 --lr 0.0005 --save trained.pt\n"
                          "\n"
                          "Training prints one JSON line per epoch; the last line is always\n"
                          "{\"test_loss\": ..., \"test_accuracy\": ...}.\n"
                          "\"\"\"\n"
                          "import argparse\n"
                          "import array\n"
                          "import base64\n"
                          "import copy\n"
                          "import gzip\n"
                          "import json\n"
                          "import math\n"
                          "import os\n"
                          "import struct\n"
                          "import sys\n"
                          "\n"
                          "import torch\n"
                          "import torch.nn as nn\n"
                          "import torch.nn.functional as F\n"
                          "\n"
                          "HERE = os.path.dirname(os.path.abspath(__file__))\n",
                          script, files->str, script, script, script);
  if (weights != NULL)
    {
      g_string_append (s, "WEIGHTS = os.path.join(HERE, ");
      _pytorch_append_py_string (s, weights);
      g_string_append (s, ")\n");
    }
  else
    g_string_append (s, "WEIGHTS = None  # the project was exported before training\n");
  g_string_append (s, "DATA = os.path.join(HERE, ");
  _pytorch_append_py_string (s, data);
  g_string_append (s, ")\n\n# The project's training settings; --lr and --batch override them.\n"
                      "CONFIG = {\n    'optimizer': ");
  _pytorch_append_py_string (s, nn_optimizer_id (c->optimizer));
  g_string_append (s, ", 'lr': ");
  _pytorch_append_number (s, c->lr);
  g_string_append (s, ", 'momentum': ");
  _pytorch_append_number (s, c->momentum);
  g_string_append_printf (
    s, ", 'nesterov': %s,\n    'weight_decay': ", c->nesterov ? "True" : "False");
  _pytorch_append_number (s, c->weight_decay);
  g_string_append (s, ", 'schedule': ");
  _pytorch_append_py_string (s, nn_schedule_id (c->schedule));
  g_string_append_printf (s, ", 'step_size': %d, 'gamma': ", c->step_size);
  _pytorch_append_number (s, c->gamma);
  g_string_append_printf (s, ",\n    'batch': %d, 'clip_norm': ", c->batch);
  _pytorch_append_number (s, c->clip_norm);
  g_string_append_printf (s,
                          ", 'patience': %d, 'seed': %" PRIu64 ",\n"
                          "    'samples_per_epoch': %d,  # 0: every training sample each epoch\n"
                          "}\n",
                          c->patience, c->seed, c->limit);
  g_string_append (s, "LOSS = ");
  _pytorch_append_py_string (s, nn_loss_id (c->loss));
  g_string_append_printf (
    s,
    "\nMODE = '%s'  # supervised: the data's targets; autoencoder: the input itself\n"
    "CLASSIFY = %s  # targets are class indices (else values)\n"
    "THRESHOLD = %s  # a single output means class 1 above this\n"
    "FUSED = %s  # the loss reads the logits under the final Softmax\n"
    "HAS_BATCHNORM = %s\n"
    "INPUT_SHAPE = ",
    c->mode == NN_MODE_AUTOENCODER ? "autoencoder" : "supervised", classify ? "True" : "False",
    c->loss == NN_LOSS_BCE ? "0.0" : "0.5",
    e->final_softmax && c->loss == NN_LOSS_CROSS_ENTROPY ? "True" : "False",
    e->has_batchnorm ? "True" : "False");
  append_shape_tuple (s, &e->input->out);
  g_string_append (s, "  # one sample as the Input layer takes it\n");
}

static gboolean
write_file (const char *path, const char *data, gsize length, int mode, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Cannot write %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_json (const char *path, JsonNode *root, GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  return write_file (path, text, length, 0644, error);
}

gboolean
nn_pytorch_export (const nn_project *p, const char *script_path, GError **error)
{
  exporter e = { .p = p };
  g_autofree char *dir = g_path_get_dirname (script_path);
  g_autofree char *script = g_path_get_basename (script_path);
  g_autofree char *stem =
    g_str_has_suffix (script, ".py") ? g_strndup (script, strlen (script) - 3) : g_strdup (script);
  g_autofree char *weights_name = g_strconcat (stem, ".weights.json", NULL);
  g_autofree char *data_name = g_strconcat (stem, ".data.json", NULL);
  g_autofree char *bin_name = g_strconcat (stem, ".data.bin", NULL);
  g_autoptr (nn_dataset) ds = NULL;
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (JsonNode) weights = NULL;
  g_autoptr (JsonNode) data = NULL;
  nn_split split = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (p != NULL && script_path != NULL, FALSE);

  e.order = g_ptr_array_new_with_free_func (ex_node_free);
  e.by_id = g_hash_table_new (NULL, NULL);
  e.decayed = g_ptr_array_new_with_free_func (g_free);

  if (p->config.mode == NN_MODE_GAN)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
                   _ ("A GAN cannot be exported to PyTorch: only supervised models and "
                      "autoencoders can"));
      goto out;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO,
                   _ ("Cannot write %s: the folder %s does not exist"), script_path, dir);
      goto out;
    }
  if (!order_graph (&e, error))
    goto out;
  /* the model first: an unsupported layer is the likelier problem, and
   * finding it costs nothing while the data may take seconds to load */
  if (!_pytorch_write_model (&e, s, error))
    goto out;
  if (p->weights != NULL && (weights = _pytorch_weights_json (&e, error)) == NULL)
    goto out;
  if ((ds = _pytorch_open_data (&e, &split, error)) == NULL)
    goto out;
  data = _pytorch_data_json (&e, ds, &split, bin_name, bin);

  {
    g_autoptr (GString) whole = g_string_new (NULL);
    g_autofree char *weights_path = g_build_filename (dir, weights_name, NULL);
    g_autofree char *data_path = g_build_filename (dir, data_name, NULL);
    g_autofree char *bin_path = g_build_filename (dir, bin_name, NULL);

    write_header (&e, whole, script, weights != NULL ? weights_name : NULL, data_name,
                  bin->len > 0 ? bin_name : NULL, ds);
    g_string_append (whole, s->str);
    g_string_append (whole, runtime);
    ok =
      (weights == NULL || write_json (weights_path, weights, error)) &&
      write_json (data_path, data, error) &&
      (bin->len == 0 || write_file (bin_path, (const char *) bin->data, bin->len, 0644, error)) &&
      write_file (script_path, whole->str, whole->len, 0755, error);
  }

out:
  nn_split_clear (&split);
  g_ptr_array_unref (e.decayed);
  g_hash_table_unref (e.by_id);
  g_ptr_array_unref (e.order);
  return ok;
}
