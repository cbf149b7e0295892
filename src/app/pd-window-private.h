/* pd-window-private.h: what the UI tests reach into. */
#pragma once

#include "pd-dossier-form.h"
#include "pd-queue-page.h"
#include "pd-sync-page.h"
#include "pd-window.h"

G_BEGIN_DECLS

PdQueuePage   *pd_window_get_queue_page (PdWindow *self);
PdDossierForm *pd_window_get_form       (PdWindow *self);
PdSyncPage    *pd_window_get_sync_page  (PdWindow *self);
AdwViewStack  *pd_window_get_view_stack (PdWindow *self);
/* The error shown when the database could not be opened, or NULL. */
const GError  *pd_window_get_open_error (PdWindow *self);

G_END_DECLS
