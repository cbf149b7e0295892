/* test-bad-news.c: bad news reaches the officer, on the real window of an enrolled station with
 * the real passdesk-central on loopback (its path is the argument), at 1366x768.
 *
 * - Who is signed in stays in the header: the officer's full name, or that nobody is.
 * - A warning (an ID number whose sex digit disagrees with the sex) shows on the field's row as
 *   it is typed, apart from errors; accepting asks about it: "Go Back and Check" saves nothing,
 *   "Accept Anyway" accepts and writes the acknowledgement to the audit log.
 * - An application the central system rejects shows, with the reason and the citizen's phone,
 *   in the header's indicator, on the Sending page and in the list, through later passes,
 *   until an officer marks it handled with a note (audited); then the counts drop.
 * Screenshots go to <build>/tests/ui/screenshots/bad-news-*.png. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-sync-indicator.h"
#include "pd-sync-page.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"

#define WAIT_SECONDS 60
#define REASON       "Ảnh chân dung không đạt chuẩn: nền không trắng"
#define PHONE        "0912345678"

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static PdDevice *device;

static PdStore *
store (void)
{
  return pd_window_get_store (window);
}

static PdSyncEngine *
engine (void)
{
  return pd_station_get_sync_engine (pd_window_get_station (window));
}

static PdSyncPage *
sync_page (void)
{
  return PD_SYNC_PAGE (pd_ui_find_child (window, PD_TYPE_SYNC_PAGE));
}

static GtkWidget *
indicator (void)
{
  return GTK_WIDGET (pd_ui_find_child (window, PD_TYPE_SYNC_INDICATOR));
}

static GtkWidget *
sync_child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (sync_page ()), PD_TYPE_SYNC_PAGE, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
label_is (gpointer text)
{
  return g_strcmp0 (pd_window_get_officer_label (window), text) == 0;
}

/* The officer ------------------------------------------------------------------------------- */

static void
test_officer_in_header (void)
{
  PdStation *station = pd_window_get_station (window);
  GtkWidget *header = GTK_WIDGET (pd_ui_find_child (window, ADW_TYPE_HEADER_BAR));
  g_autoptr(PdOfficer) officer = NULL;

  /* The full name the central system gave at sign-in, on screen in the header bar. */
  pd_ui_wait_until (label_is, (gpointer) "Nguyễn Thị Lan", "the officer's name in the header");
  g_assert_true (pd_ui_shows_label (header, "Nguyễn Thị Lan"));

  pd_station_sign_out (station);
  pd_ui_wait_until (label_is, (gpointer) _("Not signed in"), "the header to say nobody is signed in");
  g_assert_true (pd_ui_shows_label (header, _("Not signed in")));
  pd_ui_save_screenshot (GTK_WIDGET (window), "bad-news-signed-out.png");

  officer = pd_ui_sign_in (store (), device, "officer1");
  pd_station_sign_in (station, officer);
  pd_ui_wait_until (label_is, (gpointer) "Nguyễn Thị Lan", "the officer's name back in the header");
  pd_ui_save_screenshot (GTK_WIDGET (window), "bad-news-signed-in.png");
}

/* Warnings ---------------------------------------------------------------------------------- */

/* An application ready to accept, but for @id_number, typed last by the officer. */
static void
load_application (const char *name,
                  const char *id_number)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (name, NULL);
  g_autoptr(GBytes) photo = pd_ui_make_photo_jpeg ();

  pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, "Nguyễn Văn Bình");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, "Trần Thị Hoa");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL));
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
  pd_dossier_form_load (pd_ui_form (window), dossier);
  pd_dossier_form_set_photo (pd_ui_form (window), photo, NULL);
  {
    g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (pd_ui_form (window));

    for (guint i = 0; i < checks->len; i++)
      gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  }
  pd_ui_type_into (window, PD_FIELD_ID_NUMBER, id_number);
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *dialog = pd_ui_find_message_dialog (GTK_WINDOW (window));

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
form_idle (gpointer data)
{
  return !pd_dossier_form_get_busy (pd_ui_form (window));
}

static void
answer_dialog (const char *response)
{
  GtkWindow *dialog = pd_ui_find_message_dialog (GTK_WINDOW (window));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
}

