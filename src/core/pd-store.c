/* pd-store.c: the local, crash-safe, encrypted store of dossiers.
 *
 * Layout (schema version 2):
 *   meta            key/value: store_id, key_check, retention_days, settings
 *   dossiers        one row per dossier: status and times in columns, non-personal fields as
 *                   clear JSON (with generated columns for statistics), personal fields as one
 *                   sealed JSON blob, and id_index, the blind index of the ID number
 *   name_tokens     (blind index of a name word or of a pair of words, dossier id, Bloom
 *                   signature of all the words of the name): whole-word name search
 *   status_history  every status a dossier went through
 *   attachments     sealed photo and scans
 *   audit           append-only, hash-chained log; triggers refuse UPDATE and DELETE
 *   reference       reference tables as synced, and their versions
 *   outbox          (version 3) sync packets of accepted dossiers, sealed for the central
 *                   system, and their delivery state (see pd-store-private.h)
 */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sodium.h>

#include "pd-crypto.h"
#include "pd-secrets.h"
#include "pd-sqlite.h"
#include "pd-store.h"
#include "pd-store-private.h"
#include "pd-queue-private.h"
#include "pd-text.h"
#include "pd-uuid.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DEFAULT_RETENTION_DAYS  30
#define MAX_RETENTION_DAYS      3650
/* Counting the rows of a name key stops here: beyond it a key is common enough that any
 * other key of the query is a better place to start. */
#define TOKEN_COUNT_BOUND       5000

struct _PdStore
{
  GObject       parent_instance;

  GMutex        mutex;
  char         *path;
  char         *store_id;
  sqlite3      *db;
  PdCryptoKeys *keys;
  GHashTable   *statements;  /* SQL text -> prepared statement, kept for the connection */
  PdReference  *reference;
  guint         wal_checkpoint_frames;  /* see wal_hook() */

  /* Seals the packet of an accepted dossier (see pd-store-private.h). */
  PdStorePacketFunc  packet_func;
  gpointer           packet_data;
  GDestroyNotify     packet_destroy;   /* built on first use from the reference table */
};

G_DEFINE_FINAL_TYPE (PdStore, pd_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_STORE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (pd-store-error-quark, pd_store_error)

static gboolean rebuild_name_tokens (PdStore  *self,
                                     GError  **error);
static gboolean write_packet        (PdStore     *self,
                                     gint64       id,
                                     const char  *accepted_by,
                                     gint64       accepted_at,
                                     GError     **error);

/* Each entry takes the schema from version i to i + 1: its SQL, then what SQL alone cannot
 * compute (keyed hashes of sealed data). Never edit a released entry: add one. */
static const struct {
  const char *sql;
  gboolean  (*then) (PdStore *self, GError **error);
} migrations[] = {
  { "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT"
  ") WITHOUT ROWID;"

  "CREATE TABLE dossiers ("
  "  id            INTEGER PRIMARY KEY,"
  "  uuid          TEXT NOT NULL UNIQUE,"
  "  status        TEXT NOT NULL,"
  "  status_reason TEXT,"
  "  created_at    INTEGER NOT NULL,"
  "  updated_at    INTEGER NOT NULL,"
  "  confirmed_at  INTEGER,"
  "  purged_at     INTEGER,"
  "  birth_year    INTEGER,"
  "  clear         TEXT NOT NULL,"
  "  sealed        BLOB,"
  "  id_index      INTEGER,"
  "  sex                TEXT GENERATED ALWAYS AS (json_extract (clear, '$.sex')) VIRTUAL,"
  "  birth_province     TEXT GENERATED ALWAYS AS (json_extract (clear, '$.birth_province')) VIRTUAL,"
  "  ethnic_group       TEXT GENERATED ALWAYS AS (json_extract (clear, '$.ethnic_group')) VIRTUAL,"
  "  permanent_province TEXT GENERATED ALWAYS AS (json_extract (clear, '$.permanent_province')) VIRTUAL,"
  "  current_province   TEXT GENERATED ALWAYS AS (json_extract (clear, '$.current_province')) VIRTUAL,"
  "  request_type       TEXT GENERATED ALWAYS AS (json_extract (clear, '$.request_type')) VIRTUAL,"
  "  declaration_code   TEXT GENERATED ALWAYS AS (json_extract (clear, '$.declaration_code')) VIRTUAL,"
  "  office_code        TEXT GENERATED ALWAYS AS (json_extract (clear, '$.office_code')) VIRTUAL,"
  "  counter            INTEGER GENERATED ALWAYS AS (json_extract (clear, '$.counter')) VIRTUAL,"
  "  officer            TEXT GENERATED ALWAYS AS (json_extract (clear, '$.officer')) VIRTUAL,"
  "  queue_number       TEXT GENERATED ALWAYS AS (json_extract (clear, '$.queue_number')) VIRTUAL,"
  "  fee_code           TEXT GENERATED ALWAYS AS (json_extract (clear, '$.fee_code')) VIRTUAL,"
  "  fee_amount         INTEGER GENERATED ALWAYS AS (json_extract (clear, '$.fee_amount')) VIRTUAL,"
  "  appointment_date   TEXT GENERATED ALWAYS AS (json_extract (clear, '$.appointment_date')) VIRTUAL"
  ");"
  "CREATE INDEX dossiers_by_id_index ON dossiers (id_index) WHERE id_index IS NOT NULL;"
  "CREATE INDEX dossiers_by_declaration ON dossiers (declaration_code)"
  "  WHERE declaration_code IS NOT NULL;"
  "CREATE INDEX dossiers_by_status ON dossiers (status, updated_at);"
  "CREATE INDEX dossiers_by_update ON dossiers (updated_at);"
  "CREATE INDEX dossiers_to_purge ON dossiers (confirmed_at)"
  "  WHERE confirmed_at IS NOT NULL AND purged_at IS NULL;"

  "CREATE TABLE name_tokens ("
  "  token      INTEGER NOT NULL,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
  "  PRIMARY KEY (token, dossier_id)"
  ") WITHOUT ROWID;"

  "CREATE TABLE status_history ("
  "  id         INTEGER PRIMARY KEY,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
  "  at         INTEGER NOT NULL,"
  "  status     TEXT NOT NULL,"
  "  actor      TEXT,"
  "  reason     TEXT"
  ");"
  "CREATE INDEX status_history_by_dossier ON status_history (dossier_id);"

  "CREATE TABLE attachments ("
  "  id         INTEGER PRIMARY KEY,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
  "  kind       TEXT NOT NULL,"
  "  mime_type  TEXT,"
  "  size       INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  sealed     BLOB NOT NULL"
  ");"
  "CREATE INDEX attachments_by_dossier ON attachments (dossier_id, kind);"

  "CREATE TABLE audit ("
  "  seq     INTEGER PRIMARY KEY,"
  "  at      INTEGER NOT NULL,"
  "  actor   TEXT,"
  "  action  TEXT NOT NULL,"
  "  subject TEXT,"
  "  detail  TEXT,"
  "  hash    BLOB NOT NULL"
  ");"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"

  "CREATE TABLE reference ("
  "  tbl    TEXT NOT NULL,"
  "  ord    INTEGER NOT NULL,"
  "  code   TEXT NOT NULL,"
  "  name   TEXT NOT NULL,"
  "  parent TEXT,"
  "  kind   TEXT,"
  "  amount INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (tbl, ord)"
  ") WITHOUT ROWID;"
  "CREATE TABLE reference_versions ("
  "  tbl        TEXT PRIMARY KEY NOT NULL,"
  "  version    TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ") WITHOUT ROWID;", NULL },

  /* Version 2: pairs of common words and the Bloom signature of the whole name (see "Name
   * search keys" below), computed from the sealed names. */
  { "DROP TABLE name_tokens;"
    "CREATE TABLE name_tokens ("
    "  token      INTEGER NOT NULL,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  sig        INTEGER NOT NULL,"
    "  PRIMARY KEY (token, dossier_id)"
    ") WITHOUT ROWID;", rebuild_name_tokens },

  /* Version 3: the outbox of sync packets. IF NOT EXISTS: a file taken back to an older
   * version number by hand (tests, support) still migrates. */
  { "CREATE TABLE IF NOT EXISTS outbox ("
    "  packet_id       TEXT PRIMARY KEY NOT NULL,"
    "  seq             INTEGER NOT NULL UNIQUE,"
    "  dossier_uuid    TEXT,"
    "  state           TEXT NOT NULL CHECK (state IN ('pending', 'set_aside', 'done')),"
    "  attempts        INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error      TEXT,"
    "  created_at      INTEGER NOT NULL,"
    "  packet          TEXT NOT NULL"
    ");"
    "CREATE INDEX IF NOT EXISTS outbox_by_state ON outbox (state, seq);"
    "CREATE INDEX IF NOT EXISTS outbox_by_dossier ON outbox (dossier_uuid) WHERE dossier_uuid IS NOT NULL;",
    NULL },

  /* Version 4: the queue at the entrance (pd-queue-private.h). */
  { PD_QUEUE_SCHEMA_SQL, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PD_STORE_SCHEMA_VERSION);

#define DOSSIER_COLUMNS \
  "id, uuid, status, status_reason, created_at, updated_at, purged_at, clear, sealed"

/* A cached statement, reset (and its bindings cleared) when it goes out of scope. */
typedef sqlite3_stmt PdStatement;

static void
statement_done (PdStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStatement, statement_done)

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

void
pd_status_change_free (PdStatusChange *change)
{
  if (change == NULL)
    return;
  g_free (change->actor);
  g_free (change->reason);
  g_free (change);
}

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

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Errors ------------------------------------------------------------------------------- */

static void
set_sqlite_error (const char  *path,
                  sqlite3     *db,
                  int          rc,
                  GError     **error)
{
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_FULL,
                           _("The disk is full: free some space, then save again. "
                             "Nothing already saved was lost."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_LOCKED,
                           _("The data file is in use by another program (another Passdesk "
                             "window, a backup or a copy in progress). Wait for it to finish "
                             "or close it, then try again. Nothing already saved was lost."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("The data file “%s” is damaged or is not a Passdesk data file. "
                     "Restore it from a backup, or move it away so that Passdesk can start "
                     "a new one."),
                   path);
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("The change was refused (%s). Check the application, then save again. "
                     "Nothing already saved was lost."),
                   detail);
      break;
    default:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Passdesk could not read or write “%s” (%s). Check that the disk is "
                     "connected and that you may write to its folder, then try again. "
                     "Nothing already saved was lost."),
                   path, detail);
      break;
    }
}

