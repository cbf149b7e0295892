/* pd-cli-queue.c: the queue at the entrance from the command line. */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-cli.h"
#include "pd-queue.h"
#include "sync/pd-device.h"
#include "sync/pd-queue-sync.h"

static gboolean offline;
static gboolean waiting_only;
static char *service_code;
static char *day;

static const GOptionEntry queue_entries[] = {
  { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Do not contact the office's server"), NULL },
  { "service", 0, 0, G_OPTION_ARG_STRING, &service_code, N_("call: only tickets of this service (P, R or I)"), N_("LETTER") },
  { "waiting", 0, 0, G_OPTION_ARG_NONE, &waiting_only, N_("list: only the tickets still waiting"), NULL },
  { "date", 0, 0, G_OPTION_ARG_STRING, &day, N_("list: the tickets and appointments of this day (YYYY-MM-DD; default today)"), N_("DATE") },
  { NULL }
};

/* A client for the office's server, or NULL (with the reason in @error) when this station is
 * not enrolled or --offline was given. */
static PdSyncClient *
open_client (PdCli   *cli,
             GError **error)
{
  g_autoptr(PdDevice) device = NULL;

  if (offline)
    return NULL;
  device = pd_device_load (cli->store, NULL, error);
  return device ? pd_device_create_client (device, NULL, error) : NULL;
}

/* One pass with the server. Being cut off is not a failure of the queue: the station goes
 * on alone and says so. */
static gboolean
share (PdCli        *cli,
       PdQueue      *queue,
       PdSyncClient *client,
       GError      **error)
{
  PdCliWait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  pd_queue_sync_async (queue, client, NULL, pd_cli_wait_done, &wait);
  result = pd_cli_wait_run (&wait);
  return pd_queue_sync_finish (queue, result, NULL, error);
}

static void
share_or_warn (PdCli        *cli,
               PdQueue      *queue,
               PdSyncClient *client)
{
  g_autoptr(GError) error = NULL;

  if (client && !share (cli, queue, client, &error))
    pd_cli_warn (_("The office’s queue could not be shared (%s). This station goes on alone; run “passdesk-cli queue sync” later."),
                 error->message);
}

/* A ticket that does not exist or a change it cannot take is the data's fault (1). */
static PdCliExit
fail_queue (const GError *error,
            const char   *context)
{
  if (error->domain == PD_QUEUE_ERROR && error->code != PD_QUEUE_ERROR_NO_STATION)
    return pd_cli_fail (PD_CLI_EXIT_INVALID, "%s: %s", context, error->message);
  return pd_cli_fail_error (error, context);
}

static JsonNode *
ticket_to_json (const PdTicket *ticket,
                gint64          now)
{
  JsonNode *node = pd_ticket_to_json (ticket);

  json_object_set_int_member (json_node_get_object (node), "waiting_seconds",
                              pd_ticket_get_waiting_seconds (ticket, now));
  return node;
}

static void
print_ticket (PdCli          *cli,
              PdQueue        *queue,
              const PdTicket *ticket,
              gint64          now)
{
  const PdQueueService *service = pd_queue_lookup_service (queue, ticket->service);
  gint64 waited = pd_ticket_get_waiting_seconds (ticket, now);

  if (cli->json)
    {
      pd_cli_print_json (ticket_to_json (ticket, now));
      return;
    }
  /* TRANSLATORS: label, service, state, minutes waited */
  g_print (_("%s  %s  %s  %lld min"), ticket->label, service ? service->name : ticket->service,
           pd_ticket_state_get_label (ticket->state), (long long) (waited / 60));
  if (ticket->counter && ticket->state == PD_TICKET_CALLED)
    /* TRANSLATORS: a counter's name */
    g_print (_("  → counter %s"), ticket->counter);
  g_print ("\n");
}

static void
print_appointment (PdCli               *cli,
                   PdQueue             *queue,
                   const PdAppointment *appointment)
{
  const PdQueueService *service = pd_queue_lookup_service (queue, appointment->service);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "appointment");
      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "id", appointment->id);
      pd_cli_add_string_member (builder, "reference", appointment->reference);
      pd_cli_add_string_member (builder, "service", appointment->service);
      pd_cli_add_string_member (builder, "date", appointment->date);
      pd_cli_add_string_member (builder, "from", appointment->from_time);
      pd_cli_add_string_member (builder, "to", appointment->to_time);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return;
    }
  /* TRANSLATORS: reference, service, date, from, to */
  g_print (_("Today is full. Appointment %s for %s on %s, %s–%s.\n"), appointment->reference,
           service ? service->name : appointment->service, appointment->date,
           appointment->from_time, appointment->to_time);
}

