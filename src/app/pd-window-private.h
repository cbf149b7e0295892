/* pd-window-private.h: what the UI tests reach into. */
#pragma once

#include "pd-day-report.h"
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
/* The dialog that reads codes with @camera (NULL: the first camera plugged in) and hands the
 * first one read to pd_window_handle_scan(). */
GtkWindow     *pd_window_scan_with_camera (PdWindow *self,
                                           PdCamera *camera);
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

/* With a folder set, the papers printed after an acceptance are written there as PDF files
 * ("result-slip-UUID.pdf", "fee-receipt-UUID.pdf") instead of going through the print
 * dialog: for tests, and for offices that print from the files. */
void           pd_window_set_print_export_dir (PdWindow   *self,
                                               const char *directory);
/* The papers printed (or exported) since the window opened. */
guint          pd_window_get_n_printed  (PdWindow   *self);
/* The application accepted last in this window, or NULL. */
PdDossier     *pd_window_get_last_accepted (PdWindow *self);
/* Whether a round started by Call Next is under way (ends when the papers are printed). */
gboolean       pd_window_get_in_round   (PdWindow   *self);
/* Reopens a refused application, or an accepted one whose packet has not left (back to DRAFT,
 * with @reason in its history, the packet withdrawn: pd_store_reopen()): supervisors only.
 * Returns FALSE with a message shown when the role does not allow it; a status the store
 * refuses is told once it has answered. */
gboolean       pd_window_reopen         (PdWindow   *self,
                                         PdDossier  *dossier,
                                         const char *reason);

/* Assisted entry. "win.print-declaration" signs the form's declaration with the station key
 * (see pd-station-key.h) and prints the slip with its QR code; this is the QR text printed
 * last, or NULL. "win.station-key" prints the station's key as a QR code; this is its text. */
const char    *pd_window_get_last_declaration_qr (PdWindow *self);
const char    *pd_window_get_station_key_text    (PdWindow *self);
/* What scanning a station key at the counter does once confirmed: trusts its declarations.
 * Supervisors only (or an officer of a station that is not enrolled). */
gboolean       pd_window_trust_station_key (PdWindow   *self,
                                            const char *text);

/* The sync engine of an enrolled station (NULL otherwise, or until the database is open): made
 * by the window, which starts its background passes unless PASSDESK_NO_BACKGROUND_SYNC=1.
 * A scanned declaration code not in the store is fetched through it. */
PdSyncEngine  *pd_window_get_sync_engine (PdWindow *self);

/* "win.day-report" (Ctrl+Shift+E) prints today's report; this prints @day's. The counts of
 * the last report made are kept for pd_window_get_day_report(). */
void           pd_window_print_day_report (PdWindow    *self,
                                           const GDate *day);
gboolean       pd_window_get_day_report   (PdWindow    *self,
                                           PdDayReport *report);

/* A mobile team's trip (see pd-trip.h): "win.prepare-trip" asks for the communes; this does
 * the rest. The counts are those of the last preparation that finished. */
void           pd_window_prepare_trip    (PdWindow           *self,
                                          const char * const *communes);
gboolean       pd_window_get_trip_counts (PdWindow           *self,
                                          guint              *n_chosen,
                                          guint              *n_total);

G_END_DECLS
