/* test-workflow-volunteer.c: an assisted-entry station and the counter that takes its slip,
 * with the real passdesk-central on loopback (its path is the argument). In Vietnamese.
 *
 * The volunteer station is enrolled and volunteer1 signs in: the form is in its simplified
 * mode. A citizen types the declaration key by key (the ID number shows its error while it is
 * short, and clears once complete), the photo is taken from a file camera, the declaration slip
 * is printed (exported to PDF; its page is rendered to a PNG). The volunteer cannot accept, put
 * aside, call tickets, search or see the list of applications, and sends nothing. Then a
 * counter station (a second window of this process and application, on a store enrolled for
 * officer1) refuses the slip while it does not know the volunteer station, learns its key from
 * the central system's signed list of the office's stations in a sync pass, the central system
 * is stopped, and the counter's camera reads the QR code off the rendered slip: every field the
 * citizen typed is on the counter's form.
 * Screenshots (volunteer-NN-*.png) go to <build>/tests/ui/screenshots/. */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-form-draft.h"
#include "sync/pd-declaration-keys.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"
#include "pd-ui-test-pdf.h"

#define WAIT_SECONDS 60

static SyncCentral central;
static char *tmpdir;
static char *print_dir;
static char *volunteer_db;
static char *counter_db;

/* The window being driven: the volunteer's, then the counter's. */
static PdApplication *app;
static PdWindow *window;

/* What the citizen declared, as the volunteer's form held it when the slip was printed. */
static PdDossier *declared;
static char *slip_png;
static char *slip_qr;
static char *station_key_text;

static const char *citizen_name = "Trịnh Thị Thanh Hương";
static const char *citizen_id = "001192000777";

static PdDossierForm *
form (void)
{
  return pd_ui_form (window);
}

static void
save_screenshot (const char *name)
{
  pd_ui_save_screenshot (GTK_WIDGET (window), name);
}

static gboolean
form_has_id (gpointer data)
{
  return g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), data) == 0;
}

/* Whether @field shows its error under its row. */
static gboolean
error_shown (PdField field)
{
  return gtk_widget_is_visible (GTK_WIDGET (pd_dossier_form_get_error_label (form (), field)));
}

static gboolean
button_shown (GtkWidget  *widget,
              const char *action)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_visible (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (button_shown (child, action))
      return TRUE;
  return FALSE;
}

static gboolean
label_shown (gpointer data)
{
  return pd_ui_shows_label (GTK_WIDGET (window), data);
}

/* A toast saying @data is on the window, and the one before it gone: toasts wait their turn. */
static gboolean
toast_alone (gpointer data)
{
  return pd_ui_shows_label (GTK_WIDGET (window), data) &&
         !pd_ui_shows_label (GTK_WIDGET (window), pd_window_get_scan_message (window));
}

static guint
n_stored (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pd_store_list (pd_window_get_store (window), PD_STATUS_INVALID, 0, 0, &error);

  g_assert_no_error (error);
  return all->len;
}

/* The station is enrolled and volunteer1 is signed in: the simplified form. */
static void
test_simplified_mode (void)
{
  GtkWidget *name_row;

  window = pd_ui_open_window (volunteer_db, &app, print_dir);
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_VOLUNTEER);
  g_assert_nonnull (pd_station_get_sync_engine (pd_window_get_station (window)));
  g_assert_cmpstr (pd_ui_visible_page (window), ==, "form");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (form ()), "pd-assisted"));
  name_row = pd_dossier_form_get_row (form (), PD_FIELD_FULL_NAME);
  /* Nothing a volunteer cannot use: no Call Next, no tickets, no fee, appointment or checklist. */
  {
    AdwViewStack *stack = pd_ui_view_stack (window);

    g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack,
                                                                              adw_view_stack_get_child_by_name (stack, "entrance"))));
  }
  g_assert_false (button_shown (GTK_WIDGET (window), "win.call-next"));
  g_assert_false (gtk_widget_is_visible (pd_dossier_form_get_row (form (), PD_FIELD_FEE_AMOUNT)));
  g_assert_false (gtk_widget_is_visible (pd_dossier_form_get_row (form (), PD_FIELD_APPOINTMENT_DATE)));
  {
    g_autoptr(GPtrArray) checks = pd_dossier_form_get_required_checks (form ());

    g_assert_cmpuint (checks->len, >, 0);
    for (guint i = 0; i < checks->len; i++)
      g_assert_false (gtk_widget_is_visible (g_ptr_array_index (checks, i)));
  }
  save_screenshot ("volunteer-01-form-empty.png");
  /* Large fields for a citizen who reads along. */
  g_assert_cmpint (gtk_widget_get_height (name_row), >=, 60);
}

