/* queue-test-station.h: a station of the queue tests, enrolled at the real passdesk-central
 * (sync-test-central.h), with its queue and a client to the server and one to nowhere.
 */
#pragma once

#include "pd-queue.h"
#include "sync-test-central.h"
#include "sync/pd-device.h"
#include "sync/pd-queue-sync.h"

G_BEGIN_DECLS

typedef struct {
  PdStore      *store;
  PdDevice     *device;
  PdQueue      *queue;
  PdSyncClient *online;
  PdSyncClient *offline;   /* a server address nobody answers on */
  GPtrArray    *called;    /* labels of "ticket-called" */
} QueueStation;

/* Opens the store @name in @central's directory, enrolls it at @central and gives its queue
 * the ticket letter @letter. */
void   queue_station_init   (QueueStation  *station,
                             SyncCentral   *central,
                             const char    *name,
                             const char    *letter);
void   queue_station_clear  (QueueStation  *station);
/* One pass of @station's queue through @client; returns the tickets that changed here. With
 * @error NULL the pass must succeed. */
guint  queue_station_sync   (QueueStation  *station,
                             PdSyncClient  *client,
                             GError       **error);

G_END_DECLS
