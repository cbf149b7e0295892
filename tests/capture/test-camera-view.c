/* test-camera-view.c: PdCameraView and PdScannerDialog in real windows under Xvfb.
 *
 * The camera view shows a picture file holding an ID card QR code while the camera decodes
 * it in its thread; the main loop is sampled every 5 ms meanwhile to measure how long it is
 * ever held up. Screenshots go to <build>/tests/capture/screenshots/ for a person to look at. */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "pd-camera-view.h"
#include "pd-scanner-dialog.h"
#include "capture/pd-camera-private.h"
#include "pd-test-frames.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"

static const char cccd_text[] =
  "079190001234|023456789|Trần Văn Bình|15081990|Nam|"
  "123/4 Đường Lê Lợi, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh|20042021";

static char *screenshot_dir;

static gboolean
timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_until (GSourceFunc  condition,
            gpointer     data,
            guint        timeout_ms,
            const char  *what)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (timeout_ms, timed_out, &done);

  while (!condition (data) && !done)
    g_main_context_iteration (NULL, TRUE);
  if (done)
    g_error ("timed out waiting for %s", what);
  g_source_remove (id);
}

static GFile *
write_card_picture (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "card.png", NULL);
  PdTestFrameSpec spec;
  g_autofree guint8 *gray = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pd_test_frame_spec_init (&spec);
  spec.angle = -8;
  spec.center_x = 560;
  spec.center_y = 340;
  gray = pd_test_frame_render_qr (cccd_text, &spec);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, spec.width, spec.height);
  for (int y = 0; y < spec.height; y++)
    for (int x = 0; x < spec.width; x++)
      {
        guint8 *p = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + 3 * x;
        guint8 v = gray[y * spec.width + x];

        /* A desk lamp's warm light. */
        p[0] = MIN (255, v + 25);
        p[1] = MIN (255, v + 10);
        p[2] = v;
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  return g_file_new_for_path (path);
}

typedef struct
{
  gint64  last;
  gint64  max_gap;
  guint   ticks;
} Stall;

