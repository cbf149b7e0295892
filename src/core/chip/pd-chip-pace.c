/* pd-chip-pace.c: PACE's APDUs around OpenPACE's steps, reader and card sides. */
#define G_LOG_DOMAIN "pd-chip"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <eac/eac.h>
#include <eac/pace.h>

#include "pd-chip-error.h"
#include "pd-chip-pace.h"
#include "pd-tlv.h"

/* MSE:Set AT's password references (ICAO 9303-11, 4.4.4.1). */
#define PASSWORD_MRZ 0x01
#define PASSWORD_CAN 0x02

static void
init_openpace (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      EAC_init ();
      g_once_init_leave (&done, 1);
    }
}

/* An OpenPACE context for the PACE protocol @card_access offers; NULL when none. */
static EAC_CTX *
context_for (GBytes *card_access)
{
  const guint8 *data;
  gsize size;
  PdTlv tlv;
  EAC_CTX *ctx;

  if (card_access == NULL)
    return NULL;
  data = g_bytes_get_data (card_access, &size);
  /* OpenPACE trusts the lengths inside the file's SET (an element longer than the one holding
   * it is read past the end): only a well-formed tree reaches it, without the padding some
   * cards leave after it. */
  if (!pd_tlv_read (data, size, &tlv, NULL) || tlv.tag != 0x31 ||
      !pd_tlv_check_tree (&tlv, PD_TLV_MAX_DEPTH, NULL) || tlv.total_length > G_MAXINT)
    return NULL;
  size = tlv.total_length;
  init_openpace ();
  ctx = EAC_CTX_new ();
  if (ctx == NULL)
    return NULL;
  /* OpenPACE logs its parsing failures on stderr through OpenSSL's error queue; a card
   * without PACE is ordinary, so the queue is emptied rather than shown. */
  if (!EAC_CTX_init_ef_cardaccess (data, size, ctx) || ctx->pace_ctx == NULL ||
      ctx->pace_ctx->static_key == NULL)
    {
      ERR_clear_error ();
      EAC_CTX_clear_free (ctx);
      return NULL;
    }
  return ctx;
}

gboolean
pd_chip_pace_offered (GBytes *card_access)
{
  EAC_CTX *ctx = context_for (card_access);

  if (ctx == NULL)
    return FALSE;
  EAC_CTX_clear_free (ctx);
  return TRUE;
}

/* The PACE password of @key, as OpenPACE takes it. */
static PACE_SEC *
password_for (const PdChipBacKey *key,
              guint8             *reference)
{
  const char *can = pd_chip_bac_key_get_can (key);
  const char *mrz_info = pd_chip_bac_key_get_mrz_info (key);
  guint8 digest[SHA_DIGEST_LENGTH];
  PACE_SEC *secret;

  if (can != NULL)
    {
      *reference = PASSWORD_CAN;
      return PACE_SEC_new (can, strlen (can), PACE_CAN);
    }
  /* OpenPACE's own MRZ password type parses a whole MRZ; the key holds its information
   * already, whose SHA-1 is the password (ICAO 9303-11, 9.7.3). */
  *reference = PASSWORD_MRZ;
  SHA1 ((const guint8 *) mrz_info, strlen (mrz_info), digest);
  secret = PACE_SEC_new ((const char *) digest, sizeof digest, PACE_RAW);
  OPENSSL_cleanse (digest, sizeof digest);
  return secret;
}

/* A copy of @length bytes as OpenPACE takes them; NULL when out of memory. */
static BUF_MEM *
buf_new (const guint8 *data,
         gsize         length)
{
  BUF_MEM *buf = BUF_MEM_new ();

  if (buf == NULL || (length > 0 && BUF_MEM_grow (buf, length) != length))
    {
      BUF_MEM_free (buf);
      return NULL;
    }
  /* An empty object from the chip leaves both pointers NULL, which memcpy may not be given. */
  if (length > 0)
    memcpy (buf->data, data, length);
  return buf;
}

static void
append_object (GByteArray   *out,
               guint8        tag,
               const guint8 *value,
               gsize         length)
{
  /* DH public keys reach 256 bytes (2048-bit groups), ECDH ones 133 (P-521). */
  pd_tlv_append_header (out, tag, length);
  g_byte_array_append (out, value, length);
}

