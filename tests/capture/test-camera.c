/* test-camera.c: PdCamera on real GStreamer pipelines: the test pattern as a live camera, a
 * picture file holding an ID card QR code, and devices and files that are not there. */
#include "config.h"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>

#include "capture/pd-camera.h"
#include "capture/pd-camera-private.h"
#include "pd-test-frames.h"
#include "pd-test-support.h"

static const char cccd_text[] =
  "079190001234||Trần Văn Bình|15081990|Nam|"
  "123/4 Đường Lê Lợi, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh|20042021";

typedef struct
{
  guint    frames;
  guint    width, height, stride;
  gsize    size;
  guint8   first_pixel[3];
  guint8   second_bar[3];
  guint    codes;
  char    *code_text;
  guint    code_format;
  GError  *error;
} Seen;

static void
on_frame (PdCamera *camera,
          guint     width,
          guint     height,
          guint     stride,
          GBytes   *rgb,
          Seen     *seen)
{
  const guint8 *data = g_bytes_get_data (rgb, &seen->size);

  seen->frames++;
  seen->width = width;
  seen->height = height;
  seen->stride = stride;
  memcpy (seen->first_pixel, data + 10 * stride + 10 * 3, 3);
  memcpy (seen->second_bar, data + 10 * stride + (width * 3 / 14) * 3, 3);
}

static void
on_code (PdCamera   *camera,
         const char *text,
         guint       format,
         Seen       *seen)
{
  seen->codes++;
  g_free (seen->code_text);
  seen->code_text = g_strdup (text);
  seen->code_format = format;
}

static void
on_error (PdCamera     *camera,
          const GError *error,
          Seen         *seen)
{
  g_clear_error (&seen->error);
  seen->error = g_error_copy (error);
}

static void
connect_seen (PdCamera *camera,
              Seen     *seen)
{
  g_signal_connect (camera, "frame", G_CALLBACK (on_frame), seen);
  g_signal_connect (camera, "code-detected", G_CALLBACK (on_code), seen);
  g_signal_connect (camera, "error", G_CALLBACK (on_error), seen);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->code_text, g_free);
  g_clear_error (&seen->error);
}

static gboolean
timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds, or until *@counter reaches @target. */
static void
run_until (guint *counter,
           guint  target,
           guint  ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (ms, timed_out, &done);

  while (!done && (counter == NULL || *counter < target))
    g_main_context_iteration (NULL, TRUE);
  if (!done)
    g_source_remove (id);
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (pd_camera_prepare_finish (result, &error));
  g_assert_no_error (error);
  (*done)++;
}

/* First of the tests: GStreamer starts in a worker thread, the caller's loop keeps turning. */
static void
test_prepare (void)
{
  guint done = 0;

  g_assert_false (pd_camera_get_prepared ());
  g_assert_false (gst_is_initialized ());
  pd_camera_prepare_async (NULL, prepared_cb, &done);
  g_assert_cmpuint (done, ==, 0);
  run_until (&done, 1, 30000);
  g_assert_cmpuint (done, ==, 1);
  g_assert_true (pd_camera_get_prepared ());
  g_assert_true (gst_is_initialized ());

  /* Again: at once, from the same start-up. */
  pd_camera_prepare_async (NULL, prepared_cb, &done);
  run_until (&done, 2, 5000);
  g_assert_cmpuint (done, ==, 2);
}

