/* test-print.c: printed papers, amounts in words and working days.
 *
 * Each paper is written as a PDF into <build>/tests/print/output/, read back with
 * poppler-glib (text, page size, every glyph inside the paper), rendered to PNG next to it,
 * and its QR code decoded from that rendering with the ZXing reader of src/core/capture.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <poppler.h>

#include "capture/pd-barcode.h"
#include "pd-calendar.h"
#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "sync/pd-device.h"
#include "pd-print-format.h"
#include "pd-print-papers.h"
#include "pd-reference.h"
#include "pd-date.h"
#include "pd-queue.h"
#include "pd-test-support.h"

#define NAME "Nguyễn Thị Ánh Tuyết"
#define OFFICE_NAME "Phòng Quản lý xuất nhập cảnh Công an Thành phố Hà Nội"
#define OFFICE_ADDRESS "Số 44 Phạm Ngọc Thạch, phường Kim Liên, Hà Nội"

static const PdPrintOffice office = { OFFICE_NAME, OFFICE_ADDRESS, "069 219 4208" };

static char *
output_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "output", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, name, NULL);
}

static PdCalendar *
load_calendar (void)
{
  g_autoptr(GError) error = NULL;
  PdCalendar *calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), &error);

  g_assert_no_error (error);
  return calendar;
}

static void
set_date (GDate *date,
          guint  day,
          guint  month,
          guint  year)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

/* Amounts in words */

