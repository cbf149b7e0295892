/* pd-cli-print.c: `passdesk-cli print slip|receipt|ticket|visit|declaration|day-report`, the
 * papers an office hands out and the day report, written as PDF files.
 *
 *   print slip ID          the appointment slip for the result, from a stored dossier
 *   print receipt ID       the fee receipt, from a stored dossier
 *   print ticket           a queue ticket (--number, --service)
 *   print visit            an appointment slip for a later visit (--number, --service,
 *                          --date, --from, --to)
 *   print declaration QR   the assisted-entry slip for a signed declaration QR code; the
 *                          summary printed is read from the code itself, after its signature
 *                          has been checked
 *   print day-report       what the station did on a day (--date, default today), as the
 *                          app's day report counts and lays it out
 *
 * The office's name, address and phone come from the options, else from the store's settings
 * "office-name", "office-address" and "office-phone".
 */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-calendar.h"
#include "pd-cli.h"
#include "pd-day-count.h"
#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "sync/pd-device.h"
#include "pd-print-day-report.h"
#include "pd-print-format.h"
#include "pd-print-papers.h"

static char *output_path;
static char *paper_name;
static char *office_name;
static char *office_address;
static char *office_phone;
static char *office_code;
static char *accepted_text;
static char *processing_name;
static char *number;
static char *service;
static char *date_text;
static char *from_time;
static char *to_time;
static char *citizen_name;
static int waiting_ahead;
static int counter;
static gboolean reprint;

/* The office printed on the paper, and its code for the QR codes of tickets and visits. */
typedef struct {
  PdPrintOffice  office;
  const char    *code;
} Office;

static const GOptionEntry print_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
    N_("Where to write the PDF file"), N_("FILE") },
  { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_name,
    N_("The paper: a5, a6, roll80 or roll58 (default: the usual paper of each document)"), N_("PAPER") },
  { "office-name", 0, 0, G_OPTION_ARG_STRING, &office_name,
    N_("The office's name (default: the store's office-name setting)"), N_("NAME") },
  { "office-address", 0, 0, G_OPTION_ARG_STRING, &office_address,
    N_("The office's address (default: the store's office-address setting)"), N_("ADDRESS") },
  { "office-phone", 0, 0, G_OPTION_ARG_STRING, &office_phone,
    N_("The office's phone number (default: the store's office-phone setting)"), N_("PHONE") },
  { "office-code", 0, 0, G_OPTION_ARG_STRING, &office_code,
    N_("ticket, visit: the office code put in the QR code (default: the store's office-code setting)"), N_("CODE") },
  { "accepted", 0, 0, G_OPTION_ARG_STRING, &accepted_text,
    N_("slip: the day the application was accepted, YYYY-MM-DD, for one accepted before the day was stored (default: the day it was created)"), N_("DATE") },
  { "reprint", 0, 0, G_OPTION_ARG_NONE, &reprint,
    N_("slip, receipt: mark the paper as a reprint of the one given at acceptance"), NULL },
  { "processing", 0, 0, G_OPTION_ARG_STRING, &processing_name,
    N_("slip: provincial, central or urgent (default: provincial)"), N_("KIND") },
  { "number", 0, 0, G_OPTION_ARG_STRING, &number,
    N_("receipt: the receipt number (default: the one given when the application was accepted); ticket: the ticket number; visit: the appointment number"), N_("NUMBER") },
  { "service", 0, 0, G_OPTION_ARG_STRING, &service,
    N_("ticket, visit: the service"), N_("TEXT") },
  { "waiting", 0, 0, G_OPTION_ARG_INT, &waiting_ahead,
    N_("ticket: how many people wait ahead"), N_("COUNT") },
  { "date", 0, 0, G_OPTION_ARG_STRING, &date_text,
    N_("receipt: the payment date, for an application accepted before the day was stored (default: today); visit: the day of the appointment; day-report: the day reported (default: today); YYYY-MM-DD"), N_("DATE") },
  { "counter", 0, 0, G_OPTION_ARG_INT, &counter,
    N_("day-report: the station's counter number, as in the app's preferences (default: none)"), N_("NUMBER") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &from_time,
    N_("visit: the start of the time window, HH:MM"), N_("TIME") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &to_time,
    N_("visit: the end of the time window, HH:MM"), N_("TIME") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &citizen_name,
    N_("visit: the citizen's full name"), N_("NAME") },
  { NULL }
};

