/* pd-sync-engine-private.h: the engine's client, for requests made beside its passes
 * (pd-prepared.c), which then share its clock offset, token and connections. */
#pragma once

#include "pd-sync-client.h"
#include "pd-sync-engine.h"

G_BEGIN_DECLS

PdSyncClient *pd_sync_engine_get_client (PdSyncEngine *self);

G_END_DECLS
