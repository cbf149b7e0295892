/* pd-store-dossiers.c: dossiers in the store: their rows, saving (one or many), reading,
 * counting and listing. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"
#include "pd-text.h"
#include "pd-uuid.h"

void
pd_status_change_free (PdStatusChange *change)
{
  if (change == NULL)
    return;
  g_free (change->actor);
  g_free (change->reason);
  g_free (change);
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
char *
_pd_store_normalize_id_number (const char *text)
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
  g_autofree char *id = _pd_store_normalize_id_number (pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER));

  if (*id == '\0')
    return FALSE;
  *index = pd_crypto_blind_index (self->keys, "id", id);
  return TRUE;
}

/* The distinct words of the applicant's name, folded. */
GPtrArray *
_pd_store_name_words (const char *name)
{
  g_auto(GStrv) words = pd_text_words (name);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; words[i]; i++)
    if (!g_ptr_array_find_with_equal_func (out, words[i], g_str_equal, NULL))
      g_ptr_array_add (out, g_strdup (words[i]));
  return out;
}

gboolean
_pd_store_name_has_words (const char *name,
                          GPtrArray  *query_words)
{
  g_autoptr(GPtrArray) words = _pd_store_name_words (name);

  for (guint i = 0; i < query_words->len; i++)
    if (!g_ptr_array_find_with_equal_func (words, query_words->pdata[i], g_str_equal, NULL))
      return FALSE;
  return TRUE;
}

static gboolean
same_words (const char *a,
            const char *b)
{
  g_autoptr(GPtrArray) words_a = _pd_store_name_words (a);
  g_autoptr(GPtrArray) words_b = _pd_store_name_words (b);

  return words_a->len == words_b->len && _pd_store_name_has_words (a, words_b);
}

static gint64
birth_year_of (PdDossier *dossier)
{
  GDate date;

  if (!pd_parse_iso_date (pd_dossier_get_field (dossier, PD_FIELD_BIRTH_DATE), &date))
    return 0;
  return g_date_get_year (&date);
}

char *
_pd_store_attachment_ad (const char *uuid,
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
  pd_dossier_set_application_number (dossier, (const char *) sqlite3_column_text (stmt, 9));
  pd_dossier_set_accepted_on (dossier, (const char *) sqlite3_column_text (stmt, 10));
  pd_dossier_set_accepted_by (dossier, (const char *) sqlite3_column_text (stmt, 11));

  if (!fields_from_json (dossier, (const char *) sqlite3_column_text (stmt, 7),
                         sqlite3_column_bytes (stmt, 7)))
    {
      _pd_store_set_unreadable_error (self, uuid, error);
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
          _pd_store_set_unreadable_error (self, uuid, error);
          return NULL;
        }
      json = g_bytes_get_data (plain, &length);
      if (!fields_from_json (dossier, json, length))
        {
          sodium_memzero ((gpointer) json, length);
          _pd_store_set_unreadable_error (self, uuid, error);
          return NULL;
        }
      sodium_memzero ((gpointer) json, length);
    }

  return g_steal_pointer (&dossier);
}

/* Schema version 6 (pd-store-schema.c): each row's fields split again by the field table. */
gboolean
_pd_store_reseal_fields (PdStore  *self,
                         GError  **error)
{
  g_autoptr(PdStatement) select =
    _pd_store_prepare (self, "SELECT " DOSSIER_COLUMNS_V6 ", NULL, NULL FROM dossiers ORDER BY id", error);
  g_autoptr(PdStatement) update =
    _pd_store_prepare (self, "UPDATE dossiers SET clear = ?, sealed = ? WHERE id = ?", error);
  int rc;

  if (select == NULL || update == NULL)
    return FALSE;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_autoptr(PdDossier) dossier = dossier_from_row (self, select, error);
      g_autoptr(GString) clear = NULL;
      g_autoptr(GBytes) sealed = NULL;

      if (dossier == NULL)
        return FALSE;
      clear = fields_to_json (dossier, FALSE);
      if (!pd_dossier_get_purged (dossier))
        {
          g_autoptr(GString) personal = fields_to_json (dossier, TRUE);

          sealed = pd_crypto_seal (self->keys, personal->str, personal->len, pd_dossier_get_uuid (dossier));
          sodium_memzero (personal->str, personal->len);
        }
      sqlite3_reset (update);
      sqlite3_bind_text (update, 1, clear->str, clear->len, SQLITE_TRANSIENT);
      if (sealed != NULL)
        sqlite3_bind_blob (update, 2, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                           SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (update, 2);
      sqlite3_bind_int64 (update, 3, pd_dossier_get_id (dossier));
      if (!pd_sqlite_conn_step (&self->conn, update, error))
        return FALSE;
    }
  return pd_sqlite_conn_check_done (&self->conn, rc, error);
}

