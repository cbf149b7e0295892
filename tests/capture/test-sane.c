/* test-sane.c: pd-sane on SANE's "test" backend, a scanner that needs no hardware. The test
 * points SANE_CONFIG_DIR at a directory whose dll.conf loads only that backend. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "capture/pd-sane.h"
#include "pd-test-support.h"

typedef struct
{
  GAsyncResult *result;
  GArray       *fractions;
  GCancellable *cancel_on_progress;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static void
on_progress (double   fraction,
             gpointer user_data)
{
  Wait *wait = user_data;

  if (wait->fractions != NULL)
    g_array_append_val (wait->fractions, fraction);
  if (wait->cancel_on_progress != NULL && fraction > 0.05)
    g_cancellable_cancel (wait->cancel_on_progress);
}

static GdkPixbuf *
scan (const char              *device,
      const PdSaneScanOptions *options,
      GCancellable            *cancellable,
      GArray                  *fractions,
      int                     *resolution,
      GError                 **error)
{
  Wait wait = { NULL, fractions, cancellable };
  GdkPixbuf *pixbuf;

  pd_sane_scan_async (device, options, on_progress, &wait, NULL, cancellable, on_done, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  pixbuf = pd_sane_scan_finish (wait.result, resolution, error);
  g_object_unref (wait.result);
  /* Progress reports posted before the result may still be queued. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return pixbuf;
}

static void
test_list_devices (void)
{
  Wait wait = { 0 };
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  pd_sane_list_devices_async (NULL, on_done, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = pd_sane_list_devices_finish (wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    {
      PdSaneDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *label = pd_sane_device_get_label (device);

      g_test_message ("%s: %s (%s)", device->name, label, device->type);
      if (g_strcmp0 (device->name, "test:0") == 0)
        {
          found = TRUE;
          g_assert_cmpstr (label, ==, "frontend-tester");
        }
    }
  g_assert_true (found);
}

static int
expected_pixels (double mm,
                 int    dpi)
{
  return (int) (mm / 25.4 * dpi);
}

static void
test_scan_id_card (void)
{
  PdSaneScanOptions options;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  int resolution = 0;
  const guint8 *pixels;

  pd_sane_document_get_options (PD_SANE_DOCUMENT_ID_CARD_FRONT, &options);
  g_assert_cmpstr (pd_sane_document_get_kind (PD_SANE_DOCUMENT_ID_CARD_FRONT), ==, "id-card-front");
  g_assert_cmpint (options.resolution, ==, 300);
  g_assert_cmpint (options.color_mode, ==, PD_SANE_COLOR);

  pixbuf = scan ("test:0", &options, NULL, fractions, &resolution, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (resolution, ==, 300);
  /* 90 x 58 mm at 300 dpi. */
  g_test_message ("%dx%d", gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (pixbuf) - expected_pixels (90, 300)), <=, 1);
  g_assert_cmpint (ABS (gdk_pixbuf_get_height (pixbuf) - expected_pixels (58, 300)), <=, 1);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (pixbuf), ==, 3);

  /* The backend's colour pattern, not a blank page. */
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y += 7)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x += 7)
      {
        const guint8 *p = pixels + y * gdk_pixbuf_get_rowstride (pixbuf) + 3 * x;

        g_hash_table_add (colours, GUINT_TO_POINTER (p[0] << 16 | p[1] << 8 | p[2]));
      }
  g_test_message ("%u colours", g_hash_table_size (colours));
  g_assert_cmpuint (g_hash_table_size (colours), >=, 8);

  /* Progress from 0 to 1, never backwards, in steps. */
  g_assert_cmpuint (fractions->len, >=, 5);
  g_assert_cmpfloat (g_array_index (fractions, double, 0), ==, 0.0);
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=,
                       g_array_index (fractions, double, i - 1));
}

