/* test-demo.c: synthetic applications are valid, reproducible and look like an office's. */
#include "config.h"

#include <string.h>

#include "pd-demo.h"
#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-validate.h"
#include "pd-test-support.h"

#define N_DOSSIERS 10000

static PdReference *reference;
static GDate today;
static GDateTime *now;   /* 10:00 on @today: office hours still to come */

static void
test_valid (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260315);

  for (guint i = 0; i < N_DOSSIERS; i++)
    {
      g_autoptr(PdDossier) dossier = pd_demo_dossier_new (reference, rand, now);
      g_autoptr(GPtrArray) errors = pd_validate_dossier (dossier, reference, &today);
      g_autoptr(GPtrArray) warnings = pd_validate_warnings (dossier, &today);

      if (errors->len > 0 || warnings->len > 0)
        {
          g_autoptr(JsonNode) node = pd_dossier_to_json (dossier, TRUE);
          g_autofree char *json = json_to_string (node, TRUE);

          for (guint j = 0; j < errors->len; j++)
            g_test_message ("error: %s", ((PdFieldError *) g_ptr_array_index (errors, j))->message);
          for (guint j = 0; j < warnings->len; j++)
            g_test_message ("warning: %s", ((PdFieldError *) g_ptr_array_index (warnings, j))->message);
          g_test_message ("dossier %u: %s", i, json);
        }
      g_assert_cmpuint (errors->len, ==, 0);
      g_assert_cmpuint (warnings->len, ==, 0);
      g_assert_nonnull (pd_dossier_get_uuid (dossier));
      g_assert_cmpint (pd_dossier_get_created_at (dossier), >, 0);
      g_assert_cmpint (pd_dossier_get_updated_at (dossier), >=, pd_dossier_get_created_at (dossier));
    }
}

static char *
dossier_json (PdDossier *dossier)
{
  g_autoptr(JsonNode) node = pd_dossier_to_json (dossier, TRUE);

  return json_to_string (node, FALSE);
}

/* A demo office is seeded during the day: nothing in it may be filed, changed or dated after
 * the moment it was made (the ready date is a promise, not a record, and is left out). */
static void
test_not_in_future (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2000);
  gint64 now_unix = g_date_time_to_unix (now);
  guint n_today = 0;

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(PdDossier) dossier = pd_demo_dossier_new (reference, rand, now);

      g_assert_cmpint (pd_dossier_get_created_at (dossier), <=, now_unix);
      g_assert_cmpint (pd_dossier_get_updated_at (dossier), <=, now_unix);
      g_assert_cmpint (pd_dossier_get_updated_at (dossier), >=, pd_dossier_get_created_at (dossier));
      if (pd_dossier_get_created_at (dossier) > now_unix - 86400)
        n_today++;
      for (PdField field = 0; field < PD_N_FIELDS; field++)
        {
          const char *value = pd_dossier_get_field (dossier, field);
          GDate date;

          if (value == NULL || field == PD_FIELD_APPOINTMENT_DATE ||
              pd_field_get_info (field)->kind != PD_FIELD_KIND_DATE)
            continue;
          g_date_clear (&date, 1);
          g_assert_true (pd_parse_iso_date (value, &date));
          g_assert_cmpint (g_date_compare (&date, &today), <=, 0);
        }
    }
  /* The day's applications are still there, only none after now. */
  g_assert_cmpuint (n_today, >, 0);
}

