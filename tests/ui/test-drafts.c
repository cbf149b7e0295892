/* test-drafts.c: nothing typed is lost without asking: the draft outlives a killed window and a
 * closed one, Clear Form has an Undo, the ready date typed is kept (or refused, saying why).
 *
 * The killed window is a child process, this very program run with --fill: the real window on
 * a real store file under the session's Xvfb and keyring, typed into, then SIGKILLed by the
 * test once the draft is in the file. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-calendar.h"
#include "pd-date.h"
#include "pd-form-draft.h"
#include "pd-station.h"
#include "pd-test-support.h"
#include "pd-toast.h"
#include "pd-ui-test-support.h"

#define NAME    "Nguyễn Văn Bảnnháp"
#define ADDRESS "Số 12 ngõ Nhápnháp"
#define PHONE   "0912345678"

static PdApplication *app;
static char *dir;

static const char *
form_value (PdWindow *window,
            PdField   field)
{
  return pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)), field);
}

typedef struct
{
  PdStore *store;
  char    *name;
} DraftWait;

/* The draft in the store holds @name: the form's autosave has run. */
static gboolean
draft_has_name (gpointer data)
{
  DraftWait *wait = data;
  g_autoptr(GBytes) content = pd_store_load_draft (wait->store, PD_FORM_DRAFT_SLOT, NULL, NULL);
  g_autoptr(PdDossier) dossier = content ? pd_form_draft_decode (content, NULL, NULL) : NULL;

  return dossier != NULL && g_strcmp0 (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), wait->name) == 0;
}

static gboolean
no_draft (gpointer data)
{
  g_autoptr(GBytes) content = pd_store_load_draft (data, PD_FORM_DRAFT_SLOT, NULL, NULL);

  return content == NULL;
}

/* The draft holds a phone number and no name. */
static gboolean
draft_is_typed_phone (gpointer store)
{
  g_autoptr(GBytes) content = pd_store_load_draft (store, PD_FORM_DRAFT_SLOT, NULL, NULL);
  g_autoptr(PdDossier) dossier = content ? pd_form_draft_decode (content, NULL, NULL) : NULL;

  return dossier != NULL && pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME) == NULL &&
         g_strcmp0 (pd_dossier_get_field (dossier, PD_FIELD_PHONE), PHONE) == 0;
}

static gboolean
draft_offered (gpointer window)
{
  return pd_dossier_form_get_draft_offered (pd_ui_form (window));
}

static PdStore *
window_store (PdWindow *window)
{
  return pd_station_get_store (pd_window_get_station (window));
}

/* The child: types an application, waits for its draft, says so, and waits to be killed. */
static int
fill_and_wait (const char *db_path,
               const char *ready_path)
{
  PdWindow *window;
  DraftWait wait = { NULL, (char *) NAME };

  window = pd_ui_open_window (db_path, &app, dir);
  pd_ui_type_into (window, PD_FIELD_FULL_NAME, NAME);
  pd_ui_type_into (window, PD_FIELD_PERMANENT_ADDRESS, ADDRESS);
  pd_ui_type_into (window, PD_FIELD_PHONE, PHONE);
  pd_dossier_form_set_photo (pd_ui_form (window), pd_ui_make_photo_jpeg (), NULL);
  wait.store = window_store (window);
  /* No close, no flush: only the autosave a second after the last key has run. */
  pd_ui_wait_until (draft_has_name, &wait, "the draft to be saved");
  g_assert_true (g_file_set_contents (ready_path, "ready", -1, NULL));
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_survives_kill (void)
{
  g_autofree char *db_path = g_build_filename (dir, "killed.db", NULL);
  g_autofree char *ready_path = g_build_filename (dir, "child-ready", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_path, "--fill", db_path, ready_path, dir, NULL };
  g_autoptr(GError) error = NULL;
  PdWindow *window = NULL;
  GPid pid;
  int status = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  pd_ui_wait_until_within (120, file_exists, ready_path, "the child to type and save its draft");
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (pid);

  window = pd_ui_open_window (db_path, &app, dir);
  pd_ui_wait_until (draft_offered, window, "the draft to be offered");
  /* Offered, not imposed: the form stays empty until the officer says. */
  g_assert_null (form_value (window, PD_FIELD_FULL_NAME));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_save_screenshot (GTK_WIDGET (window), "draft-offered.png");
  g_test_message ("page %s", pd_ui_visible_page (window));
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (window), NAME));

  g_signal_emit_by_name (pd_ui_find_button (GTK_WIDGET (window), _("_Restore")), "clicked");
  g_assert_false (pd_dossier_form_get_draft_offered (pd_ui_form (window)));
  g_assert_cmpstr (form_value (window, PD_FIELD_FULL_NAME), ==, NAME);
  g_assert_cmpstr (form_value (window, PD_FIELD_PERMANENT_ADDRESS), ==, ADDRESS);
  g_assert_cmpstr (form_value (window, PD_FIELD_PHONE), ==, PHONE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pd_dossier_form_get_row (pd_ui_form (window), PD_FIELD_FULL_NAME))),
                   ==, NAME);
  g_assert_nonnull (pd_dossier_get_photo (pd_dossier_form_get_dossier (pd_ui_form (window))));

  /* Set aside on purpose: gone from the store, not offered again. */
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  g_assert_null (form_value (window, PD_FIELD_FULL_NAME));
  pd_ui_wait_until (no_draft, window_store (window), "the cleared form's draft to go");
  pd_ui_close_window (&window);
}

