/* data-test-util.h — helpers shared by the dataset tests: open a fixture by
 * spec kind, and check that an error names what the user needs to know. */
#pragma once

#include <string.h>

#include "data/dataset.h"
#include "engine-test-util.h"
#include "error.h"

/* Opens "KIND:tests/fixtures/data/REL" (REL may hold a second ":PATH"). */
static inline nn_dataset *
open_fixture (const char *kind, const char *rel, const nn_data_options *o, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *spec = NULL;
  const char *colon = strchr (rel, ':');

  if (colon != NULL)
    {
      g_autofree char *first_rel = g_strndup (rel, colon - rel);
      g_autofree char *first = g_build_filename ("data", first_rel, NULL);
      g_autofree char *second_rel = g_build_filename ("data", colon + 1, NULL);
      g_autofree char *a = test_fixture_path (first);
      g_autofree char *b = test_fixture_path (second_rel);
      spec = g_strconcat (kind, ":", a, ":", b, NULL);
    }
  else
    {
      g_autofree char *data_rel = g_build_filename ("data", rel, NULL);
      path = test_fixture_path (data_rel);
      spec = g_strconcat (kind, ":", path, NULL);
    }
  return nn_dataset_open (spec, o, NULL, NULL, NULL, error);
}

/* Asserts error is set in NN_ERROR and its message holds every given
 * fragment (NULL-terminated list). */
static inline void
assert_error_mentions (const GError *error, ...)
{
  va_list ap;
  const char *fragment;

  g_assert_nonnull (error);
  g_assert_true (error->domain == NN_ERROR);
  va_start (ap, error);
  while ((fragment = va_arg (ap, const char *)) != NULL)
    if (strstr (error->message, fragment) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, fragment);
  va_end (ap);
}

/* Opens a fixture that must fail, and checks the message. */
#define assert_open_fails(kind, rel, ...)                      \
  G_STMT_START                                                 \
  {                                                            \
    g_autoptr (GError) _error = NULL;                          \
    nn_dataset *_ds = open_fixture (kind, rel, NULL, &_error); \
    g_assert_null (_ds);                                       \
    assert_error_mentions (_error, __VA_ARGS__, NULL);         \
  }                                                            \
  G_STMT_END
