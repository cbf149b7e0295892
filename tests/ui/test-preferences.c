/* test-preferences.c: the small things a station sets up and the papers it looks back at,
 * in the real window of an enrolled station with the real passdesk-central on loopback (its
 * path is the argument).
 *
 * The station's ticket letter typed in Preferences (refused when it is not one letter A to Z)
 * is the one the entrance prints; an officer signs in through the sign-in dialog, online, and
 * offline once the server is gone (a wrong password refused, then the limit on failures);
 * the day report of a day before; the list of today's applications. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-application.h"
#include "pd-day-report-private.h"
#include "pd-entrance-page.h"
#include "pd-preferences-window-private.h"
#include "pd-queue.h"
#include "pd-sign-in-dialog-private.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static char *dir;
static const char *old_name = "Trịnh Văn Cũ";
static const char *today_name = "Lâm Thị Mới";
static const char *declared_name = "Hà Văn Chờ";

static gboolean
preferences_idle (gpointer data)
{
  return !pd_preferences_window_get_busy (data);
}

static gboolean
station_message_is (gpointer data)
{
  gpointer *args = data;

  return !pd_preferences_window_get_busy (args[0]) &&
         g_strcmp0 (pd_preferences_window_get_station_message (args[0]), args[1]) == 0;
}

static gboolean
station_error_shown (gpointer data)
{
  return !pd_preferences_window_get_busy (data) && pd_preferences_window_get_station_error (data);
}

static PdEntrancePage *
entrance_page (void)
{
  return PD_ENTRANCE_PAGE (adw_view_stack_get_child_by_name (pd_ui_view_stack (window), "entrance"));
}

static GtkLabel *
find_label_with_prefix (GtkWidget  *widget,
                        const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label_with_prefix (child, prefix);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
entrance_says_station (gpointer data)
{
  return find_label_with_prefix (GTK_WIDGET (entrance_page ()), data) != NULL;
}

static gboolean
ticket_issued (gpointer data)
{
  return pd_entrance_page_get_last_issued (data) != NULL;
}

static GtkWidget *
find_service_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "pd-service") != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_service_button (child);

      if (found)
        return found;
    }
  return NULL;
}

static void
type_station (PdPreferencesWindow *prefs,
              const char          *text)
{
  gtk_editable_set_text (pd_preferences_window_get_station_editable (prefs), text);
  pd_ui_wait_until (preferences_idle, prefs, "the ticket letter to be saved");
}

/* The language row writes the preference that pd_language_apply() reads at the next start. */
static void
test_language (void)
{
  GSettings *settings = pd_application_get_settings (app);
  PdPreferencesWindow *prefs = pd_preferences_window_new (settings, pd_window_get_store (window));
  AdwComboRow *row = pd_preferences_window_get_language_row (prefs);
  g_autofree char *language = NULL;

  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  pd_ui_wait_until (pd_ui_mapped, prefs, "the preferences");
  /* Vietnamese unless chosen otherwise. */
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  adw_combo_row_set_selected (row, 1);
  pd_ui_wait_for_frames (GTK_WIDGET (prefs));
  language = g_settings_get_string (settings, "language");
  g_assert_cmpstr (language, ==, "en");
  g_settings_set_string (settings, "language", "system");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 2);
  pd_ui_wait_for_frames (GTK_WIDGET (prefs));
  g_settings_reset (settings, "language");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  /* Let the row redraw before the window goes: GTK 4.8 warns of a snapshot of a row whose
   * allocation went with it otherwise. */
  pd_ui_wait_for_frames (GTK_WIDGET (prefs));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* The window opens with no field focused and nothing selected, so that a scanner's burst
 * cannot replace the office code; the demo's own server (plain http on loopback) is not marked
 * as unsafe, plain http to any other host is. */