/* Dynamic authentication data: 7C around the object @tag, if any. */
static GByteArray *
dynamic_data (guint8         tag,
              const BUF_MEM *value)
{
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();

  if (value != NULL)
    append_object (inner, tag, (const guint8 *) value->data, value->length);
  append_object (out, 0x7C, inner->data, inner->len);
  return out;
}

gboolean
pd_chip_pace_find_object (const guint8  *data,
                          gsize          length,
                          guint          tag,
                          const guint8 **value,
                          gsize         *value_length)
{
  guint outer, inner;
  gsize outer_length, header, inner_length, inner_header;

  if (!pd_chip_tlv_header (data, length, &outer, &outer_length, &header) || outer != 0x7C ||
      outer_length != length - header)
    return FALSE;
  for (gsize i = header; i < length; i += inner_header + inner_length)
    {
      if (!pd_chip_tlv_header (data + i, length - i, &inner, &inner_length, &inner_header) ||
          inner_length > length - i - inner_header)
        return FALSE;
      if (inner == tag)
        {
          *value = data + i + inner_header;
          *value_length = inner_length;
          return TRUE;
        }
    }
  return FALSE;
}

typedef struct {
  PdChipPaceTransmit transmit;
  gpointer           user_data;
  guint8             reference;
} Channel;

static GError *
bad_answer (const char *what)
{
  g_debug ("PACE: %s", what);
  return g_error_new (PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                      _("The chip's answer during PACE could not be trusted (%s). Hold the "
                        "card still on the reader and read it again; if this repeats, the "
                        "chip may be damaged or not genuine."), what);
}

static GError *
crypto_failed (void)
{
  ERR_clear_error ();
  return g_error_new_literal (PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                              _("The system's cryptography library (OpenPACE) failed during "
                                "PACE with the chip. Read the card again; if this repeats, "
                                "report it with the card's kind."));
}

/* General Authenticate with @tag's object (none for the first step), and the answer's object
 * @answer_tag copied into a BUF_MEM. */
static BUF_MEM *
general_authenticate (Channel       *channel,
                      gboolean       last,
                      guint8         tag,
                      const BUF_MEM *value,
                      guint8         answer_tag,
                      GError       **error)
{
  g_autoptr(GByteArray) apdu = g_byte_array_new ();
  g_autoptr(GByteArray) data = dynamic_data (tag, value);
  g_autoptr(GBytes) answer = NULL;
  const guint8 *found;
  gsize found_length;
  guint16 sw = 0;
  guint8 header[4] = { last ? 0x00 : 0x10, 0x86, 0x00, 0x00 };

  g_byte_array_append (apdu, header, 4);
  if (data->len <= 0xFF)
    {
      g_byte_array_append (apdu, (const guint8 []) { data->len }, 1);
      g_byte_array_append (apdu, data->data, data->len);
      g_byte_array_append (apdu, (const guint8 []) { 0x00 }, 1);
    }
  else
    {
      /* A DH key in a 2048-bit group: only extended length carries it. */
      g_byte_array_append (apdu, (const guint8 []) { 0x00, data->len >> 8, data->len & 0xFF }, 3);
      g_byte_array_append (apdu, data->data, data->len);
      g_byte_array_append (apdu, (const guint8 []) { 0x00, 0x00 }, 2);
    }

  answer = channel->transmit (apdu->data, apdu->len, &sw, channel->user_data, error);
  if (answer == NULL)
    return NULL;
  /* The password shows as wrong only at the last step, where the chip checks the reader's
   * token; a chip may also refuse it earlier. */
  if ((sw & 0xFF00) == 0x6300 || sw == 0x6982)
    {
      if (channel->reference == PASSWORD_CAN)
        g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                             _("The card refused the access number (CAN): check the 6 digits "
                               "(on a CCCD, the last 6 of the ID number), or read the card "
                               "with the ID number, date of birth and expiry date."));
      else
        g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                             _("The card refused the key: check the ID number, date of birth "
                               "and expiry date scanned from the card."));
      return NULL;
    }
  if (sw != 0x9000)
    {
      g_autofree char *what = g_strdup_printf ("status %04X", sw);

      g_propagate_error (error, bad_answer (what));
      return NULL;
    }
  if (!pd_chip_pace_find_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                 answer_tag, &found, &found_length) ||
      found_length == 0)
    {
      g_propagate_error (error, bad_answer ("a General Authenticate answer is malformed"));
      return NULL;
    }
  return buf_new (found, found_length);
}