static void
set_db_error (PdStore  *self,
              int       rc,
              GError  **error)
{
  set_sqlite_error (self->path, self->db, rc, error);
}

static void
set_unreadable_error (PdStore     *self,
                      const char  *uuid,
                      GError     **error)
{
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
               _("The personal data of application %s in “%s” cannot be opened: it was "
                 "altered or damaged. Restore the data file from a backup."),
               uuid, self->path);
}

static gboolean
check_open (PdStore  *self,
            GError  **error)
{
  if (self->db != NULL)
    return TRUE;
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
               _("The data file “%s” is closed. Open it again, then retry."),
               self->path);
  return FALSE;
}

/* Statements and transactions ---------------------------------------------------------- */

static PdStatement *
prepare (PdStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* For the public entry points: a closed store gets the error that says to open it again. */
static PdStatement *
prepare_open (PdStore     *self,
              const char  *sql,
              GError     **error)
{
  if (!check_open (self, error))
    return NULL;
  return prepare (self, sql, error);
}

/* Steps a statement that returns no row (or whose rows do not matter). */
static gboolean
run (PdStore      *self,
     sqlite3_stmt *stmt,
     GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_ok (PdStore  *self,
          int       rc,
          GError  **error)
{
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec (PdStore     *self,
      const char  *sql,
      GError     **error)
{
  return check_ok (self, pd_sqlite_exec (self->db, sql), error);
}

static void
rollback (PdStore *self)
{
  pd_sqlite_rollback (self->db);
}

static gboolean
begin (PdStore  *self,
       GError  **error)
{
  return check_ok (self, pd_sqlite_begin (self->db), error);
}

static gboolean
commit (PdStore  *self,
        GError  **error)
{
  if (check_ok (self, pd_sqlite_commit (self->db), error))
    return TRUE;
  rollback (self);
  return FALSE;
}

/* Meta ----------------------------------------------------------------------------------- */

static char *
meta_get (PdStore     *self,
          const char  *key,
          GError     **error)
{
  g_autoptr(PdStatement) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return pd_sqlite_column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    set_db_error (self, rc, error);
  return NULL;
}

static gboolean
meta_set (PdStore     *self,
          const char  *key,
          const char  *value,
          GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  pd_sqlite_bind_text (stmt, 2, value);
  return run (self, stmt, error);
}

/* Audit ---------------------------------------------------------------------------------- */

/* Must run inside a transaction, the one of the change it records. */
static gboolean
audit_append (PdStore     *self,
              const char  *actor,
              const char  *action,
              const char  *subject,
              const char  *detail,
              GError     **error)
{
  guint8 previous[PD_CRYPTO_HASH_BYTES] = { 0 };
  guint8 hash[PD_CRYPTO_HASH_BYTES];
  gint64 seq = 1;
  gint64 at = now_seconds ();

  {
    g_autoptr(PdStatement) last =
      prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
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
    else if (rc != SQLITE_DONE)
      {
        set_db_error (self, rc, error);
        return FALSE;
      }
  }

  pd_crypto_audit_hash (self->keys, previous, seq, at, actor, action, subject, detail, hash);

  {
    g_autoptr(PdStatement) insert =
      prepare (self,
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
    return run (self, insert, error);
  }
}

/* Dossier rows --------------------------------------------------------------------------- */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* A flat JSON object of the personal (or the non-personal) fields. Written by hand because
 * it runs for every dossier of a bulk insert, where a JsonBuilder costs more than the rest. */
static GString *
fields_to_json (PdDossier *dossier,
                gboolean   personal)
{
  GString *out = g_string_sized_new (512);

  g_string_append_c (out, '{');
  for (guint i = 0; i < PD_N_FIELDS; i++)
    {
      const char *value = pd_dossier_get_field (dossier, i);

      if (value == NULL || pd_field_is_personal (i) != personal)
        continue;
      if (out->len > 1)
        g_string_append_c (out, ',');
      append_json_string (out, pd_field_get_key (i));
      g_string_append_c (out, ':');
      append_json_string (out, value);
    }
  g_string_append_c (out, '}');
  return out;
}

static gboolean
fields_from_json (PdDossier  *dossier,
                  const char *json,
                  gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, length, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &key, &value))
    {
      PdField field = pd_field_from_key (key);

      if (field != PD_FIELD_INVALID && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        pd_dossier_set_field (dossier, field, json_node_get_string (value));
    }
  return TRUE;
}

/* ID numbers are compared without the spaces people type to group digits. */
static char *
normalize_id_number (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    if (!g_ascii_isspace (*p) && *p != '-' && *p != '.')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static gboolean
id_index_of (PdStore   *self,
             PdDossier *dossier,
             gint64    *index)
{
  g_autofree char *id = normalize_id_number (pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER));

  if (*id == '\0')
    return FALSE;
  *index = pd_crypto_blind_index (self->keys, "id", id);
  return TRUE;
}

/* The distinct words of the applicant's name, folded. */
static GPtrArray *
name_words (const char *name)
{
  g_auto(GStrv) words = pd_text_words (name);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; words[i]; i++)
    if (!g_ptr_array_find_with_equal_func (out, words[i], g_str_equal, NULL))
      g_ptr_array_add (out, g_strdup (words[i]));
  return out;
}

static gboolean
name_has_words (const char *name,
                GPtrArray  *query_words)
{
  g_autoptr(GPtrArray) words = name_words (name);

  for (guint i = 0; i < query_words->len; i++)
    if (!g_ptr_array_find_with_equal_func (words, query_words->pdata[i], g_str_equal, NULL))
      return FALSE;
  return TRUE;
}

static gboolean
same_words (const char *a,
            const char *b)
{
  g_autoptr(GPtrArray) words_a = name_words (a);
  g_autoptr(GPtrArray) words_b = name_words (b);

  return words_a->len == words_b->len && name_has_words (a, words_b);
}

static gint64
birth_year_of (PdDossier *dossier)
{
  GDate date;

  if (!pd_parse_iso_date (pd_dossier_get_field (dossier, PD_FIELD_BIRTH_DATE), &date))
    return 0;
  return g_date_get_year (&date);
}

static void
bind_int_or_null (sqlite3_stmt *stmt,
                  int           index,
                  gint64        value)
{
  if (value)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
attachment_ad (const char *uuid,
               const char *kind)
{
  return g_strconcat (uuid, "/", kind, NULL);
}

/* Builds a dossier from a row selected with DOSSIER_COLUMNS. */
static PdDossier *
dossier_from_row (PdStore       *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(PdDossier) dossier = pd_dossier_new ();
  const char *uuid = (const char *) sqlite3_column_text (stmt, 1);
  PdStatus status = pd_status_from_string ((const char *) sqlite3_column_text (stmt, 2));

  pd_dossier_set_id (dossier, sqlite3_column_int64 (stmt, 0));
  pd_dossier_set_uuid (dossier, uuid);
  if (status != PD_STATUS_INVALID)
    pd_dossier_set_status (dossier, status);
  pd_dossier_set_status_reason (dossier, (const char *) sqlite3_column_text (stmt, 3));
  pd_dossier_set_created_at (dossier, sqlite3_column_int64 (stmt, 4));
  pd_dossier_set_updated_at (dossier, sqlite3_column_int64 (stmt, 5));
  pd_dossier_set_purged (dossier, sqlite3_column_type (stmt, 6) != SQLITE_NULL);

  if (!fields_from_json (dossier, (const char *) sqlite3_column_text (stmt, 7),
                         sqlite3_column_bytes (stmt, 7)))
    {
      set_unreadable_error (self, uuid, error);
      return NULL;
    }

  if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    {
      g_autoptr(GBytes) plain = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 8),
                                                sqlite3_column_bytes (stmt, 8), uuid, NULL);
      gsize length;
      const char *json;

      if (plain == NULL)
        {
          set_unreadable_error (self, uuid, error);
          return NULL;
        }
      json = g_bytes_get_data (plain, &length);
      if (!fields_from_json (dossier, json, length))
        {
          sodium_memzero ((gpointer) json, length);
          set_unreadable_error (self, uuid, error);
          return NULL;
        }
      sodium_memzero ((gpointer) json, length);
    }

  return g_steal_pointer (&dossier);
}

/* Reads the current row into a new element; NULL, with @error set, stops the collection. */
typedef gpointer (*RowReader) (PdStore       *self,
                               sqlite3_stmt  *stmt,
                               gpointer       user_data,
                               GError       **error);

/* Steps a bound statement to its end, collecting what @read_row makes of each row. */
static GPtrArray *
collect_rows (PdStore         *self,
              sqlite3_stmt    *stmt,
              RowReader        read_row,
              gpointer         user_data,
              GDestroyNotify   free_func,
              GError         **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = read_row (self, stmt, user_data, error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (result, item);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static gpointer
read_dossier (PdStore       *self,
              sqlite3_stmt  *stmt,
              gpointer       user_data,
              GError       **error)
{
  return dossier_from_row (self, stmt, error);
}

/* Collects the dossiers a bound statement selects with DOSSIER_COLUMNS. */
static GPtrArray *
collect_dossiers (PdStore       *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  return collect_rows (self, stmt, read_dossier, NULL, g_object_unref, error);
}

static PdDossier *
load_dossier (PdStore     *self,
              gint64       id,
              GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return dossier_from_row (self, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                 _("Application %lld is not in this data file. It may have "
                   "been saved on another computer: search for it there."), (long long) id);
  else
    set_db_error (self, rc, error);
  return NULL;
}

/* The newest photo of a dossier, or NULL (without error) when it has none. */
static GBytes *
load_photo (PdStore     *self,
            gint64       dossier_id,
            const char  *uuid,
            GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self,
             "SELECT sealed FROM attachments WHERE dossier_id = ? AND kind = 'photo'"
             " ORDER BY id DESC LIMIT 1", error);
  g_autofree char *ad = attachment_ad (uuid, "photo");
  GBytes *photo;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  photo = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 0),
                          sqlite3_column_bytes (stmt, 0), ad, NULL);
  if (photo == NULL)
    set_unreadable_error (self, uuid, error);
  return photo;
}

static gboolean
load_full (PdStore    *self,
           PdDossier  *dossier,
           GError    **error)
{
  g_autoptr(GBytes) photo = NULL;
  GError *local_error = NULL;

  photo = load_photo (self, pd_dossier_get_id (dossier), pd_dossier_get_uuid (dossier),
                      &local_error);
  if (local_error)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  pd_dossier_set_photo (dossier, photo);
  return TRUE;
}

