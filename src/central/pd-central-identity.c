/* pd-central-identity.c: who may speak to the central system, in its database.
 *
 * Offices, officers, enrollment codes, stations and their keys, sessions, and who may
 * accept an application. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>
#include <sqlite3.h>

#include "pd-central-db-private.h"
#include "pd-central-identity.h"
#include "pd-central-request.h"
#include "pd-central-stats.h"
#include "sync/pd-declaration-keys.h"
#include "pd-sqlite.h"

/* Bumped by every enrollment and revocation: the version of the station keys list. */
#define STATION_KEYS_COUNTER "station_keys_version"

static const char * const device_roles[] = { "counter", "volunteer", "entrance", NULL };

gboolean
pd_central_db_add_office (PdCentralDb  *self,
                          const char   *code,
                          const char   *name,
                          const char   *address,
                          const char   *province_code,
                          GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "INSERT INTO offices (code, name, address, province_code) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, "
             "province_code = excluded.province_code", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, code);
  pd_sqlite_bind_text (stmt, 2, name);
  pd_sqlite_bind_text (stmt, 3, address);
  pd_sqlite_bind_text (stmt, 4, province_code);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

JsonNode *
pd_central_db_get_office (PdCentralDb  *self,
                          const char   *code,
                          char        **province_code,
                          GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT code, name, address, province_code FROM offices WHERE code = ?",
                            error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, code);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;
    case SQLITE_DONE:
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("There is no office “%s”. Run “passdesk-central seed-demo” or name an existing office."),
                   code);
      return NULL;
    default:
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
  json_builder_end_object (builder);
  if (province_code)
    *province_code = pd_sqlite_column_dup (stmt, 3);
  return json_builder_get_root (builder);
}

guint
pd_central_db_count_offices (PdCentralDb *self)
{
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&self->conn, "SELECT COUNT(*) FROM offices", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int (stmt, 0);
}

void
pd_central_officer_free (PdCentralOfficer *officer)
{
  if (officer == NULL)
    return;
  g_free (officer->username);
  g_free (officer->display_name);
  g_free (officer->role);
  g_free (officer->office_code);
  g_free (officer->verifier);
  g_free (officer);
}

gboolean
pd_central_db_add_officer (PdCentralDb  *self,
                           const char   *username,
                           const char   *display_name,
                           const char   *role,
                           const char   *office_code,
                           const char   *password,
                           GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt = NULL;
  char verifier[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (verifier, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                           _("Not enough memory to hash the password. Close other programs and try again."));
      return FALSE;
    }

  stmt = pd_sqlite_conn_prepare (&self->conn,
                  "INSERT OR REPLACE INTO officers (username, display_name, role, office_code, verifier) "
                  "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, username);
  pd_sqlite_bind_text (stmt, 2, display_name);
  pd_sqlite_bind_text (stmt, 3, role);
  pd_sqlite_bind_text (stmt, 4, office_code);
  pd_sqlite_bind_text (stmt, 5, verifier);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

static PdCentralOfficer *
officer_from_row (sqlite3_stmt *stmt)
{
  PdCentralOfficer *officer = g_new0 (PdCentralOfficer, 1);

  officer->username = pd_sqlite_column_dup (stmt, 0);
  officer->display_name = pd_sqlite_column_dup (stmt, 1);
  officer->role = pd_sqlite_column_dup (stmt, 2);
  officer->office_code = pd_sqlite_column_dup (stmt, 3);
  officer->verifier = pd_sqlite_column_dup (stmt, 4);
  return officer;
}

PdCentralOfficer *
pd_central_db_lookup_officer (PdCentralDb *self,
                              const char  *username)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT username, display_name, role, office_code, verifier FROM officers "
             "WHERE username = ?", NULL);

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, username);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return officer_from_row (stmt);
}

gboolean
pd_central_device_role_is_valid (const char *role)
{
  return role != NULL && g_strv_contains (device_roles, role);
}

