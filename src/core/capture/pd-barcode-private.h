/* pd-barcode-private.h: for the benchmark and the tests only. */
#pragma once

#include "pd-barcode.h"

G_BEGIN_DECLS

/* ZXing-cpp's ReadBarcode() with its default hints (every format, try harder, rotations,
 * downscaling) on the same frame: the reference pd_barcode_decode() is measured against. */
PdBarcode *pd_barcode_decode_plain (const guint8  *pixels,
                                    int            width,
                                    int            height,
                                    int            stride,
                                    PdPixelFormat  pixel_format);

G_END_DECLS
