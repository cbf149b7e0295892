/* pd-store.h: the local, crash-safe, encrypted store of dossiers.
 *
 * One SQLite file (WAL, foreign keys, synchronous=FULL, every write in a transaction).
 * Personal fields, photos and scans are sealed with a key kept in the user's keyring;
 * the ID number and the words of the name are looked up through keyed blind indexes.
 * Every change appends to a hash-chained audit log.
 *
 * A PdStore may be used from several threads: calls are serialised inside.
 */
#pragma once

#include <gio/gio.h>

#include "pd-types.h"
#include "pd-dossier.h"
#include "pd-reference.h"

G_BEGIN_DECLS

#define PD_STORE_SCHEMA_VERSION 11

/* The keyring holds each store's master key under this kind (see pd-secrets.h), with the
 * store id as its id. */
#define PD_STORE_SECRET_KIND "store-key"

#define PD_STORE_ERROR (pd_store_error_quark ())
typedef enum {
  PD_STORE_ERROR_CORRUPT,        /* not a Passdesk database, or damaged */
  PD_STORE_ERROR_NEWER_SCHEMA,   /* written by a newer Passdesk */
  PD_STORE_ERROR_LOCKED,         /* another program holds a lock for too long */
  PD_STORE_ERROR_FULL,           /* no space left on the disk */
  PD_STORE_ERROR_KEYRING,        /* keyring unavailable, locked, or the key is missing */
  PD_STORE_ERROR_WRONG_KEY,      /* the keyring's key does not open this database */
  PD_STORE_ERROR_NOT_FOUND,
  PD_STORE_ERROR_IO,
  PD_STORE_ERROR_INVALID,        /* the request itself is wrong (e.g. bad status change) */
} PdStoreError;
GQuark pd_store_error_quark (void);

typedef enum {
  PD_STORE_OPEN_NONE   = 0,
  PD_STORE_OPEN_CREATE = 1 << 0,  /* create the file and its key if missing */
} PdStoreOpenFlags;

typedef struct {
  gint64    at;          /* unix seconds */
  PdStatus  status;
  char     *actor;
  char     *reason;      /* nullable */
} PdStatusChange;
void pd_status_change_free (PdStatusChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStatusChange, pd_status_change_free)

typedef struct {
  gint64  seq;
  gint64  at;
  char   *actor;
  char   *action;        /* e.g. "create", "update", "status", "purge", "attach" */
  char   *subject;       /* dossier uuid or NULL; never personal data */
  char   *detail;        /* nullable, never personal data */
} PdAuditEntry;
void pd_audit_entry_free (PdAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAuditEntry, pd_audit_entry_free)

#define PD_TYPE_STORE (pd_store_get_type ())
G_DECLARE_FINAL_TYPE (PdStore, pd_store, PD, STORE, GObject)

PdStore     *pd_store_open                (const char        *path,
                                           PdStoreOpenFlags   flags,
                                           GError           **error);
