/* test-chip.c: chips made by make-test-chips (real OpenSSL certificates and signatures) read
 * and authenticated, and hostile files refused with an error. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "pd-chip-document.h"
#include "pd-tlv.h"
#include "pd-test-support.h"

static char *
chip_path (const char *name)
{
  return g_build_filename (g_getenv ("PASSDESK_TEST_CHIPS"), name, NULL);
}

static GHashTable *
load (const char *name)
{
  g_autofree char *path = chip_path (name);
  g_autoptr(GError) error = NULL;
  GHashTable *files = pd_chip_files_load_folder (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  return files;
}

static PdChipDocument *
open_chip (const char *name)
{
  g_autoptr(GHashTable) files = load (name);
  g_autoptr(GError) error = NULL;
  PdChipDocument *document = pd_chip_document_new (files, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

static PdChipTrust *
trust_with (const char *folder)
{
  g_autoptr(PdChipTrust) trust = pd_chip_trust_new ();
  g_autofree char *path = folder != NULL ? chip_path (folder) : NULL;
  g_autoptr(GError) error = NULL;

  if (path != NULL)
    {
      g_assert_true (pd_chip_trust_add_path (trust, path, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (pd_chip_trust_get_n_certificates (trust), ==, 1);
    }
  return g_steal_pointer (&trust);
}

static PdChipDgHashState
dg_state (const PdChipPaResult *result,
          guint                 number)
{
  for (guint i = 0; i < result->data_groups->len; i++)
    if (g_array_index (result->data_groups, PdChipDgCheck, i).number == number)
      return g_array_index (result->data_groups, PdChipDgCheck, i).state;
  g_assert_not_reached ();
}

static void
test_genuine_parsed (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("genuine");
  const PdChipCom *com = pd_chip_document_get_com (document);
  const PdChipDg1 *dg1 = pd_chip_document_get_dg1 (document);
  const PdChipDg2 *dg2 = pd_chip_document_get_dg2 (document);
  const PdChipDg13 *dg13 = pd_chip_document_get_dg13 (document);
  const PdChipSod *sod = pd_chip_document_get_sod (document);
  g_autofree char *face_path = g_test_build_filename (G_TEST_DIST, "chip", "face.jpg", NULL);
  g_autofree char *face = NULL;
  gsize face_length;

  g_assert_cmpstr (com->lds_version, ==, "0107");
  g_assert_cmpuint (com->data_groups->len, ==, 3);
  g_assert_cmpuint (g_array_index (com->data_groups, guint, 2), ==, 13);

  g_assert_cmpuint (dg1->mrz->format, ==, PD_MRZ_FORMAT_TD1);
  g_assert_true (pd_mrz_is_valid (dg1->mrz));
  g_assert_cmpstr (dg1->mrz->id_number, ==, "001190012345");
  g_assert_cmpstr (dg1->mrz->surname, ==, "NGUYEN");
  g_assert_cmpstr (dg1->mrz->given_names, ==, "THI HONG NHUNG");
  g_assert_cmpstr (dg1->mrz->birth_date, ==, "1990-03-05");
  g_assert_cmpstr (dg1->mrz->sex, ==, "F");

  g_assert_cmpuint (dg2->format, ==, PD_CHIP_IMAGE_JPEG);
  g_assert_true (g_file_get_contents (face_path, &face, &face_length, NULL));
  g_assert_cmpmem (g_bytes_get_data (dg2->image, NULL), g_bytes_get_size (dg2->image), face, face_length);
  g_assert_cmpuint (dg2->width, >, 0);

  g_assert_cmpstr (dg13->id_number, ==, "001190012345");
  g_assert_cmpstr (dg13->full_name, ==, "Nguyễn Thị Hồng Nhung");
  g_assert_cmpstr (dg13->birth_date, ==, "1990-03-05");
  g_assert_cmpstr (dg13->sex, ==, "F");
  g_assert_cmpstr (dg13->nationality, ==, "Việt Nam");
  g_assert_cmpstr (dg13->ethnicity, ==, "Kinh");
  g_assert_cmpstr (dg13->place_of_residence, ==, "Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội");
  g_assert_cmpstr (dg13->issue_date, ==, "2021-08-10");
  g_assert_cmpstr (dg13->expiry_date, ==, "2030-03-05");
  g_assert_cmpstr (dg13->father_name, ==, "Nguyễn Văn Hùng");
  g_assert_cmpstr (dg13->mother_name, ==, "Lê Thị Lan");
  g_assert_cmpstr (dg13->spouse_name, ==, "Trần Văn Minh");
  g_assert_cmpstr (dg13->old_id_number, ==, "013456789");
  g_assert_cmpuint (dg13->other->len, ==, 0);

  g_assert_cmpstr (sod->digest, ==, "SHA256");
  g_assert_cmpuint (sod->hashes->len, ==, 3);
  g_assert_nonnull (strstr (sod->signer_subject, "CN=Document Signer Passdesk Test"));
  g_assert_nonnull (strstr (sod->signer_issuer, "CN=CSCA Passdesk Test"));
  g_assert_true (g_str_has_suffix (sod->signer_not_after, "Z"));
}

static void
test_genuine_authenticated (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("genuine");
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, trust);
  g_autofree char *json = pd_chip_document_to_json (document, result);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonObject *root = json_node_get_object (node);

  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_GENUINE);
  g_assert_true (result->signature_valid);
  g_assert_true (result->signer_trusted);
  g_assert_cmpuint (result->data_groups->len, ==, 3);
  for (guint i = 0; i < result->data_groups->len; i++)
    g_assert_cmpint (g_array_index (result->data_groups, PdChipDgCheck, i).state, ==, PD_CHIP_DG_HASH_MATCH);
  g_assert_nonnull (strstr (result->detail, "Document Signer Passdesk Test"));

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "authentication"), "outcome"),
                   ==, "genuine");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "dg13"), "full_name"),
                   ==, "Nguyễn Thị Hồng Nhung");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "dg2"), "format"),
                   ==, "jpeg");
}

static void
test_no_csca (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("genuine");
  g_autoptr(PdChipTrust) empty = pd_chip_trust_new ();
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, empty);
  g_autoptr(PdChipPaResult) without = pd_chip_document_authenticate (document, NULL);

  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_NOT_VERIFIABLE);
  g_assert_true (result->signature_valid);
  g_assert_false (result->signer_trusted);
  g_assert_nonnull (strstr (result->detail, "no CSCA certificate"));
  g_assert_cmpint (without->outcome, ==, PD_CHIP_PA_NOT_VERIFIABLE);
}

static void
test_altered (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("altered");
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, trust);
  g_autoptr(PdChipPaResult) untrusted = pd_chip_document_authenticate (document, NULL);

  /* The changed file still parses: the officer would see "Hà Nam". */
  g_assert_true (g_str_has_suffix (pd_chip_document_get_dg13 (document)->place_of_residence, "Hà Nam"));
  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_ALTERED);
  g_assert_true (result->signature_valid);
  g_assert_cmpint (dg_state (result, 13), ==, PD_CHIP_DG_HASH_MISMATCH);
  g_assert_cmpint (dg_state (result, 1), ==, PD_CHIP_DG_HASH_MATCH);
  g_assert_cmpint (dg_state (result, 2), ==, PD_CHIP_DG_HASH_MATCH);
  g_assert_nonnull (strstr (result->detail, "Data group 13 was changed after signing."));
  /* Altered whatever the trust store: a missing CSCA must not soften it. */
  g_assert_cmpint (untrusted->outcome, ==, PD_CHIP_PA_ALTERED);
}

