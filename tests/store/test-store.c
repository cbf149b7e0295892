/* test-store.c: the encrypted store, on a real SQLite file and the session's real keyring. */
#define _GNU_SOURCE  /* memmem() */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-secrets.h"
#include "pd-store.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-text.h"
#include "pd-uuid.h"

#define ACTOR "test-officer"
#define DAY   (24 * 60 * 60)

static char *
new_store_path (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();

  return g_build_filename (dir, "sub", "passdesk.db", NULL);
}

static PdStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static PdDossier *
save_new (PdStore    *store,
          const char *name,
          const char *id_number)
{
  g_autoptr(GError) error = NULL;
  PdDossier *dossier = pd_test_make_dossier (name, id_number);

  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_id (dossier), >, 0);
  return dossier;
}

/* A value of the right shape for every field, with characters JSON must escape in the free
 * text ones. */
static PdDossier *
make_full_dossier (void)
{
  PdDossier *dossier = pd_dossier_new ();

  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      const PdFieldInfo *info = pd_field_get_info (f);
      g_autofree char *text = NULL;

      switch (info->kind)
        {
        case PD_FIELD_KIND_NAME:
          text = g_strdup_printf ("Nguyễn Thị Ánh %c", 'A' + f % 26);
          break;
        case PD_FIELD_KIND_DATE:
          text = g_strdup_printf ("19%02d-0%d-1%d", 50 + f % 40, 1 + f % 9, f % 10);
          break;
        case PD_FIELD_KIND_ID_NUMBER:
          text = g_strdup_printf ("0011900%05d", f);
          break;
        case PD_FIELD_KIND_PHONE:
          text = g_strdup_printf ("09876%05d", f);
          break;
        case PD_FIELD_KIND_EMAIL:
          text = g_strdup ("anh.tuyet@example.vn");
          break;
        case PD_FIELD_KIND_SEX:
          text = g_strdup (f == PD_FIELD_SEX ? "F" : "M");
          break;
        case PD_FIELD_KIND_PROVINCE:
          text = g_strdup ("01");
          break;
        case PD_FIELD_KIND_COMMUNE:
          text = g_strdup ("00070");
          break;
        case PD_FIELD_KIND_ETHNIC_GROUP:
          text = g_strdup ("02");
          break;
        case PD_FIELD_KIND_CHOICE:
          text = g_strdup (info->choices[1].value ? info->choices[1].value : info->choices[0].value);
          break;
        case PD_FIELD_KIND_NUMBER:
          text = g_strdup_printf ("%d", 100 + f);
          break;
        case PD_FIELD_KIND_TEXT:
        default:
          text = g_strdup_printf ("%s: “quoted” \"plain\" back\\slash \u00e9 %d", info->key, f);
          break;
        }
      pd_dossier_set_field (dossier, f, text);
    }
  return dossier;
}

static void
test_round_trip (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = make_full_dossier ();
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(PdDossier) by_uuid = NULL;
  g_autoptr(GBytes) photo = g_bytes_new_static ("\xff\xd8\xff\xe0 fake jpeg", 15);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  gint64 id;

  g_assert_nonnull (pd_store_get_store_id (store));
  g_assert_cmpint (pd_store_count (store, &error), ==, 0);

  pd_dossier_set_status (dossier, PD_STATUS_ON_HOLD);
  pd_dossier_set_status_reason (dossier, "waiting for the birth certificate");
  pd_dossier_set_photo (dossier, photo);
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  g_assert_no_error (error);
  id = pd_dossier_get_id (dossier);
  uuid = g_strdup (pd_dossier_get_uuid (dossier));
  g_assert_cmpint (id, >, 0);
  g_assert_true (g_uuid_string_is_valid (uuid));
  g_assert_cmpint (pd_dossier_get_created_at (dossier), >, 0);
  g_assert_cmpint (pd_store_count (store, &error), ==, 1);

  back = pd_store_get (store, id, &error);
  g_assert_no_error (error);
  pd_test_assert_same_fields (dossier, back);
  g_assert_cmpstr (pd_dossier_get_uuid (back), ==, uuid);
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_ON_HOLD);
  g_assert_cmpstr (pd_dossier_get_status_reason (back), ==, "waiting for the birth certificate");
  g_assert_cmpint (pd_dossier_get_created_at (back), ==, pd_dossier_get_created_at (dossier));
  g_assert_false (pd_dossier_get_purged (back));
  g_assert_nonnull (pd_dossier_get_photo (back));
  g_assert_true (g_bytes_equal (pd_dossier_get_photo (back), photo));

  /* And after closing and opening the file again, with the key from the keyring. */
  pd_store_close (store);
  g_clear_object (&store);
  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  by_uuid = pd_store_get_by_uuid (store, uuid, &error);
  g_assert_no_error (error);
  pd_test_assert_same_fields (dossier, by_uuid);
  g_assert_cmpint (pd_dossier_get_id (by_uuid), ==, id);
  g_assert_true (g_bytes_equal (pd_dossier_get_photo (by_uuid), photo));

  g_assert_null (pd_store_get (store, id + 1000, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND);
}