/* MSE:Set AT for mutual authentication with @ctx's protocol and the password @reference. */
static GBytes *
set_at (Channel  *channel,
        EAC_CTX  *ctx,
        guint8    reference,
        guint16  *sw,
        GError  **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GByteArray) apdu = g_byte_array_new ();
  const ASN1_OBJECT *oid = OBJ_nid2obj (ctx->pace_ctx->protocol);
  guint8 header[5] = { 0x00, 0x22, 0xC1, 0xA4 };

  append_object (data, 0x80, OBJ_get0_data (oid), OBJ_length (oid));
  append_object (data, 0x83, &reference, 1);
  /* The standardized domain parameters' ID (ICAO 9303-11 9.5.1): cards that list several want
   * it, and the others take it. */
  if (ctx->pace_ctx->id >= 0 && ctx->pace_ctx->id < 32)
    {
      guint8 id = ctx->pace_ctx->id;

      append_object (data, 0x84, &id, 1);
    }
  header[4] = data->len;
  g_byte_array_append (apdu, header, 5);
  g_byte_array_append (apdu, data->data, data->len);
  return channel->transmit (apdu->data, apdu->len, sw, channel->user_data, error);
}

PdChipSm *
pd_chip_pace_run (GBytes              *card_access,
                  const PdChipBacKey  *key,
                  PdChipPaceTransmit   transmit,
                  gpointer             user_data,
                  gboolean            *refused,
                  GError             **error)
{
  Channel channel = { transmit, user_data };
  EAC_CTX *ctx = context_for (card_access);
  PACE_SEC *secret = NULL;
  g_autoptr(GBytes) answer = NULL;
  BUF_MEM *nonce = NULL, *mapping = NULL, *card_mapping = NULL, *public_key = NULL;
  BUF_MEM *card_public_key = NULL, *token = NULL, *card_token = NULL;
  PdChipSm *sm = NULL;
  guint8 reference;
  guint16 sw = 0;

  *refused = FALSE;
  if (ctx == NULL)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_UNSUPPORTED,
                           _("The chip offers no PACE protocol Passdesk knows. Read it with "
                             "the ID number, date of birth and expiry date instead."));
      return NULL;
    }
  secret = password_for (key, &reference);
  channel.reference = reference;
  if (secret == NULL)
    {
      g_propagate_error (error, crypto_failed ());
      goto out;
    }

  answer = set_at (&channel, ctx, reference, &sw, error);
  if (answer == NULL)
    goto out;
  if (sw != 0x9000)
    {
      g_debug ("PACE: MSE:Set AT refused with %04X", sw);
      *refused = TRUE;
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_UNSUPPORTED,
                           _("The chip declined PACE with this key. Read it with the ID "
                             "number, date of birth and expiry date instead."));
      goto out;
    }

  /* Step 1: the chip's nonce, encrypted under the password's key. */
  nonce = general_authenticate (&channel, FALSE, 0, NULL, 0x80, error);
  if (nonce == NULL)
    goto out;
  if (!PACE_STEP2_dec_nonce (ctx, secret, nonce))
    {
      g_propagate_error (error, bad_answer ("the nonce does not decrypt"));
      goto out;
    }
  /* Step 2: generic mapping, the ephemeral domain parameters. */
  mapping = PACE_STEP3A_generate_mapping_data (ctx);
  if (mapping == NULL)
    {
      g_propagate_error (error, crypto_failed ());
      goto out;
    }
  card_mapping = general_authenticate (&channel, FALSE, 0x81, mapping, 0x82, error);
  if (card_mapping == NULL)
    goto out;
  if (!PACE_STEP3A_map_generator (ctx, card_mapping))
    {
      g_propagate_error (error, bad_answer ("its mapping data is not a key"));
      goto out;
    }
  /* Step 3: the key agreement. */
  public_key = PACE_STEP3B_generate_ephemeral_key (ctx);
  if (public_key == NULL)
    {
      g_propagate_error (error, crypto_failed ());
      goto out;
    }
  card_public_key = general_authenticate (&channel, FALSE, 0x83, public_key, 0x84, error);
  if (card_public_key == NULL)
    goto out;
  /* A chip that sends the reader's own key back would agree on a secret it need not know. */
  if ((card_public_key->length == public_key->length &&
       CRYPTO_memcmp (card_public_key->data, public_key->data, public_key->length) == 0) ||
      !PACE_STEP3B_compute_shared_secret (ctx, card_public_key))
    {
      g_propagate_error (error, bad_answer ("its ephemeral key is not acceptable"));
      goto out;
    }
  if (!PACE_STEP3C_derive_keys (ctx))
    {
      g_propagate_error (error, crypto_failed ());
      goto out;
    }
  /* Step 4: the tokens, proof that both sides know the password. */
  token = PACE_STEP3D_compute_authentication_token (ctx, card_public_key);
  if (token == NULL)
    {
      g_propagate_error (error, crypto_failed ());
      goto out;
    }
  card_token = general_authenticate (&channel, TRUE, 0x85, token, 0x86, error);
  if (card_token == NULL)
    goto out;
  if (PACE_STEP3D_verify_authentication_token (ctx, card_token) != 1)
    {
      g_propagate_error (error, bad_answer ("its authentication token does not hold"));
      goto out;
    }
  sm = pd_chip_sm_new_pace (g_steal_pointer (&ctx));
  if (sm == NULL)
    g_propagate_error (error, crypto_failed ());

