/* test-barcode.c: pd_barcode_decode() on camera-like frames (tests/capture/pd-test-frames.c):
 * ID card and declaration QR codes, turned, small, noisy, blurred or under glare, the other
 * formats counters meet, and frames that hold no code or are not frames at all. */
#include "config.h"

#include <string.h>

#include "capture/pd-barcode.h"
#include "pd-cccd.h"
#include "pd-test-frames.h"
#include "pd-test-support.h"

static const char cccd_text[] =
  "001089012345|123456789|Nguyễn Thị Phương Thảo|01011989|Nữ|"
  "Số 12 Ngõ 34 Phố Hàng Bài, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội|15062021";

static PdBarcode *
decode_gray (const guint8          *frame,
             const PdTestFrameSpec *spec)
{
  return pd_barcode_decode (frame, spec->width, spec->height, 0, PD_PIXEL_FORMAT_GRAY8,
                            PD_BARCODE_FORMATS_DEFAULT, PD_BARCODE_DECODE_DEFAULT);
}

static void
assert_reads (const PdTestFrameSpec *spec,
              const char            *text)
{
  g_autofree guint8 *frame = pd_test_frame_render_qr (text, spec);
  g_autoptr(PdBarcode) barcode = decode_gray (frame, spec);

  if (barcode == NULL)
    g_error ("nothing read: module %.1f, angle %.0f, noise %.0f, glare %.2f, blur %d, seed %u",
             spec->module, spec->angle, spec->noise, spec->glare, spec->blur, spec->seed);
  g_assert_cmpstr (barcode->text, ==, text);
  g_assert_cmpint (barcode->format, ==, PD_BARCODE_FORMAT_QR_CODE);
}

static void
test_cccd (void)
{
  PdTestFrameSpec spec;
  g_autofree guint8 *frame = NULL;
  g_autoptr(PdBarcode) barcode = NULL;
  g_autoptr(PdCccd) card = NULL;
  g_autoptr(GError) error = NULL;
  int min_x = G_MAXINT, max_x = 0, min_y = G_MAXINT, max_y = 0;

  pd_test_frame_spec_init (&spec);
  spec.center_x = 400;
  spec.center_y = 300;
  frame = pd_test_frame_render_qr (cccd_text, &spec);
  barcode = decode_gray (frame, &spec);
  g_assert_nonnull (barcode);
  /* Byte for byte: the Vietnamese letters survive (no Latin-1 or Shift_JIS guess). */
  g_assert_cmpstr (barcode->text, ==, cccd_text);
  g_assert_cmpint (barcode->format, ==, PD_BARCODE_FORMAT_QR_CODE);
  g_assert_cmpstr (pd_barcode_format_to_string (barcode->format), ==, "QR Code");

  /* The corners lie around where the code was drawn (about 73 modules of 5 pixels). */
  for (int i = 0; i < 4; i++)
    {
      min_x = MIN (min_x, barcode->x[i]);
      max_x = MAX (max_x, barcode->x[i]);
      min_y = MIN (min_y, barcode->y[i]);
      max_y = MAX (max_y, barcode->y[i]);
    }
  g_assert_cmpint (ABS ((min_x + max_x) / 2 - 400), <, 15);
  g_assert_cmpint (ABS ((min_y + max_y) / 2 - 300), <, 15);
  g_assert_cmpint (max_x - min_x, >, 250);
  g_assert_cmpint (max_x - min_x, <, 450);

  card = pd_cccd_parse (barcode->text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->id_number, ==, "001089012345");
  g_assert_cmpstr (card->full_name, ==, "Nguyễn Thị Phương Thảo");
}

static void
test_declaration_qr (void)
{
  /* The declaration QR: "PDQ1:" and base45, the alphanumeric mode of QR codes. */
  static const char text[] = "PDQ1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXT-$0.*I/5R:$";
  PdTestFrameSpec spec;

  pd_test_frame_spec_init (&spec);
  assert_reads (&spec, text);
}

static void
test_rotated (void)
{
  PdTestFrameSpec spec;

  pd_test_frame_spec_init (&spec);
  for (int angle = 0; angle < 360; angle += 15)
    {
      spec.angle = angle + 3;
      spec.seed = angle;
      assert_reads (&spec, cccd_text);
    }
}

static void
test_small (void)
{
  PdTestFrameSpec spec;

  /* A card held at arm's length: 2 pixels a module, the whole code some 150 pixels. */
  pd_test_frame_spec_init (&spec);
  spec.module = 2.0;
  for (int i = 0; i < 5; i++)
    {
      spec.seed = i;
      spec.angle = i * 7;
      spec.center_x = 300 + 150 * i;
      assert_reads (&spec, cccd_text);
    }
}

