/* bench-store.c: how fast the store is with a busy office's year of dossiers.
 *
 *   build-aux/session.sh build/tests/bench/bench-store [--count N] [--db PATH] [--runs R]
 *
 * Fills PATH (default: a file in the temporary directory) with N demo dossiers in batches
 * of 10,000, unless it already holds them, then measures: bulk insert rate at that size,
 * lookups by ID number, searches by name, today's queue, and the peak memory of each phase.
 * The key of the store lives in the keyring: to reuse a filled file in a later run, keep the
 * keyring too (PASSDESK_SESSION_HOME=DIR build-aux/session.sh ...).
 *
 * Dossier k is pd_demo_dossier_new() with a GRand seeded from k and a fixed "today", so the
 * ID numbers and names looked up are real ones from the file, even when it was filled by an
 * earlier run.
 *
 * Bulk insert is measured twice, as batches of new applications and as an import of old
 * ones. New applications (taken at a counter, pulled declarations) get their uuid and times
 * from the store, so they arrive in time order like real ones; this is the figure held
 * against the target. The import keeps the demo's random uuids and times spread over the
 * last 60 days, which scatters its writes over every index. Both print the wall-clock rate
 * and the rate per second of CPU time (getrusage), which load on a shared machine hides less.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pd-core.h"
#include "pd-demo.h"
#include "pd-store.h"
#include "pd-store-private.h"

#define SEED           0xbe7c2026u
#define BATCH          10000
#define AT_SIZE_BATCHES 3
#define N_ID_LOOKUPS   2000
#define N_NAME_SEARCHES 500
#define SEARCH_LIMIT   50
#define N_QUEUE_LISTS  20
#define QUEUE_LIMIT    5000  /* as the queue page */
#define TODAY_SETTING  "bench.today"
#define ACTOR          "bench"

typedef struct {
  const char *phase;
  char       *result;
  char       *target;
  gboolean    met;
  gboolean    has_target;
  glong       peak_rss_kib;
  glong       rss_kib;
} Row;

typedef struct {
  PdStore     *store;
  PdReference *reference;
  GDate        today;
  GRand       *rand;
  GArray      *rows;
} Bench;

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static glong
current_rss_kib (void)
{
  g_autofree char *statm = NULL;
  long pages = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%ld %ld", &pages, &resident);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of @values (sorted in place). */
static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  g_assert (values->len > 0);
  g_array_sort (values, compare_doubles);
  rank = (guint) MAX (1.0, (p / 100.0) * values->len + 0.5);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

static void
add_row (Bench      *bench,
         const char *phase,
         char       *result,
         char       *target,
         gboolean    met)
{
  Row row = { phase, result, target, met, target != NULL, peak_rss_kib (), current_rss_kib () };

  g_array_append_val (bench->rows, row);
  g_printerr ("  %s: %s\n", phase, result);
}

static PdDossier *
make_dossier (Bench  *bench,
              gint64  k)
{
  guint32 seed[3] = { SEED, (guint32) (k >> 32), (guint32) k };
  g_autoptr(GRand) rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  g_autoptr(GDateTime) end_of_day = g_date_time_new_local (g_date_get_year (&bench->today),
                                                          g_date_get_month (&bench->today),
                                                          g_date_get_day (&bench->today), 23, 59, 59);

  return pd_demo_dossier_new (bench->reference, rand, end_of_day);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double) G_USEC_PER_SEC;
}

/* Inserts dossiers @first .. @first + @n - 1 in one call; returns dossiers per second, and
 * per second of CPU time in @cpu_rate (the generation of the demo data is not counted).
 * With @fresh, they are new applications: no uuid and no times of their own. */
static double
insert_batch (Bench    *bench,
              gint64    first,
              guint     n,
              gboolean  fresh,
              double   *cpu_rate)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_full (n, g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 start;
  double cpu_start;
  double seconds;

  for (guint i = 0; i < n; i++)
    {
      PdDossier *dossier = make_dossier (bench, first + i);

      if (fresh)
        {
          pd_dossier_set_uuid (dossier, NULL);
          pd_dossier_set_created_at (dossier, 0);
          pd_dossier_set_updated_at (dossier, 0);
        }
      g_ptr_array_add (batch, dossier);
    }
  start = g_get_monotonic_time ();
  cpu_start = cpu_seconds ();
  if (!pd_store_import_many (bench->store, (PdDossier * const *) batch->pdata, n, ACTOR, &error))
    {
      g_printerr ("bench-store: insert failed: %s\n", error->message);
      exit (1);
    }
  if (cpu_rate != NULL)
    *cpu_rate = n / MAX (cpu_seconds () - cpu_start, 1e-6);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return n / seconds;
}

