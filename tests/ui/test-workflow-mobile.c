/* test-workflow-mobile.c: a mobile team's day, on the real window at 1366x768, with the real
 * passdesk-central on loopback (its path is the argument).
 *
 * Before leaving, the team chooses the communes to visit in the trip dialog, which downloads
 * the office's declarations and the reference tables. The central system is then stopped: in
 * the field the team takes a pulled declaration (scanned code) and a new application typed on
 * the form, and puts a third on hold, all offline. The day report counts them; the outbox is
 * exported to a USB file. Back at the office the central system runs again: one sync pass
 * sends each application exactly once (checked on the central database), the day report says
 * they were sent; the central system rejects one, the next pass sends nothing and the day report
 * counts the rejection; the USB file carried to another station brings only duplicates.
 * Screenshots (mobile-NN-*.png) go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-trip.h"
#include "pd-ui-test-central.h"
#include "pd-ui-test-pdf.h"
#include "sync/pd-outbox.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static char *tmpdir;
static char *print_dir;
static char *usb_file;
static char *code_pulled;
static char *code_held;

static const char *pulled_name = "Bùi Thị Yến";
static const char *held_name = "Đỗ Văn Hải";
static const char *typed_name = "Lò Văn Páo";
static const char *typed_id = "001094000999";

static PdDossierForm *
form (void)
{
  return pd_ui_form (window);
}

static PdStore *
store (void)
{
  return pd_window_get_store (window);
}

static void
save_screenshot (const char *name)
{
  pd_ui_save_screenshot (GTK_WIDGET (window), name);
}

static gboolean
trip_ready (gpointer data)
{
  guint chosen, total;

  return pd_trip_preparation_get_counts (pd_window_get_trip_preparation (window), &chosen, &total);
}

static gboolean
sync_page_loaded (gpointer data)
{
  PdSyncPage *page = pd_ui_sync_page (window);

  return !pd_sync_page_get_loading (page) && pd_sync_page_get_n_waiting (page) == GPOINTER_TO_INT (data);
}

static gboolean
queue_loaded (gpointer data)
{
  PdQueuePage *page = pd_ui_queue_page (window);

  return !pd_queue_page_get_loading (page) &&
         g_list_model_get_n_items (pd_queue_page_get_model (page)) >= GPOINTER_TO_UINT (data);
}

/* Widgets of @root's tree that @match takes. */
static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *widget, gconstpointer data),
             gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_commune_check (GtkWidget     *widget,
                  gconstpointer  code)
{
  return GTK_IS_CHECK_BUTTON (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "pd-code"), code) == 0;
}

static gboolean
is_drop_down (GtkWidget     *widget,
              gconstpointer  data)
{
  return GTK_IS_DROP_DOWN (widget);
}

static gboolean
is_commune_search (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_SEARCH_ENTRY (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER) == NULL;
}

static gboolean
commune_hidden (gpointer check)
{
  return !gtk_widget_is_visible (check);
}

static gboolean
is_suggested_button (GtkWidget     *widget,
                     gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "suggested-action");
}

static void
failed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(PdSyncReport) report = NULL;

  g_assert_false (pd_sync_engine_sync_finish (PD_SYNC_ENGINE (object), result, &report, error));
  g_assert_nonnull (*error);
}

/* What "Sync Now" finds out in the field. */
static void
offline_pass (void)
{
  g_autoptr(GError) error = NULL;

  pd_sync_engine_sync_async (pd_station_get_sync_engine (pd_window_get_station (window)), PD_SYNC_ALL, NULL, failed_cb, &error);
  pd_ui_wait_until (pd_ui_pointer_set, &error, "the sync pass to fail");
  g_test_message ("offline: %s", error->message);
  g_assert_cmpint (pd_sync_engine_get_state (pd_station_get_sync_engine (pd_window_get_station (window))), ==, PD_SYNC_STATE_OFFLINE);
}

static PdDayReport
day_report (const char *png)
{
  PdDayReport report;
  g_autofree char *path = pd_ui_print_day_report (window, print_dir, &report);

  g_free (pd_ui_render_pdf (path, 150, png));
  return report;
}