static void
test_scan_gray_clamped (void)
{
  PdSaneScanOptions options;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  int resolution = 0;
  const guint8 *pixels;

  /* A4 is larger than the test scanner's 200 x 200 mm glass: the area is cut to it. */
  pd_sane_document_get_options (PD_SANE_DOCUMENT_OTHER_PAPER, &options);
  options.color_mode = PD_SANE_GRAY;
  options.resolution = 75;
  pixbuf = scan ("test:1", &options, NULL, NULL, &resolution, &error);
  g_assert_no_error (error);
  g_assert_cmpint (resolution, ==, 75);
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (pixbuf) - expected_pixels (200, 75)), <=, 1);
  g_assert_cmpint (ABS (gdk_pixbuf_get_height (pixbuf) - expected_pixels (200, 75)), <=, 1);

  pixels = gdk_pixbuf_get_pixels (pixbuf);
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        const guint8 *p = pixels + y * gdk_pixbuf_get_rowstride (pixbuf) + 3 * x;

        g_assert_true (p[0] == p[1] && p[1] == p[2]);
      }
}

static void
test_scan_feeder (void)
{
  PdSaneScanOptions options;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pd_sane_document_get_options (PD_SANE_DOCUMENT_OLD_PASSPORT, &options);
  options.source = PD_SANE_SOURCE_FEEDER;
  options.resolution = 100;
  pixbuf = scan ("test:0", &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (pixbuf) - expected_pixels (130, 100)), <=, 1);
  g_assert_cmpint (ABS (gdk_pixbuf_get_height (pixbuf) - expected_pixels (92, 100)), <=, 1);
}

static void
test_cancel (void)
{
  PdSaneScanOptions options;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) again = NULL;
  g_autoptr(GError) error = NULL;

  pd_sane_document_get_options (PD_SANE_DOCUMENT_OTHER_PAPER, &options);
  pixbuf = scan ("test:0", &options, cancellable, fractions, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (pixbuf);
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), <, 1.0);
  g_clear_error (&error);

  /* The scanner was let go. */
  options.resolution = 50;
  again = scan ("test:0", &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

static void
test_missing_device (void)
{
  /* A device the backend does not have, and a backend that is not installed. */
  const char *names[] = { "test:9", "passdesk-nonexistent:0" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      PdSaneScanOptions options;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      pd_sane_document_get_options (PD_SANE_DOCUMENT_ID_CARD_BACK, &options);
      pixbuf = scan (names[i], &options, NULL, NULL, NULL, &error);
      g_assert_null (pixbuf);
      g_assert_error (error, PD_SANE_ERROR, PD_SANE_ERROR_NOT_FOUND);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, names[i]));
    }
}

static void
test_encode (void)
{
  PdSaneScanOptions options;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  const char *types[] = { "image/png", "image/jpeg" };

  pd_sane_document_get_options (PD_SANE_DOCUMENT_ID_CARD_BACK, &options);
  options.resolution = 150;
  pixbuf = scan ("test:0", &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GBytes) bytes = pd_sane_encode (pixbuf, types[i], 150, &error);
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GdkPixbuf) decoded = NULL;
      g_autofree char *guessed = NULL;
      gsize size;
      const guchar *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &size);
      guessed = g_content_type_guess (NULL, data, size, NULL);
      g_test_message ("%s: %zu bytes (%s)", types[i], size, guessed);
      g_assert_true (g_content_type_equals (guessed, types[i]));
      stream = g_memory_input_stream_new_from_bytes (bytes);
      decoded = gdk_pixbuf_new_from_stream (stream, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, gdk_pixbuf_get_width (pixbuf));
      g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, gdk_pixbuf_get_height (pixbuf));
    }

  g_assert_null (pd_sane_encode (pixbuf, "image/gif", 150, &error));
  g_assert_error (error, PD_SANE_ERROR, PD_SANE_ERROR_UNSUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  /* Handing out data in small pieces: there is progress to report and a moment to cancel in. */
  pd_test_use_sane_test_backend (2);

  g_test_add_func ("/sane/list-devices", test_list_devices);
  g_test_add_func ("/sane/scan-id-card", test_scan_id_card);
  g_test_add_func ("/sane/scan-gray-clamped", test_scan_gray_clamped);
  g_test_add_func ("/sane/scan-feeder", test_scan_feeder);
  g_test_add_func ("/sane/cancel", test_cancel);
  g_test_add_func ("/sane/missing-device", test_missing_device);
  g_test_add_func ("/sane/encode", test_encode);

  return g_test_run ();
}
