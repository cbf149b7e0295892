/* pd-queue-store.c: the queue's tables in the store's file, through a connection of their own.
 *
 * The store's file is in WAL mode, so this second connection reads and writes beside the
 * store's own; the tables are created idempotently on first use (PD_QUEUE_SCHEMA_SQL). Queue
 * rows carry no personal data, so nothing here needs the store's keys.
 */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-queue-private.h"

#define BUSY_TIMEOUT_MS 5000

typedef struct {
  GMutex   mutex;
  sqlite3 *db;
} Connection;

static void
connection_free (Connection *connection)
{
  g_clear_pointer (&connection->db, sqlite3_close);
  g_mutex_clear (&connection->mutex);
  g_free (connection);
}

static gboolean
fail (sqlite3     *db,
      const char  *path,
      GError     **error)
{
  int rc = db ? sqlite3_errcode (db) : SQLITE_CANTOPEN;

  g_set_error (error, PD_STORE_ERROR,
               rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? PD_STORE_ERROR_LOCKED
               : rc == SQLITE_FULL ? PD_STORE_ERROR_FULL : PD_STORE_ERROR_IO,
               _("The queue in “%s” could not be read or saved (%s). Check the disk and restart Passdesk."),
               path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static Connection *
get_connection (PdStore  *store,
                GError  **error)
{
  static GMutex lock;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  Connection *connection = g_object_get_data (G_OBJECT (store), "pd-queue-connection");
  const char *path = pd_store_get_path (store);
  sqlite3 *db = NULL;

  if (connection)
    return connection;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
      sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
      sqlite3_exec (db, PD_QUEUE_SCHEMA_SQL, NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (db, path, error);
      sqlite3_close (db);
      return NULL;
    }
  connection = g_new0 (Connection, 1);
  g_mutex_init (&connection->mutex);
  connection->db = db;
  g_object_set_data_full (G_OBJECT (store), "pd-queue-connection", connection,
                          (GDestroyNotify) connection_free);
  return connection;
}

gboolean
pd_store_run_sql (PdStore        *self,
                  PdStoreSqlFunc  func,
                  gpointer        user_data,
                  GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  Connection *connection;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if ((connection = get_connection (self, error)) == NULL)
    return FALSE;
  locker = g_mutex_locker_new (&connection->mutex);
  /* IMMEDIATE: a busy file fails here, after the busy timeout, not half-way through. */
  if (sqlite3_exec (connection->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return fail (connection->db, pd_store_get_path (self), error);
  if (!func (connection->db, user_data, error))
    {
      sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (sqlite3_exec (connection->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (connection->db, pd_store_get_path (self), error);
      sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}