static void
test_untrusted_signer (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("untrusted");
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipTrust) other = trust_with ("other-csca");
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, trust);
  g_autoptr(PdChipPaResult) with_other = pd_chip_document_authenticate (document, other);

  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_NOT_VERIFIABLE);
  g_assert_true (result->signature_valid);
  g_assert_false (result->signer_trusted);
  g_assert_nonnull (strstr (result->detail, "not in the trust store"));
  g_assert_cmpint (with_other->outcome, ==, PD_CHIP_PA_GENUINE);
}

static void
test_bad_signature (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("badsig");
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, trust);

  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_ALTERED);
  g_assert_false (result->signature_valid);
  g_assert_nonnull (strstr (result->detail, "signature does not hold"));
}

static void
test_unsigned_data_group (void)
{
  g_autoptr(GHashTable) files = load ("genuine");
  g_autoptr(PdChipDocument) document = NULL;
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipPaResult) result = NULL;
  static const guint8 dg14[] = { 0x6E, 0x02, 0x31, 0x00 };

  g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (14)), g_bytes_new_static (dg14, sizeof dg14));
  document = pd_chip_document_new (files, NULL);
  result = pd_chip_document_authenticate (document, trust);
  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_ALTERED);
  g_assert_cmpint (dg_state (result, 14), ==, PD_CHIP_DG_HASH_NOT_SIGNED);
  g_assert_nonnull (strstr (result->detail, "Data group 14 is not covered"));
}

