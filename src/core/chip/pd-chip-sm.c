/* pd-chip-sm.c: ICAO 9303 secure messaging, reader and card sides: 3DES with the retail MAC
 * after BAC, or whatever PACE agreed (AES with CMAC, or 3DES) through OpenPACE's session. */
#define G_LOG_DOMAIN "pd-chip"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <eac/eac.h>

#include "pd-chip-error.h"
#include "pd-chip-sm.h"
#include "pd-tlv.h"

struct _PdChipSm {
  guint8   ks_enc[PD_CHIP_KEY_BYTES];
  guint8   ks_mac[PD_CHIP_KEY_BYTES];
  guint8   ssc[8];
  /* PACE: OpenPACE keeps the session keys and the counter (as long as the cipher's block);
   * NULL after BAC. */
  EAC_CTX *pace;
  guint    block;
};

PdChipSm *
pd_chip_sm_new (const guint8 ks_enc[PD_CHIP_KEY_BYTES],
                const guint8 ks_mac[PD_CHIP_KEY_BYTES],
                const guint8 ssc[8])
{
  PdChipSm *sm = g_new0 (PdChipSm, 1);

  memcpy (sm->ks_enc, ks_enc, PD_CHIP_KEY_BYTES);
  memcpy (sm->ks_mac, ks_mac, PD_CHIP_KEY_BYTES);
  memcpy (sm->ssc, ssc, 8);
  sm->block = 8;
  return sm;
}

PdChipSm *
pd_chip_sm_new_pace (EAC_CTX *pace)
{
  PdChipSm *sm;

  if (!EAC_CTX_set_encryption_ctx (pace, EAC_ID_PACE))
    {
      EAC_CTX_clear_free (pace);
      return NULL;
    }
  sm = g_new0 (PdChipSm, 1);
  sm->pace = pace;
  sm->block = EVP_CIPHER_get_block_size (pace->key_ctx->cipher);
  return sm;
}

void
pd_chip_sm_free (PdChipSm *sm)
{
  if (sm == NULL)
    return;
  g_clear_pointer (&sm->pace, EAC_CTX_clear_free);
  OPENSSL_cleanse (sm, sizeof *sm);
  g_free (sm);
}

void
pd_chip_sm_get_ssc (PdChipSm *sm,
                    guint8    ssc[8])
{
  memcpy (ssc, sm->ssc, 8);
}

static void
increment_ssc (PdChipSm *sm)
{
  if (sm->pace != NULL)
    {
      EAC_increment_ssc (sm->pace);
      return;
    }
  for (int i = 7; i >= 0; i--)
    if (++sm->ssc[i] != 0)
      break;
}

void
pd_chip_pad (GByteArray *buffer)
{
  static const guint8 zero = 0, mark = 0x80;

  g_byte_array_append (buffer, &mark, 1);
  while (buffer->len % 8 != 0)
    g_byte_array_append (buffer, &zero, 1);
}

/* The same padding to the session cipher's block (16 bytes for AES). */
static void
pad_block (PdChipSm   *sm,
           GByteArray *buffer)
{
  static const guint8 zero = 0, mark = 0x80;

  g_byte_array_append (buffer, &mark, 1);
  while (buffer->len % sm->block != 0)
    g_byte_array_append (buffer, &zero, 1);
}

/* Strips ISO 9797-1 method 2 padding; FALSE when there is none. */
static gboolean
unpad (const guint8 *data,
       gsize        *length,
       guint         block)
{
  gsize n = *length;

  while (n > 0 && data[n - 1] == 0)
    n--;
  if (n == 0 || data[n - 1] != 0x80 || *length - n >= block)
    return FALSE;
  *length = n - 1;
  return TRUE;
}