static gboolean
insert_history (PdStore     *self,
                gint64       dossier_id,
                gint64       at,
                PdStatus     status,
                const char  *actor,
                const char  *reason,
                GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self,
             "INSERT INTO status_history (dossier_id, at, status, actor, reason)"
             " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  sqlite3_bind_int64 (stmt, 2, at);
  pd_sqlite_bind_text (stmt, 3, pd_status_to_string (status));
  pd_sqlite_bind_text (stmt, 4, actor);
  pd_sqlite_bind_text (stmt, 5, reason);
  return run (self, stmt, error);
}

/* Name search keys ---------------------------------------------------------------------
 *
 * Each word of a name is a row of name_tokens under its blind index, and so is each pair of
 * its words that are both among the common ones below. Every row also carries the dossier's
 * signature: a 64-bit Bloom filter of all the words of the name, NAME_SIG_BITS bits per word
 * taken from the word's blind index (so it is keyed like the index, and tells nothing that
 * the rows of the dossier do not already tell).
 *
 * A search walks the rows of its rarest key, newest first, while SQLite drops with one AND
 * per row the dossiers whose signature lacks a bit of another query word; only the few left
 * are checked word by word, then decrypted. The walk is long only when every key of the
 * query is common, and a pair of common words is far rarer than either: "Nguyễn Thị Vân" has
 * three words held by 15 to 40 % of the people each, "thị vân" by a fraction of a percent.
 *
 * Pairs are kept to common words because each pair is its own range of the index, and a bulk
 * insert dirties the last page of every range it touches: pairs of all words (6,000 distinct
 * pairs in the demonstration data, 3.6 per dossier) made bulk inserts 40 % slower; pairs of
 * common words (a few hundred, about one per dossier) cost nothing measurable. A word
 * missing from the list is rare enough to be walked: the list holds the folded surnames,
 * middle and given names borne by more than about 2.5 % of the people (public frequency
 * figures), and walking any other word takes a few milliseconds at a million dossiers.
 * The list is part of the schema: changing it needs a new schema version that rebuilds the
 * rows (rebuild_name_tokens()).
 */
static const char * const common_name_words[] = {  /* sorted, for bsearch () */
  "anh", "bao", "bui", "cong", "dang", "dinh", "duc", "hoang", "hong", "huu", "huynh", "kim",
  "le", "mai", "minh", "ngoc", "nguyen", "pham", "phan", "phuong", "quang", "thanh", "thi",
  "thu", "thuy", "tran", "van", "vo", "vu",
};

#define NAME_SIG_BITS 4

static int
compare_words (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_common_name_word (const char *word)
{
  return bsearch (&word, common_name_words, G_N_ELEMENTS (common_name_words),
                  sizeof common_name_words[0], compare_words) != NULL;
}

static gint64
word_token (PdStore    *self,
            const char *word)
{
  return pd_crypto_blind_index (self->keys, "name", word);
}

static gint64
pair_token (PdStore    *self,
            const char *a,
            const char *b)
{
  g_autofree char *pair = strcmp (a, b) < 0 ? g_strconcat (a, " ", b, NULL)
                                            : g_strconcat (b, " ", a, NULL);

  return pd_crypto_blind_index (self->keys, "name-pair", pair);
}

static gint64
word_sig (gint64 token)
{
  guint64 sig = 0;

  for (guint i = 0; i < NAME_SIG_BITS; i++)
    sig |= G_GUINT64_CONSTANT (1) << (((guint64) token >> (6 * i)) & 63);
  return (gint64) sig;
}

/* (element-type gint64): the keys of the distinct folded @words; *sig their signature. */
static GArray *
name_keys (PdStore   *self,
           GPtrArray *words,
           gint64    *sig)
{
  GArray *keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), words->len * 2);

  *sig = 0;
  for (guint i = 0; i < words->len; i++)
    {
      gint64 token = word_token (self, words->pdata[i]);

      *sig |= word_sig (token);
      g_array_append_val (keys, token);
    }
  for (guint i = 0; i < words->len; i++)
    {
      if (!is_common_name_word (words->pdata[i]))
        continue;
      for (guint j = i + 1; j < words->len; j++)
        if (is_common_name_word (words->pdata[j]))
          {
            gint64 token = pair_token (self, words->pdata[i], words->pdata[j]);

            g_array_append_val (keys, token);
          }
    }
  return keys;
}

typedef struct
{
  gint64 token;
  gint64 dossier_id;
  gint64 sig;
} NameRow;

static int
compare_name_rows (gconstpointer a,
                   gconstpointer b)
{
  const NameRow *x = a, *y = b;

  if (x->token != y->token)
    return x->token < y->token ? -1 : 1;
  return (x->dossier_id > y->dossier_id) - (x->dossier_id < y->dossier_id);
}

/* Appends the name_tokens rows of the dossier to @rows (element-type NameRow). */
static void
collect_name_keys (PdStore    *self,
                   gint64      dossier_id,
                   const char *name,
                   GArray     *rows)
{
  g_autoptr(GPtrArray) words = name_words (name);
  g_autoptr(GArray) keys = NULL;
  gint64 sig;

  keys = name_keys (self, words, &sig);
  for (guint i = 0; i < keys->len; i++)
    {
      NameRow row = { g_array_index (keys, gint64, i), dossier_id, sig };

      g_array_append_val (rows, row);
    }
}

/* In key order: a batch's rows then go to each key's range one after the other instead of
 * jumping across the table for every row. The name keys were a quarter of the time of a bulk
 * insert at a million dossiers; sorted, they cost about a third less. */
