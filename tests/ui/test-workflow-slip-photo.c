/* test-workflow-slip-photo.c: the photo taken at an assisted-entry station reaches the counter
 * that scans the slip, through the real passdesk-central on loopback (its path is the
 * argument).
 *
 * The volunteer station (enrolled as "volunteer", volunteer1 signed in) takes the standard
 * photo from a file camera and prints the slip: the station sends the prepared declaration
 * with the photo at once and keeps nothing readable. A counter (officer1) that trusts the
 * station scans the slip's QR code: the form is filled from the QR code and the photo arrives
 * from the central system, byte for byte, ticks the photo in the required documents and is on
 * the photo page with the counter's checks. A central copy that differs from the slip shows
 * as a mismatch, the slip's value kept; with the central system stopped the form is filled
 * all the same and the officer is told the photo comes once online.
 * Screenshots (slip-photo-NN-*.png) go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <sqlite3.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-photo-page-private.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static char *tmpdir;
static char *print_dir;
static char *volunteer_db;
static char *counter_db;
static PdApplication *app;
static PdWindow *window;

static PdDossier *declared;
static GBytes *volunteer_photo;
static char *slip_qr;
static guint missing_with_photo;

static const char *citizen_name = "Vũ Thị Minh Khuê";
static const char *citizen_id = "001193004567";

static PdDossierForm *
form (void)
{
  return pd_ui_form (window);
}

static PdDossier *
form_dossier (void)
{
  return pd_dossier_form_get_dossier (form ());
}

static gboolean
model_ready (gpointer data)
{
  return pd_photo_page_get_model_ready (pd_ui_photo_page (window));
}

static gboolean
form_has_photo (gpointer data)
{
  return pd_dossier_get_photo (form_dossier ()) != NULL;
}

static gboolean
pushed (gpointer data)
{
  g_autoptr(GError) error = NULL;

  return pd_store_outbox_count (pd_window_get_store (window), PD_OUTBOX_DONE, &error) == 1;
}

static gboolean
n_mismatches_is (gpointer data)
{
  return pd_mismatch_panel_get_n_unresolved (pd_dossier_form_get_mismatch_panel (form ())) == GPOINTER_TO_UINT (data);
}

static guint
n_missing (void)
{
  g_autoptr(GPtrArray) missing = pd_dossier_form_get_missing_documents (form ());

  return missing->len;
}

/* The volunteer station: the declaration, the photo, the slip; the photo leaves at once. */
static void
test_volunteer_prints (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  guint n;

  window = pd_ui_open_window (volunteer_db, &app, print_dir);
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_VOLUNTEER);
  declared = pd_test_make_dossier (citizen_name, citizen_id);
  pd_dossier_set_field (declared, PD_FIELD_SEX, "F");
  pd_dossier_form_load (form (), declared);

  pd_ui_show_camera_file (window, "base.png");
  pd_ui_show_photo_page (window);
  pd_ui_use_photo (window);
  volunteer_photo = g_bytes_ref (pd_dossier_get_photo (form_dossier ()));
  g_assert_cmpuint (g_bytes_get_size (volunteer_photo), >, 10000);

  n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.print-declaration", NULL));
  pd_ui_wait_for_printed (window, n + 1, "the declaration slip");
  slip_qr = g_strdup (pd_declaration_printer_get_last_qr (pd_window_get_declaration_printer (window)));
  g_assert_true (g_str_has_prefix (slip_qr, "PDQ1:"));
  pd_ui_wait_until (pushed, NULL, "the prepared declaration to reach the central system");
  pd_ui_save_screenshot (GTK_WIDGET (window), "slip-photo-01-volunteer-printed.png");

  g_assert_cmpint (sync_central_stat (&central, "prepared_declarations"), ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 0);
  /* Nothing of the citizen stays readable at the public station. */
  stored = pd_store_list (pd_window_get_store (window), PD_STATUS_INVALID, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 0);
  g_printerr ("volunteer: photo of %zu bytes sent with the slip\n", g_bytes_get_size (volunteer_photo));
  pd_ui_close_window (&window);
}

static void
scan_slip (void)
{
  pd_window_handle_scan (window, slip_qr);
  pd_ui_wait_for_name (window, citizen_name, "the slip to fill the form");
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    if (pd_field_get_info (f)->group != PD_FIELD_GROUP_INTAKE &&
        g_strcmp0 (pd_dossier_get_field (declared, f), pd_dossier_get_field (form_dossier (), f)) != 0)
      g_error ("%s: declared “%s”, the counter got “%s”", pd_field_get_key (f),
               pd_dossier_get_field (declared, f), pd_dossier_get_field (form_dossier (), f));
  g_assert_nonnull (pd_dossier_get_field (form_dossier (), PD_FIELD_DECLARATION_CODE));
}

