/* bench-idle.c: what the real `passdesk` costs a laptop's battery while it waits, in a mobile
 * team's field day: the window open on an enrolled station whose central system cannot be
 * reached (its engine retrying with backoff), and, for comparison, on a station that is not
 * enrolled.
 *
 *   build-aux/session.sh meson test -C BUILD --benchmark bench-idle -v      (3 windows of 20 s)
 *   build-aux/session.sh BUILD/tests/bench/bench-idle BUILD/src/app/passdesk \
 *       BUILD/src/central/passdesk-central [SECONDS (60)] [WINDOWS (3)]    (with the tests' environment)
 *
 * Each case starts the binary, lets it settle for 10 s (start-up, face model, first sync
 * attempts), then reads its CPU time (utime + stime of every thread) and its threads'
 * context switches (each a wake-up) over WINDOWS windows of SECONDS each, and prints the
 * median CPU share and wake-ups per second. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pd-test-support.h"
#include "../sync/sync-test-central.h"

#define SETTLE_SECONDS 10

typedef struct
{
  double      cpu_seconds;  /* utime + stime */
  GHashTable *switches;     /* thread id → its voluntary + involuntary context switches */
} Sample;

/* The wake-ups between two samples: a thread that started meanwhile counts from zero, one
 * that ended is not counted. */
static guint64
wakeups_between (const Sample *before,
                 const Sample *after)
{
  GHashTableIter iter;
  gpointer tid, count;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, after->switches);
  while (g_hash_table_iter_next (&iter, &tid, &count))
    {
      guint64 then = GPOINTER_TO_SIZE (g_hash_table_lookup (before->switches, tid));
      guint64 now = GPOINTER_TO_SIZE (count);

      total += now >= then ? now - then : now;
    }
  return total;
}

static Sample
sample (GPid pid)
{
  Sample s = { 0, g_hash_table_new (g_direct_hash, g_direct_equal) };
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *task_path = g_strdup_printf ("/proc/%d/task", pid);
  g_autofree char *stat = NULL;
  g_autoptr(GDir) tasks = NULL;
  const char *close_paren, *name;
  g_auto(GStrv) fields = NULL;

  /* Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15. */
  g_assert_true (g_file_get_contents (stat_path, &stat, NULL, NULL));
  close_paren = strrchr (stat, ')');
  g_assert_nonnull (close_paren);
  fields = g_strsplit (close_paren + 2, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >, 13);
  s.cpu_seconds = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);

  tasks = g_dir_open (task_path, 0, NULL);
  g_assert_nonnull (tasks);
  while ((name = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *status_path = g_build_filename (task_path, name, "status", NULL);
      g_autofree char *status = NULL;
      const char *line;
      guint64 count = 0;

      /* A thread may end meanwhile. */
      if (!g_file_get_contents (status_path, &status, NULL, NULL))
        continue;
      if ((line = strstr (status, "\nvoluntary_ctxt_switches:")) != NULL)
        count += g_ascii_strtoull (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10);
      if ((line = strstr (status, "nonvoluntary_ctxt_switches:")) != NULL)
        count += g_ascii_strtoull (line + strlen ("nonvoluntary_ctxt_switches:"), NULL, 10);
      g_hash_table_insert (s.switches, GSIZE_TO_POINTER (g_ascii_strtoull (name, NULL, 10)),
                           GSIZE_TO_POINTER (count));
    }
  return s;
}

static void
measure (const char *label,
         const char *binary,
         const char *db_path,
         guint       seconds,
         guint       windows)
{
  const char *argv[] = { binary, "--db", db_path, NULL };
  g_autoptr(GArray) shares = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wakeups = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_usleep (SETTLE_SECONDS * G_USEC_PER_SEC);

  for (guint w = 0; w < windows; w++)
    {
      Sample before = sample (pid), after;
      double share, per_second;

      g_usleep (seconds * G_USEC_PER_SEC);
      after = sample (pid);
      share = 100.0 * (after.cpu_seconds - before.cpu_seconds) / seconds;
      per_second = (double) wakeups_between (&before, &after) / seconds;
      g_hash_table_unref (before.switches);
      g_hash_table_unref (after.switches);
      g_array_append_val (shares, share);
      g_array_append_val (wakeups, per_second);
      g_print ("%s: window %u: CPU %.2f %% (%.2f s of %u s), %.1f wake-ups/s\n", label, w + 1, share,
               after.cpu_seconds - before.cpu_seconds, seconds, per_second);
    }
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  g_print ("idle-%s-cpu-median %.2f %%\n", label, pd_test_median (shares));
  g_print ("idle-%s-wakeups-median %.1f /s\n", label, pd_test_median (wakeups));
}

int
main (int   argc,
      char *argv[])
{
  guint seconds = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 60;
  guint windows = argc > 4 ? (guint) g_ascii_strtoull (argv[4], NULL, 10) : 3;
  g_autofree char *dir = NULL;
  g_autofree char *offline_db = NULL;
  g_autofree char *alone_db = NULL;
  SyncCentral central = { 0 };

  if (argc < 3 || seconds == 0 || windows == 0)
    {
      g_printerr ("Usage: %s PASSDESK PASSDESK-CENTRAL [SECONDS] [WINDOWS]\n"
                  "inside build-aux/session.sh (a keyring and a display)\n", argv[0]);
      return 2;
    }
  pd_test_init (&argc, &argv);
  dir = pd_test_make_tmpdir ();

  /* Enrolled while the central system was there, then cut off. */
  sync_central_init (&central, argv[2]);
  g_free (sync_central_serve (&central, NULL));
  {
    g_autoptr(PdStore) store = sync_open_store (dir, "offline.db");
    g_autoptr(PdDevice) device = sync_enroll (&central, store, NULL);

    offline_db = g_strdup (pd_store_get_path (store));
    pd_store_close (store);
  }
  sync_central_stop (&central);
  {
    g_autoptr(PdStore) store = sync_open_store (dir, "alone.db");

    alone_db = g_strdup (pd_store_get_path (store));
    pd_store_close (store);
  }

  g_print ("bench-idle: %u windows of %u s after %u s to settle\n", windows, seconds, SETTLE_SECONDS);
  measure ("offline", argv[1], offline_db, seconds, windows);
  measure ("not-enrolled", argv[1], alone_db, seconds, windows);

  sync_central_clear (&central);
  return 0;
}
