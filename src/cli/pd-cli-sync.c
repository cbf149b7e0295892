/* pd-cli-sync.c: enrollment, sign-in, acceptance and sync with the central system. */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "pd-cli.h"
#include "pd-intake.h"
#include "pd-store-private.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-outbox.h"
#include "sync/pd-sync-engine.h"

static char *server_url;
static char *enrollment_code;
static char *station_name;
static char *ca_file;
static char *username;
static char *password_file;

static PdCliExit
fail_sync (const GError *error,
           const char   *context)
{
  if (error->domain == PD_SYNC_ERROR &&
      (error->code == PD_SYNC_ERROR_BAD_CREDENTIALS || error->code == PD_SYNC_ERROR_FORBIDDEN_ROLE ||
       error->code == PD_SYNC_ERROR_RATE_LIMITED || error->code == PD_SYNC_ERROR_REFUSED))
    {
      pd_cli_fail (PD_CLI_EXIT_INVALID, "%s: %s", context, error->message);
      return PD_CLI_EXIT_INVALID;
    }
  return pd_cli_fail_error (error, context);
}

static PdDevice *
load_device (PdCli   *cli,
             GError **error)
{
  return pd_device_load (cli->store, NULL, error);
}

/* enroll */

static const GOptionEntry enroll_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, &server_url, N_("The central system's address"), N_("URL") },
  { "code", 0, 0, G_OPTION_ARG_STRING, &enrollment_code, N_("The one-time enrollment code from your administrator"), N_("CODE") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &station_name, N_("How the central system lists this station (default: the computer's name)"), N_("NAME") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Certificate authorities to trust besides the system's (PEM)"), N_("FILE") },
  { NULL }
};

