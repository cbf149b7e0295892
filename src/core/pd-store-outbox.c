/* pd-store-outbox.c: the outbox of sync packets (see pd-store-private.h). */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"

/* Outbox --------------------------------------------------------------------------------- *
 *
 * The packets of accepted dossiers, sealed for the central system, waiting to be pushed
 * (see pd-store-private.h). seq orders them for walks that resume where they stopped.
 */

const char *
pd_outbox_state_to_string (PdOutboxState state)
{
  switch (state)
    {
    case PD_OUTBOX_PENDING:
      return "pending";
    case PD_OUTBOX_SET_ASIDE:
      return "set_aside";
    case PD_OUTBOX_DONE:
      return "done";
    default:
      g_return_val_if_reached (NULL);
    }
}

static PdOutboxState
outbox_state_from_string (const char *text)
{
  if (g_strcmp0 (text, "set_aside") == 0)
    return PD_OUTBOX_SET_ASIDE;
  if (g_strcmp0 (text, "done") == 0)
    return PD_OUTBOX_DONE;
  return PD_OUTBOX_PENDING;
}

void
pd_outbox_entry_free (PdOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->packet_id);
  g_free (entry->dossier_uuid);
  g_free (entry->last_error);
  g_free (entry->packet);
  g_free (entry);
}

void
pd_store_attachment_free (PdStoreAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->kind);
  g_free (attachment->mime_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

void
pd_store_set_packet_func (PdStore           *self,
                          PdStorePacketFunc  func,
                          gpointer           user_data,
                          GDestroyNotify     destroy)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (PD_IS_STORE (self));

  locker = g_mutex_locker_new (&self->mutex);
  old_data = self->packet_data;
  old_destroy = self->packet_destroy;
  self->packet_func = func;
  self->packet_data = user_data;
  self->packet_destroy = destroy;
  g_clear_pointer (&locker, g_mutex_locker_free);
  if (old_destroy)
    old_destroy (old_data);
}

/* @user_data is the dossier's UUID, which the sealed data is bound to. */
static gpointer
read_other_attachment (PdStore       *self,
                       sqlite3_stmt  *stmt,
                       gpointer       user_data,
                       GError       **error)
{
  const char *uuid = user_data;
  g_autofree char *ad = _pd_store_attachment_ad (uuid, (const char *) sqlite3_column_text (stmt, 0));
  PdStoreAttachment *attachment;
  GBytes *data = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                                 sqlite3_column_bytes (stmt, 2), ad, NULL);

  if (data == NULL)
    {
      _pd_store_set_unreadable_error (self, uuid, error);
      return NULL;
    }
  attachment = g_new0 (PdStoreAttachment, 1);
  attachment->kind = pd_sqlite_column_dup (stmt, 0);
  attachment->mime_type = pd_sqlite_column_dup (stmt, 1);
  attachment->data = data;
  return attachment;
}

/* The attachments other than the photo, opened. */
static GPtrArray *
load_other_attachments (PdStore     *self,
                        gint64       dossier_id,
                        const char  *uuid,
                        GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "SELECT kind, mime_type, sealed FROM attachments"
                       " WHERE dossier_id = ? AND kind <> 'photo' ORDER BY id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  return _pd_store_collect_rows (self, stmt, read_other_attachment, (gpointer) uuid,
                                 (GDestroyNotify) pd_store_attachment_free, error);
}

/* Inside the transaction that accepted dossier @id: seals its packet into the outbox. */
gboolean
_pd_store_write_packet (PdStore     *self,
                        gint64       id,
                        const char  *accepted_by,
                        const char  *acceptance_token,
                        gint64       accepted_at,
                        GError     **error)
{
  g_autoptr(PdDossier) dossier = _pd_store_load_dossier (self, id, error);
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *packet_id = NULL;
  g_autofree char *packet = NULL;
  const char *uuid;

  if (dossier == NULL || !_pd_store_load_full (self, dossier, error))
    return FALSE;
  uuid = pd_dossier_get_uuid (dossier);
  attachments = load_other_attachments (self, id, uuid, error);
  if (attachments == NULL)
    return FALSE;

  packet = self->packet_func (dossier, attachments, accepted_by, acceptance_token, accepted_at, &packet_id,
                              self->packet_data, error);
  if (packet == NULL)
    return FALSE;

  {
    /* Accepted again after a status change by hand (pd_store_reopen() withdraws it itself):
     * the packet never pushed is out of date. One a push has claimed may be at the central
     * system already, which refuses the new one rather than keep the application twice. */
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "DELETE FROM outbox WHERE dossier_uuid = ? AND state = 'pending' AND attempts = 0",
                         error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "INSERT INTO outbox (packet_id, seq, dossier_uuid, state, created_at, packet)"
                         " VALUES (?, (SELECT coalesce (max (seq), 0) + 1 FROM outbox), ?, 'pending', ?, ?)",
                         error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, packet_id);
    pd_sqlite_bind_text (stmt, 2, uuid);
    sqlite3_bind_int64 (stmt, 3, accepted_at);
    pd_sqlite_bind_text (stmt, 4, packet);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  return _pd_store_audit_append (self, accepted_by, "packet", uuid, packet_id, error);
}

