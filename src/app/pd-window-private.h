/* pd-window-private.h: what the UI tests reach into. */
#pragma once

#include "pd-dossier-form.h"
#include "pd-photo-page.h"
#include "pd-queue-page.h"
#include "pd-scan-input.h"
#include "pd-sync-page.h"
#include "pd-window.h"

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

G_END_DECLS