/* Options win; the store's settings fill the gaps when there is a store, as in the app
 * (pd_print_office_from_store()). */
static void
get_office (PdCli   *cli,
            Office  *office,
            char   **owned)
{
  if (cli->store != NULL)
    {
      pd_print_office_from_store (cli->store, &office->office, owned);
      if (office_code == NULL)
        office->code = owned[3] = pd_store_get_setting (cli->store, "office-code");
      if (office->code == NULL)
        office->code = owned[3] = pd_store_get_setting (cli->store, PD_DEVICE_SETTING_OFFICE_CODE);
    }
  if (office_name != NULL)
    office->office.name = office_name;
  if (office_address != NULL)
    office->office.address = office_address;
  if (office_phone != NULL)
    office->office.phone = office_phone;
  if (office_code != NULL)
    office->code = office_code;
}

static gboolean
parse_date_option (const char *text,
                   const char *option,
                   GDate      *date)
{
  if (pd_parse_iso_date (text, date))
    return TRUE;
  pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Give %s as YYYY-MM-DD, e.g. 2026-03-02."), option);
  return FALSE;
}

static gboolean
is_time (const char *text)
{
  guint64 hours, minutes;
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  return g_strv_length (parts) == 2 && strlen (parts[0]) == 2 && strlen (parts[1]) == 2 &&
         g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &hours, NULL) &&
         g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &minutes, NULL);
}

static PdPrintDocument *
make_slip (PdCli          *cli,
           const Office   *office,
           GError        **error)
{
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(PdCalendar) calendar = NULL;
  PdProcessing processing = PD_PROCESSING_PROVINCIAL;
  GDate accepted;

  if (processing_name != NULL)
    {
      processing = pd_processing_from_string (processing_name);
      if (processing == PD_N_PROCESSING)
        {
          pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                       _("Unknown processing “%s”: use provincial, central or urgent."), processing_name);
          return NULL;
        }
    }

  dossier = pd_cli_get_dossier (cli, cli->args[1], error);
  if (dossier == NULL)
    return NULL;

  if (accepted_text != NULL)
    {
      if (!parse_date_option (accepted_text, "--accepted", &accepted))
        return NULL;
    }
  else
    {
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (pd_dossier_get_created_at (dossier));

      pd_date_set_from_date_time (&accepted, created);
    }

  calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), error);
  if (calendar == NULL)
    return NULL;
  reference = pd_store_get_reference (cli->store);
  return pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &office->office, processing,
                                               &accepted, reprint, error);
}

static PdPrintDocument *
make_receipt (PdCli          *cli,
              const Office   *office,
              GError        **error)
{
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(PdReference) reference = NULL;
  GDate date;

  dossier = pd_cli_get_dossier (cli, cli->args[1], error);
  if (dossier == NULL)
    return NULL;

  if (date_text != NULL)
    {
      if (!parse_date_option (date_text, "--date", &date))
        return NULL;
    }
  else
    pd_date_set_today (&date);

  /* The number and day given as the application was accepted (pd-intake.c), as on the
   * counter's receipt; --number for a receipt made by hand. */
  reference = pd_store_get_reference (cli->store);
  return pd_print_fee_receipt_new_for_dossier (dossier, reference, &office->office, number, &date,
                                               reprint, error);
}

static PdPrintDocument *
make_ticket (PdCli          *cli,
             const Office   *office,
             GError        **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  PdQueueTicket ticket = { 0 };

  if (number == NULL || service == NULL)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("A ticket needs --number and --service."));
      return NULL;
    }
  if (waiting_ahead < 0)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("--waiting cannot be negative."));
      return NULL;
    }
  ticket.office = office->office;
  ticket.office_code = office->code;
  ticket.service = service;
  ticket.number = number;
  ticket.issued = now;
  ticket.waiting_ahead = waiting_ahead;
  return pd_print_queue_ticket_new (&ticket, error);
}