/* Before leaving: the communes of the trip, and what they need offline. */
static void
test_prepare_trip (void)
{
  g_autoptr(PdReference) reference = NULL;
  const PdReferenceEntry *hanoi;
  GtkWindow *dialog;
  GtkWidget *province, *check, *prepare, *search;
  guint chosen = 0, total = 0;
  g_autofree char *setting = NULL;

  g_assert_nonnull (pd_station_get_sync_engine (pd_window_get_station (window)));
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  save_screenshot ("mobile-01-window.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.prepare-trip", NULL));
  dialog = pd_ui_wait_for_toplevel (PD_TYPE_TRIP_DIALOG, "the trip dialog");
  /* Hà Nội, then Hoàn Kiếm in its communes. */
  reference = pd_store_get_reference (store ());
  hanoi = pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, "01");
  province = find_widget (GTK_WIDGET (dialog), is_drop_down, NULL);
  /* Found by typing, marks left out: "ha" gives Hà Nội first. */
  g_assert_cmpstr (pd_ui_drop_down_type (GTK_DROP_DOWN (province), "ha", "mobile-02-trip-province-search.png"),
                   ==, hanoi->name);
  check = find_widget (GTK_WIDGET (dialog), is_commune_check, "00070");
  g_assert_nonnull (check);
  /* Its 126 communes are found by typing too: "ngoc ha" leaves Ngọc Hà, not Hoàn Kiếm. */
  search = find_widget (GTK_WIDGET (dialog), is_commune_search, NULL);
  g_assert_nonnull (search);
  gtk_editable_set_text (GTK_EDITABLE (search), "ngoc ha");
  pd_ui_wait_until (commune_hidden, check, "Hoàn Kiếm to be left out");
  g_assert_true (gtk_widget_is_visible (find_widget (GTK_WIDGET (dialog), is_commune_check, "00008")));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "mobile-02-trip-commune-search.png");
  /* Typed with its marks; the search field empties first, which shows all for a moment. */
  gtk_editable_set_text (GTK_EDITABLE (search), "hoàn kiếm");
  pd_ui_wait_until (commune_hidden, find_widget (GTK_WIDGET (dialog), is_commune_check, "00008"),
                    "Ngọc Hà to be left out");
  g_assert_true (gtk_widget_is_visible (check));
  prepare = find_widget (GTK_WIDGET (dialog), is_suggested_button, NULL);
  g_assert_false (gtk_widget_get_sensitive (prepare));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (gtk_widget_get_sensitive (prepare));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "mobile-02-trip-dialog.png");
  g_signal_emit_by_name (prepare, "clicked");

  pd_ui_wait_until (trip_ready, NULL, "the trip to be prepared");
  g_assert_true (pd_trip_preparation_get_counts (pd_window_get_trip_preparation (window), &chosen, &total));
  g_print ("trip: %u declarations of the chosen communes, %u of the office\n", chosen, total);
  g_assert_cmpuint (chosen, ==, 2);
  g_assert_cmpuint (total, ==, 3);
  setting = pd_store_get_setting (store (), PD_TRIP_SETTING_COMMUNES);
  g_assert_cmpstr (setting, ==, "00070");
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  pd_ui_wait_until (queue_loaded, GUINT_TO_POINTER (3), "the declarations in the list");
  save_screenshot ("mobile-03-trip-ready.png");
}

/* In the field, without the central system. */
static void
test_offline (void)
{
  sync_central_stop (&central);
  offline_pass ();
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_ui_wait_until (sync_page_loaded, GINT_TO_POINTER (0), "the sync page");
  save_screenshot ("mobile-04-offline-sync-page.png");
}

/* The photo, taken in the field with the file camera standing in for the team's. */
static void
take_photo (void)
{
  pd_ui_show_camera_file (window, "base.png");
  pd_ui_show_photo_page (window);
  pd_ui_use_photo (window);
}

/* The officer ticks each paper once seen. */
static void
tick_documents (void)
{
  g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());
  g_autoptr(GPtrArray) missing = NULL;

  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 0);
}

static void
accept_and_wait (void)
{
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  /* Refused before saving: say which fields. */
  if (!pd_dossier_form_get_busy (form ()))
    for (PdField f = 0; f < PD_N_FIELDS; f++)
      if (gtk_widget_is_visible (GTK_WIDGET (pd_dossier_form_get_error_label (form (), f))))
        g_error ("not accepted: %s", gtk_label_get_label (pd_dossier_form_get_error_label (form (), f)));
  g_assert_true (pd_dossier_form_get_busy (form ()));
  /* The slip and the receipt. */
  pd_ui_wait_for_printed (window, n + 2, "the papers of the acceptance");
}

/* 1: a pulled declaration, by its code. */
static void
test_take_pulled (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL));
  pd_window_handle_scan (window, code_pulled);
  pd_ui_wait_for_name (window, pulled_name, "the pulled declaration");
  take_photo ();
  tick_documents ();
  save_screenshot ("mobile-05-pulled-declaration.png");
  accept_and_wait ();
  g_assert_cmpint (sync_count_status (store (), PD_STATUS_ACCEPTED), ==, 1);
}

