/* project.c — .layerlab projects (see project.h): the project itself, its
 * weights, and writing it through JsonBuilder. Reading is project-read*.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "io/project-private.h"

/* NULL-terminated, for the list in messages */
const char *const _nn_project_mode_ids[4] = {
  [NN_MODE_SUPERVISED] = "supervised",
  [NN_MODE_AUTOENCODER] = "autoencoder",
  [NN_MODE_GAN] = "gan",
};

const char *const _nn_project_init_ids[5] = {
  [NN_INIT_AUTO] = "auto",
  [NN_INIT_HE_UNIFORM] = "he_uniform",
  [NN_INIT_HE_NORMAL] = "he_normal",
  [NN_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [NN_INIT_GLOROT_NORMAL] = "glorot_normal",
};

const char *const _nn_project_prep_ids[3] = {
  [NN_PREP_IMPUTE] = "impute",
  [NN_PREP_DROP_DUPLICATES] = "drop_duplicates",
  NULL,
};

const char *const _nn_project_impute_ids[5] = {
  [NN_IMPUTE_DROP] = "drop",
  [NN_IMPUTE_MEAN] = "mean",
  [NN_IMPUTE_MEDIAN] = "median",
  [NN_IMPUTE_MOST_FREQUENT] = "most_frequent",
  NULL,
};

/* --- Tensors and the project ------------------------------------------- */

nn_project_tensor *
_nn_project_tensor_new (int node_id, const char *name, const nn_shape *shape, const float *data)
{
  nn_project_tensor *t = g_new0 (nn_project_tensor, 1);
  gsize n = nn_shape_size (shape);

  t->node_id = node_id;
  t->name = g_strdup (name);
  t->shape = *shape;
  t->data = g_new (float, MAX (n, 1));
  if (data != NULL)
    memcpy (t->data, data, n * sizeof (float));
  return t;
}

void
_nn_project_tensor_free (gpointer data)
{
  nn_project_tensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

nn_project *
nn_project_new (nn_graph *graph)
{
  nn_project *p = g_new0 (nn_project, 1);

  g_return_val_if_fail (graph != NULL, NULL);
  p->graph = graph;
  nn_trainer_config_init (&p->config);
  p->history = g_array_new (FALSE, TRUE, sizeof (nn_epoch_record));
  p->preparation = g_array_new (FALSE, TRUE, sizeof (nn_prep_step));
  return p;
}

void
nn_project_free (nn_project *p)
{
  if (p == NULL)
    return;
  nn_graph_free (p->graph);
  g_free (p->data_spec);
  g_free (p->data_label);
  g_free (p->norm_mean);
  g_free (p->norm_inv_std);
  g_array_unref (p->history);
  g_array_unref (p->preparation);
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
  g_clear_pointer (&p->discriminator, nn_graph_free);
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  _nn_project_optimizer_free (p->optimizer);
  _nn_project_optimizer_free (p->d_optimizer);
  g_free (p);
}

void
nn_project_set_data (nn_project *p, const char *spec, const nn_data_options *options)
{
  /* Copy first: spec and options may point into p itself. */
  char *label = options != NULL ? g_strdup (options->label) : NULL;
  char *copy = g_strdup (spec);

  g_free (p->data_spec);
  g_free (p->data_label);
  p->data_spec = copy;
  p->data_options = options != NULL ? *options : (nn_data_options){ 0 };
  p->data_label = label;
  p->data_options.label = label;
}

void
nn_project_set_preparation (nn_project *p, const nn_prep_step *steps, guint n)
{
  /* Copy first: steps may be p's own. */
  GArray *copy = g_array_sized_new (FALSE, TRUE, sizeof (nn_prep_step), n);

  g_array_append_vals (copy, steps, n);
  g_array_unref (p->preparation);
  p->preparation = copy;
}

char *
nn_prep_step_to_string (const nn_prep_step *step)
{
  if (step->kind == NN_PREP_IMPUTE)
    return g_strdup_printf ("%s (%s)", _nn_project_prep_ids[step->kind],
                            _nn_project_impute_ids[step->how]);
  return g_strdup (_nn_project_prep_ids[step->kind]);
}

gboolean
nn_prep_apply (const nn_prep_step *steps, guint n, nn_dataset *ds, char **report, GError **error)
{
  g_autoptr (GString) text = n > 0 ? g_string_new (NULL) : NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *sentence = steps[i].kind == NN_PREP_IMPUTE
                                    ? nn_dataset_impute (ds, steps[i].how)
                                    : nn_dataset_drop_duplicates (ds);

      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", sentence);
      /* Training on nothing would fail later with a message about the
       * split; this says which choice emptied the data. */
      if (ds->n_samples == 0)
        {
          g_autofree char *step = nn_prep_step_to_string (&steps[i]);

          /* Translators: the last %s is the step as files write it,
           * e.g. “impute (drop)” */
          g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                       _ ("%s: preparation step %u, %s, left no samples"), ds->spec, i + 1, step);
          return FALSE;
        }
    }
  if (report != NULL)
    *report = text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
  return TRUE;
}

