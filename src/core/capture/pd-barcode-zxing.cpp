/* pd-barcode-zxing.cpp: pd-barcode.h on ZXing-cpp. */
#define G_LOG_DOMAIN "pd-barcode"

#include "config.h"

/* Result::text() gives UTF-8 rather than a wide string. */
#define ZX_USE_UTF8 1

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <ZXing/ReadBarcode.h>

#include "pd-barcode.h"
#include "pd-barcode-private.h"

using namespace ZXing;

static const struct {
  PdBarcodeFormat ours;
  BarcodeFormat   zxing;
  const char     *name;
} format_table[] = {
  { PD_BARCODE_FORMAT_QR_CODE,     BarcodeFormat::QRCode,      "QR Code" },
  { PD_BARCODE_FORMAT_MICRO_QR,    BarcodeFormat::MicroQRCode, "Micro QR Code" },
  { PD_BARCODE_FORMAT_DATA_MATRIX, BarcodeFormat::DataMatrix,  "Data Matrix" },
  { PD_BARCODE_FORMAT_PDF417,      BarcodeFormat::PDF417,      "PDF417" },
  { PD_BARCODE_FORMAT_AZTEC,       BarcodeFormat::Aztec,       "Aztec" },
  { PD_BARCODE_FORMAT_CODE_128,    BarcodeFormat::Code128,     "Code 128" },
  { PD_BARCODE_FORMAT_CODE_39,     BarcodeFormat::Code39,      "Code 39" },
  { PD_BARCODE_FORMAT_CODE_93,     BarcodeFormat::Code93,      "Code 93" },
  { PD_BARCODE_FORMAT_ITF,         BarcodeFormat::ITF,         "ITF" },
  { PD_BARCODE_FORMAT_CODABAR,     BarcodeFormat::Codabar,     "Codabar" },
  { PD_BARCODE_FORMAT_EAN_13,      BarcodeFormat::EAN13,       "EAN-13" },
  { PD_BARCODE_FORMAT_EAN_8,       BarcodeFormat::EAN8,        "EAN-8" },
  { PD_BARCODE_FORMAT_UPC_A,       BarcodeFormat::UPCA,        "UPC-A" },
  { PD_BARCODE_FORMAT_UPC_E,       BarcodeFormat::UPCE,        "UPC-E" },
};

static BarcodeFormats
to_zxing_formats (PdBarcodeFormat formats)
{
  BarcodeFormats result;

  for (const auto &entry : format_table)
    if (formats & entry.ours)
      result |= entry.zxing;
  return result;
}

static PdBarcodeFormat
from_zxing_format (BarcodeFormat format)
{
  for (const auto &entry : format_table)
    if (entry.zxing == format)
      return entry.ours;
  return PD_BARCODE_FORMAT_NONE;
}

extern "C" const char *
pd_barcode_format_to_string (PdBarcodeFormat format)
{
  for (const auto &entry : format_table)
    if (entry.ours == format)
      return entry.name;
  return "Unknown";
}

static bool
make_view (const guint8  *pixels,
           int            width,
           int            height,
           int            stride,
           PdPixelFormat  pixel_format,
           ImageFormat   *format_out,
           int           *stride_out)
{
  int bytes_per_pixel;

  switch (pixel_format)
    {
    case PD_PIXEL_FORMAT_GRAY8: *format_out = ImageFormat::Lum; bytes_per_pixel = 1; break;
    case PD_PIXEL_FORMAT_RGB: *format_out = ImageFormat::RGB; bytes_per_pixel = 3; break;
    case PD_PIXEL_FORMAT_RGBX: *format_out = ImageFormat::RGBX; bytes_per_pixel = 4; break;
    case PD_PIXEL_FORMAT_BGRX: *format_out = ImageFormat::BGRX; bytes_per_pixel = 4; break;
    default: return false;
    }

  /* ZXing keeps sizes and offsets in int: refuse what would overflow them. */
  if (pixels == nullptr || width <= 0 || height <= 0 || width > G_MAXINT / 4 / height)
    return false;
  if (stride == 0)
    stride = width * bytes_per_pixel;
  if (stride < width * bytes_per_pixel || stride > G_MAXINT / height)
    return false;
  *stride_out = stride;
  return true;
}