/* 2: a new application, typed. */
static void
test_take_typed (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL));
  g_assert_true (pd_dossier_form_is_blank (form ()));
  pd_ui_type_into (window, PD_FIELD_FULL_NAME, typed_name);
  pd_ui_choose (window, PD_FIELD_SEX, "M");
  pd_ui_type_into (window, PD_FIELD_BIRTH_DATE, "02/09/1994");
  pd_ui_choose (window, PD_FIELD_BIRTH_PROVINCE, "01");
  pd_ui_type_into (window, PD_FIELD_ID_NUMBER, typed_id);
  pd_ui_choose (window, PD_FIELD_ETHNIC_GROUP, "01");
  pd_ui_type_into (window, PD_FIELD_PHONE, "0977123456");
  pd_ui_type_into (window, PD_FIELD_PERMANENT_ADDRESS, "Thôn 3");
  pd_ui_choose (window, PD_FIELD_PERMANENT_PROVINCE, "01");
  pd_ui_choose (window, PD_FIELD_PERMANENT_COMMUNE, "00070");
  pd_ui_type_into (window, PD_FIELD_CURRENT_ADDRESS, "Thôn 3");
  pd_ui_choose (window, PD_FIELD_CURRENT_PROVINCE, "01");
  pd_ui_choose (window, PD_FIELD_CURRENT_COMMUNE, "00070");
  pd_ui_choose (window, PD_FIELD_REQUEST_TYPE, "first_issue");
  pd_ui_choose (window, PD_FIELD_CHIP, "chip");
  pd_ui_choose (window, PD_FIELD_DELIVERY, "in_person");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), ==, typed_id);
  take_photo ();
  tick_documents ();
  save_screenshot ("mobile-06-typed-form.png");
  accept_and_wait ();
  g_assert_cmpint (sync_count_status (store (), PD_STATUS_ACCEPTED), ==, 2);
}

/* 3: another pulled declaration, put on hold with a reason through the dialog. */
static void
test_hold (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GtkWindow *dialog;
  PdUiSaveWatch saves;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL));
  pd_window_handle_scan (window, code_held);
  pd_ui_wait_for_name (window, held_name, "the second pulled declaration");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.hold", NULL));
  dialog = pd_ui_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the hold dialog");
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))),
                         "Chưa mang thẻ căn cước");
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "mobile-07-hold-dialog.png");
  pd_ui_watch_saves (&saves, window);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "hold");
  gtk_window_destroy (dialog);
  g_object_unref (pd_ui_wait_for_save (&saves, "the application to be put on hold"));

  found = pd_store_find_by_declaration_code (store (), code_held, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_status (g_ptr_array_index (found, 0)), ==, PD_STATUS_ON_HOLD);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  save_screenshot ("mobile-08-queue-offline.png");
}

