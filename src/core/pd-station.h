/* pd-station.h: what a window works with: store, enrollment, who works here, sync engine, queue.
 *
 * One PdStation per window, made before anything is shown (like GNOME Calendar's GcalContext).
 * It opens the store (pd_station_open_async()); an enrolled station gets its sync engine, which
 * starts its background passes unless PASSDESK_NO_BACKGROUND_SYNC=1 (tests drive the passes),
 * and the officer signed in; one that is not enrolled is a counter of its own, or an
 * assisted-entry station when the store setting PD_STATION_SETTING_ROLE says "volunteer".
 * Pages and dialogs read its properties and follow their notifications: "store", "open-error",
 * "enrolled", "sync-engine", "officer", "role", "actor". Scans become results here
 * (pd_station_apply_scan()) that the window only shows; "message" (utf8) tells what the station
 * is doing meanwhile (a declaration fetched from the central system).
 */
#pragma once

#include <gio/gio.h>

#include "pd-queue.h"
#include "pd-scan-router.h"
#include "pd-store.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-sync-client.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

/* The store setting that makes a station that is not enrolled an assisted-entry station
 * ("volunteer"); any other value, or none, makes it a counter of its own. */
#define PD_STATION_SETTING_ROLE "station.role"

#define PD_STATION_ERROR (pd_station_error_quark ())
typedef enum {
  PD_STATION_ERROR_NOT_ALLOWED,   /* the role working here may not do it */
} PdStationError;
GQuark pd_station_error_quark (void);

#define PD_TYPE_STATION (pd_station_get_type ())
G_DECLARE_FINAL_TYPE (PdStation, pd_station, PD, STATION, GObject)

PdStation    *pd_station_new               (const char    *database_path);
const char   *pd_station_get_database_path (PdStation     *self);

/* Opens the store (making its folder), then reads the enrollment and who works here; "store"
 * is notified once all of that is known. A failure is kept as "open-error"; call again to retry. */
void          pd_station_open_async        (PdStation           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      pd_station_open_finish       (PdStation           *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Cancels what the station is doing and stops the background passes: its window is going. */
void          pd_station_stop              (PdStation     *self);

/* NULL until open. */
PdStore      *pd_station_get_store         (PdStation     *self);
/* Why the store could not be opened, or NULL. */
const GError *pd_station_get_open_error    (PdStation     *self);

/* Enrollment: the engine of an enrolled station (NULL otherwise, or until open). The Sending
 * page, the header indicator, the entrance and the online declaration lookup share it. */
gboolean      pd_station_get_enrolled      (PdStation     *self);
PdSyncEngine *pd_station_get_sync_engine   (PdStation     *self);
/* The office's server, which calls tickets for all counters (NULL: not enrolled). */
PdSyncClient *pd_station_get_queue_client  (PdStation     *self);
/* The station was enrolled just now (from the Sending page): its engine is made. */
void          pd_station_enroll            (PdStation     *self,
                                            PdDevice      *device);

/* Who works here: read from the signed-in officer (enrolled), or the station's role; a role set
 * with pd_station_set_role() (tests) is kept whoever signs in. */
PdRole        pd_station_get_role          (PdStation     *self);
/* (nullable): the username of who works here. */
const char   *pd_station_get_actor         (PdStation     *self);
void          pd_station_set_role          (PdStation     *self,
                                            PdRole         role,
                                            const char    *actor);
/* (nullable) */
PdOfficer    *pd_station_get_officer       (PdStation     *self);
/* Why nobody may accept at an enrolled station, once open (nullable). */
const char   *pd_station_get_sign_in_problem (PdStation   *self);
/* An officer signed in (the sign-in dialog, the Sending page), or signed out. */
void          pd_station_sign_in           (PdStation     *self,
                                            PdOfficer     *officer);
void          pd_station_sign_out          (PdStation     *self);

/* The counter's queue */

/* In place of the office's queue (tests, benchmarks): returns the number of the next waiting
 * ticket (transfer full), taking it off the queue, or NULL when nobody waits. Set before the
 * store opens. */
typedef char *(*PdStationTicketFunc) (gpointer user_data);
void          pd_station_set_ticket_source (PdStation          *self,
                                            PdStationTicketFunc func,
                                            gpointer            user_data,
                                            GDestroyNotify      destroy);
/* The office's ticket queue as this store holds it (NULL with a ticket source, or until open). */
PdQueue      *pd_station_get_queue         (PdStation     *self);
/* Whether Call Next asks the office's server (pd_station_call_next_async()); otherwise
 * pd_station_call_next() answers at once. */
gboolean      pd_station_calls_through_server (PdStation  *self);
/* The next ticket for @counter, NULL when nobody waits or there is no queue at all (then
 * *@from_queue is FALSE); NULL with @error when the queue failed. */
char         *pd_station_call_next         (PdStation     *self,
                                            const char    *counter,
                                            gboolean      *from_queue,
                                            GError       **error);
/* Through the office's server: two counters never call the same applicant. When the server
 * cannot be reached, the ticket comes from this station's copy. */
void          pd_station_call_next_async   (PdStation           *self,
                                            const char          *counter,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Returns FALSE with @error, or TRUE with *@ticket (NULL: nobody waits). */
gboolean      pd_station_call_next_finish  (PdStation           *self,
                                            GAsyncResult        *result,
                                            char               **ticket,
                                            GError             **error);
/* The applicant of ticket @label was served at @counter: the ticket called last leaves the
 * queue (any other label is not this station's to close). */
void          pd_station_close_ticket      (PdStation     *self,
                                            const char    *label,
                                            const char    *counter);

/* Reads application @id whole (a list's rows hold no photo) in a worker thread. */
void          pd_station_load_dossier_async  (PdStation           *self,
                                              gint64               id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
PdDossier    *pd_station_load_dossier_finish (PdStation           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Assisted entry: declarations signed by the station key @key_id are trusted from now on.
 * Supervisors only (or an officer of a station that is not enrolled): else
 * PD_STATION_ERROR_NOT_ALLOWED, with what to do. Audited. */
gboolean      pd_station_trust_station_key (PdStation     *self,
                                            const char    *key_id,
                                            GBytes        *public_key,
                                            GError       **error);

/* Scans */

/* What scanning @text does to @dossier, the application on the form (@blank: nothing typed
 * yet): reads it with the keys this station trusts and pd_scan_apply(). Never NULL. */
PdScanResult *pd_station_apply_scan        (PdStation     *self,
                                            const char    *text,
                                            PdDossier     *dossier,
                                            gboolean       blank);
/* A scanned declaration code: the store's declaration, else the central system's through the
 * sync engine. The result is PD_SCAN_OUTCOME_DECLARATION, or PD_SCAN_OUTCOME_MESSAGE saying
 * why none; G_IO_ERROR_CANCELLED when a newer lookup replaced this one or the station stopped. */
void          pd_station_lookup_declaration_async  (PdStation           *self,
                                                    const char          *code,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
PdScanResult *pd_station_lookup_declaration_finish (PdStation           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
