/* lab-welcome.c — see lab-welcome.h. The thumbnails are drawn with Cairo
 * from the theme's colours, so they need no artwork, follow dark and
 * projector mode, and hint at what each demo shows. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lab-demos.h"
#include "lab-theme.h"
#include "lab-welcome.h"

struct _LabWelcome
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkFlowBox *cards;
  GtkWidget *empty_button;
};

G_DEFINE_FINAL_TYPE (LabWelcome, lab_welcome, GTK_TYPE_WIDGET)

enum
{
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GdkRGBA fg, a, b;
} Palette;

static void
set_colour (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
dot (cairo_t *cr, double x, double y, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
}

/* Opposite corners alike, and a curved boundary between them. */
static void
draw_xor (cairo_t *cr, double w, double h, const Palette *p)
{
  static const double pts[][2] = { { .2, .25 }, { .3, .15 }, { .15, .35 }, { .75, .7 },
                                   { .85, .8 }, { .7, .85 }, { .75, .2 },  { .85, .3 },
                                   { .7, .15 }, { .2, .75 }, { .3, .85 },  { .15, .7 } };

  for (gsize i = 0; i < G_N_ELEMENTS (pts); i++)
    {
      set_colour (cr, i < 6 ? &p->a : &p->b, 1);
      dot (cr, pts[i][0] * w, pts[i][1] * h, 3.5);
      cairo_fill (cr);
    }
  set_colour (cr, &p->fg, 0.6);
  cairo_set_line_width (cr, 1.5 * lab_theme_scale ());
  cairo_move_to (cr, 0.5 * w, 0.05 * h);
  cairo_curve_to (cr, 0.45 * w, 0.45 * h, 0.55 * w, 0.55 * h, 0.5 * w, 0.95 * h);
  cairo_move_to (cr, 0.05 * w, 0.5 * h);
  cairo_curve_to (cr, 0.45 * w, 0.55 * h, 0.55 * w, 0.45 * h, 0.95 * w, 0.5 * h);
  cairo_stroke (cr);
}

static void
draw_spiral (cairo_t *cr, double w, double h, const Palette *p)
{
  for (int arm = 0; arm < 2; arm++)
    for (int i = 4; i < 40; i++)
      {
        double t = i / 40.0 * 1.75 * 2 * G_PI;
        double r = i / 40.0 * 0.45 * MIN (w, h);

        set_colour (cr, arm == 0 ? &p->a : &p->b, 1);
        dot (cr, w / 2 + r * cos (t + arm * G_PI), h / 2 + r * sin (t + arm * G_PI), 2.2);
        cairo_fill (cr);
      }
}

/* A T-shirt as an 8×8 pixel picture, as the model sees it. */
static void
draw_fashion (cairo_t *cr, double w, double h, const Palette *p)
{
  static const char *shirt[] = { "..#..#..", ".######.", "########", "##.##.##",
                                 "..####..", "..####..", "..####..", "..####.." };
  double cell = MIN (w, h) / 9.0;
  double x0 = (w - 8 * cell) / 2, y0 = (h - 8 * cell) / 2;

  set_colour (cr, &p->fg, 0.15);
  cairo_rectangle (cr, x0, y0, 8 * cell, 8 * cell);
  cairo_fill (cr);
  set_colour (cr, &p->a, 1);
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      if (shirt[y][x] == '#')
        cairo_rectangle (cr, x0 + x * cell + 0.5, y0 + y * cell + 0.5, cell - 1, cell - 1);
  cairo_fill (cr);
}

/* Letters read one by one through a chain of recurrent cells. */
static void
draw_words (cairo_t *cr, double w, double h, const Palette *p)
{
  static const char *letters[] = { "w", "o", "r", "t" };
  double step = w / 4.5, size = step * 0.6;

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, size * 0.7);
  cairo_set_line_width (cr, 1.5 * lab_theme_scale ());
  for (int i = 0; i < 4; i++)
    {
      double x = step * (i + 0.5), y = h * 0.3;
      cairo_text_extents_t ext;

      set_colour (cr, &p->a, 0.9);
      cairo_rectangle (cr, x, y, size, size);
      cairo_fill (cr);
      set_colour (cr, &p->fg, 1);
      cairo_text_extents (cr, letters[i], &ext);
      cairo_move_to (cr, x + (size - ext.width) / 2 - ext.x_bearing, y + size + size * 0.9);
      cairo_show_text (cr, letters[i]);
      if (i < 3)
        {
          set_colour (cr, &p->fg, 0.7);
          cairo_move_to (cr, x + size, y + size / 2);
          cairo_line_to (cr, x + step, y + size / 2);
          cairo_stroke (cr);
        }
    }
  set_colour (cr, &p->b, 1);
  dot (cr, w - step * 0.35, h * 0.3 + size / 2, size * 0.3);
  cairo_fill (cr);
}

/* Wide, narrow, wide: the bottleneck. */
static void
draw_autoencoder (cairo_t *cr, double w, double h, const Palette *p)
{
  static const double heights[] = { 0.8, 0.55, 0.25, 0.55, 0.8 };
  double bar = w / 9.0;

  for (int i = 0; i < 5; i++)
    {
      double bh = heights[i] * h;

      set_colour (cr, i == 2 ? &p->b : &p->a, 1);
      cairo_rectangle (cr, bar * (1 + 1.6 * i), (h - bh) / 2, bar, bh);
      cairo_fill (cr);
    }
}

