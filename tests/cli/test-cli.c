/* test-cli.c: passdesk-cli run as a program, as scripts and support staff use it.
 *
 * Each case runs the installed-layout binary ($PASSDESK_CLI) on a real database in a fresh
 * directory, inside the test session's keyring, and checks exit codes, stdout and stderr.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poppler.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>

#include "pd-date.h"
#include "pd-day-count.h"
#include "pd-queue.h"
#include "pd-store-private.h"
#include "sync/pd-device.h"
#include "pd-text.h"
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

/* Runs passdesk-cli with @argv (NULL-terminated), feeding @input on stdin when not NULL;
 * @env is NULL or a NULL-terminated list of NAME, VALUE pairs to set. */
static void
run_cli_full (Run                *run,
              const char         *input,
              const char * const *env,
              const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("PASSDESK_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  for (guint i = 0; env && env[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);

      g_printerr ("$ passdesk-cli %s\n-> %d\n%s%s", command, run->status, run->out, run->err);
    }
}

#define run_cli(run, ...) \
  run_cli_full ((run), NULL, NULL, (const char * const[]) { __VA_ARGS__, NULL })

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_parser_steal_root (parser);
}

/* A successful --json command: exit 0, JSON on stdout, nothing on stderr. */
static JsonNode *
assert_json_ok (Run *run)
{
  g_assert_cmpstr (run->err, ==, "");
  g_assert_cmpint (run->status, ==, 0);
  return parse_json (run->out);
}

static char *
make_db (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_auto(Run) run = { 0 };
  char *db = g_build_filename (dir, "passdesk.db", NULL);

  run_cli (&run, "init", "--db", db);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  return db;
}

static char *
write_file (const char *name,
            const char *contents)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
dossier_json (PdDossier *dossier)
{
  g_autoptr(JsonNode) node = pd_dossier_to_json (dossier, TRUE);

  return json_to_string (node, FALSE);
}

static char *
write_dossier (const char *full_name,
               const char *id_number)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (full_name, id_number);
  g_autofree char *json = dossier_json (dossier);

  return write_file ("dossier.json", json);
}

/* Adds a valid dossier and returns its number. */
static gint64
add_dossier (const char *db,
             const char *full_name,
             const char *id_number)
{
  g_autofree char *file = write_dossier (full_name, id_number);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *added;

  run_cli (&run, "add", file, "--db", db, "--json", "--actor", "tester");
  root = assert_json_ok (&run);
  added = json_object_get_array_member (json_node_get_object (root), "added");
  g_assert_cmpuint (json_array_get_length (added), ==, 1);
  return json_object_get_int_member (json_array_get_object_element (added, 0), "id");
}

static guint
count_listed (const char *db,
              const char *option,
              const char *value)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;

  if (option != NULL)
    run_cli (&run, "list", "--db", db, "--json", "--limit", "0", option, value);
  else
    run_cli (&run, "list", "--db", db, "--json", "--limit", "0");
  root = assert_json_ok (&run);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_get_length (json_node_get_array (root));
}

static void
test_help (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  for (const char * const *name = (const char * const[]) { "init", "add", "show", "search", "list",
                                                           "set-status", "demo-data", "audit",
                                                           "purge", "stats", NULL };
       *name; name++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", *name);

      g_assert_nonnull (strstr (run.out, line));
    }
  run_clear (&run);

  run_cli (&run, "--version");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "passdesk-cli " PACKAGE_VERSION "\n");
  run_clear (&run);

  run_cli (&run, "add", "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--actor"));
  g_assert_nonnull (strstr (run.out, "--db"));
  run_clear (&run);

  run_cli (&run, "frobnicate");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "frobnicate"));
  run_clear (&run);

  run_cli (&run, "show");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "show --help"));
  run_clear (&run);

  run_cli (&run, "list", "--no-such-option");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--no-such-option"));
}

