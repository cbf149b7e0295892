/* test-declaration-code.c: the declaration code and the signed declaration QR code. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "pd-declaration-code-private.h"
#include "pd-dossier.h"
#include "pd-test-support.h"

#define BASE45 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/* ---- the declaration code ---------------------------------------------------------------- */

static void
test_code_build_and_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *zero = pd_declaration_code_build ("01", 0, &error);
  g_autofree char *top = pd_declaration_code_build ("HCM", (G_GUINT64_CONSTANT (1) << 40) - 1, &error);
  g_autofree char *office = NULL;
  g_autofree char *parsed = NULL;
  g_autofree char *bad = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (zero, "PD1-01-00000000-"));
  g_assert_cmpuint (strlen (zero), ==, 17);
  g_assert_true (g_str_has_prefix (top, "PD1-HCM-ZZZZZZZZ-"));

  parsed = pd_declaration_code_parse (top, &office, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed, ==, top);
  g_assert_cmpstr (office, ==, "HCM");

  bad = pd_declaration_code_build ("H", 1, &error);
  g_assert_null (bad);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT);
  g_clear_error (&error);
  bad = pd_declaration_code_build ("HN-", 1, &error);
  g_assert_null (bad);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT);
}

static void
test_code_typing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = pd_declaration_code_build ("01", 0x0123456789, &error);
  g_autofree char *lower = g_ascii_strdown (code, -1);
  g_autofree char *compact = NULL;
  g_autofree char *letter_o = g_strdup (code);
  g_autofree char *parsed = NULL;
  g_auto(GStrv) parts = g_strsplit (code, "-", -1);

  g_assert_no_error (error);
  g_assert_cmpstr (parts[2], ==, "04HMASW9");
  compact = g_strconcat ("  ", parts[0], parts[1], " ", parts[2], parts[3], "\r\n", NULL);

  /* Typed in lower case, without dashes, with spaces */
  for (guint i = 0; i < 2; i++)
    {
      const char *typed[] = { lower, compact };
      g_autofree char *back = pd_declaration_code_parse (typed[i], NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (back, ==, code);
    }

  /* The letter O for the digit 0 is refused with a hint. */
  letter_o[7] = 'O';
  parsed = pd_declaration_code_parse (letter_o, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "digit 0"));
}

static void
test_code_invalid (void)
{
  struct {
    const char         *text;
    PdDeclarationError  code;
  } cases[] = {
    { "", PD_DECLARATION_ERROR_FORMAT },
    { "hello", PD_DECLARATION_ERROR_FORMAT },
    { "PD1-01-0000000-0", PD_DECLARATION_ERROR_FORMAT },            /* 7-digit body */
    { "PD1-0123-00000000-0", PD_DECLARATION_ERROR_FORMAT },         /* 4-character office */
    { "PD1-01-0000000U-0", PD_DECLARATION_ERROR_FORMAT },           /* U is not base32 */
    { "PD1-01-0000000#-0", PD_DECLARATION_ERROR_FORMAT },
    { "PD1-01-00000000-0\xc3\xa9", PD_DECLARATION_ERROR_FORMAT },
    { "PD2-01-00000000-0", PD_DECLARATION_ERROR_VERSION },
    { "PDQ1:ABC", PD_DECLARATION_ERROR_FORMAT },
  };
  g_autofree char *overlong = g_strnfill (10000, '1');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *parsed = pd_declaration_code_parse (cases[i].text, NULL, &error);

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_null (parsed);
      g_assert_error (error, PD_DECLARATION_ERROR, (int) cases[i].code);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *parsed = pd_declaration_code_parse (overlong, NULL, &error);

    g_assert_null (parsed);
    g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT);
  }
}