static void
test_damaged (void)
{
  PdTestFrameSpec spec;

  /* Glare on the laminate over a quarter of the code's side. */
  pd_test_frame_spec_init (&spec);
  spec.glare = 0.25;
  for (int i = 0; i < 5; i++)
    {
      spec.seed = i;
      spec.angle = -20 + 10 * i;
      assert_reads (&spec, cccd_text);
    }
}

static void
test_noisy_and_blurred (void)
{
  PdTestFrameSpec spec;

  /* A dim room: low contrast and strong sensor noise. Plain ZXing reads none of these
   * (tests/bench/bench-qr.c). */
  pd_test_frame_spec_init (&spec);
  spec.noise = 22;
  spec.dark = 80;
  spec.light = 170;
  for (int i = 0; i < 5; i++)
    {
      spec.seed = 100 + i;
      spec.angle = 5 * i;
      assert_reads (&spec, cccd_text);
    }

  /* Out of focus, 3 pixels a module. */
  pd_test_frame_spec_init (&spec);
  spec.module = 3;
  spec.blur = TRUE;
  for (int i = 0; i < 5; i++)
    {
      spec.seed = 200 + i;
      spec.angle = -4 * i;
      assert_reads (&spec, cccd_text);
    }
}

/* The same frame as RGB and BGRX with padded rows reads the same. */
static void
test_pixel_formats (void)
{
  PdTestFrameSpec spec;
  g_autofree guint8 *gray = NULL;
  int rgb_stride = 1280 * 3 + 64, bgrx_stride = 1280 * 4 + 32;
  g_autofree guint8 *rgb = NULL, *bgrx = NULL;
  g_autoptr(PdBarcode) from_rgb = NULL;
  g_autoptr(PdBarcode) from_bgrx = NULL;

  pd_test_frame_spec_init (&spec);
  spec.angle = 30;
  gray = pd_test_frame_render_qr (cccd_text, &spec);
  rgb = g_malloc0 ((gsize) rgb_stride * spec.height);
  bgrx = g_malloc0 ((gsize) bgrx_stride * spec.height);
  for (int y = 0; y < spec.height; y++)
    for (int x = 0; x < spec.width; x++)
      {
        guint8 v = gray[y * spec.width + x];

        /* A warm light: the channels differ, luminance keeps the code. */
        rgb[y * rgb_stride + 3 * x] = MIN (255, v + 20);
        rgb[y * rgb_stride + 3 * x + 1] = v;
        rgb[y * rgb_stride + 3 * x + 2] = v * 3 / 4;
        bgrx[y * bgrx_stride + 4 * x] = v * 3 / 4;
        bgrx[y * bgrx_stride + 4 * x + 1] = v;
        bgrx[y * bgrx_stride + 4 * x + 2] = MIN (255, v + 20);
        bgrx[y * bgrx_stride + 4 * x + 3] = 0x5a;
      }
  from_rgb = pd_barcode_decode (rgb, spec.width, spec.height, rgb_stride, PD_PIXEL_FORMAT_RGB,
                                PD_BARCODE_FORMATS_DEFAULT, PD_BARCODE_DECODE_FAST);
  from_bgrx = pd_barcode_decode (bgrx, spec.width, spec.height, bgrx_stride,
                                 PD_PIXEL_FORMAT_BGRX, PD_BARCODE_FORMATS_DEFAULT,
                                 PD_BARCODE_DECODE_FAST);
  g_assert_nonnull (from_rgb);
  g_assert_nonnull (from_bgrx);
  g_assert_cmpstr (from_rgb->text, ==, cccd_text);
  g_assert_cmpstr (from_bgrx->text, ==, cccd_text);
}

