/* test-chip-pace.c: PACE without a reader: the reader's side against the card's in one process,
 * with the CAN and with the MRZ, a wrong CAN; and PACE's AES secure messaging checked against
 * AES-CBC and AES-CMAC computed here with OpenSSL alone (ICAO 9303-11, 9.8), so that a mistake
 * both sides of pd-chip-sm.c would share cannot pass. */
#include "config.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <eac/eac.h>
#include <eac/pace.h>

#include "pd-core.h"
#include "chip/pd-chip-error.h"
#include "chip/pd-chip-pace.h"

/* id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1. */
static const guint8 card_access[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                      0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02,
                                      0x01, 0x0D };

typedef struct {
  PdChipPaceCard *card;
  PdChipSm       *card_sm;
  guint           commands;
} InProcess;

static GBytes *
card_answers (const guint8  *apdu,
              gsize          length,
              guint16       *sw,
              gpointer       user_data,
              GError       **error)
{
  InProcess *link = user_data;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  PdChipApdu parsed;

  link->commands++;
  g_assert_true (pd_chip_apdu_parse (apdu, length, &parsed));
  if (parsed.header[1] == 0x22)
    *sw = pd_chip_pace_card_set_at (link->card, parsed.data, parsed.lc);
  else
    {
      g_assert_cmpint (parsed.header[1], ==, 0x86);
      /* Command chaining on every step but the last. */
      g_assert_cmpint (parsed.header[0], ==, link->commands < 5 ? 0x10 : 0x00);
      *sw = pd_chip_pace_card_authenticate (link->card, parsed.data, parsed.lc, out, &link->card_sm);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A command wrapped by the reader is unwrapped by the card, and the answer back. */
static void
assert_channel (PdChipSm *reader,
                PdChipSm *card)
{
  static const guint8 select[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wrapped = pd_chip_sm_wrap_command (reader, select, sizeof select, &error);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) data = NULL;
  guint16 sw = 0;

  g_assert_no_error (error);
  plain = pd_chip_sm_unwrap_command (card, g_bytes_get_data (wrapped, NULL),
                                     g_bytes_get_size (wrapped), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), select, sizeof select);
  answer = pd_chip_sm_wrap_response (card, (const guint8 *) "hello", 5, 0x9000);
  data = pd_chip_sm_unwrap_response (reader, g_bytes_get_data (answer, NULL),
                                     g_bytes_get_size (answer), &sw, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sw, ==, 0x9000);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), "hello", 5);
}

static void
test_both_sides (gconstpointer data)
{
  gboolean with_can = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) access = g_bytes_new_static (card_access, sizeof card_access);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) mrz_key = pd_chip_bac_key_new ("L898902C", "690806", "940623", &error);
  g_autoptr(PdChipBacKey) can_key = pd_chip_bac_key_new_for_can ("123456", &error);
  g_autoptr(PdChipSm) sm = NULL;
  g_autoptr(PdChipSm) card_sm = NULL;
  PdChipBacKey *key = with_can ? can_key : mrz_key;
  InProcess link = { 0 };
  gboolean refused = TRUE;

  g_assert_no_error (error);
  g_assert_true (pd_chip_pace_offered (access));
  link.card = pd_chip_pace_card_new (access, "123456", pd_chip_bac_key_get_mrz_info (mrz_key));
  sm = pd_chip_pace_run (access, key, card_answers, &link, &refused, &error);
  g_assert_no_error (error);
  g_assert_false (refused);
  g_assert_nonnull (sm);
  g_assert_cmpuint (link.commands, ==, 5);
  card_sm = g_steal_pointer (&link.card_sm);
  g_assert_nonnull (card_sm);
  assert_channel (sm, card_sm);
  assert_channel (sm, card_sm);
  pd_chip_pace_card_free (link.card);
}

/* DH generic mapping in the 2048-bit group (standardized parameters 2): 256-byte keys, whose
 * General Authenticate needs two length bytes and extended length. */
static void
test_dh (void)
{
  guint8 dh_access[sizeof card_access];
  g_autoptr(GBytes) access = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new_for_can ("123456", &error);
  g_autoptr(PdChipSm) sm = NULL;
  g_autoptr(PdChipSm) card_sm = NULL;
  InProcess link = { 0 };
  gboolean refused = TRUE;

  memcpy (dh_access, card_access, sizeof card_access);
  dh_access[14] = 0x01;  /* id-PACE-DH-GM */
  dh_access[21] = 0x02;
  access = g_bytes_new (dh_access, sizeof dh_access);
  link.card = pd_chip_pace_card_new (access, "123456", NULL);
  g_assert_nonnull (link.card);
  sm = pd_chip_pace_run (access, key, card_answers, &link, &refused, &error);
  g_assert_no_error (error);
  card_sm = g_steal_pointer (&link.card_sm);
  assert_channel (sm, card_sm);
  pd_chip_pace_card_free (link.card);
}

