/* pd-day-report-private.h: what the UI tests reach into. */
#pragma once

#include "pd-day-report.h"

G_BEGIN_DECLS

/* Where the day is typed, and what the dialog says about it (NULL when it is fine). */
GtkEditable *pd_day_report_dialog_get_day_editable (PdDayReportDialog *self);
const char  *pd_day_report_dialog_get_message      (PdDayReportDialog *self);
/* What the Print button does: FALSE, with the message shown, when the day is not one that
 * can be reported. */
gboolean     pd_day_report_dialog_print            (PdDayReportDialog *self);

G_END_DECLS