static void
test_amount_in_words (void)
{
  static const struct { gint64 amount; const char *words; } cases[] = {
    { 0, "Không đồng" },
    { 1, "Một đồng" },
    { 5, "Năm đồng" },
    { 10, "Mười đồng" },
    { 11, "Mười một đồng" },
    { 14, "Mười bốn đồng" },
    { 15, "Mười lăm đồng" },
    { 20, "Hai mươi đồng" },
    { 21, "Hai mươi mốt đồng" },
    { 25, "Hai mươi lăm đồng" },
    { 55, "Năm mươi lăm đồng" },
    { 100, "Một trăm đồng" },
    { 101, "Một trăm linh một đồng" },
    { 105, "Một trăm linh năm đồng" },
    { 110, "Một trăm mười đồng" },
    { 115, "Một trăm mười lăm đồng" },
    { 1000, "Một nghìn đồng" },
    { 1001, "Một nghìn không trăm linh một đồng" },
    { 1010, "Một nghìn không trăm mười đồng" },
    { 1021, "Một nghìn không trăm hai mươi mốt đồng" },
    { 10000, "Mười nghìn đồng" },
    { 15000, "Mười lăm nghìn đồng" },
    { 100000, "Một trăm nghìn đồng" },
    { 180000, "Một trăm tám mươi nghìn đồng" },
    { 200000, "Hai trăm nghìn đồng" },
    { 360000, "Ba trăm sáu mươi nghìn đồng" },
    { 400000, "Bốn trăm nghìn đồng" },
    { 1000000, "Một triệu đồng" },
    { 1000500, "Một triệu năm trăm đồng" },
    { 1005000, "Một triệu không trăm linh năm nghìn đồng" },
    { 1405000, "Một triệu bốn trăm linh năm nghìn đồng" },
    { 2050000, "Hai triệu không trăm năm mươi nghìn đồng" },
    { 21000000, "Hai mươi mốt triệu đồng" },
    { 1000000000, "Một tỷ đồng" },
    { 1000000005, "Một tỷ không trăm linh năm đồng" },
    { 1200000000, "Một tỷ hai trăm triệu đồng" },
    { G_GINT64_CONSTANT (2000500000000), "Hai nghìn tỷ năm trăm triệu đồng" },
    { G_GINT64_CONSTANT (1000000000000000000), "Một tỷ tỷ đồng" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = pd_print_amount_in_words (cases[i].amount);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

static void
test_money_and_dates (void)
{
  static const struct { gint64 amount; const char *text; } cases[] = {
    { 0, "0 đ" },
    { 999, "999 đ" },
    { 1000, "1.000 đ" },
    { 200000, "200.000 đ" },
    { 1405000, "1.405.000 đ" },
    { -50000, "-50.000 đ" },
  };
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) time = g_date_time_new (zone, 2026, 3, 2, 8, 5, 0);
  g_autofree char *date_text = NULL;
  g_autofree char *time_text = NULL;
  GDate date;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pd_print_format_money (cases[i].amount);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  set_date (&date, 5, 2, 2027);
  date_text = pd_print_format_date (&date);
  g_assert_cmpstr (date_text, ==, "05/02/2027");
  time_text = pd_print_format_date_time (time);
  g_assert_cmpstr (time_text, ==, "08:05 02/03/2026");
}

/* Working days */

static void
assert_ready (PdCalendar *calendar,
              guint       day,
              guint       month,
              guint       year,
              guint       n,
              const char *expected)
{
  g_autofree char *text = NULL;
  GDate start, end;

  set_date (&start, day, month, year);
  end = pd_calendar_add_working_days (calendar, &start, n);
  text = pd_print_format_date (&end);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_calendar_weekends (void)
{
  g_autoptr(PdCalendar) calendar = pd_calendar_new ();
  GDate saturday;

  assert_ready (calendar, 2, 3, 2026, 0, "02/03/2026");       /* Monday, nothing added */
  assert_ready (calendar, 2, 3, 2026, 4, "06/03/2026");       /* Monday + 4: Friday */
  assert_ready (calendar, 6, 3, 2026, 1, "09/03/2026");       /* Friday + 1: Monday */
  assert_ready (calendar, 7, 3, 2026, 1, "09/03/2026");       /* accepted on a Saturday */
  assert_ready (calendar, 2, 3, 2026, 8, "12/03/2026");
  set_date (&saturday, 7, 3, 2026);
  g_assert_false (pd_calendar_is_working_day (calendar, &saturday));
  g_assert_cmpuint (pd_calendar_get_processing_days (calendar, PD_PROCESSING_PROVINCIAL), ==, 8);
  g_assert_cmpuint (pd_calendar_get_processing_days (calendar, PD_PROCESSING_CENTRAL), ==, 5);
  g_assert_cmpuint (pd_calendar_get_processing_days (calendar, PD_PROCESSING_URGENT), ==, 3);
}

static void
test_calendar_holidays (void)
{
  g_autoptr(PdCalendar) calendar = load_calendar ();
  const PdCalendarDay *day;
  GDate date, start, end;

  /* Tết Ất Tỵ: accepted on Friday 24/1/2025, 27/1 to 31/1 are off. */
  assert_ready (calendar, 24, 1, 2025, 8, "12/02/2025");
  assert_ready (calendar, 24, 1, 2025, 1, "03/02/2025");
  /* Tết Bính Ngọ: 16/2 to 20/2/2026. */
  assert_ready (calendar, 13, 2, 2026, 3, "25/02/2026");
  /* Giỗ Tổ on Sunday 26/4/2026, made up on Monday 27/4; then 30/4 and 1/5. */
  assert_ready (calendar, 24, 4, 2026, 5, "06/05/2026");
  /* 2025: Saturday 26/4 worked in exchange for Friday 2/5. */
  assert_ready (calendar, 25, 4, 2025, 1, "26/04/2025");
  assert_ready (calendar, 25, 4, 2025, 8, "09/05/2025");
  /* National day 2025: 1/9 and 2/9. */
  assert_ready (calendar, 29, 8, 2025, 1, "03/09/2025");

  set_date (&date, 29, 1, 2025);
  day = pd_calendar_lookup (calendar, &date);
  g_assert_nonnull (day);
  g_assert_cmpint (day->kind, ==, PD_CALENDAR_DAY_HOLIDAY);
  g_assert_true (day->verified);
  g_assert_true (g_str_has_prefix (day->name, "Tết Nguyên đán"));

  /* Verified data (Tết 2025) versus rows still to be checked (Tết 2026) or no data at all. */
  set_date (&start, 24, 1, 2025);
  end = pd_calendar_get_ready_date (calendar, &start, PD_PROCESSING_PROVINCIAL);
  g_assert_true (pd_calendar_is_range_verified (calendar, &start, &end));
  set_date (&start, 13, 2, 2026);
  end = pd_calendar_get_ready_date (calendar, &start, PD_PROCESSING_URGENT);
  g_assert_false (pd_calendar_is_range_verified (calendar, &start, &end));
  g_assert_cmpuint (pd_calendar_get_last_year (calendar), ==, 2027);
  set_date (&start, 20, 12, 2027);
  end = pd_calendar_get_ready_date (calendar, &start, PD_PROCESSING_PROVINCIAL);
  g_assert_cmpuint (g_date_get_year (&end), ==, 2027);
  set_date (&start, 28, 12, 2027);
  end = pd_calendar_get_ready_date (calendar, &start, PD_PROCESSING_PROVINCIAL);
  g_assert_false (pd_calendar_is_range_verified (calendar, &start, &end));
}

static void
test_calendar_data (void)
{
  g_autoptr(PdCalendar) calendar = pd_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date;

  g_assert_true (pd_calendar_load_days (calendar,
                                        "# comment\n"
                                        "date,name,kind,status,note\n"
                                        "2030-01-07,\"Test, with comma\",holiday,unverified,\n"
                                        "2030-01-12,Làm bù,workday,verified,\n", -1, &error));
  g_assert_no_error (error);
  set_date (&date, 7, 1, 2030);
  g_assert_false (pd_calendar_is_working_day (calendar, &date));
  g_assert_cmpstr (pd_calendar_lookup (calendar, &date)->name, ==, "Test, with comma");
  set_date (&date, 12, 1, 2030);   /* a Saturday */
  g_assert_true (pd_calendar_is_working_day (calendar, &date));
  assert_ready (calendar, 4, 1, 2030, 2, "09/01/2030");  /* Fri 4 -> Tue 8, Wed 9 */

  g_assert_false (pd_calendar_load_days (calendar, "2030-02-30,X,holiday,verified\n", -1, &error));
  g_assert_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (pd_calendar_load_days (calendar, "2030-02-03,X,party,verified\n", -1, &error));
  g_assert_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (pd_calendar_load_days (calendar, "2030-02-03,X,holiday,verified\n"
                                                   "2030-02-03,Y,holiday,verified\n", -1, &error));
  g_assert_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE);
  g_clear_error (&error);
  /* A failed load keeps the previous days. */
  set_date (&date, 7, 1, 2030);
  g_assert_false (pd_calendar_is_working_day (calendar, &date));

  g_assert_true (pd_calendar_load_processing (calendar, "[processing]\nprovincial=6\ncentral=4\nurgent=2\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pd_calendar_get_processing_days (calendar, PD_PROCESSING_PROVINCIAL), ==, 6);
  g_assert_false (pd_calendar_load_processing (calendar, "[processing]\nprovincial=0\ncentral=4\nurgent=2\n", -1, &error));
  g_assert_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE);
  g_assert_cmpuint (pd_calendar_get_processing_days (calendar, PD_PROCESSING_PROVINCIAL), ==, 6);
}

/* Reading the PDFs back */

static char *
normalize (const char *text)
{
  return g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
}

/* Every page's text, NFC, with the lines joined by spaces so that wrapped values still match
 * whole. Checks that each glyph lies inside the paper and off its edges. */
static char *
read_pdf (const char *path,
          int        *n_pages,
          double     *width_mm,
          double     *height_mm)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  PopplerDocument *document;
  g_autoptr(GString) all = g_string_new (NULL);

  g_assert_no_error (error);
  document = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  *n_pages = poppler_document_get_n_pages (document);
  for (int i = 0; i < *n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *text = poppler_page_get_text (page);
      g_autofree PopplerRectangle *rects = NULL;
      guint n_rects = 0;
      double width, height;

      poppler_page_get_size (page, &width, &height);
      if (i == 0)
        {
          *width_mm = width * 25.4 / 72;
          *height_mm = height * 25.4 / 72;
        }
      /* A page without text has no layout. */
      poppler_page_get_text_layout (page, &rects, &n_rects);
      for (guint r = 0; r < n_rects; r++)
        {
          /* 3 mm: no paper is printed closer to its edge than that. */
          double edge = 3 * 72 / 25.4;

          if (rects[r].x2 - rects[r].x1 <= 0)
            continue;  /* line breaks */
          g_assert_cmpfloat (rects[r].x1, >=, edge);
          g_assert_cmpfloat (rects[r].x2, <=, width - edge);
          g_assert_cmpfloat (rects[r].y1, >=, edge);
          g_assert_cmpfloat (rects[r].y2, <=, height - edge);
        }
      g_strdelimit (text, "\n", ' ');
      g_string_append (all, text);
      g_string_append_c (all, ' ');
      g_object_unref (page);
    }
  g_object_unref (document);
  return normalize (all->str);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_autofree char *normalized = normalize (needle);

  if (strstr (haystack, normalized) == NULL)
    g_error ("“%s” not found in the PDF text: %s", needle, haystack);
}

/* Renders page @page of @path at 300 dpi, keeps it as PNG next to the PDF, and returns the
 * text of the QR code found in it (NULL when none). */
static char *
decode_qr (const char *path,
           int         page_number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);
  PopplerPage *page;
  g_autofree char *png = NULL;
  g_autoptr(PdBarcode) barcode = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height, scale = 300.0 / 72;

  g_assert_no_error (error);
  page = poppler_document_get_page (document, page_number);
  poppler_page_get_size (page, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * scale), (int) (height * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  g_object_unref (page);
  g_object_unref (document);
  cairo_surface_flush (surface);

  png = g_strdup_printf ("%.*s-%d.png", (int) (strlen (path) - 4), path, page_number + 1);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);

  /* RGB24 is 32 bits per pixel, B G R x in memory on little-endian machines. */
  g_assert_cmpint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);
  barcode = pd_barcode_decode (cairo_image_surface_get_data (surface),
                               cairo_image_surface_get_width (surface),
                               cairo_image_surface_get_height (surface),
                               cairo_image_surface_get_stride (surface),
                               PD_PIXEL_FORMAT_BGRX, PD_BARCODE_FORMAT_QR_CODE,
                               PD_BARCODE_DECODE_DEFAULT);
  cairo_surface_destroy (surface);
  return barcode != NULL ? g_strdup (barcode->text) : NULL;
}

