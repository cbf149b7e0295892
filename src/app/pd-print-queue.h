/* pd-print-queue.h: the papers a station prints, one after the other, through the print dialog
 * or exported to a folder as PDF files.
 *
 * A paper of a kind ("slip", "receipt") goes to the printer remembered for it, without the
 * dialog (pd-print-remembered.h).
 *
 * A new job replaces whatever was still waiting. A document not printed (the dialog closed, a
 * printer's error) ends the job: the rest is dropped and "message" says how to print again.
 *
 * Signals:
 * "finished" (PdPrintJob job): every document of @job was printed, before "message" says so.
 * "message" (const char *text): what to tell the officer.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-dossier.h"
#include "pd-print-document.h"
#include "pd-store.h"

G_BEGIN_DECLS

typedef enum {
  PD_PRINT_JOB_PAPERS,   /* an acceptance's result slip and fee receipt */
  PD_PRINT_JOB_SLIP,     /* a public station's declaration slip: its data leaves the screen once printed */
  PD_PRINT_JOB_OTHER,    /* the station's key, a day report */
} PdPrintJob;

#define PD_TYPE_PRINT_JOB (pd_print_job_get_type ())
GType pd_print_job_get_type (void) G_GNUC_CONST;

/* A document, the name of its PDF file without ".pdf" when it is exported, and its kind
 * (pd-print-remembered.h; NULL: the dialog every time, nothing remembered). */
typedef struct {
  PdPrintDocument *document;
  const char      *file;
  const char      *kind;
} PdPrintQueueItem;

#define PD_TYPE_PRINT_QUEUE (pd_print_queue_get_type ())
G_DECLARE_FINAL_TYPE (PdPrintQueue, pd_print_queue, PD, PRINT_QUEUE, GObject)

/* @parent: the print dialog's (not kept alive by the queue). Nothing more is printed, nor
 * said, once @cancellable (nullable) is cancelled. */
PdPrintQueue *pd_print_queue_new            (GtkWindow              *parent,
                                             GCancellable           *cancellable);
/* With a folder set, the documents are written there as PDF files instead of going through
 * the print dialog: for tests, and for offices that print from the files. */
void          pd_print_queue_set_export_dir (PdPrintQueue           *self,
                                             const char             *directory);
const char   *pd_print_queue_get_export_dir (PdPrintQueue           *self);
/* The next job opens the print dialog for each of its papers, whatever is remembered
 * ("Print With Options…"); the printer chosen there is remembered. */
void          pd_print_queue_ask_next       (PdPrintQueue           *self);
/* The documents printed (or exported) since the queue was made. */
guint         pd_print_queue_get_n_printed  (PdPrintQueue           *self);
/* @done (nullable): what to say once the last one is printed. */
void          pd_print_queue_print          (PdPrintQueue           *self,
                                             PdPrintJob              job,
                                             const PdPrintQueueItem *items,
                                             guint                   n_items,
                                             const char             *done);
/* The papers of @dossier, accepted: "result-slip-UUID" and "fee-receipt-UUID", or, marked
 * as such, "…-reprint" when @reprint (Ctrl+P). FALSE when they cannot be made; nothing is
 * printed then. */
gboolean      pd_print_queue_print_papers   (PdPrintQueue           *self,
                                             PdStore                *store,
                                             PdDossier              *dossier,
                                             gboolean                reprint,
                                             GError                **error);

G_END_DECLS
