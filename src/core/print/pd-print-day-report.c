/* pd-print-day-report.c: the day report's layout, for the team leader to sign. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-print-day-report.h"

static void
add_count (PdPrintDocument *document,
           const char      *label,
           guint            n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);

  pd_print_document_add_row (document, label, text);
}

PdPrintDocument *
pd_day_report_build (const PdDayReport *report,
                     const GDate       *day,
                     const char        *office,
                     const char        *station)
{
  PdPrintDocument *document = pd_print_document_new (_("Day report"), PD_PRINT_PAPER_A5);
  char date[16];

  g_date_strftime (date, sizeof date, "%d/%m/%Y", day);
  pd_print_document_add_heading (document, office != NULL ? office : _("Passport intake"));
  pd_print_document_add_space (document, 4);
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER, _("Day report"));
  pd_print_document_add_row (document, _("Date"), date);
  if (station != NULL)
    pd_print_document_add_row (document, _("Station"), station);
  pd_print_document_add_rule (document);
  add_count (document, _("Applications taken"), report->taken);
  add_count (document, _("Waiting to be sent"), report->pending);
  add_count (document, _("Sent to the central system"), report->synced);
  add_count (document, _("Rejected by the central system"), report->rejected);
  add_count (document, _("Refused at the station"), report->refused);
  add_count (document, _("On hold"), report->on_hold);
  pd_print_document_add_rule (document);
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                              _("“Waiting to be sent” goes down as the station reaches the central "
                                "system; rejected applications must be taken again."));
  pd_print_document_add_signature (document, _("Team leader"), NULL);
  return document;
}