gboolean
nn_project_prepare (const nn_project *p, nn_dataset *ds, char **report, GError **error)
{
  return nn_prep_apply ((const nn_prep_step *) p->preparation->data, p->preparation->len, ds,
                        report, error);
}

void
nn_project_set_normalisation (nn_project *p, const float *mean, const float *inv_std, int n)
{
  g_clear_pointer (&p->norm_mean, g_free);
  g_clear_pointer (&p->norm_inv_std, g_free);
  p->norm_size = 0;
  if (mean == NULL || inv_std == NULL || n <= 0)
    return;
  p->norm_mean = g_memdup2 (mean, n * sizeof (float));
  p->norm_inv_std = g_memdup2 (inv_std, n * sizeof (float));
  p->norm_size = n;
}

void
nn_project_clear_weights (nn_project *p)
{
  g_clear_pointer (&p->weights, g_ptr_array_unref);
  g_clear_pointer (&p->state, g_ptr_array_unref);
  g_clear_pointer (&p->optimizer, _nn_project_optimizer_free);
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
}

void
nn_project_set_discriminator (nn_project *p, nn_graph *discriminator)
{
  g_clear_pointer (&p->d_weights, g_ptr_array_unref);
  g_clear_pointer (&p->d_state, g_ptr_array_unref);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
  if (p->discriminator != discriminator)
    g_clear_pointer (&p->discriminator, nn_graph_free);
  p->discriminator = discriminator;
}

/* The weights and state of m into two new lists. */
static void
take_weights (nn_model *m, GPtrArray **weights, GPtrArray **state)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  g_clear_pointer (weights, g_ptr_array_unref);
  g_clear_pointer (state, g_ptr_array_unref);
  *weights = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  *state = g_ptr_array_new_with_free_func (_nn_project_tensor_free);
  w = nn_model_weights (m, NULL);
  ranges = nn_model_weight_ranges (m, &n_ranges);
  for (int i = 0; i < n_ranges; i++)
    g_ptr_array_add (*weights,
                     _nn_project_tensor_new (ranges[i].node_id, ranges[i].info.name,
                                             &ranges[i].info.shape, w + ranges[i].offset));
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *st = nn_model_node_state (m, id, &n);
      nn_shape shape = nn_shape_1d ((int) n);

      if (st != NULL && n > 0)
        g_ptr_array_add (*state, _nn_project_tensor_new (id, "state", &shape, st));
    }
}

void
nn_project_take_weights (nn_project *p, nn_model *m)
{
  take_weights (m, &p->weights, &p->state);
  g_clear_pointer (&p->optimizer, _nn_project_optimizer_free);
}

void
nn_project_take_discriminator_weights (nn_project *p, nn_model *m)
{
  take_weights (m, &p->d_weights, &p->d_state);
  g_clear_pointer (&p->d_optimizer, _nn_project_optimizer_free);
}

/* --- Optimizer state --------------------------------------------------- */

void
_nn_project_optimizer_free (nn_project_optimizer *o)
{
  if (o == NULL)
    return;
  g_free (o->m);
  g_free (o->v);
  g_free (o);
}

