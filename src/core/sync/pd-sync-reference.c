/* pd-sync-reference.c: a pass's pull of the reference tables whose version changed. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-reference.h"
#include "pd-sync-json-private.h"
#include "pd-sync-pass-private.h"

typedef struct {
  PdReferenceTable  table;
  char             *version;
  GPtrArray        *entries;
} TableUpdate;

static void
table_update_free (TableUpdate *update)
{
  g_free (update->version);
  g_clear_pointer (&update->entries, g_ptr_array_unref);
  g_free (update);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableUpdate, table_update_free)

static gboolean
table_from_name (const char       *name,
                 PdReferenceTable *table)
{
  for (guint i = 0; i < PD_N_REFERENCE_TABLES; i++)
    if (g_strcmp0 (name, pd_reference_table_get_name (i)) == 0)
      {
        *table = i;
        return TRUE;
      }
  return FALSE;
}

static void fetch_next_table (GTask *task);

/* (element-type utf8) the tables of the index @data whose version differs from the store's. */
static gpointer
compare_versions (PdSyncEngine  *self,
                  gpointer       data,
                  GError       **error)
{
  JsonObject *tables = data;
  GPtrArray *wanted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) names = json_object_get_members (tables);

  for (GList *l = names; l; l = l->next)
    {
      PdReferenceTable table;
      const char *version = pd_sync_json_string (tables, l->data);
      g_autofree char *current = NULL;

      if (version == NULL || strlen (version) > 64 || !table_from_name (l->data, &table))
        {
          g_message ("Ignoring unknown reference table %s", (const char *) l->data);
          continue;
        }
      current = pd_store_get_reference_version (self->store, table);
      if (g_strcmp0 (current, version) != 0)
        g_ptr_array_add (wanted, g_strdup (l->data));
    }
  return wanted;
}

static void
versions_compared (GTask    *task,
                   gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  pass->tables = result;
  if (pass->tables == NULL)
    pd_sync_pass_next_phase (task);
  else
    fetch_next_table (task);
}

static void
on_reference_index (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pd_sync_pass_reply_object (task, result, &reply);
  JsonObject *tables = pd_sync_json_object (root, "tables");

  if (tables == NULL)
    {
      if (root != NULL)
        pd_sync_pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                                      _("The central system sent a list of reference "
                                                        "tables Passdesk cannot read. It will try again later.")));
      pd_sync_pass_next_phase (g_steal_pointer (&task));
      return;
    }
  pd_sync_pass_run_store_job (task, compare_versions, json_object_ref (tables),
                              (GDestroyNotify) json_object_unref, versions_compared);
}

static gpointer
replace_table (PdSyncEngine  *self,
               gpointer       data,
               GError       **error)
{
  TableUpdate *update = data;

  if (!pd_store_replace_reference (self->store, update->table, update->version, update->entries, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
table_replaced (GTask    *task,
                gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (result == NULL)
    {
      pd_sync_pass_next_phase (task);
      return;
    }
  pass->report->reference_updates++;
  fetch_next_table (task);
}

/* The table a reply carries, or NULL when it is not one the station can use. */
static TableUpdate *
read_table (JsonObject *root)
{
  JsonArray *entries = pd_sync_json_array (root, "entries");
  const char *version = pd_sync_json_string (root, "version");
  g_autoptr(TableUpdate) update = g_new0 (TableUpdate, 1);

  if (entries == NULL || version == NULL || strlen (version) > 64 ||
      !table_from_name (pd_sync_json_string (root, "table"), &update->table))
    return NULL;
  update->version = g_strdup (version);
  update->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *item = pd_sync_json_array_object (entries, i);
      const char *code = pd_sync_json_string (item, "code");
      const char *entry_name = pd_sync_json_string (item, "name");
      gint64 amount = 0;

      if (code == NULL || entry_name == NULL)
        continue;
      /* A fee that is not a whole, plausible number of đồng makes the table unusable. */
      if (item != NULL && json_object_has_member (item, "amount") &&
          !json_node_is_null (json_object_get_member (item, "amount")) &&
          (!pd_sync_json_int (item, "amount", &amount) || amount < 0 || amount > G_MAXINT32))
        return NULL;
      g_ptr_array_add (update->entries,
                       pd_reference_entry_new (code, entry_name, pd_sync_json_string (item, "parent"),
                                               pd_sync_json_string (item, "kind"), amount));
    }
  /* An empty table is certainly a server fault: keep the one the station has. */
  if (update->entries->len == 0)
    return NULL;
  return g_steal_pointer (&update);
}

static void
on_table (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pd_sync_pass_reply_object (task, result, &reply);
  TableUpdate *update;

  if (root == NULL)
    {
      pd_sync_pass_next_phase (g_steal_pointer (&task));
      return;
    }
  update = read_table (root);
  if (update == NULL)
    {
      pd_sync_pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                                    _("The central system sent a reference table "
                                                      "Passdesk cannot read. It will try again later.")));
      pd_sync_pass_next_phase (g_steal_pointer (&task));
      return;
    }
  pd_sync_pass_run_store_job (task, replace_table, update, (GDestroyNotify) table_update_free,
                              table_replaced);
}

/* Takes the task's reference. */
static void
fetch_next_table (GTask *task)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (pass->tables->len == 0 || pd_sync_pass_cancelled (task))
    {
      pd_sync_pass_next_phase (task);
      return;
    }
  path = g_strconcat ("/v1/reference/", (const char *) g_ptr_array_index (pass->tables, 0), NULL);
  g_ptr_array_remove_index (pass->tables, 0);
  pd_sync_pass_request (task, "GET", path, NULL, on_table, task);
}

void
pd_sync_pull_reference (GTask *task)
{
  pd_sync_pass_request (task, "GET", "/v1/reference", NULL, on_reference_index, task);
}
