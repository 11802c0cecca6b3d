/* confusion-paint.c — the views of how a model does over many samples: the
 * confusion matrix, the gallery of its most confident mistakes, and the
 * histograms of its weights and gradients. */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "inside-paint-private.h"

static const LabInsideStyle *
style_or_light (const LabInsideStyle *style, LabInsideStyle *light)
{
  if (style != NULL)
    return style;
  lab_inside_style_init (light, FALSE);
  return light;
}

static char *
percent_or_dash (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.0f %%", 100.0 * v) : g_strdup ("—");
}

/* --- Confusion matrix ----------------------------------------------------- */

typedef struct
{
  double label_w, recall_w;
  double x0, y0; /* top left of the grid */
  double cell;
} ConfusionLayout;

static void
layout_confusion (const nn_confusion *c, int width, int height, const LabInsideStyle *s,
                  ConfusionLayout *l)
{
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  double avail = MAX (width - 2 * m, 32);
  int longest = 1;

  for (int i = 0; i < c->n_classes; i++)
    longest = MAX (longest, (int) g_utf8_strlen (c->class_names[i], -1));
  /* an estimate of Pango's widths keeps measuring and hit tests free of it */
  l->label_w = MIN (longest * s->font_size * 0.62 + 10, avail * 0.3);
  l->recall_w = s->font_size * 5.5;
  l->x0 = m + l->label_w;
  l->y0 = m + 3 * line + gap;
  l->cell = MIN ((avail - l->label_w - l->recall_w) / c->n_classes, s->font_size * 6);
  if (height > 0)
    l->cell = MIN (l->cell, (height - l->y0 - gap - line - m) / c->n_classes);
  l->cell = MAX (floor (l->cell), 4);
}

int
_lab_confusion_measure (const nn_confusion *c, int width, const LabInsideStyle *s)
{
  ConfusionLayout l;

  layout_confusion (c, width, 0, s, &l);
  return (int) ceil (l.y0 + c->n_classes * l.cell + LAB_INSIDE_GAP (s) + LAB_INSIDE_LINE (s) +
                     LAB_INSIDE_MARGIN (s));
}

