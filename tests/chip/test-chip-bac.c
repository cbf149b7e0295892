/* test-chip-bac.c: BAC keys, mutual authentication and secure messaging against the worked
 * example of ICAO Doc 9303 part 11, appendix D (D.2 to D.4), and both sides against each
 * other. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "chip/pd-chip-bac.h"
#include "chip/pd-chip-error.h"

static GBytes *
hex (const char *text)
{
  gsize n = strlen (text) / 2;
  guint8 *data = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    data[i] = g_ascii_xdigit_value (text[2 * i]) << 4 | g_ascii_xdigit_value (text[2 * i + 1]);
  return g_bytes_new_take (data, n);
}

static char *
to_hex (const guint8 *data,
        gsize         length)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (out, "%02X", data[i]);
  return g_string_free (out, FALSE);
}

static void
assert_hex (const guint8 *data,
            gsize         length,
            const char   *expected)
{
  g_autofree char *text = to_hex (data, length);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected)
{
  g_assert_nonnull (bytes);
  assert_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected);
}

/* D.2: MRZ information, K_seed, K_enc, K_mac. */
static void
test_key_derivation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new ("L898902C", "690806", "940623", &error);
  guint8 k[PD_CHIP_KEY_BYTES];

  g_assert_no_error (error);
  g_assert_cmpstr (pd_chip_bac_key_get_mrz_info (key), ==, "L898902C<369080619406236");
  pd_chip_bac_key_get_seed (key, k);
  assert_hex (k, 16, "239AB9CB282DAF66231DC5A4DF6BFBAE");
  pd_chip_bac_key_get_enc (key, k);
  assert_hex (k, 16, "AB94FDECF2674FDFB9B391F85D7F76F2");
  pd_chip_bac_key_get_mac (key, k);
  assert_hex (k, 16, "7962D9ECE03D1ACD4C76089DCE131543");
}

/* From a TD3 MRZ (ICAO 9303 part 4's specimen): number with its filler, dates as printed. */
static void
test_key_from_mrz (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new_from_mrz (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (pd_chip_bac_key_get_mrz_info (key), ==, "L898902C3674081221204159");
}

/* A CCCD: the last 9 digits of the ID number, dates from GDate. */
static void
test_key_for_cccd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) birth = g_date_new_dmy (6, 8, 1969);
  g_autoptr(GDate) expiry = g_date_new_dmy (23, 6, 2034);
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new_for_cccd ("001069012345", birth, expiry, &error);
  g_autoptr(PdChipBacKey) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pd_chip_bac_key_get_mrz_info (key), ==, "069012345" "0" "690806" "1" "340623" "4");
  bad = pd_chip_bac_key_new_for_cccd ("0010690123", birth, expiry, &error);
  g_assert_null (bad);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
}

/* D.3: EXTERNAL AUTHENTICATE's data, the chip's answer, session keys and SSC. */
static void
test_authentication (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new ("L898902C", "690806", "940623", &error);
  g_autoptr(GBytes) rnd_ic = hex ("4608F91988702212");
  g_autoptr(GBytes) rnd_ifd = hex ("781723860C06C226");
  g_autoptr(GBytes) k_ifd = hex ("0B795240CB7049B01C19B33E32804F0B");
  g_autoptr(GBytes) k_ic = hex ("0B4F80323EB3191CB04970CB4052790B");
  g_autoptr(GBytes) answer = hex ("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");
  g_autoptr(PdChipSm) sm = NULL;
  g_autoptr(PdChipSm) card = NULL;
  guint8 data[40], card_answer[40], ssc[8];

  g_assert_true (pd_chip_bac_authenticate_data (key, g_bytes_get_data (rnd_ic, NULL),
                                                g_bytes_get_data (rnd_ifd, NULL),
                                                g_bytes_get_data (k_ifd, NULL), data));
  assert_hex (data, 40, "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
                        "5F1448EEA8AD90A7");

  /* The card side, given the example's K.IC, answers exactly the example's answer. */
  card = pd_chip_bac_answer (key, g_bytes_get_data (rnd_ic, NULL), g_bytes_get_data (k_ic, NULL),
                             data, 40, card_answer);
  g_assert_nonnull (card);
  assert_hex (card_answer, 40, "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
                               "2F2D235D074D7449");

  sm = pd_chip_bac_open (key, g_bytes_get_data (rnd_ic, NULL), g_bytes_get_data (rnd_ifd, NULL),
                         g_bytes_get_data (k_ifd, NULL), g_bytes_get_data (answer, NULL),
                         g_bytes_get_size (answer), &error);
  g_assert_no_error (error);
  pd_chip_sm_get_ssc (sm, ssc);
  assert_hex (ssc, 8, "887022120C06C226");

  /* A flipped bit in the chip's answer is refused. */
  card_answer[39] ^= 1;
  g_assert_null (pd_chip_bac_open (key, g_bytes_get_data (rnd_ic, NULL),
                                   g_bytes_get_data (rnd_ifd, NULL), g_bytes_get_data (k_ifd, NULL),
                                   card_answer, 40, &error));
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER);
}

