/* pd-ui-test-support.h: what the tests of the real window share: waiting on the main loop
 * for a condition, waiting for painted frames, and screenshots for a person to look at. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*PdUiCondition) (gpointer data);

void        pd_ui_set_wait_seconds (guint          seconds);
void        pd_ui_wait_until       (PdUiCondition  condition,
                                    gpointer       data,
                                    const char    *what);
gboolean    pd_ui_mapped           (gpointer       widget);
void        pd_ui_wait_for_frames  (GtkWidget     *widget);
const char *pd_ui_screenshot_dir   (void);
void        pd_ui_save_screenshot  (GtkWidget     *widget,
                                    const char    *name);

G_END_DECLS
