/* test-print-cups.c: the papers of an acceptance printed without a dialog to the printers remembered for them, through a real CUPS. */
#define G_LOG_DOMAIN "test-print-cups"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtkunixprint.h>
#include <string.h>

#include "pd-entrance-page.h"
#include "pd-print-queue.h"
#include "pd-test-support.h"
#include "pd-ui-test-cups.h"
#include "pd-ui-test-pdf.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

#define PRINTER "PassdeskPDF"
#define SIGNER "Trần Quốc Việt"
#define FEE_NAME "Cấp mới hộ chiếu phổ thông"

static PdTestCups *cups;
static char *skip_reason;
static PdWindow *window;
static PdApplication *app;
static PdDossier *accepted;
static char *printers_ini;
static char *dir;

/* Accepted through the intake as at the counter, signed by the officer's full name. */
static PdDossier *
accept_application (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Nguyễn Thị Lan", "001190123460");
  PdDossier *done;

  g_assert_no_error (error);
  g_assert_true (pd_store_set_setting (store, "office-name", "Phòng Quản lý xuất nhập cảnh", &error));
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, "Ấp 1");
  pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, "HN01");
  done = pd_test_accept (store, dossier, SIGNER);
  pd_store_close (store);
  return done;
}

static void
remember (const char *slip_printer,
          const char *receipt_printer)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *config_dir = g_path_get_dirname (printers_ini);
  g_autoptr(GError) error = NULL;

  if (slip_printer != NULL)
    {
      g_key_file_set_string (file, "slip", "printer", slip_printer);
      g_key_file_set_string (file, "slip", "paper", "A5");
    }
  if (receipt_printer != NULL)
    g_key_file_set_string (file, "receipt", "printer", receipt_printer);
  /* The entrance's roll printer, in the same file. */
  g_key_file_set_string (file, "ticket", "printer", PRINTER);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  g_key_file_save_to_file (file, printers_ini, &error);
  g_assert_no_error (error);
}

static GtkWindow *
print_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GType dialog_type = GTK_TYPE_PRINT_UNIX_DIALOG;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      /* Kept alive by GTK while it is a toplevel. */
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, dialog_type) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

typedef struct {
  guint    n;
  gboolean dialog_seen;
} PrintWait;

static gboolean
printed_without_dialog (gpointer data)
{
  PrintWait *wait = data;

  wait->dialog_seen |= print_dialog () != NULL;
  return wait->dialog_seen ||
         pd_print_queue_get_n_printed (pd_window_get_print_queue (window)) >= wait->n;
}

static gboolean
dialog_shown (gpointer data)
{
  return print_dialog () != NULL;
}

static gboolean
not_printed_said (gpointer data)
{
  return pd_ui_message_has (window, "Ctrl+P");
}

static void
print_papers (void)
{
  g_autoptr(GError) error = NULL;

  /* What the window does once the officer accepts (pd-window-round.c). */
  g_assert_true (pd_print_queue_print_papers (pd_window_get_print_queue (window), pd_window_get_store (window),
                                              accepted, FALSE, &error));
  g_assert_no_error (error);
}

/* Closed without printing: nothing printed, and the next test starts clean. */
static void
cancel_dialog (guint n_before)
{
  GtkWindow *dialog = print_dialog ();

  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  pd_ui_wait_until (not_printed_said, NULL, "the papers not printed");
  g_assert_cmpuint (pd_print_queue_get_n_printed (pd_window_get_print_queue (window)), ==, n_before);
}

/* The filters turn the paper into PostScript for cups-pdf, which loses what the letters beyond
 * Latin-1 mean (PDF's ToUnicode): compared on the ASCII letters and digits alone, in order. */
static char *
ascii_only (const char *text)
{
  GString *kept = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '-')
      g_string_append_c (kept, *p);
  return g_string_free (kept, FALSE);
}

static void
assert_printed (const char *text,
                const char *expected)
{
  g_autofree char *flat_text = ascii_only (text);
  g_autofree char *flat_expected = ascii_only (expected);

  if (strstr (flat_text, flat_expected) == NULL)
    g_error ("“%s” is not on the papers printed", expected);
}