static PdCliExit
run_enroll (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  PdCliWait wait = { 0 };

  if (server_url == NULL || enrollment_code == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Give the server and the code: passdesk-cli enroll --server URL --code CODE."));

  pd_device_enroll_async (cli->store, server_url, ca_file, enrollment_code, station_name, NULL,
                          pd_cli_wait_done, &wait);
  result = pd_cli_wait_run (&wait);
  device = pd_device_enroll_finish (result, &error);
  if (device == NULL)
    return fail_sync (error, _("The station was not enrolled"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "device_id", pd_device_get_device_id (device));
      pd_cli_add_string_member (builder, "office_code", pd_device_get_office_code (device));
      pd_cli_add_string_member (builder, "office_name", pd_device_get_office_name (device));
      pd_cli_add_string_member (builder, "server", pd_device_get_server_url (device));
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else
    /* TRANSLATORS: office name, office code, device id */
    g_print (_("This station is enrolled for %s (%s) as device %s.\n"),
             pd_device_get_office_name (device) ? pd_device_get_office_name (device) : "",
             pd_device_get_office_code (device), pd_device_get_device_id (device));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_enroll = {
  .name = "enroll",
  .summary = N_("Enroll this station with the central system"),
  .flags = PD_CLI_FLAGS_CREATE,
  .entries = enroll_entries,
  .run = run_enroll,
};

/* sign-in */

static const GOptionEntry sign_in_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, &server_url, N_("The central system's address (default: the one of the enrollment)"), N_("URL") },
  { "user", 0, 0, G_OPTION_ARG_STRING, &username, N_("The officer's user name"), N_("NAME") },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Read the password from this file instead of standard input"), N_("FILE") },
  { NULL }
};

/* The first line of @path, or of standard input, in locked memory. */
static char *
read_password (GError **error)
{
  g_autofree char *contents = NULL;
  char *password;
  gsize length = 0;

  if (password_file != NULL)
    {
      if (!g_file_get_contents (password_file, &contents, &length, error))
        return NULL;
    }
  else
    {
      char line[1024];

      if (fgets (line, sizeof line, stdin) == NULL)
        line[0] = '\0';
      contents = g_strdup (line);
      sodium_memzero (line, sizeof line);
      length = strlen (contents);
    }

  length = strcspn (contents, "\r\n");
  password = sodium_malloc (length + 1);
  g_assert (password != NULL);
  memcpy (password, contents, length);
  password[length] = '\0';
  sodium_memzero (contents, strlen (contents));
  return password;
}

static PdCliExit
run_sign_in (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdOfficer) officer = NULL;
  char *password;
  g_autoptr(GAsyncResult) result = NULL;
  PdCliWait wait = { 0 };

  if (username == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Give the user name: passdesk-cli sign-in --user NAME (the password is read from standard input)."));
  device = load_device (cli, &error);
  if (device == NULL)
    return fail_sync (error, _("Cannot sign in"));
  if (server_url != NULL && !pd_store_set_setting (cli->store, PD_DEVICE_SETTING_SERVER_URL, server_url, &error))
    return pd_cli_fail_error (error, _("Cannot sign in"));
  g_clear_object (&device);
  device = load_device (cli, &error);
  if (device == NULL)
    return fail_sync (error, _("Cannot sign in"));

  password = read_password (&error);
  if (password == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Cannot read the password: %s"), error->message);
  if (*password == '\0')
    {
      sodium_free (password);
      return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("The password is empty. Type it on standard input or give --password-file."));
    }

  pd_officer_sign_in_async (cli->store, device, username, password, NULL, pd_cli_wait_done, &wait);
  sodium_free (password);
  result = pd_cli_wait_run (&wait);
  officer = pd_officer_sign_in_finish (result, &error);
  if (officer == NULL)
    return fail_sync (error, _("Not signed in"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "username", pd_officer_get_username (officer));
      pd_cli_add_string_member (builder, "display_name", pd_officer_get_display_name (officer));
      pd_cli_add_string_member (builder, "role", pd_role_to_string (pd_officer_get_role (officer)));
      pd_cli_add_string_member (builder, "office_code", pd_officer_get_office_code (officer));
      json_builder_set_member_name (builder, "offline");
      json_builder_add_boolean_value (builder, pd_officer_get_offline (officer));
      json_builder_set_member_name (builder, "expires_at");
      json_builder_add_int_value (builder, pd_officer_get_expires_at (officer));
      json_builder_set_member_name (builder, "may_accept");
      json_builder_add_boolean_value (builder, pd_role_may_accept (pd_officer_get_role (officer)));
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else if (pd_officer_get_offline (officer))
    /* TRANSLATORS: display name, role */
    g_print (_("%s is signed in without the network, as %s.\n"),
             pd_officer_get_display_name (officer), pd_role_get_label (pd_officer_get_role (officer)));
  else
    g_print (_("%s is signed in, as %s.\n"),
             pd_officer_get_display_name (officer), pd_role_get_label (pd_officer_get_role (officer)));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_sign_in = {
  .name = "sign-in",
  .summary = N_("Sign an officer in (online, or offline after an earlier online sign-in)"),
  .entries = sign_in_entries,
  .run = run_sign_in,
};

/* sync */

static const GOptionEntry sync_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, &server_url, N_("The central system's address (default: the one of the enrollment)"), N_("URL") },
  { NULL }
};

static void
print_report (PdCli        *cli,
              PdSyncEngine *engine,
              PdSyncReport *report,
              const GError *error)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pushed");
      json_builder_add_int_value (builder, report->accepted);
      json_builder_set_member_name (builder, "duplicates");
      json_builder_add_int_value (builder, report->duplicates);
      json_builder_set_member_name (builder, "set_aside");
      json_builder_add_int_value (builder, report->set_aside);
      json_builder_set_member_name (builder, "deferred");
      json_builder_add_int_value (builder, report->deferred);
      json_builder_set_member_name (builder, "declarations");
      json_builder_add_int_value (builder, report->declarations);
      json_builder_set_member_name (builder, "reference_updates");
      json_builder_add_int_value (builder, report->reference_updates);
      json_builder_set_member_name (builder, "statuses");
      json_builder_add_int_value (builder, report->statuses);
      json_builder_set_member_name (builder, "unknown_statuses");
      json_builder_add_int_value (builder, report->unknown_statuses);
      json_builder_set_member_name (builder, "clock_offset");
      json_builder_add_int_value (builder, report->clock_offset);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, pd_sync_engine_get_pending_count (engine));
      json_builder_set_member_name (builder, "set_aside_total");
      json_builder_add_int_value (builder, pd_sync_engine_get_set_aside_count (engine));
      pd_cli_add_string_member (builder, "error", error ? error->message : NULL);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return;
    }

  g_print (_("Pushed: %u new, %u already received, %u set aside, %u to retry later.\n"),
           report->accepted, report->duplicates, report->set_aside, report->deferred);
  g_print (_("Pulled: %u declarations, %u reference tables updated, %u status changes.\n"),
           report->declarations, report->reference_updates, report->statuses);
  if (report->unknown_statuses)
    g_print (_("%u status values were not recognised; they are in the audit log.\n"),
             report->unknown_statuses);
  g_print (_("Waiting to be sent: %u. Set aside: %u.\n"),
           pd_sync_engine_get_pending_count (engine), pd_sync_engine_get_set_aside_count (engine));
  if (ABS (report->clock_offset) > 60)
    g_print (_("This computer's clock is %lld seconds off the central system's: set the date and time.\n"),
             (long long) report->clock_offset);
}

