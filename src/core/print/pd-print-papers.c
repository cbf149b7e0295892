/* pd-print-papers.c: the layout of each paper an office hands out. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-dossier.h"
#include "pd-print-format.h"
#include "pd-print-papers.h"
#include "pd-reference.h"
#include "pd-store.h"
#include "sync/pd-device.h"

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static gboolean
require (const char  *value,
         const char  *message,
         GError     **error)
{
  if (!is_empty (value))
    return TRUE;
  g_set_error_literal (error, PD_PRINT_ERROR, PD_PRINT_ERROR_MISSING, message);
  return FALSE;
}

static gboolean
require_office (const PdPrintOffice  *office,
                GError              **error)
{
  return require (office->name, _("Set the office name in the preferences before printing."), error);
}

/* The office's address and phone, small and centred under the title. */
static void
add_office_contact (PdPrintDocument     *document,
                    const PdPrintOffice *office)
{
  g_autoptr(GString) contact = g_string_new (NULL);

  if (!is_empty (office->address))
    g_string_append (contact, office->address);
  if (!is_empty (office->phone))
    {
      if (contact->len > 0)
        g_string_append (contact, "\n");
      /* Translators: the office's phone number on printed papers */
      g_string_append_printf (contact, _("Phone: %s"), office->phone);
    }
  if (contact->len > 0)
    pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_CENTER, contact->str);
}

/* Under the title: the same paper as the one given at acceptance, printed again. */
static void
add_reprint_mark (PdPrintDocument *document,
                  gboolean         reprint)
{
  if (reprint)
    /* Translators: marks a paper printed again, identical to the one given at acceptance */
    pd_print_document_add_text (document, PD_PRINT_STYLE_STRONG, PD_PRINT_ALIGN_CENTER, _("REPRINT"));
}

static void
add_date_row (PdPrintDocument *document,
              const char      *label,
              const GDate     *date)
{
  g_autofree char *text = pd_print_format_date (date);

  pd_print_document_add_row (document, label, text);
}

PdPrintDocument *
pd_print_result_slip_new (const PdResultSlip  *slip,
                          GError             **error)
{
  g_autoptr(PdPrintDocument) document = NULL;

  g_return_val_if_fail (slip != NULL, NULL);

  if (!require_office (&slip->office, error) ||
      !require (slip->application_code, _("The application has no code yet: save it before printing the slip."), error) ||
      !require (slip->full_name, _("Enter the applicant’s full name before printing the slip."), error) ||
      !require (slip->request, _("Choose the request type before printing the slip."), error))
    return NULL;
  g_return_val_if_fail (g_date_valid (&slip->accepted) && g_date_valid (&slip->ready), NULL);

  /* Translators: the paper that tells when the passport will be ready (giấy hẹn trả kết quả) */
  document = pd_print_document_new (_("Appointment to collect the result"), PD_PRINT_PAPER_A5);
  pd_print_document_add_heading (document, slip->office.name);
  /* Translators: the title of the "giấy hẹn trả kết quả" */
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("APPOINTMENT TO COLLECT THE RESULT"));
  add_reprint_mark (document, slip->reprint);
  add_office_contact (document, &slip->office);
  pd_print_document_add_space (document, 2);
  if (!pd_print_document_add_qr (document, slip->application_code, 30, error))
    return NULL;
  pd_print_document_add_text (document, PD_PRINT_STYLE_STRONG, PD_PRINT_ALIGN_CENTER,
                              slip->application_code);
  pd_print_document_add_space (document, 2);

  pd_print_document_add_row (document, _("Full name"), slip->full_name);
  if (!is_empty (slip->birth_date))
    pd_print_document_add_row (document, _("Date of birth"), slip->birth_date);
  pd_print_document_add_row (document, _("Request"), slip->request);
  if (!is_empty (slip->declaration_code) && g_strcmp0 (slip->declaration_code, slip->application_code) != 0)
    pd_print_document_add_row (document, _("Declaration code"), slip->declaration_code);
  add_date_row (document, _("Accepted on"), &slip->accepted);
  add_date_row (document, _("Result ready on"), &slip->ready);
  if (slip->fee >= 0)
    {
      g_autofree char *fee = pd_print_format_money (slip->fee);

      pd_print_document_add_row (document, _("Fee paid"), fee);
    }
  if (!is_empty (slip->counter))
    pd_print_document_add_row (document, _("Counter"), slip->counter);

  pd_print_document_add_space (document, 2);
  if (slip->ready_estimated)
    pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                                _("The ready date counts holidays that are not yet confirmed: call the office before you come."));
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                              _("Bring this slip and your identity card to collect the passport. Someone collecting for you also needs your written authorisation."));
  pd_print_document_add_space (document, 3);
  /* Translators: the officer who accepted the application signs under this caption */
  pd_print_document_add_signature (document, _("Receiving officer"), slip->officer);
  return g_steal_pointer (&document);
}