static void
test_init (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "nested", "office", "passdesk.db", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *object;

  run_cli (&run, "list", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, db));
  g_assert_nonnull (strstr (run.err, "init"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  run_clear (&run);

  run_cli (&run, "init", "--db", db);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, db));
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  run_clear (&run);

  run_cli (&run, "init", "--db", db, "--json");
  root = assert_json_ok (&run);
  object = json_node_get_object (root);
  g_assert_false (json_object_get_boolean_member (object, "created"));
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, db);
  g_assert_cmpint (json_object_get_int_member (object, "dossiers"), ==, 0);
  g_assert_nonnull (json_object_get_string_member (object, "store_id"));
}

static void
test_add_show_search_list (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *number = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *dossier;
  JsonArray *array;
  gint64 id = add_dossier (db, "Đỗ Ánh Bảo", "001090123456");

  g_assert_cmpint (id, >, 0);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* Human output names the dossier and labels the fields. */
  run_cli (&run, "show", number, "--db", db);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Đỗ Ánh Bảo"));
  g_assert_nonnull (strstr (run.out, pd_field_get_label (PD_FIELD_FULL_NAME)));
  g_assert_nonnull (strstr (run.out, pd_field_choice_label (PD_FIELD_SEX, "M")));
  run_clear (&run);

  run_cli (&run, "show", number, "--db", db, "--json");
  root = assert_json_ok (&run);
  dossier = json_object_get_object_member (json_node_get_object (root), "dossier");
  g_assert_cmpstr (json_object_get_string_member (dossier, "full_name"), ==, "Đỗ Ánh Bảo");
  g_assert_cmpstr (json_object_get_string_member (dossier, "id_number"), ==, "001090123456");
  g_assert_cmpint (json_object_get_int_member (dossier, "id"), ==, id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                           "history")), >=, 1);
  {
    /* A dossier is found by its UUID as well as by its number. */
    g_autofree char *uuid = g_strdup (json_object_get_string_member (dossier, "uuid"));
    g_auto(Run) by_uuid = { 0 };

    run_cli (&by_uuid, "show", uuid, "--db", db, "--json");
    g_clear_pointer (&root, json_node_unref);
    root = assert_json_ok (&by_uuid);
  }
  run_clear (&run);

  run_cli (&run, "show", "999999", "--db", db);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, !=, "");
  run_clear (&run);

  /* A second dossier, from standard input. */
  {
    g_autoptr(PdDossier) other = pd_test_make_dossier ("Nguyễn Văn An", "079090001234");
    g_autofree char *json = dossier_json (other);

    run_cli_full (&run, json, NULL, (const char * const[]) { "add", "-", "--db", db, NULL });
    g_assert_cmpstr (run.err, ==, "");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Added"));
    run_clear (&run);
  }

  run_cli (&run, "search", "001090123456", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "full_name"),
                   ==, "Đỗ Ánh Bảo");
  run_clear (&run);

  /* Without accents or capitals, in any order of words the store accepts. */
  run_cli (&run, "search", "do anh bao", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), ==, id);
  run_clear (&run);

  run_cli (&run, "search", "nguyen", "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Nguyễn Văn An"));
  g_assert_null (strstr (run.out, "Đỗ Ánh Bảo"));
  run_clear (&run);

  run_cli (&run, "search", "12345", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "12"));
  run_clear (&run);

  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 2);
  g_assert_cmpuint (count_listed (db, "--status", "refused"), ==, 0);

  run_cli (&run, "set-status", number, "refused", "--reason", "Ảnh không đạt chuẩn", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "status"), ==, "refused");
  run_clear (&run);

  g_assert_cmpuint (count_listed (db, "--status", "refused"), ==, 1);
  g_assert_cmpuint (count_listed (db, "--today", NULL), ==, 2);

  run_cli (&run, "show", number, "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Ảnh không đạt chuẩn"));
  g_assert_nonnull (strstr (run.out, pd_status_get_label (PD_STATUS_REFUSED)));
  run_clear (&run);

  run_cli (&run, "set-status", number, "lost-in-the-mail", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "on_hold"));
  run_clear (&run);

  run_cli (&run, "list", "--status", "nonsense", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  run_cli (&run, "stats", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "total"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (root), "by_status"),
                                               "refused"), ==, 1);
}

