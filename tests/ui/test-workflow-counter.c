/* test-workflow-counter.c: the counter officer's round end to end, with the real
 * passdesk-central on loopback (its path is the argument). In Vietnamese.
 *
 * The office's entrance station issues two tickets through the server and prints them. Two
 * counters press Call Next together: each is given its own applicant, never the same one. At
 * the first counter the officer scans the applicant's declaration code (declared online, not
 * yet on this station: fetched from the central system), then the ID card, whose address
 * differs, and takes the card's; the photo is taken; the back of the ID card is scanned (SANE's
 * test backend); the checklist of papers is complete and the fee comes from the table. Accept
 * prints the result slip and the fee receipt (exported to PDF, rendered to PNG) and seals the
 * application into the outbox; one sync pass sends it exactly once, the next sends nothing, and
 * the central system's "passport ready" comes back to the list.
 * Screenshots (counter-NN-*.png) go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-calendar.h"
#include "pd-entrance-page.h"
#include "pd-mismatch-panel.h"
#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-scanner-dialog.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"
#include "pd-ui-test-pdf.h"
#include "sync/pd-outbox.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *entrance;
static PdWindow *counter;
static PdWindow *other_counter;
static char *tmpdir;
static char *print_dir;
static char *ticket_pdf;
static char *code;
static char *tickets[2];
static char *served_ticket;

static const char *applicant = "Đinh Thị Ngọc Hân";
static const char *applicant_id = "001190777001";
static const char *card_address = "Số 8 Phố Hàng Bạc, Phường Hoàn Kiếm, Hà Nội";

static PdDossierForm *
form (void)
{
  return pd_ui_form (counter);
}

static PdStore *
store (void)
{
  return pd_window_get_store (counter);
}

static void
save_screenshot (const char *name)
{
  pd_ui_save_screenshot (GTK_WIDGET (counter), name);
}

static PdEntrancePage *
entrance_page (void)
{
  return PD_ENTRANCE_PAGE (adw_view_stack_get_child_by_name (pd_ui_view_stack (entrance), "entrance"));
}

static const char *
queue_number (PdWindow *window)
{
  return pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)), PD_FIELD_QUEUE_NUMBER);
}

static gboolean
issued_after (gpointer previous)
{
  const char *last = pd_entrance_page_get_last_issued (entrance_page ());

  return last != NULL && g_strcmp0 (last, previous) != 0;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Every ticket of the entrance is on the office's server. */
static gboolean
entrance_shared (gpointer queue)
{
  g_autoptr(GPtrArray) dirty = pd_queue_list_dirty (queue, 10, NULL);

  return dirty != NULL && dirty->len == 0;
}

static gboolean
both_called (gpointer data)
{
  return queue_number (counter) != NULL && queue_number (other_counter) != NULL;
}

static gboolean
has_documents (gpointer n)
{
  return pd_dossier_form_get_n_documents (form ()) == GPOINTER_TO_UINT (n);
}

static gboolean
sync_page_settled (gpointer n_waiting)
{
  PdSyncPage *page = pd_ui_sync_page (counter);

  return !pd_sync_page_get_loading (page) && pd_sync_page_get_n_waiting (page) == GPOINTER_TO_INT (n_waiting);
}

/* The entrance: a ticket for each applicant, numbered with the office's server, printed. */
static void
test_entrance (void)
{
  g_autoptr(PdQueue) queue = pd_queue_new (pd_window_get_store (entrance), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *service;

  g_assert_true (pd_queue_set_station (queue, "E", &error));
  g_assert_no_error (error);
  service = pd_queue_get_service (queue, 0)->code;
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (entrance), "entrance");
  pd_entrance_page_set_print_action (entrance_page (), PD_PRINT_ACTION_EXPORT, ticket_pdf);
  pd_entrance_page_reload (entrance_page ());

  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    {
      g_assert_true (pd_entrance_page_issue (entrance_page (), service, &error));
      g_assert_no_error (error);
      pd_ui_wait_until (issued_after, i > 0 ? tickets[i - 1] : NULL, "the ticket");
      tickets[i] = g_strdup (pd_entrance_page_get_last_issued (entrance_page ()));
      g_test_message ("ticket issued: %s", tickets[i]);
      g_assert_true (g_str_has_prefix (tickets[i], "E"));
    }
  g_assert_cmpstr (tickets[0], !=, tickets[1]);
  g_assert_cmpuint (pd_entrance_page_get_n_waiting (entrance_page ()), ==, 2);
  /* Shared with the counters through the server at once, the second ticket too although it
   * came while the first was being shared. */
  pd_ui_wait_until_within (PD_ENTRANCE_SHARE_INTERVAL - 5, entrance_shared, queue,
                           "the entrance to share its tickets before its next round");
  pd_ui_save_screenshot (GTK_WIDGET (entrance), "counter-01-entrance.png");

  /* The second ticket, as the applicant holds it. */
  pd_ui_wait_until (file_exists, ticket_pdf, "the printed ticket");
  text = pd_ui_pdf_text (ticket_pdf);
  g_assert_nonnull (strstr (text, tickets[1]));
  g_free (pd_ui_render_pdf (ticket_pdf, 150, "counter-02-ticket.png"));
}

