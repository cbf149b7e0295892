/* pd-day-report-printer.h: counts what a station did on a day and prints it as the day report
 * (see pd-print-day-report.h), through a PdPrintQueue as "day-report-YYYY-MM-DD".
 *
 * Signal "message" (const char *text): what to tell the officer when it cannot be counted.
 */
#pragma once

#include <gio/gio.h>

#include "pd-print-day-report.h"
#include "pd-print-queue.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_DAY_REPORT_PRINTER (pd_day_report_printer_get_type ())
G_DECLARE_FINAL_TYPE (PdDayReportPrinter, pd_day_report_printer, PD, DAY_REPORT_PRINTER, GObject)

/* Nothing more is counted or printed once @cancellable (nullable) is cancelled. */
PdDayReportPrinter *pd_day_report_printer_new        (PdPrintQueue       *queue,
                                                      GCancellable       *cancellable);
/* @settings: the application's, which name the office and the counter on the report. */
void                pd_day_report_printer_print      (PdDayReportPrinter *self,
                                                      PdStore            *store,
                                                      GSettings          *settings,
                                                      const GDate        *day);
/* The counts of the last report made; FALSE before the first. */
gboolean            pd_day_report_printer_get_report (PdDayReportPrinter *self,
                                                      PdDayReport        *report);

G_END_DECLS