/* Steps a bound statement to its end, collecting what @read_row makes of each row. */
GPtrArray *
_pd_store_collect_rows (PdStore         *self,
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
  if (!pd_sqlite_conn_check_done (&self->conn, rc, error))
    return NULL;
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
GPtrArray *
_pd_store_collect_dossiers (PdStore       *self,
                            sqlite3_stmt  *stmt,
                            GError       **error)
{
  return _pd_store_collect_rows (self, stmt, read_dossier, NULL, g_object_unref, error);
}

PdDossier *
_pd_store_load_dossier (PdStore     *self,
                        gint64       id,
                        GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE id = ?", error);
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
    pd_sqlite_conn_set_error (&self->conn, rc, error);
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
    _pd_store_prepare (self,
                       "SELECT sealed FROM attachments WHERE dossier_id = ? AND kind = 'photo'"
                       " ORDER BY id DESC LIMIT 1", error);
  g_autofree char *ad = _pd_store_attachment_ad (uuid, "photo");
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
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }
  photo = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 0),
                          sqlite3_column_bytes (stmt, 0), ad, NULL);
  if (photo == NULL)
    _pd_store_set_unreadable_error (self, uuid, error);
  return photo;
}

gboolean
_pd_store_load_full (PdStore    *self,
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

/* An application enters the store at the counter: accepted only through the intake path
 * (pd_store_accept()), sent or later only on the central system's word. An import file that
 * says "accepted" or "received" would otherwise skip the officer, or be taken for delivered
 * and purged by the retention rule without ever having left the station. */
static gboolean
check_entry_status (PdDossier  *dossier,
                    GError    **error)
{
  PdStatus status = pd_dossier_get_status (dossier);

  if (pd_status_is_counter_entry (status))
    return TRUE;
  if (status == PD_STATUS_ACCEPTED)
    g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                         _("A new application cannot be stored as accepted: store it as a draft, "
                           "then have an officer sign in and accept it."));
  else
    g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                 _("A new application cannot be stored as “%s”: only the central system sets "
                   "that status. Store it as a draft."), pd_status_to_string (status));
  return FALSE;
}