/* F2 at two counters at once: two applicants, two tickets, nobody called twice. */
static void
test_two_counters (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.call-next", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other_counter), "win.call-next", NULL));
  /* A second F2 while the server answers calls nobody more. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.call-next", NULL));
  pd_ui_wait_until (both_called, NULL, "both counters to call a ticket");
  g_test_message ("counter 1: %s, counter 2: %s", queue_number (counter), queue_number (other_counter));
  g_assert_cmpstr (queue_number (counter), !=, queue_number (other_counter));
  g_assert_true (g_str_equal (queue_number (counter), tickets[0]) || g_str_equal (queue_number (counter), tickets[1]));
  g_assert_true (g_str_equal (queue_number (other_counter), tickets[0]) ||
                 g_str_equal (queue_number (other_counter), tickets[1]));
  g_assert_true (pd_window_get_in_round (counter));
  served_ticket = g_strdup (queue_number (counter));
  pd_ui_wait_for_message (counter, served_ticket, "the ticket called");
  save_screenshot ("counter-03-called.png");
  pd_ui_close_window (&other_counter);
}

/* Declared online at home: the code brings everything, from the central system. */
static void
test_declaration (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) here = pd_store_find_by_declaration_code (store (), code, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (here->len, ==, 0);
  pd_window_handle_scan (counter, code);
  pd_ui_wait_for_name (counter, applicant, "the declaration fetched from the central system");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), ==, applicant_id);
  /* The ticket stays with the applicant. */
  g_assert_cmpstr (queue_number (counter), ==, served_ticket);
  save_screenshot ("counter-04-declaration.png");
}

/* The ID card's QR code: same person, the address of the card is newer. */
static void
test_id_card (void)
{
  PdMismatchPanel *panel = pd_dossier_form_get_mismatch_panel (form ());
  g_autofree char *upper = g_utf8_strup (applicant, -1);
  g_autofree char *card = g_strdup_printf ("%s|012345678|%s|01011990|Nữ|%s|15042021", applicant_id, upper,
                                           card_address);

  pd_window_handle_scan (counter, card);
  g_assert_cmpuint (pd_mismatch_panel_get_n_unresolved (panel), ==, 1);
  g_assert_cmpstr (pd_mismatch_panel_get_value (panel, PD_FIELD_PERMANENT_ADDRESS, TRUE), ==, card_address);
  /* Nothing taken before the officer says so. */
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_PERMANENT_ADDRESS), !=,
                   card_address);
  save_screenshot ("counter-05-mismatch.png");

  g_signal_emit_by_name (pd_mismatch_panel_get_button (panel, PD_FIELD_PERMANENT_ADDRESS, TRUE), "clicked");
  g_assert_cmpuint (pd_mismatch_panel_get_n_unresolved (panel), ==, 0);
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_PERMANENT_ADDRESS), ==,
                   card_address);
}

/* The photo, live from the camera (a file stands in for it). */
static void
test_photo (void)
{
  pd_ui_show_camera_file (counter, "base.png");
  pd_ui_show_photo_page (counter);
  save_screenshot ("counter-06-photo.png");
  pd_ui_use_photo (counter);
  g_assert_cmpstr (pd_ui_visible_page (counter), ==, "form");
  g_assert_nonnull (pd_dossier_get_photo (pd_dossier_form_get_dossier (form ())));
}