PdPrintDocument *
pd_print_fee_receipt_new (const PdFeeReceipt  *receipt,
                          GError             **error)
{
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *number = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *words = NULL;

  g_return_val_if_fail (receipt != NULL, NULL);

  if (!require_office (&receipt->office, error) ||
      !require (receipt->number, _("Give the receipt a number before printing it."), error) ||
      !require (receipt->payer, _("Enter the payer’s name before printing the receipt."), error) ||
      !require (receipt->item, _("Choose the fee before printing the receipt."), error))
    return NULL;
  if (receipt->amount < 0)
    {
      g_set_error_literal (error, PD_PRINT_ERROR, PD_PRINT_ERROR_MISSING,
                           _("The fee amount is negative: correct it before printing the receipt."));
      return NULL;
    }
  g_return_val_if_fail (g_date_valid (&receipt->date), NULL);

  /* Translators: biên lai thu lệ phí */
  document = pd_print_document_new (_("Fee receipt"), PD_PRINT_PAPER_A6);
  pd_print_document_add_heading (document, receipt->office.name);
  /* Translators: the title of the "biên lai thu lệ phí" */
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("FEE RECEIPT"));
  /* Translators: the receipt number under the title */
  number = g_strdup_printf (_("No. %s"), receipt->number);
  pd_print_document_add_text (document, PD_PRINT_STYLE_BODY, PD_PRINT_ALIGN_CENTER, number);
  add_reprint_mark (document, receipt->reprint);
  pd_print_document_add_space (document, 1);

  pd_print_document_add_row (document, _("Payer"), receipt->payer);
  if (!is_empty (receipt->payer_address))
    pd_print_document_add_row (document, _("Address"), receipt->payer_address);
  /* The receipt's number is the application's (pd-intake.c): printed once only when both are. */
  if (!is_empty (receipt->application_code) && g_strcmp0 (receipt->application_code, receipt->number) != 0)
    pd_print_document_add_row (document, _("Application code"), receipt->application_code);
  pd_print_document_add_row (document, _("Fee for"), receipt->item);
  amount = pd_print_format_money (receipt->amount);
  pd_print_document_add_row (document, _("Amount"), amount);
  words = pd_print_amount_in_words (receipt->amount);
  pd_print_document_add_row (document, _("In words"), words);
  add_date_row (document, _("Date"), &receipt->date);

  pd_print_document_add_space (document, 2);
  /* Translators: the officer who took the money signs under this caption */
  pd_print_document_add_signature (document, _("Collected by"), receipt->officer);
  return g_steal_pointer (&document);
}