static void
write_pdf (PdPrintDocument *document,
           const char      *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pd_print_document_write_pdf (document, path, &error));
  g_assert_no_error (error);
}

/* Papers */

static void
test_result_slip (void)
{
  g_autoptr(PdCalendar) calendar = load_calendar ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdReference) reference = pd_reference_new_from_directory (pd_reference_get_default_directory (), &error);
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (NAME, "001190123456");
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *path = output_path ("result-slip.pdf");
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  double width, height;
  int n_pages;
  GDate accepted;

  g_assert_no_error (error);
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, "PD1-01-1YHVFTEJ-J");
  pd_dossier_set_field (dossier, PD_FIELD_OFFICER, "Trần Quốc Việt");
  pd_dossier_set_field (dossier, PD_FIELD_COUNTER, "7");
  set_date (&accepted, 24, 1, 2025);

  document = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &office,
                                                   PD_PROCESSING_PROVINCIAL, &accepted, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_print_document_get_paper (document), ==, PD_PRINT_PAPER_A5);
  write_pdf (document, path);

  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  g_assert_cmpfloat_with_epsilon (width, 148, 0.1);
  g_assert_cmpfloat_with_epsilon (height, 210, 0.1);
  assert_contains (text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  assert_contains (text, "Độc lập - Tự do - Hạnh phúc");
  assert_contains (text, OFFICE_NAME);
  assert_contains (text, NAME);
  assert_contains (text, "PD1-01-1YHVFTEJ-J");
  /* The request as the form names it, not in the fee table's words: one name per thing. */
  assert_contains (text, "First passport");
  g_assert_null (strstr (text, "Cấp mới hộ chiếu phổ thông"));
  assert_contains (text, "24/01/2025");
  assert_contains (text, "12/02/2025");    /* 8 working days after, across Tết */
  assert_contains (text, "200.000 đ");
  assert_contains (text, "Trần Quốc Việt");
  /* Tết 2025 is confirmed: no warning about the date. */
  g_assert_null (strstr (text, "not yet confirmed"));

  qr = decode_qr (path, 0);
  g_assert_cmpstr (qr, ==, "PD1-01-1YHVFTEJ-J");
}

