/* bench-sync.c: how fast one station pushes to the reference central server on loopback, and
 * whether its memory stays flat.
 *
 *   build-aux/session.sh <build>/tests/bench/bench-sync <build>/src/central/passdesk-central \
 *       [RUNS (3)] [PUSH_N (1000)] [BACKLOG_N (10000)] [PHOTO_BYTES (61440)]
 *
 * 1. PUSH_N accepted applications with a PHOTO_BYTES photo each, sealed beforehand (as at
 *    acceptance), pushed in one pass: applications per second, median of RUNS runs.
 * 2. A week offline: BACKLOG_N applications accepted without a connection (their packets
 *    made by the engine's recovery, inside the timed pass), then one sync: time from the
 *    start of the pass to everything received.
 * 3. During that sync, the RSS sampled every 20 ms: peak and growth, with SQLite's own
 *    memory (page caches of the store) counted apart.
 * Each run uses a fresh central database and a fresh store in a temporary directory.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "pd-test-support.h"
#include "../sync/sync-test-central.h"
#include "sync/pd-outbox.h"

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

typedef struct {
  gint64  peak;
  gint64  sqlite_peak;
  GArray *rss;   /* every sample, KiB */
} Sampler;

static gboolean
sample (gpointer user_data)
{
  Sampler *sampler = user_data;
  gint64 rss = read_rss_kib ();

  g_array_append_val (sampler->rss, rss);
  sampler->peak = MAX (sampler->peak, rss);
  sampler->sqlite_peak = MAX (sampler->sqlite_peak, sqlite3_memory_used () / 1024);
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

typedef struct {
  double seconds;
  double seal_seconds;
  gint64 rss_before;
  gint64 rss_peak;
  gint64 sqlite_before;
  gint64 sqlite_peak;
  gint64 quarters[4];   /* the largest RSS in each quarter of the sync */
} Run;

static Run
run_once (const char *central_path,
          guint       n,
          gsize       photo,
          gboolean    seal_first)
{
  SyncCentral central;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  Sampler sampler = { 0 };
  Run run = { 0 };
  guint source;

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  store = sync_open_store (central.tmpdir, "station.db");
  device = sync_enroll (&central, store, NULL);
  sync_insert_accepted (store, n, photo, "bench");
  engine = pd_sync_engine_new (store, device, NULL, &error);
  g_assert_no_error (error);
  if (seal_first)
    {
      timer = g_timer_new ();
      g_assert_true (pd_outbox_recover (store, NULL, &error));
      run.seal_seconds = g_timer_elapsed (timer, NULL);
      g_clear_pointer (&timer, g_timer_destroy);
    }

  run.rss_before = sampler.peak = read_rss_kib ();
  sampler.rss = g_array_new (FALSE, FALSE, sizeof (gint64));
  run.sqlite_before = sampler.sqlite_peak = sqlite3_memory_used () / 1024;
  source = g_timeout_add (20, sample, &sampler);
  timer = g_timer_new ();
  report = sync_pass (engine, PD_SYNC_PUSH, &error);
  run.seconds = g_timer_elapsed (timer, NULL);
  g_source_remove (source);
  sample (&sampler);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, n);
  sync_assert_exactly_once (&central, store, n);
  run.rss_peak = sampler.peak;
  run.sqlite_peak = sampler.sqlite_peak;
  /* Flat means the peak is reached early and not exceeded later, whatever the backlog. */
  for (guint i = 0; i < sampler.rss->len; i++)
    {
      guint quarter = MIN (4 * i / sampler.rss->len, 3);

      run.quarters[quarter] = MAX (run.quarters[quarter], g_array_index (sampler.rss, gint64, i));
    }
  g_array_unref (sampler.rss);

  g_clear_object (&engine);
  pd_store_close (store);
  sync_central_clear (&central);
  return run;
}

int
main (int   argc,
      char *argv[])
{
  const char *central_path;
  guint runs, push_n, backlog_n;
  gsize photo;
  g_autofree double *rates = NULL;
  g_autofree double *seals = NULL;

  pd_test_init (&argc, &argv);
  if (argc < 2)
    {
      g_printerr ("usage: bench-sync PASSDESK-CENTRAL [RUNS] [PUSH_N] [BACKLOG_N] [PHOTO_BYTES]\n");
      return 2;
    }
  central_path = argv[1];
  runs = argc > 2 ? (guint) atoi (argv[2]) : 3;
  push_n = argc > 3 ? (guint) atoi (argv[3]) : 1000;
  backlog_n = argc > 4 ? (guint) atoi (argv[4]) : 10000;
  photo = argc > 5 ? (gsize) atol (argv[5]) : 60 * 1024;
  rates = g_new0 (double, runs);
  seals = g_new0 (double, runs);

  for (guint i = 0; i < runs; i++)
    {
      Run run = run_once (central_path, push_n, photo, TRUE);

      rates[i] = push_n / run.seconds;
      seals[i] = push_n / run.seal_seconds;
      g_print ("push run %u: %u applications with %" G_GSIZE_FORMAT "-byte photos in %.2f s = %.0f/s "
               "(sealed beforehand at %.0f/s)\n", i + 1, push_n, photo, run.seconds, rates[i], seals[i]);
    }
  g_print ("PUSH median: %.0f applications/s (sealing %.0f/s), %u runs\n",
           median (rates, runs), median (seals, runs), runs);

  if (backlog_n > 0)
    {
      Run run = run_once (central_path, backlog_n, photo, FALSE);
      gint64 sqlite_growth = MAX (run.sqlite_peak - run.sqlite_before, 0);

      g_print ("BACKLOG: %u applications accepted offline, sealed and pushed in one sync: %.1f s\n",
               backlog_n, run.seconds);
      g_print ("MEMORY during that sync: RSS %" G_GINT64_FORMAT " KiB before, peak %" G_GINT64_FORMAT
               " KiB (+%" G_GINT64_FORMAT " KiB); SQLite's memory +%" G_GINT64_FORMAT
               " KiB of it; growth without SQLite +%" G_GINT64_FORMAT " KiB\n",
               run.rss_before, run.rss_peak, run.rss_peak - run.rss_before, sqlite_growth,
               run.rss_peak - run.rss_before - sqlite_growth);
      g_print ("MEMORY by quarter of the sync (largest RSS in each): %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
               ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " KiB\n",
               run.quarters[0], run.quarters[1], run.quarters[2], run.quarters[3]);
    }
  return 0;
}
