/* pd-window.h */
#pragma once

#include <adwaita.h>

#include "pd-application.h"
#include "pd-day-report-printer.h"
#include "pd-declaration-printer.h"
#include "pd-print-queue.h"
#include "pd-reopener.h"
#include "pd-store.h"
#include "pd-trip-preparation.h"

G_BEGIN_DECLS

#define PD_TYPE_WINDOW (pd_window_get_type ())
G_DECLARE_FINAL_TYPE (PdWindow, pd_window, PD, WINDOW, AdwApplicationWindow)

PdWindow *pd_window_new       (PdApplication *application,
                               const char    *database_path);
/* NULL until the database is open. */
PdStore  *pd_window_get_store (PdWindow      *self);

/* What the window prints with, and the work it hands out; each reports through its signals. */
PdPrintQueue         *pd_window_get_print_queue         (PdWindow *self);
PdDeclarationPrinter *pd_window_get_declaration_printer (PdWindow *self);
PdDayReportPrinter   *pd_window_get_day_report_printer  (PdWindow *self);
PdTripPreparation    *pd_window_get_trip_preparation    (PdWindow *self);
PdReopener           *pd_window_get_reopener            (PdWindow *self);

G_END_DECLS