/* The office as the central system names it, as the header of an A5 paper (issuer beside
 * the motto) and of an A6 one (stacked): "Hà Nội" is never cut across two lines. */
static void
test_heading_keeps_names (void)
{
  const PdPrintPaper papers[] = { PD_PRINT_PAPER_A5, PD_PRINT_PAPER_A6 };
  const char *issuers[] = {
    "Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội",
    "Phòng Quản lý xuất nhập cảnh Công an Thành phố Hồ Chí Minh",
  };

  for (guint p = 0; p < G_N_ELEMENTS (papers); p++)
    for (guint i = 0; i < G_N_ELEMENTS (issuers); i++)
      {
        g_autoptr(PdPrintDocument) document = pd_print_document_new ("heading", papers[p]);
        g_autofree char *name = g_strdup_printf ("heading-%u-%u.pdf", p, i);
        g_autofree char *path = output_path (name);
        g_autoptr(GError) error = NULL;
        g_autofree char *uri = NULL;
        g_autofree char *text = NULL;
        g_autofree char *raw = NULL;
        g_auto(GStrv) lines = NULL;
        PopplerDocument *pdf;
        PopplerPage *page;
        gboolean whole = FALSE;

        pd_print_document_add_heading (document, issuers[i]);
        write_pdf (document, path);
        uri = g_filename_to_uri (path, NULL, &error);
        g_assert_no_error (error);
        pdf = poppler_document_new_from_file (uri, NULL, &error);
        g_assert_no_error (error);
        page = poppler_document_get_page (pdf, 0);
        raw = poppler_page_get_text (page);
        text = normalize (raw);
        g_object_unref (page);
        g_object_unref (pdf);
        g_test_message ("%s:\n%s", name, text);

        /* The place name stands whole on one line. */
        lines = g_strsplit (text, "\n", -1);
        for (guint l = 0; lines[l] != NULL; l++)
          if (strstr (lines[l], i == 0 ? "Hà Nội" : "Hồ Chí Minh") != NULL)
            whole = TRUE;
        g_assert_true (whole);
      }
}

static void
test_result_slip_estimated (void)
{
  g_autoptr(PdCalendar) calendar = load_calendar ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdReference) reference = pd_reference_new_from_directory (pd_reference_get_default_directory (), &error);
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Đỗ Ánh Bảo", "001190123457");
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *path = output_path ("result-slip-tet-2026.pdf");
  g_autofree char *text = NULL;
  double width, height;
  int n_pages;
  GDate accepted;

  pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "reissue_lost");
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, "PD1-01-1YHVFTEK-6");
  set_date (&accepted, 13, 2, 2026);
  document = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &office,
                                                   PD_PROCESSING_URGENT, &accepted, FALSE, &error);
  g_assert_no_error (error);
  write_pdf (document, path);
  text = read_pdf (path, &n_pages, &width, &height);
  assert_contains (text, "Đỗ Ánh Bảo");
  assert_contains (text, "25/02/2026");
  assert_contains (text, "400.000 đ");
  assert_contains (text, "Re-issue after loss or damage");
  assert_contains (text, "not yet confirmed");

  /* A dossier that was never saved has no code to print. */
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, NULL);
  g_clear_object (&document);
  document = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &office,
                                                   PD_PROCESSING_URGENT, &accepted, FALSE, &error);
  g_assert_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_MISSING);
  g_assert_null (document);
}

static void
test_fee_receipt (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *path = output_path ("fee-receipt.pdf");
  g_autofree char *text = NULL;
  double width, height;
  int n_pages;
  PdFeeReceipt receipt = {
    .office = office,
    .number = "0001234",
    .payer = NAME,
    .payer_address = "Số 1 Phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    .item = "Cấp mới hộ chiếu phổ thông và giấy xác nhận yếu tố nhân sự",
    .application_code = "PD1-01-1YHVFTEJ-J",
    .amount = 1405000,
    .officer = "Trần Quốc Việt",
  };

  set_date (&receipt.date, 2, 3, 2026);
  document = pd_print_fee_receipt_new (&receipt, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_print_document_get_paper (document), ==, PD_PRINT_PAPER_A6);
  write_pdf (document, path);

  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  g_assert_cmpfloat_with_epsilon (width, 105, 0.1);
  g_assert_cmpfloat_with_epsilon (height, 148, 0.1);
  assert_contains (text, NAME);
  assert_contains (text, "0001234");
  assert_contains (text, "1.405.000 đ");
  assert_contains (text, "Một triệu bốn trăm linh năm nghìn đồng");
  assert_contains (text, "02/03/2026");
  assert_contains (text, "Trần Quốc Việt");
  g_assert_cmpuint (pd_print_document_get_qr_codes (document)->len, ==, 0);

  receipt.amount = -1;
  g_clear_object (&document);
  document = pd_print_fee_receipt_new (&receipt, &error);
  g_assert_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_MISSING);
  g_assert_null (document);
}

