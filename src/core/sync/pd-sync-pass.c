/* pd-sync-pass.c: one sync pass, its phase machine and the store jobs its phases run. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-outbox.h"
#include "pd-sync-json-private.h"
#include "pd-sync-pass-private.h"

gint64
pd_sync_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Stations failing together must not come back together. */
gint64
pd_sync_backoff_delay (guint  base,
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

/* Store work in worker threads ------------------------------------------------------------ */

typedef struct {
  PdSyncStoreFunc func;
  gpointer        data;
  GDestroyNotify  destroy;
  PdSyncPassStep  then;
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

static void
run_store_job (PdSyncEngine        *self,
               PdSyncStoreFunc      func,
               gpointer             data,
               GDestroyNotify       destroy,
               PdSyncPassStep       then,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  job->then = then;
  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  /* Results must be applied even when the pass is cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, store_job_thread);
}

void
pd_sync_engine_run_store_job (PdSyncEngine        *self,
                              PdSyncStoreFunc      func,
                              gpointer             data,
                              GDestroyNotify       destroy,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  run_store_job (self, func, data, destroy, NULL, callback, user_data);
}

gpointer
pd_sync_engine_store_job_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The one completion of every store job a pass runs. */
static void
on_pass_store_job (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  StoreJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (error)
    pd_sync_pass_fail (task, error);
  job->then (task, value);
}

void
pd_sync_pass_run_store_job (GTask           *task,
                            PdSyncStoreFunc  func,
                            gpointer         data,
                            GDestroyNotify   destroy,
                            PdSyncPassStep   then)
{
  run_store_job (pd_sync_pass_engine (task), func, data, destroy, then, on_pass_store_job,
                 g_object_ref (task));
}

/* A pass ------------------------------------------------------------------------------------ */

static void
pass_free (PdSyncPass *pass)
{
  g_clear_pointer (&pass->report, pd_sync_report_free);
  g_queue_clear_full (&pass->ready, pd_sync_push_batch_free);
  g_clear_pointer (&pass->tables, g_ptr_array_unref);
  g_free (pass->page_cursor);
  g_clear_pointer (&pass->page, pd_sync_page_free);
  g_clear_error (&pass->error);
  g_free (pass);
}

void
pd_sync_pass_fail (GTask  *task,
                   GError *error)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (pass->error == NULL)
    pass->error = error;
  else
    g_error_free (error);
  pass->stop_push = TRUE;
}

PdSyncEngine *
pd_sync_pass_engine (GTask *task)
{
  return g_task_get_source_object (task);
}

gboolean
pd_sync_pass_cancelled (GTask *task)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

void
pd_sync_pass_request (GTask               *task,
                      const char          *method,
                      const char          *path,
                      GBytes              *body,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  PdSyncEngine *self = pd_sync_pass_engine (task);

  pd_sync_client_request_async (self->client, method, path, body, g_task_get_cancellable (task),
                                callback, user_data);
}

JsonObject *
pd_sync_pass_reply_object (GTask        *task,
                           GAsyncResult *result,
                           PdSyncReply **reply_out)
{
  PdSyncEngine *self = pd_sync_pass_engine (task);
  GError *error = NULL;
  PdSyncReply *reply = pd_sync_client_request_finish (self->client, result, &error);

  *reply_out = reply;
  if (reply != NULL)
    {
      PdSyncPass *pass = g_task_get_task_data (task);

      pass->retry_after = MAX (pass->retry_after, reply->retry_after);
    }
  if (reply == NULL || !pd_sync_reply_check (reply, &error))
    {
      pd_sync_pass_fail (task, error);
      return NULL;
    }
  return json_node_get_object (reply->body);
}

/* Clock */

static void
on_time (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autoptr(PdSyncReply) reply = NULL;
  JsonObject *root = pd_sync_pass_reply_object (task, result, &reply);

  if (root != NULL)
    {
      gint64 server_time = pd_sync_json_int_or (root, "server_time", 0);

      /* Anything but a plausible clock (after 2020, before 2200) is ignored. */
      if (server_time > 1577836800 && server_time < 7258118400)
        {
          pass->report->clock_offset = server_time - pd_sync_now ();
          /* Small differences are normal; correct only what the server would refuse. */
          pd_sync_client_set_clock_offset (pd_sync_pass_engine (task)->client,
                                           ABS (pass->report->clock_offset) > 60 ? pass->report->clock_offset : 0);
        }
    }
  pd_sync_pass_next_phase (g_steal_pointer (&task));
}

/* Start and end */

static gpointer
finish_pass (PdSyncEngine  *self,
             gpointer       data,
             GError       **error)
{
  PdSyncPass *pass = data;
  PdSyncCounts *counts = g_new0 (PdSyncCounts, 1);

  if (pass->error == NULL)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, pd_sync_now ());

      pd_store_set_setting (self->store, PD_SYNC_SETTING_LAST_SYNC, now, NULL);
    }
  pass->next_due = pd_store_outbox_next_due (self->store, NULL);
  /* Counts that cannot be read now are read after the next pass: not a failure of this one. */
  if (!pd_sync_engine_read_counts (self, counts, NULL))
    g_clear_pointer (&counts, g_free);
  return counts;
}