void
lab_confusion_paint (cairo_t *cr, const nn_confusion *c, int width, int height,
                     const LabInsideStyle *style)
{
  LabInsideStyle light;
  const LabInsideStyle *s = style_or_light (style, &light);
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  int K = c->n_classes;
  g_autofree char *title = NULL;
  ConfusionLayout l;
  LabInsideText t;
  double grid_w, count_size;

  _lab_inside_fill_background (cr, width, height, s);
  _lab_inside_text_init (&t, cr, s);
  layout_confusion (c, width, height, s, &l);
  grid_w = K * l.cell;
  count_size = CLAMP (l.cell / (s->font_size * 2.6), 0.55, 1.0);

  title = g_strdup_printf (_ ("Confusion matrix · %" PRId64 " samples · accuracy %.1f %%"),
                           c->total, 100.0 * c->accuracy);
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE, &s->foreground);
  _lab_inside_text (&t, _ ("Rows: true class · columns: predicted class"), m, m + line, 0,
                    width - 2 * m, 0.9, FALSE, &s->dim);

  for (int j = 0; j < K; j++)
    _lab_inside_text (&t, c->class_names[j], l.x0 + (j + 0.5) * l.cell, m + 2 * line, 0.5,
                      l.cell - 2, 0.85, FALSE, &s->dim);
  _lab_inside_text (&t, _ ("Recall"), l.x0 + grid_w + 8, m + 2 * line, 0, 0, 0.85, TRUE, &s->dim);

  for (int i = 0; i < K; i++)
    {
      gint64 row_total = 0;
      double y = l.y0 + i * l.cell;
      g_autofree char *recall = percent_or_dash (c->recall[i]);

      for (int j = 0; j < K; j++)
        row_total += c->counts[i * K + j];
      _lab_inside_text (&t, c->class_names[i], l.x0 - 8, y + (l.cell - line) / 2 + 2, 1.0,
                        l.label_w - 8, 0.9, FALSE, &s->foreground);
      for (int j = 0; j < K; j++)
        {
          gint64 n = c->counts[i * K + j];
          double share = row_total > 0 ? (double) n / row_total : 0.0;
          const LabInsideColor *hue = i == j ? &s->good : &s->bad;
          double x = l.x0 + j * l.cell;
          char text[32];

          _lab_inside_set_color (cr, &s->panel);
          cairo_rectangle (cr, x + 1, y + 1, l.cell - 2, l.cell - 2);
          cairo_fill (cr);
          /* intensity by the share of the row, so rare classes read as well as common ones */
          if (n > 0)
            {
              cairo_set_source_rgba (cr, hue->r, hue->g, hue->b, 0.1 + 0.85 * share);
              cairo_rectangle (cr, x + 1, y + 1, l.cell - 2, l.cell - 2);
              cairo_fill (cr);
            }
          if (n == 0 && l.cell < s->font_size * 2.2)
            continue;
          g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, n);
          {
            LabInsideColor ink = share > 0.5 ? (LabInsideColor){ 1, 1, 1, 1 } : s->foreground;

            if (n == 0)
              ink = s->dim;
            _lab_inside_text (&t, text, x + l.cell / 2,
                              y + (l.cell - s->font_size * 1.25 * count_size) / 2, 0.5, l.cell - 2,
                              count_size, i == j, &ink);
          }
        }
      _lab_inside_text (&t, recall, l.x0 + grid_w + 8, y + (l.cell - line) / 2 + 2, 0, 0, 0.9,
                        FALSE, isfinite (c->recall[i]) ? &s->foreground : &s->dim);
    }

  _lab_inside_text (&t, _ ("Precision"), l.x0 - 8, l.y0 + K * l.cell + gap, 1.0, l.label_w - 8,
                    0.85, TRUE, &s->dim);
  for (int j = 0; j < K; j++)
    {
      g_autofree char *precision = percent_or_dash (c->precision[j]);

      _lab_inside_text (&t, precision, l.x0 + (j + 0.5) * l.cell, l.y0 + K * l.cell + gap, 0.5,
                        l.cell, 0.85, FALSE, isfinite (c->precision[j]) ? &s->foreground : &s->dim);
    }
  _lab_inside_text_clear (&t);
}

gboolean
lab_confusion_hit (const nn_confusion *c, int width, int height, const LabInsideStyle *style,
                   double x, double y, int *true_class, int *predicted)
{
  LabInsideStyle light;
  ConfusionLayout l;
  int i, j;

  layout_confusion (c, width, height, style_or_light (style, &light), &l);
  if (x < l.x0 || y < l.y0)
    return FALSE;
  i = (int) ((y - l.y0) / l.cell);
  j = (int) ((x - l.x0) / l.cell);
  if (i >= c->n_classes || j >= c->n_classes)
    return FALSE;
  *true_class = i;
  *predicted = j;
  return TRUE;
}

/* --- Misclassified -------------------------------------------------------- */

typedef struct
{
  gboolean image;
  int c, h, w;  /* image */
  double thumb; /* image side in pixels */
  double card_w, card_h;
  int cols, rows;
  double top;
} MistakeLayout;

static void
layout_mistakes (const nn_mistakes *mk, const nn_dataset *ds, int width, const LabInsideStyle *s,
                 MistakeLayout *l)
{
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  double avail = MAX (width - 2 * m, 32);

  *l = (MistakeLayout){ 0 };
  l->image = ds->input_shape.rank == 3 && ds->store == NN_STORE_U8;
  l->top = m + line + gap;
  if (l->image)
    {
      l->c = ds->input_shape.dim[0], l->h = ds->input_shape.dim[1], l->w = ds->input_shape.dim[2];
      l->thumb = MAX (1, floor (84.0 / MAX (l->h, l->w))) * MAX (l->h, l->w);
      l->card_w = MAX (l->thumb, s->font_size * 9) + 2 * gap;
      l->card_h = l->thumb + 2 * line + 2 * gap;
    }
  else if (ds->store == NN_STORE_TOKENS)
    {
      l->card_w = avail;
      l->card_h = 2 * line + 2 * gap;
    }
  else
    {
      l->card_w = MIN (s->font_size * 16, avail);
      l->card_h = 3 * line + 2 * gap;
    }
  l->cols = MAX (1, (int) ((avail + gap) / (l->card_w + gap)));
  l->rows = (mk->n_items + l->cols - 1) / l->cols;
}

