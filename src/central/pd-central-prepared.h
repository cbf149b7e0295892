/* pd-central-prepared.h: declarations prepared at assisted-entry stations, with their photo.
 *
 * data/sync-protocol.md, "Prepared declarations". Kept in the central database's
 * prepared_declarations table, on the thread of the database like the rest of it. */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-central-db.h"
#include "sync/pd-packet.h"
#include "sync/pd-prepared.h"

G_BEGIN_DECLS

typedef enum {
  PD_CENTRAL_PREPARED_STORED,
  PD_CENTRAL_PREPARED_DUPLICATE,   /* this packet was stored before: its receipt */
  PD_CENTRAL_PREPARED_TAKEN,       /* another packet holds the code: its receipt */
} PdCentralPreparedOutcome;

/* Checks the opened content of a "declaration" packet: exactly "packet_id", "device_id" and
 * "declaration" (pd_prepared_from_json()). PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET otherwise. */
PdPrepared *pd_central_prepared_check    (JsonObject      *inner,
                                          GError         **error);
/* Within a transaction: keeps @prepared for the office of the station that made @packet,
 * unless the packet or the code is held already. @central_id and @received_at get the
 * receipt in every outcome. */
gboolean    pd_central_prepared_store    (PdCentralDb      *db,
                                          const PdPacket   *packet,
                                          const char       *sender_device_id,
                                          PdPrepared       *prepared,
                                          gint64            now,
                                          PdCentralPreparedOutcome *outcome,
                                          char            **central_id,
                                          gint64           *received_at,
                                          GError          **error);
/* Only a counter station, with no volunteer signed in, reads prepared declarations back. */
gboolean    pd_central_prepared_may_read (PdCentralDb      *db,
                                          const char       *device_id,
                                          const char       *officer_role);
/* The body of GET /v1/declarations/<code> for a declaration prepared in @office_code, or NULL
 * with PD_CENTRAL_DB_ERROR_NOT_FOUND. */
JsonNode   *pd_central_prepared_get      (PdCentralDb      *db,
                                          const char       *code,
                                          const char       *office_code,
                                          GError          **error);

G_END_DECLS