static void
assert_invalid_field (const char *db,
                      PdDossier  *dossier,
                      const char *field)
{
  g_autofree char *json = dossier_json (dossier);
  g_autofree char *file = write_file ("invalid.json", json);
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  JsonArray *errors;
  gboolean named = FALSE;

  run_cli (&run, "add", file, "--db", db, "--json");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, !=, "");
  root = parse_json (run.out);
  errors = json_object_get_array_member (json_node_get_object (root), "errors");
  g_assert_cmpuint (json_array_get_length (errors), >=, 1);
  for (guint i = 0; i < json_array_get_length (errors); i++)
    {
      JsonObject *error = json_array_get_object_element (errors, i);

      g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
      named |= g_str_equal (json_object_get_string_member (error, "field"), field);
    }
  g_assert_true (named);
  run_clear (&run);

  /* The human form names the field by its label, on stderr. */
  run_cli (&run, "add", file, "--db", db);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, pd_field_get_label (pd_field_from_key (field))));
}

static void
test_add_invalid (void)
{
  g_autofree char *db = make_db ();
  g_autoptr(PdDossier) no_name = pd_test_make_dossier ("Trần Thị Bích", "001090000001");
  g_autoptr(PdDossier) bad_id = pd_test_make_dossier ("Trần Thị Bích", "12345");

  pd_dossier_set_field (no_name, PD_FIELD_FULL_NAME, NULL);
  assert_invalid_field (db, no_name, "full_name");
  assert_invalid_field (db, bad_id, "id_number");

  /* One bad dossier in an array keeps the good ones out too. */
  {
    g_autoptr(PdDossier) good = pd_test_make_dossier ("Lê Văn Cường", "001090654321");
    g_autoptr(JsonArray) array = json_array_new ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *json = NULL;
    g_autofree char *file = NULL;
    g_auto(Run) run = { 0 };
    JsonObject *error;

    json_array_add_element (array, pd_dossier_to_json (good, TRUE));
    json_array_add_element (array, pd_dossier_to_json (bad_id, TRUE));
    json_node_set_array (node, array);
    json = json_to_string (node, FALSE);
    file = write_file ("batch.json", json);
    run_cli (&run, "add", file, "--db", db, "--json");
    g_assert_cmpint (run.status, ==, 1);
    root = parse_json (run.out);
    error = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "errors"), 0);
    g_assert_cmpint (json_object_get_int_member (error, "index"), ==, 1);
  }

  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 0);
}

static void
test_add_unusable (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *garbage = write_file ("garbage.json", "{\"full_name\": \"Unfinished");
  g_autofree char *wrong_shape = write_file ("numbers.json", "[1, 2, 3]");
  g_autofree char *unknown_key = write_file ("unknown.json", "{\"full_name\": \"Lê Văn Cường\", \"shoe_size\": \"42\"}");
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "passdesk-no-such-file.json", NULL);
  const char *files[] = { garbage, wrong_shape, unknown_key, missing };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_auto(Run) run = { 0 };

      run_cli (&run, "add", files[i], "--db", db, "--json");
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_nonnull (strstr (run.err, files[i]));
    }

  {
    g_auto(Run) run = { 0 };

    run_cli_full (&run, "", NULL, (const char * const[]) { "add", "-", "--db", db, NULL });
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "empty"));
  }
  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 0);
}