PdPrintDocument *
pd_print_queue_ticket_new (const PdQueueTicket  *ticket,
                           GError              **error)
{
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *issued_iso = NULL;
  g_autofree char *issued_line = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *qr_text = NULL;

  g_return_val_if_fail (ticket != NULL, NULL);
  g_return_val_if_fail (ticket->issued != NULL, NULL);

  if (!require_office (&ticket->office, error) ||
      !require (ticket->number, _("The ticket has no number: enter one."), error) ||
      !require (ticket->service, _("Choose the service the ticket is for."), error))
    return NULL;

  /* Translators: phiếu thứ tự */
  document = pd_print_document_new (_("Queue ticket"), PD_PRINT_PAPER_ROLL_80);
  pd_print_document_add_text (document, PD_PRINT_STYLE_STRONG, PD_PRINT_ALIGN_CENTER,
                              ticket->office.name);
  add_office_contact (document, &ticket->office);
  pd_print_document_add_rule (document);
  /* Translators: the title of the "phiếu thứ tự" */
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("QUEUE TICKET"));
  pd_print_document_add_text (document, PD_PRINT_STYLE_BODY, PD_PRINT_ALIGN_CENTER, ticket->service);
  pd_print_document_add_text (document, PD_PRINT_STYLE_HUGE, PD_PRINT_ALIGN_CENTER, ticket->number);

  issued = pd_print_format_date_time (ticket->issued);
  issued_line = g_strdup_printf (_("Issued at %s"), issued);
  pd_print_document_add_text (document, PD_PRINT_STYLE_BODY, PD_PRINT_ALIGN_CENTER, issued_line);
  if (ticket->waiting_ahead == 0)
    waiting = g_strdup (_("Nobody is waiting ahead of you."));
  else
    waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person is waiting ahead of you.",
                                            "%u people are waiting ahead of you.",
                                            ticket->waiting_ahead),
                               ticket->waiting_ahead);
  pd_print_document_add_text (document, PD_PRINT_STYLE_STRONG, PD_PRINT_ALIGN_CENTER, waiting);
  pd_print_document_add_space (document, 1);

  issued_iso = g_date_time_format_iso8601 (ticket->issued);
  qr_text = g_strdup_printf ("PDT1|%s|%s|%s", ticket->office_code != NULL ? ticket->office_code : "",
                             ticket->number, issued_iso);
  if (!pd_print_document_add_qr (document, qr_text, 28, error))
    return NULL;
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_CENTER,
                              _("Wait until your number shows on the screen, then go to the counter it names. Keep the ticket until you are served."));
  return g_steal_pointer (&document);
}

PdPrintDocument *
pd_print_visit_slip_new (const PdVisitSlip  *slip,
                         GError            **error)
{
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *window = NULL;
  g_autofree char *qr_text = NULL;
  char iso_date[16];

  g_return_val_if_fail (slip != NULL, NULL);

  if (!require_office (&slip->office, error) ||
      !require (slip->reference, _("The appointment has no number: enter one."), error) ||
      !require (slip->service, _("Choose the service the appointment is for."), error) ||
      !require (slip->from_time, _("Set the time the appointment starts."), error) ||
      !require (slip->to_time, _("Set the time the appointment ends."), error))
    return NULL;
  g_return_val_if_fail (g_date_valid (&slip->date), NULL);

  /* Translators: giấy hẹn, for a later visit when the day is full */
  document = pd_print_document_new (_("Appointment slip"), PD_PRINT_PAPER_A6);
  pd_print_document_add_heading (document, slip->office.name);
  /* Translators: the title of the "giấy hẹn" for a later visit */
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("APPOINTMENT SLIP"));
  add_office_contact (document, &slip->office);
  pd_print_document_add_space (document, 1);

  pd_print_document_add_row (document, _("Appointment no."), slip->reference);
  if (!is_empty (slip->full_name))
    pd_print_document_add_row (document, _("Full name"), slip->full_name);
  pd_print_document_add_row (document, _("Service"), slip->service);
  add_date_row (document, _("Come on"), &slip->date);
  /* Translators: a time window on the appointment slip, e.g. "08:00 – 09:30" */
  window = g_strdup_printf (_("%s – %s"), slip->from_time, slip->to_time);
  pd_print_document_add_row (document, _("Between"), window);
  pd_print_document_add_space (document, 1);

  g_date_strftime (iso_date, sizeof iso_date, "%Y-%m-%d", &slip->date);
  qr_text = g_strdup_printf ("PDV1|%s|%s|%s|%s-%s",
                             slip->office_code != NULL ? slip->office_code : "",
                             slip->reference, iso_date, slip->from_time, slip->to_time);
  if (!pd_print_document_add_qr (document, qr_text, 26, error))
    return NULL;
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                              _("Come within the time shown and show this slip at the entrance: you will not need a queue ticket."));
  return g_steal_pointer (&document);
}