static gboolean
all_finite (const float *x, gsize n)
{
  for (gsize i = 0; x != NULL && i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static void
take_optimizer (nn_project_optimizer **slot, const nn_optimizer *o)
{
  nn_optimizer_state s;
  nn_project_optimizer *saved;

  nn_optimizer_get_state (o, &s);
  g_clear_pointer (slot, _nn_project_optimizer_free);
  /* A diverged run gets its last good weights back but not its moments:
   * resuming from those would diverge at once, so it resumes fresh. */
  if (!all_finite (s.m, s.n) || !all_finite (s.v, s.n))
    return;
  saved = g_new0 (nn_project_optimizer, 1);
  saved->kind = s.kind;
  saved->steps = s.steps;
  saved->n = s.n;
  if (s.m != NULL)
    saved->m = g_memdup2 (s.m, MAX (s.n, 1) * sizeof (float));
  if (s.v != NULL)
    saved->v = g_memdup2 (s.v, MAX (s.n, 1) * sizeof (float));
  *slot = saved;
}

static gboolean
apply_optimizer (const nn_project_optimizer *saved, nn_optimizer *o, GError **error)
{
  nn_optimizer_state s;

  if (saved == NULL)
    return TRUE;
  s = (nn_optimizer_state){
    .kind = saved->kind,
    .steps = saved->steps,
    .n = saved->n,
    .m = saved->m,
    .v = saved->v,
  };
  return nn_optimizer_set_state (o, &s, error);
}

void
nn_project_take_optimizer (nn_project *p, const nn_optimizer *o)
{
  take_optimizer (&p->optimizer, o);
}

gboolean
nn_project_apply_optimizer (const nn_project *p, nn_optimizer *o, GError **error)
{
  return apply_optimizer (p->optimizer, o, error);
}

void
nn_project_take_discriminator_optimizer (nn_project *p, const nn_optimizer *o)
{
  take_optimizer (&p->d_optimizer, o);
}

gboolean
nn_project_apply_discriminator_optimizer (const nn_project *p, nn_optimizer *o, GError **error)
{
  return apply_optimizer (p->d_optimizer, o, error);
}

const nn_project_tensor *
_nn_project_find_tensor (GPtrArray *list, int node_id, const char *name)
{
  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);

      if (t->node_id == node_id && g_str_equal (t->name, name))
        return t;
    }
  return NULL;
}

static gboolean
weights_fail (const nn_graph *g, int node_id, const char *what, GError **error)
{
  const nn_node *node = nn_graph_lookup (g, node_id);
  g_autofree char *label = node != NULL ? nn_graph_node_label (node) : g_strdup ("?");

  g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
               _ ("%s: the saved “%s” does not fit the model; train it again"), label, what);
  return FALSE;
}

static gboolean
apply_weights (GPtrArray *weights, GPtrArray *state_list, nn_model *m, GError **error)
{
  const nn_weight_range *ranges;
  const nn_graph *g = nn_model_graph (m);
  float *w;
  int n_ranges;

  if (weights == NULL)
    return TRUE;
  ranges = nn_model_weight_ranges (m, &n_ranges);
  /* Check everything before copying anything: m stays as it was on error. */
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (weights, ranges[i].node_id, ranges[i].info.name);

      if (t == NULL || !nn_shape_equal (&t->shape, &ranges[i].info.shape))
        return weights_fail (g, ranges[i].node_id, ranges[i].info.name, error);
    }
  if ((int) weights->len != n_ranges)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The saved weights belong to a different model (%u tensors, the model has "
                      "%d); train it again"),
                   weights->len, n_ranges);
      return FALSE;
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      const nn_project_tensor *t = _nn_project_find_tensor (state_list, id, "state");

      nn_model_node_state (m, id, &n);
      if ((t == NULL && n > 0) || (t != NULL && nn_shape_size (&t->shape) != n))
        return weights_fail (g, id, "state", error);
    }

  w = nn_model_weights (m, NULL);
  for (int i = 0; i < n_ranges; i++)
    {
      const nn_project_tensor *t =
        _nn_project_find_tensor (weights, ranges[i].node_id, ranges[i].info.name);

      memcpy (w + ranges[i].offset, t->data, ranges[i].size * sizeof (float));
    }
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    {
      int id = nn_graph_nth_node (g, i)->id;
      gsize n = 0;
      float *state = nn_model_node_state (m, id, &n);
      const nn_project_tensor *t = _nn_project_find_tensor (state_list, id, "state");

      if (state != NULL && t != NULL)
        memcpy (state, t->data, n * sizeof (float));
    }
  return TRUE;
}

