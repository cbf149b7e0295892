/* pd-ui-test-pdf.c: the printed papers of the window tests, read back with poppler. */
#define G_LOG_DOMAIN "pd-ui-test"

#include "config.h"

#include <string.h>
#include <poppler.h>

#include "pd-ui-test-pdf.h"
#include "pd-window-private.h"

static PopplerDocument *
open_pdf (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  PopplerDocument *document;

  g_assert_no_error (error);
  document = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  return document;
}

char *
pd_ui_pdf_text (const char *path)
{
  PopplerDocument *document = open_pdf (path);
  GString *text = g_string_new (NULL);

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

char *
pd_ui_render_pdf (const char *pdf_path,
                  double      dpi,
                  const char *name)
{
  PopplerDocument *document = open_pdf (pdf_path);
  PopplerPage *page = poppler_document_get_page (document, 0);
  char *path = g_build_filename (pd_ui_screenshot_dir (), name, NULL);
  double width, height;
  cairo_surface_t *surface;
  cairo_t *cr;

  poppler_page_get_size (page, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * dpi / 72), (int) (height * dpi / 72));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72, dpi / 72);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_object_unref (page);
  g_object_unref (document);
  g_test_message ("rendered %s", path);
  return path;
}

void
pd_ui_keep_pdf (const char *path,
                const char *name)
{
  g_autoptr(GFile) from = g_file_new_for_path (path);
  g_autofree char *to_path = g_build_filename (pd_ui_screenshot_dir (), name, NULL);
  g_autoptr(GFile) to = g_file_new_for_path (to_path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

char *
pd_ui_print_day_report (PdWindow    *window,
                        const char  *print_dir,
                        PdDayReport *report)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "day-report-%Y-%m-%d.pdf");
  g_autofree char *date = g_date_time_format (now, "%d/%m/%Y");
  g_autofree char *text = NULL;
  char *path = g_build_filename (print_dir, name, NULL);
  guint n = pd_window_get_n_printed (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.day-report", NULL));
  pd_ui_wait_for_printed (window, n + 1, "the day report");
  g_assert_true (pd_window_get_day_report (window, report));
  g_print ("day report: taken %u, pending %u, synced %u, rejected %u, refused %u, on hold %u\n",
           report->taken, report->pending, report->synced, report->rejected, report->refused, report->on_hold);
  text = pd_ui_pdf_text (path);
  g_test_message ("day report:\n%s", text);
  g_assert_nonnull (strstr (text, date));
  g_assert_nonnull (strstr (text, "Applications taken"));
  return path;
}
