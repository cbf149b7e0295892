/* pd-central-db.c: the central server's SQLite database. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>
#include <sqlite3.h>

#include "pd-central-db.h"
#include "pd-declaration-keys.h"
#include "pd-dossier.h"
#include "pd-sqlite.h"

#define SCHEMA_VERSION 2
/* Bumped by every enrollment and revocation: the version of the station keys list. */
#define STATION_KEYS_COUNTER "station_keys_version"

struct _PdCentralDb
{
  GObject  parent_instance;

  sqlite3 *db;
  /* sodium_malloc'ed: box secret key (32) then sign secret key (64). */
  guint8  *secrets;
  guint8   box_public_key[crypto_box_PUBLICKEYBYTES];
  guint8   sign_public_key[crypto_sign_PUBLICKEYBYTES];
};

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

static const char * const device_roles[] = { "counter", "volunteer", "entrance", NULL };

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
pd_central_sql_fail (sqlite3  *db,
                     GError  **error)
{
  g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
               _("The central database failed: %s. Check the disk and the file’s permissions."),
               sqlite3_errmsg (db));
  return FALSE;
}

sqlite3_stmt *
pd_central_sql_prepare (sqlite3     *db,
                        const char  *sql,
                        GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      pd_central_sql_fail (db, error);
      return NULL;
    }
  return stmt;
}

/* Shorthands for this file, whose functions all hold @self rather than the connection. */
static gboolean
sql_fail (PdCentralDb  *self,
          GError      **error)
{
  return pd_central_sql_fail (self->db, error);
}

static sqlite3_stmt *
prepare (PdCentralDb  *self,
         const char   *sql,
         GError      **error)
{
  return pd_central_sql_prepare (self->db, sql, error);
}

static gboolean
check_ok (PdCentralDb  *self,
          int           rc,
          GError      **error)
{
  if (rc != SQLITE_OK)
    return sql_fail (self, error);
  return TRUE;
}

static gboolean
exec (PdCentralDb  *self,
      const char   *sql,
      GError      **error)
{
  return check_ok (self, pd_sqlite_exec (self->db, sql), error);
}

/* Runs a statement that returns no row. */
static gboolean
step_done (PdCentralDb   *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_fail (self, error);
  return TRUE;
}

static void
pd_central_db_finalize (GObject *object)
{
  PdCentralDb *self = (PdCentralDb *) object;

  g_clear_pointer (&self->secrets, sodium_free);
  g_clear_pointer (&self->db, sqlite3_close);

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
}

static gboolean
load_blob (PdCentralDb *self,
           const char  *key,
           guint8      *out,
           gsize        length)
{
  g_autoptr(PdSqliteStatement) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);

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
    prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  sqlite3_bind_blob (stmt, 2, value, (int) length, SQLITE_STATIC);
  return step_done (self, stmt, error);
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
  return check_ok (self, pd_sqlite_begin (self->db), error) &&
         store_blob (self, "box_public_key", self->box_public_key, sizeof self->box_public_key, error) &&
         store_blob (self, "box_secret_key", box_secret, crypto_box_SECRETKEYBYTES, error) &&
         store_blob (self, "sign_public_key", self->sign_public_key, sizeof self->sign_public_key, error) &&
         store_blob (self, "sign_secret_key", sign_secret, crypto_sign_SECRETKEYBYTES, error) &&
         check_ok (self, pd_sqlite_commit (self->db), error);
}

