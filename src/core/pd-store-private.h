/* pd-store-private.h: the store's outbox of sync packets, for src/core/sync only.
 *
 * The outbox (schema version 3) holds one row per packet: its id, the dossier it carries
 * (NULL for a packet imported from another station's file), its state, the attempts made,
 * when it may be tried again, why it was set aside, and the packet's JSON exactly as pushed.
 */
#pragma once

#include "pd-store.h"

G_BEGIN_DECLS

typedef enum {
  PD_OUTBOX_PENDING,     /* waiting to be pushed */
  PD_OUTBOX_SET_ASIDE,   /* refused for good by the central system; see last_error */
  PD_OUTBOX_DONE,        /* confirmed received */
} PdOutboxState;

const char    *pd_outbox_state_to_string   (PdOutboxState state);

typedef struct {
  gint64         seq;              /* order of creation, for resumable walks */
  char          *packet_id;
  char          *dossier_uuid;     /* nullable */
  PdOutboxState  state;
  guint          attempts;
  gint64         next_attempt_at;  /* unix seconds; 0 = now */
  char          *last_error;       /* nullable */
  gint64         created_at;
  char          *packet;           /* JSON text */
} PdOutboxEntry;

void           pd_outbox_entry_free        (PdOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdOutboxEntry, pd_outbox_entry_free)

typedef struct {
  char   *kind;
  char   *mime_type;
  GBytes *data;
} PdStoreAttachment;

void           pd_store_attachment_free    (PdStoreAttachment *attachment);

/* Makes the packet of an accepted @dossier (loaded with its photo; @attachments are the
 * other attachments, element-type PdStoreAttachment). Returns the packet's JSON text and
 * sets @packet_id, or NULL with @error, which cancels the acceptance. @acceptance_token is
 * the token of @accepted_by's online sign-in the intake was given, NULL where only the name is
 * known (pd_store_accept(), packets made late by pd_store_outbox_create_missing()). Called
 * with the store locked, inside the transaction of the acceptance: it must not call the store. */
typedef char *(*PdStorePacketFunc) (PdDossier  *dossier,
                                    GPtrArray  *attachments,
                                    const char *accepted_by,
                                    const char *acceptance_token,
                                    gint64      accepted_at,
                                    char      **packet_id,
                                    gpointer    user_data,
                                    GError    **error);

/* Once set, pd_store_set_status (..., PD_STATUS_ACCEPTED, ...) writes the dossier's packet
 * in the same transaction as the status change (replacing a packet of the dossier not yet
 * pushed). Without it (station not enrolled yet), pd_store_outbox_create_missing() makes the
 * packets later. */
