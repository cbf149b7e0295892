/* pd-test-frames.c */
#include "config.h"

#include <math.h>
#include <string.h>
#include <qrencode.h>

#include "pd-test-frames.h"

void
pd_test_frame_spec_init (PdTestFrameSpec *spec)
{
  *spec = (PdTestFrameSpec) {
    .width = 1280, .height = 720, .module = 5.0, .angle = 0.0,
    .center_x = 640.0, .center_y = 360.0, .dark = 30, .light = 220,
    .noise = 6.0, .quiet_zone = 4.0, .glare = 0.0, .blur = FALSE, .seed = 1,
  };
}

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* A lit desk: a gradient, a few darker rectangles (papers, the edge of a card holder). */
static guint8 *
render_background (const PdTestFrameSpec *spec,
                   GRand                 *rand)
{
  guint8 *frame = g_malloc ((gsize) spec->width * spec->height);

  for (int y = 0; y < spec->height; y++)
    for (int x = 0; x < spec->width; x++)
      frame[(gsize) y * spec->width + x] = 90 + 60 * x / spec->width + 40 * y / spec->height;
  for (int i = 0; i < 6; i++)
    {
      int w = g_rand_int_range (rand, 40, spec->width / 3);
      int h = g_rand_int_range (rand, 20, spec->height / 3);
      int x0 = g_rand_int_range (rand, 0, spec->width - w);
      int y0 = g_rand_int_range (rand, 0, spec->height - h);
      guint8 value = g_rand_int_range (rand, 20, 200);

      for (int y = y0; y < y0 + h; y++)
        memset (frame + (gsize) y * spec->width + x0, value, w);
    }
  return frame;
}

static void
finish (guint8                *frame,
        const PdTestFrameSpec *spec,
        GRand                 *rand)
{
  if (spec->blur)
    {
      g_autofree guint8 *copy = g_memdup2 (frame, (gsize) spec->width * spec->height);

      for (int y = 1; y < spec->height - 1; y++)
        for (int x = 1; x < spec->width - 1; x++)
          {
            int sum = 0;

            for (int dy = -1; dy <= 1; dy++)
              for (int dx = -1; dx <= 1; dx++)
                sum += copy[(gsize) (y + dy) * spec->width + x + dx];
            frame[(gsize) y * spec->width + x] = sum / 9;
          }
    }
  if (spec->noise > 0)
    for (gsize i = 0; i < (gsize) spec->width * spec->height; i++)
      frame[i] = CLAMP (frame[i] + spec->noise * gaussian (rand), 0, 255);
}

guint8 *
pd_test_frame_render (const guint8          *modules,
                      int                    size,
                      int                    rows,
                      const PdTestFrameSpec *spec)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (spec->seed);
  guint8 *frame = render_background (spec, rand);
  double c = cos (spec->angle * G_PI / 180.0), s = sin (spec->angle * G_PI / 180.0);
  /* The code with its quiet zone, in modules. */
  double q = spec->quiet_zone;
  double half_w = size / 2.0 + q, half_h = rows / 2.0 + q;
  double reach = hypot (half_w, half_h) * spec->module + 2;
  double glare_half = spec->glare * MAX (size, rows) / 2.0;
  /* The glare sits off the three finder patterns, towards the bottom right. */
  double glare_x = size * 0.62, glare_y = rows * 0.62;
  static const double offsets[2] = { 0.25, 0.75 };

  for (int y = MAX (0, (int) (spec->center_y - reach)); y < MIN (spec->height, (int) (spec->center_y + reach)); y++)
    for (int x = MAX (0, (int) (spec->center_x - reach)); x < MIN (spec->width, (int) (spec->center_x + reach)); x++)
      {
        int inside = 0, dark = 0, glare = 0;

        /* 2x2 samples a pixel: edges come out grey as a lens draws them. */
        for (int sy = 0; sy < 2; sy++)
          for (int sx = 0; sx < 2; sx++)
            {
              double dx = x + offsets[sx] - spec->center_x, dy = y + offsets[sy] - spec->center_y;
              /* From the frame back into the code: rotate by -angle (y points down). */
              double u = (c * dx - s * dy) / spec->module + size / 2.0;
              double v = (s * dx + c * dy) / spec->module + rows / 2.0;

              if (u < -q || v < -q || u >= size + q || v >= rows + q)
                continue;
              inside++;
              if (glare_half > 0 && fabs (u - glare_x) < glare_half && fabs (v - glare_y) < glare_half)
                glare++;
              else if (u >= 0 && v >= 0 && u < size && v < rows && modules[(int) v * size + (int) u])
                dark++;
            }
        if (inside > 0)
          {
            guint8 *pixel = &frame[(gsize) y * spec->width + x];
            int code = (dark * spec->dark + glare * 255 + (inside - dark - glare) * spec->light) / inside;

            *pixel = (code * inside + *pixel * (4 - inside)) / 4;
          }
      }
  finish (frame, spec, rand);
  return frame;
}

guint8 *
pd_test_frame_render_qr (const char            *text,
                         const PdTestFrameSpec *spec)
{
  QRcode *qr = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  g_autofree guint8 *modules = NULL;
  guint8 *frame;

  g_assert_nonnull (qr);
  modules = g_malloc ((gsize) qr->width * qr->width);
  for (int i = 0; i < qr->width * qr->width; i++)
    modules[i] = qr->data[i] & 1;
  frame = pd_test_frame_render (modules, qr->width, qr->width, spec);
  QRcode_free (qr);
  return frame;
}

guint8 *
pd_test_frame_render_none (const PdTestFrameSpec *spec)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (spec->seed);
  guint8 *frame = render_background (spec, rand);

  finish (frame, spec, rand);
  return frame;
}
