/* pd-day-count.c: what a station did on one day, counted from the store for the day report. */
#define G_LOG_DOMAIN "pd-day-count"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-day-count.h"

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

char *
pd_day_report_station_name (const char *office_code,
                            guint       counter,
                            const char *computer)
{
  g_return_val_if_fail (computer != NULL, NULL);

  if (office_code == NULL || *office_code == '\0')
    return g_strdup (computer);
  if (counter == 0)
    /* Translators: an office code such as HN01, then the name of the station's computer. */
    return g_strdup_printf (_("%s, computer %s"), office_code, computer);
  /* Translators: an office code such as HN01, a counter number, then the name of the
   * station's computer. */
  return g_strdup_printf (_("%s, counter %u, computer %s"), office_code, counter, computer);
}
