/* pd-store-status.c: the status of a dossier in the store: the counter's changes and their
 * rules, acceptance, the intake's take-in, central statuses, reopening, the status history. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pd-sqlite.h"
#include "pd-store-internal.h"

/* Acceptance and the central system's statuses each have their own path; a plain status
 * change neither reaches them nor leaves them (reopening is pd_store_reopen()). */
gboolean
_pd_store_check_counter_change (PdStatus   from,
                                PdStatus   to,
                                GError   **error)
{
  if (from == to)
    return TRUE;
  if (to == PD_STATUS_ACCEPTED)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("An application is accepted only by an officer signed in at the "
                             "counter: sign in as an officer and accept it."));
      return FALSE;
    }
  if (pd_status_is_central (to))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Only the central system sets the status “%s”. Send the application with "
                     "a sync; its status comes back from the central system."),
                   pd_status_to_string (to));
      return FALSE;
    }
  if (from == PD_STATUS_ACCEPTED || pd_status_is_central (from))
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This application has left the counter. A supervisor can reopen an "
                             "accepted application whose packet has not been sent."));
      return FALSE;
    }
  return TRUE;
}

gboolean
_pd_store_insert_history (PdStore     *self,
                          gint64       dossier_id,
                          gint64       at,
                          PdStatus     status,
                          const char  *actor,
                          const char  *reason,
                          GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "INSERT INTO status_history (dossier_id, at, status, actor, reason)"
                       " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  sqlite3_bind_int64 (stmt, 2, at);
  pd_sqlite_bind_text (stmt, 3, pd_status_to_string (status));
  pd_sqlite_bind_text (stmt, 4, actor);
  pd_sqlite_bind_text (stmt, 5, reason);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

/* Inside a transaction, with the lock held. */
/* Whatever an officer did about a rejection answered that one: a new status (a new rejection
 * with another reason too) is news again. */
static gboolean
forget_handled_rejection (PdStore  *self,
                          gint64    id,
                          GError  **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "DELETE FROM rejections_handled WHERE dossier_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

gboolean
_pd_store_set_status_locked (PdStore     *self,
                             gint64       id,
                             PdStatus     status,
                             const char  *actor,
                             const char  *reason,
                             const char  *acceptance_token,
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
    pd_sqlite_bind_int64_or_null (stmt, 4, pd_status_is_confirmed (status) ? updated_at : 0);
    sqlite3_bind_int64 (stmt, 5, id);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error) ||
        !forget_handled_rejection (self, id, error) ||
        !_pd_store_insert_history (self, id, updated_at, status, actor, reason, error) ||
        !_pd_store_audit_append (self, actor, "status", pd_dossier_get_uuid (dossier), detail, error))
      return FALSE;
  }

  /* The packet is part of the acceptance: both are written, or neither. */
  if (status == PD_STATUS_ACCEPTED && self->packet_func != NULL &&
      !_pd_store_write_packet (self, id, actor, acceptance_token, updated_at, error))
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
                      const char  *acceptance_token,
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
  return _pd_store_set_status_locked (self, id, status, actor, reason, acceptance_token, error);
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

  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  if (!change_status_locked (self, id, status, actor, reason, NULL, path, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
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

/* The application @id's number and acceptance day: those it has (an application is numbered
 * once, whatever is printed later), else the next of @numbering's station and day. The counter
 * moves inside the acceptance's transaction: an acceptance rolled back leaves no gap, so the
 * numbers of one station and day, receipts included, run on without a hole. */
static gboolean
give_number_locked (PdStore                 *self,
                    gint64                   id,
                    const PdStoreNumbering  *numbering,
                    char                   **number,
                    char                   **accepted_on,
                    char                   **accepted_by,
                    GError                 **error)
{
  char day[16];
  char iso[16];
  gint64 sequence;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "SELECT application_number, accepted_on, accepted_by FROM dossiers"
                               " WHERE id = ?", error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      {
        *number = pd_sqlite_column_dup (stmt, 0);
        *accepted_on = pd_sqlite_column_dup (stmt, 1);
        *accepted_by = pd_sqlite_column_dup (stmt, 2);
        return TRUE;
      }
    if (rc != SQLITE_ROW && !pd_sqlite_conn_check_done (&self->conn, rc, error))
      return FALSE;
  }

  g_date_strftime (day, sizeof day, "%y%m%d", &numbering->day);
  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &numbering->day);
  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "INSERT INTO application_counters (day, station, last) VALUES (?, ?, 1)"
                               " ON CONFLICT (day, station) DO UPDATE SET last = last + 1"
                               " RETURNING last", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, iso);
    pd_sqlite_bind_text (stmt, 2, numbering->station);
    if (!pd_sqlite_conn_step_int64 (&self->conn, stmt, &sequence, error))
      return FALSE;
  }
  /* A letter reads as one word with the sequence (B0042); a longer tag stands apart. */
  *number = g_strdup_printf (strlen (numbering->station) == 1 ? "%s-%s-%s%04" G_GINT64_FORMAT
                                                             : "%s-%s-%s-%04" G_GINT64_FORMAT,
                             numbering->office, day, numbering->station, sequence);
  *accepted_on = g_strdup (iso);
  *accepted_by = numbering->signer != NULL && *numbering->signer != '\0' ? g_strdup (numbering->signer) : NULL;
  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "UPDATE dossiers SET application_number = ?, accepted_on = ?, accepted_by = ?"
                               " WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, *number);
    pd_sqlite_bind_text (stmt, 2, *accepted_on);
    pd_sqlite_bind_text (stmt, 3, *accepted_by);
    sqlite3_bind_int64 (stmt, 4, id);
    return pd_sqlite_conn_step (&self->conn, stmt, error);
  }
}