static void
test_demo_data_search (void)
{
  g_autofree char *db = make_db ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *query = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *first;
  JsonArray *found;
  gboolean seen = FALSE;

  run_cli (&run, "demo-data", "--count", "500", "--seed", "7", "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "500"));
  g_assert_nonnull (strstr (run.err, "Nobody is signed in"));
  run_clear (&run);

  run_cli (&run, "stats", "--db", db, "--json");
  root = assert_json_ok (&run);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "total"), ==, 500);
  /* Issue 18: demo data writes no status a counter could not: with nobody signed in to take
   * them in, every one is a draft (accepted only through the intake, the central system's
   * statuses only from a sync). */
  {
    JsonObject *by_status = json_object_get_object_member (json_node_get_object (root), "by_status");

    g_assert_cmpint (json_object_get_int_member (by_status, "draft"), ==, 500);
  }
  run_clear (&run);

  run_cli (&run, "list", "--limit", "1", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  first = json_array_get_object_element (json_node_get_array (root), 0);
  uuid = g_strdup (json_object_get_string_member (first, "uuid"));
  folded = pd_text_fold (json_object_get_string_member (first, "full_name"));
  query = g_ascii_strup (folded, -1);
  run_clear (&run);

  run_cli (&run, "search", query, "--limit", "0", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  found = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (found); i++)
    seen |= g_str_equal (json_object_get_string_member (json_array_get_object_element (found, i), "uuid"), uuid);
  g_assert_true (seen);
  run_clear (&run);

  run_cli (&run, "demo-data", "--count", "-5", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--count"));
}

static void
test_audit (void)
{
  g_autofree char *db = make_db ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  g_autofree char *tamper = NULL;
  g_autofree char *seq_text = NULL;
  gint64 n_entries;
  gint64 created_seq = 0;
  guint n_created = 0;
  JsonArray *entries;
  sqlite3 *sqlite;

  add_dossier (db, "Phạm Thị Dung", "001090000002");
  add_dossier (db, "Hoàng Văn Em", "001090000003");

  run_cli (&run, "audit", "verify", "--db", db, "--json");
  root = assert_json_ok (&run);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "intact"));
  n_entries = json_object_get_int_member (json_node_get_object (root), "entries");
  g_assert_cmpint (n_entries, >=, 2);
  run_clear (&run);

  run_cli (&run, "audit", "verify", "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "intact"));
  run_clear (&run);

  run_cli (&run, "audit", "list", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  entries = json_node_get_array (root);
  g_assert_cmpint (json_array_get_length (entries), ==, n_entries);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_str_equal (json_object_get_string_member (entry, "action"), "create"))
        {
          g_assert_cmpstr (json_object_get_string_member (entry, "actor"), ==, "tester");
          n_created++;
          created_seq = json_object_get_int_member (entry, "seq");
        }
    }
  g_assert_cmpuint (n_created, ==, 2);
  run_clear (&run);

  /* Someone edits the log behind Passdesk's back. */
  tamper = g_strdup_printf ("DROP TRIGGER audit_no_update;"
                            "UPDATE audit SET actor = 'mallory' WHERE seq = %" G_GINT64_FORMAT ";",
                            created_seq);
  g_assert_cmpint (sqlite3_open (db, &sqlite), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sqlite, tamper, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (sqlite), ==, 1);
  sqlite3_close (sqlite);

  run_cli (&run, "audit", "verify", "--db", db, "--json");
  g_assert_cmpint (run.status, ==, 1);
  g_clear_pointer (&root, json_node_unref);
  root = parse_json (run.out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "intact"));
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, created_seq);
  g_assert_nonnull (strstr (run.err, seq_text));
  run_clear (&run);

  run_cli (&run, "audit", "rewrite", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
}

static void
test_purge (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *number = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  gint64 id = add_dossier (db, "Vũ Thị Giang", "001090000004");

  add_dossier (db, "Đặng Văn Hải", "001090000005");
  number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  /* Confirmed by the central system: the test stands in for the sync engine, as no command
   * may set that status. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PdStore) store = pd_store_open (db, PD_STORE_OPEN_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (pd_store_accept (store, id, "officer1", &error));
    g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_SENT, "sync", NULL, &error));
    g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_RECEIVED, "sync", NULL, &error));
    g_assert_no_error (error);
  }

  /* Confirmed just now: a 30-day rule keeps it, a 0-day rule would purge it. */
  run_cli (&run, "purge", "--days", "30", "--dry-run", "--db", db, "--json");
  root = assert_json_ok (&run);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "purged"), ==, 0);
  run_clear (&run);

  run_cli (&run, "purge", "--days", "0", "--dry-run", "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "dry_run"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "purged"), ==, 1);
  run_clear (&run);

  run_cli (&run, "show", number, "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (root), "dossier"),
                                                  "full_name"), ==, "Vũ Thị Giang");
  run_clear (&run);

  run_cli (&run, "purge", "--days", "0", "--db", db);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "1"));
  run_clear (&run);

  run_cli (&run, "show", number, "--db", db, "--json");
  g_clear_pointer (&root, json_node_unref);
  root = assert_json_ok (&run);
  g_assert_false (json_object_has_member (json_object_get_object_member (json_node_get_object (root), "dossier"),
                                          "full_name"));
  run_clear (&run);

  run_cli (&run, "purge", "--days", "ten", "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--days"));
}