static void
check_ticket (PdPrintPaper  paper,
              const char   *file_name,
              double        width_mm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) issued = g_date_time_new (zone, 2026, 3, 2, 7, 42, 0);
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *path = output_path (file_name);
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  double width, height, layout_height;
  int n_pages;
  PdQueueTicket ticket = {
    .office = office,
    .office_code = "PA08-01",
    .service = "Cấp hộ chiếu phổ thông",
    .number = "A-017",
    .issued = issued,
    .waiting_ahead = 12,
  };

  document = pd_print_queue_ticket_new (&ticket, &error);
  g_assert_no_error (error);
  pd_print_document_set_paper (document, paper);
  write_pdf (document, path);
  pd_print_document_get_page_size (document, NULL, &layout_height);

  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  g_assert_cmpfloat_with_epsilon (width, width_mm, 0.1);
  /* A roll is cut where the content ends. */
  g_assert_cmpfloat_with_epsilon (height, layout_height, 0.1);
  g_assert_cmpfloat (height, >, 60);
  g_assert_cmpfloat (height, <, 160);
  assert_contains (text, "A-017");
  assert_contains (text, "07:42 02/03/2026");
  assert_contains (text, "12 people are waiting");
  assert_contains (text, "Cấp hộ chiếu phổ thông");

  qr = decode_qr (path, 0);
  g_assert_cmpstr (qr, ==, "PDT1|PA08-01|A-017|2026-03-02T07:42:00+07");
}

static void
test_queue_ticket (void)
{
  check_ticket (PD_PRINT_PAPER_ROLL_80, "queue-ticket-80mm.pdf", 80);
  check_ticket (PD_PRINT_PAPER_ROLL_58, "queue-ticket-58mm.pdf", 58);
}

static void
test_visit_slip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *path = output_path ("visit-slip.pdf");
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  double width, height;
  int n_pages;
  PdVisitSlip slip = {
    .office = office,
    .office_code = "PA08-01",
    .reference = "H-0042",
    .full_name = NAME,
    .service = "Cấp hộ chiếu phổ thông",
    .from_time = "08:00",
    .to_time = "09:30",
  };

  set_date (&slip.date, 4, 3, 2026);
  document = pd_print_visit_slip_new (&slip, &error);
  g_assert_no_error (error);
  write_pdf (document, path);
  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  assert_contains (text, NAME);
  assert_contains (text, "04/03/2026");
  assert_contains (text, "08:00 – 09:30");
  assert_contains (text, "H-0042");
  qr = decode_qr (path, 0);
  g_assert_cmpstr (qr, ==, "PDV1|PA08-01|H-0042|2026-03-04|08:00-09:30");
}

static char *
make_declaration_qr (const char *full_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) secret_key = NULL;
  g_autofree char *key_id = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (full_name, "001190123458");
  char *qr;

  public_key = pd_declaration_keys_get_demo (&key_id, &secret_key);
  g_assert_nonnull (public_key);
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, "PD1-01-1YHVFTEJ-J");
  qr = pd_declaration_qr_encode (dossier, key_id, secret_key, 1772409600, &error);
  g_assert_no_error (error);
  return qr;
}

static void
test_declaration_slip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *qr_text = make_declaration_qr (NAME);
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) signed_at = g_date_time_new (zone, 2026, 3, 2, 9, 15, 0);
  g_autoptr(PdPrintDocument) document = NULL;
  g_autoptr(PdPrintDocument) narrow = NULL;
  g_autofree char *path = output_path ("declaration-slip.pdf");
  g_autofree char *narrow_path = output_path ("declaration-slip-58mm.pdf");
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  double width, height;
  int n_pages;
  PdDeclarationSlip slip = {
    .office = { "Điểm hỗ trợ khai hộ chiếu - UBND phường Kim Liên", NULL, NULL },
    .qr_text = qr_text,
    .declaration_code = "PD1-01-1YHVFTEJ-J",
    .full_name = NAME,
    .birth_date = "01/01/1990",
    .id_number = "001190123458",
    .request = "Cấp mới hộ chiếu phổ thông",
    .signed_at = signed_at,
  };

  document = pd_print_declaration_slip_new (&slip, &error);
  g_assert_no_error (error);
  write_pdf (document, path);
  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  assert_contains (text, NAME);
  assert_contains (text, "01/01/1990");
  assert_contains (text, "********3458");
  g_assert_null (strstr (text, "001190123458"));
  assert_contains (text, "PD1-01-1YHVFTEJ-J");
  assert_contains (text, "09:15 02/03/2026");

  qr = decode_qr (path, 0);
  g_assert_cmpstr (qr, ==, qr_text);

  /* On a 58 mm roll the code fills the width and still reads. */
  narrow = pd_print_declaration_slip_new (&slip, &error);
  g_assert_no_error (error);
  pd_print_document_set_paper (narrow, PD_PRINT_PAPER_ROLL_58);
  write_pdf (narrow, narrow_path);
  g_clear_pointer (&qr, g_free);
  qr = decode_qr (narrow_path, 0);
  g_assert_cmpstr (qr, ==, qr_text);
}