static void
test_deterministic (void)
{
  g_autoptr(GRand) a = g_rand_new_with_seed (42);
  g_autoptr(GRand) b = g_rand_new_with_seed (42);
  g_autoptr(GRand) c = g_rand_new_with_seed (43);
  g_autoptr(GHashTable) uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint differ = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(PdDossier) da = pd_demo_dossier_new (reference, a, now);
      g_autoptr(PdDossier) db = pd_demo_dossier_new (reference, b, now);
      g_autoptr(PdDossier) dc = pd_demo_dossier_new (reference, c, now);
      g_autofree char *ja = dossier_json (da);
      g_autofree char *jb = dossier_json (db);
      g_autofree char *jc = dossier_json (dc);

      g_assert_cmpstr (ja, ==, jb);
      if (g_strcmp0 (ja, jc) != 0)
        differ++;
      g_assert_true (g_hash_table_add (uuids, g_strdup (pd_dossier_get_uuid (da))));
    }
  g_assert_cmpuint (differ, ==, 200);
}

static void
count (GHashTable *table,
       const char *key)
{
  if (key == NULL)
    key = "(none)";
  g_hash_table_insert (table, (gpointer) g_intern_string (key),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) + 1));
}

static guint
get_count (GHashTable *table,
           const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, g_intern_string (key)));
}

static void
test_distribution (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GHashTable) surnames = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) requests = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ethnic = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) sexes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) provinces = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint statuses[PD_N_STATUSES] = { 0 };
  guint minors = 0, with_rep = 0, elderly = 0, diacritics = 0, fee_matches = 0;
  const guint n = 5000;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PdDossier) dossier = pd_demo_dossier_new (reference, rand, now);
      const char *name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);
      const char *request = pd_dossier_get_field (dossier, PD_FIELD_REQUEST_TYPE);
      const PdReferenceEntry *fee;
      g_auto(GStrv) words = g_strsplit (name, " ", -1);
      int age = pd_dossier_get_age (dossier, &today);

      count (surnames, words[0]);
      count (given, words[g_strv_length (words) - 1]);
      count (requests, request);
      count (ethnic, pd_dossier_get_field (dossier, PD_FIELD_ETHNIC_GROUP));
      count (sexes, pd_dossier_get_field (dossier, PD_FIELD_SEX));
      count (provinces, pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_PROVINCE));
      g_hash_table_add (names, g_strdup (name));
      statuses[pd_dossier_get_status (dossier)]++;

      /* Middle names follow the sex. */
      if (g_str_equal (words[1], "Thị"))
        g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_SEX), ==, "F");
      if (g_str_equal (words[1], "Văn"))
        g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_SEX), ==, "M");

      if (age < 14)
        {
          minors++;
          if (pd_dossier_get_field (dossier, PD_FIELD_REP_NAME) != NULL)
            with_rep++;
        }
      if (age >= 60)
        elderly++;
      if (!g_str_is_ascii (name))
        diacritics++;

      fee = pd_reference_lookup (reference, PD_REFERENCE_FEES,
                                 pd_dossier_get_field (dossier, PD_FIELD_FEE_CODE));
      if (fee != NULL && g_str_equal (fee->parent, request) &&
          g_ascii_strtoll (pd_dossier_get_field (dossier, PD_FIELD_FEE_AMOUNT), NULL, 10) == fee->amount)
        fee_matches++;
    }

  /* Nguyễn about 38%, then Trần and Lê. */
  g_assert_cmpuint (get_count (surnames, "Nguyễn"), >, n * 30 / 100);
  g_assert_cmpuint (get_count (surnames, "Nguyễn"), <, n * 46 / 100);
  g_assert_cmpuint (get_count (surnames, "Trần"), >, get_count (surnames, "Đỗ"));
  g_assert_cmpuint (get_count (surnames, "Lê"), >, get_count (surnames, "Ngô"));
  g_assert_cmpuint (g_hash_table_size (surnames), >=, 20);
  g_assert_cmpuint (g_hash_table_size (given), >=, 80);
  g_assert_cmpuint (g_hash_table_size (names), >, n * 7 / 10);
  g_assert_cmpuint (diacritics, >, n * 95 / 100);

  /* Kinh dominant, with minorities present. */
  g_assert_cmpuint (get_count (ethnic, "01"), >, n * 78 / 100);
  g_assert_cmpuint (get_count (ethnic, "01"), <, n * 92 / 100);
  g_assert_cmpuint (g_hash_table_size (ethnic), >=, 15);
  g_assert_cmpuint (get_count (ethnic, "55"), ==, 0);
  g_assert_cmpuint (get_count (ethnic, "56"), ==, 0);

  g_assert_cmpuint (get_count (sexes, "M"), >, n * 40 / 100);
  g_assert_cmpuint (get_count (sexes, "F"), >, n * 40 / 100);

  /* All four requests, first issues first; every fee from the table of its request. */
  g_assert_cmpuint (get_count (requests, "first_issue"), >, get_count (requests, "reissue"));
  g_assert_cmpuint (get_count (requests, "reissue_lost"), >, 0);
  g_assert_cmpuint (get_count (requests, "other"), >, 0);
  g_assert_cmpuint (fee_matches, ==, n);

  /* Children on TK01a, each with a representative; some elderly. */
  g_assert_cmpuint (minors, >, n * 7 / 100);
  g_assert_cmpuint (minors, <, n * 18 / 100);
  g_assert_cmpuint (with_rep, ==, minors);
  g_assert_cmpuint (elderly, >, n * 5 / 100);

  /* Spread across the country, the big cities first. */
  g_assert_cmpuint (g_hash_table_size (provinces), ==, 34);
  g_assert_cmpuint (get_count (provinces, "79"), >, get_count (provinces, "11"));

  /* A mix of statuses. */
  for (guint s = 0; s < PD_N_STATUSES; s++)
    g_assert_cmpuint (statuses[s], >, 0);
  g_assert_cmpuint (statuses[PD_STATUS_ACCEPTED], >, statuses[PD_STATUS_REFUSED]);
}

