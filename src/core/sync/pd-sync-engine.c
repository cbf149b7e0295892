/* pd-sync-engine.c: the background sync with the central system. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-declaration-code.h"
#include "pd-declaration-keys.h"
#include "pd-json.h"
#include "pd-outbox.h"
#include "pd-store-private.h"
#include "pd-sync-client.h"
#include "pd-sync-engine.h"
#include "pd-sync-engine-private.h"
#include "pd-sync-json-private.h"

#define LANES               4
#define PAGE_LIMIT          500
/* Requests stay well under the protocol's 16 MiB. */
#define MAX_BATCH_BYTES     (8 * 1024 * 1024)
#define MAX_PACKET_BYTES    (15 * 1024 * 1024)
#define TIMER_SECONDS       300
#define BACKOFF_BASE        5
#define BACKOFF_CAP         900
/* A packet that keeps failing waits at most this many times the pass cap. */
#define PACKET_CAP_FACTOR   4
/* A pull stops after this many pages in one pass (100,000 items): a server whose cursor
 * never reaches the end cannot keep the station busy forever. The next pass goes on. */
#define MAX_PAGES_PER_PULL  200

#define SETTING_DECLARATIONS_CURSOR "sync.declarations-cursor"
#define SETTING_STATUSES_CURSOR     "sync.statuses-cursor"
#define SETTING_LAST_SYNC           "sync.last-sync"

G_DEFINE_ENUM_TYPE (PdSyncState, pd_sync_state,
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_ERROR, "error"))

struct _PdSyncEngine
{
  GObject          parent_instance;

  PdStore         *store;
  PdDevice        *device;
  PdSyncClient    *client;
  char            *token;

  PdSyncState      state;
  guint            pending_count;
  guint            set_aside_count;
  gint64           last_sync;
  char            *last_error;

  /* Background mode. */
  gboolean         started;
  GCancellable    *cancellable;
  GNetworkMonitor *monitor;
  gulong           network_handler;
  guint            timeout_id;
  guint            failures;
  gboolean         running;
  guint            backoff_base;   /* seconds */
  guint            backoff_cap;    /* seconds */
};

G_DEFINE_FINAL_TYPE (PdSyncEngine, pd_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING_COUNT,
  PROP_SET_ASIDE_COUNT,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
pd_sync_report_free (PdSyncReport *report)
{
  g_free (report);
}

void
pd_sync_set_aside_free (PdSyncSetAside *set_aside)
{
  if (set_aside == NULL)
    return;
  g_free (set_aside->packet_id);
  g_free (set_aside->dossier_uuid);
  g_free (set_aside->reason);
  g_free (set_aside);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Full jitter: a uniform delay in [0, min (cap, base × 2^attempt)], so that stations
 * failing together do not come back together. */
static gint64
backoff_delay (guint  base,
               guint  attempt,
               gint64 cap,
               gint64 retry_after)
{
  gint64 ceiling = base;
  gint64 delay;

  for (guint i = 0; i < attempt && ceiling < cap; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, cap);
  /* Drawn once: MAX() would evaluate a call twice. */
  delay = g_random_int_range (0, (gint32) ceiling + 1);
  return MAX (delay, retry_after);
}

static void
set_state (PdSyncEngine *self,
           PdSyncState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (PdSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_counts (PdSyncEngine *self,
            guint         pending,
            guint         set_aside)
{
  if (self->pending_count != pending)
    {
      self->pending_count = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }
  if (self->set_aside_count != set_aside)
    {
      self->set_aside_count = set_aside;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SET_ASIDE_COUNT]);
    }
}

/* Store work in worker threads ------------------------------------------------------------ */

typedef gpointer (*StoreFunc) (PdSyncEngine  *self,
                               gpointer       data,
                               GError       **error);

typedef struct {
  StoreFunc      func;
  gpointer       data;
  GDestroyNotify destroy;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  if (job->destroy)
    job->destroy (job->data);
  g_free (job);
}

static void
store_job_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  StoreJob *job = task_data;
  GError *error = NULL;
  gpointer result = job->func (source_object, job->data, &error);

  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, NULL);
}

/* @func returns a pointer the callback owns (or GINT_TO_POINTER (TRUE)). */
static void
run_store_job (PdSyncEngine        *self,
               StoreFunc            func,
               gpointer             data,
               GDestroyNotify       destroy,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  /* Results must be applied even when the pass is cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, store_job_thread);
}

static gpointer
store_job_finish (GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  guint pending;
  guint set_aside;
} Counts;

static gboolean
read_counts (PdSyncEngine  *self,
             Counts        *counts,
             GError       **error)
{
  gint64 pending = pd_store_outbox_count (self->store, PD_OUTBOX_PENDING, error);
  gint64 set_aside;

  if (pending < 0)
    return FALSE;
  set_aside = pd_store_outbox_count (self->store, PD_OUTBOX_SET_ASIDE, error);
  if (set_aside < 0)
    return FALSE;
  counts->pending = pending;
  counts->set_aside = set_aside;
  return TRUE;
}

/* A pass ------------------------------------------------------------------------------------ */

typedef struct {
  GPtrArray *entries;   /* PdOutboxEntry */
  GBytes    *body;
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->entries, g_ptr_array_unref);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_free (batch);
}

