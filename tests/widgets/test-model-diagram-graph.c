/* test-model-diagram-graph.c — the cards built from an engine graph: what an
 * Input's card says about its shape (a GAN's latent vector is "100 values",
 * not the channels/height/width the Input stores it as). */
#include <string.h>

#include "graph.h"
#include "model-diagram-graph.h"
#include "templates.h"

/* The details of the graph's first card, joined by " / ". */
static char *
input_card (const nn_graph *g)
{
  g_autoptr (LabDiagram) d = lab_diagram_new_for_graph (g, NULL);
  LabDiagramNode *card = lab_diagram_get_node (d, 0);

  g_assert_cmpstr (card->title, ==, "Input");
  return g_strjoinv (" / ", card->details);
}

static void
test_latent_vector (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (nn_graph) g = nn_template_build ("gan", NULL, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = input_card (g);
  g_assert_cmpstr (text, ==, "100 values");
}

static void
test_shapes (void)
{
  g_autoptr (nn_graph) g = nn_graph_new ();
  int id = nn_graph_add_node (g, nn_layer_lookup ("input"));
  g_autofree char *vector = NULL;
  g_autofree char *sequence = NULL;
  g_autofree char *image = NULL;

  g_assert_true (nn_graph_set_param (g, id, "channels", 1, NULL));
  g_assert_true (nn_graph_set_param (g, id, "height", 0, NULL));
  g_assert_true (nn_graph_set_param (g, id, "width", 1, NULL));
  vector = input_card (g);
  g_assert_cmpstr (vector, ==, "1 value");

  g_assert_true (nn_graph_set_param (g, id, "channels", 0, NULL));
  g_assert_true (nn_graph_set_param (g, id, "height", 20, NULL));
  g_assert_true (nn_graph_set_param (g, id, "width", 8, NULL));
  sequence = input_card (g);
  g_assert_cmpstr (sequence, ==, "Sequence of 20 × 8");

  /* an image's three parameters mean what they say */
  g_assert_true (nn_graph_set_param (g, id, "channels", 3, NULL));
  g_assert_true (nn_graph_set_param (g, id, "height", 32, NULL));
  g_assert_true (nn_graph_set_param (g, id, "width", 32, NULL));
  image = input_card (g);
  g_assert_cmpstr (image, ==, "Channels 3 · Height 32 / Width 32");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/painters/model-diagram-graph/latent-vector", test_latent_vector);
  g_test_add_func ("/painters/model-diagram-graph/input-shapes", test_shapes);
  return g_test_run ();
}
