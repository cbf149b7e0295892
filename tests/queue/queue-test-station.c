/* queue-test-station.c: a station of the queue tests. */
#include "config.h"

#include "queue-test-station.h"

static void
on_called (PdQueue  *queue,
           PdTicket *ticket,
           gpointer  user_data)
{
  g_ptr_array_add (user_data, g_strdup (ticket->label));
}

void
queue_station_init (QueueStation *station,
                    SyncCentral  *central,
                    const char   *name,
                    const char   *letter)
{
  g_autoptr(GError) error = NULL;

  station->store = sync_open_store (central->tmpdir, name);
  station->device = sync_enroll (central, station->store, NULL);
  station->queue = pd_queue_new (station->store, NULL);
  pd_queue_set_station (station->queue, letter, &error);
  g_assert_no_error (error);
  station->online = pd_device_create_client (station->device, NULL, &error);
  g_assert_no_error (error);
  /* Port 9 (discard) on loopback: nobody answers, the connection is refused. */
  station->offline = pd_device_create_client (station->device, "http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  station->called = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (station->queue, "ticket-called", G_CALLBACK (on_called), station->called);
}

void
queue_station_clear (QueueStation *station)
{
  g_clear_object (&station->online);
  g_clear_object (&station->offline);
  g_clear_object (&station->queue);
  g_clear_object (&station->device);
  g_clear_object (&station->store);
  g_clear_pointer (&station->called, g_ptr_array_unref);
}

guint
queue_station_sync (QueueStation  *station,
                    PdSyncClient  *client,
                    GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  guint pulled = 0;

  pd_queue_sync_async (station->queue, client, NULL, sync_keep_result, &result);
  pd_queue_sync_finish (station->queue, sync_wait_result (&result), &pulled, &local_error);
  if (error == NULL)
    g_assert_no_error (local_error);
  else if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return pulled;
}
