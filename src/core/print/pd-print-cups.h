/* pd-print-cups.h: a paper sent to a CUPS printer as a PDF file, without a dialog.
 *
 * The server is libcups's default: CUPS_SERVER, else the client.conf, else the local one.
 */
#pragma once

#include <gio/gio.h>

#include "pd-print-document.h"

G_BEGIN_DECLS

/* Whether @printer is a destination of the CUPS server (a worker thread asks it): GTK's
 * "Print to File" is not. */
void     pd_print_cups_find_printer_async  (const char          *printer,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean pd_print_cups_find_printer_finish (GAsyncResult        *result,
                                            GError             **error);
/* Renders @document to a PDF file (here, on the caller's thread: the layout uses Pango) and
 * submits it to @printer on a worker thread; G_IO_ERROR_NOT_FOUND when the server has no
 * such printer (any more). @media (nullable): a PWG media name such as
 * "iso_a5_148x210mm"; NULL keeps the printer's own paper. */
void     pd_print_cups_print_async (PdPrintDocument     *document,
                                    const char          *printer,
                                    const char          *media,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean pd_print_cups_print_finish (GAsyncResult       *result,
                                     GError            **error);

G_END_DECLS