static void
test_test_pattern (void)
{
  g_autoptr(PdCamera) camera = pd_camera_new_test_pattern ();
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };
  gint64 start;
  guint frames;

  connect_seen (camera, &seen);
  pd_camera_set_max_fps (camera, 10);
  g_assert_true (pd_camera_start (camera, &error));
  g_assert_no_error (error);
  g_assert_true (pd_camera_get_running (camera));

  start = g_get_monotonic_time ();
  run_until (&seen.frames, 1, 10000);
  g_assert_cmpuint (seen.frames, ==, 1);
  g_test_message ("first frame after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (seen.width, ==, 1280);
  g_assert_cmpuint (seen.height, ==, 720);
  g_assert_cmpuint (seen.stride, >=, 1280 * 3);
  g_assert_cmpuint (seen.size, ==, (gsize) seen.stride * 720);
  /* The SMPTE pattern begins with a light grey bar, then a yellow one: RGB in that order. */
  g_test_message ("bars: %u %u %u, %u %u %u", seen.first_pixel[0], seen.first_pixel[1],
                  seen.first_pixel[2], seen.second_bar[0], seen.second_bar[1], seen.second_bar[2]);
  for (int c = 0; c < 3; c++)
    g_assert_cmpint (seen.first_pixel[c], >, 170);
  g_assert_cmpint (seen.second_bar[0], >, 170);
  g_assert_cmpint (seen.second_bar[1], >, 170);
  g_assert_cmpint (seen.second_bar[2], <, 40);

  /* The 30 frames a second of the source, delivered at most 10 a second. */
  frames = seen.frames;
  run_until (NULL, 0, 1000);
  g_test_message ("%u frames in 1 s at max-fps 10", seen.frames - frames);
  g_assert_cmpuint (seen.frames - frames, <=, 11);
  g_assert_cmpuint (seen.frames - frames, >=, 5);
  g_assert_cmpuint (pd_camera_get_decode_count (camera, NULL), >, 0);
  g_assert_cmpuint (seen.codes, ==, 0);
  g_assert_null (seen.error);

  /* Nothing after stop. */
  pd_camera_stop (camera);
  g_assert_false (pd_camera_get_running (camera));
  frames = seen.frames;
  run_until (NULL, 0, 300);
  g_assert_cmpuint (seen.frames, ==, frames);

  /* And it starts again. */
  g_assert_true (pd_camera_start (camera, &error));
  g_assert_no_error (error);
  run_until (&seen.frames, frames + 2, 10000);
  g_assert_cmpuint (seen.frames, >=, frames + 2);
  pd_camera_stop (camera);
  seen_clear (&seen);
}

static GFile *
write_qr_picture (const char *dir,
                  const char *name,
                  const char *text)
{
  PdTestFrameSpec spec;
  g_autofree guint8 *gray = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint8 *pixels;
  int rowstride;

  pd_test_frame_spec_init (&spec);
  spec.angle = 12;
  spec.center_x = 500;
  gray = pd_test_frame_render_qr (text, &spec);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, spec.width, spec.height);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < spec.height; y++)
    for (int x = 0; x < spec.width; x++)
      memset (pixels + y * rowstride + 3 * x, gray[y * spec.width + x], 3);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, g_str_has_suffix (name, ".png") ? "png" : "jpeg",
                                  &error, NULL));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static void
test_picture_with_qr (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  const char *names[] = { "card.png", "card.jpg" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = write_qr_picture (dir, names[i], cccd_text);
      g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
      g_autoptr(GError) error = NULL;
      Seen seen = { 0 };
      gint64 start = g_get_monotonic_time ();
      gint64 decode_usec;
      guint decodes;

      connect_seen (camera, &seen);
      g_assert_cmpstr (pd_camera_get_description (camera), ==, names[i]);
      g_assert_true (pd_camera_start (camera, &error));
      g_assert_no_error (error);

      run_until (&seen.codes, 1, 10000);
      g_assert_null (seen.error);
      g_assert_cmpuint (seen.codes, ==, 1);
      g_test_message ("%s: code after %" G_GINT64_FORMAT " ms", names[i],
                      (g_get_monotonic_time () - start) / 1000);
      g_assert_cmpstr (seen.code_text, ==, cccd_text);
      g_assert_cmpuint (seen.code_format, ==, PD_BARCODE_FORMAT_QR_CODE);
      run_until (&seen.frames, 1, 5000);
      g_assert_cmpuint (seen.frames, >, 0);
      g_assert_cmpuint (seen.width, ==, 1280);
      g_assert_cmpuint (seen.height, ==, 720);

      /* The still keeps being shown and read, and the code is reported once. */
      run_until (NULL, 0, 1000);
      decodes = pd_camera_get_decode_count (camera, &decode_usec);
      g_test_message ("%s: %u frames shown, %u decoded in %.1f ms on average", names[i],
                      seen.frames, decodes, decode_usec / 1000.0 / MAX (decodes, 1));
      g_assert_cmpuint (decodes, >, 3);
      g_assert_cmpuint (seen.frames, >, 10);
      g_assert_cmpuint (seen.codes, ==, 1);
      seen_clear (&seen);
    }
}

