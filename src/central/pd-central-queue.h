/* pd-central-queue.h: the office's shared queue of tickets (data/sync-protocol.md, "Queue").
 *
 * Kept in memory: a queue lives for a day, and every station keeps its own copy of it. The
 * queue's epoch, drawn when the server starts, tells the stations that the server forgot
 * everything, so that they push their tickets of the day again.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* At most this many tickets in one push. */
#define PD_CENTRAL_QUEUE_MAX_PUSH 100

typedef enum {
  PD_CENTRAL_QUEUE_PULL,      /* GET /v1/queue */
  PD_CENTRAL_QUEUE_PUSH,      /* POST /v1/queue/tickets */
  PD_CENTRAL_QUEUE_CALL,      /* POST /v1/queue/calls */
} PdCentralQueueRoute;

typedef struct _PdCentralQueue PdCentralQueue;

PdCentralQueue *pd_central_queue_new    (void);
void            pd_central_queue_free   (PdCentralQueue *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralQueue, pd_central_queue_free)

const char     *pd_central_queue_get_epoch (PdCentralQueue *self);

/* Answers a signed request of @office_code's station to @route: sets @status and returns
 * the JSON body to send (an error body in the protocol's shape when @status is not 200). */
JsonNode       *pd_central_queue_handle (PdCentralQueue      *self,
                                         PdCentralQueueRoute  route,
                                         const char          *office_code,
                                         const char          *query,
                                         const guint8        *body,
                                         gsize                length,
                                         guint               *status);

G_END_DECLS