gboolean
pd_store_take_in (PdStore             *self,
                  const PdStoreTakeIn *take_in,
                  const char          *actor,
                  GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStoreSaved) saved = NULL;
  g_autofree char *number = NULL;
  g_autofree char *accepted_on = NULL;
  g_autofree char *accepted_by = NULL;
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
  if (!_pd_store_check_open (self, error))
    return FALSE;
  /* An enrolled station seals the packet now, and the central system believes who accepted
   * it only from the token of that officer's online sign-in (sync-protocol.md,
   * "Authorization"): without one the packet would only be set aside there, days later. */
  if (take_in->status == PD_STATUS_ACCEPTED && self->packet_func != NULL &&
      (take_in->acceptance_token == NULL || *take_in->acceptance_token == '\0'))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Not accepted: “%s” has not signed in online at this station, so the central "
                     "system could not tell who accepted the application. Sign in once at this "
                     "station while it is connected to the central system, then accept again."),
                   actor);
      return FALSE;
    }
  if (!pd_sqlite_conn_begin (&self->conn, error))
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

  if (take_in->numbering != NULL &&
      !give_number_locked (self, id, take_in->numbering, &number, &accepted_on, &accepted_by, error))
    goto failed;

  if (!change_status_locked (self, id, take_in->status, actor, take_in->reason, take_in->acceptance_token,
                             take_in->status == PD_STATUS_ACCEPTED ? INTAKE : COUNTER, error))
    goto failed;
  if (!pd_sqlite_conn_commit (&self->conn, error))
    return FALSE;

  _pd_store_saved_apply (saved);
  pd_dossier_set_status (take_in->dossier, take_in->status);
  pd_dossier_set_status_reason (take_in->dossier, take_in->reason);
  if (number != NULL)
    {
      pd_dossier_set_application_number (take_in->dossier, number);
      pd_dossier_set_accepted_on (take_in->dossier, accepted_on);
      pd_dossier_set_accepted_by (take_in->dossier, accepted_by);
    }
  return TRUE;

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
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
      pd_sqlite_conn_set_error (&self->conn, rc, error);
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
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
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

  if (!_pd_store_set_status_locked (self, id, PD_STATUS_DRAFT, actor, reason, NULL, error) ||
      !_pd_store_audit_append (self, actor, "reopen", pd_dossier_get_uuid (dossier),
                               pd_status_to_string (status), error))
    goto failed;
  return pd_sqlite_conn_commit (&self->conn, error);

failed:
  pd_sqlite_rollback (self->conn.db);
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

/* Rejections waiting for an officer ---------------------------------------------------------- */

gboolean
pd_store_handle_rejection (PdStore     *self,
                           gint64       id,
                           const char  *actor,
                           const char  *note,
                           GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  g_autofree char *clean = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL && *actor != '\0', FALSE);

  clean = g_strstrip (g_strdup (note ? note : ""));
  if (*clean == '\0')
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Write what was done about the rejection (for example: called the "
                             "citizen, who brings a new photo on Monday)."));
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  dossier = _pd_store_load_dossier (self, id, error);
  if (dossier == NULL)
    goto failed;
  if (pd_dossier_get_status (dossier) != PD_STATUS_REJECTED)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("This application is “%s”, not rejected: there is nothing to handle. "
                     "Reload the list."), pd_status_get_label (pd_dossier_get_status (dossier)));
      goto failed;
    }
  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "INSERT OR REPLACE INTO rejections_handled (dossier_id, at, actor, note)"
                               " VALUES (?, ?, ?, ?)", error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_int64 (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, _pd_store_now_seconds ());
    pd_sqlite_bind_text (stmt, 3, actor);
    pd_sqlite_bind_text (stmt, 4, clean);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      goto failed;
  }
  if (!_pd_store_audit_append (self, actor, "rejection-handled", pd_dossier_get_uuid (dossier), clean, error))
    goto failed;
  return pd_sqlite_conn_commit (&self->conn, error);

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

GPtrArray *
pd_store_list_unhandled_rejections (PdStore  *self,
                                    guint     limit,
                                    GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE status = 'rejected'"
                                 " AND id NOT IN (SELECT dossier_id FROM rejections_handled)"
                                 " ORDER BY updated_at DESC, id DESC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit ? (gint64) limit : -1);
  return _pd_store_collect_dossiers (self, stmt, error);
}

gint64
pd_store_count_unhandled_rejections (PdStore  *self,
                                     GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  gint64 count = -1;

  g_return_val_if_fail (PD_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT count(*) FROM dossiers WHERE status = 'rejected'"
                                 " AND id NOT IN (SELECT dossier_id FROM rejections_handled)", error);
  if (stmt == NULL || !pd_sqlite_conn_step_int64 (&self->conn, stmt, &count, error))
    return -1;
  return count;
}
