/* class-balance-paint.h — the class-balance chart as a pure Cairo painter:
 * one horizontal bar per class with its name and count, so a skewed dataset
 * shows at a glance. The widget, the CLI and the tests all draw with it. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double fg[4];     /* text, RGBA */
  double bar[4];    /* bars */
  double track[4];  /* the empty part of each bar */
  const char *font; /* Pango font description, e.g. "Cantarell 11" */
} LabClassBalanceStyle;

/* Height in pixels the chart needs for n classes at this style's font. */
int lab_class_balance_height (int n_classes, const LabClassBalanceStyle *style);

/* Draws names[i] with counts[i] for i < n into width × height. */
void lab_class_balance_paint (cairo_t *cr, const char *const *names, const int *counts, int n,
                              int width, int height, const LabClassBalanceStyle *style);

G_END_DECLS
