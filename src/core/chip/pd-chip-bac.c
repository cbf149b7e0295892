/* pd-chip-bac.c: BAC keys from the MRZ and the mutual authentication (ICAO 9303 part 11, 4.3). */
#define G_LOG_DOMAIN "pd-chip"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "pd-chip-bac.h"
#include "pd-chip-error.h"
#include "pd-mrz.h"

struct _PdChipBacKey {
  char   *mrz_info;
  char   *can;
  guint8  seed[PD_CHIP_KEY_BYTES];
  guint8  k_enc[PD_CHIP_KEY_BYTES];
  guint8  k_mac[PD_CHIP_KEY_BYTES];
};

void
pd_chip_bac_derive (const guint8 seed[PD_CHIP_KEY_BYTES],
                    guint32      counter,
                    guint8       key[PD_CHIP_KEY_BYTES])
{
  guint8 input[PD_CHIP_KEY_BYTES + 4];
  guint8 digest[SHA_DIGEST_LENGTH];

  memcpy (input, seed, PD_CHIP_KEY_BYTES);
  input[16] = counter >> 24;
  input[17] = counter >> 16;
  input[18] = counter >> 8;
  input[19] = counter;
  SHA1 (input, sizeof input, digest);
  for (guint i = 0; i < PD_CHIP_KEY_BYTES; i++)
    {
      /* DES parity: each byte has an odd number of ones. */
      guint8 b = digest[i] & 0xFE;

      key[i] = b | !(__builtin_popcount (b) & 1);
    }
  OPENSSL_cleanse (input, sizeof input);
  OPENSSL_cleanse (digest, sizeof digest);
}

static gboolean
is_mrz_field (const char *text,
              gboolean    digits_only)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && (digits_only || !((*p >= 'A' && *p <= 'Z') || *p == '<')))
      return FALSE;
  return TRUE;
}

PdChipBacKey *
pd_chip_bac_key_new (const char  *document_number,
                     const char  *birth_yymmdd,
                     const char  *expiry_yymmdd,
                     GError     **error)
{
  g_autoptr(GString) info = g_string_new (NULL);
  PdChipBacKey *key;
  guint8 digest[SHA_DIGEST_LENGTH];

  if (!is_mrz_field (document_number, FALSE) || strlen (document_number) > 22 ||
      !is_mrz_field (birth_yymmdd, TRUE) || strlen (birth_yymmdd) != 6 ||
      !is_mrz_field (expiry_yymmdd, TRUE) || strlen (expiry_yymmdd) != 6)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The document number or a date for the chip's key is not valid: "
                             "scan the card's MRZ or type the number and dates again."));
      return NULL;
    }
  g_string_append (info, document_number);
  while (info->len < 9)
    g_string_append_c (info, '<');
  g_string_append_c (info, pd_mrz_check_digit (info->str, info->len));
  g_string_append (info, birth_yymmdd);
  g_string_append_c (info, pd_mrz_check_digit (birth_yymmdd, 6));
  g_string_append (info, expiry_yymmdd);
  g_string_append_c (info, pd_mrz_check_digit (expiry_yymmdd, 6));

  key = g_new0 (PdChipBacKey, 1);
  SHA1 ((const guint8 *) info->str, info->len, digest);
  memcpy (key->seed, digest, PD_CHIP_KEY_BYTES);
  OPENSSL_cleanse (digest, sizeof digest);
  pd_chip_bac_derive (key->seed, 1, key->k_enc);
  pd_chip_bac_derive (key->seed, 2, key->k_mac);
  key->mrz_info = g_string_free (g_steal_pointer (&info), FALSE);
  return key;
}

static char *
format_yymmdd (const GDate *date)
{
  if (date == NULL || !g_date_valid (date))
    return NULL;
  return g_strdup_printf ("%02u%02u%02u", g_date_get_year (date) % 100,
                          (guint) g_date_get_month (date), g_date_get_day (date));
}

PdChipBacKey *
pd_chip_bac_key_new_for_cccd (const char   *id_number,
                              const GDate  *birth,
                              const GDate  *expiry,
                              GError      **error)
{
  g_autofree char *birth_text = format_yymmdd (birth);
  g_autofree char *expiry_text = format_yymmdd (expiry);
  PdChipBacKey *key;
  char can[7];

  if (id_number == NULL || strlen (id_number) != 12 || !is_mrz_field (id_number, TRUE))
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The ID number must be the card's 12 digits."));
      return NULL;
    }
  if (birth_text == NULL || expiry_text == NULL)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The chip's key needs the card's date of birth and expiry date."));
      return NULL;
    }
  /* The chip's document number is the ID number without its first three digits (the province
   * code), as printed in the card's MRZ. */
  key = pd_chip_bac_key_new (id_number + 3, birth_text, expiry_text, error);
  if (key != NULL && pd_chip_cccd_can (id_number, can))
    key->can = g_strdup (can);
  return key;
}