static gboolean
des_ede_cbc (const guint8  key[PD_CHIP_KEY_BYTES],
             const guint8  iv[8],
             gboolean      encrypt,
             const guint8 *in,
             gsize         length,
             guint8       *out)
{
  EVP_CIPHER_CTX *ctx;
  int written = 0;
  gboolean ok;

  g_return_val_if_fail (length % 8 == 0 && length <= G_MAXINT, FALSE);
  if (length == 0)
    return TRUE;
  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL)
    return FALSE;
  ok = EVP_CipherInit_ex (ctx, EVP_des_ede_cbc (), NULL, key, iv, encrypt ? 1 : 0) == 1 &&
       EVP_CIPHER_CTX_set_padding (ctx, 0) == 1 &&
       EVP_CipherUpdate (ctx, out, &written, in, (int) length) == 1 &&
       (gsize) written == length;
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

gboolean
pd_chip_3des_cbc (const guint8  key[PD_CHIP_KEY_BYTES],
                  gboolean      encrypt,
                  const guint8 *in,
                  gsize         length,
                  guint8       *out)
{
  static const guint8 zero_iv[8];

  return des_ede_cbc (key, zero_iv, encrypt, in, length, out);
}

gboolean
pd_chip_retail_mac (const guint8  key[PD_CHIP_KEY_BYTES],
                    const guint8 *data,
                    gsize         length,
                    guint8        mac[8])
{
  /* Single DES is only in OpenSSL 3's legacy provider; 3DES with K1 = K2 is single DES, so the
   * CBC chain runs as 3DES(K1, K1) and the last block as 3DES(K1, K2), which is exactly the
   * retail MAC's final decrypt-with-K2, encrypt-with-K1. */
  guint8 k1k1[PD_CHIP_KEY_BYTES];
  guint8 chain[8] = { 0 };
  g_autofree guint8 *scratch = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (length >= 8 && length % 8 == 0, FALSE);
  memcpy (k1k1, key, 8);
  memcpy (k1k1 + 8, key, 8);
  if (length > 8)
    {
      scratch = g_malloc (length - 8);
      ok = des_ede_cbc (k1k1, chain, TRUE, data, length - 8, scratch);
      if (ok)
        memcpy (chain, scratch + length - 16, 8);
    }
  ok = ok && des_ede_cbc (key, chain, TRUE, data + length - 8, 8, mac);
  OPENSSL_cleanse (k1k1, sizeof k1k1);
  return ok;
}

gboolean
pd_chip_apdu_parse (const guint8 *apdu,
                    gsize         length,
                    PdChipApdu   *out)
{
  memset (out, 0, sizeof *out);
  if (length < 4)
    return FALSE;
  memcpy (out->header, apdu, 4);
  if (length == 4)
    return TRUE;
  if (length == 5)
    {
      out->le = apdu[4] == 0 ? 256 : apdu[4];
      return TRUE;
    }
  if (apdu[4] != 0)
    {
      out->lc = apdu[4];
      out->data = apdu + 5;
      if (length == 5 + out->lc)
        return TRUE;
      if (length == 6 + out->lc)
        {
          out->le = apdu[5 + out->lc] == 0 ? 256 : apdu[5 + out->lc];
          return TRUE;
        }
      return FALSE;
    }
  out->extended = TRUE;
  if (length < 7)
    return FALSE;
  if (length == 7)
    {
      out->le = (apdu[5] << 8 | apdu[6]) == 0 ? 65536 : (gsize) (apdu[5] << 8 | apdu[6]);
      return TRUE;
    }
  out->lc = apdu[5] << 8 | apdu[6];
  out->data = apdu + 7;
  if (out->lc == 0)
    return FALSE;
  if (length == 7 + out->lc)
    return TRUE;
  if (length == 9 + out->lc)
    {
      guint le = apdu[7 + out->lc] << 8 | apdu[8 + out->lc];

      out->le = le == 0 ? 65536 : le;
      return TRUE;
    }
  return FALSE;
}