static PdCliExit
run_issue (PdCli        *cli,
           PdQueue      *queue,
           PdSyncClient *client,
           gint64        now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;

  if (cli->n_args < 2)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Say which service: passdesk-cli queue issue P (or R, I)."));
  /* Pull first, so that the day's capacity counts the other stations' tickets. */
  share_or_warn (cli, queue, client);
  if (client)
    {
      PdCliWait wait = { 0 };
      g_autoptr(GAsyncResult) result = NULL;
      gboolean cut_off = FALSE;

      pd_queue_sync_issue_async (queue, client, cli->args[1], NULL, pd_cli_wait_done, &wait);
      result = pd_cli_wait_run (&wait);
      if (!pd_queue_sync_issue_finish (queue, result, &ticket, &appointment, &cut_off, &error))
        return fail_queue (error, _("No ticket was issued"));
      if (appointment && cut_off)
        pd_cli_warn (_("The office’s server cannot be reached: the appointment was booked from this station’s share of the slots."));
    }
  else if (!pd_queue_issue (queue, cli->args[1], &ticket, &appointment, &error))
    return fail_queue (error, _("No ticket was issued"));
  if (ticket)
    {
      share_or_warn (cli, queue, client);
      print_ticket (cli, queue, ticket, now);
    }
  else
    print_appointment (cli, queue, appointment);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_list (PdCli        *cli,
          PdQueue      *queue,
          PdSyncClient *client,
          gint64        now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GPtrArray) appointments = NULL;

  share_or_warn (cli, queue, client);
  tickets = pd_queue_list (queue, day, waiting_only, &error);
  if (tickets == NULL)
    return pd_cli_fail_error (error, _("The queue cannot be read"));
  if (day)
    {
      appointments = pd_queue_list_appointments (queue, day, &error);
      if (appointments == NULL)
        return pd_cli_fail_error (error, _("The appointments cannot be read"));
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "tickets");
      json_builder_begin_array (builder);
      for (guint i = 0; i < tickets->len; i++)
        json_builder_add_value (builder, ticket_to_json (tickets->pdata[i], now));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "appointments");
      json_builder_begin_array (builder);
      for (guint i = 0; appointments && i < appointments->len; i++)
        {
          PdAppointment *appointment = appointments->pdata[i];

          json_builder_begin_object (builder);
          pd_cli_add_string_member (builder, "reference", appointment->reference);
          pd_cli_add_string_member (builder, "service", appointment->service);
          pd_cli_add_string_member (builder, "from", appointment->from_time);
          pd_cli_add_string_member (builder, "to", appointment->to_time);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return PD_CLI_EXIT_OK;
    }
  for (guint i = 0; i < tickets->len; i++)
    print_ticket (cli, queue, tickets->pdata[i], now);
  for (guint i = 0; appointments && i < appointments->len; i++)
    {
      PdAppointment *appointment = appointments->pdata[i];

      g_print ("%s  %s–%s\n", appointment->reference, appointment->from_time, appointment->to_time);
    }
  if (tickets->len == 0 && (appointments == NULL || appointments->len == 0))
    g_print (_("Nobody in the queue.\n"));
  return PD_CLI_EXIT_OK;
}

