/* pd-crypto.c: sealing, blind indexes and the audit chain, on libsodium. */
#define G_LOG_DOMAIN "pd-crypto"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "pd-crypto.h"

/* crypto_kdf contexts are exactly 8 bytes; changing this or the ids below changes every key. */
#define KDF_CONTEXT "pdstore1"

enum {
  SUBKEY_SEAL = 1,
  SUBKEY_INDEX,
  SUBKEY_AUDIT,
  SUBKEY_CHECK,
};

struct _PdCryptoKeys
{
  guint8 seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  guint8 index[crypto_generichash_KEYBYTES];
  guint8 audit[crypto_generichash_KEYBYTES];
  guint8 check[crypto_generichash_BYTES];
};

G_STATIC_ASSERT (crypto_kdf_KEYBYTES == PD_CRYPTO_MASTER_KEY_BYTES);
G_STATIC_ASSERT (crypto_generichash_BYTES == PD_CRYPTO_HASH_BYTES);

G_DEFINE_QUARK (pd-crypto-error-quark, pd_crypto_error)

guint8 *
pd_crypto_master_key_new (void)
{
  guint8 *master = sodium_malloc (PD_CRYPTO_MASTER_KEY_BYTES);

  g_assert (master != NULL);
  crypto_kdf_keygen (master);
  return master;
}

void
pd_crypto_master_key_free (guint8 *master)
{
  if (master)
    sodium_free (master);
}

PdCryptoKeys *
pd_crypto_keys_new (const guint8 *master,
                    gsize         length)
{
  PdCryptoKeys *keys;

  g_return_val_if_fail (master != NULL, NULL);

  if (length != PD_CRYPTO_MASTER_KEY_BYTES)
    return NULL;

  /* sodium_malloc: guarded, locked pages that never reach swap, wiped by sodium_free(). */
  keys = sodium_malloc (sizeof *keys);
  g_assert (keys != NULL);
  crypto_kdf_derive_from_key (keys->seal, sizeof keys->seal, SUBKEY_SEAL, KDF_CONTEXT, master);
  crypto_kdf_derive_from_key (keys->index, sizeof keys->index, SUBKEY_INDEX, KDF_CONTEXT, master);
  crypto_kdf_derive_from_key (keys->audit, sizeof keys->audit, SUBKEY_AUDIT, KDF_CONTEXT, master);
  crypto_kdf_derive_from_key (keys->check, sizeof keys->check, SUBKEY_CHECK, KDF_CONTEXT, master);
  return keys;
}

void
pd_crypto_keys_free (PdCryptoKeys *keys)
{
  if (keys == NULL)
    return;
  sodium_memzero (keys, sizeof *keys);
  sodium_free (keys);
}

char *
pd_crypto_keys_get_check (PdCryptoKeys *keys)
{
  static const char label[] = "passdesk store key check";
  guint8 out[crypto_generichash_BYTES];
  char hex[sizeof out * 2 + 1];

  crypto_generichash (out, sizeof out, (const guint8 *) label, sizeof label - 1,
                      keys->check, sizeof keys->check);
  sodium_bin2hex (hex, sizeof hex, out, sizeof out);
  return g_strdup (hex);
}

GBytes *
pd_crypto_seal (PdCryptoKeys *keys,
                const void   *plain,
                gsize         length,
                const char   *ad)
{
  gsize size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + length +
               crypto_aead_xchacha20poly1305_ietf_ABYTES;
  guint8 *out = g_malloc (size);
  unsigned long long clen = 0;

  g_return_val_if_fail (ad != NULL, NULL);

  /* 192-bit random nonces: no counter to keep, no risk of reuse across crashes. */
  randombytes_buf (out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                              &clen, plain, length,
                                              (const guint8 *) ad, strlen (ad),
                                              NULL, out, keys->seal);
  return g_bytes_new_take (out, size);
}

GBytes *
pd_crypto_open (PdCryptoKeys  *keys,
                const void    *sealed,
                gsize          length,
                const char    *ad,
                GError       **error)
{
  const guint8 *in = sealed;
  unsigned long long plen = 0;
  guint8 *out;

  g_return_val_if_fail (ad != NULL, NULL);

  if (length < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    goto failed;

  out = g_malloc (length);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &plen, NULL,
                                                  in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                  length - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                  (const guint8 *) ad, strlen (ad),
                                                  in, keys->seal) != 0)
    {
      g_free (out);
      goto failed;
    }
  return g_bytes_new_take (out, plen);

failed:
  g_set_error_literal (error, PD_CRYPTO_ERROR, PD_CRYPTO_ERROR_FAILED,
                       "sealed data does not open");
  return NULL;
}

gint64
pd_crypto_blind_index (PdCryptoKeys *keys,
                       const char   *domain,
                       const char   *text)
{
  crypto_generichash_state state;
  guint8 out[crypto_generichash_BYTES_MIN];
  guint64 value = 0;

  /* The domain and a separator keep an ID number and a name word from ever colliding. */
  crypto_generichash_init (&state, keys->index, sizeof keys->index, sizeof out);
  crypto_generichash_update (&state, (const guint8 *) domain, strlen (domain) + 1);
  crypto_generichash_update (&state, (const guint8 *) text, strlen (text));
  crypto_generichash_final (&state, out, sizeof out);

  for (guint i = 0; i < 8; i++)
    value = (value << 8) | out[i];
  return (gint64) value;
}

static void
hash_int (crypto_generichash_state *state,
          gint64                    value)
{
  guint8 buf[8];

  for (guint i = 0; i < 8; i++)
    buf[i] = (guint8) ((guint64) value >> (8 * i));
  crypto_generichash_update (state, buf, sizeof buf);
}

/* Length-prefixed, with NULL distinct from "", so that moving bytes between fields changes
 * the hash. */
static void
hash_string (crypto_generichash_state *state,
             const char               *text)
{
  hash_int (state, text ? (gint64) strlen (text) : -1);
  if (text)
    crypto_generichash_update (state, (const guint8 *) text, strlen (text));
}

void
pd_crypto_audit_hash (PdCryptoKeys *keys,
                      const guint8 *previous,
                      gint64        seq,
                      gint64        at,
                      const char   *actor,
                      const char   *action,
                      const char   *subject,
                      const char   *detail,
                      guint8        out[PD_CRYPTO_HASH_BYTES])
{
  static const guint8 first[PD_CRYPTO_HASH_BYTES] = { 0 };
  crypto_generichash_state state;

  crypto_generichash_init (&state, keys->audit, sizeof keys->audit, PD_CRYPTO_HASH_BYTES);
  crypto_generichash_update (&state, previous ? previous : first, PD_CRYPTO_HASH_BYTES);
  hash_int (&state, seq);
  hash_int (&state, at);
  hash_string (&state, actor);
  hash_string (&state, action);
  hash_string (&state, subject);
  hash_string (&state, detail);
  crypto_generichash_final (&state, out, PD_CRYPTO_HASH_BYTES);
}

void
pd_crypto_setting_mac (PdCryptoKeys *keys,
                       const char   *name,
                       const char   *value,
                       guint8        out[PD_CRYPTO_HASH_BYTES])
{
  static const char domain[] = "passdesk signed setting";
  crypto_generichash_state state;

  crypto_generichash_init (&state, keys->audit, sizeof keys->audit, PD_CRYPTO_HASH_BYTES);
  crypto_generichash_update (&state, (const guint8 *) domain, sizeof domain);
  hash_string (&state, name);
  hash_string (&state, value);
  crypto_generichash_final (&state, out, PD_CRYPTO_HASH_BYTES);
}