static void
test_open_and_server (void)
{
  GSettings *settings = pd_application_get_settings (app);
  PdPreferencesWindow *prefs = NULL;
  GtkEditable *office;
  GtkEditable *server;
  GtkWidget *focus;
  g_autofree char *old_server = g_settings_get_string (settings, "server-url");
  g_autofree char *old_office = g_settings_get_string (settings, "office-code");

  g_settings_set_string (settings, "office-code", "HN01");
  g_settings_set_string (settings, "server-url", "http://127.0.0.1:8080");
  prefs = pd_preferences_window_new (settings, pd_window_get_store (window));
  office = pd_preferences_window_get_office_editable (prefs);
  server = pd_preferences_window_get_server_editable (prefs);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  pd_ui_wait_until (pd_ui_mapped, prefs, "the preferences");
  pd_ui_wait_until (preferences_idle, prefs, "the preferences to load");
  pd_ui_wait_for_frames (GTK_WIDGET (prefs));

  focus = gtk_root_get_focus (GTK_ROOT (prefs));
  g_assert_true (focus == NULL || !GTK_IS_EDITABLE (focus));
  g_assert_false (gtk_editable_get_selection_bounds (office, NULL, NULL));
  g_assert_false (pd_preferences_window_get_server_error (prefs));
  pd_ui_save_screenshot (GTK_WIDGET (prefs), "preferences-open.png");

  gtk_editable_set_text (server, "http://localhost:8443");
  g_assert_false (pd_preferences_window_get_server_error (prefs));
  gtk_editable_set_text (server, "http://[::1]:8443");
  g_assert_false (pd_preferences_window_get_server_error (prefs));

  gtk_editable_set_text (server, "http://central.example.vn");
  g_assert_true (pd_preferences_window_get_server_error (prefs));
  pd_ui_wait_for_frames (GTK_WIDGET (prefs));
  pd_ui_save_screenshot (GTK_WIDGET (prefs), "preferences-remote-http.png");
  gtk_editable_set_text (server, "https://central.example.vn");
  g_assert_false (pd_preferences_window_get_server_error (prefs));

  pd_ui_wait_for_frames (GTK_WIDGET (prefs));
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_set_string (settings, "server-url", old_server);
  g_settings_set_string (settings, "office-code", old_office);
}

