/* bench-qr.c: how fast and how reliably pd_barcode_decode() reads a QR code in a 1280x720
 * camera frame, side by side with plain ZXing-cpp (ReadBarcode() with its defaults) and, when
 * it was built with it, zbar, on the very same frames.
 *
 *   ninja -C BUILD tests/bench/bench-qr && BUILD/tests/bench/bench-qr [FRAMES-PER-CASE]
 *
 * Each case renders FRAMES-PER-CASE (default 40) frames with libqrencode: an ID card code
 * (CCCD) on a cluttered desk with sensor noise, at random positions; each decoder reads each
 * frame in turn (the order rotates from frame to frame so that none always gets warm caches).
 * A read counts only when the text is exactly the one encoded. Prints, per case and decoder,
 * the median and 90th percentile time and the success rate, then the median over all frames
 * with a code.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#ifdef HAVE_ZBAR
#include <zbar.h>
#endif

#include "capture/pd-barcode.h"
#include "capture/pd-barcode-private.h"
#include "pd-test-frames.h"

#define WIDTH  1280
#define HEIGHT 720

static const char cccd_text[] =
  "001089012345|123456789|Nguyễn Thị Phương Thảo|01011989|Nữ|"
  "Số 12 Ngõ 34 Phố Hàng Bài, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội|15062021";

typedef enum {
  CASE_CLEAN,
  CASE_NOISY,
  CASE_ROTATED,
  CASE_SMALL,
  CASE_DAMAGED,
  CASE_BLURRED,
  CASE_NONE,
  N_CASES
} Case;

static const char *case_names[N_CASES] = {
  "clean (5 px modules)",
  "noisy, low contrast",
  "rotated (any angle)",
  "small (2 px modules)",
  "glare on 25% of side",
  "blurred, 3 px modules",
  "no code (clutter only)",
};

typedef enum {
  DECODER_OURS,
  DECODER_OURS_FAST,
  DECODER_PLAIN,
#ifdef HAVE_ZBAR
  DECODER_ZBAR,
#endif
  N_DECODERS
} Decoder;

static const char *decoder_names[N_DECODERS] = {
  "pd_barcode_decode",
  "pd_barcode_decode FAST",
  "plain ZXing ReadBarcode",
#ifdef HAVE_ZBAR
  "zbar",
#endif
};

#ifdef HAVE_ZBAR
static zbar_image_scanner_t *zbar_scanner;
#endif

static char *
decode (Decoder       decoder,
        const guint8 *frame)
{
  g_autoptr(PdBarcode) barcode = NULL;

  switch (decoder)
    {
    case DECODER_OURS:
      barcode = pd_barcode_decode (frame, WIDTH, HEIGHT, 0, PD_PIXEL_FORMAT_GRAY8,
                                   PD_BARCODE_FORMATS_DEFAULT, PD_BARCODE_DECODE_DEFAULT);
      break;
    case DECODER_OURS_FAST:
      barcode = pd_barcode_decode (frame, WIDTH, HEIGHT, 0, PD_PIXEL_FORMAT_GRAY8,
                                   PD_BARCODE_FORMATS_DEFAULT, PD_BARCODE_DECODE_FAST);
      break;
    case DECODER_PLAIN:
      barcode = pd_barcode_decode_plain (frame, WIDTH, HEIGHT, 0, PD_PIXEL_FORMAT_GRAY8);
      break;
#ifdef HAVE_ZBAR
    case DECODER_ZBAR:
      {
        zbar_image_t *image = zbar_image_create ();
        char *text = NULL;

        zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
        zbar_image_set_size (image, WIDTH, HEIGHT);
        zbar_image_set_data (image, frame, (unsigned long) WIDTH * HEIGHT, NULL);
        if (zbar_scan_image (zbar_scanner, image) > 0)
          text = g_strdup (zbar_symbol_get_data (zbar_image_first_symbol (image)));
        zbar_image_destroy (image);
        return text;
      }
#endif
    case N_DECODERS:
    default:
      g_assert_not_reached ();
    }
  return barcode != NULL ? g_strdup (barcode->text) : NULL;
}

static guint8 *
render (Case    which,
        GRand  *rand,
        guint32 seed)
{
  PdTestFrameSpec spec;

  pd_test_frame_spec_init (&spec);
  spec.seed = seed;
  spec.angle = g_rand_double_range (rand, -8, 8);
  switch (which)
    {
    case CASE_CLEAN:
      break;
    case CASE_NOISY:
      spec.noise = 22;
      spec.dark = 80;
      spec.light = 170;
      break;
    case CASE_ROTATED:
      spec.angle = g_rand_double_range (rand, 0, 360);
      break;
    case CASE_SMALL:
      spec.module = 2.0;
      break;
    case CASE_DAMAGED:
      spec.glare = 0.25;
      break;
    case CASE_BLURRED:
      spec.module = 3.0;
      spec.blur = TRUE;
      break;
    case CASE_NONE:
      return pd_test_frame_render_none (&spec);
    case N_CASES:
    default:
      g_assert_not_reached ();
    }
  /* Anywhere the whole code fits. */
  spec.center_x = g_rand_double_range (rand, 250, WIDTH - 250);
  spec.center_y = g_rand_double_range (rand, 250, HEIGHT - 250);
  return pd_test_frame_render_qr (cccd_text, &spec);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *times,
            double  p)
{
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, (guint) (p * (times->len - 1) + 0.5));
}