/* Issue 18, 3: statuses owned by the central system, and acceptance, cannot be typed in. */
static void
test_status_paths (void)
{
  g_autofree char *db = make_db ();
  gint64 id = add_dossier (db, "Phan Văn Khải", "001090000011");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_auto(Run) run = { 0 };

  for (const char * const *status = (const char * const[]) { "accepted", "sent", "received", "ready", NULL };
       *status; status++)
    {
      g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Lý Thị Mai", "001090000012");
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;
      g_autofree char *file = NULL;
      g_auto(Run) step = { 0 };

      pd_dossier_set_status (dossier, pd_status_from_string (*status));
      node = pd_dossier_to_json (dossier, TRUE);
      json = json_to_string (node, FALSE);
      file = write_file ("forged.json", json);
      run_cli (&step, "add", file, "--db", db);
      g_assert_cmpint (step.status, !=, 0);
      g_assert_nonnull (strstr (step.err, *status));
      run_clear (&step);

      run_cli (&step, "set-status", number, *status, "--db", db);
      g_assert_cmpint (step.status, !=, 0);
      g_assert_cmpstr (step.out, ==, "");
    }

  /* Nobody signed in: the computer's account does not accept. */
  run_cli (&run, "accept", number, "--db", db, "--actor", "desk-pc");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "sign"));
  run_clear (&run);

  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 1);
  g_assert_cmpuint (count_listed (db, "--status", "draft"), ==, 1);
  /* The counter's own statuses still work. */
  run_cli (&run, "set-status", number, "on_hold", "--db", db);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
}

/* Issue 18, 5: what could never be delivered is refused at the door, not set aside later. */
static void
test_add_undeliverable (void)
{
  g_autofree char *db = make_db ();
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Nguyễn Văn An", "001090000031");
  g_autoptr(JsonNode) node = pd_dossier_to_json (dossier, TRUE);
  g_autofree char *json = NULL;
  g_autofree char *file = NULL;
  g_autofree char *with_nul = NULL;
  g_autofree char *nul_file = NULL;
  g_auto(Run) run = { 0 };

  json_object_set_string_member (json_node_get_object (node), "uuid", "not-a-uuid");
  json = json_to_string (node, FALSE);
  file = write_file ("bad-uuid.json", json);
  run_cli (&run, "add", file, "--db", db);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "not-a-uuid"));
  g_assert_nonnull (strstr (run.err, "uuid"));
  run_clear (&run);

  json_object_remove_member (json_node_get_object (node), "uuid");
  g_clear_pointer (&json, g_free);
  json = json_to_string (node, FALSE);
  {
    g_autoptr(GString) text = g_string_new (json);

    g_string_replace (text, "Nguyễn Văn An", "Nguyễn\\u0000Văn An", 1);
    with_nul = g_string_free (g_steal_pointer (&text), FALSE);
  }
  g_assert_nonnull (strstr (with_nul, "\\u0000"));
  nul_file = write_file ("nul.json", with_nul);
  run_cli (&run, "add", nul_file, "--db", db);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "NUL"));
  run_clear (&run);

  /* Half of a surrogate pair would decode into bytes that are not text. */
  {
    g_autoptr(GString) text = g_string_new (json);
    g_autofree char *surrogate_file = NULL;

    g_string_replace (text, "\"full_name\"", "\"full_\\ud800name\"", 1);
    surrogate_file = write_file ("surrogate.json", text->str);
    run_cli (&run, "add", surrogate_file, "--db", db);
    g_assert_cmpint (run.status, !=, 0);
    g_assert_true (g_utf8_validate (run.err, -1, NULL));
    g_assert_nonnull (strstr (run.err, "\\u"));
    run_clear (&run);
  }

  /* The same dossier, clean, goes in. */
  {
    g_autofree char *ok_file = write_file ("ok.json", json);

    run_cli (&run, "add", ok_file, "--db", db, "--json");
    g_assert_cmpint (run.status, ==, 0);
  }
  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 1);
}

