/* pd-day-report.h: the dialog that chooses the day of the day report (the counting is
 * pd-day-count.h's, the paper pd-print-day-report.h's). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A dialog to choose the day of the report: today, or a day before, from a calendar or typed
 * as DD/MM/YYYY. "print" (GDate *day) is emitted when the officer prints; the dialog then
 * closes. */
#define PD_TYPE_DAY_REPORT_DIALOG (pd_day_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdDayReportDialog, pd_day_report_dialog, PD, DAY_REPORT_DIALOG, AdwWindow)

PdDayReportDialog *pd_day_report_dialog_new (GtkWindow *parent);

G_END_DECLS
