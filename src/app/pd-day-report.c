/* pd-day-report.c */
#define G_LOG_DOMAIN "pd-day-report"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pd-day-report.h"

static gint64
day_start (const GDate *day)
{
  g_autoptr(GDateTime) start = g_date_time_new_local (g_date_get_year (day), g_date_get_month (day),
                                                      g_date_get_day (day), 0, 0, 0);

  return g_date_time_to_unix (start);
}

gboolean
pd_day_report_count (PdStore      *store,
                     const GDate  *day,
                     PdDayReport  *report,
                     GError      **error)
{
  gint64 start = day_start (day);
  gint64 end = start + 24 * 3600;
  g_autoptr(GPtrArray) changed = NULL;

  memset (report, 0, sizeof *report);
  /* Whatever happened on the day changed the application at or after its start. */
  changed = pd_store_list (store, PD_STATUS_INVALID, start, 0, error);
  if (changed == NULL)
    return FALSE;

  for (guint i = 0; i < changed->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (changed, i);
      g_autoptr(GPtrArray) history = pd_store_get_status_history (store, pd_dossier_get_id (dossier), error);
      gboolean accepted = FALSE, refused = FALSE, held = FALSE;

      if (history == NULL)
        return FALSE;
      for (guint j = 0; j < history->len; j++)
        {
          const PdStatusChange *change = g_ptr_array_index (history, j);

          if (change->at < start || change->at >= end)
            continue;
          accepted |= change->status == PD_STATUS_ACCEPTED;
          refused |= change->status == PD_STATUS_REFUSED;
          held |= change->status == PD_STATUS_ON_HOLD;
        }

      if (accepted)
        {
          report->taken++;
          switch ((int) pd_dossier_get_status (dossier))
            {
            case PD_STATUS_ACCEPTED:
              report->pending++;
              break;
            case PD_STATUS_SENT:
            case PD_STATUS_RECEIVED:
            case PD_STATUS_PROCESSING:
            case PD_STATUS_READY:
              report->synced++;
              break;
            case PD_STATUS_REJECTED:
              report->rejected++;
              break;
            default:
              /* Reopened since: counted as taken, no longer on its way. */
              break;
            }
        }
      if (refused && pd_dossier_get_status (dossier) == PD_STATUS_REFUSED)
        report->refused++;
      if (held && pd_dossier_get_status (dossier) == PD_STATUS_ON_HOLD)
        report->on_hold++;
    }
  return TRUE;
}

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