static void
pass_finished (GTask    *owned,
               gpointer  result)
{
  g_autoptr(GTask) task = owned;
  PdSyncEngine *self = pd_sync_pass_engine (task);
  PdSyncPass *pass = g_task_get_task_data (task);
  g_autofree PdSyncCounts *counts = result;

  if (counts)
    pd_sync_engine_set_counts (self, counts);
  pd_sync_engine_pass_ended (self, pass->error);
  if (pass->error == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&pass->error));
}

void
pd_sync_pass_next_phase (GTask *task)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (pass->error || pd_sync_pass_cancelled (task))
    pass->phase = PD_SYNC_PHASE_DONE;
  else
    pass->phase++;

  if (pass->phase == PD_SYNC_PHASE_PUSH && !(pass->flags & PD_SYNC_PUSH))
    pass->phase++;
  if (pass->phase == PD_SYNC_PHASE_DECLARATIONS && !(pass->flags & PD_SYNC_PULL))
    pass->phase = PD_SYNC_PHASE_DONE;
  pass->pages = 0;
  pass->cursor_reset = FALSE;

  switch (pass->phase)
    {
    case PD_SYNC_PHASE_PUSH:
      pd_sync_push_pump (task);
      break;
    case PD_SYNC_PHASE_DECLARATIONS:
      pd_sync_pull_declarations (task);
      break;
    case PD_SYNC_PHASE_REFERENCE:
      pd_sync_pull_reference (task);
      break;
    case PD_SYNC_PHASE_STATUSES:
      pd_sync_pull_statuses (task);
      break;
    case PD_SYNC_PHASE_STATION_KEYS:
      pd_sync_pull_station_keys (task);
      break;
    case PD_SYNC_PHASE_DONE:
      if (pass->error == NULL && pd_sync_pass_cancelled (task))
        pass->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync was cancelled."));
      pd_sync_pass_run_store_job (task, finish_pass, pass, NULL, pass_finished);
      g_object_unref (task);
      break;
    case PD_SYNC_PHASE_CLOCK:
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
packets_recovered (GTask    *task,
                   gpointer  result)
{
  PdSyncPass *pass = g_task_get_task_data (task);

  if (result == NULL)
    {
      pd_sync_pass_next_phase (task);
      return;
    }
  pass->phase = PD_SYNC_PHASE_CLOCK;
  pd_sync_pass_request (task, "GET", "/v1/time", NULL, on_time, task);
}

void
pd_sync_pass_start (PdSyncEngine        *self,
                    PdSyncFlags          flags,
                    gint64               due,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PdSyncPass *pass = g_new0 (PdSyncPass, 1);

  g_task_set_source_tag (task, pd_sync_engine_sync_async);
  /* The pass ends itself when cancelled, after writing down what the server answered. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);
  pass->flags = flags;
  pass->due = due;
  pass->report = g_new0 (PdSyncReport, 1);
  g_queue_init (&pass->ready);

  pd_sync_engine_pass_started (self);
  /* Dossiers accepted before the station was enrolled, or whose packet a crash lost. */
  pd_sync_pass_run_store_job (task, recover_packets, NULL, NULL, packets_recovered);
}
