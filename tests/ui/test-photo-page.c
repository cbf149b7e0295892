/* test-photo-page.c: the photo page of the real window, fed by a PdCamera reading pictures of
 * the photo test set (tests/photo/make-testset.py) through the same pipeline as a camera.
 *
 * The test set's portrait smiles with her teeth showing, which the passport profile refuses;
 * as in tests/photo, the page is given a copy of the profile that tolerates the smile, made by
 * changing one number of the JSON. Screenshots go to <build>/tests/ui/screenshots/.
 */
#define _GNU_SOURCE   /* memmem() */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <qrencode.h>

#include "pd-application.h"
#include "pd-photo-page-private.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"

#define WAIT_SECONDS 60

static PdApplication *app;
static PdWindow *window;
static char *db_path;
static char *tmpdir;
static PdPhotoProfile *tolerant;

static void
save_screenshot (const char *name)
{
  pd_ui_save_screenshot (GTK_WIDGET (window), name);
}

static PdPhotoPage *
page (void)
{
  return pd_ui_photo_page (window);
}

static PdDossierForm *
form (void)
{
  return pd_ui_form (window);
}

static char *
testset_path (const char *name)
{
  return g_build_filename (g_getenv ("PASSDESK_PHOTO_TESTSET"), name, NULL);
}

static void
show_camera_file (const char *name)
{
  g_autofree char *path = testset_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);

  /* A still repeated: a few frames a second are plenty, and spare the test machine. */
  pd_camera_set_max_fps (camera, 10);
  pd_photo_page_set_camera (page (), camera);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "photo");
}

static gboolean
store_open (gpointer data)
{
  return pd_window_get_store (window) != NULL || pd_station_get_open_error (pd_window_get_station (window)) != NULL;
}

static gboolean
report_compliant (gpointer data)
{
  const PdPhotoReport *report = pd_photo_page_get_report (page ());

  return report != NULL && pd_photo_report_is_compliant (report) && pd_photo_page_get_capture_enabled (page ());
}

static gboolean
check_fails (gpointer data)
{
  const PdPhotoReport *report = pd_photo_page_get_report (page ());
  const PdPhotoCheck *check = report ? pd_photo_report_find_check (report, data) : NULL;

  return check != NULL && !check->passed;
}

static gboolean
has_result (gpointer data)
{
  return pd_photo_page_get_result_jpeg (page ()) != NULL;
}

static gboolean
capture_enabled (gpointer data)
{
  return pd_photo_page_get_capture_enabled (page ());
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
saved_cb (PdDossierForm *f,
          PdDossier     *dossier,
          PdDossier    **out)
{
  g_set_object (out, dossier);
}

/* Saves the form and returns the dossier as saved. */
static PdDossier *
save_form (void)
{
  PdDossier *saved = NULL;
  gulong id = g_signal_connect (form (), "saved", G_CALLBACK (saved_cb), &saved);

  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
  /* The officer ticks the papers handed in: acceptance waits for them. */
  {
    g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());

    for (guint i = 0; i < checks->len; i++)
      gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form ()), "form.save", NULL));
  pd_ui_wait_until (is_set, &saved, "the application to be saved");
  g_signal_handler_disconnect (form (), id);
  g_assert_cmpint (pd_dossier_get_id (saved), >, 0);
  return saved;
}

static void
load_new_dossier (const char *name,
                  const char *id_number)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (name, id_number);

  /* As the card says: the form asks about a sex or a year the number disagrees with. */
  pd_test_agree_with_id (dossier);
  pd_dossier_form_load (form (), dossier);
}