static char *
mask_id_number (const char *id_number)
{
  gsize length = strlen (id_number);
  g_autofree char *stars = NULL;

  if (length <= 4)
    return g_strdup (id_number);
  stars = g_strnfill (length - 4, '*');
  return g_strconcat (stars, id_number + length - 4, NULL);
}

PdPrintDocument *
pd_print_declaration_slip_new (const PdDeclarationSlip  *slip,
                               GError                  **error)
{
  g_autoptr(PdPrintDocument) document = NULL;

  g_return_val_if_fail (slip != NULL, NULL);

  if (!require (slip->qr_text, _("The declaration has not been signed yet: finish it before printing."), error) ||
      !require (slip->full_name, _("Enter the applicant’s full name before printing the slip."), error))
    return NULL;

  /* Translators: the slip printed at an assisted-entry desk, with the declaration's QR code */
  document = pd_print_document_new (_("Declaration slip"), PD_PRINT_PAPER_A6);
  if (!is_empty (slip->office.name))
    pd_print_document_add_text (document, PD_PRINT_STYLE_STRONG, PD_PRINT_ALIGN_CENTER,
                                slip->office.name);
  /* Translators: the title of the slip printed at an assisted-entry desk */
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("PASSPORT DECLARATION"));
  pd_print_document_add_space (document, 1);

  pd_print_document_add_row (document, _("Full name"), slip->full_name);
  if (!is_empty (slip->birth_date))
    pd_print_document_add_row (document, _("Date of birth"), slip->birth_date);
  if (!is_empty (slip->id_number))
    {
      g_autofree char *masked = mask_id_number (slip->id_number);

      pd_print_document_add_row (document, _("ID number"), masked);
    }
  if (!is_empty (slip->request))
    pd_print_document_add_row (document, _("Request"), slip->request);
  if (!is_empty (slip->declaration_code))
    pd_print_document_add_row (document, _("Declaration code"), slip->declaration_code);
  if (slip->signed_at != NULL)
    {
      g_autofree char *signed_at = pd_print_format_date_time (slip->signed_at);

      pd_print_document_add_row (document, _("Declared at"), signed_at);
    }
  pd_print_document_add_space (document, 1);

  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                              _("Show this slip at the counter with your identity card: the officer scans the code to load your declaration. Do not fold the code."));
  if (!pd_print_document_add_qr (document, slip->qr_text, 72, error))
    return NULL;
  return g_steal_pointer (&document);
}

/* From a dossier */

static const PdReferenceEntry *
dossier_fee (PdDossier   *dossier,
             PdReference *reference)
{
  const char *code = pd_dossier_get_field (dossier, PD_FIELD_FEE_CODE);
  const char *request = pd_dossier_get_field (dossier, PD_FIELD_REQUEST_TYPE);

  if (!is_empty (code))
    return pd_reference_lookup (reference, PD_REFERENCE_FEES, code);
  if (!is_empty (request))
    return pd_reference_get_nth (reference, PD_REFERENCE_FEES, request, 0);
  return NULL;
}

static gint64
dossier_fee_amount (PdDossier              *dossier,
                    const PdReferenceEntry *fee)
{
  const char *text = pd_dossier_get_field (dossier, PD_FIELD_FEE_AMOUNT);
  guint64 amount;

  if (!is_empty (text) && g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &amount, NULL))
    return (gint64) amount;
  return fee != NULL ? fee->amount : -1;
}

