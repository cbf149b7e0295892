/* pd-sync-indicator.h: a compact sync status for the header bar.
 *
 * An icon for the engine's state and the number of applications waiting; the tooltip says
 * more. A button: the window gives it an action (e.g. showing the sync page).
 */
#pragma once

#include <gtk/gtk.h>

#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

#define PD_TYPE_SYNC_INDICATOR (pd_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (PdSyncIndicator, pd_sync_indicator, PD, SYNC_INDICATOR, GtkButton)

GtkWidget    *pd_sync_indicator_new        (void);
/* (nullable): NULL shows "not enrolled". */
void          pd_sync_indicator_set_engine (PdSyncIndicator *self,
                                            PdSyncEngine    *engine);
PdSyncEngine *pd_sync_indicator_get_engine (PdSyncIndicator *self);

G_END_DECLS
