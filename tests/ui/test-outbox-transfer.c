/* test-outbox-transfer.c: the outbox on a USB file through the window's actions, with the
 * real passdesk-central on loopback (its path is the argument).
 *
 * A mobile station accepts two applications with the central system stopped and exports them
 * with "win.export-outbox" (the file set through the private hook instead of the chooser):
 * the file holds no name in the clear, the applications stay in the outbox, a folder it cannot
 * write to gives an error and loses nothing, a volunteer cannot export. A second station of
 * the office, connected, imports the file with "win.import-outbox": the central system has
 * exactly two applications; importing again says they were imported before and doubles
 * nothing; a damaged or hostile file is refused and changes nothing; a packet whose signature
 * does not cover it is refused here before anything is kept or sent, online or not; a
 * volunteer cannot import. The save dialog itself is driven once (cancel, then
 * export), and a station never enrolled says how to enroll.
 * Screenshots (outbox-transfer-*.png) go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-application.h"
#include "pd-outbox-transfer-private.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static PdApplication *app;
static PdWindow *window;
static char *tmpdir;
static char *usb_dir;
static char *usb_file;
static char *mobile_db;
static char *office_db;

static const char *names[] = { "Hoàng Thị Mai", "Vàng A Sử" };

static gboolean
dialog_mapped (gpointer data)
{
  GtkWindow *dialog = pd_ui_find_message_dialog (GTK_WINDOW (window));

  return dialog != NULL && pd_ui_mapped (dialog) && !pd_outbox_transfer_get_busy (window);
}

/* One application for both stations' windows: a second one could not register on the bus. */
static void
open_window (const char *db_path)
{
  window = pd_ui_new_window (db_path, &app);
  pd_ui_disable_animations (window);
  pd_ui_present_window (window);
  g_assert_nonnull (pd_station_get_sync_engine (pd_window_get_station (window)));
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
}

/* Runs @action on @file as the menu does, and returns the result dialog's heading and body
 * (free both); the dialog is saved as @png, then closed. */
static void
run_action (const char  *action,
            const char  *file,
            const char  *png,
            char       **heading,
            char       **body)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  AdwMessageDialog *dialog;

  g_assert_null (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  pd_outbox_transfer_set_test_file (window, gfile);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  pd_ui_wait_until (dialog_mapped, NULL, "the result of the transfer");
  dialog = ADW_MESSAGE_DIALOG (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  *heading = g_strdup (adw_message_dialog_get_heading (dialog));
  *body = g_strdup (adw_message_dialog_get_body (dialog));
  g_test_message ("%s: %s\n%s", action, *heading, *body);
  pd_ui_wait_for_frames (GTK_WIDGET (dialog));
  pd_ui_save_screenshot (GTK_WIDGET (dialog), png);
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  pd_outbox_transfer_set_test_file (window, NULL);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

/* The main loop runs a while, for what an action would start. */
static void
idle_a_while (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* A role that may not carry applications: the actions do nothing. */
static void
assert_volunteer_refused (const char *action,
                          const char *file)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);

  pd_station_set_role (pd_window_get_station (window), PD_ROLE_VOLUNTEER, "volunteer1");
  pd_outbox_transfer_set_test_file (window, gfile);
  gtk_widget_activate_action (GTK_WIDGET (window), action, NULL);
  idle_a_while ();
  g_assert_false (pd_outbox_transfer_get_busy (window));
  g_assert_null (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  pd_outbox_transfer_set_test_file (window, NULL);
  pd_station_set_role (pd_window_get_station (window), PD_ROLE_OFFICER, "officer1");
}

static GtkWidget *
find_menu_button (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root)) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The labels of @model's items bound to @action, sections included. */
static char *
menu_label_of (GMenuModel *model,
               const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *item_action = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      char *label = NULL;

      if (section != NULL && (label = menu_label_of (section, action)) != NULL)
        return label;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action) &&
          g_strcmp0 (item_action, action) == 0 &&
          g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        return label;
    }
  return NULL;
}