static const char *
dossier_request (PdDossier              *dossier,
                 const PdReferenceEntry *fee)
{
  const char *request = pd_dossier_get_field (dossier, PD_FIELD_REQUEST_TYPE);

  /* Named as the form names it: the fee table's wording is the fee's, on the receipt. */
  if (!is_empty (request) && pd_field_choice_label (PD_FIELD_REQUEST_TYPE, request) != NULL)
    return pd_field_choice_label (PD_FIELD_REQUEST_TYPE, request);
  if (fee != NULL && !is_empty (fee->name))
    return fee->name;
  return request;
}

static const char *
dossier_code (PdDossier *dossier)
{
  const char *number = pd_dossier_get_application_number (dossier);
  const char *code = pd_dossier_get_field (dossier, PD_FIELD_DECLARATION_CODE);

  if (!is_empty (number))
    return number;
  return !is_empty (code) ? code : pd_dossier_get_uuid (dossier);
}

/* The day of the acceptance as stored, else @fallback. */
static void
dossier_accepted (PdDossier   *dossier,
                  const GDate *fallback,
                  GDate       *accepted)
{
  if (!pd_parse_iso_date (pd_dossier_get_accepted_on (dossier), accepted))
    *accepted = *fallback;
}

static const char *
without_kind (const char *name)
{
  static const char * const kinds[] = { "Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn " };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_has_prefix (name, kinds[i]) && name[strlen (kinds[i])] != '\0')
      return name + strlen (kinds[i]);
  return name;
}

/* The address in full: the street as typed, then the commune's and the province's names. */
static char *
dossier_address (PdDossier   *dossier,
                 PdReference *reference)
{
  const PdField parts[] = { PD_FIELD_PERMANENT_ADDRESS, PD_FIELD_PERMANENT_COMMUNE, PD_FIELD_PERMANENT_PROVINCE };
  const PdReferenceTable tables[] = { PD_N_REFERENCE_TABLES, PD_REFERENCE_COMMUNES, PD_REFERENCE_PROVINCES };
  g_autoptr(GString) address = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *value = pd_dossier_get_field (dossier, parts[i]);
      const PdReferenceEntry *entry = NULL;

      if (is_empty (value))
        continue;
      if (tables[i] != PD_N_REFERENCE_TABLES)
        entry = pd_reference_lookup (reference, tables[i], value);
      if (entry != NULL && !is_empty (entry->name))
        value = entry->name;
      /* An address typed in full already names its commune and province, often without
       * their kind ("Hà Nội" for "Thành phố Hà Nội"). */
      if (address->len > 0 && strstr (address->str, without_kind (value)) != NULL)
        continue;
      if (address->len > 0)
        g_string_append (address, ", ");
      g_string_append (address, value);
    }
  return address->len > 0 ? g_string_free (g_steal_pointer (&address), FALSE) : NULL;
}

static char *
dossier_date (PdDossier *dossier,
              PdField    field)
{
  GDate date;

  if (!pd_parse_iso_date (pd_dossier_get_field (dossier, field), &date))
    return NULL;
  return pd_print_format_date (&date);
}

/* The full name stored at acceptance; an application accepted before names were kept signs
 * with the account it was signed with then, as its first print did. */
static const char *
dossier_signer (PdDossier *dossier)
{
  const char *name = pd_dossier_get_accepted_by (dossier);

  return name != NULL ? name : pd_dossier_get_field (dossier, PD_FIELD_OFFICER);
}