int
_lab_misclassified_measure (const nn_mistakes *mk, const nn_dataset *ds, int width,
                            const LabInsideStyle *s)
{
  MistakeLayout l;

  layout_mistakes (mk, ds, width, s, &l);
  return (int) ceil (l.top + MAX (l.rows, 0) * (l.card_h + LAB_INSIDE_GAP (s)) +
                     LAB_INSIDE_MARGIN (s));
}

/* What a non-image sample says in one line: its text, or its first
 * feature values in the data's own units. */
static char *
describe_sample (const nn_dataset *ds, int index)
{
  gsize size = nn_dataset_input_size (ds);
  GString *out = g_string_new (NULL);

  if (ds->store == NN_STORE_TOKENS)
    {
      const gint32 *tok = ds->tokens + (gsize) index * size;
      gboolean chars = TRUE;

      /* character vocabularies have one-letter entries; words need spaces */
      for (int v = 2; v < MIN (ds->vocab_size, 40); v++)
        if (ds->vocab[v] && g_utf8_strlen (ds->vocab[v], -1) > 1)
          chars = FALSE;
      for (gsize i = 0; i < size; i++)
        if (tok[i] > 0 && tok[i] < ds->vocab_size)
          {
            if (!chars && out->len > 0)
              g_string_append_c (out, ' ');
            g_string_append (out, ds->vocab[tok[i]]);
          }
      return g_string_free (out, FALSE);
    }
  for (gsize i = 0; i < MIN (size, 4); i++)
    {
      g_autofree char *v = _lab_inside_format_value (ds->f32[(gsize) index * size + i]);

      if (ds->feature_names)
        g_string_append_printf (out, "%s%s = %s", i ? ", " : "", ds->feature_names[i], v);
      else
        g_string_append_printf (out, "%s%s", i ? ", " : "", v);
    }
  if (size > 4)
    g_string_append (out, " …");
  return g_string_free (out, FALSE);
}

void
lab_misclassified_paint (cairo_t *cr, const nn_mistakes *mk, const nn_dataset *ds, int width,
                         int height, const LabInsideStyle *style)
{
  LabInsideStyle light;
  const LabInsideStyle *s = style_or_light (style, &light);
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  g_autofree char *title = NULL;
  g_autofree float *x = NULL;
  MistakeLayout l;
  LabInsideText t;

  _lab_inside_fill_background (cr, width, height, s);
  _lab_inside_text_init (&t, cr, s);
  layout_mistakes (mk, ds, width, s, &l);

  if (mk->wrong == 0)
    title = g_strdup_printf (_ ("No mistakes among %d samples"), mk->examined);
  else
    {
      g_autofree char *wrong =
        g_strdup_printf (_ ("%d of %d samples misclassified"), mk->wrong, mk->examined);

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · the most confident mistake",
                                            "%s · the %d most confident mistakes", mk->n_items),
                               wrong, mk->n_items);
    }
  _lab_inside_text (&t, title, m, m, 0, width - 2 * m, 1.0, TRUE, &s->foreground);

  x = g_new (float, nn_dataset_input_size (ds));
  for (int i = 0; i < mk->n_items; i++)
    {
      const nn_mistake *e = &mk->items[i];
      double cx = m + (i % l.cols) * (l.card_w + gap);
      double cy = l.top + (i / l.cols) * (l.card_h + gap);
      double text_y = cy + gap;
      g_autofree char *verdict =
        g_strdup_printf ("%s → %s", mk->class_names[e->true_class], mk->class_names[e->predicted]);
      g_autofree char *confidence = g_strdup_printf (_ ("%.0f %% sure (true class %.0f %%)"),
                                                     100.0 * e->confidence, 100.0 * e->true_prob);

      if (cy > height)
        break;
      _lab_inside_set_color (cr, &s->panel);
      cairo_rectangle (cr, cx, cy, l.card_w, l.card_h);
      cairo_fill (cr);
      if (l.image)
        {
          nn_dataset_gather (ds, &e->index, 1, x, NULL, NULL);
          _lab_inside_image (cr, x, l.c, l.h, l.w, 0, 1, cx + (l.card_w - l.thumb) / 2, cy + gap,
                             l.thumb, l.thumb);
          text_y = cy + gap + l.thumb + 2;
        }
      else
        {
          g_autofree char *what = describe_sample (ds, e->index);

          _lab_inside_text (&t, what, cx + gap, text_y, 0, l.card_w - 2 * gap, 0.9, FALSE,
                            &s->foreground);
          text_y += line;
        }
      _lab_inside_text (&t, verdict, cx + gap, text_y, 0, l.card_w - 2 * gap, 0.9, TRUE, &s->bad);
      _lab_inside_text (&t, confidence, cx + gap, text_y + line * 0.95, 0, l.card_w - 2 * gap, 0.8,
                        FALSE, &s->dim);
    }
  _lab_inside_text_clear (&t);
}