/* Both in the main menu, shown to the officer. */
static void
test_menu (void)
{
  GtkWidget *button = find_menu_button (GTK_WIDGET (window));
  GMenuModel *model;
  g_autofree char *export_label = NULL;
  g_autofree char *import_label = NULL;
  GtkPopover *popover;

  g_assert_nonnull (button);
  model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  export_label = menu_label_of (model, "win.export-outbox");
  import_label = menu_label_of (model, "win.import-outbox");
  g_assert_cmpstr (export_label, ==, "_Export to USB File…");
  g_assert_cmpstr (import_label, ==, "_Import USB File…");
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  pd_ui_wait_until (pd_ui_mapped, popover, "the main menu");
  pd_ui_save_screenshot (GTK_WIDGET (popover), "outbox-transfer-00-menu.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

static void
test_export (void)
{
  PdStore *store;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "-%Y-%m-%d.json");

  open_window (mobile_db);
  store = pd_window_get_store (window);
  test_menu ();

  /* In the field. */
  sync_central_stop (&central);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id_number = g_strdup_printf ("00109500012%u", i);
      g_autoptr(PdDossier) dossier = pd_test_make_dossier (names[i], id_number);

      g_assert_true (pd_store_save (store, dossier, "officer1", &error));
      g_assert_no_error (error);
      g_assert_true (pd_store_accept (store, pd_dossier_get_id (dossier), "officer1", &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 2);

  /* The name the save dialog offers: the station, the day, the CLI's extension. */
  name = pd_outbox_transfer_get_default_name (window);
  g_test_message ("default name: %s", name);
  g_assert_true (g_str_has_prefix (name, "passdesk-outbox-"));
  g_assert_true (g_str_has_suffix (name, date));
  g_assert_null (strchr (name, ' '));
  usb_file = g_build_filename (usb_dir, name, NULL);

  run_action ("win.export-outbox", usb_file, "outbox-transfer-01-exported.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Exported to USB File");
  expected = g_strdup_printf ("2 applications written to “%s”", usb_file);
  assert_contains (body, expected);
  assert_contains (body, "stay in this station’s outbox until the central system confirms them");

  g_assert_true (g_file_get_contents (usb_file, &contents, NULL, NULL));
  assert_contains (contents, "\"format\":\"passdesk-outbox\"");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_null (strstr (contents, names[i]));
  /* What the team carries also stays here until the central system confirms it. */
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 2);
}

/* Without the hook: the save dialog (GTK's own without a portal) offers the default name in the
 * folder of USB drives if there is one; cancelled, nothing happens; accepted, it exports. */
static void
test_export_chooser (void)
{
  g_autofree char *name = pd_outbox_transfer_get_default_name (window);
  g_autofree char *target = g_build_filename (usb_dir, "chosen.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (usb_dir);
  g_autoptr(GError) error = NULL;
  GtkWindow *chooser;
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-outbox", NULL));
  chooser = pd_ui_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, "the save dialog");
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (window));
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==, name);
  pd_ui_save_screenshot (GTK_WIDGET (chooser), "outbox-transfer-01-save-dialog.png");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  idle_a_while ();
  g_assert_false (pd_outbox_transfer_get_busy (window));
  g_assert_null (pd_ui_find_message_dialog (GTK_WINDOW (window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-outbox", NULL));
  chooser = pd_ui_wait_for_toplevel (GTK_TYPE_FILE_CHOOSER, "the save dialog again");
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error));
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "chosen.json");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  pd_ui_wait_until (dialog_mapped, NULL, "the result of the export");
  dialog = ADW_MESSAGE_DIALOG (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Exported to USB File");
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The stick pulled out between the dialog and the export: an error that says what to do,
 * nothing half-written, nothing lost. (The tests run as root, to whom a folder without write
 * permission is no obstacle.) */
static void
test_export_unwritable (void)
{
  g_autofree char *gone = g_build_filename (tmpdir, "gone", NULL);
  g_autofree char *target = g_build_filename (gone, "outbox.json", NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  run_action ("win.export-outbox", target, "outbox-transfer-02-not-exported.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Not Exported");
  assert_contains (body, "Cannot write");
  assert_contains (body, "Check that the USB drive is plugged in");
  assert_contains (body, "stay in this station’s outbox");
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sync_outbox_count (pd_window_get_store (window), PD_OUTBOX_PENDING), ==, 2);
}

static gboolean
run_command (const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int wait_status = -1;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &wait_status, NULL) &&
         g_spawn_check_wait_status (wait_status, NULL);
}

/* A stick that is full, then one that is read-only, as small file systems of their own: each
 * says what to do, and nothing is lost. Needs the right to mount (else skipped). */