static gboolean
insert_name_rows (PdStore     *self,
                  GArray      *rows,
                  GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "INSERT OR IGNORE INTO name_tokens (token, dossier_id, sig) VALUES (?, ?, ?)",
             error);

  if (stmt == NULL)
    return FALSE;
  g_array_sort (rows, compare_name_rows);
  for (guint i = 0; i < rows->len; i++)
    {
      NameRow *row = &g_array_index (rows, NameRow, i);

      sqlite3_bind_int64 (stmt, 1, row->token);
      sqlite3_bind_int64 (stmt, 2, row->dossier_id);
      sqlite3_bind_int64 (stmt, 3, row->sig);
      if (!run (self, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
add_name_keys (PdStore     *self,
               gint64       dossier_id,
               const char  *name,
               GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (NameRow));

  collect_name_keys (self, dossier_id, name, rows);
  return insert_name_rows (self, rows, error);
}

static gboolean
remove_name_keys (PdStore     *self,
                  gint64       dossier_id,
                  const char  *name,
                  GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "DELETE FROM name_tokens WHERE token = ? AND dossier_id = ?", error);
  g_autoptr(GPtrArray) words = name_words (name);
  g_autoptr(GArray) keys = NULL;
  gint64 sig;

  if (stmt == NULL)
    return FALSE;
  keys = name_keys (self, words, &sig);
  for (guint i = 0; i < keys->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (keys, gint64, i));
      sqlite3_bind_int64 (stmt, 2, dossier_id);
      if (!run (self, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* Schema version 2 added pairs and signatures: every row is redone from the sealed names
 * (purged dossiers have none, and no rows). In id order, so that each key's rows are
 * appended at the end of its range. */
static gboolean
rebuild_name_tokens (PdStore  *self,
                     GError  **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "SELECT id, uuid, sealed FROM dossiers WHERE sealed IS NOT NULL ORDER BY id",
             error);
  const char *name_key = pd_field_get_key (PD_FIELD_FULL_NAME);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *root;
      const char *json;
      gsize length;
      gboolean parsed;

      plain = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                              sqlite3_column_bytes (stmt, 2), uuid, NULL);
      if (plain == NULL)
        {
          set_unreadable_error (self, uuid, error);
          return FALSE;
        }
      json = g_bytes_get_data (plain, &length);
      parsed = json_parser_load_from_data (parser, json, length, NULL);
      sodium_memzero ((gpointer) json, length);
      root = parsed ? json_parser_get_root (parser) : NULL;
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          set_unreadable_error (self, uuid, error);
          return FALSE;
        }
      if (!add_name_keys (self, sqlite3_column_int64 (stmt, 0),
                          json_object_get_string_member_with_default (json_node_get_object (root),
                                                                      name_key, NULL),
                          error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gint64
insert_attachment (PdStore     *self,
                   gint64       dossier_id,
                   const char  *uuid,
                   const char  *kind,
                   const char  *mime_type,
                   GBytes      *data,
                   const char  *actor,
                   GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self,
             "INSERT INTO attachments (dossier_id, kind, mime_type, size, created_at, sealed)"
             " VALUES (?, ?, ?, ?, ?, ?)", error);
  g_autofree char *ad = attachment_ad (uuid, kind);
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
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  sqlite3_bind_blob (stmt, 6, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                     SQLITE_STATIC);
  if (!run (self, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (self->db);

  detail = g_strdup_printf ("%s, %" G_GSIZE_FORMAT " bytes", kind, size);
  if (!audit_append (self, actor, "attach", uuid, detail, error))
    return 0;
  return id;
}

/* What an insert gives the dossier once the transaction has committed. */
typedef struct
{
  PdDossier *dossier;
  gint64     id;
  char      *uuid;
  gint64     created_at;
  gint64     updated_at;
} Inserted;

static void
inserted_clear (Inserted *inserted)
{
  g_free (inserted->uuid);
}

static void
inserted_apply (GArray *inserted)
{
  for (guint i = 0; i < inserted->len; i++)
    {
      Inserted *ins = &g_array_index (inserted, Inserted, i);

      pd_dossier_set_uuid (ins->dossier, ins->uuid);
      pd_dossier_set_created_at (ins->dossier, ins->created_at);
      pd_dossier_set_updated_at (ins->dossier, ins->updated_at);
      pd_dossier_set_id (ins->dossier, ins->id);
    }
}

/* The name keys go to @name_rows, for the caller to write with insert_name_rows(). */
static gboolean
insert_dossier (PdStore     *self,
                PdDossier   *dossier,
                const char  *actor,
                GArray      *inserted,
                GArray      *name_rows,
                GError     **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self,
             "INSERT INTO dossiers (uuid, status, status_reason, created_at, updated_at,"
             " confirmed_at, birth_year, clear, sealed, id_index)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autoptr(GString) clear = NULL;
  g_autoptr(GString) personal = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GPtrArray) words = NULL;
  PdStatus status = pd_dossier_get_status (dossier);
  gint64 now = now_seconds ();
  Inserted ins = { dossier, 0, NULL, 0, 0 };
  gint64 index;

  if (stmt == NULL)
    return FALSE;

  /* Time-ordered: each new row's uuid lands at the right edge of the uuid index, where a
   * random one dirtied a random page of it (a third of the cost of a bulk insert at a
   * million dossiers). */
  ins.uuid = g_strdup (pd_dossier_get_uuid (dossier));
  if (ins.uuid == NULL)
    ins.uuid = pd_uuid_new_v7 ();
  ins.created_at = pd_dossier_get_created_at (dossier) ? pd_dossier_get_created_at (dossier) : now;
  ins.updated_at = MAX (pd_dossier_get_updated_at (dossier), ins.created_at);

  clear = fields_to_json (dossier, FALSE);
  personal = fields_to_json (dossier, TRUE);
  sealed = pd_crypto_seal (self->keys, personal->str, personal->len, ins.uuid);
  sodium_memzero (personal->str, personal->len);

  pd_sqlite_bind_text (stmt, 1, ins.uuid);
  pd_sqlite_bind_text (stmt, 2, pd_status_to_string (status));
  pd_sqlite_bind_text (stmt, 3, pd_dossier_get_status_reason (dossier));
  sqlite3_bind_int64 (stmt, 4, ins.created_at);
  sqlite3_bind_int64 (stmt, 5, ins.updated_at);
  bind_int_or_null (stmt, 6, pd_status_is_confirmed (status) ? ins.created_at : 0);
  bind_int_or_null (stmt, 7, birth_year_of (dossier));
  sqlite3_bind_text (stmt, 8, clear->str, clear->len, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 9, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                     SQLITE_STATIC);
  if (id_index_of (self, dossier, &index))
    sqlite3_bind_int64 (stmt, 10, index);
  else
    sqlite3_bind_null (stmt, 10);

  if (!run (self, stmt, error))
    {
      g_free (ins.uuid);
      return FALSE;
    }
  ins.id = sqlite3_last_insert_rowid (self->db);
  g_array_append_val (inserted, ins);

  collect_name_keys (self, ins.id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), name_rows);
  if (!insert_history (self, ins.id, ins.created_at, status, actor,
                       pd_dossier_get_status_reason (dossier), error))
    return FALSE;
  if (!audit_append (self, actor, "create", ins.uuid, pd_status_to_string (status), error))
    return FALSE;
  if (pd_dossier_get_photo (dossier) != NULL &&
      insert_attachment (self, ins.id, ins.uuid, "photo", "image/jpeg",
                         pd_dossier_get_photo (dossier), actor, error) == 0)
    return FALSE;

  return TRUE;
}

static gboolean
same_bytes (GBytes *a,
            GBytes *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_bytes_get_size (a) == g_bytes_get_size (b) &&
         sodium_memcmp (g_bytes_get_data (a, NULL), g_bytes_get_data (b, NULL),
                        g_bytes_get_size (a)) == 0;
}

static gboolean
update_dossier (PdStore     *self,
                PdDossier   *dossier,
                const char  *actor,
                gint64      *updated_at,
                GError     **error)
{
  g_autoptr(PdDossier) old = NULL;
  g_autoptr(GString) changed = g_string_new (NULL);
  g_autoptr(GString) clear = NULL;
  g_autoptr(GString) personal = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) old_photo = NULL;
  GError *local_error = NULL;
  gint64 id = pd_dossier_get_id (dossier);
  PdStatus status = pd_dossier_get_status (dossier);
  PdStatus old_status;
  GBytes *photo = pd_dossier_get_photo (dossier);
  gboolean photo_changed;
  gint64 now = now_seconds ();
  gint64 index;

  old = load_dossier (self, id, error);
  if (old == NULL)
    return FALSE;
  if (pd_dossier_get_uuid (dossier) &&
      g_strcmp0 (pd_dossier_get_uuid (dossier), pd_dossier_get_uuid (old)) != 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("This application does not match the one saved under number %lld. "
                     "Open it again from the list, then save."), (long long) id);
      return FALSE;
    }
  if (pd_dossier_get_purged (old))
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("The personal data of this application was deleted at the end "
                             "of the retention period, so it can no longer be changed. "
                             "Start a new application instead."));
      return FALSE;
    }

  for (guint i = 0; i < PD_N_FIELDS; i++)
    if (g_strcmp0 (pd_dossier_get_field (dossier, i), pd_dossier_get_field (old, i)) != 0)
      g_string_append_printf (changed, "%s%s", changed->len ? "," : "", pd_field_get_key (i));

  old_photo = photo ? load_photo (self, id, pd_dossier_get_uuid (old), &local_error) : NULL;
  if (local_error)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  photo_changed = photo != NULL && !same_bytes (photo, old_photo);
  old_status = pd_dossier_get_status (old);

  if (changed->len == 0 && !photo_changed && status == old_status &&
      g_strcmp0 (pd_dossier_get_status_reason (dossier), pd_dossier_get_status_reason (old)) == 0)
    {
      *updated_at = pd_dossier_get_updated_at (old);
      return TRUE;
    }

  if (changed->len > 0)
    {
      g_autoptr(PdStatement) stmt =
        prepare (self,
                 "UPDATE dossiers SET birth_year = ?, clear = ?, sealed = ?, id_index = ?"
                 " WHERE id = ?", error);

      if (stmt == NULL)
        return FALSE;
      clear = fields_to_json (dossier, FALSE);
      personal = fields_to_json (dossier, TRUE);
      sealed = pd_crypto_seal (self->keys, personal->str, personal->len,
                               pd_dossier_get_uuid (old));
      sodium_memzero (personal->str, personal->len);

      bind_int_or_null (stmt, 1, birth_year_of (dossier));
      sqlite3_bind_text (stmt, 2, clear->str, clear->len, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                         SQLITE_STATIC);
      if (id_index_of (self, dossier, &index))
        sqlite3_bind_int64 (stmt, 4, index);
      else
        sqlite3_bind_null (stmt, 4);
      sqlite3_bind_int64 (stmt, 5, id);
      if (!run (self, stmt, error))
        return FALSE;

      /* Every row holds the signature of the whole name: a changed name redoes them all. */
      if (!same_words (pd_dossier_get_field (old, PD_FIELD_FULL_NAME),
                       pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME)) &&
          (!remove_name_keys (self, id, pd_dossier_get_field (old, PD_FIELD_FULL_NAME), error) ||
           !add_name_keys (self, id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), error)))
        return FALSE;

      /* The keys of the changed fields only: the audit log never holds personal values. */
      if (!audit_append (self, actor, "update", pd_dossier_get_uuid (old), changed->str, error))
        return FALSE;
    }

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "UPDATE dossiers SET status = ?, status_reason = ?, updated_at = ?,"
               " confirmed_at = coalesce (confirmed_at, ?) WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
    pd_sqlite_bind_text (stmt, 2, pd_dossier_get_status_reason (dossier));
    sqlite3_bind_int64 (stmt, 3, now);
    bind_int_or_null (stmt, 4, pd_status_is_confirmed (status) ? now : 0);
    sqlite3_bind_int64 (stmt, 5, id);
    if (!run (self, stmt, error))
      return FALSE;
  }

  if (status != old_status)
    {
      g_autofree char *detail = g_strdup_printf ("%s -> %s", pd_status_to_string (old_status),
                                                 pd_status_to_string (status));

      if (!insert_history (self, id, now, status, actor,
                           pd_dossier_get_status_reason (dossier), error) ||
          !audit_append (self, actor, "status", pd_dossier_get_uuid (old), detail, error))
        return FALSE;
    }

  if (photo_changed)
    {
      g_autoptr(PdStatement) stmt =
        prepare (self, "DELETE FROM attachments WHERE dossier_id = ? AND kind = 'photo'", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!run (self, stmt, error))
        return FALSE;
      if (insert_attachment (self, id, pd_dossier_get_uuid (old), "photo", "image/jpeg", photo,
                             actor, error) == 0)
        return FALSE;
    }

  *updated_at = now;
  return TRUE;
}

/* Reference data ------------------------------------------------------------------------- */

static gboolean
write_reference (PdStore           *self,
                 PdReferenceTable   table,
                 const char        *version,
                 GPtrArray         *entries,
                 GError           **error)
{
  const char *name = pd_reference_table_get_name (table);

  {
    g_autoptr(PdStatement) stmt = prepare (self, "DELETE FROM reference WHERE tbl = ?", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, name);
    if (!run (self, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "INSERT INTO reference (tbl, ord, code, name, parent, kind, amount)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < entries->len; i++)
      {
        const PdReferenceEntry *entry = g_ptr_array_index (entries, i);

        pd_sqlite_bind_text (stmt, 1, name);
        sqlite3_bind_int64 (stmt, 2, i);
        pd_sqlite_bind_text (stmt, 3, entry->code);
        pd_sqlite_bind_text (stmt, 4, entry->name ? entry->name : "");
        pd_sqlite_bind_text (stmt, 5, entry->parent);
        pd_sqlite_bind_text (stmt, 6, entry->kind);
        sqlite3_bind_int64 (stmt, 7, entry->amount);
        if (!run (self, stmt, error))
          return FALSE;
        sqlite3_reset (stmt);
      }
  }

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "INSERT OR REPLACE INTO reference_versions (tbl, version, updated_at)"
               " VALUES (?, ?, ?)", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, name);
    pd_sqlite_bind_text (stmt, 2, version);
    sqlite3_bind_int64 (stmt, 3, now_seconds ());
    if (!run (self, stmt, error))
      return FALSE;
  }

  {
    g_autofree char *detail = g_strdup_printf ("%s %s, %u entries", name, version, entries->len);

    return audit_append (self, NULL, "reference", NULL, detail, error);
  }
}

static gboolean
seed_reference (PdStore  *self,
                GError  **error)
{
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *version = g_strdup_printf ("installed-%s", PACKAGE_VERSION);

  reference = pd_reference_new_from_directory (pd_reference_get_default_directory (),
                                               &local_error);
  if (reference == NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("The reference data installed with Passdesk could not be read (%s). "
                     "Reinstall Passdesk, then try again."),
                   local_error->message);
      return FALSE;
    }

  for (PdReferenceTable table = 0; table < PD_N_REFERENCE_TABLES; table++)
    {
      g_autoptr(GPtrArray) entries = pd_reference_list (reference, table, NULL);

      if (!write_reference (self, table, version, entries, error))
        return FALSE;
    }
  return TRUE;
}

