/* pd-window-private.h: the window's parts for its own files (pd-window.c, pd-window-actions.c). */
#pragma once

#include "pd-camera-view.h"
#include "pd-day-report.h"
#include "pd-dossier-form.h"
#include "pd-entrance-page.h"
#include "pd-photo-page.h"
#include "pd-queue-page.h"
#include "pd-slip-photo.h"
#include "pd-sync-indicator.h"
#include "pd-sync-page.h"
#include "pd-window.h"

G_BEGIN_DECLS

struct _PdWindow
{
  AdwApplicationWindow  parent_instance;

  GtkStack             *main_stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkLabel             *error_detail;
  AdwViewStack         *view_stack;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *call_next_button;
  PdQueuePage          *queue_page;
  PdDossierForm        *form;
  PdSyncPage           *sync_page;
  PdEntrancePage       *entrance_page;
  PdPhotoPage          *photo_page;
  PdSyncIndicator      *sync_indicator;

  /* "Read a Code with the Camera": the dialog and its camera, while open. */
  GtkWindow            *camera_dialog;
  PdCamera             *code_camera;

  char                 *database_path;
  PdStation            *station;
  PdStore              *store;           /* the station's, once the pages have it */
  GCancellable         *cancellable;
  GSettings            *settings;

  PdScanInput          *scan_input;
  char                 *scan_message;
  /* A declaration waiting for the officer to agree to replace the form being typed. */
  PdDossier            *pending_declaration;

  /* The counter's round: Call Next starts it, the printed papers end it. */
  gboolean              calling_next;
  gboolean              in_round;
  gboolean              print_after_accept;
  char                 *print_export_dir;
  GPtrArray            *print_queue;     /* PdPrintDocument still to print */
  char                 *print_done;      /* what to say once the queue is printed */
  gboolean              clear_after_print; /* the citizen's data leaves the public screen */
  guint                 n_printed;
  PdDossier            *last_accepted;
  char                 *last_declaration_qr;
  /* Assisted entry: the failed checks and reason of a photo used anyway, for the counter. */
  char                 *photo_override;
  /* The counter: the code of the slip just scanned, and the fetch of its photo. */
  char                 *slip_code;
  PdSlipPhoto          *slip_photo;
  char                 *station_key_text;
  PdDayReport           day_report;
  guint                 trip_chosen;
  guint                 trip_total;
  gboolean              trip_ready;
  gboolean              have_day_report;

  /* PASSDESK_EXIT_AFTER_FIRST_FRAME: see pd_window_map(). */
  gboolean              exit_after_ready;
  gboolean              first_frame_seen;
  gulong                after_paint_id;
};

/* pd-window-actions.c: installs the "win." actions and their shortcuts on @widget_class. */
void           pd_window_class_install_actions (GtkWidgetClass *widget_class);
/* Enables what needs the store (@enabled: it is open). */
void           pd_window_set_actions_enabled   (PdWindow   *self,
                                                gboolean    enabled);
/* Opens the station's store, showing the spinner meanwhile and the error, if any, after. */
void           pd_window_open_store            (PdWindow   *self);
/* A toast for the officer, kept for pd_window_get_scan_message(). */
void           pd_window_show_message          (PdWindow   *self,
                                                const char *message);
/* This counter's name in the office's queue: its number, or the computer's name. */
char          *pd_window_get_counter_name      (PdWindow   *self);

/* What the tests still reach (printing, reopening, the day report, the trip, the camera). */

/* The dialog that reads codes with @camera (NULL: the first camera plugged in) and hands the
 * first one read to pd_window_handle_scan(). */
GtkWindow     *pd_window_scan_with_camera (PdWindow *self,
                                           PdCamera *camera);
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