/* The name keys go to @name_rows, for the caller to write with _pd_store_insert_name_rows(). */
static gboolean
insert_dossier (PdStore     *self,
                PdDossier   *dossier,
                const char  *actor,
                GArray      *inserted,
                GArray      *name_rows,
                GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "INSERT INTO dossiers (uuid, status, status_reason, created_at, updated_at,"
                       " confirmed_at, birth_year, clear, sealed, id_index)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autoptr(GString) clear = NULL;
  g_autoptr(GString) personal = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GPtrArray) words = NULL;
  PdStatus status = pd_dossier_get_status (dossier);
  gint64 now = _pd_store_now_seconds ();
  Inserted ins = { dossier, 0, NULL, 0, 0 };
  gint64 index;

  if (stmt == NULL)
    return FALSE;
  if (pd_dossier_get_uuid (dossier) != NULL && !g_uuid_string_is_valid (pd_dossier_get_uuid (dossier)))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("“%s” is not a valid uuid: the central system could never receive this "
                     "application. Leave the uuid empty and a new one is given."),
                   pd_dossier_get_uuid (dossier));
      return FALSE;
    }

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
  pd_sqlite_bind_int64_or_null (stmt, 6, pd_status_is_confirmed (status) ? ins.created_at : 0);
  pd_sqlite_bind_int64_or_null (stmt, 7, birth_year_of (dossier));
  sqlite3_bind_text (stmt, 8, clear->str, clear->len, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 9, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                     SQLITE_STATIC);
  if (id_index_of (self, dossier, &index))
    sqlite3_bind_int64 (stmt, 10, index);
  else
    sqlite3_bind_null (stmt, 10);

  if (!pd_sqlite_conn_step (&self->conn, stmt, error))
    {
      g_free (ins.uuid);
      return FALSE;
    }
  ins.id = sqlite3_last_insert_rowid (self->conn.db);
  g_array_append_val (inserted, ins);

  _pd_store_collect_name_keys (self, ins.id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), name_rows);
  if (!_pd_store_insert_history (self, ins.id, ins.created_at, status, actor,
                                 pd_dossier_get_status_reason (dossier), error))
    return FALSE;
  if (!_pd_store_audit_append (self, actor, "create", ins.uuid, pd_status_to_string (status), error))
    return FALSE;
  if (pd_dossier_get_photo (dossier) != NULL &&
      _pd_store_insert_attachment (self, ins.id, ins.uuid, "photo", "image/jpeg",
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
  gint64 now = _pd_store_now_seconds ();
  gint64 index;

  old = _pd_store_load_dossier (self, id, error);
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
  if (!_pd_store_check_counter_change (old_status, status, error))
    return FALSE;

  if (changed->len == 0 && !photo_changed && status == old_status &&
      g_strcmp0 (pd_dossier_get_status_reason (dossier), pd_dossier_get_status_reason (old)) == 0)
    {
      *updated_at = pd_dossier_get_updated_at (old);
      return TRUE;
    }

  if (changed->len > 0)
    {
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self,
                           "UPDATE dossiers SET birth_year = ?, clear = ?, sealed = ?, id_index = ?"
                           " WHERE id = ?", error);

      if (stmt == NULL)
        return FALSE;
      clear = fields_to_json (dossier, FALSE);
      personal = fields_to_json (dossier, TRUE);
      sealed = pd_crypto_seal (self->keys, personal->str, personal->len,
                               pd_dossier_get_uuid (old));
      sodium_memzero (personal->str, personal->len);

      pd_sqlite_bind_int64_or_null (stmt, 1, birth_year_of (dossier));
      sqlite3_bind_text (stmt, 2, clear->str, clear->len, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                         SQLITE_STATIC);
      if (id_index_of (self, dossier, &index))
        sqlite3_bind_int64 (stmt, 4, index);
      else
        sqlite3_bind_null (stmt, 4);
      sqlite3_bind_int64 (stmt, 5, id);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        return FALSE;

      /* Every row holds the signature of the whole name: a changed name redoes them all. */
      if (!same_words (pd_dossier_get_field (old, PD_FIELD_FULL_NAME),
                       pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME)) &&
          (!_pd_store_remove_name_keys (self, id, pd_dossier_get_field (old, PD_FIELD_FULL_NAME), error) ||
           !_pd_store_add_name_keys (self, id, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), error)))
        return FALSE;

      /* The keys of the changed fields only: the audit log never holds personal values. */
      if (!_pd_store_audit_append (self, actor, "update", pd_dossier_get_uuid (old), changed->str, error))
        return FALSE;
    }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "UPDATE dossiers SET status = ?, status_reason = ?, updated_at = ?,"
                         " confirmed_at = coalesce (confirmed_at, ?) WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
    pd_sqlite_bind_text (stmt, 2, pd_dossier_get_status_reason (dossier));
    sqlite3_bind_int64 (stmt, 3, now);
    pd_sqlite_bind_int64_or_null (stmt, 4, pd_status_is_confirmed (status) ? now : 0);
    sqlite3_bind_int64 (stmt, 5, id);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  if (status != old_status)
    {
      g_autofree char *detail = g_strdup_printf ("%s -> %s", pd_status_to_string (old_status),
                                                 pd_status_to_string (status));

      if (!_pd_store_insert_history (self, id, now, status, actor,
                                     pd_dossier_get_status_reason (dossier), error) ||
          !_pd_store_audit_append (self, actor, "status", pd_dossier_get_uuid (old), detail, error))
        return FALSE;
    }

  if (photo_changed)
    {
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self, "DELETE FROM attachments WHERE dossier_id = ? AND kind = 'photo'", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        return FALSE;
      if (_pd_store_insert_attachment (self, id, pd_dossier_get_uuid (old), "photo", "image/jpeg", photo,
                                       actor, error) == 0)
        return FALSE;
    }

  *updated_at = now;
  return TRUE;
}

struct _PdStoreSaved
{
  PdDossier *dossier;
  GArray    *inserted;    /* Inserted, one when the dossier was new */
  gint64     updated_at;  /* of an update, 0 when nothing changed */
};

void
_pd_store_saved_free (PdStoreSaved *saved)
{
  g_clear_pointer (&saved->inserted, g_array_unref);
  g_free (saved);
}

PdStoreSaved *
_pd_store_save_locked (PdStore     *self,
                       PdDossier   *dossier,
                       const char  *actor,
                       GError     **error)
{
  g_autoptr(GArray) name_rows = g_array_new (FALSE, FALSE, sizeof (NameRow));
  PdStoreSaved *saved = g_new0 (PdStoreSaved, 1);

  saved->dossier = dossier;
  saved->inserted = g_array_new (FALSE, FALSE, sizeof (Inserted));
  g_array_set_clear_func (saved->inserted, (GDestroyNotify) inserted_clear);

  if (pd_dossier_get_id (dossier) == 0
      ? !check_entry_status (dossier, error) ||
        !insert_dossier (self, dossier, actor, saved->inserted, name_rows, error) ||
        !_pd_store_insert_name_rows (self, name_rows, error)
      : !update_dossier (self, dossier, actor, &saved->updated_at, error))
    {
      _pd_store_saved_free (saved);
      return NULL;
    }
  return saved;
}

