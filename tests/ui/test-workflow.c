/* test-workflow.c: the counter officer's round on the real window, counted.
 *
 * An applicant with an online declaration: Call Next, scan the declaration code, scan the ID
 * card, capture the photo, use it, accept; the result slip and the fee receipt are printed
 * (exported to PDF here, read back with poppler). Every step is one real action of the
 * window (an action its shortcut runs, or a scan through the path every reader takes); the
 * test fails above 8. It also measures the longest stall of the main loop with a 1 ms
 * watchdog, during the photo analysis and during the acceptance and printing.
 * Then: the required documents per request, hold / resume / refuse with a reason, reopening
 * by a supervisor only, and a volunteer who cannot accept nor see the queue. Screenshots go to
 * <build>/tests/ui/screenshots/. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <poppler.h>

#include "pd-application.h"
#include "pd-calendar.h"
#include "pd-declaration-code.h"
#include "pd-photo-page-private.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"
#include "pd-window-private.h"

#define WAIT_SECONDS 60
#define MAX_ACTIONS  8

static PdApplication *app;
static PdWindow *window;
static char *db_path;
static char *print_dir;
static char *declaration_code;
static char *hold_code;
static guint n_actions;
static guint n_tickets;

static const char *applicant = "Nguyễn Thị Ánh Tuyết";
static const char *applicant_id = "001190123456";
static const char *card_address = "Số 12 Hàng Bạc, Phường Hoàn Kiếm, Hà Nội";

/* Not of the shortcuts window: GTK 4.8 warns there that a label has a negative width, which
 * the tests take as fatal. */
static void
save_screenshot (const char *name)
{
  pd_ui_save_screenshot (GTK_WIDGET (window), name);
}

static PdDossierForm *
form (void)
{
  return pd_window_get_form (window);
}

static const char *
visible_page (void)
{
  return adw_view_stack_get_visible_child_name (pd_window_get_view_stack (window));
}

/* One action of the officer: what a key press, a click or a scan does. */
static void
act (const char *action)
{
  n_actions++;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
}

static void
act_on (GtkWidget  *widget,
        const char *action)
{
  n_actions++;
  g_assert_true (gtk_widget_activate_action (widget, action, NULL));
}

static void
scan (const char *text)
{
  n_actions++;
  pd_window_handle_scan (window, text);
}

static char *
next_ticket (gpointer data)
{
  return g_strdup_printf ("A-%03u", ++n_tickets);
}

static gboolean
store_open (gpointer data)
{
  return pd_window_get_store (window) != NULL || pd_window_get_open_error (window) != NULL;
}

static gboolean
form_has_name (gpointer data)
{
  return g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FULL_NAME),
                    data) == 0;
}

static gboolean
report_compliant (gpointer data)
{
  PdPhotoPage *page = pd_window_get_photo_page (window);
  const PdPhotoReport *report = pd_photo_page_get_report (page);

  return report != NULL && pd_photo_report_is_compliant (report) && pd_photo_page_get_capture_enabled (page);
}

static gboolean
has_result (gpointer data)
{
  return pd_photo_page_get_result_jpeg (pd_window_get_photo_page (window)) != NULL;
}

static gboolean
printed (gpointer data)
{
  return pd_window_get_n_printed (window) >= GPOINTER_TO_UINT (data) && !pd_window_get_in_round (window);
}

