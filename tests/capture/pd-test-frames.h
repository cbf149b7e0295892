/* pd-test-frames.h: camera-like frames holding a code, for the capture tests and bench-qr. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int     width;        /* of the frame */
  int     height;
  double  module;       /* pixels per module */
  double  angle;        /* degrees, counter-clockwise */
  double  center_x;     /* where the code's centre goes, in pixels */
  double  center_y;
  guint8  dark;         /* the code's ink and paper */
  guint8  light;
  double  noise;        /* standard deviation of the sensor noise added to every pixel */
  double  quiet_zone;   /* the paper around the code, in modules: 4 for QR codes, 10 for 1D */
  double  glare;        /* side of a white glare patch, as a fraction of the code's side */
  gboolean blur;        /* a 3x3 box blur, as an out-of-focus webcam */
  guint32 seed;         /* for the background clutter and the noise */
} PdTestFrameSpec;

/* A frame with 1280x720 defaults: a QR code of 5-pixel modules in the middle, a mild noise. */
void    pd_test_frame_spec_init   (PdTestFrameSpec        *spec);

/* A GRAY8 frame, tightly packed, width * height bytes: a lit desk with some clutter and the
 * code drawn into it. @modules: @size * @size bytes, non-zero for a dark module; @rows
 * != @size draws a rectangular (1D or PDF417) code of @size columns and @rows rows. */
guint8 *pd_test_frame_render      (const guint8           *modules,
                                   int                     size,
                                   int                     rows,
                                   const PdTestFrameSpec  *spec);
/* The same for a QR code of @text (libqrencode, 8-bit mode, error correction level M). */
guint8 *pd_test_frame_render_qr   (const char             *text,
                                   const PdTestFrameSpec  *spec);
/* Only the clutter and the noise, no code. */
guint8 *pd_test_frame_render_none (const PdTestFrameSpec  *spec);

G_END_DECLS

G_BEGIN_DECLS
/* The modules of a code drawn by ZXing's writer: @format is a ZXing name ("DataMatrix",
 * "PDF417", "Code128"...). For pd_test_frame_render (modules, *columns, *rows, ...). */
guint8 *pd_test_barcode_modules   (const char             *format,
                                   const char             *text,
                                   int                    *columns,
                                   int                    *rows);
G_END_DECLS
