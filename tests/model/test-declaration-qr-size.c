/* test-declaration-qr-size.c: a full declaration must fit one QR code that a counter's
 * scanner reads from a printout. Measured with libqrencode at error correction level M. */
#include "config.h"

#include <string.h>
#include <qrencode.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "pd-dossier.h"
#include "pd-test-support.h"

/* Every field of an adult's TK01 filled, with long but real-looking answers. */
static PdDossier *
make_full_tk01 (void)
{
  static const struct {
    PdField     field;
    const char *value;
  } values[] = {
    { PD_FIELD_FULL_NAME, "Nguyễn Thị Phương Thảo" },
    { PD_FIELD_SEX, "F" },
    { PD_FIELD_BIRTH_DATE, "1988-11-23" },
    { PD_FIELD_BIRTH_PROVINCE, "38" },
    { PD_FIELD_ID_NUMBER, "038188012345" },
    { PD_FIELD_ETHNIC_GROUP, "01" },
    { PD_FIELD_RELIGION, "Phật giáo" },
    { PD_FIELD_PHONE, "0912345678" },
    { PD_FIELD_EMAIL, "nguyenthiphuongthao88@example.com.vn" },
    { PD_FIELD_PERMANENT_ADDRESS, "Số 125, ngõ 68, đường Nguyễn Trãi, tổ dân phố số 7" },
    { PD_FIELD_PERMANENT_PROVINCE, "01" },
    { PD_FIELD_PERMANENT_COMMUNE, "00367" },
    { PD_FIELD_TEMPORARY_ADDRESS, "Phòng 1204, tòa nhà CT2B, khu đô thị Văn Quán" },
    { PD_FIELD_TEMPORARY_PROVINCE, "01" },
    { PD_FIELD_TEMPORARY_COMMUNE, "09552" },
    { PD_FIELD_CURRENT_ADDRESS, "Phòng 1204, tòa nhà CT2B, khu đô thị Văn Quán" },
    { PD_FIELD_CURRENT_PROVINCE, "01" },
    { PD_FIELD_CURRENT_COMMUNE, "09552" },
    { PD_FIELD_OCCUPATION, "Kế toán trưởng" },
    { PD_FIELD_EMPLOYER_NAME, "Công ty Cổ phần Thương mại và Dịch vụ Hoàng Long" },
    { PD_FIELD_EMPLOYER_ADDRESS, "Tầng 9, tòa nhà Sông Đà, 165 đường Cầu Giấy, Hà Nội" },
    { PD_FIELD_FATHER_NAME, "Nguyễn Văn Hùng" },
    { PD_FIELD_FATHER_BIRTH_DATE, "1960-04-02" },
    { PD_FIELD_MOTHER_NAME, "Lê Thị Thu Hương" },
    { PD_FIELD_MOTHER_BIRTH_DATE, "1963-09-17" },
    { PD_FIELD_SPOUSE_NAME, "Trần Quốc Khánh" },
    { PD_FIELD_SPOUSE_BIRTH_DATE, "1986-01-30" },
    { PD_FIELD_PREV_PASSPORT_NUMBER, "C3456789" },
    { PD_FIELD_PREV_PASSPORT_ISSUE_DATE, "2016-05-12" },
    { PD_FIELD_BANK_ACCOUNT_NUMBER, "0021000456789" },
    { PD_FIELD_BANK_ACCOUNT_HOLDER, "NGUYEN THI PHUONG THAO" },
    { PD_FIELD_BANK_NAME, "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)" },
    { PD_FIELD_REQUEST_TYPE, "reissue" },
    { PD_FIELD_REQUEST_REASON, "Hộ chiếu cũ hết hạn, cần đi công tác nước ngoài" },
    { PD_FIELD_CHIP, "chip" },
    { PD_FIELD_DELIVERY, "post" },
    { PD_FIELD_DECLARATION_CODE, "PD1-01-1YHVFTEJ-J" },
    { PD_FIELD_OFFICE_CODE, "01" },
  };
  PdDossier *dossier = pd_dossier_new ();

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    pd_dossier_set_field (dossier, values[i].field, values[i].value);
  return dossier;
}

static int
qr_version (const char   *text,
            QRencodeMode  mode)
{
  QRinput *input = QRinput_new2 (0, QR_ECLEVEL_M);
  QRcode *code;
  int version;

  g_assert_nonnull (input);
  g_assert_cmpint (QRinput_append (input, mode, strlen (text), (const unsigned char *) text), ==, 0);
  code = QRcode_encodeInput (input);
  g_assert_nonnull (code);
  version = code->version;
  QRcode_free (code);
  QRinput_free (input);
  return version;
}

static void
test_full_tk01_fits (void)
{
  g_autoptr(PdDossier) dossier = make_full_tk01 ();
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  g_autoptr(GBytes) secret_key = NULL;
  g_autoptr(GHashTable) trusted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *same_size_base64 = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *json_text = NULL;
  gsize binary_length, base64_length;
  int version, base64_version;

  crypto_sign_keypair (pk, sk);
  secret_key = g_bytes_new (sk, sizeof sk);
  g_hash_table_insert (trusted, (gpointer) "VN-HN-2026-01", g_bytes_new (pk, sizeof pk));

  text = pd_declaration_qr_encode (dossier, "VN-HN-2026-01", secret_key, 1782864000, &error);
  g_assert_no_error (error);
  back = pd_declaration_qr_decode (text, -1, trusted, &error);
  g_assert_no_error (error);
  for (int f = 0; f < PD_N_FIELDS; f++)
    g_assert_cmpstr (pd_dossier_get_field (back->dossier, f), ==, pd_dossier_get_field (dossier, f));

  version = qr_version (text, QR_MODE_AN);

  /* What base64url of the same bytes in byte mode would take, for comparison */
  binary_length = (strlen (text) - strlen ("PDQ1:")) / 3 * 2 + ((strlen (text) - strlen ("PDQ1:")) % 3 ? 1 : 0);
  base64_length = strlen ("PDQ1:") + (binary_length * 4 + 2) / 3;
  same_size_base64 = g_strnfill (base64_length, 'a');
  base64_version = qr_version (same_size_base64, QR_MODE_8);

  json = pd_dossier_to_json (dossier, TRUE);
  json_text = json_to_string (json, FALSE);

  g_test_message ("full TK01: %zu bytes of JSON; %zu bytes signed and compressed; "
                  "%zu characters of base45: QR version %d at level M (base64url in byte mode: "
                  "%zu characters, version %d)",
                  strlen (json_text), binary_length, strlen (text), version, base64_length, base64_version);
  if (g_test_verbose ())
    g_print ("%s\n", text);

  /* Version 25 (117x117 modules) still scans from an A4 printout with a phone camera. */
  g_assert_cmpint (version, <=, 25);
  g_assert_cmpint (version, <=, base64_version);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/declaration-qr/full-tk01-fits", test_full_tk01_fits);

  return g_test_run ();
}