static gboolean
form_idle (gpointer data)
{
  return !pd_dossier_form_get_busy (form ());
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
saved_cb (PdDossierForm *f,
          PdDossier     *dossier,
          gboolean      *saved)
{
  *saved = TRUE;
}

/* The PDF next to the screenshots, for a person to look at. */
static void
keep_pdf (const char *path,
          const char *name)
{
  g_autoptr(GFile) from = g_file_new_for_path (path);
  g_autofree char *to_path = g_build_filename (pd_ui_screenshot_dir (), name, NULL);
  g_autoptr(GFile) to = g_file_new_for_path (to_path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static char *
pdf_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  PopplerDocument *document = NULL;
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  document = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *page_text = poppler_page_get_text (page);

      g_string_append (text, page_text);
      g_string_append_c (text, '\n');
      g_object_unref (page);
    }
  g_object_unref (document);
  return g_string_free (text, FALSE);
}

static PdDossier *
stored_by_code (const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = pd_store_find_by_declaration_code (pd_window_get_store (window), code, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  return pd_store_get (pd_window_get_store (window), pd_dossier_get_id (g_ptr_array_index (found, 0)), &error);
}

static void
show_camera_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("PASSDESK_PHOTO_TESTSET"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);

  pd_camera_set_max_fps (camera, 10);
  pd_photo_page_set_camera (pd_window_get_photo_page (window), camera);
}

static void
test_open (void)
{
  pd_ui_wait_until (store_open, NULL, "the store to open");
  g_assert_null (pd_window_get_open_error (window));
  /* Not enrolled, no station role: a counter of its own, which may accept. */
  g_assert_cmpint (pd_window_get_role (window), ==, PD_ROLE_OFFICER);

  /* The baseline: the window idle for a second, on the queue. */
  {
    PdUiWatchdog dog;
    gint64 end;

    /* The form builds its rows once the window shows: that is startup, not idle. */
    pd_dossier_form_get_row (form (), PD_FIELD_FULL_NAME);
    end = g_get_monotonic_time () + G_USEC_PER_SEC;
    pd_ui_watchdog_start (&dog);
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    pd_ui_watchdog_stop (&dog, "idle");
  }
}

/* Call Next to slip printed, for a citizen who declared online. */
static void
test_counted_round (void)
{
  g_autofree char *card = g_strdup_printf ("%s|012345678|NGUYỄN THỊ ÁNH TUYẾT|15031990|Nữ|%s|15042021",
                                           applicant_id, card_address);
  g_autoptr(PdDossier) stored = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *slip_path = NULL, *receipt_path = NULL, *slip = NULL, *receipt = NULL;
  g_autofree char *ready_text = NULL;
  g_autoptr(PdCalendar) calendar = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  PdUiWatchdog photo_dog, accept_dog;
  double photo_stall, accept_stall;
  gint64 start, elapsed;
  GDate today, ready;
  char iso[16];

  show_camera_file ("base.png");
  start = g_get_monotonic_time ();

  /* 1. F2: the next ticket is called, the form waits for a scan. */
  act ("win.call-next");
  g_assert_true (pd_window_get_in_round (window));
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_QUEUE_NUMBER), ==, "A-001");

  /* 2. The declaration code, as the reader types it. */
  scan (declaration_code);
  pd_ui_wait_until (form_has_name, (gpointer) applicant, "the declaration to load");
  /* The fee follows the request, from the fee table. */
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FEE_CODE), ==, "HC-MOI");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FEE_AMOUNT), ==, "200000");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_QUEUE_NUMBER), ==, "A-001");

  /* 3. The ID card matches: the photo page comes by itself. */
  scan (card);
  g_assert_cmpuint (pd_mismatch_panel_get_n_unresolved (pd_dossier_form_get_mismatch_panel (form ())), ==, 0);
  g_assert_cmpstr (visible_page (), ==, "photo");

  pd_ui_watchdog_start (&photo_dog);
  pd_ui_wait_until (report_compliant, NULL, "the photo checks to pass");
  save_screenshot ("workflow-photo.png");
  /* 4. Space: capture. */
  act_on (GTK_WIDGET (pd_window_get_photo_page (window)), "photo.capture");
  pd_ui_wait_until (has_result, NULL, "the standard photo");
  photo_stall = pd_ui_watchdog_stop (&photo_dog, "photo-analysis");
  /* 5. Enter: use it; back on the form. */
  act_on (GTK_WIDGET (pd_window_get_photo_page (window)), "photo.use");
  g_assert_cmpstr (visible_page (), ==, "form");

  /* The declaration, the card and the photo tick the required documents of a first issue. */
  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.documents", NULL);
  save_screenshot ("workflow-form-checklist.png");

  /* 6. Ctrl+Enter: accept; then the slip and the receipt, each confirmed in the print dialog
   * (7, 8), which the export folder stands in for here. */
  pd_ui_watchdog_start (&accept_dog);
  act ("win.accept");
  pd_ui_wait_until (printed, GUINT_TO_POINTER (2), "the slip and the receipt");
  accept_stall = pd_ui_watchdog_stop (&accept_dog, "accept-save-print");
  n_actions += 2;
  elapsed = g_get_monotonic_time () - start;

  g_print ("workflow-actions %u (call next to slip printed, online declaration)\n", n_actions);
  g_print ("workflow-time %.2f s (with the photo checks of a file camera)\n", elapsed / 1e6);
  g_assert_cmpuint (n_actions, <=, MAX_ACTIONS);
  /* The target is 50 ms. Under Xvfb the window is drawn in software (llvmpipe), which alone
   * holds the loop for hundreds of ms per frame of a 1366x768 window, so only work done on the
   * main thread by mistake (seconds: the analysis, the save, the PDF) fails the test here. */
  g_assert_cmpfloat (photo_stall, <, 3000.0);
  g_assert_cmpfloat (accept_stall, <, 3000.0);

  /* Back to the queue for the next applicant. */
  g_assert_cmpstr (visible_page (), ==, "queue");
  g_assert_true (pd_dossier_form_is_blank (form ()));
  save_screenshot ("workflow-queue-after.png");

  /* Accepted, with the appointment counted in working days. */
  stored = stored_by_code (declaration_code);
  g_assert_nonnull (stored);
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_ACCEPTED);
  calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), &error);
  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  ready = pd_calendar_get_ready_date (calendar, &today, PD_PROCESSING_PROVINCIAL);
  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &ready);
  g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_APPOINTMENT_DATE), ==, iso);
  g_assert_nonnull (pd_dossier_get_photo (stored));
  history = pd_store_get_status_history (pd_window_get_store (window), pd_dossier_get_id (stored), &error);
  g_assert_no_error (error);
  g_assert_cmpint (((PdStatusChange *) g_ptr_array_index (history, history->len - 1))->status, ==, PD_STATUS_ACCEPTED);

  /* The papers carry the name and the date. */
  slip_path = g_strdup_printf ("%s/result-slip-%s.pdf", print_dir, pd_dossier_get_uuid (stored));
  receipt_path = g_strdup_printf ("%s/fee-receipt-%s.pdf", print_dir, pd_dossier_get_uuid (stored));
  slip = pdf_text (slip_path);
  receipt = pdf_text (receipt_path);
  keep_pdf (slip_path, "workflow-result-slip.pdf");
  keep_pdf (receipt_path, "workflow-fee-receipt.pdf");
  ready_text = g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (&ready), g_date_get_month (&ready),
                                g_date_get_year (&ready));
  g_test_message ("slip:\n%s", slip);
  g_assert_nonnull (strstr (slip, applicant));
  g_assert_nonnull (strstr (slip, ready_text));
  g_assert_nonnull (strstr (receipt, applicant));
  g_assert_nonnull (strstr (receipt, "200.000"));
}