gboolean
pd_chip_cccd_can (const char *id_number,
                  char        can[7])
{
  if (id_number == NULL || strlen (id_number) != 12 || strspn (id_number, "0123456789") != 12)
    return FALSE;
  memcpy (can, id_number + 6, 6);
  can[6] = '\0';
  return TRUE;
}

PdChipBacKey *
pd_chip_bac_key_new_for_can (const char  *can,
                             GError     **error)
{
  PdChipBacKey *key;

  if (can == NULL || strlen (can) != 6 || strspn (can, "0123456789") != 6)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The card access number (CAN) must be 6 digits: on a CCCD, the "
                             "last 6 digits of the ID number."));
      return NULL;
    }
  key = g_new0 (PdChipBacKey, 1);
  key->can = g_strdup (can);
  return key;
}

PdChipBacKey *
pd_chip_bac_key_new_from_mrz (const char  *mrz_text,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  PdMrz *mrz = pd_mrz_parse (mrz_text, -1, NULL, &local_error);
  PdChipBacKey *key;
  g_autofree char *number = NULL;
  const char *dates;

  if (mrz == NULL)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                   _("The MRZ cannot give the chip's key: %s"), local_error->message);
      return NULL;
    }
  if (!pd_mrz_is_valid (mrz))
    {
      pd_mrz_free (mrz);
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The MRZ's check digits do not hold: scan it again."));
      return NULL;
    }
  /* The dates as printed; the document number with its fillers turned back. */
  dates = mrz->format == PD_MRZ_FORMAT_TD1 ? mrz->lines[1] : mrz->lines[1] + 13;
  number = g_strdelimit (g_strdup (mrz->document_number), " ", '<');
  {
    g_autofree char *birth = g_strndup (dates, 6);
    g_autofree char *expiry = g_strndup (dates + 8, 6);

    key = pd_chip_bac_key_new (number, birth, expiry, error);
  }
  pd_mrz_free (mrz);
  return key;
}

PdChipBacKey *
pd_chip_bac_key_copy (const PdChipBacKey *key)
{
  PdChipBacKey *copy = g_new0 (PdChipBacKey, 1);

  *copy = *key;
  copy->mrz_info = g_strdup (key->mrz_info);
  copy->can = g_strdup (key->can);
  return copy;
}

void
pd_chip_bac_key_free (PdChipBacKey *key)
{
  if (key == NULL)
    return;
  if (key->mrz_info != NULL)
    OPENSSL_cleanse (key->mrz_info, strlen (key->mrz_info));
  g_free (key->mrz_info);
  if (key->can != NULL)
    OPENSSL_cleanse (key->can, strlen (key->can));
  g_free (key->can);
  OPENSSL_cleanse (key, sizeof *key);
  g_free (key);
}

const char *
pd_chip_bac_key_get_mrz_info (const PdChipBacKey *key)
{
  return key->mrz_info;
}

const char *
pd_chip_bac_key_get_can (const PdChipBacKey *key)
{
  return key->can;
}

void
pd_chip_bac_key_get_seed (const PdChipBacKey *key,
                          guint8              seed[PD_CHIP_KEY_BYTES])
{
  memcpy (seed, key->seed, PD_CHIP_KEY_BYTES);
}

void
pd_chip_bac_key_get_enc (const PdChipBacKey *key,
                         guint8              k_enc[PD_CHIP_KEY_BYTES])
{
  memcpy (k_enc, key->k_enc, PD_CHIP_KEY_BYTES);
}

void
pd_chip_bac_key_get_mac (const PdChipBacKey *key,
                         guint8              k_mac[PD_CHIP_KEY_BYTES])
{
  memcpy (k_mac, key->k_mac, PD_CHIP_KEY_BYTES);
}