/* Opening ---------------------------------------------------------------------------------- */

static void
set_keyring_error (GError     **error,
                   GError      *cause)
{
  g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING, cause->message);
}

static gboolean
apply_migrations (PdStore  *self,
                  int       from,
                  GError  **error)
{
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                                  PD_STORE_SCHEMA_VERSION);

  for (int v = from; v < PD_STORE_SCHEMA_VERSION; v++)
    if (!exec (self, migrations[v].sql, error) ||
        (migrations[v].then && !migrations[v].then (self, error)))
      return FALSE;
  return exec (self, set_version, error);
}

static gboolean
create_store (PdStore  *self,
              GError  **error)
{
  g_autofree char *store_id = g_uuid_string_random ();
  g_autofree char *label = NULL;
  g_autofree char *check = NULL;
  g_autofree char *retention = g_strdup_printf ("%d", DEFAULT_RETENTION_DAYS);
  g_autoptr(GError) keyring_error = NULL;
  guint8 *key;

  if (!begin (self, error))
    return FALSE;
  if (!apply_migrations (self, 0, error))
    goto failed;

  key = pd_crypto_master_key_new ();
  self->keys = pd_crypto_keys_new (key, PD_CRYPTO_MASTER_KEY_BYTES);
  check = pd_crypto_keys_get_check (self->keys);
  self->store_id = g_strdup (store_id);

  if (!meta_set (self, "store_id", store_id, error) ||
      !meta_set (self, "key_check", check, error) ||
      !meta_set (self, "retention_days", retention, error) ||
      !seed_reference (self, error) ||
      !audit_append (self, NULL, "open", NULL, "created", error))
    {
      pd_crypto_master_key_free (key);
      goto failed;
    }

  /* The key goes to the keyring before the commit: a crash between the two leaves an
   * unused key, never a data file without its key. */
  label = g_strdup_printf (_("Passdesk data key (%s)"), self->path);
  if (!pd_secrets_store (PD_STORE_SECRET_KIND, store_id, label, key,
                         PD_CRYPTO_MASTER_KEY_BYTES, NULL, &keyring_error))
    {
      pd_crypto_master_key_free (key);
      set_keyring_error (error, keyring_error);
      goto failed;
    }
  pd_crypto_master_key_free (key);

  if (!commit (self, error))
    {
      pd_secrets_clear (PD_STORE_SECRET_KIND, store_id, NULL, NULL);
      return FALSE;
    }
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

static gboolean
unlock_store (PdStore  *self,
              GError  **error)
{
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(GBytes) master = NULL;
  g_autofree char *check = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(PdCryptoKeys) keys = NULL;

  /* A database with our version number but without these is not one of ours. */
  self->store_id = meta_get (self, "store_id", NULL);
  expected = meta_get (self, "key_check", NULL);
  if (self->store_id == NULL || expected == NULL)
    {
      set_sqlite_error (self->path, NULL, SQLITE_NOTADB, error);
      return FALSE;
    }

  master = pd_secrets_lookup (PD_STORE_SECRET_KIND, self->store_id, NULL, &keyring_error);
  if (keyring_error)
    {
      set_keyring_error (error, keyring_error);
      return FALSE;
    }
  if (master == NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING,
                   _("The key that opens the data file “%s” is not in this user's keyring. "
                     "Log in as the user who created it, or restore that user's keyring "
                     "from a backup. Without the key, the personal data in this file "
                     "cannot be read."),
                   self->path);
      return FALSE;
    }

  keys = pd_crypto_keys_new (g_bytes_get_data (master, NULL), g_bytes_get_size (master));
  if (keys != NULL)
    check = pd_crypto_keys_get_check (keys);
  if (check == NULL || sodium_memcmp (check, expected, MIN (strlen (check), strlen (expected)) + 1) != 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_WRONG_KEY,
                   _("The key in the keyring does not open the data file “%s”: the file or "
                     "the keyring was replaced. Restore both from the same backup, or ask "
                     "your administrator."),
                   self->path);
      return FALSE;
    }
  self->keys = g_steal_pointer (&keys);
  return TRUE;
}

static gboolean
query_int (PdStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    set_db_error (self, rc, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

static gboolean
quick_check (PdStore  *self,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    set_sqlite_error (self->path, NULL, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc, error);
  return ok;
}

/* PRAGMA quick_check reads every page: 1.7 s at a million dossiers, on every start. Damage
 * is likely after an unclean end (a crash, a power cut on a disk that lies about flushing, a
 * copy taken mid-write), and SQLite leaves a trace of that: the last connection to close
 * checkpoints the WAL and deletes it, so a non-empty WAL at open time means that the last
 * writer did not close (or is still running, e.g. the application while the command line
 * opens the file). Small files are always checked since it costs little. A large file that
 * was closed cleanly is not: a damaged page read later still fails with
 * PD_STORE_ERROR_CORRUPT, and pd_store_check_integrity() checks everything without holding
 * up the start. */
#define ALWAYS_CHECK_BELOW_BYTES (64 * 1024 * 1024)

static gboolean
needs_check_at_open (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || st.st_size < ALWAYS_CHECK_BELOW_BYTES)
    return TRUE;
  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

/* Checkpoints (copying the WAL back into the database file, then an fsync of it) are ours
 * rather than SQLite's automatic ones so that a bulk insert can leave them for later. At the
 * default size (1000 pages) each insert_many() of 10,000 dossiers copied back every page it
 * wrote, among them most of the pages of the random ID number index, which the next batch
 * dirties again; letting the WAL reach BULK_WAL_CHECKPOINT_FRAMES first copies each such
 * page once for two batches and saves every other fsync of the database file (a few per cent
 * of the CPU time of a batch at a million dossiers, more of the wall-clock time on a slow
 * disk). The WAL is as crash-safe at any size (synchronous=FULL syncs it on every commit);
 * what it costs is disk space up to journal_size_limit and a larger checkpoint paid by the
 * next ordinary commit, which the application makes off the main thread. */
#define WAL_CHECKPOINT_FRAMES      1000
#define BULK_WAL_CHECKPOINT_FRAMES 16384   /* 64 MiB of 4 KiB pages: journal_size_limit */

static int
wal_hook (void       *data,
          sqlite3    *db,
          const char *name,
          int         n_frames)
{
  PdStore *self = data;

  if ((guint) n_frames >= self->wal_checkpoint_frames)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

static gboolean
open_store (PdStore           *self,
            PdStoreOpenFlags   flags,
            GError           **error)
{
  gboolean existed = g_file_test (self->path, G_FILE_TEST_EXISTS);
  /* Looked at before SQLite opens the file and its WAL. */
  gboolean check = existed && needs_check_at_open (self->path);
  gint64 version = 0;
  gint64 n_objects = 0;
  int rc;

  if (!existed && !(flags & PD_STORE_OPEN_CREATE))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("There is no data file at “%s”. Check the path, or create a new data "
                     "file."), self->path);
      return FALSE;
    }
  if (!existed)
    {
      g_autofree char *dir = g_path_get_dirname (self->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                       _("The folder “%s” could not be created (%s). Check that you may "
                         "write there, then try again."),
                       dir, g_strerror (saved_errno));
          return FALSE;
        }
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, rc, error);
      goto failed;
    }
  /* Before the first write, so that the WAL and shared-memory files inherit the mode. */
  if (!existed)
    g_chmod (self->path, 0600);
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, DEFAULT_BUSY_TIMEOUT_MS);

  /* Nothing may be written before the version is known: a newer file is left untouched. */
  if (!query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    goto failed;
  if (version > PD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NEWER_SCHEMA,
                   _("The data file “%s” was written by a newer version of Passdesk. "
                     "Install the newer version to open it; this file was not changed."),
                   self->path);
      goto failed;
    }
  if ((version == 0) != (n_objects == 0))
    {
      set_sqlite_error (self->path, NULL, SQLITE_NOTADB, error);
      goto failed;
    }
  if (version == 0 && !(flags & PD_STORE_OPEN_CREATE))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("The data file “%s” is empty. Create a new data file instead."),
                   self->path);
      goto failed;
    }
  if (version > 0 && check && !quick_check (self, error))
    goto failed;

  /* synchronous=FULL: a commit is on the disk when it returns, even across a power cut.
   * secure_delete: purged data is overwritten, not left in free pages. */
  if (!exec (self,
             "PRAGMA journal_mode = WAL;"
             "PRAGMA synchronous = FULL;"
             "PRAGMA foreign_keys = ON;"
             "PRAGMA secure_delete = FAST;"
             "PRAGMA temp_store = MEMORY;"
             "PRAGMA cache_size = -65536;"
             "PRAGMA journal_size_limit = 67108864;", error))
    goto failed;
  self->wal_checkpoint_frames = WAL_CHECKPOINT_FRAMES;
  sqlite3_wal_hook (self->db, wal_hook, self);

  if (version == 0)
    {
      if (!create_store (self, error))
        goto failed;
    }
  else
    {
      if (!unlock_store (self, error))
        goto failed;
      if (version < PD_STORE_SCHEMA_VERSION)
        {
          if (!begin (self, error))
            goto failed;
          if (!apply_migrations (self, version, error) || !commit (self, error))
            {
              rollback (self);
              goto failed;
            }
        }
    }
  return TRUE;

failed:
  pd_store_close (self);
  if (!existed)
    {
      g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (self->path);
    }
  return FALSE;
}

/* GObject -------------------------------------------------------------------------------- */

static void
pd_store_finalize (GObject *object)
{
  PdStore *self = (PdStore *) object;

  pd_store_close (self);
  if (self->packet_destroy)
    self->packet_destroy (self->packet_data);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self->path);
  g_free (self->store_id);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pd_store_parent_class)->finalize (object);
}

