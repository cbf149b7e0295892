/* pd-window-private.h: the window's parts for its own files (pd-window.c and pd-window-*.c). */
#pragma once

#include "pd-code-reader-dialog.h"
#include "pd-dossier-form.h"
#include "pd-entrance-page.h"
#include "pd-message-bar.h"
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
  GtkLabel             *serving_label;
  PdMessageBar         *message_bar;
  PdQueuePage          *queue_page;
  PdDossierForm        *form;
  PdSyncPage           *sync_page;
  PdEntrancePage       *entrance_page;
  PdPhotoPage          *photo_page;
  PdSyncIndicator      *sync_indicator;
  GtkWidget            *officer_button;
  GtkLabel             *officer_label;

  /* "Read a Code with the Camera", while open. */
  PdCodeReaderDialog   *code_dialog;

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
  PdPrintQueue         *print_queue;
  PdDossier            *last_accepted;
  /* Assisted entry: the failed checks and reason of a photo used anyway, for the counter. */
  char                 *photo_override;
  /* The counter: the code of the slip just scanned, and the fetch of its photo. */
  char                 *slip_code;
  PdSlipPhoto          *slip_photo;
  PdDeclarationPrinter *declaration_printer;
  PdDayReportPrinter   *day_report_printer;
  PdTripPreparation    *trip;
  PdReopener           *reopener;

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
/* "win.scan-camera": the dialog that reads a code with the first camera plugged in. */
void           pd_window_read_code_with_camera (PdWindow   *self);
/* This counter's name in the office's queue: its number, or the computer's name. */
char          *pd_window_get_counter_name      (PdWindow   *self);
/* pd-window-scan.c: makes the keyboard readers' input, whose codes go to pd_window_handle_scan(). */
void           pd_window_init_scan             (PdWindow   *self);
/* pd-window-round.c: follows the form's saves and the printed papers, which end the counter's round. */
void           pd_window_init_round            (PdWindow   *self);
/* pd-window-round.c: the ticket being served (NULL: nobody), in sight for the whole round. */
void           pd_window_set_serving           (PdWindow   *self,
                                                const char *ticket);
/* pd-window-round.c: installs "win.print-again" and "win.print-with-options" on @widget_class. */
void           pd_window_class_install_round_actions (GtkWidgetClass *widget_class);


G_END_DECLS