static void
test_station_letter (void)
{
  PdStore *store;
  PdEntrancePage *entrance;
  PdPreferencesWindow *prefs;
  g_autoptr(PdQueue) queue = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *letter = NULL;
  g_autofree char *ticket_pdf = g_build_filename (dir, "ticket.pdf", NULL);
  g_autofree char *expected = g_strdup_printf (_("Entrance · station %s"), "B");
  g_autofree char *no_letter_detail = NULL;
  GtkWidget *service_button;
  gpointer args[2];

  store = pd_window_get_store (window);
  queue = pd_queue_new (store, NULL);
  entrance = entrance_page ();
  pd_entrance_page_set_print_action (entrance, PD_PRINT_ACTION_EXPORT, ticket_pdf);

  /* No letter yet: the entrance cannot issue, and says where to set one. */
  g_assert_false (pd_entrance_page_issue (entrance, pd_queue_get_service (queue, 0)->code, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_STATION);
  g_clear_error (&error);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "entrance");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_nonnull (find_label_with_prefix (GTK_WIDGET (entrance), _("This station has no ticket letter")));
  /* Its service buttons are not offered; the way to the letter is. */
  g_assert_false (pd_entrance_page_get_can_issue (entrance));
  g_assert_true (gtk_widget_get_visible (pd_entrance_page_get_set_letter_button (entrance)));
  /* A service's key pressed anyway says why nothing came out. */
  service_button = find_service_button (GTK_WIDGET (entrance));
  g_assert_nonnull (service_button);
  g_assert_false (gtk_widget_is_sensitive (service_button));
  g_signal_emit_by_name (service_button, "clicked");
  no_letter_detail = g_strdup (pd_entrance_page_get_detail (entrance));
  g_assert_nonnull (strstr (no_letter_detail, "passdesk-cli queue station"));
  pd_ui_save_screenshot (GTK_WIDGET (window), "entrance-no-letter.png");

  /* The button opens Preferences, from the application as the menu does. */
  g_assert_true (gtk_widget_activate (pd_entrance_page_get_set_letter_button (entrance)));
  prefs = PD_PREFERENCES_WINDOW (pd_ui_wait_for_toplevel (PD_TYPE_PREFERENCES_WINDOW, "the preferences"));
  pd_ui_wait_until (pd_ui_mapped, prefs, "the preferences");
  pd_ui_wait_until (preferences_idle, prefs, "the preferences to load");
  /* The empty letter says what to do. */
  g_assert_nonnull (pd_preferences_window_get_station_message (prefs));
  g_assert_false (pd_preferences_window_get_station_error (prefs));

  /* A digit, two letters, a letter with a diacritic: refused, with the rule, and not saved. */
  {
    const char *invalid[] = { "7", "AB", "Đ", NULL };

    for (guint i = 0; invalid[i] != NULL; i++)
      {
        type_station (prefs, invalid[i]);
        pd_ui_wait_until (station_error_shown, prefs, "the letter to be refused");
        g_test_message ("“%s” refused: %s", invalid[i], pd_preferences_window_get_station_message (prefs));
        g_assert_nonnull (strstr (pd_preferences_window_get_station_message (prefs), "A to Z"));
        letter = pd_store_get_setting (store, PD_QUEUE_SETTING_STATION);
        g_assert_null (letter);
      }
  }
  pd_ui_save_screenshot (GTK_WIDGET (prefs), "preferences-letter-refused.png");

  /* A small letter is taken as the capital one. */
  type_station (prefs, "b");
  args[0] = prefs;
  args[1] = g_strdup_printf (_("Saved: the tickets of this station now start with %s."), "B");
  pd_ui_wait_until (station_message_is, args, "the letter to be saved");
  g_free (args[1]);
  g_assert_false (pd_preferences_window_get_station_error (prefs));
  g_assert_cmpstr (gtk_editable_get_text (pd_preferences_window_get_station_editable (prefs)), ==, "B");
  letter = pd_store_get_setting (store, PD_QUEUE_SETTING_STATION);
  g_assert_cmpstr (letter, ==, "B");
  pd_ui_save_screenshot (GTK_WIDGET (prefs), "preferences-letter-saved.png");
  /* The entrance behind follows at once: buttons offered, the old explanation gone. */
  pd_ui_wait_until (entrance_says_station, expected, "the entrance to show the letter");
  g_assert_true (pd_entrance_page_get_can_issue (entrance));
  g_assert_false (gtk_widget_get_visible (pd_entrance_page_get_set_letter_button (entrance)));
  g_assert_cmpstr (pd_entrance_page_get_detail (entrance), !=, no_letter_detail);
  g_assert_null (strstr (pd_entrance_page_get_detail (entrance), "passdesk-cli queue station"));
  gtk_window_close (GTK_WINDOW (prefs));

  /* Back at the window, the entrance says its letter and prints tickets with it. */
  gtk_window_present (GTK_WINDOW (window));
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "entrance");
  pd_ui_wait_until (entrance_says_station, expected, "the entrance to show the letter");
  g_assert_true (pd_entrance_page_issue (entrance, pd_queue_get_service (queue, 0)->code, &error));
  g_assert_no_error (error);
  /* An enrolled station numbers its tickets with the office's server. */
  pd_ui_wait_until (ticket_issued, entrance, "the ticket");
  g_test_message ("ticket issued: %s", pd_entrance_page_get_last_issued (entrance));
  g_assert_true (g_str_has_prefix (pd_entrance_page_get_last_issued (entrance), "B"));
  pd_ui_save_screenshot (GTK_WIDGET (window), "preferences-entrance.png");
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");
}

