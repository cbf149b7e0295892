/* test-sync-load.c: many stations syncing to one central server at once.
 *
 * argv[1] is the passdesk-central executable. PASSDESK_SYNC_LOAD_CLIENTS (default 20) threads
 * each open their own store, enroll their own device and run their own engine in their own
 * main context, pushing PASSDESK_SYNC_LOAD_EACH (default 1000) applications with a photo of
 * PASSDESK_SYNC_LOAD_PHOTO bytes (default 2048; bench-sync uses 60 KB). Every application
 * must arrive exactly once.
 */
#include "config.h"

#include <string.h>

#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-outbox.h"

static const char *central_path;

typedef struct {
  SyncCentral *central;
  guint        index;
  guint        n;
  gsize        photo;
  char        *code;
  /* Results, read after the join. */
  guint        passes;
  guint        accepted;
  gint64       received;
  gint64       pending;
  double       seconds;
  char        *error;
} Station;

static void
on_enrolled (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gpointer
station_thread (gpointer data)
{
  Station *station = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *name = g_strdup_printf ("station-%02u.db", station->index);
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *tag = g_strdup_printf ("load%u", station->index);

  g_main_context_push_thread_default (context);
  store = sync_open_store (station->central->tmpdir, name);
  pd_device_enroll_async (store, station->central->url, NULL, station->code, tag, NULL, on_enrolled, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  device = pd_device_enroll_finish (result, &error);
  if (device == NULL)
    {
      station->error = g_strdup (error->message);
      goto out;
    }
  /* The central system believes "accepted by officer1" only where officer1 signed in. */
  g_object_unref (sync_sign_in (store, device, "officer1", "officer1-demo"));
  sync_insert_accepted (store, station->n, station->photo, tag);

  engine = pd_sync_engine_new (store, device, NULL, &error);
  g_assert_no_error (error);
  timer = g_timer_new ();
  /* A busy server may time out or refuse some requests: the station tries again, as its
   * background mode would. */
  while (station->passes < 30)
    {
      g_autoptr(PdSyncReport) report = NULL;
      g_autoptr(GError) pass_error = NULL;

      report = sync_pass (engine, PD_SYNC_PUSH, &pass_error);
      station->passes++;
      station->accepted += report->accepted;
      if (pass_error && !g_error_matches (pass_error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
        {
          station->error = g_strdup (pass_error->message);
          break;
        }
      if (sync_outbox_count (store, PD_OUTBOX_PENDING) == 0)
        break;
    }
  station->seconds = g_timer_elapsed (timer, NULL);
  station->received = sync_count_status (store, PD_STATUS_RECEIVED);
  station->pending = sync_outbox_count (store, PD_OUTBOX_PENDING);

out:
  g_clear_object (&engine);
  pd_store_close (store);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
test_load (void)
{
  guint n_clients = env_uint ("PASSDESK_SYNC_LOAD_CLIENTS", 20);
  guint each = env_uint ("PASSDESK_SYNC_LOAD_EACH", 1000);
  gsize photo = env_uint ("PASSDESK_SYNC_LOAD_PHOTO", 2048);
  SyncCentral central;
  g_autofree Station *stations = g_new0 (Station, n_clients);
  g_autofree GThread **threads = g_new0 (GThread *, n_clients);
  g_autoptr(GTimer) timer = g_timer_new ();
  guint total = 0;
  double slowest = 0;

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  for (guint i = 0; i < n_clients; i++)
    {
      stations[i].central = &central;
      stations[i].index = i;
      stations[i].n = each;
      stations[i].photo = photo;
      stations[i].code = sync_central_run (&central, "enroll-code", "--office=HN01", NULL);
    }

  for (guint i = 0; i < n_clients; i++)
    threads[i] = g_thread_new ("station", station_thread, &stations[i]);
  for (guint i = 0; i < n_clients; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < n_clients; i++)
    {
      Station *station = &stations[i];

      g_test_message ("station %u: %u accepted in %u passes, %.1f s%s%s", i, station->accepted,
                      station->passes, station->seconds, station->error ? ": " : "",
                      station->error ? station->error : "");
      g_assert_null (station->error);
      g_assert_cmpint (station->pending, ==, 0);
      g_assert_cmpint (station->received, ==, each);
      g_assert_cmpuint (station->accepted, ==, each);
      total += station->accepted;
      slowest = MAX (slowest, station->seconds);
      g_free (station->code);
      g_free (station->error);
    }
  g_printerr ("%u stations × %u applications (%" G_GSIZE_FORMAT "-byte photos): %u received; "
              "slowest station pushed in %.1f s, whole run %.1f s\n",
              n_clients, each, photo, total, slowest, g_timer_elapsed (timer, NULL));
  /* Exactly once, all together. */
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, (gint64) n_clients * each);
  g_assert_cmpint (sync_central_stat (&central, "distinct_dossiers"), ==, (gint64) n_clients * each);
  g_assert_cmpint (sync_central_stat (&central, "devices"), ==, n_clients);
  sync_central_clear (&central);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-sync-load PASSDESK-CENTRAL");
  central_path = argv[1];

  g_test_add_func ("/sync-load/stations", test_load);
  return g_test_run ();
}