static void
test_missing_file (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "none.db", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (pd_store_open (path, PD_STORE_OPEN_NONE, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_update_and_history (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Lê Văn Tám", "001090000111");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = pd_dossier_get_id (dossier);
  PdStatusChange *change;

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Lê Văn Bảy");
  pd_dossier_set_field (dossier, PD_FIELD_PHONE, "0911000111");
  pd_dossier_set_status (dossier, PD_STATUS_ON_HOLD);
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_id (dossier), ==, id);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 1);

  back = pd_store_get (store, id, &error);
  g_assert_no_error (error);
  pd_test_assert_same_fields (dossier, back);
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_ON_HOLD);
  g_assert_true (pd_store_accept (store, id, ACTOR, &error));

  /* The name index follows the new name. */
  found = pd_store_search_name (store, "tam", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "le van bay", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);

  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_SENT, "sync", NULL, &error));
  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_REJECTED, "sync", "photo refused", &error));
  g_assert_no_error (error);

  history = pd_store_get_status_history (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 5);
  g_assert_cmpint (((PdStatusChange *) history->pdata[0])->status, ==, PD_STATUS_DRAFT);
  g_assert_cmpint (((PdStatusChange *) history->pdata[1])->status, ==, PD_STATUS_ON_HOLD);
  g_assert_cmpint (((PdStatusChange *) history->pdata[2])->status, ==, PD_STATUS_ACCEPTED);
  g_assert_cmpint (((PdStatusChange *) history->pdata[3])->status, ==, PD_STATUS_SENT);
  change = history->pdata[4];
  g_assert_cmpint (change->status, ==, PD_STATUS_REJECTED);
  g_assert_cmpstr (change->actor, ==, "sync");
  g_assert_cmpstr (change->reason, ==, "photo refused");
  g_assert_cmpint (change->at, >, 0);

  g_clear_object (&back);
  back = pd_store_get (store, id, &error);
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_REJECTED);
  g_assert_cmpstr (pd_dossier_get_status_reason (back), ==, "photo refused");

  g_assert_false (pd_store_set_status (store, id, (PdStatus) 42, ACTOR, NULL, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pd_store_set_status (store, id + 99, PD_STATUS_SENT, ACTOR, NULL, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND);
}

static void
test_id_lookup (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) first = save_new (store, "Phạm Minh Chính", "001085004321");
  g_autoptr(PdDossier) other = save_new (store, "Vũ Thị Hoa", "079190000222");
  g_autoptr(PdDossier) again = save_new (store, "Phạm Minh Chính", "001085004321");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  found = pd_store_find_by_id_number (store, "001 085 004 321", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  /* Newest first. */
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (again));
  g_assert_cmpint (pd_dossier_get_id (found->pdata[1]), ==, pd_dossier_get_id (first));
  g_assert_cmpstr (pd_dossier_get_field (found->pdata[0], PD_FIELD_FULL_NAME), ==, "Phạm Minh Chính");
  g_clear_pointer (&found, g_ptr_array_unref);

  found = pd_store_find_by_id_number (store, "079190000222", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (other));
  g_clear_pointer (&found, g_ptr_array_unref);

  found = pd_store_find_by_id_number (store, "079190000223", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_declaration_code (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Đỗ Hùng", "001090000333");
  g_autoptr(PdDossier) plain = save_new (store, "Đỗ Dũng", "001090000334");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, "HS-2026-000123");
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  found = pd_store_find_by_declaration_code (store, "HS-2026-000123", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (dossier));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_find_by_declaration_code (store, "HS-2026-000124", &error);
  g_assert_cmpuint (found->len, ==, 0);
}

static gboolean
contains_id (GPtrArray *dossiers,
             PdDossier *dossier)
{
  for (guint i = 0; i < dossiers->len; i++)
    if (pd_dossier_get_id (dossiers->pdata[i]) == pd_dossier_get_id (dossier))
      return TRUE;
  return FALSE;
}

static void
test_name_search (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autofree char *nfd = g_utf8_normalize ("NGUYỄN VĂN AN", -1, G_NORMALIZE_NFD);
  g_autoptr(PdDossier) an = save_new (store, "Nguyễn Văn An", "001090000001");
  g_autoptr(PdDossier) anh = save_new (store, "Nguyễn Văn Anh", "001090000002");
  g_autoptr(PdDossier) tran_an = save_new (store, "Trần Thị An", "001090000003");
  g_autoptr(PdDossier) upper_an = save_new (store, nfd, "001090000004");
  g_autoptr(PdDossier) duc = save_new (store, "Đặng Đức Thắng", "001090000005");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  found = pd_store_search_name (store, "nguyen van an", 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (contains_id (found, an));
  g_assert_true (contains_id (found, upper_an));
  g_assert_false (contains_id (found, anh));
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Whole words only: "an" is not a prefix search for "Anh". */
  found = pd_store_search_name (store, "an", 50, &error);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_false (contains_id (found, anh));
  g_assert_true (contains_id (found, tran_an));
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Any order, any case, with or without diacritics; đ folds to d. */
  found = pd_store_search_name (store, "AN Nguyễn", 50, &error);
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "dang duc", 50, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (contains_id (found, duc));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "nguyen", 50, &error);
  g_assert_cmpuint (found->len, ==, 3);
  /* Newest first. */
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (upper_an));
  g_clear_pointer (&found, g_ptr_array_unref);

  found = pd_store_search_name (store, "nguyen thi", 50, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "  ", 50, &error);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_search_limit (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("0010900%05u", i);

      g_ptr_array_add (batch, pd_test_make_dossier (i % 2 ? "Hoàng Văn Bình" : "Hoàng Thị Bình", id));
    }
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                       ACTOR, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < batch->len; i++)
    g_assert_cmpint (pd_dossier_get_id (batch->pdata[i]), >, 0);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 30);

  found = pd_store_search_name (store, "hoang binh", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 10);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (batch->pdata[29]));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "hoang van binh", 0, &error);
  g_assert_cmpuint (found->len, ==, 15);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* insert_many is all or nothing: a dossier already saved makes the whole batch fail. */
  g_assert_false (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, 2, ACTOR, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 30);
}

/* The unix milliseconds of a version 7 UUID, after checking its shape. */
static gint64
uuid_v7_time (const char *uuid)
{
  gint64 ms = 0;

  g_assert_true (g_uuid_string_is_valid (uuid));
  g_assert_cmpint (uuid[14], ==, '7');
  g_assert_nonnull (strchr ("89ab", uuid[19]));
  for (const char *c = uuid; *c; c++)
    g_assert_false (g_ascii_isupper (*c));
  for (guint i = 0; i < 13; i++)
    if (uuid[i] != '-')
      ms = ms << 4 | g_ascii_xdigit_value (uuid[i]);
  return ms;
}

static gpointer
make_uuids (gpointer data)
{
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < GPOINTER_TO_UINT (data); i++)
    g_ptr_array_add (uuids, pd_uuid_new_v7 ());
  return uuids;
}

