/* lab-demos.h — the classroom's ready demos: each one a template, a
 * dataset, the page to open and a short guide (what to try, what to look
 * for). The welcome page shows them as cards, `layerlab --demo ID` and the
 * window action win.demo('ID') start one. Pure data on GLib. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;          /* stable: "xor", "spiral", "fashion", "words", "autoencoder", "gan" */
  const char *template_id; /* engine/templates.h */
  const char *data_spec;   /* a built-in dataset spec (engine/data/builtin.c) */
  const char *title;       /* N_() */
  const char *summary;     /* N_(): one line for the card */
  const char *what_to_try; /* N_() */
  const char *look_for;    /* N_() */
  const char *page;        /* the window page shown once it is ready: "model", "inside" … */
  const char *inside_view; /* the Inside view to select (lab_inside_page_show_view), or NULL */
} LabDemo;

/* Every demo, in the order the welcome page shows them. */
const LabDemo *lab_demos (int *n);
/* NULL for an unknown id. */
const LabDemo *lab_demo_lookup (const char *id);
/* The known ids, comma-separated, for messages; free with g_free(). */
char *lab_demo_ids (void);
/* Whether the demo's data is on this machine; if not, *why (may be NULL)
 * gets a translated sentence naming the package to install (g_free it). */
gboolean lab_demo_available (const LabDemo *demo, char **why);

G_END_DECLS
