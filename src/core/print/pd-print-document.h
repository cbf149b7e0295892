/* pd-print-document.h: a printed paper (slip, receipt, ticket) as a column of blocks laid
 * out with Pango on any cairo context: a PDF file, or a printer through GtkPrintOperation.
 *
 * Units: the cairo user unit is the point (1/72 inch), with the origin at the top-left corner
 * of the paper. A paper of fixed size (A5, A6) breaks into pages; a roll (thermal printers)
 * is one page as long as the content.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "pd-print-qr.h"

G_BEGIN_DECLS

typedef enum {
  PD_PRINT_PAPER_A5,
  PD_PRINT_PAPER_A6,
  PD_PRINT_PAPER_ROLL_80,    /* 80 mm thermal roll, 72 mm printable */
  PD_PRINT_PAPER_ROLL_58,    /* 58 mm thermal roll, 48 mm printable */
  PD_N_PRINT_PAPERS
} PdPrintPaper;

typedef enum {
  PD_PRINT_STYLE_BODY,
  PD_PRINT_STYLE_STRONG,     /* body text in bold */
  PD_PRINT_STYLE_SMALL,
  PD_PRINT_STYLE_TITLE,      /* the name of the paper */
  PD_PRINT_STYLE_HUGE,       /* a queue number read from across the room */
} PdPrintStyle;

typedef enum {
  PD_PRINT_ALIGN_LEFT,
  PD_PRINT_ALIGN_CENTER,
} PdPrintAlign;

#define PD_PRINT_ERROR (pd_print_error_quark ())
typedef enum {
  PD_PRINT_ERROR_TOO_SMALL,  /* something does not fit on the paper */
  PD_PRINT_ERROR_IO,
  PD_PRINT_ERROR_MISSING,    /* the data for the paper is incomplete */
} PdPrintError;
GQuark pd_print_error_quark (void);

/* "a5", "a6", "roll80", "roll58"; and back (PD_N_PRINT_PAPERS when unknown). */
const char   *pd_print_paper_to_string   (PdPrintPaper  paper);
PdPrintPaper  pd_print_paper_from_string (const char   *text);
/* The paper's width and height in millimetres; the height of a roll is 0. */
void          pd_print_paper_get_size    (PdPrintPaper  paper,
                                          double       *width_mm,
                                          double       *height_mm);

#define PD_TYPE_PRINT_DOCUMENT (pd_print_document_get_type ())
G_DECLARE_FINAL_TYPE (PdPrintDocument, pd_print_document, PD, PRINT_DOCUMENT, GObject)

/* Properties: "title" (the job name and the PDF's title), "paper". */
PdPrintDocument *pd_print_document_new          (const char       *title,
                                                 PdPrintPaper      paper);
const char      *pd_print_document_get_title    (PdPrintDocument  *self);
PdPrintPaper     pd_print_document_get_paper    (PdPrintDocument  *self);
void             pd_print_document_set_paper    (PdPrintDocument  *self,
                                                 PdPrintPaper      paper);

/* Building: blocks go one under the other. */
void             pd_print_document_add_text     (PdPrintDocument  *self,
                                                 PdPrintStyle      style,
                                                 PdPrintAlign      align,
                                                 const char       *text);
/* A label and its value side by side; the value wraps in its column. */
void             pd_print_document_add_row      (PdPrintDocument  *self,
                                                 const char       *label,
                                                 const char       *value);
/* The issuer on the left and the national motto on the right, as on official papers; stacked
 * on narrow paper. @issuer may hold several lines. */
void             pd_print_document_add_heading  (PdPrintDocument  *self,
                                                 const char       *issuer);
/* A QR code @size_mm wide (quiet zone included), centred; smaller on a narrow paper. Fails
 * when @text does not fit in a QR code. */
gboolean         pd_print_document_add_qr       (PdPrintDocument  *self,
                                                 const char       *text,
                                                 double            size_mm,
                                                 GError          **error);
void             pd_print_document_add_rule     (PdPrintDocument  *self);
void             pd_print_document_add_space    (PdPrintDocument  *self,
                                                 double            mm);
/* A space for a signature, with @caption above it and @name (nullable) under it, on the
 * right half of the page. */
void             pd_print_document_add_signature (PdPrintDocument *self,
                                                  const char      *caption,
                                                  const char      *name);

/* The QR codes of the document, in order (element-type PdPrintQr) (transfer none). */
GPtrArray       *pd_print_document_get_qr_codes (PdPrintDocument  *self);

/* Rendering. paginate() lays the blocks out with the fonts of @cr (its target decides font
 * options) and must come before the calls below; it fails when a block cannot fit the paper. */
gboolean         pd_print_document_paginate     (PdPrintDocument  *self,
                                                 cairo_t          *cr,
                                                 GError          **error);
guint            pd_print_document_get_n_pages  (PdPrintDocument  *self);
/* The size of the pages in millimetres: a roll's length is that of the content. */
void             pd_print_document_get_page_size (PdPrintDocument *self,
                                                  double          *width_mm,
                                                  double          *height_mm);
void             pd_print_document_draw_page    (PdPrintDocument  *self,
                                                 cairo_t          *cr,
                                                 guint             page);
/* Lays out on a scratch surface: for callers that need the page size before they have the
 * printer's cairo context. */
gboolean         pd_print_document_measure      (PdPrintDocument  *self,
                                                 GError          **error);
gboolean         pd_print_document_write_pdf    (PdPrintDocument  *self,
                                                 const char       *path,
                                                 GError          **error);

G_END_DECLS