/* The check character catches every single substitution and every swap of two neighbours. */
static void
test_code_catches_typos (void)
{
  static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260301);
  const char *offices[] = { "01", "79", "HN", "HCM", "C01" };
  guint substitutions = 0, swaps = 0;

  for (guint n = 0; n < 300; n++)
    {
      guint64 number = ((guint64) g_rand_int (rand) << 8 ^ g_rand_int (rand)) & ((G_GUINT64_CONSTANT (1) << 40) - 1);
      g_autofree char *code = pd_declaration_code_build (offices[n % G_N_ELEMENTS (offices)], number, NULL);
      gsize len = strlen (code);

      for (gsize i = 3; i < len; i++)
        {
          if (code[i] == '-')
            continue;
          for (const char *c = alnum; *c; c++)
            {
              g_autofree char *typo = g_strdup (code);
              g_autofree char *parsed = NULL;

              if (*c == code[i])
                continue;
              typo[i] = *c;
              parsed = pd_declaration_code_parse (typo, NULL, NULL);
              if (parsed != NULL)
                g_error ("%s typed as %s is accepted as %s", code, typo, parsed);
              substitutions++;
            }
        }

      for (gsize i = 3; i + 1 < len; i++)
        {
          gsize j = i + 1;
          g_autofree char *typo = g_strdup (code);
          g_autofree char *parsed = NULL;

          if (code[i] == '-')
            continue;
          if (code[j] == '-')
            j++;
          if (code[i] == code[j])
            continue;
          typo[i] = code[j];
          typo[j] = code[i];
          parsed = pd_declaration_code_parse (typo, NULL, NULL);
          if (parsed != NULL)
            g_error ("%s typed as %s is accepted as %s", code, typo, parsed);
          swaps++;
        }
    }
  g_test_message ("%u substitutions and %u swaps caught", substitutions, swaps);
  g_assert_cmpuint (substitutions, >, 100000);
  g_assert_cmpuint (swaps, >, 3000);
}

static void
test_code_generate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = pd_declaration_code_generate ("79", &error);
  g_autofree char *b = pd_declaration_code_generate ("79", &error);
  g_autofree char *parsed = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a, !=, b);
  parsed = pd_declaration_code_parse (a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed, ==, a);
}

/* ---- the declaration QR code -------------------------------------------------------------- */

typedef struct {
  GBytes     *secret_key;
  GBytes     *public_key;
  GBytes     *other_public_key;
  GHashTable *trusted;
} Keys;

static void
keys_init (Keys *keys)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  guint8 other_pk[crypto_sign_PUBLICKEYBYTES], other_sk[crypto_sign_SECRETKEYBYTES];

  crypto_sign_keypair (pk, sk);
  crypto_sign_keypair (other_pk, other_sk);
  keys->secret_key = g_bytes_new (sk, sizeof sk);
  keys->public_key = g_bytes_new (pk, sizeof pk);
  keys->other_public_key = g_bytes_new (other_pk, sizeof other_pk);
  keys->trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_hash_table_insert (keys->trusted, g_strdup ("HN-2026"), g_bytes_ref (keys->public_key));
  g_hash_table_insert (keys->trusted, g_strdup ("HCM-2026"), g_bytes_ref (keys->other_public_key));
}

static void
keys_clear (Keys *keys)
{
  g_bytes_unref (keys->secret_key);
  g_bytes_unref (keys->public_key);
  g_bytes_unref (keys->other_public_key);
  g_hash_table_unref (keys->trusted);
}

static PdDossier *
make_declaration (void)
{
  PdDossier *dossier = pd_test_make_dossier ("Đỗ Ánh Bảo", "001090123456");

  pd_dossier_set_field (dossier, PD_FIELD_EMAIL, "do.anh.bao@example.vn");
  pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "Kỹ sư phần mềm");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, "Phạm Thị Hồng");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_BIRTH_DATE, "1965-08-20");
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, "PD1-01-00000000-X");
  return dossier;
}

static GBytes *
deflate_bytes (const guint8 *data,
               gsize         length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static char *
seal_raw (Keys         *keys,
          const guint8 *body,
          gsize         length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, length);
  g_autoptr(GError) error = NULL;
  char *text = pd_declaration_qr_seal (bytes, "HN-2026", keys->secret_key, &error);

  g_assert_no_error (error);
  return text;
}

static char *
seal_content (Keys         *keys,
              const guint8 *content,
              gsize         length)
{
  g_autoptr(GBytes) deflated = deflate_bytes (content, length);

  return seal_raw (keys, g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated));
}

static void
assert_refused (const char         *text,
                gssize              length,
                GHashTable         *trusted,
                PdDeclarationError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) qr = pd_declaration_qr_decode (text, length, trusted, &error);

  g_assert_null (qr);
  g_assert_error (error, PD_DECLARATION_ERROR, (int) code);
  g_assert_cmpuint (strlen (error->message), >, 20);
}