typedef enum {
  PHASE_CLOCK,
  PHASE_PUSH,
  PHASE_DECLARATIONS,
  PHASE_REFERENCE,
  PHASE_STATUSES,
  PHASE_STATION_KEYS,
  PHASE_DONE,
} Phase;

typedef struct {
  PdSyncFlags   flags;
  gint64        due;            /* 0: ignore backoff delays */
  PdSyncReport *report;
  Phase         phase;

  /* Push. */
  gint64        cursor;         /* last seq read from the outbox */
  gboolean      fetching;
  gboolean      exhausted;
  gboolean      stop_push;
  guint         in_flight;      /* requests and result writes not finished */
  GQueue        ready;          /* Batch waiting for a lane */

  /* Reference tables still to fetch. */
  GPtrArray    *tables;

  /* Pulls: the cursor the page in flight was asked after, and pages so far. */
  char         *page_cursor;
  guint         pages;
  gboolean      cursor_reset;   /* a refused cursor was dropped once in this pull */

  GError       *error;          /* the first failure */
  gint64        retry_after;    /* the largest Retry-After seen, seconds */
  gint64        next_due;       /* when the first packet still waiting may go, 0: none */
} Pass;

static void
pass_free (Pass *pass)
{
  g_clear_pointer (&pass->report, pd_sync_report_free);
  g_queue_clear_full (&pass->ready, (GDestroyNotify) batch_free);
  g_clear_pointer (&pass->tables, g_ptr_array_unref);
  g_free (pass->page_cursor);
  g_clear_error (&pass->error);
  g_free (pass);
}

static void pass_next_phase (GTask *task);
static void push_pump       (GTask *task);

static void
pass_fail (GTask  *task,
           GError *error)
{
  Pass *pass = g_task_get_task_data (task);

  if (pass->error == NULL)
    pass->error = error;
  else
    g_error_free (error);
  pass->stop_push = TRUE;
}

static PdSyncEngine *
pass_engine (GTask *task)
{
  return g_task_get_source_object (task);
}

static gboolean
pass_cancelled (GTask *task)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

static void
pass_request (GTask               *task,
              const char          *method,
              const char          *path,
              GBytes              *body,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  PdSyncEngine *self = pass_engine (task);

  pd_sync_client_request_async (self->client, method, path, body, g_task_get_cancellable (task),
                                callback, user_data);
}

/* The reply's body as an object when the request succeeded, else records the failure. */
static JsonObject *
pass_reply_object (GTask        *task,
                   GAsyncResult *result,
                   PdSyncReply **reply_out)
{
  PdSyncEngine *self = pass_engine (task);
  GError *error = NULL;
  PdSyncReply *reply = pd_sync_client_request_finish (self->client, result, &error);

  *reply_out = reply;
  if (reply != NULL)
    {
      Pass *pass = g_task_get_task_data (task);

      pass->retry_after = MAX (pass->retry_after, reply->retry_after);
    }
  if (reply == NULL || !pd_sync_reply_check (reply, &error))
    {
      pass_fail (task, error);
      return NULL;
    }
  return json_node_get_object (reply->body);
}

/* A cursor the server refuses (400) was most likely made by another server, one the station
 * used before: start the pull over from the beginning, once per pass. Pages stored twice
 * change nothing (declarations are kept by code, statuses are set again to what they are). */
static gboolean
pull_restart_on_refused_cursor (GTask       *task,
                                PdSyncReply *reply,
                                const char  *setting)
{
  Pass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pass_engine (task);

  if (reply == NULL || reply->status != 400 || pass->cursor_reset ||
      pass->page_cursor == NULL || *pass->page_cursor == '\0')
    return FALSE;
  g_message ("The central system refused the cursor of %s; pulling from the beginning", setting);
  pass->cursor_reset = TRUE;
  g_clear_error (&pass->error);
  return pd_store_set_setting (self->store, setting, "", NULL);
}

/* Clock */

static void
on_time (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pass_reply_object (task, result, &reply);

  if (root != NULL)
    {
      gint64 server_time = pd_sync_json_int_or (root, "server_time", 0);

      /* Anything but a plausible clock (after 2020, before 2200) is ignored. */
      if (server_time > 1577836800 && server_time < 7258118400)
        {
          pass->report->clock_offset = server_time - now_seconds ();
          /* Small differences are normal; correct only what the server would refuse. */
          pd_sync_client_set_clock_offset (pass_engine (task)->client,
                                           ABS (pass->report->clock_offset) > 60 ? pass->report->clock_offset : 0);
        }
    }
  pass_next_phase (g_steal_pointer (&task));
}