gboolean
nn_project_apply_weights (const nn_project *p, nn_model *m, GError **error)
{
  return apply_weights (p->weights, p->state, m, error);
}

gboolean
nn_project_apply_discriminator_weights (const nn_project *p, nn_model *m, GError **error)
{
  if (p->discriminator == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("The project has no discriminator, so it has no weights for one"));
      return FALSE;
    }
  return apply_weights (p->d_weights, p->d_state, m, error);
}

static GPtrArray *
copy_tensors (GPtrArray *list)
{
  GPtrArray *copy;

  if (list == NULL)
    return NULL;
  copy = g_ptr_array_new_full (list->len, _nn_project_tensor_free);
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);

      g_ptr_array_add (copy, _nn_project_tensor_new (t->node_id, t->name, &t->shape, t->data));
    }
  return copy;
}

static nn_project_optimizer *
copy_optimizer (const nn_project_optimizer *o)
{
  nn_project_optimizer *copy;

  if (o == NULL)
    return NULL;
  copy = g_memdup2 (o, sizeof *o);
  if (o->m != NULL)
    copy->m = g_memdup2 (o->m, MAX (o->n, 1) * sizeof (float));
  if (o->v != NULL)
    copy->v = g_memdup2 (o->v, MAX (o->n, 1) * sizeof (float));
  return copy;
}

/* Same nodes, kinds, parameters and edges (positions aside): weights of one
 * fit the other. */
static gboolean
same_layers (const nn_graph *a, const nn_graph *b)
{
  if (nn_graph_n_nodes (a) != nn_graph_n_nodes (b))
    return FALSE;
  for (int i = 0; i < nn_graph_n_nodes (a); i++)
    {
      const nn_node *x = nn_graph_nth_node (a, i);
      const nn_node *y = nn_graph_nth_node (b, i);

      if (x->id != y->id || x->desc.ops != y->desc.ops ||
          memcmp (x->desc.p, y->desc.p, sizeof x->desc.p) != 0 || x->n_inputs != y->n_inputs ||
          memcmp (x->inputs, y->inputs, x->n_inputs * sizeof (int)) != 0)
        return FALSE;
    }
  return TRUE;
}

void
nn_project_copy_trained (nn_project *dst, const nn_project *src)
{
  nn_project_clear_weights (dst);
  /* A file whose weights do not fit its model would not open again. */
  if (src->weights == NULL || !same_layers (dst->graph, src->graph) ||
      (dst->discriminator != NULL && (src->discriminator == NULL || src->d_weights == NULL ||
                                      !same_layers (dst->discriminator, src->discriminator))))
    return;
  dst->weights = copy_tensors (src->weights);
  dst->state = copy_tensors (src->state);
  dst->optimizer = copy_optimizer (src->optimizer);
  nn_project_set_normalisation (dst, src->norm_mean, src->norm_inv_std, src->norm_size);
  if (dst->discriminator != NULL)
    {
      dst->d_weights = copy_tensors (src->d_weights);
      dst->d_state = copy_tensors (src->d_state);
      dst->d_optimizer = copy_optimizer (src->d_optimizer);
    }
}

/* --- Data paths -------------------------------------------------------- */

typedef char *(*path_map) (const char *path, const char *dir);

/* path (absolute) below or at folder: the rest, "." for folder itself. */
static const char *
path_below (const char *path, const char *folder)
{
  gsize n = strlen (folder);

  if (!g_str_has_prefix (path, folder))
    return NULL;
  if (path[n] == '\0')
    return ".";
  if (path[n] == G_DIR_SEPARATOR && path[n + 1] != '\0')
    return path + n + 1;
  return NULL;
}