/* A code too dense for the paper is refused rather than printed unreadable, and no file is
 * left behind. */
static void
test_qr_too_dense (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strnfill (1800, 'q');
  g_autofree char *path = output_path ("too-dense-58mm.pdf");
  g_autofree char *a6_path = output_path ("too-dense-a6.pdf");
  g_autofree char *decoded = NULL;
  g_autoptr(PdPrintDocument) document = pd_print_document_new ("Dense", PD_PRINT_PAPER_ROLL_58);

  g_unlink (path);
  g_assert_true (pd_print_document_add_qr (document, text, 30, &error));
  g_assert_no_error (error);
  g_assert_false (pd_print_document_write_pdf (document, path, &error));
  g_assert_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_TOO_SMALL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The same 30 mm request on A6 grows the code until it reads. */
  pd_print_document_set_paper (document, PD_PRINT_PAPER_A6);
  write_pdf (document, a6_path);
  decoded = decode_qr (a6_path, 0);
  g_assert_cmpstr (decoded, ==, text);
}

/* The drawn modules are the modules libqrencode made, and the text is the one given. */
static void
test_qr_matrix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintQr) qr = pd_print_qr_new ("PD1-01-1YHVFTEJ-J", &error);
  g_autoptr(PdPrintQr) empty = NULL;
  g_autofree char *huge = g_strnfill (8000, 'x');
  g_autoptr(PdPrintQr) too_long = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint width, side;
  const guint scale = 4;

  g_assert_no_error (error);
  width = pd_print_qr_get_width (qr);
  g_assert_cmpuint ((width - 17) % 4, ==, 0);   /* a QR code version */
  side = (width + 2 * PD_PRINT_QR_QUIET_ZONE) * scale;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cr = cairo_create (surface);
  pd_print_qr_draw (qr, cr, 0, 0, side);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (guint y = 0; y < width + 2 * PD_PRINT_QR_QUIET_ZONE; y++)
    for (guint x = 0; x < width + 2 * PD_PRINT_QR_QUIET_ZONE; x++)
      {
        const guint8 *pixel = cairo_image_surface_get_data (surface) +
                              (y * scale + scale / 2) * cairo_image_surface_get_stride (surface) +
                              (x * scale + scale / 2) * 4;
        gboolean inside = x >= PD_PRINT_QR_QUIET_ZONE && y >= PD_PRINT_QR_QUIET_ZONE &&
                          x < width + PD_PRINT_QR_QUIET_ZONE && y < width + PD_PRINT_QR_QUIET_ZONE;
        gboolean dark = inside && pd_print_qr_get_module (qr, x - PD_PRINT_QR_QUIET_ZONE,
                                                          y - PD_PRINT_QR_QUIET_ZONE);

        g_assert_cmpuint (pixel[0], ==, dark ? 0 : 255);
      }
  cairo_surface_destroy (surface);

  empty = pd_print_qr_new ("", &error);
  g_assert_error (error, PD_PRINT_QR_ERROR, PD_PRINT_QR_ERROR_ENCODE);
  g_assert_null (empty);
  g_clear_error (&error);
  too_long = pd_print_qr_new (huge, &error);
  g_assert_error (error, PD_PRINT_QR_ERROR, PD_PRINT_QR_ERROR_ENCODE);
  g_assert_null (too_long);
}

/* A long address wraps; a long document breaks into pages without losing a row. */
static void
test_pagination (void)
{
  g_autoptr(PdPrintDocument) document = pd_print_document_new ("Long", PD_PRINT_PAPER_A6);
  g_autofree char *path = output_path ("pagination.pdf");
  g_autofree char *text = NULL;
  double width, height;
  int n_pages;

  pd_print_document_add_heading (document, OFFICE_NAME);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *label = g_strdup_printf ("Row %02u", i);

      pd_print_document_add_row (document, label, "Số 1 Phố Hàng Bạc, phường Hoàn Kiếm, Thành phố Hà Nội");
    }
  write_pdf (document, path);
  text = read_pdf (path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, pd_print_document_get_n_pages (document));
  g_assert_cmpint (n_pages, >, 1);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *label = g_strdup_printf ("Row %02u", i);

      assert_contains (text, label);
    }
}

