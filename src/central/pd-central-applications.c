/* pd-central-applications.c: applications, their statuses and declarations in the database.
 *
 * What stations send and pull back: applications and their receipts, their statuses, the
 * push's transaction, and the online declarations of offices. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "pd-central-applications.h"
#include "pd-central-db-private.h"
#include "pd-central-prepared.h"
#include "pd-central-stats.h"
#include "pd-dossier.h"
#include "pd-sqlite.h"

#define RECEIPT_SELECT "SELECT printf('C-%06d', seq), received_at FROM applications"

gboolean
pd_central_db_select_receipt (PdCentralDb  *self,
                              const char   *sql,
                              const char   *key,
                              gboolean     *found,
                              char        **central_id,
                              gint64       *received_at,
                              GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&self->conn, sql, error);

  *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      *found = TRUE;
      *central_id = pd_sqlite_column_dup (stmt, 0);
      *received_at = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    case SQLITE_DONE:
      return TRUE;
    default:
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return FALSE;
    }
}

gboolean
pd_central_db_find_receipt (PdCentralDb  *self,
                            const char   *packet_id,
                            gboolean     *found,
                            char        **central_id,
                            gint64       *received_at,
                            GError      **error)
{
  return pd_central_db_select_receipt (self, RECEIPT_SELECT " WHERE packet_id = ?",
                                       packet_id, found, central_id, received_at, error);
}

gboolean
pd_central_db_find_dossier (PdCentralDb  *self,
                            const char   *dossier_uuid,
                            gboolean     *found,
                            char        **central_id,
                            gint64       *received_at,
                            GError      **error)
{
  return pd_central_db_select_receipt (self, RECEIPT_SELECT " WHERE dossier_uuid = ? ORDER BY seq LIMIT 1",
                                       dossier_uuid, found, central_id, received_at, error);
}

static gboolean
insert_status (PdCentralDb  *self,
               const char   *packet_id,
               const char   *status,
               const char   *reason,
               gint64        at,
               GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "INSERT INTO statuses (packet_id, status, reason, at) VALUES (?, ?, ?, ?)",
                            error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, packet_id);
  pd_sqlite_bind_text (stmt, 2, status);
  pd_sqlite_bind_text (stmt, 3, reason);
  sqlite3_bind_int64 (stmt, 4, at);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

char *
pd_central_db_insert_application (PdCentralDb          *self,
                                  const PdPacket       *packet,
                                  const char           *sender_device_id,
                                  PdCentralApplication *application,
                                  const char           *content,
                                  gint64                received_at,
                                  GError              **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "INSERT INTO applications (packet_id, device_id, sender_device_id, dossier_uuid, kind,"
             " created_at, received_at, accepted_by, accepted_at, content, acceptance_token_hash) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING printf('C-%06d', seq)", error);
  g_autofree char *central_id = NULL;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, packet->packet_id);
  pd_sqlite_bind_text (stmt, 2, packet->device_id);
  pd_sqlite_bind_text (stmt, 3, sender_device_id);
  pd_sqlite_bind_text (stmt, 4, pd_dossier_get_uuid (application->dossier));
  pd_sqlite_bind_text (stmt, 5, packet->kind);
  sqlite3_bind_int64 (stmt, 6, packet->created_at);
  sqlite3_bind_int64 (stmt, 7, received_at);
  pd_sqlite_bind_text (stmt, 8, application->accepted_by);
  if (application->accepted_at > 0)
    sqlite3_bind_int64 (stmt, 9, application->accepted_at);
  else
    sqlite3_bind_null (stmt, 9);
  pd_sqlite_bind_text (stmt, 10, content);
  sqlite3_bind_blob (stmt, 11, application->acceptance_token_hash, PD_CENTRAL_TOKEN_HASH_BYTES, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return NULL;
    }
  central_id = pd_sqlite_column_dup (stmt, 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return NULL;
    }
  if (!insert_status (self, packet->packet_id, "received", NULL, received_at, error))
    return NULL;
  return g_steal_pointer (&central_id);
}

gboolean
pd_central_db_add_declaration (PdCentralDb  *self,
                               const char   *code,
                               const char   *office_code,
                               gint64        filed_at,
                               JsonNode     *dossier,
                               GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
                            "INSERT INTO declarations (code, office_code, filed_at, dossier) VALUES (?, ?, ?, ?)",
             error);
  g_autofree char *text = json_to_string (dossier, FALSE);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, code);
  pd_sqlite_bind_text (stmt, 2, office_code);
  sqlite3_bind_int64 (stmt, 3, filed_at);
  pd_sqlite_bind_text (stmt, 4, text);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

static void
add_declaration (JsonBuilder  *builder,
                 sqlite3_stmt *stmt)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "filed_at");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
  json_builder_set_member_name (builder, "dossier");
  pd_central_sql_add_json (builder, stmt, 3);
  json_builder_end_object (builder);
}

static void
add_status (JsonBuilder  *builder,
            sqlite3_stmt *stmt)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packet_id");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "dossier_uuid");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 3));
  json_builder_set_member_name (builder, "reason");
  if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 4));
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
  json_builder_end_object (builder);
}

JsonNode *
pd_central_db_list_declarations (PdCentralDb  *self,
                                 const char   *office_code,
                                 gint64        after,
                                 guint         limit,
                                 GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT seq, code, filed_at, dossier FROM declarations "
             "WHERE office_code = ? AND seq > ? ORDER BY seq LIMIT ?", error);

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, office_code);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int (stmt, 3, limit + 1);
  return pd_central_sql_read_page (stmt, "declarations", after, limit, add_declaration, error);
}

JsonNode *
pd_central_db_get_declaration (PdCentralDb  *self,
                               const char   *code,
                               const char   *office_code,
                               GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
                            "SELECT seq, code, filed_at, dossier FROM declarations WHERE code = ? AND office_code = ?",
             error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, code);
  /* Another office's declaration is answered as unknown: whether a code exists elsewhere is
   * none of this office's business. */
  pd_sqlite_bind_text (stmt, 2, office_code);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      add_declaration (builder, stmt);
      return json_builder_get_root (builder);
    case SQLITE_DONE:
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("There is no online declaration with the code “%s”. Check the code with the applicant."),
                   code);
      return NULL;
    default:
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return NULL;
    }
}

