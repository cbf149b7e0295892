/* pd-sync-engine-private.h: requests made beside the engine's passes (pd-prepared.c), which
 * then share its client's clock offset, token and connections. */
#pragma once

#include "pd-sync-client.h"
#include "pd-sync-engine.h"

G_BEGIN_DECLS

/* GETs the declaration @code from the central system; @callback gets *@task (taken), whose
 * task data is now the canonical code. FALSE, leaving *@task, when @code is no declaration
 * code. */
gboolean     pd_sync_engine_request_declaration        (PdSyncEngine         *self,
                                                        const char           *code,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        GTask               **task);
/* The reply to it, 404 included (for the caller to word); NULL once @task has returned the
 * error. */
PdSyncReply *pd_sync_engine_request_declaration_finish (GTask                *task,
                                                        GAsyncResult         *result);

G_END_DECLS