/* `passdesk-cli print` on a real store. */
static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "passdesk.db", NULL);
  g_autofree char *slip_path = output_path ("cli-slip.pdf");
  g_autofree char *receipt_path = output_path ("cli-receipt.pdf");
  g_autofree char *declaration_path = output_path ("cli-declaration.pdf");
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr_text = make_declaration_qr ("Lê Văn Đức");
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (NAME, "001190123459");
  const char *cli = g_getenv ("PASSDESK_CLI");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  double width, height;
  int n_pages, status;

  g_assert_nonnull (cli);
  store = pd_store_open (db, PD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (pd_store_set_setting (store, "office-name", OFFICE_NAME, &error));
  g_assert_true (pd_store_set_setting (store, "office-address", OFFICE_ADDRESS, &error));
  pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "HC-MAT-HONG");
  pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, "400000");
  g_assert_true (pd_store_save (store, dossier, "test", &error));
  g_assert_no_error (error);
  pd_store_close (store);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, pd_dossier_get_id (dossier));

  {
    const char *argv[] = { cli, "print", "slip", id, "--db", db, "--accepted", "2026-04-24",
                           "--processing", "central", "--output", slip_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  text = read_pdf (slip_path, &n_pages, &width, &height);
  assert_contains (text, NAME);
  assert_contains (text, OFFICE_NAME);
  assert_contains (text, "06/05/2026");   /* 5 working days across 27/4, 30/4 and 1/5 */
  assert_contains (text, "400.000 đ");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    const char *argv[] = { cli, "print", "receipt", id, "--db", db, "--date", "2026-04-24",
                           "--number", "BL-88", "--output", receipt_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  text = read_pdf (receipt_path, &n_pages, &width, &height);
  assert_contains (text, "Bốn trăm nghìn đồng");
  assert_contains (text, "BL-88");
  assert_contains (text, "Cấp lại hộ chiếu do bị mất hoặc bị hỏng");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The declaration's summary is read from the signed code itself. */
  {
    const char *argv[] = { cli, "print", "declaration", qr_text, "--db", db,
                           "--output", declaration_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  text = read_pdf (declaration_path, &n_pages, &width, &height);
  g_assert_cmpint (n_pages, ==, 1);
  assert_contains (text, "Lê Văn Đức");
  assert_contains (text, "Cấp mới hộ chiếu phổ thông");
  g_clear_pointer (&text, g_free);
  text = decode_qr (declaration_path, 0);
  g_assert_cmpstr (text, ==, qr_text);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A missing dossier is exit code 1, a ticket without its number 2. */
  {
    const char *argv[] = { cli, "print", "slip", "999999", "--db", db, "--output", slip_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { cli, "print", "ticket", "--service", "X", "--office-name", "Y",
                           "--db", db, "--output", slip_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_assert_nonnull (strstr (err, "--number"));
  }
}

/* Accepted through the intake, as at the counter: numbered, dated, its ready date given. */
static PdDossier *
accept_application (PdStore *store)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier (NAME, "001190123460");

  /* The address as the officer typed it: the commune and the province are chosen in lists. */
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, "Ấp 1");
  pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, "HN01");
  /* The name the central system gave at sign-in; "officer1" is only the account. */
  return pd_test_accept (store, dossier, "Trần Quốc Việt");
}

static char *
paper_text (PdPrintDocument *document,
            const char      *file_name)
{
  g_autofree char *path = output_path (file_name);
  double width, height;
  int n_pages;
  char *text;

  g_assert_nonnull (document);
  write_pdf (document, path);
  text = read_pdf (path, &n_pages, &width, &height);
  /* The signature block stays on the paper's one page, A5 and A6 alike. */
  g_assert_cmpint (n_pages, ==, 1);
  return text;
}

static char *
run_cli_print (const char * const *args,
               const char         *file_name)
{
  g_autofree char *path = output_path (file_name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  double width, height;
  int n_pages, status;

  g_strv_builder_add (builder, g_getenv ("PASSDESK_CLI"));
  g_strv_builder_addv (builder, (const char **) args);
  g_strv_builder_add_many (builder, "--output", path, NULL);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("passdesk-cli failed: %s", err);
  return read_pdf (path, &n_pages, &width, &height);
}

static char *
without_reprint_mark (const char *text)
{
  g_autofree char *mark = g_strdup_printf (" %s", "REPRINT");
  g_auto(GStrv) parts = g_strsplit (text, mark, -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoinv ("", parts);
}

/* A reprint is the same paper: printed at acceptance, then again weeks later from the app's
 * path and from passdesk-cli, the slip and the receipt say the same, but for the mark. */
static void
test_reprint (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "passdesk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (db, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(PdCalendar) calendar = load_calendar ();
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *slip = NULL, *receipt = NULL, *slip_again = NULL, *receipt_again = NULL;
  g_autofree char *cli_slip = NULL, *cli_receipt = NULL, *unmarked = NULL, *ready = NULL, *later_iso = NULL;
  g_autofree char *id = NULL;
  char *owned[3] = { NULL, NULL, NULL };
  PdPrintOffice from_store = { 0, };
  GDate today, later, ready_date;

  g_assert_no_error (error);
  g_assert_true (pd_store_set_setting (store, "office-name", OFFICE_NAME, &error));
  g_assert_true (pd_store_set_setting (store, PD_DEVICE_SETTING_OFFICE_ADDRESS, OFFICE_ADDRESS, &error));
  g_assert_true (pd_store_set_setting (store, "office-phone", "069 219 4208", &error));
  g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_STATION, "B", &error));
  reference = pd_store_get_reference (store);
  dossier = accept_application (store);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, pd_dossier_get_id (dossier));
  g_assert_true (g_str_has_suffix (pd_dossier_get_application_number (dossier), "-B0001"));

  pd_date_set_today (&today);
  later = today;
  g_date_add_days (&later, 40);
  pd_print_office_from_store (store, &from_store, owned);

  /* At acceptance, as the app prints them. */
  document = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &from_store,
                                                   PD_PROCESSING_PROVINCIAL, &today, FALSE, &error);
  g_assert_no_error (error);
  slip = paper_text (document, "reprint-slip-first.pdf");
  /* On the smaller paper some offices use for it: still one page, signature included. */
  pd_print_document_set_paper (document, PD_PRINT_PAPER_A6);
  g_free (paper_text (document, "reprint-slip-a6.pdf"));
  g_clear_object (&document);
  document = pd_print_fee_receipt_new_for_dossier (dossier, reference, &from_store, NULL, &today, FALSE, &error);
  g_assert_no_error (error);
  receipt = paper_text (document, "reprint-receipt-first.pdf");
  g_clear_object (&document);
  g_test_message ("slip: %s\nreceipt: %s", slip, receipt);

  /* The number everywhere, the office's phone, the fee's name and the address in full. */
  g_assert_true (pd_parse_iso_date (pd_dossier_get_field (dossier, PD_FIELD_APPOINTMENT_DATE), &ready_date));
  ready = pd_print_format_date (&ready_date);
  assert_contains (slip, pd_dossier_get_application_number (dossier));
  assert_contains (slip, ready);
  assert_contains (slip, "Phone: 069 219 4208");
  assert_contains (receipt, pd_dossier_get_application_number (dossier));
  assert_contains (receipt, "Cấp mới hộ chiếu phổ thông");
  assert_contains (receipt, "200.000 đ");
  g_assert_null (strstr (receipt, "HC-MOI"));
  assert_contains (receipt, "Ấp 1, Phường Hoàn Kiếm, Thành phố Hà Nội");
  g_assert_null (strstr (slip, "REPRINT"));
  /* Signed with the officer's full name, never the account it signed in with. */
  assert_contains (slip, "Trần Quốc Việt");
  assert_contains (receipt, "Trần Quốc Việt");
  g_assert_null (strstr (slip, "officer1"));
  g_assert_null (strstr (receipt, "officer1"));

  /* Forty days later, from the app's path. */
  document = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &from_store,
                                                   PD_PROCESSING_PROVINCIAL, &later, TRUE, &error);
  g_assert_no_error (error);
  slip_again = paper_text (document, "reprint-slip-again.pdf");
  g_clear_object (&document);
  document = pd_print_fee_receipt_new_for_dossier (dossier, reference, &from_store, NULL, &later, TRUE, &error);
  g_assert_no_error (error);
  receipt_again = paper_text (document, "reprint-receipt-again.pdf");
  unmarked = without_reprint_mark (slip_again);
  g_assert_cmpstr (unmarked, ==, slip);
  g_free (unmarked);
  unmarked = without_reprint_mark (receipt_again);
  g_assert_cmpstr (unmarked, ==, receipt);

  /* And from passdesk-cli, whatever day it is told. */
  pd_store_close (store);
  later_iso = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&later), g_date_get_month (&later),
                               g_date_get_day (&later));
  cli_slip = run_cli_print ((const char *[]) { "print", "slip", id, "--db", db, "--accepted", later_iso, NULL },
                            "reprint-slip-cli.pdf");
  g_assert_cmpstr (cli_slip, ==, slip);
  cli_receipt = run_cli_print ((const char *[]) { "print", "receipt", pd_dossier_get_application_number (dossier),
                                                  "--db", db, "--date", later_iso, "--reprint", NULL },
                               "reprint-receipt-cli.pdf");
  g_assert_cmpstr (cli_receipt, ==, receipt_again);

  /* passdesk-cli finds it by the number on the papers, as typed from them. */
  {
    g_autofree char *lower = g_ascii_strdown (pd_dossier_get_application_number (dossier), -1);
    const char *commands[][2] = { { "show", pd_dossier_get_application_number (dossier) }, { "search", lower } };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        const char *argv[] = { g_getenv ("PASSDESK_CLI"), commands[i][0], commands[i][1], "--db", db, NULL };
        g_autofree char *out = NULL;
        int status;

        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                     &out, NULL, &status, &error));
        g_assert_no_error (error);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        g_test_message ("%s: %s", commands[i][0], out);
        assert_contains (out, NAME);
        if (i == 0)
          assert_contains (out, pd_dossier_get_application_number (dossier));
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
    g_free (owned[i]);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/print/words", test_amount_in_words);
  g_test_add_func ("/print/format", test_money_and_dates);
  g_test_add_func ("/print/calendar/weekends", test_calendar_weekends);
  g_test_add_func ("/print/calendar/holidays", test_calendar_holidays);
  g_test_add_func ("/print/calendar/data", test_calendar_data);
  g_test_add_func ("/print/qr-matrix", test_qr_matrix);
  g_test_add_func ("/print/result-slip", test_result_slip);
  g_test_add_func ("/print/heading-keeps-names", test_heading_keeps_names);
  g_test_add_func ("/print/result-slip-estimated", test_result_slip_estimated);
  g_test_add_func ("/print/fee-receipt", test_fee_receipt);
  g_test_add_func ("/print/queue-ticket", test_queue_ticket);
  g_test_add_func ("/print/visit-slip", test_visit_slip);
  g_test_add_func ("/print/declaration-slip", test_declaration_slip);
  g_test_add_func ("/print/qr-too-dense", test_qr_too_dense);
  g_test_add_func ("/print/pagination", test_pagination);
  g_test_add_func ("/print/cli", test_cli);
  g_test_add_func ("/print/reprint", test_reprint);

  return g_test_run ();
}
