/* pd-window-private.h: what the UI tests reach into. */
#pragma once

#include "pd-dossier-form.h"
#include "pd-photo-page.h"
#include "pd-queue-page.h"
#include "pd-scan-input.h"
#include "pd-sync-page.h"
#include "pd-window.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

PdQueuePage   *pd_window_get_queue_page (PdWindow *self);
PdDossierForm *pd_window_get_form       (PdWindow *self);
PdSyncPage    *pd_window_get_sync_page  (PdWindow *self);
AdwViewStack  *pd_window_get_view_stack (PdWindow *self);
PdPhotoPage   *pd_window_get_photo_page (PdWindow *self);
/* The error shown when the database could not be opened, or NULL. */
const GError  *pd_window_get_open_error (PdWindow *self);

/* The keyboard-scanner input of the window: tests feed it keys with
 * pd_scan_input_handle_key(). */
PdScanInput   *pd_window_get_scan_input (PdWindow *self);
/* What every scan goes through (keyboard readers, the camera): reads @text and fills or
 * checks the form. */
void           pd_window_handle_scan    (PdWindow   *self,
                                         const char *text);
/* The last message a scan showed (a toast), or NULL. */
const char    *pd_window_get_scan_message (PdWindow *self);

/* The store setting that makes a station that is not enrolled an assisted-entry station
 * ("volunteer"); any other value, or none, makes it a counter of its own. */
#define PD_WINDOW_SETTING_STATION_ROLE "station.role"

/* Who works at the window; normally read from the signed-in officer (or the station's role)
 * when the database opens. Setting it here keeps it. */
void           pd_window_set_role       (PdWindow   *self,
                                         PdRole      role,
                                         const char *actor);
PdRole         pd_window_get_role       (PdWindow   *self);

/* In place of the office's queue (tests, benchmarks): returns the number of the next waiting
 * ticket (transfer full), taking it off the queue, or NULL when nobody waits. "win.call-next"
 * asks it. */
typedef char *(*PdWindowTicketFunc) (gpointer user_data);
void           pd_window_set_ticket_source (PdWindow          *self,
                                            PdWindowTicketFunc func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

/* The application accepted last in this window, or NULL. */
PdDossier     *pd_window_get_last_accepted (PdWindow *self);
/* Whether a round started by Call Next is under way (ends when the papers are printed). */
gboolean       pd_window_get_in_round   (PdWindow   *self);
/* What scanning a station key at the counter does once confirmed: trusts its declarations.
 * Supervisors only (or an officer of a station that is not enrolled). */
gboolean       pd_window_trust_station_key (PdWindow   *self,
                                            const char *text);

/* The sync engine of an enrolled station (NULL otherwise, or until the database is open): made
 * by the window, which starts its background passes unless PASSDESK_NO_BACKGROUND_SYNC=1.
 * A scanned declaration code not in the store is fetched through it. */
PdSyncEngine  *pd_window_get_sync_engine (PdWindow *self);

G_END_DECLS