/* The back of the ID card on the document scanner. */
static void
test_scan_document (void)
{
  GtkWindow *dialog;
  GtkWidget *scan_button, *use_button;

  g_assert_cmpuint (pd_dossier_form_get_n_documents (form ()), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.attach-scan", NULL));
  dialog = pd_ui_wait_for_toplevel (PD_TYPE_SCANNER_DIALOG, "the scanner dialog");
  pd_scanner_dialog_set_document (PD_SCANNER_DIALOG (dialog), PD_SANE_DOCUMENT_ID_CARD_BACK);
  scan_button = pd_ui_find_button (GTK_WIDGET (dialog), _("_Scan"));
  use_button = pd_ui_find_button (GTK_WIDGET (dialog), _("_Use Scan"));
  g_assert_nonnull (scan_button);
  g_assert_nonnull (use_button);
  pd_ui_wait_until (pd_ui_sensitive, scan_button, "the scanner list");
  g_signal_emit_by_name (scan_button, "clicked");
  pd_ui_wait_until (pd_ui_sensitive, use_button, "the scan");
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "counter-07-scanner.png");
  g_signal_emit_by_name (use_button, "clicked");
  pd_ui_wait_until (has_documents, GUINT_TO_POINTER (1), "the scan on the form");
}

/* Ctrl+K: the papers the request needs; the declaration, the ID card and the photo ticked
 * themselves as they came. */
static void
test_documents (void)
{
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.documents", NULL));
  g_assert_cmpuint (checks->len, >, 0);
  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 0);
  save_screenshot ("counter-08-documents.png");
}

/* The words of @text one space apart, without the mark of a reprint. */
static char *
words_but_mark (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n\t", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *joined = NULL;
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (out, "%s ", words[i]);
  parts = g_strsplit (out->str, "BẢN IN LẠI ", -1);
  return g_strjoinv ("", parts);
}

/* A reprint is the paper given at acceptance, with its mark. */
static void
assert_same_but_mark (const char *first,
                      const char *reprint)
{
  g_autofree char *a = words_but_mark (first);
  g_autofree char *b = words_but_mark (reprint);

  g_assert_null (strstr (first, "BẢN IN LẠI"));
  g_assert_nonnull (strstr (reprint, "BẢN IN LẠI"));
  g_assert_cmpstr (a, ==, b);
}