static gboolean
has_reference (PdCentralDb *self)
{
  g_autoptr(PdSqliteStatement) stmt = prepare (self, "SELECT COUNT(*) FROM reference_tables", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0;
}

PdCentralDb *
pd_central_db_open (const char  *path,
                    GError     **error)
{
  g_autoptr(PdCentralDb) self = g_object_new (PD_CENTRAL_TYPE_DB, NULL);
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                   _("Could not open the central database “%s”: %s. Check the path and its permissions."),
                   path, self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 10000);

  /* WAL with synchronous=FULL syncs every commit: an acknowledged packet survives kill -9
   * and power loss, which is what the stations' "received" mark relies on. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !exec (self, schema, error))
    return NULL;

  {
    g_autoptr(PdSqliteStatement) stmt = prepare (self, "PRAGMA user_version", error);

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
      if (!check_ok (self, pd_sqlite_begin (self->db), error))
        return NULL;
      if (!exec (self, migrate_2, error) || !check_ok (self, pd_sqlite_commit (self->db), error))
        {
          pd_sqlite_rollback (self->db);
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

sqlite3 *
pd_central_db_get_connection (PdCentralDb *self)
{
  g_return_val_if_fail (PD_CENTRAL_IS_DB (self), NULL);
  return self->db;
}

gboolean
pd_central_db_begin (PdCentralDb  *self,
                     GError      **error)
{
  return check_ok (self, pd_sqlite_begin (self->db), error);
}

gboolean
pd_central_db_commit (PdCentralDb  *self,
                      GError      **error)
{
  return check_ok (self, pd_sqlite_commit (self->db), error);
}

void
pd_central_db_rollback (PdCentralDb *self)
{
  pd_sqlite_rollback (self->db);
}

gboolean
pd_central_db_add_office (PdCentralDb  *self,
                          const char   *code,
                          const char   *name,
                          const char   *address,
                          const char   *province_code,
                          GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self,
             "INSERT INTO offices (code, name, address, province_code) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, "
             "province_code = excluded.province_code", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, code);
  pd_sqlite_bind_text (stmt, 2, name);
  pd_sqlite_bind_text (stmt, 3, address);
  pd_sqlite_bind_text (stmt, 4, province_code);
  return step_done (self, stmt, error);
}

JsonNode *
pd_central_db_get_office (PdCentralDb  *self,
                          const char   *code,
                          char        **province_code,
                          GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self, "SELECT code, name, address, province_code FROM offices WHERE code = ?", error);
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
      sql_fail (self, error);
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
  g_autoptr(PdSqliteStatement) stmt = prepare (self, "SELECT COUNT(*) FROM offices", NULL);

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

  stmt = prepare (self,
                  "INSERT OR REPLACE INTO officers (username, display_name, role, office_code, verifier) "
                  "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, username);
  pd_sqlite_bind_text (stmt, 2, display_name);
  pd_sqlite_bind_text (stmt, 3, role);
  pd_sqlite_bind_text (stmt, 4, office_code);
  pd_sqlite_bind_text (stmt, 5, verifier);
  return step_done (self, stmt, error);
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
    prepare (self,
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
        prepare (self,
                 "INSERT OR IGNORE INTO enrollment_codes (code, office_code, created_at, role) "
                 "VALUES (?, ?, ?, ?)", error);

      if (stmt == NULL)
        return NULL;
      pd_sqlite_bind_text (stmt, 1, code);
      pd_sqlite_bind_text (stmt, 2, office_code);
      sqlite3_bind_int64 (stmt, 3, now_seconds ());
      pd_sqlite_bind_text (stmt, 4, role);
      if (!step_done (self, stmt, error))
        return NULL;
      if (sqlite3_changes (self->db) == 1)
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
  gint64 now = now_seconds ();

  if (!pd_central_db_begin (self, error))
    return NULL;

  /* Marking the code used and reading its office in one statement: a code can be used once
   * even by two stations racing with it. */
  use = prepare (self,
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
          sql_fail (self, error);
          goto fail;
        }
      break;
    case SQLITE_DONE:
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_BAD_CODE,
                           _("The enrollment code is unknown or was already used. Ask the administrator for a new code."));
      goto fail;
    default:
      sql_fail (self, error);
      goto fail;
    }

  insert = prepare (self,
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
  if (!step_done (self, insert, error) ||
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
    prepare (self, "SELECT public_key, office_code FROM devices WHERE device_id = ? AND revoked_at IS NULL",
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

gboolean
pd_central_db_audit (PdCentralDb  *self,
                     const char   *actor,
                     const char   *action,
                     const char   *subject,
                     const char   *detail,
                     GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self, "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  pd_sqlite_bind_text (stmt, 2, actor);
  pd_sqlite_bind_text (stmt, 3, action);
  pd_sqlite_bind_text (stmt, 4, subject);
  pd_sqlite_bind_text (stmt, 5, detail);
  return step_done (self, stmt, error);
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
    prepare (self,
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

  stmt = prepare (self,
                  "INSERT INTO sessions (token_hash, username, device_id, expires_at) VALUES (?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
  pd_sqlite_bind_text (stmt, 2, username);
  pd_sqlite_bind_text (stmt, 3, device_id);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  if (!step_done (self, stmt, error))
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
    prepare (self,
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
                                const char  *username)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self,
             "SELECT d.role, o.role, o.office_code = d.office_code, "
             "  EXISTS (SELECT 1 FROM sessions s WHERE s.username = o.username AND s.device_id = d.device_id) "
             "FROM devices d LEFT JOIN officers o ON o.username = ?2 "
             "WHERE d.device_id = ?1 AND d.revoked_at IS NULL", NULL);
  const char *officer_role;

  if (stmt == NULL || device_id == NULL)
    return PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER;
  pd_sqlite_bind_text (stmt, 1, device_id);
  pd_sqlite_bind_text (stmt, 2, username);
  if (sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "counter") != 0)
    return PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER;
  officer_role = (const char *) sqlite3_column_text (stmt, 1);
  if (username == NULL || officer_role == NULL || sqlite3_column_int (stmt, 2) == 0)
    return PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER;
  if (!g_str_equal (officer_role, "officer") && !g_str_equal (officer_role, "supervisor"))
    return PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED;
  if (sqlite3_column_int (stmt, 3) == 0)
    return PD_CENTRAL_ACCEPTANCE_NEVER_SIGNED_IN;
  return PD_CENTRAL_ACCEPTANCE_OK;
}

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
  g_autoptr(PdSqliteStatement) stmt = prepare (self, sql, error);

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
      return sql_fail (self, error);
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
    prepare (self, "INSERT INTO statuses (packet_id, status, reason, at) VALUES (?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, packet_id);
  pd_sqlite_bind_text (stmt, 2, status);
  pd_sqlite_bind_text (stmt, 3, reason);
  sqlite3_bind_int64 (stmt, 4, at);
  return step_done (self, stmt, error);
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
    prepare (self,
             "INSERT INTO applications (packet_id, device_id, sender_device_id, dossier_uuid, kind,"
             " created_at, received_at, accepted_by, accepted_at, content) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING printf('C-%06d', seq)", error);
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
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sql_fail (self, error);
      return NULL;
    }
  central_id = pd_sqlite_column_dup (stmt, 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sql_fail (self, error);
      return NULL;
    }
  if (!insert_status (self, packet->packet_id, "received", NULL, received_at, error))
    return NULL;
  return g_steal_pointer (&central_id);
}

gboolean
pd_central_db_bump (PdCentralDb  *self,
                    const char   *counter,
                    gint64        delta,
                    GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self,
             "INSERT INTO counters (name, value) VALUES (?, ?) "
             "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, counter);
  sqlite3_bind_int64 (stmt, 2, delta);
  return step_done (self, stmt, error);
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
    prepare (self, "INSERT INTO declarations (code, office_code, filed_at, dossier) VALUES (?, ?, ?, ?)",
             error);
  g_autofree char *text = json_to_string (dossier, FALSE);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, code);
  pd_sqlite_bind_text (stmt, 2, office_code);
  sqlite3_bind_int64 (stmt, 3, filed_at);
  pd_sqlite_bind_text (stmt, 4, text);
  return step_done (self, stmt, error);
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
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      pd_central_sql_fail (sqlite3_db_handle (stmt), error);
      return NULL;
    }
  return pd_central_page_end (builder, last, more);
}