out:
  ERR_clear_error ();
  PACE_SEC_clear_free (secret);
  BUF_MEM_clear_free (nonce);
  BUF_MEM_free (mapping);
  BUF_MEM_free (card_mapping);
  BUF_MEM_free (public_key);
  BUF_MEM_free (card_public_key);
  BUF_MEM_free (token);
  BUF_MEM_free (card_token);
  if (ctx != NULL)
    EAC_CTX_clear_free (ctx);
  return sm;
}

struct _PdChipPaceCard {
  GBytes   *card_access;
  char     *can;
  char     *mrz_info;
  EAC_CTX  *ctx;
  PACE_SEC *secret;
  guint     step;       /* the General Authenticate expected next, 0 to 3 */
  BUF_MEM  *reader_key; /* the reader's ephemeral public key, for the chip's token */
};

PdChipPaceCard *
pd_chip_pace_card_new (GBytes     *card_access,
                       const char *can,
                       const char *mrz_info)
{
  EAC_CTX *ctx = context_for (card_access);
  PdChipPaceCard *card;

  if (ctx == NULL)
    return NULL;
  EAC_CTX_clear_free (ctx);
  card = g_new0 (PdChipPaceCard, 1);
  card->card_access = g_bytes_ref (card_access);
  card->can = g_strdup (can);
  card->mrz_info = g_strdup (mrz_info);
  return card;
}

static void
card_restart (PdChipPaceCard *card)
{
  g_clear_pointer (&card->ctx, EAC_CTX_clear_free);
  g_clear_pointer (&card->secret, PACE_SEC_clear_free);
  g_clear_pointer (&card->reader_key, BUF_MEM_free);
  card->step = 0;
}

void
pd_chip_pace_card_free (PdChipPaceCard *card)
{
  if (card == NULL)
    return;
  card_restart (card);
  g_bytes_unref (card->card_access);
  g_free (card->can);
  g_free (card->mrz_info);
  g_free (card);
}