static PdCliExit
sync_once (PdCli       *cli,
           PdSyncFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdOfficer) officer = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  PdCliWait wait = { 0 };
  gboolean ok;

  device = load_device (cli, &error);
  if (device == NULL)
    return fail_sync (error, _("Cannot sync"));
  engine = pd_sync_engine_new (cli->store, device, server_url, &error);
  if (engine == NULL)
    return fail_sync (error, _("Cannot sync"));
  officer = pd_officer_get_current (cli->store, device, NULL, NULL);
  if (officer && pd_officer_get_token (officer))
    pd_sync_engine_set_token (engine, pd_officer_get_token (officer));

  pd_sync_engine_sync_async (engine, flags, NULL, pd_cli_wait_done, &wait);
  result = pd_cli_wait_run (&wait);
  ok = pd_sync_engine_sync_finish (engine, result, &report, &error);

  if (report)
    print_report (cli, engine, report, error);
  if (!ok)
    return fail_sync (error, _("The sync did not finish"));
  /* A packet refused for good needs someone to look at it: a script must not take the run
   * for a success. */
  if (report && report->set_aside > 0)
    return pd_cli_fail (PD_CLI_EXIT_INVALID,
                        ngettext ("%u packet was set aside by the central system. See why with: passdesk-cli outbox list.",
                                  "%u packets were set aside by the central system. See why with: passdesk-cli outbox list.",
                                  report->set_aside),
                        report->set_aside);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_sync (PdCli *cli)
{
  return sync_once (cli, PD_SYNC_ALL);
}

const PdCliCommand pd_cli_command_sync = {
  .name = "sync",
  .summary = N_("Push the outbox and pull declarations, reference tables and statuses once"),
  .entries = sync_entries,
  .run = run_sync,
};

/* export-outbox, import-outbox */

static PdCliExit
run_export_outbox (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = load_device (cli, &error);
  guint n = 0;

  if (device == NULL)
    return fail_sync (error, _("Cannot export the outbox"));
  pd_outbox_attach (cli->store, device);
  if (!pd_outbox_recover (cli->store, NULL, &error) ||
      !pd_outbox_export (cli->store, device, cli->args[0], &n, &error))
    return pd_cli_fail_error (error, _("The outbox was not exported"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "file", cli->args[0]);
      json_builder_set_member_name (builder, "packets");
      json_builder_add_int_value (builder, n);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u packet written to %s. Import it on a connected station.\n",
                          "%u packets written to %s. Import it on a connected station.\n", n),
             n, cli->args[0]);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_export_outbox = {
  .name = "export-outbox",
  .parameters = N_("FILE"),
  .summary = N_("Write the packets waiting to be sent to a file, to carry to a connected station"),
  .min_args = 1,
  .max_args = 1,
  .run = run_export_outbox,
};

