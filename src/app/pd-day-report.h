/* pd-day-report.h: the day report's paper and the dialog that chooses its day (the counting
 * is pd-day-count.h's). */
#pragma once

#include <adwaita.h>

#include "pd-day-count.h"
#include "pd-print-document.h"

G_BEGIN_DECLS

/* The report as an A5 paper; @office and @station (both nullable) head it. */
PdPrintDocument *pd_day_report_build (const PdDayReport *report,
                                      const GDate       *day,
                                      const char        *office,
                                      const char        *station);

/* A dialog to choose the day of the report: today, or a day before, from a calendar or typed
 * as DD/MM/YYYY. "print" (GDate *day) is emitted when the officer prints; the dialog then
 * closes. */
#define PD_TYPE_DAY_REPORT_DIALOG (pd_day_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdDayReportDialog, pd_day_report_dialog, PD, DAY_REPORT_DIALOG, AdwWindow)

PdDayReportDialog *pd_day_report_dialog_new (GtkWindow *parent);

G_END_DECLS