static void
test_export_full_read_only (void)
{
  g_autofree char *stick = g_build_filename (tmpdir, "stick", NULL);
  g_autofree char *target = g_build_filename (stick, "outbox.json", NULL);
  g_autofree char *filler = g_build_filename (stick, "filler", NULL);

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  if (!run_command ("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", stick, NULL))
    {
      g_test_skip ("cannot mount a small file system here");
      return;
    }
  /* Filled up to the last byte. */
  {
    FILE *file = fopen (filler, "w");
    char block[1024] = { 0 };

    g_assert_nonnull (file);
    while (fwrite (block, 1, sizeof block, file) == sizeof block && fflush (file) == 0)
      ;
    fclose (file);
  }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;

      if (i == 1)
        g_assert_true (run_command ("mount", "-o", "remount,ro", stick, NULL));
      run_action ("win.export-outbox", target,
                  i == 0 ? "outbox-transfer-02-full.png" : "outbox-transfer-02-read-only.png",
                  &heading, &body);
      g_assert_cmpstr (heading, ==, "Not Exported");
      assert_contains (body, i == 0 ? "is full" : "is read-only");
      assert_contains (body, i == 0 ? "Delete files from it or use another drive" : "Slide its lock switch off");
      assert_contains (body, "stay in this station’s outbox");
      g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
      g_assert_cmpint (sync_outbox_count (pd_window_get_store (window), PD_OUTBOX_PENDING), ==, 2);
    }
  g_assert_true (run_command ("umount", stick, NULL));
}

static void
test_export_volunteer (void)
{
  g_autofree char *target = g_build_filename (usb_dir, "volunteer.json", NULL);

  assert_volunteer_refused ("win.export-outbox", target);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  pd_ui_close_window (&window);
}

/* Back at the office: the second station, connected. */
static void
test_export_nothing (void)
{
  g_autofree char *target = g_build_filename (usb_dir, "office.json", NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_free (sync_central_serve (&central, NULL));
  open_window (office_db);
  run_action ("win.export-outbox", target, "outbox-transfer-03-nothing.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Nothing to Export");
  assert_contains (body, "nothing to carry");
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
test_import (void)
{
  PdStore *store = pd_window_get_store (window);
  PdSyncReport *pulled = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 0);
  /* The office's signed list of stations, which the import checks the packets against. */
  g_clear_pointer (&pulled, pd_sync_report_free);
  pulled = pd_ui_sync_pass (window, PD_SYNC_PULL);
  run_action ("win.import-outbox", usb_file, "outbox-transfer-04-imported.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Imported and Sent");
  assert_contains (body, "2 applications read from");
  assert_contains (body, "New in this station’s outbox: 2. Imported here before, not counted twice: 0.");
  assert_contains (body, "Sent to the central system: 2 received, 0 it already had.");
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 2);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_DONE), ==, 2);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 0);
  pd_sync_report_free (pulled);
}

static void
test_import_again (void)
{
  PdStore *store = pd_window_get_store (window);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  run_action ("win.import-outbox", usb_file, "outbox-transfer-05-again.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Already Imported");
  assert_contains (body, "New in this station’s outbox: 0. Imported here before, not counted twice: 2.");
  assert_contains (body, "Nothing new to send to the central system.");
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, 2);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_DONE), ==, 2);
}

/* A damaged file (cut short on a stick pulled out too early), then a hostile one whose first
 * packet is well-formed and the second not: refused whole, nothing changes. */
static void
test_import_corrupt (void)
{
  PdStore *store = pd_window_get_store (window);
  g_autofree char *contents = NULL;
  g_autofree char *cut = g_build_filename (usb_dir, "cut.json", NULL);
  g_autofree char *hostile = g_build_filename (usb_dir, "hostile.json", NULL);
  g_autofree char *hostile_text = NULL;
  gsize length;
  const char *first_packet, *end;

  g_assert_true (g_file_get_contents (usb_file, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length / 2, NULL));
  first_packet = strstr (contents, "[") + 1;
  end = strstr (first_packet, ",\n");
  g_assert_nonnull (end);
  hostile_text = g_strdup_printf ("{\"format\":\"passdesk-outbox\",\"version\":1,\"packets\":[%.*s,"
                                  "{\"packet_id\":\"x\",\"sealed\":\"AAAA\"}]}",
                                  (int) (end - first_packet), first_packet);
  g_assert_true (g_file_set_contents (hostile, hostile_text, -1, NULL));

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;

      run_action ("win.import-outbox", i == 0 ? cut : hostile,
                  i == 0 ? "outbox-transfer-06-corrupt.png" : "outbox-transfer-07-hostile.png",
                  &heading, &body);
      g_assert_cmpstr (heading, ==, "Not Imported");
      assert_contains (body, "is not a Passdesk outbox file");
      assert_contains (body, "Nothing was added to this station’s outbox");
      g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_DONE), ==, 2);
      g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 0);
      g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_SET_ASIDE), ==, 0);
      g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
    }
}

/* A file with the first packet of the USB file under a new packet id, which its signature does
 * not cover: the central system refuses it. */