/* D.3 session keys from K_seed = K.IFD xor K.IC. */
static void
test_session_keys (void)
{
  g_autoptr(GBytes) seed = hex ("0036D272F5C350ACAC50C3F572D23600");
  guint8 k[PD_CHIP_KEY_BYTES];

  pd_chip_bac_derive (g_bytes_get_data (seed, NULL), 1, k);
  assert_hex (k, 16, "979EC13B1CBFE9DCD01AB0FED307EAE5");
  pd_chip_bac_derive (g_bytes_get_data (seed, NULL), 2, k);
  assert_hex (k, 16, "F1CB1F1FB5ADF208806B89DC579DC1F8");
}

static PdChipSm *
example_sm (void)
{
  g_autoptr(GBytes) ks_enc = hex ("979EC13B1CBFE9DCD01AB0FED307EAE5");
  g_autoptr(GBytes) ks_mac = hex ("F1CB1F1FB5ADF208806B89DC579DC1F8");
  g_autoptr(GBytes) ssc = hex ("887022120C06C226");

  return pd_chip_sm_new (g_bytes_get_data (ks_enc, NULL), g_bytes_get_data (ks_mac, NULL),
                         g_bytes_get_data (ssc, NULL));
}

static GBytes *
wrap (PdChipSm   *sm,
      const char *plain)
{
  g_autoptr(GBytes) apdu = hex (plain);
  g_autoptr(GError) error = NULL;
  GBytes *wrapped = pd_chip_sm_wrap_command (sm, g_bytes_get_data (apdu, NULL),
                                             g_bytes_get_size (apdu), &error);

  g_assert_no_error (error);
  return wrapped;
}

static GBytes *
unwrap (PdChipSm   *sm,
        const char *response,
        guint16    *sw,
        GError    **error)
{
  g_autoptr(GBytes) bytes = hex (response);

  return pd_chip_sm_unwrap_response (sm, g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes), sw, error);
}

