/* pd-sqlite.c: small SQLite helpers shared by the store, the queue and the central server.
 *
 * They return SQLite result codes rather than GErrors: each caller words its own error, since
 * what the user should do differs between the desktop's data file and the central database.
 */
#define G_LOG_DOMAIN "pd-sqlite"

#include "config.h"

#include "pd-sqlite.h"

#include <errno.h>
#include <sys/statvfs.h>

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

/* SQLite says SQLITE_FULL only when a plain write() fails with ENOSPC. A full disk met while
 * growing the WAL index, truncating or syncing comes back as a generic SQLITE_IOERR ("disk I/O
 * error"), which would send the user looking for a broken disk. The OS error, or failing that
 * the free space of the file's own file system, tells the two apart. */
gboolean
pd_sqlite_disk_is_full (sqlite3 *db,
                        int      rc)
{
  const char *path;
  struct statvfs fs;
  int os_error;

  if ((rc & 0xff) == SQLITE_FULL)
    return TRUE;
  if ((rc & 0xff) != SQLITE_IOERR || db == NULL)
    return FALSE;

  os_error = sqlite3_system_errno (db);
  if (os_error == ENOSPC || os_error == EDQUOT || os_error == EFBIG)
    return TRUE;

  path = sqlite3_db_filename (db, "main");
  if (path == NULL || *path == '\0' || statvfs (path, &fs) != 0)
    return FALSE;
  /* A transaction with a scanned page needs about a megabyte: less than that is full for us. */
  return (guint64) fs.f_bavail * fs.f_frsize < 1024 * 1024;
}

/* With a connection's wording of failures ------------------------------------------------ */

void
pd_sqlite_conn_set_error (const PdSqliteConnection  *conn,
                          int                        rc,
                          GError                   **error)
{
  conn->set_error (conn->db, rc, conn->user_data, error);
}

gboolean
pd_sqlite_conn_check (const PdSqliteConnection  *conn,
                      int                        rc,
                      GError                   **error)
{
  if (rc == SQLITE_OK)
    return TRUE;
  pd_sqlite_conn_set_error (conn, rc, error);
  return FALSE;
}

gboolean
pd_sqlite_conn_check_done (const PdSqliteConnection  *conn,
                           int                        rc,
                           GError                   **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  pd_sqlite_conn_set_error (conn, rc, error);
  return FALSE;
}

sqlite3_stmt *
pd_sqlite_conn_prepare (const PdSqliteConnection  *conn,
                        const char                *sql,
                        GError                   **error)
{
  sqlite3_stmt *stmt = NULL;

  if (!pd_sqlite_conn_check (conn, sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL), error))
    return NULL;
  return stmt;
}

gboolean
pd_sqlite_conn_step (const PdSqliteConnection  *conn,
                     sqlite3_stmt              *stmt,
                     GError                   **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  pd_sqlite_conn_set_error (conn, rc, error);
  return FALSE;
}

gboolean
pd_sqlite_conn_step_int64 (const PdSqliteConnection  *conn,
                           sqlite3_stmt              *stmt,
                           gint64                    *value,
                           GError                   **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (conn, rc, error);
      return FALSE;
    }
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
pd_sqlite_conn_exec (const PdSqliteConnection  *conn,
                     const char                *sql,
                     GError                   **error)
{
  return pd_sqlite_conn_check (conn, pd_sqlite_exec (conn->db, sql), error);
}

gboolean
pd_sqlite_conn_begin (const PdSqliteConnection  *conn,
                      GError                   **error)
{
  return pd_sqlite_conn_check (conn, pd_sqlite_begin (conn->db), error);
}

gboolean
pd_sqlite_conn_commit (const PdSqliteConnection  *conn,
                       GError                   **error)
{
  if (pd_sqlite_conn_check (conn, pd_sqlite_commit (conn->db), error))
    return TRUE;
  pd_sqlite_rollback (conn->db);
  return FALSE;
}

void
pd_sqlite_bind_int64_or_null (sqlite3_stmt *stmt,
                              int           index,
                              gint64        value)
{
  if (value)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}
