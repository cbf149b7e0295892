/* pd-central-db.c: the central database's opening, schema, keys, transactions and shared helpers. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>
#include <sqlite3.h>

#include "pd-central-db-private.h"
#include "pd-central-reference.h"
#include "pd-sqlite.h"

#define SCHEMA_VERSION 3

G_DEFINE_FINAL_TYPE (PdCentralDb, pd_central_db, G_TYPE_OBJECT)
G_DEFINE_QUARK (pd-central-db-error-quark, pd_central_db_error)

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
  "CREATE TABLE IF NOT EXISTS offices ("
  "  code TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL,"
  "  province_code TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS officers ("
  "  username TEXT PRIMARY KEY, display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('officer', 'volunteer', 'supervisor')),"
  "  office_code TEXT NOT NULL REFERENCES offices (code), verifier TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS enrollment_codes ("
  "  code TEXT PRIMARY KEY, office_code TEXT NOT NULL REFERENCES offices (code),"
  "  created_at INTEGER NOT NULL, used_at INTEGER, device_id TEXT);"
  "CREATE TABLE IF NOT EXISTS devices ("
  "  device_id TEXT PRIMARY KEY, office_code TEXT NOT NULL REFERENCES offices (code),"
  "  name TEXT NOT NULL, public_key BLOB NOT NULL, enrolled_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash BLOB PRIMARY KEY, username TEXT NOT NULL REFERENCES officers (username),"
  "  device_id TEXT NOT NULL, expires_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS applications ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, packet_id TEXT NOT NULL UNIQUE,"
  "  device_id TEXT NOT NULL, sender_device_id TEXT NOT NULL, dossier_uuid TEXT NOT NULL,"
  "  kind TEXT NOT NULL, created_at INTEGER NOT NULL, received_at INTEGER NOT NULL,"
  "  accepted_by TEXT, accepted_at INTEGER, content TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS applications_device ON applications (device_id);"
  "CREATE INDEX IF NOT EXISTS applications_sender ON applications (sender_device_id);"
  "CREATE INDEX IF NOT EXISTS applications_dossier ON applications (dossier_uuid);"
  "CREATE TABLE IF NOT EXISTS statuses ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  packet_id TEXT NOT NULL REFERENCES applications (packet_id),"
  "  status TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS statuses_packet ON statuses (packet_id, seq);"
  "CREATE TABLE IF NOT EXISTS declarations ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE,"
  "  office_code TEXT NOT NULL REFERENCES offices (code), filed_at INTEGER NOT NULL,"
  "  dossier TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS declarations_office ON declarations (office_code, seq);"
  "CREATE TABLE IF NOT EXISTS reference_tables ("
  "  name TEXT PRIMARY KEY, version TEXT NOT NULL, entries TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS audit ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT,"
  "  action TEXT NOT NULL, subject TEXT, detail TEXT);"
  "CREATE INDEX IF NOT EXISTS audit_subject ON audit (action, subject, at);"
  /* Declarations prepared at assisted-entry stations, with their photo (pd-central-prepared.c). */
  "CREATE TABLE IF NOT EXISTS prepared_declarations ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, packet_id TEXT NOT NULL UNIQUE,"
  "  code TEXT NOT NULL UNIQUE, office_code TEXT NOT NULL REFERENCES offices (code),"
  "  device_id TEXT NOT NULL, sender_device_id TEXT NOT NULL, prepared_at INTEGER NOT NULL,"
  "  received_at INTEGER NOT NULL, dossier TEXT NOT NULL, photo BLOB, photo_override TEXT);";

/* Version 2: stations have a role, given by their enrollment code, and can be revoked. */
static const char migrate_2[] =
  "ALTER TABLE enrollment_codes ADD COLUMN role TEXT NOT NULL DEFAULT 'counter';"
  "ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'counter';"
  "ALTER TABLE devices ADD COLUMN revoked_at INTEGER;"
  "PRAGMA user_version = 2;";

/* Version 3: an application's acceptance is proven by the token of an online sign-in, which
 * must have been issued before it: sessions keep when they began (those of before the
 * upgrade lasted 12 hours), and an application the hash of its token, never the token. */
static const char migrate_3[] =
  "ALTER TABLE sessions ADD COLUMN issued_at INTEGER;"
  "UPDATE sessions SET issued_at = expires_at - 43200 WHERE issued_at IS NULL;"
  "ALTER TABLE applications ADD COLUMN acceptance_token_hash BLOB;"
  "PRAGMA user_version = 3;";

/* The central server's wording of any failure of @db (its PdSqliteConnection's set_error). */
static void
central_set_error (sqlite3   *db,
                   int        rc,
                   gpointer   user_data,
                   GError   **error)
{
  g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
               _("The central database failed: %s. Check the disk and the file’s permissions."),
               sqlite3_errmsg (db));
}