static void
test_uuid_v7 (void)
{
  enum { N = 20000, N_THREADS = 4 };
  gint64 before = g_get_real_time () / 1000;
  g_autoptr(GPtrArray) uuids = make_uuids (GUINT_TO_POINTER (N));
  gint64 after = g_get_real_time () / 1000;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GThread *threads[N_THREADS];

  /* Sorted by creation in one process, and stamped with the time they were made at: more
   * than 4096 in a millisecond may run a few milliseconds ahead, never behind. */
  for (guint i = 0; i < uuids->len; i++)
    {
      gint64 ms = uuid_v7_time (uuids->pdata[i]);

      g_assert_cmpint (ms, >=, before);
      g_assert_cmpint (ms, <=, after + N / 2048 + 1);
      if (i > 0)
        g_assert_cmpint (strcmp (uuids->pdata[i - 1], uuids->pdata[i]), <, 0);
    }
  /* The random part differs from one to the next, not only the counter. */
  g_assert_cmpint (memcmp ((char *) uuids->pdata[0] + 19, (char *) uuids->pdata[1] + 19, 17), !=, 0);

  /* Distinct across threads, each thread's in order. */
  for (guint t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("uuids", make_uuids, GUINT_TO_POINTER (N / N_THREADS));
  for (guint t = 0; t < N_THREADS; t++)
    {
      g_autoptr(GPtrArray) mine = g_thread_join (threads[t]);

      g_ptr_array_set_free_func (mine, NULL);  /* the strings go to @seen */
      for (guint i = 0; i < mine->len; i++)
        {
          if (i > 0)
            g_assert_cmpint (strcmp (mine->pdata[i - 1], mine->pdata[i]), <, 0);
          g_assert_true (g_hash_table_add (seen, mine->pdata[i]));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_THREADS * (N / N_THREADS));
}

/* New dossiers get time-ordered uuids, in the order of the batch; a uuid given by the caller
 * (an import, a pulled declaration) is kept; the name keys written at the end of the batch
 * find every dossier, and go away with the rest when the batch fails. */
static void
test_insert_many_order (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  const char *given = "0b9e2f36-2d61-4c39-8a43-7f0b1d2e3c4a";
  gint64 before = g_get_real_time () / 1000;
  const char *last = NULL;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("0010910%05u", i);

      /* A repeated word gives repeated keys, which the sorted write must take once. */
      g_ptr_array_add (batch, pd_test_make_dossier (i % 2 ? "Lê Lê Văn Tám" : "Đỗ Thị Hoa", id));
    }
  pd_dossier_set_uuid (batch->pdata[7], given);
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                       ACTOR, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < batch->len; i++)
    {
      const char *uuid = pd_dossier_get_uuid (batch->pdata[i]);
      g_autoptr(PdDossier) back = pd_store_get_by_uuid (store, uuid, &error);

      g_assert_no_error (error);
      g_assert_cmpint (pd_dossier_get_id (back), ==, pd_dossier_get_id (batch->pdata[i]));
      if (i == 7)
        {
          g_assert_cmpstr (uuid, ==, given);
          continue;
        }
      g_assert_cmpint (uuid_v7_time (uuid), >=, before);
      g_assert_cmpint (uuid_v7_time (uuid), <=, g_get_real_time () / 1000 + 1);
      if (last != NULL)
        g_assert_cmpint (strcmp (last, uuid), <, 0);
      last = uuid;
    }

  found = pd_store_search_name (store, "le van tam", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 20);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "do hoa", 0, &error);
  g_assert_cmpuint (found->len, ==, 20);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The second dossier reuses the first one's uuid: nothing of the batch stays. */
  g_ptr_array_add (bad, pd_test_make_dossier ("Trịnh Công Sơn", "001091000100"));
  g_ptr_array_add (bad, pd_test_make_dossier ("Trịnh Công Sơn", "001091000101"));
  pd_dossier_set_uuid (bad->pdata[1], given);
  g_assert_false (pd_store_insert_many (store, (PdDossier * const *) bad->pdata, bad->len,
                                        ACTOR, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 40);
  g_assert_cmpint (pd_dossier_get_id (bad->pdata[0]), ==, 0);
  found = pd_store_search_name (store, "trinh son", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* And the same names saved one by one are found too. */
  g_clear_object (&bad->pdata[0]);
  bad->pdata[0] = save_new (store, "Trịnh Công Sơn", "001091000100");
  found = pd_store_search_name (store, "trinh cong son", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
}

static void
test_list (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) old = pd_test_make_dossier ("Bùi Văn Cũ", "001090000010");
  g_autoptr(PdDossier) draft = save_new (store, "Bùi Văn Mới", "001090000011");
  g_autoptr(PdDossier) accepted = save_new (store, "Bùi Thị Nhận", "001090000012");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  pd_dossier_set_created_at (old, now - 10 * DAY);
  g_assert_true (pd_store_save (store, old, ACTOR, &error));
  g_assert_cmpint (pd_dossier_get_created_at (old), ==, now - 10 * DAY);
  g_assert_true (pd_store_accept (store, pd_dossier_get_id (accepted), ACTOR, &error));

  list = pd_store_list (store, PD_STATUS_INVALID, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (pd_dossier_get_id (list->pdata[2]), ==, pd_dossier_get_id (old));
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pd_store_list (store, PD_STATUS_INVALID, now - DAY, 0, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_false (contains_id (list, old));
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pd_store_list (store, PD_STATUS_DRAFT, 0, 0, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_false (contains_id (list, accepted));
  g_assert_cmpstr (pd_dossier_get_field (list->pdata[0], PD_FIELD_FULL_NAME), !=, NULL);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pd_store_list (store, PD_STATUS_ACCEPTED, now - DAY, 1, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (pd_dossier_get_field (list->pdata[0], PD_FIELD_FULL_NAME), ==, "Bùi Thị Nhận");
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pd_store_list (store, PD_STATUS_DRAFT, 0, 1, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (contains_id (list, draft));
}

static void
test_attachments (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Hồ Thị Giấy", "001090000020");
  g_autoptr(GBytes) scan = g_bytes_new ("%PDF-1.4 front of the ID card", 29);
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *mime = NULL;
  gint64 id;

  id = pd_store_add_attachment (store, pd_dossier_get_id (dossier), "id_front", "application/pdf",
                                scan, ACTOR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  back = pd_store_get_attachment (store, id, &kind, &mime, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, scan));
  g_assert_cmpstr (kind, ==, "id_front");
  g_assert_cmpstr (mime, ==, "application/pdf");

  ids = pd_store_list_attachments (store, pd_dossier_get_id (dossier), &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id);

  g_assert_cmpint (pd_store_add_attachment (store, 9999, "photo", "image/jpeg", scan, ACTOR, &error), ==, 0);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND);
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static void
test_audit (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Kiều Văn Kiểm", "001090000030");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *raw;
  char *errmsg = NULL;
  gint64 n = 0;
  gint64 create_seq = 0;

  g_assert_true (pd_store_accept (store, pd_dossier_get_id (dossier), ACTOR, &error));
  g_assert_true (pd_store_audit (store, ACTOR, "print", pd_dossier_get_uuid (dossier),
                                 "receipt", &error));
  g_assert_true (pd_store_audit_verify (store, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, >=, 4);

  entries = pd_store_audit_list (store, 0, 0, &error);
  g_assert_cmpuint (entries->len, ==, n);
  for (guint i = 0; i < entries->len; i++)
    {
      PdAuditEntry *entry = entries->pdata[i];

      g_assert_cmpint (entry->seq, ==, i + 1);
      /* No personal data in the log. */
      g_assert_null (entry->detail ? strstr (entry->detail, "Kiều") : NULL);
      g_assert_null (entry->detail ? strstr (entry->detail, "001090000030") : NULL);
      if (g_strcmp0 (entry->action, "create") == 0)
        {
          g_assert_cmpstr (entry->subject, ==, pd_dossier_get_uuid (dossier));
          create_seq = entry->seq;
        }
    }
  g_assert_cmpint (create_seq, >, 0);
  g_assert_cmpstr (((PdAuditEntry *) entries->pdata[n - 1])->action, ==, "print");
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = pd_store_audit_list (store, n - 1, 5, &error);
  g_assert_cmpuint (entries->len, ==, 1);

  /* The triggers refuse changes to the log... */
  raw = open_raw (path);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE audit SET actor = 'someone else'", NULL, NULL, &errmsg),
                   !=, SQLITE_OK);
  g_assert_nonnull (strstr (errmsg, "append-only"));
  sqlite3_free (errmsg);
  g_assert_cmpint (sqlite3_exec (raw, "DELETE FROM audit", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_true (pd_store_audit_verify (store, NULL, &error));

  /* ...and a tamperer who drops them is caught by the chain, at the row changed. */
  {
    g_autofree char *tamper =
      g_strdup_printf ("DROP TRIGGER audit_no_update;"
                       "UPDATE audit SET actor = 'someone else' WHERE seq = %" G_GINT64_FORMAT,
                       create_seq);

    g_assert_cmpint (sqlite3_exec (raw, tamper, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_close (raw);

  g_assert_false (pd_store_audit_verify (store, &n, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
  {
    g_autofree char *row = g_strdup_printf ("entry %" G_GINT64_FORMAT, create_seq);

    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, row));
  }
  g_assert_cmpint (n, ==, create_seq - 1);
}

static void
test_audit_deleted_row (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) a = save_new (store, "Mạc Văn Một", "001090000031");
  g_autoptr(PdDossier) b = save_new (store, "Mạc Văn Hai", "001090000032");
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = open_raw (path);

  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_no_delete;"
                                 "DELETE FROM audit WHERE seq = (SELECT max (seq) FROM audit) - 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_false (pd_store_audit_verify (store, NULL, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
}

/* A rejection waits for an officer: counted and listed until handled with a note (audited);
 * a new status, a second rejection too, is news again. */
static void
test_rejection_handled (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) rejected = save_new (store, "Lê Thị Bị", "001190000051");
  g_autoptr(PdDossier) received = save_new (store, "Lê Văn Nhận", "001090000052");
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = pd_dossier_get_id (rejected);
  guint n_handled = 0;

  for (guint i = 0; i < 2; i++)
    {
      gint64 each = pd_dossier_get_id (i == 0 ? rejected : received);

      g_assert_true (pd_store_accept (store, each, ACTOR, &error));
      g_assert_true (pd_store_apply_central_status (store, each, PD_STATUS_SENT, "sync", NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (pd_store_count_unhandled_rejections (store, &error), ==, 0);
  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_REJECTED, "sync", "photo refused", &error));
  g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (received), PD_STATUS_RECEIVED,
                                                "sync", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count_unhandled_rejections (store, &error), ==, 1);
  listed = pd_store_list_unhandled_rejections (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (pd_dossier_get_uuid (g_ptr_array_index (listed, 0)), ==, pd_dossier_get_uuid (rejected));
  g_assert_cmpstr (pd_dossier_get_status_reason (g_ptr_array_index (listed, 0)), ==, "photo refused");
  g_assert_cmpstr (pd_dossier_get_field (g_ptr_array_index (listed, 0), PD_FIELD_PHONE), ==, "0912345678");
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* A note is required, and only a rejection can be handled. */
  g_assert_false (pd_store_handle_rejection (store, id, ACTOR, "  ", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pd_store_handle_rejection (store, pd_dossier_get_id (received), ACTOR, "called", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (pd_store_count_unhandled_rejections (store, &error), ==, 1);

  g_assert_true (pd_store_handle_rejection (store, id, ACTOR, "called, new photo on Monday", &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count_unhandled_rejections (store, &error), ==, 0);
  listed = pd_store_list_unhandled_rejections (store, 0, &error);
  g_assert_cmpuint (listed->len, ==, 0);
  g_clear_pointer (&listed, g_ptr_array_unref);
  audit = pd_store_audit_list (store, 0, 1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      PdAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, "rejection-handled") == 0)
        {
          g_assert_cmpstr (entry->subject, ==, pd_dossier_get_uuid (rejected));
          g_assert_cmpstr (entry->actor, ==, ACTOR);
          g_assert_cmpstr (entry->detail, ==, "called, new photo on Monday");
          n_handled++;
        }
    }
  g_assert_cmpuint (n_handled, ==, 1);

  /* Rejected again, for another reason: waiting again. */
  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_REJECTED, "sync", "signature missing", &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count_unhandled_rejections (store, &error), ==, 1);
}

static void
test_purge (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) confirmed = pd_test_make_dossier ("Quách Thị Xoá", "001090000040");
  g_autoptr(PdDossier) pending = save_new (store, "Quách Văn Giữ", "001090000041");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GBytes) photo = g_bytes_new_static ("jpeg", 4);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GArray) attachments = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_purged = 99;
  gint64 id;

  g_assert_cmpuint (pd_store_get_retention_days (store), ==, 30);

  pd_dossier_set_field (confirmed, PD_FIELD_OFFICE_CODE, "HN-01");
  pd_dossier_set_field (confirmed, PD_FIELD_FEE_AMOUNT, "200000");
  pd_dossier_set_photo (confirmed, photo);
  g_assert_true (pd_store_save (store, confirmed, ACTOR, &error));
  id = pd_dossier_get_id (confirmed);
  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_SENT, "sync", NULL, &error));
  g_assert_true (pd_store_apply_central_status (store, id, PD_STATUS_RECEIVED, "sync", NULL, &error));
  g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (pending), PD_STATUS_SENT, "sync", NULL, &error));
  g_assert_no_error (error);

  /* Not yet: confirmed today, kept 30 days. */
  g_assert_true (pd_store_purge (store, 30, now + 29 * DAY, &n_purged, ACTOR, &error));
  g_assert_cmpuint (n_purged, ==, 0);

  g_assert_true (pd_store_purge (store, 30, now + 31 * DAY, &n_purged, ACTOR, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_purged, ==, 1);

  back = pd_store_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_true (pd_dossier_get_purged (back));
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_RECEIVED);
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    if (pd_field_is_personal (f))
      g_assert_null (pd_dossier_get_field (back, f));
  g_assert_null (pd_dossier_get_photo (back));
  /* The statistics record stays. */
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_SEX), ==, "M");
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_REQUEST_TYPE), ==, "first_issue");
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_OFFICE_CODE), ==, "HN-01");
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_FEE_AMOUNT), ==, "200000");

  found = pd_store_search_name (store, "quach", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (pending));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_find_by_id_number (store, "001090000040", &error);
  g_assert_cmpuint (found->len, ==, 0);
  attachments = pd_store_list_attachments (store, id, &error);
  g_assert_cmpuint (attachments->len, ==, 0);

  /* The raw row has no sealed data nor index left, and the statistics columns still work. */
  {
    sqlite3 *raw = open_raw (path);
    sqlite3_stmt *stmt = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT sealed IS NULL, id_index IS NULL, office_code,"
                                            " fee_amount, purged_at IS NOT NULL,"
                                            " (SELECT count(*) FROM name_tokens WHERE dossier_id = %"
                                            G_GINT64_FORMAT ") FROM dossiers WHERE id = %"
                                            G_GINT64_FORMAT, id, id);

    g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "HN-01");
    g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 200000);
    g_assert_cmpint (sqlite3_column_int (stmt, 4), ==, 1);
    g_assert_cmpint (sqlite3_column_int (stmt, 5), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }

  /* A purged dossier cannot be edited any more. */
  pd_dossier_set_field (back, PD_FIELD_FULL_NAME, "Someone");
  g_assert_false (pd_store_save (store, back, ACTOR, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (pd_store_audit_verify (store, NULL, &error));

  g_assert_true (pd_store_set_retention_days (store, 45, &error));
  g_assert_false (pd_store_set_retention_days (store, 0, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  pd_store_close (store);
  g_clear_object (&store);
  store = open_store (path);
  g_assert_cmpuint (pd_store_get_retention_days (store), ==, 45);
}

static void
test_settings_and_reference (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdReference) reference = pd_store_get_reference (store);
  g_autoptr(PdReference) replaced = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *value = NULL;
  g_autofree char *fresh = NULL;
  const PdReferenceEntry *entry;

  /* Seeded from the installed CSV files. */
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_PROVINCES), ==, 34);
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_COMMUNES), >, 3000);
  entry = pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, "01");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Thành phố Hà Nội");
  version = pd_store_get_reference_version (store, PD_REFERENCE_PROVINCES);
  g_assert_nonnull (version);

  g_ptr_array_add (entries, pd_reference_entry_new ("01", "Thành phố Hà Nội", NULL, "thành phố", 0));
  g_ptr_array_add (entries, pd_reference_entry_new ("99", "Tỉnh Thử Nghiệm", NULL, "tỉnh", 0));
  g_assert_true (pd_store_replace_reference (store, PD_REFERENCE_PROVINCES, "2026-07", entries, &error));
  g_assert_no_error (error);
  replaced = pd_store_get_reference (store);
  g_assert_cmpuint (pd_reference_count (replaced, PD_REFERENCE_PROVINCES), ==, 2);
  g_assert_nonnull (pd_reference_lookup (replaced, PD_REFERENCE_PROVINCES, "99"));
  g_assert_cmpuint (pd_reference_count (replaced, PD_REFERENCE_COMMUNES), >, 3000);
  /* What a caller held keeps its content. */
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_PROVINCES), ==, 34);
  fresh = pd_store_get_reference_version (store, PD_REFERENCE_PROVINCES);
  g_assert_cmpstr (fresh, ==, "2026-07");

  g_assert_null (pd_store_get_setting (store, "office_code"));
  g_assert_true (pd_store_set_setting (store, "office_code", "HN-01", &error));
  value = pd_store_get_setting (store, "office_code");
  g_assert_cmpstr (value, ==, "HN-01");
}