void         pd_store_open_async          (const char        *path,
                                           PdStoreOpenFlags   flags,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
PdStore     *pd_store_open_finish         (GAsyncResult      *result,
                                           GError           **error);
const char  *pd_store_get_path            (PdStore           *self);
const char  *pd_store_get_store_id        (PdStore           *self);
/* How long a write waits for another program's lock before PD_STORE_ERROR_LOCKED (5 s). */
void         pd_store_set_busy_timeout    (PdStore           *self,
                                           guint              milliseconds);
/* Reads every page and index of the file (seconds for a large one) and fails with
 * PD_STORE_ERROR_CORRUPT if anything is damaged. Opening a large file only checks it after an
 * unclean shutdown: this is the full check, for the `check` command and for background checks.
 * It reads through its own connection, so saving and searching go on meanwhile. */
gboolean     pd_store_check_integrity     (PdStore           *self,
                                           GCancellable      *cancellable,
                                           GError           **error);
void         pd_store_check_integrity_async (PdStore         *self,
                                             GCancellable    *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer         user_data);
gboolean     pd_store_check_integrity_finish (PdStore        *self,
                                              GAsyncResult   *result,
                                              GError        **error);
/* Closes the file; later calls fail with PD_STORE_ERROR_IO. Also done on finalize. */
void         pd_store_close               (PdStore           *self);

/* Reference data (provinces, communes, ethnic groups, fees) lives in the database so that
 * sync can update it; a new database is seeded from the installed CSV files. */
/* (transfer full): rebuilt after pd_store_replace_reference(); a reference held by a caller
 * keeps the old content. */
PdReference *pd_store_get_reference       (PdStore           *self);
gboolean     pd_store_replace_reference   (PdStore           *self,
                                           PdReferenceTable   table,
                                           const char        *version,
                                           GPtrArray         *entries,
                                           GError           **error);
/* (nullable): NULL when the table was never replaced nor seeded. */
char        *pd_store_get_reference_version (PdStore         *self,
                                             PdReferenceTable table);

/* Dossiers. save() inserts when the id is 0 (giving it an id, uuid and timestamps) and
 * updates otherwise. insert_many() writes all or nothing in one transaction.
 * On insert a created_at (or updated_at) already set on the dossier is kept (imports, demo
 * data); an update sets updated_at to now. A photo set on the dossier is stored sealed as the
 * "photo" attachment; a dossier without a photo leaves the stored photo alone.
 * pd_store_get() and pd_store_get_by_uuid() load the photo; lists and searches do not. */
gboolean     pd_store_save                (PdStore           *self,
                                           PdDossier         *dossier,
                                           const char        *actor,
                                           GError           **error);
void         pd_store_save_async          (PdStore           *self,
                                           PdDossier         *dossier,
                                           const char        *actor,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
gboolean     pd_store_save_finish         (PdStore           *self,
                                           GAsyncResult      *result,
                                           GError           **error);
gboolean     pd_store_insert_many         (PdStore           *self,
                                           PdDossier * const *dossiers,
                                           guint              n_dossiers,
                                           const char        *actor,
                                           GError           **error);
PdDossier   *pd_store_get                 (PdStore           *self,
                                           gint64             id,
                                           GError           **error);
PdDossier   *pd_store_get_by_uuid         (PdStore           *self,
                                           const char        *uuid,
                                           GError           **error);
gint64       pd_store_count               (PdStore           *self,
                                           GError           **error);
/* The number of dossiers in each status, from the clear columns (nothing is decrypted). */
gboolean     pd_store_count_by_status     (PdStore           *self,
                                           gint64             counts[PD_N_STATUSES],
                                           GError           **error);

/* Lookups. Each returns (element-type PdDossier) newest first; an empty array when nothing
 * matches, NULL only on error. */
GPtrArray   *pd_store_find_by_id_number   (PdStore           *self,
                                           const char        *id_number,
                                           GError           **error);
GPtrArray   *pd_store_find_by_declaration_code (PdStore      *self,
                                                const char   *code,
                                                GError      **error);
/* The application numbered @number (pd_dossier_get_application_number()), case ignored. */
GPtrArray   *pd_store_find_by_application_number (PdStore    *self,
                                                  const char *number,
                                                  GError    **error);
/* Every word of @query must be a whole word of the name, ignoring case and diacritics. */
GPtrArray   *pd_store_search_name         (PdStore           *self,
                                           const char        *query,
                                           guint              limit,
                                           GError           **error);
/* A query that looks like an ID number (9 or 12 digits) searches by ID, a single word with
 * digits by application number, else by declaration code, anything else by name. */
void         pd_store_search_async        (PdStore           *self,
                                           const char        *query,
                                           guint              limit,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
GPtrArray   *pd_store_search_finish       (PdStore           *self,
                                           GAsyncResult      *result,
                                           GError           **error);
/* @status may be PD_STATUS_INVALID for any status; @since (unix seconds) 0 for any time,
 * else only dossiers changed (updated_at) at or after @since, most recently changed first.
 * @limit 0 means no limit (also for pd_store_search_name()). */
GPtrArray   *pd_store_list                (PdStore           *self,
                                           PdStatus           status,
                                           gint64             since,
                                           guint              limit,
                                           GError           **error);

/* Status changes are recorded in the history and the audit log. This is the counter's own
 * path (draft, on hold, refused): acceptance goes through the intake path (pd-intake.c)
 * and "sent" and later statuses come only from the central system (the sync engine); both
 * are refused here with PD_STORE_ERROR_INVALID, as is leaving them (see pd_store_reopen()).
 * pd_store_save() and pd_store_insert_many() follow the same rule for the dossier's status. */
gboolean     pd_store_set_status          (PdStore           *self,
                                           gint64             id,
                                           PdStatus           status,
                                           const char        *actor,
                                           const char        *reason,
                                           GError           **error);
/* A supervisor puts a refused or accepted application back to the counter as a draft, with
 * @reason, in one transaction with its history, the "reopen" audit row and, for an accepted
 * one, the withdrawal of its packet from the outbox. Fails with PD_STORE_ERROR_INVALID, and
 * changes nothing, when the packet may already have reached the central system (it was
 * received, or a push of it started: see pd_store_outbox_claim()) or for any other status. */
gboolean     pd_store_reopen              (PdStore           *self,
                                           gint64             id,
                                           const char        *actor,
                                           const char        *reason,
                                           GError           **error);
GPtrArray   *pd_store_get_status_history  (PdStore           *self,
                                           gint64             id,
                                           GError           **error);

/* A rejection by the central system waits for an officer until one handles it: calls the
 * citizen, say, and writes down what was agreed (@note, required), in one transaction with
 * the "rejection-handled" audit row. A later status change (a new rejection too) makes it
 * unhandled again. Fails with PD_STORE_ERROR_INVALID for an application not rejected. */
gboolean     pd_store_handle_rejection    (PdStore           *self,
                                           gint64             id,
                                           const char        *actor,
                                           const char        *note,
                                           GError           **error);
/* The rejected applications nobody handled yet, most recent first (@limit 0: all). */
GPtrArray   *pd_store_list_unhandled_rejections  (PdStore     *self,
                                                  guint        limit,
                                                  GError     **error);
gint64       pd_store_count_unhandled_rejections (PdStore     *self,
                                                  GError     **error);

/* Attachments: the photo ("photo") and scanned documents, sealed like personal fields. */
gint64       pd_store_add_attachment      (PdStore           *self,
                                           gint64             dossier_id,
                                           const char        *kind,
                                           const char        *mime_type,
                                           GBytes            *data,
                                           const char        *actor,
                                           GError           **error);
GBytes      *pd_store_get_attachment      (PdStore           *self,
                                           gint64             attachment_id,
                                           char             **kind,
                                           char             **mime_type,
                                           GError           **error);
/* (element-type gint64): the attachment ids of the dossier, oldest first. */
GArray      *pd_store_list_attachments    (PdStore           *self,
                                           gint64             dossier_id,
                                           GError           **error);

/* Drafts: what a form holds before it is saved as an application, so that nothing typed is
 * lost when the window closes, the program crashes or the power goes. @slot names the form
 * (one draft per form of a station: the newest replaces the one before); @content is the
 * form's own encoding of what it shows, stored sealed like personal fields, with the time it
 * was saved. A draft is neither a dossier nor audited: it is overwritten as the officer types,
 * and it is discarded once its application is taken in or on purpose. */
gboolean     pd_store_save_draft          (PdStore           *self,
                                           const char        *slot,
                                           GBytes            *content,
                                           GError           **error);
void         pd_store_save_draft_async    (PdStore           *self,
                                           const char        *slot,
                                           GBytes            *content,   /* nullable */
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
gboolean     pd_store_save_draft_finish   (PdStore           *self,
                                           GAsyncResult      *result,
                                           GError           **error);
/* (transfer full) (nullable): the draft of @slot, and when it was saved (unix seconds,
 * nullable @saved_at); NULL without an error when there is none. */
GBytes      *pd_store_load_draft          (PdStore           *self,
                                           const char        *slot,
                                           gint64            *saved_at,
                                           GError           **error);
void         pd_store_load_draft_async    (PdStore           *self,
                                           const char        *slot,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
GBytes      *pd_store_load_draft_finish   (PdStore           *self,
                                           GAsyncResult      *result,
                                           gint64            *saved_at,
                                           GError           **error);
/* Removing a draft that is not there succeeds. The _async() form of saving with a NULL
 * @content discards it: a form's writes go one after the other through it. */
gboolean     pd_store_discard_draft       (PdStore           *self,
                                           const char        *slot,
                                           GError           **error);

/* Audit log: append-only, each row hashed (keyed) over the previous row's hash. */
gboolean     pd_store_audit               (PdStore           *self,
                                           const char        *actor,
                                           const char        *action,
                                           const char        *subject,
                                           const char        *detail,
                                           GError           **error);
/* Returns FALSE with PD_STORE_ERROR_CORRUPT naming the first bad row if the chain is broken. */
gboolean     pd_store_audit_verify        (PdStore           *self,
                                           gint64            *n_entries,
                                           GError           **error);
/* (element-type PdAuditEntry): entries after @after_seq, oldest first; @limit 0 for all. */
GPtrArray   *pd_store_audit_list          (PdStore           *self,
                                           gint64             after_seq,
                                           guint              limit,
                                           GError           **error);

/* Retention: wipe the personal data of dossiers confirmed by the central system more than
 * @days days before @now; the non-personal record stays for statistics. */
gboolean     pd_store_purge               (PdStore           *self,
                                           guint              days,
                                           gint64             now,
                                           guint             *n_purged,
                                           const char        *actor,
                                           GError           **error);
/* How many dossiers pd_store_purge() would wipe with the same @days and @now. */
gboolean     pd_store_count_purgeable     (PdStore           *self,
                                           guint              days,
                                           gint64             now,
                                           gint64            *n,
                                           GError           **error);
guint        pd_store_get_retention_days  (PdStore           *self);
gboolean     pd_store_set_retention_days  (PdStore           *self,
                                           guint              days,
                                           GError           **error);

/* Settings that decide who may do what (the officer's session): each value is kept with a
 * keyed hash under the keyring's key. A value changed, or copied from another setting, in
 * the file by hand reads as none (@altered, nullable, says so) and fails
 * pd_store_audit_verify(). Deleting one is not detected: keep there only what is safe to lose. */
gboolean     pd_store_set_signed_setting  (PdStore           *self,
                                           const char        *key,
                                           const char        *value,
                                           GError           **error);
char        *pd_store_get_signed_setting  (PdStore           *self,
                                           const char        *key,
                                           gboolean          *altered);

/* Small settings kept with the data (office code, counter, ...). */
char        *pd_store_get_setting         (PdStore           *self,
                                           const char        *key);
gboolean     pd_store_set_setting         (PdStore           *self,
                                           const char        *key,
                                           const char        *value,
                                           GError           **error);

G_END_DECLS