static GBytes *
read_file_or_empty (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_bytes_new (NULL, 0);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/* Whether any 64-byte run of @needle, taken every 1 KiB, is in @haystack. */
static gboolean
shares_a_run (GBytes *haystack,
              GBytes *needle)
{
  gsize hay_len, needle_len;
  const guint8 *hay = g_bytes_get_data (haystack, &hay_len);
  const guint8 *data = g_bytes_get_data (needle, &needle_len);

  for (gsize offset = 0; offset + 64 <= needle_len; offset += 1024)
    if (hay_len >= 64 && memmem (hay, hay_len, data + offset, 64) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_open (void)
{
  pd_ui_wait_until (store_open, NULL, "the database to open");
  g_assert_null (pd_station_get_open_error (pd_window_get_station (window)));
}

static void
test_compliant (void)
{
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) db = NULL;
  g_autoptr(GBytes) wal = NULL;
  g_autoptr(GdkTexture) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  PdStore *store = pd_window_get_store (window);
  GdkTexture *result;
  guint n_photos = 0;

  load_new_dossier ("Nguyễn Thị Ánh Tuyết", "001190123456");
  show_camera_file ("base.png");
  pd_ui_wait_until (report_compliant, NULL, "every check to pass on the compliant picture");
  g_assert_cmpstr (pd_photo_page_get_source_state (page ()), ==, "live");
  g_assert_null (pd_photo_page_get_check_message (page (), PD_PHOTO_CHECK_ROLL));
  save_screenshot ("photo-page-pass.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.capture", NULL));
  pd_ui_wait_until (has_result, NULL, "the standard photo");
  result = pd_photo_page_get_result (page ());
  g_assert_nonnull (result);
  g_assert_cmpint (gdk_texture_get_width (result), ==, (int) tolerant->output.width_px);
  g_assert_cmpint (gdk_texture_get_height (result), ==, (int) tolerant->output.height_px);
  save_screenshot ("photo-page-result.png");

  jpeg = g_bytes_ref (pd_photo_page_get_result_jpeg (page ()));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.use", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pd_ui_view_stack (window)), ==, "form");
  g_assert_true (g_bytes_equal (pd_dossier_get_photo (pd_dossier_form_get_dossier (form ())), jpeg));
  g_assert_nonnull (gtk_picture_get_paintable (pd_dossier_form_get_photo_thumbnail (form ())));
  save_screenshot ("photo-form-thumbnail.png");

  saved = save_form ();
  ids = pd_store_list_attachments (store, pd_dossier_get_id (saved), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) data = pd_store_get_attachment (store, g_array_index (ids, gint64, i), &kind, &mime, &error);

      g_assert_no_error (error);
      if (g_strcmp0 (kind, "photo") != 0)
        continue;
      n_photos++;
      g_assert_cmpstr (mime, ==, "image/jpeg");
      stored = g_steal_pointer (&data);
    }
  g_assert_cmpuint (n_photos, ==, 1);
  g_assert_true (g_bytes_equal (stored, jpeg));
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (stored, NULL))[0], ==, 0xff);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (stored, NULL))[1], ==, 0xd8);
  decoded = gdk_texture_new_from_bytes (stored, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (decoded), ==, (int) tolerant->output.width_px);
  g_assert_cmpint (gdk_texture_get_height (decoded), ==, (int) tolerant->output.height_px);

  /* Sealed: no run of the JPEG is in the database file nor in its write-ahead log. */
  db = read_file_or_empty (db_path);
  wal = read_file_or_empty (wal_path);
  g_assert_cmpuint (g_bytes_get_size (db) + g_bytes_get_size (wal), >, g_bytes_get_size (jpeg));
  g_assert_true (shares_a_run (jpeg, jpeg));
  g_assert_false (shares_a_run (db, jpeg));
  g_assert_false (shares_a_run (wal, jpeg));

  /* A compliant photo needs no override. */
  {
    g_autoptr(GPtrArray) entries = pd_store_audit_list (store, 0, 0, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < entries->len; i++)
      g_assert_cmpstr (((PdAuditEntry *) g_ptr_array_index (entries, i))->action, !=, "photo-override");
  }
}

static void
test_non_compliant (void)
{
  const char *roll;

  load_new_dossier ("Trần Văn Bình", "001085004321");
  show_camera_file ("rotated.png");
  pd_ui_wait_until (check_fails, (gpointer) PD_PHOTO_CHECK_ROLL, "the tilt check to fail");
  g_assert_false (pd_photo_page_get_capture_enabled (page ()));
  roll = pd_photo_page_get_check_message (page (), PD_PHOTO_CHECK_ROLL);
  g_assert_nonnull (roll);
  g_assert_nonnull (strstr (roll, "Tilt your head"));
  save_screenshot ("photo-page-fail.png");

  /* Capturing is refused, whatever asks for it. */
  gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.capture", NULL);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (pd_photo_page_get_result_jpeg (page ()));
}