static void
pd_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PdStore *self = PD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_STORE_ID:
      g_value_set_string (value, self->store_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  PdStore *self = PD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_store_class_init (PdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_store_finalize;
  object_class->get_property = pd_store_get_property;
  object_class->set_property = pd_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE_ID] =
    g_param_spec_string ("store-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_store_init (PdStore *self)
{
  g_mutex_init (&self->mutex);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            statement_free);
}

/* Public API ----------------------------------------------------------------------------- */

PdStore *
pd_store_open (const char        *path,
               PdStoreOpenFlags   flags,
               GError           **error)
{
  g_autoptr(PdStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PD_TYPE_STORE, "path", path, NULL);
  if (!open_store (self, flags, error))
    return NULL;
  return g_steal_pointer (&self);
}

typedef struct
{
  char             *path;
  PdStoreOpenFlags  flags;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  PdStore *store = pd_store_open (data->path, data->flags, &error);

  if (store)
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
pd_store_open_async (const char          *path,
                     PdStoreOpenFlags     flags,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (OpenData, 1);
  data->path = g_strdup (path);
  data->flags = flags;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

PdStore *
pd_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
pd_store_get_path (PdStore *self)
{
  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  return self->path;
}

const char *
pd_store_get_store_id (PdStore *self)
{
  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  return self->store_id;
}

void
pd_store_set_busy_timeout (PdStore *self,
                           guint    milliseconds)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  locker = g_mutex_locker_new (&self->mutex);
  if (self->db)
    sqlite3_busy_timeout (self->db, (int) MIN (milliseconds, G_MAXINT));
}

void
pd_store_close (PdStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  locker = g_mutex_locker_new (&self->mutex);
  g_hash_table_remove_all (self->statements);
  if (self->db)
    {
      sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->keys, pd_crypto_keys_free);
  g_clear_object (&self->reference);
}

static int
check_cancelled (void *cancellable)
{
  return g_cancellable_is_cancelled (cancellable);
}

gboolean
pd_store_check_integrity (PdStore       *self,
                          GCancellable  *cancellable,
                          GError       **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!check_open (self, error))
      return FALSE;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
      if (cancellable)
        sqlite3_progress_handler (db, 1000, check_cancelled, cancellable);
      rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
      if (!ok)
        {
          g_debug ("integrity check of %s: %s", self->path, sqlite3_column_text (stmt, 0));
          rc = SQLITE_CORRUPT;
        }
    }

  if (!ok && !((rc & 0xff) == SQLITE_INTERRUPT &&
               g_cancellable_set_error_if_cancelled (cancellable, error)))
    set_sqlite_error (self->path, db, rc, error);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

static void
check_integrity_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;

  if (pd_store_check_integrity (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pd_store_check_integrity_async (PdStore             *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_check_integrity_async);
  g_task_run_in_thread (task, check_integrity_thread);
}

gboolean
pd_store_check_integrity_finish (PdStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

PdReference *
pd_store_get_reference (PdStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdReference) reference = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->reference)
    return g_object_ref (self->reference);

  reference = pd_reference_new ();
  if (self->db == NULL)
    return g_steal_pointer (&reference);

  for (PdReferenceTable table = 0; table < PD_N_REFERENCE_TABLES; table++)
    {
      g_autoptr(PdStatement) stmt =
        prepare (self,
                 "SELECT code, name, parent, kind, amount FROM reference WHERE tbl = ?"
                 " ORDER BY ord", NULL);
      GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);

      if (stmt != NULL)
        {
          pd_sqlite_bind_text (stmt, 1, pd_reference_table_get_name (table));
          while (sqlite3_step (stmt) == SQLITE_ROW)
            g_ptr_array_add (entries,
                             pd_reference_entry_new ((const char *) sqlite3_column_text (stmt, 0),
                                                     (const char *) sqlite3_column_text (stmt, 1),
                                                     (const char *) sqlite3_column_text (stmt, 2),
                                                     (const char *) sqlite3_column_text (stmt, 3),
                                                     sqlite3_column_int64 (stmt, 4)));
        }
      pd_reference_set_table (reference, table, entries);
    }
  self->reference = g_object_ref (reference);
  return g_steal_pointer (&reference);
}

gboolean
pd_store_replace_reference (PdStore           *self,
                            PdReferenceTable   table,
                            const char        *version,
                            GPtrArray         *entries,
                            GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  if (!write_reference (self, table, version, entries, error))
    {
      rollback (self);
      return FALSE;
    }
  if (!commit (self, error))
    return FALSE;
  g_clear_object (&self->reference);
  return TRUE;
}

char *
pd_store_get_reference_version (PdStore          *self,
                                PdReferenceTable  table)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->db == NULL)
    return NULL;
  stmt = prepare (self, "SELECT version FROM reference_versions WHERE tbl = ?", NULL);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, pd_reference_table_get_name (table));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return pd_sqlite_column_dup (stmt, 0);
}

gboolean
pd_store_save (PdStore     *self,
               PdDossier   *dossier,
               const char  *actor,
               GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) inserted = NULL;
  g_autoptr(GArray) name_rows = NULL;
  gint64 updated_at = 0;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;

  inserted = g_array_new (FALSE, FALSE, sizeof (Inserted));
  g_array_set_clear_func (inserted, (GDestroyNotify) inserted_clear);
  name_rows = g_array_new (FALSE, FALSE, sizeof (NameRow));

  if (pd_dossier_get_id (dossier) == 0
      ? !insert_dossier (self, dossier, actor, inserted, name_rows, error) ||
        !insert_name_rows (self, name_rows, error)
      : !update_dossier (self, dossier, actor, &updated_at, error))
    {
      rollback (self);
      return FALSE;
    }
  if (!commit (self, error))
    return FALSE;

  inserted_apply (inserted);
  if (updated_at)
    pd_dossier_set_updated_at (dossier, updated_at);
  return TRUE;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PdDossier *copy = task_data;
  GError *error = NULL;

  if (pd_store_save (source_object, copy, g_object_get_data (G_OBJECT (task), "actor"), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The work is done on a copy so that the caller's dossier (bound to a form in the main
 * thread) never changes from another thread; _finish() brings the new id and times back. */
void
pd_store_save_async (PdStore             *self,
                     PdDossier           *dossier,
                     const char          *actor,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_save_async);
  g_task_set_task_data (task, pd_dossier_copy (dossier), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "actor", g_strdup (actor), g_free);
  g_object_set_data_full (G_OBJECT (task), "dossier", g_object_ref (dossier), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

gboolean
pd_store_save_finish (PdStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  PdDossier *copy;
  PdDossier *dossier;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  copy = g_task_get_task_data (G_TASK (result));
  dossier = g_object_get_data (G_OBJECT (result), "dossier");
  pd_dossier_set_uuid (dossier, pd_dossier_get_uuid (copy));
  pd_dossier_set_created_at (dossier, pd_dossier_get_created_at (copy));
  pd_dossier_set_updated_at (dossier, pd_dossier_get_updated_at (copy));
  pd_dossier_set_id (dossier, pd_dossier_get_id (copy));
  return TRUE;
}

gboolean
pd_store_insert_many (PdStore           *self,
                      PdDossier * const *dossiers,
                      guint              n_dossiers,
                      const char        *actor,
                      GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) inserted = NULL;
  g_autoptr(GArray) name_rows = NULL;
  gboolean committed;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (dossiers != NULL || n_dossiers == 0, FALSE);

  for (guint i = 0; i < n_dossiers; i++)
    if (pd_dossier_get_id (dossiers[i]) != 0)
      {
        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                     _("Application %u of the batch was already saved (it has a number). "
                       "Save it on its own instead."), i + 1);
        return FALSE;
      }

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;

  inserted = g_array_sized_new (FALSE, FALSE, sizeof (Inserted), n_dossiers);
  g_array_set_clear_func (inserted, (GDestroyNotify) inserted_clear);
  name_rows = g_array_sized_new (FALSE, FALSE, sizeof (NameRow), n_dossiers * 6);
  for (guint i = 0; i < n_dossiers; i++)
    if (!insert_dossier (self, dossiers[i], actor, inserted, name_rows, error))
      {
        rollback (self);
        return FALSE;
      }
  if (!insert_name_rows (self, name_rows, error))
    {
      rollback (self);
      return FALSE;
    }
  self->wal_checkpoint_frames = BULK_WAL_CHECKPOINT_FRAMES;
  committed = commit (self, error);
  self->wal_checkpoint_frames = WAL_CHECKPOINT_FRAMES;
  if (!committed)
    return FALSE;

  inserted_apply (inserted);
  return TRUE;
}

PdDossier *
pd_store_get (PdStore  *self,
              gint64    id,
              GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdDossier) dossier = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error))
    return NULL;
  dossier = load_dossier (self, id, error);
  if (dossier == NULL || !load_full (self, dossier, error))
    return NULL;
  return g_steal_pointer (&dossier);
}

PdDossier *
pd_store_get_by_uuid (PdStore     *self,
                      const char  *uuid,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_open (self, "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE uuid = ?", error);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("Application %s is not in this data file. It may have been saved on "
                     "another computer: search for it there."), uuid);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  dossier = dossier_from_row (self, stmt, error);
  if (dossier == NULL || !load_full (self, dossier, error))
    return NULL;
  return g_steal_pointer (&dossier);
}

