/* pd-barcode.h: reads barcodes (the ID card QR code, declaration QR codes, the 1D and 2D codes
 * that counter scanners meet) in camera frames and scanned pages.
 *
 * The decoder is ZXing-cpp behind a C API. It reads the frame in place (a GRAY8 frame is the
 * luminance plane ZXing works on, so nothing is copied or converted), looks only for the
 * formats asked for, and spends extra effort (rotations, denser scan) only on frames where
 * the quick pass found nothing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PD_BARCODE_FORMAT_NONE        = 0,
  PD_BARCODE_FORMAT_QR_CODE     = 1 << 0,
  PD_BARCODE_FORMAT_MICRO_QR    = 1 << 1,
  PD_BARCODE_FORMAT_DATA_MATRIX = 1 << 2,
  PD_BARCODE_FORMAT_PDF417      = 1 << 3,
  PD_BARCODE_FORMAT_AZTEC       = 1 << 4,
  PD_BARCODE_FORMAT_CODE_128    = 1 << 5,
  PD_BARCODE_FORMAT_CODE_39     = 1 << 6,
  PD_BARCODE_FORMAT_CODE_93     = 1 << 7,
  PD_BARCODE_FORMAT_ITF         = 1 << 8,
  PD_BARCODE_FORMAT_CODABAR     = 1 << 9,
  PD_BARCODE_FORMAT_EAN_13      = 1 << 10,
  PD_BARCODE_FORMAT_EAN_8       = 1 << 11,
  PD_BARCODE_FORMAT_UPC_A       = 1 << 12,
  PD_BARCODE_FORMAT_UPC_E       = 1 << 13,
} PdBarcodeFormat;

/* What a counter meets: ID card and declaration QR codes, the 2D codes on other
 * administrative papers, Code 128/39 on receipts and envelopes. Retail codes (EAN, UPC) and
 * the rarer 1D codes are left out: each format searched costs time on every frame. */
#define PD_BARCODE_FORMATS_DEFAULT (PD_BARCODE_FORMAT_QR_CODE | PD_BARCODE_FORMAT_MICRO_QR | \
                                    PD_BARCODE_FORMAT_DATA_MATRIX | PD_BARCODE_FORMAT_PDF417 | \
                                    PD_BARCODE_FORMAT_AZTEC | PD_BARCODE_FORMAT_CODE_128 | \
                                    PD_BARCODE_FORMAT_CODE_39)
#define PD_BARCODE_FORMATS_ALL     ((PdBarcodeFormat) ((PD_BARCODE_FORMAT_UPC_E << 1) - 1))

typedef enum {
  PD_PIXEL_FORMAT_GRAY8,   /* one byte per pixel: the luminance plane of a YUV frame too */
  PD_PIXEL_FORMAT_RGB,     /* 3 bytes per pixel */
  PD_PIXEL_FORMAT_RGBX,    /* 4 bytes per pixel, the 4th ignored (RGBA too) */
  PD_PIXEL_FORMAT_BGRX,    /* 4 bytes per pixel, the 4th ignored (BGRA too) */
} PdPixelFormat;

typedef enum {
  PD_BARCODE_DECODE_DEFAULT = 0,
  /* Only the quick pass: for callers that see the same scene again a few milliseconds later
   * (a live camera) and prefer a steady frame rate to reading a hard code in one frame. */
  PD_BARCODE_DECODE_FAST    = 1 << 0,
} PdBarcodeDecodeFlags;

typedef struct {
  char            *text;      /* UTF-8; byte content that is not text is given as Latin-1 */
  PdBarcodeFormat  format;
  /* The corners of the code in the frame, in pixels: top left, top right, bottom right,
   * bottom left as the code is read (so they turn with the code). */
  int              x[4];
  int              y[4];
} PdBarcode;

/* Returns the first code found, or NULL when there is none (also for an empty or invalid
 * frame). @stride is in bytes; 0 means tightly packed. Thread-safe: frames may be decoded in
 * several threads at once. */
PdBarcode  *pd_barcode_decode          (const guint8         *pixels,
                                        int                   width,
                                        int                   height,
                                        int                   stride,
                                        PdPixelFormat         pixel_format,
                                        PdBarcodeFormat       formats,
                                        PdBarcodeDecodeFlags  flags);
void        pd_barcode_free            (PdBarcode            *barcode);

/* "QR Code", "Code 128"...: format names are not translated. */
const char *pd_barcode_format_to_string (PdBarcodeFormat      format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdBarcode, pd_barcode_free)

G_END_DECLS