static void
test_wrong_key (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Tạ Văn Khoá", "001090000050");
  g_autofree char *store_id = g_strdup (pd_store_get_store_id (store));
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GError) error = NULL;
  guint8 other[32];

  pd_store_close (store);
  g_clear_object (&store);

  good = pd_secrets_lookup (PD_STORE_SECRET_KIND, store_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (good);
  g_assert_cmpuint (g_bytes_get_size (good), ==, 32);

  memset (other, 0x5a, sizeof other);
  g_assert_true (pd_secrets_store (PD_STORE_SECRET_KIND, store_id, "wrong key", other, sizeof other,
                                   NULL, &error));
  g_assert_null (pd_store_open (path, PD_STORE_OPEN_CREATE, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_WRONG_KEY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (pd_secrets_clear (PD_STORE_SECRET_KIND, store_id, NULL, &error));
  g_assert_null (pd_store_open (path, PD_STORE_OPEN_CREATE, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING);
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_clear_error (&error);

  /* The file was left alone: with its own key back, everything is there. */
  g_assert_true (pd_secrets_store (PD_STORE_SECRET_KIND, store_id, "Passdesk data key",
                                   g_bytes_get_data (good, NULL), g_bytes_get_size (good),
                                   NULL, &error));
  store = open_store (path);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 1);
}

/* With no D-Bus session there is no keyring: a clear error, and no file left behind. */
static void
test_keyring_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = pd_test_make_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "nokeyring.db", NULL);
      g_autoptr(GError) error = NULL;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/passdesk-test-bus", TRUE);
      g_assert_null (pd_store_open (path, PD_STORE_OPEN_CREATE, &error));
      g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING);
      g_assert_nonnull (strstr (error->message, "keyring"));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static gboolean