/* The citizen types the declaration; the ID number tells while it is short. */
static void
test_citizen_types (void)
{
  g_autofree char *short_id = g_strndup (citizen_id, 11);

  pd_ui_type_into (window, PD_FIELD_FULL_NAME, citizen_name);
  pd_ui_choose (window, PD_FIELD_SEX, "F");
  pd_ui_type_into (window, PD_FIELD_BIRTH_DATE, "15/03/1992");
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_BIRTH_DATE), ==, "1992-03-15");
  pd_ui_choose (window, PD_FIELD_BIRTH_PROVINCE, "01");
  pd_ui_choose (window, PD_FIELD_ETHNIC_GROUP, "01");

  /* Eleven digits: the error shows while typing, without leaving the field. */
  pd_ui_type_into (window, PD_FIELD_ID_NUMBER, short_id);
  g_assert_true (error_shown (PD_FIELD_ID_NUMBER));
  g_assert_nonnull (strstr (gtk_label_get_label (pd_dossier_form_get_error_label (form (), PD_FIELD_ID_NUMBER)), "12"));
  save_screenshot ("volunteer-02-id-error.png");
  /* The twelfth clears it at once. */
  pd_ui_type_into (window, PD_FIELD_ID_NUMBER, citizen_id + 11);
  g_assert_false (error_shown (PD_FIELD_ID_NUMBER));
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_ID_NUMBER), ==, citizen_id);

  pd_ui_type_into (window, PD_FIELD_PHONE, "0987654321");
  pd_ui_type_into (window, PD_FIELD_PERMANENT_ADDRESS, "Số 8 Ngõ Huế");
  pd_ui_choose (window, PD_FIELD_PERMANENT_PROVINCE, "01");
  pd_ui_choose (window, PD_FIELD_PERMANENT_COMMUNE, "00070");
  pd_ui_type_into (window, PD_FIELD_CURRENT_ADDRESS, "Số 8 Ngõ Huế");
  pd_ui_choose (window, PD_FIELD_CURRENT_PROVINCE, "01");
  pd_ui_choose (window, PD_FIELD_CURRENT_COMMUNE, "00070");
  pd_ui_type_into (window, PD_FIELD_FATHER_NAME, "Trịnh Văn Quang");
  pd_ui_type_into (window, PD_FIELD_MOTHER_NAME, "Ngô Thị Lụa");
  pd_ui_choose (window, PD_FIELD_REQUEST_TYPE, "first_issue");
  pd_ui_choose (window, PD_FIELD_CHIP, "chip");
  pd_ui_choose (window, PD_FIELD_DELIVERY, "in_person");

  for (PdField f = 0; f < PD_N_FIELDS; f++)
    if (error_shown (f))
      g_error ("%s still shows an error: %s", pd_field_get_key (f),
               gtk_label_get_label (pd_dossier_form_get_error_label (form (), f)));
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FULL_NAME), ==, citizen_name);
  save_screenshot ("volunteer-03-form-filled-end.png");
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (pd_dossier_form_get_row (form (), PD_FIELD_FULL_NAME),
                                                   GTK_TYPE_SCROLLED_WINDOW);

    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
  }
  save_screenshot ("volunteer-03-form-filled-top.png");
}

/* The standard photo, from a file camera. */
static void
test_photo (void)
{
  pd_ui_show_camera_file (window, "base.png");
  pd_ui_show_photo_page (window);
  save_screenshot ("volunteer-04-photo-checks.png");
  pd_ui_use_photo (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form ()))));
  /* The next step a volunteer can take: the slip, not saving. */
  g_assert_true (pd_ui_message_has (window, "Ctrl+Shift+P"));
  g_assert_null (strstr (pd_window_get_scan_message (window), _("Save the application")));
  save_screenshot ("volunteer-05-photo-added.png");
}

/* No acceptance, no setting aside, no tickets, no search, no list of the others, and none of
 * their data: the central system keeps the office's online declarations from an assisted-entry
 * station, so its sync pulled none. */
