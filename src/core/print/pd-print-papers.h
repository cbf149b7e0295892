/* pd-print-papers.h: the papers an office hands out, built as PdPrintDocuments.
 *
 *  - the appointment slip for the result (giấy hẹn trả kết quả), A5;
 *  - the fee receipt (biên lai thu lệ phí), A6;
 *  - the queue ticket (phiếu thứ tự), 80 mm roll;
 *  - the appointment slip for a later visit (giấy hẹn) when the day is full, A6;
 *  - the assisted-entry declaration slip with the signed declaration QR code, A6.
 *
 * The labels follow the interface language (gettext); the national motto, amounts in words
 * and the data stay as they are. The queue ticket's QR code holds
 * "PDT1|OFFICE|NUMBER|ISSUED" (ISSUED in ISO 8601 with its offset), the visit slip's
 * "PDV1|OFFICE|REFERENCE|YYYY-MM-DD|HH:MM-HH:MM", the result slip's the application code.
 */
#pragma once

#include <glib.h>

#include "pd-calendar.h"
#include "pd-print-document.h"
#include "pd-types.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;       /* e.g. "Phòng Quản lý xuất nhập cảnh Công an tỉnh X" */
  const char *address;    /* nullable */
  const char *phone;      /* nullable */
} PdPrintOffice;

typedef struct {
  PdPrintOffice  office;
  const char    *application_code;/* the application's number, else its declaration code */
  const char    *declaration_code;/* nullable: printed besides a different application code */
  const char    *full_name;
  const char    *birth_date;      /* nullable; dd/mm/yyyy as printed */
  const char    *request;         /* what was applied for */
  GDate          accepted;
  GDate          ready;
  gboolean       ready_estimated; /* the holidays up to @ready are not all confirmed */
  gint64         fee;             /* đồng; negative when none was collected */
  const char    *officer;         /* nullable */
  const char    *counter;         /* nullable */
  gboolean       reprint;         /* marked as a copy of the paper given at acceptance */
} PdResultSlip;

typedef struct {
  PdPrintOffice  office;
  const char    *number;          /* the receipt number */
  const char    *payer;
  const char    *payer_address;   /* nullable; in full, commune and province included */
  const char    *item;            /* the fee, as named in the fee table */
  const char    *application_code;/* nullable */
  gint64         amount;          /* đồng */
  GDate          date;
  const char    *officer;         /* nullable */
  gboolean       reprint;         /* marked as a copy of the paper given at acceptance */
} PdFeeReceipt;

typedef struct {
  PdPrintOffice  office;
  const char    *office_code;     /* for the QR code */
  const char    *service;
  const char    *number;          /* e.g. "A-017" */
  GDateTime     *issued;
  guint          waiting_ahead;
} PdQueueTicket;

typedef struct {
  PdPrintOffice  office;
  const char    *office_code;     /* for the QR code */
  const char    *reference;       /* the appointment's number */
  const char    *full_name;       /* nullable */
  const char    *service;
  GDate          date;
  const char    *from_time;       /* "HH:MM" */
  const char    *to_time;         /* "HH:MM" */
} PdVisitSlip;

typedef struct {
  PdPrintOffice  office;          /* the station; name nullable */
  const char    *qr_text;         /* the signed declaration QR code, "PDQ1:…" */
  const char    *declaration_code;/* nullable */
  const char    *full_name;
  const char    *birth_date;      /* nullable; dd/mm/yyyy */
  const char    *id_number;       /* nullable; printed masked but for the last 4 digits */
  const char    *request;         /* nullable */
  GDateTime     *signed_at;       /* nullable */
} PdDeclarationSlip;

PdPrintDocument *pd_print_result_slip_new       (const PdResultSlip      *slip,
                                                 GError                 **error);
PdPrintDocument *pd_print_fee_receipt_new       (const PdFeeReceipt      *receipt,
                                                 GError                 **error);
PdPrintDocument *pd_print_queue_ticket_new      (const PdQueueTicket     *ticket,
                                                 GError                 **error);
PdPrintDocument *pd_print_visit_slip_new        (const PdVisitSlip       *slip,
                                                 GError                 **error);
PdPrintDocument *pd_print_declaration_slip_new  (const PdDeclarationSlip *slip,
                                                 GError                 **error);

/* The office on the papers from @store's settings: "office-name", "office-address" and
 * "office-phone" where set (passdesk-cli settings), else what the enrollment gave. The
 * strings stay owned by @owned (three of them, freed by the caller). */
void             pd_print_office_from_store            (PdStore             *store,
                                                        PdPrintOffice       *office,
                                                        char                *owned[3]);

/* From a dossier, as it was accepted, so that a reprint on any day, from the app or the CLI,
 * gives the same paper: the application code is its application number (else its declaration
 * code, else its UUID); the request is named as on the form; the fee comes from the dossier's
 * fee code (or the first fee of its request type) in @reference. The acceptance day and the
 * ready date are those stored at acceptance; @accepted (and @processing in @calendar for the
 * ready date) only stand in for an application accepted before they were stored. */
PdPrintDocument *pd_print_result_slip_new_for_dossier  (PdDossier           *dossier,
                                                        PdReference         *reference,
                                                        PdCalendar          *calendar,
                                                        const PdPrintOffice *office,
                                                        PdProcessing         processing,
                                                        const GDate         *accepted,
                                                        gboolean             reprint,
                                                        GError             **error);
/* The receipt's number is the application number (@number, nullable, for a receipt made by
 * hand); its date the acceptance day (@date stands in as above). */
PdPrintDocument *pd_print_fee_receipt_new_for_dossier  (PdDossier           *dossier,
                                                        PdReference         *reference,
                                                        const PdPrintOffice *office,
                                                        const char          *number,
                                                        const GDate         *date,
                                                        gboolean             reprint,
                                                        GError             **error);

G_END_DECLS
