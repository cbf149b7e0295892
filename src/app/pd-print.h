/* pd-print.h: prints, previews or exports a PdPrintDocument through GtkPrintOperation.
 *
 * The page setup follows the document's paper (A5, A6, or a roll cut to the content's
 * length) with no margins of the printer's own: the document keeps its margins.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-print-document.h"

G_BEGIN_DECLS

typedef enum {
  PD_PRINT_ACTION_DIALOG,   /* the print dialog, which offers a preview */
  PD_PRINT_ACTION_PREVIEW,  /* straight to the preview */
  PD_PRINT_ACTION_EXPORT,   /* write a PDF file without asking */
} PdPrintAction;

/* @export_path: the PDF file for PD_PRINT_ACTION_EXPORT, else NULL. @parent is nullable. */
void     pd_print_document_async  (GtkWindow           *parent,
                                   PdPrintDocument     *document,
                                   PdPrintAction        action,
                                   const char          *export_path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
/* FALSE with G_IO_ERROR_CANCELLED when the user closed the dialog without printing. */
gboolean pd_print_document_finish (GAsyncResult        *result,
                                   GError             **error);
/* (nullable): once printed through the dialog, the printer chosen there and the PPD name of its
 * paper (@paper, nullable, set to NULL when the paper has none, as a custom roll). */
const char *pd_print_document_get_printer (GAsyncResult  *result,
                                           const char   **paper);

G_END_DECLS
