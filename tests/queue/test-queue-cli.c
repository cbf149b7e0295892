/* test-queue-cli.c: "passdesk-cli queue" ($PASSDESK_CLI) on a real database. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "pd-queue.h"
#include "pd-test-support.h"

static char *db_arg;

/* Runs passdesk-cli with @first and the rest (NULL-terminated); returns the exit status and
 * stdout in @out. */
static int
cli (char       **out,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PASSDESK_CLI"));
  g_ptr_array_add (argv, (gpointer) first);
  g_ptr_array_add (argv, db_arg);
  va_start (args, first);
  for (const char *arg = va_arg (args, const char *); arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_queue_cli (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(JsonObject) called = NULL;
  JsonArray *tickets;

  /* No letter yet: unusable setup (2). */
  g_assert_cmpint (cli (&out, "queue", "issue", "P", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "station", "a1", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "station", "K", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "station", NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "K");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "issue", "P", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "KP-001"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "issue", "I", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "KI-001"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "issue", "Z", NULL), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "--json", "call", "Quầy 5", NULL), ==, 0);
  called = parse (out);
  g_assert_cmpstr (json_object_get_string_member (called, "label"), ==, "KP-001");
  g_assert_cmpstr (json_object_get_string_member (called, "state"), ==, "called");
  g_assert_cmpstr (json_object_get_string_member (called, "counter"), ==, "Quầy 5");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "--json", "list", "--waiting", NULL), ==, 0);
  list = parse (out);
  tickets = json_object_get_array_member (list, "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tickets, 0), "label"), ==, "KI-001");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "serve", "KP-001", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "serve", "KP-077", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "no-show", "KI-001", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "call", "Quầy 5", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Nobody"));
  g_clear_pointer (&out, g_free);

  /* Not enrolled: sharing is refused with the way out; the rest worked alone. */
  g_assert_cmpint (cli (&out, "queue", "sync", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "dance", NULL), ==, 2);
}

static void
test_appointments_cli (void)
{
  g_autofree char *path = g_strconcat (db_arg + strlen ("--db="), ".appointments", NULL);
  g_autofree char *saved = g_steal_pointer (&db_arg);
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *appointments;
  JsonObject *first;
  char *date;

  /* A station on its own whose day of P is full from the start. */
  {
    g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
    g_autoptr(PdQueue) queue = NULL;

    g_assert_no_error (error);
    queue = pd_queue_new (store, NULL);
    pd_queue_set_station (queue, "K", &error);
    g_assert_no_error (error);
    pd_queue_set_capacity (queue, "P", 0, &error);
    g_assert_no_error (error);
  }
  db_arg = g_strconcat ("--db=", path, NULL);

  g_assert_cmpint (cli (&out, "queue", "--json", "issue", "P", NULL), ==, 0);
  {
    g_autoptr(JsonObject) issued = parse (out);

    first = json_object_get_object_member (issued, "appointment");
    date = g_strdup (json_object_get_string_member (first, "date"));
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "issue", "P", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "KP-H"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "--json", "appointments", date, NULL), ==, 0);
  listed = parse (out);
  g_assert_cmpint (json_object_get_int_member (listed, "capacity"), ==, PD_QUEUE_SLOT_SIZE);
  appointments = json_object_get_array_member (listed, "appointments");
  g_assert_cmpuint (json_array_get_length (appointments), ==, 2);
  first = json_array_get_object_element (appointments, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "from"), ==, "07:30");
  g_assert_cmpstr (json_object_get_string_member (first, "station"), ==, "K");
  /* Never sent to a server: the listing says so. */
  g_assert_true (json_object_get_boolean_member (first, "offline"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (&out, "queue", "appointments", date, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "07:30–08:00"));
  g_assert_nonnull (strstr (out, "(2/8)"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (&out, "queue", "appointments", "2026-02-30", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  g_free (date);
  g_free (db_arg);
  db_arg = g_steal_pointer (&saved);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;

  pd_test_init (&argc, &argv);
  dir = pd_test_make_tmpdir ();
  db_arg = g_strconcat ("--db=", dir, "/cli.db", NULL);
  g_test_add_func ("/queue/cli", test_queue_cli);
  g_test_add_func ("/queue/cli/appointments", test_appointments_cli);
  return g_test_run ();
}