static void
test_other_formats (void)
{
  static const struct {
    const char      *zxing_name;
    const char      *text;
    PdBarcodeFormat  format;
    double           module;
    double           angle;
  } cases[] = {
    { "DataMatrix", "HS-2024-000123|Nguyen Van An", PD_BARCODE_FORMAT_DATA_MATRIX, 5, 10 },
    { "PDF417", "001089012345|Nguyen Van An|01011989", PD_BARCODE_FORMAT_PDF417, 3, 0 },
    { "Aztec", "PD1-01-1YHVFTEJ-J", PD_BARCODE_FORMAT_AZTEC, 5, 10 },
    { "Code128", "HS2024000123", PD_BARCODE_FORMAT_CODE_128, 3, 0 },
    { "Code39", "PD1-01-1YHVFTEJ-J", PD_BARCODE_FORMAT_CODE_39, 3, 0 },
    /* A receipt turned on its side: the dear pass turns the frame. */
    { "Code128", "BN-7781-2024", PD_BARCODE_FORMAT_CODE_128, 3, 90 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PdTestFrameSpec spec;
      int columns, rows;
      g_autofree guint8 *modules = pd_test_barcode_modules (cases[i].zxing_name, cases[i].text,
                                                            &columns, &rows);
      g_autofree guint8 *frame = NULL;
      g_autoptr(PdBarcode) barcode = NULL;
      g_autoptr(PdBarcode) qr_only = NULL;

      pd_test_frame_spec_init (&spec);
      spec.module = cases[i].module;
      spec.angle = cases[i].angle;
      spec.seed = i;
      /* Printed 1D codes have a wide margin; the readers look for it. */
      spec.quiet_zone = rows != columns && rows == 30 ? 10 : 4;
      frame = pd_test_frame_render (modules, columns, rows, &spec);
      barcode = decode_gray (frame, &spec);
      g_test_message ("%s: %s", cases[i].zxing_name, barcode != NULL ? barcode->text : "(none)");
      g_assert_nonnull (barcode);
      g_assert_cmpstr (barcode->text, ==, cases[i].text);
      g_assert_cmpint (barcode->format, ==, cases[i].format);

      /* Formats not asked for are not read. */
      qr_only = pd_barcode_decode (frame, spec.width, spec.height, 0, PD_PIXEL_FORMAT_GRAY8,
                                   PD_BARCODE_FORMAT_QR_CODE, PD_BARCODE_DECODE_DEFAULT);
      g_assert_null (qr_only);
    }
}

static void
assert_nothing (const guint8  *pixels,
                int            width,
                int            height,
                int            stride,
                PdPixelFormat  format)
{
  g_autoptr(PdBarcode) fast = pd_barcode_decode (pixels, width, height, stride, format,
                                                 PD_BARCODE_FORMATS_ALL, PD_BARCODE_DECODE_FAST);
  g_autoptr(PdBarcode) full = pd_barcode_decode (pixels, width, height, stride, format,
                                                 PD_BARCODE_FORMATS_ALL, PD_BARCODE_DECODE_DEFAULT);

  g_assert_null (fast);
  g_assert_null (full);
}

static void
test_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 pixel[4] = { 0 };
  g_autofree guint8 *frame = g_malloc (1280 * 720 * 4);
  PdTestFrameSpec spec;
  g_autofree guint8 *clutter = NULL;

  /* Not frames at all. */
  assert_nothing (NULL, 1280, 720, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (pixel, 0, 720, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (pixel, 1, 0, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (pixel, -5, 10, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (frame, 1280, 720, 100, PD_PIXEL_FORMAT_RGB);   /* stride < width */
  assert_nothing (frame, G_MAXINT, G_MAXINT, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (frame, 100, 100, 0, (PdPixelFormat) 99);
  g_assert_null (pd_barcode_decode (frame, 100, 100, 0, PD_PIXEL_FORMAT_GRAY8,
                                    PD_BARCODE_FORMAT_NONE, PD_BARCODE_DECODE_DEFAULT));

  /* Tiny, flat, striped and random frames. */
  assert_nothing (pixel, 1, 1, 0, PD_PIXEL_FORMAT_GRAY8);
  assert_nothing (pixel, 1, 1, 0, PD_PIXEL_FORMAT_RGBX);
  memset (frame, 0, 1280 * 720);
  assert_nothing (frame, 1280, 720, 0, PD_PIXEL_FORMAT_GRAY8);
  memset (frame, 255, 1280 * 720);
  assert_nothing (frame, 1280, 720, 0, PD_PIXEL_FORMAT_GRAY8);
  for (int i = 0; i < 1280 * 720; i++)
    frame[i] = (i / 3) % 2 ? 255 : 0;
  assert_nothing (frame, 1280, 720, 0, PD_PIXEL_FORMAT_GRAY8);
  for (int round = 0; round < 20; round++)
    {
      int width = g_rand_int_range (rand, 1, 1280);
      int height = g_rand_int_range (rand, 1, 720);

      for (int i = 0; i < width * height * 4; i++)
        frame[i] = g_rand_int_range (rand, 0, 256);
      assert_nothing (frame, width, height, 0, round % 2 ? PD_PIXEL_FORMAT_GRAY8 : PD_PIXEL_FORMAT_BGRX);
    }

  pd_test_frame_spec_init (&spec);
  clutter = pd_test_frame_render_none (&spec);
  assert_nothing (clutter, spec.width, spec.height, 0, PD_PIXEL_FORMAT_GRAY8);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/barcode/cccd", test_cccd);
  g_test_add_func ("/barcode/declaration-qr", test_declaration_qr);
  g_test_add_func ("/barcode/rotated", test_rotated);
  g_test_add_func ("/barcode/small", test_small);
  g_test_add_func ("/barcode/damaged", test_damaged);
  g_test_add_func ("/barcode/noisy-and-blurred", test_noisy_and_blurred);
  g_test_add_func ("/barcode/pixel-formats", test_pixel_formats);
  g_test_add_func ("/barcode/other-formats", test_other_formats);
  g_test_add_func ("/barcode/garbage", test_garbage);

  return g_test_run ();
}
