/* pd-sync-page.h: what waits to be sent to the central system. */
#pragma once

#include <gtk/gtk.h>

#include "pd-store.h"

G_BEGIN_DECLS

/* The store setting holding the unix time of the last successful exchange with the central
 * system; written by the sync engine. */
#define PD_SETTING_LAST_SYNC "last_sync_at"

#define PD_TYPE_SYNC_PAGE (pd_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (PdSyncPage, pd_sync_page, PD, SYNC_PAGE, GtkWidget)

void     pd_sync_page_set_store     (PdSyncPage *self,
                                     PdStore    *store,
                                     GSettings  *settings);
void     pd_sync_page_reload        (PdSyncPage *self);
gboolean pd_sync_page_get_loading   (PdSyncPage *self);
/* -1 until loaded. */
gint64   pd_sync_page_get_n_waiting (PdSyncPage *self);

G_END_DECLS
