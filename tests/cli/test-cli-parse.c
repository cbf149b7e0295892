/* test-cli-parse.c: "passdesk-cli parse", run as a program: JSON out, exit 0 when every check
 * holds, 1 when a check fails, 2 when the text is unreadable. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "pd-store.h"
#include "pd-test-support.h"

#define CCCD   "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Số 1 Phố X, Phường Y, Hà Nội|15042021"
#define TD3_L1 "P<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "C1234567<0VNM0512310M3301155001205012345<<36"

typedef struct {
  int        status;
  char      *out;
  char      *err;
  JsonNode  *json;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->json, json_node_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *tmpdir;

static void
run_cli_argv (Run                *run,
              const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("PASSDESK_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\n%s%s", run->status, run->out, run->err);

  if (*run->out != '\0')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, run->out, -1, &error);
      g_assert_no_error (error);
      run->json = json_parser_steal_root (parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json));
    }
}

#define run_cli(run, ...) run_cli_argv ((run), (const char * const[]) { __VA_ARGS__, NULL })

static const char *
member (Run        *run,
        const char *name)
{
  JsonObject *object = json_node_get_object (run->json);

  if (json_object_get_null_member (object, name))
    return NULL;
  return json_object_get_string_member (object, name);
}

static gboolean
valid (Run *run)
{
  return json_object_get_boolean_member (json_node_get_object (run->json), "valid");
}

static void
test_cccd (void)
{
  g_auto(Run) ok = { 0, };
  g_auto(Run) bad = { 0, };

  /* No database is needed to read a card. */
  run_cli (&ok, "parse", "cccd", CCCD, "--db", "/nonexistent/passdesk.db");
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_cmpstr (ok.err, ==, "");
  g_assert_cmpstr (member (&ok, "kind"), ==, "cccd");
  g_assert_true (valid (&ok));
  g_assert_cmpstr (member (&ok, "full_name"), ==, "Nguyễn Văn A");
  g_assert_cmpstr (member (&ok, "birth_date"), ==, "1990-01-01");
  g_assert_cmpstr (member (&ok, "sex"), ==, "M");

  run_cli (&bad, "parse", "cccd", "00109012345|012345678|Nguyễn Văn A|01011990|Nam|Hà Nội|15042021");
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpstr (bad.out, ==, "");
  g_assert_true (g_str_has_prefix (bad.err, "passdesk-cli: "));
}

static void
test_mrz (void)
{
  g_auto(Run) lines = { 0, };
  g_auto(Run) joined = { 0, };
  g_auto(Run) check = { 0, };
  g_auto(Run) garbage = { 0, };

  run_cli (&lines, "parse", "mrz", TD3_L1, TD3_L2);
  g_assert_cmpint (lines.status, ==, 0);
  g_assert_true (valid (&lines));
  g_assert_cmpstr (member (&lines, "format"), ==, "TD3");
  g_assert_cmpstr (member (&lines, "document_number"), ==, "C1234567");
  g_assert_cmpstr (member (&lines, "surname"), ==, "NGUYEN");

  run_cli (&joined, "parse", "mrz", TD3_L1 "\n" TD3_L2);
  g_assert_cmpint (joined.status, ==, 0);

  /* One check digit off: read, printed, exit 1. */
  run_cli (&check, "parse", "mrz", TD3_L1, "C1234567<1VNM0512310M3301155001205012345<<36");
  g_assert_cmpint (check.status, ==, 1);
  g_assert_false (valid (&check));
  g_assert_cmpstr (member (&check, "document_number"), ==, "C1234567");
  g_assert_true (strstr (check.err, "check digit") != NULL);

  run_cli (&garbage, "parse", "mrz", "hello", "world");
  g_assert_cmpint (garbage.status, ==, 2);
  g_assert_null (garbage.json);
}