JsonNode *
pd_central_db_list_statuses (PdCentralDb  *self,
                             const char   *device_id,
                             gint64        after,
                             guint         limit,
                             GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT s.seq, s.packet_id, a.dossier_uuid, s.status, s.reason, s.at "
             "FROM statuses s JOIN applications a ON a.packet_id = s.packet_id "
             "JOIN devices maker ON maker.device_id = a.device_id "
             "JOIN devices asker ON asker.device_id = ?2 "
             /* The station that made the application, or one of its office that carried it:
              * carrying another office's packet on a USB stick earns nothing of its fate. */
             "WHERE s.seq > ?1 AND (a.device_id = ?2 OR "
             "  (a.sender_device_id = ?2 AND maker.office_code = asker.office_code)) "
             "ORDER BY s.seq LIMIT ?3", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after);
  pd_sqlite_bind_text (stmt, 2, device_id);
  sqlite3_bind_int (stmt, 3, limit + 1);
  return pd_central_sql_read_page (stmt, "statuses", after, limit, add_status, error);
}

gboolean
pd_central_db_set_status (PdCentralDb  *self,
                          const char   *packet_id,
                          const char   *status,
                          const char   *reason,
                          gint64        at,
                          GError      **error)
{
  gboolean found = FALSE;
  g_autofree char *central_id = NULL;
  gint64 received_at;

  if (!pd_central_db_begin (self, error))
    return FALSE;
  if (!pd_central_db_find_receipt (self, packet_id, &found, &central_id, &received_at, error))
    goto fail;
  if (!found)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("No application was received with the packet id “%s”. Check the id (see the station’s outbox)."),
                   packet_id);
      goto fail;
    }
  if (!insert_status (self, packet_id, status, reason, at, error) ||
      !pd_central_db_audit (self, NULL, "status_changed", packet_id, status, error) ||
      !pd_central_db_commit (self, error))
    goto fail;
  return TRUE;

fail:
  pd_central_db_rollback (self);
  return FALSE;
}

GPtrArray *
pd_central_db_list_packets_with_status (PdCentralDb  *self,
                                        const char   *status,
                                        GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT s.packet_id FROM statuses s "
             "WHERE s.seq = (SELECT MAX(seq) FROM statuses t WHERE t.packet_id = s.packet_id) "
             "AND s.status = ? ORDER BY s.seq", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, status);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, pd_sqlite_column_dup (stmt, 0));
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return NULL;
  return g_steal_pointer (&ids);
}

