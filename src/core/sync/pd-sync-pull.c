/* pd-sync-pull.c: a pass's pulls, declarations and statuses page by page, and station keys.
 *
 * The paged pulls share one reader: ask for the page after the saved cursor, check its
 * shape, write it and then its cursor in a worker, and go on while the server says "more".
 */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-declaration-keys.h"
#include "pd-sync-json-private.h"
#include "pd-sync-page-private.h"
#include "pd-sync-pass-private.h"

/* A pull stops after this many pages in one pass (100,000 items): a server whose cursor
 * never reaches the end cannot keep the station busy forever. The next pass goes on. */
#define MAX_PAGES_PER_PULL  200

struct _PdSyncPage {
  const PdSyncPullKind *kind;
  JsonNode             *page;
  char                 *cursor;   /* saved once the page is written */
  guint                 stored;   /* written by the worker */
  guint                 unknown;
};

struct _PdSyncPullKind {
  const char *endpoint;
  const char *member;          /* the page's array */
  const char *cursor_setting;
  const char *unreadable;      /* N_(): the failure of a page of the wrong shape */
  /* Writes the page in a worker; the reader then saves its cursor. */
  gboolean  (*write)          (PdSyncEngine  *self,
                               PdSyncPage    *page,
                               GError       **error);
  /* (nullable) What the report counts of a page, as it arrives and once written. */
  void      (*count_received) (PdSyncReport  *report,
                               PdSyncPage    *page);
  void      (*count_written)  (PdSyncReport  *report,
                               PdSyncPage    *page);
};

void
pd_sync_page_free (PdSyncPage *page)
{
  g_clear_pointer (&page->page, json_node_unref);
  g_free (page->cursor);
  g_free (page);
}

static JsonArray *
page_items (PdSyncPage *page)
{
  return pd_sync_json_array (json_node_get_object (page->page), page->kind->member);
}

/* The shared reader ------------------------------------------------------------------------ */

char *
pd_sync_page_request (PdStore     *store,
                      const char  *endpoint,
                      const char  *cursor_setting,
                      char       **cursor)
{
  /* Reading one setting is quick; pages themselves are written in a thread. */
  g_autofree char *saved = pd_store_get_setting (store, cursor_setting);
  g_autofree char *escaped = g_uri_escape_string (saved ? saved : "", NULL, FALSE);

  if (cursor)
    *cursor = g_strdup (saved ? saved : "");
  return g_strdup_printf ("%s?after=%s&limit=%d", endpoint, escaped, PD_SYNC_PAGE_LIMIT);
}

static void pull_next (GTask *task);

static gboolean
page_shape (JsonObject  *root,
            const char  *member,
            char       **cursor,
            gboolean    *more)
{
  JsonArray *list = pd_sync_json_array (root, member);
  const char *next = pd_sync_json_string (root, "next_cursor");

  /* The cursor goes back into a URL and a setting: keep it reasonable. */
  if (list == NULL || next == NULL || strlen (next) > 1024 || json_array_get_length (list) > PD_SYNC_PAGE_LIMIT)
    return FALSE;
  *cursor = g_strdup (next);
  *more = pd_sync_json_boolean (root, "more", FALSE);
  return TRUE;
}

/* Whether to ask for the page after @cursor. A server that answers "more" without moving
 * its cursor, or never stops, is cut off: FALSE, with the failure recorded when stuck. */
static gboolean
pull_goes_on (GTask      *task,
              const char *cursor,
              gboolean    more)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (!more)
    return FALSE;
  if (g_strcmp0 (cursor, pass->page_cursor) == 0)
    {
      pd_sync_pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                                    _("The central system keeps sending the same page. "
                                                      "Passdesk will try again later; if this persists, "
                                                      "call the support desk.")));
      return FALSE;
    }
  if (++pass->pages >= MAX_PAGES_PER_PULL)
    {
      g_message ("Pull stopped after %u pages; the next pass goes on", pass->pages);
      return FALSE;
    }
  return TRUE;
}

/* A cursor the server refuses (400) was most likely made by another server, one the station
 * used before: start the pull over from the beginning, once per pass. Pages stored twice
 * change nothing (declarations are kept by code, statuses are set again to what they are). */
static gboolean
pull_restart_on_refused_cursor (GTask       *task,
                                PdSyncReply *reply)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pd_sync_pass_engine (task);
  const char *setting = pass->pull->cursor_setting;

  if (reply == NULL || reply->status != 400 || pass->cursor_reset ||
      pass->page_cursor == NULL || *pass->page_cursor == '\0')
    return FALSE;
  g_message ("The central system refused the cursor of %s; pulling from the beginning", setting);
  pass->cursor_reset = TRUE;
  g_clear_error (&pass->error);
  return pd_store_set_setting (self->store, setting, "", NULL);
}