/* Sign-in */

static PdSignInDialog *
find_sign_in_dialog (void)
{
  return (PdSignInDialog *) pd_ui_find_toplevel (PD_TYPE_SIGN_IN_DIALOG);
}

static gboolean
sign_in_dialog_gone (gpointer data)
{
  return find_sign_in_dialog () == NULL;
}

static gboolean
dialog_idle (gpointer data)
{
  return !pd_sign_in_dialog_get_busy (data);
}

static PdSignInDialog *
open_sign_in (const char *action)
{
  PdSignInDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  dialog = PD_SIGN_IN_DIALOG (pd_ui_wait_for_toplevel (PD_TYPE_SIGN_IN_DIALOG, "the sign-in dialog"));
  pd_ui_wait_until (dialog_idle, dialog, "the sign-in dialog to be ready");
  return dialog;
}

/* Returns the dialog's message, or NULL when the dialog closed on success. */
static const char *
sign_in (PdSignInDialog *dialog,
         const char     *username,
         const char     *password)
{
  gtk_editable_set_text (pd_sign_in_dialog_get_username_editable (dialog), username);
  gtk_editable_set_text (pd_sign_in_dialog_get_password_editable (dialog), password);
  g_object_ref (dialog);
  pd_sign_in_dialog_sign_in (dialog);
  g_assert_true (pd_sign_in_dialog_get_busy (dialog));
  pd_ui_wait_until (dialog_idle, dialog, "the sign-in");
  g_object_unref (dialog);
  if (find_sign_in_dialog () == NULL)
    return NULL;
  /* A refused password is not kept. */
  g_assert_cmpstr (gtk_editable_get_text (pd_sign_in_dialog_get_password_editable (dialog)), ==, "");
  return pd_sign_in_dialog_get_message (dialog);
}

static void
sign_out (PdSignInDialog *dialog)
{
  pd_sign_in_dialog_sign_out (dialog);
  pd_ui_wait_until (dialog_idle, dialog, "the sign-out");
  g_assert_cmpstr (pd_sign_in_dialog_get_status (dialog), ==, _("Nobody is signed in"));
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_NONE);
}

static PdOfficer *
current_officer (void)
{
  PdStore *store = pd_window_get_store (window);
  PdDevice *device = pd_sync_engine_get_device (pd_station_get_sync_engine (pd_window_get_station (window)));
  g_autoptr(GError) error = NULL;
  PdOfficer *officer = pd_officer_get_current (store, device, NULL, &error);

  g_assert_no_error (error);
  return officer;
}

static void
test_sign_in_online (void)
{
  PdSignInDialog *dialog;
  g_autoptr(PdOfficer) officer = NULL;
  g_autofree char *expected = NULL;

  /* Enrolled, nobody signed in: accepting (with or without printing) offers the sign-in. */
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_NONE);
  dialog = open_sign_in ("win.save");
  gtk_window_close (GTK_WINDOW (dialog));
  pd_ui_wait_until (sign_in_dialog_gone, NULL, "the dialog to close");
  dialog = open_sign_in ("win.accept");
  g_assert_cmpstr (pd_sign_in_dialog_get_status (dialog), ==, _("Nobody is signed in"));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "sign-in-nobody.png");

  /* Empty fields say what is missing. */
  gtk_editable_set_text (pd_sign_in_dialog_get_username_editable (dialog), "");
  pd_sign_in_dialog_sign_in (dialog);
  g_assert_cmpstr (pd_sign_in_dialog_get_message (dialog), ==, _("Enter your user name and password."));

  /* A wrong password, checked by the central system. */
  g_assert_nonnull (sign_in (dialog, "officer1", "not-the-password"));
  g_test_message ("online, wrong password: %s", pd_sign_in_dialog_get_message (dialog));
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_NONE);
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "sign-in-refused.png");

  g_assert_null (sign_in (dialog, "officer1", "officer1-demo"));
  pd_ui_wait_until (sign_in_dialog_gone, NULL, "the dialog to close");
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  officer = current_officer ();
  g_assert_nonnull (officer);
  g_assert_false (pd_officer_get_offline (officer));
  g_assert_nonnull (pd_officer_get_token (officer));
  expected = pd_sign_in_describe_officer (officer);
  g_assert_cmpstr (pd_window_get_scan_message (window), ==, expected);

  /* Ctrl+L shows who is signed in; signing out ends the session. */
  dialog = open_sign_in ("win.sign-in");
  g_assert_cmpstr (pd_sign_in_dialog_get_status (dialog), ==, expected);
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "sign-in-online.png");
  sign_out (dialog);
  g_clear_object (&officer);
  officer = current_officer ();
  g_assert_null (officer);
  gtk_window_close (GTK_WINDOW (dialog));
  pd_ui_wait_until (sign_in_dialog_gone, NULL, "the dialog to close");
}