/* Issue 18, 10 (station half): a file of 200,000 empty objects gets a short report, soon,
 * without the gigabytes. */
static void
test_add_huge_report (void)
{
  g_autofree char *db = make_db ();
  g_autoptr(GString) text = g_string_new ("[");
  g_autofree char *file = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(Run) run = { 0 };
  struct rusage usage;
  gint64 start;

  for (guint i = 0; i < 200000; i++)
    g_string_append (text, i ? ",{}" : "{}");
  g_string_append (text, "]");
  file = write_file ("empty-objects.json", text->str);

  start = g_get_monotonic_time ();
  run_cli (&run, "add", file, "--db", db, "--json");
  g_assert_cmpint (run.status, ==, 1);
  root = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "errors")),
                    <=, 100);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "errors_truncated"));
  g_assert_cmpuint (strlen (run.err), <, 1000);
  run_clear (&run);

  run_cli (&run, "add", file, "--db", db);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpuint (strlen (run.err), <, 100 * 1024);
  g_test_message ("two adds of 200,000 empty objects: %.1f s",
                  (g_get_monotonic_time () - start) / 1e6);
  /* The largest child so far: every other command here is small. It took 2.7 GB before the
   * report was capped, under 200 MB since; AddressSanitizer's shadow memory and quarantine
   * more than double a process's size. */
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  g_test_message ("largest passdesk-cli: %ld KiB", usage.ru_maxrss);
#if defined(__SANITIZE_ADDRESS__)
  g_assert_cmpint (usage.ru_maxrss, <, 1000 * 1024);
#else
  g_assert_cmpint (usage.ru_maxrss, <, 400 * 1024);
#endif
  g_assert_cmpuint (count_listed (db, NULL, NULL), ==, 0);
}

/* Issue 18, 4 and 9 through the CLI: a session written into the file by hand signs nobody
 * in and audit verify names it; the set-aside list has its command. */
static void
test_forged_session (void)
{
  g_autofree char *db = make_db ();
  gint64 id = add_dossier (db, "Mai Văn Giả", "001090000071");
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_auto(Run) run = { 0 };
  sqlite3 *sqlite = NULL;

  g_assert_cmpint (sqlite3_open (db, &sqlite), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sqlite,
                                 "INSERT INTO meta (key, value) VALUES ('setting.sync.session',"
                                 " '{\"username\":\"boss\",\"role\":\"supervisor\",\"expires_at\":0,\"offline\":true}');"
                                 "INSERT INTO meta (key, value) VALUES ('signed-setting.sync.session',"
                                 " '0000000000000000000000000000000000000000000000000000000000000000:"
                                 "{\"username\":\"boss\",\"role\":\"supervisor\",\"expires_at\":0,\"offline\":true}');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (sqlite);

  run_cli (&run, "accept", number, "--db", db);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "sign"));
  run_clear (&run);
  g_assert_cmpuint (count_listed (db, "--status", "draft"), ==, 1);

  run_cli (&run, "audit", "verify", "--db", db);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "sync.session"));
  run_clear (&run);

  run_cli (&run, "outbox", "list", "--db", db, "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (g_strstrip (run.out), ==, "[]");
  run_clear (&run);
  run_cli (&run, "outbox", "discard", "0d7f0b0e-3a56-4a3e-9a2b-1b2c3d4e5f60", "--db", db);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "outbox list"));
}

