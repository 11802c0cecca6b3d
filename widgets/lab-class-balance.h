/* lab-class-balance.h — how many samples each class has, as bars. It shows
 * numbers it is given; it never looks at a dataset itself. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_CLASS_BALANCE (lab_class_balance_get_type ())
G_DECLARE_FINAL_TYPE (LabClassBalance, lab_class_balance, LAB, CLASS_BALANCE, GtkWidget)

GtkWidget *lab_class_balance_new (void);
/* Copies names[0..n) and counts[0..n); n == 0 shows nothing. */
void lab_class_balance_set_counts (LabClassBalance *self, const char *const *names,
                                   const int *counts, int n);

G_END_DECLS