gint64
pd_central_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
pd_central_db_finalize (GObject *object)
{
  PdCentralDb *self = (PdCentralDb *) object;

  g_clear_pointer (&self->secrets, sodium_free);
  g_clear_pointer (&self->conn.db, sqlite3_close);

  G_OBJECT_CLASS (pd_central_db_parent_class)->finalize (object);
}

static void
pd_central_db_class_init (PdCentralDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_central_db_finalize;
}

static void
pd_central_db_init (PdCentralDb *self)
{
  self->conn.set_error = central_set_error;
  self->acceptance_window = PD_CENTRAL_DEFAULT_ACCEPTANCE_WINDOW;
}

void
pd_central_db_set_acceptance_window (PdCentralDb *self,
                                     gint64       seconds)
{
  g_return_if_fail (PD_CENTRAL_IS_DB (self));
  g_return_if_fail (seconds > 0);

  self->acceptance_window = seconds;
}

static gboolean
load_blob (PdCentralDb *self,
           const char  *key,
           guint8      *out,
           gsize        length)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW || (gsize) sqlite3_column_bytes (stmt, 0) != length)
    return FALSE;
  memcpy (out, sqlite3_column_blob (stmt, 0), length);
  return TRUE;
}

static gboolean
store_blob (PdCentralDb   *self,
            const char    *key,
            const guint8  *value,
            gsize          length,
            GError       **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  sqlite3_bind_blob (stmt, 2, value, (int) length, SQLITE_STATIC);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

static gboolean
load_or_make_keys (PdCentralDb  *self,
                   GError      **error)
{
  guint8 *box_secret;
  guint8 *sign_secret;

  self->secrets = sodium_malloc (crypto_box_SECRETKEYBYTES + crypto_sign_SECRETKEYBYTES);
  if (self->secrets == NULL)
    {
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                           _("Could not allocate protected memory for the server keys."));
      return FALSE;
    }
  box_secret = self->secrets;
  sign_secret = self->secrets + crypto_box_SECRETKEYBYTES;

  if (load_blob (self, "box_public_key", self->box_public_key, sizeof self->box_public_key) &&
      load_blob (self, "box_secret_key", box_secret, crypto_box_SECRETKEYBYTES) &&
      load_blob (self, "sign_public_key", self->sign_public_key, sizeof self->sign_public_key) &&
      load_blob (self, "sign_secret_key", sign_secret, crypto_sign_SECRETKEYBYTES))
    return TRUE;

  crypto_box_keypair (self->box_public_key, box_secret);
  crypto_sign_keypair (self->sign_public_key, sign_secret);
  return pd_sqlite_conn_begin (&self->conn, error) &&
         store_blob (self, "box_public_key", self->box_public_key, sizeof self->box_public_key, error) &&
         store_blob (self, "box_secret_key", box_secret, crypto_box_SECRETKEYBYTES, error) &&
         store_blob (self, "sign_public_key", self->sign_public_key, sizeof self->sign_public_key, error) &&
         store_blob (self, "sign_secret_key", sign_secret, crypto_sign_SECRETKEYBYTES, error) &&
         pd_sqlite_conn_commit (&self->conn, error);
}

static gboolean
has_reference (PdCentralDb *self)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT COUNT(*) FROM reference_tables", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0;
}

PdCentralDb *
pd_central_db_open (const char  *path,
                    GError     **error)
{
  g_autoptr(PdCentralDb) self = g_object_new (PD_CENTRAL_TYPE_DB, NULL);
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->conn.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                   _("Could not open the central database “%s”: %s. Check the path and its permissions."),
                   path, self->conn.db ? sqlite3_errmsg (self->conn.db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_busy_timeout (self->conn.db, 10000);

  /* WAL with synchronous=FULL syncs every commit: an acknowledged packet survives kill -9
   * and power loss, which is what the stations' "received" mark relies on. */
  if (!pd_sqlite_conn_exec (&self->conn, "PRAGMA journal_mode = WAL", error) ||
      !pd_sqlite_conn_exec (&self->conn, "PRAGMA synchronous = FULL", error) ||
      !pd_sqlite_conn_exec (&self->conn, "PRAGMA foreign_keys = ON", error) ||
      !pd_sqlite_conn_exec (&self->conn, schema, error))
    return NULL;

  {
    g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&self->conn, "PRAGMA user_version", error);

    if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
      return NULL;
    version = sqlite3_column_int (stmt, 0);
  }
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                   _("The central database “%s” was made by a newer passdesk-central. Use that version."),
                   path);
      return NULL;
    }
  if (version < SCHEMA_VERSION)
    {
      if (!pd_sqlite_conn_begin (&self->conn, error))
        return NULL;
      if ((version < 2 && !pd_sqlite_conn_exec (&self->conn, migrate_2, error)) ||
          !pd_sqlite_conn_exec (&self->conn, migrate_3, error) ||
          !pd_sqlite_conn_commit (&self->conn, error))
        {
          pd_sqlite_rollback (self->conn.db);
          return NULL;
        }
    }

  if (!load_or_make_keys (self, error))
    return NULL;

  if (!has_reference (self))
    {
      g_autoptr(GError) local_error = NULL;

      if (!pd_central_db_import_reference_directory (self, pd_reference_get_default_directory (),
                                                     NULL, &local_error))
        g_warning ("Reference data not imported: %s", local_error->message);
    }
  return g_steal_pointer (&self);
}

