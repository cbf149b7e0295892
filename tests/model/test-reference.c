/* test-reference.c: loading the reference tables and refusing broken CSV cleanly. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pd-reference.h"
#include "pd-text.h"
#include "pd-test-support.h"

static PdReference *
load_default (void)
{
  g_autoptr(GError) error = NULL;
  PdReference *reference = pd_reference_new_from_directory (pd_reference_get_default_directory (),
                                                            &error);

  g_assert_no_error (error);
  g_assert_nonnull (reference);
  return reference;
}

static void
test_default_directory (void)
{
  g_autofree char *expected = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "reference", NULL);

  g_assert_cmpstr (pd_reference_get_default_directory (), ==, expected);
}

static void
test_counts (void)
{
  g_autoptr(PdReference) reference = load_default ();

  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_PROVINCES), ==, 34);
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_COMMUNES), ==, 3321);
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_ETHNIC_GROUPS), >=, 54);
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_FEES), >=, 4);
}

static void
test_lookups (void)
{
  g_autoptr(PdReference) reference = load_default ();
  const PdReferenceEntry *entry;

  entry = pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, "01");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Thành phố Hà Nội");
  g_assert_cmpstr (entry->kind, ==, "thành phố trung ương");
  g_assert_null (entry->parent);

  entry = pd_reference_lookup (reference, PD_REFERENCE_COMMUNES, "00070");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Phường Hoàn Kiếm");
  g_assert_cmpstr (entry->parent, ==, "01");
  g_assert_cmpstr (entry->kind, ==, "phường");

  entry = pd_reference_lookup (reference, PD_REFERENCE_ETHNIC_GROUPS, "01");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Kinh");

  entry = pd_reference_lookup (reference, PD_REFERENCE_FEES, "HC-MAT-HONG");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->parent, ==, "reissue_lost");
  g_assert_cmpint (entry->amount, ==, 400000);

  /* Every request type has a fee. */
  g_assert_cmpuint (pd_reference_count_children (reference, PD_REFERENCE_FEES, "first_issue"), >=, 1);
  g_assert_cmpint (pd_reference_get_nth (reference, PD_REFERENCE_FEES, "first_issue", 0)->amount, ==, 200000);
  g_assert_cmpint (pd_reference_get_nth (reference, PD_REFERENCE_FEES, "reissue", 0)->amount, ==, 200000);
  g_assert_cmpint (pd_reference_get_nth (reference, PD_REFERENCE_FEES, "other", 0)->amount, ==, 100000);

  g_assert_null (pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, "02"));
  g_assert_null (pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, NULL));
  g_assert_null (pd_reference_lookup (reference, PD_REFERENCE_COMMUNES, "01"));
}

static void
test_list_by_province (void)
{
  g_autoptr(PdReference) reference = load_default ();
  g_autoptr(GPtrArray) hanoi = pd_reference_list (reference, PD_REFERENCE_COMMUNES, "01");
  g_autoptr(GPtrArray) none = pd_reference_list (reference, PD_REFERENCE_COMMUNES, "99");
  g_autoptr(GPtrArray) provinces = pd_reference_list (reference, PD_REFERENCE_PROVINCES, NULL);
  guint total = 0;

  /* provinces_34.csv says Hà Nội has 126 communes and wards. */
  g_assert_cmpuint (hanoi->len, ==, 126);
  g_assert_cmpuint (pd_reference_count_children (reference, PD_REFERENCE_COMMUNES, "01"), ==, 126);
  for (guint i = 0; i < hanoi->len; i++)
    {
      const PdReferenceEntry *entry = g_ptr_array_index (hanoi, i);

      g_assert_cmpstr (entry->parent, ==, "01");
      g_assert_true (entry == pd_reference_get_nth (reference, PD_REFERENCE_COMMUNES, "01", i));
    }
  g_assert_null (pd_reference_get_nth (reference, PD_REFERENCE_COMMUNES, "01", 126));
  g_assert_cmpuint (none->len, ==, 0);

  /* Every province has communes, and they add up to the whole table. */
  g_assert_cmpuint (provinces->len, ==, 34);
  for (guint i = 0; i < provinces->len; i++)
    {
      const PdReferenceEntry *province = g_ptr_array_index (provinces, i);
      guint n = pd_reference_count_children (reference, PD_REFERENCE_COMMUNES, province->code);

      g_assert_cmpuint (n, >, 0);
      total += n;
    }
  g_assert_cmpuint (total, ==, 3321);

  /* Sorted by name without the administrative prefix or diacritics: "Ba Đình" comes first in
   * Hà Nội, and the list is ordered. */
  for (guint i = 1; i < hanoi->len; i++)
    {
      const PdReferenceEntry *a = g_ptr_array_index (hanoi, i - 1);
      const PdReferenceEntry *b = g_ptr_array_index (hanoi, i);
      g_autofree char *fa = pd_text_fold (strchr (a->name, ' '));
      g_autofree char *fb = pd_text_fold (strchr (b->name, ' '));

      /* Strip "phuong"/"xa" and compare the rest; "Đặc khu" has a two-word prefix and does not
       * occur in Hà Nội. */
      g_assert_cmpint (strcmp (fa, fb), <=, 0);
    }
}