static const char *
required_codes (void)
{
  static char text[256];
  g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());
  GString *codes = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      if (i > 0)
        g_string_append_c (codes, ',');
      g_string_append (codes, g_object_get_data (g_ptr_array_index (checks, i), "pd-code"));
    }
  g_strlcpy (text, codes->str, sizeof text);
  g_string_free (codes, TRUE);
  return text;
}

/* The checklist follows the request and the age, from the data file. */
static void
test_required_documents (void)
{
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  act ("win.new-dossier");
  pd_dossier_form_set_value (form (), PD_FIELD_FULL_NAME, "Trần Văn Nam");
  pd_dossier_form_set_value (form (), PD_FIELD_BIRTH_DATE, "1985-06-01");
  adw_combo_row_set_selected (ADW_COMBO_ROW (pd_dossier_form_get_row (form (), PD_FIELD_REQUEST_TYPE)), 3);
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_REQUEST_TYPE), ==, "reissue_lost");
  g_assert_cmpstr (required_codes (), ==, "TK01,CCCD,ANH,DON-MAT");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FEE_CODE), ==, "HC-MAT-HONG");

  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 4);
  /* Ticking by hand counts. */
  checks = pd_dossier_form_get_required_checks (form ());
  gtk_check_button_set_active (g_ptr_array_index (checks, 3), TRUE);
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = pd_dossier_form_get_missing_documents (form ());
  g_assert_cmpuint (missing->len, ==, 3);

  /* Under 14: the birth certificate and the representative's papers, not an ID card. */
  pd_dossier_form_set_value (form (), PD_FIELD_BIRTH_DATE, "2020-02-02");
  adw_combo_row_set_selected (ADW_COMBO_ROW (pd_dossier_form_get_row (form (), PD_FIELD_REQUEST_TYPE)), 1);
  g_assert_cmpstr (required_codes (), ==, "TK01a,ANH,KHAI-SINH,GT-NDD");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.documents", NULL);
  save_screenshot ("workflow-checklist-under14.png");
  act ("win.new-dossier");
}