/* Run with -m perf (a figure, not a timed test: a loaded or instrumented build is slower). */
static void
test_speed (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  const guint n = 20000;
  gint64 start;
  double per_second;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_object_unref (pd_demo_dossier_new (reference, rand, now));
  per_second = n / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_test_maximized_result (per_second, "%.0f demo dossiers per second", per_second);
  g_assert_cmpfloat (per_second, >, 20000);
}

static void
test_reference_changed (void)
{
  g_autoptr(PdReference) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);

  local = pd_reference_new_from_directory (pd_reference_get_default_directory (), &error);
  g_assert_no_error (error);
  g_object_unref (pd_demo_dossier_new (local, rand, now));

  /* After a sync that renumbers the ethnic groups, the demo uses the new codes. */
  g_ptr_array_add (groups, pd_reference_entry_new ("K1", "Kinh", NULL, NULL, 0));
  g_ptr_array_add (groups, pd_reference_entry_new ("T2", "Tày", NULL, NULL, 0));
  pd_reference_set_table (local, PD_REFERENCE_ETHNIC_GROUPS, groups);
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(PdDossier) dossier = pd_demo_dossier_new (local, rand, now);
      g_autoptr(GPtrArray) errors = pd_validate_dossier (dossier, local, &today);
      const char *code = pd_dossier_get_field (dossier, PD_FIELD_ETHNIC_GROUP);

      g_assert_true (g_str_equal (code, "K1") || g_str_equal (code, "T2"));
      g_assert_cmpuint (errors->len, ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  pd_test_init (&argc, &argv);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 15, G_DATE_MARCH, 2026);
  now = g_date_time_new_local (2026, 3, 15, 10, 0, 0);
  reference = pd_reference_new_from_directory (pd_reference_get_default_directory (), &error);
  g_assert_no_error (error);

  g_test_add_func ("/demo/valid", test_valid);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/not-in-future", test_not_in_future);
  g_test_add_func ("/demo/distribution", test_distribution);
  g_test_add_func ("/demo/speed", test_speed);
  g_test_add_func ("/demo/reference-changed", test_reference_changed);

  ret = g_test_run ();
  g_clear_object (&reference);
  return ret;
}
