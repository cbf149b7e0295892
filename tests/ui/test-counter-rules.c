/* test-counter-rules.c: two rules of the counter on the real window of an enrolled station,
 * with the real passdesk-central on loopback (its path is the argument).
 *
 * - A paper of the request that is not ticked blocks the acceptance, with a message naming it
 *   and the checklist brought up; ticked, the application is accepted.
 * - A supervisor reopens an accepted application whose packet has not left: a draft again, its
 *   packet gone from the outbox. An officer or a volunteer cannot. Once the central system has
 *   it, reopening is refused with the date. A packet of the same application that left on a
 *   USB file before the reopening is refused by the central system, never stored twice.
 * Screenshots go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-declaration-code.h"
#include "pd-intake.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"
#include "sync/pd-outbox.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static PdDevice *device;
static PdDossier *accepted;   /* by the first test, reopened by the second */

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

/* What the officer reads, somewhere on the window. */
static gboolean
window_shows (gpointer text)
{
  return pd_ui_shows_text (GTK_WIDGET (window), text);
}

static gboolean
toast_gone (gpointer text)
{
  return !pd_ui_shows_text (GTK_WIDGET (window), text);
}

static GtkCheckButton *
required_check (const char *code)
{
  g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());

  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (checks, i), "pd-code"), code) == 0)
      return g_ptr_array_index (checks, i);
  g_error ("no check for %s", code);
}

static PdStatus
stored_status (PdDossier *dossier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) stored = pd_store_get (store (), pd_dossier_get_id (dossier), &error);

  g_assert_no_error (error);
  return pd_dossier_get_status (stored);
}

static gboolean
status_is (gpointer data)
{
  return stored_status (accepted) == (PdStatus) GPOINTER_TO_INT (data);
}

/* The pending packets of @dossier. */
static guint
n_packets_of (PdDossier *dossier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = pd_store_outbox_list (store (), PD_OUTBOX_PENDING, 0, 0, 1000, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < pending->len; i++)
    if (g_strcmp0 (((PdOutboxEntry *) g_ptr_array_index (pending, i))->dossier_uuid,
                   pd_dossier_get_uuid (dossier)) == 0)
      n++;
  return n;
}

/* A reissue at the counter: the online declaration is there, the officer has checked the ID
 * card and taken the photo, the old passport has not been scanned. */
static void
load_reissue (const char *name,
              const char *id_number,
              guint64     number)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (name, id_number);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = pd_declaration_code_build ("01", number, &error);

  g_assert_no_error (error);
  pd_test_agree_with_id (dossier);
  pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "reissue");
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, code);
  pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, "Nguyễn Văn Bình");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, "Trần Thị Hoa");
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, "C1234567");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL));
  pd_dossier_form_load (form (), dossier);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
  gtk_check_button_set_active (required_check ("CCCD"), TRUE);

  /* The photo is part of the application: no photo, no tick, whatever the officer clicks. */
  {
    g_autoptr(GBytes) photo = pd_ui_make_photo_jpeg ();
    GtkCheckButton *check = required_check ("ANH");

    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (check)));
    gtk_check_button_set_active (check, TRUE);
    g_assert_false (gtk_check_button_get_active (required_check ("ANH")));
    {
      g_autoptr(GPtrArray) missing = pd_dossier_form_get_missing_documents (form ());

      g_assert_cmpuint (missing->len, ==, 2);
    }
    pd_dossier_form_set_photo (form (), photo, NULL);
    g_assert_true (gtk_check_button_get_active (required_check ("ANH")));
  }
}

static PdDossier *
accept_and_wait (void)
{
  PdUiSaveWatch saves;
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(GError) error = NULL;
  PdDossier *stored;

  pd_ui_watch_saves (&saves, window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  saved = pd_ui_wait_for_save (&saves, "the acceptance");
  /* As stored: the form goes on with a blank application. */
  stored = pd_store_get (store (), pd_dossier_get_id (saved), &error);
  g_assert_no_error (error);
  return stored;
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
intake_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* What passdesk-cli accept answers for the application on the form, with the papers ticked
 * there given as --paper: the same core intake, hence the same rule. */
static void
assert_core_refuses_missing (const char *paper)
{
  g_autoptr(PdIntake) intake = pd_intake_new (store (), pd_dossier_form_get_dossier (form ()));
  g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdDossier) taken = NULL;
  g_autoptr(GError) error = NULL;
  PdPaperEvidence evidence = { .ticks = ticks };

  for (guint i = 0; i < checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (checks, i)))
      g_hash_table_insert (ticks, g_object_get_data (g_ptr_array_index (checks, i), "pd-code"),
                           GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_accept_async (intake, PD_ROLE_OFFICER, "officer1", NULL, NULL, intake_done_cb, &result);
  pd_ui_wait_until (has_result, &result, "the core intake to answer");
  taken = pd_intake_accept_finish (intake, result, &error);
  g_assert_null (taken);
  g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, paper));
}