/* Push */

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
  Counts *counts;

  if (!pd_store_outbox_apply (self->store, marks->results, marks->n_results, "sync", error))
    return NULL;
  counts = g_new0 (Counts, 1);
  if (!read_counts (self, counts, error))
    {
      g_free (counts);
      return NULL;
    }
  return counts;
}

static void
on_marks_applied (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree Counts *counts = store_job_finish (result, &error);

  if (counts == NULL)
    pass_fail (task, error);
  else
    set_counts (pass_engine (task), counts->pending, counts->set_aside);
  pass->in_flight--;
  push_pump (g_steal_pointer (&task));
}

static void
pass_apply (GTask *task,
            Marks *marks)
{
  Pass *pass = g_task_get_task_data (task);

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
  run_store_job (pass_engine (task), apply_marks, marks, (GDestroyNotify) marks_free,
                 NULL, on_marks_applied, g_object_ref (task));
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
        marks->results[i].next_attempt_at = now_seconds () +
          backoff_delay (self->backoff_base, entry->attempts + 1, PACKET_CAP_FACTOR * self->backoff_cap, retry_after);
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
  Pass *pass = g_task_get_task_data (task);
  PdSyncEngine *self = pass_engine (task);
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
      pass_fail (task, error);
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
          pass_fail (task, error);
        }
      else
        {
          for (guint i = 0; i < entries->len; i++)
            {
              PdOutboxEntry *entry = g_ptr_array_index (entries, i);
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
                  mark->next_attempt_at = now_seconds () + backoff_delay (self->backoff_base, entry->attempts + 1,
                                                                          PACKET_CAP_FACTOR * self->backoff_cap, 0);
                }
            }
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
          /* The request as a whole was refused: find the culprit by sending each alone.
           * The packets' text lives only in the request body (see queue_batches()). */
          g_autoptr(JsonNode) sent = pd_json_parse (g_bytes_get_data (push->batch->body, NULL),
                                                    g_bytes_get_size (push->batch->body), NULL);
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
      pass_fail (task, error);
    }

  batch_free (push->batch);
  g_free (push);
  push_pump (g_steal_pointer (&task));
}

static void
send_batch (GTask *task,
            Batch *batch)
{
  Pass *pass = g_task_get_task_data (task);
  Push *push = g_new0 (Push, 1);

  push->task = g_object_ref (task);
  push->batch = batch;
  pass->in_flight++;
  pass_request (task, "POST", "/v1/packets", batch->body, on_push_reply, push);
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
  PdSyncEngine *self = pass_engine (task);
  Pass *pass = g_task_get_task_data (task);
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
      g_ptr_array_set_free_func (too_large, (GDestroyNotify) pd_outbox_entry_free);
      {
        Marks *marks = marks_new (too_large);

        mark_all (self, marks, PD_OUTBOX_RESULT_REFUSED,
                  "too_large: the packet is larger than the central system accepts", 0);
        pass_apply (task, marks);
      }
    }
}

static void
on_fetched (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) entries = store_job_finish (result, &error);

  pass->fetching = FALSE;
  if (entries == NULL)
    pass_fail (task, error);
  else if (entries->len == 0)
    pass->exhausted = TRUE;
  else
    {
      pass->cursor = ((PdOutboxEntry *) g_ptr_array_index (entries, entries->len - 1))->seq;
      queue_batches (task, entries);
    }
  push_pump (g_steal_pointer (&task));
}

/* Keeps LANES requests in flight, reading the outbox a page at a time, and moves on once
 * everything sent has been answered and written down. */
static void
push_pump (GTask *task)
{
  Pass *pass = g_task_get_task_data (task);

  if (pass->stop_push || pass_cancelled (task))
    {
      pass->stop_push = TRUE;
      g_queue_clear_full (&pass->ready, (GDestroyNotify) batch_free);
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
      run_store_job (pass_engine (task), fetch_entries, fetch, g_free, NULL, on_fetched,
                     g_object_ref (task));
    }

  if (pass->in_flight == 0 && !pass->fetching && g_queue_is_empty (&pass->ready) &&
      (pass->exhausted || pass->stop_push))
    pass_next_phase (task);
  else
    g_object_unref (task);
}

/* Declarations */

typedef struct {
  JsonNode *page;
  char     *cursor;
  guint     stored;
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->page, json_node_unref);
  g_free (page->cursor);
  g_free (page);
}

/* Only a canonical declaration code ("PD1-01-1YHVFTEJ-J") reaches the store or a URL. */
static gboolean
pd_sync_declaration_code_ok (const char *code)
{
  g_autofree char *canonical = NULL;

  if (strlen (code) > 64)
    return FALSE;
  canonical = pd_declaration_code_parse (code, NULL, NULL);
  return g_strcmp0 (canonical, code) == 0;
}

/* A declaration ({"code", "filed_at", "dossier"}) as a new draft dossier. */
static PdDossier *
declaration_to_dossier (JsonObject  *item,
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
                                      ? filed_at : now_seconds ());
  return dossier;
}