/* A normal close writes the draft at once, without waiting for the autosave; Discard deletes it. */
static void
test_close_and_discard (void)
{
  g_autofree char *db_path = g_build_filename (dir, "closed.db", NULL);
  PdWindow *window = pd_ui_open_window (db_path, &app, dir);

  pd_ui_type_into (window, PD_FIELD_FULL_NAME, "Lê Thị Đóngcửa");
  gtk_window_close (GTK_WINDOW (window));
  window = pd_ui_open_window (db_path, &app, dir);
  pd_ui_wait_until (draft_offered, window, "the draft to be offered");
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (window), "Lê Thị Đóngcửa"));

  /* Typing while it is offered writes nothing over it. */
  pd_ui_type_into (window, PD_FIELD_PHONE, PHONE);
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  g_usleep (1500 * G_TIME_SPAN_MILLISECOND);
  {
    DraftWait wait = { window_store (window), (char *) "Lê Thị Đóngcửa" };

    g_assert_true (draft_has_name (&wait));
  }
  g_signal_emit_by_name (pd_ui_find_button (GTK_WIDGET (window), _("_Discard")), "clicked");
  g_assert_false (pd_dossier_form_get_draft_offered (pd_ui_form (window)));
  g_assert_null (form_value (window, PD_FIELD_FULL_NAME));
  /* What was typed meanwhile is the draft now. */
  pd_ui_wait_until (draft_is_typed_phone, window_store (window), "the typed phone to be the draft");
  pd_ui_close_window (&window);
}

static void
test_clear_undo (void)
{
  g_autofree char *db_path = g_build_filename (dir, "undo.db", NULL);
  PdWindow *window = pd_ui_open_window (db_path, &app, dir);
  GtkWidget *clear;

  pd_ui_type_into (window, PD_FIELD_FULL_NAME, NAME);
  pd_ui_type_into (window, PD_FIELD_PHONE, PHONE);
  clear = pd_ui_find_button (GTK_WIDGET (window), _("_Clear Form"));
  g_assert_nonnull (clear);
  g_signal_emit_by_name (clear, "clicked");
  g_assert_null (form_value (window, PD_FIELD_FULL_NAME));
  pd_ui_wait_until (pd_ui_mapped, pd_ui_find_button (GTK_WIDGET (window), _("_Undo")), "the Undo button");
  g_assert_true (pd_ui_shows_text (GTK_WIDGET (window), _("Form cleared")));

  /* Something typed after clearing is put aside, not lost, by the Undo. */
  pd_ui_type_into (window, PD_FIELD_FULL_NAME, "Trần Văn Mới");
  g_signal_emit_by_name (pd_ui_find_button (GTK_WIDGET (window), _("_Undo")), "clicked");
  g_assert_cmpstr (form_value (window, PD_FIELD_FULL_NAME), ==, NAME);
  g_assert_cmpstr (form_value (window, PD_FIELD_PHONE), ==, PHONE);
  g_assert_true (pd_dossier_form_undo_clear (pd_ui_form (window)));
  g_assert_cmpstr (form_value (window, PD_FIELD_FULL_NAME), ==, "Trần Văn Mới");
  g_assert_null (form_value (window, PD_FIELD_PHONE));

  /* Ctrl+N clears too, with the same Undo. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  g_assert_null (form_value (window, PD_FIELD_FULL_NAME));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-clear", NULL);
  g_assert_cmpstr (form_value (window, PD_FIELD_FULL_NAME), ==, "Trần Văn Mới");
  pd_ui_close_window (&window);
}

static void
type_ready_date (PdWindow    *window,
                 const GDate *date)
{
  char text[16];
  GtkWidget *row = pd_dossier_form_get_row (pd_ui_form (window), PD_FIELD_APPOINTMENT_DATE);

  g_date_strftime (text, sizeof text, "%d/%m/%Y", date);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  pd_ui_type_into (window, PD_FIELD_APPOINTMENT_DATE, text);
  /* Leaving the row checks it. */
  gtk_widget_grab_focus (pd_dossier_form_get_row (pd_ui_form (window), PD_FIELD_PHONE));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
}

