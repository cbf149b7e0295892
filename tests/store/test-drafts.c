/* test-drafts.c: the forms' drafts in the store: kept across reopening, replaced, discarded, sealed. */
#define _GNU_SOURCE  /* memmem() */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "pd-store.h"
#include "pd-test-support.h"

#define NAME  "Trần Thị Bảnnháp"
#define PHONE "0911222333"

static char *
new_store_path (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();

  return g_build_filename (dir, "passdesk.db", NULL);
}

static GBytes *
draft_text (const char *name)
{
  char *text = g_strdup_printf ("{\"full_name\":\"%s\",\"phone\":\"%s\"}", name, PHONE);

  return g_bytes_new_take (text, strlen (text));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  static const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (file, &contents, &length, NULL) &&
          memmem (contents, length, needle, strlen (needle)) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_round_trip (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = draft_text (NAME);
  g_autoptr(GBytes) second = draft_text ("Lê Văn Sau");
  gint64 saved_at = 0;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  {
    g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
    g_autoptr(GBytes) none = NULL;

    g_assert_no_error (error);
    none = pd_store_load_draft (store, "form", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (none);
    g_assert_true (pd_store_save_draft (store, "form", first, &error));
    g_assert_no_error (error);
  }
  {
    /* Reopened, as after a crash or a restart. */
    g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
    g_autoptr(GBytes) loaded = NULL;
    g_autoptr(GBytes) replaced = NULL;
    g_autoptr(GBytes) other = NULL;

    g_assert_no_error (error);
    loaded = pd_store_load_draft (store, "form", &saved_at, &error);
    g_assert_no_error (error);
    g_assert_nonnull (loaded);
    g_assert_true (g_bytes_equal (loaded, first));
    g_assert_cmpint (saved_at, >=, before);
    g_assert_cmpint (saved_at, <=, g_get_real_time () / G_USEC_PER_SEC);

    /* One draft per form: the newest replaces it; another form's slot is its own. */
    g_assert_true (pd_store_save_draft (store, "form", second, &error));
    replaced = pd_store_load_draft (store, "form", NULL, &error);
    g_assert_true (g_bytes_equal (replaced, second));
    other = pd_store_load_draft (store, "other", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (other);

    g_assert_true (pd_store_discard_draft (store, "form", &error));
    g_assert_no_error (error);
    g_clear_pointer (&replaced, g_bytes_unref);
    replaced = pd_store_load_draft (store, "form", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (replaced);
    /* Discarding again is no error. */
    g_assert_true (pd_store_discard_draft (store, "form", &error));
  }
}

/* The personal data of a draft is sealed like a dossier's: neither the file nor its WAL has
 * it in the clear, and a draft moved to another slot by hand does not open. */
static void
test_sealed (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(GBytes) content = draft_text (NAME);
  g_autoptr(GBytes) moved = NULL;
  sqlite3 *raw = NULL;

  g_assert_no_error (error);
  g_assert_true (pd_store_save_draft (store, "form", content, &error));
  g_assert_no_error (error);
  /* The test can fail: the needles are there before sealing. */
  g_assert_nonnull (memmem (g_bytes_get_data (content, NULL), g_bytes_get_size (content), PHONE, strlen (PHONE)));
  g_assert_false (file_contains (path, NAME));
  g_assert_false (file_contains (path, PHONE));
  g_assert_false (file_contains (path, "Bảnnháp"));

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE drafts SET slot = 'moved'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  moved = pd_store_load_draft (store, "moved", NULL, &error);
  g_assert_null (moved);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_WRONG_KEY);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (pd_store_save_draft_finish (PD_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_async (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(GBytes) content = draft_text (NAME);
  g_autoptr(GBytes) loaded = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  pd_store_save_draft_async (store, "form", content, NULL, saved_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  loaded = pd_store_load_draft (store, "form", NULL, &error);
  g_assert_true (g_bytes_equal (loaded, content));
}

int
main (int    argc,
      char **argv)
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/store/drafts/round-trip", test_round_trip);
  g_test_add_func ("/store/drafts/sealed", test_sealed);
  g_test_add_func ("/store/drafts/async", test_async);
  return g_test_run ();
}
