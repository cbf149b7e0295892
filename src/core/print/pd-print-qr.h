/* pd-print-qr.h: QR codes for printed papers, drawn as cairo rectangles so that they stay
 * sharp at any printer resolution. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* The quiet zone that scanners need around a code, in modules. */
#define PD_PRINT_QR_QUIET_ZONE 4

typedef struct _PdPrintQr PdPrintQr;

#define PD_PRINT_QR_ERROR (pd_print_qr_error_quark ())
typedef enum {
  PD_PRINT_QR_ERROR_ENCODE,   /* empty, or too long for a QR code */
} PdPrintQrError;
GQuark      pd_print_qr_error_quark (void);

/* Error correction level M (15 %): what a folded or scuffed slip still reads with. */
PdPrintQr  *pd_print_qr_new         (const char  *text,
                                     GError     **error);
void        pd_print_qr_free        (PdPrintQr   *qr);
const char *pd_print_qr_get_text    (PdPrintQr   *qr);
/* Modules on a side, without the quiet zone. */
guint       pd_print_qr_get_width   (PdPrintQr   *qr);
gboolean    pd_print_qr_get_module  (PdPrintQr   *qr,
                                     guint        x,
                                     guint        y);
/* Fills the dark modules of a code whose top-left corner (quiet zone included) is at @x, @y
 * and whose side (quiet zone included) is @size, in user units; the quiet zone is painted
 * white. */
void        pd_print_qr_draw        (PdPrintQr   *qr,
                                     cairo_t     *cr,
                                     double       x,
                                     double       y,
                                     double       size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdPrintQr, pd_print_qr_free)

G_END_DECLS
