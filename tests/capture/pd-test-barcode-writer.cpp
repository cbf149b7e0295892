/* pd-test-barcode-writer.cpp: codes other than QR for the tests, drawn by ZXing's writer. */
#include "config.h"

#include <exception>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include "pd-test-frames.h"

extern "C" guint8 *
pd_test_barcode_modules (const char *format,
                         const char *text,
                         int        *columns,
                         int        *rows)
{
  try
    {
      ZXing::BitMatrix matrix = ZXing::MultiFormatWriter (ZXing::BarcodeFormatFromString (format))
                                  .setMargin (0)
                                  .encode (std::string (text), 0, 0);
      /* A 1D code comes as one row of bars: give it the height of a printed one. */
      int height = matrix.height () < 8 ? 30 : matrix.height ();
      guint8 *modules = (guint8 *) g_malloc ((gsize) matrix.width () * height);

      for (int y = 0; y < height; y++)
        for (int x = 0; x < matrix.width (); x++)
          modules[(gsize) y * matrix.width () + x] = matrix.get (x, y % matrix.height ());
      *columns = matrix.width ();
      *rows = height;
      return modules;
    }
  catch (const std::exception &e)
    {
      g_error ("ZXing cannot write %s: %s", format, e.what ());
    }
}