static gint64
count (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  gint64 n = pd_store_count (bench->store, &error);

  if (n < 0)
    {
      g_printerr ("bench-store: cannot count: %s\n", error->message);
      exit (1);
    }
  return n;
}

static void
phase_fill (Bench  *bench,
            gint64  target)
{
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 have = count (bench);
  gint64 start = g_get_monotonic_time ();

  if (have >= target)
    {
      g_printerr ("reusing %" G_GINT64_FORMAT " dossiers already in the file\n", have);
      return;
    }
  g_printerr ("filling from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " dossiers\n", have, target);
  while (have < target)
    {
      guint n = (guint) MIN (BATCH, target - have);
      double rate = insert_batch (bench, have, n, FALSE, NULL);

      g_array_append_val (rates, rate);
      have += n;
      if (rates->len % 10 == 0)
        g_printerr ("  %" G_GINT64_FORMAT " dossiers, last batch %.0f/s, %.0f s so far\n", have,
                    rate, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
    }
  add_row (bench, "fill",
           g_strdup_printf ("%u batches, median %.0f/s (min %.0f, max %.0f), %.0f s in all",
                            rates->len, percentile (rates, 50), percentile (rates, 0),
                            percentile (rates, 100),
                            (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC),
           NULL, TRUE);
}

static void
phase_insert_at_size (Bench    *bench,
                      guint     runs,
                      gboolean  fresh)
{
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_rates = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 size = count (bench);
  double seconds = 0;
  double median, overall;

  /* The store leaves some checkpoints of one batch to a later one: the overall rate (all
   * dossiers over all the time) counts them where a median of batches might not. */
  for (guint r = 0; r < runs; r++)
    for (guint b = 0; b < AT_SIZE_BATCHES; b++)
      {
        double cpu_rate;
        double rate = insert_batch (bench, count (bench), BATCH, fresh, &cpu_rate);

        g_array_append_val (rates, rate);
        g_array_append_val (cpu_rates, cpu_rate);
        seconds += BATCH / rate;
      }
  overall = rates->len * BATCH / seconds;
  median = percentile (rates, 50);
  if (fresh)
    add_row (bench, "bulk insert",
             g_strdup_printf ("overall %.0f/s, median %.0f/s (%.0f per CPU second) over %u "
                              "batches of %d new applications (store-given uuids and times) "
                              "at %" G_GINT64_FORMAT,
                              overall, median, percentile (cpu_rates, 50), rates->len, BATCH, size),
             g_strdup (">= 20000/s"), MIN (overall, median) >= 20000);
  else
    add_row (bench, "bulk import",
             g_strdup_printf ("overall %.0f/s, median %.0f/s (%.0f per CPU second) over %u "
                              "batches of %d old applications (random uuids, times over 60 "
                              "days) at %" G_GINT64_FORMAT,
                              overall, median, percentile (cpu_rates, 50), rates->len, BATCH, size),
             NULL, TRUE);
}

/* @k of the dossiers already in the file, at random. */
static gint64
random_known (Bench  *bench,
              gint64  n)
{
  return (gint64) (g_rand_double (bench->rand) * n);
}

static void
phase_id_lookup (Bench *bench,
                 guint  runs)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 n = count (bench);
  double median, p95;
  guint misses = 0;

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < N_ID_LOOKUPS; i++)
        g_ptr_array_add (dossiers, make_dossier (bench, random_known (bench, n)));
      for (guint i = 0; i < dossiers->len; i++)
        {
          PdDossier *want = g_ptr_array_index (dossiers, i);
          const char *id = pd_dossier_get_field (want, PD_FIELD_ID_NUMBER);
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) found = NULL;
          gint64 start = g_get_monotonic_time ();
          double elapsed;
          gboolean hit = FALSE;

          found = pd_store_find_by_id_number (bench->store, id, &error);
          elapsed = (g_get_monotonic_time () - start) / 1000.0;
          if (found == NULL)
            {
              g_printerr ("bench-store: lookup failed: %s\n", error->message);
              exit (1);
            }
          g_array_append_val (ms, elapsed);
          for (guint j = 0; j < found->len; j++)
            hit |= g_strcmp0 (pd_dossier_get_field (g_ptr_array_index (found, j), PD_FIELD_FULL_NAME),
                              pd_dossier_get_field (want, PD_FIELD_FULL_NAME)) == 0;
          misses += !hit;
        }
    }
  if (misses > 0)
    {
      g_printerr ("bench-store: %u of %u known ID numbers were not found\n", misses, ms->len);
      exit (1);
    }
  median = percentile (ms, 50);
  p95 = percentile (ms, 95);
  add_row (bench, "ID number lookup",
           g_strdup_printf ("median %.3f ms, p95 %.3f ms over %u lookups", median, p95, ms->len),
           g_strdup ("< 0.2 ms"), median < 0.2);
}