static void
test_override (void)
{
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  const PdAuditEntry *found = NULL;
  const char *reason = "neck brace after an accident";
  gint64 begin;

  /* Still the tilted picture, from the previous test. */
  g_assert_true (check_fails ((gpointer) PD_PHOTO_CHECK_ROLL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.override", NULL));
  dialog = pd_photo_page_get_override_dialog (page ());
  g_assert_nonnull (dialog);
  /* No reason, no override. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "override"));
  gtk_editable_set_text (pd_photo_page_get_override_entry (page ()), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "override"));
  gtk_editable_set_text (pd_photo_page_get_override_entry (page ()), reason);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "override"));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "photo-override-dialog.png");
  adw_message_dialog_response (dialog, "override");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (pd_photo_page_get_override_dialog (page ()));

  pd_ui_wait_until (capture_enabled, NULL, "capture to be allowed after the override");
  /* With the countdown, the photo is taken 3 seconds later; no second capture meanwhile. */
  g_object_set (pd_photo_page_get_countdown_check (page ()), "active", TRUE, NULL);
  begin = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.capture", NULL));
  g_assert_false (pd_photo_page_get_capture_enabled (page ()));
  pd_ui_wait_until (has_result, NULL, "the overridden photo");
  g_assert_cmpint (g_get_monotonic_time () - begin, >=, 3 * G_USEC_PER_SEC - 50000);
  g_object_set (pd_photo_page_get_countdown_check (page ()), "active", FALSE, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.use", NULL));
  g_assert_nonnull (pd_dossier_get_photo (pd_dossier_form_get_dossier (form ())));

  saved = save_form ();
  entries = pd_store_audit_list (pd_window_get_store (window), 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const PdAuditEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->action, "photo-override") == 0)
        found = entry;
    }
  g_assert_nonnull (found);
  g_assert_cmpstr (found->subject, ==, pd_dossier_get_uuid (saved));
  g_assert_nonnull (strstr (found->detail, "failed=roll"));
  g_assert_nonnull (strstr (found->detail, reason));
  /* The audit row never holds the applicant's name. */
  g_assert_null (strstr (found->detail, "Bình"));

  /* The override was for that photo only. */
  show_camera_file ("rotated.png");
  pd_ui_wait_until (check_fails, (gpointer) PD_PHOTO_CHECK_ROLL, "the tilt check to fail again");
  g_assert_false (pd_photo_page_get_capture_enabled (page ()));
}

static void
test_import (void)
{
  g_autofree char *path = testset_path ("base.jpg");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const PdPhotoReport *report;

  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "photo");
  pd_photo_page_import_file (page (), file);
  pd_ui_wait_until (has_result, NULL, "the imported photo");
  g_assert_cmpstr (pd_photo_page_get_source_state (page ()), ==, "still");
  report = pd_photo_page_get_report (page ());
  g_assert_nonnull (report);
  g_assert_true (pd_photo_report_is_compliant (report));
  /* The still's resolution is judged, unlike a preview frame's. */
  g_assert_nonnull (pd_photo_report_find_check (report, PD_PHOTO_CHECK_RESOLUTION));
  save_screenshot ("photo-page-import.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "photo.retake", NULL));
  g_assert_cmpstr (pd_photo_page_get_source_state (page ()), ==, "live");
  g_assert_null (pd_photo_page_get_result_jpeg (page ()));
}

static void
test_documents (void)
{
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) scan = g_bytes_new_static ("\xff\xd8\xff\xe0 a scanned page \xff\xd9", 20);
  PdStore *store = pd_window_get_store (window);
  gboolean found = FALSE;

  load_new_dossier ("Lê Thị Hoa", "001192007654");
  pd_dossier_form_add_attachment (form (), "id-card-front", "image/jpeg", scan);
  g_assert_cmpuint (pd_dossier_form_get_n_documents (form ()), ==, 1);
  {
    g_autoptr(GBytes) photo = pd_ui_make_photo_jpeg ();

    pd_dossier_form_set_photo (form (), photo, NULL);
  }
  saved = save_form ();

  ids = pd_store_list_attachments (store, pd_dossier_get_id (saved), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *kind = NULL;
      g_autoptr(GBytes) data = pd_store_get_attachment (store, g_array_index (ids, gint64, i), &kind, NULL, &error);

      g_assert_no_error (error);
      if (g_strcmp0 (kind, "id-card-front") == 0 && g_bytes_equal (data, scan))
        found = TRUE;
    }
  g_assert_true (found);
}

static void
test_model_missing (void)
{
  g_autofree char *official = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "photo-standards",
                                                "vn-passport.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("\"model_path\": \"[^\"]*\"", 0, 0, NULL);
  g_autoptr(PdPhotoProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *other = gtk_window_new ();
  PdPhotoPage *missing = PD_PHOTO_PAGE (pd_photo_page_new ());

  g_assert_true (g_file_get_contents (official, &contents, NULL, NULL));
  changed = g_regex_replace_literal (regex, contents, -1, 0,
                                     "\"model_path\": \"/nonexistent/shape_predictor.dat\"", 0, NULL);
  profile = pd_photo_profile_new_from_data (changed, -1, &error);
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (other), GTK_WIDGET (missing));
  pd_photo_page_set_profile (missing, profile);
  g_test_expect_message ("pd-photo-page", G_LOG_LEVEL_WARNING, "Cannot load the face model*");
  pd_photo_page_load_model (missing);
  while (pd_photo_page_get_error (missing) == NULL && !pd_photo_page_get_model_ready (missing))
    g_main_context_iteration (NULL, TRUE);
  g_test_assert_expected_messages ();
  g_assert_false (pd_photo_page_get_model_ready (missing));
  g_assert_nonnull (strstr (pd_photo_page_get_error (missing), "libdlib-data"));
  g_assert_false (pd_photo_page_get_capture_enabled (missing));
  gtk_window_destroy (GTK_WINDOW (other));
}