void           pd_store_set_packet_func    (PdStore           *self,
                                            PdStorePacketFunc  func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

/* Crash-safe recovery: makes the packets of up to @limit dossiers that are ACCEPTED but have
 * no outbox row, in one transaction; @n_created says how many (0: nothing left). Fails with
 * PD_STORE_ERROR_INVALID when no packet function is set. */
gboolean       pd_store_outbox_create_missing (PdStore        *self,
                                               guint           limit,
                                               guint          *n_created,
                                               GError        **error);

/* Adds a packet made outside an acceptance (an imported file, a volunteer's prepared
 * declaration), audited as @audit_action; an id already present is left alone and @added is
 * FALSE. */
gboolean       pd_store_outbox_add         (PdStore           *self,
                                            const char        *audit_action,
                                            const char        *packet_id,
                                            const char        *dossier_uuid,
                                            gint64             created_at,
                                            const char        *packet,
                                            gboolean          *added,
                                            GError           **error);

/* (element-type PdOutboxEntry): rows in @state with seq > @after_seq, by seq; when @due is
 * not 0, only those whose next_attempt_at <= @due. At most @limit (> 0) rows. */
GPtrArray     *pd_store_outbox_list        (PdStore           *self,
                                            PdOutboxState      state,
                                            gint64             after_seq,
                                            gint64             due,
                                            guint              limit,
                                            GError           **error);
/* For a push: the same rows as pd_store_outbox_list (PD_OUTBOX_PENDING, ...), and in the same
 * transaction one more attempt counted on each (the entries hold the count from before). A
 * packet claimed may reach the central system at any moment from then on: reopening its
 * application (pd_store_reopen()) no longer withdraws it. */
GPtrArray     *pd_store_outbox_claim       (PdStore           *self,
                                            gint64             after_seq,
                                            gint64             due,
                                            guint              limit,
                                            GError           **error);
gint64         pd_store_outbox_count       (PdStore           *self,
                                            PdOutboxState      state,
                                            GError           **error);
/* The smallest next_attempt_at of the pending packets, or 0 when none is pending. */
gint64         pd_store_outbox_next_due    (PdStore           *self,
                                            GError           **error);

typedef enum {
  PD_OUTBOX_RESULT_RECEIVED,   /* accepted or duplicate: done, dossier RECEIVED */
  PD_OUTBOX_RESULT_REFUSED,    /* set aside with @message */
  PD_OUTBOX_RESULT_RETRY,      /* tried again at @next_attempt_at */
} PdOutboxResultKind;

typedef struct {
  const char         *packet_id;
  PdOutboxResultKind  kind;
  const char         *message;           /* REFUSED, RETRY: why (no personal data) */
  const char         *central_id;        /* RECEIVED: the receipt, for the audit log */
  gint64              next_attempt_at;   /* RETRY */
} PdOutboxResult;

/* Applies the results of one push in one transaction: a received packet moves its dossier
 * (if still ACCEPTED or SENT) to RECEIVED with history and audit; a refused one is audited.
 * Unknown packet ids are ignored. */
gboolean       pd_store_outbox_apply       (PdStore              *self,
                                            const PdOutboxResult *results,
                                            guint                 n_results,
                                            const char           *actor,
                                            GError              **error);

/* The acceptance rule (a draft or on-hold application only), by @accepted_by, on its own:
 * the intake (pd-intake.c) follows it inside pd_store_take_in(); tests use it to set up
 * accepted applications. Writes the packet as pd_store_set_status() did. */
gboolean       pd_store_accept             (PdStore           *self,
                                            gint64             id,
                                            const char        *accepted_by,
                                            GError           **error);
/* What an application's number is made of (pd-intake.c): "OFFICE-YYMMDD-STATIONSEQ", the
 * sequence counted per station and day in the store, in the acceptance's transaction. */
typedef struct {
  const char *office;     /* e.g. "HN01" */
  const char *station;    /* the station's ticket letter, or its longer tag (pd-intake.c) */
  GDate       day;        /* the day of the acceptance */
  const char *signer;     /* (nullable): the accepting officer's full name, kept with the
                           * number for every print of its papers */
} PdStoreNumbering;

/* What the intake writes when it takes an application in (pd-intake.c). */
typedef struct {
  PdDossier          *dossier;       /* inserted when its id is 0, else updated */
  GPtrArray          *attachments;   /* (element-type PdStoreAttachment) (nullable): scans that
                                      * waited for the dossier's id */
  const char         *audit_action;  /* (nullable): one more audit row on the dossier */
  const char         *audit_detail;
  PdStatus            status;        /* PD_STATUS_ACCEPTED by pd_store_accept()'s rule, else by
                                      * pd_store_set_status()'s */
  const char         *reason;
  const char         *acceptance_token; /* the accepting officer's, from their last online
                                         * sign-in here (pd_officer_get_acceptance_token());
                                         * an enrolled station accepts nothing without it */
  const PdStoreNumbering *numbering; /* (nullable): give the application its number and
                                      * acceptance day, unless it has them already */
} PdStoreTakeIn;

/* Saves the dossier, adds the attachments and the audit row, gives the application number and
 * changes the status (which seals the packet of an accepted application) in one transaction:
 * all of it, or nothing. On success the dossier has its id, uuid, status, and number and
 * acceptance day when @numbering was given. */
gboolean       pd_store_take_in            (PdStore             *self,
                                            const PdStoreTakeIn *take_in,
                                            const char          *actor,
                                            GError             **error);
/* A status from the central system (sent, received, processing, ready, rejected). */
gboolean       pd_store_apply_central_status (PdStore         *self,
                                              gint64           id,
                                              PdStatus         status,
                                              const char      *actor,
                                              const char      *reason,
                                              GError         **error);
/* pd_store_insert_many() without the rule on statuses: demo data and benchmarks, whose
 * applications are made up in every state of their life. */
gboolean       pd_store_import_many        (PdStore           *self,
                                            PdDossier * const *dossiers,
                                            guint              n_dossiers,
                                            const char        *actor,
                                            GError           **error);

/* A packet set aside: @retry puts it back in the outbox (attempts from zero), else it is
 * deleted; audited as "packet-retry" or "packet-discard". PD_STORE_ERROR_NOT_FOUND when no
 * packet @packet_id is set aside. */
gboolean       pd_store_outbox_resolve     (PdStore           *self,
                                            const char        *packet_id,
                                            gboolean           retry,
                                            const char        *actor,
                                            GError           **error);

G_END_DECLS