gboolean
pd_chip_tlv_header (const guint8 *data,
                    gsize         length,
                    guint        *tag,
                    gsize        *value_length,
                    gsize        *header_length)
{
  gsize i = 0;
  guint t;
  gsize n;

  if (length < 2)
    return FALSE;
  t = data[i++];
  if ((t & 0x1F) == 0x1F)
    {
      do
        {
          if (i >= length || i >= 3)
            return FALSE;
          t = t << 8 | data[i];
        }
      while (data[i++] & 0x80);
    }
  if (i >= length)
    return FALSE;
  n = data[i++];
  if (n & 0x80)
    {
      guint bytes = n & 0x7F;

      /* 0x80 (indefinite) is not DER; over three length bytes is over 16 MB, no chip file. */
      if (bytes == 0 || bytes > 3 || i + bytes > length)
        return FALSE;
      n = 0;
      for (guint k = 0; k < bytes; k++)
        n = n << 8 | data[i++];
    }
  *tag = t;
  *value_length = n;
  *header_length = i;
  return TRUE;
}

/* @length bytes, a multiple of the block, through the session's cipher; PACE's IV is the
 * counter encrypted, so the counter must already count this message. */
static gboolean
sm_cipher (PdChipSm     *sm,
           gboolean      encrypt,
           const guint8 *in,
           gsize         length,
           guint8       *out)
{
  BUF_MEM input = { .length = length, .data = (char *) in, .max = length };
  BUF_MEM *result;
  gboolean ok;

  if (sm->pace == NULL)
    return pd_chip_3des_cbc (sm->ks_enc, encrypt, in, length, out);
  result = encrypt ? EAC_encrypt (sm->pace, &input) : EAC_decrypt (sm->pace, &input);
  ok = result != NULL && result->length == length;
  if (ok && length > 0)
    memcpy (out, result->data, length);
  BUF_MEM_clear_free (result);
  return ok;
}

/* DO'87 with @data encrypted under KS_enc, padded, after the 01 padding-content indicator. */
static gboolean
append_do87 (PdChipSm     *sm,
             GByteArray   *out,
             const guint8 *data,
             gsize         length)
{
  g_autoptr(GByteArray) padded = g_byte_array_sized_new (length + 16);
  static const guint8 indicator = 0x01;
  gsize start;
  gboolean ok;

  g_byte_array_append (padded, data, length);
  pad_block (sm, padded);
  pd_tlv_append_header (out, 0x87, padded->len + 1);
  g_byte_array_append (out, &indicator, 1);
  start = out->len;
  g_byte_array_set_size (out, start + padded->len);
  ok = sm_cipher (sm, TRUE, padded->data, padded->len, out->data + start);
  OPENSSL_cleanse (padded->data, padded->len);
  return ok;
}

/* The MAC of SSC || @data padded: the retail MAC after BAC, OpenPACE's (AES-CMAC or retail,
 * 8 bytes) after PACE. */
static gboolean
compute_mac (PdChipSm     *sm,
             const guint8 *data,
             gsize         length,
             guint8        mac[8])
{
  g_autoptr(GByteArray) input = g_byte_array_sized_new (length + 32);
  BUF_MEM *result;
  gboolean ok;

  if (sm->pace == NULL)
    {
      g_byte_array_append (input, sm->ssc, 8);
      g_byte_array_append (input, data, length);
      pd_chip_pad (input);
      return pd_chip_retail_mac (sm->ks_mac, input->data, input->len, mac);
    }
  /* The counter is one whole block: padding SSC || data is padding the data. */
  g_byte_array_append (input, data, length);
  pad_block (sm, input);
  result = EAC_authenticate (sm->pace, &(BUF_MEM) { .length = input->len,
                                                    .data = (char *) input->data,
                                                    .max = input->len });
  ok = result != NULL && result->length == 8;
  if (ok)
    memcpy (mac, result->data, 8);
  BUF_MEM_free (result);
  return ok;
}

