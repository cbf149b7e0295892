/* pd-print-remembered.h: a paper printed to the printer remembered for its kind, without a
 * dialog; the dialog when nothing is remembered, when asked, or when that printer is gone.
 *
 * The kinds are "slip" and "receipt" (an acceptance's papers, at the counter) and "ticket"
 * (the entrance's tickets and appointment slips, on its roll printer). The printer (a CUPS
 * destination) and paper chosen in the dialog are remembered for the kind in
 * ~/.config/passdesk/printers.ini ([kind] printer=, paper=), then used through libcups.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-print-document.h"

G_BEGIN_DECLS

/* What to tell the user while printing goes on (a remembered printer gone, the dialog next). */
typedef void (*PdPrintNoticeFunc) (const char *text,
                                   gpointer    user_data);

/* @parent: the dialog's, if one is needed; @ask: the dialog whatever is remembered; @notice
 * (nullable) and @notice_data: must stay valid until @callback runs. */
void     pd_print_remembered_async  (GtkWindow           *parent,
                                     PdPrintDocument     *document,
                                     const char          *kind,
                                     gboolean             ask,
                                     PdPrintNoticeFunc    notice,
                                     gpointer             notice_data,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* FALSE with G_IO_ERROR_CANCELLED when the dialog was closed without printing. */
gboolean pd_print_remembered_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
