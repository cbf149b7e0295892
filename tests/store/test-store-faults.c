/* test-store-faults.c: the store degrades cleanly on bad files, locks, a full disk and a
 * missing keyring: a precise PdStoreError with an actionable message, and no data lost.
 */
#define _GNU_SOURCE  /* unshare() */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pd-dossier.h"
#include "pd-secrets.h"
#include "pd-store.h"
#include "pd-test-support.h"

#define ACTOR "faults-test"

static const char *surnames[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi" };
static const char *middles[] = { "Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh" };
static const char *givens[] = { "An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Thảo", "Vy" };

static PdDossier *
make_numbered_dossier (guint n)
{
  g_autofree char *name = g_strdup_printf ("%s %s %s", surnames[n % G_N_ELEMENTS (surnames)],
                                           middles[(n / 10) % G_N_ELEMENTS (middles)],
                                           givens[(n / 60) % G_N_ELEMENTS (givens)]);
  g_autofree char *id = g_strdup_printf ("0010%08u", n);
  g_autofree char *code = g_strdup_printf ("FAULTS-%06u", n);
  PdDossier *dossier = pd_test_make_dossier (name, id);

  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, code);
  return dossier;
}

/* The user sees error->message: it must exist and say more than SQLite's terse text. */
static void
assert_actionable (const GError *error,
                   int           code)
{
  g_assert_nonnull (error);
  g_test_message ("%s error %d: %s", g_quark_to_string (error->domain), error->code,
                  error->message);
  g_assert_error ((GError *) error, PD_STORE_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >=, 20);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (error->message, !=, "database disk image is malformed");
  g_assert_cmpstr (error->message, !=, "file is not a database");
  g_assert_cmpstr (error->message, !=, "database or disk is full");
  g_assert_cmpstr (error->message, !=, "database is locked");
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static PdStore *
create_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
save_numbered (PdStore *store,
               guint    first,
               guint    n)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = first; i < first + n; i++)
    g_ptr_array_add (batch, make_numbered_dossier (i));
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                       ACTOR, &error));
  g_assert_no_error (error);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static char *
raw_query_text (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static void
assert_integrity_ok (const char *path)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *result = raw_query_text (db, "PRAGMA integrity_check");

  g_assert_cmpstr (result, ==, "ok");
  sqlite3_close (db);
}

/* Folds the WAL into the main file so that byte-level edits and checksums see everything. */
static void
raw_checkpoint (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  sqlite3 *db = raw_open (path);

  raw_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
write_random_file (const char *path,
                   gsize       length,
                   const char *prefix)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (length);
  g_autofree guint8 *bytes = g_malloc (length);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < length; i++)
    bytes[i] = g_rand_int (rand) & 0xff;
  if (prefix)
    memcpy (bytes, prefix, strlen (prefix) + 1);
  g_file_set_contents (path, (const char *) bytes, length, &error);
  g_assert_no_error (error);
}

/* --- damaged files ----------------------------------------------------------------- */

static void
assert_open_refused (const char *path,
                     const char *before,
                     int         code)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PdStore) store = pd_store_open (path, i == 0 ? PD_STORE_OPEN_NONE : PD_STORE_OPEN_CREATE,
                                                &error);
      g_autofree char *after = NULL;

      g_assert_null (store);
      assert_actionable (error, code);
      /* CREATE must never "repair" someone's file by replacing it, nor start over with a new
       * key on top of the data. */
      after = file_checksum (path);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
assert_refused_as_corrupt (const char *path)
{
  g_autofree char *before = file_checksum (path);

  assert_open_refused (path, before, PD_STORE_ERROR_CORRUPT);
}

static void
test_random_bytes (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *noise = g_build_filename (dir, "noise.db", NULL);
  g_autofree char *fake = g_build_filename (dir, "fake-header.db", NULL);
  g_autofree char *text = g_build_filename (dir, "text.db", NULL);
  g_autoptr(GError) error = NULL;

  write_random_file (noise, 256 * 1024, NULL);
  assert_refused_as_corrupt (noise);

  write_random_file (fake, 64 * 1024, "SQLite format 3");
  assert_refused_as_corrupt (fake);

  g_file_set_contents (text, "Họ và tên,Số định danh\nNguyễn Văn An,001090123456\n", -1, &error);
  g_assert_no_error (error);
  assert_refused_as_corrupt (text);
}