static void
test_sign_in_offline (void)
{
  PdSignInDialog *dialog;
  g_autoptr(PdOfficer) officer = NULL;
  g_autofree char *expected = NULL;
  const char *message;
  guint n_wrong = 0;

  sync_central_stop (&central);

  dialog = open_sign_in ("win.sign-in");
  message = sign_in (dialog, "officer1", "wrong-password");
  g_assert_nonnull (message);
  g_test_message ("offline, wrong password: %s", message);
  g_assert_nonnull (strstr (message, "Wrong user name or password"));
  n_wrong++;
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_NONE);

  /* Nobody who never signed in here can sign in offline. */
  message = sign_in (dialog, "supervisor1", "supervisor1-demo");
  g_assert_nonnull (message);
  g_test_message ("offline, never signed in here: %s", message);
  g_assert_nonnull (strstr (message, "never signed in on this station"));

  g_assert_null (sign_in (dialog, "officer1", "officer1-demo"));
  pd_ui_wait_until (sign_in_dialog_gone, NULL, "the dialog to close");
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  officer = current_officer ();
  g_assert_nonnull (officer);
  g_assert_true (pd_officer_get_offline (officer));
  expected = pd_sign_in_describe_officer (officer);
  g_assert_nonnull (strstr (expected, "offline"));

  dialog = open_sign_in ("win.sign-in");
  g_assert_cmpstr (pd_sign_in_dialog_get_status (dialog), ==, expected);
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "sign-in-offline.png");
  sign_out (dialog);

  /* The failures are counted: after the limit, even the right password waits. */
  n_wrong = 0;
  while (n_wrong < PD_OFFICER_MAX_FAILURES)
    {
      message = sign_in (dialog, "officer1", "guess");
      g_assert_nonnull (strstr (message, "Wrong user name or password"));
      n_wrong++;
    }
  message = sign_in (dialog, "officer1", "officer1-demo");
  g_assert_nonnull (message);
  g_test_message ("offline, after %u wrong passwords: %s", n_wrong, message);
  g_assert_nonnull (strstr (message, "Too many wrong passwords"));
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_NONE);
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "sign-in-rate-limited.png");
  gtk_window_close (GTK_WINDOW (dialog));
  pd_ui_wait_until (sign_in_dialog_gone, NULL, "the dialog to close");
}

/* The day report and the list */

static gint64
days_ago_at_noon (guint days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now), 12, 0, 0);
  g_autoptr(GDateTime) then = g_date_time_add_days (noon, -(gint) days);

  return g_date_time_to_unix (then);
}

