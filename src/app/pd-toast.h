/* pd-toast.h: one toast at a time in a window, the latest news. */
#pragma once

#include <adwaita.h>

#include "pd-message-bar.h"

G_BEGIN_DECLS

/* Shows @toast (transfer full) in the AdwToastOverlay that is @widget or holds it, in place of
 * the toast shown before through this function: at a counter's pace a queue of toasts is old
 * news. Give it no high priority. Returns @toast, or the toast that now says its message and
 * has its button (see pd-toast.c); NULL when the message went to the overlay's message bar. */
AdwToast *pd_toast_show (GtkWidget *widget,
                         AdwToast  *toast);

/* A toast shows one line, cut: longer messages go to @bar, whole, and a short one hides it. */
void      pd_toast_set_message_bar (AdwToastOverlay *overlay,
                                    PdMessageBar    *bar);

G_END_DECLS