static gpointer
store_declarations (PdSyncEngine  *self,
                    gpointer       data,
                    GError       **error)
{
  Page *page = data;
  JsonObject *root = json_node_get_object (page->page);
  JsonArray *array = pd_sync_json_array (root, "declarations");
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
        return NULL;
      /* A page pulled again after an interruption stores nothing twice. */
      if (existing->len > 0)
        continue;

      dossier = declaration_to_dossier (item, &local_error);
      if (dossier == NULL)
        {
          g_message ("Skipping declaration %s: %s", code, local_error->message);
          continue;
        }
      g_ptr_array_add (dossiers, g_steal_pointer (&dossier));
    }

  if (!pd_store_insert_many (self->store, (PdDossier * const *) dossiers->pdata, dossiers->len,
                             "sync", error))
    return NULL;
  if (!pd_store_set_setting (self->store, SETTING_DECLARATIONS_CURSOR, page->cursor, error))
    return NULL;
  page->stored = dossiers->len;
  return GINT_TO_POINTER (TRUE);
}

static void pull_declarations (GTask *task);

/* After a page was written (@written FALSE: it failed with @error): the next page, or the
 * next phase. Takes the task's reference. */
static void
pull_page_written (GTask    *task,
                   gboolean  written,
                   GError   *error,
                   void    (*pull) (GTask *task))
{
  if (!written)
    {
      pass_fail (task, error);
      pass_next_phase (task);
      return;
    }
  if (g_object_get_data (G_OBJECT (task), "more"))
    pull (task);
  else
    pass_next_phase (task);
}

static void
on_declarations_stored (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GError *error = NULL;
  gboolean written = store_job_finish (result, &error) != NULL;

  pull_page_written (user_data, written, error, pull_declarations);
}

static gboolean
page_shape (JsonObject  *root,
            const char  *member,
            char       **cursor,
            gboolean    *more)
{
  JsonArray *list = pd_sync_json_array (root, member);
  const char *next = pd_sync_json_string (root, "next_cursor");

  /* The cursor goes back into a URL and a setting: keep it reasonable. */
  if (list == NULL || next == NULL || strlen (next) > 1024 || json_array_get_length (list) > PAGE_LIMIT)
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
  Pass *pass = g_task_get_task_data (task);

  if (!more)
    return FALSE;
  if (g_strcmp0 (cursor, pass->page_cursor) == 0)
    {
      pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
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

/* Remembers @cursor as the one the next page is asked after. */
static void
pull_set_cursor (GTask *task,
                 char  *cursor)
{
  Pass *pass = g_task_get_task_data (task);

  g_free (pass->page_cursor);
  pass->page_cursor = cursor;
}

/* The page of @member that a pull reply carries, or NULL once the pass has moved on: to the
 * first page again when the central system refused the cursor, else to the next phase. */
static Page *
pull_reply_page (GTask         *task,
                 GAsyncResult  *result,
                 const char    *member,
                 const char    *cursor_setting,
                 void         (*pull) (GTask *task),
                 const char    *unreadable,
                 gboolean      *more)
{
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pass_reply_object (task, result, &reply);
  Page *page;
  char *cursor = NULL;

  if (root == NULL)
    {
      if (pull_restart_on_refused_cursor (task, reply, cursor_setting))
        pull (g_object_ref (task));
      else
        {
          /* What the station's role is not given (the office's declarations, to an
           * assisted-entry station) is not a failure of the pass: the next phases still run. */
          if (reply != NULL && reply->status == 403 && g_strcmp0 (reply->error_code, "forbidden_role") == 0)
            g_clear_error (&((Pass *) g_task_get_task_data (task))->error);
          pass_next_phase (g_object_ref (task));
        }
      return NULL;
    }
  if (!page_shape (root, member, &cursor, more))
    {
      pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, unreadable));
      pass_next_phase (g_object_ref (task));
      return NULL;
    }

  page = g_new0 (Page, 1);
  page->page = json_node_ref (reply->body);
  page->cursor = cursor;
  return page;
}

static void
on_declarations (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  gboolean more = FALSE;
  Page *page = pull_reply_page (task, result, "declarations", SETTING_DECLARATIONS_CURSOR,
                                pull_declarations,
                                _("The central system sent a page of declarations "
                                  "Passdesk cannot read. It will try again later."),
                                &more);

  if (page == NULL)
    return;
  pass->report->declarations +=
    json_array_get_length (pd_sync_json_array (json_node_get_object (page->page), "declarations"));
  g_object_set_data (G_OBJECT (task), "more",
                     GINT_TO_POINTER (pull_goes_on (task, page->cursor, more)));
  run_store_job (pass_engine (task), store_declarations, page, (GDestroyNotify) page_free,
                 NULL, on_declarations_stored, g_object_ref (task));
}

static char *
page_path (const char *endpoint,
           const char *cursor)
{
  g_autofree char *escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);

  return g_strdup_printf ("%s?after=%s&limit=%d", endpoint, escaped, PAGE_LIMIT);
}