static gpointer
write_page (PdSyncEngine  *self,
            gpointer       data,
            GError       **error)
{
  PdSyncPage *page = data;

  if (!page->kind->write (self, page, error) ||
      !pd_store_set_setting (self->store, page->kind->cursor_setting, page->cursor, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
page_written (GTask    *task,
              gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autoptr(PdSyncPage) page = g_steal_pointer (&pass->page);

  if (result == NULL)
    {
      pd_sync_pass_next_phase (task);
      return;
    }
  if (pass->pull->count_written)
    pass->pull->count_written (pass->report, page);
  if (pass->more)
    pull_next (task);
  else
    pd_sync_pass_next_phase (task);
}

static void
on_page (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdSyncPass *pass = g_task_get_task_data (task);
  const PdSyncPullKind *kind = pass->pull;
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pd_sync_pass_reply_object (task, result, &reply);
  PdSyncPage *page;
  char *cursor = NULL;
  gboolean more = FALSE;

  if (root == NULL)
    {
      if (pull_restart_on_refused_cursor (task, reply))
        pull_next (g_steal_pointer (&task));
      else
        {
          /* What the station's role is not given (the office's declarations, to an
           * assisted-entry station) is not a failure of the pass: the next phases still run. */
          if (reply != NULL && reply->status == 403 && g_strcmp0 (reply->error_code, "forbidden_role") == 0)
            g_clear_error (&pass->error);
          pd_sync_pass_next_phase (g_steal_pointer (&task));
        }
      return;
    }
  if (!page_shape (root, kind->member, &cursor, &more))
    {
      pd_sync_pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, _(kind->unreadable)));
      pd_sync_pass_next_phase (g_steal_pointer (&task));
      return;
    }

  page = g_new0 (PdSyncPage, 1);
  page->kind = kind;
  page->page = json_node_ref (reply->body);
  page->cursor = cursor;
  if (kind->count_received)
    kind->count_received (pass->report, page);
  pass->more = pull_goes_on (task, page->cursor, more);
  g_clear_pointer (&pass->page, pd_sync_page_free);
  pass->page = page;
  pd_sync_pass_run_store_job (task, write_page, page, NULL, page_written);
}

/* Asks for the page after the saved cursor; takes the task's reference. */
static void
pull_next (GTask *task)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pd_sync_pass_engine (task);
  g_autofree char *path = NULL;

  if (pd_sync_pass_cancelled (task))
    {
      pd_sync_pass_next_phase (task);
      return;
    }
  g_clear_pointer (&pass->page_cursor, g_free);
  path = pd_sync_page_request (self->store, pass->pull->endpoint, pass->pull->cursor_setting,
                               &pass->page_cursor);
  pd_sync_pass_request (task, "GET", path, NULL, on_page, task);
}

static void
pull_start (GTask                *task,
            const PdSyncPullKind *kind)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  pass->pull = kind;
  pull_next (task);
}

/* Declarations ------------------------------------------------------------------------------ */

static gboolean
write_declarations (PdSyncEngine  *self,
                    PdSyncPage    *page,
                    GError       **error)
{
  JsonArray *array = page_items (page);
  g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = pd_sync_json_array_object (array, i);
      const char *code = pd_sync_json_string (item, "code");
      JsonNode *dossier_node = item ? json_object_get_member (item, "dossier") : NULL;
      g_autoptr(PdDossier) dossier = NULL;
      g_autoptr(GPtrArray) existing = NULL;
      g_autoptr(GError) local_error = NULL;

      if (code == NULL || !pd_sync_declaration_code_ok (code) ||
          dossier_node == NULL || !JSON_NODE_HOLDS_OBJECT (dossier_node))
        {
          g_message ("Skipping a declaration without a valid code (%s) or dossier",
                     code && g_utf8_validate (code, MIN (strlen (code), 80), NULL) ? code : "?");
          continue;
        }
      existing = pd_store_find_by_declaration_code (self->store, code, error);
      if (existing == NULL)
        return FALSE;
      /* A page pulled again after an interruption stores nothing twice. */
      if (existing->len > 0)
        continue;

      dossier = pd_sync_declaration_to_dossier (item, &local_error);
      if (dossier == NULL)
        {
          g_message ("Skipping declaration %s: %s", code, local_error->message);
          continue;
        }
      g_ptr_array_add (dossiers, g_steal_pointer (&dossier));
    }

  if (!pd_store_insert_many (self->store, (PdDossier * const *) dossiers->pdata, dossiers->len,
                             "sync", error))
    return FALSE;
  page->stored = dossiers->len;
  return TRUE;
}

static void
count_declarations (PdSyncReport *report,
                    PdSyncPage   *page)
{
  report->declarations += json_array_get_length (page_items (page));
}

static const PdSyncPullKind declarations = {
  .endpoint = "/v1/declarations",
  .member = "declarations",
  .cursor_setting = "sync.declarations-cursor",
  .unreadable = N_("The central system sent a page of declarations "
                   "Passdesk cannot read. It will try again later."),
  .write = write_declarations,
  .count_received = count_declarations,
};

void
pd_sync_pull_declarations (GTask *task)
{
  pull_start (task, &declarations);
}

/* Statuses ------------------------------------------------------------------------------------ */