static void
test_qr_round_trip (void)
{
  Keys keys;
  g_autoptr(PdDossier) dossier = make_declaration ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *with_enter = NULL;
  g_autoptr(PdDeclarationQr) qr = NULL;
  g_autoptr(PdDeclarationQr) again = NULL;

  keys_init (&keys);
  text = pd_declaration_qr_encode (dossier, "HN-2026", keys.secret_key, 1772323200, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "PDQ1:"));
  for (const char *p = text + 5; *p; p++)
    g_assert_nonnull (strchr (BASE45, *p));

  qr = pd_declaration_qr_decode (text, -1, keys.trusted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qr->key_id, ==, "HN-2026");
  g_assert_cmpint (qr->signed_at, ==, 1772323200);
  g_assert_cmpuint (qr->n_unknown_fields, ==, 0);
  for (int f = 0; f < PD_N_FIELDS; f++)
    g_assert_cmpstr (pd_dossier_get_field (qr->dossier, f), ==, pd_dossier_get_field (dossier, f));

  /* A keyboard-wedge scanner's Enter */
  with_enter = g_strconcat (text, "\r\n", NULL);
  again = pd_declaration_qr_decode (with_enter, -1, keys.trusted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_field (again->dossier, PD_FIELD_FULL_NAME), ==, "Đỗ Ánh Bảo");

  keys_clear (&keys);
}

static void
test_qr_refused (void)
{
  Keys keys;
  g_autoptr(PdDossier) dossier = make_declaration ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) nobody = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) wrong_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) short_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
  g_autofree char *text = NULL;
  g_autofree char *version2 = NULL;
  g_autofree char *version12 = NULL;
  g_autofree char *overlong = NULL;
  gsize len;
  guint tampered = 0;

  keys_init (&keys);
  text = pd_declaration_qr_encode (dossier, "HN-2026", keys.secret_key, 1772323200, &error);
  g_assert_no_error (error);
  len = strlen (text);

  /* Signed with a key id the office does not know */
  assert_refused (text, -1, nobody, PD_DECLARATION_ERROR_UNKNOWN_KEY);
  /* A known key id but another key: a forged signature */
  g_hash_table_insert (wrong_key, (gpointer) "HN-2026", keys.other_public_key);
  assert_refused (text, -1, wrong_key, PD_DECLARATION_ERROR_BAD_SIGNATURE);
  g_hash_table_insert (short_key, (gpointer) "HN-2026", g_bytes_new ("short", 5));
  assert_refused (text, -1, short_key, PD_DECLARATION_ERROR_KEY);

  /* Any character changed in the signed part is caught. */
  for (gsize i = len - 60; i < len; i += 7)
    for (const char *c = BASE45; *c; c++)
      {
        g_autofree char *copy = g_strdup (text);
        g_autoptr(GError) local_error = NULL;
        g_autoptr(PdDeclarationQr) qr = NULL;

        if (*c == text[i])
          continue;
        copy[i] = *c;
        qr = pd_declaration_qr_decode (copy, -1, keys.trusted, &local_error);
        g_assert_null (qr);
        if (g_error_matches (local_error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_ENCODING))
          continue;  /* that change made an out-of-range base45 group */
        g_assert_error (local_error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_BAD_SIGNATURE);
        tampered++;
      }
  g_assert_cmpuint (tampered, >, 100);

  /* Truncated anywhere */
  for (gsize cut = strlen ("PDQ1:") + 1; cut < len; cut++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PdDeclarationQr) qr = pd_declaration_qr_decode (text, cut, keys.trusted, &local_error);

      g_assert_null (qr);
      if ((cut - 5) % 3 == 0 || (cut - 5) % 3 == 1)
        g_assert_error (local_error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TRUNCATED);
      else if (!g_error_matches (local_error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_ENCODING))
        g_assert_error (local_error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TRUNCATED);
    }

  /* Other versions and other QR codes */
  version2 = g_strconcat ("PDQ2:", text + 5, NULL);
  assert_refused (version2, -1, keys.trusted, PD_DECLARATION_ERROR_VERSION);
  version12 = g_strconcat ("PDQ12:", text + 5, NULL);
  assert_refused (version12, -1, keys.trusted, PD_DECLARATION_ERROR_VERSION);
  assert_refused ("PDQ1", -1, keys.trusted, PD_DECLARATION_ERROR_FORMAT);
  assert_refused ("", -1, keys.trusted, PD_DECLARATION_ERROR_FORMAT);
  assert_refused ("001090123456|012345678|Nguyễn Văn A|01011990|Nam|Hà Nội|15042021", -1, keys.trusted,
                  PD_DECLARATION_ERROR_FORMAT);
  assert_refused ("https://example.vn/PDQ1:", -1, keys.trusted, PD_DECLARATION_ERROR_FORMAT);

  /* Hostile text */
  assert_refused ("PDQ1:", -1, keys.trusted, PD_DECLARATION_ERROR_TRUNCATED);
  assert_refused ("PDQ1:abc", -1, keys.trusted, PD_DECLARATION_ERROR_ENCODING);
  assert_refused ("PDQ1:AB\0CDE", 11, keys.trusted, PD_DECLARATION_ERROR_ENCODING);
  assert_refused ("PDQ1:\xc3\xa9\xc3\xa9\xc3", -1, keys.trusted, PD_DECLARATION_ERROR_ENCODING);
  assert_refused ("PDQ1:::::::", -1, keys.trusted, PD_DECLARATION_ERROR_ENCODING);  /* > 0xFFFF */
  overlong = g_strnfill (PD_DECLARATION_QR_MAX_LENGTH + 1, '0');
  memcpy (overlong, "PDQ1:", 5);
  assert_refused (overlong, -1, keys.trusted, PD_DECLARATION_ERROR_TOO_LONG);

  keys_clear (&keys);
}

