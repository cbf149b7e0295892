/* pd-sync-pass-private.h: what the engine's files share (the engine, its pass and phases).
 *
 * A pass is a GTask whose task data is a PdSyncPass. Each phase step takes the task's one
 * reference and hands it on to the next step, or drops it while requests or store jobs of
 * the phase still hold theirs (the push keeps several in flight).
 */
#pragma once

#include "pd-dossier.h"
#include "pd-store-private.h"
#include "pd-sync-client.h"
#include "pd-sync-engine.h"

G_BEGIN_DECLS

/* When the last pass went through, in seconds since the epoch. */
#define PD_SYNC_SETTING_LAST_SYNC "sync.last-sync"

struct _PdSyncEngine
{
  GObject          parent_instance;

  PdStore         *store;
  PdDevice        *device;
  PdSyncClient    *client;
  char            *token;

  PdSyncState      state;
  guint            pending_count;
  guint            set_aside_count;
  guint            rejected_count;
  gint64           last_sync;
  char            *last_error;

  /* Background mode. */
  gboolean         started;
  GCancellable    *cancellable;
  GNetworkMonitor *monitor;
  gulong           network_handler;
  guint            timeout_id;
  guint            failures;
  gboolean         running;
  guint            backoff_base;   /* seconds */
  guint            backoff_cap;    /* seconds */
};

typedef enum {
  PD_SYNC_PHASE_CLOCK,
  PD_SYNC_PHASE_PUSH,
  PD_SYNC_PHASE_DECLARATIONS,
  PD_SYNC_PHASE_REFERENCE,
  PD_SYNC_PHASE_STATUSES,
  PD_SYNC_PHASE_STATION_KEYS,
  PD_SYNC_PHASE_DONE,
} PdSyncPhase;

typedef struct _PdSyncPullKind PdSyncPullKind;
typedef struct _PdSyncPage     PdSyncPage;

typedef struct {
  PdSyncFlags   flags;
  gint64        due;            /* 0: ignore backoff delays */
  PdSyncReport *report;
  PdSyncPhase   phase;

  /* Push (pd-sync-push.c). */
  gint64        cursor;         /* last seq read from the outbox */
  gboolean      fetching;
  gboolean      exhausted;
  gboolean      stop_push;
  guint         in_flight;      /* requests and result writes not finished */
  GQueue        ready;          /* batches waiting for a lane */

  /* Reference tables still to fetch (pd-sync-reference.c). */
  GPtrArray    *tables;

  /* Paged pulls (pd-sync-pull.c): which one, the cursor the page in flight was asked
   * after, the page being written and pages so far. */
  const PdSyncPullKind *pull;
  char         *page_cursor;
  PdSyncPage   *page;
  gboolean      more;           /* ask for the page after the one being written */
  guint         pages;
  gboolean      cursor_reset;   /* a refused cursor was dropped once in this pull */

  GError       *error;          /* the first failure */
  gint64        retry_after;    /* the largest Retry-After seen, seconds */
  gint64        next_due;       /* when the first packet still waiting may go, 0: none */
} PdSyncPass;

gint64        pd_sync_now                  (void);
/* Full jitter: a uniform delay in [0, min (@cap, @base × 2^@attempt)], at least @retry_after. */
gint64        pd_sync_backoff_delay        (guint          base,
                                            guint          attempt,
                                            gint64         cap,
                                            gint64         retry_after);

/* The outbox's packets and the rejections waiting for an officer, as the engine's properties
 * show them. */
typedef struct {
  guint pending;
  guint set_aside;
  guint rejected;
} PdSyncCounts;

/* The engine's side (pd-sync-engine.c): its counts and state, notified on change. */
gboolean      pd_sync_engine_read_counts   (PdSyncEngine        *self,
                                            PdSyncCounts        *counts,
                                            GError             **error);
void          pd_sync_engine_set_counts    (PdSyncEngine        *self,
                                            const PdSyncCounts  *counts);
void          pd_sync_engine_pass_started  (PdSyncEngine  *self);
/* @error: NULL when the pass went through. */
void          pd_sync_engine_pass_ended    (PdSyncEngine  *self,
                                            const GError  *error);

/* Store work in worker threads: @func returns a pointer the caller owns, or
 * GINT_TO_POINTER (TRUE); NULL without an error when there is nothing to report. */
typedef gpointer (*PdSyncStoreFunc) (PdSyncEngine  *self,
                                     gpointer       data,
                                     GError       **error);

/* @data is freed with @destroy once @func ran; the job finishes even when the pass that
 * asked for it is cancelled meanwhile, since what it wrote must be accounted for. */
void          pd_sync_engine_run_store_job    (PdSyncEngine        *self,
                                               PdSyncStoreFunc      func,
                                               gpointer             data,
                                               GDestroyNotify       destroy,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gpointer      pd_sync_engine_store_job_finish (GAsyncResult        *result,
                                               GError             **error);

/* The pass (pd-sync-pass.c). */
void          pd_sync_pass_start           (PdSyncEngine        *self,
                                            PdSyncFlags          flags,
                                            gint64               due,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
PdSyncEngine *pd_sync_pass_engine          (GTask               *task);
gboolean      pd_sync_pass_cancelled       (GTask               *task);
/* Keeps the first failure (taking @error) and stops the push. */
void          pd_sync_pass_fail            (GTask               *task,
                                            GError              *error);
/* Takes the task's reference. */
void          pd_sync_pass_next_phase      (GTask               *task);
void          pd_sync_pass_request         (GTask               *task,
                                            const char          *method,
                                            const char          *path,
                                            GBytes              *body,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The reply's body as an object when the request succeeded, else records the failure;
 * *@reply_out gets the reply in both cases (NULL when none came). */
JsonObject   *pd_sync_pass_reply_object    (GTask               *task,
                                            GAsyncResult        *result,
                                            PdSyncReply        **reply_out);

/* What comes after a store job of a pass: gets the task's reference, and @result, or NULL
 * when the job failed (the failure is recorded in the pass) or had nothing to report. */
typedef void (*PdSyncPassStep) (GTask    *task,
                                gpointer  result);
/* Takes a reference to @task until @then. */
void          pd_sync_pass_run_store_job   (GTask               *task,
                                            PdSyncStoreFunc      func,
                                            gpointer             data,
                                            GDestroyNotify       destroy,
                                            PdSyncPassStep       then);

/* The phases (each takes the task's reference). */
void          pd_sync_push_pump            (GTask               *task);   /* pd-sync-push.c */
void          pd_sync_push_batch_free      (gpointer             batch);
void          pd_sync_pull_declarations    (GTask               *task);   /* pd-sync-pull.c */
void          pd_sync_pull_statuses        (GTask               *task);
void          pd_sync_pull_station_keys    (GTask               *task);
void          pd_sync_page_free            (PdSyncPage          *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSyncPage, pd_sync_page_free)
void          pd_sync_pull_reference       (GTask               *task);   /* pd-sync-reference.c */

/* Declarations (pd-sync-lookup.c), pulled by page or looked up one by one. */
/* Only a canonical declaration code ("PD1-01-1YHVFTEJ-J") reaches the store or a URL. */
gboolean      pd_sync_declaration_code_ok  (const char          *code);
/* A declaration ({"code", "filed_at", "dossier"}) as a new draft dossier. */
PdDossier    *pd_sync_declaration_to_dossier (JsonObject        *item,
                                              GError           **error);

G_END_DECLS
