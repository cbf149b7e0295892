/* pd-photo-image.c: guarded decoding with gdk-pixbuf's loaders, and the JPEG encoder. */
#define G_LOG_DOMAIN "pd-photo"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-photo-image.h"

G_DEFINE_QUARK (pd-photo-image-error-quark, pd_photo_image_error)

/* Small chunks let the header's size be refused before the loader allocates the pixels of a
 * later chunk. */
#define FEED_CHUNK 65536

typedef struct {
  int      width;
  int      height;
  gboolean too_large;
  int      rows_done;   /* decoded rows reported so far: the loaders accept a cut-off file */
} SizeProbe;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeProbe *probe = user_data;

  probe->width = width;
  probe->height = height;
  if (width <= 0 || height <= 0 || width > PD_PHOTO_MAX_SIDE || height > PD_PHOTO_MAX_SIDE ||
      (guint64) width * (guint64) height > PD_PHOTO_MAX_PIXELS)
    {
      probe->too_large = TRUE;
      /* The JPEG and PNG loaders honour a requested size: a 1×1 target keeps even a loader that
       * goes on decoding this chunk from allocating the claimed size. */
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

static void
on_area_updated (GdkPixbufLoader *loader,
                 int              x,
                 int              y,
                 int              width,
                 int              height,
                 gpointer         user_data)
{
  SizeProbe *probe = user_data;

  probe->rows_done = MAX (probe->rows_done, y + height);
}

static const char *
sniff_type (const guint8 *data,
            gsize         size)
{
  static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpeg";
  if (size >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return "png";
  /* Phones and web pages save WebP; Debian's webp-pixbuf-loader reads it. */
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  return NULL;
}

/* The name of a format Passdesk does not read, so that the message can say which it is. */
static const char *
unsupported_name (const guint8 *data,
                  gsize         size)
{
  if (size >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    return memcmp (data + 8, "avif", 4) == 0 ? "AVIF" : "HEIC";
  if (size >= 4 && memcmp (data, "GIF8", 4) == 0)
    return "GIF";
  if (size >= 2 && memcmp (data, "BM", 2) == 0)
    return "BMP";
  if (size >= 4 && (memcmp (data, "II*", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "TIFF";
  return NULL;
}

/* The PNG loader ignores gdk_pixbuf_loader_set_size() and allocates the size the header claims
 * before "size-prepared" can stop it, so a PNG's IHDR is checked here first. */
static gboolean
png_claims_too_much (const guint8 *data,
                     gsize         size,
                     SizeProbe    *probe)
{
  /* signature (8), IHDR length (4) and type (4), then width and height, big-endian */
  if (size < 24 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  probe->width = (int) MIN (GUINT32_FROM_BE (*(const guint32 *) (const void *) (data + 16)), G_MAXINT);
  probe->height = (int) MIN (GUINT32_FROM_BE (*(const guint32 *) (const void *) (data + 20)), G_MAXINT);
  probe->too_large = probe->width > PD_PHOTO_MAX_SIDE || probe->height > PD_PHOTO_MAX_SIDE ||
                     (guint64) probe->width * (guint64) probe->height > PD_PHOTO_MAX_PIXELS;
  return probe->too_large;
}

/* Whether a JPEG stream reaches its end-of-image marker. libjpeg pads a cut-off file with grey
 * and calls it decoded, so the markers are walked: segments by their lengths, entropy-coded
 * data up to the next marker (0xff followed by anything but a stuffed 0x00 or a restart). */
static gboolean
jpeg_is_complete (const guint8 *data,
                  gsize         size)
{
  gsize i = 2;

  while (i + 1 < size)
    {
      guint8 marker;

      if (data[i] != 0xff)
        return FALSE;
      marker = data[i + 1];
      if (marker == 0xff)
        {
          i++;                       /* fill byte */
          continue;
        }
      if (marker == 0xd9)
        return TRUE;
      if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
        {
          i += 2;
          continue;
        }
      if (i + 3 >= size)
        return FALSE;
      i += 2 + ((gsize) data[i + 2] << 8 | data[i + 3]);
      if (marker == 0xda)
        {
          while (i + 1 < size &&
                 !(data[i] == 0xff && data[i + 1] != 0x00 && !(data[i + 1] >= 0xd0 && data[i + 1] <= 0xd7)))
            i++;
        }
    }
  return FALSE;
}

/* Progressive JPEGs from cameras carry about ten scans; each scan is a further pass over every
 * coefficient of the image, so a file of thousands of tiny scans costs minutes of CPU. */
#define MAX_JPEG_SCANS 100

typedef enum {
  JPEG_CODING_OK,
  JPEG_CODING_UNSUPPORTED,
  JPEG_CODING_TOO_MANY_SCANS,
} JpegCoding;

/* Which coding the frame headers declare, before any decoder sees the file. gdk-pixbuf 2.42's
 * incremental JPEG loader spins for ever in jpeg_read_scanlines() on some damaged
 * arithmetic-coded files (tests/photo/hostile/photo-loader-hang.jpg), and a decoding thread
 * cannot be stopped from outside: a time budget would need a subprocess per photo, which the
 * app's worker threads cannot fork safely. Refusing the codings Passdesk never meets is cheap and
 * exact: cameras, phones and scanners write baseline, extended or progressive Huffman JPEGs
 * (SOF0, SOF1, SOF2); arithmetic coding (SOF9-11, DAC), lossless (SOF3) and hierarchical frames
 * (SOF5-7, SOF13-15) are what is left, so every frame header and every scan is checked. */
static JpegCoding
jpeg_check_coding (const guint8 *data,
                   gsize         size)
{
  gsize i = 2;
  guint scans = 0;

  while (i < size)
    {
      guint8 marker;
      gsize length;

      /* As libjpeg's next_marker(): bytes that are no marker, a stuffed zero included, are
       * skipped with a warning, so a frame header after garbage is still read and must be
       * found here too. */
      if (data[i] != 0xff)
        {
          i++;
          continue;
        }
      while (i < size && data[i] == 0xff)
        i++;
      if (i >= size)
        break;
      marker = data[i++];
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;
      if (marker == 0xd9)
        break;
      if (marker == 0xc3 || (marker >= 0xc5 && marker <= 0xc7) || (marker >= 0xc9 && marker <= 0xcf))
        return JPEG_CODING_UNSUPPORTED;
      if (i + 1 >= size)
        break;
      length = (gsize) data[i] << 8 | data[i + 1];
      i += MAX (length, 2);
      if (marker == 0xda && ++scans > MAX_JPEG_SCANS)
        return JPEG_CODING_TOO_MANY_SCANS;
    }
  return JPEG_CODING_OK;
}

static GdkPixbuf *
flatten_onto_white (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  GdkPixbuf *flat = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  int dst_stride = gdk_pixbuf_get_rowstride (flat);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *dst = gdk_pixbuf_get_pixels (flat);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *s = src + (gsize) y * src_stride + (gsize) x * channels;
        guint8 *d = dst + (gsize) y * dst_stride + (gsize) x * 3;
        guint alpha = channels == 4 ? s[3] : 255;

        for (int c = 0; c < 3; c++)
          d[c] = (guint8) ((s[c] * alpha + 255 * (255 - alpha) + 127) / 255);
      }
  return flat;
}

GdkPixbuf *
pd_photo_image_load_bytes (GBytes  *bytes,
                           GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  SizeProbe probe = { 0 };
  const guint8 *data;
  const char *type;
  GdkPixbuf *decoded;
  gsize size;
  gboolean fed = TRUE;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                           _("The photo file is empty. Take or copy the photo again."));
      return NULL;
    }
  type = sniff_type (data, size);
  if (type == NULL && unsupported_name (data, size) != NULL)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_FORMAT,
                   _("The photo is a %s file, which Passdesk does not read. Save it as JPEG "
                     "(or PNG or WebP) and try again."), unsupported_name (data, size));
      return NULL;
    }
  if (type == NULL)
    {
      g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_FORMAT,
                           _("The file is not a JPEG, PNG or WebP photo. Save the photo as JPEG and try again."));
      return NULL;
    }

  if (g_str_equal (type, "jpeg"))
    {
      switch (jpeg_check_coding (data, size))
        {
        case JPEG_CODING_UNSUPPORTED:
          g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                               _("The photo file is damaged or uses a JPEG coding that cameras do not "
                                 "write (arithmetic or lossless). Take the photo again, or save it as "
                                 "a standard JPEG."));
          return NULL;
        case JPEG_CODING_TOO_MANY_SCANS:
          g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                               _("The photo file is damaged: it is cut into far more passes than a "
                                 "camera writes. Take the photo again, or save it as a standard JPEG."));
          return NULL;
        case JPEG_CODING_OK:
          break;
        }
    }
  loader = gdk_pixbuf_loader_new_with_type (type, &local_error);
  if (loader == NULL)
    {
      if (g_str_equal (type, "webp"))
        g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_FORMAT,
                             _("This system cannot read WebP photos. Install the package "
                               "webp-pixbuf-loader, or save the photo as JPEG and try again."));
      else
        g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_FORMAT,
                     _("This system cannot read %s photos: %s. Install the gdk-pixbuf loaders."),
                     type, local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &probe);
  g_signal_connect (loader, "area-updated", G_CALLBACK (on_area_updated), &probe);

  if (g_str_equal (type, "png"))
    png_claims_too_much (data, size, &probe);
  for (gsize offset = 0; offset < size && !probe.too_large && fed; offset += FEED_CHUNK)
    fed = gdk_pixbuf_loader_write (loader, data + offset, MIN (FEED_CHUNK, size - offset),
                                   &local_error);
  /* Closing is needed even after a failure, and its own error then says nothing new. */
  if (!gdk_pixbuf_loader_close (loader, fed && !probe.too_large ? &local_error : NULL) && fed)
    fed = FALSE;

  if (probe.too_large)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_TOO_LARGE,
                   _("The photo claims to be %d × %d pixels, more than Passdesk reads (%d megapixels). "
                     "Take the photo again at a normal camera resolution."),
                   probe.width, probe.height, PD_PHOTO_MAX_PIXELS / (1024 * 1024));
      return NULL;
    }
  decoded = fed ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (decoded == NULL || probe.rows_done < gdk_pixbuf_get_height (decoded) ||
      (g_str_equal (type, "jpeg") && !jpeg_is_complete (data, size)))
    {
      g_debug ("Decoding failed: %s", local_error ? local_error->message : "no image");
      g_set_error_literal (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                           _("The photo file is damaged or incomplete. Take or copy the photo again."));
      return NULL;
    }

  upright = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (upright == NULL)
    upright = g_object_ref (decoded);

  if (gdk_pixbuf_get_n_channels (upright) == 3 && !gdk_pixbuf_get_has_alpha (upright) &&
      gdk_pixbuf_get_bits_per_sample (upright) == 8)
    return g_steal_pointer (&upright);
  return flatten_onto_white (upright);
}

