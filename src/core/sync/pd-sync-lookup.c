/* pd-sync-lookup.c: one online declaration fetched by its code, and declarations as drafts. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-declaration-code.h"
#include "pd-sync-engine-private.h"
#include "pd-sync-json-private.h"
#include "pd-sync-pass-private.h"

gboolean
pd_sync_declaration_code_ok (const char *code)
{
  g_autofree char *canonical = NULL;

  if (strlen (code) > 64)
    return FALSE;
  canonical = pd_declaration_code_parse (code, NULL, NULL);
  return g_strcmp0 (canonical, code) == 0;
}

PdDossier *
pd_sync_declaration_to_dossier (JsonObject  *item,
                                GError     **error)
{
  JsonNode *dossier_node = json_object_get_member (item, "dossier");
  gint64 filed_at = pd_sync_json_int_or (item, "filed_at", 0);
  PdDossier *dossier;

  dossier = pd_dossier_new_from_json (dossier_node, error);
  if (dossier == NULL)
    return NULL;
  pd_dossier_set_id (dossier, 0);
  pd_dossier_set_uuid (dossier, NULL);
  pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
  pd_dossier_set_status_reason (dossier, NULL);
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, pd_sync_json_string (item, "code"));
  pd_dossier_set_created_at (dossier, filed_at > 0 && filed_at < G_MAXINT32 * G_GINT64_CONSTANT (4)
                                      ? filed_at : pd_sync_now ());
  return dossier;
}

gboolean
pd_sync_engine_request_declaration (PdSyncEngine         *self,
                                    const char           *code,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    GTask               **task)
{
  char *canonical = strlen (code) <= 64 ? pd_declaration_code_parse (code, NULL, NULL) : NULL;
  g_autofree char *path = NULL;

  g_task_set_task_data (*task, canonical, g_free);
  if (canonical == NULL)
    return FALSE;
  /* Canonical codes hold only letters, digits, "-" and "*": nothing to escape in a path. */
  path = g_strconcat ("/v1/declarations/", canonical, NULL);
  pd_sync_client_request_async (self->client, "GET", path, NULL, cancellable, callback,
                                g_steal_pointer (task));
  return TRUE;
}

PdSyncReply *
pd_sync_engine_request_declaration_finish (GTask        *task,
                                           GAsyncResult *result)
{
  PdSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(PdSyncReply) reply = NULL;
  GError *error = NULL;

  reply = pd_sync_client_request_finish (self->client, result, &error);
  if (reply != NULL && reply->status != 404 && !pd_sync_reply_check (reply, &error))
    g_clear_pointer (&reply, pd_sync_reply_free);
  if (reply == NULL)
    g_task_return_error (task, error);
  return g_steal_pointer (&reply);
}

/* The dossier of the declaration @data, stored as a draft unless a pull got there first. */
static gpointer
store_looked_up (PdSyncEngine  *self,
                 gpointer       data,
                 GError       **error)
{
  JsonObject *item = data;
  const char *code = pd_sync_json_string (item, "code");
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  PdDossier *array[1];

  existing = pd_store_find_by_declaration_code (self->store, code, error);
  if (existing == NULL)
    return NULL;
  if (existing->len > 0)
    return g_object_ref (g_ptr_array_index (existing, 0));

  dossier = pd_sync_declaration_to_dossier (item, error);
  if (dossier == NULL)
    return NULL;
  array[0] = dossier;
  if (!pd_store_insert_many (self->store, array, 1, "sync", error))
    return NULL;
  return g_steal_pointer (&dossier);
}

static void
on_declaration_stored (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  PdDossier *dossier = pd_sync_engine_store_job_finish (result, &error);

  if (dossier == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dossier, g_object_unref);
}

static void
on_declaration (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdSyncEngine *self = g_task_get_source_object (task);
  const char *code = g_task_get_task_data (task);
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root;
  JsonNode *dossier_node;

  reply = pd_sync_engine_request_declaration_finish (task, result);
  if (reply == NULL)
    return;
  if (reply->status == 404)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND,
                               _("The central system has no online declaration with the code "
                                 "%s. Check the code with the applicant, or fill in a new "
                                 "application."), code);
      return;
    }
  root = json_node_get_object (reply->body);
  dossier_node = json_object_get_member (root, "dossier");
  if (g_strcmp0 (pd_sync_json_string (root, "code"), code) != 0 ||
      dossier_node == NULL || !JSON_NODE_HOLDS_OBJECT (dossier_node))
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                               _("The central system sent a declaration Passdesk cannot read. "
                                 "Try again later; if this persists, call the support desk."));
      return;
    }
  pd_sync_engine_run_store_job (self, store_looked_up, json_object_ref (root),
                                (GDestroyNotify) json_object_unref, on_declaration_stored,
                                g_steal_pointer (&task));
}

void
pd_sync_engine_lookup_declaration_async (PdSyncEngine        *self,
                                         const char          *code,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SYNC_ENGINE (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_sync_engine_lookup_declaration_async);
  if (!pd_sync_engine_request_declaration (self, code, cancellable, on_declaration, &task))
    g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                             _("“%s” is not a declaration code. Scan the code again or type "
                               "it as printed on the declaration."), code);
}

PdDossier *
pd_sync_engine_lookup_declaration_finish (PdSyncEngine  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
