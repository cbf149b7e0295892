/* pd-sync-push.c: a pass's push, the outbox read page by page and sent in batches on lanes. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-json.h"
#include "pd-outbox.h"
#include "pd-sync-json-private.h"
#include "pd-sync-pass-private.h"

#define LANES               4
/* Requests stay well under the protocol's 16 MiB. */
#define MAX_BATCH_BYTES     (8 * 1024 * 1024)
#define MAX_PACKET_BYTES    (15 * 1024 * 1024)
/* A packet that keeps failing waits at most this many times the pass cap. */
#define PACKET_CAP_FACTOR   4

typedef struct {
  GPtrArray *entries;   /* PdOutboxEntry */
  GBytes    *body;
} Batch;

void
pd_sync_push_batch_free (gpointer data)
{
  Batch *batch = data;

  g_clear_pointer (&batch->entries, g_ptr_array_unref);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_free (batch);
}

typedef struct {
  GPtrArray      *entries;    /* PdOutboxEntry, kept for the ids */
  PdOutboxResult *results;
  guint           n_results;
  GPtrArray      *strings;    /* owns the results' texts */
} Marks;

static void
marks_free (Marks *marks)
{
  g_clear_pointer (&marks->entries, g_ptr_array_unref);
  g_free (marks->results);
  g_clear_pointer (&marks->strings, g_ptr_array_unref);
  g_free (marks);
}

static Marks *
marks_new (GPtrArray *entries)
{
  Marks *marks = g_new0 (Marks, 1);

  marks->entries = g_ptr_array_ref (entries);
  marks->results = g_new0 (PdOutboxResult, entries->len);
  marks->n_results = entries->len;
  marks->strings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < entries->len; i++)
    marks->results[i].packet_id = ((PdOutboxEntry *) g_ptr_array_index (entries, i))->packet_id;
  return marks;
}

static const char *
marks_keep (Marks *marks,
            char  *text)
{
  g_ptr_array_add (marks->strings, text);
  return text;
}

static gpointer
apply_marks (PdSyncEngine  *self,
             gpointer       data,
             GError       **error)
{
  Marks *marks = data;
  g_autofree PdSyncCounts *counts = g_new0 (PdSyncCounts, 1);

  if (!pd_store_outbox_apply (self->store, marks->results, marks->n_results, "sync", error) ||
      !pd_sync_engine_read_counts (self, counts, error))
    return NULL;
  return g_steal_pointer (&counts);
}

static void
marks_applied (GTask    *task,
               gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autofree PdSyncCounts *counts = result;

  if (counts)
    pd_sync_engine_set_counts (pd_sync_pass_engine (task), counts);
  pass->in_flight--;
  pd_sync_push_pump (task);
}

static void
pass_apply (GTask *task,
            Marks *marks)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  for (guint i = 0; i < marks->n_results; i++)
    switch (marks->results[i].kind)
      {
      case PD_OUTBOX_RESULT_RECEIVED:
        break;
      case PD_OUTBOX_RESULT_REFUSED:
        pass->report->set_aside++;
        break;
      case PD_OUTBOX_RESULT_RETRY:
        pass->report->deferred++;
        break;
      default:
        g_assert_not_reached ();
      }

  pass->in_flight++;
  pd_sync_pass_run_store_job (task, apply_marks, marks, (GDestroyNotify) marks_free, marks_applied);
}

static void
mark_all (PdSyncEngine       *self,
          Marks              *marks,
          PdOutboxResultKind  kind,
          const char         *message,
          gint64              retry_after)
{
  for (guint i = 0; i < marks->n_results; i++)
    {
      PdOutboxEntry *entry = g_ptr_array_index (marks->entries, i);

      marks->results[i].kind = kind;
      marks->results[i].message = marks_keep (marks, g_strdup (message));
      if (kind == PD_OUTBOX_RESULT_RETRY)
        marks->results[i].next_attempt_at = pd_sync_now () +
          pd_sync_backoff_delay (self->backoff_base, entry->attempts + 1,
                                 PACKET_CAP_FACTOR * self->backoff_cap, retry_after);
    }
}

/* Whole-request refusals that say something about the station, not the packets: setting
 * the packets aside would lose them for a fault someone can fix. */
static gboolean
is_station_problem (const char *code)
{
  return g_strcmp0 (code, "unknown_device") == 0 ||
         g_strcmp0 (code, "stale_request") == 0 ||
         g_strcmp0 (code, "invalid_signature") == 0 ||
         g_strcmp0 (code, "forbidden_role") == 0;
}

