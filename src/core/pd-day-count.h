/* pd-day-count.h: what a station did on one day, for the team's evening report. */
#pragma once

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
/* How the report names a station for the team leader: @office_code (nullable), @counter
 * (0: none) and @computer, the name the station's computer goes by; never its device id. */
char            *pd_day_report_station_name (const char *office_code,
                                             guint       counter,
                                             const char *computer);

G_END_DECLS