static void
test_day_report_previous_day (void)
{
  PdStore *store = pd_window_get_store (window);
  g_autoptr(PdDossier) old = pd_test_make_dossier (old_name, "001090000777");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (days_ago_at_noon (3));
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (then, 4);
  g_autofree char *typed = g_date_time_format (then, "%d/%m/%Y");
  g_autofree char *future = g_date_time_format (tomorrow, "%d/%m/%Y");
  g_autofree char *pdf = g_date_time_format (then, "day-report-%Y-%m-%d.pdf");
  g_autofree char *pdf_path = g_build_filename (dir, pdf, NULL);
  PdDayReportDialog *dialog;
  PdDayReport report;
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));

  /* Accepted three days ago (a day gone by: written as an import, the intake path stamps
   * the present); the central system confirmed it today. */
  pd_dossier_set_status (old, PD_STATUS_ACCEPTED);
  pd_dossier_set_created_at (old, days_ago_at_noon (3));
  g_assert_true (pd_store_import_many (store, (PdDossier * const[]) { old }, 1, "officer1", &error));
  g_assert_no_error (error);
  g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (old), PD_STATUS_RECEIVED, "central", NULL, &error));
  g_assert_no_error (error);

  pd_print_queue_set_export_dir (pd_window_get_print_queue (window), dir);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.choose-day-report", NULL));
  dialog = (PdDayReportDialog *) pd_ui_find_toplevel (PD_TYPE_DAY_REPORT_DIALOG);
  g_assert_nonnull (dialog);
  pd_ui_wait_until (pd_ui_mapped, dialog, "the day report dialog");
  /* Today is offered first. */
  g_assert_null (pd_day_report_dialog_get_message (dialog));

  gtk_editable_set_text (pd_day_report_dialog_get_day_editable (dialog), "31/02/2026");
  g_assert_nonnull (pd_day_report_dialog_get_message (dialog));
  gtk_editable_set_text (pd_day_report_dialog_get_day_editable (dialog), future);
  g_assert_cmpstr (pd_day_report_dialog_get_message (dialog), ==,
                   _("That day has not come yet. Choose today or a day before."));
  g_assert_false (pd_day_report_dialog_print (dialog));
  g_assert_cmpuint (pd_print_queue_get_n_printed (pd_window_get_print_queue (window)), ==, n);

  gtk_editable_set_text (pd_day_report_dialog_get_day_editable (dialog), typed);
  g_assert_null (pd_day_report_dialog_get_message (dialog));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), "day-report-dialog.png");
  g_assert_true (pd_day_report_dialog_print (dialog));
  pd_ui_wait_for_printed (window, n + 1, "the day report");
  g_assert_cmpuint (pd_print_queue_get_n_printed (pd_window_get_print_queue (window)), ==, n + 1);
  g_assert_null (pd_ui_find_toplevel (PD_TYPE_DAY_REPORT_DIALOG));

  g_assert_true (pd_day_report_printer_get_report (pd_window_get_day_report_printer (window), &report));
  g_test_message ("day report of %s: taken %u, pending %u, synced %u", typed, report.taken, report.pending,
                  report.synced);
  g_assert_cmpuint (report.taken, ==, 1);
  g_assert_cmpuint (report.synced, ==, 1);
  g_assert_cmpuint (report.pending, ==, 0);
  g_assert_true (g_file_test (pdf_path, G_FILE_TEST_IS_REGULAR));
}

static gboolean
queue_loaded (gpointer data)
{
  return !pd_queue_page_get_loading (pd_ui_queue_page (window));
}

