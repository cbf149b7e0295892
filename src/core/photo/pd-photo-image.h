/* pd-photo-image.h: reading photos safely and writing the standard JPEG.
 *
 * Only JPEG and PNG are read (by their first bytes, whatever the file is called), so no other
 * decoder ever sees a file from outside. The size is checked from the header before any pixel
 * is decoded, the EXIF orientation is applied, transparency is flattened onto white, and
 * what is written carries no metadata but the print density.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/* 64 megapixels and 16384 px a side: far above any camera at a counter. */
#define PD_PHOTO_MAX_PIXELS   (64 * 1024 * 1024)
#define PD_PHOTO_MAX_SIDE     16384
#define PD_PHOTO_MAX_FILE_SIZE (64 * 1024 * 1024)

#define PD_PHOTO_IMAGE_ERROR (pd_photo_image_error_quark ())
typedef enum {
  PD_PHOTO_IMAGE_ERROR_UNREADABLE,   /* cannot be read, or is damaged */
  PD_PHOTO_IMAGE_ERROR_FORMAT,       /* neither JPEG nor PNG */
  PD_PHOTO_IMAGE_ERROR_TOO_LARGE,
  PD_PHOTO_IMAGE_ERROR_ENCODE,
} PdPhotoImageError;
GQuark pd_photo_image_error_quark (void);

/* An RGB pixbuf without alpha, upright. */
GdkPixbuf *pd_photo_image_load_bytes (GBytes      *bytes,
                                      GError     **error);
GdkPixbuf *pd_photo_image_load_file  (const char  *path,
                                      GError     **error);

/* JPEG at the highest quality in [@quality_min, @quality_max] whose size is at most
 * @max_bytes, with @dpi in the JFIF header. Fails when no quality fits, or when even
 * @quality_max stays under @min_bytes. */
GBytes    *pd_photo_image_encode_jpeg (GdkPixbuf  *pixbuf,
                                       int         quality_min,
                                       int         quality_max,
                                       gsize       min_bytes,
                                       gsize       max_bytes,
                                       int         dpi,
                                       int        *quality_used,
                                       GError    **error);

G_END_DECLS
