/* pd-store-drafts.c: the sealed drafts of the station's forms, saved as they are typed. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-store-internal.h"

/* The slot is bound into the seal: a draft copied into another form's row does not open. */
static char *
draft_ad (PdStore    *self,
          const char *slot)
{
  return g_strconcat ("draft/", self->store_id, "/", slot, NULL);
}

gboolean
pd_store_save_draft (PdStore     *self,
                     const char  *slot,
                     GBytes      *content,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *ad = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "INSERT OR REPLACE INTO drafts (slot, saved_at, sealed)"
                                       " VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  ad = draft_ad (self, slot);
  sealed = pd_crypto_seal (self->keys, g_bytes_get_data (content, NULL), g_bytes_get_size (content), ad);
  pd_sqlite_bind_text (stmt, 1, slot);
  sqlite3_bind_int64 (stmt, 2, _pd_store_now_seconds ());
  sqlite3_bind_blob (stmt, 3, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
  return pd_sqlite_conn_check_done (&self->conn, sqlite3_step (stmt), error);
}

static void
save_draft_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *slot = g_object_get_data (G_OBJECT (task), "slot");
  GError *error = NULL;

  if (task_data != NULL ? pd_store_save_draft (source_object, slot, task_data, &error)
                        : pd_store_discard_draft (source_object, slot, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pd_store_save_draft_async (PdStore             *self,
                           const char          *slot,
                           GBytes              *content,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));
  g_return_if_fail (slot != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_save_draft_async);
  if (content != NULL)
    g_task_set_task_data (task, g_bytes_ref (content), (GDestroyNotify) g_bytes_unref);
  g_object_set_data_full (G_OBJECT (task), "slot", g_strdup (slot), g_free);
  g_task_run_in_thread (task, save_draft_thread);
}

gboolean
pd_store_save_draft_finish (PdStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GBytes *
pd_store_load_draft (PdStore     *self,
                     const char  *slot,
                     gint64      *saved_at,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;
  g_autofree char *ad = NULL;
  GBytes *content;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (slot != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "SELECT saved_at, sealed FROM drafts WHERE slot = ?", error);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, slot);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }
  ad = draft_ad (self, slot);
  content = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                            ad, NULL);
  if (content == NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_WRONG_KEY,
                   _("The unfinished form saved in “%s” cannot be read with this keyring’s key. "
                     "Discard it and type the application again."), self->path);
      return NULL;
    }
  if (saved_at != NULL)
    *saved_at = sqlite3_column_int64 (stmt, 0);
  return content;
}

typedef struct
{
  GBytes *content;
  gint64  saved_at;
} LoadedDraft;

static void
loaded_draft_free (LoadedDraft *loaded)
{
  g_clear_pointer (&loaded->content, g_bytes_unref);
  g_free (loaded);
}

static void
load_draft_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LoadedDraft *loaded = g_new0 (LoadedDraft, 1);
  GError *error = NULL;

  loaded->content = pd_store_load_draft (source_object, task_data, &loaded->saved_at, &error);
  if (error != NULL)
    {
      loaded_draft_free (loaded);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_draft_free);
}

void
pd_store_load_draft_async (PdStore             *self,
                           const char          *slot,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));
  g_return_if_fail (slot != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_load_draft_async);
  g_task_set_task_data (task, g_strdup (slot), g_free);
  g_task_run_in_thread (task, load_draft_thread);
}

GBytes *
pd_store_load_draft_finish (PdStore       *self,
                            GAsyncResult  *result,
                            gint64        *saved_at,
                            GError       **error)
{
  LoadedDraft *loaded;
  GBytes *content;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  if (saved_at != NULL)
    *saved_at = loaded->saved_at;
  content = g_steal_pointer (&loaded->content);
  loaded_draft_free (loaded);
  return content;
}

gboolean
pd_store_discard_draft (PdStore     *self,
                        const char  *slot,
                        GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = _pd_store_prepare_open (self, "DELETE FROM drafts WHERE slot = ?", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, slot);
  return pd_sqlite_conn_check_done (&self->conn, sqlite3_step (stmt), error);
}
