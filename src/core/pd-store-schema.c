/* pd-store-schema.c: the store's schema, as the migrations that build it version by version. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include "pd-queue-private.h"
#include "pd-store-internal.h"

static gboolean add_receipt_number (PdStore *self, GError **error);
static gboolean number_applications (PdStore *self, GError **error);
static gboolean add_signer (PdStore *self, GError **error);

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
   * search keys" in pd-store-search.c), computed from the sealed names. */
  { "DROP TABLE name_tokens;"
    "CREATE TABLE name_tokens ("
    "  token      INTEGER NOT NULL,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  sig        INTEGER NOT NULL,"
    "  PRIMARY KEY (token, dossier_id)"
    ") WITHOUT ROWID;", _pd_store_rebuild_name_tokens },

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

  /* Version 5: what the office's server knows of each appointment (pd-queue-private.h). */
  { PD_QUEUE_BOOKINGS_SQL, NULL },

  /* Version 6: religion, ethnic group, place and country of birth, occupation, bank and the
   * representative's sex and relationship became personal fields (Decree 13/2023/NĐ-CP counts
   * religious views and ethnic origin as sensitive data): every row is sealed again, and a
   * purged row loses them. The generated columns over them now read NULL. */
  { "SELECT 1;", _pd_store_reseal_fields },

  /* Version 7: the fee receipt's number, given in the acceptance's transaction (pd-intake.c). */
  { "SELECT 1;", add_receipt_number },

  /* Version 8: the receipt's number becomes the application's number, printed on every paper
   * and searched for, with the day of the acceptance; each station counts its numbers per day
   * (pd-intake.c). Numbers given before keep their form. */
  { "CREATE TABLE IF NOT EXISTS application_counters ("
    "  day     TEXT NOT NULL,"
    "  station TEXT NOT NULL,"
    "  last    INTEGER NOT NULL,"
    "  PRIMARY KEY (day, station)"
    ") WITHOUT ROWID;", number_applications },

  /* Version 9: the rejections of the central system an officer has handled, and how (the
   * note); a rejection without a row here is shown until someone does (pd-store-status.c). */
  { "CREATE TABLE IF NOT EXISTS rejections_handled ("
    "  dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),"
    "  at         INTEGER NOT NULL,"
    "  actor      TEXT NOT NULL,"
    "  note       TEXT NOT NULL"
    ");", NULL },

  /* Version 10: what a form holds before it is an application, sealed, one row per form of the
   * station, so that a closed window, a crash or a power cut loses nothing typed
   * (pd-store-drafts.c). */
  { "CREATE TABLE IF NOT EXISTS drafts ("
    "  slot     TEXT PRIMARY KEY NOT NULL,"
    "  saved_at INTEGER NOT NULL,"
    "  sealed   BLOB NOT NULL"
    ") WITHOUT ROWID;", NULL },

  /* Version 11: the accepting officer's full name as the papers print it, fixed at the
   * acceptance with the number (pd-intake.c): a reprint by anyone on any day signs the same.
   * Applications accepted before keep NULL and print the officer's account as they did. */
  { "SELECT 1;", add_signer },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PD_STORE_SCHEMA_VERSION);

/* SQLite has no ADD COLUMN IF NOT EXISTS: a file taken back to an older version number by hand
 * (tests, support) still migrates. */
static gboolean
add_receipt_number (PdStore  *self,
                    GError  **error)
{
  gint64 present;

  {
    /* Finalized before the schema changes under it. */
    g_autoptr(PdSqliteStatement) stmt =
      pd_sqlite_conn_prepare (&self->conn, "SELECT count(*) FROM pragma_table_info ('dossiers')"
                                           " WHERE name IN ('receipt_number', 'application_number')", error);

    if (stmt == NULL || !pd_sqlite_conn_step_int64 (&self->conn, stmt, &present, error))
      return FALSE;
  }
  return present > 0 ||
         pd_sqlite_conn_exec (&self->conn, "ALTER TABLE dossiers ADD COLUMN receipt_number TEXT", error);
}

static gboolean
has_column (PdStore     *self,
            const char  *name,
            gboolean    *present,
            GError     **error)
{
  /* Finalized before the schema changes under it. */
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT count(*) FROM pragma_table_info ('dossiers')"
                                         " WHERE name = ?", error);
  gint64 count;

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, name);
  if (!pd_sqlite_conn_step_int64 (&self->conn, stmt, &count, error))
    return FALSE;
  *present = count > 0;
  return TRUE;
}

static gboolean
number_applications (PdStore  *self,
                     GError  **error)
{
  gboolean old_name, new_name, accepted_on;

  if (!has_column (self, "receipt_number", &old_name, error) ||
      !has_column (self, "application_number", &new_name, error) ||
      !has_column (self, "accepted_on", &accepted_on, error))
    return FALSE;
  return (!old_name || new_name ||
          pd_sqlite_conn_exec (&self->conn, "ALTER TABLE dossiers RENAME COLUMN receipt_number"
                                            " TO application_number", error)) &&
         (accepted_on ||
          pd_sqlite_conn_exec (&self->conn, "ALTER TABLE dossiers ADD COLUMN accepted_on TEXT", error)) &&
         pd_sqlite_conn_exec (&self->conn, "CREATE INDEX IF NOT EXISTS dossiers_by_number"
                                           " ON dossiers (application_number)"
                                           " WHERE application_number IS NOT NULL", error);
}

static gboolean
add_signer (PdStore  *self,
            GError  **error)
{
  gboolean present;

  return has_column (self, "accepted_by", &present, error) &&
         (present || pd_sqlite_conn_exec (&self->conn, "ALTER TABLE dossiers ADD COLUMN accepted_by TEXT", error));
}

gboolean
_pd_store_apply_migrations (PdStore  *self,
                            int       from,
                            GError  **error)
{
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                                  PD_STORE_SCHEMA_VERSION);

  for (int v = from; v < PD_STORE_SCHEMA_VERSION; v++)
    if (!pd_sqlite_conn_exec (&self->conn, migrations[v].sql, error) ||
        (migrations[v].then && !migrations[v].then (self, error)))
      return FALSE;
  return pd_sqlite_conn_exec (&self->conn, set_version, error);
}