gint64
pd_store_count (PdStore  *self,
                GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_open (self, "SELECT count(*) FROM dossiers", error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
pd_store_count_by_status (PdStore  *self,
                          gint64    counts[PD_N_STATUSES],
                          GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  for (guint i = 0; i < PD_N_STATUSES; i++)
    counts[i] = 0;

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_open (self, "SELECT status, count(*) FROM dossiers GROUP BY status", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdStatus status = pd_status_from_string ((const char *) sqlite3_column_text (stmt, 0));

      /* A status from a newer Passdesk is not counted rather than counted wrong. */
      if (status >= 0 && status < PD_N_STATUSES)
        counts[status] = sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
find_by_id_number_locked (PdStore     *self,
                          const char  *id_number,
                          GError     **error)
{
  g_autoptr(PdStatement) stmt = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *wanted = normalize_id_number (id_number);
  GPtrArray *result;

  if (!check_open (self, error))
    return NULL;
  if (*wanted == '\0')
    return g_ptr_array_new_with_free_func (g_object_unref);

  stmt = prepare (self,
                  "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE id_index = ?"
                  " ORDER BY id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pd_crypto_blind_index (self->keys, "id", wanted));
  candidates = collect_dossiers (self, stmt, error);
  if (candidates == NULL)
    return NULL;

  /* 64 bits can collide: the decrypted value decides. */
  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < candidates->len; i++)
    {
      g_autofree char *stored =
        normalize_id_number (pd_dossier_get_field (candidates->pdata[i], PD_FIELD_ID_NUMBER));

      if (g_str_equal (stored, wanted))
        g_ptr_array_add (result, g_object_ref (candidates->pdata[i]));
    }
  return result;
}

GPtrArray *
pd_store_find_by_id_number (PdStore     *self,
                            const char  *id_number,
                            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (id_number != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return find_by_id_number_locked (self, id_number, error);
}

static GPtrArray *
find_by_declaration_code_locked (PdStore     *self,
                                 const char  *code,
                                 GError     **error)
{
  g_autoptr(PdStatement) stmt = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (code));

  stmt = prepare_open (self,
                       "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE declaration_code = ?"
                       " ORDER BY id DESC", error);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, trimmed);
  return collect_dossiers (self, stmt, error);
}

GPtrArray *
pd_store_find_by_declaration_code (PdStore     *self,
                                   const char  *code,
                                   GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return find_by_declaration_code_locked (self, code, error);
}

typedef enum
{
  KEY_RARE_WORD,
  KEY_PAIR,
  KEY_COMMON_WORD,
} KeyKind;

typedef struct
{
  gint64  token;
  guint   first;   /* the query words the key stands for: first and second (equal for a word) */
  guint   second;
  KeyKind kind;
  gint64  count;
} SearchKey;

/* Pairs from more words than this are not worth counting: one of them is rare enough. */
#define MAX_PAIRED_QUERY_WORDS 6

/* Fewest rows first. Counts stop at TOKEN_COUNT_BOUND: among keys past it, a word outside
 * the common list is likely the rarest, and a pair is rarer than a common word. */
static int
compare_search_keys (gconstpointer a,
                     gconstpointer b)
{
  const SearchKey *ka = a;
  const SearchKey *kb = b;

  if (ka->count != kb->count)
    return ka->count < kb->count ? -1 : 1;
  return (ka->kind > kb->kind) - (ka->kind < kb->kind);
}

static gboolean
count_key (PdStore    *self,
           SearchKey  *key,
           GError    **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self,
             "SELECT count(*) FROM (SELECT 1 FROM name_tokens WHERE token = ? LIMIT "
             G_STRINGIFY (TOKEN_COUNT_BOUND) ")", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, key->token);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  key->count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
has_key (PdStore  *self,
         gint64    token,
         gint64    dossier_id,
         gboolean *found,
         GError  **error)
{
  g_autoptr(PdStatement) stmt =
    prepare (self, "SELECT 1 FROM name_tokens WHERE token = ? AND dossier_id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, token);
  sqlite3_bind_int64 (stmt, 2, dossier_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

/* Whole-word name search (see "Name search keys"): the rarest key of the query is walked
 * newest first, the signature filters in SQL, the rows of the other words confirm, and the
 * decrypted name has the last word, so that neither a 64-bit collision nor a Bloom false
 * positive ever shows a wrong result. */
static GPtrArray *
search_name_locked (PdStore     *self,
                    const char  *query,
                    guint        limit,
                    GError     **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GArray) keys = NULL;
  g_autoptr(PdStatement) scan = NULL;
  SearchKey *walk;
  gint64 mask = 0;
  guint n_paired;
  int rc;

  if (!check_open (self, error))
    return NULL;
  words = name_words (query);
  if (words->len == 0)
    return g_steal_pointer (&result);
  if (limit == 0)
    limit = G_MAXUINT;

  tokens = g_array_sized_new (FALSE, FALSE, sizeof (gint64), words->len);
  for (guint i = 0; i < words->len; i++)
    {
      gint64 token = word_token (self, words->pdata[i]);

      mask |= word_sig (token);
      g_array_append_val (tokens, token);
    }

  keys = g_array_new (FALSE, FALSE, sizeof (SearchKey));
  for (guint i = 0; i < words->len; i++)
    {
      SearchKey key = { g_array_index (tokens, gint64, i), i, i,
                        is_common_name_word (words->pdata[i]) ? KEY_COMMON_WORD : KEY_RARE_WORD, 0 };

      g_array_append_val (keys, key);
    }
  n_paired = MIN (words->len, MAX_PAIRED_QUERY_WORDS);
  for (guint i = 0; i < n_paired; i++)
    for (guint j = i + 1; j < n_paired; j++)
      if (is_common_name_word (words->pdata[i]) && is_common_name_word (words->pdata[j]))
        {
          SearchKey key = { pair_token (self, words->pdata[i], words->pdata[j]), i, j, KEY_PAIR, 0 };

          g_array_append_val (keys, key);
        }
  if (keys->len > 1)
    {
      for (guint i = 0; i < keys->len; i++)
        {
          if (!count_key (self, &g_array_index (keys, SearchKey, i), error))
            return NULL;
          if (g_array_index (keys, SearchKey, i).count == 0)
            return g_steal_pointer (&result);
        }
      g_array_sort (keys, compare_search_keys);
    }
  walk = &g_array_index (keys, SearchKey, 0);

  scan = prepare (self,
                  "SELECT dossier_id FROM name_tokens WHERE token = ?1 AND (sig & ?2) = ?2"
                  " ORDER BY dossier_id DESC", error);
  if (scan == NULL)
    return NULL;
  sqlite3_bind_int64 (scan, 1, walk->token);
  sqlite3_bind_int64 (scan, 2, mask);

  while (result->len < limit && (rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (scan, 0);
      g_autoptr(PdDossier) dossier = NULL;
      gboolean found = TRUE;

      for (guint i = 0; found && i < tokens->len; i++)
        if (i != walk->first && i != walk->second &&
            !has_key (self, g_array_index (tokens, gint64, i), id, &found, error))
          return NULL;
      if (!found)
        continue;

      dossier = load_dossier (self, id, error);
      if (dossier == NULL)
        return NULL;
      if (name_has_words (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), words))
        g_ptr_array_add (result, g_steal_pointer (&dossier));
    }
  if (result->len < limit && rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
pd_store_search_name (PdStore     *self,
                      const char  *query,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return search_name_locked (self, query, limit, error);
}

/* 9 (old ID card) or 12 (personal identification number) digits, spaces allowed. */
static gboolean
looks_like_id_number (const char *query)
{
  g_autofree char *id = normalize_id_number (query);
  gsize length = strlen (id);

  if (length != 9 && length != 12)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
has_digit (const char *text)
{
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  return FALSE;
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PdStore *self = source_object;
  g_autofree char *query = g_strstrip (g_strdup (task_data));
  guint limit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "limit"));
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  GError *error = NULL;
  GPtrArray *result;

  if (looks_like_id_number (query))
    result = find_by_id_number_locked (self, query, &error);
  else if (has_digit (query) && strchr (query, ' ') == NULL)
    result = find_by_declaration_code_locked (self, query, &error);
  else
    result = search_name_locked (self, query, limit, &error);

  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
pd_store_search_async (PdStore             *self,
                       const char          *query,
                       guint                limit,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_search_async);
  g_task_set_task_data (task, g_strdup (query), g_free);
  g_object_set_data (G_OBJECT (task), "limit", GUINT_TO_POINTER (limit));
  g_task_run_in_thread (task, search_thread);
}

GPtrArray *
pd_store_search_finish (PdStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
pd_store_list (PdStore   *self,
               PdStatus   status,
               gint64     since,
               guint      limit,
               GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error))
    return NULL;
  if (status == PD_STATUS_INVALID)
    stmt = prepare (self,
                    "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE updated_at >= ?2"
                    " ORDER BY updated_at DESC, id DESC LIMIT ?3", error);
  else
    stmt = prepare (self,
                    "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE status = ?1"
                    " AND updated_at >= ?2 ORDER BY updated_at DESC, id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  if (status != PD_STATUS_INVALID)
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, limit ? (gint64) limit : -1);
  return collect_dossiers (self, stmt, error);
}

/* Inside a transaction, with the lock held. */
static gboolean
set_status_locked (PdStore     *self,
                   gint64       id,
                   PdStatus     status,
                   const char  *actor,
                   const char  *reason,
                   GError     **error)
{
  g_autoptr(PdDossier) dossier = NULL;
  gint64 updated_at;

  dossier = load_dossier (self, id, error);
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
      prepare (self,
               "UPDATE dossiers SET status = ?, status_reason = ?, updated_at = ?,"
               " confirmed_at = coalesce (confirmed_at, ?) WHERE id = ?", error);
    g_autofree char *detail = g_strdup_printf ("%s -> %s",
                                               pd_status_to_string (pd_dossier_get_status (dossier)),
                                               pd_status_to_string (status));

    if (stmt == NULL)
      return FALSE;
    updated_at = now_seconds ();
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
    pd_sqlite_bind_text (stmt, 2, reason);
    sqlite3_bind_int64 (stmt, 3, updated_at);
    bind_int_or_null (stmt, 4, pd_status_is_confirmed (status) ? updated_at : 0);
    sqlite3_bind_int64 (stmt, 5, id);
    if (!run (self, stmt, error) ||
        !insert_history (self, id, updated_at, status, actor, reason, error) ||
        !audit_append (self, actor, "status", pd_dossier_get_uuid (dossier), detail, error))
      return FALSE;
  }

  /* The packet is part of the acceptance: both are written, or neither. */
  if (status == PD_STATUS_ACCEPTED && self->packet_func != NULL &&
      !write_packet (self, id, actor, updated_at, error))
    return FALSE;
  return TRUE;
}

gboolean
pd_store_set_status (PdStore     *self,
                     gint64       id,
                     PdStatus     status,
                     const char  *actor,
                     const char  *reason,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);

  if (status < 0 || status >= PD_N_STATUSES)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This status does not exist. Choose one from the list."));
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  if (!set_status_locked (self, id, status, actor, reason, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
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
  stmt = prepare_open (self,
                       "SELECT at, status, actor, reason FROM status_history WHERE dossier_id = ?"
                       " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return collect_rows (self, stmt, read_status_change, NULL,
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
  if (!check_open (self, error) || !begin (self, error))
    return 0;
  dossier = load_dossier (self, dossier_id, error);
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
  id = insert_attachment (self, dossier_id, pd_dossier_get_uuid (dossier), kind, mime_type,
                          data, actor, error);
  if (id == 0 || !commit (self, error))
    goto failed;
  return id;

failed:
  rollback (self);
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
  stmt = prepare_open (self,
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
      set_db_error (self, rc, error);
      return NULL;
    }

  ad = attachment_ad ((const char *) sqlite3_column_text (stmt, 3),
                      (const char *) sqlite3_column_text (stmt, 0));
  data = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                         sqlite3_column_bytes (stmt, 2), ad, NULL);
  if (data == NULL)
    {
      set_unreadable_error (self, (const char *) sqlite3_column_text (stmt, 3), error);
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
  stmt = prepare_open (self, "SELECT id FROM attachments WHERE dossier_id = ? ORDER BY id", error);
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
      set_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
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
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  if (!audit_append (self, actor, action, subject, detail, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
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
  stmt = prepare_open (self,
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
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return FALSE;
    }
  if (n_entries)
    *n_entries = n;
  return TRUE;
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
  stmt = prepare_open (self,
                       "SELECT seq, at, actor, action, subject, detail FROM audit WHERE seq > ?"
                       " ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  return collect_rows (self, stmt, read_audit_entry, NULL,
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
  g_autoptr(PdDossier) dossier = load_dossier (self, row->id, error);

  if (dossier == NULL ||
      !remove_name_keys (self, row->id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt = prepare (self, "DELETE FROM attachments WHERE dossier_id = ?",
                                           error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row->id);
    if (!run (self, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "UPDATE dossiers SET sealed = NULL, id_index = NULL, purged_at = ?,"
               " updated_at = ? WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, now);
    sqlite3_bind_int64 (stmt, 3, row->id);
    if (!run (self, stmt, error))
      return FALSE;
  }

  return audit_append (self, actor, "purge", row->uuid, detail, error);
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
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;

  rows = g_array_new (FALSE, FALSE, sizeof (PurgeRow));
  g_array_set_clear_func (rows, (GDestroyNotify) purge_row_clear);
  {
    g_autoptr(PdStatement) stmt =
      prepare (self, "SELECT id, uuid FROM dossiers WHERE " PURGEABLE, error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_int64 (stmt, 1, now - (gint64) days * 86400);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        PurgeRow row = { sqlite3_column_int64 (stmt, 0), pd_sqlite_column_dup (stmt, 1) };

        g_array_append_val (rows, row);
      }
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, rc, error);
        goto failed;
      }
  }

  for (guint i = 0; i < rows->len; i++)
    if (!purge_one (self, &g_array_index (rows, PurgeRow, i), now, actor, detail, error))
      goto failed;

  if (!commit (self, error))
    return FALSE;
  if (n_purged)
    *n_purged = rows->len;
  return TRUE;

failed:
  rollback (self);
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
  stmt = prepare_open (self, "SELECT count(*) FROM dossiers WHERE " PURGEABLE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - (gint64) days * 86400);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, error);
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
  if (self->db)
    value = meta_get (self, "retention_days", NULL);
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
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  value = g_strdup_printf ("%u", days);
  detail = g_strdup_printf ("retention_days=%u", days);
  if (!meta_set (self, "retention_days", value, error) ||
      !audit_append (self, NULL, "settings", NULL, detail, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

char *
pd_store_get_setting (PdStore    *self,
                      const char *key)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->db == NULL)
    return NULL;
  meta_key = g_strconcat ("setting.", key, NULL);
  return meta_get (self, meta_key, NULL);
}

gboolean
pd_store_set_setting (PdStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  meta_key = g_strconcat ("setting.", key, NULL);
  if (!meta_set (self, meta_key, value, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

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
  g_autofree char *ad = attachment_ad (uuid, (const char *) sqlite3_column_text (stmt, 0));
  PdStoreAttachment *attachment;
  GBytes *data = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                                 sqlite3_column_bytes (stmt, 2), ad, NULL);

  if (data == NULL)
    {
      set_unreadable_error (self, uuid, error);
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
    prepare (self,
             "SELECT kind, mime_type, sealed FROM attachments"
             " WHERE dossier_id = ? AND kind <> 'photo' ORDER BY id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  return collect_rows (self, stmt, read_other_attachment, (gpointer) uuid,
                       (GDestroyNotify) pd_store_attachment_free, error);
}

/* Inside the transaction that accepted dossier @id: seals its packet into the outbox. */
static gboolean
write_packet (PdStore     *self,
              gint64       id,
              const char  *accepted_by,
              gint64       accepted_at,
              GError     **error)
{
  g_autoptr(PdDossier) dossier = load_dossier (self, id, error);
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *packet_id = NULL;
  g_autofree char *packet = NULL;
  const char *uuid;

  if (dossier == NULL || !load_full (self, dossier, error))
    return FALSE;
  uuid = pd_dossier_get_uuid (dossier);
  attachments = load_other_attachments (self, id, uuid, error);
  if (attachments == NULL)
    return FALSE;

  packet = self->packet_func (dossier, attachments, accepted_by, accepted_at, &packet_id,
                              self->packet_data, error);
  if (packet == NULL)
    return FALSE;

  {
    /* Accepted again after a reopening: the packet not yet pushed is out of date. */
    g_autoptr(PdStatement) stmt =
      prepare (self, "DELETE FROM outbox WHERE dossier_uuid = ? AND state = 'pending'", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    if (!run (self, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "INSERT INTO outbox (packet_id, seq, dossier_uuid, state, created_at, packet)"
               " VALUES (?, (SELECT coalesce (max (seq), 0) + 1 FROM outbox), ?, 'pending', ?, ?)",
               error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, packet_id);
    pd_sqlite_bind_text (stmt, 2, uuid);
    sqlite3_bind_int64 (stmt, 3, accepted_at);
    pd_sqlite_bind_text (stmt, 4, packet);
    if (!run (self, stmt, error))
      return FALSE;
  }

  return audit_append (self, accepted_by, "packet", uuid, packet_id, error);
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
  if (!check_open (self, error))
    return FALSE;
  if (self->packet_func == NULL)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("This station is not enrolled with the central system, so "
                             "accepted applications cannot be sealed yet. Enroll it first."));
      return FALSE;
    }
  if (!begin (self, error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
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
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, rc, error);
        goto failed;
      }
  }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(PdStatement) stmt =
        prepare (self,
                 "SELECT actor, at FROM status_history WHERE dossier_id = ? AND status = 'accepted'"
                 " ORDER BY at DESC, id DESC LIMIT 1", error);
      g_autofree char *actor = NULL;
      gint64 at = now_seconds ();

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          actor = pd_sqlite_column_dup (stmt, 0);
          at = sqlite3_column_int64 (stmt, 1);
        }
      else if (rc != SQLITE_DONE)
        {
          set_db_error (self, rc, error);
          goto failed;
        }
      statement_done (g_steal_pointer (&stmt));
      if (!write_packet (self, id, actor, at, error))
        goto failed;
    }

  if (!commit (self, error))
    return FALSE;
  *n_created = ids->len;
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

gboolean
pd_store_outbox_add (PdStore     *self,
                     const char  *packet_id,
                     const char  *dossier_uuid,
                     gint64       created_at,
                     const char  *packet,
                     gboolean    *added,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (packet_id != NULL && packet != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;

  {
    g_autoptr(PdStatement) stmt =
      prepare (self,
               "INSERT OR IGNORE INTO outbox (packet_id, seq, dossier_uuid, state, created_at, packet)"
               " VALUES (?, (SELECT coalesce (max (seq), 0) + 1 FROM outbox), ?, 'pending', ?, ?)",
               error);

    if (stmt == NULL)
      goto failed;
    pd_sqlite_bind_text (stmt, 1, packet_id);
    pd_sqlite_bind_text (stmt, 2, dossier_uuid);
    sqlite3_bind_int64 (stmt, 3, created_at);
    pd_sqlite_bind_text (stmt, 4, packet);
    if (!run (self, stmt, error))
      goto failed;
    *added = sqlite3_changes (self->db) > 0;
  }
  if (*added && !audit_append (self, NULL, "packet-import", dossier_uuid, packet_id, error))
    goto failed;
  return commit (self, error);

failed:
  rollback (self);
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

GPtrArray *
pd_store_outbox_list (PdStore        *self,
                      PdOutboxState   state,
                      gint64          after_seq,
                      gint64          due,
                      guint           limit,
                      GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_open (self,
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
  return collect_rows (self, stmt, read_outbox_entry, NULL,
                       (GDestroyNotify) pd_outbox_entry_free, error);
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
  stmt = prepare_open (self, "SELECT count (*) FROM outbox WHERE state = ?", error);
  if (stmt == NULL)
    return -1;
  pd_sqlite_bind_text (stmt, 1, pd_outbox_state_to_string (state));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, sqlite3_errcode (self->db), error);
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
  stmt = prepare_open (self, "SELECT coalesce (min (next_attempt_at), 0) FROM outbox WHERE state = 'pending'", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, sqlite3_errcode (self->db), error);
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
      prepare (self,
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
        set_db_error (self, rc, error);
        return FALSE;
      }
    uuid = pd_sqlite_column_dup (stmt, 0);
    /* Step to the end so the UPDATE completes before the statement is reset. */
    sqlite3_step (stmt);
  }

  if (uuid == NULL)
    return audit_append (self, actor, "packet-relayed", NULL, result->packet_id, error);

  {
    g_autoptr(PdStatement) stmt =
      prepare (self, "SELECT id FROM dossiers WHERE uuid = ? AND status IN ('accepted', 'sent')",
               error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, uuid);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      id = sqlite3_column_int64 (stmt, 0);
    else if (rc != SQLITE_DONE)
      {
        set_db_error (self, rc, error);
        return FALSE;
      }
  }

  if (id != 0)
    return set_status_locked (self, id, PD_STATUS_RECEIVED, actor, NULL, error);
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
  if (!check_open (self, error) || !begin (self, error))
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
              prepare (self,
                       "UPDATE outbox SET state = 'set_aside', attempts = attempts + 1,"
                       " last_error = ? WHERE packet_id = ? AND state = 'pending'"
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
                set_db_error (self, rc, error);
                goto failed;
              }
            uuid = pd_sqlite_column_dup (stmt, 0);
            sqlite3_step (stmt);
            detail = g_strdup_printf ("%s: %s", result->packet_id, result->message ? result->message : "");
            if (!audit_append (self, actor, "packet-set-aside", uuid, detail, error))
              goto failed;
          }
          break;

        case PD_OUTBOX_RESULT_RETRY:
          {
            g_autoptr(PdStatement) stmt =
              prepare (self,
                       "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
                       " last_error = ? WHERE packet_id = ? AND state = 'pending'", error);

            if (stmt == NULL)
              goto failed;
            sqlite3_bind_int64 (stmt, 1, result->next_attempt_at);
            pd_sqlite_bind_text (stmt, 2, result->message);
            pd_sqlite_bind_text (stmt, 3, result->packet_id);
            if (!run (self, stmt, error))
              goto failed;
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return commit (self, error);

failed:
  rollback (self);
  return FALSE;
}

/* Queue (pd-queue-private.h) ---------------------------------------------------------------- */

gboolean
pd_store_run_sql (PdStore        *self,
                  PdStoreSqlFunc  func,
                  gpointer        user_data,
                  GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!check_open (self, error) || !begin (self, error))
    return FALSE;
  if (!func (self->db, user_data, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}