JsonNode *
pd_central_db_list_declarations (PdCentralDb  *self,
                                 const char   *office_code,
                                 gint64        after,
                                 guint         limit,
                                 GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self,
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
    prepare (self, "SELECT seq, code, filed_at, dossier FROM declarations WHERE code = ? AND office_code = ?",
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
      sql_fail (self, error);
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
    prepare (self,
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
    prepare (self,
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
  if (rc != SQLITE_DONE)
    {
      sql_fail (self, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

gboolean
pd_central_db_import_reference (PdCentralDb       *self,
                                PdReferenceTable   table,
                                const char        *text,
                                gsize              length,
                                const char        *version,
                                gboolean          *changed,
                                GError           **error)
{
  g_autoptr(GPtrArray) entries = pd_reference_parse_csv (table, text, length, error);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(PdSqliteStatement) current = NULL;
  g_autoptr(PdSqliteStatement) stmt = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *json = NULL;
  const char *name = pd_reference_table_get_name (table);

  if (entries == NULL)
    return FALSE;
  if (version == NULL)
    {
      g_autofree char *hex = pd_packet_hash_hex (text, length);

      /* Twelve hex digits tell versions apart; the full digest would only be noise. */
      digest = g_strndup (hex, 12);
      version = digest;
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const PdReferenceEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "code", entry->code);
      add_nullable_string (builder, "name", entry->name);
      add_nullable_string (builder, "parent", entry->parent);
      add_nullable_string (builder, "kind", entry->kind);
      json_builder_set_member_name (builder, "amount");
      json_builder_add_int_value (builder, entry->amount);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  current = prepare (self, "SELECT version FROM reference_tables WHERE name = ?", error);
  if (current == NULL)
    return FALSE;
  pd_sqlite_bind_text (current, 1, name);
  if (changed)
    *changed = !(sqlite3_step (current) == SQLITE_ROW &&
                 g_strcmp0 ((const char *) sqlite3_column_text (current, 0), version) == 0);

  stmt = prepare (self,
                  "INSERT OR REPLACE INTO reference_tables (name, version, entries, updated_at) "
                  "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, name);
  pd_sqlite_bind_text (stmt, 2, version);
  pd_sqlite_bind_text (stmt, 3, json);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  return step_done (self, stmt, error);
}

gboolean
pd_central_db_import_reference_directory (PdCentralDb  *self,
                                          const char   *directory,
                                          guint        *n_changed,
                                          GError      **error)
{
  if (n_changed)
    *n_changed = 0;
  if (!pd_central_db_begin (self, error))
    return FALSE;
  for (PdReferenceTable table = 0; table < PD_N_REFERENCE_TABLES; table++)
    {
      g_autofree char *path = g_build_filename (directory, pd_reference_table_get_file_name (table), NULL);
      g_autofree char *contents = NULL;
      gsize length;
      gboolean changed = FALSE;

      if (!g_file_get_contents (path, &contents, &length, error) ||
          !pd_central_db_import_reference (self, table, contents, length, NULL, &changed, error))
        {
          pd_central_db_rollback (self);
          return FALSE;
        }
      if (changed && n_changed)
        (*n_changed)++;
    }
  return pd_central_db_commit (self, error);
}

JsonNode *
pd_central_db_get_reference_versions (PdCentralDb  *self,
                                      GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self, "SELECT name, version FROM reference_tables ORDER BY name", error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_set_member_name (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    {
      sql_fail (self, error);
      return NULL;
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
pd_central_db_get_reference_table (PdCentralDb  *self,
                                   const char   *name,
                                   GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    prepare (self, "SELECT name, version, entries FROM reference_tables WHERE name = ?", error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, name);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;
    case SQLITE_DONE:
      g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND,
                   _("There is no reference table “%s”. Ask for one listed by /v1/reference."), name);
      return NULL;
    default:
      sql_fail (self, error);
      return NULL;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "table");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "entries");
  pd_central_sql_add_json (builder, stmt, 2);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gint64
count (PdCentralDb *self,
       const char  *sql)
{
  g_autoptr(PdSqliteStatement) stmt = prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

JsonNode *
pd_central_db_get_stats (PdCentralDb  *self,
                         GError      **error)
{
  static const char * const counters[] = {
    "packets_received", "duplicate_pushes", "rejected_packets", "pushes", "injected_faults",
    "sign_in_failures",
  };
  static const struct {
    const char *name;
    const char *sql;
  } counts[] = {
    { "applications_received", "SELECT COUNT(*) FROM applications" },
    /* Equal to applications_received unless one application arrived as two packets. */
    { "distinct_dossiers", "SELECT COUNT(DISTINCT dossier_uuid) FROM applications" },
    { "devices", "SELECT COUNT(*) FROM devices" },
    { "declarations", "SELECT COUNT(*) FROM declarations" },
    { "prepared_declarations", "SELECT COUNT(*) FROM prepared_declarations" },
    { "status_changes", "SELECT COUNT(*) FROM statuses" },
    { "offices", "SELECT COUNT(*) FROM offices" },
    { "officers", "SELECT COUNT(*) FROM officers" },
    { "unused_enrollment_codes", "SELECT COUNT(*) FROM enrollment_codes WHERE used_at IS NULL" },
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(PdSqliteStatement) stmt = prepare (self, "SELECT value FROM counters WHERE name = ?", error);

  if (stmt == NULL)
    return NULL;
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 n = count (self, counts[i].sql);

      if (n < 0)
        {
          sql_fail (self, error);
          return NULL;
        }
      json_builder_set_member_name (builder, counts[i].name);
      json_builder_add_int_value (builder, n);
    }
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      sqlite3_reset (stmt);
      pd_sqlite_bind_text (stmt, 1, counters[i]);
      json_builder_set_member_name (builder, counters[i]);
      json_builder_add_int_value (builder, sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
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
  gint64 now = now_seconds ();

  if (!pd_central_db_begin (self, error))
    return FALSE;
  find = prepare (self, "SELECT office_code, revoked_at FROM devices WHERE device_id = ?", error);
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

  update = prepare (self, "UPDATE devices SET revoked_at = ? WHERE device_id = ?", error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int64 (update, 1, now);
  pd_sqlite_bind_text (update, 2, device_id);
  if (!step_done (self, update, error) ||
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

static gint64
counter_value (PdCentralDb *self,
               const char  *name)
{
  g_autoptr(PdSqliteStatement) stmt = prepare (self, "SELECT value FROM counters WHERE name = ?", NULL);

  if (stmt == NULL)
    return 0;
  pd_sqlite_bind_text (stmt, 1, name);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
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
  gint64 issued_at = now_seconds ();
  int rc;

  /* One read transaction: the version and the rows agree. */
  if (!pd_central_db_begin (self, error))
    return NULL;
  version = counter_value (self, STATION_KEYS_COUNTER);
  stmt = prepare (self,
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
  if (rc != SQLITE_DONE)
    {
      sql_fail (self, error);
      return NULL;
    }

  signed_bytes = pd_declaration_keys_central_signing_bytes (office_code, version, issued_at, entries);
  crypto_sign_detached (signature, NULL, g_bytes_get_data (signed_bytes, NULL), g_bytes_get_size (signed_bytes),
                        self->secrets + crypto_box_SECRETKEYBYTES);
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