/* Asks @endpoint for the page after the cursor saved in @cursor_setting; @callback gets the
 * reply and the task's reference. */
static void
pull_page (GTask               *task,
           const char          *endpoint,
           const char          *cursor_setting,
           GAsyncReadyCallback  callback)
{
  PdSyncEngine *self = pass_engine (task);
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;

  if (pass_cancelled (task))
    {
      pass_next_phase (task);
      return;
    }
  /* Reading one setting is quick; the page itself is written in a thread. */
  cursor = pd_store_get_setting (self->store, cursor_setting);
  path = page_path (endpoint, cursor);
  pull_set_cursor (task, g_strdup (cursor ? cursor : ""));
  pass_request (task, "GET", path, NULL, callback, task);
}

static void
pull_declarations (GTask *task)
{
  pull_page (task, "/v1/declarations", SETTING_DECLARATIONS_CURSOR, on_declarations);
}

/* Reference tables */

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

static void fetch_next_table (GTask *task);

static void
on_versions_compared (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;

  pass->tables = store_job_finish (result, &error);
  if (pass->tables == NULL)
    {
      pass_fail (task, error);
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
  fetch_next_table (g_steal_pointer (&task));
}

static void
on_reference_index (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pass_reply_object (task, result, &reply);
  JsonObject *tables = pd_sync_json_object (root, "tables");

  if (tables == NULL)
    {
      if (root != NULL)
        pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                              _("The central system sent a list of reference "
                                                "tables Passdesk cannot read. It will try again later.")));
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
  run_store_job (pass_engine (task), compare_versions, json_object_ref (tables),
                 (GDestroyNotify) json_object_unref, NULL, on_versions_compared, g_object_ref (task));
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
on_table_replaced (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;

  if (store_job_finish (result, &error) == NULL)
    {
      pass_fail (task, error);
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
  pass->report->reference_updates++;
  fetch_next_table (g_steal_pointer (&task));
}

static void
on_table (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pass_reply_object (task, result, &reply);
  JsonArray *entries = pd_sync_json_array (root, "entries");
  const char *version = pd_sync_json_string (root, "version");
  const char *name = pd_sync_json_string (root, "table");
  TableUpdate *update;

  if (root == NULL)
    {
      pass_next_phase (g_steal_pointer (&task));
      return;
    }

  update = g_new0 (TableUpdate, 1);
  if (entries == NULL || version == NULL || strlen (version) > 64 ||
      !table_from_name (name, &update->table))
    {
      table_update_free (update);
      pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                            _("The central system sent a reference table "
                                              "Passdesk cannot read. It will try again later.")));
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
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
        {
          g_ptr_array_set_size (update->entries, 0);
          break;
        }
      g_ptr_array_add (update->entries,
                       pd_reference_entry_new (code, entry_name, pd_sync_json_string (item, "parent"),
                                               pd_sync_json_string (item, "kind"), amount));
    }
  /* An empty table is certainly a server fault: keep the one the station has. */
  if (update->entries->len == 0)
    {
      table_update_free (update);
      pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                                            _("The central system sent a reference table "
                                              "Passdesk cannot read. It will try again later.")));
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
  run_store_job (pass_engine (task), replace_table, update, (GDestroyNotify) table_update_free,
                 NULL, on_table_replaced, g_object_ref (task));
}

static void
fetch_next_table (GTask *task)
{
  Pass *pass = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (pass->tables->len == 0 || pass_cancelled (task))
    {
      pass_next_phase (task);
      return;
    }
  path = g_strconcat ("/v1/reference/", (const char *) g_ptr_array_index (pass->tables, 0), NULL);
  g_ptr_array_remove_index (pass->tables, 0);
  pass_request (task, "GET", path, NULL, on_table, task);
}

/* Statuses */

static gpointer
apply_statuses (PdSyncEngine  *self,
                gpointer       data,
                GError       **error)
{
  Page *page = data;
  JsonObject *root = json_node_get_object (page->page);
  JsonArray *array = pd_sync_json_array (root, "statuses");
  guint unknown = 0;

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
              return NULL;
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
            return NULL;
          unknown++;
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
            return NULL;
          continue;
        }
      if (!pd_store_apply_central_status (self->store, pd_dossier_get_id (dossier), status, "sync", reason, &local_error))
        {
          /* One application the store will not move (its data purged, say) must not stop
           * every later status from arriving: note it and go on. */
          if (!g_error_matches (local_error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_message ("Status %s for dossier %s not applied: %s", value, uuid, local_error->message);
          if (!pd_store_audit (self->store, "sync", "status-ignored", uuid, local_error->message, error))
            return NULL;
          continue;
        }
      page->stored++;
    }

  if (!pd_store_set_setting (self->store, SETTING_STATUSES_CURSOR, page->cursor, error))
    return NULL;
  return GUINT_TO_POINTER (unknown + 1);
}

static void pull_statuses (GTask *task);