bytes_contain (GBytes     *haystack,
               const char *needle)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (haystack, &size);

  return memmem (data, size, needle, strlen (needle)) != NULL;
}

static void
assert_not_in_files (GPtrArray  *files,
                     const char *needle)
{
  for (guint i = 0; i < files->len; i++)
    if (bytes_contain (files->pdata[i], needle))
      g_error ("“%s” is in the clear in a file of the store", needle);
}

static void
read_store_files (const char *path,
                  GPtrArray  *files)
{
  static const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (file, &contents, &length, NULL))
        g_ptr_array_add (files, g_bytes_new_take (contents, length));
    }
}

/* Nothing that identifies a person may be readable in the file, its WAL or its shared memory:
 * not the names (composed, decomposed, upper case or folded), nor ID or phone numbers. */
static void
test_raw_file (void)
{
  static const char *names[] = { "Nguyễn Thị Ánh Tuyết", "Trương Quốc Khánh", "Lò Văn Pủa" };
  static const char *ids[] = { "001190054321", "038204009876", "011095001122" };
  static const char *phones[] = { "0912345670", "0987123456", "0356789012" };
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) needles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      PdDossier *dossier = pd_test_make_dossier (names[i], ids[i]);

      pd_dossier_set_field (dossier, PD_FIELD_PHONE, phones[i]);
      pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, "Nguyễn Văn Phụthân");
      pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, "Số 77 ngõ Riêngtư");
      /* Issue 18, 11: sensitive data (Decree 13/2023/NĐ-CP) is sealed like the name. */
      pd_dossier_set_field (dossier, PD_FIELD_RELIGION, "Phật giáo");
      pd_dossier_set_field (dossier, PD_FIELD_ETHNIC_GROUP, "17");
      pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "Thợ rèn Kínđáo");
      pd_dossier_set_field (dossier, PD_FIELD_BANK_NAME, "Ngân hàng Bảomật");
      g_ptr_array_add (batch, dossier);
    }
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, 2, ACTOR, &error));
  g_assert_true (pd_store_save (store, batch->pdata[2], ACTOR, &error));
  pd_dossier_set_field (batch->pdata[2], PD_FIELD_EMAIL, "khanh.truong@example.vn");
  g_assert_true (pd_store_save (store, batch->pdata[2], ACTOR, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_ptr_array_add (needles, g_strdup (names[i]));
      g_ptr_array_add (needles, g_utf8_normalize (names[i], -1, G_NORMALIZE_NFD));
      g_ptr_array_add (needles, g_utf8_strup (names[i], -1));
      g_ptr_array_add (needles, pd_text_fold (names[i]));
      g_ptr_array_add (needles, g_strdup (ids[i]));
      g_ptr_array_add (needles, g_strdup (phones[i]));
    }
  g_ptr_array_add (needles, g_strdup ("Tuyết"));
  g_ptr_array_add (needles, g_strdup ("tuyet"));
  g_ptr_array_add (needles, g_strdup ("Phụthân"));
  g_ptr_array_add (needles, g_strdup ("Riêngtư"));
  g_ptr_array_add (needles, g_strdup ("khanh.truong"));
  g_ptr_array_add (needles, g_strdup ("Phật giáo"));
  g_ptr_array_add (needles, g_strdup ("\"religion\""));
  g_ptr_array_add (needles, g_strdup ("\"ethnic_group\""));
  g_ptr_array_add (needles, g_strdup ("\"birth_province\""));
  g_ptr_array_add (needles, g_strdup ("Kínđáo"));
  g_ptr_array_add (needles, g_strdup ("Bảomật"));

  /* While open (the WAL holds the recent pages) and after closing. */
  read_store_files (path, files);
  g_assert_cmpuint (files->len, >=, 2);
  /* The check can fail: the clear non-personal values are there. */
  g_assert_true (bytes_contain (files->pdata[0], "first_issue") ||
                 bytes_contain (files->pdata[1], "first_issue"));
  for (guint i = 0; i < needles->len; i++)
    assert_not_in_files (files, needles->pdata[i]);

  pd_store_close (store);
  g_ptr_array_set_size (files, 0);
  read_store_files (path, files);
  g_assert_cmpuint (files->len, >=, 1);
  for (guint i = 0; i < needles->len; i++)
    assert_not_in_files (files, needles->pdata[i]);
}

/* Issue 18, 11: a file of schema 5 kept religion, ethnic group, ... in the clear column;
 * opening it seals them, and nothing of them stays readable in the file. */