static gboolean
model_has_name (GListModel *model,
                const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PdDossier) dossier = g_list_model_get_item (model, i);

      if (g_strcmp0 (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The search entry waits a moment before it searches: the list is read once it changed. */
static gboolean
list_shows_old (gpointer data)
{
  return !pd_queue_page_get_loading (pd_ui_queue_page (window)) &&
         model_has_name (pd_queue_page_get_model (pd_ui_queue_page (window)), old_name) ==
         GPOINTER_TO_INT (data);
}

/* Every date shown whole: no label of the list is narrower than its text. */
static guint
count_cut_dates (GtkWidget *widget,
                 guint     *n_dates)
{
  guint cut = 0;

  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      const char *text = gtk_label_get_label (GTK_LABEL (widget));

      if (g_regex_match_simple ("^[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}$", text, 0, 0))
        {
          int natural;

          gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
          (*n_dates)++;
          if (gtk_widget_get_width (widget) < natural)
            cut++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    cut += count_cut_dates (child, n_dates);
  return cut;
}

static void
test_queue_today_only (void)
{
  PdStore *store = pd_window_get_store (window);
  PdQueuePage *page = pd_ui_queue_page (window);
  GListModel *model = pd_queue_page_get_model (page);
  g_autoptr(PdDossier) today = pd_test_make_dossier (today_name, "001092000888");
  g_autoptr(PdDossier) declared = pd_test_make_dossier (declared_name, "001094000999");
  g_autoptr(GError) error = NULL;
  guint n_dates = 0;

  g_assert_true (pd_store_save (store, today, "officer1", &error));
  g_assert_no_error (error);
  /* Declared online two days ago, put on hold at the counter today: one of today's. */
  pd_dossier_set_created_at (declared, days_ago_at_noon (2));
  g_assert_true (pd_store_save (store, declared, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pd_store_set_status (store, pd_dossier_get_id (declared), PD_STATUS_ON_HOLD, "officer1",
                                      "Thiếu giấy khai sinh", &error));
  g_assert_no_error (error);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "queue");

  /* Changed today, taken three days ago: not one of today's. */
  pd_queue_page_reload (page);
  pd_ui_wait_until (queue_loaded, NULL, "today's list");
  g_assert_true (model_has_name (model, today_name));
  g_assert_true (model_has_name (model, declared_name));
  g_assert_false (model_has_name (model, old_name));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_save_screenshot (GTK_WIDGET (window), "queue-today.png");

  /* Earlier days on demand, with their date. */
  pd_queue_page_set_show_earlier (page, TRUE);
  pd_ui_wait_until (queue_loaded, NULL, "the list of earlier days");
  g_assert_true (model_has_name (model, today_name));
  g_assert_true (model_has_name (model, old_name));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_save_screenshot (GTK_WIDGET (window), "queue-earlier.png");
  g_assert_cmpuint (count_cut_dates (GTK_WIDGET (page), &n_dates), ==, 0);
  g_assert_cmpuint (n_dates, >=, 1);
  pd_queue_page_set_show_earlier (page, FALSE);
  pd_ui_wait_until (queue_loaded, NULL, "today's list again");
  g_assert_false (model_has_name (model, old_name));

  /* The search still finds every day. */
  gtk_editable_set_text (pd_queue_page_get_search_entry (page), "Trịnh Văn Cũ");
  pd_ui_wait_until (list_shows_old, GINT_TO_POINTER (TRUE), "the search to find the earlier application");
  g_assert_false (model_has_name (model, today_name));
  gtk_editable_set_text (pd_queue_page_get_search_entry (page), "");
  pd_ui_wait_until (list_shows_old, GINT_TO_POINTER (FALSE), "today's list after the search");
  g_assert_true (model_has_name (model, today_name));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  int status;

  dir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  /* Enrolled, nobody signed in yet. */
  db_path = pd_ui_make_station (&central, dir, "station", "counter", NULL, NULL);
  window = pd_ui_new_window (db_path, &app);
  pd_ui_disable_animations (window);
  pd_ui_present_window (window);

  g_test_add_func ("/preferences/station-letter", test_station_letter);
  g_test_add_func ("/sign-in/online", test_sign_in_online);
  g_test_add_func ("/sign-in/offline", test_sign_in_offline);
  g_test_add_func ("/day-report/previous-day", test_day_report_previous_day);
  g_test_add_func ("/queue/today-only", test_queue_today_only);
  g_test_add_func ("/preferences/language", test_language);
  g_test_add_func ("/preferences/open-and-server", test_open_and_server);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  sync_central_stop (&central);
  g_free (dir);
  return status;
}