static void
on_statuses_applied (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Pass *pass = g_task_get_task_data (task);
  Page *page = g_object_get_data (G_OBJECT (task), "page");
  GError *error = NULL;
  gpointer unknown = store_job_finish (result, &error);

  if (unknown != NULL)
    {
      pass->report->unknown_statuses += GPOINTER_TO_UINT (unknown) - 1;
      pass->report->statuses += page->stored;
    }
  pull_page_written (task, unknown != NULL, error, pull_statuses);
}

static void
on_statuses (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean more = FALSE;
  Page *page = pull_reply_page (task, result, "statuses", SETTING_STATUSES_CURSOR,
                                pull_statuses,
                                _("The central system sent a page of statuses "
                                  "Passdesk cannot read. It will try again later."),
                                &more);

  if (page == NULL)
    return;
  /* The task keeps the page until the next one replaces it, for the count. */
  g_object_set_data_full (G_OBJECT (task), "page", page, (GDestroyNotify) page_free);
  g_object_set_data (G_OBJECT (task), "more",
                     GINT_TO_POINTER (pull_goes_on (task, page->cursor, more)));
  run_store_job (pass_engine (task), apply_statuses, page, NULL, NULL, on_statuses_applied,
                 g_object_ref (task));
}

static void
pull_statuses (GTask *task)
{
  pull_page (task, "/v1/statuses", SETTING_STATUSES_CURSOR, on_statuses);
}

/* Station keys */

static gpointer
apply_station_keys (PdSyncEngine  *self,
                    gpointer       data,
                    GError       **error)
{
  g_autofree PdDeclarationKeysUpdate *update = g_new0 (PdDeclarationKeysUpdate, 1);

  if (!pd_declaration_keys_apply_central (self->store, data, update, error))
    return NULL;
  return g_steal_pointer (&update);
}

static void
on_station_keys_applied (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree PdDeclarationKeysUpdate *update = store_job_finish (result, &error);

  if (update == NULL && error->domain == PD_DECLARATION_ERROR)
    {
      /* A list that does not check out is the server's (or the network's) fault: the one
       * kept stays in force and the next pass asks again. */
      pass_fail (task, g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, error->message));
      g_error_free (error);
    }
  else if (update == NULL)
    pass_fail (task, error);
  else
    {
      pass->report->station_keys_changed = update->changed;
      pass->report->stations_revoked = update->n_newly_revoked;
    }
  pass_next_phase (g_steal_pointer (&task));
}

static void
on_station_keys (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PdSyncReply) reply = NULL;
  PdSyncEngine *self = pass_engine (task);

  if (pass_reply_object (task, result, &reply) == NULL)
    {
      pass_next_phase (g_steal_pointer (&task));
      return;
    }
  run_store_job (self, apply_station_keys, json_node_ref (reply->body), (GDestroyNotify) json_node_unref,
                 NULL, on_station_keys_applied, g_steal_pointer (&task));
}

/* Start and end */

static gpointer
finish_pass (PdSyncEngine  *self,
             gpointer       data,
             GError       **error)
{
  Pass *pass = data;
  Counts *counts = g_new0 (Counts, 1);

  if (pass->error == NULL)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, now_seconds ());

      pd_store_set_setting (self->store, SETTING_LAST_SYNC, now, NULL);
    }
  pass->next_due = pd_store_outbox_next_due (self->store, NULL);
  if (!read_counts (self, counts, error))
    {
      g_free (counts);
      return NULL;
    }
  return counts;
}