static void
test_reseal_migration (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Bùi Thị Cũ", "001090000061");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  gint64 id = pd_dossier_get_id (dossier);
  sqlite3 *raw;

  pd_store_close (store);
  g_clear_object (&store);
  /* What schema 5 wrote: the sensitive fields in the clear JSON column. */
  raw = open_raw (path);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE dossiers SET clear = json_set (clear,"
                                      " '$.religion', 'Phật giáo', '$.ethnic_group', '01',"
                                      " '$.occupation', 'Thợ rèn Xưacũ');"
                                      "PRAGMA user_version = 5;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  read_store_files (path, files);
  g_assert_true (bytes_contain (files->pdata[0], "Xưacũ"));
  g_ptr_array_set_size (files, 0);

  store = open_store (path);
  back = pd_store_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_RELIGION), ==, "Phật giáo");
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_ETHNIC_GROUP), ==, "01");
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_OCCUPATION), ==, "Thợ rèn Xưacũ");
  pd_store_close (store);

  read_store_files (path, files);
  assert_not_in_files (files, "Phật giáo");
  assert_not_in_files (files, "Xưacũ");
  assert_not_in_files (files, "\"religion\"");
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = user_data;

  g_assert_true (pd_store_save_finish (PD_STORE (source), result, error));
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GPtrArray **found = user_data;

  *found = pd_store_search_finish (PD_STORE (source), result, NULL);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PdStore **store = user_data;

  *store = pd_store_open_finish (result, NULL);
}

static void
test_async (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Châu Văn Song", "001090000060");
  g_autoptr(GPtrArray) found = NULL;
  GError *error = NULL;

  pd_store_open_async (path, PD_STORE_OPEN_CREATE, NULL, on_opened, &store);
  while (store == NULL)
    g_main_context_iteration (NULL, TRUE);

  pd_store_save_async (store, dossier, ACTOR, NULL, on_saved, &error);
  while (pd_dossier_get_id (dossier) == 0 && error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_nonnull (pd_dossier_get_uuid (dossier));

  pd_store_search_async (store, "chau song", 10, NULL, on_searched, &found);
  while (found == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* A query of digits is an ID number. */
  pd_store_search_async (store, "001090000060", 10, NULL, on_searched, &found);
  while (found == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (dossier));
}

/* Several threads saving and searching at once: the connection is serialised inside. */
static gpointer
save_many_thread (gpointer data)
{
  PdStore *store = data;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Lương Văn Song Song", "001090000070");
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
      found = pd_store_search_name (store, "luong song", 5, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, >=, 1);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("saver", save_many_thread, store);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 80);
  g_assert_true (pd_store_audit_verify (store, NULL, NULL));
}

/* The messages a user can meet, in the current language, one per line. */
static char *
collect_error_messages (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *keyless = g_build_filename (dir, "keyless.db", NULL);
  g_autoptr(PdStore) store = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GError *error = NULL;
  sqlite3 *raw;

  pd_store_open (missing, PD_STORE_OPEN_NONE, &error);
  g_string_append_printf (out, "%s\n", error->message);
  g_clear_error (&error);

  raw = open_raw (newer);
  sqlite3_exec (raw, "CREATE TABLE t (x); PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close (raw);
  pd_store_open (newer, PD_STORE_OPEN_CREATE, &error);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NEWER_SCHEMA);
  g_string_append_printf (out, "%s\n", error->message);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (garbage, "This is a text file, not a database. It is "
                                      "long enough to look like a header, and then some.",
                                      -1, NULL));
  pd_store_open (garbage, PD_STORE_OPEN_CREATE, &error);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
  g_string_append_printf (out, "%s\n", error->message);
  g_clear_error (&error);

  store = open_store (keyless);
  g_assert_true (pd_secrets_clear (PD_STORE_SECRET_KIND, pd_store_get_store_id (store), NULL, NULL));
  g_clear_object (&store);
  pd_store_open (keyless, PD_STORE_OPEN_NONE, &error);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING);
  g_string_append_printf (out, "%s\n", error->message);
  g_clear_error (&error);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_error_messages (void)
{
  static const char *actions[] = { "Check", "Install", "Restore", "Log in", "create", "free" };
  g_autofree char *english = NULL;
  g_autofree char *messages_file = NULL;
  g_auto(GStrv) lines = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *vietnamese = NULL;

      setlocale (LC_ALL, "");
      vietnamese = collect_error_messages ();
      g_assert_true (g_file_set_contents (g_getenv ("PD_TEST_MESSAGES"), vietnamese, -1, NULL));
      return;
    }

  english = collect_error_messages ();
  lines = g_strsplit (english, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      gboolean says_what_to_do = FALSE;

      g_test_message ("%s", lines[i]);
      g_assert_cmpuint (strlen (lines[i]), >, 40);
      for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
        says_what_to_do |= strstr (lines[i], actions[a]) != NULL;
      g_assert_true (says_what_to_do);
    }

  /* The same errors in Vietnamese, from a child with LANGUAGE=vi. */
  messages_file = g_build_filename (pd_test_make_tmpdir (), "vi.txt", NULL);
  g_setenv ("PD_TEST_MESSAGES", messages_file, TRUE);
  g_setenv ("LANGUAGE", "vi", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("LANGUAGE");
  g_test_trap_assert_passed ();
  {
    g_autofree char *vietnamese = NULL;
    g_auto(GStrv) vi_lines = NULL;
    guint translated = 0;

    g_assert_true (g_file_get_contents (messages_file, &vietnamese, NULL, NULL));
    vi_lines = g_strsplit (vietnamese, "\n", -1);
    g_assert_cmpuint (g_strv_length (vi_lines), ==, g_strv_length (lines));
    for (guint i = 0; lines[i] && *lines[i]; i++)
      {
        g_assert_cmpuint (strlen (vi_lines[i]), >, 40);
        /* Paths differ between the runs: compare the text before the first quote. */
        if (strncmp (vi_lines[i], lines[i], MIN (strcspn (lines[i], "“"), 20)) != 0)
          translated++;
      }
    if (translated == 0)
      g_test_incomplete ("po/vi.po does not translate the store's error messages yet");
    else
      g_assert_cmpuint (translated, ==, g_strv_length (lines) - 1);
  }
}

/* Every query word common, in dossiers that share them two by two but never all three: the
 * search must find nothing, and the right dossiers when they exist, whichever key it walks. */
static void
test_name_search_common_words (void)
{
  static const char *names[] = {
    "Nguyễn Thị Vân", "Nguyễn Văn Đức", "Lê Thị Đức Hoa", "Nguyễn Minh Đức", "Lê Văn Vân",
    "Trần Thị Đức", "Nguyễn Thị Hoa", "Lê Minh Vân", "Phạm Thị Minh Đức Anh Bảo Châu",
  };
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  struct {
    const char *query;
    guint       n;
  } cases[] = {
    { "nguyen thi duc", 0 },
    { "nguyen thi", 20 },
    { "thi duc", 30 },
    { "le minh duc", 0 },
    /* A repeated word counts once: Lê Văn Vân and Lê Minh Vân. */
    { "le van van", 20 },
    { "duc nguyen", 20 },
    { "NGUYỄN THỊ VÂN", 10 },
    { "le thi duc hoa", 10 },
    { "le thi hoa van", 0 },
    /* Beyond the words that are paired: from the seventh on, they are checked one by one. */
    { "pham thi minh duc anh bao chau", 10 },
    { "chau bao anh duc minh thi pham", 10 },
    { "pham thi minh duc anh bao hoa", 0 },
    { "pham thi minh duc anh bao chau van", 0 },
  };

  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *id = g_strdup_printf ("0010901%02u%03u", round, i);

        g_ptr_array_add (batch, pd_test_make_dossier (names[i], id));
      }
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                       ACTOR, &error));
  g_assert_no_error (error);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GPtrArray) found = pd_store_search_name (store, cases[c].query, 0, &error);

      g_assert_no_error (error);
      g_test_message ("%s: %u", cases[c].query, found->len);
      g_assert_cmpuint (found->len, ==, cases[c].n);
      for (guint i = 1; i < found->len; i++)
        g_assert_cmpint (pd_dossier_get_id (found->pdata[i - 1]), >,
                         pd_dossier_get_id (found->pdata[i]));
    }
}