static gboolean
write_statuses (PdSyncEngine  *self,
                PdSyncPage    *page,
                GError       **error)
{
  JsonArray *array = page_items (page);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = pd_sync_json_array_object (array, i);
      const char *uuid = pd_sync_json_string (item, "dossier_uuid");
      const char *value = pd_sync_json_string (item, "status");
      const char *reason = pd_sync_json_string (item, "reason");
      const char *packet_id = pd_sync_json_string (item, "packet_id");
      g_autoptr(PdDossier) dossier = NULL;
      g_autoptr(GError) local_error = NULL;
      PdStatus status = pd_status_from_string (value);

      if (uuid == NULL || value == NULL || !g_uuid_string_is_valid (uuid))
        continue;
      if (reason != NULL && strlen (reason) > 2000)
        reason = NULL;
      dossier = pd_store_get_by_uuid (self->store, uuid, &local_error);
      if (dossier == NULL)
        {
          if (!g_error_matches (local_error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          /* A packet carried here from another station: its dossier lives there. */
          g_debug ("Status for dossier %s not kept on this station", uuid);
          continue;
        }

      if (status != PD_STATUS_RECEIVED && status != PD_STATUS_PROCESSING &&
          status != PD_STATUS_READY && status != PD_STATUS_REJECTED)
        {
          /* The official list is not known: keep the value where people can see it. */
          g_autofree char *detail = g_strdup_printf ("unknown status “%s” for packet %s",
                                                     value, packet_id ? packet_id : "?");

          g_message ("%s", detail);
          if (!pd_store_audit (self->store, "sync", "status-unknown", uuid, detail, error))
            return FALSE;
          page->unknown++;
          continue;
        }
      if (pd_dossier_get_status (dossier) == status &&
          g_strcmp0 (pd_dossier_get_status_reason (dossier), reason) == 0)
        continue;
      /* Only applications that left the counter have a central status: a status for a
       * draft here is the server's mistake and must not move it. */
      if (pd_dossier_get_status (dossier) < PD_STATUS_ACCEPTED ||
          pd_dossier_get_status (dossier) == PD_STATUS_REFUSED)
        {
          g_autofree char *detail = g_strdup_printf ("status “%s” ignored for an application still at "
                                                     "the counter (packet %s)", value,
                                                     packet_id ? packet_id : "?");

          g_message ("%s", detail);
          if (!pd_store_audit (self->store, "sync", "status-ignored", uuid, detail, error))
            return FALSE;
          continue;
        }
      if (!pd_store_apply_central_status (self->store, pd_dossier_get_id (dossier), status, "sync", reason, &local_error))
        {
          /* One application the store will not move (its data purged, say) must not stop
           * every later status from arriving: note it and go on. */
          if (!g_error_matches (local_error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_message ("Status %s for dossier %s not applied: %s", value, uuid, local_error->message);
          if (!pd_store_audit (self->store, "sync", "status-ignored", uuid, local_error->message, error))
            return FALSE;
          continue;
        }
      page->stored++;
    }
  return TRUE;
}

static void
count_statuses (PdSyncReport *report,
                PdSyncPage   *page)
{
  report->unknown_statuses += page->unknown;
  report->statuses += page->stored;
}

static const PdSyncPullKind statuses = {
  .endpoint = "/v1/statuses",
  .member = "statuses",
  .cursor_setting = "sync.statuses-cursor",
  .unreadable = N_("The central system sent a page of statuses "
                   "Passdesk cannot read. It will try again later."),
  .write = write_statuses,
  .count_written = count_statuses,
};

void
pd_sync_pull_statuses (GTask *task)
{
  pull_start (task, &statuses);
}

/* Station keys -------------------------------------------------------------------------------- */

static gpointer
apply_station_keys (PdSyncEngine  *self,
                    gpointer       data,
                    GError       **error)
{
  g_autofree PdDeclarationKeysUpdate *update = g_new0 (PdDeclarationKeysUpdate, 1);
  GError *local_error = NULL;

  if (pd_declaration_keys_apply_central (self->store, data, update, &local_error))
    return g_steal_pointer (&update);
  /* A list that does not check out is the server's (or the network's) fault: the one kept
   * stays in force and the next pass asks again. */
  if (local_error->domain == PD_DECLARATION_ERROR)
    {
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, local_error->message);
      g_error_free (local_error);
    }
  else
    g_propagate_error (error, local_error);
  return NULL;
}

static void
station_keys_applied (GTask    *task,
                      gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autofree PdDeclarationKeysUpdate *update = result;

  if (update != NULL)
    {
      pass->report->station_keys_changed = update->changed;
      pass->report->stations_revoked = update->n_newly_revoked;
    }
  pd_sync_pass_next_phase (task);
}

static void
on_station_keys (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;

  if (pd_sync_pass_reply_object (task, result, &reply) != NULL)
    pd_sync_pass_run_store_job (task, apply_station_keys, json_node_ref (reply->body),
                                (GDestroyNotify) json_node_unref, station_keys_applied);
  else
    pd_sync_pass_next_phase (g_steal_pointer (&task));
}

void
pd_sync_pull_station_keys (GTask *task)
{
  pd_sync_pass_request (task, "GET", "/v1/station-keys", NULL, on_station_keys, task);
}