static void
on_pass_finished (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdSyncEngine *self = pass_engine (task);
  Pass *pass = g_task_get_task_data (task);
  g_autofree Counts *counts = store_job_finish (result, NULL);

  if (counts)
    set_counts (self, counts->pending, counts->set_aside);

  self->running = FALSE;
  if (pass->error == NULL)
    {
      self->last_sync = now_seconds ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      set_last_error (self, NULL);
      set_state (self, PD_SYNC_STATE_IDLE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (pass->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, PD_SYNC_STATE_IDLE);
  else
    {
      set_last_error (self, pass->error->message);
      set_state (self, g_error_matches (pass->error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY)
                       ? PD_SYNC_STATE_OFFLINE : PD_SYNC_STATE_ERROR);
    }
  g_task_return_error (task, g_steal_pointer (&pass->error));
}

static void
pass_next_phase (GTask *task)
{
  Pass *pass = g_task_get_task_data (task);

  if (pass->error || pass_cancelled (task))
    pass->phase = PHASE_DONE;
  else
    pass->phase++;

  if (pass->phase == PHASE_PUSH && !(pass->flags & PD_SYNC_PUSH))
    pass->phase++;
  if (pass->phase == PHASE_DECLARATIONS && !(pass->flags & PD_SYNC_PULL))
    pass->phase = PHASE_DONE;
  pass->pages = 0;
  pass->cursor_reset = FALSE;

  switch (pass->phase)
    {
    case PHASE_PUSH:
      push_pump (task);
      break;
    case PHASE_DECLARATIONS:
      pull_declarations (task);
      break;
    case PHASE_REFERENCE:
      pass_request (task, "GET", "/v1/reference", NULL, on_reference_index, task);
      break;
    case PHASE_STATUSES:
      pull_statuses (task);
      break;
    case PHASE_STATION_KEYS:
      pass_request (task, "GET", "/v1/station-keys", NULL, on_station_keys, task);
      break;
    case PHASE_DONE:
      if (pass->error == NULL && pass_cancelled (task))
        pass->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync was cancelled."));
      run_store_job (pass_engine (task), finish_pass, pass, NULL, NULL, on_pass_finished, task);
      break;
    case PHASE_CLOCK:
    default:
      g_assert_not_reached ();
    }
}

static gpointer
recover_packets (PdSyncEngine  *self,
                 gpointer       data,
                 GError       **error)
{
  if (!pd_outbox_recover (self->store, NULL, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
on_recovered (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;

  if (store_job_finish (result, &error) == NULL)
    {
      pass_fail (task, error);
      pass->phase = PHASE_DONE;
      run_store_job (pass_engine (task), finish_pass, pass, NULL, NULL, on_pass_finished,
                     g_object_ref (task));
      return;
    }
  pass->phase = PHASE_CLOCK;
  pass_request (task, "GET", "/v1/time", NULL, on_time, g_object_ref (task));
}

static void
start_pass (PdSyncEngine        *self,
            PdSyncFlags          flags,
            gint64               due,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Pass *pass = g_new0 (Pass, 1);

  g_task_set_source_tag (task, pd_sync_engine_sync_async);
  /* The pass ends itself when cancelled, after writing down what the server answered. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);
  pass->flags = flags;
  pass->due = due;
  pass->report = g_new0 (PdSyncReport, 1);
  g_queue_init (&pass->ready);

  self->running = TRUE;
  set_state (self, PD_SYNC_STATE_SYNCING);
  /* Dossiers accepted before the station was enrolled, or whose packet a crash lost. */
  run_store_job (self, recover_packets, NULL, NULL, NULL, on_recovered, g_object_ref (task));
}

void
pd_sync_engine_sync_async (PdSyncEngine        *self,
                           PdSyncFlags          flags,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));

  start_pass (self, flags, 0, cancellable, callback, user_data);
}

gboolean
pd_sync_engine_sync_finish (PdSyncEngine  *self,
                            GAsyncResult  *result,
                            PdSyncReport **report,
                            GError       **error)
{
  Pass *pass;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  pass = g_task_get_task_data (G_TASK (result));
  if (report)
    *report = g_steal_pointer (&pass->report);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Background --------------------------------------------------------------------------------- */

static void schedule (PdSyncEngine *self,
                      gint64        delay);

static void
on_background_pass (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PdSyncEngine *self = PD_SYNC_ENGINE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  Pass *pass = g_task_get_task_data (G_TASK (result));
  gint64 retry_after = pass->retry_after;

  if (pd_sync_engine_sync_finish (self, result, &report, &error))
    {
      gint64 delay = TIMER_SECONDS;

      self->failures = 0;
      /* Packets deferred by an earlier failure go when their wait is over, not at the
       * next routine pass. */
      if (pass->next_due > 0)
        delay = CLAMP (pass->next_due - now_seconds (), 1, TIMER_SECONDS);
      if (report && report->deferred)
        delay = MIN (delay, backoff_delay (self->backoff_base, 1, self->backoff_cap, 0));
      if (self->started)
        schedule (self, delay);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->started)
    {
      /* A pass that got packets through before failing found the server alive: the
       * next try comes soon rather than after an ever longer wait. */
      if (report && report->accepted + report->duplicates > 0)
        self->failures = 1;
      else
        self->failures++;
      schedule (self, backoff_delay (self->backoff_base, self->failures, self->backoff_cap, retry_after));
    }
  g_object_unref (self);
}

static gboolean
on_timeout (gpointer user_data)
{
  PdSyncEngine *self = user_data;

  self->timeout_id = 0;
  if (!self->running)
    start_pass (self, PD_SYNC_ALL, now_seconds (), self->cancellable, on_background_pass,
                g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule (PdSyncEngine *self,
          gint64        delay)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add_seconds (MAX (delay, 1), on_timeout, self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    PdSyncEngine    *self)
{
  if (!available)
    {
      if (!self->running)
        set_state (self, PD_SYNC_STATE_OFFLINE);
      return;
    }
  /* The network is back: what failed for lack of it may go now. */
  self->failures = 0;
  if (!self->running)
    schedule (self, 1);
}

void
pd_sync_engine_start (PdSyncEngine *self)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));

  if (self->started)
    return;
  self->started = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);
  if (g_network_monitor_get_network_available (self->monitor))
    schedule (self, 1);
  else
    set_state (self, PD_SYNC_STATE_OFFLINE);
}

void
pd_sync_engine_stop (PdSyncEngine *self)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;
  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  g_clear_object (&self->monitor);
  g_cancellable_cancel (self->cancellable);
}

/* Object --------------------------------------------------------------------------------- */

static void
pd_sync_engine_dispose (GObject *object)
{
  PdSyncEngine *self = (PdSyncEngine *)object;

  pd_sync_engine_stop (self);
  G_OBJECT_CLASS (pd_sync_engine_parent_class)->dispose (object);
}

static void
pd_sync_engine_finalize (GObject *object)
{
  PdSyncEngine *self = (PdSyncEngine *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->device);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_free (self->token);
  g_free (self->last_error);

  G_OBJECT_CLASS (pd_sync_engine_parent_class)->finalize (object);
}

static void
pd_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PdSyncEngine *self = PD_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_SET_ASIDE_COUNT:
      g_value_set_uint (value, self->set_aside_count);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, pd_sync_engine_get_server_url (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_engine_class_init (PdSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pd_sync_engine_dispose;
  object_class->finalize = pd_sync_engine_finalize;
  object_class->get_property = pd_sync_engine_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PD_TYPE_SYNC_STATE, PD_SYNC_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SET_ASIDE_COUNT] =
    g_param_spec_uint ("set-aside-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_sync_engine_init (PdSyncEngine *self)
{
  self->state = PD_SYNC_STATE_IDLE;
  self->backoff_base = BACKOFF_BASE;
  self->backoff_cap = BACKOFF_CAP;
}

PdSyncEngine *
pd_sync_engine_new (PdStore     *store,
                    PdDevice    *device,
                    const char  *server_url,
                    GError     **error)
{
  g_autoptr(PdSyncEngine) self = NULL;
  g_autofree char *last_sync = NULL;
  Counts counts = { 0, 0 };

  g_return_val_if_fail (PD_IS_STORE (store), NULL);
  g_return_val_if_fail (PD_IS_DEVICE (device), NULL);

  self = g_object_new (PD_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  self->client = pd_device_create_client (device, server_url, error);
  if (self->client == NULL)
    return NULL;
  pd_outbox_attach (store, device);

  last_sync = pd_store_get_setting (store, SETTING_LAST_SYNC);
  self->last_sync = last_sync ? g_ascii_strtoll (last_sync, NULL, 10) : 0;
  if (read_counts (self, &counts, NULL))
    {
      self->pending_count = counts.pending;
      self->set_aside_count = counts.set_aside;
    }
  return g_steal_pointer (&self);
}

void
pd_sync_engine_set_request_deadline (PdSyncEngine *self,
                                     guint         seconds)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));
  pd_sync_client_set_deadline (self->client, seconds);
}

void
pd_sync_engine_set_retry_delays (PdSyncEngine *self,
                                 guint         base_seconds,
                                 guint         cap_seconds)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));
  g_return_if_fail (base_seconds > 0 && cap_seconds >= base_seconds);
  self->backoff_base = base_seconds;
  self->backoff_cap = cap_seconds;
}