static void
test_qr_signed_but_broken (void)
{
  Keys keys;
  static const guint8 garbage[] = { 0xff, 0xfe, 0x00, 0x12, 0x34, 0x56, 0x78 };
  static const guint8 valid[] = { 0x01, 1, 3, 'A', 'B', 'C' };
  static const guint8 out_of_order[] = { 0x01, 2, 1, 'M', 1, 3, 'A', 'B', 'C' };
  static const guint8 repeated[] = { 0x01, 1, 1, 'A', 1, 1, 'B' };
  static const guint8 bad_utf8[] = { 0x01, 1, 2, 0xc3, 0x28 };
  static const guint8 nul[] = { 0x01, 1, 3, 'A', 0, 'B' };
  static const guint8 overrun[] = { 0x01, 1, 9, 'A', 'B' };
  static const guint8 empty_value[] = { 0x01, 1, 0 };
  static const guint8 unknown_tag[] = { 0x01, 1, 1, 'A', 200, 2, 'z', 'z' };
  static const guint8 no_time[] = { 0x81 };
  g_autofree guint8 *zeros = g_malloc0 (1 << 20);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GBytes) deflated = NULL;
  g_autoptr(GByteArray) with_tail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) qr = NULL;
  struct {
    const guint8       *content;
    gsize               length;
    PdDeclarationError  code;
  } broken[] = {
    { out_of_order, sizeof out_of_order, PD_DECLARATION_ERROR_CORRUPT },
    { repeated, sizeof repeated, PD_DECLARATION_ERROR_CORRUPT },
    { bad_utf8, sizeof bad_utf8, PD_DECLARATION_ERROR_CORRUPT },
    { nul, sizeof nul, PD_DECLARATION_ERROR_CORRUPT },
    { overrun, sizeof overrun, PD_DECLARATION_ERROR_CORRUPT },
    { empty_value, sizeof empty_value, PD_DECLARATION_ERROR_CORRUPT },
    { no_time, sizeof no_time, PD_DECLARATION_ERROR_CORRUPT },
    { (const guint8 *) "", 0, PD_DECLARATION_ERROR_CORRUPT },
  };

  keys_init (&keys);

  /* A correctly signed payload is still checked: not deflate data */
  {
    g_autofree char *text = seal_raw (&keys, garbage, sizeof garbage);

    assert_refused (text, -1, keys.trusted, PD_DECLARATION_ERROR_CORRUPT);
  }

  /* A deflate stream cut short, and one followed by more data */
  deflated = deflate_bytes (valid, sizeof valid);
  {
    g_autofree char *text = seal_raw (&keys, g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated) - 1);

    assert_refused (text, -1, keys.trusted, PD_DECLARATION_ERROR_CORRUPT);
  }
  with_tail = g_byte_array_new ();
  g_byte_array_append (with_tail, g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated));
  g_byte_array_append (with_tail, (const guint8 *) "tail", 4);
  {
    g_autofree char *text = seal_raw (&keys, with_tail->data, with_tail->len);

    assert_refused (text, -1, keys.trusted, PD_DECLARATION_ERROR_CORRUPT);
  }

  /* A decompression bomb: 1 MiB of zeros is about 1 KB deflated */
  bomb = deflate_bytes (zeros, 1 << 20);
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 2000);
  {
    g_autofree char *text = seal_raw (&keys, g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb));

    assert_refused (text, -1, keys.trusted, PD_DECLARATION_ERROR_TOO_LARGE);
  }

  /* Content that is not a canonical field list */
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *text = seal_content (&keys, broken[i].content, broken[i].length);

      g_test_message ("broken content %u", i);
      assert_refused (text, -1, keys.trusted, broken[i].code);
    }

  /* The smallest valid content, and one with a field from a later revision */
  {
    g_autofree char *text = seal_content (&keys, valid, sizeof valid);

    qr = pd_declaration_qr_decode (text, -1, keys.trusted, &error);
    g_assert_no_error (error);
    g_assert_cmpint (qr->signed_at, ==, 1);
    g_assert_cmpstr (pd_dossier_get_field (qr->dossier, PD_FIELD_FULL_NAME), ==, "ABC");
    g_clear_pointer (&qr, pd_declaration_qr_free);
  }
  {
    g_autofree char *text = seal_content (&keys, unknown_tag, sizeof unknown_tag);

    qr = pd_declaration_qr_decode (text, -1, keys.trusted, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (qr->n_unknown_fields, ==, 1);
    g_assert_cmpstr (pd_dossier_get_field (qr->dossier, PD_FIELD_FULL_NAME), ==, "A");
  }

  keys_clear (&keys);
}

