/* pd-ui-test-pdf.h: the papers the window prints (exported as PDF in the tests), read back
 * with poppler, drawn as a printer would and kept next to the screenshots. */
#pragma once

#include "pd-day-count.h"
#include "pd-ui-test-support.h"

G_BEGIN_DECLS

/* The text of every page. */
char       *pd_ui_pdf_text         (const char  *path);
/* Page 1 of @pdf_path as the printer would put it on paper, at @dpi, as @name in
 * pd_ui_screenshot_dir(); returns the PNG's path. */
char       *pd_ui_render_pdf       (const char  *pdf_path,
                                    double       dpi,
                                    const char  *name);
/* A copy of @path as @name next to the screenshots, for a person to look at. */
void        pd_ui_keep_pdf         (const char  *path,
                                    const char  *name);
/* Today's day report ("win.day-report") written into @print_dir, its counts in @report and
 * printed; asserts the paper is of today. Returns the PDF's path. */
char       *pd_ui_print_day_report (PdWindow    *window,
                                    const char  *print_dir,
                                    PdDayReport *report);

G_END_DECLS