static void
test_no_sod (void)
{
  g_autoptr(GHashTable) files = load ("genuine");
  g_autoptr(PdChipDocument) document = NULL;
  g_autoptr(PdChipPaResult) result = NULL;

  g_hash_table_remove (files, GUINT_TO_POINTER (PD_CHIP_FID_SOD));
  document = pd_chip_document_new (files, NULL);
  g_assert_nonnull (document);
  result = pd_chip_document_authenticate (document, NULL);
  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_NOT_VERIFIABLE);
}

static void
test_passport_jpeg2000 (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("passport-jp2");
  g_autoptr(PdChipTrust) trust = trust_with ("csca");
  g_autoptr(PdChipPaResult) result = pd_chip_document_authenticate (document, trust);
  const PdChipDg1 *dg1 = pd_chip_document_get_dg1 (document);
  const PdChipDg2 *dg2 = pd_chip_document_get_dg2 (document);
  g_autoptr(PdChipRgbImage) image = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *rgb;

  g_assert_cmpint (result->outcome, ==, PD_CHIP_PA_GENUINE);
  g_assert_cmpuint (dg1->mrz->format, ==, PD_MRZ_FORMAT_TD3);
  g_assert_true (pd_mrz_is_valid (dg1->mrz));
  g_assert_cmpstr (dg1->mrz->document_number, ==, "C1234567");
  g_assert_null (pd_chip_document_get_dg13 (document));

  g_assert_cmpuint (dg2->format, ==, PD_CHIP_IMAGE_JPEG2000);
  image = pd_chip_jpeg2000_decode (dg2->image, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 64);
  g_assert_cmpuint (image->height, ==, 80);
  g_assert_cmpuint (g_bytes_get_size (image->rgb), ==, 64 * 80 * 3);
  /* Lossless: the generator's pattern, pixel for pixel. */
  rgb = g_bytes_get_data (image->rgb, NULL);
  for (guint y = 0; y < 80; y++)
    for (guint x = 0; x < 64; x++)
      {
        const guint8 *px = rgb + (y * 64 + x) * 3;

        g_assert_cmpuint (px[0], ==, (x * 4) & 0xFF);
        g_assert_cmpuint (px[1], ==, (y * 3) & 0xFF);
        g_assert_cmpuint (px[2], ==, ((x + y) * 2) & 0xFF);
      }
}