char *
pd_central_db_new_enrollment_code (PdCentralDb  *self,
                                   const char   *office_code,
                                   const char   *role,
                                   GError      **error)
{
  g_autoptr(JsonNode) office = NULL;

  if (!pd_central_device_role_is_valid (role))
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_INVALID,
                   _("“%s” is not a station role: use counter, volunteer or entrance."), role ? role : "");
      return NULL;
    }
  office = pd_central_db_get_office (self, office_code, NULL, error);
  if (office == NULL)
    return NULL;

  /* 40 random bits: a clash is unlikely, and simply drawn again. */
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *code = pd_central_enrollment_code_generate ();
      g_autoptr(PdSqliteStatement) stmt =
        pd_sqlite_conn_prepare (&self->conn,
                 "INSERT OR IGNORE INTO enrollment_codes (code, office_code, created_at, role) "
                 "VALUES (?, ?, ?, ?)", error);

      if (stmt == NULL)
        return NULL;
      pd_sqlite_bind_text (stmt, 1, code);
      pd_sqlite_bind_text (stmt, 2, office_code);
      sqlite3_bind_int64 (stmt, 3, pd_central_now ());
      pd_sqlite_bind_text (stmt, 4, role);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        return NULL;
      if (sqlite3_changes (self->conn.db) == 1)
        return g_steal_pointer (&code);
    }
  g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                       _("Could not draw a new enrollment code. Try again."));
  return NULL;
}

char *
pd_central_db_enroll_device (PdCentralDb  *self,
                             const char   *code,
                             GBytes       *public_key,
                             const char   *name,
                             char        **office_code,
                             GError      **error)
{
  g_autoptr(PdSqliteStatement) use = NULL;
  g_autoptr(PdSqliteStatement) insert = NULL;
  g_autofree char *device_id = g_uuid_string_random ();
  g_autofree char *office = NULL;
  g_autofree char *role = NULL;
  gsize key_length;
  const guint8 *key = g_bytes_get_data (public_key, &key_length);
  gint64 now = pd_central_now ();

  if (!pd_central_db_begin (self, error))
    return NULL;

  /* Marking the code used and reading its office in one statement: a code can be used once
   * even by two stations racing with it. */
  use = pd_sqlite_conn_prepare (&self->conn,
                 "UPDATE enrollment_codes SET used_at = ?, device_id = ? "
                 "WHERE code = ? AND used_at IS NULL RETURNING office_code, role", error);
  if (use == NULL)
    goto fail;
  sqlite3_bind_int64 (use, 1, now);
  pd_sqlite_bind_text (use, 2, device_id);
  pd_sqlite_bind_text (use, 3, code);
  switch (sqlite3_step (use))
    {
    case SQLITE_ROW:
      office = pd_sqlite_column_dup (use, 0);
      role = pd_sqlite_column_dup (use, 1);
      if (sqlite3_step (use) != SQLITE_DONE)
        {
          pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
          goto fail;
        }
      break;
    case SQLITE_DONE:
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_BAD_CODE,
                           _("The enrollment code is unknown or was already used. Ask the administrator for a new code."));
      goto fail;
    default:
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
      goto fail;
    }

  insert = pd_sqlite_conn_prepare (&self->conn,
                    "INSERT INTO devices (device_id, office_code, name, public_key, enrolled_at, role) "
                    "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  pd_sqlite_bind_text (insert, 1, device_id);
  pd_sqlite_bind_text (insert, 2, office);
  pd_sqlite_bind_text (insert, 3, name);
  sqlite3_bind_blob (insert, 4, key, (int) key_length, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 5, now);
  pd_sqlite_bind_text (insert, 6, role);
  if (!pd_sqlite_conn_step (&self->conn, insert, error) ||
      !pd_central_db_bump (self, STATION_KEYS_COUNTER, 1, error) ||
      !pd_central_db_audit (self, device_id, "device_enrolled", office, name, error) ||
      !pd_central_db_commit (self, error))
    goto fail;

  if (office_code)
    *office_code = g_steal_pointer (&office);
  return g_steal_pointer (&device_id);

fail:
  pd_central_db_rollback (self);
  return NULL;
}

gboolean
pd_central_db_lookup_device (PdCentralDb *self,
                             const char  *device_id,
                             guint8       public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                             char       **office_code)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
                            "SELECT public_key, office_code FROM devices WHERE device_id = ? AND revoked_at IS NULL",
             NULL);

  if (stmt == NULL || device_id == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, device_id);
  if (sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_column_bytes (stmt, 0) != PD_PACKET_PUBLIC_KEY_BYTES)
    return FALSE;
  memcpy (public_key, sqlite3_column_blob (stmt, 0), PD_PACKET_PUBLIC_KEY_BYTES);
  if (office_code)
    *office_code = pd_sqlite_column_dup (stmt, 1);
  return TRUE;
}

G_STATIC_ASSERT (PD_CENTRAL_TOKEN_HASH_BYTES == crypto_generichash_BYTES);

static void
hash_token (const char *token,
            guint8      hash[crypto_generichash_BYTES])
{
  crypto_generichash (hash, crypto_generichash_BYTES, (const guint8 *) token, strlen (token), NULL, 0);
}

