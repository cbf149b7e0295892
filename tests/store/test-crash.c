/* test-crash.c: the store survives its process being killed at any moment.
 *
 * The same executable is the writer: `test-crash --writer DB ROUND` saves dossiers one by
 * one and prints "SEQ UUID" once pd_store_save() has returned TRUE; `test-crash
 * --batch-writer DB ROUND` writes batches with pd_store_insert_many() and prints "begin B"
 * before and "done B" after each. The parent kills the writer with SIGKILL at random moments,
 * restarts it on the same file, and finally checks that everything reported as committed is
 * there, intact, in a database that passes PRAGMA integrity_check.
 *
 * A writer's dossiers are a pure function of their sequence number (pd_demo_dossier_new()
 * with a GRand seeded from it), so the parent can rebuild what was written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pd-core.h"
#include "pd-demo.h"
#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-store.h"
#include "pd-test-support.h"

#define SEED          0x5eed2026u
#define SEQ_PER_ROUND 1000000
#define BATCH_SIZE    5000
#define ACTOR         "crash-writer"

/* One round of the single-save writer never gets anywhere near this; it only stops a
 * writer whose parent vanished without killing it. */
#define MAX_SAVES_PER_ROUND 20000

static PdReference *
load_reference (void)
{
  g_autoptr(GError) error = NULL;
  PdReference *reference = pd_reference_new_from_directory (pd_reference_get_default_directory (),
                                                            &error);

  g_assert_no_error (error);
  g_assert_nonnull (reference);
  return reference;
}

static PdDossier *
make_dossier (PdReference *reference,
              gint64       seq)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 2, 23, 59, 59);
  guint32 seed[3] = { SEED, (guint32) (seq >> 32), (guint32) seq };
  g_autoptr(GRand) rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  PdDossier *dossier = pd_demo_dossier_new (reference, rand, now);
  g_autofree char *code = g_strdup_printf ("CRASH-%" G_GINT64_FORMAT, seq);

  /* Stored the way the counter stores them (the store refuses other statuses on entry). */
  if (!pd_status_is_counter_entry (pd_dossier_get_status (dossier)))
    {
      pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
      pd_dossier_set_status_reason (dossier, NULL);
    }
  /* A unique, searchable marker, so that the parent finds each batch member. */
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, code);
  return dossier;
}

static gboolean
same_dossier (PdDossier  *expected,
              PdDossier  *actual,
              char      **why)
{
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      const char *e = pd_dossier_get_field (expected, f);
      const char *a = pd_dossier_get_field (actual, f);

      if (g_strcmp0 (e, a) != 0)
        {
          *why = g_strdup_printf ("field %s: wrote \"%s\", read back \"%s\"",
                                  pd_field_get_key (f), e ? e : "(null)", a ? a : "(null)");
          return FALSE;
        }
    }
  if (pd_dossier_get_status (expected) != pd_dossier_get_status (actual))
    {
      *why = g_strdup_printf ("status: wrote %s, read back %s",
                              pd_status_to_string (pd_dossier_get_status (expected)),
                              pd_status_to_string (pd_dossier_get_status (actual)));
      return FALSE;
    }
  if (g_strcmp0 (pd_dossier_get_status_reason (expected), pd_dossier_get_status_reason (actual)) != 0)
    {
      *why = g_strdup_printf ("status reason: wrote \"%s\", read back \"%s\"",
                              pd_dossier_get_status_reason (expected),
                              pd_dossier_get_status_reason (actual));
      return FALSE;
    }
  /* The generator sets both times; an insert keeps them. */
  if (pd_dossier_get_created_at (expected) != pd_dossier_get_created_at (actual)
      || pd_dossier_get_updated_at (expected) != pd_dossier_get_updated_at (actual))
    {
      *why = g_strdup ("created_at or updated_at changed");
      return FALSE;
    }
  /* pd_store_get*() load the photo too. */
  if (pd_dossier_get_photo (expected) != NULL
      && (pd_dossier_get_photo (actual) == NULL
          || !g_bytes_equal (pd_dossier_get_photo (expected), pd_dossier_get_photo (actual))))
    {
      *why = g_strdup ("the photo is missing or differs");
      return FALSE;
    }
  return TRUE;
}

static void
assert_same_dossier (PdDossier *expected,
                     PdDossier *actual)
{
  g_autofree char *why = NULL;

  if (!same_dossier (expected, actual, &why))
    g_error ("dossier %s differs from what was written: %s",
             pd_dossier_get_uuid (actual), why);
}

/* --- the writers ------------------------------------------------------------------- */