static void
test_warnings (void)
{
  GtkLabel *warning = pd_dossier_form_get_warning_label (pd_ui_form (window), PD_FIELD_ID_NUMBER);
  GtkLabel *error = pd_dossier_form_get_error_label (pd_ui_form (window), PD_FIELD_ID_NUMBER);
  PdUiSaveWatch saves;
  g_autoptr(PdDossier) saved = NULL;
  g_autofree char *uuid = NULL;
  gint64 counts[PD_N_STATUSES];
  gint64 accepted_before;

  /* Sex "Nam" (M) on the form; digit 4 of the number says a woman born in the 1900s. */
  load_application ("Phạm Thu Trang", "001190012345");
  uuid = g_strdup (pd_dossier_get_uuid (pd_dossier_form_get_dossier (pd_ui_form (window))));

  /* As typed: a warning on the ID number's row, in its own row; not an error. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (warning)));
  g_assert_nonnull (strstr (gtk_label_get_label (warning), _("digit 4 of this number usually encodes the sex")));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (GTK_WIDGET (error), GTK_TYPE_LIST_BOX_ROW)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (warning), "warning"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (warning), "error"));
  pd_ui_save_screenshot (GTK_WIDGET (window), "bad-news-warning-inline.png");

  /* Accept: asked first. Going back saves nothing. */
  g_assert_true (pd_store_count_by_status (store (), counts, NULL));
  accepted_before = counts[PD_STATUS_ACCEPTED];
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  pd_ui_wait_until (dialog_shown, NULL, "the warnings' question");
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (pd_ui_find_message_dialog (GTK_WINDOW (window))),
                                   _("digit 4 of this number usually encodes the sex")));
  pd_ui_save_screenshot (GTK_WIDGET (pd_ui_find_message_dialog (GTK_WINDOW (window))), "bad-news-warning-dialog.png");
  answer_dialog ("back");
  pd_ui_wait_until (form_idle, NULL, "the form back");
  g_assert_true (pd_store_count_by_status (store (), counts, NULL));
  g_assert_cmpint (counts[PD_STATUS_ACCEPTED], ==, accepted_before);
  g_assert_cmpuint (pd_ui_count_audit (store (), "warnings-acknowledged", uuid, NULL, NULL), ==, 0);
  g_assert_cmpstr (pd_dossier_get_uuid (pd_dossier_form_get_dossier (pd_ui_form (window))), ==, uuid);

  /* Accept anyway: accepted, and the acknowledgement is in the audit log with the warning. */
  pd_ui_watch_saves (&saves, window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  pd_ui_wait_until (dialog_shown, NULL, "the warnings' question again");
  answer_dialog ("accept");
  saved = pd_ui_wait_for_save (&saves, "the acceptance past the warning");
  g_assert_cmpint (pd_dossier_get_status (saved), ==, PD_STATUS_ACCEPTED);
  g_assert_cmpuint (pd_ui_count_audit (store (), "warnings-acknowledged", uuid, NULL, "id_number"), ==, 1);

  /* No warning, no question: straight through. */
  {
    g_autoptr(PdDossier) plain = NULL;

    load_application ("Đỗ Văn Hùng", "001090054321");
    g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (GTK_WIDGET (warning), GTK_TYPE_LIST_BOX_ROW)));
    pd_ui_watch_saves (&saves, window);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
    plain = pd_ui_wait_for_save (&saves, "the acceptance without warnings");
    g_assert_null (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  }
}

/* A rejection ------------------------------------------------------------------------------- */

static gboolean
engine_counts (gpointer data)
{
  return pd_sync_engine_get_rejected_count (engine ()) == GPOINTER_TO_UINT (data) &&
         !pd_sync_page_get_loading (sync_page ());
}

static gboolean
queue_loaded (gpointer data)
{
  return !pd_queue_page_get_loading (pd_ui_queue_page (window));
}