gint64
_pd_store_saved_get_id (PdStoreSaved *saved)
{
  if (saved->inserted->len > 0)
    return g_array_index (saved->inserted, Inserted, 0).id;
  return pd_dossier_get_id (saved->dossier);
}

const char *
_pd_store_saved_get_uuid (PdStoreSaved *saved)
{
  if (saved->inserted->len > 0)
    return g_array_index (saved->inserted, Inserted, 0).uuid;
  return pd_dossier_get_uuid (saved->dossier);
}

void
_pd_store_saved_apply (PdStoreSaved *saved)
{
  inserted_apply (saved->inserted);
  if (saved->updated_at)
    pd_dossier_set_updated_at (saved->dossier, saved->updated_at);
}

gboolean
pd_store_save (PdStore     *self,
               PdDossier   *dossier,
               const char  *actor,
               GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStoreSaved) saved = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  saved = _pd_store_save_locked (self, dossier, actor, error);
  if (saved == NULL)
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  if (!pd_sqlite_conn_commit (&self->conn, error))
    return FALSE;
  _pd_store_saved_apply (saved);
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

static gboolean
insert_many (PdStore           *self,
             PdDossier * const *dossiers,
             guint              n_dossiers,
             const char        *actor,
             gboolean           any_status,
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
  for (guint i = 0; i < n_dossiers && !any_status; i++)
    {
      GError *local_error = NULL;

      if (!check_entry_status (dossiers[i], &local_error))
        {
          g_propagate_prefixed_error (error, local_error, _("Application %u of the batch: "), i + 1);
          return FALSE;
        }
    }

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;

  inserted = g_array_sized_new (FALSE, FALSE, sizeof (Inserted), n_dossiers);
  g_array_set_clear_func (inserted, (GDestroyNotify) inserted_clear);
  name_rows = g_array_sized_new (FALSE, FALSE, sizeof (NameRow), n_dossiers * 6);
  for (guint i = 0; i < n_dossiers; i++)
    if (!insert_dossier (self, dossiers[i], actor, inserted, name_rows, error))
      {
        pd_sqlite_rollback (self->conn.db);
        return FALSE;
      }
  if (!_pd_store_insert_name_rows (self, name_rows, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  self->wal_checkpoint_frames = BULK_WAL_CHECKPOINT_FRAMES;
  committed = pd_sqlite_conn_commit (&self->conn, error);
  self->wal_checkpoint_frames = WAL_CHECKPOINT_FRAMES;
  if (!committed)
    return FALSE;

  inserted_apply (inserted);
  return TRUE;
}

gboolean
pd_store_insert_many (PdStore           *self,
                      PdDossier * const *dossiers,
                      guint              n_dossiers,
                      const char        *actor,
                      GError           **error)
{
  return insert_many (self, dossiers, n_dossiers, actor, FALSE, error);
}

gboolean
pd_store_import_many (PdStore           *self,
                      PdDossier * const *dossiers,
                      guint              n_dossiers,
                      const char        *actor,
                      GError           **error)
{
  return insert_many (self, dossiers, n_dossiers, actor, TRUE, error);
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
  if (!_pd_store_check_open (self, error))
    return NULL;
  dossier = _pd_store_load_dossier (self, id, error);
  if (dossier == NULL || !_pd_store_load_full (self, dossier, error))
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
  stmt = _pd_store_prepare_open (self, "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE uuid = ?", error);
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
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }
  dossier = dossier_from_row (self, stmt, error);
  if (dossier == NULL || !_pd_store_load_full (self, dossier, error))
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
  stmt = _pd_store_prepare_open (self, "SELECT count(*) FROM dossiers", error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
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
  stmt = _pd_store_prepare_open (self, "SELECT status, count(*) FROM dossiers GROUP BY status", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdStatus status = pd_status_from_string ((const char *) sqlite3_column_text (stmt, 0));

      /* A status from a newer Passdesk is not counted rather than counted wrong. */
      if (status >= 0 && status < PD_N_STATUSES)
        counts[status] = sqlite3_column_int64 (stmt, 1);
    }
  return pd_sqlite_conn_check_done (&self->conn, rc, error);
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
  if (!_pd_store_check_open (self, error))
    return NULL;
  if (status == PD_STATUS_INVALID)
    stmt = _pd_store_prepare (self,
                              "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE updated_at >= ?2"
                              " ORDER BY updated_at DESC, id DESC LIMIT ?3", error);
  else
    stmt = _pd_store_prepare (self,
                              "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE status = ?1"
                              " AND updated_at >= ?2 ORDER BY updated_at DESC, id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  if (status != PD_STATUS_INVALID)
    pd_sqlite_bind_text (stmt, 1, pd_status_to_string (status));
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, limit ? (gint64) limit : -1);
  return _pd_store_collect_dossiers (self, stmt, error);
}