static char *
relative_path (const char *path, const char *dir)
{
  /* A relative path in a spec was typed relative to the working folder. */
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_canonicalize_filename (dir, NULL);
  g_autofree char *parent = g_path_get_dirname (base);
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), NULL);
  const char *rest;

  if (path[0] == '\0')
    return g_strdup (path);
  if (g_strcmp0 (base, "/") != 0 && (rest = path_below (abs, base)) != NULL)
    return g_strdup (rest);
  /* Data beside the project's folder (project/ and data/ in one folder)
   * travels with it too; the home folder or / as that folder would make
   * every path "near". */
  if (g_strcmp0 (parent, "/") != 0 && g_strcmp0 (parent, home) != 0 &&
      (rest = path_below (abs, parent)) != NULL)
    return g_strcmp0 (rest, ".") == 0 ? g_strdup ("..") : g_build_filename ("..", rest, NULL);
  return g_steal_pointer (&abs);
}

static char *
resolve_path (const char *path, const char *dir)
{
  g_autofree char *base = NULL;

  if (path[0] == '\0' || g_path_is_absolute (path))
    return g_strdup (path);
  base = g_canonicalize_filename (dir, NULL);
  return g_canonicalize_filename (path, base);
}

/* Applies map to the file or folder paths of spec (idx: has two). */
static char *
map_spec (const char *spec, const char *dir, path_map map)
{
  static const char *const kinds[] = { "csv", "images", "text", "idx" };
  const char *colon = strchr (spec, ':');
  g_autofree char *kind = NULL;
  gboolean known = FALSE;

  if (colon == NULL || colon[1] == '\0')
    return g_strdup (spec);
  kind = g_strndup (spec, colon - spec);
  for (gsize i = 0; i < G_N_ELEMENTS (kinds) && !known; i++)
    known = g_str_equal (kind, kinds[i]);
  if (!known)
    return g_strdup (spec);
  if (g_str_equal (kind, "idx"))
    {
      /* As the IDX loader reads it: IMAGES[:LABELS]. */
      g_auto (GStrv) parts = g_strsplit (colon + 1, ":", 2);
      g_autofree char *images = map (parts[0], dir);
      g_autofree char *labels = parts[1] != NULL ? map (parts[1], dir) : NULL;

      return labels != NULL ? g_strdup_printf ("idx:%s:%s", images, labels)
                            : g_strdup_printf ("idx:%s", images);
    }
  {
    g_autofree char *mapped = map (colon + 1, dir);

    return g_strdup_printf ("%s:%s", kind, mapped);
  }
}

char *
nn_project_spec_relative (const char *spec, const char *dir)
{
  return map_spec (spec, dir, relative_path);
}

char *
nn_project_spec_resolve (const char *spec, const char *dir)
{
  return map_spec (spec, dir, resolve_path);
}

/* --- Writing ----------------------------------------------------------- */

static void
add_number (JsonBuilder *b, const char *member, double v)
{
  json_builder_set_member_name (b, member);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *member, gint64 v)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b, const char *member, const char *v)
{
  json_builder_set_member_name (b, member);
  if (v != NULL)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_bool (JsonBuilder *b, const char *member, gboolean v)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, v);
}

