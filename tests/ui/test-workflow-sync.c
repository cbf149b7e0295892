/* test-workflow-sync.c: the counter window of an enrolled station, with the real
 * passdesk-central on loopback (its path is the argument).
 *
 * The officer signs in (online), the window finds the station enrolled and makes its sync
 * engine; a declaration code that is not in the local store is fetched from the central
 * system; accepting it seals its packet into the outbox; a sync pass pushes it, while a 1 ms
 * watchdog measures how long the main loop is held up. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-declaration-code.h"
#include "pd-queue.h"
#include "pd-test-support.h"
#include "pd-trip.h"
#include "pd-ui-test-central.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static char *code;
static const char *applicant = "Vũ Thị Thu Hà";

/* The 50 ms target is measured by tests/bench/bench-workflow, which prints medians; here the
 * stall is printed, and the test asserts only that the window never freezes during a pass. */
static void
assert_stall (const PdUiWatchdog *dog)
{
  g_assert_cmpfloat (dog->max_ms, <, 3000.0);
}

static gboolean
ticket_on_form (gpointer label)
{
  return g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)),
                                          PD_FIELD_QUEUE_NUMBER), label) == 0;
}

static void
test_enrolled_counter (void)
{
  PdStore *store = pd_window_get_store (window);
  g_autofree char *ticket_label = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  PdUiSaveWatch saves;
  PdUiWatchdog dog;

  g_assert_nonnull (pd_station_get_sync_engine (pd_window_get_station (window)));
  /* The role of the officer signed in. */
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);

  /* A ticket from the entrance, called by Call Next from the office's queue. */
  {
    g_autoptr(PdQueue) queue = pd_queue_new (store, NULL);
    g_autoptr(PdTicket) ticket = NULL;
    g_autoptr(PdAppointment) appointment = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (pd_queue_set_station (queue, "A", &error));
    g_assert_no_error (error);
    g_assert_true (pd_queue_issue (queue, pd_queue_get_service (queue, 0)->code, &ticket, &appointment, &error));
    g_assert_no_error (error);
    ticket_label = g_strdup (ticket->label);
  }
  /* Called through the office's server, which gets this station's new ticket first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL));
  pd_ui_wait_until (ticket_on_form, ticket_label, "the ticket to be called");

  /* Not on this computer: fetched from the central system. */
  pd_window_handle_scan (window, code);
  pd_ui_wait_for_name (window, applicant, "the declaration fetched online");

  /* The officer ticks the papers the applicant handed in, and the photo is taken: acceptance
   * waits for them. */
  {
    g_autoptr(GBytes) photo = pd_ui_make_photo_jpeg ();
    g_autoptr(GPtrArray) checks = NULL;

    /* First: the photo rebuilds the checklist. */
    pd_dossier_form_set_photo (pd_ui_form (window), photo, NULL);
    checks = pd_dossier_form_get_required_checks (pd_ui_form (window));

    for (guint i = 0; i < checks->len; i++)
      gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  }
  pd_ui_watch_saves (&saves, window);
  pd_dossier_form_accept (pd_ui_form (window));
  g_object_unref (pd_ui_wait_for_save (&saves, "the acceptance"));
  /* Accepting sealed the packet, and the ticket was served. */
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 1);
  {
    g_autoptr(PdQueue) queue = pd_queue_new (store, NULL);
    g_autoptr(PdTicket) ticket = pd_queue_lookup (queue, ticket_label, NULL);

    g_assert_nonnull (ticket);
    g_assert_cmpint (ticket->state, ==, PD_TICKET_SERVED);
    g_assert_cmpstr (pd_dossier_get_field (pd_window_get_last_accepted (window), PD_FIELD_QUEUE_NUMBER), ==, ticket_label);
  }

  /* The officer watches the sync page during the pass: it follows the engine, as the
   * indicator in the header bar does. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_watchdog_start (&dog);
  report = pd_ui_sync_pass (window, PD_SYNC_ALL);
  pd_ui_watchdog_stop (&dog, "sync-pass");
  g_print ("sync pass: %u accepted by the central system\n", report->accepted);

  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_DONE), ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 1);
  assert_stall (&dog);
  pd_ui_save_screenshot (GTK_WIDGET (window), "workflow-sync-enrolled.png");
}

static gboolean
trip_ready (gpointer data)
{
  guint chosen, total;

  return pd_trip_preparation_get_counts (pd_window_get_trip_preparation (window), &chosen, &total);
}

/* A mobile team: the declarations of the chosen communes are pulled for the days offline. */
static void
test_prepare_trip (void)
{
  g_autoptr(PdReference) reference = pd_store_get_reference (pd_window_get_store (window));
  PdTripDialog *dialog = pd_trip_dialog_new (GTK_WINDOW (window), reference, "00070");
  const char *communes[] = { "00070", NULL };
  guint chosen = 0, total = 0;
  g_autofree char *setting = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  pd_ui_wait_until (pd_ui_mapped, dialog, "the trip dialog");
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "workflow-trip-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  pd_trip_preparation_start (pd_window_get_trip_preparation (window), pd_window_get_store (window),
                             pd_station_get_sync_engine (pd_window_get_station (window)), communes);
  pd_ui_wait_until (trip_ready, NULL, "the trip to be prepared");
  g_assert_true (pd_trip_preparation_get_counts (pd_window_get_trip_preparation (window), &chosen, &total));
  g_print ("trip: %u declarations of the chosen communes, %u of the office\n", chosen, total);
  /* One in Hoàn Kiếm (00070), one in Ba Đình; the first one was taken already. */
  g_assert_cmpuint (chosen, ==, 1);
  g_assert_cmpuint (total, ==, 2);
  setting = pd_store_get_setting (pd_window_get_store (window), PD_TRIP_SETTING_COMMUNES);
  g_assert_cmpstr (setting, ==, "00070");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  int status;

  dir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  {
    g_autoptr(PdDevice) device = NULL;
    g_autoptr(PdDossier) declaration = pd_test_make_dossier (applicant, "001193000444");
    g_autoptr(PdCentralDb) db = NULL;
    g_autoptr(JsonNode) json = NULL;

    db_path = pd_ui_make_station (&central, dir, "station", "counter", "officer1", &device);
    db = pd_central_db_open (central.db, &error);
    g_assert_no_error (error);
    code = pd_declaration_code_build ("01", 424242, &error);
    g_assert_no_error (error);
    pd_test_agree_with_id (declaration);
    pd_dossier_set_field (declaration, PD_FIELD_FATHER_NAME, "Vũ Văn Toàn");
    pd_dossier_set_field (declaration, PD_FIELD_MOTHER_NAME, "Lê Thị Nga");
    pd_dossier_set_field (declaration, PD_FIELD_DECLARATION_CODE, code);
    json = pd_dossier_to_json (declaration, TRUE);
    g_assert_true (pd_central_db_add_declaration (db, code, pd_device_get_office_code (device),
                                                  g_get_real_time () / G_USEC_PER_SEC, json, &error));
    g_assert_no_error (error);
    g_free (pd_ui_add_central_declaration (db, pd_device_get_office_code (device), "Đặng Văn Long",
                                           "001080000555", 515151, "00004"));
    g_free (pd_ui_add_central_declaration (db, pd_device_get_office_code (device), "Bùi Thị Yến",
                                           "001088000666", 616161, "00070"));
  }

  window = pd_ui_new_window (db_path, &app);
  pd_ui_present_window (window);

  g_test_add_func ("/workflow-sync/enrolled-counter", test_enrolled_counter);
  g_test_add_func ("/workflow-sync/prepare-trip", test_prepare_trip);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  sync_central_stop (&central);
  return status;
}
