/* test-chip-cli.c: `passdesk-cli chip check` on the test chips: exit codes, the outcome in
 * words and in JSON, and the CSCA given with --csca. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pd-test-support.h"

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run        *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, g_strdup (g_getenv ("PASSDESK_CLI")));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static char *
chip (const char *name)
{
  return g_build_filename (g_getenv ("PASSDESK_TEST_CHIPS"), name, NULL);
}

static void
test_genuine_json (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *folder = chip ("genuine");
  g_autofree char *csca = chip ("csca");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *authentication;

  run_cli (&run, "chip", "check", "--json", "--csca", csca, folder, NULL);
  g_assert_cmpint (run.status, ==, 0);
  node = json_from_string (run.out, NULL);
  g_assert_nonnull (node);
  authentication = json_object_get_object_member (json_node_get_object (node), "authentication");
  g_assert_cmpstr (json_object_get_string_member (authentication, "outcome"), ==, "genuine");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (node), "dg13"),
                                                  "place_of_residence"),
                   ==, "Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội");
}

static void
test_altered_words (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *folder = chip ("altered");
  g_autofree char *csca = chip ("csca/csca.pem");

  run_cli (&run, "chip", "check", "--csca", csca, folder, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.out, "ALTERED\n"));
  g_assert_nonnull (strstr (run.out, "Data group 13 was changed after signing."));
  g_assert_nonnull (strstr (run.out, "Nguyễn Thị Hồng Nhung"));
}

static void
test_without_csca (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *folder = chip ("genuine");

  /* The installed folder (data/csca) holds no certificate. */
  run_cli (&run, "chip", "check", folder, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.out, "NOT VERIFIABLE\n"));
}

static void
test_unusable (void)
{
  g_auto(Run) missing = { 0 };
  g_auto(Run) bad_csca = { 0 };
  g_autofree char *folder = chip ("genuine");
  g_autofree char *not_a_certificate = chip ("genuine/0101");

  run_cli (&missing, "chip", "check", "/nonexistent/passdesk-chip", NULL);
  g_assert_cmpint (missing.status, ==, 2);
  g_assert_cmpstr (missing.out, ==, "");
  run_cli (&bad_csca, "chip", "check", "--csca", not_a_certificate, folder, NULL);
  g_assert_cmpint (bad_csca.status, ==, 2);
  g_assert_nonnull (strstr (bad_csca.err, "holds no CSCA certificate"));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/chip-cli/genuine-json", test_genuine_json);
  g_test_add_func ("/chip-cli/altered-words", test_altered_words);
  g_test_add_func ("/chip-cli/without-csca", test_without_csca);
  g_test_add_func ("/chip-cli/unusable", test_unusable);
  return g_test_run ();
}