static void
add_node (JsonBuilder *b, const nn_node *node)
{
  const nn_layer_ops *ops = node->desc.ops;

  json_builder_begin_object (b);
  add_int (b, "id", node->id);
  add_string (b, "kind", ops->id);
  add_string (b, "name", node->name);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (int i = 0; i < ops->n_params; i++)
    {
      const nn_param_spec *spec = &ops->params[i];
      double v = node->desc.p[i];

      switch (spec->type)
        {
          case NN_PARAM_INT:
            add_int (b, spec->id, (gint64) v);
            break;
          case NN_PARAM_FLOAT:
            add_number (b, spec->id, v);
            break;
          case NN_PARAM_BOOL:
            add_bool (b, spec->id, v != 0.0);
            break;
          case NN_PARAM_ENUM:
            add_string (b, spec->id, spec->choices[(int) v]);
            break;
        }
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  for (int i = 0; i < node->n_inputs; i++)
    json_builder_add_int_value (b, node->inputs[i]);
  json_builder_end_array (b);
  add_number (b, "x", node->x);
  add_number (b, "y", node->y);
  add_string (b, "init", _nn_project_init_ids[node->init]);
  json_builder_end_object (b);
}

/* Little-endian float32, whatever the machine, so files travel. */
static char *
encode_floats (const float *data, gsize n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, &data[i], sizeof u);
      le[i] = GUINT32_TO_LE (u);
    }
  return g_base64_encode ((const guchar *) le, n * sizeof (guint32));
}