static void
test_qr_encode_errors (void)
{
  Keys keys;
  g_autoptr(PdDossier) dossier = make_declaration ();
  g_autoptr(GBytes) short_key = g_bytes_new ("0123456789", 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *long_id = g_strnfill (PD_DECLARATION_KEY_ID_MAX + 1, 'k');
  GString *huge = g_string_new (NULL);

  keys_init (&keys);

  text = pd_declaration_qr_encode (dossier, "HN-2026", short_key, 0, &error);
  g_assert_null (text);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
  g_clear_error (&error);

  text = pd_declaration_qr_encode (dossier, "bad key!", keys.secret_key, 0, &error);
  g_assert_null (text);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
  g_clear_error (&error);

  text = pd_declaration_qr_encode (dossier, long_id, keys.secret_key, 0, &error);
  g_assert_null (text);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
  g_clear_error (&error);

  /* Text that does not compress does not fit one QR code. */
  for (guint i = 0; i < 3000; i++)
    g_string_append_c (huge, "abcdefghijklmnopqrstuvwxyz"[g_random_int_range (0, 26)]);
  pd_dossier_set_field (dossier, PD_FIELD_REQUEST_REASON, huge->str);
  g_string_set_size (huge, 0);
  for (guint i = 0; i < 3000; i++)
    g_string_append_c (huge, "abcdefghijklmnopqrstuvwxyz"[g_random_int_range (0, 26)]);
  pd_dossier_set_field (dossier, PD_FIELD_EMPLOYER_ADDRESS, huge->str);
  g_string_free (huge, TRUE);
  text = pd_declaration_qr_encode (dossier, "HN-2026", keys.secret_key, 0, &error);
  g_assert_null (text);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG);

  keys_clear (&keys);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/declaration-code/build-and-parse", test_code_build_and_parse);
  g_test_add_func ("/declaration-code/typing", test_code_typing);
  g_test_add_func ("/declaration-code/invalid", test_code_invalid);
  g_test_add_func ("/declaration-code/catches-typos", test_code_catches_typos);
  g_test_add_func ("/declaration-code/generate", test_code_generate);
  g_test_add_func ("/declaration-qr/round-trip", test_qr_round_trip);
  g_test_add_func ("/declaration-qr/refused", test_qr_refused);
  g_test_add_func ("/declaration-qr/signed-but-broken", test_qr_signed_but_broken);
  g_test_add_func ("/declaration-qr/encode-errors", test_qr_encode_errors);

  return g_test_run ();
}
