/* pd-queue-sync.h: the station's side of the office's shared queue (data/sync-protocol.md,
 * "Queue"): pushes the tickets changed here, pulls those changed elsewhere, and calls the next
 * ticket through the server so that two counters never call the same one.
 *
 * Everything is idempotent by ticket id: a push repeated after a timeout, or a pull page
 * seen twice, changes nothing. A station that cannot reach the server keeps working on its
 * own copy; the next pass merges. Runs on the thread (main context) of @client.
 */
#pragma once

#include "pd-queue.h"
#include "pd-sync-client.h"

G_BEGIN_DECLS

/* At most this many tickets in one push (the server's bound). */
#define PD_QUEUE_SYNC_PUSH_SIZE 100

/* One pass: push, then pull. @n_pulled: tickets that changed here. */
void       pd_queue_sync_async            (PdQueue             *queue,
                                           PdSyncClient        *client,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean   pd_queue_sync_finish           (PdQueue             *queue,
                                           GAsyncResult        *result,
                                           guint               *n_pulled,
                                           GError             **error);

/* Calls the office's longest-waiting ticket (of @service when not NULL) to @counter through
 * the server; when the server cannot be reached (PD_SYNC_ERROR_RETRY), calls from this
 * station's copy of the queue and sets @offline. NULL without error when nobody waits. */
void       pd_queue_sync_call_next_async  (PdQueue             *queue,
                                           PdSyncClient        *client,
                                           const char          *counter,
                                           const char          *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
PdTicket  *pd_queue_sync_call_next_finish (PdQueue             *queue,
                                           GAsyncResult        *result,
                                           gboolean            *offline,
                                           GError             **error);

G_END_DECLS
