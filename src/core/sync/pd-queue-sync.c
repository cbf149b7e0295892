/* pd-queue-sync.c: push, pull and call through the office's server.
 *
 * A pass is a chain of steps; each step and each request callback owns the task's one
 * reference and hands it on to the next step, or returns.
 */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-queue-private.h"
#include "pd-queue-sync.h"

#define PULL_PAGE 500

typedef struct {
  PdQueue      *queue;
  PdSyncClient *client;
  GPtrArray    *pushing;     /* (element-type PdTicket) the tickets of the push in flight */
  guint         pulled;
  gboolean      reset;       /* the server's epoch changed once already in this pass */
  gboolean      offline;     /* a call made from this station's copy */
  char         *counter;     /* a call: who calls */
  char         *service;
} Pass;

static void
pass_free (Pass *pass)
{
  g_clear_object (&pass->queue);
  g_clear_object (&pass->client);
  g_clear_pointer (&pass->pushing, g_ptr_array_unref);
  g_free (pass->counter);
  g_free (pass->service);
  g_free (pass);
}

static void push_next (GTask *owned);
static void pull_next (GTask *owned);
static void call_remote (GTask *owned);

static gboolean
is_call (GTask *task)
{
  return ((Pass *) g_task_get_task_data (task))->counter != NULL;
}

/* A request failed. A call falls back on this station's copy when the server cannot be
 * reached; anything else ends the task. */
static void
fail (GTask  *task,
      GError *error)
{
  Pass *pass = g_task_get_task_data (task);

  if (is_call (task) && g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    {
      g_autoptr(GError) local_error = NULL;
      PdTicket *ticket;

      g_debug ("Calling from this station's queue: %s", error->message);
      g_error_free (error);
      pass->offline = TRUE;
      ticket = pd_queue_call_next (pass->queue, pass->counter, pass->service, &local_error);
      if (local_error)
        g_task_return_error (task, g_steal_pointer (&local_error));
      else
        g_task_return_pointer (task, ticket, (GDestroyNotify) pd_ticket_free);
      return;
    }
  g_task_return_error (task, error);
}

static PdSyncReply *
finish_request (GTask         *task,
                GAsyncResult  *result,
                GError       **error)
{
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(PdSyncReply) reply = pd_sync_client_request_finish (pass->client, result, error);

  if (reply == NULL || !pd_sync_reply_check (reply, error))
    return NULL;
  return g_steal_pointer (&reply);
}

/* Takes @owned until @callback. */
static void
send (GTask               *owned,
      const char          *method,
      const char          *path_and_query,
      JsonNode            *body,
      GAsyncReadyCallback  callback)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autoptr(GBytes) bytes = body ? pd_sync_json_to_bytes (body) : NULL;

  pd_sync_client_request_async (pass->client, method, path_and_query, bytes,
                                g_task_get_cancellable (owned), callback, owned);
}

static GError *
bad_answer (void)
{
  return g_error_new (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                      _("The central system answered the queue request with something unexpected. Try again later."));
}

/* Push ----------------------------------------------------------------------------------- */

static void
after_push (GTask *owned)
{
  if (is_call (owned))
    call_remote (owned);
  else
    pull_next (owned);
}

