/* pd-store-attachments.c: the sealed photo and scans of a dossier in the store. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-sqlite.h"
#include "pd-store-internal.h"

gint64
_pd_store_insert_attachment (PdStore     *self,
                             gint64       dossier_id,
                             const char  *uuid,
                             const char  *kind,
                             const char  *mime_type,
                             GBytes      *data,
                             const char  *actor,
                             GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "INSERT INTO attachments (dossier_id, kind, mime_type, size, created_at, sealed)"
                       " VALUES (?, ?, ?, ?, ?, ?)", error);
  g_autofree char *ad = _pd_store_attachment_ad (uuid, kind);
  g_autofree char *detail = NULL;
  g_autoptr(GBytes) sealed = NULL;
  gsize size;
  gconstpointer bytes = g_bytes_get_data (data, &size);
  gint64 id;

  if (stmt == NULL)
    return 0;
  sealed = pd_crypto_seal (self->keys, bytes, size, ad);
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  pd_sqlite_bind_text (stmt, 2, kind);
  pd_sqlite_bind_text (stmt, 3, mime_type);
  sqlite3_bind_int64 (stmt, 4, size);
  sqlite3_bind_int64 (stmt, 5, _pd_store_now_seconds ());
  sqlite3_bind_blob (stmt, 6, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                     SQLITE_STATIC);
  if (!pd_sqlite_conn_step (&self->conn, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (self->conn.db);

  detail = g_strdup_printf ("%s, %" G_GSIZE_FORMAT " bytes", kind, size);
  if (!_pd_store_audit_append (self, actor, "attach", uuid, detail, error))
    return 0;
  return id;
}

gint64
pd_store_add_attachment (PdStore     *self,
                         gint64       dossier_id,
                         const char  *kind,
                         const char  *mime_type,
                         GBytes      *data,
                         const char  *actor,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  gint64 id;

  g_return_val_if_fail (PD_IS_STORE (self), 0);
  g_return_val_if_fail (kind != NULL, 0);
  g_return_val_if_fail (data != NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return 0;
  dossier = _pd_store_load_dossier (self, dossier_id, error);
  if (dossier == NULL)
    goto failed;
  if (pd_dossier_get_purged (dossier))
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("The personal data of this application was deleted at the end "
                             "of the retention period, so no document can be added to it. "
                             "Start a new application instead."));
      goto failed;
    }
  id = _pd_store_insert_attachment (self, dossier_id, pd_dossier_get_uuid (dossier), kind, mime_type,
                                    data, actor, error);
  if (id == 0 || !pd_sqlite_conn_commit (&self->conn, error))
    goto failed;
  return id;

failed:
  pd_sqlite_rollback (self->conn.db);
  return 0;
}

GBytes *
pd_store_get_attachment (PdStore     *self,
                         gint64       attachment_id,
                         char       **kind,
                         char       **mime_type,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  g_autofree char *ad = NULL;
  GBytes *data;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT a.kind, a.mime_type, a.sealed, d.uuid FROM attachments a"
                                 " JOIN dossiers d ON d.id = a.dossier_id WHERE a.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, attachment_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("The document was not found: it may have been replaced or deleted at "
                     "the end of the retention period. Scan it again if it is still needed."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }

  ad = _pd_store_attachment_ad ((const char *) sqlite3_column_text (stmt, 3),
                                (const char *) sqlite3_column_text (stmt, 0));
  data = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                         sqlite3_column_bytes (stmt, 2), ad, NULL);
  if (data == NULL)
    {
      _pd_store_set_unreadable_error (self, (const char *) sqlite3_column_text (stmt, 3), error);
      return NULL;
    }
  if (kind)
    *kind = pd_sqlite_column_dup (stmt, 0);
  if (mime_type)
    *mime_type = pd_sqlite_column_dup (stmt, 1);
  return data;
}

GArray *
pd_store_list_attachments (PdStore  *self,
                           gint64    dossier_id,
                           GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  g_autoptr(GArray) ids = NULL;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "SELECT id FROM attachments WHERE dossier_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return NULL;
  return g_steal_pointer (&ids);
}
