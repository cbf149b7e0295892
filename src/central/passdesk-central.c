/* passdesk-central.c: the reference central system of the sync protocol, for demos and tests. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "pd-central-applications.h"
#include "pd-central-identity.h"
#include "pd-central-reference.h"
#include "pd-central-seed.h"
#include "pd-central-server.h"
#include "pd-central-stats.h"
#include "pd-core.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

#define DEFAULT_OFFICE       "HN01"
#define DEFAULT_DECLARATIONS 20

typedef struct {
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} Command;

static int
fail (int         code,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("passdesk-central: %s\n", message);
  return code;
}

/* Parses the options of @command, and its one argument @parameter (such as "ID") when
 * @argument is not NULL; FALSE (after printing why) when they are not usable. */
static gboolean
parse_arguments (const char          *command,
                 const char          *summary,
                 const char          *description,
                 const GOptionEntry  *entries,
                 int                 *argc,
                 char              ***argv,
                 char               **db_path,
                 const char          *parameter,
                 char               **argument)
{
  g_autofree char *program = g_strconcat ("passdesk-central ", command, NULL);
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;
  const GOptionEntry db_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, db_path,
      N_("The central database file (created if missing)"), N_("FILE") },
    { NULL }
  };

  /* The usage line then reads "passdesk-central COMMAND [OPTION…]". */
  g_set_prgname (program);
  g_option_context_set_summary (context, summary);
  if (description)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, db_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fail (EXIT_USAGE, _("%s. Run “passdesk-central %s --help” for the usage."), error->message, command);
      return FALSE;
    }
  if (argument != NULL)
    {
      if (*argc < 2)
        {
          fail (EXIT_USAGE, _("Give the %s. Run “passdesk-central %s --help” for the usage."), parameter, command);
          return FALSE;
        }
      *argument = g_strdup ((*argv)[1]);
      (*argc)--;
      (*argv)++;
    }
  if (*argc > 1)
    {
      fail (EXIT_USAGE, _("Unexpected argument “%s”. Run “passdesk-central %s --help” for the usage."),
            (*argv)[1], command);
      return FALSE;
    }
  if (*db_path == NULL)
    {
      fail (EXIT_USAGE, _("Give the database with --db FILE."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_options (const char          *command,
               const char          *summary,
               const char          *description,
               const GOptionEntry  *entries,
               int                 *argc,
               char              ***argv,
               char               **db_path)
{
  return parse_arguments (command, summary, description, entries, argc, argv, db_path, NULL, NULL);
}

static PdCentralDb *
open_db (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdCentralDb *db = pd_central_db_open (path, &error);

  if (db == NULL)
    fail (EXIT_FAILED, "%s", error->message);
  return db;
}

/* Prints @node, or fails with @error when it is NULL. */
static int
print_json (JsonNode     *node,
            const GError *error)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    return fail (EXIT_FAILED, "%s", error->message);
  text = json_to_string (node, TRUE);
  g_print ("%s\n", text);
  return EXIT_OK;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run_serve (int    argc,
           char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *address = g_strdup ("127.0.0.1");
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *inject = NULL;
  g_autofree char *uri = NULL;
  gboolean seed = FALSE;
  int port = 0;
  int inject_seed = 1;
  int acceptance_days = PD_CENTRAL_DEFAULT_ACCEPTANCE_WINDOW / (24 * 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(PdCentralFaults) faults = NULL;
  g_autoptr(PdCentralServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      N_("The IP address to listen on (default 127.0.0.1; plain HTTP only on loopback)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("The port (default 0: pick a free one)"), N_("N") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("Serve HTTPS with this PEM certificate"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("The PEM private key of the certificate"), N_("FILE") },
    { "seed-demo", 0, 0, G_OPTION_ARG_NONE, &seed, N_("Add the demo content first if the database has none"), NULL },
    { "inject", 0, 0, G_OPTION_ARG_STRING, &inject,
      N_("Inject faults into pushes and pulls, e.g. 503:0.2,500:0.05,garbage:0.05,truncate:0.05,slow:0.02,commit-then-503:0.1,retry-after:2"),
      N_("SPEC") },
    { "inject-seed", 0, 0, G_OPTION_ARG_INT, &inject_seed, N_("The seed of the injected faults (default 1)"), N_("N") },
    { "acceptance-window-days", 0, 0, G_OPTION_ARG_INT, &acceptance_days,
      N_("How many days after an officer’s online sign-in at a station the applications they accept there are "
         "believed (default 30: a mobile team’s trip offline)"), N_("N") },
    { NULL }
  };

  if (!parse_options ("serve", _("Serve the sync protocol until SIGTERM or SIGINT."),
                      _("Prints “listening on URL” on standard output once it accepts connections."),
                      entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if (port < 0 || port > 65535)
    return fail (EXIT_USAGE, _("The port must be from 0 to 65535."));
  if ((tls_cert == NULL) != (tls_key == NULL))
    return fail (EXIT_USAGE, _("Give both --tls-cert and --tls-key, or neither."));
  if (acceptance_days < 1 || acceptance_days > 366)
    return fail (EXIT_USAGE, _("The acceptance window must be from 1 to 366 days."));

  if (inject != NULL)
    {
      faults = pd_central_faults_new (inject, (guint32) inject_seed, &error);
      if (faults == NULL)
        return fail (EXIT_USAGE, "%s", error->message);
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        return fail (EXIT_FAILED, _("Could not load the TLS certificate: %s. Give PEM files."), error->message);
    }

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  pd_central_db_set_acceptance_window (db, (gint64) acceptance_days * 24 * 3600);
  if (seed && pd_central_db_count_offices (db) == 0)
    {
      g_autoptr(GString) report = g_string_new (NULL);

      if (!pd_central_seed_demo (db, DEFAULT_OFFICE, DEFAULT_DECLARATIONS, report, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      /* Standard output carries only the "listening" line, for scripts. */
      g_printerr ("%s", report->str);
    }

  server = pd_central_server_new (db, certificate, g_steal_pointer (&faults));
  if (!pd_central_server_listen (server, address, (guint) port, &error))
    return fail (EXIT_FAILED, _("Could not listen: %s"), error->message);

  uri = pd_central_server_get_uri (server);
  g_print ("listening on %s\n", uri);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
  g_unix_signal_add (SIGINT, quit_loop, loop);
  g_main_loop_run (loop);

  pd_central_server_shutdown (server);
  return EXIT_OK;
}

static int
run_seed_demo (int    argc,
               char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *office = g_strdup (DEFAULT_OFFICE);
  g_autofree char *description = NULL;
  int n = DEFAULT_DECLARATIONS;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "declarations", 0, 0, G_OPTION_ARG_INT, &n, N_("How many online declarations to file (default 20)"), N_("N") },
    { "office", 0, 0, G_OPTION_ARG_STRING, &office,
      N_("The office that gets the officers and declarations: HN01 (default), HCM01 or DN01"), N_("CODE") },
    { NULL }
  };

  description = g_strdup_printf (_("Demo officers and passwords: %s."), PD_CENTRAL_DEMO_PASSWORDS);
  if (!parse_options ("seed-demo", _("Add demo offices, officers, enrollment codes and online declarations."),
                      description, entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if (n < 0 || n > 100000)
    return fail (EXIT_USAGE, _("Give from 0 to 100000 declarations."));

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  if (!pd_central_seed_demo (db, office, (guint) n, report, &error))
    return fail (EXIT_FAILED, "%s", error->message);
  g_print ("%s", report->str);
  return EXIT_OK;
}

static int
run_enroll_code (int    argc,
                 char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *office = NULL;
  g_autofree char *role = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  const GOptionEntry entries[] = {
    { "office", 0, 0, G_OPTION_ARG_STRING, &office, N_("The office the station will belong to"), N_("CODE") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("What the station is: counter (the default), volunteer (assisted entry) or entrance"), N_("ROLE") },
    { NULL }
  };

  if (!parse_options ("enroll-code", _("Print a new one-time enrollment code for a station."), NULL,
                      entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if (office == NULL)
    return fail (EXIT_USAGE, _("Give the office with --office CODE."));
  if (role != NULL && !pd_central_device_role_is_valid (role))
    return fail (EXIT_USAGE, _("“%s” is not a station role: use counter, volunteer or entrance."), role);

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  code = pd_central_db_new_enrollment_code (db, office, role ? role : "counter", &error);
  if (code == NULL)
    return fail (EXIT_FAILED, "%s", error->message);
  g_print ("%s\n", code);
  return EXIT_OK;
}

static gboolean
is_status_word (const char *status)
{
  gsize length = strlen (status);

  if (length == 0 || length > 32)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_islower (status[i]) && status[i] != '_')
      return FALSE;
  return TRUE;
}

static int
run_set_status (int    argc,
                char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *packet_id = NULL;
  g_autofree char *status = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  const GOptionEntry entries[] = {
    { "packet", 0, 0, G_OPTION_ARG_STRING, &packet_id, N_("The packet id of the application"), N_("ID") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      N_("received, processing, ready, rejected, or another lower-case word"), N_("STATUS") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (required for rejected)"), N_("TEXT") },
    { NULL }
  };

  if (!parse_options ("set-status", _("Record a status change that the station will pull."), NULL,
                      entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if (packet_id == NULL || status == NULL)
    return fail (EXIT_USAGE, _("Give --packet ID and --status STATUS."));
  if (!is_status_word (status))
    return fail (EXIT_USAGE, _("A status is one lower-case word, such as processing."));
  if (g_str_equal (status, "rejected") && (reason == NULL || *reason == '\0'))
    return fail (EXIT_USAGE, _("Give the reason of a rejection with --reason TEXT."));

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  if (!pd_central_db_set_status (db, packet_id, status, reason, g_get_real_time () / G_USEC_PER_SEC, &error))
    return fail (EXIT_FAILED, "%s", error->message);
  return EXIT_OK;
}

static int
run_stats (int    argc,
           char **argv)
{
  g_autofree char *db_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  g_autoptr(JsonNode) stats = NULL;
  const GOptionEntry entries[] = { { NULL } };

  if (!parse_options ("stats", _("Print the counts of the central database as JSON."), NULL,
                      entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  stats = pd_central_db_get_stats (db, &error);
  return print_json (stats, error);
}

static int
run_update_reference (int    argc,
                      char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *table_name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  const GOptionEntry entries[] = {
    { "directory", 0, 0, G_OPTION_ARG_FILENAME, &directory,
      N_("Import every table from the CSV files of this directory (default: Passdesk’s reference data)"), N_("DIR") },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table_name,
      N_("Import only this table: provinces, communes, ethnic_groups or fees"), N_("NAME") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The CSV file of --table"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_STRING, &version,
      N_("The version stations will see for --table (default: a digest of the file)"), N_("TEXT") },
    { NULL }
  };

  if (!parse_options ("update-reference", _("Update the reference tables that stations pull."), NULL,
                      entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if ((table_name == NULL) != (file == NULL) || (directory != NULL && table_name != NULL))
    return fail (EXIT_USAGE, _("Give either --table NAME with --file FILE, or --directory DIR, or nothing."));
  if (version != NULL && (table_name == NULL || *version == '\0' || strlen (version) > 64))
    return fail (EXIT_USAGE, _("--version goes with --table and is 1 to 64 characters."));

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;

  if (table_name != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;
      gboolean changed = FALSE;
      PdReferenceTable table;

      for (table = 0; table < PD_N_REFERENCE_TABLES; table++)
        if (g_str_equal (table_name, pd_reference_table_get_name (table)))
          break;
      if (table == PD_N_REFERENCE_TABLES)
        return fail (EXIT_USAGE, _("There is no reference table “%s”: use provinces, communes, ethnic_groups or fees."),
                     table_name);
      if (!g_file_get_contents (file, &contents, &length, &error) ||
          !pd_central_db_import_reference (db, table, contents, length, version, &changed, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      g_print (changed ? _("Table %s updated\n") : _("Table %s unchanged\n"), table_name);
    }
  else
    {
      guint n_changed = 0;

      if (!pd_central_db_import_reference_directory (db, directory ? directory : pd_reference_get_default_directory (),
                                                     &n_changed, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      g_print (g_dngettext (NULL, "%u table updated\n", "%u tables updated\n", n_changed), n_changed);
    }
  return EXIT_OK;
}

static int
run_revoke_device (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *device_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *when_text = NULL;
  const GOptionEntry entries[] = { { NULL } };
  gint64 revoked_at = 0;

  if (!parse_arguments ("revoke-device",
                        _("Revoke an enrolled station: its requests are refused, and after their next sync "
                          "the counters no longer accept the declarations it signed."),
                        NULL, entries, &argc, &argv, &db_path, "ID", &device_id))
    return EXIT_USAGE;
  if (!g_uuid_string_is_valid (device_id))
    return fail (EXIT_USAGE, _("“%s” is not a station id. List the stations with passdesk-central list-devices."),
                 device_id);

  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  if (!pd_central_db_revoke_device (db, device_id, g_get_user_name (), &revoked_at, &error))
    return fail (EXIT_FAILED, "%s", error->message);
  when = g_date_time_new_from_unix_local (revoked_at);
  when_text = g_date_time_format (when, "%F %T");
  g_print (_("Station %s revoked at %s\n"), device_id, when_text);
  return EXIT_OK;
}

static int
run_list_devices (int    argc,
                  char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *office = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralDb) db = NULL;
  g_autoptr(JsonNode) list = NULL;
  const GOptionEntry entries[] = {
    { "office", 0, 0, G_OPTION_ARG_STRING, &office, N_("The office whose stations to list"), N_("CODE") },
    { NULL }
  };

  if (!parse_options ("list-devices",
                      _("Print the stations of an office as JSON, as they get them from GET /v1/station-keys."),
                      NULL, entries, &argc, &argv, &db_path))
    return EXIT_USAGE;
  if (office == NULL)
    return fail (EXIT_USAGE, _("Give the office with --office CODE."));
  db = open_db (db_path);
  if (db == NULL)
    return EXIT_FAILED;
  list = pd_central_db_list_station_keys (db, office, &error);
  return print_json (list, error);
}

static const Command commands[] = {
  { "serve", N_("Serve the sync protocol"), run_serve },
  { "seed-demo", N_("Add demo offices, officers, codes and declarations"), run_seed_demo },
  { "enroll-code", N_("Print a one-time enrollment code for a station"), run_enroll_code },
  { "set-status", N_("Record a status change of a received application"), run_set_status },
  { "stats", N_("Print counts as JSON"), run_stats },
  { "update-reference", N_("Update the reference tables stations pull"), run_update_reference },
  { "revoke-device", N_("Revoke an enrolled station"), run_revoke_device },
  { "list-devices", N_("Print the stations of an office as JSON"), run_list_devices },
};

static void
print_usage (void)
{
  g_printerr ("%s\n\n", _("Usage: passdesk-central COMMAND [OPTION…]"));
  g_printerr ("%s\n", _("The reference central system of the Passdesk sync protocol, for demos and tests. "
                        "Its keys live in its database: do not use it in production."));
  g_printerr ("\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_printerr ("  %-17s %s\n", commands[i].name, _(commands[i].summary));
  g_printerr ("\n%s\n", _("Run “passdesk-central COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);
  if (!pd_core_init ())
    return fail (EXIT_FAILED, _("libsodium could not start. Check that the system has an entropy source."));

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage ();
      return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("passdesk-central %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  return fail (EXIT_USAGE, _("Unknown command “%s”. Run “passdesk-central --help” for the commands."), argv[1]);
}
