/* test-print-gtk.c: the GtkPrintOperation glue (src/app/pd-print.c), exporting to PDF. */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "pd-print-day-report.h"
#include "pd-print.h"
#include "pd-print-papers.h"
#include "pd-test-support.h"

typedef struct {
  GMainLoop *loop;
  gboolean   done;
  GError    *error;
} Wait;

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  pd_print_document_finish (result, &wait->error);
  wait->done = TRUE;
  g_main_loop_quit (wait->loop);
}

static void
export (PdPrintDocument  *document,
        const char       *path,
        GError          **error)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), FALSE, NULL };

  pd_print_document_async (NULL, document, PD_PRINT_ACTION_EXPORT, path, NULL, on_printed, &wait);
  if (!wait.done)
    g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
}

static char *
output_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "output", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, name, NULL);
}

static void
test_export_ticket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) issued = g_date_time_new_now_local ();
  g_autoptr(PdPrintDocument) document = NULL;
  PopplerDocument *pdf;
  PopplerPage *page;
  g_autofree char *path = output_path ("gtk-queue-ticket.pdf");
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  double width, height, expected_height;
  PdQueueTicket ticket = {
    .office = { "Phòng Quản lý xuất nhập cảnh Công an tỉnh Quảng Ninh", NULL, NULL },
    .office_code = "PA08-22",
    .service = "Cấp hộ chiếu phổ thông",
    .number = "B-204",
    .issued = issued,
    .waiting_ahead = 1,
  };

  g_unlink (path);
  document = pd_print_queue_ticket_new (&ticket, &error);
  g_assert_no_error (error);
  export (document, path, &error);
  g_assert_no_error (error);

  uri = g_filename_to_uri (path, NULL, NULL);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 1);
  page = poppler_document_get_page (pdf, 0);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "B-204"));
  g_assert_nonnull (strstr (text, "Quảng Ninh"));
  g_assert_nonnull (strstr (text, "1 person is waiting"));

  /* The page setup is the roll, cut to the content. */
  poppler_page_get_size (page, &width, &height);
  pd_print_document_get_page_size (document, NULL, &expected_height);
  g_assert_cmpfloat_with_epsilon (width * 25.4 / 72, 80, 0.5);
  g_assert_cmpfloat_with_epsilon (height * 25.4 / 72, expected_height, 0.5);
  g_object_unref (page);
  g_object_unref (pdf);
}

static void
test_export_layout_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = pd_print_document_new ("Too big", PD_PRINT_PAPER_A6);
  g_autofree char *tall = g_strnfill (200, '\n');
  g_autofree char *path = output_path ("gtk-too-big.pdf");

  /* One block taller than the page cannot be split. */
  g_unlink (path);
  pd_print_document_add_text (document, PD_PRINT_STYLE_BODY, PD_PRINT_ALIGN_LEFT, tall);
  export (document, path, &error);
  g_assert_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_TOO_SMALL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* The team leader's day report: the station named as they know it, and room to sign. */
static void
test_day_report (void)
{
  PdDayReport report = { .taken = 12, .pending = 2, .synced = 10, .on_hold = 1 };
  g_autoptr(PdPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = output_path ("day-report.pdf");
  g_autofree char *station = pd_day_report_station_name ("HN01", 3, "quay-3");
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  PopplerDocument *pdf;
  PopplerPage *page;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 23, 11, 2026);
  g_assert_cmpstr (station, ==, "HN01, counter 3, computer quay-3");
  g_free (station);
  station = pd_day_report_station_name ("HN01", 0, "xe-luu-dong");
  g_assert_cmpstr (station, ==, "HN01, computer xe-luu-dong");
  document = pd_day_report_build (&report, &day, "Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội", station);
  g_assert_true (pd_print_document_write_pdf (document, path, &error));
  g_assert_no_error (error);

  uri = g_filename_to_uri (path, NULL, &error);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 1);
  page = poppler_document_get_page (pdf, 0);
  text = poppler_page_get_text (page);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "HN01, computer xe-luu-dong"));
  g_assert_nonnull (strstr (text, "Team leader"));
  /* Signed by hand, with the name written under the signature. */
  g_assert_nonnull (strstr (text, "(signature and full name)"));
  g_object_unref (page);
  g_object_unref (pdf);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  gtk_init ();

  g_test_add_func ("/print-gtk/export-ticket", test_export_ticket);
  g_test_add_func ("/print-gtk/layout-error", test_export_layout_error);
  g_test_add_func ("/print-gtk/day-report", test_day_report);

  return g_test_run ();
}
