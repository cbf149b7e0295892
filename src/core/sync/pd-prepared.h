/* pd-prepared.h: declarations prepared at an assisted-entry station, with their photo, on
 * their way to the office's counters through the central system.
 *
 * The slip's signed QR code carries the fields but cannot carry the photo. When the
 * volunteer prints the slip, the station queues a "declaration" packet (sealed to the central
 * system and signed like an application's; data/sync-protocol.md, "Prepared declarations")
 * whose id follows from the station and the declaration code, so queueing it twice makes one
 * packet. A counter that scans the slip fetches it by that code (GET /v1/declarations/<code>)
 * for the photo; the fields of the signed QR code stay the ones that count.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pd-store.h"
#include "pd-device.h"
#include "pd-sync-engine.h"

G_BEGIN_DECLS

/* Standard photos are 100 to 250 KB of JPEG: twice the largest, with room to spare. */
#define PD_PREPARED_MAX_PHOTO_BYTES (512 * 1024)
/* The "source" of a declaration answered by the central system for a prepared one. */
#define PD_PREPARED_SOURCE          "assisted_entry"

typedef struct {
  char      *code;          /* canonical declaration code */
  gint64     prepared_at;   /* Unix seconds: when the slip was signed */
  PdDossier *dossier;       /* the declared fields, the code among them */
  GBytes    *photo;         /* nullable: the standard photo, JPEG */
  char      *photo_override; /* nullable: the failed checks and the volunteer's reason, when the
                              * photo was used without passing them (as pd_dossier_form_set_photo()) */
  char      *device_id;     /* nullable: the station that prepared it, when the central system says */
} PdPrepared;

void        pd_prepared_free         (PdPrepared *prepared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdPrepared, pd_prepared_free)

/* A new declaration code for a slip of @office_code's station: its office part is the office
 * code when that has 2 or 3 letters and digits, else the first two of them. */
char       *pd_prepared_new_code     (const char  *office_code,
                                      GError     **error);
/* The packet id of @device_id's prepared declaration @code: a UUID drawn from both, so the
 * same declaration is always the same packet. */
char       *pd_prepared_packet_id    (const char  *device_id,
                                      const char  *code);

/* Reads {"code", "prepared_at", "dossier", "photo", "photo_override"} (the packet's "declaration", or the
 * central system's answer, where "filed_at" stands for "prepared_at"); strict on the members
 * it reads: a canonical code, a positive time, a dossier pd_dossier_new_from_json() takes
 * that carries the same code, and an optional photo of 1 byte to PD_PREPARED_MAX_PHOTO_BYTES
 * that starts as a JPEG. PD_PACKET_ERROR_INVALID otherwise, saying which. */
PdPrepared *pd_prepared_from_json    (JsonObject  *object,
                                      GError     **error);
/* The inner JSON of the packet: {"packet_id", "device_id", "declaration": {...}}. */
char       *pd_prepared_build_inner  (const char  *packet_id,
                                      const char  *device_id,
                                      const char  *code,
                                      gint64       prepared_at,
                                      PdDossier   *dossier,
                                      const char  *photo_override);

/* Seals @dossier (its declaration code set, the photo in it if taken, @photo_override as the
 * photo page gave it) for the central system
 * and adds it to @store's outbox, one transaction; queueing the same code again adds nothing.
 * The station keeps no readable copy. Blocks on the store. */
gboolean    pd_prepared_queue        (PdStore     *store,
                                      PdDevice    *device,
                                      PdDossier   *dossier,
                                      const char  *photo_override,
                                      gint64       prepared_at,
                                      GError     **error);

/* Fetches the prepared declaration @code through @engine's client. Fails with
 * PD_SYNC_ERROR_NOT_FOUND when the central system holds no prepared declaration of that code
 * (not sent yet, or filed online without a photo), PD_SYNC_ERROR_FORBIDDEN_ROLE at a station
 * that may not read it, PD_SYNC_ERROR_RETRY when offline or for an answer that cannot be
 * read. Stores nothing. */
void        pd_prepared_fetch_async  (PdSyncEngine        *engine,
                                      const char          *code,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
PdPrepared *pd_prepared_fetch_finish (PdSyncEngine        *engine,
                                      GAsyncResult        *result,
                                      GError             **error);

/* (element-type PdCccdMismatch): the declared fields whose value in @central differs from
 * @signed_dossier's (dossier_value is the signed one, card_value the central copy's); the
 * fields of the desk (PD_FIELD_GROUP_INTAKE) are not compared, nor a field @central leaves
 * empty. */
GPtrArray  *pd_prepared_compare      (PdDossier   *signed_dossier,
                                      PdDossier   *central);

G_END_DECLS