/* E = 3DES(K_enc, a || b || k), M = MAC(K_mac, E): the 40 bytes both sides send. */
static gboolean
make_cryptogram (const PdChipBacKey *key,
                 const guint8        a[8],
                 const guint8        b[8],
                 const guint8        k[PD_CHIP_KEY_BYTES],
                 guint8              out[40])
{
  guint8 s[32];
  guint8 padded[40];
  gboolean ok;

  memcpy (s, a, 8);
  memcpy (s + 8, b, 8);
  memcpy (s + 16, k, 16);
  ok = pd_chip_3des_cbc (key->k_enc, TRUE, s, 32, out);
  memcpy (padded, out, 32);
  memcpy (padded + 32, "\x80\0\0\0\0\0\0\0", 8);
  ok = ok && pd_chip_retail_mac (key->k_mac, padded, 40, out + 32);
  OPENSSL_cleanse (s, sizeof s);
  return ok;
}

/* Checks the MAC of @data and returns its decrypted 32 bytes. */
static gboolean
open_cryptogram (const PdChipBacKey *key,
                 const guint8       *data,
                 gsize               length,
                 guint8              s[32])
{
  guint8 padded[40];
  guint8 mac[8];

  if (length != 40)
    return FALSE;
  memcpy (padded, data, 32);
  memcpy (padded + 32, "\x80\0\0\0\0\0\0\0", 8);
  return pd_chip_retail_mac (key->k_mac, padded, 40, mac) &&
         CRYPTO_memcmp (mac, data + 32, 8) == 0 &&
         pd_chip_3des_cbc (key->k_enc, FALSE, data, 32, s);
}

static PdChipSm *
session (const guint8 k_ifd[PD_CHIP_KEY_BYTES],
         const guint8 k_ic[PD_CHIP_KEY_BYTES],
         const guint8 rnd_ic[8],
         const guint8 rnd_ifd[8])
{
  guint8 seed[PD_CHIP_KEY_BYTES], ks_enc[PD_CHIP_KEY_BYTES], ks_mac[PD_CHIP_KEY_BYTES];
  guint8 ssc[8];
  PdChipSm *sm;

  for (guint i = 0; i < PD_CHIP_KEY_BYTES; i++)
    seed[i] = k_ifd[i] ^ k_ic[i];
  pd_chip_bac_derive (seed, 1, ks_enc);
  pd_chip_bac_derive (seed, 2, ks_mac);
  memcpy (ssc, rnd_ic + 4, 4);
  memcpy (ssc + 4, rnd_ifd + 4, 4);
  sm = pd_chip_sm_new (ks_enc, ks_mac, ssc);
  OPENSSL_cleanse (seed, sizeof seed);
  OPENSSL_cleanse (ks_enc, sizeof ks_enc);
  OPENSSL_cleanse (ks_mac, sizeof ks_mac);
  return sm;
}

gboolean
pd_chip_bac_authenticate_data (const PdChipBacKey *key,
                               const guint8        rnd_ic[8],
                               const guint8        rnd_ifd[8],
                               const guint8        k_ifd[PD_CHIP_KEY_BYTES],
                               guint8              data[40])
{
  return make_cryptogram (key, rnd_ifd, rnd_ic, k_ifd, data);
}

PdChipSm *
pd_chip_bac_open (const PdChipBacKey *key,
                  const guint8        rnd_ic[8],
                  const guint8        rnd_ifd[8],
                  const guint8        k_ifd[PD_CHIP_KEY_BYTES],
                  const guint8       *answer,
                  gsize               answer_length,
                  GError            **error)
{
  guint8 s[32];
  PdChipSm *sm = NULL;

  /* The chip proves it knows the key by sending back our nonce after its own. */
  if (open_cryptogram (key, answer, answer_length, s) &&
      memcmp (s, rnd_ic, 8) == 0 && memcmp (s + 8, rnd_ifd, 8) == 0)
    sm = session (k_ifd, s + 16, rnd_ic, rnd_ifd);
  else
    g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                         _("The chip's answer to the key could not be verified. Hold the card "
                           "still on the reader and read it again."));
  OPENSSL_cleanse (s, sizeof s);
  return sm;
}

PdChipSm *
pd_chip_bac_answer (const PdChipBacKey *key,
                    const guint8        rnd_ic[8],
                    const guint8        k_ic[PD_CHIP_KEY_BYTES],
                    const guint8       *data,
                    gsize               length,
                    guint8              answer[40])
{
  guint8 s[32];
  PdChipSm *sm = NULL;

  if (open_cryptogram (key, data, length, s) && memcmp (s + 8, rnd_ic, 8) == 0 &&
      make_cryptogram (key, rnd_ic, s, k_ic, answer))
    sm = session (s + 16, k_ic, rnd_ic, s);
  OPENSSL_cleanse (s, sizeof s);
  return sm;
}
