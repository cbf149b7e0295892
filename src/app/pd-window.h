/* pd-window.h: the main window: the pages of the station it works at, and what it tells the officer. */
#pragma once

#include <adwaita.h>

#include "pd-application.h"
#include "pd-day-report-printer.h"
#include "pd-declaration-printer.h"
#include "pd-print-queue.h"
#include "pd-reopener.h"
#include "pd-scan-input.h"
#include "pd-station.h"
#include "pd-store.h"
#include "pd-trip-preparation.h"

G_BEGIN_DECLS

#define PD_TYPE_WINDOW (pd_window_get_type ())
G_DECLARE_FINAL_TYPE (PdWindow, pd_window, PD, WINDOW, AdwApplicationWindow)

PdWindow   *pd_window_new              (PdApplication *application,
                                        const char    *database_path);
/* NULL until the database is open and the pages show it. */
PdStore    *pd_window_get_store        (PdWindow      *self);
/* What the window works with: store, who works here, sync engine, queue (see pd-station.h). */
PdStation  *pd_window_get_station      (PdWindow      *self);
/* The entrance reads the station's ticket letter and its queue again (set in Preferences). */
void        pd_window_reload_entrance  (PdWindow      *self);
/* What every scan goes through (keyboard readers, the camera): the station reads @text
 * (pd_station_apply_scan()), the window shows the result: fills or checks the form. */
void        pd_window_handle_scan      (PdWindow      *self,
                                        const char    *text);
/* The keyboard readers' input: what they type goes to pd_window_handle_scan() (tests feed it
 * keys with pd_scan_input_handle_key()). */
PdScanInput *pd_window_get_scan_input  (PdWindow      *self);
/* The last message the window showed the officer (a toast), or NULL. */
const char *pd_window_get_scan_message (PdWindow      *self);

/* Who the header says works here: the officer's name, or that nobody is signed in. */
const char *pd_window_get_officer_label (PdWindow     *self);

/* What the window prints with, and the work it hands out; each reports through its signals. */
PdPrintQueue         *pd_window_get_print_queue         (PdWindow *self);
PdDeclarationPrinter *pd_window_get_declaration_printer (PdWindow *self);
PdDayReportPrinter   *pd_window_get_day_report_printer  (PdWindow *self);
PdTripPreparation    *pd_window_get_trip_preparation    (PdWindow *self);
PdReopener           *pd_window_get_reopener            (PdWindow *self);
/* The application accepted last in this window, or NULL. */
PdDossier            *pd_window_get_last_accepted       (PdWindow *self);
/* Whether a round started by Call Next is under way (ends when the papers are printed). */
gboolean              pd_window_get_in_round            (PdWindow *self);

G_END_DECLS