/* Inside the transaction that reopens the accepted dossier @uuid: takes its packet back out of
 * the outbox, unless it may already have reached the central system. A push claims its
 * packets (pd_store_outbox_claim()) in a transaction of its own before a byte leaves the
 * station, so whichever of the two commits first wins: a claimed packet stays, and so does a
 * packet pushed before without an answer (attempts > 0), which the central system may hold. A
 * packet set aside was refused for good, so the central system holds nothing of it. */
gboolean
_pd_store_withdraw_packets (PdStore     *self,
                            const char  *uuid,
                            const char  *actor,
                            GError     **error)
{
  int rc;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "SELECT state FROM outbox WHERE dossier_uuid = ?"
                         " AND (state = 'done' OR (state = 'pending' AND attempts > 0))"
                         " ORDER BY state = 'done' DESC LIMIT 1", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "done") == 0)
          g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                               _("This application was already received by the central system, so "
                                 "it cannot be reopened here. Ask the central office to return it."));
        else
          g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                               _("This application is being sent to the central system, or was sent "
                                 "without an answer yet, so it may already be there. Sync first: if the "
                                 "central system confirms it, ask the central office to return it; if "
                                 "it refuses it, reopen it then."));
        return FALSE;
      }
    if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "DELETE FROM outbox WHERE dossier_uuid = ? AND state IN ('pending', 'set_aside')"
                         " RETURNING packet_id", error);
    g_autoptr(GPtrArray) withdrawn = g_ptr_array_new_with_free_func (g_free);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (withdrawn, pd_sqlite_column_dup (stmt, 0));
    if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      return FALSE;
    _pd_store_statement_done (g_steal_pointer (&stmt));
    for (guint i = 0; i < withdrawn->len; i++)
      if (!_pd_store_audit_append (self, actor, "packet-withdrawn", uuid,
                                   g_ptr_array_index (withdrawn, i), error))
        return FALSE;
  }
  return TRUE;
}

gboolean
pd_store_outbox_create_missing (PdStore  *self,
                                guint     limit,
                                guint    *n_created,
                                GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (limit > 0, FALSE);

  *n_created = 0;
  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error))
    return FALSE;
  if (self->packet_func == NULL)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This station is not enrolled with the central system, so "
                             "accepted applications cannot be sealed yet. Enroll it first."));
      return FALSE;
    }
  if (!pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "SELECT id FROM dossiers d WHERE status = 'accepted' AND NOT EXISTS"
                         " (SELECT 1 FROM outbox o WHERE o.dossier_uuid = d.uuid) ORDER BY id LIMIT ?",
                         error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_int64 (stmt, 1, limit);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (ids, id);
      }
    if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      goto failed;
  }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self,
                           "SELECT actor, at FROM status_history WHERE dossier_id = ? AND status = 'accepted'"
                           " ORDER BY at DESC, id DESC LIMIT 1", error);
      g_autofree char *actor = NULL;
      gint64 at = _pd_store_now_seconds ();

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          actor = pd_sqlite_column_dup (stmt, 0);
          at = sqlite3_column_int64 (stmt, 1);
        }
      else if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
        goto failed;
      _pd_store_statement_done (g_steal_pointer (&stmt));
      /* Who accepted is known here by name only: the packet function finds the token. */
      if (!_pd_store_write_packet (self, id, actor, NULL, at, error))
        goto failed;
    }

  if (!pd_sqlite_conn_commit (&self->conn, error))
    return FALSE;
  *n_created = ids->len;
  return TRUE;

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