static gboolean
queue_has_status (gpointer data)
{
  GListModel *model = pd_queue_page_get_model (pd_window_get_queue_page (window));

  if (pd_queue_page_get_loading (pd_window_get_queue_page (window)))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PdDossier) dossier = g_list_model_get_item (model, i);

      if (pd_dossier_get_status (dossier) == (PdStatus) GPOINTER_TO_INT (data))
        return TRUE;
    }
  return FALSE;
}

static guint
queue_position (PdStatus status)
{
  GListModel *model = pd_queue_page_get_model (pd_window_get_queue_page (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PdDossier) dossier = g_list_model_get_item (model, i);

      if (pd_dossier_get_status (dossier) == status)
        return i;
    }
  g_assert_not_reached ();
}

static void
set_aside_and_wait (PdStatus    status,
                    const char *reason)
{
  gboolean saved = FALSE;
  gulong id = g_signal_connect (form (), "saved", G_CALLBACK (saved_cb), &saved);

  g_assert_true (pd_dossier_form_set_aside (form (), status, reason));
  pd_ui_wait_until (flag_set, &saved, "the application to be set aside");
  g_signal_handler_disconnect (form (), id);
}

/* Hold with a reason, resume from the queue, refuse (a reason is required), reopen. */
static void
test_hold_refuse_reopen (void)
{
  g_autoptr(PdDossier) held = NULL;
  g_autoptr(PdDossier) refused = NULL;
  g_autoptr(PdDossier) reopened = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  act ("win.call-next");
  scan (hold_code);
  pd_ui_wait_until (form_has_name, (gpointer) "Lê Văn Hùng", "the second declaration");
  set_aside_and_wait (PD_STATUS_ON_HOLD, "Thiếu đơn trình báo mất hộ chiếu");
  held = stored_by_code (hold_code);
  g_assert_cmpint (pd_dossier_get_status (held), ==, PD_STATUS_ON_HOLD);
  g_assert_cmpstr (pd_dossier_get_status_reason (held), ==, "Thiếu đơn trình báo mất hộ chiếu");

  /* Resumed from the queue: Enter on its row. */
  adw_view_stack_set_visible_child_name (pd_window_get_view_stack (window), "queue");
  pd_ui_wait_until (queue_has_status, GINT_TO_POINTER (PD_STATUS_ON_HOLD), "the held application in the queue");
  save_screenshot ("workflow-queue-held.png");
  pd_queue_page_activate (pd_window_get_queue_page (window), queue_position (PD_STATUS_ON_HOLD));
  pd_ui_wait_until (form_has_name, (gpointer) "Lê Văn Hùng", "the held application to resume");
  g_assert_cmpstr (visible_page (), ==, "form");

  /* A refusal without a reason is not taken. */
  g_assert_false (pd_dossier_form_set_aside (form (), PD_STATUS_REFUSED, "  "));
  set_aside_and_wait (PD_STATUS_REFUSED, "Không xuất trình được giấy tờ tùy thân");
  refused = stored_by_code (hold_code);
  g_assert_cmpint (pd_dossier_get_status (refused), ==, PD_STATUS_REFUSED);
  history = pd_store_get_status_history (pd_window_get_store (window), pd_dossier_get_id (refused), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >=, 2);

  /* An officer cannot reopen; a supervisor can, and it is audited. */
  g_assert_false (pd_window_reopen (window, refused, "nhầm"));
  pd_window_set_role (window, PD_ROLE_SUPERVISOR, "giamsat");
  g_assert_true (pd_window_reopen (window, refused, "Người nộp đã bổ sung giấy tờ"));
  pd_ui_wait_until (queue_has_status, GINT_TO_POINTER (PD_STATUS_DRAFT), "the reopened application");
  reopened = stored_by_code (hold_code);
  g_assert_cmpint (pd_dossier_get_status (reopened), ==, PD_STATUS_DRAFT);
  audit = pd_store_audit_list (pd_window_get_store (window), 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      PdAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, "reopen") == 0 &&
          g_strcmp0 (entry->subject, pd_dossier_get_uuid (reopened)) == 0 &&
          g_strcmp0 (entry->actor, "giamsat") == 0)
        found = TRUE;
    }
  g_assert_true (found);
  pd_window_set_role (window, PD_ROLE_OFFICER, NULL);
}

