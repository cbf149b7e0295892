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
/* @sql prepared on @db, or NULL: sqlite3_errcode (db) says why. */
sqlite3_stmt *pd_sqlite_prepare  (sqlite3      *db,
                                  const char   *sql);
/* Runs @stmt, which returns no row: SQLITE_OK once done, else the failure's result code. */
int           pd_sqlite_step_done (sqlite3_stmt *stmt);

G_END_DECLS