static GError *
bad_answer (const char *what)
{
  /* The detail is for logs and bug reports; the officer's message says what to do. */
  g_debug ("secure messaging: %s", what);
  return g_error_new (PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                      _("The chip's answer could not be trusted (%s). Hold the card still on "
                        "the reader and read it again; if this repeats, the chip may be damaged "
                        "or not genuine."), what);
}

GBytes *
pd_chip_sm_wrap_command (PdChipSm      *sm,
                         const guint8  *apdu,
                         gsize          length,
                         GError       **error)
{
  PdChipApdu plain;
  g_autoptr(GByteArray) dos = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 header[4];
  guint8 mac[8];
  gboolean extended;

  if (!pd_chip_apdu_parse (apdu, length, &plain))
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                           _("Internal error: a command to the chip is malformed."));
      return NULL;
    }
  memcpy (header, plain.header, 4);
  header[0] |= 0x0C;

  increment_ssc (sm);
  if (plain.lc > 0 && !append_do87 (sm, dos, plain.data, plain.lc))
    goto crypto_failed;
  if (plain.le > 0)
    {
      guint8 do97[4] = { 0x97, 1, plain.le & 0xFF };

      if (plain.le > 256)
        {
          do97[1] = 2;
          do97[2] = (plain.le >> 8) & 0xFF;
          do97[3] = plain.le & 0xFF;
        }
      g_byte_array_append (dos, do97, 2 + do97[1]);
    }

  {
    g_autoptr(GByteArray) input = g_byte_array_new ();

    g_byte_array_append (input, header, 4);
    pad_block (sm, input);
    g_byte_array_append (input, dos->data, dos->len);
    if (!compute_mac (sm, input->data, input->len, mac))
      goto crypto_failed;
  }
  g_byte_array_append (dos, (const guint8 *) "\x8E\x08", 2);
  g_byte_array_append (dos, mac, 8);

  extended = plain.extended || dos->len > 255;
  g_byte_array_append (out, header, 4);
  if (extended)
    {
      guint8 lc[3] = { 0, dos->len >> 8, dos->len & 0xFF };

      g_byte_array_append (out, lc, 3);
      g_byte_array_append (out, dos->data, dos->len);
      g_byte_array_append (out, (const guint8 *) "\0\0", 2);
    }
  else
    {
      guint8 lc = dos->len;

      g_byte_array_append (out, &lc, 1);
      g_byte_array_append (out, dos->data, dos->len);
      g_byte_array_append (out, (const guint8 *) "\0", 1);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));

crypto_failed:
  g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                       _("The system's cryptography library failed to protect a command to the chip."));
  return NULL;
}

typedef struct {
  const guint8 *do87, *do97, *do99, *do8e;  /* each whole TLV */
  gsize do87_len, do97_len, do99_len, do8e_len;
  const guint8 *value87, *value97, *value99, *value8e;
  gsize value87_len, value97_len, value99_len, value8e_len;
} SmObjects;

/* Splits @body into the secure messaging data objects; a tag other than these, a repeated one,
 * or one that runs past the end is an error. */
static const char *
split_objects (const guint8 *body,
               gsize         length,
               SmObjects    *objects)
{
  gsize i = 0;

  memset (objects, 0, sizeof *objects);
  while (i < length)
    {
      guint tag;
      gsize value_length, header_length;
      const guint8 **whole, **value;
      gsize *whole_len, *value_len;

      if (!pd_chip_tlv_header (body + i, length - i, &tag, &value_length, &header_length) ||
          value_length > length - i - header_length)
        return "a data object runs past the end of the answer";
      switch (tag)
        {
        case 0x87: whole = &objects->do87; whole_len = &objects->do87_len;
                   value = &objects->value87; value_len = &objects->value87_len; break;
        case 0x97: whole = &objects->do97; whole_len = &objects->do97_len;
                   value = &objects->value97; value_len = &objects->value97_len; break;
        case 0x99: whole = &objects->do99; whole_len = &objects->do99_len;
                   value = &objects->value99; value_len = &objects->value99_len; break;
        case 0x8E: whole = &objects->do8e; whole_len = &objects->do8e_len;
                   value = &objects->value8e; value_len = &objects->value8e_len; break;
        default:
          return "an unexpected data object";
        }
      if (*whole != NULL)
        return "a repeated data object";
      *whole = body + i;
      *whole_len = header_length + value_length;
      *value = body + i + header_length;
      *value_len = value_length;
      i += header_length + value_length;
    }
  return NULL;
}

