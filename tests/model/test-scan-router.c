/* test-scan-router.c: one scanned text is told apart and read by the right parser. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "sync/pd-declaration-keys.h"
#include "pd-dossier.h"
#include "pd-scan-router.h"
#include "pd-test-support.h"

#define TD1_L1 "IDVNM0901234562001090123456<<3"
#define TD1_L2 "9001011M3001019VNM<<<<<<<<<<<4"
#define TD1_L3 "DO<<ANH<BAO<<<<<<<<<<<<<<<<<<<"
#define TD3_L1 "P<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "C1234567<0VNM0512310M3301155001205012345<<36"
#define CCCD   "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Số 1 Phố X, Phường Y, Hà Nội|15042021"
#define CODE   "PD1-01-1YHVFTEJ-J"

typedef struct {
  const char *name;
  const char *text;
  PdScanKind  kind;      /* what pd_scan_classify() says */
  GQuark    (*domain) (void);  /* NULL: reads */
  int         code;
  gboolean    check;     /* pd_scan_error_is_check() */
  gboolean    valid;     /* when it reads: pd_scan_is_valid() */
} Case;

static const Case cases[] = {
  { "code", CODE, PD_SCAN_KIND_DECLARATION_CODE, NULL, 0, FALSE, TRUE },
  { "code-typed", "  pd1 01 1yhvftej j\r\n", PD_SCAN_KIND_DECLARATION_CODE, NULL, 0, FALSE, TRUE },
  { "code-typo", "PD1-01-1YHVFTEK-J", PD_SCAN_KIND_DECLARATION_CODE, pd_declaration_error_quark, PD_DECLARATION_ERROR_CHECK, TRUE, FALSE },
  { "code-later-version", "PD2-01-1YHVFTEJ-J", PD_SCAN_KIND_DECLARATION_CODE, pd_declaration_error_quark, PD_DECLARATION_ERROR_VERSION, FALSE, FALSE },
  { "code-letter-o", "PD1-01-1YHVFTOJ-J", PD_SCAN_KIND_DECLARATION_CODE, pd_declaration_error_quark, PD_DECLARATION_ERROR_FORMAT, FALSE, FALSE },
  { "cccd", CCCD, PD_SCAN_KIND_CCCD, NULL, 0, FALSE, TRUE },
  { "cccd-crlf", CCCD "\r\n", PD_SCAN_KIND_CCCD, NULL, 0, FALSE, TRUE },
  { "cccd-bad-id", "00109012345|012345678|Nguyễn Văn A|01011990|Nam|Hà Nội|15042021", PD_SCAN_KIND_CCCD, pd_cccd_error_quark, PD_CCCD_ERROR_ID_NUMBER, FALSE, FALSE },
  { "cccd-few-fields", "001090123456|Nguyễn Văn A", PD_SCAN_KIND_CCCD, pd_cccd_error_quark, -1, FALSE, FALSE },
  { "td1", TD1_L1 "\n" TD1_L2 "\n" TD1_L3, PD_SCAN_KIND_MRZ, NULL, 0, FALSE, TRUE },
  { "td1-crlf", TD1_L1 "\r\n" TD1_L2 "\r\n" TD1_L3 "\r\n", PD_SCAN_KIND_MRZ, NULL, 0, FALSE, TRUE },
  { "td1-run-together", TD1_L1 TD1_L2 TD1_L3, PD_SCAN_KIND_MRZ, NULL, 0, FALSE, TRUE },
  { "td3", TD3_L1 "\n" TD3_L2, PD_SCAN_KIND_MRZ, NULL, 0, FALSE, TRUE },
  { "td3-run-together", TD3_L1 TD3_L2, PD_SCAN_KIND_MRZ, NULL, 0, FALSE, TRUE },
  /* A wrong check digit reads, flagged invalid */
  { "td3-check", TD3_L1 "\n" "C1234567<1VNM0512310M3301155001205012345<<36", PD_SCAN_KIND_MRZ, NULL, 0, FALSE, FALSE },
  { "mrz-short-line", TD1_L1 "\n" TD1_L2 "\n" "DO<<ANH", PD_SCAN_KIND_MRZ, pd_mrz_error_quark, PD_MRZ_ERROR_SHAPE, FALSE, FALSE },
  { "qr-later-version", "PDQ2:ABCDEF", PD_SCAN_KIND_DECLARATION_QR, pd_declaration_error_quark, PD_DECLARATION_ERROR_VERSION, FALSE, FALSE },
  { "qr-truncated", "PDQ1:AB", PD_SCAN_KIND_DECLARATION_QR, pd_declaration_error_quark, -1, FALSE, FALSE },
  { "empty", "", PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_EMPTY, FALSE, FALSE },
  { "blank", " \r\n", PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_EMPTY, FALSE, FALSE },
  { "url", "https://dichvucong.bocongan.gov.vn/", PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_UNKNOWN, FALSE, FALSE },
  { "words", "Nguyen Van A", PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_UNKNOWN, FALSE, FALSE },
  { "id-number", "001090123456", PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_UNKNOWN, FALSE, FALSE },
  { "one-mrz-line", TD1_L1, PD_SCAN_KIND_UNKNOWN, pd_scan_error_quark, PD_SCAN_ERROR_UNKNOWN, FALSE, FALSE },
};

