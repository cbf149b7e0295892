/* pd-queue-sync.h: the station's side of the office's shared queue (data/sync-protocol.md,
 * "Queue" and "Appointments"): pushes the tickets changed here, pulls those changed
 * elsewhere, calls the next ticket through the server so that two counters never call the
 * same one, and books appointments at the server so that a slot never takes more than its
 * places, office-wide.
 *
 * Everything is idempotent by ticket and appointment id: a push or a booking repeated after a
 * timeout, or a pull page seen twice, changes nothing. A station that cannot reach the server
 * keeps working on its own copy, and books from its own share of the slots (pd-queue.h); the
 * next pass merges. Runs on the thread (main context) of @client.
 */
#pragma once

#include "pd-queue.h"
#include "pd-sync-client.h"

G_BEGIN_DECLS

/* At most this many tickets in one push (the server's bound). */
#define PD_QUEUE_SYNC_PUSH_SIZE 100

/* One pass: push tickets and the slips printed while cut off, then pull tickets and
 * appointments. @n_pulled: tickets that changed here. */
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

/* Issues a ticket for @service today, or, when the day is full, books an appointment at the
 * server (the first free place of the coming working days, office-wide). When the server
 * cannot be reached, books from this station's share and sets @offline; the slip is given to
 * the server on the next pass. Exactly one of @ticket and @appointment is set on success;
 * PD_QUEUE_ERROR_NO_SLOT when every place is taken, NO_SHARE when cut off without a share.
 * The caller shares a ticket as usual (pd_queue_sync_async()). */
void       pd_queue_sync_issue_async      (PdQueue             *queue,
                                           PdSyncClient        *client,
                                           const char          *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean   pd_queue_sync_issue_finish     (PdQueue             *queue,
                                           GAsyncResult        *result,
                                           PdTicket           **ticket,
                                           PdAppointment      **appointment,
                                           gboolean            *offline,
                                           GError             **error);

G_END_DECLS