/* DO'87's plain content, NULL with *@why set when it is malformed. */
static GBytes *
decrypt_do87 (PdChipSm     *sm,
              SmObjects    *objects,
              const char  **why)
{
  g_autofree guint8 *plain = NULL;
  gsize n;

  if (objects->value87_len < 1 + sm->block || objects->value87[0] != 0x01 ||
      (objects->value87_len - 1) % sm->block != 0)
    {
      *why = "the encrypted data object is malformed";
      return NULL;
    }
  n = objects->value87_len - 1;
  plain = g_malloc (n);
  if (!sm_cipher (sm, FALSE, objects->value87 + 1, n, plain) || !unpad (plain, &n, sm->block))
    {
      *why = "the encrypted data does not decrypt";
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&plain), n);
}

static gboolean
check_mac (PdChipSm     *sm,
           const guint8 *covered,
           gsize         length,
           SmObjects    *objects)
{
  guint8 mac[8];

  increment_ssc (sm);
  return objects->value8e != NULL && objects->value8e_len == 8 &&
         compute_mac (sm, covered, length, mac) && CRYPTO_memcmp (mac, objects->value8e, 8) == 0;
}

GBytes *
pd_chip_sm_unwrap_response (PdChipSm      *sm,
                            const guint8  *response,
                            gsize          length,
                            guint16       *sw,
                            GError       **error)
{
  SmObjects objects;
  g_autoptr(GByteArray) covered = g_byte_array_new ();
  const char *why;
  guint16 outer;
  GBytes *data;

  if (length < 2)
    {
      g_propagate_error (error, bad_answer ("no status word"));
      return NULL;
    }
  outer = response[length - 2] << 8 | response[length - 1];
  if (length == 2)
    {
      /* A bare status word is the chip refusing the command; the reader does not trust it
       * further than that. Its counter moved on with the command. */
      increment_ssc (sm);
      if (outer == 0x9000)
        {
          g_propagate_error (error, bad_answer ("an unprotected success"));
          return NULL;
        }
      *sw = outer;
      return g_bytes_new (NULL, 0);
    }
  why = split_objects (response, length - 2, &objects);
  if (why == NULL && (objects.do99 == NULL || objects.value99_len != 2))
    why = "the status data object is missing";
  if (why == NULL && (objects.do8e == NULL || objects.do97 != NULL))
    why = "the MAC data object is missing";
  if (why == NULL && objects.do8e < objects.do99)
    why = "the MAC data object is not last";
  if (why != NULL)
    {
      increment_ssc (sm);
      g_propagate_error (error, bad_answer (why));
      return NULL;
    }
  if (objects.do87 != NULL)
    g_byte_array_append (covered, objects.do87, objects.do87_len);
  g_byte_array_append (covered, objects.do99, objects.do99_len);
  if (!check_mac (sm, covered->data, covered->len, &objects))
    {
      g_propagate_error (error, bad_answer ("its MAC does not match"));
      return NULL;
    }
  if (objects.do87 == NULL)
    data = g_bytes_new (NULL, 0);
  else if ((data = decrypt_do87 (sm, &objects, &why)) == NULL)
    {
      g_propagate_error (error, bad_answer (why));
      return NULL;
    }
  *sw = objects.value99[0] << 8 | objects.value99[1];
  return data;
}