static void
test_missing_paper_blocks (void)
{
  g_autoptr(GPtrArray) missing = NULL;
  GtkCheckButton *passport;
  GtkWidget *focus, *row;

  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  g_assert_nonnull (pd_station_get_sync_engine (pd_window_get_station (window)));

  load_reissue ("Nguyễn Thị Minh Khai", "001190000777", 700001);
  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 1);

  /* Ctrl+Enter: not accepted, the missing paper named, the checklist on it. */
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  pd_ui_wait_until (window_shows, (gpointer) "still missing: Hộ chiếu cũ", "the missing paper to be named");
  g_assert_true (window_shows ((gpointer) "Ctrl+H"));
  g_assert_false (pd_dossier_form_get_busy (form ()));
  g_assert_false (pd_dossier_form_is_blank (form ()));
  g_assert_cmpint (pd_dossier_get_id (pd_dossier_form_get_dossier (form ())), ==, 0);
  g_assert_cmpint (sync_outbox_count (store (), PD_OUTBOX_PENDING), ==, 0);
  assert_core_refuses_missing ("Hộ chiếu cũ");
  g_assert_cmpint (sync_outbox_count (store (), PD_OUTBOX_PENDING), ==, 0);
  passport = required_check ("HC-CU");
  row = gtk_widget_get_ancestor (GTK_WIDGET (passport), ADW_TYPE_ACTION_ROW);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == row || gtk_widget_is_ancestor (focus, row));
  /* Scrolled down to the checklist, below the applicant's fields. */
  g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (
                       GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW)))), >, 0.0);
  pd_ui_save_screenshot (GTK_WIDGET (window), "counter-rules-missing-paper.png");

  /* The applicant hands it over; ticked, the application is accepted and sealed. */
  gtk_check_button_set_active (passport, TRUE);
  accepted = accept_and_wait ();
  g_assert_cmpint (stored_status (accepted), ==, PD_STATUS_ACCEPTED);
  g_assert_cmpuint (n_packets_of (accepted), ==, 1);
  pd_ui_save_screenshot (GTK_WIDGET (window), "counter-rules-accepted.png");
}

static gboolean
queue_lists (gpointer data)
{
  PdQueuePage *page = pd_ui_queue_page (window);
  GListModel *model = pd_queue_page_get_model (page);

  if (pd_queue_page_get_loading (page))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PdDossier) listed = g_list_model_get_item (model, i);

      if (g_strcmp0 (pd_dossier_get_uuid (listed), pd_dossier_get_uuid (data)) == 0 &&
          pd_dossier_get_status (listed) == stored_status (data))
        {
          g_object_set_data (G_OBJECT (page), "pd-test-position", GUINT_TO_POINTER (i + 1));
          return TRUE;
        }
    }
  return FALSE;
}

/* Enter on its row of the queue. */
static void
open_from_queue (PdDossier *dossier)
{
  PdQueuePage *page = pd_ui_queue_page (window);

  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  pd_queue_page_reload (page);
  pd_ui_wait_until (queue_lists, dossier, "the application in the queue");
  pd_queue_page_activate (page, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (page), "pd-test-position")) - 1);
}