/* Declaration lookup ---------------------------------------------------------------------- */

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

  dossier = declaration_to_dossier (item, error);
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
  PdDossier *dossier = store_job_finish (result, &error);

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
  run_store_job (self, store_looked_up, json_object_ref (root), (GDestroyNotify) json_object_unref,
                 NULL, on_declaration_stored, g_steal_pointer (&task));
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

void
pd_sync_engine_set_token (PdSyncEngine *self,
                          const char   *token)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));
  g_free (self->token);
  self->token = g_strdup (token);
  pd_sync_client_set_token (self->client, token);
}

PdSyncState
pd_sync_engine_get_state (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), PD_SYNC_STATE_IDLE);
  return self->state;
}

guint
pd_sync_engine_get_pending_count (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), 0);
  return self->pending_count;
}

guint
pd_sync_engine_get_set_aside_count (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), 0);
  return self->set_aside_count;
}

gint64
pd_sync_engine_get_last_sync (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), 0);
  return self->last_sync;
}

const char *
pd_sync_engine_get_last_error (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

const char *
pd_sync_engine_get_server_url (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), NULL);
  return pd_sync_client_get_server_url (self->client);
}

PdDevice *
pd_sync_engine_get_device (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), NULL);
  return self->device;
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

GPtrArray *
pd_sync_engine_list_set_aside (PdSyncEngine  *self,
                               GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_sync_set_aside_free);
  gint64 after = 0;

  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), NULL);

  for (;;)
    {
      g_autoptr(GPtrArray) page = pd_store_outbox_list (self->store, PD_OUTBOX_SET_ASIDE, after, 0, 200, error);

      if (page == NULL)
        return NULL;
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        {
          PdOutboxEntry *entry = g_ptr_array_index (page, i);
          PdSyncSetAside *item = g_new0 (PdSyncSetAside, 1);

          item->packet_id = g_strdup (entry->packet_id);
          item->dossier_uuid = g_strdup (entry->dossier_uuid);
          item->reason = g_strdup (entry->last_error);
          item->attempts = entry->attempts;
          g_ptr_array_add (list, item);
          after = entry->seq;
        }
    }
  return g_steal_pointer (&list);
}