int
lab_misclassified_hit (const nn_mistakes *mk, const nn_dataset *ds, int width,
                       const LabInsideStyle *style, double x, double y)
{
  LabInsideStyle light;
  const LabInsideStyle *s = style_or_light (style, &light);
  double m = LAB_INSIDE_MARGIN (s), gap = LAB_INSIDE_GAP (s);
  MistakeLayout l;
  int col, row, i;

  layout_mistakes (mk, ds, width, s, &l);
  if (x < m || y < l.top)
    return -1;
  col = (int) ((x - m) / (l.card_w + gap));
  row = (int) ((y - l.top) / (l.card_h + gap));
  if (col >= l.cols || x - m - col * (l.card_w + gap) > l.card_w ||
      y - l.top - row * (l.card_h + gap) > l.card_h)
    return -1;
  i = row * l.cols + col;
  return i < mk->n_items ? i : -1;
}

/* --- Histograms ----------------------------------------------------------- */

#define VANISHING 1e-7
#define EXPLODING 1e3

static double
histogram_row_h (const LabInsideStyle *s)
{
  return 2 * LAB_INSIDE_LINE (s) + 3.5 * LAB_INSIDE_LINE (s) + 2 * LAB_INSIDE_GAP (s);
}

int
_lab_histograms_measure (const nn_histograms *h, int width, const LabInsideStyle *s)
{
  (void) width;
  return (int) ceil (2 * LAB_INSIDE_MARGIN (s) + 2 * LAB_INSIDE_LINE (s) +
                     h->n_tensors * histogram_row_h (s));
}

static void
paint_histogram (LabInsideText *t, const int *bins, int n_bins, double lo, double hi, double x,
                 double y, double w, double h, const LabInsideColor *color)
{
  const LabInsideStyle *s = t->style;
  g_autofree char *lo_text = _lab_inside_format_value (lo);
  g_autofree char *hi_text = _lab_inside_format_value (hi);
  int peak = 1;

  for (int i = 0; i < n_bins; i++)
    peak = MAX (peak, bins[i]);
  _lab_inside_set_color (t->cr, &s->panel);
  cairo_rectangle (t->cr, x, y, w, h);
  cairo_fill (t->cr);
  _lab_inside_set_color (t->cr, color);
  for (int i = 0; i < n_bins; i++)
    {
      /* square root: the tails, where exploding values hide, stay visible */
      double bh = (h - 2) * sqrt ((double) bins[i] / peak);

      if (bins[i] > 0)
        cairo_rectangle (t->cr, x + i * w / n_bins, y + h - bh, MAX (w / n_bins - 0.5, 0.5), bh);
    }
  cairo_fill (t->cr);
  if (lo < 0 && hi > 0)
    {
      double zx = x + (0 - lo) / (hi - lo) * w;

      _lab_inside_set_color (t->cr, &s->foreground);
      cairo_set_line_width (t->cr, 1);
      cairo_move_to (t->cr, round (zx) + 0.5, y);
      cairo_line_to (t->cr, round (zx) + 0.5, y + h);
      cairo_stroke (t->cr);
    }
  _lab_inside_text (t, lo_text, x, y + h + 1, 0, 0, 0.8, FALSE, &s->dim);
  _lab_inside_text (t, hi_text, x + w, y + h + 1, 1.0, 0, 0.8, FALSE, &s->dim);
}