/* A volunteer: no queue of others, no search, no acceptance. */
static void
test_volunteer (void)
{
  AdwViewStackPage *queue = adw_view_stack_get_page (pd_window_get_view_stack (window),
                                                     GTK_WIDGET (pd_window_get_queue_page (window)));
  g_autoptr(PdDossier) stored = NULL;

  pd_window_set_role (window, PD_ROLE_VOLUNTEER, "tnv01");
  g_assert_false (adw_view_stack_page_get_visible (queue));
  /* Ctrl+F does not bring the list of others back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_cmpstr (visible_page (), !=, "queue");

  act ("win.new-dossier");
  pd_dossier_form_load (form (), pd_test_make_dossier ("Phạm Thị Hoa", "001195000111"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL);
  pd_ui_wait_until (form_idle, NULL, "the form");
  /* Nothing saved: the form still holds her application. */
  g_assert_false (pd_dossier_form_is_blank (form ()));
  g_assert_false (pd_dossier_form_set_aside (form (), PD_STATUS_ON_HOLD, "later"));
  g_assert_false (pd_dossier_form_is_blank (form ()));
  g_assert_cmpuint (pd_window_get_n_printed (window), ==, 2);
  save_screenshot ("workflow-volunteer.png");
  pd_window_set_role (window, PD_ROLE_OFFICER, NULL);
  g_assert_true (adw_view_stack_page_get_visible (queue));
  act ("win.new-dossier");
}

static gboolean
n_printed_is (gpointer data)
{
  return pd_window_get_n_printed (window) >= GPOINTER_TO_UINT (data);
}

static gboolean
message_has (gpointer data)
{
  return pd_window_get_scan_message (window) != NULL && strstr (pd_window_get_scan_message (window), data) != NULL;
}

/* A volunteer prints the signed declaration slip; the counter trusts the station's key by
 * scanning it, then takes the slip's QR code. */