static void
test_declaration_code (void)
{
  g_auto(Run) ok = { 0, };
  g_auto(Run) typo = { 0, };
  g_auto(Run) junk = { 0, };

  run_cli (&ok, "parse", "declaration", "pd1 01 1yhvftej j");
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_cmpstr (member (&ok, "kind"), ==, "declaration-code");
  g_assert_cmpstr (member (&ok, "code"), ==, "PD1-01-1YHVFTEJ-J");
  g_assert_cmpstr (member (&ok, "office"), ==, "01");

  run_cli (&typo, "parse", "declaration", "PD1-01-1YHVFTEK-J");
  g_assert_cmpint (typo.status, ==, 1);
  g_assert_false (valid (&typo));
  g_assert_nonnull (member (&typo, "error"));

  run_cli (&junk, "parse", "declaration", "hello");
  g_assert_cmpint (junk.status, ==, 2);
}

static char *
sign (const char *key_id,
      GBytes     *secret)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Đỗ Ánh Bảo", "001190123456");
  g_autoptr(GError) error = NULL;
  char *text = pd_declaration_qr_encode (dossier, key_id, secret, 1790000000, &error);

  g_assert_no_error (error);
  return text;
}

static void
test_declaration_qr (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "keys.db", NULL);
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) demo_secret = NULL;
  g_autoptr(GBytes) demo_public = NULL;
  g_autofree char *demo_id = NULL;
  g_autofree char *office_qr = NULL;
  g_autofree char *demo_qr = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) untrusted = { 0, };
  g_auto(Run) trusted = { 0, };
  g_auto(Run) demo = { 0, };

  crypto_sign_keypair (pk, sk);
  secret = g_bytes_new (sk, sizeof sk);
  public_key = g_bytes_new (pk, sizeof pk);
  office_qr = sign ("VN-HN-2026-01", secret);

  /* Not yet trusted by this database. */
  {
    g_autoptr(PdStore) store = pd_store_open (db, PD_STORE_OPEN_CREATE, &error);

    g_assert_no_error (error);
    pd_store_close (store);
  }
  run_cli (&untrusted, "parse", "declaration", office_qr, "--db", db);
  g_assert_cmpint (untrusted.status, ==, 1);
  g_assert_cmpstr (member (&untrusted, "kind"), ==, "declaration-qr");
  g_assert_false (valid (&untrusted));
  g_assert_nonnull (member (&untrusted, "error"));

  {
    g_autoptr(PdStore) store = pd_store_open (db, PD_STORE_OPEN_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (pd_declaration_keys_trust (store, "VN-HN-2026-01", public_key, &error));
    g_assert_no_error (error);
    pd_store_close (store);
  }
  run_cli (&trusted, "parse", "declaration", office_qr, "--db", db);
  g_assert_cmpint (trusted.status, ==, 0);
  g_assert_true (valid (&trusted));
  g_assert_cmpstr (member (&trusted, "key_id"), ==, "VN-HN-2026-01");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (trusted.json), "dossier"),
                                                  "full_name"), ==, "Đỗ Ánh Bảo");

  /* In the source tree (PASSDESK_DATA_DIR), the demo key reads without any database. */
  demo_public = pd_declaration_keys_get_demo (&demo_id, &demo_secret);
  g_assert_nonnull (demo_public);
  demo_qr = sign (demo_id, demo_secret);
  run_cli (&demo, "parse", "any", demo_qr, "--db", "/nonexistent/passdesk.db");
  g_assert_cmpint (demo.status, ==, 0);
  g_assert_cmpstr (member (&demo, "key_id"), ==, PD_DECLARATION_DEMO_KEY_ID);
}

static void
test_usage (void)
{
  g_auto(Run) kind = { 0, };
  g_auto(Run) extra = { 0, };

  run_cli (&kind, "parse", "passport", "X");
  g_assert_cmpint (kind.status, ==, 2);
  g_assert_true (strstr (kind.err, "cccd, mrz, declaration or any") != NULL);

  run_cli (&extra, "parse", "cccd", CCCD, "more");
  g_assert_cmpint (extra.status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  tmpdir = pd_test_make_tmpdir ();

  g_test_add_func ("/cli-parse/cccd", test_cccd);
  g_test_add_func ("/cli-parse/mrz", test_mrz);
  g_test_add_func ("/cli-parse/declaration-code", test_declaration_code);
  g_test_add_func ("/cli-parse/declaration-qr", test_declaration_qr);
  g_test_add_func ("/cli-parse/usage", test_usage);

  return g_test_run ();
}