/* D.4: SELECT EF.COM, READ BINARY of 4 bytes, then of the remaining 18. */
static void
test_secure_messaging (void)
{
  g_autoptr(PdChipSm) sm = example_sm ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) command = NULL;
  g_autoptr(GBytes) data = NULL;
  guint16 sw = 0;
  guint8 ssc[8];

  command = wrap (sm, "00A4020C02011E");
  assert_bytes (command, "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
  data = unwrap (sm, "990290008E08FA855A5D4C50A8ED9000", &sw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_clear_pointer (&command, g_bytes_unref);
  g_clear_pointer (&data, g_bytes_unref);

  command = wrap (sm, "00B0000004");
  assert_bytes (command, "0CB000000D9701048E08ED6705417E96BA5500");
  data = unwrap (sm, "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000", &sw, &error);
  g_assert_no_error (error);
  assert_bytes (data, "60145F01");
  g_clear_pointer (&command, g_bytes_unref);
  g_clear_pointer (&data, g_bytes_unref);

  command = wrap (sm, "00B0000412");
  assert_bytes (command, "0CB000040D9701128E082EA28A70F3C7B53500");
  data = unwrap (sm, "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
                &sw, &error);
  g_assert_no_error (error);
  assert_bytes (data, "04303130365F36063034303030305C026175");
  pd_chip_sm_get_ssc (sm, ssc);
  assert_hex (ssc, 8, "887022120C06C22C");
}

/* A response whose MAC does not match is an error, never data. */
static void
test_bad_mac (void)
{
  g_autoptr(PdChipSm) sm = example_sm ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) command = wrap (sm, "00A4020C02011E");
  g_autoptr(GBytes) data = NULL;
  guint16 sw = 0;

  data = unwrap (sm, "990290008E08FA855A5D4C50A8EE9000", &sw, &error);
  g_assert_null (data);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER);
}

/* The card side of the example: the reader's protected SELECT unwraps to the plain command, and
 * the card's answer is the example's. */
static void
test_card_side (void)
{
  g_autoptr(PdChipSm) card = example_sm ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) protected_apdu = hex ("0CB000000D9701048E08ED6705417E96BA5500");
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) skip = hex ("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
  g_autoptr(GBytes) skipped = NULL;
  g_autoptr(GBytes) select_answer = NULL;

  skipped = pd_chip_sm_unwrap_command (card, g_bytes_get_data (skip, NULL),
                                       g_bytes_get_size (skip), &error);
  g_assert_no_error (error);
  assert_bytes (skipped, "00A4020C02011E");
  select_answer = pd_chip_sm_wrap_response (card, NULL, 0, 0x9000);
  assert_bytes (select_answer, "990290008E08FA855A5D4C50A8ED9000");

  plain = pd_chip_sm_unwrap_command (card, g_bytes_get_data (protected_apdu, NULL),
                                     g_bytes_get_size (protected_apdu), &error);
  g_assert_no_error (error);
  assert_bytes (plain, "00B0000004");
  answer = pd_chip_sm_wrap_response (card, (const guint8 *) "\x60\x14\x5F\x01", 4, 0x9000);
  assert_bytes (answer, "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000");
}

/* Extended-length commands and long answers go both ways. */
static void
test_round_trip (void)
{
  g_autoptr(PdChipSm) reader = example_sm ();
  g_autoptr(PdChipSm) card = example_sm ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) command = wrap (reader, "00B00004" "00FF00");
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree guint8 *payload = g_malloc (0xFF00);
  guint16 sw = 0;

  for (guint i = 0; i < 0xFF00; i++)
    payload[i] = i * 7;
  plain = pd_chip_sm_unwrap_command (card, g_bytes_get_data (command, NULL),
                                     g_bytes_get_size (command), &error);
  g_assert_no_error (error);
  assert_bytes (plain, "00B0000400FF00");
  answer = pd_chip_sm_wrap_response (card, payload, 0xFF00, 0x9000);
  data = pd_chip_sm_unwrap_response (reader, g_bytes_get_data (answer, NULL),
                                     g_bytes_get_size (answer), &sw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), payload, 0xFF00);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pd_core_init ();
  g_test_add_func ("/chip/bac/key-derivation", test_key_derivation);
  g_test_add_func ("/chip/bac/key-from-mrz", test_key_from_mrz);
  g_test_add_func ("/chip/bac/key-for-cccd", test_key_for_cccd);
  g_test_add_func ("/chip/bac/authentication", test_authentication);
  g_test_add_func ("/chip/bac/session-keys", test_session_keys);
  g_test_add_func ("/chip/sm/icao-example", test_secure_messaging);
  g_test_add_func ("/chip/sm/bad-mac", test_bad_mac);
  g_test_add_func ("/chip/sm/card-side", test_card_side);
  g_test_add_func ("/chip/sm/round-trip", test_round_trip);
  return g_test_run ();
}