PdPrintDocument *
pd_print_result_slip_new_for_dossier (PdDossier            *dossier,
                                      PdReference          *reference,
                                      PdCalendar           *calendar,
                                      const PdPrintOffice  *office,
                                      PdProcessing          processing,
                                      const GDate          *accepted,
                                      gboolean              reprint,
                                      GError              **error)
{
  const PdReferenceEntry *fee;
  g_autofree char *birth_date = NULL;
  PdResultSlip slip = { 0 };

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);
  g_return_val_if_fail (PD_IS_REFERENCE (reference), NULL);
  g_return_val_if_fail (PD_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (office != NULL, NULL);
  g_return_val_if_fail (processing < PD_N_PROCESSING, NULL);
  g_return_val_if_fail (accepted != NULL && g_date_valid (accepted), NULL);

  fee = dossier_fee (dossier, reference);
  birth_date = dossier_date (dossier, PD_FIELD_BIRTH_DATE);

  slip.office = *office;
  slip.application_code = dossier_code (dossier);
  slip.full_name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);
  slip.birth_date = birth_date;
  slip.declaration_code = pd_dossier_get_field (dossier, PD_FIELD_DECLARATION_CODE);
  slip.request = dossier_request (dossier, fee);
  dossier_accepted (dossier, accepted, &slip.accepted);
  /* The appointment given at acceptance (pd-intake.c), not one counted again today. */
  if (!pd_parse_iso_date (pd_dossier_get_field (dossier, PD_FIELD_APPOINTMENT_DATE), &slip.ready))
    slip.ready = pd_calendar_get_ready_date (calendar, &slip.accepted, processing);
  slip.reprint = reprint;
  slip.ready_estimated = !pd_calendar_is_range_verified (calendar, &slip.accepted, &slip.ready);
  slip.fee = dossier_fee_amount (dossier, fee);
  slip.officer = dossier_signer (dossier);
  slip.counter = pd_dossier_get_field (dossier, PD_FIELD_COUNTER);
  return pd_print_result_slip_new (&slip, error);
}

PdPrintDocument *
pd_print_fee_receipt_new_for_dossier (PdDossier            *dossier,
                                      PdReference          *reference,
                                      const PdPrintOffice  *office,
                                      const char           *number,
                                      const GDate          *date,
                                      gboolean              reprint,
                                      GError              **error)
{
  const PdReferenceEntry *fee;
  g_autofree char *address = NULL;
  PdFeeReceipt receipt = { 0 };

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);
  g_return_val_if_fail (PD_IS_REFERENCE (reference), NULL);
  g_return_val_if_fail (office != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  fee = dossier_fee (dossier, reference);
  receipt.office = *office;
  receipt.number = number != NULL ? number : pd_dossier_get_application_number (dossier);
  receipt.payer = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);
  receipt.payer_address = address = dossier_address (dossier, reference);
  receipt.item = fee != NULL ? fee->name : NULL;
  receipt.application_code = dossier_code (dossier);
  receipt.amount = dossier_fee_amount (dossier, fee);
  dossier_accepted (dossier, date, &receipt.date);
  receipt.reprint = reprint;
  receipt.officer = dossier_signer (dossier);
  if (receipt.amount < 0)
    {
      g_set_error_literal (error, PD_PRINT_ERROR, PD_PRINT_ERROR_MISSING,
                           _("The application has no fee: choose the fee before printing the receipt."));
      return NULL;
    }
  return pd_print_fee_receipt_new (&receipt, error);
}

void
pd_print_office_from_store (PdStore       *store,
                            PdPrintOffice *office,
                            char          *owned[3])
{
  const char *keys[3][2] = {
    { "office-name", PD_DEVICE_SETTING_OFFICE_NAME },
    { "office-address", PD_DEVICE_SETTING_OFFICE_ADDRESS },
    { "office-phone", NULL },
  };

  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (office != NULL && owned != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      owned[i] = pd_store_get_setting (store, keys[i][0]);
      if (is_empty (owned[i]) && keys[i][1] != NULL)
        {
          g_free (owned[i]);
          owned[i] = pd_store_get_setting (store, keys[i][1]);
        }
    }
  office->name = owned[0];
  office->address = owned[1];
  office->phone = owned[2];
}