static PdStore *
writer_open (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdStore *store;

  /* Never outlive the test, even if it crashes. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  if (store == NULL)
    {
      g_printerr ("writer: cannot open %s: %s (code %d)\n", path, error->message, error->code);
      exit (2);
    }
  printf ("ready\n");
  fflush (stdout);
  return store;
}

static int
run_writer (const char *path,
            gint64      round)
{
  g_autoptr(PdReference) reference = load_reference ();
  g_autoptr(PdStore) store = writer_open (path);

  for (gint64 i = 0; i < MAX_SAVES_PER_ROUND; i++)
    {
      gint64 seq = round * SEQ_PER_ROUND + i;
      g_autoptr(PdDossier) dossier = make_dossier (reference, seq);
      g_autoptr(GError) error = NULL;

      if (!pd_store_save (store, dossier, ACTOR, &error))
        {
          g_printerr ("writer: save %" G_GINT64_FORMAT " failed: %s\n", seq, error->message);
          return 3;
        }
      printf ("%" G_GINT64_FORMAT " %s\n", seq, pd_dossier_get_uuid (dossier));
      /* SIGPIPE is ignored (GDBus): stop when nobody listens any more. */
      if (fflush (stdout) != 0)
        return 4;
    }
  return 0;
}

static int
run_batch_writer (const char *path,
                  gint64      round)
{
  g_autoptr(PdReference) reference = load_reference ();
  g_autoptr(PdStore) store = writer_open (path);

  for (gint64 b = round * 1000; b < round * 1000 + 1000; b++)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < BATCH_SIZE; i++)
        g_ptr_array_add (batch, make_dossier (reference, b * BATCH_SIZE + i));

      printf ("begin %" G_GINT64_FORMAT "\n", b);
      fflush (stdout);
      if (!pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                 ACTOR, &error))
        {
          g_printerr ("writer: batch %" G_GINT64_FORMAT " failed: %s\n", b, error->message);
          return 3;
        }
      printf ("done %" G_GINT64_FORMAT "\n", b);
      if (fflush (stdout) != 0)
        return 4;
    }
  return 0;
}

/* --- the parent -------------------------------------------------------------------- */

typedef struct {
  GPid     pid;
  int      out_fd;
  GString *pending;   /* bytes read but not yet a whole line */
  GQueue   lines;     /* (element-type char*) complete lines not yet taken */
  char    *stderr_path;
} Writer;

