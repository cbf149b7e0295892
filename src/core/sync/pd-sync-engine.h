/* pd-sync-engine.h: pushes the outbox and pulls declarations, reference tables and
 * statuses, in the background, without ever blocking the caller's main loop.
 *
 * A pass: read the server's clock, push the pending packets (up to 4 requests of up to 50
 * packets in flight, read from the store page by page), then pull declarations, reference
 * tables and status changes page by page, saving each cursor after its page is committed,
 * and last the signed list of the office's station keys (pd_declaration_keys_apply_central()).
 * Started, the engine also runs a pass on a timer and when the network comes back, with
 * exponential backoff and full jitter after failures, honouring Retry-After.
 * The engine lives in the thread (main context) that made it.
 */
#pragma once

#include "pd-store.h"
#include "pd-device.h"

G_BEGIN_DECLS

typedef enum {
  PD_SYNC_STATE_OFFLINE,   /* no network, or the central system cannot be reached */
  PD_SYNC_STATE_IDLE,
  PD_SYNC_STATE_SYNCING,
  PD_SYNC_STATE_ERROR,     /* needs someone: see last-error */
} PdSyncState;

GType pd_sync_state_get_type (void);
#define PD_TYPE_SYNC_STATE (pd_sync_state_get_type ())

typedef enum {
  PD_SYNC_PUSH = 1 << 0,
  PD_SYNC_PULL = 1 << 1,   /* declarations, reference tables, statuses, station keys */
  PD_SYNC_ALL  = PD_SYNC_PUSH | PD_SYNC_PULL,
} PdSyncFlags;

/* What a pass did. */
typedef struct {
  guint  accepted;            /* packets received for the first time */
  guint  duplicates;          /* packets the central system already had */
  guint  set_aside;           /* packets refused for good during this pass */
  guint  deferred;            /* packets to try again later */
  guint  declarations;        /* new declarations stored */
  guint  reference_updates;   /* reference tables replaced */
  guint  statuses;            /* status changes applied */
  guint  unknown_statuses;    /* status values this version does not know (logged, audited) */
  gint64 clock_offset;        /* server time minus local time, seconds */
  guint  station_keys_changed; /* 1 when a new list of station keys was kept */
  guint  stations_revoked;    /* stations trusted before, revoked in that list */
} PdSyncReport;

void          pd_sync_report_free        (PdSyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSyncReport, pd_sync_report_free)

/* A packet refused for good, and why. */
typedef struct {
  char   *packet_id;
  char   *dossier_uuid;   /* nullable: imported from another station */
  char   *reason;
  guint   attempts;
} PdSyncSetAside;

void          pd_sync_set_aside_free     (PdSyncSetAside *set_aside);

#define PD_TYPE_SYNC_ENGINE (pd_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (PdSyncEngine, pd_sync_engine, PD, SYNC_ENGINE, GObject)

/* Attaches the outbox of @store to @device (see pd_outbox_attach()). @server_url (nullable)
 * overrides the one of the enrollment. */
PdSyncEngine *pd_sync_engine_new         (PdStore             *store,
                                          PdDevice            *device,
                                          const char          *server_url,
                                          GError             **error);
/* The officer's token, sent with pushes (nullable). */
void          pd_sync_engine_set_token   (PdSyncEngine        *self,
                                          const char          *token);

/* The longest one request may take, answer included (PD_SYNC_DEFAULT_DEADLINE by default). */
void          pd_sync_engine_set_request_deadline (PdSyncEngine *self,
                                                   guint         seconds);
/* Background retries wait a random time up to @base_seconds × 2^failures, at most
 * @cap_seconds (defaults 5 and 900); packets deferred by a failure wait likewise. */
void          pd_sync_engine_set_retry_delays     (PdSyncEngine *self,
                                                   guint         base_seconds,
                                                   guint         cap_seconds);

/* One pass now. Packets waiting for a backoff delay are pushed too: someone asked.
 * Finishes with the report in @report (also on failure: what was done before it). */
void          pd_sync_engine_sync_async  (PdSyncEngine        *self,
                                          PdSyncFlags          flags,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean      pd_sync_engine_sync_finish (PdSyncEngine        *self,
                                          GAsyncResult        *result,
                                          PdSyncReport       **report,
                                          GError             **error);

/* Background passes: on a timer, when the network comes back, and after backoff. */
void          pd_sync_engine_start       (PdSyncEngine        *self);
/* Stops the background passes and cancels the running one. */
void          pd_sync_engine_stop        (PdSyncEngine        *self);

PdSyncState   pd_sync_engine_get_state          (PdSyncEngine *self);
guint         pd_sync_engine_get_pending_count  (PdSyncEngine *self);
guint         pd_sync_engine_get_set_aside_count (PdSyncEngine *self);
/* Applications the central system rejected that no officer has handled yet
 * (pd_store_handle_rejection()). */
guint         pd_sync_engine_get_rejected_count  (PdSyncEngine *self);
/* Reads the counts again, in a thread, after the outbox or a rejection changed outside a pass
 * (a packet sent again, a rejection handled): the properties follow. */
void          pd_sync_engine_recount            (PdSyncEngine *self);
gint64        pd_sync_engine_get_last_sync      (PdSyncEngine *self);
/* (nullable) */
const char   *pd_sync_engine_get_last_error     (PdSyncEngine *self);
const char   *pd_sync_engine_get_server_url     (PdSyncEngine *self);
PdDevice     *pd_sync_engine_get_device         (PdSyncEngine *self);

/* Fetches the online declaration @code (GET /v1/declarations/<code>) for a scan that found
 * nothing locally, stores it as a draft like the pull does, and finishes with that dossier
 * (the one already stored, if the pull got there first). Fails with PD_SYNC_ERROR_NOT_FOUND
 * when the central system has no such declaration, PD_SYNC_ERROR_REFUSED for a code that
 * cannot be one, and as any request otherwise (PD_SYNC_ERROR_RETRY when offline). */
void          pd_sync_engine_lookup_declaration_async  (PdSyncEngine        *self,
                                                        const char          *code,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
PdDossier    *pd_sync_engine_lookup_declaration_finish (PdSyncEngine        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* (element-type PdSyncSetAside): the packets set aside, oldest first. Blocks on the store. */
GPtrArray    *pd_sync_engine_list_set_aside (PdSyncEngine  *self,
                                             GError       **error);

G_END_DECLS