static void
test_corrupt_database (void)
{
  g_autoptr(GString) junk = g_string_new (NULL);
  g_autofree char *db = NULL;
  g_auto(Run) run = { 0 };

  for (guint i = 0; i < 1000; i++)
    g_string_append (junk, "This is a letter, not a database. ");
  db = write_file ("letter.db", junk->str);

  run_cli (&run, "list", "--db", db, "--json");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, db));
  g_assert_nonnull (strstr (run.err, "--db"));
}

static void
test_keyring_unavailable (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "passdesk.db", NULL);
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-bus-here", dir);
  g_auto(Run) run = { 0 };

  run_cli_full (&run, NULL, (const char * const[]) { "DBUS_SESSION_BUS_ADDRESS", bus, NULL },
                (const char * const[]) { "init", "--db", db, NULL });
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "keyring"));
  /* Nothing half-made that a later init would take for a ready database. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

static void
test_vietnamese (void)
{
  const char * const env[] = { "LANGUAGE", "vi", "LANG", "vi_VN.UTF-8", NULL };
  g_autofree char *db = make_db ();
  g_autoptr(PdDossier) bad_id = pd_test_make_dossier ("Trần Thị Bích", "12345");
  g_autofree char *json = dossier_json (bad_id);
  g_autofree char *file = write_file ("invalid.json", json);
  g_auto(Run) run = { 0 };

  run_cli_full (&run, NULL, env, (const char * const[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "demo-data"));
  run_clear (&run);

  run_cli_full (&run, NULL, env, (const char * const[]) { "add", file, "--db", db, NULL });
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_utf8_validate (run.err, -1, NULL));
  g_assert_cmpuint (strlen (run.err), >, 20);
  run_clear (&run);

  run_cli_full (&run, NULL, env, (const char * const[]) { "audit", "verify", "--db", db, NULL });
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, !=, "");
}

/* Accepted through the intake, as at the counter. */
static void
accept_in_store (PdStore    *store,
                 const char *full_name,
                 const char *id_number)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (full_name, id_number);
  g_autoptr(PdDossier) accepted = NULL;

  pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, "HN01");
  accepted = pd_test_accept (store, dossier, "Trần Quốc Việt");
}

static char *
pdf_text (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  /* poppler-glib 22 declares no autoptr cleanups. */
  g_autoptr(GObject) document = G_OBJECT (poppler_document_new_from_file (uri, NULL, &error));
  g_autoptr(GObject) page = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (POPPLER_DOCUMENT (document)), ==, 1);
  page = G_OBJECT (poppler_document_get_page (POPPLER_DOCUMENT (document), 0));
  return poppler_page_get_text (POPPLER_PAGE (page));
}

/* The count after @label on the paper, whose lines may break inside the label. */
static char *
row_value (const char *text,
           const char *label)
{
  g_auto(GStrv) words = g_strsplit (label, " ", -1);
  g_autofree char *joined = g_strjoinv ("\\s+", words);
  g_autofree char *pattern = g_strconcat ("^", joined, "\\s*(\\d+)$", NULL);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, text, 0, &match))
    g_error ("no “%s” on the paper:\n%s", label, text);
  return g_match_info_fetch (match, 1);
}

/* @text with its line breaks as spaces: long names wrap on the paper. */
static char *
one_line (const char *text)
{
  return g_strdelimit (g_strdup (text), "\n", ' ');
}