static void
writer_spawn (Writer     *writer,
              const char *mode,
              const char *db,
              guint       round,
              const char *stderr_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *round_str = g_strdup_printf ("%u", round);
  const char *argv[] = { self, mode, db, round_str, NULL };
  int err_fd = open (stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

  g_assert_cmpint (err_fd, >=, 0);
  memset (writer, 0, sizeof *writer);
  g_assert_true (g_spawn_async_with_pipes_and_fds (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                                   NULL, NULL, -1, -1, err_fd, NULL, NULL, 0,
                                                   &writer->pid, NULL, &writer->out_fd, NULL,
                                                   &error));
  g_assert_no_error (error);
  close (err_fd);
  writer->pending = g_string_new (NULL);
  writer->stderr_path = g_strdup (stderr_path);
}

/* Reads what the writer printed until @deadline (monotonic µs) or end of file; returns
 * FALSE at end of file. */
static gboolean
writer_read (Writer *writer,
             gint64  deadline)
{
  for (;;)
    {
      struct pollfd pfd = { writer->out_fd, POLLIN, 0 };
      gint64 left = deadline == G_MAXINT64 ? -1 : (deadline - g_get_monotonic_time ()) / 1000;
      char buf[4096];
      ssize_t n;
      char *nl;

      if (deadline != G_MAXINT64 && left < 0)
        return TRUE;
      if (poll (&pfd, 1, (int) MIN (left, G_MAXINT)) == 0)
        return TRUE;
      n = read (writer->out_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      g_string_append_len (writer->pending, buf, n);
      while ((nl = strchr (writer->pending->str, '\n')))
        {
          g_queue_push_tail (&writer->lines,
                             g_strndup (writer->pending->str, nl - writer->pending->str));
          g_string_erase (writer->pending, 0, nl - writer->pending->str + 1);
        }
      if (!g_queue_is_empty (&writer->lines))
        return TRUE;
    }
}

static G_GNUC_NORETURN void
writer_fail (Writer     *writer,
             const char *what)
{
  g_autofree char *log = NULL;

  g_file_get_contents (writer->stderr_path, &log, NULL, NULL);
  g_error ("%s; the writer's stderr:\n%s", what, log ? log : "(none)");
}

/* Waits for a line starting with @prefix (the lines before it stay queued). */
static void
writer_wait_for (Writer     *writer,
                 const char *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      for (GList *l = writer->lines.head; l; l = l->next)
        if (g_str_has_prefix (l->data, prefix))
          return;
      if (g_get_monotonic_time () > deadline)
        writer_fail (writer, "the writer printed nothing for 30 s");
      if (!writer_read (writer, deadline))
        writer_fail (writer, "the writer stopped on its own");
    }
}

/* Kills the writer, reads everything it printed and checks it died from our signal. */
static void
writer_kill (Writer *writer)
{
  int status = 0;

  kill (writer->pid, SIGKILL);
  while (writer_read (writer, G_MAXINT64))
    ;
  g_assert_cmpint (waitpid (writer->pid, &status, 0), ==, writer->pid);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    writer_fail (writer, "the writer exited before it was killed");
  close (writer->out_fd);
  g_spawn_close_pid (writer->pid);
  g_string_free (writer->pending, TRUE);   /* an unfinished line was never committed */
  g_free (writer->stderr_path);
}

static char *
writer_take_line (Writer *writer)
{
  return g_queue_pop_head (&writer->lines);
}

static void
sleep_ms (guint ms)
{
  g_usleep ((gulong) ms * 1000);
}

static void
assert_integrity_ok (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static PdStore *
open_existing (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
assert_audit_chain (PdStore *store,
                    gint64   at_least)
{
  g_autoptr(GError) error = NULL;
  gint64 n_entries = -1;

  g_assert_true (pd_store_audit_verify (store, &n_entries, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_entries, >=, at_least);
}

static void
test_generator_is_deterministic (void)
{
  g_autoptr(PdReference) reference = load_reference ();

  /* The whole proof rests on this: the parent rebuilds what the writer wrote. */
  for (gint64 seq = 0; seq < 50; seq++)
    {
      g_autoptr(PdDossier) a = make_dossier (reference, seq * 7919);
      g_autoptr(PdDossier) b = make_dossier (reference, seq * 7919);

      g_assert_nonnull (pd_dossier_get_field (a, PD_FIELD_FULL_NAME));
      g_assert_nonnull (pd_dossier_get_field (a, PD_FIELD_ID_NUMBER));
      assert_same_dossier (a, b);
    }
}

static void
test_kill_during_save (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "crash.db", NULL);
  g_autofree char *err_log = g_build_filename (dir, "writer.log", NULL);
  g_autoptr(GHashTable) committed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(PdReference) reference = load_reference ();
  g_autoptr(PdStore) store = NULL;
  guint rounds = 40, killed_before_ready = 0;
  GHashTableIter iter;
  gpointer key, value;

  for (guint round = 0; round < rounds; round++)
    {
      Writer writer;
      char *line;

      writer_spawn (&writer, "--writer", db, round, err_log);
      /* Every fourth round dies at a random point of its start-up (creating the file and
       * its key in round 0, opening it later: 60 to 200 ms here); the others while saving. */
      if (round % 4 == 0)
        sleep_ms (g_rand_int_range (rand, 1, 150));
      else
        {
          writer_wait_for (&writer, "ready");
          sleep_ms (g_rand_int_range (rand, 3, 200));
        }
      writer_kill (&writer);

      line = writer_take_line (&writer);
      if (line == NULL)
        killed_before_ready++;
      g_free (line);   /* "ready" */
      while ((line = writer_take_line (&writer)))
        {
          g_auto(GStrv) parts = g_strsplit (line, " ", 2);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          g_hash_table_insert (committed, g_strdup (parts[1]),
                               GSIZE_TO_POINTER (g_ascii_strtoll (parts[0], NULL, 10) + 1));
          g_free (line);
        }
    }
  g_test_message ("%u rounds (%u killed before the store was open), %u saves reported",
                  rounds, killed_before_ready, g_hash_table_size (committed));
  g_assert_cmpuint (g_hash_table_size (committed), >, 0);

  assert_integrity_ok (db);

  store = open_existing (db);
  g_assert_cmpint (pd_store_count (store, NULL), >=, g_hash_table_size (committed));
  g_hash_table_iter_init (&iter, committed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 seq = GPOINTER_TO_SIZE (value) - 1;
      g_autoptr(PdDossier) expected = make_dossier (reference, seq);
      g_autoptr(GError) error = NULL;
      g_autoptr(PdDossier) actual = pd_store_get_by_uuid (store, key, &error);

      g_assert_no_error (error);
      g_assert_nonnull (actual);
      assert_same_dossier (expected, actual);
    }
  assert_audit_chain (store, g_hash_table_size (committed));
}

static gboolean
batch_present (PdStore *store,
               gint64   b,
               guint    member)
{
  g_autofree char *code = g_strdup_printf ("CRASH-%" G_GINT64_FORMAT, b * BATCH_SIZE + member);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = pd_store_find_by_declaration_code (store, code, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, <=, 1);
  return found->len == 1;
}

static void
test_kill_during_insert_many (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "batch.db", NULL);
  g_autofree char *err_log = g_build_filename (dir, "writer.log", NULL);
  g_autoptr(GArray) begun = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 1);
  g_autoptr(PdReference) reference = load_reference ();
  g_autoptr(PdStore) store = NULL;
  guint rounds = 12, n_present = 0, n_in_flight_present = 0;

  for (guint round = 0; round < rounds; round++)
    {
      Writer writer;
      char *line;

      writer_spawn (&writer, "--batch-writer", db, round, err_log);
      writer_wait_for (&writer, "begin");
      sleep_ms (g_rand_int_range (rand, 1, 400));
      writer_kill (&writer);

      while ((line = writer_take_line (&writer)))
        {
          gint64 b;

          if (g_str_has_prefix (line, "begin "))
            {
              b = g_ascii_strtoll (line + 6, NULL, 10);
              g_array_append_val (begun, b);
            }
          else if (g_str_has_prefix (line, "done "))
            {
              b = g_ascii_strtoll (line + 5, NULL, 10);
              g_hash_table_add (done, g_memdup2 (&b, sizeof b));
            }
          g_free (line);
        }
    }
  g_test_message ("%u batches begun, %u reported done", begun->len, g_hash_table_size (done));

  assert_integrity_ok (db);

  store = open_existing (db);
  for (guint i = 0; i < begun->len; i++)
    {
      gint64 b = g_array_index (begun, gint64, i);
      gboolean first = batch_present (store, b, 0);
      gboolean middle = batch_present (store, b, BATCH_SIZE / 2);
      gboolean last = batch_present (store, b, BATCH_SIZE - 1);

      if (g_hash_table_contains (done, &b))
        g_assert_true (first);
      /* All or nothing. */
      g_assert_cmpint (first, ==, middle);
      g_assert_cmpint (first, ==, last);
      if (first)
        {
          n_present++;
          if (!g_hash_table_contains (done, &b))
            n_in_flight_present++;
        }
    }
  g_test_message ("%u batches present, %u of them committed just before the kill",
                  n_present, n_in_flight_present);
  /* Nothing else: no half batch hides behind the sampled members. */
  g_assert_cmpint (pd_store_count (store, NULL), ==, (gint64) n_present * BATCH_SIZE);

  /* Spot-check the content of every batch present. */
  for (guint i = 0; i < begun->len; i++)
    {
      gint64 b = g_array_index (begun, gint64, i);
      gint64 seq = b * BATCH_SIZE + g_rand_int_range (rand, 0, BATCH_SIZE);
      g_autofree char *code = g_strdup_printf ("CRASH-%" G_GINT64_FORMAT, seq);
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(PdDossier) expected = NULL;
      g_autoptr(PdDossier) actual = NULL;

      if (!batch_present (store, b, 0))
        continue;
      found = pd_store_find_by_declaration_code (store, code, NULL);
      g_assert_nonnull (found);
      g_assert_cmpuint (found->len, ==, 1);
      expected = make_dossier (reference, seq);
      actual = pd_store_get (store, pd_dossier_get_id (g_ptr_array_index (found, 0)), NULL);
      g_assert_nonnull (actual);
      assert_same_dossier (expected, actual);
    }
  assert_audit_chain (store, 1);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && (g_str_equal (argv[1], "--writer") || g_str_equal (argv[1], "--batch-writer")))
    {
      gint64 round = g_ascii_strtoll (argv[3], NULL, 10);

      if (!pd_core_init ())
        return 2;
      if (g_str_equal (argv[1], "--writer"))
        return run_writer (argv[2], round);
      return run_batch_writer (argv[2], round);
    }

  pd_test_init (&argc, &argv);
  g_test_add_func ("/store-crash/generator-is-deterministic", test_generator_is_deterministic);
  g_test_add_func ("/store-crash/kill-during-save", test_kill_during_save);
  g_test_add_func ("/store-crash/kill-during-insert-many", test_kill_during_insert_many);
  return g_test_run ();
}
