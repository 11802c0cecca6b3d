/* lab-data-page.h — the Data tab: pick a built-in dataset or open files,
 * load them off the main thread with progress and cancel, look at the
 * samples, the class balance and the quality report, clean, and choose the
 * split. The page owns the dataset it shows. */
#pragma once

#include <adwaita.h>

#include "data/dataset.h"
#include "io/project.h"

G_BEGIN_DECLS

#define LAB_TYPE_DATA_PAGE (lab_data_page_get_type ())
G_DECLARE_FINAL_TYPE (LabDataPage, lab_data_page, LAB, DATA_PAGE, GtkWidget)

GtkWidget *lab_data_page_new (void);

/* Starts loading a spec ("fashion-mnist", "csv:/path/file.csv" ...);
 * ::dataset-changed is emitted when it has loaded, a dialog explains when
 * it cannot. A load in progress is cancelled. */
void lab_data_page_load_spec (LabDataPage *self, const char *spec);
/* The same, then applies n cleaning steps (copied) to the data before it
 * is shown, as a project's preparation; a step that fails is explained
 * like a load that fails. */
void lab_data_page_load_spec_prepared (LabDataPage *self, const char *spec,
                                       const nn_prep_step *steps, guint n);
/* The same for a file or folder a user chose or dropped: the spec is
 * guessed from the file's type. */
void lab_data_page_open_file (LabDataPage *self, GFile *file);

/* The loaded dataset (owned by the page), or NULL. */
nn_dataset *lab_data_page_get_dataset (LabDataPage *self);
/* The cleaning done since the data was loaded, in order (of
 * nn_prep_step, owned by the page, never NULL): the steps it was loaded
 * with, then each impute and drop-duplicates a user chose. */
GArray *lab_data_page_get_preparation (LabDataPage *self);
/* The fractions of samples held back for validation and test. */
double lab_data_page_get_val_fraction (LabDataPage *self);
double lab_data_page_get_test_fraction (LabDataPage *self);

/* While a model trains on the dataset it may not change: locked pages
 * refuse new data and cleaning, and say why. */
void lab_data_page_set_locked (LabDataPage *self, gboolean locked);

/* The spec guessed for a path: csv:, idx:, text: or images:. */
char *lab_data_page_spec_for_path (const char *path);

G_END_DECLS
