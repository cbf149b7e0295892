/* pd-store-audit.c: the hash-chained audit log, its verification, and the purge of the personal
 * data of dossiers past their retention period. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"

#define MAX_RETENTION_DAYS      3650

void
pd_audit_entry_free (PdAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->detail);
  g_free (entry);
}

/* Audit ---------------------------------------------------------------------------------- */

/* Must run inside a transaction, the one of the change it records. */
gboolean
_pd_store_audit_append (PdStore     *self,
                        const char  *actor,
                        const char  *action,
                        const char  *subject,
                        const char  *detail,
                        GError     **error)
{
  guint8 previous[PD_CRYPTO_HASH_BYTES] = { 0 };
  guint8 hash[PD_CRYPTO_HASH_BYTES];
  gint64 seq = 1;
  gint64 at = _pd_store_now_seconds ();

  {
    g_autoptr(PdStatement) last =
      _pd_store_prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
    int rc;

    if (last == NULL)
      return FALSE;
    rc = sqlite3_step (last);
    if (rc == SQLITE_ROW)
      {
        seq = sqlite3_column_int64 (last, 0) + 1;
        if (sqlite3_column_bytes (last, 1) == PD_CRYPTO_HASH_BYTES)
          memcpy (previous, sqlite3_column_blob (last, 1), PD_CRYPTO_HASH_BYTES);
      }
    else if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      return FALSE;
  }

  pd_crypto_audit_hash (self->keys, previous, seq, at, actor, action, subject, detail, hash);

  {
    g_autoptr(PdStatement) insert =
      _pd_store_prepare (self,
                         "INSERT INTO audit (seq, at, actor, action, subject, detail, hash)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

    if (insert == NULL)
      return FALSE;
    sqlite3_bind_int64 (insert, 1, seq);
    sqlite3_bind_int64 (insert, 2, at);
    pd_sqlite_bind_text (insert, 3, actor);
    pd_sqlite_bind_text (insert, 4, action);
    pd_sqlite_bind_text (insert, 5, subject);
    pd_sqlite_bind_text (insert, 6, detail);
    sqlite3_bind_blob (insert, 7, hash, sizeof hash, SQLITE_TRANSIENT);
    return pd_sqlite_conn_step (&self->conn, insert, error);
  }
}

gboolean
pd_store_audit (PdStore     *self,
                const char  *actor,
                const char  *action,
                const char  *subject,
                const char  *detail,
                GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  if (!_pd_store_audit_append (self, actor, action, subject, detail, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
}

/* A session or counter edited by hand is as much a forgery as an edited audit row. */
static gboolean
verify_signed_settings (PdStore  *self,
                        GError  **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "SELECT key, value FROM meta WHERE key LIKE 'signed-setting.%' AND value IS NOT NULL", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *value = _pd_store_check_signed (self, key, (const char *) sqlite3_column_text (stmt, 1));

      if (value == NULL)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                       _("The setting “%s” of “%s” was altered outside Passdesk. Keep the file "
                         "as evidence and report it to your supervisor; the officer signs in "
                         "again to continue."),
                       key + strlen ("signed-setting."), self->path);
          return FALSE;
        }
    }
  return pd_sqlite_conn_check_done (&self->conn, rc, error);
}

gboolean
pd_store_audit_verify (PdStore  *self,
                       gint64   *n_entries,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  guint8 previous[PD_CRYPTO_HASH_BYTES] = { 0 };
  gint64 expected_seq = 1;
  gint64 n = 0;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  if (n_entries)
    *n_entries = 0;

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT seq, at, actor, action, subject, detail, hash FROM audit"
                                 " ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint8 hash[PD_CRYPTO_HASH_BYTES];
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      pd_crypto_audit_hash (self->keys, previous, seq, sqlite3_column_int64 (stmt, 1),
                            (const char *) sqlite3_column_text (stmt, 2),
                            (const char *) sqlite3_column_text (stmt, 3),
                            (const char *) sqlite3_column_text (stmt, 4),
                            (const char *) sqlite3_column_text (stmt, 5),
                            hash);
      /* A gap in the numbering is a removed row, even if the hashes around it were redone. */
      if (seq != expected_seq ||
          sqlite3_column_bytes (stmt, 6) != PD_CRYPTO_HASH_BYTES ||
          sodium_memcmp (hash, sqlite3_column_blob (stmt, 6), PD_CRYPTO_HASH_BYTES) != 0)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                       _("The audit log of “%s” was altered at entry %lld. "
                         "Keep the file as evidence and report it to your supervisor; "
                         "restore a backup to continue."),
                       self->path, (long long) MIN (seq, expected_seq));
          if (n_entries)
            *n_entries = n;
          return FALSE;
        }
      memcpy (previous, hash, sizeof hash);
      expected_seq = seq + 1;
      n++;
    }
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return FALSE;
  if (n_entries)
    *n_entries = n;
  return verify_signed_settings (self, error);
}