static void
on_pushed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReply) reply = finish_request (task, result, &error);
  g_autoptr(GPtrArray) pushed = g_steal_pointer (&pass->pushing);

  if (reply == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  /* Confirmed: only versions unchanged since are clean; a later change goes next time. */
  if (!pd_queue_mark_pushed (pass->queue, pushed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pushed->len < PD_QUEUE_SYNC_PUSH_SIZE)
    after_push (g_steal_pointer (&task));
  else
    push_next (g_steal_pointer (&task));
}

static void
push_next (GTask *owned)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dirty = pd_queue_list_dirty (pass->queue, PD_QUEUE_SYNC_PUSH_SIZE, &error);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (dirty == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (dirty->len == 0)
    {
      after_push (g_steal_pointer (&task));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tickets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dirty->len; i++)
    json_builder_add_value (builder, pd_ticket_to_json (g_ptr_array_index (dirty, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  pass->pushing = g_steal_pointer (&dirty);
  send (g_steal_pointer (&task), "POST", "/v1/queue/tickets", body, on_pushed);
}

/* Pull ----------------------------------------------------------------------------------- */

static void
on_pulled (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  PdStore *store = pd_queue_get_store (pass->queue);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReply) reply = finish_request (task, result, &error);
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autofree char *known_epoch = NULL;
  JsonObject *answer;
  const char *epoch;
  const char *cursor;
  JsonArray *array;
  guint changed = 0;

  if (reply == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  answer = json_node_get_object (reply->body);
  epoch = json_object_get_string_member_with_default (answer, "epoch", NULL);
  cursor = json_object_get_string_member_with_default (answer, "next_cursor", NULL);
  if (epoch == NULL || cursor == NULL || !json_object_has_member (answer, "tickets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (answer, "tickets")))
    {
      g_task_return_error (task, bad_answer ());
      return;
    }

  known_epoch = pd_store_get_setting (store, PD_QUEUE_SETTING_EPOCH);
  if (g_strcmp0 (known_epoch, epoch) != 0)
    {
      /* A new server, or one that restarted and forgot the queue: give it all of today's
       * tickets again and read its queue from the start. The first answer of a station
       * that never pulled already is the start. */
      if (!pd_store_set_setting (store, PD_QUEUE_SETTING_EPOCH, epoch, &error) ||
          !pd_store_set_setting (store, PD_QUEUE_SETTING_CURSOR, "", &error) ||
          (known_epoch && !pd_queue_mark_all_dirty (pass->queue, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (known_epoch && !pass->reset)
        {
          pass->reset = TRUE;
          push_next (g_steal_pointer (&task));
          return;
        }
      if (known_epoch)
        {
          pull_next (g_steal_pointer (&task));
          return;
        }
    }

  array = json_object_get_array_member (answer, "tickets");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdTicket *ticket = pd_ticket_from_json (json_array_get_element (array, i), &error);

      if (ticket == NULL)
        {
          g_task_return_error (task, g_error_new (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, "%s", error->message));
          return;
        }
      g_ptr_array_add (tickets, ticket);
    }
  if (!pd_queue_merge (pass->queue, tickets, &changed, &error) ||
      !pd_store_set_setting (store, PD_QUEUE_SETTING_CURSOR, cursor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pass->pulled += changed;
  if (json_object_get_boolean_member_with_default (answer, "more", FALSE) && tickets->len > 0)
    pull_next (g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

static void
pull_next (GTask *owned)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autofree char *cursor = pd_store_get_setting (pd_queue_get_store (pass->queue), PD_QUEUE_SETTING_CURSOR);
  g_autofree char *escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v1/queue?after=%s&limit=%d", escaped, PULL_PAGE);

  send (owned, "GET", path, NULL, on_pulled);
}

static Pass *
pass_new (PdQueue      *queue,
          PdSyncClient *client)
{
  Pass *pass = g_new0 (Pass, 1);

  pass->queue = g_object_ref (queue);
  pass->client = g_object_ref (client);
  return pass;
}

void
pd_queue_sync_async (PdQueue             *queue,
                     PdSyncClient        *client,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (PD_IS_SYNC_CLIENT (client));

  task = g_task_new (queue, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_queue_sync_async);
  g_task_set_task_data (task, pass_new (queue, client), (GDestroyNotify) pass_free);
  push_next (task);
}

gboolean
pd_queue_sync_finish (PdQueue       *queue,
                      GAsyncResult  *result,
                      guint         *n_pulled,
                      GError       **error)
{
  Pass *pass;

  g_return_val_if_fail (g_task_is_valid (result, queue), FALSE);

  pass = g_task_get_task_data (G_TASK (result));
  if (n_pulled)
    *n_pulled = pass->pulled;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Call ----------------------------------------------------------------------------------- */

static void
on_called (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReply) reply = finish_request (task, result, &error);
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  JsonNode *node;
  PdTicket *ticket;

  if (reply == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  node = json_object_get_member (json_node_get_object (reply->body), "ticket");
  if (node == NULL)
    {
      g_task_return_error (task, bad_answer ());
      return;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if ((ticket = pd_ticket_from_json (node, &error)) == NULL)
    {
      g_task_return_error (task, g_error_new (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, "%s", error->message));
      return;
    }
  g_ptr_array_add (tickets, ticket);
  if (!pd_queue_merge (pass->queue, tickets, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, pd_ticket_copy (ticket), (GDestroyNotify) pd_ticket_free);
}

static void
call_remote (GTask *owned)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autoptr(GDateTime) now = pd_queue_dup_time (pass->queue);
  g_autofree char *day = g_date_time_format (now, "%F");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "counter");
  json_builder_add_string_value (builder, pass->counter);
  json_builder_set_member_name (builder, "day");
  json_builder_add_string_value (builder, day);
  json_builder_set_member_name (builder, "service");
  if (pass->service)
    json_builder_add_string_value (builder, pass->service);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  send (owned, "POST", "/v1/queue/calls", body, on_called);
}

void
pd_queue_sync_call_next_async (PdQueue             *queue,
                               PdSyncClient        *client,
                               const char          *counter,
                               const char          *service,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Pass *pass;

  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (PD_IS_SYNC_CLIENT (client));
  g_return_if_fail (counter != NULL);

  task = g_task_new (queue, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_queue_sync_call_next_async);
  pass = pass_new (queue, client);
  pass->counter = g_strdup (counter);
  pass->service = g_strdup (service);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);
  /* The server can only call what it has: this station's new tickets go first. */
  push_next (task);
}

PdTicket *
pd_queue_sync_call_next_finish (PdQueue       *queue,
                                GAsyncResult  *result,
                                gboolean      *offline,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, queue), NULL);

  if (offline)
    *offline = ((Pass *) g_task_get_task_data (G_TASK (result)))->offline;
  return g_task_propagate_pointer (G_TASK (result), error);
}
