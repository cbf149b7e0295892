/* test-sync-bulk.c: many packets, and a central server that fails on purpose.
 *
 * argv[1] is the passdesk-central executable. PASSDESK_SYNC_BULK (default 10000) sets how
 * many packets the memory test pushes.
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "pd-store-private.h"
#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-device.h"
#include "sync/pd-sync-engine.h"

static const char *central_path;

/* Accepted dossiers without packets: the engine's recovery makes them, 200 at a time. */
static void
insert_accepted (PdStore *store,
                 guint    n)
{
  const guint batch = 500;

  for (guint done = 0; done < n; done += batch)
    {
      g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = done; i < MIN (n, done + batch); i++)
        {
          g_autofree char *name = g_strdup_printf ("Trần Thị Số %u", i);
          g_autofree char *id_number = g_strdup_printf ("079%09u", i);
          PdDossier *dossier = pd_test_make_dossier (name, id_number);

          pd_dossier_set_status (dossier, PD_STATUS_ACCEPTED);
          g_ptr_array_add (dossiers, dossier);
        }
      pd_store_import_many (store, (PdDossier * const *) dossiers->pdata, dossiers->len, "officer1", &error);
      g_assert_no_error (error);
    }
}

static gint64
count_status (PdStore  *store,
              PdStatus  status)
{
  g_autoptr(GPtrArray) list = pd_store_list (store, status, 0, 0, NULL);

  g_assert_nonnull (list);
  return list->len;
}

static gint64
read_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
sample_rss (gpointer user_data)
{
  gint64 *peak = user_data;

  *peak = MAX (*peak, read_rss_kib ());
  return G_SOURCE_CONTINUE;
}

static void
test_faults (void)
{
  const guint n = 300;
  SyncCentral central;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint passes = 0;
  guint failed_passes = 0;

  /* Failures before and after the commit, unreadable and cut answers, Retry-After. */
  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central,
                              "--inject=503:0.2,500:0.05,garbage:0.05,truncate:0.05,commit-then-503:0.15,retry-after:1",
                              NULL));
  path = g_build_filename (central.tmpdir, "station.db", NULL);
  store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  device = sync_enroll (&central, store, NULL);
  insert_accepted (store, n);

  engine = pd_sync_engine_new (store, device, NULL, &error);
  g_assert_no_error (error);
  while (passes < 40)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PdSyncReport) report = NULL;
      g_autoptr(GError) pass_error = NULL;

      pd_sync_engine_sync_async (engine, PD_SYNC_PUSH, NULL, sync_keep_result, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      passes++;
      if (!pd_sync_engine_sync_finish (engine, result, &report, &pass_error))
        {
          g_assert_error (pass_error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
          failed_passes++;
        }
      if (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL) == 0)
        break;
    }

  g_test_message ("%u packets through injected faults in %u passes (%u failed)", n, passes, failed_passes);
  g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, 0);
  g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_SET_ASIDE, NULL), ==, 0);
  g_assert_cmpint (count_status (store, PD_STATUS_RECEIVED), ==, n);
  /* Exactly once, whatever was retried. */
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, n);
  g_assert_cmpint (sync_central_stat (&central, "injected_faults"), >, 0);

  g_clear_object (&engine);
  pd_store_close (store);
  sync_central_clear (&central);
}

static void
test_many (void)
{
  const char *env = g_getenv ("PASSDESK_SYNC_BULK");
  guint n = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 10000;
  SyncCentral central;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  gint64 rss_before, rss_peak, sqlite_before, sqlite_after, growth;
  guint sampler;

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  path = g_build_filename (central.tmpdir, "station.db", NULL);
  store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  device = sync_enroll (&central, store, NULL);
  insert_accepted (store, n);

  engine = pd_sync_engine_new (store, device, NULL, &error);
  g_assert_no_error (error);

  rss_before = rss_peak = read_rss_kib ();
  sqlite_before = sqlite3_memory_used () / 1024;
  sampler = g_timeout_add (20, sample_rss, &rss_peak);
  timer = g_timer_new ();
  pd_sync_engine_sync_async (engine, PD_SYNC_PUSH, NULL, sync_keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sampler);
  sample_rss (&rss_peak);
  sqlite_after = sqlite3_memory_used () / 1024;
  pd_sync_engine_sync_finish (engine, result, &report, &error);
  g_assert_no_error (error);

  /* SQLite's page cache (64 MiB, set by the store) fills as the file grows: it is bounded
   * and not the sync's doing, so it is counted apart. */
  growth = (rss_peak - rss_before) - MAX (sqlite_after - sqlite_before, 0);
  g_test_message ("%u packets sealed and pushed in %.1f s; RSS %" G_GINT64_FORMAT " KiB before, "
                  "peak +%" G_GINT64_FORMAT " KiB, of which SQLite's cache +%" G_GINT64_FORMAT " KiB",
                  n, g_timer_elapsed (timer, NULL), rss_before, rss_peak - rss_before,
                  sqlite_after - sqlite_before);
  g_printerr ("%u packets sealed and pushed in %.1f s; RSS +%" G_GINT64_FORMAT " KiB, without "
              "SQLite's page cache +%" G_GINT64_FORMAT " KiB\n",
              n, g_timer_elapsed (timer, NULL), rss_peak - rss_before, growth);
  g_assert_cmpuint (report->accepted, ==, n);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, n);
  g_assert_cmpint (count_status (store, PD_STATUS_RECEIVED), ==, n);
  /* Flat: the outbox is read a page at a time, never all at once (10,000 packets of a few
   * KiB each would be tens of MiB). AddressSanitizer keeps freed memory in quarantine, so RSS
   * says nothing about our allocations there. */
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpint (growth, <, 12 * 1024);
#else
  (void) growth;
#endif

  g_clear_object (&engine);
  pd_store_close (store);
  sync_central_clear (&central);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-sync-bulk PASSDESK-CENTRAL");
  central_path = argv[1];

  g_test_add_func ("/sync-bulk/faults", test_faults);
  g_test_add_func ("/sync-bulk/many", test_many);
  return g_test_run ();
}