static void
assert_refused (GHashTable *files)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDocument) document = pd_chip_document_new (files, &error);

  g_assert_null (document);
  g_assert_nonnull (error);
  g_assert_true (error->domain == PD_CHIP_ERROR || error->domain == PD_MRZ_ERROR);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_hostile_truncated (void)
{
  static const guint fids[] = { PD_CHIP_FID_COM, PD_CHIP_FID_DG (1), PD_CHIP_FID_DG (2),
                                PD_CHIP_FID_DG (13), PD_CHIP_FID_SOD };

  for (guint f = 0; f < G_N_ELEMENTS (fids); f++)
    {
      g_autoptr(GHashTable) files = load ("genuine");
      g_autoptr(GBytes) whole = g_bytes_ref (g_hash_table_lookup (files, GUINT_TO_POINTER (fids[f])));
      gsize size = g_bytes_get_size (whole);

      /* Empty, one byte, halfway, one byte short. */
      const gsize cuts[] = { 0, 1, size / 2, size - 1 };

      for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
        {
          g_hash_table_insert (files, GUINT_TO_POINTER (fids[f]), g_bytes_new_from_bytes (whole, 0, cuts[c]));
          assert_refused (files);
        }
      /* A byte more than the structure says. */
      {
        g_autoptr(GByteArray) longer = g_byte_array_new ();

        g_byte_array_append (longer, g_bytes_get_data (whole, NULL), size);
        g_byte_array_append (longer, (const guint8 *) "\0", 1);
        g_hash_table_insert (files, GUINT_TO_POINTER (fids[f]), g_byte_array_free_to_bytes (g_steal_pointer (&longer)));
        assert_refused (files);
      }
    }
}

static void
test_hostile_lengths (void)
{
  /* DG13 whose inner length runs past the data; a long-form length of 5 bytes; an indefinite
   * length; a tag that never ends. */
  static const guint8 past[] = { 0x6D, 0x06, 0x30, 0x7F, 0x02, 0x01, 0x01, 0x0C };
  static const guint8 five[] = { 0x6D, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 };
  static const guint8 indefinite[] = { 0x6D, 0x80, 0x30, 0x00, 0x00, 0x00 };
  static const guint8 endless_tag[] = { 0x6D, 0x04, 0x5F, 0x81, 0x82, 0x83 };
  static const guint8 huge[] = { 0x6D, 0x84, 0xFF, 0xFF, 0xFF, 0xF0, 0x00 };
  const struct { const guint8 *data; gsize size; } cases[] = {
    { past, sizeof past }, { five, sizeof five }, { indefinite, sizeof indefinite },
    { endless_tag, sizeof endless_tag }, { huge, sizeof huge },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GHashTable) files = load ("genuine");
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].data, cases[i].size);
      g_autoptr(GError) error = NULL;
      g_autoptr(PdChipDg13) dg13 = pd_chip_dg13_parse (bytes, &error);

      g_assert_null (dg13);
      g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED);
      g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (13)), g_bytes_ref (bytes));
      assert_refused (files);
    }
}

static void
test_hostile_deep (void)
{
  g_autoptr(GByteArray) nested = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDg13) dg13 = NULL;

  /* Built from the inside out, each level's length in long form. */
  g_byte_array_append (nested, (const guint8 *) "\x02\x01\x01\x0C\x01x", 6);
  for (guint i = 0; i < 10000; i++)
    {
      guint32 length = nested->len;
      guint8 head[6] = { i == 9999 ? 0x6D : 0x30, 0x84, length >> 24, length >> 16, length >> 8, length };

      g_byte_array_prepend (nested, head, sizeof head);
    }
  bytes = g_bytes_new (nested->data, nested->len);
  dg13 = pd_chip_dg13_parse (bytes, &error);
  g_assert_null (dg13);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED);
}

static void
test_hostile_missing (void)
{
  g_autoptr(GHashTable) files = load ("genuine");
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDocument) document = NULL;
  g_autoptr(GHashTable) empty = pd_chip_files_new ();

  g_hash_table_remove (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (1)));
  document = pd_chip_document_new (files, &error);
  g_assert_null (document);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MISSING);
  assert_refused (empty);
}