static void
test_reopen_accepted (void)
{
  AdwMessageDialog *dialog;
  g_autoptr(PdDossier) reaccepted = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *usb = g_build_filename (dir, "outbox.json", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%d/%m/%Y");
  guint n_added = 0, n_total = 0;

  g_assert_nonnull (accepted);

  /* Neither an officer nor a volunteer. */
  g_assert_false (pd_ui_reopen (window, "officer1", accepted, "Sai ngày sinh"));
  g_assert_true (pd_ui_message_has (window, "supervisor"));
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_VOLUNTEER, "volunteer1");
  g_assert_false (pd_ui_reopen (window, "volunteer1", accepted, "Sai ngày sinh"));
  g_assert_cmpint (stored_status (accepted), ==, PD_STATUS_ACCEPTED);
  g_assert_cmpuint (n_packets_of (accepted), ==, 1);

  /* The packet leaves on a USB stick before anyone reopens anything. */
  g_assert_true (pd_outbox_export (store (), device, usb, NULL, &error));
  g_assert_no_error (error);

  /* The supervisor opens it from the queue and is offered to reopen it, with a reason. */
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_SUPERVISOR, "supervisor1");
  open_from_queue (accepted);
  dialog = ADW_MESSAGE_DIALOG (pd_ui_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the reopen dialog"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Sai ngày sinh");
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "counter-rules-reopen-dialog.png");
  adw_message_dialog_response (dialog, "reopen");
  gtk_window_destroy (GTK_WINDOW (dialog));
  pd_ui_wait_until (status_is, GINT_TO_POINTER (PD_STATUS_DRAFT), "the application to be a draft again");
  pd_ui_wait_for_message (window, "reopened", "the reopening to be told");
  g_assert_cmpuint (n_packets_of (accepted), ==, 0);
  g_assert_cmpint (sync_outbox_count (store (), PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (pd_ui_count_audit (store (), "reopen", pd_dossier_get_uuid (accepted), "supervisor1", NULL), ==, 1);
  g_assert_cmpuint (pd_ui_count_audit (store (), "packet-withdrawn", pd_dossier_get_uuid (accepted), "supervisor1", NULL), ==, 1);
  pd_ui_wait_until (window_shows, (gpointer) "reopened", "the reopening on screen");
  pd_ui_wait_until (toast_gone, (gpointer) "accepted;", "the toast before it to go");
  pd_ui_save_screenshot (GTK_WIDGET (window), "counter-rules-reopened.png");

  /* Corrected and accepted again: a new packet, pushed. */
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_OFFICER, "officer1");
  open_from_queue (accepted);
  pd_ui_wait_for_message (window, "resumed", "the draft to open");
  pd_dossier_form_set_value (form (), PD_FIELD_BIRTH_DATE, "1990-02-01");
  /* The papers are checked again with the applicant at the counter. */
  gtk_check_button_set_active (required_check ("CCCD"), TRUE);
  gtk_check_button_set_active (required_check ("HC-CU"), TRUE);
  reaccepted = accept_and_wait ();
  g_assert_cmpstr (pd_dossier_get_uuid (reaccepted), ==, pd_dossier_get_uuid (accepted));
  g_assert_cmpuint (n_packets_of (accepted), ==, 1);
  report = sync_pass (pd_station_get_sync_engine (pd_window_get_station (window)), PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 1);
  g_assert_cmpint (stored_status (accepted), ==, PD_STATUS_RECEIVED);
  g_clear_pointer (&report, pd_sync_report_free);

  /* The old packet, carried on the stick, reaches the central system after all: refused
   * there, not stored a second time. */
  g_assert_true (pd_outbox_import (store (), usb, &n_added, &n_total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 1);
  report = sync_pass (pd_station_get_sync_engine (pd_window_get_station (window)), PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 0);
  g_assert_cmpuint (report->set_aside, ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 1);
  {
    g_autoptr(GPtrArray) aside = pd_store_outbox_list (store (), PD_OUTBOX_SET_ASIDE, 0, 0, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (aside->len, ==, 1);
    g_test_message ("set aside: %s", ((PdOutboxEntry *) g_ptr_array_index (aside, 0))->last_error);
    g_assert_true (g_str_has_prefix (((PdOutboxEntry *) g_ptr_array_index (aside, 0))->last_error,
                                     "already_received"));
  }

  /* Received: the supervisor is told when it left and whom to ask. */
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_SUPERVISOR, "supervisor1");
  g_clear_object (&accepted);
  accepted = pd_store_get (store (), pd_dossier_get_id (reaccepted), &error);
  g_assert_no_error (error);
  g_assert_true (pd_ui_reopen (window, "supervisor1", accepted, "Sai ảnh"));
  pd_ui_wait_for_message (window, "Not reopened", "the refusal");
  g_assert_true (pd_ui_message_has (window, today));
  g_assert_true (pd_ui_message_has (window, "central office"));
  g_assert_cmpint (stored_status (accepted), ==, PD_STATUS_RECEIVED);
  /* On screen once the toast of the acceptance before it has gone. */
  pd_ui_wait_until (window_shows, (gpointer) "Not reopened", "the refusal on screen");
  pd_ui_save_screenshot (GTK_WIDGET (window), "counter-rules-reopen-sent.png");
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_OFFICER, "officer1");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  int status;

  dir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  db_path = pd_ui_make_station (&central, dir, "station", "counter", "officer1", &device);
  window = pd_ui_new_window (db_path, &app);
  pd_ui_present_window (window);

  g_test_add_func ("/counter-rules/missing-paper-blocks", test_missing_paper_blocks);
  g_test_add_func ("/counter-rules/reopen-accepted", test_reopen_accepted);
  status = g_test_run ();

  g_clear_object (&accepted);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&device);
  sync_central_stop (&central);
  return status;
}
