/* lab-inside-pages.h — the Inside page's sidebar rows: what each is
 * called, which views it shows and for which runs. */
#pragma once

#include "lab-inside-page-private.h"
#include "lab-inside-viewer.h"

G_BEGIN_DECLS

/* Which runs a page applies to. */
#define LAB_INSIDE_FOR_SUPERVISED  (1u << NN_MODE_SUPERVISED)
#define LAB_INSIDE_FOR_AUTOENCODER (1u << NN_MODE_AUTOENCODER)
#define LAB_INSIDE_FOR_GAN         (1u << NN_MODE_GAN)

typedef struct
{
  const char *id;
  const char *title; /* N_() */
  const char *icon;
  const char *hint;       /* N_() */
  gboolean sample;        /* shows the sample picker */
  LabInsideView views[2]; /* what its viewers show */
  int n_views;
  guint modes;     /* LAB_INSIDE_FOR_*: the runs it is shown for */
  gint64 interval; /* µs between recomputations at least; 0: the page's usual */
} LabInsidePageInfo;

extern const LabInsidePageInfo lab_inside_pages[N_PAGES];

G_END_DECLS