/* Renaming redoes the keys of the name: the old words stop matching, the new ones match, and
 * a new order of the same words changes nothing. */
static void
test_name_search_rename (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Hồ Thị Lan", "001090000061");
  g_autoptr(PdDossier) other = save_new (store, "Hồ Văn Lâm", "001090000062");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Hồ Thị Ngọc Lan");
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  g_assert_no_error (error);
  found = pd_store_search_name (store, "ho ngoc lan", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Hồ Ngọc Lan");
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  found = pd_store_search_name (store, "ho thi lan", 0, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "thi", 0, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "lan ngoc", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Lan Ngọc Hồ");
  g_assert_true (pd_store_save (store, dossier, ACTOR, &error));
  found = pd_store_search_name (store, "ho ngoc lan", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (pd_dossier_get_field (found->pdata[0], PD_FIELD_FULL_NAME), ==, "Lan Ngọc Hồ");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "ho", 0, &error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[1]), ==, pd_dossier_get_id (dossier));
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (other));
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *raw = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return value;
}

/* A file of schema version 1 (words only, no signature) opens as version 2 with the keys
 * rebuilt from the sealed names: made here by putting back the version 1 table, empty, so
 * that only the rebuild can make the names findable. */
static void
test_migration_v1 (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) kept = save_new (store, "Vương Thị Ngọc Dung", "001090000071");
  g_autoptr(PdDossier) purged = save_new (store, "Vương Văn Xoá", "001090000072");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_purged = 0;
  gint64 n_audit = 0;
  char *errmsg = NULL;
  sqlite3 *raw;

  g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (purged), PD_STATUS_RECEIVED,
                                      "sync", NULL, &error));
  g_assert_true (pd_store_purge (store, 1, now + 2 * DAY, &n_purged, ACTOR, &error));
  g_assert_cmpuint (n_purged, ==, 1);
  pd_store_close (store);
  g_clear_object (&store);

  raw = open_raw (path);
  g_assert_cmpint (sqlite3_exec (raw,
                                 "DROP TABLE name_tokens;"
                                 "CREATE TABLE name_tokens ("
                                 "  token      INTEGER NOT NULL,"
                                 "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
                                 "  PRIMARY KEY (token, dossier_id)"
                                 ") WITHOUT ROWID;"
                                 "PRAGMA user_version = 1;", NULL, NULL, &errmsg), ==, SQLITE_OK);
  g_assert_null (errmsg);
  sqlite3_close (raw);

  store = open_store (path);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, PD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_table_info ('name_tokens')"
                            " WHERE name = 'sig'"), ==, 1);
  /* The 4 words of the kept name and the pair of its common words (thị, ngọc); nothing of
   * the purged one. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM name_tokens"), ==, 5);

  found = pd_store_search_name (store, "vuong ngoc dung", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (pd_dossier_get_id (found->pdata[0]), ==, pd_dossier_get_id (kept));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pd_store_search_name (store, "vuong", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The rest of the file came through, and it is still writable. */
  back = pd_store_get (store, pd_dossier_get_id (kept), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_field (back, PD_FIELD_ID_NUMBER), ==, "001090000071");
  g_assert_true (pd_store_audit_verify (store, &n_audit, &error));
  g_assert_cmpint (n_audit, >, 4);
  g_clear_object (&back);
  back = save_new (store, "Vương Ngọc Dung", "001090000073");
  found = pd_store_search_name (store, "dung vuong ngoc", 0, &error);
  g_assert_cmpuint (found->len, ==, 2);
}

