/* pd-central-db.h: the central server's own SQLite database: opening, keys, transactions.
 *
 * Also what its parts share; the parts are pd-central-identity.h, pd-central-applications.h,
 * pd-central-reference.h and pd-central-stats.h.
 *
 * A reference server: its X25519 and Ed25519 key pairs are kept in this database, which is
 * fine for demos and tests but not for production, where they belong in an HSM. Everything
 * runs on the thread that opened the database.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "pd-sqlite.h"

G_BEGIN_DECLS

#define PD_CENTRAL_DB_ERROR (pd_central_db_error_quark ())
typedef enum {
  PD_CENTRAL_DB_ERROR_FAILED,      /* SQLite failed: disk, corruption, lock */
  PD_CENTRAL_DB_ERROR_NOT_FOUND,
  PD_CENTRAL_DB_ERROR_BAD_CODE,    /* an enrollment code that is unknown or used */
  PD_CENTRAL_DB_ERROR_INVALID,     /* an argument the database refuses */
} PdCentralDbError;
GQuark pd_central_db_error_quark (void);

/* An Ed25519 signature. */
#define PD_CENTRAL_SIGNATURE_BYTES 64

#define PD_CENTRAL_TYPE_DB (pd_central_db_get_type ())
G_DECLARE_FINAL_TYPE (PdCentralDb, pd_central_db, PD_CENTRAL, DB, GObject)

/* The server's clock, in Unix seconds. */
gint64        pd_central_now                    (void);

/* How long after an officer's online sign-in its token still proves the applications they
 * accept (a mobile team's trip offline), unless `serve --acceptance-window-days` says. */
#define PD_CENTRAL_DEFAULT_ACCEPTANCE_WINDOW (30 * 24 * 3600)
/* The clocks of a station and of the server may differ this much (sync-protocol.md, Limits). */
#define PD_CENTRAL_ACCEPTANCE_SKEW           300

/* Creates the file and the server's key pairs if needed; imports the reference tables from
 * pd_reference_get_default_directory() when the database has none. */
PdCentralDb  *pd_central_db_open                (const char    *path,
                                                 GError       **error);

/* PD_CENTRAL_DEFAULT_ACCEPTANCE_WINDOW otherwise; @seconds > 0. */
void          pd_central_db_set_acceptance_window (PdCentralDb *self,
                                                   gint64       seconds);
const guint8 *pd_central_db_get_box_public_key  (PdCentralDb   *self);
const guint8 *pd_central_db_get_box_secret_key  (PdCentralDb   *self);
const guint8 *pd_central_db_get_sign_public_key (PdCentralDb   *self);
/* Signs @data with the server's Ed25519 key, which never leaves this object. */
void          pd_central_db_sign                (PdCentralDb   *self,
                                                 GBytes        *data,
                                                 guint8         signature[PD_CENTRAL_SIGNATURE_BYTES]);

/* The connection, with the server's wording of a failure (PD_CENTRAL_DB_ERROR_FAILED), for the
 * pd_sqlite_conn_*() calls of the parts of the server that keep tables of their own (the queue's
 * appointments, the prepared declarations), inside pd_central_db_begin() and pd_central_db_commit(). */
const PdSqliteConnection *pd_central_db_get_connection (PdCentralDb *self);

gboolean      pd_central_db_begin               (PdCentralDb   *self,
                                                 GError       **error);
gboolean      pd_central_db_commit              (PdCentralDb   *self,
                                                 GError       **error);
void          pd_central_db_rollback            (PdCentralDb   *self);

typedef void (*PdCentralAddRowFunc) (JsonBuilder  *builder,
                                     sqlite3_stmt *stmt);
/* Builds { @member: [rows], next_cursor, more } (data/sync-protocol.md) from a bound
 * statement whose first column is the cursor and that may return one row past @limit: that
 * row only says there are more. */
JsonNode     *pd_central_sql_read_page          (sqlite3_stmt  *stmt,
                                                 const char    *member,
                                                 gint64         after,
                                                 guint          limit,
                                                 PdCentralAddRowFunc add_row,
                                                 GError       **error);
/* Adds the JSON text that the server stored in @column of @stmt's row, or null. */
void          pd_central_sql_add_json           (JsonBuilder   *builder,
                                                 sqlite3_stmt  *stmt,
                                                 int            column);
/* Ends the page whose array of rows @builder holds, up to the cursor @last. */
JsonNode     *pd_central_page_end               (JsonBuilder   *builder,
                                                 gint64         last,
                                                 gboolean       more);

gboolean      pd_central_db_audit               (PdCentralDb   *self,
                                                 const char    *actor,
                                                 const char    *action,
                                                 const char    *subject,
                                                 const char    *detail,
                                                 GError       **error);
/* Audit rows of @action about @subject since @since, by @actor (NULL: anyone); @oldest gets
 * the time of the first. */
guint         pd_central_db_count_audit         (PdCentralDb   *self,
                                                 const char    *actor,
                                                 const char    *action,
                                                 const char    *subject,
                                                 gint64         since,
                                                 gint64        *oldest);

G_END_DECLS