static GDate *
make_today (void)
{
  return g_date_new_dmy (1, G_DATE_MARCH, 2026);
}

static void
test_table (void)
{
  g_autoptr(GDate) today = make_today ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(PdScan) scan = NULL;

      g_test_message ("case %s", c->name);
      g_assert_cmpstr (pd_scan_kind_to_string (pd_scan_classify (c->text, -1)), ==,
                       pd_scan_kind_to_string (c->kind));
      scan = pd_scan_read (c->text, -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
      if (c->domain == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (scan);
          g_assert_cmpint (scan->kind, ==, c->kind);
          g_assert_cmpint (pd_scan_is_valid (scan), ==, c->valid);
        }
      else
        {
          g_assert_null (scan);
          g_assert_nonnull (error);
          g_assert_cmpuint (error->domain, ==, c->domain ());
          if (c->code >= 0)
            g_assert_cmpint (error->code, ==, c->code);
          g_assert_cmpint (pd_scan_error_is_check (error), ==, c->check);
          /* Every message says what to do next. */
          g_assert_cmpuint (strlen (error->message), >, 20);
        }
    }
}

static void
test_values (void)
{
  g_autoptr(GDate) today = make_today ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) code = pd_scan_read ("pd1011yhvftejj", -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
  g_autoptr(PdScan) card = NULL;
  g_autoptr(PdScan) td1 = NULL;
  g_autoptr(PdScan) forced = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (code->declaration_code, ==, CODE);
  g_assert_cmpstr (code->office, ==, "01");

  card = pd_scan_read (CCCD, -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->cccd->id_number, ==, "001090123456");
  g_assert_cmpstr (card->cccd->full_name, ==, "Nguyễn Văn A");

  td1 = pd_scan_read (TD1_L1 TD1_L2 TD1_L3, -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
  g_assert_no_error (error);
  g_assert_cmpint (td1->mrz->format, ==, PD_MRZ_FORMAT_TD1);
  g_assert_cmpstr (td1->mrz->id_number, ==, "001090123456");
  g_assert_cmpstr (td1->mrz->surname, ==, "DO");

  /* A kind named by the caller is read as that kind, whatever it looks like. */
  forced = pd_scan_read (CODE, -1, PD_SCAN_KIND_CCCD, NULL, today, &error);
  g_assert_null (forced);
  g_assert_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_FIELD_COUNT);
}

static void
test_too_long (void)
{
  g_autofree char *text = g_strnfill (PD_SCAN_MAX_LENGTH + 1, 'A');
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) scan = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, NULL, NULL, &error);

  g_assert_null (scan);
  g_assert_error (error, PD_SCAN_ERROR, PD_SCAN_ERROR_TOO_LONG);
}

/* A declaration QR code reads only with its signer's key. */
static void
test_declaration_qr (void)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Đỗ Ánh Bảo", "001190123456");
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_autoptr(GHashTable) other_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tampered = NULL;
  g_autoptr(PdScan) scan = NULL;
  PdScan *refused;

  crypto_sign_keypair (pk, sk);
  secret = g_bytes_new (sk, sizeof sk);
  g_hash_table_insert (keys, g_strdup ("VN-HN-2026-01"), g_bytes_new (pk, sizeof pk));
  crypto_sign_keypair (pk, sk);
  g_hash_table_insert (other_keys, g_strdup ("VN-HN-2026-01"), g_bytes_new (pk, sizeof pk));

  text = pd_declaration_qr_encode (dossier, "VN-HN-2026-01", secret, 1790000000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_scan_classify (text, -1), ==, PD_SCAN_KIND_DECLARATION_QR);

  scan = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_field (scan->declaration->dossier, PD_FIELD_FULL_NAME), ==, "Đỗ Ánh Bảo");
  g_assert_cmpstr (scan->declaration->key_id, ==, "VN-HN-2026-01");

  refused = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY);
  g_assert_true (pd_scan_error_is_check (error));
  g_clear_error (&error);

  refused = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, other_keys, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_BAD_SIGNATURE);
  g_assert_true (pd_scan_error_is_check (error));
  g_clear_error (&error);

  /* One character changed in the signed part. */
  tampered = g_strdup (text);
  tampered[strlen (tampered) - 3] = tampered[strlen (tampered) - 3] == 'A' ? 'B' : 'A';
  refused = pd_scan_read (tampered, -1, PD_SCAN_KIND_UNKNOWN, keys, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_cmpuint (error->domain, ==, PD_DECLARATION_ERROR);
}

/* The demo key is found through PASSDESK_DATA_DIR (set by the tests' environment) and
 * signs declarations that read with the keys a store trusts. */
