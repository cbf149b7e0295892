/* fuzz-sane-frame.c: what a scanner's driver sends, read into a page. A driver (or a broken
 * scanner) chooses the frame format, depth, widths and lines; the reader must refuse what does
 * not add up and never read past the bytes it got. The input is up to three frames, each a
 * 12-byte header (format, depth, last-frame flag, a spare byte, pixels a line, bytes a line and
 * lines as signed 16-bit little-endian, data length as 16-bit) followed by its data. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "capture/pd-sane.h"
#include "capture/pd-sane-private.h"
#include "fuzz-target.h"

static gint16
le16 (const guint8 *p)
{
  return (gint16) (p[0] | p[1] << 8);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  gsize offset = 0;

  for (int pass = 0; pass < 3 && offset + 12 <= size; pass++)
    {
      const guint8 *header = data + offset;
      g_autoptr(GError) error = NULL;
      SANE_Parameters params = {
        .format = (SANE_Frame) ((gint8) header[0]),
        .depth = header[1],
        .last_frame = header[2] & 1,
        .pixels_per_line = le16 (header + 4),
        .bytes_per_line = le16 (header + 6),
        .lines = le16 (header + 8),
      };
      gsize length = MIN ((guint16) le16 (header + 10), size - offset - 12);
      /* A copy of exactly the frame's bytes, so that ASan sees a read past them. */
      g_autofree guint8 *frame = g_memdup2 (data + offset + 12, length);

      offset += 12 + length;
      if (!pd_sane_frame_to_pixbuf (&params, frame, length, "fuzz:0", &pixbuf, &error))
        {
          g_assert (error != NULL && error->domain == PD_SANE_ERROR);
          g_assert (g_utf8_validate (error->message, -1, NULL));
          break;
        }
      g_assert (pixbuf != NULL);
      if (params.last_frame)
        break;
    }
  return 0;
}