static PdBarcode *
to_barcode (const Result &result)
{
  PdBarcode *barcode;
  const ByteArray &bytes = result.bytes ();
  const char *data = reinterpret_cast<const char *> (bytes.data ());

  if (!result.isValid ())
    return nullptr;

  barcode = g_new0 (PdBarcode, 1);
  /* Most codes (the ID card's among them) hold UTF-8 without saying so; ZXing would guess a
   * character set for those, and a guess can turn Vietnamese into mojibake. */
  if (!bytes.empty () && g_utf8_validate (data, (gssize) bytes.size (), nullptr)
      && memchr (data, '\0', bytes.size ()) == nullptr)
    barcode->text = g_strndup (data, bytes.size ());
  else
    barcode->text = g_strdup (result.text ().c_str ());
  barcode->format = from_zxing_format (result.format ());
  for (int i = 0; i < 4; i++)
    {
      barcode->x[i] = result.position ()[i].x;
      barcode->y[i] = result.position ()[i].y;
    }
  return barcode;
}

/* A grey copy of @view at half the size, each pixel the mean of 2x2: four times fewer pixels
 * to binarize, and sensor noise halved, which is what makes noisy webcam frames readable. */
static std::vector<uint8_t>
half_size (const ImageView &view)
{
  int width = view.width () / 2, height = view.height () / 2;
  std::vector<uint8_t> half ((size_t) width * height);

  for (int y = 0; y < height; y++)
    {
      const uint8_t *row0 = view.data (0, 2 * y), *row1 = view.data (0, 2 * y + 1);
      uint8_t *out = &half[(size_t) y * width];

      if (view.format () == ImageFormat::Lum)
        for (int x = 0; x < width; x++)
          out[x] = (row0[2 * x] + row0[2 * x + 1] + row1[2 * x] + row1[2 * x + 1] + 2) / 4;
      else
        {
          int ps = view.pixStride (), r = RedIndex (view.format ()), g = GreenIndex (view.format ()),
              b = BlueIndex (view.format ());

          for (int x = 0; x < width; x++)
            {
              unsigned sum = 0;

              for (const uint8_t *p : { row0 + 2 * x * ps, row0 + (2 * x + 1) * ps,
                                        row1 + 2 * x * ps, row1 + (2 * x + 1) * ps })
                sum += RGBToLum (p[r], p[g], p[b]);
              out[x] = (sum + 2) / 4;
            }
        }
    }
  return half;
}

static inline uint8_t
luminance (const ImageView &view,
           int              x,
           int              y)
{
  const uint8_t *p = view.data (x, y);

  if (view.format () == ImageFormat::Lum)
    return *p;
  return RGBToLum (p[RedIndex (view.format ())], p[GreenIndex (view.format ())],
                   p[BlueIndex (view.format ())]);
}

/* A grey copy of @view at twice the size (bilinear): gives the decoder's sampling grid room on
 * blurred codes and codes of 1 or 2 pixels per module. */
static std::vector<uint8_t>
double_size (const ImageView &view)
{
  int width = view.width (), height = view.height ();
  std::vector<uint8_t> wide ((size_t) 2 * width * height);
  std::vector<uint8_t> big ((size_t) 4 * width * height);

  /* Output pixel 2i samples the source at i - 1/4, pixel 2i + 1 at i + 1/4. */
  for (int y = 0; y < height; y++)
    {
      uint8_t *out = &wide[(size_t) y * 2 * width];

      for (int x = 0; x < width; x++)
        {
          int here = luminance (view, x, y);
          int left = luminance (view, MAX (x - 1, 0), y);
          int right = luminance (view, MIN (x + 1, width - 1), y);

          out[2 * x] = (3 * here + left + 2) / 4;
          out[2 * x + 1] = (3 * here + right + 2) / 4;
        }
    }
  for (int y = 0; y < height; y++)
    {
      const uint8_t *here = &wide[(size_t) y * 2 * width];
      const uint8_t *above = &wide[(size_t) MAX (y - 1, 0) * 2 * width];
      const uint8_t *below = &wide[(size_t) MIN (y + 1, height - 1) * 2 * width];
      uint8_t *out0 = &big[(size_t) 2 * y * 2 * width], *out1 = out0 + 2 * width;

      for (int x = 0; x < 2 * width; x++)
        {
          out0[x] = (3 * here[x] + above[x] + 2) / 4;
          out1[x] = (3 * here[x] + below[x] + 2) / 4;
        }
    }
  return big;
}

