/* pd-sync-engine.c: the sync engine object, its state and counts, and its background passes. */
#define G_LOG_DOMAIN "pd-sync-engine"

#include "config.h"

#include "pd-outbox.h"
#include "pd-sync-pass-private.h"

#define TIMER_SECONDS       300
#define BACKOFF_BASE        5
#define BACKOFF_CAP         900

G_DEFINE_ENUM_TYPE (PdSyncState, pd_sync_state,
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (PD_SYNC_STATE_ERROR, "error"))

G_DEFINE_FINAL_TYPE (PdSyncEngine, pd_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING_COUNT,
  PROP_SET_ASIDE_COUNT,
  PROP_REJECTED_COUNT,
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

void
pd_sync_engine_set_counts (PdSyncEngine       *self,
                           const PdSyncCounts *counts)
{
  if (self->pending_count != counts->pending)
    {
      self->pending_count = counts->pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }
  if (self->set_aside_count != counts->set_aside)
    {
      self->set_aside_count = counts->set_aside;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SET_ASIDE_COUNT]);
    }
  if (self->rejected_count != counts->rejected)
    {
      self->rejected_count = counts->rejected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED_COUNT]);
    }
}

gboolean
pd_sync_engine_read_counts (PdSyncEngine  *self,
                            PdSyncCounts  *counts,
                            GError       **error)
{
  gint64 pending = pd_store_outbox_count (self->store, PD_OUTBOX_PENDING, error);
  gint64 set_aside, rejected;

  if (pending < 0)
    return FALSE;
  set_aside = pd_store_outbox_count (self->store, PD_OUTBOX_SET_ASIDE, error);
  if (set_aside < 0)
    return FALSE;
  rejected = pd_store_count_unhandled_rejections (self->store, error);
  if (rejected < 0)
    return FALSE;
  counts->pending = pending;
  counts->set_aside = set_aside;
  counts->rejected = rejected;
  return TRUE;
}

static void
recount_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autofree PdSyncCounts *counts = g_new0 (PdSyncCounts, 1);
  GError *error = NULL;

  if (!pd_sync_engine_read_counts (source_object, counts, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&counts), g_free);
}

static void
recount_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree PdSyncCounts *counts = g_task_propagate_pointer (G_TASK (result), &error);

  if (counts == NULL)
    g_warning ("Cannot count the outbox and the rejections: %s", error->message);
  else
    pd_sync_engine_set_counts (PD_SYNC_ENGINE (object), counts);
}

void
pd_sync_engine_recount (PdSyncEngine *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SYNC_ENGINE (self));

  task = g_task_new (self, NULL, recount_cb, NULL);
  g_task_set_source_tag (task, pd_sync_engine_recount);
  g_task_run_in_thread (task, recount_thread);
}

void
pd_sync_engine_pass_started (PdSyncEngine *self)
{
  self->running = TRUE;
  set_state (self, PD_SYNC_STATE_SYNCING);
}

void
pd_sync_engine_pass_ended (PdSyncEngine *self,
                           const GError *error)
{
  self->running = FALSE;
  if (error == NULL)
    {
      self->last_sync = pd_sync_now ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      set_last_error (self, NULL);
      set_state (self, PD_SYNC_STATE_IDLE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, PD_SYNC_STATE_IDLE);
  else
    {
      set_last_error (self, error->message);
      set_state (self, g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY)
                       ? PD_SYNC_STATE_OFFLINE : PD_SYNC_STATE_ERROR);
    }
}

void
pd_sync_engine_sync_async (PdSyncEngine        *self,
                           PdSyncFlags          flags,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PD_IS_SYNC_ENGINE (self));

  pd_sync_pass_start (self, flags, 0, cancellable, callback, user_data);
}

gboolean
pd_sync_engine_sync_finish (PdSyncEngine  *self,
                            GAsyncResult  *result,
                            PdSyncReport **report,
                            GError       **error)
{
  PdSyncPass *pass;

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
  PdSyncPass *pass = g_task_get_task_data (G_TASK (result));
  gint64 retry_after = pass->retry_after;

  if (pd_sync_engine_sync_finish (self, result, &report, &error))
    {
      gint64 delay = TIMER_SECONDS;

      self->failures = 0;
      /* Packets deferred by an earlier failure go when their wait is over, not at the
       * next routine pass. */
      if (pass->next_due > 0)
        delay = CLAMP (pass->next_due - pd_sync_now (), 1, TIMER_SECONDS);
      if (report && report->deferred)
        delay = MIN (delay, pd_sync_backoff_delay (self->backoff_base, 1, self->backoff_cap, 0));
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
      schedule (self, pd_sync_backoff_delay (self->backoff_base, self->failures, self->backoff_cap, retry_after));
    }
  g_object_unref (self);
}

static gboolean
on_timeout (gpointer user_data)
{
  PdSyncEngine *self = user_data;

  self->timeout_id = 0;
  if (!self->running)
    pd_sync_pass_start (self, PD_SYNC_ALL, pd_sync_now (), self->cancellable, on_background_pass,
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
    case PROP_REJECTED_COUNT:
      g_value_set_uint (value, self->rejected_count);
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
  properties[PROP_REJECTED_COUNT] =
    g_param_spec_uint ("rejected-count", NULL, NULL, 0, G_MAXUINT, 0,
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
  PdSyncCounts counts = { 0, 0, 0 };

  g_return_val_if_fail (PD_IS_STORE (store), NULL);
  g_return_val_if_fail (PD_IS_DEVICE (device), NULL);

  self = g_object_new (PD_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  self->client = pd_device_create_client (device, server_url, error);
  if (self->client == NULL)
    return NULL;
  pd_outbox_attach (store, device);

  last_sync = pd_store_get_setting (store, PD_SYNC_SETTING_LAST_SYNC);
  self->last_sync = last_sync ? g_ascii_strtoll (last_sync, NULL, 10) : 0;
  if (pd_sync_engine_read_counts (self, &counts, NULL))
    {
      self->pending_count = counts.pending;
      self->set_aside_count = counts.set_aside;
      self->rejected_count = counts.rejected;
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
pd_sync_engine_get_rejected_count (PdSyncEngine *self)
{
  g_return_val_if_fail (PD_IS_SYNC_ENGINE (self), 0);
  return self->rejected_count;
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
