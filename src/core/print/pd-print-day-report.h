/* pd-print-day-report.h: the day report's paper, shared by the app and passdesk-cli. */
#pragma once

#include <glib.h>

#include "pd-day-count.h"
#include "pd-print-document.h"

G_BEGIN_DECLS

/* The report as an A5 paper; @office and @station (both nullable) head it. */
PdPrintDocument *pd_day_report_build (const PdDayReport *report,
                                      const GDate       *day,
                                      const char        *office,
                                      const char        *station);

G_END_DECLS