void
lab_histograms_paint (cairo_t *cr, const nn_histograms *h, int width, int height,
                      const LabInsideStyle *style)
{
  LabInsideStyle light;
  const LabInsideStyle *s = style_or_light (style, &light);
  double m = LAB_INSIDE_MARGIN (s), line = LAB_INSIDE_LINE (s), gap = LAB_INSIDE_GAP (s);
  double avail = MAX (width - 2 * m, 32);
  double plot_w = h->has_grads ? (avail - 3 * gap) / 2 : avail;
  double y = m;
  g_autofree char *subtitle = NULL;
  LabInsideText t;

  _lab_inside_fill_background (cr, width, height, s);
  _lab_inside_text_init (&t, cr, s);
  _lab_inside_text (&t, _ ("Weights and gradients"), m, y, 0, avail, 1.0, TRUE, &s->foreground);
  if (h->has_grads)
    {
      g_autofree char *loss = _lab_inside_format_value (h->batch_loss);

      subtitle = g_strdup_printf (
        _ ("Left: weights; right: gradients of one batch (loss %s). Bar heights are √count."),
        loss);
    }
  else
    subtitle = g_strdup (_ ("Weights; bar heights are √count."));
  _lab_inside_text (&t, subtitle, m, y + line, 0, avail, 0.9, FALSE, &s->dim);
  y += 2 * line;

  for (int r = 0; r < h->n_tensors && y < height; r++)
    {
      const nn_weight_stats *w = &h->tensors[r];
      g_autofree char *shape = nn_shape_to_string (&w->shape);
      g_autofree char *name = g_strdup_printf ("%s · %s %s", w->node_name, w->weight_name, shape);
      g_autofree char *w_norm = _lab_inside_format_value (w->w_norm);
      g_autofree char *w_mean = _lab_inside_format_value (w->w_mean);
      g_autofree char *w_std = _lab_inside_format_value (w->w_std);
      g_autofree char *w_note =
        g_strdup_printf (_ ("‖w‖ = %s · mean %s ± %s"), w_norm, w_mean, w_std);
      double plot_h = 3.5 * line - line;
      double py = y + 2 * line;

      _lab_inside_text (&t, name, m, y + gap, 0, avail * 0.5, 1.0, TRUE, &s->foreground);
      _lab_inside_text (&t, w_note, m, y + gap + line, 0, plot_w, 0.85, FALSE, &s->dim);
      paint_histogram (&t, w->w_bins, h->n_bins, w->w_min, w->w_max, m, py, plot_w, plot_h,
                       &s->accent);
      if (h->has_grads)
        {
          double gx = m + plot_w + 3 * gap;
          g_autofree char *g_norm = _lab_inside_format_value (w->g_norm);
          const char *verdict = w->g_norm < VANISHING   ? _ (" · vanishing")
                                : w->g_norm > EXPLODING ? _ (" · exploding")
                                                        : "";
          g_autofree char *g_note = g_strdup_printf (_ ("‖∇‖ = %s%s"), g_norm, verdict);

          _lab_inside_text (&t, g_note, gx, y + gap + line, 0, plot_w, 0.85, *verdict != '\0',
                            *verdict != '\0' ? &s->bad : &s->dim);
          paint_histogram (&t, w->g_bins, h->n_bins, w->g_min, w->g_max, gx, py, plot_w, plot_h,
                           &s->classes[1]);
        }
      y += histogram_row_h (s);
    }
  _lab_inside_text_clear (&t);
}