static void
on_changed (PdReference *reference,
            guint        table,
            guint       *seen)
{
  *seen = table + 100;
}

static void
test_set_table (void)
{
  g_autoptr(PdReference) reference = pd_reference_new ();
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);
  g_autoptr(GPtrArray) list = NULL;
  guint seen = 0;

  g_signal_connect (reference, "changed", G_CALLBACK (on_changed), &seen);
  g_ptr_array_add (entries, pd_reference_entry_new ("02", "Tỉnh Zeta", NULL, "tỉnh", 0));
  g_ptr_array_add (entries, pd_reference_entry_new ("01", "Tỉnh Đà", NULL, "tỉnh", 0));
  g_ptr_array_add (entries, pd_reference_entry_new ("03", "Thành phố An", NULL, NULL, 0));
  pd_reference_set_table (reference, PD_REFERENCE_PROVINCES, entries);

  g_assert_cmpuint (seen, ==, PD_REFERENCE_PROVINCES + 100);
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_PROVINCES), ==, 3);
  list = pd_reference_list (reference, PD_REFERENCE_PROVINCES, NULL);
  g_assert_cmpstr (((PdReferenceEntry *) g_ptr_array_index (list, 0))->code, ==, "03");
  g_assert_cmpstr (((PdReferenceEntry *) g_ptr_array_index (list, 1))->code, ==, "01");
  g_assert_cmpstr (((PdReferenceEntry *) g_ptr_array_index (list, 2))->code, ==, "02");
  g_assert_cmpuint (pd_reference_count (reference, PD_REFERENCE_COMMUNES), ==, 0);
  g_assert_cmpuint (pd_reference_count_children (reference, PD_REFERENCE_COMMUNES, "01"), ==, 0);
}

static void
test_table_names (void)
{
  g_assert_cmpstr (pd_reference_table_get_name (PD_REFERENCE_COMMUNES), ==, "communes");
  g_assert_cmpstr (pd_reference_table_get_file_name (PD_REFERENCE_COMMUNES), ==, "communes_3321.csv");
  g_assert_cmpstr (pd_reference_table_get_file_name (PD_REFERENCE_FEES), ==, "fees.csv");
}

static GPtrArray *
parse (PdReferenceTable   table,
       const char        *text,
       gsize              length,
       GError           **error)
{
  return pd_reference_parse_csv (table, text, length == 0 ? strlen (text) : length, error);
}

static void
test_csv_tolerated (void)
{
  /* BOM, CRLF, blank lines, a quoted field with a comma, an escaped quote, a quoted newline,
   * spaces around an unquoted field, an extra column, columns in another order. */
  static const char text[] =
    "\xEF\xBB\xBF" "note,name,code,extra\r\n"
    "\r\n"
    "\"a, b\",Kinh,01,x\r\n"
    "  ,  Tày ,02,y\r\n"
    "\n"
    "\"say \"\"hi\"\"\nthere\",\"Thái\",03,z";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse (PD_REFERENCE_ETHNIC_GROUPS, text, 0, &error);
  PdReferenceEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->code, ==, "01");
  g_assert_cmpstr (entry->name, ==, "Kinh");
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->name, ==, "Tày");
  entry = g_ptr_array_index (entries, 2);
  g_assert_cmpstr (entry->code, ==, "03");
  g_assert_cmpstr (entry->name, ==, "Thái");
}

static void
test_csv_fees (void)
{
  static const char text[] =
    "code,request_type,description,amount_vnd,note\n"
    "A,first_issue,\"Cấp mới, phổ thông\",200000,\n"
    "B,other,Xác nhận,100000,giảm 10% trực tuyến\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse (PD_REFERENCE_FEES, text, 0, &error);
  PdReferenceEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->name, ==, "Cấp mới, phổ thông");
  g_assert_cmpstr (entry->parent, ==, "first_issue");
  g_assert_null (entry->kind);
  g_assert_cmpint (entry->amount, ==, 200000);
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->kind, ==, "giảm 10% trực tuyến");
}