static void
test_remembered (void)
{
  PrintWait wait = { pd_print_queue_get_n_printed (pd_window_get_print_queue (window)) + 2, FALSE };
  g_autoptr(GPtrArray) pdfs = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (cups == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  remember (PRINTER, PRINTER);
  print_papers ();
  pd_ui_wait_until (printed_without_dialog, &wait, "the slip and the receipt sent to " PRINTER);
  g_assert_false (wait.dialog_seen);

  pdfs = pd_test_cups_wait_for_pdfs (cups, 2, 60);
  g_assert_cmpuint (pdfs->len, ==, 2);
  for (guint i = 0; i < pdfs->len; i++)
    {
      g_autofree char *page = pd_ui_pdf_text (g_ptr_array_index (pdfs, i));

      g_test_message ("%s:\n%s", (const char *) g_ptr_array_index (pdfs, i), page);
      g_string_append (text, page);
    }
  assert_printed (text->str, SIGNER);
  assert_printed (text->str, pd_dossier_get_application_number (accepted));
  assert_printed (text->str, FEE_NAME);
  g_assert_null (print_dialog ());
}

static gboolean
entrance_printed (gpointer data)
{
  PrintWait *wait = data;
  g_autoptr(GPtrArray) pdfs = pd_test_cups_wait_for_pdfs (cups, wait->n, 0);

  wait->dialog_seen |= print_dialog () != NULL;
  return wait->dialog_seen || pdfs->len >= wait->n;
}

/* The entrance's ticket goes to the roll printer remembered for tickets, without a dialog. */
static void
test_ticket (void)
{
  g_autofree char *db_path = g_build_filename (dir, "entrance.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdQueue) queue = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *page_text = NULL;
  PrintWait wait = { 0, FALSE };
  GtkWidget *entrance_window;
  PdEntrancePage *page;

  if (cups == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  remember (PRINTER, PRINTER);
  before = pd_test_cups_wait_for_pdfs (cups, G_MAXUINT, 0);
  store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  queue = pd_queue_new (store, NULL);
  g_assert_true (pd_queue_set_station (queue, "E", &error));
  g_assert_no_error (error);

  entrance_window = gtk_window_new ();
  page = g_object_new (PD_TYPE_ENTRANCE_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (entrance_window), GTK_WIDGET (page));
  pd_entrance_page_set_queue (page, queue);
  gtk_window_present (GTK_WINDOW (entrance_window));

  g_assert_true (pd_entrance_page_issue (page, "P", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pd_entrance_page_get_last_issued (page), ==, "EP-001");
  wait.n = before->len + 1;
  pd_ui_wait_until (entrance_printed, &wait, "the ticket sent to " PRINTER);
  g_assert_false (wait.dialog_seen);

  after = pd_test_cups_wait_for_pdfs (cups, wait.n, 60);
  for (guint i = 0; i < after->len; i++)
    {
      const char *path = g_ptr_array_index (after, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < before->len; j++)
        seen |= g_str_equal (path, g_ptr_array_index (before, j));
      if (!seen)
        page_text = pd_ui_pdf_text (path);
    }
  g_assert_nonnull (page_text);
  g_test_message ("the ticket:\n%s", page_text);
  assert_printed (page_text, "EP-001");
  gtk_window_destroy (GTK_WINDOW (entrance_window));
}

static gboolean
printer_listed (gpointer data)
{
  GtkWindow *dialog = print_dialog ();
  GtkPrinter *printer = dialog != NULL ? gtk_print_unix_dialog_get_selected_printer (GTK_PRINT_UNIX_DIALOG (dialog)) : NULL;

  return printer != NULL && g_str_equal (gtk_printer_get_name (printer), PRINTER);
}

/* The dialog of a paper, with the test's CUPS printer chosen in it as an officer would. */
static void
choose_printer_in_dialog (void)
{
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  GtkWindow *dialog;

  pd_ui_wait_until (dialog_shown, NULL, "the print dialog");
  dialog = print_dialog ();
  gtk_print_settings_set_printer (settings, PRINTER);
  gtk_print_unix_dialog_set_settings (GTK_PRINT_UNIX_DIALOG (dialog), settings);
  pd_ui_wait_until (printer_listed, NULL, "the CUPS printer " PRINTER " listed and chosen in the dialog");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
}

static gboolean
both_remembered (gpointer data)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *slip = NULL;
  g_autofree char *receipt = NULL;

  if (!g_key_file_load_from_file (file, printers_ini, G_KEY_FILE_NONE, NULL))
    return FALSE;
  slip = g_key_file_get_string (file, "slip", "printer", NULL);
  receipt = g_key_file_get_string (file, "receipt", "printer", NULL);
  return g_strcmp0 (slip, PRINTER) == 0 && g_strcmp0 (receipt, PRINTER) == 0;
}

static gboolean
printed_n (gpointer data)
{
  return pd_print_queue_get_n_printed (pd_window_get_print_queue (window)) >= GPOINTER_TO_UINT (data);
}

/* Nothing remembered: the dialog; the printer chosen there is remembered for each paper, and
 * the next papers go there without it. Then closing the dialog prints nothing. */
static void
test_first_print (void)
{
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  PrintWait wait = { n + 4, FALSE };

  if (cups == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  g_unlink (printers_ini);
  before = pd_test_cups_wait_for_pdfs (cups, G_MAXUINT, 0);
  print_papers ();
  choose_printer_in_dialog ();
  /* The receipt's dialog, unless the slip's choice was remembered first. */
  pd_ui_wait_until (printed_n, GUINT_TO_POINTER (n + 1), "the slip printed from the dialog");
  if (!printed_n (GUINT_TO_POINTER (n + 2)))
    {
      pd_ui_wait_until (dialog_shown, NULL, "the receipt's dialog");
      choose_printer_in_dialog ();
    }
  pd_ui_wait_until (printed_n, GUINT_TO_POINTER (n + 2), "the receipt printed");
  pd_ui_wait_until (both_remembered, NULL, PRINTER " remembered for the slip and the receipt");

  print_papers ();
  pd_ui_wait_until (printed_without_dialog, &wait, "the next papers sent without a dialog");
  g_assert_false (wait.dialog_seen);
  after = pd_test_cups_wait_for_pdfs (cups, before->len + 4, 60);
  g_assert_cmpuint (after->len, ==, before->len + 4);

  g_unlink (printers_ini);
  print_papers ();
  pd_ui_wait_until (dialog_shown, NULL, "the print dialog, nothing remembered");
  cancel_dialog (n + 4);
}

static void
test_gone (void)
{
  guint n = pd_print_queue_get_n_printed (pd_window_get_print_queue (window));

  if (cups == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  remember ("PassdeskGone", PRINTER);
  print_papers ();
  pd_ui_wait_until (dialog_shown, NULL, "the print dialog, the remembered printer gone");
  g_assert_true (pd_ui_message_has (window, "PassdeskGone"));
  cancel_dialog (n);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autofree char *config = NULL;
  int status;

  dir = pd_test_make_tmpdir ();
  /* The printers remembered are the test's own, never the account's. */
  config = g_build_filename (dir, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  printers_ini = g_build_filename (config, "passdesk", "printers.ini", NULL);
  /* The dialog lists the test's CUPS printer (CUPS_SERVER), as it would the office's. */
  g_setenv ("GTK_PRINT_BACKENDS", "file,cups", TRUE);
  pd_test_init (&argc, &argv);
  pd_ui_set_wait_seconds (60);
  textdomain (GETTEXT_PACKAGE);

  cups = pd_test_cups_start (PRINTER, &skip_reason);
  db_path = g_build_filename (dir, "passdesk.db", NULL);
  accepted = accept_application (db_path);
  window = pd_ui_new_window (db_path, &app);
  pd_ui_disable_animations (window);
  pd_ui_present_window (window);

  g_test_add_func ("/print-cups/remembered", test_remembered);
  g_test_add_func ("/print-cups/ticket", test_ticket);
  g_test_add_func ("/print-cups/first-print", test_first_print);
  g_test_add_func ("/print-cups/gone", test_gone);
  status = g_test_run ();

  pd_ui_close_window (&window);
  g_clear_object (&app);
  g_clear_object (&accepted);
  pd_test_cups_stop (cups);
  g_free (printers_ini);
  g_free (skip_reason);
  g_free (dir);
  return status;
}