int
main (int    argc,
      char **argv)
{
  int frames = argc > 1 ? atoi (argv[1]) : 40;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);
  GArray *all_times[N_DECODERS];

  if (frames < 1)
    {
      fprintf (stderr, "usage: %s [FRAMES-PER-CASE]\n", argv[0]);
      return 2;
    }
#ifdef HAVE_ZBAR
  zbar_scanner = zbar_image_scanner_create ();
#endif
  for (int d = 0; d < N_DECODERS; d++)
    all_times[d] = g_array_new (FALSE, FALSE, sizeof (double));

  printf ("%d frames of %dx%d GRAY8 per case\n\n", frames, WIDTH, HEIGHT);
  printf ("%-24s %-24s %9s %9s %8s\n", "case", "decoder", "median", "p90", "read");
  for (int c = 0; c < N_CASES; c++)
    {
      GArray *times[N_DECODERS];
      int read[N_DECODERS] = { 0 };

      for (int d = 0; d < N_DECODERS; d++)
        times[d] = g_array_new (FALSE, FALSE, sizeof (double));
      for (int f = 0; f < frames; f++)
        {
          g_autofree guint8 *frame = render (c, rand, g_rand_int (rand));

          for (int i = 0; i < N_DECODERS; i++)
            {
              int d = (i + f) % N_DECODERS;
              gint64 start = g_get_monotonic_time ();
              g_autofree char *text = decode (d, frame);
              double ms = (g_get_monotonic_time () - start) / 1000.0;

              g_array_append_val (times[d], ms);
              if (c != CASE_NONE)
                g_array_append_val (all_times[d], ms);
              if (c == CASE_NONE ? text == NULL : g_strcmp0 (text, cccd_text) == 0)
                read[d]++;
            }
        }
      for (int d = 0; d < N_DECODERS; d++)
        {
          printf ("%-24s %-24s %6.2f ms %6.2f ms %6.1f%%%s\n", d == 0 ? case_names[c] : "",
                  decoder_names[d], percentile (times[d], 0.5), percentile (times[d], 0.9),
                  100.0 * read[d] / frames, c == CASE_NONE ? " (none)" : "");
          g_array_unref (times[d]);
        }
    }
  printf ("\nAll frames with a code (%d):\n", frames * (N_CASES - 1));
  for (int d = 0; d < N_DECODERS; d++)
    {
      printf ("  %-24s median %6.2f ms, p90 %6.2f ms\n", decoder_names[d],
              percentile (all_times[d], 0.5), percentile (all_times[d], 0.9));
      g_array_unref (all_times[d]);
    }
#ifdef HAVE_ZBAR
  zbar_image_scanner_destroy (zbar_scanner);
#endif
  return 0;
}