/* The b-tree page of the biggest table in the middle of the file: the dossiers. */
static gint64
pick_data_page (const char *path,
                gint64     *page_size)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *table = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *page = NULL;
  g_autofree char *size = raw_query_text (db, "PRAGMA page_size");

  table = raw_query_text (db,
                          "SELECT name FROM dbstat WHERE name IN "
                          "(SELECT name FROM sqlite_schema WHERE type = 'table') "
                          "GROUP BY name ORDER BY count(*) DESC LIMIT 1");
  g_assert_nonnull (table);
  sql = sqlite3_mprintf ("SELECT pageno FROM dbstat WHERE name = %Q AND pagetype = 'leaf' "
                         "ORDER BY pageno LIMIT 1 OFFSET "
                         "(SELECT count(*) / 2 FROM dbstat WHERE name = %Q AND pagetype = 'leaf')",
                         table, table);
  page = raw_query_text (db, sql);
  sqlite3_free (g_steal_pointer (&sql));
  sqlite3_close (db);
  g_assert_nonnull (page);
  g_test_message ("damaging page %s of table %s", page, table);
  *page_size = g_ascii_strtoll (size, NULL, 10);
  return g_ascii_strtoll (page, NULL, 10);
}

static void
test_damaged_page (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "damaged.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint8 *garbage = NULL;
  gint64 page, page_size;
  FILE *file;

  store = create_store (path);
  save_numbered (store, 0, 600);
  g_clear_object (&store);
  raw_checkpoint (path);

  page = pick_data_page (path, &page_size);
  garbage = g_malloc (page_size);
  for (gint64 i = 0; i < page_size; i++)
    garbage[i] = g_rand_int (rand) & 0xff;
  file = fopen (path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseeko (file, (page - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, page_size, file), ==, page_size);
  g_assert_cmpint (fclose (file), ==, 0);

  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  if (store == NULL)
    {
      assert_actionable (error, PD_STORE_ERROR_CORRUPT);
      return;
    }

  /* The store did not check the file when opening it: then reading the dossiers must
   * stumble on the damage and say so, never crash or return garbage silently. */
  g_test_message ("the store opened the damaged file; reading everything");
  {
    gboolean detected = FALSE;
    g_autoptr(GPtrArray) all = pd_store_list (store, PD_STATUS_INVALID, 0, 0, &error);

    if (all == NULL)
      {
        assert_actionable (error, PD_STORE_ERROR_CORRUPT);
        detected = TRUE;
        g_clear_error (&error);
      }
    for (guint n = 0; n < 600 && !detected; n++)
      {
        g_autofree char *code = g_strdup_printf ("FAULTS-%06u", n);
        g_autoptr(GPtrArray) found = pd_store_find_by_declaration_code (store, code, &error);

        if (found == NULL)
          {
            assert_actionable (error, PD_STORE_ERROR_CORRUPT);
            detected = TRUE;
            g_clear_error (&error);
          }
        else if (found->len == 1)
          {
            g_autoptr(PdDossier) expected = make_numbered_dossier (n);

            pd_test_assert_same_fields (expected, g_ptr_array_index (found, 0));
          }
      }
    g_assert_true (detected);
  }
}

/* --- a newer Passdesk's file ------------------------------------------------------- */

static void
test_newer_schema (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *before = NULL;
  g_autofree char *version = NULL;
  g_autofree char *bump = NULL;
  g_autoptr(PdStore) store = create_store (path);
  sqlite3 *db;

  save_numbered (store, 0, 3);
  g_clear_object (&store);

  db = raw_open (path);
  version = raw_query_text (db, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (PD_STORE_SCHEMA_VERSION));
  bump = g_strdup_printf ("PRAGMA user_version = %d", PD_STORE_SCHEMA_VERSION + 1);
  raw_exec (db, bump);
  sqlite3_close (db);
  raw_checkpoint (path);
  before = file_checksum (path);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      struct stat st;

      store = pd_store_open (path, i == 0 ? PD_STORE_OPEN_NONE : PD_STORE_OPEN_CREATE, &error);
      g_assert_null (store);
      assert_actionable (error, PD_STORE_ERROR_NEWER_SCHEMA);

      after = file_checksum (path);
      g_assert_cmpstr (before, ==, after);
      /* Nor any change waiting in the log. */
      if (g_stat (wal, &st) == 0)
        g_assert_cmpint (st.st_size, ==, 0);
    }
}

/* --- another program holds the lock ------------------------------------------------ */

