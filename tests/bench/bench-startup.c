/* bench-startup.c: how long the real `passdesk` takes to show its window.
 *
 *   build-aux/session.sh meson test -C BUILD --benchmark bench-startup -v
 *   build-aux/session.sh BUILD/tests/bench/bench-startup BUILD/src/app/passdesk [RUNS]
 *
 * Each run starts the binary on a fresh database with PASSDESK_EXIT_AFTER_FIRST_FRAME=1
 * (see pd_window_map()), which makes it print the monotonic time of its first painted frame
 * and of the first frame showing the opened database, then quit. Times are measured from
 * just before the spawn; the peak RSS is the child's ru_maxrss. The first run also creates
 * the keyring item, later ones open a new file each: all are cold for the database. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#define DEFAULT_RUNS 7
#define TARGET_MS    500.0

typedef struct
{
  double first_frame_ms;
  double ready_ms;
  long   max_rss_kb;
} Run;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gint64
read_stamp (const char *output,
            const char *key)
{
  const char *line = strstr (output, key);

  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

static gboolean
run_once (const char *binary,
          const char *dir,
          guint       index,
          Run        *run)
{
  g_autofree char *db = g_strdup_printf ("%s/bench-%u.db", dir, index);
  const char *argv[] = { binary, "--db", db, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "PASSDESK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  struct rusage usage;
  GPid pid;
  int out_fd, status;
  gint64 start, first, ready;
  char buffer[4096];
  gssize n;

  start = g_get_monotonic_time ();
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                 NULL, NULL, &pid, NULL, &out_fd, NULL, &error))
    {
      g_printerr ("Cannot start %s: %s\n", binary, error->message);
      return FALSE;
    }

  while ((n = read (out_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (output, buffer, n);
  close (out_fd);

  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("Run %u: passdesk did not exit cleanly (status %d); output:\n%s\n", index, status, output->str);
      return FALSE;
    }

  first = read_stamp (output->str, "passdesk-first-frame-us ");
  ready = read_stamp (output->str, "passdesk-ready-us ");
  if (first < 0 || ready < 0)
    {
      g_printerr ("Run %u: no frame times in the output:\n%s\n", index, output->str);
      return FALSE;
    }

  run->first_frame_ms = (first - start) / 1000.0;
  run->ready_ms = (ready - start) / 1000.0;
  run->max_rss_kb = usage.ru_maxrss;
  return TRUE;
}

static void
print_stats (const char *what,
             GArray     *values)
{
  g_array_sort (values, compare_double);
  g_print ("%-28s median %7.1f ms   min %7.1f ms   max %7.1f ms\n", what,
           g_array_index (values, double, values->len / 2),
           g_array_index (values, double, 0),
           g_array_index (values, double, values->len - 1));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ready = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  guint runs = DEFAULT_RUNS;
  long peak_rss = 0;
  double median_first;

  if (argc < 2)
    {
      g_printerr ("Usage: %s PATH-TO-PASSDESK [RUNS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    runs = (guint) MAX (1, atoi (argv[2]));

  dir = g_dir_make_tmp ("passdesk-bench-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < runs; i++)
    {
      Run run;

      if (!run_once (argv[1], dir, i, &run))
        return 1;
      g_print ("run %u: first frame %.1f ms, database shown %.1f ms, peak RSS %.1f MiB\n",
               i + 1, run.first_frame_ms, run.ready_ms, run.max_rss_kb / 1024.0);
      g_array_append_val (first, run.first_frame_ms);
      g_array_append_val (ready, run.ready_ms);
      peak_rss = MAX (peak_rss, run.max_rss_kb);
    }

  print_stats ("first frame", first);
  print_stats ("first frame with database", ready);
  g_print ("peak RSS %.1f MiB\n", peak_rss / 1024.0);

  median_first = g_array_index (first, double, first->len / 2);
  g_print ("target: first frame under %.0f ms: %s\n", TARGET_MS, median_first < TARGET_MS ? "met" : "MISSED");

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *db = g_strdup_printf ("%s/bench-%u.db", dir, i);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_remove (db);
      g_remove (wal);
      g_remove (shm);
    }
  g_rmdir (dir);
  return 0;
}