static gboolean
sample_main_loop (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->max_gap = MAX (stall->max_gap, now - stall->last);
  stall->last = now;
  stall->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
on_code (PdCamera   *camera,
         const char *text,
         guint       format,
         char      **out)
{
  g_free (*out);
  *out = g_strdup (text);
}

static gboolean
have_text (gpointer data)
{
  return *(char **) data != NULL;
}

static void
on_paint (GdkFrameClock *clock,
          guint         *paints)
{
  (*paints)++;
}

/* The status icon: the only visible GtkImage of the view. */
static const char *
find_icon_name (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found;

      if (GTK_IS_IMAGE (child) && gtk_widget_get_visible (child))
        return gtk_image_get_icon_name (GTK_IMAGE (child));
      if ((found = find_icon_name (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_camera_view (void)
{
  g_autoptr(GFile) file = write_card_picture ();
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  PdCameraView *view = PD_CAMERA_VIEW (pd_camera_view_new ());
  GtkWidget *guide = gtk_frame_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  Stall stall = { 0 };
  guint sampler, frames_before, paints = 0, decodes;
  gint64 decode_usec;
  gint64 started;
  gulong paint_id;
  GdkTexture *frame;

  gtk_window_set_default_size (window, 800, 480);
  gtk_window_set_child (window, GTK_WIDGET (view));
  /* A card outline as a guide: the photo helper draws a head there. */
  gtk_widget_set_size_request (guide, 340, 215);
  gtk_widget_set_halign (guide, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (guide, GTK_ALIGN_CENTER);
  pd_camera_view_set_guide (view, guide);
  g_assert_true (pd_camera_view_get_guide (view) == guide);
  pd_camera_view_set_camera (view, camera);
  gtk_window_present (window);

  g_signal_connect (camera, "code-detected", G_CALLBACK (on_code), &code);
  g_assert_true (pd_camera_start (camera, &error));
  g_assert_no_error (error);

  /* Once the first frame is on screen (the window's first layout and style loading are not
   * the camera's doing), live picture with decoding going on until 45 frames were shown (three
   * seconds of the 25 frames a second file on an idle machine; a loaded or instrumented build
   * takes longer, and how long is bench-workflow's business, not this test's). */
  while (pd_camera_view_get_frame_count (view) < 2)
    g_main_context_iteration (NULL, TRUE);
  run_for (100);
  paint_id = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                               G_CALLBACK (on_paint), &paints);
  sampler = g_timeout_add (5, sample_main_loop, &stall);
  frames_before = pd_camera_view_get_frame_count (view);
  started = g_get_monotonic_time ();
  while (pd_camera_view_get_frame_count (view) - frames_before < 45 &&
         g_get_monotonic_time () - started < 60 * G_USEC_PER_SEC)
    run_for (100);
  g_source_remove (sampler);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), paint_id);
  decodes = pd_camera_get_decode_count (camera, &decode_usec);

  g_test_message ("in %.1f s: %u frames shown, %u paints, %u decodes (%.1f ms each), "
                  "main loop sampled %u times, longest gap %.1f ms",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                  pd_camera_view_get_frame_count (view) - frames_before, paints, decodes,
                  decode_usec / 1000.0 / MAX (decodes, 1), stall.ticks, stall.max_gap / 1000.0);
  /* Frames are shown and painted as they come, and decoded on the side. */
  g_assert_cmpuint (pd_camera_view_get_frame_count (view) - frames_before, >=, 45);
  g_assert_cmpuint (paints, >=, 30);
  g_assert_cmpuint (decodes, >=, 5);

  wait_until (have_text, &code, 5000, "code-detected");
  g_assert_cmpstr (code, ==, cccd_text);
  g_assert_cmpstr (pd_camera_view_get_status (view), ==, "QR Code read");
  g_assert_cmpstr (find_icon_name (GTK_WIDGET (view)), ==, "emblem-ok-symbolic");

  frame = pd_camera_view_get_frame (view);
  g_assert_nonnull (frame);
  g_assert_cmpint (gdk_texture_get_width (frame), ==, 1280);
  g_assert_cmpint (gdk_texture_get_height (frame), ==, 720);
  pd_ui_save_screenshot_in (GTK_WIDGET (window), screenshot_dir, "camera-view.png");

  /* An error shows in the status line. */
  pd_camera_stop (camera);
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/passdesk/no-card.png");
    g_autoptr(PdCamera) broken = pd_camera_new_for_file (missing);
    g_autofree char *dir = pd_test_make_tmpdir ();
    g_autofree char *path = g_build_filename (dir, "notes.jpg", NULL);
    g_autoptr(GFile) notes = NULL;
    g_autoptr(PdCamera) not_picture = NULL;

    g_assert_false (pd_camera_start (broken, NULL));
    g_assert_true (g_file_set_contents (path, "not a picture", -1, NULL));
    notes = g_file_new_for_path (path);
    not_picture = pd_camera_new_for_file (notes);
    pd_camera_view_set_camera (view, not_picture);
    g_assert_null (pd_camera_view_get_frame (view));
    /* The file opens; decodebin finds it is no picture a moment later. */
    g_assert_true (pd_camera_start (not_picture, NULL));
    for (int i = 0; i < 250 && strstr (pd_camera_view_get_status (view), "notes.jpg") == NULL; i++)
      run_for (20);
    g_test_message ("status: %s", pd_camera_view_get_status (view));
    g_assert_nonnull (strstr (pd_camera_view_get_status (view), "notes.jpg"));
    g_assert_cmpstr (find_icon_name (GTK_WIDGET (view)), ==, "dialog-warning-symbolic");
    pd_ui_save_screenshot_in (GTK_WIDGET (window), screenshot_dir, "camera-view-error.png");
  }

  gtk_window_destroy (window);
}

typedef struct
{
  char      *kind;
  char      *content_type;
  GBytes    *bytes;
  GdkPixbuf *pixbuf;
} Scanned;

static void
on_scanned (PdScannerDialog *dialog,
            const char      *kind,
            const char      *content_type,
            GBytes          *bytes,
            GdkPixbuf       *pixbuf,
            Scanned         *scanned)
{
  scanned->kind = g_strdup (kind);
  scanned->content_type = g_strdup (content_type);
  scanned->bytes = g_bytes_ref (bytes);
  scanned->pixbuf = g_object_ref (pixbuf);
}

static void
test_scanner_dialog (void)
{
  PdScannerDialog *dialog;
  GtkWidget *scan_button, *use_button;
  Scanned scanned = { 0 };
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GError) error = NULL;

  dialog = pd_scanner_dialog_new (NULL);
  g_signal_connect (dialog, "scanned", G_CALLBACK (on_scanned), &scanned);
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (g_nullify_pointer), &dialog);
  pd_scanner_dialog_set_document (dialog, PD_SANE_DOCUMENT_ID_CARD_BACK);
  g_assert_cmpint (pd_scanner_dialog_get_document (dialog), ==, PD_SANE_DOCUMENT_ID_CARD_BACK);
  gtk_window_present (GTK_WINDOW (dialog));

  scan_button = pd_ui_find_button (GTK_WIDGET (dialog), "_Scan");
  use_button = pd_ui_find_button (GTK_WIDGET (dialog), "_Use Scan");
  g_assert_nonnull (scan_button);
  g_assert_nonnull (use_button);
  g_assert_false (gtk_widget_get_sensitive (use_button));
  wait_until (pd_ui_sensitive, scan_button, 10000, "the scanner list");

  g_signal_emit_by_name (scan_button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (scan_button));
  wait_until (pd_ui_sensitive, use_button, 20000, "the scan");
  pd_ui_save_screenshot_in (GTK_WIDGET (dialog), screenshot_dir, "scanner-dialog.png");

  g_signal_emit_by_name (use_button, "clicked");
  g_assert_cmpstr (scanned.kind, ==, "id-card-back");
  g_assert_cmpstr (scanned.content_type, ==, "image/jpeg");
  stream = g_memory_input_stream_new_from_bytes (scanned.bytes);
  decoded = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  /* 90 x 58 mm at 300 dpi. */
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, gdk_pixbuf_get_width (scanned.pixbuf));
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (decoded) - 1063), <=, 1);
  g_assert_cmpint (ABS (gdk_pixbuf_get_height (decoded) - 685), <=, 1);
  run_for (50);
  g_assert_null (dialog);

  g_free (scanned.kind);
  g_free (scanned.content_type);
  g_bytes_unref (scanned.bytes);
  g_object_unref (scanned.pixbuf);
}


int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  pd_test_use_sane_test_backend (1);
  gtk_init ();
  adw_init ();

  screenshot_dir = g_test_build_filename (G_TEST_BUILT, "capture", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (screenshot_dir, 0755), ==, 0);

  g_test_add_func ("/camera-view/frames-and-codes", test_camera_view);
  g_test_add_func ("/scanner-dialog/scan", test_scanner_dialog);

  return g_test_run ();
}