gboolean
pd_store_outbox_add (PdStore     *self,
                     const char  *audit_action,
                     const char  *packet_id,
                     const char  *dossier_uuid,
                     gint64       created_at,
                     const char  *packet,
                     gboolean    *added,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (audit_action != NULL && packet_id != NULL && packet != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "INSERT OR IGNORE INTO outbox (packet_id, seq, dossier_uuid, state, created_at, packet)"
                         " VALUES (?, (SELECT coalesce (max (seq), 0) + 1 FROM outbox), ?, 'pending', ?, ?)",
                         error);

    if (stmt == NULL)
      goto failed;
    pd_sqlite_bind_text (stmt, 1, packet_id);
    pd_sqlite_bind_text (stmt, 2, dossier_uuid);
    sqlite3_bind_int64 (stmt, 3, created_at);
    pd_sqlite_bind_text (stmt, 4, packet);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      goto failed;
    *added = sqlite3_changes (self->conn.db) > 0;
  }
  if (*added && !_pd_store_audit_append (self, NULL, audit_action, dossier_uuid, packet_id, error))
    goto failed;
  return pd_sqlite_conn_commit (&self->conn, error);

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

static gpointer
read_outbox_entry (PdStore       *self,
                   sqlite3_stmt  *stmt,
                   gpointer       user_data,
                   GError       **error)
{
  PdOutboxEntry *entry = g_new0 (PdOutboxEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->packet_id = pd_sqlite_column_dup (stmt, 1);
  entry->dossier_uuid = pd_sqlite_column_dup (stmt, 2);
  entry->state = outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 3));
  entry->attempts = sqlite3_column_int (stmt, 4);
  entry->next_attempt_at = sqlite3_column_int64 (stmt, 5);
  entry->last_error = pd_sqlite_column_dup (stmt, 6);
  entry->created_at = sqlite3_column_int64 (stmt, 7);
  entry->packet = pd_sqlite_column_dup (stmt, 8);
  return entry;
}

/* pd_store_outbox_list() once the store is locked and known open. */
static GPtrArray *
select_entries (PdStore        *self,
                PdOutboxState   state,
                gint64          after_seq,
                gint64          due,
                guint           limit,
                GError        **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "SELECT seq, packet_id, dossier_uuid, state, attempts, next_attempt_at,"
                       " last_error, created_at, packet FROM outbox"
                       " WHERE state = ? AND seq > ? AND (? = 0 OR next_attempt_at <= ?)"
                       " ORDER BY seq LIMIT ?", error);

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, pd_outbox_state_to_string (state));
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int64 (stmt, 3, due);
  sqlite3_bind_int64 (stmt, 4, due);
  sqlite3_bind_int64 (stmt, 5, limit);
  return _pd_store_collect_rows (self, stmt, read_outbox_entry, NULL,
                                 (GDestroyNotify) pd_outbox_entry_free, error);
}

GPtrArray *
pd_store_outbox_list (PdStore        *self,
                      PdOutboxState   state,
                      gint64          after_seq,
                      gint64          due,
                      guint           limit,
                      GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error))
    return NULL;
  return select_entries (self, state, after_seq, due, limit, error);
}

GPtrArray *
pd_store_outbox_claim (PdStore  *self,
                       gint64    after_seq,
                       gint64    due,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return NULL;

  entries = select_entries (self, PD_OUTBOX_PENDING, after_seq, due, limit, error);
  if (entries == NULL)
    goto failed;
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self, "UPDATE outbox SET attempts = attempts + 1 WHERE packet_id = ?", error);

      if (stmt == NULL)
        goto failed;
      pd_sqlite_bind_text (stmt, 1, ((PdOutboxEntry *) g_ptr_array_index (entries, i))->packet_id);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        goto failed;
    }

  if (!pd_sqlite_conn_commit (&self->conn, error))
    return NULL;
  return g_steal_pointer (&entries);

failed:
  pd_sqlite_rollback (self->conn.db);
  return NULL;
}

gint64
pd_store_outbox_count (PdStore        *self,
                       PdOutboxState   state,
                       GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "SELECT count (*) FROM outbox WHERE state = ?", error);
  if (stmt == NULL)
    return -1;
  pd_sqlite_bind_text (stmt, 1, pd_outbox_state_to_string (state));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
