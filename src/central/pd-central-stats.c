/* pd-central-stats.c: the central system's counters and the figures of passdesk-central stats. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <sqlite3.h>

#include "pd-central-db-private.h"
#include "pd-central-stats.h"
#include "pd-sqlite.h"

gboolean
pd_central_db_bump (PdCentralDb  *self,
                    const char   *counter,
                    gint64        delta,
                    GError      **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn,
             "INSERT INTO counters (name, value) VALUES (?, ?) "
             "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, counter);
  sqlite3_bind_int64 (stmt, 2, delta);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

gint64
pd_central_db_get_counter (PdCentralDb *self,
                           const char  *name)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT value FROM counters WHERE name = ?", NULL);

  if (stmt == NULL)
    return 0;
  pd_sqlite_bind_text (stmt, 1, name);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gint64
count (PdCentralDb *self,
       const char  *sql)
{
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&self->conn, sql, NULL);

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
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&self->conn, "SELECT value FROM counters WHERE name = ?", error);

  if (stmt == NULL)
    return NULL;
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 n = count (self, counts[i].sql);

      if (n < 0)
        {
          pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
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