static void
test_volunteer_limits (void)
{
  AdwViewStackPage *queue = adw_view_stack_get_page (pd_ui_view_stack (window),
                                                     GTK_WIDGET (pd_ui_queue_page (window)));
  guint n_before = n_stored ();
  guint printed = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));

  g_assert_cmpuint (n_before, ==, 0);
  g_assert_false (adw_view_stack_page_get_visible (queue));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_cmpstr (pd_ui_visible_page (window), ==, "form");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.call-next", NULL);
  g_assert_false (pd_window_get_in_round (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL);
  pd_ui_wait_until (pd_ui_form_idle, window, "the form");
  pd_ui_wait_until (toast_alone, (gpointer) _("Not accepted: a volunteer prepares the declaration and photo; an "
                                              "officer at the counter accepts it. Print the declaration slip "
                                              "for the applicant."), "the volunteer to be told why");
  g_assert_false (pd_dossier_form_set_aside (form (), PD_STATUS_ON_HOLD, "sau"));
  g_assert_false (pd_dossier_form_is_blank (form ()));
  g_assert_cmpuint (n_stored (), ==, n_before);
  g_assert_cmpuint (pd_print_queue_get_n_printed (pd_window_get_print_queue (window)), ==, printed);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 0);
  save_screenshot ("volunteer-06-cannot-accept.png");
}

/* The declaration slip with the signed QR code, and the station's key. */
static gboolean
draft_saved (gpointer data)
{
  g_autoptr(GBytes) draft = pd_store_load_draft (pd_window_get_store (window), PD_FORM_DRAFT_SLOT, NULL, NULL);

  return draft != NULL;
}

static void
test_print_slip (void)
{
  g_autofree char *slip_path = g_build_filename (print_dir, "declaration-slip.pdf", NULL);
  g_autofree char *key_path = g_build_filename (print_dir, "station-key.pdf", NULL);
  g_autofree char *slip = NULL;
  g_autofree char *key_png = NULL;
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));

  declared = pd_dossier_copy (pd_dossier_form_get_dossier (form ()));
  /* A scanned paper of this citizen, that must not stay for the next one either. */
  {
    g_autoptr(GBytes) scan = g_bytes_new_static ("%PDF-1.4\n", 9);

    pd_dossier_form_add_attachment (form (), "document", "application/pdf", scan);
    g_assert_cmpuint (pd_dossier_form_get_n_documents (form ()), ==, 1);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.print-declaration", NULL));
  pd_ui_wait_for_printed (window, n + 1, "the declaration slip");
  slip_qr = g_strdup (pd_declaration_printer_get_last_qr (pd_window_get_declaration_printer (window)));
  g_assert_true (g_str_has_prefix (slip_qr, "PDQ1:"));
  pd_ui_wait_until (label_shown, (gpointer) _("Slip sent to the printer."), "the volunteer to be told");
  /* Handed to the printer is not on paper: a jam must not mean typing it all again. The form
   * stays, with its draft, and asks. */
  g_assert_true (pd_dossier_form_get_asking_slip_printed (form ()));
  g_assert_cmpstr (pd_dossier_get_field (pd_dossier_form_get_dossier (form ()), PD_FIELD_FULL_NAME), ==, citizen_name);
  g_assert_cmpuint (pd_dossier_form_get_n_documents (form ()), ==, 1);
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (window), _("Did the slip come out of the printer? The form is kept until it has: after a "
                                                        "jam or an empty tray, print it again.")));
  save_screenshot ("volunteer-07-slip-came-out.png");
  /* The draft is written a second after the last change, in the background. */
  pd_ui_wait_until (draft_saved, NULL, "the form's draft");
  /* It jammed: printed again from the same form. */
  g_signal_emit_by_name (pd_ui_find_button (GTK_WIDGET (window), _("_Print Again")), "clicked");
  pd_ui_wait_for_printed (window, n + 2, "the declaration slip printed again");
  /* Signed again as it is printed again: the counter scans the slip that came out. */
  g_free (slip_qr);
  slip_qr = g_strdup (pd_declaration_printer_get_last_qr (pd_window_get_declaration_printer (window)));
  g_assert_true (g_str_has_prefix (slip_qr, "PDQ1:"));
  g_assert_true (pd_dossier_form_get_asking_slip_printed (form ()));
  g_assert_false (pd_dossier_form_is_blank (form ()));
  n++;
  /* It came out: the next citizen. */
  g_signal_emit_by_name (pd_ui_find_button (GTK_WIDGET (window), _("_Done, Next Citizen")), "clicked");
  g_assert_false (pd_dossier_form_get_asking_slip_printed (form ()));
  /* A public screen: nothing of this citizen is left for the next one to see. */
  g_assert_true (pd_dossier_form_is_blank (form ()));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pd_dossier_form_get_row (form (), PD_FIELD_FULL_NAME))), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form ()))));
  g_assert_cmpuint (pd_dossier_form_get_n_documents (form ()), ==, 0);
  g_assert_cmpuint (pd_mismatch_panel_get_n_unresolved (pd_dossier_form_get_mismatch_panel (form ())), ==, 0);
  g_assert_false (pd_ui_shows_label (GTK_WIDGET (window), citizen_name));
  save_screenshot ("volunteer-07-slip-printed.png");

  slip = pd_ui_pdf_text (slip_path);
  g_test_message ("slip:\n%s", slip);
  pd_ui_keep_pdf (slip_path, "volunteer-declaration-slip.pdf");
  g_assert_nonnull (strstr (slip, citizen_name));
  g_assert_nonnull (strstr (slip, "15/03/1992"));
  /* The ID number is printed masked. */
  g_assert_null (strstr (slip, citizen_id));
  slip_png = pd_ui_render_pdf (slip_path, 300, "volunteer-08-slip-page1.png");

  /* An enrolled station signs with its device key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.station-key", NULL));
  pd_ui_wait_for_printed (window, n + 2, "the station key");
  station_key_text =
    g_strdup (pd_declaration_printer_get_station_key_text (pd_window_get_declaration_printer (window)));
  g_assert_true (g_str_has_prefix (station_key_text, "PDK1:DEV-"));
  /* A volunteer cannot make anyone trust it. */
  g_assert_false (pd_ui_trust_station_key (window, station_key_text));
  key_png = pd_ui_render_pdf (key_path, 150, "volunteer-09-station-key-page1.png");

  /* Printing the slip kept nothing of the citizen on this public station. */
  g_assert_cmpuint (n_stored (), ==, 0);
  pd_ui_close_window (&window);
}

