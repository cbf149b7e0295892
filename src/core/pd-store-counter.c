/* pd-store-counter.c: what the counter writes around a dossier: status changes and their
 * history, attachments, and the intake's one transaction (pd_store_take_in()). */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"

/* Inside a transaction, with the lock held. */
gboolean
_pd_store_set_status_locked (PdStore     *self,
                             gint64       id,
                             PdStatus     status,
                             const char  *actor,
                             const char  *reason,
                             GError     **error)
{
  g_autoptr(PdDossier) dossier = NULL;
  gint64 updated_at;

  dossier = _pd_store_load_dossier (self, id, error);
  if (dossier == NULL)
    return FALSE;
  if (pd_dossier_get_purged (dossier) && !pd_status_is_confirmed (status))
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("The personal data of this application was deleted at the end "
                             "of the retention period, so it cannot go back to the counter. "
                             "Start a new application instead."));
      return FALSE;
    }
  if (pd_dossier_get_status (dossier) == status &&
      g_strcmp0 (pd_dossier_get_status_reason (dossier), reason) == 0)
    return TRUE;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "UPDATE dossiers SET status = ?, status_reason = ?, updated_at = ?,"
                         " confirmed_at = coalesce (confirmed_at, ?) WHERE id = ?", error);
    g_autofree char *detail = g_strdup_printf ("%s -> %s",
                                               pd_status_to_string (pd_dossier_get_status (dossier)),
                                               pd_status_to_string (status));

    if (stmt == NULL)
      return FALSE;
    updated_at = _pd_store_now_seconds ();
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
    pd_sqlite_bind_text (stmt, 2, reason);
    sqlite3_bind_int64 (stmt, 3, updated_at);
    _pd_store_bind_int_or_null (stmt, 4, pd_status_is_confirmed (status) ? updated_at : 0);
    sqlite3_bind_int64 (stmt, 5, id);
    if (!_pd_store_run (self, stmt, error) ||
        !_pd_store_insert_history (self, id, updated_at, status, actor, reason, error) ||
        !_pd_store_audit_append (self, actor, "status", pd_dossier_get_uuid (dossier), detail, error))
      return FALSE;
  }

  /* The packet is part of the acceptance: both are written, or neither. */
  if (status == PD_STATUS_ACCEPTED && self->packet_func != NULL &&
      !_pd_store_write_packet (self, id, actor, updated_at, error))
    return FALSE;
  return TRUE;
}

typedef enum { COUNTER, INTAKE, CENTRAL } StatusPath;

/* Each path's rule on where a status may come from, then the change itself: with the lock
 * held, inside a transaction. */
static gboolean
change_status_locked (PdStore     *self,
                      gint64       id,
                      PdStatus     status,
                      const char  *actor,
                      const char  *reason,
                      StatusPath   path,
                      GError     **error)
{
  g_autoptr(PdDossier) dossier = NULL;
  PdStatus from;

  dossier = _pd_store_load_dossier (self, id, error);
  if (dossier == NULL)
    return FALSE;
  from = pd_dossier_get_status (dossier);
  switch (path)
    {
    case COUNTER:
      if (!_pd_store_check_counter_change (from, status, error))
        return FALSE;
      break;
    case INTAKE:
      if (from != PD_STATUS_DRAFT && from != PD_STATUS_ON_HOLD)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("This application is “%s”: only a draft or an application on hold "
                         "can be accepted."), pd_status_get_label (from));
          return FALSE;
        }
      break;
    case CENTRAL:
    default:
      break;
    }
  return _pd_store_set_status_locked (self, id, status, actor, reason, error);
}

static gboolean
set_status_checked (PdStore     *self,
                    gint64       id,
                    PdStatus     status,
                    const char  *actor,
                    const char  *reason,
                    StatusPath   path,
                    GError     **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (!_pd_store_check_open (self, error) || !_pd_store_begin (self, error))
    return FALSE;
  if (!change_status_locked (self, id, status, actor, reason, path, error))
    {
      _pd_store_rollback (self);
      return FALSE;
    }
  return _pd_store_commit (self, error);
}

gboolean
pd_store_set_status (PdStore     *self,
                     gint64       id,
                     PdStatus     status,
                     const char  *actor,
                     const char  *reason,
                     GError     **error)
{
  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  if (status < 0 || status >= PD_N_STATUSES)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This status does not exist. Choose one from the list."));
      return FALSE;
    }

  return set_status_checked (self, id, status, actor, reason, COUNTER, error);
}

gboolean
pd_store_accept (PdStore     *self,
                 gint64       id,
                 const char  *accepted_by,
                 GError     **error)
{
  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (accepted_by != NULL && *accepted_by != '\0', FALSE);

  return set_status_checked (self, id, PD_STATUS_ACCEPTED, accepted_by, NULL, INTAKE, error);
}

gboolean
pd_store_apply_central_status (PdStore     *self,
                               gint64       id,
                               PdStatus     status,
                               const char  *actor,
                               const char  *reason,
                               GError     **error)
{
  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (pd_status_is_central (status), FALSE);

  return set_status_checked (self, id, status, actor, reason, CENTRAL, error);
}

/* When the dossier @id left the station (sent, or confirmed by the central system), 0 if never. */
static gboolean
get_sent_at (PdStore  *self,
             gint64    id,
             gint64   *sent_at,
             GError  **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "SELECT coalesce (min (at), 0) FROM status_history WHERE dossier_id = ?"
                       " AND status IN ('sent', 'received', 'processing', 'ready', 'rejected')", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _pd_store_set_db_error (self, rc, error);
      return FALSE;
    }
  *sent_at = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