static void
add_tensors (JsonBuilder *b, const char *member, GPtrArray *list, gboolean named)
{
  json_builder_set_member_name (b, member);
  if (list == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const nn_project_tensor *t = g_ptr_array_index (list, i);
      g_autofree char *data = encode_floats (t->data, nn_shape_size (&t->shape));

      json_builder_begin_object (b);
      add_int (b, "node", t->node_id);
      if (named)
        add_string (b, "name", t->name);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < t->shape.rank; d++)
        json_builder_add_int_value (b, t->shape.dim[d]);
      json_builder_end_array (b);
      add_string (b, "data", data);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Only beside weights: the state means nothing without what it moved. */
static void
add_optimizer (JsonBuilder *b, const nn_project_optimizer *o, GPtrArray *weights)
{
  g_autofree char *m = NULL, *v = NULL;

  if (o == NULL || weights == NULL)
    return;
  if (o->m != NULL)
    m = encode_floats (o->m, o->n);
  if (o->v != NULL)
    v = encode_floats (o->v, o->n);
  json_builder_set_member_name (b, "optimizer");
  json_builder_begin_object (b);
  add_string (b, "kind", nn_optimizer_id (o->kind));
  add_int (b, "steps", o->steps);
  add_string (b, "m", m);
  add_string (b, "v", v);
  json_builder_end_object (b);
}

static void
add_normalisation (JsonBuilder *b, const nn_project *p)
{
  g_autofree char *mean = NULL, *inv_std = NULL;

  json_builder_set_member_name (b, "normalisation");
  if (p->norm_size == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  mean = encode_floats (p->norm_mean, p->norm_size);
  inv_std = encode_floats (p->norm_inv_std, p->norm_size);
  json_builder_begin_object (b);
  add_int (b, "size", p->norm_size);
  add_string (b, "mean", mean);
  add_string (b, "inv_std", inv_std);
  json_builder_end_object (b);
}

static void
add_config (JsonBuilder *b, const nn_trainer_config *c)
{
  json_builder_set_member_name (b, "training");
  json_builder_begin_object (b);
  add_string (b, "loss", nn_loss_id (c->loss));
  add_string (b, "optimizer", nn_optimizer_id (c->optimizer));
  add_number (b, "lr", c->lr);
  add_number (b, "momentum", c->momentum);
  add_bool (b, "nesterov", c->nesterov);
  add_number (b, "weight_decay", c->weight_decay);
  add_string (b, "schedule", nn_schedule_id (c->schedule));
  add_int (b, "step_size", c->step_size);
  add_number (b, "gamma", c->gamma);
  add_int (b, "batch", c->batch);
  add_int (b, "epochs", c->epochs);
  add_number (b, "val_fraction", c->val_fraction);
  add_number (b, "test_fraction", c->test_fraction);
  /* A seed is any 64-bit pattern; JSON integers are signed. */
  add_int (b, "seed", (gint64) c->seed);
  add_int (b, "threads", c->threads);
  add_number (b, "clip_norm", c->clip_norm);
  add_int (b, "patience", c->patience);
  add_int (b, "limit", c->limit);
  add_string (b, "mode", _nn_project_mode_ids[c->mode]);
  add_number (b, "label_smoothing", c->label_smoothing);
  json_builder_set_member_name (b, "augment");
  json_builder_begin_object (b);
  add_bool (b, "flip", c->augment.flip);
  add_int (b, "shift", c->augment.shift);
  add_number (b, "noise", c->augment.noise);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_dataset (JsonBuilder *b, const nn_project *p, const char *spec)
{
  const nn_data_options *o = &p->data_options;

  json_builder_set_member_name (b, "dataset");
  if (p->data_spec == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "spec", spec);
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  add_string (b, "label", p->data_label);
  add_int (b, "samples", o->samples);
  add_number (b, "noise", o->noise);
  add_int (b, "seed", (gint64) o->seed);
  add_int (b, "limit", o->limit);
  add_int (b, "image_size", o->image_size);
  add_bool (b, "words", o->words);
  add_int (b, "vocab_size", o->vocab_size);
  add_int (b, "max_length", o->max_length);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "preparation");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->preparation->len; i++)
    {
      const nn_prep_step *step = &g_array_index (p->preparation, nn_prep_step, i);

      json_builder_begin_object (b);
      add_string (b, "step", _nn_project_prep_ids[step->kind]);
      if (step->kind == NN_PREP_IMPUTE)
        add_string (b, "how", _nn_project_impute_ids[step->how]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_history (JsonBuilder *b, GArray *history)
{
  json_builder_set_member_name (b, "history");
  json_builder_begin_object (b);
#define ADD_SERIES(field)                                           \
  json_builder_set_member_name (b, #field);                         \
  json_builder_begin_array (b);                                     \
  for (guint i = 0; i < history->len; i++)                          \
    {                                                               \
      double v = g_array_index (history, nn_epoch_record, i).field; \
      if (isfinite (v))                                             \
        json_builder_add_double_value (b, v);                       \
      else                                                          \
        json_builder_add_null_value (b);                            \
    }                                                               \
  json_builder_end_array (b);
  HISTORY_FIELDS (ADD_SERIES)
#undef ADD_SERIES
  json_builder_end_object (b);
}

static void
add_nodes (JsonBuilder *b, const nn_graph *g)
{
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (int i = 0; i < nn_graph_n_nodes (g); i++)
    add_node (b, nn_graph_nth_node (g, i));
  json_builder_end_array (b);
}

static void
add_discriminator (JsonBuilder *b, const nn_project *p)
{
  json_builder_set_member_name (b, "discriminator");
  json_builder_begin_object (b);
  add_nodes (b, p->discriminator);
  add_tensors (b, "weights", p->d_weights, TRUE);
  add_tensors (b, "state", p->d_state, FALSE);
  add_optimizer (b, p->d_optimizer, p->d_weights);
  json_builder_end_object (b);
}

/* The document, with spec written for the dataset's. */
static char *
to_data (const nn_project *p, const char *spec, gsize *length)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "format", "layerlab");
  add_int (b, "version", NN_PROJECT_VERSION);
  add_string (b, "generator", "Layerlab " PACKAGE_VERSION);
  json_builder_set_member_name (b, "graph");
  json_builder_begin_object (b);
  add_nodes (b, p->graph);
  json_builder_end_object (b);
  add_dataset (b, p, spec);
  add_normalisation (b, p);
  add_config (b, &p->config);
  add_history (b, p->history);
  add_tensors (b, "weights", p->weights, TRUE);
  add_tensors (b, "state", p->state, FALSE);
  add_optimizer (b, p->optimizer, p->weights);
  if (p->discriminator != NULL)
    add_discriminator (b, p);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, length);
}

char *
nn_project_to_data (const nn_project *p, gsize *length)
{
  return to_data (p, p->data_spec, length);
}

gboolean
nn_project_save (const nn_project *p, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *spec = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (p->data_spec != NULL)
    spec = nn_project_spec_relative (p->data_spec, dir);
  data = to_data (p, spec, &length);
  /* A temporary file, synced, then renamed over the old one: a crash or a
   * full disk mid-write never leaves half a project. (g_file_replace_contents
   * renames even after a failed write: the old file is lost to a full disk.) */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _ ("Could not save %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}