/* One result per packet, in the order sent. */
static void
mark_results (GTask     *task,
              Marks     *marks,
              JsonArray *results)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pd_sync_pass_engine (task);

  for (guint i = 0; i < marks->n_results; i++)
    {
      PdOutboxEntry *entry = g_ptr_array_index (marks->entries, i);
      JsonObject *item = pd_sync_json_array_object (results, i);
      const char *packet_id = pd_sync_json_string (item, "packet_id");
      const char *outcome = pd_sync_json_string (item, "result");
      PdOutboxResult *mark = &marks->results[i];

      if (g_strcmp0 (packet_id, entry->packet_id) != 0)
        outcome = NULL;

      if (g_strcmp0 (outcome, "accepted") == 0 || g_strcmp0 (outcome, "duplicate") == 0)
        {
          JsonObject *receipt = pd_sync_json_object (item, "receipt");
          const char *central_id = pd_sync_json_string (receipt, "central_id");

          mark->kind = PD_OUTBOX_RESULT_RECEIVED;
          /* A receipt number is shown to people: a bounded, printable one only. */
          if (central_id && strlen (central_id) <= 64 && g_utf8_validate (central_id, -1, NULL))
            mark->central_id = marks_keep (marks, g_strdup (central_id));
          if (outcome[0] == 'a')
            pass->report->accepted++;
          else
            pass->report->duplicates++;
        }
      else if (g_strcmp0 (outcome, "rejected") == 0)
        {
          JsonObject *err = pd_sync_json_object (item, "error");
          const char *code = pd_sync_json_string (err, "code");
          const char *text = pd_sync_json_string (err, "message");

          mark->kind = PD_OUTBOX_RESULT_REFUSED;
          mark->message = marks_keep (marks, g_strdup_printf ("%s: %s", code ? code : "rejected",
                                                              text ? text : ""));
        }
      else
        {
          mark->kind = PD_OUTBOX_RESULT_RETRY;
          mark->message = marks_keep (marks, g_strdup (_("The central system gave no usable result for this packet.")));
          mark->next_attempt_at = pd_sync_now () +
            pd_sync_backoff_delay (self->backoff_base, entry->attempts + 1,
                                   PACKET_CAP_FACTOR * self->backoff_cap, 0);
        }
    }
}

/* The request as a whole was refused: find the culprit by sending each packet alone. The
 * packets' text lives only in the request body (see queue_batches()). */
static void
split_batch (GTask *task,
             Batch *batch)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  GPtrArray *entries = batch->entries;
  g_autoptr(JsonNode) sent = pd_json_parse (g_bytes_get_data (batch->body, NULL),
                                            g_bytes_get_size (batch->body), NULL);
  JsonArray *packets = sent && JSON_NODE_HOLDS_OBJECT (sent)
                       ? pd_sync_json_array (json_node_get_object (sent), "packets") : NULL;

  g_assert (packets != NULL && json_array_get_length (packets) == entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      Batch *single = g_new0 (Batch, 1);
      g_autofree char *packet = json_to_string (json_array_get_element (packets, i), FALSE);
      g_autofree char *text = g_strconcat ("{\"packets\":[", packet, "]}", NULL);

      single->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_outbox_entry_free);
      g_ptr_array_add (single->entries, g_steal_pointer (&g_ptr_array_index (entries, i)));
      single->body = g_bytes_new (text, strlen (text));
      g_queue_push_tail (&pass->ready, single);
    }
}

typedef struct {
  GTask *task;
  Batch *batch;
} Push;

static void
on_push_reply (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Push *push = user_data;
  g_autoptr(GTask) task = push->task;
  PdSyncPass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pd_sync_pass_engine (task);
  GPtrArray *entries = push->batch->entries;
  g_autoptr(PdSyncReply) reply = NULL;
  GError *error = NULL;
  JsonArray *results = NULL;
  Marks *marks = marks_new (entries);

  pass->in_flight--;
  reply = pd_sync_client_request_finish (self->client, result, &error);

  if (reply == NULL)
    {
      /* Network, TLS or cancelled: nothing is known about these packets. */
      if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
        {
          mark_all (self, marks, PD_OUTBOX_RESULT_RETRY, error->message, 0);
          pass_apply (task, marks);
        }
      else
        marks_free (marks);
      pd_sync_pass_fail (task, error);
    }
  else if (reply->status >= 200 && reply->status < 300)
    {
      JsonObject *root = reply->body && JSON_NODE_HOLDS_OBJECT (reply->body)
                         ? json_node_get_object (reply->body) : NULL;

      results = pd_sync_json_array (root, "results");

      if (results == NULL || json_array_get_length (results) != entries->len)
        {
          pd_sync_reply_check (reply, &error);
          if (error == NULL)
            g_set_error_literal (&error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                 _("The central system answered the push with the wrong number "
                                   "of results. Passdesk will try again later."));
          mark_all (self, marks, PD_OUTBOX_RESULT_RETRY, error->message, 0);
          pass_apply (task, marks);
          pd_sync_pass_fail (task, error);
        }
      else
        {
          mark_results (task, marks, results);
          pass_apply (task, marks);
        }
    }
  else if (pd_sync_status_is_final (reply->status) && !is_station_problem (reply->error_code))
    {
      if (entries->len == 1)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s (HTTP %u)",
                                                      reply->error_code ? reply->error_code : "refused",
                                                      reply->error_message ? reply->error_message : "",
                                                      reply->status);

          mark_all (self, marks, PD_OUTBOX_RESULT_REFUSED, message, 0);
          pass_apply (task, marks);
        }
      else
        {
          split_batch (task, push->batch);
          marks_free (marks);
        }
    }
  else
    {
      pass->retry_after = MAX (pass->retry_after, reply->retry_after);
      pd_sync_reply_check (reply, &error);
      if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
        {
          mark_all (self, marks, PD_OUTBOX_RESULT_RETRY, error->message, reply->retry_after);
          pass_apply (task, marks);
        }
      else
        marks_free (marks);
      pd_sync_pass_fail (task, error);
    }

  pd_sync_push_batch_free (push->batch);
  g_free (push);
  pd_sync_push_pump (g_steal_pointer (&task));
}