/* Ctrl+Enter: accepted, the slip and the receipt printed, the application in the outbox. */
static void
test_accept (void)
{
  g_autoptr(PdCalendar) calendar = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  g_autofree char *slip_path = NULL;
  g_autofree char *receipt_path = NULL;
  g_autofree char *slip = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *ready_text = NULL;
  g_autofree char *address = NULL;
  g_autofree char *flat_slip = NULL;
  g_autofree char *flat_address = NULL;
  PdDossier *accepted;
  GDate today, ready;
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (counter));

  /* The fee as on the receipt, not as the store keeps it. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pd_dossier_form_get_row (form (), PD_FIELD_FEE_AMOUNT))),
                   ==, "200.000 đ");
  /* The fee by its name and amount, as the receipt names it, not by its code. */
  {
    AdwComboRow *fee = ADW_COMBO_ROW (pd_dossier_form_get_row (form (), PD_FIELD_FEE_CODE));

    g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (fee)), ==,
                     "Cấp mới hộ chiếu phổ thông — 200.000 đ");
    gtk_widget_grab_focus (GTK_WIDGET (fee));
    pd_ui_wait_for_frames (GTK_WIDGET (counter));
    pd_ui_save_screenshot (GTK_WIDGET (counter), "counter-fee-row.png");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.accept", NULL));
  pd_ui_wait_for_printed (counter, n + 2, "the result slip and the fee receipt");
  accepted = pd_window_get_last_accepted (counter);
  g_assert_nonnull (accepted);
  g_assert_cmpint (pd_dossier_get_status (accepted), ==, PD_STATUS_ACCEPTED);
  g_assert_cmpstr (pd_dossier_get_field (accepted, PD_FIELD_QUEUE_NUMBER), ==, served_ticket);
  g_assert_cmpstr (pd_dossier_get_field (accepted, PD_FIELD_FEE_AMOUNT), ==, "200000");
  /* Accepted by the officer signed in, whatever the computer's account. */
  g_assert_cmpstr (pd_dossier_get_field (accepted, PD_FIELD_OFFICER), ==, "officer1");
  /* And signed with their full name from the sign-in, kept for every reprint. */
  g_assert_cmpstr (pd_dossier_get_accepted_by (accepted), ==,
                   pd_officer_get_display_name (pd_station_get_officer (pd_window_get_station (counter))));
  g_assert_cmpstr (pd_dossier_get_accepted_by (accepted), !=, "officer1");
  g_assert_cmpint (sync_outbox_count (store (), PD_OUTBOX_PENDING), ==, 1);

  /* Ready in working days, public holidays from the data. */
  calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), &error);
  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  ready = pd_calendar_get_ready_date (calendar, &today, PD_PROCESSING_PROVINCIAL);
  ready_text = g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (&ready), g_date_get_month (&ready),
                                g_date_get_year (&ready));

  slip_path = g_strdup_printf ("%s/result-slip-%s.pdf", print_dir, pd_dossier_get_uuid (accepted));
  receipt_path = g_strdup_printf ("%s/fee-receipt-%s.pdf", print_dir, pd_dossier_get_uuid (accepted));
  slip = pd_ui_pdf_text (slip_path);
  receipt = pd_ui_pdf_text (receipt_path);
  g_test_message ("slip:\n%s", slip);
  g_assert_nonnull (strstr (slip, applicant));
  g_assert_nonnull (strstr (slip, ready_text));
  /* The office's address from the enrollment, however the lines wrap. */
  address = pd_store_get_setting (store (), PD_DEVICE_SETTING_OFFICE_ADDRESS);
  g_assert_nonnull (address);
  flat_slip = g_strdelimit (g_strdup (slip), "\n", ' ');
  flat_address = g_strdelimit (g_strdup (address), "\n", ' ');
  g_assert_nonnull (strstr (flat_slip, flat_address));
  g_assert_nonnull (strstr (receipt, applicant));
  g_assert_nonnull (strstr (receipt, "200.000"));
  /* Signed with the officer's full name, not the account "officer1". */
  g_assert_nonnull (strstr (slip, pd_dossier_get_accepted_by (accepted)));
  g_assert_nonnull (strstr (receipt, pd_dossier_get_accepted_by (accepted)));
  g_assert_null (strstr (slip, "officer1"));
  g_assert_null (strstr (receipt, "officer1"));
  /* The application's short number on both papers; the receipt's number is the same. */
  g_assert_nonnull (pd_dossier_get_application_number (accepted));
  g_assert_nonnull (strstr (slip, pd_dossier_get_application_number (accepted)));
  g_assert_nonnull (strstr (receipt, pd_dossier_get_application_number (accepted)));
  g_assert_null (strstr (receipt, "HC-MOI"));
  /* The address as read from the card already names its province: not twice. */
  {
    g_autofree char *flat_receipt = words_but_mark (receipt);

    g_assert_nonnull (strstr (flat_receipt, "Hàng Bạc, Phường Hoàn Kiếm, Hà Nội"));
    g_assert_null (strstr (flat_receipt, "Thành phố Hà Nội"));
  }
  g_free (pd_ui_render_pdf (slip_path, 100, "counter-09-result-slip.png"));
  g_free (pd_ui_render_pdf (receipt_path, 100, "counter-10-fee-receipt.png"));

  /* Ctrl+P: the same papers, marked as a reprint. */
  {
    g_autofree char *again_path = g_strdup_printf ("%s/result-slip-%s-reprint.pdf", print_dir,
                                                   pd_dossier_get_uuid (accepted));
    g_autofree char *receipt_again_path = g_strdup_printf ("%s/fee-receipt-%s-reprint.pdf", print_dir,
                                                           pd_dossier_get_uuid (accepted));
    g_autofree char *again = NULL;
    g_autofree char *receipt_again = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (counter), "win.print-again", NULL));
    pd_ui_wait_for_printed (counter, n + 4, "the slip and the receipt printed again");
    again = pd_ui_pdf_text (again_path);
    receipt_again = pd_ui_pdf_text (receipt_again_path);
    assert_same_but_mark (slip, again);
    assert_same_but_mark (receipt, receipt_again);
  }

  /* Back to the list, for the next applicant. */
  g_assert_false (pd_window_get_in_round (counter));
  pd_ui_wait_for_queue_status (counter, PD_STATUS_ACCEPTED, "the accepted application in the list");
  save_screenshot ("counter-11-queue.png");
}