/* Noise into a generator, its fake into a critic. */
static void
draw_gan (cairo_t *cr, double w, double h, const Palette *p)
{
  GRand *rand = g_rand_new_with_seed (7);

  set_colour (cr, &p->fg, 0.5);
  for (int i = 0; i < 24; i++)
    {
      dot (cr, g_rand_double_range (rand, 0.03, 0.2) * w, g_rand_double_range (rand, 0.2, 0.8) * h,
           1.6);
      cairo_fill (cr);
    }
  g_rand_free (rand);
  set_colour (cr, &p->a, 1);
  cairo_rectangle (cr, 0.27 * w, 0.25 * h, 0.18 * w, 0.5 * h);
  cairo_fill (cr);
  set_colour (cr, &p->b, 1);
  cairo_rectangle (cr, 0.62 * w, 0.25 * h, 0.18 * w, 0.5 * h);
  cairo_fill (cr);
  set_colour (cr, &p->fg, 0.8);
  cairo_set_line_width (cr, 1.5 * lab_theme_scale ());
  cairo_move_to (cr, 0.21 * w, 0.5 * h);
  cairo_line_to (cr, 0.26 * w, 0.5 * h);
  cairo_move_to (cr, 0.46 * w, 0.5 * h);
  cairo_line_to (cr, 0.61 * w, 0.5 * h);
  cairo_move_to (cr, 0.81 * w, 0.5 * h);
  cairo_line_to (cr, 0.95 * w, 0.5 * h);
  cairo_stroke (cr);
}

static void
draw_thumbnail (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  const LabDemo *demo = user_data;
  GtkWidget *widget = GTK_WIDGET (area);
  Palette p;

  lab_theme_foreground (widget, &p.fg);
  lab_theme_named (widget, "accent_bg_color", "#3584e4", &p.a);
  lab_theme_named (widget, "warning_color", "#e66100", &p.b);

  if (g_str_equal (demo->id, "xor"))
    draw_xor (cr, width, height, &p);
  else if (g_str_equal (demo->id, "spiral"))
    draw_spiral (cr, width, height, &p);
  else if (g_str_equal (demo->id, "fashion"))
    draw_fashion (cr, width, height, &p);
  else if (g_str_equal (demo->id, "words"))
    draw_words (cr, width, height, &p);
  else if (g_str_equal (demo->id, "autoencoder"))
    draw_autoencoder (cr, width, height, &p);
  else if (g_str_equal (demo->id, "gan"))
    draw_gan (cr, width, height, &p);
}

static GtkWidget *
make_card (const LabDemo *demo)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *thumb = gtk_drawing_area_new ();
  GtkWidget *title = gtk_label_new (_ (demo->title));
  GtkWidget *summary = gtk_label_new (_ (demo->summary));
  g_autofree char *why = NULL;

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (thumb), 96);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (thumb), 72);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (thumb), draw_thumbnail, (gpointer) demo, NULL);
  gtk_widget_set_valign (thumb, GTK_ALIGN_CENTER);
  /* Projector mode changes the colours but not the CSS of a drawing area. */
  g_signal_connect_object (lab_theme_get_default (), "changed", G_CALLBACK (gtk_widget_queue_draw),
                           thumb, G_CONNECT_SWAPPED);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (summary), 40);
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), summary);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), thumb);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "card");
  gtk_widget_set_name (button, demo->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.demo");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", demo->id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ (demo->title), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ (demo->summary), -1);
  if (!lab_demo_available (demo, &why))
    {
      gtk_widget_set_sensitive (button, FALSE);
      gtk_widget_set_tooltip_text (button, why);
    }
  else
    gtk_widget_set_tooltip_text (button, _ (demo->what_to_try));
  return button;
}

static void
on_empty_clicked (GtkButton *button, LabWelcome *self)
{
  g_signal_emit (self, signals[CLOSE], 0);
}

static void
lab_welcome_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_WELCOME);
  /* The template's root (the scroller) is not a bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (lab_welcome_parent_class)->dispose (object);
}

static void
lab_welcome_class_init (LabWelcomeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_welcome_dispose;

  /* ::close (): the user wants the workbench without a demo. */
  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerlab/Layerlab/ui/lab-welcome.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWelcome, cards);
  gtk_widget_class_bind_template_child (widget_class, LabWelcome, empty_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "labwelcome");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lab_welcome_init (LabWelcome *self)
{
  int n = 0;
  const LabDemo *demos = lab_demos (&n);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (int i = 0; i < n; i++)
    gtk_flow_box_append (self->cards, make_card (&demos[i]));
  g_signal_connect (self->empty_button, "clicked", G_CALLBACK (on_empty_clicked), self);
}

GtkWidget *
lab_welcome_new (void)
{
  return g_object_new (LAB_TYPE_WELCOME, NULL);
}

GtkWidget *
lab_welcome_get_card (LabWelcome *self, const char *id)
{
  GtkWidget *child;

  g_return_val_if_fail (LAB_IS_WELCOME (self), NULL);
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->cards)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (g_strcmp0 (gtk_widget_get_name (card), id) == 0)
        return card;
    }
  return NULL;
}