void
pd_central_push_result_clear (PdCentralPushResult *result)
{
  g_clear_pointer (&result->application, pd_central_application_free);
  g_clear_pointer (&result->prepared, pd_prepared_free);
  g_clear_pointer (&result->content, g_free);
  g_clear_pointer (&result->message, g_free);
  g_clear_pointer (&result->central_id, g_free);
}

void
pd_central_push_result_reject (PdCentralPushResult *result,
                              const char          *code,
                              const char          *message)
{
  result->result = "rejected";
  result->error_code = code;
  result->message = g_strdup (message);
}

/* Within the push's transaction. */
static gboolean
store_prepared (PdCentralDb          *self,
                const char           *sender_device_id,
                PdCentralPushResult  *result,
                gint64                now,
                GError              **error)
{
  PdCentralPreparedOutcome outcome;

  if (!pd_central_prepared_store (self, result->item->packet, sender_device_id, result->prepared,
                                  now, &outcome, &result->central_id, &result->received_at, error))
    return FALSE;
  switch (outcome)
    {
    case PD_CENTRAL_PREPARED_STORED:
      result->result = "accepted";
      return TRUE;
    case PD_CENTRAL_PREPARED_DUPLICATE:
      result->result = "duplicate";
      return TRUE;
    case PD_CENTRAL_PREPARED_TAKEN:
    default:
      {
        g_autofree char *message =
          g_strdup_printf (_("The central system already holds another prepared declaration with the "
                             "code %s (%s). Print the slip again to give the declaration a new code."),
                           result->prepared->code, result->central_id);

        g_clear_pointer (&result->central_id, g_free);
        pd_central_push_result_reject (result, "already_received", message);
        return pd_central_db_audit (self, sender_device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error);
      }
    }
}

gboolean
pd_central_db_store_push (PdCentralDb          *self,
                          const char           *sender_device_id,
                          PdCentralPushResult  *results,
                          guint                 n,
                          GError              **error)
{
  guint n_duplicates = 0;
  guint n_rejected = 0;
  gint64 now = pd_central_now ();

  if (!pd_central_db_begin (self, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      PdCentralPushResult *result = &results[i];
      const PdPacket *packet = result->item->packet;
      gboolean found;

      if (result->result != NULL)
        {
          n_rejected++;
          if (!pd_central_db_audit (self, sender_device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error))
            goto fail;
          continue;
        }
      if (result->prepared != NULL)
        {
          if (!store_prepared (self, sender_device_id, result, now, error))
            goto fail;
          n_duplicates += g_str_equal (result->result, "duplicate");
          n_rejected += g_str_equal (result->result, "rejected");
          continue;
        }
      if (!pd_central_db_find_receipt (self, packet->packet_id, &found, &result->central_id,
                                       &result->received_at, error))
        goto fail;
      if (found)
        {
          result->result = "duplicate";
          n_duplicates++;
          continue;
        }
      /* One application per dossier: a second packet of it (accepted again after a reopening
       * whose packet had left already) is refused, never stored twice (sync-protocol.md). */
      if (!pd_central_db_find_dossier (self, pd_dossier_get_uuid (result->application->dossier),
                                       &found, &result->central_id, &result->received_at, error))
        goto fail;
      if (found)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (result->received_at);
          g_autofree char *date = g_date_time_format (when, "%d/%m/%Y");
          g_autofree char *message =
            g_strdup_printf (_("The central system already holds this application (%s, received on %s). "
                               "Ask the central office to return it before sending a new version."),
                             result->central_id, date);

          g_clear_pointer (&result->central_id, g_free);
          pd_central_push_result_reject (result, "already_received", message);
          n_rejected++;
          if (!pd_central_db_audit (self, sender_device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error))
            goto fail;
          continue;
        }
      result->central_id = pd_central_db_insert_application (self, packet, sender_device_id,
                                                             result->application, result->content,
                                                             now, error);
      if (result->central_id == NULL)
        goto fail;
      result->result = "accepted";
      result->received_at = now;
    }
  if (!pd_central_db_bump (self, "pushes", 1, error) ||
      !pd_central_db_bump (self, "packets_received", n, error) ||
      !pd_central_db_bump (self, "duplicate_pushes", n_duplicates, error) ||
      !pd_central_db_bump (self, "rejected_packets", n_rejected, error) ||
      !pd_central_db_commit (self, error))
    goto fail;
  return TRUE;

fail:
  pd_central_db_rollback (self);
  return FALSE;
}