/* Runs in a child process: takes the write lock, says "locked", releases at end of stdin. */
static int
run_lock_holder (const char *path)
{
  sqlite3 *db = NULL;
  char buf[16];

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
      || sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_printerr ("lock holder: %s\n", sqlite3_errmsg (db));
      return 2;
    }
  printf ("locked\n");
  fflush (stdout);
  while (read (STDIN_FILENO, buf, sizeof buf) > 0)
    ;
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return 0;
}

typedef struct {
  GPid pid;
  int  in_fd;
} LockHolder;

static void
lock_holder_start (LockHolder *holder,
                   const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "--hold-lock", path, NULL };
  int out_fd = -1;
  char buf[16] = { 0 };
  struct pollfd pfd;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &holder->pid, &holder->in_fd, &out_fd,
                                           NULL, &error));
  g_assert_no_error (error);
  pfd = (struct pollfd) { out_fd, POLLIN, 0 };
  g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
  g_assert_cmpint (read (out_fd, buf, sizeof buf - 1), >, 0);
  g_assert_cmpstr (buf, ==, "locked\n");
  close (out_fd);
}

static void
lock_holder_release (LockHolder *holder)
{
  int status = 0;

  close (holder->in_fd);
  g_assert_cmpint (waitpid (holder->pid, &status, 0), ==, holder->pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (holder->pid);
}

static void
assert_save_locked (PdStore *store,
                    double   expected_wait)
{
  g_autoptr(PdDossier) dossier = make_numbered_dossier (900);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  g_assert_false (pd_store_save (store, dossier, ACTOR, &error));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("save gave up after %.2f s", seconds);
  assert_actionable (error, PD_STORE_ERROR_LOCKED);
  /* It waited for the other program (the busy timeout), but not indefinitely. */
  g_assert_cmpfloat (seconds, >=, expected_wait * 0.9);
  g_assert_cmpfloat (seconds, <, expected_wait + 5.0);
  /* Nothing half-saved. */
  g_assert_cmpint (pd_dossier_get_id (dossier), ==, 0);
}

static void
test_locked (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "locked.db", NULL);
  g_autoptr(PdStore) store = create_store (path);
  g_autoptr(PdDossier) after = make_numbered_dossier (901);
  g_autoptr(GError) error = NULL;
  LockHolder holder;

  save_numbered (store, 0, 5);
  pd_store_set_busy_timeout (store, 1000);

  /* Locked while the store is open. */
  lock_holder_start (&holder, path);
  assert_save_locked (store, 1.0);
  lock_holder_release (&holder);
  g_assert_true (pd_store_save (store, after, ACTOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 6);
  g_clear_object (&store);

  /* Locked before the store is opened: reading may work (WAL), writing must wait then fail. */
  lock_holder_start (&holder, path);
  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  if (store == NULL)
    {
      assert_actionable (error, PD_STORE_ERROR_LOCKED);
      g_clear_error (&error);
    }
  else
    {
      g_assert_cmpint (pd_store_count (store, NULL), ==, 6);
      assert_save_locked (store, 5.0);
    }
  lock_holder_release (&holder);
  if (store == NULL)
    store = create_store (path);
  g_clear_object (&after);
  after = make_numbered_dossier (902);
  g_assert_true (pd_store_save (store, after, ACTOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 7);
  g_assert_true (pd_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
}

/* --- a full disk ------------------------------------------------------------------- */

typedef struct {
  gint64  dossier_id;
  guint   n;
  gint64  attachment_id;
  GBytes *scan;
} Saved;

static void
saved_free (gpointer data)
{
  Saved *saved = data;

  g_bytes_unref (saved->scan);
  g_free (saved);
}

static GBytes *
random_scan (GRand *rand,
             gsize  length)
{
  guint32 *words = g_malloc (length);

  /* Incompressible, like a JPEG. */
  for (gsize i = 0; i < length / 4; i++)
    words[i] = g_rand_int (rand);
  return g_bytes_new_take (words, length);
}

/* Saves a dossier with a scan; on failure returns FALSE with @error set. */
static gboolean
save_with_scan (PdStore    *store,
                GRand      *rand,
                guint       n,
                GPtrArray  *saved,
                GError    **error)
{
  g_autoptr(PdDossier) dossier = make_numbered_dossier (n);
  g_autoptr(GBytes) scan = random_scan (rand, 384 * 1024);
  Saved *s;
  gint64 attachment_id;

  if (!pd_store_save (store, dossier, ACTOR, error))
    {
      g_assert_cmpint (pd_dossier_get_id (dossier), ==, 0);
      return FALSE;
    }
  s = g_new0 (Saved, 1);
  s->dossier_id = pd_dossier_get_id (dossier);
  s->n = n;
  g_ptr_array_add (saved, s);

  attachment_id = pd_store_add_attachment (store, s->dossier_id, "id_card_front", "image/jpeg",
                                           scan, ACTOR, error);
  if (attachment_id <= 0)
    return FALSE;
  s->attachment_id = attachment_id;
  s->scan = g_bytes_ref (scan);
  return TRUE;
}

static void
assert_all_saved_intact (PdStore   *store,
                         GPtrArray *saved)
{
  for (guint i = 0; i < saved->len; i++)
    {
      Saved *s = g_ptr_array_index (saved, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(PdDossier) expected = make_numbered_dossier (s->n);
      g_autoptr(PdDossier) actual = pd_store_get (store, s->dossier_id, &error);

      g_assert_no_error (error);
      pd_test_assert_same_fields (expected, actual);
      if (s->scan)
        {
          g_autofree char *kind = NULL;
          g_autofree char *mime_type = NULL;
          g_autoptr(GBytes) data = pd_store_get_attachment (store, s->attachment_id, &kind,
                                                            &mime_type, &error);

          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (data, s->scan));
          g_assert_cmpstr (kind, ==, "id_card_front");
          g_assert_cmpstr (mime_type, ==, "image/jpeg");
        }
    }
}

/* A private mount namespace, so that the small file system vanishes with this process
 * whatever happens; FALSE when we may not mount (not root). */
static gboolean
mount_small_tmpfs (const char *where,
                   const char *size)
{
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0700", size);

  if (unshare (CLONE_NEWNS) != 0)
    return FALSE;
  /* In a chroot "/" is no mount point: make the folder one of its own, private instead. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 &&
      (mount (where, where, NULL, MS_BIND, NULL) != 0 ||
       mount (NULL, where, NULL, MS_PRIVATE, NULL) != 0))
    return FALSE;
  return mount ("passdesk-test", where, "tmpfs", 0, options) == 0;
}

static void
disk_full_child (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *mnt = g_build_filename (dir, "small", NULL);
  g_autofree char *path = g_build_filename (mnt, "full.db", NULL);
  g_autofree char *filler = g_build_filename (mnt, "filler", NULL);
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (saved_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(PdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean on_tmpfs;
  guint n;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  on_tmpfs = mount_small_tmpfs (mnt, "16m");
  if (on_tmpfs)
    {
      g_autoptr(GBytes) fill = random_scan (rand, 3 * 1024 * 1024);

      g_file_set_contents (filler, g_bytes_get_data (fill, NULL), g_bytes_get_size (fill), &error);
      g_assert_no_error (error);
    }
  else
    {
      struct rlimit limit;

      /* Only the soft limit: lowering the hard one could not be undone without
       * CAP_SYS_RESOURCE, and the store must be shown to work again once there is room. */
      g_test_message ("cannot mount a tmpfs here; limiting the file size instead");
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      limit.rlim_cur = 12 * 1024 * 1024;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    }

  store = create_store (path);
  for (n = 0; n < 200; n++)
    if (!save_with_scan (store, rand, n, saved, &error))
      break;
  g_test_message ("disk full after %u dossiers with scans", saved->len);
  g_assert_cmpuint (n, <, 200);
  g_assert_cmpuint (saved->len, >, 3);
  assert_actionable (error, PD_STORE_ERROR_FULL);
  g_clear_error (&error);

  /* More attempts on the full disk: each either fits in what a rolled-back transaction
   * left or fails the same way; the store is not wedged in a half-open transaction. */
  for (guint i = 0; i < 5; i++)
    if (!save_with_scan (store, rand, 1000 + i, saved, &error))
      {
        assert_actionable (error, PD_STORE_ERROR_FULL);
        g_clear_error (&error);
      }

  assert_all_saved_intact (store, saved);
  assert_integrity_ok (path);
  g_assert_true (pd_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);

  /* Make room: the same store works again. */
  if (on_tmpfs)
    g_assert_cmpint (g_remove (filler), ==, 0);
  else
    {
      struct rlimit limit;

      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      limit.rlim_cur = limit.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    }
  g_assert_true (save_with_scan (store, rand, 2000, saved, &error));
  g_assert_no_error (error);
  g_assert_true (save_with_scan (store, rand, 2001, saved, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  store = create_store (path);
  assert_all_saved_intact (store, saved);
  g_assert_true (pd_store_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  assert_integrity_ok (path);
  if (on_tmpfs)
    g_assert_cmpint (umount2 (mnt, MNT_DETACH), ==, 0);
}

static void
test_disk_full (void)
{
  if (g_test_subprocess ())
    {
      disk_full_child ();
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- the keyring ------------------------------------------------------------------- */

static void
keyring_unavailable_child (void)
{
  const char *path = g_getenv ("PASSDESK_FAULTS_DB");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dead = g_build_filename (dir, "no-bus", NULL);
  g_autofree char *address = g_strconcat ("unix:path=", dead, NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = NULL;

  /* Before libsecret first connects, so that it meets a dead bus. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_null (store);
  assert_actionable (error, PD_STORE_ERROR_KEYRING);
  g_clear_error (&error);

  store = pd_store_open (fresh, PD_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  assert_actionable (error, PD_STORE_ERROR_KEYRING);
  /* No file without its key: it could never be opened. */
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

static void
test_keyring_unavailable (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "keyring.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      keyring_unavailable_child ();
      return;
    }

  store = create_store (path);
  save_numbered (store, 0, 10);
  g_clear_object (&store);
  raw_checkpoint (path);
  before = file_checksum (path);

  g_setenv ("PASSDESK_FAULTS_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);

  /* With the keyring back, everything is there. */
  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 10);
  for (guint n = 0; n < 10; n++)
    {
      g_autofree char *code = g_strdup_printf ("FAULTS-%06u", n);
      g_autoptr(GPtrArray) found = pd_store_find_by_declaration_code (store, code, &error);
      g_autoptr(PdDossier) expected = make_numbered_dossier (n);

      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
      pd_test_assert_same_fields (expected, g_ptr_array_index (found, 0));
    }
}

static void
test_key_missing (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "lost-key.db", NULL);
  g_autofree char *store_id = NULL;
  g_autofree char *before = NULL;
  g_autoptr(PdStore) store = create_store (path);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;

  save_numbered (store, 0, 4);
  store_id = g_strdup (pd_store_get_store_id (store));
  g_assert_nonnull (store_id);
  g_clear_object (&store);
  raw_checkpoint (path);
  before = file_checksum (path);

  key = pd_secrets_lookup (PD_STORE_SECRET_KIND, store_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_true (pd_secrets_clear (PD_STORE_SECRET_KIND, store_id, NULL, &error));
  g_assert_no_error (error);

  assert_open_refused (path, before, PD_STORE_ERROR_KEYRING);

  /* Putting the key back (e.g. restoring the keyring from a backup) brings the data back. */
  g_assert_true (pd_secrets_store (PD_STORE_SECRET_KIND, store_id, "Passdesk test key",
                                   g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                                   NULL, &error));
  g_assert_no_error (error);
  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 4);
}

static void
test_wrong_key (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "wrong-key.db", NULL);
  g_autofree char *store_id = NULL;
  g_autofree char *before = NULL;
  g_autoptr(PdStore) store = create_store (path);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  guint8 other[32];

  save_numbered (store, 0, 4);
  store_id = g_strdup (pd_store_get_store_id (store));
  g_clear_object (&store);
  raw_checkpoint (path);
  before = file_checksum (path);

  key = pd_secrets_lookup (PD_STORE_SECRET_KIND, store_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpuint (g_bytes_get_size (key), ==, sizeof other);
  memcpy (other, g_bytes_get_data (key, NULL), sizeof other);
  other[0] ^= 0x01;
  g_assert_true (pd_secrets_store (PD_STORE_SECRET_KIND, store_id, "Passdesk test key",
                                   other, sizeof other, NULL, &error));
  g_assert_no_error (error);

  assert_open_refused (path, before, PD_STORE_ERROR_WRONG_KEY);

  g_assert_true (pd_secrets_store (PD_STORE_SECRET_KIND, store_id, "Passdesk test key",
                                   g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                                   NULL, &error));
  g_assert_no_error (error);
  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 4);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--hold-lock"))
    return run_lock_holder (argv[2]);

  pd_test_init (&argc, &argv);
  g_test_add_func ("/store/faults/random-bytes", test_random_bytes);
  g_test_add_func ("/store/faults/damaged-page", test_damaged_page);
  g_test_add_func ("/store/faults/newer-schema", test_newer_schema);
  g_test_add_func ("/store/faults/locked", test_locked);
  g_test_add_func ("/store/faults/disk-full", test_disk_full);
  g_test_add_func ("/store/faults/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/store/faults/key-missing", test_key_missing);
  g_test_add_func ("/store/faults/wrong-key", test_wrong_key);
  return g_test_run ();
}