pd_store_reopen (PdStore     *self,
                 gint64       id,
                 const char  *actor,
                 const char  *reason,
                 GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  PdStatus status;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !_pd_store_begin (self, error))
    return FALSE;
  dossier = _pd_store_load_dossier (self, id, error);
  if (dossier == NULL)
    goto failed;
  status = pd_dossier_get_status (dossier);

  switch ((int) status)
    {
    case PD_STATUS_REFUSED:
      break;

    case PD_STATUS_ACCEPTED:
      if (!_pd_store_withdraw_packets (self, pd_dossier_get_uuid (dossier), actor, error))
        goto failed;
      break;

    case PD_STATUS_SENT:
    case PD_STATUS_RECEIVED:
    case PD_STATUS_PROCESSING:
    case PD_STATUS_READY:
    case PD_STATUS_REJECTED:
      {
        gint64 sent_at = 0;
        g_autoptr(GDateTime) when = NULL;
        g_autofree char *date = NULL;

        if (!get_sent_at (self, id, &sent_at, error))
          goto failed;
        when = g_date_time_new_from_unix_local (sent_at > 0 ? sent_at : pd_dossier_get_updated_at (dossier));
        date = when != NULL ? g_date_time_format (when, "%d/%m/%Y") : g_strdup ("?");
        /* Translators: %s is a date such as 23/11/2026. */
        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                     _("This application was already sent to the central system on %s, so it "
                       "cannot be reopened here. Ask the central office to return it."), date);
      }
      goto failed;

    default:
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Only an accepted or refused application can be reopened. A draft or "
                             "an application on hold is opened from the queue and changed there."));
      goto failed;
    }

  if (!_pd_store_set_status_locked (self, id, PD_STATUS_DRAFT, actor, reason, error) ||
      !_pd_store_audit_append (self, actor, "reopen", pd_dossier_get_uuid (dossier),
                               pd_status_to_string (status), error))
    goto failed;
  return _pd_store_commit (self, error);

failed:
  _pd_store_rollback (self);
  return FALSE;
}

static gpointer
read_status_change (PdStore       *self,
                    sqlite3_stmt  *stmt,
                    gpointer       user_data,
                    GError       **error)
{
  PdStatusChange *change = g_new0 (PdStatusChange, 1);

  change->at = sqlite3_column_int64 (stmt, 0);
  change->status = pd_status_from_string ((const char *) sqlite3_column_text (stmt, 1));
  change->actor = pd_sqlite_column_dup (stmt, 2);
  change->reason = pd_sqlite_column_dup (stmt, 3);
  return change;
}

GPtrArray *
pd_store_get_status_history (PdStore  *self,
                             gint64    id,
                             GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT at, status, actor, reason FROM status_history WHERE dossier_id = ?"
                                 " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return _pd_store_collect_rows (self, stmt, read_status_change, NULL,
                                 (GDestroyNotify) pd_status_change_free, error);
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
  if (!_pd_store_check_open (self, error) || !_pd_store_begin (self, error))
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
  if (id == 0 || !_pd_store_commit (self, error))
    goto failed;
  return id;

failed:
  _pd_store_rollback (self);
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
      _pd_store_set_db_error (self, rc, error);
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
  if (rc != SQLITE_DONE)
    {
      _pd_store_set_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
pd_store_take_in (PdStore             *self,
                  const PdStoreTakeIn *take_in,
                  const char          *actor,
                  GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStoreSaved) saved = NULL;
  g_autofree char *receipt = NULL;
  const char *uuid;
  gint64 id;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (take_in != NULL && PD_IS_DOSSIER (take_in->dossier), FALSE);
  g_return_val_if_fail (actor != NULL && *actor != '\0', FALSE);

  if (take_in->status < 0 || take_in->status >= PD_N_STATUSES)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This status does not exist. Choose one from the list."));
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !_pd_store_begin (self, error))
    return FALSE;

  saved = _pd_store_save_locked (self, take_in->dossier, actor, error);
  if (saved == NULL)
    goto failed;
  id = _pd_store_saved_get_id (saved);
  uuid = _pd_store_saved_get_uuid (saved);

  for (guint i = 0; take_in->attachments != NULL && i < take_in->attachments->len; i++)
    {
      const PdStoreAttachment *a = g_ptr_array_index (take_in->attachments, i);

      if (_pd_store_insert_attachment (self, id, uuid, a->kind, a->mime_type, a->data, actor, error) == 0)
        goto failed;
    }
  if (take_in->audit_action != NULL &&
      !_pd_store_audit_append (self, actor, take_in->audit_action, uuid, take_in->audit_detail, error))
    goto failed;

  if (take_in->receipt_func != NULL)
    {
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self, "UPDATE dossiers SET receipt_number = ? WHERE id = ?", error);

      if (stmt == NULL)
        goto failed;
      receipt = take_in->receipt_func (take_in->dossier, id, take_in->receipt_data);
      pd_sqlite_bind_text (stmt, 1, receipt);
      sqlite3_bind_int64 (stmt, 2, id);
      if (!_pd_store_run (self, stmt, error))
        goto failed;
    }

  if (!change_status_locked (self, id, take_in->status, actor, take_in->reason,
                             take_in->status == PD_STATUS_ACCEPTED ? INTAKE : COUNTER, error))
    goto failed;
  if (!_pd_store_commit (self, error))
    return FALSE;

  _pd_store_saved_apply (saved);
  pd_dossier_set_status (take_in->dossier, take_in->status);
  pd_dossier_set_status_reason (take_in->dossier, take_in->reason);
  if (receipt != NULL)
    pd_dossier_set_receipt_number (take_in->dossier, receipt);
  return TRUE;

failed:
  _pd_store_rollback (self);
  return FALSE;
}