static void
test_demo_key (void)
{
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GBytes) public_key = pd_declaration_keys_get_demo (&key_id, &secret);
  guint8 check[crypto_sign_PUBLICKEYBYTES];

  g_assert_nonnull (public_key);
  g_assert_cmpstr (key_id, ==, PD_DECLARATION_DEMO_KEY_ID);
  g_assert_cmpuint (g_bytes_get_size (secret), ==, crypto_sign_SECRETKEYBYTES);
  /* The secret half belongs to the public half. */
  crypto_sign_ed25519_sk_to_pk (check, g_bytes_get_data (secret, NULL));
  g_assert_cmpmem (check, sizeof check, g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
}

static void
test_partial_mrz (void)
{
  g_assert_true (pd_scan_text_is_partial_mrz (TD1_L1 "\n"));
  g_assert_true (pd_scan_text_is_partial_mrz (TD1_L1 "\n" TD1_L2));
  g_assert_false (pd_scan_text_is_partial_mrz (TD1_L1 "\n" TD1_L2 "\n" TD1_L3));
  g_assert_true (pd_scan_text_is_partial_mrz (TD3_L1));
  g_assert_false (pd_scan_text_is_partial_mrz (TD3_L1 "\n" TD3_L2));
  g_assert_false (pd_scan_text_is_partial_mrz (CODE));
  g_assert_false (pd_scan_text_is_partial_mrz ("PDQ1:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<"));
  g_assert_false (pd_scan_text_is_partial_mrz (""));
}

/* The card's values against the declaration's: a name differing only in case and marks is the
 * same; filling touches only empty fields. */
static void
test_compare_fill (void)
{
  g_autoptr(GDate) today = make_today ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) card = pd_scan_read (CCCD, -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
  g_autoptr(PdScan) passport = pd_scan_read (TD3_L1 "\n" TD3_L2, -1, PD_SCAN_KIND_UNKNOWN, NULL, today, &error);
  g_autoptr(PdDossier) declared = pd_dossier_new ();
  g_autoptr(GPtrArray) mismatches = NULL;
  g_autoptr(GArray) filled = NULL;
  g_autoptr(PdDossier) blank = pd_dossier_new ();
  PdCccdMismatch *m;

  g_assert_no_error (error);
  pd_dossier_set_field (declared, PD_FIELD_FULL_NAME, "NGUYEN VAN A");
  pd_dossier_set_field (declared, PD_FIELD_BIRTH_DATE, "1990-01-02");
  mismatches = pd_scan_compare_dossier (card, declared);
  g_assert_cmpuint (mismatches->len, ==, 1);
  m = g_ptr_array_index (mismatches, 0);
  g_assert_cmpint (m->field, ==, PD_FIELD_BIRTH_DATE);
  g_assert_cmpstr (m->dossier_value, ==, "1990-01-02");
  g_assert_cmpstr (m->card_value, ==, "1990-01-01");

  filled = pd_scan_fill_empty (card, declared);
  g_assert_cmpuint (filled->len, ==, 3);  /* ID number, sex, address */
  g_assert_cmpstr (pd_dossier_get_field (declared, PD_FIELD_FULL_NAME), ==, "NGUYEN VAN A");
  g_assert_cmpstr (pd_dossier_get_field (declared, PD_FIELD_BIRTH_DATE), ==, "1990-01-02");
  g_assert_cmpstr (pd_dossier_get_field (declared, PD_FIELD_ID_NUMBER), ==, "001090123456");
  g_clear_pointer (&filled, g_array_unref);

  /* A passport: name without marks, the ID as personal number, its number as the previous one. */
  g_clear_pointer (&mismatches, g_ptr_array_unref);
  pd_dossier_set_field (declared, PD_FIELD_FULL_NAME, "Nguyễn Văn An");
  pd_dossier_set_field (declared, PD_FIELD_ID_NUMBER, "001205012345");
  pd_dossier_set_field (declared, PD_FIELD_BIRTH_DATE, "2005-12-31");
  mismatches = pd_scan_compare_dossier (passport, declared);
  g_assert_cmpuint (mismatches->len, ==, 0);
  filled = pd_scan_fill_empty (passport, blank);
  g_assert_cmpstr (pd_dossier_get_field (blank, PD_FIELD_FULL_NAME), ==, "NGUYEN VAN AN");
  g_assert_cmpstr (pd_dossier_get_field (blank, PD_FIELD_PREV_PASSPORT_NUMBER), ==, "C1234567");
  g_assert_cmpstr (pd_dossier_get_field (blank, PD_FIELD_ID_NUMBER), ==, "001205012345");
  g_assert_cmpstr (pd_dossier_get_field (blank, PD_FIELD_SEX), ==, "M");
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/scan-router/table", test_table);
  g_test_add_func ("/scan-router/values", test_values);
  g_test_add_func ("/scan-router/too-long", test_too_long);
  g_test_add_func ("/scan-router/declaration-qr", test_declaration_qr);
  g_test_add_func ("/scan-router/demo-key", test_demo_key);
  g_test_add_func ("/scan-router/partial-mrz", test_partial_mrz);
  g_test_add_func ("/scan-router/compare-fill", test_compare_fill);

  return g_test_run ();
}