static void
test_wrong_can (void)
{
  g_autoptr(GBytes) access = g_bytes_new_static (card_access, sizeof card_access);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new_for_can ("654321", &error);
  InProcess link = { 0 };
  gboolean refused = TRUE;
  PdChipSm *sm;

  link.card = pd_chip_pace_card_new (access, "123456", NULL);
  sm = pd_chip_pace_run (access, key, card_answers, &link, &refused, &error);
  g_assert_null (sm);
  g_assert_false (refused);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
  g_assert_null (link.card_sm);
  pd_chip_pace_card_free (link.card);
}

/* A card offers no PACE, or declines it: the reader may fall back to BAC. */
static void
test_not_offered (void)
{
  static const guint8 not_pace[] = { 0x31, 0x03, 0x02, 0x01, 0x00 };
  g_autoptr(GBytes) garbage = g_bytes_new_static (not_pace, sizeof not_pace);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  g_assert_false (pd_chip_pace_offered (NULL));
  g_assert_false (pd_chip_pace_offered (empty));
  g_assert_false (pd_chip_pace_offered (garbage));
  g_assert_null (pd_chip_pace_card_new (garbage, "123456", NULL));
}

static void
cmac (const guint8 key[16],
      const guint8 *data,
      gsize         length,
      guint8        mac[16])
{
  EVP_MAC *algorithm = EVP_MAC_fetch (NULL, "CMAC", NULL);
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_new (algorithm);
  char cipher[] = "AES-128-CBC";
  OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_CIPHER, cipher, 0),
                          OSSL_PARAM_construct_end () };
  gsize written = 0;

  g_assert_true (EVP_MAC_init (ctx, key, 16, params));
  g_assert_true (EVP_MAC_update (ctx, data, length));
  g_assert_true (EVP_MAC_final (ctx, mac, &written, 16));
  g_assert_cmpuint (written, ==, 16);
  EVP_MAC_CTX_free (ctx);
  EVP_MAC_free (algorithm);
}

static void
aes_cbc (const guint8  key[16],
         const guint8  iv[16],
         gboolean      encrypt,
         const guint8 *in,
         gsize         length,
         guint8       *out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int written = 0;

  g_assert_true (EVP_CipherInit_ex (ctx, EVP_aes_128_cbc (), NULL, key, iv, encrypt));
  EVP_CIPHER_CTX_set_padding (ctx, 0);
  g_assert_true (EVP_CipherUpdate (ctx, out, &written, in, length));
  g_assert_cmpint (written, ==, length);
  EVP_CIPHER_CTX_free (ctx);
}

/* PACE run with OpenPACE directly (both contexts here), then a READ BINARY with Le and a
 * command with data wrapped by pd-chip-sm.c and checked by hand: SSC 1 then 2 as 16 bytes,
 * IV = AES(K_enc, SSC), the data padded to 16 in DO'87, the MAC an AES-CMAC over
 * SSC || padded header || DOs padded, cut to 8 bytes. */
