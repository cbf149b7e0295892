/* pd-ui-test-support.h: what the tests of the real window share: its window on a store of
 * their own, waiting on the main loop, painted frames, screenshots, and the loop's stalls. */
#pragma once

#include <gtk/gtk.h>

#include "pd-application.h"
#include "pd-window.h"

G_BEGIN_DECLS

typedef gboolean (*PdUiCondition) (gpointer data);

/* The main loop's stalls: a 1 ms timer notes how late each of its runs is. */
typedef struct
{
  GArray *gaps;    /* gint64, µs between runs */
  gint64  last;
  guint   id;
} PdUiWatchdog;

void        pd_ui_set_wait_seconds (guint          seconds);
void        pd_ui_wait_until       (PdUiCondition  condition,
                                    gpointer       data,
                                    const char    *what);
gboolean    pd_ui_mapped           (gpointer       widget);
void        pd_ui_wait_for_frames  (GtkWidget     *widget);
const char *pd_ui_screenshot_dir   (void);
/* Into pd_ui_screenshot_dir(). */
void        pd_ui_save_screenshot  (GtkWidget     *widget,
                                    const char    *name);
void        pd_ui_save_screenshot_in (GtkWidget   *widget,
                                      const char  *dir,
                                      const char  *name);
PdWindow   *pd_ui_new_window       (const char    *db_path,
                                    PdApplication **app);
void        pd_ui_watchdog_start   (PdUiWatchdog  *dog);
/* Prints the longest stall and the 99th percentile, in ms; returns the longest. */
double      pd_ui_watchdog_stop    (PdUiWatchdog  *dog,
                                    const char    *what);

G_END_DECLS