/* The counter comes to trust the volunteer station's declarations: its pass pulls the
 * office's list of enrolled stations, signed by the central system, the volunteer's among
 * them. (Without the central system, a supervisor scans the key QR code printed at the
 * station: see test-workflow.) */
static void
trust_volunteer_station (const char *key_id)
{
  PdStore *counter = pd_window_get_store (window);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GPtrArray) stations = NULL;
  g_autoptr(GError) error = NULL;
  gboolean listed = FALSE;

  g_assert_cmpint (pd_declaration_keys_get_source (counter, key_id, &error), ==, PD_DECLARATION_KEY_SOURCE_NONE);
  g_assert_no_error (error);
  report = pd_ui_sync_pass (window, PD_SYNC_PULL);
  g_assert_cmpuint (report->station_keys_changed, ==, 1);
  g_assert_cmpint (pd_declaration_keys_get_source (counter, key_id, &error), ==, PD_DECLARATION_KEY_SOURCE_CENTRAL);
  g_assert_no_error (error);
  stations = pd_declaration_keys_list_central (counter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stations->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (stations, i);

      if (g_strcmp0 (entry->key_id, key_id) == 0)
        {
          g_assert_cmpstr (entry->role, ==, "volunteer");
          g_assert_cmpint (entry->revoked_at, ==, 0);
          listed = TRUE;
        }
    }
  g_assert_true (listed);
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "sync");
  save_screenshot ("volunteer-11-counter-synced.png");
  adw_view_stack_set_visible_child_name (pd_ui_view_stack (window), "form");
}

static gboolean
camera_dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
code_read_cb (PdCamera   *camera,
              const char *text,
              guint       format,
              char      **read)
{
  g_free (*read);
  *read = g_strdup (text);
}

