/* pd-window.h: the main window: the pages of the station it works at, and what it tells the officer. */
#pragma once

#include <adwaita.h>

#include "pd-application.h"
#include "pd-scan-input.h"
#include "pd-station.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_WINDOW (pd_window_get_type ())
G_DECLARE_FINAL_TYPE (PdWindow, pd_window, PD, WINDOW, AdwApplicationWindow)

PdWindow   *pd_window_new              (PdApplication *application,
                                        const char    *database_path);
/* NULL until the database is open and the pages show it. */
PdStore    *pd_window_get_store        (PdWindow      *self);
/* What the window works with: store, who works here, sync engine, queue (see pd-station.h). */
PdStation  *pd_window_get_station      (PdWindow      *self);
/* What every scan goes through (keyboard readers, the camera): the station reads @text
 * (pd_station_apply_scan()), the window shows the result: fills or checks the form. */
void        pd_window_handle_scan      (PdWindow      *self,
                                        const char    *text);
/* The keyboard readers' input: what they type goes to pd_window_handle_scan() (tests feed it
 * keys with pd_scan_input_handle_key()). */
PdScanInput *pd_window_get_scan_input  (PdWindow      *self);
/* The last message the window showed the officer (a toast), or NULL. */
const char *pd_window_get_scan_message (PdWindow      *self);

G_END_DECLS
