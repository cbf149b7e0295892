/* pd-sync-page.h: the exchange with the central system, as the officer sees it.
 *
 * With an engine (pd_sync_page_set_engine()), the page shows its state, what waits to be
 * sent, what was set aside and why, the last sync and the last error, with "Sync Now".
 * Without one (the station is not enrolled), it offers enrollment: the server address and
 * the one-time code from the administrator; when enrolled it emits "enrolled" with the
 * device, and whoever owns the engine makes one and gives it back with set_engine(). Once
 * enrolled, an officer can sign in from here; "signed-in" carries the officer.
 *
 * Applications the central system rejected are listed at the top with the reason and how to
 * reach the citizen until an officer marks each handled with a note.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-station.h"
#include "pd-store.h"
#include "sync/pd-officer.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

/* The store setting holding the unix time of the last successful exchange with the central
 * system; written by the sync engine. */
#define PD_SETTING_LAST_SYNC "sync.last-sync"

#define PD_TYPE_SYNC_PAGE (pd_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (PdSyncPage, pd_sync_page, PD, SYNC_PAGE, GtkWidget)

void          pd_sync_page_set_store     (PdSyncPage   *self,
                                          PdStore      *store,
                                          GSettings    *settings);
/* The page follows @station's engine and officer, and tells it of an enrollment or a sign-in
 * made here (before "enrolled" and "signed-in"). */
void          pd_sync_page_set_station   (PdSyncPage   *self,
                                          PdStation    *station);
/* (nullable) */
void          pd_sync_page_set_engine    (PdSyncPage   *self,
                                          PdSyncEngine *engine);
PdSyncEngine *pd_sync_page_get_engine    (PdSyncPage   *self);
void          pd_sync_page_reload        (PdSyncPage   *self);
/* Who is signed in at this station (nullable), said above the sign-in fields. */
void          pd_sync_page_set_officer   (PdSyncPage   *self,
                                          PdOfficer    *officer);
gboolean      pd_sync_page_get_loading   (PdSyncPage   *self);
/* -1 until loaded. */
gint64        pd_sync_page_get_n_waiting (PdSyncPage   *self);
/* Records, in a thread, that the rejection of application @id was handled, with @note (what
 * "Mark Handled…" does once the officer wrote it); the lists and counts follow. */
void          pd_sync_page_handle_rejection (PdSyncPage *self,
                                             gint64      id,
                                             const char *note);

G_END_DECLS
