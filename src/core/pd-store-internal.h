/* pd-store-internal.h: what the parts of the store (pd-store*.c) share. Not installed, core only.
 *
 * The functions below that take a PdStore are called with its mutex held; those that write,
 * inside a transaction (see their definitions). */
#pragma once

#include <sqlite3.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store.h"
#include "pd-store-private.h"

G_BEGIN_DECLS

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DEFAULT_RETENTION_DAYS  30

/* Checkpoints (copying the WAL back into the database file, then an fsync of it) are ours
 * rather than SQLite's automatic ones so that a bulk insert can leave them for later. At the
 * default size (1000 pages) each insert_many() of 10,000 dossiers copied back every page it
 * wrote, among them most of the pages of the random ID number index, which the next batch
 * dirties again; letting the WAL reach BULK_WAL_CHECKPOINT_FRAMES first copies each such
 * page once for two batches and saves every other fsync of the database file (a few per cent
 * of the CPU time of a batch at a million dossiers, more of the wall-clock time on a slow
 * disk). The WAL is as crash-safe at any size (synchronous=FULL syncs it on every commit);
 * what it costs is disk space up to journal_size_limit and a larger checkpoint paid by the
 * next ordinary commit, which the application makes off the main thread. */
#define WAL_CHECKPOINT_FRAMES      1000
#define BULK_WAL_CHECKPOINT_FRAMES 16384   /* 64 MiB of 4 KiB pages: journal_size_limit */

struct _PdStore
{
  GObject       parent_instance;

  GMutex        mutex;
  char         *path;
  char         *store_id;
  PdSqliteConnection conn;  /* conn.db is NULL while the store is closed */
  PdCryptoKeys *keys;
  GHashTable   *statements;  /* SQL text -> prepared statement, kept for the connection */
  PdReference  *reference;
  guint         wal_checkpoint_frames;  /* see wal_hook() */

  /* Seals the packet of an accepted dossier (see pd-store-private.h). */
  PdStorePacketFunc  packet_func;
  gpointer           packet_data;
  GDestroyNotify     packet_destroy;   /* built on first use from the reference table */
};

#define DOSSIER_COLUMNS \
  DOSSIER_COLUMNS_V6 ", application_number, accepted_on, accepted_by"
/* What the rows had up to schema 7, for the migrations before it; the two last read NULL. */
#define DOSSIER_COLUMNS_V6 \
  "id, uuid, status, status_reason, created_at, updated_at, purged_at, clear, sealed"

/* A cached statement, reset (and its bindings cleared) when it goes out of scope. */
typedef sqlite3_stmt PdStatement;

void          _pd_store_statement_done       (PdStatement *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStatement, _pd_store_statement_done)

/* Reads the current row into a new element; NULL, with @error set, stops the collection. */
typedef gpointer (*RowReader) (PdStore       *self,
                               sqlite3_stmt  *stmt,
                               gpointer       user_data,
                               GError       **error);

typedef struct
{
  gint64 token;
  gint64 dossier_id;
  gint64 sig;
} NameRow;

/* pd-store.c */
gint64        _pd_store_now_seconds          (void);
void          _pd_store_set_unreadable_error (PdStore     *self,
                                              const char  *uuid,
                                              GError     **error);
gboolean      _pd_store_check_open           (PdStore  *self,
                                              GError  **error);
PdStatement  *_pd_store_prepare              (PdStore     *self,
                                              const char  *sql,
                                              GError     **error);
PdStatement  *_pd_store_prepare_open         (PdStore     *self,
                                              const char  *sql,
                                              GError     **error);
char         *_pd_store_check_signed         (PdStore     *self,
                                              const char  *meta_key,
                                              const char  *stored);
char         *_pd_store_meta_get             (PdStore     *self,
                                              const char  *key,
                                              GError     **error);
gboolean      _pd_store_meta_set             (PdStore     *self,
                                              const char  *key,
                                              const char  *value,
                                              GError     **error);

/* pd-store-schema.c */
gboolean      _pd_store_apply_migrations     (PdStore  *self,
                                              int       from,
                                              GError  **error);

