/* pd-central-prepared.c: prepared declarations in the central database. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <sqlite3.h>

#include "pd-central-applications.h"
#include "pd-central-identity.h"
#include "pd-central-prepared.h"
#include "pd-central-request.h"
#include "pd-dossier.h"
#include "pd-sqlite.h"

PdPrepared *
pd_central_prepared_check (JsonObject  *inner,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = json_object_get_member (inner, "declaration");
  PdPrepared *prepared;

  if (json_object_get_size (inner) != 3 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET,
                           _("The prepared declaration in the packet has members the protocol does not "
                             "define. Print the slip again with a current Passdesk."));
      return NULL;
    }
  prepared = pd_prepared_from_json (json_node_get_object (node), &local_error);
  if (prepared == NULL)
    {
      /* The message may quote a member name, and sealed content was never checked for UTF-8. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error_literal (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET, detail);
      return NULL;
    }
  return prepared;
}

/* A prepared declaration's receipt: "D-" and its number, and when it was received. */
#define RECEIPT_ID     "printf ('D-%06d', seq)"
#define RECEIPT_SELECT "SELECT " RECEIPT_ID ", received_at FROM prepared_declarations"

gboolean
pd_central_prepared_store (PdCentralDb               *db,
                           const PdPacket            *packet,
                           const char                *sender_device_id,
                           PdPrepared                *prepared,
                           gint64                     now,
                           PdCentralPreparedOutcome  *outcome,
                           char                     **central_id,
                           gint64                    *received_at,
                           GError                   **error)
{
  const PdSqliteConnection *conn = pd_central_db_get_connection (db);
  g_autoptr(PdSqliteStatement) stmt = NULL;
  g_autoptr(JsonNode) dossier = NULL;
  g_autofree char *office_code = NULL;
  g_autofree char *text = NULL;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  gboolean found;

  if (!pd_central_db_select_receipt (db, RECEIPT_SELECT " WHERE packet_id = ?", packet->packet_id,
                                     &found, central_id, received_at, error))
    return FALSE;
  if (found)
    {
      *outcome = PD_CENTRAL_PREPARED_DUPLICATE;
      return TRUE;
    }
  /* Codes are drawn at random from 2^40: a second packet of one code is a copy made by hand. */
  if (!pd_central_db_select_receipt (db, RECEIPT_SELECT " WHERE code = ?", prepared->code,
                                     &found, central_id, received_at, error))
    return FALSE;
  if (found)
    {
      *outcome = PD_CENTRAL_PREPARED_TAKEN;
      return TRUE;
    }

  /* The office of the station that prepared it: a packet carried by another station too. */
  if (!pd_central_db_lookup_device (db, packet->device_id, public_key, &office_code))
    {
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                           _("The station that made this packet is not enrolled with the central system."));
      return FALSE;
    }
  dossier = pd_dossier_to_json (prepared->dossier, TRUE);
  text = json_to_string (dossier, FALSE);
  stmt = pd_sqlite_conn_prepare (conn,
                                 "INSERT INTO prepared_declarations (packet_id, code, office_code, device_id,"
                                 " sender_device_id, prepared_at, received_at, dossier, photo, photo_override)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " RECEIPT_ID, error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, packet->packet_id);
  pd_sqlite_bind_text (stmt, 2, prepared->code);
  pd_sqlite_bind_text (stmt, 3, office_code);
  pd_sqlite_bind_text (stmt, 4, packet->device_id);
  pd_sqlite_bind_text (stmt, 5, sender_device_id);
  sqlite3_bind_int64 (stmt, 6, prepared->prepared_at);
  sqlite3_bind_int64 (stmt, 7, now);
  pd_sqlite_bind_text (stmt, 8, text);
  if (prepared->photo != NULL)
    sqlite3_bind_blob (stmt, 9, g_bytes_get_data (prepared->photo, NULL), g_bytes_get_size (prepared->photo),
                       SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 9);
  pd_sqlite_bind_text (stmt, 10, prepared->photo_override);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (conn, sqlite3_errcode (conn->db), error);
      return FALSE;
    }
  *central_id = pd_sqlite_column_dup (stmt, 0);
  *received_at = now;
  /* Step to the end so the INSERT completes before the statement is finalized. */
  if (!pd_sqlite_conn_check_done (conn, sqlite3_step (stmt), error))
    {
      g_clear_pointer (central_id, g_free);
      return FALSE;
    }
  *outcome = PD_CENTRAL_PREPARED_STORED;
  return pd_central_db_audit (db, sender_device_id, "declaration_prepared", prepared->code,
                              packet->packet_id, error);
}

gboolean
pd_central_prepared_may_read (PdCentralDb *db,
                              const char  *device_id,
                              const char  *officer_role)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (pd_central_db_get_connection (db),
                            "SELECT role FROM devices WHERE device_id = ? AND revoked_at IS NULL", NULL);

  if (stmt == NULL || device_id == NULL || g_strcmp0 (officer_role, "volunteer") == 0)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, device_id);
  return sqlite3_step (stmt) == SQLITE_ROW &&
         g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "counter") == 0;
}

JsonNode *
pd_central_prepared_get (PdCentralDb  *db,
                         const char   *code,
                         const char   *office_code,
                         GError      **error)
{
  const PdSqliteConnection *conn = pd_central_db_get_connection (db);
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn,
                            "SELECT code, prepared_at, device_id, dossier, photo, photo_override"
                            " FROM prepared_declarations WHERE code = ? AND office_code = ?", error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, code);
  pd_sqlite_bind_text (stmt, 2, office_code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("There is no declaration with the code “%s”. Check the code with the applicant."),
                   code);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (conn, rc, error);
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  /* "filed_at" too, so that a station reading it as an online declaration finds its date. */
  json_builder_set_member_name (builder, "filed_at");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
  json_builder_set_member_name (builder, "prepared_at");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, PD_PREPARED_SOURCE);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
  json_builder_set_member_name (builder, "dossier");
  pd_central_sql_add_json (builder, stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    {
      g_autofree char *photo = pd_base64url_encode (sqlite3_column_blob (stmt, 4),
                                                    sqlite3_column_bytes (stmt, 4));

      json_builder_set_member_name (builder, "photo");
      json_builder_add_string_value (builder, photo);
    }
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    {
      json_builder_set_member_name (builder, "photo_override");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 5));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