static void
test_dg13_flat_and_unknown (void)
{
  /* Pairs directly in one SEQUENCE, an unknown number 99, parents nested as a SEQUENCE, a
   * year alone for the birth date and an expiry without a date. */
  static const guint8 flat[] = {
    0x6D, 0x36, 0x30, 0x34,
    0x02, 0x01, 0x02, 0x0C, 0x06, 'L', 0xC3, 0xAA, ' ', '\t', 'A',
    0x02, 0x01, 0x63, 0x0C, 0x01, 'x',
    0x02, 0x01, 0x03, 0x0C, 0x04, '1', '9', '5', '0',
    0x02, 0x01, 0x0D, 0x30, 0x06, 0x0C, 0x01, 'f', 0x0C, 0x01, 'm',
    0x02, 0x01, 0x0C, 0x0C, 0x0A, 'K', 'h', 0xC3, 0xB4, 'n', 'g', ' ', 'c', 'o', '.',
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (flat, sizeof flat);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDg13) dg13 = pd_chip_dg13_parse (bytes, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (dg13->full_name, ==, "Lê A");
  g_assert_null (dg13->birth_date);
  g_assert_cmpstr (dg13->birth_date_text, ==, "1950");
  g_assert_cmpstr (dg13->father_name, ==, "f");
  g_assert_cmpstr (dg13->mother_name, ==, "m");
  g_assert_null (dg13->expiry_date);
  g_assert_cmpstr (dg13->expiry_date_text, ==, "Không co.");
  g_assert_null (dg13->id_number);
  g_assert_cmpuint (dg13->other->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (dg13->other, 0), ==, "99: x");
}

static void
test_dg13_version_and_stray_text (void)
{
  /* A version 0 and an OID before the fields, a string before any number: skipped. */
  static const guint8 data[] = {
    0x6D, 0x19, 0x30, 0x17,
    0x02, 0x01, 0x00, 0x06, 0x03, 0x2B, 0x06, 0x01, 0x0C, 0x01, 'z',
    0x30, 0x0A, 0x02, 0x01, 0x01, 0x13, 0x05, '0', '0', '1', '2', '3',
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDg13) dg13 = pd_chip_dg13_parse (bytes, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (dg13->id_number, ==, "00123");
  g_assert_null (dg13->full_name);
  g_assert_cmpuint (dg13->other->len, ==, 0);
}

static void
test_dg13_fills_dossier (void)
{
  g_autoptr(PdChipDocument) document = open_chip ("genuine");
  g_autoptr(PdDossier) dossier = pd_dossier_new ();

  pd_dossier_set_field (dossier, PD_FIELD_PHONE, "0912345678");
  pd_chip_dg13_fill_dossier (pd_chip_document_get_dg13 (document), dossier);
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER), ==, "001190012345");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), ==, "Nguyễn Thị Hồng Nhung");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_BIRTH_DATE), ==, "1990-03-05");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_SEX), ==, "F");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_ADDRESS), ==,
                   "Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_MOTHER_NAME), ==, "Lê Thị Lan");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_SPOUSE_NAME), ==, "Trần Văn Minh");
  /* What the card does not hold stays. */
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PHONE), ==, "0912345678");
}

static void
test_dg13_bad_utf8 (void)
{
  static const guint8 bad[] = { 0x6D, 0x09, 0x30, 0x07, 0x02, 0x01, 0x02, 0x0C, 0x02, 0xC3, 0x28 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (bad, sizeof bad);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDg13) dg13 = pd_chip_dg13_parse (bytes, &error);

  g_assert_null (dg13);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED);
}

static void
test_dates (void)
{
  g_autofree char *ok = pd_chip_date_to_iso ("05/03/1990");
  g_autofree char *leap = pd_chip_date_to_iso ("29/02/2000");
  g_autofree char *bad = pd_chip_date_to_iso ("29/02/2001");
  g_autofree char *text = pd_chip_date_to_iso ("Không thời hạn");
  g_autofree char *sign = pd_chip_date_to_iso ("+5/03/1990");

  g_assert_cmpstr (ok, ==, "1990-03-05");
  g_assert_cmpstr (leap, ==, "2000-02-29");
  g_assert_null (bad);
  g_assert_null (text);
  g_assert_null (sign);
}