/* All three places at once: what the officer sees wherever they look. */
static void
assert_rejection_shown (const char *screenshot_suffix)
{
  g_autofree char *sending = g_strconcat ("bad-news-sending-", screenshot_suffix, ".png", NULL);
  g_autofree char *queue = g_strconcat ("bad-news-queue-", screenshot_suffix, ".png", NULL);
  const char *tooltip;

  /* The header, on every page: red, with the count and why in its tooltip. */
  g_assert_true (gtk_widget_has_css_class (indicator (), "error"));
  tooltip = gtk_widget_get_tooltip_text (indicator ());
  g_assert_nonnull (strstr (tooltip, "rejected by the central system"));
  g_assert_true (pd_ui_shows_label (indicator (), "1"));

  /* The Sending page: not "Everything Sent"; the application, the reason, the phone. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_sync_page_reload (sync_page ());
  pd_ui_wait_until (engine_counts, GUINT_TO_POINTER (1), "the Sending page's list");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (sync_child ("status_title"))), !=, _("Everything Sent"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (sync_child ("status_title"))), "Rejected"));
  g_assert_true (gtk_widget_get_mapped (sync_child ("rejected_group")));
  g_assert_true (pd_ui_shows_text (sync_child ("rejected_group"), REASON));
  g_assert_true (pd_ui_shows_text (sync_child ("rejected_group"), PHONE));
  g_assert_true (pd_ui_shows_text (sync_child ("rejected_group"), "Lê Văn Tám"));
  pd_ui_save_screenshot (GTK_WIDGET (window), sending);

  /* The list: on top, the reason and the phone in the status column. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
  pd_queue_page_reload (pd_ui_queue_page (window));
  pd_ui_wait_until (queue_loaded, NULL, "the list");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  {
    GListModel *model = pd_queue_page_get_model (pd_ui_queue_page (window));
    g_autoptr(PdDossier) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (pd_dossier_get_field (first, PD_FIELD_FULL_NAME), ==, "Lê Văn Tám");
  }
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (pd_ui_queue_page (window)), REASON));
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (pd_ui_queue_page (window)), PHONE));
  pd_ui_save_screenshot (GTK_WIDGET (window), queue);
}

static void
test_rejection (void)
{
  PdUiSaveWatch saves;
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdDossier) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_arg = NULL;

  /* Accepted at the counter and received by the central system. */
  load_application ("Lê Văn Tám", "001090067890");
  pd_ui_watch_saves (&saves, window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL));
  saved = pd_ui_wait_for_save (&saves, "the acceptance");
  report = pd_ui_sync_pass (window, PD_SYNC_ALL);
  g_assert_cmpuint (report->accepted, >=, 1);
  g_clear_pointer (&report, pd_sync_report_free);
  {
    g_autoptr(GPtrArray) done = pd_store_outbox_list (store (), PD_OUTBOX_DONE, 0, 0, 100, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < done->len; i++)
      {
        PdOutboxEntry *entry = g_ptr_array_index (done, i);

        if (g_strcmp0 (entry->dossier_uuid, pd_dossier_get_uuid (saved)) == 0)
          packet_arg = g_strconcat ("--packet=", entry->packet_id, NULL);
      }
    g_assert_nonnull (packet_arg);
  }
  g_assert_false (gtk_widget_has_css_class (indicator (), "error"));

  /* The central system rejects it; the next pass brings the news. */
  g_free (sync_central_run (&central, "set-status", packet_arg, "--status=rejected", "--reason=" REASON, NULL));
  report = pd_ui_sync_pass (window, PD_SYNC_ALL);
  g_assert_cmpuint (report->statuses, >=, 1);
  g_clear_pointer (&report, pd_sync_report_free);
  stored = pd_store_get (store (), pd_dossier_get_id (saved), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_REJECTED);
  g_assert_cmpuint (pd_sync_engine_get_rejected_count (engine ()), ==, 1);
  assert_rejection_shown ("rejected");

  /* Another pass, nothing new: still there. */
  report = pd_ui_sync_pass (window, PD_SYNC_ALL);
  g_clear_pointer (&report, pd_sync_report_free);
  assert_rejection_shown ("still-rejected");

  /* Handled: the officer called the citizen and writes what was agreed. */
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  {
    GtkWidget *button = pd_ui_find_button (sync_child ("rejected_group"), _("Mark _Handled…"));
    GtkWindow *dialog;
    GtkWidget *note;

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    pd_ui_wait_until (dialog_shown, NULL, "the note's dialog");
    dialog = pd_ui_find_message_dialog (GTK_WINDOW (window));
    /* Nothing written, nothing to record. */
    g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "handled"));
    note = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
    gtk_editable_set_text (GTK_EDITABLE (note), "Đã gọi lúc 14:10, công dân mang ảnh mới thứ Hai");
    g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "handled"));
    pd_ui_save_screenshot (GTK_WIDGET (dialog), "bad-news-handle-dialog.png");
    answer_dialog ("handled");
  }
  pd_ui_wait_until (engine_counts, GUINT_TO_POINTER (0), "the rejection handled");
  g_assert_cmpuint (pd_ui_count_audit (store (), "rejection-handled", pd_dossier_get_uuid (saved), NULL, "ảnh mới"), ==, 1);
  g_assert_false (gtk_widget_has_css_class (indicator (), "error"));
  g_assert_false (gtk_widget_get_visible (sync_child ("rejected_group")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (sync_child ("status_title"))), ==, _("Everything Sent"));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_save_screenshot (GTK_WIDGET (window), "bad-news-sending-handled.png");
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
  pd_ui_disable_animations (window);
  pd_ui_present_window (window);

  g_test_add_func ("/bad-news/officer-in-header", test_officer_in_header);
  g_test_add_func ("/bad-news/warnings", test_warnings);
  g_test_add_func ("/bad-news/rejection", test_rejection);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&device);
  sync_central_stop (&central);
  return status;
}