char *
pd_central_db_new_session (PdCentralDb  *self,
                           const char   *username,
                           const char   *device_id,
                           gint64        expires_at,
                           GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt = NULL;
  guint8 random[32];
  guint8 hash[crypto_generichash_BYTES];
  g_autofree char *token = NULL;

  randombytes_buf (random, sizeof random);
  token = pd_base64url_encode (random, sizeof random);
  hash_token (token, hash);

  stmt = pd_sqlite_conn_prepare (&self->conn,
                  "INSERT INTO sessions (token_hash, username, device_id, expires_at, issued_at) "
                  "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
  pd_sqlite_bind_text (stmt, 2, username);
  pd_sqlite_bind_text (stmt, 3, device_id);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  sqlite3_bind_int64 (stmt, 5, pd_central_now ());
  if (!pd_sqlite_conn_step (&self->conn, stmt, error))
    return NULL;
  return g_steal_pointer (&token);
}

PdCentralOfficer *
pd_central_db_lookup_session (PdCentralDb *self,
                              const char  *token,
                              const char  *device_id,
                              gint64       now)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT o.username, o.display_name, o.role, o.office_code, o.verifier "
             "FROM sessions s JOIN officers o ON o.username = s.username "
             "JOIN devices d ON d.device_id = s.device_id "
             "WHERE s.token_hash = ? AND s.expires_at > ? AND s.device_id = ? "
             "AND d.revoked_at IS NULL AND d.office_code = o.office_code", NULL);
  guint8 hash[crypto_generichash_BYTES];

  if (stmt == NULL || device_id == NULL)
    return NULL;
  hash_token (token, hash);
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  pd_sqlite_bind_text (stmt, 3, device_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return officer_from_row (stmt);
}

PdCentralAcceptance
pd_central_db_check_acceptance (PdCentralDb *self,
                                const char  *device_id,
                                const char  *token,
                                gint64       accepted_at,
                                char       **username,
                                guint8       token_hash[PD_CENTRAL_TOKEN_HASH_BYTES])
{
  /* The station first: a revoked or unknown one and one that is no counter accept nothing,
   * whatever token they hold. */
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT d.role, s.device_id IS NOT NULL, s.device_id = d.device_id, s.issued_at, "
             "  o.role, o.office_code = d.office_code, o.username "
             "FROM devices d LEFT JOIN sessions s ON s.token_hash = ?2 "
             "LEFT JOIN officers o ON o.username = s.username "
             "WHERE d.device_id = ?1 AND d.revoked_at IS NULL", NULL);
  const char *officer_role;
  gint64 issued_at;

  g_return_val_if_fail (username != NULL && *username == NULL, PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER);

  if (stmt == NULL || device_id == NULL)
    return PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER;
  /* No token matches no session (an empty hash is never stored). */
  memset (token_hash, 0, PD_CENTRAL_TOKEN_HASH_BYTES);
  if (token != NULL)
    hash_token (token, token_hash);
  pd_sqlite_bind_text (stmt, 1, device_id);
  sqlite3_bind_blob (stmt, 2, token_hash, PD_CENTRAL_TOKEN_HASH_BYTES, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "counter") != 0)
    return PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER;
  if (token == NULL)
    return PD_CENTRAL_ACCEPTANCE_NO_TOKEN;
  if (sqlite3_column_int (stmt, 1) == 0)
    return PD_CENTRAL_ACCEPTANCE_UNKNOWN_TOKEN;
  /* Issued to another station: a token proves a sign-in at one station only. */
  if (sqlite3_column_int (stmt, 2) == 0)
    return PD_CENTRAL_ACCEPTANCE_OTHER_DEVICE;
  officer_role = (const char *) sqlite3_column_text (stmt, 4);
  /* The officer may have moved to another office since. */
  if (officer_role == NULL || sqlite3_column_int (stmt, 5) == 0)
    return PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER;
  if (!g_str_equal (officer_role, "officer") && !g_str_equal (officer_role, "supervisor"))
    return PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED;
  issued_at = sqlite3_column_int64 (stmt, 3);
  if (accepted_at < issued_at - PD_CENTRAL_ACCEPTANCE_SKEW ||
      accepted_at > issued_at + self->acceptance_window + PD_CENTRAL_ACCEPTANCE_SKEW)
    return PD_CENTRAL_ACCEPTANCE_OUTSIDE_WINDOW;
  *username = pd_sqlite_column_dup (stmt, 6);
  return PD_CENTRAL_ACCEPTANCE_OK;
}

