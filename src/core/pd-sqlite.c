/* pd-sqlite.c: small SQLite helpers shared by the store, the queue and the central server.
 *
 * They return SQLite result codes rather than GErrors: each caller words its own error, since
 * what the user should do differs between the desktop's data file and the central database.
 */
#define G_LOG_DOMAIN "pd-sqlite"

#include "config.h"

#include "pd-sqlite.h"

/* A NULL text binds SQL NULL, so optional fields round-trip as absent. */
void
pd_sqlite_bind_text (sqlite3_stmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

char *
pd_sqlite_column_dup (sqlite3_stmt *stmt,
                      int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

int
pd_sqlite_exec (sqlite3    *db,
                const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* IMMEDIATE takes the write lock now, so that a busy database fails here (after the busy
 * timeout) rather than half-way through the work. */
int
pd_sqlite_begin (sqlite3 *db)
{
  return pd_sqlite_exec (db, "BEGIN IMMEDIATE");
}

int
pd_sqlite_commit (sqlite3 *db)
{
  return pd_sqlite_exec (db, "COMMIT");
}

/* Safe to call whether or not a transaction is open (SQLite may already have rolled back). */
void
pd_sqlite_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    pd_sqlite_exec (db, "ROLLBACK");
}
