/* pd-message-bar.h: a message too long for a toast, whole, under the header until the next one. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PD_TYPE_MESSAGE_BAR (pd_message_bar_get_type ())
G_DECLARE_FINAL_TYPE (PdMessageBar, pd_message_bar, PD, MESSAGE_BAR, GtkBox)

/* Says @toast's title, with its button if it has one (which runs the toast's action), and shows. */
void        pd_message_bar_show      (PdMessageBar *self,
                                      AdwToast     *toast);
/* Hides: a newer message, or the officer closed it. */
void        pd_message_bar_hide      (PdMessageBar *self);
GtkLabel   *pd_message_bar_get_label (PdMessageBar *self);

G_END_DECLS
