/* pd-scanner-dialog.h: scans one document (an ID card side, an old passport's data page,
 * another paper) with a SANE scanner, shows it, and hands it to the caller.
 *
 * Signal "scanned" (const char *kind, const char *content_type, GBytes *data,
 * GdkPixbuf *picture): emitted when the officer accepts the scan, just before the dialog
 * closes; @kind is pd_sane_document_get_kind(), @data the picture as a JPEG file.
 */
#pragma once

#include <adwaita.h>

#include "capture/pd-sane.h"

G_BEGIN_DECLS

#define PD_TYPE_SCANNER_DIALOG (pd_scanner_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdScannerDialog, pd_scanner_dialog, PD, SCANNER_DIALOG, AdwWindow)

PdScannerDialog *pd_scanner_dialog_new          (GtkWindow       *parent);
PdSaneDocument   pd_scanner_dialog_get_document (PdScannerDialog *self);
void             pd_scanner_dialog_set_document (PdScannerDialog *self,
                                                 PdSaneDocument   document);

G_END_DECLS