typedef struct
{
  PdReferenceTable  table;
  const char       *text;
  gsize             length;    /* 0: strlen */
  const char       *where;     /* expected in the message */
} Hostile;

static void
test_csv_hostile (void)
{
  static const Hostile cases[] = {
    { PD_REFERENCE_ETHNIC_GROUPS, "", 0, "ethnic_groups_qd121.csv" },
    { PD_REFERENCE_ETHNIC_GROUPS, "\n\r\n\n", 0, "line" },
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n", 0, "line" },
    /* Unbalanced quote opened on line 3. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Kinh,\n02,\"Tày,\n03,Thái,\n", 0, "line 3" },
    /* Text after a closing quote, and a quote inside an unquoted field. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,\"Kinh\"x,\n", 0, "line 2" },
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Ki\"nh,\n", 0, "line 2" },
    /* Wrong column counts. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Kinh,\n02,Tày\n", 0, "line 3" },
    { PD_REFERENCE_COMMUNES,
      "commune_code,commune_name,division_type,province_code,province_name\n"
      "00004,Phường Ba Đình,phường,01,Hà Nội,extra\n", 0, "line 2" },
    /* Missing column in the header. */
    { PD_REFERENCE_COMMUNES, "commune_code,commune_name\n00004,Ba Đình\n", 0, "province_code" },
    /* NUL byte on line 2. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Ki\0nh,\n", 25, "line 2" },
    /* Invalid UTF-8 on line 3. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Kinh,\n02,T\xC3\x28y,\n", 0, "line 3" },
    /* Empty code, bad amount, duplicate code. */
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n,Kinh,\n", 0, "line 2" },
    { PD_REFERENCE_FEES, "code,request_type,description,amount_vnd,note\nA,other,X,-5,\n", 0, "line 2" },
    { PD_REFERENCE_FEES, "code,request_type,description,amount_vnd,note\nA,other,X,1e5,\n", 0, "line 2" },
    { PD_REFERENCE_ETHNIC_GROUPS, "code,name,note\n01,Kinh,\n01,Tày,\n", 0, "line 3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;

      entries = parse (cases[i].table, cases[i].text, cases[i].length, &error);
      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (entries);
      g_assert_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_PARSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, cases[i].where));
    }
}

/* A truncated or corrupted file anywhere must never crash: cut the real communes file at every
 * few hundred bytes and flip bytes. */
static void
test_csv_truncated (void)
{
  g_autofree char *path = g_build_filename (pd_reference_get_default_directory (),
                                            "communes_3321.csv", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (gsize cut = 0; cut < length; cut += 997)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = pd_reference_parse_csv (PD_REFERENCE_COMMUNES, contents, cut, &error);

      g_assert_true ((entries == NULL) == (error != NULL));
    }
  for (gsize at = 100; at < length; at += 1499)
    {
      g_autofree char *copy = g_memdup2 (contents, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;

      copy[at] = (at % 3 == 0) ? '"' : (at % 3 == 1) ? '\xff' : ',';
      entries = pd_reference_parse_csv (PD_REFERENCE_COMMUNES, copy, length, &error);
      g_assert_true ((entries == NULL) == (error != NULL));
    }
}

static void
test_missing_directory (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *provinces = g_build_filename (dir, "provinces_34.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdReference) reference = NULL;

  reference = pd_reference_new_from_directory (dir, &error);
  g_assert_null (reference);
  g_assert_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_MISSING);
  g_clear_error (&error);

  /* A present but broken file is a parse error naming that file. */
  g_assert_true (g_file_set_contents (provinces, "code,name\n01\n", -1, NULL));
  reference = pd_reference_new_from_directory (dir, &error);
  g_assert_null (reference);
  g_assert_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "provinces_34.csv, line 2"));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/reference/default-directory", test_default_directory);
  g_test_add_func ("/reference/counts", test_counts);
  g_test_add_func ("/reference/lookups", test_lookups);
  g_test_add_func ("/reference/list-by-province", test_list_by_province);
  g_test_add_func ("/reference/set-table", test_set_table);
  g_test_add_func ("/reference/table-names", test_table_names);
  g_test_add_func ("/reference/csv/tolerated", test_csv_tolerated);
  g_test_add_func ("/reference/csv/fees", test_csv_fees);
  g_test_add_func ("/reference/csv/hostile", test_csv_hostile);
  g_test_add_func ("/reference/csv/truncated", test_csv_truncated);
  g_test_add_func ("/reference/missing-directory", test_missing_directory);

  return g_test_run ();
}