static const GOptionEntry import_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, &server_url, N_("The central system's address (default: the one of the enrollment)"), N_("URL") },
  { NULL }
};

static PdCliExit
run_import_outbox (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  guint added = 0;
  guint total = 0;

  if (!pd_outbox_import_verified (cli->store, cli->args[0], &added, &total, &error))
    return pd_cli_fail (PD_CLI_EXIT_INVALID, "%s", error->message);
  if (!cli->json)
    g_print (_("%u packets read from %s, %u new in the outbox. Sending…\n"), total, cli->args[0], added);
  return sync_once (cli, PD_SYNC_PUSH);
}

const PdCliCommand pd_cli_command_import_outbox = {
  .name = "import-outbox",
  .parameters = N_("FILE"),
  .summary = N_("Send the packets of another station's outbox file (importing twice is harmless)"),
  .min_args = 1,
  .max_args = 1,
  .entries = import_entries,
  .run = run_import_outbox,
};

/* accept */

static char **papers;

static const GOptionEntry accept_entries[] = {
  { "paper", 0, 0, G_OPTION_ARG_STRING_ARRAY, &papers,
    N_("A paper the officer checked, by its code in the list of required documents (repeat for each)"), N_("CODE") },
  { NULL }
};

static PdCliExit
run_accept (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(PdDossier) accepted = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdOfficer) officer = NULL;
  g_autoptr(PdIntake) intake = NULL;
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GAsyncResult) result = NULL;
  PdPaperEvidence evidence = { .ticks = ticks };
  PdCliWait wait = { 0 };

  dossier = pd_cli_get_dossier (cli, cli->args[0], &error);
  if (dossier == NULL)
    return pd_cli_fail_error (error, NULL);

  device = load_device (cli, &error);
  if (device == NULL && !g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED))
    return pd_cli_fail_error (error, _("The application was not accepted"));
  g_clear_error (&error);

  /* The officer signed in accepts, never the computer's account (--actor): the packet
   * names who accepted it. */
  officer = pd_officer_get_current (cli->store, device, NULL, NULL);
  if (officer == NULL)
    return pd_cli_fail (PD_CLI_EXIT_INVALID,
                        _("Nobody is signed in. An officer signs in first: passdesk-cli sign-in --user NAME."));

  for (guint i = 0; papers != NULL && papers[i] != NULL; i++)
    g_hash_table_insert (ticks, papers[i], GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  intake = pd_intake_new (cli->store, dossier);
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_set_signer (intake, pd_officer_get_display_name (officer));
  if (device)
    pd_outbox_attach (cli->store, device);
  pd_intake_accept_async (intake, pd_officer_get_role (officer), pd_officer_get_username (officer),
                          pd_officer_get_acceptance_token (officer), NULL, pd_cli_wait_done, &wait);
  result = pd_cli_wait_run (&wait);
  accepted = pd_intake_accept_finish (intake, result, &error);
  if (accepted == NULL)
    return pd_cli_fail_error (error, _("The application was not accepted"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, pd_dossier_get_id (accepted));
      pd_cli_add_string_member (builder, "uuid", pd_dossier_get_uuid (accepted));
      pd_cli_add_string_member (builder, "status", pd_status_to_string (PD_STATUS_ACCEPTED));
      pd_cli_add_string_member (builder, "application_number", pd_dossier_get_application_number (accepted));
      json_builder_set_member_name (builder, "packet");
      json_builder_add_boolean_value (builder, device != NULL);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else if (device)
    g_print (_("Application %lld is accepted and waits in the outbox.\n"),
             (long long) pd_dossier_get_id (accepted));
  else
    g_print (_("Application %lld is accepted. Enroll this station to send it.\n"),
             (long long) pd_dossier_get_id (accepted));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_accept = {
  .name = "accept",
  .parameters = N_("NUMBER|UUID"),
  .summary = N_("Accept an application at the counter, sealing its packet for the central system"),
  .min_args = 1,
  .max_args = 1,
  .flags = PD_CLI_FLAGS_WRITES,
  .entries = accept_entries,
  .run = run_accept,
};

/* outbox */

static PdCliExit
run_outbox (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  const char *action = cli->args[0];

  if (g_str_equal (action, "list"))
    {
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      gint64 after = 0;

      list = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_outbox_entry_free);
      for (;;)
        {
          g_autoptr(GPtrArray) page = pd_store_outbox_list (cli->store, PD_OUTBOX_SET_ASIDE, after, 0, 200, &error);

          if (page == NULL)
            return pd_cli_fail_error (error, _("Cannot list the packets set aside"));
          if (page->len == 0)
            break;
          after = ((PdOutboxEntry *) g_ptr_array_index (page, page->len - 1))->seq;
          for (guint i = 0; i < page->len; i++)
            g_ptr_array_add (list, g_steal_pointer (&page->pdata[i]));
          g_ptr_array_set_free_func (page, NULL);
        }

      if (!cli->json)
        {
          if (list->len == 0)
            g_print ("%s\n", _("No packet is set aside."));
          for (guint i = 0; i < list->len; i++)
            {
              PdOutboxEntry *entry = g_ptr_array_index (list, i);

              /* TRANSLATORS: packet id, the application's uuid (or "-"), then why */
              g_print (_("%s  application %s: %s\n"), entry->packet_id,
                       entry->dossier_uuid ? entry->dossier_uuid : "-",
                       entry->last_error ? entry->last_error : "");
            }
          return PD_CLI_EXIT_OK;
        }
      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          PdOutboxEntry *entry = g_ptr_array_index (list, i);

          json_builder_begin_object (builder);
          pd_cli_add_string_member (builder, "packet_id", entry->packet_id);
          pd_cli_add_string_member (builder, "dossier_uuid", entry->dossier_uuid);
          pd_cli_add_string_member (builder, "reason", entry->last_error);
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, entry->attempts);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return PD_CLI_EXIT_OK;
    }

  if (g_str_equal (action, "retry") || g_str_equal (action, "discard"))
    {
      gboolean retry = action[0] == 'r';

      if (cli->n_args != 2)
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                            _("Give the packet: passdesk-cli outbox %s PACKET-ID (see passdesk-cli outbox list)."),
                            action);
      if (!(retry ? pd_outbox_retry_set_aside : pd_outbox_discard_set_aside) (cli->store, cli->args[1],
                                                                              cli->actor, &error))
        return pd_cli_fail_error (error, NULL);
      if (!cli->json)
        g_print (retry ? _("Packet %s is back in the outbox; the next sync sends it.\n")
                       : _("Packet %s was discarded.\n"), cli->args[1]);
      else
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          pd_cli_add_string_member (builder, "packet_id", cli->args[1]);
          pd_cli_add_string_member (builder, "done", action);
          json_builder_end_object (builder);
          pd_cli_print_json (json_builder_get_root (builder));
        }
      return PD_CLI_EXIT_OK;
    }

  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                      _("Unknown outbox action “%s”. Use list, retry PACKET-ID or discard PACKET-ID."),
                      action);
}

const PdCliCommand pd_cli_command_outbox = {
  .name = "outbox",
  .parameters = N_("list|retry PACKET-ID|discard PACKET-ID"),
  .summary = N_("List the packets the central system set aside, send one again, or discard it"),
  .min_args = 1,
  .max_args = 2,
  .flags = PD_CLI_FLAGS_WRITES,
  .run = run_outbox,
};