/* A pass sends it once; the central system's news comes back with the next. */
static void
test_sync (void)
{
  g_autoptr(PdSyncReport) first = NULL;
  g_autoptr(PdSyncReport) second = NULL;
  g_autoptr(PdSyncReport) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(PdDossier) stored = NULL;
  g_autofree char *packet = NULL;

  first = pd_ui_sync_pass (counter, PD_SYNC_ALL);
  g_assert_cmpuint (first->accepted, ==, 1);
  sync_assert_exactly_once (&central, store (), 1);
  second = pd_ui_sync_pass (counter, PD_SYNC_ALL);
  g_assert_cmpuint (second->accepted, ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 1);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (counter), "sync");
  pd_sync_page_reload (pd_ui_sync_page (counter));
  pd_ui_wait_until (sync_page_settled, GINT_TO_POINTER (0), "nothing waiting to be sent");
  /* The page says who is signed in rather than asking for it again. */
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (pd_ui_sync_page (counter)), "Nguyễn Thị Lan"));
  save_screenshot ("counter-12-sent.png");

  done = pd_store_outbox_list (store (), PD_OUTBOX_DONE, 0, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (done->len, ==, 1);
  packet = g_strconcat ("--packet=", ((PdOutboxEntry *) g_ptr_array_index (done, 0))->packet_id, NULL);
  g_free (sync_central_run (&central, "set-status", packet, "--status=ready", NULL));
  third = pd_ui_sync_pass (counter, PD_SYNC_ALL);
  g_assert_cmpuint (third->statuses, ==, 1);
  stored = pd_store_get_by_uuid (store (), pd_dossier_get_uuid (pd_window_get_last_accepted (counter)), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_READY);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (counter), "queue");
  pd_ui_wait_for_queue_status (counter, PD_STATUS_READY, "the passport ready in the list");
  save_screenshot ("counter-13-ready.png");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *entrance_db = NULL;
  g_autofree char *counter_db = NULL;
  g_autofree char *other_db = NULL;
  g_autofree char *entrance_print = NULL;
  int status;

  /* The officers read Vietnamese. */
  g_setenv ("LANGUAGE", "vi", TRUE);
  pd_test_use_sane_test_backend (1);
  tmpdir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));
  print_dir = g_build_filename (tmpdir, "printed", NULL);
  entrance_print = g_build_filename (tmpdir, "entrance", NULL);
  ticket_pdf = g_build_filename (entrance_print, "ticket.pdf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (entrance_print, 0700), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PdCentralDb) db = pd_central_db_open (central.db, &error);

    g_assert_no_error (error);
    code = pd_ui_add_central_declaration (db, "HN01", applicant, applicant_id, 777001, "00070");
  }
  entrance_db = pd_ui_make_station (&central, tmpdir, "entrance.db", "entrance", NULL, NULL);
  counter_db = pd_ui_make_station (&central, tmpdir, "counter-1.db", "counter", "officer1", NULL);
  other_db = pd_ui_make_station (&central, tmpdir, "counter-2.db", "counter", "supervisor1", NULL);
  entrance = pd_ui_open_window (entrance_db, &app, entrance_print);
  other_counter = pd_ui_open_window (other_db, &app, print_dir);
  counter = pd_ui_open_window (counter_db, &app, print_dir);

  g_test_add_func ("/workflow-counter/entrance", test_entrance);
  g_test_add_func ("/workflow-counter/two-counters", test_two_counters);
  g_test_add_func ("/workflow-counter/declaration", test_declaration);
  g_test_add_func ("/workflow-counter/id-card", test_id_card);
  g_test_add_func ("/workflow-counter/photo", test_photo);
  g_test_add_func ("/workflow-counter/scan-document", test_scan_document);
  g_test_add_func ("/workflow-counter/documents", test_documents);
  g_test_add_func ("/workflow-counter/accept", test_accept);
  g_test_add_func ("/workflow-counter/sync", test_sync);
  status = g_test_run ();

  pd_ui_close_window (&other_counter);
  pd_ui_close_window (&counter);
  pd_ui_close_window (&entrance);
  g_clear_object (&app);
  sync_central_stop (&central);
  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    g_free (tickets[i]);
  g_free (served_ticket);
  g_free (code);
  g_free (ticket_pdf);
  g_free (print_dir);
  g_free (tmpdir);
  return status;
}