/* The ready date the officer types is kept when it is a working day no earlier than the law's
 * minimum; a weekend or an earlier day is a field error that names the day to choose. */
static void
test_ready_date (void)
{
  g_autofree char *db_path = g_build_filename (dir, "ready.db", NULL);
  g_autoptr(PdCalendar) calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), NULL);
  g_autoptr(PdDossier) applicant = pd_test_make_dossier ("Đỗ Văn Hẹnmuộn", "001090000201");
  g_autoptr(PdDossier) saved = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  PdUiSaveWatch watch = { NULL, };
  PdWindow *window = pd_ui_open_window (db_path, &app, dir);
  GtkLabel *error_label = pd_dossier_form_get_error_label (pd_ui_form (window), PD_FIELD_APPOINTMENT_DATE);
  GDate today, earliest, early, closed, later;
  char earliest_text[16], later_iso[16];

  g_assert_nonnull (calendar);
  pd_date_set_today (&today);
  earliest = pd_calendar_get_ready_date (calendar, &today, PD_PROCESSING_PROVINCIAL);
  g_date_strftime (earliest_text, sizeof earliest_text, "%d/%m/%Y", &earliest);
  early = earliest;
  g_date_subtract_days (&early, 1);
  closed = earliest;
  while (pd_calendar_is_working_day (calendar, &closed))
    g_date_add_days (&closed, 1);
  later = pd_calendar_add_working_days (calendar, &earliest, 5);
  g_date_strftime (later_iso, sizeof later_iso, "%Y-%m-%d", &later);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
  pd_test_agree_with_id (applicant);
  pd_dossier_form_load (pd_ui_form (window), applicant);

  type_ready_date (window, &closed);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), earliest_text));
  type_ready_date (window, &early);
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), earliest_text));
  g_test_message ("too early: %s", gtk_label_get_label (error_label));

  /* Accepting with it is refused on the row too. */
  pd_dossier_form_set_photo (pd_ui_form (window), pd_ui_make_photo_jpeg (), NULL);
  checks = pd_dossier_form_get_required_checks (pd_ui_form (window));
  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (checks, i), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL);
  pd_ui_wait_until (pd_ui_form_idle, window, "the form");
  g_assert_false (pd_dossier_form_is_blank (pd_ui_form (window)));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), earliest_text));

  /* A later working day, as the citizen asks: kept and stored with the acceptance. */
  type_ready_date (window, &later);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (error_label)));
  pd_ui_watch_saves (&watch, window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.accept", NULL);
  saved = pd_ui_wait_for_save (&watch, "the application to be accepted");
  g_assert_cmpint (pd_dossier_get_status (saved), ==, PD_STATUS_ACCEPTED);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PdDossier) stored = pd_store_get (window_store (window), pd_dossier_get_id (saved), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_APPOINTMENT_DATE), ==, later_iso);
  }
  pd_ui_close_window (&window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (argc == 5 && g_str_equal (argv[1], "--fill"))
    {
      pd_test_init (&argc, &argv);
      pd_ui_set_wait_seconds (90);
      dir = g_strdup (argv[4]);
      return fill_and_wait (argv[2], argv[3]);
    }

  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (60);
  textdomain (GETTEXT_PACKAGE);
  dir = pd_test_make_tmpdir ();

  g_test_add_func ("/ui/draft/survives-kill", test_survives_kill);
  g_test_add_func ("/ui/draft/close-and-discard", test_close_and_discard);
  g_test_add_func ("/ui/draft/clear-undo", test_clear_undo);
  g_test_add_func ("/ui/ready-date", test_ready_date);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