/* The office's bookings of a day, slot by slot, with how full each slot is. */
static PdCliExit
run_appointments (PdCli        *cli,
                  PdQueue      *queue,
                  PdSyncClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  if (cli->n_args < 2 || !pd_queue_parse_day (cli->args[1], NULL))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Give the day as YYYY-MM-DD: passdesk-cli queue appointments 2026-11-30."));
  share_or_warn (cli, queue, client);
  appointments = pd_queue_list_appointments (queue, cli->args[1], &error);
  if (appointments == NULL)
    return pd_cli_fail_error (error, _("The appointments cannot be read"));

  if (cli->json)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "date", cli->args[1]);
      json_builder_set_member_name (builder, "capacity");
      json_builder_add_int_value (builder, PD_QUEUE_SLOT_SIZE);
      json_builder_set_member_name (builder, "appointments");
      json_builder_begin_array (builder);
      for (guint i = 0; i < appointments->len; i++)
        {
          const PdAppointment *appointment = appointments->pdata[i];
          JsonNode *node = pd_appointment_to_json (appointment);

          json_object_set_boolean_member (json_node_get_object (node), "offline", appointment->offline);
          json_builder_add_value (builder, node);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return PD_CLI_EXIT_OK;
    }
  for (guint i = 0; i < appointments->len; i++)
    {
      const PdAppointment *appointment = appointments->pdata[i];
      const PdQueueService *service = pd_queue_lookup_service (queue, appointment->service);
      guint taken = 0;

      for (guint j = 0; j < appointments->len; j++)
        {
          const PdAppointment *other = appointments->pdata[j];

          taken += g_str_equal (other->service, appointment->service) &&
                   g_str_equal (other->from_time, appointment->from_time);
        }
      /* TRANSLATORS: from, to, reference, service, places taken, places of the slot */
      g_print (_("%s–%s  %s  %s  (%u/%u)"), appointment->from_time, appointment->to_time, appointment->reference,
               service ? service->name : appointment->service, taken, PD_QUEUE_SLOT_SIZE);
      if (appointment->offline)
        g_print ("  %s", _("booked on this station only, not yet sent to the office’s server"));
      g_print ("\n");
    }
  if (appointments->len == 0)
    g_print (_("No appointment on this day.\n"));
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_call (PdCli        *cli,
          PdQueue      *queue,
          PdSyncClient *client,
          gint64        now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  gboolean cut_off = FALSE;

  if (cli->n_args < 2)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Say which counter calls: passdesk-cli queue call 3."));
  if (client)
    {
      PdCliWait wait = { 0 };
      g_autoptr(GAsyncResult) result = NULL;

      pd_queue_sync_call_next_async (queue, client, cli->args[1], service_code, NULL, pd_cli_wait_done, &wait);
      result = pd_cli_wait_run (&wait);
      ticket = pd_queue_sync_call_next_finish (queue, result, &cut_off, &error);
    }
  else
    ticket = pd_queue_call_next (queue, cli->args[1], service_code, &error);
  if (error)
    return fail_queue (error, _("No ticket was called"));
  if (cut_off)
    pd_cli_warn (_("The office’s server cannot be reached: called from this station’s copy of the queue."));
  if (ticket == NULL)
    {
      if (cli->json)
        pd_cli_print_json (json_node_new (JSON_NODE_NULL));
      else
        g_print (_("Nobody is waiting.\n"));
      return PD_CLI_EXIT_OK;
    }
  print_ticket (cli, queue, ticket, now);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_close (PdCli         *cli,
           PdQueue       *queue,
           PdSyncClient  *client,
           PdTicketState  state,
           gint64         now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;

  if (cli->n_args < 2)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Give the ticket’s number, e.g. AP-017."));
  ticket = pd_queue_set_state (queue, cli->args[1], state, NULL, &error);
  if (ticket == NULL)
    return fail_queue (error, _("The ticket was not changed"));
  share_or_warn (cli, queue, client);
  print_ticket (cli, queue, ticket, now);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_queue (PdCli *cli)
{
  const char *action = cli->args[0];
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) client_error = NULL;
  g_autoptr(PdQueue) queue = pd_queue_new (cli->store, NULL);
  g_autoptr(PdSyncClient) client = NULL;
  g_autoptr(GDateTime) now_time = pd_queue_dup_time (queue);
  gint64 now = g_date_time_to_unix (now_time);

  if (g_str_equal (action, "station"))
    {
      if (cli->n_args < 2)
        {
          g_autofree char *letter = pd_queue_dup_station (queue);

          g_print ("%s\n", letter ? letter : "");
          return PD_CLI_EXIT_OK;
        }
      if (!pd_queue_set_station (queue, cli->args[1], &error))
        return fail_queue (error, _("The station’s letter was not set"));
      return PD_CLI_EXIT_OK;
    }

  client = open_client (cli, &client_error);
  if (client == NULL && client_error &&
      !g_error_matches (client_error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED))
    pd_cli_warn (_("Working without the office’s server: %s"), client_error->message);

  if (g_str_equal (action, "issue"))
    return run_issue (cli, queue, client, now);
  if (g_str_equal (action, "list"))
    return run_list (cli, queue, client, now);
  if (g_str_equal (action, "call"))
    return run_call (cli, queue, client, now);
  if (g_str_equal (action, "appointments"))
    return run_appointments (cli, queue, client);
  if (g_str_equal (action, "serve"))
    return run_close (cli, queue, client, PD_TICKET_SERVED, now);
  if (g_str_equal (action, "no-show"))
    return run_close (cli, queue, client, PD_TICKET_NO_SHOW, now);
  if (g_str_equal (action, "sync"))
    {
      if (client == NULL)
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                            _("This station is not enrolled with the office’s server: run “passdesk-cli enroll” first."));
      if (!share (cli, queue, client, &error))
        return pd_cli_fail_error (error, _("The office’s queue was not shared"));
      return PD_CLI_EXIT_OK;
    }
  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                      _("Unknown queue action “%s”: use station, issue, list, appointments, call, serve, no-show or sync."),
                      action);
}

const PdCliCommand pd_cli_command_queue = {
  .name = "queue",
  .parameters = N_("station [LETTER] | issue SERVICE | list | appointments DATE | call COUNTER | serve TICKET | no-show TICKET | sync"),
  .summary = N_("Issue, list and call queue tickets at the entrance"),
  .min_args = 1,
  .max_args = 2,
  .flags = PD_CLI_FLAGS_CREATE | PD_CLI_FLAGS_WRITES,
  .entries = queue_entries,
  .run = run_queue,
};