static void
test_tlv (void)
{
  /* A three-byte tag and a four-byte length. */
  static const guint8 long_form[] = { 0x5F, 0x81, 0x01, 0x84, 0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB };
  /* Constructed, so its value must be TLVs too: AA claims 0xBB bytes. */
  static const guint8 bad_child[] = { 0x7F, 0x81, 0x01, 0x02, 0xAA, 0xBB };
  static const guint8 empty_value[] = { 0x04, 0x00 };
  PdTlv tlv;
  g_autoptr(GError) error = NULL;

  g_assert_true (pd_tlv_read_whole (long_form, sizeof long_form, 0x5F8101, &tlv, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tlv.length, ==, 2);
  g_assert_cmpuint (tlv.value[1], ==, 0xBB);
  g_assert_false (tlv.constructed);
  g_assert_false (pd_tlv_read_whole (bad_child, sizeof bad_child, 0x7F8101, &tlv, &error));
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_true (pd_tlv_read (empty_value, sizeof empty_value, &tlv, NULL));
  g_assert_cmpuint (tlv.length, ==, 0);
  g_assert_false (pd_tlv_read (NULL, 0, &tlv, &error));
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED);
}

static void
test_trust_store (void)
{
  g_autoptr(PdChipTrust) trust = pd_chip_trust_new ();
  g_autoptr(PdChipTrust) installed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *face = g_test_build_filename (G_TEST_DIST, "chip", "face.jpg", NULL);
  g_autofree char *csca = chip_path ("csca");
  g_autofree char *other = chip_path ("other-csca/csca.pem");
  const char *directories[] = { "/nonexistent/passdesk-csca", csca, NULL };

  g_assert_false (pd_chip_trust_add_path (trust, face, &error));
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_TRUST_STORE);
  g_clear_error (&error);
  g_assert_true (pd_chip_trust_add_directories (trust, directories, &error));
  g_assert_no_error (error);
  g_assert_true (pd_chip_trust_add_path (trust, other, &error));
  g_assert_cmpuint (pd_chip_trust_get_n_certificates (trust), ==, 2);

  /* data/csca ships with a README and no certificate. */
  installed = pd_chip_trust_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pd_chip_trust_get_n_certificates (installed), ==, 0);
}

static void
test_folder_names (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *upper = g_build_filename (dir, "0101", NULL);
  g_autofree char *lower = g_build_filename (dir, "010d", NULL);
  g_autofree char *readme = g_build_filename (dir, "README", NULL);
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (upper, "a", 1, NULL));
  g_assert_true (g_file_set_contents (lower, "b", 1, NULL));
  g_assert_true (g_file_set_contents (readme, "c", 1, NULL));
  files = pd_chip_files_load_folder (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (files), ==, 1);
  g_assert_true (g_hash_table_contains (files, GUINT_TO_POINTER (0x0101)));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/chip/genuine/parsed", test_genuine_parsed);
  g_test_add_func ("/chip/genuine/authenticated", test_genuine_authenticated);
  g_test_add_func ("/chip/genuine/no-csca", test_no_csca);
  g_test_add_func ("/chip/altered", test_altered);
  g_test_add_func ("/chip/untrusted-signer", test_untrusted_signer);
  g_test_add_func ("/chip/bad-signature", test_bad_signature);
  g_test_add_func ("/chip/unsigned-data-group", test_unsigned_data_group);
  g_test_add_func ("/chip/no-sod", test_no_sod);
  g_test_add_func ("/chip/passport-jpeg2000", test_passport_jpeg2000);
  g_test_add_func ("/chip/hostile/truncated", test_hostile_truncated);
  g_test_add_func ("/chip/hostile/lengths", test_hostile_lengths);
  g_test_add_func ("/chip/hostile/deep", test_hostile_deep);
  g_test_add_func ("/chip/hostile/missing", test_hostile_missing);
  g_test_add_func ("/chip/dg13/flat-and-unknown", test_dg13_flat_and_unknown);
  g_test_add_func ("/chip/dg13/version-and-stray-text", test_dg13_version_and_stray_text);
  g_test_add_func ("/chip/dg13/fills-dossier", test_dg13_fills_dossier);
  g_test_add_func ("/chip/dg13/bad-utf8", test_dg13_bad_utf8);
  g_test_add_func ("/chip/dates", test_dates);
  g_test_add_func ("/chip/tlv", test_tlv);
  g_test_add_func ("/chip/trust-store", test_trust_store);
  g_test_add_func ("/chip/folder-names", test_folder_names);
  return g_test_run ();
}