static void
test_counts (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 counts[PD_N_STATUSES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 n = -1;
  guint n_purged = 0;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("0010902%05u", i);

      g_ptr_array_add (batch, pd_test_make_dossier ("Đinh Công Tráng", id));
    }
  g_assert_true (pd_store_insert_many (store, (PdDossier * const *) batch->pdata, batch->len,
                                       ACTOR, &error));
  g_assert_no_error (error);

  g_assert_true (pd_store_count_by_status (store, counts, &error));
  g_assert_no_error (error);
  for (PdStatus s = 0; s < PD_N_STATUSES; s++)
    g_assert_cmpint (counts[s], ==, s == pd_dossier_get_status (batch->pdata[0]) ? 12 : 0);

  for (guint i = 0; i < 5; i++)
    g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (batch->pdata[i]),
                                                  PD_STATUS_RECEIVED, "sync", NULL, &error));
  g_assert_true (pd_store_apply_central_status (store, pd_dossier_get_id (batch->pdata[5]),
                                                PD_STATUS_SENT, "sync", NULL, &error));
  g_assert_true (pd_store_set_status (store, pd_dossier_get_id (batch->pdata[6]),
                                      PD_STATUS_REFUSED, ACTOR, "no photo", &error));
  g_assert_no_error (error);
  g_assert_true (pd_store_count_by_status (store, counts, &error));
  g_assert_cmpint (counts[PD_STATUS_RECEIVED], ==, 5);
  g_assert_cmpint (counts[PD_STATUS_SENT], ==, 1);
  g_assert_cmpint (counts[PD_STATUS_REFUSED], ==, 1);
  g_assert_cmpint (counts[pd_dossier_get_status (batch->pdata[11])], ==, 5);

  /* The same selection as the purge: confirmed long enough ago, not yet purged. */
  g_assert_true (pd_store_count_purgeable (store, 30, now + 29 * DAY, &n, &error));
  g_assert_cmpint (n, ==, 0);
  g_assert_true (pd_store_count_purgeable (store, 30, now + 31 * DAY, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 5);
  g_assert_true (pd_store_purge (store, 30, now + 31 * DAY, &n_purged, ACTOR, &error));
  g_assert_cmpuint (n_purged, ==, n);
  g_assert_true (pd_store_count_purgeable (store, 30, now + 31 * DAY, &n, &error));
  g_assert_cmpint (n, ==, 0);
  /* Purged dossiers keep their status for the statistics. */
  g_assert_true (pd_store_count_by_status (store, counts, &error));
  g_assert_cmpint (counts[PD_STATUS_RECEIVED], ==, 5);

  pd_store_close (store);
  g_assert_false (pd_store_count_by_status (store, counts, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (pd_store_count_purgeable (store, 30, now, &n, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO);
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Checked;

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Checked *checked = user_data;

  checked->ok = pd_store_check_integrity_finish (PD_STORE (source), result, &checked->error);
  checked->done = TRUE;
}

static Checked
check_async (PdStore *store)
{
  Checked checked = { FALSE, FALSE, NULL };

  pd_store_check_integrity_async (store, NULL, on_checked, &checked);
  while (!checked.done)
    g_main_context_iteration (NULL, TRUE);
  return checked;
}

/* Zeroes page @page (1-based) of the file. */
static void
damage_page (const char *path,
             gint64      page)
{
  gint64 page_size = raw_int (path, "PRAGMA page_size");
  g_autofree char *zeros = g_malloc0 (page_size);
  FILE *file = fopen (path, "r+b");

  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (page - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (zeros, 1, page_size, file), ==, page_size);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* A large file closed cleanly opens without the page-by-page check, so damage in it is found
 * by pd_store_check_integrity(); the same file opened while another connection has left
 * changes in the WAL is checked, and refused. */
static void
test_integrity (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdStore) second = NULL;
  g_autoptr(PdDossier) dossier = save_new (store, "Tạ Quang Bửu", "001090000081");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) scan = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (81);
  g_autoptr(GError) error = NULL;
  guint32 *noise;
  gsize scan_size = 72 * 1024 * 1024;
  Checked checked;
  gint64 page;

  g_assert_true (pd_store_check_integrity (store, NULL, &error));
  g_assert_no_error (error);
  checked = check_async (store);
  g_assert_no_error (checked.error);
  g_assert_true (checked.ok);

  /* More than the size below which every open checks the file. */
  noise = g_malloc (scan_size);
  for (gsize i = 0; i < scan_size / sizeof *noise; i++)
    noise[i] = g_rand_int (rand);
  scan = g_bytes_new_take (noise, scan_size);
  g_assert_cmpint (pd_store_add_attachment (store, pd_dossier_get_id (dossier), "scan",
                                            "image/png", scan, ACTOR, &error), >, 0);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  g_assert_false (pd_store_check_integrity (store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  pd_store_close (store);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);

    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }

  /* A page in the middle of the scan's overflow chain. */
  page = raw_int (path, "PRAGMA page_count") / 2;
  damage_page (path, page);

  store = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_count (store, NULL), ==, 1);
  g_assert_false (pd_store_check_integrity (store, NULL, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  checked = check_async (store);
  g_assert_false (checked.ok);
  g_assert_error (checked.error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
  g_clear_error (&checked.error);

  /* The first connection's change sits in the WAL while it is open. */
  g_assert_true (pd_store_set_setting (store, "counter", "3", &error));
  second = pd_store_open (path, PD_STORE_OPEN_NONE, &error);
  g_assert_null (second);
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
}

/* Issue 18, 3: the public API neither accepts nor sets a central status, whatever the path. */
static void
test_status_paths (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) forged = pd_test_make_dossier ("Hà Văn Tú", "001090000021");
  g_autoptr(PdDossier) draft = pd_test_make_dossier ("Hà Thị Lan", "001090000022");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GError) error = NULL;
  PdDossier *batch[1];

  for (PdStatus s = PD_STATUS_ACCEPTED; s < PD_N_STATUSES; s++)
    {
      if (s == PD_STATUS_REFUSED)
        continue;
      pd_dossier_set_status (forged, s);
      g_assert_false (pd_store_save (store, forged, ACTOR, &error));
      g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
      g_clear_error (&error);
      batch[0] = forged;
      g_assert_false (pd_store_insert_many (store, batch, 1, ACTOR, &error));
      g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpint (pd_store_count (store, NULL), ==, 0);

  g_assert_true (pd_store_save (store, draft, ACTOR, &error));
  g_assert_no_error (error);
  for (PdStatus s = PD_STATUS_ACCEPTED; s < PD_N_STATUSES; s++)
    {
      if (s == PD_STATUS_REFUSED)
        continue;
      g_assert_false (pd_store_set_status (store, pd_dossier_get_id (draft), s, ACTOR, NULL, &error));
      g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
      g_clear_error (&error);
      /* Nor by saving the dossier with another status. */
      pd_dossier_set_status (draft, s);
      g_assert_false (pd_store_save (store, draft, ACTOR, &error));
      g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
      g_clear_error (&error);
      pd_dossier_set_status (draft, PD_STATUS_DRAFT);
    }
  back = pd_store_get (store, pd_dossier_get_id (draft), &error);
  g_assert_cmpint (pd_dossier_get_status (back), ==, PD_STATUS_DRAFT);

  /* Once accepted (the intake path), a plain change cannot take it back or further. */
  g_assert_true (pd_store_accept (store, pd_dossier_get_id (draft), "officer1", &error));
  g_assert_false (pd_store_set_status (store, pd_dossier_get_id (draft), PD_STATUS_DRAFT, ACTOR, NULL, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pd_store_accept (store, pd_dossier_get_id (draft), "officer1", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
}

/* A store of schema 7 kept its receipt numbers in receipt_number: they become the application
 * numbers, searched for, and the numbers given from then on count per station and day. */
static void
test_number_migration (void)
{
  g_autofree char *path = new_store_path ();
  g_autoptr(PdStore) store = open_store (path);
  g_autoptr(PdDossier) dossier = save_new (store, "Bùi Văn Số", "001090000062");
  g_autoptr(PdDossier) back = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = pd_dossier_get_id (dossier);
  g_autofree char *sql = NULL;
  sqlite3 *raw;

  pd_store_close (store);
  g_clear_object (&store);
  /* What schema 7 wrote. */
  raw = open_raw (path);
  sql = g_strdup_printf ("DROP TABLE application_counters;"
                         "DROP INDEX dossiers_by_number;"
                         "ALTER TABLE dossiers DROP COLUMN accepted_on;"
                         "ALTER TABLE dossiers RENAME COLUMN application_number TO receipt_number;"
                         "UPDATE dossiers SET receipt_number = 'HN01-20261201-33' WHERE id = %" G_GINT64_FORMAT ";"
                         "PRAGMA user_version = 7;", id);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  store = open_store (path);
  back = pd_store_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_application_number (back), ==, "HN01-20261201-33");
  g_assert_null (pd_dossier_get_accepted_on (back));
  found = pd_store_find_by_application_number (store, "hn01-20261201-33", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  pd_store_close (store);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, PD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM application_counters"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/status-paths", test_status_paths);
  g_test_add_func ("/store/reseal-migration", test_reseal_migration);
  g_test_add_func ("/store/number-migration", test_number_migration);
  g_test_add_func ("/store/missing-file", test_missing_file);
  g_test_add_func ("/store/update-and-history", test_update_and_history);
  g_test_add_func ("/store/id-lookup", test_id_lookup);
  g_test_add_func ("/store/declaration-code", test_declaration_code);
  g_test_add_func ("/store/name-search", test_name_search);
  g_test_add_func ("/store/search-limit", test_search_limit);
  g_test_add_func ("/store/uuid-v7", test_uuid_v7);
  g_test_add_func ("/store/insert-many-order", test_insert_many_order);
  g_test_add_func ("/store/list", test_list);
  g_test_add_func ("/store/attachments", test_attachments);
  g_test_add_func ("/store/audit", test_audit);
  g_test_add_func ("/store/audit-deleted-row", test_audit_deleted_row);
  g_test_add_func ("/store/purge", test_purge);
  g_test_add_func ("/store/rejection-handled", test_rejection_handled);
  g_test_add_func ("/store/settings-and-reference", test_settings_and_reference);
  g_test_add_func ("/store/wrong-key", test_wrong_key);
  g_test_add_func ("/store/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/store/raw-file", test_raw_file);
  g_test_add_func ("/store/async", test_async);
  g_test_add_func ("/store/threads", test_threads);
  g_test_add_func ("/store/error-messages", test_error_messages);
  g_test_add_func ("/store/name-search-common-words", test_name_search_common_words);
  g_test_add_func ("/store/name-search-rename", test_name_search_rename);
  g_test_add_func ("/store/migration-v1", test_migration_v1);
  g_test_add_func ("/store/counts", test_counts);
  g_test_add_func ("/store/integrity", test_integrity);

  return g_test_run ();
}