GBytes *
pd_chip_sm_unwrap_command (PdChipSm      *sm,
                           const guint8  *apdu,
                           gsize          length,
                           GError       **error)
{
  PdChipApdu outer;
  SmObjects objects;
  g_autoptr(GByteArray) covered = g_byte_array_new ();
  g_autoptr(GByteArray) plain = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  const char *why = NULL;
  gsize le = 0;
  guint8 header[4];

  if (!pd_chip_apdu_parse (apdu, length, &outer) || (outer.header[0] & 0x0C) != 0x0C)
    why = "not a protected command";
  else
    why = split_objects (outer.data, outer.lc, &objects);
  if (why == NULL && (objects.do99 != NULL || objects.do8e == NULL))
    why = "the MAC data object is missing";
  if (why != NULL)
    {
      increment_ssc (sm);
      g_propagate_error (error, bad_answer (why));
      return NULL;
    }
  g_byte_array_append (covered, outer.header, 4);
  pad_block (sm, covered);
  if (objects.do87 != NULL)
    g_byte_array_append (covered, objects.do87, objects.do87_len);
  if (objects.do97 != NULL)
    g_byte_array_append (covered, objects.do97, objects.do97_len);
  if (!check_mac (sm, covered->data, covered->len, &objects))
    {
      g_propagate_error (error, bad_answer ("its MAC does not match"));
      return NULL;
    }
  if (objects.do87 != NULL && (data = decrypt_do87 (sm, &objects, &why)) == NULL)
    {
      g_propagate_error (error, bad_answer (why));
      return NULL;
    }
  if (objects.do97 != NULL)
    {
      if (objects.value97_len == 1)
        le = objects.value97[0] == 0 ? 256 : objects.value97[0];
      else if (objects.value97_len == 2)
        le = (objects.value97[0] << 8 | objects.value97[1]) == 0 ? 65536
             : (gsize) (objects.value97[0] << 8 | objects.value97[1]);
      else
        {
          g_propagate_error (error, bad_answer ("the Le data object is malformed"));
          return NULL;
        }
    }

  memcpy (header, outer.header, 4);
  header[0] &= ~0x0C;
  g_byte_array_append (plain, header, 4);
  {
    gsize lc = data != NULL ? g_bytes_get_size (data) : 0;
    gboolean extended = lc > 255 || le > 256;

    if (lc > 0)
      {
        guint8 lc_bytes[3] = { 0, lc >> 8, lc & 0xFF };

        if (extended)
          g_byte_array_append (plain, lc_bytes, 3);
        else
          g_byte_array_append (plain, lc_bytes + 2, 1);
        g_byte_array_append (plain, g_bytes_get_data (data, NULL), lc);
      }
    if (le > 0)
      {
        guint8 le_bytes[3] = { 0, (le >> 8) & 0xFF, le & 0xFF };

        if (!extended)
          g_byte_array_append (plain, le_bytes + 2, 1);
        else if (lc > 0)
          g_byte_array_append (plain, le_bytes + 1, 2);
        else
          g_byte_array_append (plain, le_bytes, 3);
      }
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&plain));
}

GBytes *
pd_chip_sm_wrap_response (PdChipSm     *sm,
                          const guint8 *data,
                          gsize         length,
                          guint16       sw)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 do99[4] = { 0x99, 2, sw >> 8, sw & 0xFF };
  guint8 mac[8];

  increment_ssc (sm);
  if (length > 0 && !append_do87 (sm, out, data, length))
    return NULL;
  g_byte_array_append (out, do99, 4);
  if (!compute_mac (sm, out->data, out->len, mac))
    return NULL;
  g_byte_array_append (out, (const guint8 *) "\x8E\x08", 2);
  g_byte_array_append (out, mac, 8);
  g_byte_array_append (out, do99 + 2, 2);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