/* Positions found in a resized copy, back in the frame's pixels. */
static void
scale_position (Result &result,
                int     multiply,
                int     divide)
{
  Position position = result.position ();

  for (int i = 0; i < 4; i++)
    position[i] = PointI (position[i].x * multiply / divide, position[i].y * multiply / divide);
  result.setPosition (position);
}

/* Larger frames (photos, scanned pages) are not doubled. */
#define DOUBLE_SIZE_MAX_PIXELS (1920 * 1080)

extern "C" PdBarcode *
pd_barcode_decode (const guint8         *pixels,
                   int                   width,
                   int                   height,
                   int                   stride,
                   PdPixelFormat         pixel_format,
                   PdBarcodeFormat       formats,
                   PdBarcodeDecodeFlags  flags)
{
  ImageFormat image_format;

  if ((formats & PD_BARCODE_FORMATS_ALL) == 0
      || !make_view (pixels, width, height, stride, pixel_format, &image_format, &stride))
    return nullptr;

  /* From the cheapest pass to the dearest, stopping at the first code read. Measured on
   * 1280x720 frames (tests/bench/bench-qr.c): the half-size pass reads most codes in under
   * a millisecond; binarizing the whole frame (ZXing's default LocalAverage) costs 4-10 ms. */
  try
    {
      ImageView view (pixels, width, height, image_format, stride);
      BarcodeFormats wanted = to_zxing_formats (formats);
      BarcodeFormats linear = wanted & BarcodeFormats (BarcodeFormat::LinearCodes);
      BarcodeFormats matrix = wanted & BarcodeFormats (BarcodeFormat::MatrixCodes);
      DecodeHints hints;
      Result result;

      hints.setFormats (wanted)
           .setTryHarder (false)
           .setTryRotate (false)
           .setTryDownscale (false)
           .setMaxNumberOfSymbols (1);

      /* 1. Half size: unless the codes would shrink below 2 pixels a module. */
      if (MIN (width, height) >= 400)
        {
          std::vector<uint8_t> half = half_size (view);

          result = ReadBarcode (ImageView (half.data (), width / 2, height / 2, ImageFormat::Lum),
                                hints);
          scale_position (result, 2, 1);
        }
      /* 2. Full size, with ZXing's own downscaling for large frames. */
      if (!result.isValid ())
        result = ReadBarcode (view, DecodeHints (hints).setTryDownscale (true));
      if (result.isValid () || (flags & PD_BARCODE_DECODE_FAST))
        return to_barcode (result);

      /* 3. 1D codes on more scan lines and turned on their side. */
      if (!linear.empty ())
        result = ReadBarcode (view, DecodeHints (hints).setFormats (linear)
                                                       .setTryHarder (true)
                                                       .setTryRotate (true));
      /* 4. 2D codes at double size; a large frame has pixels to spare and gets a denser scan
       * instead. */
      if (!result.isValid () && !matrix.empty ())
        {
          if ((gint64) width * height <= DOUBLE_SIZE_MAX_PIXELS)
            {
              std::vector<uint8_t> big = double_size (view);

              result = ReadBarcode (ImageView (big.data (), 2 * width, 2 * height, ImageFormat::Lum),
                                    DecodeHints (hints).setFormats (matrix));
              scale_position (result, 1, 2);
            }
          else
            result = ReadBarcode (view, DecodeHints (hints).setFormats (matrix).setTryHarder (true));
        }
      return to_barcode (result);
    }
  catch (const std::exception &e)
    {
      g_debug ("Decoding a %dx%d frame failed: %s", width, height, e.what ());
      return nullptr;
    }
}

extern "C" PdBarcode *
pd_barcode_decode_plain (const guint8  *pixels,
                         int            width,
                         int            height,
                         int            stride,
                         PdPixelFormat  pixel_format)
{
  ImageFormat image_format;

  if (!make_view (pixels, width, height, stride, pixel_format, &image_format, &stride))
    return nullptr;

  try
    {
      return to_barcode (ReadBarcode (ImageView (pixels, width, height, image_format, stride)));
    }
  catch (const std::exception &e)
    {
      return nullptr;
    }
}

extern "C" void
pd_barcode_free (PdBarcode *barcode)
{
  if (barcode == nullptr)
    return;
  g_free (barcode->text);
  g_free (barcode);
}
