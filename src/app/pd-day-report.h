/* pd-day-report.h: what a station did on one day, for the team's evening report. */
#pragma once

#include <glib.h>

#include "pd-print-document.h"
#include "pd-store.h"

G_BEGIN_DECLS

typedef struct {
  guint taken;      /* accepted on the day */
  guint pending;    /* of those, still waiting to be sent */
  guint synced;     /* of those, sent to or confirmed by the central system */
  guint rejected;   /* of those, rejected by the central system */
  guint refused;    /* refused at the station on the day */
  guint on_hold;    /* put on hold on the day and not resumed since */
} PdDayReport;

/* Counts from the status history of the applications changed since @day began. Blocks on
 * the store: from a worker thread. */
gboolean         pd_day_report_count (PdStore      *store,
                                      const GDate  *day,
                                      PdDayReport  *report,
                                      GError      **error);
/* The report as an A5 paper; @office and @station (both nullable) head it. */
PdPrintDocument *pd_day_report_build (const PdDayReport *report,
                                      const GDate       *day,
                                      const char        *office,
                                      const char        *station);

G_END_DECLS