guint16
pd_chip_pace_card_set_at (PdChipPaceCard *card,
                          const guint8   *data,
                          gsize           length)
{
  guint outer;
  gsize value_length, header;
  const guint8 *oid = NULL, *reference = NULL;
  gsize oid_length = 0;
  const ASN1_OBJECT *expected;

  card_restart (card);
  for (gsize i = 0; i < length; i += header + value_length)
    {
      if (!pd_chip_tlv_header (data + i, length - i, &outer, &value_length, &header) ||
          value_length > length - i - header)
        return 0x6A80;
      if (outer == 0x80)
        {
          oid = data + i + header;
          oid_length = value_length;
        }
      else if (outer == 0x83 && value_length == 1)
        reference = data + i + header;
    }
  card->ctx = context_for (card->card_access);
  if (card->ctx == NULL)
    return 0x6F00;
  expected = OBJ_nid2obj (card->ctx->pace_ctx->protocol);
  if (oid == NULL || reference == NULL || oid_length != (gsize) OBJ_length (expected) ||
      memcmp (oid, OBJ_get0_data (expected), oid_length) != 0)
    {
      card_restart (card);
      return 0x6A80;
    }
  if (*reference == PASSWORD_CAN && card->can != NULL)
    card->secret = PACE_SEC_new (card->can, strlen (card->can), PACE_CAN);
  else if (*reference == PASSWORD_MRZ && card->mrz_info != NULL)
    {
      guint8 digest[SHA_DIGEST_LENGTH];

      SHA1 ((const guint8 *) card->mrz_info, strlen (card->mrz_info), digest);
      card->secret = PACE_SEC_new ((const char *) digest, sizeof digest, PACE_RAW);
    }
  if (card->secret == NULL)
    {
      card_restart (card);
      return 0x6A88;
    }
  return 0x9000;
}

static guint16
card_answer (GByteArray *out,
             guint8      tag,
             BUF_MEM    *value)
{
  g_autoptr(GByteArray) data = dynamic_data (tag, value);

  g_byte_array_append (out, data->data, data->len);
  BUF_MEM_free (value);
  return 0x9000;
}

guint16
pd_chip_pace_card_authenticate (PdChipPaceCard *card,
                                const guint8   *data,
                                gsize           length,
                                GByteArray     *out,
                                PdChipSm      **sm)
{
  static const guint8 tags[] = { 0, 0x81, 0x83, 0x85 };
  const guint8 *value = NULL;
  gsize value_length = 0;
  BUF_MEM *in = NULL, *mine;
  guint16 sw = 0x6A80;

  *sm = NULL;
  if (card->ctx == NULL || card->secret == NULL)
    return 0x6985;
  if (card->step == 0 ? !(length == 2 && data[0] == 0x7C && data[1] == 0)
      : !pd_chip_pace_find_object (data, length, tags[card->step], &value, &value_length))
    goto failed;
  if (value != NULL)
    in = buf_new (value, value_length);
  switch (card->step)
    {
    case 0:
      mine = PACE_STEP1_enc_nonce (card->ctx, card->secret);
      if (mine == NULL)
        goto failed;
      sw = card_answer (out, 0x80, mine);
      break;
    case 1:
      mine = PACE_STEP3A_generate_mapping_data (card->ctx);
      if (mine == NULL || !PACE_STEP3A_map_generator (card->ctx, in))
        {
          BUF_MEM_free (mine);
          goto failed;
        }
      sw = card_answer (out, 0x82, mine);
      break;
    case 2:
      mine = PACE_STEP3B_generate_ephemeral_key (card->ctx);
      if (mine == NULL || !PACE_STEP3B_compute_shared_secret (card->ctx, in) ||
          !PACE_STEP3C_derive_keys (card->ctx))
        {
          BUF_MEM_free (mine);
          goto failed;
        }
      card->reader_key = g_steal_pointer (&in);
      sw = card_answer (out, 0x84, mine);
      break;
    case 3:
      if (PACE_STEP3D_verify_authentication_token (card->ctx, in) != 1)
        {
          sw = 0x6300;
          goto failed;
        }
      mine = PACE_STEP3D_compute_authentication_token (card->ctx, card->reader_key);
      if (mine == NULL)
        goto failed;
      sw = card_answer (out, 0x86, mine);
      *sm = pd_chip_sm_new_pace (g_steal_pointer (&card->ctx));
      card_restart (card);
      BUF_MEM_free (in);
      return *sm != NULL ? sw : 0x6F00;
    default:
      g_assert_not_reached ();
    }
  card->step++;
  BUF_MEM_free (in);
  return sw;

failed:
  ERR_clear_error ();
  BUF_MEM_free (in);
  card_restart (card);
  return sw;
}