const guint8 *
pd_central_db_get_box_public_key (PdCentralDb *self)
{
  return self->box_public_key;
}

const guint8 *
pd_central_db_get_box_secret_key (PdCentralDb *self)
{
  return self->secrets;
}

const guint8 *
pd_central_db_get_sign_public_key (PdCentralDb *self)
{
  return self->sign_public_key;
}

void
pd_central_db_sign (PdCentralDb  *self,
                    GBytes       *data,
                    guint8        signature[PD_CENTRAL_SIGNATURE_BYTES])
{
  crypto_sign_detached (signature, NULL, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                        self->secrets + crypto_box_SECRETKEYBYTES);
}

const PdSqliteConnection *
pd_central_db_get_connection (PdCentralDb *self)
{
  g_return_val_if_fail (PD_CENTRAL_IS_DB (self), NULL);
  return &self->conn;
}

gboolean
pd_central_db_begin (PdCentralDb  *self,
                     GError      **error)
{
  return pd_sqlite_conn_begin (&self->conn, error);
}

gboolean
pd_central_db_commit (PdCentralDb  *self,
                      GError      **error)
{
  return pd_sqlite_conn_commit (&self->conn, error);
}

void
pd_central_db_rollback (PdCentralDb *self)
{
  pd_sqlite_rollback (self->conn.db);
}

gboolean
pd_central_db_audit (PdCentralDb  *self,
                     const char   *actor,
                     const char   *action,
                     const char   *subject,
                     const char   *detail,
                     GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
                            "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pd_central_now ());
  pd_sqlite_bind_text (stmt, 2, actor);
  pd_sqlite_bind_text (stmt, 3, action);
  pd_sqlite_bind_text (stmt, 4, subject);
  pd_sqlite_bind_text (stmt, 5, detail);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

guint
pd_central_db_count_audit (PdCentralDb *self,
                           const char  *actor,
                           const char  *action,
                           const char  *subject,
                           gint64       since,
                           gint64      *oldest)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "SELECT COUNT(*), MIN(at) FROM audit WHERE action = ?1 AND subject = ?2 AND at >= ?3 "
             "AND (?4 IS NULL OR actor = ?4)",
             NULL);

  if (stmt == NULL)
    return 0;
  pd_sqlite_bind_text (stmt, 1, action);
  pd_sqlite_bind_text (stmt, 2, subject);
  sqlite3_bind_int64 (stmt, 3, since);
  pd_sqlite_bind_text (stmt, 4, actor);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  if (oldest)
    *oldest = sqlite3_column_int64 (stmt, 1);
  return sqlite3_column_int (stmt, 0);
}

/* The server wrote these columns itself, from JSON it had parsed: they parse again. */
void
pd_central_sql_add_json (JsonBuilder  *builder,
                         sqlite3_stmt *stmt,
                         int           column)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, column),
                                  sqlite3_column_bytes (stmt, column), NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
}

JsonNode *
pd_central_page_end (JsonBuilder *builder,
                     gint64       last,
                     gboolean     more)
{
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, last);

  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  json_builder_add_string_value (builder, cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, more);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
pd_central_sql_read_page (sqlite3_stmt         *stmt,
                          const char           *member,
                          gint64                after,
                          guint                 limit,
                          PdCentralAddRowFunc   add_row,
                          GError              **error)
{
  const PdSqliteConnection conn = { sqlite3_db_handle (stmt), central_set_error, NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 last = after;
  gboolean more = FALSE;
  guint n = 0;
  int rc;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n++ == limit)
        {
          more = TRUE;
          break;
        }
      last = sqlite3_column_int64 (stmt, 0);
      add_row (builder, stmt);
    }
  if (rc != SQLITE_ROW && !pd_sqlite_conn_check_done (&conn, rc, error))
    return NULL;
  return pd_central_page_end (builder, last, more);
}