/* "Surname Given": the first and the last word of a full name. */
static char *
partial_name (const char *full_name)
{
  g_auto(GStrv) words = g_strsplit (full_name, " ", -1);
  guint n = g_strv_length (words);

  if (n < 2)
    return g_strdup (full_name);
  return g_strdup_printf ("%s %s", words[0], words[n - 1]);
}

static void
phase_name_search (Bench *bench,
                   guint  runs)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 n = count (bench);
  guint64 hits = 0;
  double median, p95;

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < N_NAME_SEARCHES; i++)
        {
          g_autoptr(PdDossier) dossier = make_dossier (bench, random_known (bench, n));
          const char *name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);

          g_ptr_array_add (queries, i % 2 ? partial_name (name) : g_strdup (name));
        }
      for (guint i = 0; i < queries->len; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) found = NULL;
          gint64 start = g_get_monotonic_time ();
          double elapsed;

          found = pd_store_search_name (bench->store, g_ptr_array_index (queries, i),
                                        SEARCH_LIMIT, &error);
          elapsed = (g_get_monotonic_time () - start) / 1000.0;
          if (found == NULL)
            {
              g_printerr ("bench-store: search failed: %s\n", error->message);
              exit (1);
            }
          if (found->len == 0)
            {
              g_printerr ("bench-store: no result for the known name \"%s\"\n",
                          (const char *) g_ptr_array_index (queries, i));
              exit (1);
            }
          hits += found->len;
          g_array_append_val (ms, elapsed);
        }
    }
  median = percentile (ms, 50);
  p95 = percentile (ms, 95);
  add_row (bench, "name search",
           g_strdup_printf ("median %.2f ms, p95 %.2f ms over %u searches "
                            "(half full names, half \"surname given\"; limit %d, %.1f results on average)",
                            median, p95, ms->len, SEARCH_LIMIT, (double) hits / ms->len),
           g_strdup ("< 20 ms"), median < 20);
}

/* The queue page's query: what changed since the start of the day (office time), at most
 * QUEUE_LIMIT. "Today" is the day the file was filled with, so that a reused file has one. */
static void
phase_today (Bench *bench,
             guint  runs)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GTimeZone) office = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) midnight = g_date_time_new (office, g_date_get_year (&bench->today),
                                                   g_date_get_month (&bench->today),
                                                   g_date_get_day (&bench->today), 0, 0, 0);
  guint len = 0;

  for (guint r = 0; r < runs * N_QUEUE_LISTS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) queue = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      queue = pd_store_list (bench->store, PD_STATUS_INVALID, g_date_time_to_unix (midnight),
                             QUEUE_LIMIT, &error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      if (queue == NULL)
        {
          g_printerr ("bench-store: list failed: %s\n", error->message);
          exit (1);
        }
      len = queue->len;
      g_array_append_val (ms, elapsed);
    }
  add_row (bench, "today's queue",
           g_strdup_printf ("%u dossiers (limit %d), median %.1f ms, p95 %.1f ms over %u lists",
                            len, QUEUE_LIMIT, percentile (ms, 50), percentile (ms, 95), ms->len),
           NULL, TRUE);
}