/* The counter scans the slip: fields from the QR code, the photo from the central system. */
static void
test_counter_gets_photo (void)
{
  g_autoptr(PdSyncReport) report = NULL;
  PdPhotoPage *page;

  window = pd_ui_open_window (counter_db, &app, print_dir);
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  /* The office's stations, the volunteer's among them, from the central system's signed list. */
  report = pd_ui_sync_pass (window, PD_SYNC_PULL);
  g_assert_cmpuint (report->station_keys_changed, ==, 1);
  /* The counter has been open a while: the photo page's face model is loaded. */
  pd_ui_wait_until (model_ready, NULL, "the face model");

  scan_slip ();
  pd_ui_wait_until (form_has_photo, NULL, "the volunteer's photo");
  g_assert_true (g_bytes_equal (pd_dossier_get_photo (form_dossier ()), volunteer_photo));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form ()))));
  g_assert_cmpuint (pd_mismatch_panel_get_n_unresolved (pd_dossier_form_get_mismatch_panel (form ())), ==, 0);
  g_assert_true (pd_ui_message_has (window, "it met the standard there"));
  missing_with_photo = n_missing ();
  pd_ui_save_screenshot (GTK_WIDGET (window), "slip-photo-02-counter-form.png");

  page = pd_ui_photo_page (window);
  /* The officer opens the photo page: the volunteer's photo is there, with this counter's checks. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "photo");
  pd_ui_wait_until (pd_ui_photo_taken, window, "the volunteer's photo on the photo page");
  g_assert_nonnull (pd_photo_page_get_report (page));
  g_assert_true (pd_photo_report_is_compliant (pd_photo_page_get_report (page)));
  pd_ui_save_screenshot (GTK_WIDGET (window), "slip-photo-03-counter-photo-page.png");
  pd_ui_close_window (&window);
}

/* The central copy says otherwise than the signed slip: the slip wins, the officer sees it. */
static void
test_counter_mismatch (void)
{
  sqlite3 *db = NULL;
  char *sql_error = NULL;

  g_assert_cmpint (sqlite3_open (central.db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE prepared_declarations SET dossier = json_set (dossier, '$.phone', "
                                 "'0900000000')", NULL, NULL, &sql_error), ==, SQLITE_OK);
  g_assert_null (sql_error);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  window = pd_ui_open_window (counter_db, &app, print_dir);
  scan_slip ();
  pd_ui_wait_until (form_has_photo, NULL, "the volunteer's photo");
  pd_ui_wait_until (n_mismatches_is, GUINT_TO_POINTER (1), "the central copy's phone to show");
  g_assert_cmpstr (pd_mismatch_panel_get_value (pd_dossier_form_get_mismatch_panel (form ()), PD_FIELD_PHONE, TRUE),
                   ==, "0900000000");
  g_assert_cmpstr (pd_dossier_get_field (form_dossier (), PD_FIELD_PHONE), ==, "0912345678");
  g_assert_true (pd_ui_message_has (window, "differs from the slip"));
  pd_ui_save_screenshot (GTK_WIDGET (window), "slip-photo-04-counter-mismatch.png");
  pd_ui_close_window (&window);
}

/* Offline, the QR code is enough for the fields; the photo is taken at the counter. */
static void
test_counter_offline (void)
{
  sync_central_stop (&central);
  window = pd_ui_open_window (counter_db, &app, print_dir);
  scan_slip ();
  pd_ui_wait_for_message (window, "will be available once this station is online",
                          "the officer to be told where the photo is");
  g_assert_null (pd_dossier_get_photo (form_dossier ()));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form ()))));
  /* Only the photo is missing compared with the online scan. */
  g_assert_cmpuint (n_missing (), ==, missing_with_photo + 1);
  pd_ui_save_screenshot (GTK_WIDGET (window), "slip-photo-05-counter-offline.png");
  pd_ui_close_window (&window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));
  print_dir = g_build_filename (tmpdir, "printed", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);
  volunteer_db = pd_ui_make_station (&central, tmpdir, "volunteer.db", "volunteer", "volunteer1", NULL);
  counter_db = pd_ui_make_station (&central, tmpdir, "counter.db", "counter", "officer1", NULL);

  g_test_add_func ("/workflow-slip-photo/volunteer-prints", test_volunteer_prints);
  g_test_add_func ("/workflow-slip-photo/counter-gets-photo", test_counter_gets_photo);
  g_test_add_func ("/workflow-slip-photo/counter-mismatch", test_counter_mismatch);
  g_test_add_func ("/workflow-slip-photo/counter-offline", test_counter_offline);
  status = g_test_run ();

  pd_ui_close_window (&window);
  g_clear_object (&app);
  g_clear_object (&declared);
  g_clear_pointer (&volunteer_photo, g_bytes_unref);
  g_free (slip_qr);
  g_free (volunteer_db);
  g_free (counter_db);
  g_free (print_dir);
  g_free (tmpdir);
  sync_central_clear (&central);
  return status;
}