/* A counter station, with the central system stopped, takes the slip. */
static void
test_counter_takes_slip (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (slip_png);
  g_autoptr(PdCamera) camera = pd_camera_new_for_file (file);
  g_autofree char *read = NULL;
  /* "PDK1:KEY-ID:PUBLIC-KEY" */
  g_auto(GStrv) key_parts = g_strsplit (station_key_text, ":", -1);
  const char *key_id = key_parts[1];
  PdDossier *taken;
  GtkWindow *dialog;
  guint n_compared = 0;

  window = pd_ui_open_window (counter_db, &app, print_dir);
  g_assert_cmpint (pd_station_get_role (pd_window_get_station (window)), ==, PD_ROLE_OFFICER);
  g_assert_true (pd_dossier_form_is_blank (form ()));
  save_screenshot ("volunteer-10-counter-open.png");

  /* Not trusted yet: the form stays empty and says whose key is missing. */
  pd_window_handle_scan (window, slip_qr);
  pd_ui_wait_for_message (window, "DEV-", "the untrusted key to be named");
  g_assert_true (pd_dossier_form_is_blank (form ()));

  trust_volunteer_station (key_id);

  sync_central_stop (&central);
  /* The slip, held in front of the counter's camera. */
  g_signal_connect (camera, "code-detected", G_CALLBACK (code_read_cb), &read);
  dialog = pd_ui_read_code_with_camera (window, camera);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  pd_ui_wait_until (form_has_id, (gpointer) citizen_id, "the slip read by the counter's camera");
  pd_ui_wait_until (camera_dialog_gone, &dialog, "the camera dialog to close");
  /* Off the paper, the very text that was signed. */
  g_assert_cmpstr (read, ==, slip_qr);

  taken = pd_dossier_form_get_dossier (form ());
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      if (pd_field_get_info (f)->group == PD_FIELD_GROUP_INTAKE || pd_dossier_get_field (declared, f) == NULL)
        continue;
      if (g_strcmp0 (pd_dossier_get_field (declared, f), pd_dossier_get_field (taken, f)) != 0)
        g_error ("%s: typed “%s”, the counter got “%s”", pd_field_get_key (f),
                 pd_dossier_get_field (declared, f), pd_dossier_get_field (taken, f));
      n_compared++;
    }
  g_print ("counter: %u fields from the slip, all as typed at the volunteer station\n", n_compared);
  g_assert_cmpuint (n_compared, >=, 17);
  /* The signed slip is the declaration paper, as an online declaration would be. */
  {
    g_autoptr(GPtrArray) missing = pd_dossier_form_get_missing_documents (form ());

    for (guint i = 0; i < missing->len; i++)
      g_assert_null (strstr (g_ptr_array_index (missing, i), "TK01"));
  }
  save_screenshot ("volunteer-12-counter-filled.png");
  pd_ui_close_window (&window);
}

/* The office's online declarations on the volunteer station, as a pass brings them. */
static void
pull (PdStore   *store,
      PdDevice  *device,
      PdOfficer *officer)
{
  g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (store, device, NULL, NULL);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (engine);
  pd_sync_engine_set_token (engine, pd_officer_get_token (officer));
  report = sync_pass (engine, PD_SYNC_PULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The citizen reads Vietnamese. */
  g_setenv ("LANGUAGE", "vi", TRUE);
  tmpdir = pd_ui_init_with_central (&argc, &argv, &central, 1);
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));
  /* The build's translations are there. */
  g_assert_cmpstr (_("Declaration slip"), !=, "Declaration slip");
  print_dir = g_build_filename (tmpdir, "printed", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);
  {
    g_autoptr(PdDevice) device = NULL;
    g_autoptr(PdStore) store = pd_ui_enroll_station (&central, tmpdir, "volunteer.db", "volunteer", &device);
    g_autoptr(PdOfficer) officer = pd_ui_sign_in (store, device, "volunteer1");

    pull (store, device, officer);
    volunteer_db = g_strdup (pd_store_get_path (store));
    pd_store_close (store);
  }
  counter_db = pd_ui_make_station (&central, tmpdir, "counter.db", "counter", "officer1", NULL);

  g_test_add_func ("/workflow-volunteer/simplified-mode", test_simplified_mode);
  g_test_add_func ("/workflow-volunteer/citizen-types", test_citizen_types);
  g_test_add_func ("/workflow-volunteer/photo", test_photo);
  g_test_add_func ("/workflow-volunteer/limits", test_volunteer_limits);
  g_test_add_func ("/workflow-volunteer/print-slip", test_print_slip);
  g_test_add_func ("/workflow-volunteer/counter-takes-slip", test_counter_takes_slip);
  status = g_test_run ();

  pd_ui_close_window (&window);
  g_clear_object (&app);
  g_clear_object (&declared);
  g_free (slip_qr);
  g_free (slip_png);
  g_free (station_key_text);
  g_free (volunteer_db);
  g_free (counter_db);
  g_free (print_dir);
  g_free (tmpdir);
  sync_central_clear (&central);
  return status;
}
