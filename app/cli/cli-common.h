/* cli-common.h — what every layerlab-cli command shares: the exit-code
 * convention, option parsing, opening models and datasets, and JSON lines.
 *
 * Exit codes: 0 success; 1 a failure, reported as exactly one line
 * "layerlab-cli: <message>" on stderr; 2 a usage error (bad or missing
 * option), reported as the message and the command's usage on stderr;
 * 130 a training run stopped with Ctrl-C, after its report and --save. */
#pragma once

#include <json-glib/json-glib.h>

#include "data/dataset.h"
#include "graph.h"
#include "io/project.h"

G_BEGIN_DECLS

#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE   2
/* train: stopped by Ctrl-C (after reporting and saving what was trained) */
#define CLI_EXIT_INTERRUPTED 130

/* Prints "layerlab-cli: <message>" and returns CLI_EXIT_FAILURE; takes
 * ownership of error. */
int cli_fail (GError *error);

/* Parses argv with context; on a bad option prints the error and the usage
 * on stderr and returns FALSE (exit with CLI_EXIT_USAGE). Leftover
 * arguments are a usage error too. */
gboolean cli_parse (GOptionContext *context, int *argc, char ***argv);

/* Prints "<message>" and the usage on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error (GOptionContext *context, const char *message);

/* A model is a template id ("seed-cnn", adapted to ds when given, else to
 * 28×28×1 and 10 classes) or a path ending in ".layerlab". For a project,
 * *project (when not NULL) receives it, with its graph left in place. */
nn_graph *cli_open_model (const char *model, const nn_dataset *ds, nn_project **project,
                          GError **error);

/* The data a command runs on: `data` when given, else the project's own
 * with the options it was saved with (project may be NULL); label, limit
 * (> 0) and seed (>= 0) override. A project's preparation (the cleaning
 * chosen in the window) is applied to the data, then missing values left
 * are filled with column means, as for training; *imputed (may be NULL)
 * gets the sentences saying what changed, one a line, or NULL; *used (may be NULL) the options it opened with.
 * The caller checks first that data or the project names a dataset. */
nn_dataset *cli_open_data (const char *data, const nn_project *project, const char *label,
                           int limit, gint64 seed, nn_data_options *used, char **imputed,
                           GError **error);

/* The model to train and how: the project's graph and settings, or the
 * template's built for ds with its recommended settings. A GAN template
 * also gives its discriminator in *disc (else *disc is left alone). */
gboolean cli_build_model (const char *model, const nn_project *project, const nn_dataset *ds,
                          nn_graph **g, nn_graph **disc, nn_trainer_config *c, GError **error);

/* The trainer for a run of g on ds with c (a GAN with its discriminator
 * disc, else disc is NULL): the split and the normalisation are made as
 * every run with these settings makes them, and the model starts from the
 * project's weights when project (may be NULL) has some. train and eval
 * build theirs this way, so eval sees the test part train reported on. */
nn_trainer *cli_new_trainer (const nn_graph *g, const nn_graph *disc, nn_dataset *ds,
                             const nn_trainer_config *c, const nn_project *project, GError **error);

/* The test results as train's done event and eval print them:
 * "test_loss", "test_accuracy" (null for regression) and, for regression,
 * "test_mae". */
void cli_json_add_test (JsonBuilder *builder, double loss, double accuracy, double mae);

/* A count with thousands separators: 225034 → "225,034". */
char *cli_format_count (guint64 n);

/* Prints one compact JSON object as a line on stdout and flushes, so a
 * reader on a pipe sees every event when it happens. */
void cli_print_json (JsonBuilder *builder);

/* Adds a number, or null when it is NaN (no validation part, say). */
void cli_json_add_double (JsonBuilder *builder, const char *member, double value);

G_END_DECLS