static gpointer
read_audit_entry (PdStore       *self,
                  sqlite3_stmt  *stmt,
                  gpointer       user_data,
                  GError       **error)
{
  PdAuditEntry *entry = g_new0 (PdAuditEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->at = sqlite3_column_int64 (stmt, 1);
  entry->actor = pd_sqlite_column_dup (stmt, 2);
  entry->action = pd_sqlite_column_dup (stmt, 3);
  entry->subject = pd_sqlite_column_dup (stmt, 4);
  entry->detail = pd_sqlite_column_dup (stmt, 5);
  return entry;
}

GPtrArray *
pd_store_audit_list (PdStore  *self,
                     gint64    after_seq,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT seq, at, actor, action, subject, detail FROM audit WHERE seq > ?"
                                 " ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  return _pd_store_collect_rows (self, stmt, read_audit_entry, NULL,
                                 (GDestroyNotify) pd_audit_entry_free, error);
}

typedef struct
{
  gint64  id;
  char   *uuid;
} PurgeRow;

static void
purge_row_clear (PurgeRow *row)
{
  g_free (row->uuid);
}

static gboolean
purge_one (PdStore     *self,
           PurgeRow    *row,
           gint64       now,
           const char  *actor,
           const char  *detail,
           GError     **error)
{
  g_autoptr(PdDossier) dossier = _pd_store_load_dossier (self, row->id, error);

  if (dossier == NULL ||
      !_pd_store_remove_name_keys (self, row->id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt = _pd_store_prepare (self, "DELETE FROM attachments WHERE dossier_id = ?",
                                                     error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row->id);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "UPDATE dossiers SET sealed = NULL, id_index = NULL, purged_at = ?,"
                         " updated_at = ? WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, now);
    sqlite3_bind_int64 (stmt, 3, row->id);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  return _pd_store_audit_append (self, actor, "purge", row->uuid, detail, error);
}

/* The condition of pd_store_purge(), on the partial index dossiers_to_purge; ? is the
 * latest confirmation time that is old enough. */
#define PURGEABLE "confirmed_at IS NOT NULL AND purged_at IS NULL AND confirmed_at <= ?"

gboolean
pd_store_purge (PdStore     *self,
                guint        days,
                gint64       now,
                guint       *n_purged,
                const char  *actor,
                GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autofree char *detail = g_strdup_printf ("retention %u days", days);
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  if (n_purged)
    *n_purged = 0;

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  rows = g_array_new (FALSE, FALSE, sizeof (PurgeRow));
  g_array_set_clear_func (rows, (GDestroyNotify) purge_row_clear);
  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "SELECT id, uuid FROM dossiers WHERE " PURGEABLE, error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_int64 (stmt, 1, now - (gint64) days * 86400);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        PurgeRow row = { sqlite3_column_int64 (stmt, 0), pd_sqlite_column_dup (stmt, 1) };

        g_array_append_val (rows, row);
      }
    if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      goto failed;
  }

  for (guint i = 0; i < rows->len; i++)
    if (!purge_one (self, &g_array_index (rows, PurgeRow, i), now, actor, detail, error))
      goto failed;

  if (!pd_sqlite_conn_commit (&self->conn, error))
    return FALSE;
  if (n_purged)
    *n_purged = rows->len;
  return TRUE;

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

gboolean
pd_store_count_purgeable (PdStore  *self,
                          guint     days,
                          gint64    now,
                          gint64   *n,
                          GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (n != NULL, FALSE);

  *n = 0;
  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "SELECT count(*) FROM dossiers WHERE " PURGEABLE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - (gint64) days * 86400);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return FALSE;
    }
  *n = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

guint
pd_store_get_retention_days (PdStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *value = NULL;
  guint64 days;

  g_return_val_if_fail (PD_IS_STORE (self), DEFAULT_RETENTION_DAYS);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->conn.db)
    value = _pd_store_meta_get (self, "retention_days", NULL);
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, MAX_RETENTION_DAYS, &days, NULL))
    return DEFAULT_RETENTION_DAYS;
  return days;
}

gboolean
pd_store_set_retention_days (PdStore  *self,
                             guint     days,
                             GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  if (days < 1 || days > MAX_RETENTION_DAYS)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("The retention period must be between 1 and %d days. Enter a number "
                     "in that range."), MAX_RETENTION_DAYS);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  value = g_strdup_printf ("%u", days);
  detail = g_strdup_printf ("retention_days=%u", days);
  if (!_pd_store_meta_set (self, "retention_days", value, error) ||
      !_pd_store_audit_append (self, NULL, "settings", NULL, detail, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
}
