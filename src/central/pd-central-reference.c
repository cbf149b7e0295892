/* pd-central-reference.c: the reference tables the central system hands out, imported from CSV. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "pd-central-db-private.h"
#include "pd-central-reference.h"
#include "pd-sqlite.h"
#include "sync/pd-packet.h"

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

  current = pd_sqlite_conn_prepare (&self->conn, "SELECT version FROM reference_tables WHERE name = ?", error);
  if (current == NULL)
    return FALSE;
  pd_sqlite_bind_text (current, 1, name);
  if (changed)
    *changed = !(sqlite3_step (current) == SQLITE_ROW &&
                 g_strcmp0 ((const char *) sqlite3_column_text (current, 0), version) == 0);

  stmt = pd_sqlite_conn_prepare (&self->conn,
                  "INSERT OR REPLACE INTO reference_tables (name, version, entries, updated_at) "
                  "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, name);
  pd_sqlite_bind_text (stmt, 2, version);
  pd_sqlite_bind_text (stmt, 3, json);
  sqlite3_bind_int64 (stmt, 4, pd_central_now ());
  return pd_sqlite_conn_step (&self->conn, stmt, error);
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
    pd_sqlite_conn_prepare (&self->conn, "SELECT name, version FROM reference_tables ORDER BY name", error);
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
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return NULL;
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
    pd_sqlite_conn_prepare (&self->conn, "SELECT name, version, entries FROM reference_tables WHERE name = ?", error);
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
      pd_sqlite_conn_set_error (&self->conn, sqlite3_errcode (self->conn.db), error);
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