/* Issue 14: the day report without the app, with the day's counts the app prints. */
static void
test_print_day_report (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "day-report.pdf", NULL);
  g_autofree char *yesterday_pdf = g_build_filename (dir, "yesterday.pdf", NULL);
  g_autofree char *text = NULL, *station = NULL, *yesterday_iso = NULL, *tomorrow_iso = NULL;
  g_autofree char *held = NULL, *refused = NULL, *flat = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  const char *labels[] = { "Applications taken", "Waiting to be sent", "Sent to the central system",
                           "Rejected by the central system", "Refused at the station", "On hold" };
  const char *today_counts[] = { "2", "2", "0", "0", "1", "1" };
  char date[16];
  GDate day;

  {
    g_autoptr(PdStore) store = pd_store_open (db, PD_STORE_OPEN_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (pd_store_set_setting (store, PD_DEVICE_SETTING_OFFICE_NAME,
                                         "Phòng Quản lý xuất nhập cảnh Công an Thành phố Hà Nội", &error));
    g_assert_true (pd_store_set_setting (store, PD_DEVICE_SETTING_OFFICE_CODE, "HN01", &error));
    g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_STATION, "B", &error));
    accept_in_store (store, "Nguyễn Thị Ánh Tuyết", "001190123460");
    accept_in_store (store, "Lê Văn Hùng", "001090123461");
  }
  held = g_strdup_printf ("%" G_GINT64_FORMAT, add_dossier (db, "Phan Văn Khải", "001090000011"));
  refused = g_strdup_printf ("%" G_GINT64_FORMAT, add_dossier (db, "Lý Thị Mai", "001190000012"));
  run_cli (&run, "set-status", held, "on_hold", "--reason", "Thiếu ảnh", "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_cli (&run, "set-status", refused, "refused", "--reason", "Không đủ điều kiện", "--db", db);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_cli (&run, "print", "day-report", "--db", db, "--counter", "3", "--output", pdf);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (g_strchomp (run.out), ==, pdf);
  run_clear (&run);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *value = row_value (text, labels[i]);

      g_assert_cmpstr (value, ==, today_counts[i]);
    }
  pd_date_set_today (&day);
  g_date_strftime (date, sizeof date, "%d/%m/%Y", &day);
  flat = one_line (text);
  g_assert_nonnull (strstr (flat, date));
  g_assert_nonnull (strstr (flat, "Phòng Quản lý xuất nhập cảnh Công an Thành phố Hà Nội"));
  /* Named as the app names the station: office code, counter and computer. */
  station = pd_day_report_station_name ("HN01", 3, g_get_host_name ());
  g_assert_nonnull (strstr (flat, station));
  g_clear_pointer (&text, g_free);

  /* Nothing happened the day before. */
  g_date_subtract_days (&day, 1);
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &day);
  yesterday_iso = g_strdup (date);
  run_cli (&run, "print", "day-report", "--db", db, "--date", yesterday_iso, "--output", yesterday_pdf);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  text = pdf_text (yesterday_pdf);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *value = row_value (text, labels[i]);

      g_assert_cmpstr (value, ==, "0");
    }

  /* A day to come has no report, and no file is written. */
  g_date_add_days (&day, 2);
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &day);
  tomorrow_iso = g_strdup (date);
  g_assert_cmpint (g_unlink (yesterday_pdf), ==, 0);
  run_cli (&run, "print", "day-report", "--db", db, "--date", tomorrow_iso, "--output", yesterday_pdf);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "not come yet"));
  g_assert_false (g_file_test (yesterday_pdf, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/init", test_init);
  g_test_add_func ("/cli/add-show-search-list", test_add_show_search_list);
  g_test_add_func ("/cli/add-invalid", test_add_invalid);
  g_test_add_func ("/cli/add-unusable", test_add_unusable);
  g_test_add_func ("/cli/demo-data-search", test_demo_data_search);
  g_test_add_func ("/cli/audit", test_audit);
  g_test_add_func ("/cli/purge", test_purge);
  g_test_add_func ("/cli/status-paths", test_status_paths);
  g_test_add_func ("/cli/add-undeliverable", test_add_undeliverable);
  g_test_add_func ("/cli/add-huge-report", test_add_huge_report);
  g_test_add_func ("/cli/forged-session", test_forged_session);
  g_test_add_func ("/cli/corrupt-database", test_corrupt_database);
  g_test_add_func ("/cli/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/cli/vietnamese", test_vietnamese);
  g_test_add_func ("/cli/print-day-report", test_print_day_report);

  return g_test_run ();
}
