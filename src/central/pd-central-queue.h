/* pd-central-queue.h: the office's shared queue of tickets and its appointment bookings.
 *
 * data/sync-protocol.md, "Queue" and "Appointments".
 *
 * Tickets are kept in memory: a queue lives for a day, and every station keeps its own copy
 * of it. The queue's epoch, drawn when the server starts, tells the stations that the server
 * forgot everything, so that they push their tickets of the day again.
 *
 * Appointments are weeks ahead, so they are kept in the server's database, where each booking
 * checks and takes a slot's place in one transaction: office-wide, a slot never holds more
 * than PD_QUEUE_SLOT_SIZE of a service. Each station that joins gets a share of every slot
 * (PD_QUEUE_SHARE places, from its first free day on) that only it may take, which is what it
 * books from when cut off (pd-queue.h).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-central-db.h"

G_BEGIN_DECLS

/* At most this many tickets in one push. */
#define PD_CENTRAL_QUEUE_MAX_PUSH 100

typedef enum {
  PD_CENTRAL_QUEUE_PULL,      /* GET /v1/queue */
  PD_CENTRAL_QUEUE_PUSH,      /* POST /v1/queue/tickets */
  PD_CENTRAL_QUEUE_CALL,      /* POST /v1/queue/calls */
  PD_CENTRAL_QUEUE_APPOINTMENTS, /* GET /v1/queue/appointments */
  PD_CENTRAL_QUEUE_BOOKINGS,  /* POST /v1/queue/bookings */
  PD_CENTRAL_QUEUE_SLIPS,     /* POST /v1/queue/slips */
} PdCentralQueueRoute;

/* At most this many slips in one push, and days in one booking. */
#define PD_CENTRAL_QUEUE_MAX_SLIPS 100
#define PD_CENTRAL_QUEUE_MAX_DAYS  60

typedef struct _PdCentralQueue PdCentralQueue;

/* Appointments are kept in @db (referenced), on its thread. */
PdCentralQueue *pd_central_queue_new    (PdCentralDb    *db);
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