static char *
make_tampered_file (const char *name)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (usb_dir, name, NULL);
  g_autofree char *packet = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *replacement = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *text = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("\"packet_id\":\"[^\"]+\"", 0, 0, NULL);
  const char *first_packet, *end;

  g_assert_true (g_file_get_contents (usb_file, &contents, NULL, NULL));
  first_packet = strstr (contents, "[") + 1;
  end = strstr (first_packet, ",\n");
  packet = g_strndup (first_packet, end - first_packet);
  replacement = g_strdup_printf ("\"packet_id\":\"%s\"", uuid);
  tampered = g_regex_replace_literal (regex, packet, -1, 0, replacement, G_REGEX_MATCH_NOTEMPTY, NULL);
  g_assert_cmpstr (tampered, !=, packet);
  text = g_strdup_printf ("{\"format\":\"passdesk-outbox\",\"version\":1,\"packets\":[%s]}", tampered);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

/* Issue 18, 9: a packet whose signature does not cover it is refused by this station, against
 * the office's signed list of stations, before anything is kept or sent; with the central
 * system cut off too. */
static void
test_import_refused_offline (void)
{
  PdStore *store = pd_window_get_store (window);
  g_autofree char *refused = make_tampered_file ("tampered.json");
  g_autofree char *waiting = make_tampered_file ("tampered-offline.json");
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  run_action ("win.import-outbox", refused, "outbox-transfer-08-refused.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Not Imported");
  assert_contains (body, "signature");
  assert_contains (body, "Nothing was added to this station’s outbox");
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_SET_ASIDE), ==, 0);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
  g_clear_pointer (&heading, g_free);
  g_clear_pointer (&body, g_free);

  sync_central_stop (&central);
  run_action ("win.import-outbox", waiting, "outbox-transfer-09-not-sent.png", &heading, &body);
  g_assert_cmpstr (heading, ==, "Not Imported");
  assert_contains (body, "signature");
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_SET_ASIDE), ==, 0);
  g_free (sync_central_serve (&central, NULL));
}

static void
test_import_volunteer (void)
{
  assert_volunteer_refused ("win.import-outbox", usb_file);
  g_assert_cmpint (sync_outbox_count (pd_window_get_store (window), PD_OUTBOX_DONE), ==, 2);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 2);
}

/* A station never enrolled has nothing sealed to carry, and nowhere to send: it says how to
 * enroll. */
static void
test_not_enrolled (void)
{
  g_autofree char *fresh = g_build_filename (tmpdir, "fresh.db", NULL);
  g_autofree char *target = g_build_filename (usb_dir, "fresh.json", NULL);

  pd_ui_close_window (&window);
  window = pd_ui_new_window (fresh, &app);
  pd_ui_present_window (window);
  g_assert_null (pd_station_get_sync_engine (pd_window_get_station (window)));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;

      run_action (i == 0 ? "win.export-outbox" : "win.import-outbox", i == 0 ? target : usb_file,
                  i == 0 ? "outbox-transfer-10-not-enrolled.png" : "outbox-transfer-11-not-enrolled.png",
                  &heading, &body);
      g_assert_cmpstr (heading, ==, i == 0 ? "Not Exported" : "Not Imported");
      assert_contains (body, "Enroll it on the Sending page first");
    }
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = pd_ui_init_with_central (&argc, &argv, &central, 0);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  usb_dir = g_build_filename (tmpdir, "usb", NULL);
  g_assert_cmpint (g_mkdir_with_parents (usb_dir, 0700), ==, 0);
  mobile_db = pd_ui_make_station (&central, tmpdir, "mobile.db", "counter", "officer1", NULL);
  office_db = pd_ui_make_station (&central, tmpdir, "office.db", "counter", "officer1", NULL);

  g_test_add_func ("/outbox-transfer/export", test_export);
  g_test_add_func ("/outbox-transfer/export-chooser", test_export_chooser);
  g_test_add_func ("/outbox-transfer/export-unwritable", test_export_unwritable);
  g_test_add_func ("/outbox-transfer/export-full-read-only", test_export_full_read_only);
  g_test_add_func ("/outbox-transfer/export-volunteer", test_export_volunteer);
  g_test_add_func ("/outbox-transfer/export-nothing", test_export_nothing);
  g_test_add_func ("/outbox-transfer/import", test_import);
  g_test_add_func ("/outbox-transfer/import-again", test_import_again);
  g_test_add_func ("/outbox-transfer/import-corrupt", test_import_corrupt);
  g_test_add_func ("/outbox-transfer/import-volunteer", test_import_volunteer);
  g_test_add_func ("/outbox-transfer/import-refused-offline", test_import_refused_offline);
  g_test_add_func ("/outbox-transfer/not-enrolled", test_not_enrolled);
  status = g_test_run ();

  pd_ui_close_window (&window);
  g_clear_object (&app);
  sync_central_clear (&central);
  g_free (usb_file);
  g_free (usb_dir);
  g_free (mobile_db);
  g_free (office_db);
  g_free (tmpdir);
  return status;
}
