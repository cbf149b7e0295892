/* pd-outbox.h: the packets waiting for the central system, and their offline transfer.
 *
 * Once attached to a device, accepting a dossier (pd_store_set_status to ACCEPTED) seals its
 * packet in the same transaction. pd_outbox_recover() makes the packets of dossiers accepted
 * before the station was enrolled or attached. The outbox file format is in
 * data/sync-protocol.md ("Offline transfer").
 */
#pragma once

#include "pd-store.h"
#include "pd-device.h"

G_BEGIN_DECLS

#define PD_OUTBOX_FILE_FORMAT  "passdesk-outbox"
#define PD_OUTBOX_FILE_VERSION 1

/* From now on @store seals the packet of each accepted dossier for @device. */
void      pd_outbox_attach   (PdStore       *store,
                              PdDevice      *device);
/* Makes the missing packets (see above); @n_created (nullable) says how many. Requires
 * pd_outbox_attach(). */
gboolean  pd_outbox_recover  (PdStore       *store,
                              guint         *n_created,
                              GError       **error);

/* The inner JSON of a packet (data/sync-protocol.md): the dossier with its personal data,
 * photo and attachments (element-type PdStoreAttachment, nullable), who accepted it and when,
 * and the token of their online sign-in that proves it (nullable: left out). */
char     *pd_outbox_build_inner (const char *packet_id,
                                 const char *device_id,
                                 PdDossier  *dossier,
                                 GPtrArray  *attachments,
                                 const char *accepted_by,
                                 const char *acceptance_token,
                                 gint64      accepted_at);

/* Writes every pending packet to @path (atomically: a temporary file, flushed to the disk,
 * then renamed); @n_packets (nullable) says how many. */
gboolean  pd_outbox_export   (PdStore       *store,
                              PdDevice      *device,
                              const char    *path,
                              guint         *n_packets,
                              GError       **error);
/* Reads an outbox file into @store's outbox, to be pushed by the next sync. Packets already
 * present are skipped; @n_added and @n_total (nullable) count them. Each packet must have
 * the strict packet shape; its signature is checked by the central system, which knows the
 * key of the station that made it. */
gboolean  pd_outbox_import   (PdStore       *store,
                              const char    *path,
                              guint         *n_added,
                              guint         *n_total,
                              GError       **error);
/* pd_outbox_import(), with each packet first checked here against the office's signed list
 * of stations (pd_declaration_keys_list_central()): a packet of a station that is not on the
 * list (another office's), of a revoked station, or whose signature does not verify refuses
 * the whole file with PD_SYNC_ERROR_FILE, and nothing of it is kept. A station that never
 * pulled the list refuses every file. */
gboolean  pd_outbox_import_verified (PdStore    *store,
                                     const char *path,
                                     guint      *n_added,
                                     guint      *n_total,
                                     GError    **error);
/* The packets set aside by the central system: back to the outbox for another push, or
 * dropped for good (audited as "packet-retry" / "packet-discard" by @actor). Fail with
 * PD_STORE_ERROR_NOT_FOUND when no packet @packet_id is set aside. */
gboolean  pd_outbox_retry_set_aside   (PdStore    *store,
                                       const char *packet_id,
                                       const char *actor,
                                       GError    **error);
gboolean  pd_outbox_discard_set_aside (PdStore    *store,
                                       const char *packet_id,
                                       const char *actor,
                                       GError    **error);

G_END_DECLS