static void
test_assisted_entry (void)
{
  g_autoptr(PdDossier) declaration = pd_test_make_dossier ("Hoàng Thị Mai", "001192000333");
  g_autofree char *slip_path = g_build_filename (print_dir, "declaration-slip.pdf", NULL);
  g_autofree char *slip = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *key_text = NULL;
  guint n = pd_window_get_n_printed (window);

  pd_dossier_set_field (declaration, PD_FIELD_SEX, "F");
  pd_dossier_set_field (declaration, PD_FIELD_FATHER_NAME, "Hoàng Văn Minh");
  pd_dossier_set_field (declaration, PD_FIELD_MOTHER_NAME, "Đỗ Thị Hạnh");

  pd_window_set_role (window, PD_ROLE_VOLUNTEER, "tnv01");
  act ("win.new-dossier");
  pd_dossier_form_load (form (), declaration);
  save_screenshot ("workflow-assisted-entry.png");
  act ("win.print-declaration");
  pd_ui_wait_until (n_printed_is, GUINT_TO_POINTER (n + 1), "the declaration slip");
  qr = g_strdup (pd_window_get_last_declaration_qr (window));
  g_assert_true (g_str_has_prefix (qr, "PDQ1:"));
  slip = pdf_text (slip_path);
  keep_pdf (slip_path, "workflow-declaration-slip.pdf");
  g_assert_nonnull (strstr (slip, "Hoàng Thị Mai"));
  /* The ID number is printed masked. */
  g_assert_null (strstr (slip, "001192000333"));

  act ("win.station-key");
  pd_ui_wait_until (n_printed_is, GUINT_TO_POINTER (n + 2), "the station key");
  key_text = g_strdup (pd_window_get_station_key_text (window));
  g_assert_true (g_str_has_prefix (key_text, "PDK1:ST-"));
  /* A volunteer cannot make the counter trust anyone. */
  g_assert_false (pd_window_trust_station_key (window, key_text));

  /* At the counter (the same store stands in for the counter's here): not trusted yet. */
  pd_window_set_role (window, PD_ROLE_OFFICER, NULL);
  act ("win.new-dossier");
  scan (qr);
  pd_ui_wait_until (message_has, (gpointer) "ST-", "the untrusted key to be named");
  g_assert_true (pd_dossier_form_is_blank (form ()));
  g_assert_true (pd_window_trust_station_key (window, key_text));
  scan (qr);
  pd_ui_wait_until (form_has_name, (gpointer) "Hoàng Thị Mai", "the slip's declaration");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), ==, "001192000333");
  act ("win.new-dossier");
}

/* The day's counts, printed: one taken and waiting to be sent (this station is not enrolled),
 * the refused one reopened since, so neither refused nor on hold. */
static void
test_day_report (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "day-report-%Y-%m-%d.pdf");
  g_autofree char *path = g_build_filename (print_dir, name, NULL);
  g_autofree char *date = g_date_time_format (now, "%d/%m/%Y");
  g_autofree char *text = NULL;
  guint n = pd_window_get_n_printed (window);
  PdDayReport report;

  act ("win.day-report");
  pd_ui_wait_until (n_printed_is, GUINT_TO_POINTER (n + 1), "the day report");
  g_assert_true (pd_window_get_day_report (window, &report));
  g_print ("day report: taken %u, pending %u, synced %u, rejected %u, refused %u, on hold %u\n",
           report.taken, report.pending, report.synced, report.rejected, report.refused, report.on_hold);
  g_assert_cmpuint (report.taken, ==, 1);
  g_assert_cmpuint (report.pending, ==, 1);
  g_assert_cmpuint (report.synced, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.refused, ==, 0);
  g_assert_cmpuint (report.on_hold, ==, 0);
  text = pdf_text (path);
  keep_pdf (path, "workflow-day-report.pdf");
  g_test_message ("day report:\n%s", text);
  g_assert_nonnull (strstr (text, date));
  g_assert_nonnull (strstr (text, "Applications taken"));
}

static void
collect_accelerators (GtkWidget *widget,
                      GPtrArray *accelerators)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "accelerator", &accelerator, NULL);
      if (accelerator != NULL)
        g_ptr_array_add (accelerators, g_steal_pointer (&accelerator));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_accelerators (child, accelerators);
}

static gboolean
listed (GPtrArray       *accelerators,
        guint            keyval,
        GdkModifierType  modifiers)
{
  if (keyval == GDK_KEY_KP_Enter)
    keyval = GDK_KEY_Return;
  keyval = gdk_keyval_to_lower (keyval);
  for (guint i = 0; i < accelerators->len; i++)
    {
      g_auto(GStrv) each = g_strsplit (g_ptr_array_index (accelerators, i), " ", -1);

      for (guint j = 0; each[j] != NULL; j++)
        {
          guint key = 0;
          GdkModifierType mods = 0;

          if (gtk_accelerator_parse (each[j], &key, &mods) &&
              gdk_keyval_to_lower (key) == keyval && mods == modifiers)
            return TRUE;
        }
    }
  return FALSE;
}