static void
test_no_decoding (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autoptr(GFile) file = write_qr_picture (dir, "card.png", cccd_text);
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };

  connect_seen (camera, &seen);
  pd_camera_set_barcode_formats (camera, PD_BARCODE_FORMAT_NONE);
  g_assert_true (pd_camera_start (camera, &error));
  run_until (NULL, 0, 1000);
  g_assert_cmpuint (seen.frames, >, 5);
  g_assert_cmpuint (seen.codes, ==, 0);
  g_assert_cmpuint (pd_camera_get_decode_count (camera, NULL), ==, 0);
  seen_clear (&seen);
}

static void
test_missing_device (void)
{
  g_autoptr(PdCamera) camera = pd_camera_new_for_device ("/dev/video-passdesk-missing");
  g_autoptr(GError) error = NULL;

  g_assert_false (pd_camera_start (camera, &error));
  g_assert_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "/dev/video-passdesk-missing"));
  g_assert_nonnull (strstr (error->message, "plugged in"));
  g_assert_false (pd_camera_get_running (camera));
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/passdesk/card.png");
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
  g_autoptr(GError) error = NULL;

  g_assert_false (pd_camera_start (camera, &error));
  g_assert_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "card.png"));
  g_assert_false (pd_camera_get_running (camera));
}

static void
test_not_a_picture (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "notes.png", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(PdCamera) camera = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };
  guint errors = 0;

  g_assert_true (g_file_set_contents (path, "Hồ sơ: not a picture\n", -1, NULL));
  file = g_file_new_for_path (path);
  camera = pd_camera_new_for_file (file);
  connect_seen (camera, &seen);
  if (pd_camera_start (camera, &error))
    {
      while (seen.error == NULL && errors++ < 1000)
        run_until (NULL, 0, 10);
      g_assert_nonnull (seen.error);
      error = g_error_copy (seen.error);
    }
  g_assert_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "notes.png"));
  g_assert_false (pd_camera_get_running (camera));
  g_assert_cmpuint (seen.frames, ==, 0);
  seen_clear (&seen);
}

/* Dropping the last reference while frames and codes are on their way. */
static void
test_unref_running (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autoptr(GFile) file = write_qr_picture (dir, "card.png", cccd_text);

  for (int i = 0; i < 5; i++)
    {
      PdCamera *camera = i % 2 ? pd_camera_new_for_file (file) : pd_camera_new_test_pattern ();
      Seen seen = { 0 };

      connect_seen (camera, &seen);
      g_assert_true (pd_camera_start (camera, NULL));
      run_until (&seen.frames, 1 + i, 10000);
      g_object_unref (camera);
      run_until (NULL, 0, 50);
      seen_clear (&seen);
    }
}

static void
test_list_devices (void)
{
  g_autoptr(GPtrArray) devices = pd_camera_list_devices ();

  g_test_message ("%u camera(s)", devices->len);
  for (guint i = 0; i < devices->len; i++)
    {
      PdCameraDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(PdCameraDevice) copy = pd_camera_device_copy (device);

      g_test_message ("  %s: %s", device->device_path, device->name);
      g_assert_nonnull (device->name);
      g_assert_true (g_str_has_prefix (device->device_path, "/dev/"));
      g_assert_cmpstr (copy->device_path, ==, device->device_path);
    }
  /* Without /dev/video*, there is nothing to list, and the default camera says so. */
  if (!g_file_test ("/dev/video0", G_FILE_TEST_EXISTS))
    {
      g_autoptr(PdCamera) camera = pd_camera_new_for_device (NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (devices->len, ==, 0);
      g_assert_false (pd_camera_start (camera, &error));
      g_assert_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND);
      g_test_message ("%s", error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/camera/prepare", test_prepare);
  g_test_add_func ("/camera/test-pattern", test_test_pattern);
  g_test_add_func ("/camera/picture-with-qr", test_picture_with_qr);
  g_test_add_func ("/camera/no-decoding", test_no_decoding);
  g_test_add_func ("/camera/missing-device", test_missing_device);
  g_test_add_func ("/camera/missing-file", test_missing_file);
  g_test_add_func ("/camera/not-a-picture", test_not_a_picture);
  g_test_add_func ("/camera/unref-running", test_unref_running);
  g_test_add_func ("/camera/list-devices", test_list_devices);

  return g_test_run ();
}