static PdPrintDocument *
make_visit (PdCli          *cli,
            const Office   *office,
            GError        **error)
{
  PdVisitSlip slip = { 0 };

  if (number == NULL || service == NULL || date_text == NULL || from_time == NULL || to_time == NULL)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                   _("An appointment slip needs --number, --service, --date, --from and --to."));
      return NULL;
    }
  if (!parse_date_option (date_text, "--date", &slip.date))
    return NULL;
  if (!is_time (from_time) || !is_time (to_time) || g_strcmp0 (from_time, to_time) >= 0)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                   _("Give --from and --to as HH:MM, with --from before --to, e.g. --from 08:00 --to 09:30."));
      return NULL;
    }
  slip.office = office->office;
  slip.office_code = office->code;
  slip.reference = number;
  slip.full_name = citizen_name;
  slip.service = service;
  slip.from_time = from_time;
  slip.to_time = to_time;
  return pd_print_visit_slip_new (&slip, error);
}

static PdPrintDocument *
make_declaration (PdCli          *cli,
                  const Office   *office,
                  GError        **error)
{
  const char *text = cli->args[1];
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(PdDeclarationQr) qr = NULL;
  g_autoptr(GDateTime) signed_at = NULL;
  g_autofree char *birth_date = NULL;
  g_autoptr(PdReference) reference = NULL;
  const PdReferenceEntry *fee = NULL;
  PdDeclarationSlip slip = { 0 };
  const char *request;
  GDate date;

  if (cli->store != NULL)
    keys = pd_declaration_keys_load (cli->store, error);
  else
    {
      g_autofree char *demo_id = NULL;
      GBytes *demo_key = pd_declaration_keys_get_demo (&demo_id, NULL);

      keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
      if (demo_key != NULL)
        g_hash_table_insert (keys, g_steal_pointer (&demo_id), demo_key);
    }
  if (keys == NULL)
    return NULL;

  qr = pd_declaration_qr_decode (text, -1, keys, error);
  if (qr == NULL)
    return NULL;

  if (pd_parse_iso_date (pd_dossier_get_field (qr->dossier, PD_FIELD_BIRTH_DATE), &date))
    birth_date = pd_print_format_date (&date);
  request = pd_dossier_get_field (qr->dossier, PD_FIELD_REQUEST_TYPE);
  signed_at = g_date_time_new_from_unix_local (qr->signed_at);

  slip.office = office->office;
  slip.qr_text = text;
  slip.declaration_code = pd_dossier_get_field (qr->dossier, PD_FIELD_DECLARATION_CODE);
  slip.full_name = pd_dossier_get_field (qr->dossier, PD_FIELD_FULL_NAME);
  slip.birth_date = birth_date;
  slip.id_number = pd_dossier_get_field (qr->dossier, PD_FIELD_ID_NUMBER);
  /* The fee table names the request as the citizen knows it; without a store, the form's
   * label. */
  if (request != NULL && cli->store != NULL)
    {
      reference = pd_store_get_reference (cli->store);
      fee = pd_reference_get_nth (reference, PD_REFERENCE_FEES, request, 0);
    }
  if (fee != NULL)
    slip.request = fee->name;
  else if (request != NULL)
    slip.request = pd_field_choice_label (PD_FIELD_REQUEST_TYPE, request);
  slip.signed_at = signed_at;
  return pd_print_declaration_slip_new (&slip, error);
}

/* As the app prints it (pd-day-report-printer.c): the store's counts, the office's name and
 * the station named by its office code, counter and computer. */
static PdPrintDocument *
make_day_report (PdCli          *cli,
                 const Office   *office,
                 GError        **error)
{
  g_autofree char *station = NULL;
  PdDayReport report;
  GDate day, today;

  if (counter < 0)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("--counter cannot be negative."));
      return NULL;
    }
  pd_date_set_today (&today);
  if (date_text != NULL)
    {
      if (!parse_date_option (date_text, "--date", &day))
        return NULL;
    }
  else
    day = today;
  if (g_date_compare (&day, &today) > 0)
    {
      pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("That day has not come yet. Choose today or a day before."));
      return NULL;
    }
  if (!pd_day_report_count (cli->store, &day, &report, error))
    return NULL;
  station = pd_day_report_station_name (office->code, (guint) counter, g_get_host_name ());
  return pd_day_report_build (&report, &day, office->office.name, station);
}