gboolean
pd_central_db_revoke_device (PdCentralDb  *self,
                             const char   *device_id,
                             const char   *actor,
                             gint64       *revoked_at,
                             GError      **error)
{
  g_autoptr(PdSqliteStatement) find = NULL;
  g_autoptr(PdSqliteStatement) update = NULL;
  g_autofree char *office = NULL;
  gint64 now = pd_central_now ();

  if (!pd_central_db_begin (self, error))
    return FALSE;
  find =
    pd_sqlite_conn_prepare (&self->conn, "SELECT office_code, revoked_at FROM devices WHERE device_id = ?", error);
  if (find == NULL)
    goto fail;
  pd_sqlite_bind_text (find, 1, device_id);
  if (sqlite3_step (find) != SQLITE_ROW)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("No station is enrolled with the id “%s”. List the stations with passdesk-central list-devices."),
                   device_id);
      goto fail;
    }
  office = pd_sqlite_column_dup (find, 0);
  /* Revoking again keeps the first time: stations may already have pulled it. */
  if (sqlite3_column_type (find, 1) != SQLITE_NULL)
    {
      if (revoked_at)
        *revoked_at = sqlite3_column_int64 (find, 1);
      pd_central_db_rollback (self);
      return TRUE;
    }

  update = pd_sqlite_conn_prepare (&self->conn, "UPDATE devices SET revoked_at = ? WHERE device_id = ?", error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int64 (update, 1, now);
  pd_sqlite_bind_text (update, 2, device_id);
  if (!pd_sqlite_conn_step (&self->conn, update, error) ||
      !pd_central_db_bump (self, STATION_KEYS_COUNTER, 1, error) ||
      !pd_central_db_audit (self, actor, "device_revoked", device_id, office, error) ||
      !pd_central_db_commit (self, error))
    goto fail;
  if (revoked_at)
    *revoked_at = now;
  return TRUE;

fail:
  pd_central_db_rollback (self);
  return FALSE;
}

JsonNode *
pd_central_db_list_station_keys (PdCentralDb  *self,
                                 const char   *office_code,
                                 GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_declaration_key_entry_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) signed_bytes = NULL;
  g_autofree char *signature_text = NULL;
  guint8 signature[crypto_sign_BYTES];
  gint64 version;
  gint64 issued_at = pd_central_now ();
  int rc;

  /* One read transaction: the version and the rows agree. */
  if (!pd_central_db_begin (self, error))
    return NULL;
  version = pd_central_db_get_counter (self, STATION_KEYS_COUNTER);
  stmt = pd_sqlite_conn_prepare (&self->conn,
                  "SELECT device_id, role, public_key, enrolled_at, revoked_at FROM devices "
                  "WHERE office_code = ? ORDER BY enrolled_at, device_id LIMIT ?", error);
  if (stmt == NULL)
    {
      pd_central_db_rollback (self);
      return NULL;
    }
  pd_sqlite_bind_text (stmt, 1, office_code);
  sqlite3_bind_int (stmt, 2, PD_DECLARATION_KEYS_CENTRAL_MAX);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdDeclarationKeyEntry *entry = g_new0 (PdDeclarationKeyEntry, 1);

      entry->device_id = pd_sqlite_column_dup (stmt, 0);
      entry->key_id = pd_declaration_keys_device_key_id (entry->device_id);
      entry->role = pd_sqlite_column_dup (stmt, 1);
      entry->public_key = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
      entry->enrolled_at = sqlite3_column_int64 (stmt, 3);
      entry->revoked_at = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? 0 : sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (entries, entry);
    }
  pd_central_db_rollback (self);
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return NULL;

  signed_bytes = pd_declaration_keys_central_signing_bytes (office_code, version, issued_at, entries);
  pd_central_db_sign (self, signed_bytes, signature);
  signature_text = pd_base64url_encode (signature, sizeof signature);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "office");
  json_builder_add_string_value (builder, office_code);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_int_value (builder, issued_at);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = pd_base64url_encode (g_bytes_get_data (entry->public_key, NULL),
                                                  g_bytes_get_size (entry->public_key));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "device_id");
      json_builder_add_string_value (builder, entry->device_id);
      json_builder_set_member_name (builder, "key_id");
      json_builder_add_string_value (builder, entry->key_id);
      json_builder_set_member_name (builder, "public_key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, entry->role);
      json_builder_set_member_name (builder, "enrolled_at");
      json_builder_add_int_value (builder, entry->enrolled_at);
      json_builder_set_member_name (builder, "revoked");
      json_builder_add_boolean_value (builder, entry->revoked_at != 0);
      json_builder_set_member_name (builder, "revoked_at");
      if (entry->revoked_at != 0)
        json_builder_add_int_value (builder, entry->revoked_at);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature_text);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

