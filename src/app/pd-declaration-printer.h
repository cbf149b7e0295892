/* pd-declaration-printer.h: an assisted-entry station's papers: the declaration slip, whose QR
 * code carries the form's declaration signed with the station key (see pd-station-key.h), and
 * the station key itself as a QR code for the counters' supervisors to scan. Both go through a
 * PdPrintQueue; once the slip is printed, the queue says PD_PRINT_JOB_SLIP is finished.
 *
 * Signal "message" (const char *text): what to tell the volunteer when nothing is printed.
 */
#pragma once

#include <gio/gio.h>

#include "pd-dossier-form.h"
#include "pd-print-queue.h"
#include "pd-store.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

#define PD_TYPE_DECLARATION_PRINTER (pd_declaration_printer_get_type ())
G_DECLARE_FINAL_TYPE (PdDeclarationPrinter, pd_declaration_printer, PD, DECLARATION_PRINTER, GObject)

/* @form: the window's, which outlives the printer. Nothing more is signed or printed once
 * @cancellable (nullable) is cancelled. */
PdDeclarationPrinter *pd_declaration_printer_new                (PdPrintQueue         *queue,
                                                                 PdDossierForm        *form,
                                                                 GCancellable         *cancellable);
/* Signs and prints the form's declaration, refused while the form is blank or wrong. @engine
 * (nullable): an enrolled station's, which also sends the declaration with its photo for the
 * counter to fetch by the code in the QR code; @photo_override (nullable): the failed checks
 * and reason of a photo used anyway, sent with it. */
void                  pd_declaration_printer_print_declaration  (PdDeclarationPrinter *self,
                                                                 PdStore              *store,
                                                                 PdSyncEngine         *engine,
                                                                 const char           *photo_override);
void                  pd_declaration_printer_print_station_key  (PdDeclarationPrinter *self,
                                                                 PdStore              *store);
/* The QR text of the slip printed last, and the key text printed last, or NULL. */
const char           *pd_declaration_printer_get_last_qr        (PdDeclarationPrinter *self);
const char           *pd_declaration_printer_get_station_key_text (PdDeclarationPrinter *self);

G_END_DECLS