pd_store_outbox_next_due (PdStore  *self,
                          GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self,
                                 "SELECT coalesce (min (next_attempt_at), 0) FROM outbox"
                                 " WHERE state = 'pending'", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
outbox_received (PdStore               *self,
                 const PdOutboxResult  *result,
                 const char            *actor,
                 GError               **error)
{
  g_autofree char *uuid = NULL;
  gint64 id = 0;
  int rc;

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "UPDATE outbox SET state = 'done', last_error = NULL"
                         " WHERE packet_id = ? AND state <> 'done' RETURNING dossier_uuid", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, result->packet_id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      return TRUE;
    if (rc != SQLITE_ROW)
      {
        pd_sqlite_conn_set_error (&self->conn, rc, error);
        return FALSE;
      }
    uuid = pd_sqlite_column_dup (stmt, 0);
    /* Step to the end so the UPDATE completes before the statement is reset. */
    sqlite3_step (stmt);
  }

  if (uuid == NULL)
    return _pd_store_audit_append (self, actor, "packet-relayed", NULL, result->packet_id, error);

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self, "SELECT id FROM dossiers WHERE uuid = ? AND status IN ('accepted', 'sent')",
                         error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      id = sqlite3_column_int64 (stmt, 0);
    else if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
      return FALSE;
  }

  if (id != 0)
    return _pd_store_set_status_locked (self, id, PD_STATUS_RECEIVED, actor, NULL, NULL, error);
  return TRUE;
}

gboolean
pd_store_outbox_apply (PdStore               *self,
                       const PdOutboxResult  *results,
                       guint                  n_results,
                       const char            *actor,
                       GError               **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (results != NULL || n_results == 0, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  for (guint i = 0; i < n_results; i++)
    {
      const PdOutboxResult *result = &results[i];

      switch (result->kind)
        {
        case PD_OUTBOX_RESULT_RECEIVED:
          if (!outbox_received (self, result, actor, error))
            goto failed;
          break;

        case PD_OUTBOX_RESULT_REFUSED:
          {
            g_autoptr(PdStatement) stmt =
              _pd_store_prepare (self,
                                 "UPDATE outbox SET state = 'set_aside', last_error = ?"
                                 " WHERE packet_id = ? AND state = 'pending'"
                                 " RETURNING dossier_uuid", error);
            g_autofree char *uuid = NULL;
            g_autofree char *detail = NULL;
            int rc;

            if (stmt == NULL)
              goto failed;
            pd_sqlite_bind_text (stmt, 1, result->message);
            pd_sqlite_bind_text (stmt, 2, result->packet_id);
            rc = sqlite3_step (stmt);
            if (rc == SQLITE_DONE)
              break;
            if (rc != SQLITE_ROW)
              {
                pd_sqlite_conn_set_error (&self->conn, rc, error);
                goto failed;
              }
            uuid = pd_sqlite_column_dup (stmt, 0);
            sqlite3_step (stmt);
            detail = g_strdup_printf ("%s: %s", result->packet_id, result->message ? result->message : "");
            if (!_pd_store_audit_append (self, actor, "packet-set-aside", uuid, detail, error))
              goto failed;
          }
          break;

        case PD_OUTBOX_RESULT_RETRY:
          {
            g_autoptr(PdStatement) stmt =
              _pd_store_prepare (self,
                                 "UPDATE outbox SET next_attempt_at = ?, last_error = ?"
                                 " WHERE packet_id = ? AND state = 'pending'", error);

            if (stmt == NULL)
              goto failed;
            sqlite3_bind_int64 (stmt, 1, result->next_attempt_at);
            pd_sqlite_bind_text (stmt, 2, result->message);
            pd_sqlite_bind_text (stmt, 3, result->packet_id);
            if (!pd_sqlite_conn_step (&self->conn, stmt, error))
              goto failed;
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return pd_sqlite_conn_commit (&self->conn, error);

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

gboolean
pd_store_outbox_resolve (PdStore     *self,
                         const char  *packet_id,
                         gboolean     retry,
                         const char  *actor,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (packet_id != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  stmt = _pd_store_prepare (self,
                            retry
                            ? "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0,"
                              " last_error = NULL WHERE packet_id = ? AND state = 'set_aside'"
                            : "DELETE FROM outbox WHERE packet_id = ? AND state = 'set_aside'",
                            error);
  if (stmt == NULL)
    goto failed;
  pd_sqlite_bind_text (stmt, 1, packet_id);
  if (!pd_sqlite_conn_step (&self->conn, stmt, error))
    goto failed;
  if (sqlite3_changes (self->conn.db) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No packet “%s” is set aside. List them with: passdesk-cli outbox list."),
                   packet_id);
      goto failed;
    }
  if (!_pd_store_audit_append (self, actor, retry ? "packet-retry" : "packet-discard", packet_id,
                               NULL, error))
    goto failed;
  return pd_sqlite_conn_commit (&self->conn, error);

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}
