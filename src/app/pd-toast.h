/* pd-toast.h: one toast at a time in a window, the latest news. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows @toast (transfer full) in the AdwToastOverlay that is @widget or holds it, in place of
 * the toast shown before through this function: at a counter's pace a queue of toasts is old
 * news. Give it no high priority. Returns @toast, or the toast that now says its message and
 * has its button (see pd-toast.c). */
AdwToast *pd_toast_show (GtkWidget *widget,
                         AdwToast  *toast);

G_END_DECLS