static gboolean
source_state_is (gpointer data)
{
  return g_strcmp0 (pd_photo_page_get_source_state (page ()), data) == 0;
}

/* Without a camera (the test machine has none), the page says so and offers the import. */
static void
test_no_camera (void)
{
  if (g_file_test ("/dev/video0", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("This computer has a camera");
      return;
    }
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "photo");
  pd_photo_page_set_camera (page (), NULL);
  pd_ui_wait_until (source_state_is, (gpointer) "no-camera", "the page to find no camera");
  g_assert_false (pd_photo_page_get_capture_enabled (page ()));
  save_screenshot ("photo-page-no-camera.png");
}

/* A picture file of a QR code holding @text: black modules of 8 pixels on white paper. */
static char *
write_qr_picture (const char *text)
{
  QRcode *qr = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  const int module = 8, margin = 6;
  int side;
  g_autoptr(GdkPixbuf) picture = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, "card-qr.png", NULL);

  g_assert_nonnull (qr);
  side = (qr->width + 2 * margin) * module;
  picture = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, side, side);
  gdk_pixbuf_fill (picture, 0xffffffff);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1)
        {
          g_autoptr(GdkPixbuf) dark = gdk_pixbuf_new_subpixbuf (picture, (x + margin) * module,
                                                                (y + margin) * module, module, module);

          gdk_pixbuf_fill (dark, 0x000000ff);
        }
  QRcode_free (qr);
  g_assert_true (gdk_pixbuf_save (picture, path, "png", &error, NULL));
  g_assert_no_error (error);
  return path;
}

static gboolean
id_filled (gpointer data)
{
  return g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), data) == 0;
}

/* The camera reads the ID card's QR code and the form fills as from a keyboard reader. */
static void
test_scan_with_camera (void)
{
  const char *id_number = "079085004321";
  g_autofree char *text = g_strdup_printf ("%s||Trần Văn Đức|02091985|Nam|Số 3 Lê Lợi, Huế|01072024", id_number);
  g_autofree char *path = write_qr_picture (text);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
  GtkWindow *dialog;

  pd_dossier_form_clear (form ());
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "photo");
  dialog = pd_ui_read_code_with_camera (window, camera);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  /* The photo page let go of its camera. */
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pd_ui_view_stack (window)), ==, "form");
  pd_ui_wait_until (id_filled, (gpointer) id_number, "the ID card read by the camera to fill the form");
  g_assert_null (dialog);
  g_assert_false (pd_camera_get_running (camera));
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FULL_NAME), ==, "Trần Văn Đức");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *official = NULL;
  g_autoptr(GRegex) regex = NULL;
  int status;

  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  textdomain (GETTEXT_PACKAGE);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));

  tmpdir = pd_test_make_tmpdir ();
  db_path = g_build_filename (tmpdir, "passdesk.db", NULL);

  official = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "photo-standards", "vn-passport.json", NULL);
  regex = g_regex_new ("\"mouth_gap_max\": [0-9.]+", 0, 0, NULL);
  g_assert_true (g_file_get_contents (official, &contents, NULL, NULL));
  changed = g_regex_replace_literal (regex, contents, -1, 0, "\"mouth_gap_max\": 0.2", 0, NULL);
  g_assert_cmpstr (changed, !=, contents);
  tolerant = pd_photo_profile_new_from_data (changed, -1, &error);
  g_assert_no_error (error);

  window = pd_ui_new_window (db_path, &app);
  /* The counter's laptop screen. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  pd_photo_page_set_profile (pd_ui_photo_page (window), tolerant);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/photo-page/open", test_open);
  g_test_add_func ("/photo-page/compliant", test_compliant);
  g_test_add_func ("/photo-page/non-compliant", test_non_compliant);
  g_test_add_func ("/photo-page/override", test_override);
  g_test_add_func ("/photo-page/import", test_import);
  g_test_add_func ("/photo-page/documents", test_documents);
  g_test_add_func ("/photo-page/model-missing", test_model_missing);
  g_test_add_func ("/photo-page/no-camera", test_no_camera);
  g_test_add_func ("/photo-page/scan-with-camera", test_scan_with_camera);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  pd_photo_profile_unref (tolerant);
  g_free (db_path);
  g_free (tmpdir);
  return status;
}