static void
print_table (Bench      *bench,
             const char *path,
             gint64      n)
{
  struct stat st = { 0 };
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  struct stat wal_st = { 0 };

  stat (path, &st);
  stat (wal, &wal_st);
  printf ("\nPassdesk store benchmark: %" G_GINT64_FORMAT " dossiers, %s (%.0f MiB + %.0f MiB WAL)\n\n",
          n, path, st.st_size / 1048576.0, wal_st.st_size / 1048576.0);
  printf ("%-18s %-12s %-4s %-9s %-9s %s\n", "phase", "target", "met", "peak RSS", "RSS", "result");
  for (guint i = 0; i < bench->rows->len; i++)
    {
      Row *row = &g_array_index (bench->rows, Row, i);

      printf ("%-18s %-12s %-4s %5ld MiB %5ld MiB %s\n", row->phase,
              row->target ? row->target : "-", row->has_target ? (row->met ? "yes" : "NO") : "-",
              row->peak_rss_kib / 1024, row->rss_kib / 1024, row->result);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the Passdesk store");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *today = NULL;
  gint64 target = 1000000;
  int runs = 1;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT64, &target, "Dossiers in the store (1000000)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &path, "The store file, reused when already filled", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Repetitions of each measurement (1)", "R" },
    { NULL }
  };
  Bench bench = { 0 };
  gboolean all_met = TRUE;
  gint64 open_start;
  double open_ms;

  setlocale (LC_ALL, "");
  if (!pd_core_init ())
    return 1;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 2;
    }
  if (target < 1 || runs < 1)
    {
      g_printerr ("bench-store: --count and --runs must be positive\n");
      return 2;
    }
  if (path == NULL)
    path = g_build_filename (g_get_tmp_dir (), "passdesk-bench.db", NULL);

  open_start = g_get_monotonic_time ();
  bench.store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  open_ms = (g_get_monotonic_time () - open_start) / 1000.0;
  if (bench.store == NULL)
    {
      g_printerr ("bench-store: cannot open %s: %s\n", path, error->message);
      return 1;
    }

  /* The generator depends on "today": the file remembers the day it was filled with. */
  today = pd_store_get_setting (bench.store, TODAY_SETTING);
  if (today == NULL)
    {
      if (count (&bench) > 0)
        {
          g_printerr ("bench-store: %s holds dossiers that are not benchmark data; "
                      "give another --db\n", path);
          return 1;
        }
      g_date_clear (&bench.today, 1);
      g_date_set_time_t (&bench.today, time (NULL));
      today = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&bench.today),
                               g_date_get_month (&bench.today), g_date_get_day (&bench.today));
      if (!pd_store_set_setting (bench.store, TODAY_SETTING, today, &error))
        {
          g_printerr ("bench-store: %s\n", error->message);
          return 1;
        }
    }
  else if (!pd_parse_iso_date (today, &bench.today))
    {
      g_printerr ("bench-store: bad %s setting \"%s\"\n", TODAY_SETTING, today);
      return 1;
    }

  bench.reference = pd_store_get_reference (bench.store);
  bench.rand = g_rand_new_with_seed (SEED);
  bench.rows = g_array_new (FALSE, TRUE, sizeof (Row));

  add_row (&bench, "open", g_strdup_printf ("%" G_GINT64_FORMAT " dossiers, opened in %.0f ms",
                                            count (&bench), open_ms),
           NULL, TRUE);
  phase_fill (&bench, target);
  phase_insert_at_size (&bench, runs, TRUE);
  phase_insert_at_size (&bench, runs, FALSE);
  phase_id_lookup (&bench, runs);
  phase_name_search (&bench, runs);
  phase_today (&bench, runs);

  print_table (&bench, path, count (&bench));
  for (guint i = 0; i < bench.rows->len; i++)
    {
      Row *row = &g_array_index (bench.rows, Row, i);

      all_met &= row->met;
      g_free (row->result);
      g_free (row->target);
    }
  g_array_unref (bench.rows);
  g_rand_free (bench.rand);
  g_object_unref (bench.reference);
  g_object_unref (bench.store);
  return all_met ? 0 : 3;
}
