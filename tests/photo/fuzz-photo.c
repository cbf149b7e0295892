/* fuzz-photo.c: the photo reader (format sniffing, size guard, decoding, EXIF orientation,
 * flattening) on arbitrary bytes. It must return an image or an error, never crash, and never
 * allocate the size a header merely claims. */
#include "config.h"

#include "fuzz-target.h"
#include "pd-photo-image.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) image = pd_photo_image_load_bytes (bytes, &error);

  g_assert ((image == NULL) != (error == NULL));
  if (image != NULL)
    {
      g_assert_cmpint (gdk_pixbuf_get_n_channels (image), ==, 3);
      g_assert_false (gdk_pixbuf_get_has_alpha (image));
      g_assert_cmpuint ((guint64) gdk_pixbuf_get_width (image) * gdk_pixbuf_get_height (image), <=,
                        PD_PHOTO_MAX_PIXELS);
    }
  return 0;
}
