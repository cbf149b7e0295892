/* pd-queue-page.h: the applications taken or worked on at the counter today (or, on demand,
 * those of the days before too), and search over all of them. */
#pragma once

#include <gtk/gtk.h>

#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_QUEUE_PAGE (pd_queue_page_get_type ())
G_DECLARE_FINAL_TYPE (PdQueuePage, pd_queue_page, PD, QUEUE_PAGE, GtkWidget)

void        pd_queue_page_set_store    (PdQueuePage *self,
                                        PdStore     *store);
void        pd_queue_page_reload       (PdQueuePage *self);
void        pd_queue_page_focus_search (PdQueuePage *self);
/* (element-type PdDossier): what the list shows. */
GListModel *pd_queue_page_get_model    (PdQueuePage *self);
gboolean    pd_queue_page_get_loading  (PdQueuePage *self);
GtkEditable *pd_queue_page_get_search_entry (PdQueuePage *self);
/* Without a search, the list shows today's applications; with @show_earlier, those
 * of the days before too (what the Earlier Days button does). */
void        pd_queue_page_set_show_earlier (PdQueuePage *self,
                                            gboolean     show_earlier);

/* Opens the row at @position as Enter on it does: emits "dossier-activated". */
void        pd_queue_page_activate     (PdQueuePage *self,
                                        guint        position);

G_END_DECLS