/* The evening: the day report, and the outbox on a USB stick. */
static void
test_day_report_offline (void)
{
  PdDayReport report = day_report ("mobile-09-day-report-offline.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_cmpuint (report.taken, ==, 2);
  g_assert_cmpuint (report.pending, ==, 2);
  g_assert_cmpuint (report.synced, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.refused, ==, 0);
  g_assert_cmpuint (report.on_hold, ==, 1);

  /* "Sync Now", still offline: the page counts what waits. */
  offline_pass ();
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_ui_wait_until (sync_page_loaded, GINT_TO_POINTER (2), "two applications waiting");
  save_screenshot ("mobile-10-sync-page-waiting.png");

  device = pd_device_load (store (), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pd_outbox_export (store (), device, usb_file, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (g_file_get_contents (usb_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"format\":\"passdesk-outbox\""));
  /* Sealed: no name in the clear on the stick. */
  g_assert_null (strstr (contents, pulled_name));
  g_assert_null (strstr (contents, typed_name));
}

/* Back at the office. */
static void
test_sync_back (void)
{
  g_autoptr(PdSyncReport) first = NULL;
  g_autoptr(PdSyncReport) second = NULL;
  PdDayReport report;

  g_free (sync_central_serve (&central, NULL));
  first = pd_ui_sync_pass (window, PD_SYNC_ALL);
  g_print ("sync back: %u accepted, %u duplicates\n", first->accepted, first->duplicates);
  g_assert_cmpuint (first->accepted, ==, 2);
  g_assert_cmpuint (first->duplicates, ==, 0);
  sync_assert_exactly_once (&central, store (), 2);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 2);

  report = day_report ("mobile-11-day-report-synced.png");
  g_assert_cmpuint (report.taken, ==, 2);
  g_assert_cmpuint (report.pending, ==, 0);
  g_assert_cmpuint (report.synced, ==, 2);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.on_hold, ==, 1);

  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_sync_page_reload (pd_ui_sync_page (window));
  pd_ui_wait_until (sync_page_loaded, GINT_TO_POINTER (0), "nothing waiting");
  save_screenshot ("mobile-12-sync-page-sent.png");

  /* The central system rejects one; the next pass sends nothing and brings that news. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) done = pd_store_outbox_list (store (), PD_OUTBOX_DONE, 0, 0, 10, &error);
    g_autofree char *packet = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (done->len, ==, 2);
    packet = g_strconcat ("--packet=", ((PdOutboxEntry *) g_ptr_array_index (done, 0))->packet_id, NULL);
    g_free (sync_central_run (&central, "set-status", packet, "--status=rejected",
                              "--reason=Ảnh không đạt chuẩn", NULL));
  }
  second = pd_ui_sync_pass (window, PD_SYNC_ALL);
  g_assert_cmpuint (second->accepted, ==, 0);
  g_assert_cmpuint (second->duplicates, ==, 0);
  g_assert_cmpuint (second->statuses, ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 2);
  g_assert_cmpint (sync_outbox_count (store (), PD_OUTBOX_PENDING), ==, 0);

  report = day_report ("mobile-13-day-report-rejected.png");
  g_assert_cmpuint (report.taken, ==, 2);
  g_assert_cmpuint (report.pending, ==, 0);
  g_assert_cmpuint (report.synced, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.on_hold, ==, 1);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  pd_ui_wait_for_queue_status (window, PD_STATUS_REJECTED, "the rejection in the list");
  save_screenshot ("mobile-14-queue-rejected.png");
}

/* The USB file, imported at another station all the same: only duplicates. */
static void
test_usb_duplicates (void)
{
  g_autoptr(PdStore) office = sync_open_store (tmpdir, "office.db");
  g_autoptr(PdDevice) device = sync_enroll (&central, office, NULL);
  g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (office, device, NULL, NULL);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint added = 0, total = 0;

  g_assert_true (pd_outbox_import (office, usb_file, &added, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 2);
  report = sync_pass (engine, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 0);
  g_assert_cmpuint (report->duplicates, ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *usb_dir = NULL;
  int status;

  tmpdir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));
  print_dir = g_build_filename (tmpdir, "printed", NULL);
  usb_dir = g_build_filename (tmpdir, "usb", NULL);
  usb_file = g_build_filename (usb_dir, "passdesk-outbox.json", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (usb_dir, 0700), ==, 0);

  {
    g_autoptr(PdDevice) device = NULL;
    g_autoptr(PdCentralDb) db = NULL;
    const char *office;

    db_path = pd_ui_make_station (&central, tmpdir, "mobile.db", "counter", "officer1", &device);
    office = pd_device_get_office_code (device);
    db = pd_central_db_open (central.db, &error);
    g_assert_no_error (error);
    /* Two in Hoàn Kiếm (00070), where the team goes; one in Ba Đình. */
    code_pulled = pd_ui_add_central_declaration (db, office, pulled_name, "001088000666", 616161, "00070");
    code_held = pd_ui_add_central_declaration (db, office, held_name, "001086000888", 717171, "00070");
    g_free (pd_ui_add_central_declaration (db, office, "Đặng Văn Long", "001080000555", 515151, "00004"));
  }

  /* The team's laptop. */
  window = pd_ui_open_window (db_path, &app, print_dir);

  g_test_add_func ("/workflow-mobile/prepare-trip", test_prepare_trip);
  g_test_add_func ("/workflow-mobile/offline", test_offline);
  g_test_add_func ("/workflow-mobile/take-pulled", test_take_pulled);
  g_test_add_func ("/workflow-mobile/take-typed", test_take_typed);
  g_test_add_func ("/workflow-mobile/hold", test_hold);
  g_test_add_func ("/workflow-mobile/day-report-offline", test_day_report_offline);
  g_test_add_func ("/workflow-mobile/sync-back", test_sync_back);
  g_test_add_func ("/workflow-mobile/usb-duplicates", test_usb_duplicates);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  sync_central_clear (&central);
  g_free (code_pulled);
  g_free (code_held);
  g_free (usb_file);
  g_free (print_dir);
  g_free (tmpdir);
  return status;
}