static void
send_batch (GTask *task,
            Batch *batch)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  Push *push = g_new0 (Push, 1);

  push->task = g_object_ref (task);
  push->batch = batch;
  pass->in_flight++;
  pd_sync_pass_request (task, "POST", "/v1/packets", batch->body, on_push_reply, push);
}

typedef struct {
  gint64 after;
  gint64 due;
} Fetch;

static gpointer
fetch_entries (PdSyncEngine  *self,
               gpointer       data,
               GError       **error)
{
  Fetch *fetch = data;

  /* Claimed before a byte is sent: a reopening cannot withdraw them from now on. */
  return pd_store_outbox_claim (self->store, fetch->after, fetch->due, PD_PACKET_MAX_PER_PUSH, error);
}

/* Splits @entries into requests of at most 50 packets and MAX_BATCH_BYTES; a packet too
 * large for any request is refused here, as the server would. */
static void
queue_batches (GTask     *task,
               GPtrArray *entries)
{
  PdSyncEngine *self = pd_sync_pass_engine (task);
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autoptr(GPtrArray) too_large = g_ptr_array_new ();
  Batch *batch = NULL;
  GString *body = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      PdOutboxEntry *entry = g_ptr_array_index (entries, i);
      gsize length = strlen (entry->packet);

      g_ptr_array_index (entries, i) = NULL;
      if (length > MAX_PACKET_BYTES)
        {
          g_ptr_array_add (too_large, entry);
          continue;
        }
      if (batch && body->len + length + 3 > MAX_BATCH_BYTES)
        {
          g_string_append (body, "]}");
          batch->body = g_string_free_to_bytes (body);
          g_queue_push_tail (&pass->ready, batch);
          batch = NULL;
        }
      if (batch == NULL)
        {
          batch = g_new0 (Batch, 1);
          batch->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_outbox_entry_free);
          body = g_string_new ("{\"packets\":[");
        }
      else
        g_string_append_c (body, ',');
      g_string_append_len (body, entry->packet, length);
      /* The body holds the text now: one copy of each packet in memory, not two. */
      g_clear_pointer (&entry->packet, g_free);
      g_ptr_array_add (batch->entries, entry);
    }
  if (batch)
    {
      g_string_append (body, "]}");
      batch->body = g_string_free_to_bytes (body);
      g_queue_push_tail (&pass->ready, batch);
    }

  if (too_large->len > 0)
    {
      Marks *marks;

      g_ptr_array_set_free_func (too_large, (GDestroyNotify) pd_outbox_entry_free);
      marks = marks_new (too_large);
      mark_all (self, marks, PD_OUTBOX_RESULT_REFUSED,
                "too_large: the packet is larger than the central system accepts", 0);
      pass_apply (task, marks);
    }
}

static void
entries_fetched (GTask    *task,
                 gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entries = result;

  pass->fetching = FALSE;
  /* NULL: the failure is the pass's now, and stops the push. */
  if (entries != NULL && entries->len == 0)
    pass->exhausted = TRUE;
  else if (entries != NULL)
    {
      pass->cursor = ((PdOutboxEntry *) g_ptr_array_index (entries, entries->len - 1))->seq;
      queue_batches (task, entries);
    }
  pd_sync_push_pump (task);
}

/* Keeps LANES requests in flight, reading the outbox a page at a time, and moves on once
 * everything sent has been answered and written down. */
void
pd_sync_push_pump (GTask *task)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (pass->stop_push || pd_sync_pass_cancelled (task))
    {
      pass->stop_push = TRUE;
      g_queue_clear_full (&pass->ready, pd_sync_push_batch_free);
    }

  while (!pass->stop_push && pass->in_flight < LANES && !g_queue_is_empty (&pass->ready))
    send_batch (task, g_queue_pop_head (&pass->ready));

  /* One batch ready beyond those in flight is enough to keep the lanes busy; more would
   * only hold photos in memory. */
  if (!pass->stop_push && !pass->fetching && !pass->exhausted &&
      g_queue_is_empty (&pass->ready) && pass->in_flight <= LANES)
    {
      Fetch *fetch = g_new0 (Fetch, 1);

      fetch->after = pass->cursor;
      fetch->due = pass->due;
      pass->fetching = TRUE;
      pd_sync_pass_run_store_job (task, fetch_entries, fetch, g_free, entries_fetched);
    }

  if (pass->in_flight == 0 && !pass->fetching && g_queue_is_empty (&pass->ready) &&
      (pass->exhausted || pass->stop_push))
    pd_sync_pass_next_phase (task);
  else
    g_object_unref (task);
}