static void
test_aes_secure_messaging (void)
{
  static const guint8 update[] = { 0x00, 0xD6, 0x00, 0x00, 0x03, 0xAA, 0xBB, 0xCC };
  EAC_CTX *reader = EAC_CTX_new (), *card = EAC_CTX_new ();
  PACE_SEC *secret = PACE_SEC_new ("123456", 6, PACE_CAN);
  BUF_MEM *enc_nonce, *reader_map, *card_map, *reader_pub, *card_pub;
  guint8 k_enc[16], k_mac[16];
  g_autoptr(PdChipSm) sm = NULL;
  g_autoptr(GError) error = NULL;

  EAC_init ();
  g_assert_true (EAC_CTX_init_ef_cardaccess (card_access, sizeof card_access, reader));
  g_assert_true (EAC_CTX_init_ef_cardaccess (card_access, sizeof card_access, card));
  enc_nonce = PACE_STEP1_enc_nonce (card, secret);
  g_assert_true (PACE_STEP2_dec_nonce (reader, secret, enc_nonce));
  reader_map = PACE_STEP3A_generate_mapping_data (reader);
  card_map = PACE_STEP3A_generate_mapping_data (card);
  g_assert_true (PACE_STEP3A_map_generator (reader, card_map));
  g_assert_true (PACE_STEP3A_map_generator (card, reader_map));
  reader_pub = PACE_STEP3B_generate_ephemeral_key (reader);
  card_pub = PACE_STEP3B_generate_ephemeral_key (card);
  g_assert_true (PACE_STEP3B_compute_shared_secret (reader, card_pub));
  g_assert_true (PACE_STEP3B_compute_shared_secret (card, reader_pub));
  g_assert_true (PACE_STEP3C_derive_keys (reader));
  g_assert_cmpuint (reader->pace_ctx->ka_ctx->k_enc->length, ==, 16);
  memcpy (k_enc, reader->pace_ctx->ka_ctx->k_enc->data, 16);
  memcpy (k_mac, reader->pace_ctx->ka_ctx->k_mac->data, 16);
  sm = pd_chip_sm_new_pace (reader);
  g_assert_nonnull (sm);

  for (guint n = 1; n <= 2; n++)
    {
      static const guint8 read_binary[] = { 0x00, 0xB0, 0x00, 0x00, 0x04 };
      const guint8 *plain = n == 1 ? read_binary : update;
      gsize plain_length = n == 1 ? sizeof read_binary : sizeof update;
      g_autoptr(GBytes) wrapped = pd_chip_sm_wrap_command (sm, plain, plain_length, &error);
      g_autoptr(GByteArray) covered = g_byte_array_new ();
      const guint8 *w;
      gsize size, body;
      guint8 ssc[16] = { 0 }, iv[16], mac[16];
      static const guint8 zero_iv[16];

      g_assert_no_error (error);
      w = g_bytes_get_data (wrapped, &size);
      ssc[15] = n;
      g_assert_cmpint (w[0], ==, 0x0C);
      body = w[4];
      g_assert_cmpuint (size, ==, 5 + body + 1);
      g_byte_array_append (covered, ssc, 16);
      g_byte_array_append (covered, (const guint8 []) { 0x0C, plain[1], plain[2], plain[3], 0x80 }, 5);
      g_byte_array_set_size (covered, 32);
      memset (covered->data + 21, 0, 11);
      g_byte_array_append (covered, w + 5, body - 10);
      g_byte_array_append (covered, (const guint8 *) "\x80", 1);
      while (covered->len % 16 != 0)
        g_byte_array_append (covered, (const guint8 *) "", 1);
      cmac (k_mac, covered->data, covered->len, mac);
      g_assert_cmpmem (w + 5 + body - 10, 2, "\x8E\x08", 2);
      g_assert_cmpmem (w + 5 + body - 8, 8, mac, 8);
      if (n == 1)
        g_assert_cmpmem (w + 5, body - 10, "\x97\x01\x04", 3);
      else
        {
          guint8 decrypted[16];

          /* DO'87: 87 11 01 and one block. */
          g_assert_cmpmem (w + 5, 3, "\x87\x11\x01", 3);
          aes_cbc (k_enc, zero_iv, TRUE, ssc, 16, iv);
          aes_cbc (k_enc, iv, FALSE, w + 8, 16, decrypted);
          g_assert_cmpmem (decrypted, 4, "\xAA\xBB\xCC\x80", 4);
          for (guint i = 4; i < 16; i++)
            g_assert_cmpint (decrypted[i], ==, 0);
        }
    }

  PACE_SEC_clear_free (secret);
  EAC_CTX_clear_free (card);
  BUF_MEM_free (enc_nonce);
  BUF_MEM_free (reader_map);
  BUF_MEM_free (card_map);
  BUF_MEM_free (reader_pub);
  BUF_MEM_free (card_pub);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pd_core_init ();

  g_test_add_data_func ("/chip/pace/can", GINT_TO_POINTER (TRUE), test_both_sides);
  g_test_add_data_func ("/chip/pace/mrz", GINT_TO_POINTER (FALSE), test_both_sides);
  g_test_add_func ("/chip/pace/dh-2048", test_dh);
  g_test_add_func ("/chip/pace/wrong-can", test_wrong_can);
  g_test_add_func ("/chip/pace/not-offered", test_not_offered);
  g_test_add_func ("/chip/pace/aes-secure-messaging", test_aes_secure_messaging);
  return g_test_run ();
}