GdkPixbuf *
pd_photo_image_load_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                   _("Cannot read the photo “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (mapped) > PD_PHOTO_MAX_FILE_SIZE)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_TOO_LARGE,
                   _("The photo “%s” is larger than %d MB. Save it as a normal JPEG and try again."),
                   path, PD_PHOTO_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  return pd_photo_image_load_bytes (bytes, error);
}

static GBytes *
encode_at (GdkPixbuf  *pixbuf,
           int         quality,
           int         dpi,
           GError    **error)
{
  g_autofree char *quality_text = g_strdup_printf ("%d", quality);
  g_autofree char *dpi_text = g_strdup_printf ("%d", dpi);
  char *buffer = NULL;
  gsize length = 0;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &length, "jpeg", error,
                                  "quality", quality_text,
                                  "x-dpi", dpi_text,
                                  "y-dpi", dpi_text,
                                  NULL))
    return NULL;
  return g_bytes_new_take (buffer, length);
}

GBytes *
pd_photo_image_encode_jpeg (GdkPixbuf  *pixbuf,
                            int         quality_min,
                            int         quality_max,
                            gsize       min_bytes,
                            gsize       max_bytes,
                            int         dpi,
                            int        *quality_used,
                            GError    **error)
{
  g_autoptr(GBytes) best = NULL;
  g_autoptr(GError) local_error = NULL;
  int best_quality = 0;
  int low = quality_min;
  int high = quality_max;

  /* The size grows with the quality: search for the highest quality that fits. */
  while (low <= high)
    {
      int quality = (low + high) / 2;
      g_autoptr(GBytes) encoded = encode_at (pixbuf, quality, dpi, &local_error);

      if (encoded == NULL)
        {
          g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_ENCODE,
                       _("Cannot write the photo as JPEG: %s"), local_error->message);
          return NULL;
        }
      if (g_bytes_get_size (encoded) <= max_bytes)
        {
          g_clear_pointer (&best, g_bytes_unref);
          best = g_steal_pointer (&encoded);
          best_quality = quality;
          low = quality + 1;
        }
      else
        high = quality - 1;
    }

  if (best == NULL)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_ENCODE,
                   _("The photo does not fit in %zu bytes even at JPEG quality %d. "
                     "Raise output.jpeg_max_bytes in the photo profile."),
                   max_bytes, quality_min);
      return NULL;
    }
  if (g_bytes_get_size (best) < min_bytes)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_ENCODE,
                   _("The photo is only %zu bytes at JPEG quality %d, under the "
                     "%zu bytes the profile asks for. Lower output.jpeg_min_bytes "
                     "in the photo profile."),
                   g_bytes_get_size (best), best_quality, min_bytes);
      return NULL;
    }

  if (quality_used != NULL)
    *quality_used = best_quality;
  return g_steal_pointer (&best);
}
