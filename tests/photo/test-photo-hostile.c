/* test-photo-hostile.c: `passdesk-cli photo check` ($PASSDESK_CLI) on each file of
 * tests/photo/hostile, inputs that once hung or crashed a decoder, returns within seconds with
 * exit code 2 and says the file is damaged.
 *
 * The CLI runs as a child with a deadline of its own: a decoder that spins is killed and reported
 * by name, rather than leaving the whole test to meson's timeout. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <gio/gio.h>

/* Reading a 487-byte file takes milliseconds; the margin is for an instrumented build on a
 * loaded machine. */
#define DEADLINE_SECONDS 20

typedef struct {
  gboolean done;
  char    *out;
  char    *err;
  GError  *error;
} Run;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &run->error);
  run->done = TRUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_check_returns (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  Run run = { 0 };
  gboolean late = FALSE;
  guint deadline;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            g_getenv ("PASSDESK_CLI"), "photo", "check", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, NULL, NULL, on_communicated, &run);
  deadline = g_timeout_add_seconds (DEADLINE_SECONDS, on_deadline, &late);
  while (!run.done && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!run.done)
    {
      g_subprocess_send_signal (child, SIGKILL);
      while (!run.done)
        g_main_context_iteration (NULL, TRUE);
      g_test_message ("passdesk-cli photo check %s still ran after %d s", path, DEADLINE_SECONDS);
      g_test_fail ();
    }
  else
    g_source_remove (deadline);
  g_assert_no_error (run.error);

  g_test_message ("stderr: %s", run.err);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 2);
  g_assert_nonnull (strstr (run.err, "damaged"));
  g_free (run.out);
  g_free (run.err);
}

int
main (int   argc,
      char *argv[])
{
  const char *dir_path = HOSTILE_DIR;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n = 0;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *test_path = g_strdup_printf ("/photo/hostile/check-returns/%s", name);

      g_test_add_data_func_full (test_path, g_build_filename (dir_path, name, NULL),
                                 test_check_returns, g_free);
      n++;
    }
  /* A directory that went missing must not pass as a clean run. */
  g_assert_cmpuint (n, >, 0);
  return g_test_run ();
}