/* Every shortcut of the window is in the shortcuts window. */
static void
test_shortcuts_listed (void)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_autoptr(GPtrArray) accelerators = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  guint n_checked = 0;

  g_assert_nonnull (overlay);
  collect_accelerators (GTK_WIDGET (overlay), accelerators);
  g_assert_cmpuint (accelerators->len, >, 10);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GListModel) shortcuts = NULL;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcuts = g_object_ref (G_LIST_MODEL (controller));
      for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *name = gtk_shortcut_action_to_string (action);

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !g_str_has_prefix (name, "action(win."))
            continue;
          if (!listed (accelerators, gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                       gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))))
            {
              g_autofree char *text = gtk_shortcut_trigger_to_string (trigger);

              g_error ("%s (%s) is not in the shortcuts window", text, name);
            }
          n_checked++;
        }
    }
  g_print ("shortcuts checked: %u window shortcuts, all listed\n", n_checked);
  g_assert_cmpuint (n_checked, >=, 12);
}

static void
store_declaration (PdStore    *store,
                   const char *name,
                   const char *id_number,
                   const char *code,
                   const char *address)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (name, id_number);
  g_autoptr(GError) error = NULL;

  pd_dossier_set_field (dossier, PD_FIELD_SEX, "F");
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "1990-03-15");
  pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, "Nguyễn Văn Bình");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, "Trần Thị Lan");
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, code);
  if (address != NULL)
    pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, address);
  g_assert_true (pd_store_save (store, dossier, "portal", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int status;

  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  textdomain (GETTEXT_PACKAGE);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));

  dir = pd_test_make_tmpdir ();
  db_path = g_build_filename (dir, "passdesk.db", NULL);
  print_dir = g_build_filename (dir, "printed", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);

  /* Online declarations, as a sync brings them. */
  declaration_code = pd_declaration_code_build ("01", 123456, &error);
  g_assert_no_error (error);
  hold_code = pd_declaration_code_build ("01", 654321, &error);
  g_assert_no_error (error);
  {
    g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);

    g_assert_no_error (error);
    store_declaration (store, applicant, applicant_id, declaration_code, card_address);
    store_declaration (store, "Lê Văn Hùng", "001085000222", hold_code, NULL);
    pd_store_close (store);
  }

  window = pd_ui_new_window (db_path, &app);
  /* The synthetic faces of the test set open their mouths a little more than the standard
   * allows (as in test-photo-page). */
  {
    g_autofree char *official = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "photo-standards",
                                                  "vn-passport.json", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *changed = NULL;
    g_autoptr(GRegex) regex = g_regex_new ("\"mouth_gap_max\": [0-9.]+", 0, 0, NULL);
    g_autoptr(PdPhotoProfile) tolerant = NULL;

    g_assert_true (g_file_get_contents (official, &contents, NULL, NULL));
    changed = g_regex_replace_literal (regex, contents, -1, 0, "\"mouth_gap_max\": 0.2", 0, NULL);
    tolerant = pd_photo_profile_new_from_data (changed, -1, &error);
    g_assert_no_error (error);
    pd_photo_page_set_profile (pd_window_get_photo_page (window), tolerant);
  }
  pd_window_set_print_export_dir (window, print_dir);
  pd_window_set_ticket_source (window, next_ticket, NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/workflow/open", test_open);
  g_test_add_func ("/workflow/counted-round", test_counted_round);
  g_test_add_func ("/workflow/required-documents", test_required_documents);
  g_test_add_func ("/workflow/hold-refuse-reopen", test_hold_refuse_reopen);
  g_test_add_func ("/workflow/volunteer", test_volunteer);
  g_test_add_func ("/workflow/assisted-entry", test_assisted_entry);
  g_test_add_func ("/workflow/day-report", test_day_report);
  g_test_add_func ("/workflow/shortcuts-listed", test_shortcuts_listed);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
