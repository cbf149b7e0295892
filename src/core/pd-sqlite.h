/* pd-sqlite.h: small SQLite helpers shared by the store, the queue and the central server. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A statement owned by its scope: finalized when it goes out of scope. */
typedef sqlite3_stmt PdSqliteStatement;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSqliteStatement, sqlite3_finalize)

void     pd_sqlite_bind_text   (sqlite3_stmt *stmt,
                                int           index,
                                const char   *text);
char    *pd_sqlite_column_dup  (sqlite3_stmt *stmt,
                                int           column);
int      pd_sqlite_exec        (sqlite3      *db,
                                const char   *sql);
int      pd_sqlite_begin       (sqlite3      *db);
int      pd_sqlite_commit      (sqlite3      *db);
void     pd_sqlite_rollback    (sqlite3      *db);
gboolean pd_sqlite_disk_is_full (sqlite3     *db,
                                int          rc);

/* A connection and how its owner words a failure as a GError: the store, the queue and the
 * central server each tell the user something different to do. The helpers below call
 * @set_error with the failing result code and return FALSE or NULL. */
typedef void (*PdSqliteErrorFunc) (sqlite3   *db,
                                   int        rc,
                                   gpointer   user_data,
                                   GError   **error);

typedef struct
{
  sqlite3           *db;
  PdSqliteErrorFunc  set_error;
  gpointer           user_data;
} PdSqliteConnection;

void          pd_sqlite_conn_set_error (const PdSqliteConnection  *conn,
                                        int                        rc,
                                        GError                   **error);
/* TRUE when @rc is SQLITE_OK. */
gboolean      pd_sqlite_conn_check     (const PdSqliteConnection  *conn,
                                        int                        rc,
                                        GError                   **error);
/* TRUE when @rc, the last step of a loop over rows, is SQLITE_DONE. */
gboolean      pd_sqlite_conn_check_done (const PdSqliteConnection *conn,
                                        int                        rc,
                                        GError                   **error);
/* A new statement for g_autoptr(PdSqliteStatement). */
sqlite3_stmt *pd_sqlite_conn_prepare   (const PdSqliteConnection  *conn,
                                        const char                *sql,
                                        GError                   **error);
/* Steps a statement whose rows do not matter (an INSERT, UPDATE or DELETE). */
gboolean      pd_sqlite_conn_step      (const PdSqliteConnection  *conn,
                                        sqlite3_stmt              *stmt,
                                        GError                   **error);
/* Steps @stmt to its one row and reads its first column. */
gboolean      pd_sqlite_conn_step_int64 (const PdSqliteConnection *conn,
                                        sqlite3_stmt              *stmt,
                                        gint64                    *value,
                                        GError                   **error);
gboolean      pd_sqlite_conn_exec      (const PdSqliteConnection  *conn,
                                        const char                *sql,
                                        GError                   **error);
gboolean      pd_sqlite_conn_begin     (const PdSqliteConnection  *conn,
                                        GError                   **error);
/* Rolls back when the commit fails, so that the connection is usable again. */
gboolean      pd_sqlite_conn_commit    (const PdSqliteConnection  *conn,
                                        GError                   **error);

/* A zero binds SQL NULL: a time or a year that is not known. */
void          pd_sqlite_bind_int64_or_null (sqlite3_stmt *stmt,
                                            int           index,
                                            gint64        value);

G_END_DECLS