/* pd-store-dossiers.c */
char         *_pd_store_normalize_id_number  (const char *text);
GPtrArray    *_pd_store_name_words           (const char *name);
gboolean      _pd_store_name_has_words       (const char *name,
                                              GPtrArray  *query_words);
char         *_pd_store_attachment_ad        (const char *uuid,
                                              const char *kind);
GPtrArray    *_pd_store_collect_rows         (PdStore         *self,
                                              sqlite3_stmt    *stmt,
                                              RowReader        read_row,
                                              gpointer         user_data,
                                              GDestroyNotify   free_func,
                                              GError         **error);
GPtrArray    *_pd_store_collect_dossiers     (PdStore       *self,
                                              sqlite3_stmt  *stmt,
                                              GError       **error);
PdDossier    *_pd_store_load_dossier         (PdStore     *self,
                                              gint64       id,
                                              GError     **error);
gboolean      _pd_store_load_full            (PdStore    *self,
                                              PdDossier  *dossier,
                                              GError    **error);

/* What pd_store_save() does inside a transaction; the id, uuid and times reach the dossier
 * only once the transaction has committed (_pd_store_saved_apply()). */
typedef struct _PdStoreSaved PdStoreSaved;
PdStoreSaved *_pd_store_save_locked          (PdStore     *self,
                                              PdDossier   *dossier,
                                              const char  *actor,
                                              GError     **error);
gint64        _pd_store_saved_get_id         (PdStoreSaved *saved);
const char   *_pd_store_saved_get_uuid       (PdStoreSaved *saved);
void          _pd_store_saved_apply          (PdStoreSaved *saved);
void          _pd_store_saved_free           (PdStoreSaved *saved);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStoreSaved, _pd_store_saved_free)

/* pd-store-status.c */
/* @acceptance_token (nullable): what the packet of an acceptance carries (pd-store-private.h). */
gboolean      _pd_store_set_status_locked    (PdStore     *self,
                                              gint64       id,
                                              PdStatus     status,
                                              const char  *actor,
                                              const char  *reason,
                                              const char  *acceptance_token,
                                              GError     **error);
gboolean      _pd_store_check_counter_change (PdStatus     from,
                                              PdStatus     to,
                                              GError     **error);
gboolean      _pd_store_insert_history       (PdStore     *self,
                                              gint64       dossier_id,
                                              gint64       at,
                                              PdStatus     status,
                                              const char  *actor,
                                              const char  *reason,
                                              GError     **error);

/* pd-store-attachments.c */
gint64        _pd_store_insert_attachment    (PdStore     *self,
                                              gint64       dossier_id,
                                              const char  *uuid,
                                              const char  *kind,
                                              const char  *mime_type,
                                              GBytes      *data,
                                              const char  *actor,
                                              GError     **error);

/* pd-store-search.c */
void          _pd_store_collect_name_keys    (PdStore    *self,
                                              gint64      dossier_id,
                                              const char *name,
                                              GArray     *rows);
gboolean      _pd_store_insert_name_rows     (PdStore     *self,
                                              GArray      *rows,
                                              GError     **error);
gboolean      _pd_store_add_name_keys        (PdStore     *self,
                                              gint64       dossier_id,
                                              const char  *name,
                                              GError     **error);
gboolean      _pd_store_remove_name_keys     (PdStore     *self,
                                              gint64       dossier_id,
                                              const char  *name,
                                              GError     **error);
gboolean      _pd_store_reseal_fields        (PdStore  *self,
                                              GError  **error);
gboolean      _pd_store_rebuild_name_tokens  (PdStore  *self,
                                              GError  **error);

/* pd-store-audit.c */
gboolean      _pd_store_audit_append         (PdStore     *self,
                                              const char  *actor,
                                              const char  *action,
                                              const char  *subject,
                                              const char  *detail,
                                              GError     **error);

/* pd-store-outbox.c */
gboolean      _pd_store_write_packet         (PdStore     *self,
                                              gint64       id,
                                              const char  *accepted_by,
                                              const char  *acceptance_token,
                                              gint64       accepted_at,
                                              GError     **error);
gboolean      _pd_store_withdraw_packets     (PdStore     *self,
                                              const char  *uuid,
                                              const char  *actor,
                                              GError     **error);

G_END_DECLS
