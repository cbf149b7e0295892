/* pd-code-reader-dialog.h: a dialog that reads one code (an ID card's QR code, a declaration's)
 * with a camera, then closes.
 *
 * The camera starts once the dialog is shown and stops when it closes. Signal "code-read"
 * (const char *text): the first code read, emitted once, before the dialog is destroyed.
 */
#pragma once

#include <adwaita.h>

#include "capture/pd-camera.h"

G_BEGIN_DECLS

#define PD_TYPE_CODE_READER_DIALOG (pd_code_reader_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdCodeReaderDialog, pd_code_reader_dialog, PD, CODE_READER_DIALOG, AdwWindow)

/* @camera (nullable): NULL for the first camera plugged in. */
PdCodeReaderDialog *pd_code_reader_dialog_new        (GtkWindow          *parent,
                                                      PdCamera           *camera);
/* The camera the dialog reads with: made when it is first shown if none was given. */
PdCamera           *pd_code_reader_dialog_get_camera (PdCodeReaderDialog *self);
/* Replaces the camera, started at once when the dialog is shown. */
void                pd_code_reader_dialog_set_camera (PdCodeReaderDialog *self,
                                                      PdCamera           *camera);

G_END_DECLS