static PdCliExit
run_print (PdCli *cli)
{
  static const struct {
    const char *name;
    gboolean    needs_store;
    guint       n_args;
    PdPrintDocument *(*make) (PdCli *, const Office *, GError **);
  } kinds[] = {
    { "slip",        TRUE,  2, make_slip },
    { "receipt",     TRUE,  2, make_receipt },
    { "ticket",      FALSE, 1, make_ticket },
    { "visit",       FALSE, 1, make_visit },
    { "declaration", FALSE, 2, make_declaration },
    { "day-report",  TRUE,  1, make_day_report },
  };
  const char *what = cli->args[0];
  g_autoptr(PdPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  char *owned[4] = { NULL, NULL, NULL, NULL };
  Office office = { { 0 } };
  PdCliExit status = PD_CLI_EXIT_OK;
  guint kind;

  for (kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    if (g_str_equal (what, kinds[kind].name))
      break;
  if (kind == G_N_ELEMENTS (kinds))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Unknown paper “%s”: use slip, receipt, ticket, visit, declaration or day-report."), what);
  if (cli->n_args != kinds[kind].n_args)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        kinds[kind].n_args == 2
                        ? _("“print %s” takes one argument: the dossier number (or the QR code text for a declaration).")
                        : _("“print %s” takes no argument after the paper; use its options."),
                        what);
  if (output_path == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Say where to write the PDF file with --output FILE.pdf."));

  /* Tickets, visits and declarations print at stations without a database; the store only
   * fills in the office when there is one. */
  if (kinds[kind].needs_store || g_file_test (cli->db_path, G_FILE_TEST_EXISTS))
    {
      status = pd_cli_open_store (cli);
      if (status != PD_CLI_EXIT_OK)
        return status;
    }

  get_office (cli, &office, owned);
  document = kinds[kind].make (cli, &office, &error);
  if (document == NULL && error == NULL)
    status = PD_CLI_EXIT_UNUSABLE;  /* already reported */
  else if (document == NULL)
    status = pd_cli_fail_error (error, NULL);
  else
    {
      if (paper_name != NULL)
        {
          PdPrintPaper paper = pd_print_paper_from_string (paper_name);

          if (paper == PD_N_PRINT_PAPERS)
            status = pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                                  _("Unknown paper size “%s”: use a5, a6, roll80 or roll58."), paper_name);
          else
            pd_print_document_set_paper (document, paper);
        }
      if (status == PD_CLI_EXIT_OK && !pd_print_document_write_pdf (document, output_path, &error))
        status = pd_cli_fail_error (error, NULL);
      if (status == PD_CLI_EXIT_OK)
        {
          if (cli->json)
            {
              g_autoptr(JsonBuilder) builder = json_builder_new ();
              double width, height;

              pd_print_document_get_page_size (document, &width, &height);
              json_builder_begin_object (builder);
              pd_cli_add_string_member (builder, "output", output_path);
              pd_cli_add_string_member (builder, "paper",
                                        pd_print_paper_to_string (pd_print_document_get_paper (document)));
              json_builder_set_member_name (builder, "pages");
              json_builder_add_int_value (builder, pd_print_document_get_n_pages (document));
              json_builder_set_member_name (builder, "width_mm");
              json_builder_add_double_value (builder, width);
              json_builder_set_member_name (builder, "height_mm");
              json_builder_add_double_value (builder, height);
              json_builder_end_object (builder);
              pd_cli_print_json (json_builder_get_root (builder));
            }
          else
            g_print ("%s\n", output_path);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
    g_free (owned[i]);
  return status;
}

const PdCliCommand pd_cli_command_print = {
  .name = "print",
  .parameters = N_("slip|receipt ID | ticket | visit | declaration QR | day-report"),
  .summary = N_("Write an appointment slip, fee receipt, queue ticket, declaration slip or day report as PDF"),
  .min_args = 1,
  .max_args = 2,
  .flags = PD_CLI_FLAGS_NO_STORE,
  .entries = print_entries,
  .run = run_print,
};
